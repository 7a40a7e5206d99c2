#define BOOST_TEST_MODULE span_resampler
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

#include <soxr.h>

#include "codec/span_resampler.hpp"

#include "codec_test_support.hpp"

using auralis::codec::codec_errc;
using auralis::codec::span_resampler;
using auralis::test::expect_codec_error;
using auralis::test::peak_diff_db;

namespace {

constexpr double two_pi = 6.283185307179586;

/// Two steady tones, defined for every frame (also negative ones): left f1, right f2.
struct tones {
  int rate;
  double f1, f2;
  float left(double t) const { return static_cast<float>(0.5 * std::sin(two_pi * f1 * t)); }
  float right(double t) const { return static_cast<float>(0.4 * std::sin(two_pi * f2 * t)); }
  span_resampler::source_fn source() const {
    return [*this](std::int64_t first, std::int64_t count, float* dst) {
      for (std::int64_t i = 0; i < count; ++i) {
        const double t = static_cast<double>(first + i) / rate;
        dst[2 * i] = left(t);
        dst[2 * i + 1] = right(t);
      }
    };
  }
};

/// A finite music-like track: `frames` frames at `rate`, zeros outside.
span_resampler::source_fn track_source(const std::vector<float>& track) {
  return [&track](std::int64_t first, std::int64_t count, float* dst) {
    const auto frames = static_cast<std::int64_t>(track.size() / 2);
    for (std::int64_t i = 0; i < count; ++i) {
      const std::int64_t n = first + i;
      const bool inside = n >= 0 && n < frames;
      dst[2 * i] = inside ? track[2 * n] : 0.f;
      dst[2 * i + 1] = inside ? track[2 * n + 1] : 0.f;
    }
  };
}

std::vector<float> render(span_resampler& r, std::int64_t first, std::int64_t count,
                          const span_resampler::source_fn& source) {
  std::vector<float> out(static_cast<std::size_t>(count) * 2, -99.f);
  r.render(first, count, out.data(), source);
  return out;
}

/// Frames [first, first + count) of `whole` (which starts at frame 0).
std::vector<float> slice(const std::vector<float>& whole, std::int64_t first, std::int64_t count) {
  return {whole.begin() + 2 * first, whole.begin() + 2 * (first + count)};
}

/// Peak error of a 48 kHz rendering of `t` from frame `first` against the exact tones.
double tone_error_db(int rate, double f1, double f2, std::int64_t first, std::int64_t count) {
  const tones t{rate, f1, f2};
  span_resampler r(rate);
  const std::vector<float> out = render(r, first, count, t.source());
  std::vector<float> exact(out.size());
  for (std::int64_t i = 0; i < count; ++i) {
    const double time = static_cast<double>(first + i) / 48000.0;
    exact[2 * i] = t.left(time);
    exact[2 * i + 1] = t.right(time);
  }
  return peak_diff_db(out, exact);
}

/// The straightforward rendering the resampler must equal bit for bit: each run's whole
/// output (margins included) into one buffer in a single soxr call plus one flush, then the
/// wanted frames copied out. Same runs, same soxr settings as span_resampler.
std::vector<float> reference_render(const span_resampler& r, std::int64_t first,
                                    std::int64_t count, const span_resampler::source_fn& source) {
  const auto floor_div = [](std::int64_t a, std::int64_t b) {
    return a >= 0 ? a / b : -((-a + b - 1) / b);
  };
  const auto ceil_div = [&](std::int64_t a, std::int64_t b) { return -floor_div(-a, b); };
  const std::int64_t si = r.step_in(), so = r.step_out(), ms = r.margin() / si;
  const std::int64_t last = first + count;
  std::int64_t run_first = 0, run_frames = 0, runs = 1;
  if (r.segment_frames() == 0) {
    run_first = floor_div(first, so) * so;
    run_frames = ceil_div(last, so) * so - run_first;
  } else {
    run_first = floor_div(first, r.segment_frames()) * r.segment_frames();
    run_frames = r.segment_frames();
    runs = ceil_div(last - run_first, r.segment_frames());
  }
  const std::int64_t steps = run_frames / so;
  const std::int64_t in_per_run = (steps + 2 * ms) * si;
  const std::int64_t out_per_run = (steps + 2 * ms) * so;
  const std::int64_t src_first = (run_first / so - ms) * si;
  std::vector<float> in(static_cast<std::size_t>((runs * steps + 2 * ms) * si) * 2);
  source(src_first, static_cast<std::int64_t>(in.size() / 2), in.data());
  std::vector<float> out(static_cast<std::size_t>(out_per_run) * 2);
  std::vector<float> result(static_cast<std::size_t>(count) * 2, -99.f);
  const soxr_io_spec_t io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I);
  const soxr_quality_spec_t quality = soxr_quality_spec(SOXR_HQ, 0);
  const soxr_runtime_spec_t runtime = soxr_runtime_spec(1);
  for (std::int64_t k = 0; k < runs; ++k) {
    soxr_error_t err = nullptr;
    std::unique_ptr<soxr, decltype(&soxr_delete)> s(
      soxr_create(r.source_rate(), 48000, 2, &err, &io, &quality, &runtime), &soxr_delete);
    BOOST_TEST_REQUIRE(!err);
    std::size_t idone = 0, odone = 0, more = 0;
    BOOST_TEST_REQUIRE(!soxr_process(s.get(), in.data() + 2 * k * steps * si,
                                     static_cast<std::size_t>(in_per_run), &idone, out.data(),
                                     out.size() / 2, &odone));
    BOOST_TEST_REQUIRE(!soxr_process(s.get(), nullptr, 0, nullptr, out.data() + 2 * odone,
                                     out.size() / 2 - odone, &more));
    BOOST_TEST_REQUIRE(idone == static_cast<std::size_t>(in_per_run));
    BOOST_TEST_REQUIRE(odone + more == out.size() / 2);
    const std::int64_t seg_first = run_first + k * run_frames;
    const std::int64_t origin = seg_first - ms * so;
    const std::int64_t a = std::max(first, seg_first);
    const std::int64_t b = std::min(last, seg_first + run_frames);
    if (a < b)
      std::memcpy(result.data() + 2 * (a - first), out.data() + 2 * (a - origin),
                  static_cast<std::size_t>(b - a) * 2 * sizeof(float));
  }
  return result;
}

} // namespace

