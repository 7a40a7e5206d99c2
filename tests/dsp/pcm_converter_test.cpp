#define BOOST_TEST_MODULE pcm_converter
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "dsp/pcm_converter.hpp"
#include "test_support.hpp"

using auralis::dsp::pcm_converter;

BOOST_AUTO_TEST_CASE(the_dither_is_zero_mean_triangular_and_white) {
  const std::int64_t frames = 200000;
  double sum = 0, inner = 0, lag = 0, energy = 0, cross = 0;
  float prev = 0;
  for (std::int64_t f = 0; f < frames; ++f) {
    const float l = pcm_converter::dither(7, f, 0);
    const float r = pcm_converter::dither(7, f, 1);
    BOOST_REQUIRE(l > -1.0f);
    BOOST_REQUIRE(l < 1.0f);
    sum += l;
    inner += std::fabs(l) < 0.5f;
    energy += l * l;
    lag += l * prev;
    cross += l * r;
    prev = l;
  }
  const auto n = static_cast<double>(frames);
  BOOST_TEST(std::fabs(sum / n) < 0.01);
  // Triangular on (-1, 1): P(|d| < 0.5) = 0.75, variance 1/6.
  BOOST_TEST(std::fabs(inner / n - 0.75) < 0.01);
  BOOST_TEST(std::fabs(energy / n - 1.0 / 6) < 0.005);
  // Uncorrelated in time and between channels.
  BOOST_TEST(std::fabs(lag / energy) < 0.02);
  BOOST_TEST(std::fabs(cross / energy) < 0.02);
}

BOOST_AUTO_TEST_CASE(codes_are_the_rounded_scaled_sample_plus_dither) {
  const std::vector<float> in{0.0f, 0.5f, -0.5f, 1.0f, -1.0f, 0.25f, 1e-6f, -0.999f};
  std::vector<std::int16_t> out(in.size());
  pcm_converter::convert(in.data(), out.data(), 4, 1000, 42);
  for (std::size_t i = 0; i < in.size(); ++i) {
    const double exact =
      in[i] * 32767.0 +
      pcm_converter::dither(42, 1000 + static_cast<std::int64_t>(i / 2), static_cast<int>(i % 2));
    const double clamped = std::min(32767.0, std::max(-32768.0, exact));
    BOOST_TEST(std::fabs(out[i] - clamped) <= 0.5 + 1e-3, i << ": " << out[i] << " vs " << exact);
  }
  // Full scale stays within the code range; beyond it clips.
  const std::vector<float> hot{4.0f, -4.0f, 1e30f, -1e30f};
  std::vector<std::int16_t> codes(4);
  pcm_converter::convert(hot.data(), codes.data(), 2, 0, 1);
  BOOST_TEST(codes[0] == 32767);
  BOOST_TEST(codes[1] == -32768);
  BOOST_TEST(codes[2] == 32767);
  BOOST_TEST(codes[3] == -32768);
}

BOOST_AUTO_TEST_CASE(any_split_of_a_span_gives_the_same_bytes_as_one_call) {
  const auto in = auralis::test::music_like(5000, 48000, 3);
  const std::int64_t first = 720000 - 1234; // odd, off the generator grid
  std::vector<std::int16_t> whole(in.size()), pieces(in.size()), single(in.size());
  pcm_converter::convert(in.data(), whole.data(), 5000, first, 99);
  // One stream converted in odd and even pieces.
  pcm_converter stream(99, first);
  std::int64_t done = 0;
  for (std::int64_t n : {1, 2, 511, 513, 1000, 3, 2970}) {
    stream.convert(in.data() + 2 * done, pieces.data() + 2 * done, n);
    done += n;
  }
  BOOST_TEST(stream.next_frame() == first + 5000);
  BOOST_TEST(pieces == whole);
  // Separate converters per chunk, in any order.
  for (std::int64_t start : {3000, 0, 1777}) {
    const std::int64_t n = start == 0 ? 1777 : (start == 1777 ? 1223 : 2000);
    pcm_converter::convert(in.data() + 2 * start, single.data() + 2 * start, n, first + start, 99);
  }
  BOOST_TEST(single == whole);
  // Another seed, other noise; negative frames work too.
  std::vector<std::int16_t> other(in.size());
  pcm_converter::convert(in.data(), other.data(), 5000, first, 100);
  BOOST_TEST(other != whole);
  pcm_converter::convert(in.data(), other.data(), 5000, -2500, 99);
  pcm_converter::convert(in.data(), single.data(), 2500, -2500, 99);
  BOOST_TEST(std::equal(single.begin(), single.begin() + 5000, other.begin()));
}

BOOST_AUTO_TEST_CASE(whole_grid_blocks_convert_to_the_same_bytes_as_single_frames) {
  // Spans starting on the dither grid take the path that converts two grid blocks at once
  // where the machine has one; frame by frame always takes the generic path.
  auto in = auralis::test::music_like(6 * pcm_converter::grid_frames, 48000, 4);
  in[100] = std::numeric_limits<float>::quiet_NaN();
  in[2000] = std::numeric_limits<float>::infinity();
  in[3001] = 3.0f;
  const std::int64_t frames = 6 * pcm_converter::grid_frames;
  for (std::int64_t first : {std::int64_t{0}, 4 * pcm_converter::grid_frames,
                             -2 * pcm_converter::grid_frames}) {
    std::vector<std::int16_t> whole(in.size()), single(in.size());
    pcm_converter::convert(in.data(), whole.data(), frames, first, 7);
    pcm_converter stream(7, first);
    for (std::int64_t i = 0; i < frames; ++i)
      stream.convert(in.data() + 2 * i, single.data() + 2 * i, 1);
    BOOST_TEST(whole == single, "first frame " << first);
  }
}

BOOST_AUTO_TEST_CASE(silence_and_garbage_become_dither_only) {
  std::vector<float> in(2000, 0.0f);
  in[10] = std::numeric_limits<float>::quiet_NaN();
  in[11] = std::numeric_limits<float>::infinity();
  in[12] = -std::numeric_limits<float>::infinity();
  std::vector<std::int16_t> out(in.size());
  pcm_converter::convert(in.data(), out.data(), 1000, 0, 5);
  int nonzero = 0;
  for (auto s : out) {
    BOOST_REQUIRE(std::abs(s) <= 1);
    nonzero += s != 0;
  }
  BOOST_TEST(nonzero > 0); // the dither is there
}
