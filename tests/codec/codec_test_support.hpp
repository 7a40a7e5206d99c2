#pragma once

// Helpers shared by the codec tests: typed errors, 16-bit test signals and how alike two
// signals are. Include after <boost/test/unit_test.hpp>.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "codec/codec_error.hpp"
#include "test_support.hpp"

namespace auralis::test {

/// Bit-by-bit CRC-32 (zlib) of data[from, to), continuing `crc`: the definition the L3
/// containers refer to, independent of the table-driven codec::crc32.
inline std::uint32_t reference_crc(const std::vector<unsigned char>& data, std::size_t from,
                                   std::size_t to, std::uint32_t crc = 0) {
  crc = ~crc;
  for (std::size_t i = from; i < to; ++i) {
    crc ^= data[i];
    for (int bit = 0; bit < 8; ++bit)
      crc = (crc & 1) ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
  }
  return ~crc;
}

/// Expects `fn()` to throw codec_error of kind `code`; returns its message ("" if none).
template <class F>
std::string expect_codec_error(F&& fn, codec::codec_errc code) {
  try {
    fn();
  } catch (const codec::codec_error& e) {
    BOOST_CHECK_MESSAGE(e.code() == code, "expected " << codec::to_string(code) << ", got "
                                                      << codec::to_string(e.code()) << ": "
                                                      << e.what());
    return e.what();
  }
  BOOST_ERROR("expected a codec_error " << codec::to_string(code) << ", nothing was thrown");
  return {};
}

/// test::music_like as interleaved 16-bit stereo (peak about 0.5 of full scale).
inline std::vector<std::int16_t> music_like_pcm16(std::int64_t frames, unsigned seed = 1) {
  const std::vector<float> f = music_like(frames, 48000, seed);
  std::vector<std::int16_t> out(f.size());
  for (std::size_t i = 0; i < f.size(); ++i)
    out[i] = static_cast<std::int16_t>(std::lround(f[i] * 32767.0f));
  return out;
}

/// Normalised correlation of two equally long interleaved buffers at lag 0 (1 = same
/// shape, 0 = unrelated); 0 when either is silent or the sizes differ.
inline double correlation(const std::vector<std::int16_t>& a, const std::vector<std::int16_t>& b) {
  if (a.size() != b.size())
    return 0;
  double ab = 0, aa = 0, bb = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    ab += static_cast<double>(a[i]) * b[i];
    aa += static_cast<double>(a[i]) * a[i];
    bb += static_cast<double>(b[i]) * b[i];
  }
  return aa > 0 && bb > 0 ? ab / std::sqrt(aa * bb) : 0;
}

/// The lag in -max_lag..max_lag (frames) where the cross-correlation of stereo `b` against
/// stereo `a`, sum over n of a[n] * b[n + lag] on both channels, peaks.
inline int best_lag(const std::vector<std::int16_t>& a, const std::vector<std::int16_t>& b,
                    int max_lag) {
  const auto frames = static_cast<std::int64_t>(std::min(a.size(), b.size()) / 2);
  int best = 0;
  double best_sum = -1e300;
  for (int lag = -max_lag; lag <= max_lag; ++lag) {
    double sum = 0;
    for (std::int64_t n = std::max<std::int64_t>(0, -lag);
         n < frames && n + lag < frames; ++n) {
      sum += static_cast<double>(a[2 * n]) * b[2 * (n + lag)] +
             static_cast<double>(a[2 * n + 1]) * b[2 * (n + lag) + 1];
    }
    if (sum > best_sum) {
      best_sum = sum;
      best = lag;
    }
  }
  return best;
}

} // namespace auralis::test