BOOST_AUTO_TEST_CASE(spans_equal_a_single_buffer_rendering_bit_for_bit) {
  // Odd offsets, negative starts, spans shorter than a margin or a grid step, spans just
  // longer than a margin, and (44101 Hz) spans within and across segment borders.
  struct span { std::int64_t first, count; };
  for (const int rate : {44100, 96000, 22050, 8000, 44101}) {
    const std::int64_t frames = static_cast<std::int64_t>(rate) * 12 + 3;
    const std::vector<float> track = auralis::test::music_like(frames, rate, 7);
    const auto source = track_source(track);
    span_resampler r(rate);
    const std::int64_t m = r.margin() * r.step_out() / r.step_in(); // margin, 48 kHz frames
    const std::vector<span> spans =
      r.segment_frames() == 0
        ? std::vector<span>{{0, 1}, {1, 1}, {7, 13}, {-1, 1}, {-333, 1000}, {-(m + 5), m + 11},
                            {123457, m - 1}, {159, 2}, {160, 160}, {500001, m + 1},
                            {17, 250003}, {575999, 7}}
        : std::vector<span>{{7, 13}, {-1, 1}, {479999, 2}, {480001, m + 1}, {-3, 480007}};
    for (const span s : spans) {
      const auto got = render(r, s.first, s.count, source);
      const auto want = reference_render(r, s.first, s.count, source);
      BOOST_TEST((got == want),
                 rate << " Hz [" << s.first << ", +" << s.count << "): not bit-identical");
    }
  }
}

BOOST_AUTO_TEST_CASE(grid_steps_margins_and_modes_follow_the_reduced_ratio) {
  span_resampler cd(44100);
  BOOST_TEST(cd.step_in() == 147);
  BOOST_TEST(cd.step_out() == 160);
  BOOST_TEST(cd.segment_frames() == 0);
  BOOST_TEST(cd.margin() % 147 == 0);
  BOOST_TEST(cd.margin() >= 2205); // 50 ms
  BOOST_TEST(cd.margin() < 2205 + 147);

  span_resampler hi(96000);
  BOOST_TEST(hi.step_in() == 2);
  BOOST_TEST(hi.step_out() == 1);
  BOOST_TEST(hi.margin() == 4800);
  BOOST_TEST(hi.segment_frames() == 0);

  span_resampler lo(8000);
  BOOST_TEST(lo.step_in() == 1);
  BOOST_TEST(lo.step_out() == 6);

  span_resampler odd(44101); // gcd 1: soxr cannot hold this ratio exactly
  BOOST_TEST(odd.step_in() == 44101);
  BOOST_TEST(odd.step_out() == 48000);
  BOOST_TEST(odd.margin() == 44101);
  BOOST_TEST(odd.segment_frames() == 480000);

  span_resampler odd2(43210); // 4321 / 4800
  BOOST_TEST(odd2.segment_frames() == 4800 * 100);
}

BOOST_AUTO_TEST_CASE(output_has_no_delay_steady_tones_land_on_their_exact_phase) {
  // A delay of even a tenth of a frame would show as an error of about -30 dB at 15 kHz.
  BOOST_TEST(tone_error_db(44100, 997.0, 15000.0, 123456, 48000) < -100.0);
  BOOST_TEST(tone_error_db(44100, 997.0, 15000.0, -5000, 20000) < -100.0);
  BOOST_TEST(tone_error_db(96000, 440.0, 19000.0, 1000003, 30000) < -100.0);
  BOOST_TEST(tone_error_db(8000, 250.0, 3000.0, 777, 30000) < -100.0);
  BOOST_TEST(tone_error_db(22050, 1000.0, 6000.0, 480000, 30000) < -100.0);
  BOOST_TEST(tone_error_db(44101, 997.0, 15000.0, 500000, 30000) < -95.0);
}

