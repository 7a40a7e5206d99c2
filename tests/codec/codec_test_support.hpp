#pragma once

// Helpers shared by the codec tests: typed errors, 16-bit test signals, how alike two
// signals are, reference MPEG decodes, MP3 files made by the lame command and stderr
// capture. Include after <boost/test/unit_test.hpp>.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <fcntl.h>
#include <mpg123.h>
#include <unistd.h>

#include "codec/codec_error.hpp"
#include "codec/opus_segmented_format.hpp"
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

/// Like music_like_pcm16 without its noise floor: two tones per channel under a slow
/// tremolo, so that the codec's error is small and a click at a join would stand out.
inline std::vector<std::int16_t> tonal_pcm16(std::int64_t frames) {
  std::vector<std::int16_t> out(static_cast<std::size_t>(frames) * 2);
  const double two_pi = 6.283185307179586;
  for (std::int64_t i = 0; i < frames; ++i) {
    const double t = static_cast<double>(i) / 48000.0;
    const double trem = 0.75 + 0.25 * std::sin(two_pi * 0.5 * t);
    const double l = 0.25 * std::sin(two_pi * 220.0 * t) + 0.15 * std::sin(two_pi * 1330.0 * t);
    const double r = 0.25 * std::sin(two_pi * 221.5 * t) + 0.15 * std::sin(two_pi * 2750.0 * t);
    out[2 * static_cast<std::size_t>(i)] = static_cast<std::int16_t>(std::lround(trem * l * 32767));
    out[2 * static_cast<std::size_t>(i) + 1] =
      static_cast<std::int16_t>(std::lround(trem * r * 32767));
  }
  return out;
}

