#include "dsp/loudness_bank.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "dsp/simd.hpp"

namespace auralis::dsp {

namespace {

/// Frames filtered per pass over the lanes.
constexpr std::int64_t block = 256;

/// Mean square of a 400 ms block at the -70 LUFS absolute gate (BS.1770: L = -0.691 +
/// 10 log10(mean square)).
double absolute_gate_energy() { return std::pow(10.0, (-70.0 + 0.691) / 10.0); }

} // namespace

loudness_bank::loudness_bank(int programmes, int rate) : programmes_(programmes) {
  if (programmes < 1)
    throw std::invalid_argument("loudness_bank: at least one programme");
  if (rate < 8000 || rate > 384000)
    throw std::invalid_argument("loudness_bank: sample rate out of range");
  lanes_ = (2 * programmes + 3) / 4 * 4;
  sub_block_frames_ = (rate + 5) / 10; // as libebur128 rounds 100 ms
  // K-weighting as libebur128 derives it for any rate: a high shelf (the head's
  // acoustic effect) and the RLB high-pass, each a biquad.
  const double pi = 3.14159265358979323846;
  double f0 = 1681.974450955533, gain_db = 3.999843853973347, q = 0.7071752369554196;
  double k = std::tan(pi * f0 / rate);
  const double vh = std::pow(10.0, gain_db / 20.0);
  const double vb = std::pow(vh, 0.4996667741545416);
  double a0 = 1.0 + k / q + k * k;
  const double shelf_b[3] = {(vh + vb * k / q + k * k) / a0, 2.0 * (k * k - vh) / a0,
                             (vh - vb * k / q + k * k) / a0};
  const double shelf_a[2] = {2.0 * (k * k - 1.0) / a0, (1.0 - k / q + k * k) / a0};
  f0 = 38.13547087602444;
  q = 0.5003270373238773;
  k = std::tan(pi * f0 / rate);
  a0 = 1.0 + k / q + k * k;
  const double pass_b[3] = {1.0, -2.0, 1.0};
  const double pass_a[2] = {2.0 * (k * k - 1.0) / a0, (1.0 - k / q + k * k) / a0};
  for (int i = 0; i < 3; ++i) {
    b_[0][i] = static_cast<float>(shelf_b[i]);
    b_[1][i] = static_cast<float>(pass_b[i]);
  }
  for (int i = 0; i < 2; ++i) {
    a_[0][i] = static_cast<float>(shelf_a[i]);
    a_[1][i] = static_cast<float>(pass_a[i]);
  }
  const auto lanes = static_cast<std::size_t>(lanes_);
  z_.assign(4 * lanes, 0.f);
  acc_.assign(lanes, 0.f);
  frames_.assign(static_cast<std::size_t>(block) * lanes, 0.f);
  energy_.assign(lanes, 0.0);
  sub_blocks_.resize(static_cast<std::size_t>(programmes));
}

void loudness_bank::add(const float* const* interleaved, std::int64_t frames) {
  if (frames < 0)
    throw std::invalid_argument("loudness_bank: negative frame count");
  const auto lanes = static_cast<std::size_t>(lanes_);
  std::int64_t done = 0;
  while (done < frames) {
    // Pieces end at the same timeline places whatever the calls' sizes (every `block`
    // frames of a sub-block and at its end), so the sums do not depend on them.
    const std::int64_t n = std::min(
      {block - in_sub_block_ % block, sub_block_frames_ - in_sub_block_, frames - done});
    // Lane-major: frame i's lanes are L0 R0 L1 R1 ... (padding lanes stay 0).
    for (int p = 0; p < programmes_; ++p) {
      const float* in = interleaved[p] + 2 * done;
      float* out = frames_.data() + 2 * p;
      for (std::int64_t i = 0; i < n; ++i) {
        const float l = in[2 * i], r = in[2 * i + 1];
        out[static_cast<std::size_t>(i) * lanes] = std::isfinite(l) ? l : 0.f;
        out[static_cast<std::size_t>(i) * lanes + 1] = std::isfinite(r) ? r : 0.f;
      }
    }
    run(n);
    done += n;
    in_sub_block_ += n;
    if (in_sub_block_ % block == 0 || in_sub_block_ == sub_block_frames_) {
      // At most one block of squares summed in float (relative error below 1e-4), then
      // added in double.
      for (std::size_t l = 0; l < lanes; ++l)
        energy_[l] += static_cast<double>(acc_[l]);
      std::fill(acc_.begin(), acc_.end(), 0.f);
    }
    if (in_sub_block_ == sub_block_frames_) {
      const double frames_in = static_cast<double>(sub_block_frames_);
      for (int p = 0; p < programmes_; ++p) {
        sub_blocks_[static_cast<std::size_t>(p)].push_back(
          (energy_[static_cast<std::size_t>(2 * p)] + energy_[static_cast<std::size_t>(2 * p + 1)]) /
          frames_in);
      }
      std::fill(energy_.begin(), energy_.end(), 0.0);
      in_sub_block_ = 0;
    }
  }
}

void loudness_bank::run(std::int64_t frames) {
  using simd::v4sf;
  const auto lanes = static_cast<std::size_t>(lanes_);
  const std::size_t groups = lanes / 4;
  const v4sf sb0 = simd::splat(b_[0][0]), sb1 = simd::splat(b_[0][1]), sb2 = simd::splat(b_[0][2]);
  const v4sf sa1 = simd::splat(a_[0][0]), sa2 = simd::splat(a_[0][1]);
  const v4sf hb0 = simd::splat(b_[1][0]), hb1 = simd::splat(b_[1][1]), hb2 = simd::splat(b_[1][2]);
  const v4sf ha1 = simd::splat(a_[1][0]), ha2 = simd::splat(a_[1][1]);
  float* z = z_.data();
  float* acc = acc_.data();
  // Frame by frame, every group of four lanes in turn: the groups' recursions are
  // independent, so they overlap in the pipeline. Transposed direct form II, two stages.
  for (std::int64_t i = 0; i < frames; ++i) {
    const float* x = frames_.data() + static_cast<std::size_t>(i) * lanes;
    for (std::size_t g = 0; g < groups; ++g) {
      float* zg = z + 16 * g;
      const v4sf in = simd::load(x + 4 * g);
      const v4sf y = sb0 * in + simd::load(zg);
      simd::store(zg, sb1 * in - sa1 * y + simd::load(zg + 4));
      simd::store(zg + 4, sb2 * in - sa2 * y);
      const v4sf k = hb0 * y + simd::load(zg + 8);
      simd::store(zg + 8, hb1 * y - ha1 * k + simd::load(zg + 12));
      simd::store(zg + 12, hb2 * y - ha2 * k);
      simd::store(acc + 4 * g, simd::load(acc + 4 * g) + k * k);
    }
  }
}

double loudness_bank::integrated_lufs(int p) const { return integrated_lufs(sub_blocks(p)); }

const std::vector<double>& loudness_bank::sub_blocks(int p) const {
  if (p < 0 || p >= programmes_)
    throw std::out_of_range("loudness_bank: no programme " + std::to_string(p));
  return sub_blocks_[static_cast<std::size_t>(p)];
}

double loudness_bank::integrated_lufs(const std::vector<double>& s) {
  const double gate = absolute_gate_energy();
  std::vector<double> blocks;
  for (std::size_t j = 3; j < s.size(); ++j) {
    const double e = (s[j - 3] + s[j - 2] + s[j - 1] + s[j]) / 4.0;
    if (e >= gate)
      blocks.push_back(e);
  }
  if (blocks.empty())
    return -std::numeric_limits<double>::infinity();
  double sum = 0;
  for (double e : blocks)
    sum += e;
  const double relative = sum / static_cast<double>(blocks.size()) * 0.1; // -10 LU
  double kept = 0;
  std::size_t count = 0;
  for (double e : blocks)
    if (e >= relative) {
      kept += e;
      ++count;
    }
  if (count == 0)
    return -std::numeric_limits<double>::infinity();
  return 10.0 * std::log10(kept / static_cast<double>(count)) - 0.691;
}

} // namespace auralis::dsp
