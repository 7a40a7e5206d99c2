#define BOOST_TEST_MODULE loudness_analyser
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

#include "dsp/loudness_analyser.hpp"
#include "dsp/loudness_meter.hpp"
#include "dsp/mastering_chain.hpp"
#include "test_support.hpp"

#include "dsp_test_support.hpp"

using auralis::dsp::loudness_analyser;
using auralis::dsp::loudness_meter;
using auralis::dsp::mastering_chain;
using namespace auralis::test;

namespace {

constexpr int rate = 48000;

loudness_analyser::reader reader_of(const std::vector<float>& track) {
  return
    [&track](std::int64_t first, std::int64_t count) { return read_span(track, first, count); };
}

} // namespace

BOOST_AUTO_TEST_CASE(measures_the_source_and_each_presets_pre_gain_signal) {
  // 25 s: three read spans of 10 s, the last one short.
  const auto track = pink_noise(25 * rate, 0.1, 21);
  const auto result =
    loudness_analyser::measure(reader_of(track), frames_of(track), presets(), rate);
  // The side-by-side meter agrees with libebur128 to within 0.01 LU.
  BOOST_TEST(std::fabs(result.source_lufs -
                       loudness_meter::measure(track.data(), frames_of(track), rate)) < 0.01);
  BOOST_REQUIRE(result.pre_gain_lufs.size() == presets().size());
  for (std::size_t p = 0; p < presets().size(); ++p) {
    // The same as a continuous pre-gain render measured in one go (chunked renders join
    // seamlessly, so only rounding differs).
    mastering_chain chain(presets()[p], rate);
    std::vector<float> pre(track.size());
    auralis::dsp::render_request r;
    r.input = track.data();
    r.input_frames = frames_of(track);
    r.output_frames = frames_of(track);
    chain.render_pre_gain(r, pre.data());
    const double expected = loudness_meter::measure(pre.data(), frames_of(pre), rate);
    BOOST_TEST(std::fabs(result.pre_gain_lufs[p] - expected) < 0.01, presets()[p].name);
    // Compression takes loudness away; on this loud noise the pre-gain signal is quieter
    // than the source for every preset except where the EQ boost outweighs it.
    BOOST_TEST(std::fabs(result.pre_gain_lufs[p] - result.source_lufs) < 6.0);
  }
}

BOOST_AUTO_TEST_CASE(reads_the_track_once_in_order_and_shows_every_span) {
  const auto track = pink_noise(7 * rate + 123, 0.1, 5);
  std::vector<std::pair<std::int64_t, std::int64_t>> reads, visits;
  const auto reader = [&](std::int64_t first, std::int64_t count) {
    reads.emplace_back(first, count);
    return read_span(track, first, count);
  };
  bool same_frames = true;
  const auto visit = [&](std::int64_t first, const float* frames, std::int64_t count) {
    visits.emplace_back(first, count);
    for (std::int64_t i = 0; i < 2 * count; ++i)
      same_frames = same_frames && frames[i] == track[static_cast<std::size_t>(2 * first + i)];
  };
  const std::int64_t span = 2 * rate; // shorter than the 3 s pre-roll: carried over spans
  const auto spanned =
    loudness_analyser::measure(reader, frames_of(track), presets(), rate, span, visit);
  const std::vector<std::pair<std::int64_t, std::int64_t>> expected{
    {0, span}, {span, span}, {2 * span, span}, {3 * span, rate + 123}};
  BOOST_TEST((reads == expected));
  BOOST_TEST((visits == expected));
  BOOST_TEST(same_frames);
  // The span length does not change the result: the pre-roll carried from the spans
  // before is what a read of it would give.
  const auto whole =
    loudness_analyser::measure(reader_of(track), frames_of(track), presets(), rate, 8 * rate);
  BOOST_TEST(spanned.source_lufs == whole.source_lufs);
  for (std::size_t p = 0; p < presets().size(); ++p)
    BOOST_TEST(std::fabs(spanned.pre_gain_lufs[p] - whole.pre_gain_lufs[p]) < 1e-4,
               presets()[p].name);
}

BOOST_AUTO_TEST_CASE(silence_measures_minus_infinity_and_gets_no_gain) {
  const std::vector<float> silence(2 * 10 * rate, 0.0f);
  const auto result = loudness_analyser::measure(reader_of(silence), 10 * rate, presets(), rate);
  BOOST_TEST(std::isinf(result.source_lufs));
  for (std::size_t p = 0; p < presets().size(); ++p) {
    BOOST_TEST(std::isinf(result.pre_gain_lufs[p]));
    BOOST_TEST(mastering_chain(presets()[p], rate).loudness_gain_db(result.pre_gain_lufs[p]) ==
               0.0);
  }
  const auto empty = loudness_analyser::measure(reader_of(silence), 0, presets(), rate);
  BOOST_TEST(std::isinf(empty.source_lufs));
}

