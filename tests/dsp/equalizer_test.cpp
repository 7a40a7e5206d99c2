#define BOOST_TEST_MODULE equalizer
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <vector>

#include "dsp/equalizer.hpp"
#include "test_support.hpp"

using auralis::config::eq_gains;
using auralis::dsp::equalizer;

namespace {

constexpr int rate = 48000;
const double pi = 3.141592653589793;

std::vector<float> sine(double hz, double amplitude, std::int64_t frames) {
  std::vector<float> v(static_cast<std::size_t>(2 * frames));
  for (std::int64_t i = 0; i < frames; ++i) {
    v[2 * i] = static_cast<float>(amplitude * std::sin(2 * pi * hz * i / rate));
    v[2 * i + 1] = static_cast<float>(-amplitude * std::sin(2 * pi * hz * i / rate));
  }
  return v;
}

/// Peak of the left channel over the second half (after the filters settled).
double settled_peak(const std::vector<float>& v) {
  double p = 0;
  for (std::size_t i = v.size() / 2; i < v.size(); i += 2)
    p = std::max(p, static_cast<double>(std::fabs(v[i])));
  return p;
}

const eq_gains warm{1.5, 1.2, 0.3, -0.3, 0.8};

} // namespace

BOOST_AUTO_TEST_CASE(a_sine_comes_out_scaled_by_the_designed_response) {
  for (double blend : {1.0, 0.6}) {
    equalizer eq(warm, blend, rate);
    BOOST_TEST(eq.sections().size() == 5u);
    for (double hz : {60.0, 400.0, 1500.0, 5000.0, 12000.0}) {
      eq.reset();
      auto v = sine(hz, 0.5, rate / 2);
      eq.process(v.data(), v.data(), rate / 2);
      const double gain_db = 20 * std::log10(settled_peak(v) / 0.5);
      BOOST_TEST(std::fabs(gain_db - eq.response_db(hz)) < 0.02,
                 hz << " Hz blend " << blend << ": " << gain_db << " vs " << eq.response_db(hz));
    }
  }
  // The dry blend pulls the response towards 0 dB.
  BOOST_TEST(equalizer(warm, 0.6, rate).response_db(60) <
             equalizer(warm, 1.0, rate).response_db(60));
  BOOST_TEST(std::fabs(equalizer(warm, 0.0, rate).response_db(60)) < 1e-12);
}

BOOST_AUTO_TEST_CASE(flat_gains_have_no_sections_and_pass_the_signal_unchanged) {
  equalizer eq(eq_gains{}, 1.0, rate);
  BOOST_TEST(eq.sections().empty());
  const auto in = auralis::test::music_like(1000, rate);
  std::vector<float> out(in.size());
  eq.process(in.data(), out.data(), 1000);
  BOOST_TEST(out == in);
  // Zero bands are skipped, the others kept in order.
  equalizer some(eq_gains{2, 0, 0, 1, 0}, 1.0, rate);
  BOOST_TEST(some.sections().size() == 2u);
}

BOOST_AUTO_TEST_CASE(a_pair_pass_equals_two_single_passes_and_pieces_equal_one_call) {
  const auto a = auralis::test::music_like(5001, rate, 1);
  const auto b = auralis::test::music_like(5001, rate, 2);
  equalizer single(warm, 0.75, rate);
  std::vector<float> ya(a.size()), yb(b.size());
  single.process(a.data(), ya.data(), 5001);
  single.reset();
  single.process(b.data(), yb.data(), 5001);

  equalizer pair(warm, 0.75, rate);
  std::vector<float> pa(a.size()), pb(b.size());
  // In pieces of odd and even lengths: the state carries over exactly.
  pair.process_pair(a.data(), pa.data(), b.data(), pb.data(), 1001);
  pair.process_pair(a.data() + 2002, pa.data() + 2002, b.data() + 2002, pb.data() + 2002, 2000);
  pair.process_pair(a.data() + 6002, pa.data() + 6002, b.data() + 6002, pb.data() + 6002, 2000);
  BOOST_TEST(pa == ya);
  BOOST_TEST(pb == yb);
}