/// RMS error of `out` against `pcm` over each run of `window` frames.
inline std::vector<double> window_errors(const std::vector<std::int16_t>& pcm,
                                         const std::vector<std::int16_t>& out, std::size_t window) {
  std::vector<double> errors;
  for (std::size_t first = 0; first + window <= pcm.size() / 2; first += window) {
    double sum = 0;
    for (std::size_t i = 2 * first; i < 2 * (first + window); ++i) {
      const double d = static_cast<double>(pcm[i]) - out[i];
      sum += d * d;
    }
    errors.push_back(std::sqrt(sum / (2.0 * window)));
  }
  return errors;
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

/// Checks the joins of `out`, the decode of the container `chunk` made from `pcm`: within
/// 40 ms on either side of each join, both channels are in step with the input (lag 0) and
/// alike (correlation >= 0.99); and in 2.5 ms windows, the loudest error within 10 ms of a
/// join is no louder than the 99th percentile of the error over the whole chunk (no click).
inline void check_joins(const std::vector<std::int16_t>& pcm, const std::vector<std::int16_t>& out,
                        const codec::opus_segmented_format& chunk) {
  constexpr std::size_t window = 120;
  const auto errors = window_errors(pcm, out, window);
  auto sorted = errors;
  std::sort(sorted.begin(), sorted.end());
  const double p99 = sorted[sorted.size() * 99 / 100];
  for (std::uint32_t k = 1; k < chunk.segment_count(); ++k) {
    const std::size_t join = chunk.segment_at(k).first_frame;
    BOOST_TEST_CONTEXT("join " << k << " at frame " << join) {
      const auto from = static_cast<std::ptrdiff_t>(2 * (join - 1920));
      const auto to = static_cast<std::ptrdiff_t>(2 * (join + 1920));
      const std::vector<std::int16_t> a(pcm.begin() + from, pcm.begin() + to);
      const std::vector<std::int16_t> b(out.begin() + from, out.begin() + to);
      BOOST_TEST(best_lag(a, b, 48) == 0);
      BOOST_TEST(correlation(a, b) >= 0.99);
      double near = 0;
      for (std::size_t w = (join - 480) / window; w < (join + 480) / window; ++w)
        near = std::max(near, errors[w]);
      BOOST_TEST_MESSAGE("join " << k << ": error " << near << " near it, p99 " << p99
                                 << " over the chunk");
      BOOST_TEST(near <= p99);
    }
  }
}


/// A whole MPEG file decoded straight through from its start by libmpg123 (float,
/// gapless, quiet), independent of codec::mpg123_source.
struct mpeg_decode {
  long rate = 0;
  int channels = 0;
  std::vector<float> samples; ///< interleaved, `channels` per frame

  /// Decoded frames.
  std::int64_t frames() const { return channels ? static_cast<std::int64_t>(samples.size()) / channels : 0; }
  /// The samples as stereo (mono copied to both sides).
  std::vector<float> stereo() const {
    if (channels == 2)
      return samples;
    std::vector<float> out(samples.size() * 2);
    for (std::size_t i = 0; i < samples.size(); ++i)
      out[2 * i] = out[2 * i + 1] = samples[i];
    return out;
  }
};

/// Decodes `path` with libmpg123 from start to end; fails the test when it cannot.
inline mpeg_decode decode_mpeg_straight(const std::string& path) {
  mpeg_decode d;
  int err = 0;
  mpg123_handle* h = mpg123_new(nullptr, &err);
  BOOST_TEST_REQUIRE(h != nullptr);
  mpg123_param(h, MPG123_ADD_FLAGS, MPG123_QUIET | MPG123_GAPLESS, 0);
  mpg123_format_none(h);
  const long* rates = nullptr;
  std::size_t rate_count = 0;
  mpg123_rates(&rates, &rate_count);
  for (std::size_t i = 0; i < rate_count; ++i)
    mpg123_format(h, rates[i], MPG123_MONO | MPG123_STEREO, MPG123_ENC_FLOAT_32);
  bool ok = mpg123_open(h, path.c_str()) == MPG123_OK;
  int encoding = 0;
  ok = ok && mpg123_getformat(h, &d.rate, &d.channels, &encoding) == MPG123_OK &&
       encoding == MPG123_ENC_FLOAT_32;
  std::vector<float> block(8192);
  while (ok) {
    std::size_t done = 0;
    const int r = mpg123_read(h, block.data(), block.size() * sizeof(float), &done);
    d.samples.insert(d.samples.end(), block.begin(), block.begin() + done / sizeof(float));
    if (r == MPG123_DONE)
      break;
    ok = r == MPG123_OK || r == MPG123_NEW_FORMAT;
  }
  mpg123_close(h);
  mpg123_delete(h);
  BOOST_TEST_REQUIRE(ok, "libmpg123 cannot decode " << path);
  return d;
}

/// True when the `lame` command runs here.
inline bool have_lame() {
  static const bool have = std::system("lame --version > /dev/null 2>&1") == 0;
  return have;
}

/// Encodes WAV `in` to MP3 `out` with the lame command and `options`; fails the test
/// when lame fails.
inline void run_lame(const std::string& options, const std::string& in, const std::string& out) {
  const std::string cmd = "lame --quiet " + options + " '" + in + "' '" + out + "'";
  BOOST_TEST_REQUIRE(std::system(cmd.c_str()) == 0, cmd);
}

/// Redirects file descriptor 2 (stderr) into `file` while it lives; text() ends the
/// capture and returns what was written.
class stderr_capture {
public:
  explicit stderr_capture(const std::string& file) : file_(file) {
    std::fflush(stderr);
    saved_ = ::dup(2);
    const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    BOOST_TEST_REQUIRE((saved_ >= 0 && fd >= 0));
    ::dup2(fd, 2);
    ::close(fd);
  }
  ~stderr_capture() { restore(); }
  stderr_capture(const stderr_capture&) = delete;
  stderr_capture& operator=(const stderr_capture&) = delete;

  /// Stops capturing and returns everything written to fd 2 meanwhile.
  std::string text() {
    restore();
    std::ifstream in(file_, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }

private:
  void restore() {
    if (saved_ < 0)
      return;
    std::fflush(stderr);
    ::dup2(saved_, 2);
    ::close(saved_);
    saved_ = -1;
  }

  std::string file_;
  int saved_ = -1;
};

} // namespace auralis::test