BOOST_AUTO_TEST_CASE(a_short_read_or_negative_length_throws) {
  const auto short_reader = [](std::int64_t, std::int64_t count) {
    return std::vector<float>(static_cast<std::size_t>(count), 0.0f); // half the values
  };
  BOOST_CHECK_THROW(loudness_analyser::measure(short_reader, rate, presets(), rate),
                    std::invalid_argument);
  const std::vector<float> silence(2 * rate, 0.0f);
  BOOST_CHECK_THROW(loudness_analyser::measure(reader_of(silence), -1, presets(), rate),
                    std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(parts_measured_apart_combine_into_the_whole_tracks_loudness) {
  // Loud, quiet and middling stretches, so that the relative gate drops blocks; the track
  // ends off the 100 ms grid.
  auto track = pink_noise(10 * rate, 0.2, 3);
  for (const auto& more : {pink_noise(10 * rate, 0.004, 4), pink_noise(20 * rate + 123, 0.05, 6)})
    track.insert(track.end(), more.begin(), more.end());
  const std::int64_t frames = frames_of(track);
  const auto whole = loudness_analyser::measure(reader_of(track), frames, presets(), rate);

  std::vector<std::pair<std::int64_t, std::int64_t>> visits;
  bool same_frames = true;
  const auto visit = [&](std::int64_t first, const float* span, std::int64_t count) {
    visits.emplace_back(first, count);
    for (std::int64_t i = 0; i < 2 * count; ++i)
      same_frames = same_frames && span[i] == track[static_cast<std::size_t>(2 * first + i)];
  };
  // The parts in any order (as threads finish them), then joined in timeline order.
  const std::int64_t a = 15 * rate, b = 30 * rate;
  const auto last =
    loudness_analyser::measure_part(reader_of(track), frames, b, frames, presets(), rate, 0, visit);
  const auto middle =
    loudness_analyser::measure_part(reader_of(track), frames, a, b, presets(), rate, 0, visit);
  const auto head =
    loudness_analyser::measure_part(reader_of(track), frames, 0, a, presets(), rate, 0, visit);
  BOOST_TEST(head.sub_blocks.size() == presets().size() + 1);
  BOOST_TEST(middle.sub_blocks[0].size() == 150u); // 15 s of 100 ms sub-blocks, no settling
  const auto joined = loudness_analyser::combine({head, middle, last});
  BOOST_TEST(std::fabs(joined.source_lufs - whole.source_lufs) < 1e-3);
  BOOST_REQUIRE(joined.pre_gain_lufs.size() == presets().size());
  for (std::size_t p = 0; p < presets().size(); ++p)
    BOOST_TEST(std::fabs(joined.pre_gain_lufs[p] - whole.pre_gain_lufs[p]) < 1e-3,
               presets()[p].name);
  // Each part shows its own frames alone: together every frame once.
  std::sort(visits.begin(), visits.end());
  std::int64_t at = 0;
  for (const auto& [first, count] : visits) {
    BOOST_TEST(first == at);
    at = first + count;
  }
  BOOST_TEST(at == frames);
  BOOST_TEST(same_frames);
}

BOOST_AUTO_TEST_CASE(parts_off_the_grid_or_outside_the_track_and_gapped_joins_are_refused) {
  const auto track = pink_noise(4 * rate, 0.1, 9);
  const auto read = reader_of(track);
  const std::int64_t frames = frames_of(track);
  BOOST_CHECK_THROW(loudness_analyser::measure_part(read, frames, 100, frames, presets(), rate),
                    std::invalid_argument); // not on the 100 ms grid
  BOOST_CHECK_THROW(loudness_analyser::measure_part(read, frames, 0, rate + 1, presets(), rate),
                    std::invalid_argument); // ends off the grid before the track's end
  BOOST_CHECK_THROW(loudness_analyser::measure_part(read, frames, 0, frames + 1, presets(), rate),
                    std::invalid_argument);
  BOOST_CHECK_THROW(loudness_analyser::measure_part(read, frames, rate, 0, presets(), rate),
                    std::invalid_argument);
  const auto head = loudness_analyser::measure_part(read, frames, 0, rate, presets(), rate);
  const auto tail = loudness_analyser::measure_part(read, frames, 2 * rate, frames, presets(), rate);
  BOOST_CHECK_THROW(loudness_analyser::combine({head, tail}), std::invalid_argument); // a gap
  BOOST_CHECK_THROW(loudness_analyser::combine({tail}), std::invalid_argument); // not from 0
  BOOST_CHECK_THROW(loudness_analyser::combine({}), std::invalid_argument);
  auto fewer = tail;
  fewer.first = rate;
  fewer.sub_blocks.pop_back();
  BOOST_CHECK_THROW(loudness_analyser::combine({head, fewer}), std::invalid_argument);
}