BOOST_AUTO_TEST_CASE(a_quad_pass_equals_pair_passes_and_the_avx2_kernel_agrees_within_rounding) {
  std::vector<std::vector<float>> in;
  for (unsigned seed = 1; seed <= 4; ++seed)
    in.push_back(auralis::test::music_like(3001, rate, seed));
  for (double blend : {1.0, 0.6}) {
    equalizer pairs(warm, blend, rate);
    std::vector<std::vector<float>> expected(4, std::vector<float>(in[0].size()));
    pairs.process_pair(in[0].data(), expected[0].data(), in[1].data(), expected[1].data(), 3001);
    pairs.reset();
    pairs.process_pair(in[2].data(), expected[2].data(), in[3].data(), expected[3].data(), 3001);
    for (auto use : {auralis::dsp::simd::isa::generic, auralis::dsp::simd::isa::avx2_fma}) {
      equalizer quad(warm, blend, rate);
      std::vector<std::vector<float>> out(4, std::vector<float>(in[0].size()));
      // In pieces of odd and even lengths: the state carries over.
      std::int64_t done = 0;
      for (std::int64_t n : {1001, 1, 1999}) {
        const float* ins[4];
        float* outs[4];
        for (int s = 0; s < 4; ++s) {
          ins[s] = in[s].data() + 2 * done;
          outs[s] = out[s].data() + 2 * done;
        }
        quad.process_quad(ins, outs, n, use);
        done += n;
      }
      double worst = 0;
      for (int s = 0; s < 4; ++s)
        for (std::size_t i = 0; i < out[s].size(); ++i)
          worst = std::max(worst, std::fabs(static_cast<double>(out[s][i]) - expected[s][i]));
      const bool wide = auralis::dsp::simd::usable_isa(use) == auralis::dsp::simd::isa::avx2_fma;
      BOOST_TEST_MESSAGE("blend " << blend << (wide ? " avx2" : " generic") << ": " << worst);
      // Float rounding, amplified by the low shelf's poles near z = 1: far below -90 dBFS.
      if (wide)
        BOOST_TEST(worst < 3e-5);
      else
        BOOST_TEST(worst == 0.0);
    }
  }
}

BOOST_AUTO_TEST_CASE(a_quad_pass_on_raw_input_equals_one_on_a_sanitised_copy) {
  // The mastering chain streams its source straight into the quad pass, which sanitises
  // every sample on the way in: the same bits as filtering a sanitised copy, on both
  // kernels, in place or not, including an odd frame at the end of a piece.
  std::vector<std::vector<float>> raw;
  for (unsigned seed = 5; seed <= 8; ++seed)
    raw.push_back(auralis::test::music_like(2001, rate, seed));
  raw[0][10] = std::numeric_limits<float>::quiet_NaN();
  raw[1][501] = std::numeric_limits<float>::infinity();
  raw[2][999] = -std::numeric_limits<float>::infinity();
  raw[3][4001] = 1e9f; // the last frame's right sample, clamped to 64
  raw[3][7] = -300.0f;
  std::vector<std::vector<float>> clean = raw;
  for (auto& v : clean)
    auralis::dsp::simd::sanitise_copy(v.data(), v.data(), static_cast<std::int64_t>(v.size()));
  for (auto use : {auralis::dsp::simd::isa::generic, auralis::dsp::simd::isa::avx2_fma}) {
    for (bool in_place : {false, true}) {
      equalizer a(warm, 0.7, rate), b(warm, 0.7, rate);
      std::vector<std::vector<float>> expected = clean, got = raw;
      std::vector<std::vector<float>> out(4, std::vector<float>(raw[0].size()));
      std::int64_t done = 0;
      for (std::int64_t n : {600, 1401}) {
        const float* clean_in[4];
        float* clean_out[4];
        const float* raw_in[4];
        float* raw_out[4];
        for (int s = 0; s < 4; ++s) {
          clean_in[s] = clean_out[s] = expected[s].data() + 2 * done;
          raw_in[s] = got[s].data() + 2 * done;
          raw_out[s] = (in_place ? got[s].data() : out[s].data()) + 2 * done;
        }
        a.process_quad(clean_in, clean_out, n, use);
        b.process_quad(raw_in, raw_out, n, use, true);
        done += n;
      }
      for (int s = 0; s < 4; ++s)
        BOOST_TEST((in_place ? got[s] : out[s]) == expected[s],
                   "stream " << s << (in_place ? " in place" : "") << ", kernels "
                             << static_cast<int>(use));
    }
  }
}

BOOST_AUTO_TEST_CASE(the_state_settles_so_a_late_start_converges_to_a_full_run) {
  const auto x = auralis::test::music_like(rate, rate, 3);
  equalizer full(warm, 1.0, rate), late(warm, 1.0, rate);
  std::vector<float> y_full(x.size()), y_late(x.size());
  full.process(x.data(), y_full.data(), rate);
  // Starts 0.5 s in from zero state: after 50 ms the outputs agree to float rounding
  // (below -90 dBFS), after 200 ms exactly.
  const std::int64_t start = rate / 2;
  late.process(x.data() + 2 * start, y_late.data() + 2 * start, rate - start);
  const auto worst_from = [&](std::int64_t ms) {
    double worst = 0;
    for (std::int64_t i = 2 * (start + ms * rate / 1000); i < 2 * rate; ++i)
      worst = std::max(worst, std::fabs(static_cast<double>(y_full[i]) - y_late[i]));
    return worst;
  };
  BOOST_TEST(worst_from(0) > 0.01);
  BOOST_TEST(worst_from(50) < 3e-5);
  BOOST_TEST(worst_from(200) == 0.0);
}

BOOST_AUTO_TEST_CASE(bad_settings_throw) {
  BOOST_CHECK_THROW(equalizer(warm, 1.0, 16000), std::invalid_argument);
  BOOST_CHECK_THROW(equalizer(eq_gains{std::nan(""), 0, 0, 0, 0}, 1.0, rate),
                    std::invalid_argument);
}