BOOST_AUTO_TEST_CASE(a_span_alone_equals_the_same_span_of_a_whole_rendering) {
  for (const int rate : {44100, 96000, 22050, 8000}) {
    const std::int64_t frames = static_cast<std::int64_t>(rate) * 12 + 17;
    const std::vector<float> track = auralis::test::music_like(frames, rate, 3);
    const auto source = track_source(track);
    span_resampler r(rate);
    const std::int64_t total = (frames * r.step_out() + r.step_in() - 1) / r.step_in();
    const std::vector<float> whole = render(r, 0, total, source);
    struct span { std::int64_t first, count; };
    for (const span s : {span{0, 1}, span{1, 999}, span{123457, 200000}, span{0, 48000},
                         span{total - 70001, 70001}, span{total - 1, 1}, span{300000, 7}}) {
      const double db = peak_diff_db(render(r, s.first, s.count, source),
                                     slice(whole, s.first, s.count));
      BOOST_TEST_MESSAGE(rate << " Hz [" << s.first << ", +" << s.count << "): " << db << " dB");
      BOOST_TEST(db < -120.0);
    }
  }
}

BOOST_AUTO_TEST_CASE(segmented_rates_give_bit_identical_spans) {
  const int rate = 44101;
  const std::int64_t frames = static_cast<std::int64_t>(rate) * 25;
  const std::vector<float> track = auralis::test::music_like(frames, rate, 5);
  const auto source = track_source(track);
  span_resampler r(rate);
  const std::int64_t total = (frames * 48000 + rate - 1) / rate;
  const std::vector<float> whole = render(r, 0, total, source);
  for (const std::int64_t first : {std::int64_t{0}, std::int64_t{479999}, std::int64_t{480000},
                                   std::int64_t{700001}, total - 300000}) {
    const std::int64_t count = std::min<std::int64_t>(300000, total - first);
    const std::vector<float> part = render(r, first, count, source);
    BOOST_TEST((part == slice(whole, first, count)));
  }
}

BOOST_AUTO_TEST_CASE(the_source_is_read_once_on_the_grid_with_margins) {
  span_resampler r(44100);
  std::vector<std::pair<std::int64_t, std::int64_t>> calls;
  const tones t{44100, 440.0, 880.0};
  const auto inner = t.source();
  const span_resampler::source_fn spy = [&](std::int64_t first, std::int64_t count, float* dst) {
    calls.emplace_back(first, count);
    inner(first, count, dst);
  };
  render(r, 720000 - 144000, 864000, spy);
  BOOST_TEST_REQUIRE(calls.size() == 1u);
  const auto [first, count] = calls[0];
  BOOST_TEST(first % 147 == 0);
  BOOST_TEST(count % 147 == 0);
  // The span covers the needed source time [576000, 1440000) * 44100 / 48000 plus margins.
  BOOST_TEST(first <= 529200 - r.margin());
  BOOST_TEST(first > 529200 - r.margin() - 147);
  BOOST_TEST(first + count >= 1323000 + r.margin());
  BOOST_TEST(first + count < 1323000 + r.margin() + 147);
}

BOOST_AUTO_TEST_CASE(source_exceptions_pass_through_and_empty_spans_read_nothing) {
  span_resampler r(44100);
  int calls = 0;
  const span_resampler::source_fn throwing = [&](std::int64_t, std::int64_t, float*) {
    ++calls;
    throw auralis::codec::codec_error(codec_errc::decode_failed, "source failed");
  };
  expect_codec_error([&] { render(r, 0, 100, throwing); }, codec_errc::decode_failed);
  BOOST_TEST(calls == 1);
  render(r, 0, 0, throwing);
  BOOST_TEST(calls == 1);
  // The same resampler still renders correctly after a failed render.
  const tones t{44100, 997.0, 15000.0};
  const std::vector<float> out = render(r, 4800, 4800, t.source());
  std::vector<float> exact(out.size());
  for (std::int64_t i = 0; i < 4800; ++i) {
    exact[2 * i] = t.left(static_cast<double>(4800 + i) / 48000.0);
    exact[2 * i + 1] = t.right(static_cast<double>(4800 + i) / 48000.0);
  }
  BOOST_TEST(peak_diff_db(out, exact) < -100.0);
}

BOOST_AUTO_TEST_CASE(a_non_positive_rate_is_invalid) {
  expect_codec_error([] { span_resampler r(0); }, codec_errc::invalid_argument);
  expect_codec_error([] { span_resampler r(-44100); }, codec_errc::invalid_argument);
}
