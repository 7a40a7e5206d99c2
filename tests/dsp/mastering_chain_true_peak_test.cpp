#define BOOST_TEST_MODULE mastering_chain_true_peak
#include <boost/test/unit_test.hpp>

// The mastering chain's ceiling as a true peak (ITU-R BS.1770-4, 4x oversampling), measured
// with libebur128 on the 16-bit output, on the demo tracks and on hot material, and after an
// Ogg Opus (L3) round trip.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "codec/opus_chunk_decoder.hpp"
#include "codec/opus_chunk_encoder.hpp"
#include "dsp/demo_synth.hpp"
#include "dsp/loudness_analyser.hpp"
#include "dsp/mastering_chain.hpp"
#include "dsp/true_peak_detector.hpp"
#include "test_support.hpp"

#include "dsp_test_support.hpp"

using auralis::dsp::loudness_analyser;
using auralis::dsp::mastering_chain;
using auralis::dsp::render_request;
using namespace auralis::test;

namespace {

constexpr int rate = 48000;
constexpr std::int64_t chunk = 15 * rate;
// The 16-bit output's allowance over the ceiling: TPDF dither of +-1 LSB plus rounding
// (1.5 LSB a sample) through the interpolator (the phase filters' absolute sums are below
// 1.3): 2 LSB; libebur128 runs the same filter as the chain's detector, so its reading adds
// only float rounding. 3 LSB = 0.0008 dB at -0.3 dBFS.
constexpr double pcm_allowance = 3.0 / 32768;

/// The demo tracks at 48 kHz, synthesised once.
const std::vector<float>& demo_track(std::size_t index) {
  static std::vector<std::vector<float>> tracks(3);
  if (tracks[index].empty())
    tracks[index] = auralis::dsp::demo_synth::render(index, rate);
  return tracks[index];
}

/// The loudness gain the library gives `track` for preset `p`.
double track_gain(const std::vector<float>& track, std::size_t p) {
  static std::map<std::pair<const float*, std::size_t>, double> measured;
  const auto key = std::make_pair(track.data(), p);
  const auto it = measured.find(key);
  if (it != measured.end())
    return it->second;
  const auto loudness = loudness_analyser::measure(
    [&](std::int64_t first, std::int64_t count) { return read_span(track, first, count); },
    frames_of(track), {presets()[p]}, rate);
  return measured[key] = mastering_chain(presets()[p], rate)
                           .loudness_gain_db(loudness.pre_gain_lufs[0]);
}

/// The whole track through `chain` as 16-bit PCM (one continuous render).
std::vector<std::int16_t> render_pcm(mastering_chain& chain, const std::vector<float>& track,
                                     double intensity, double gain_db) {
  std::vector<std::int16_t> pcm(track.size());
  render_request r;
  r.input = track.data();
  r.input_frames = frames_of(track);
  r.output_frames = frames_of(track);
  r.intensity = intensity;
  r.loudness_gain_db = gain_db;
  r.dither_seed = 77;
  chain.render_pcm(r, pcm.data());
  return pcm;
}

/// Worst true peak of `pcm` after an L3 round trip in 15 s chunks (each encoded and decoded
/// on its own, as the L3 tier stores them).
double opus_round_trip_true_peak(const std::vector<std::int16_t>& pcm) {
  auralis::codec::opus_chunk_encoder encoder;
  auralis::codec::opus_chunk_decoder decoder;
  double worst = 0;
  const std::int64_t frames = static_cast<std::int64_t>(pcm.size() / 2);
  for (std::int64_t first = 0; first < frames; first += chunk) {
    const std::int64_t n = std::min(chunk, frames - first);
    const std::vector<std::int16_t> part(pcm.begin() + 2 * first, pcm.begin() + 2 * (first + n));
    const auto decoded = decoder.decode(encoder.encode(part));
    worst = std::max(worst, ebur128_true_peak(decoded));
  }
  return worst;
}

} // namespace

BOOST_AUTO_TEST_CASE(loud_material_stays_under_the_ceiling_at_every_intensity) {
  // The loudest 8 s of the pulse engine, at the library's gain: its own true peak is below
  // every ceiling, so the promise holds from intensity 0 to 1.
  const auto& whole = demo_track(1);
  const std::vector<float> track(whole.begin() + 2 * 30 * rate, whole.begin() + 2 * 38 * rate);
  const double source_tp = ebur128_true_peak(track);
  BOOST_TEST_MESSAGE("source true peak " << to_db(source_tp) << " dBTP");
  for (std::size_t p = 0; p < presets().size(); ++p) {
    mastering_chain chain(presets()[p], rate);
    const double ceiling = std::pow(10.0, presets()[p].peak_target_db / 20);
    BOOST_REQUIRE(source_tp < ceiling);
    const double gain = track_gain(whole, p);
    double worst = 0;
    for (int tenth = 0; tenth <= 10; ++tenth) {
      const double intensity = tenth / 10.0;
      const double tp = ebur128_true_peak(render_pcm(chain, track, intensity, gain));
      worst = std::max(worst, tp);
      BOOST_TEST(tp <= ceiling + pcm_allowance,
                 presets()[p].name << " at " << intensity << ": " << to_db(tp) << " dBTP");
    }
    BOOST_TEST_MESSAGE(presets()[p].name << ": worst " << to_db(worst) << " dBTP, ceiling "
                                         << presets()[p].peak_target_db);
  }
}

BOOST_AUTO_TEST_CASE(hot_clipped_and_square_sources_stay_under_the_ceiling_at_full_intensity) {
  // A square wave at +-1 (Gibbs overshoot between samples: +1 dBTP), noise clipped at +-1
  // and at +-4 (+12 dBFS), and the pulse engine pushed 12 dB.
  std::vector<std::pair<std::string, std::vector<float>>> sources;
  std::vector<float> square(static_cast<std::size_t>(2 * 2 * rate));
  for (std::size_t i = 0; i < square.size(); ++i)
    square[i] = ((i / 2) / 55) % 2 ? 1.0f : -1.0f;
  sources.emplace_back("square", square);
  auto clipped = pink_noise(2 * rate, 0.5, 12);
  for (auto& v : clipped)
    v = std::clamp(v, -1.0f, 1.0f);
  sources.emplace_back("clipped noise", clipped);
  auto hot = pink_noise(2 * rate, 1.0, 13);
  for (auto& v : hot)
    v = std::clamp(v * 2.0f, -4.0f, 4.0f);
  sources.emplace_back("noise at +12 dBFS", hot);
  const auto& whole = demo_track(1);
  sources.emplace_back("pulse engine",
                       std::vector<float>(whole.begin() + 2 * 30 * rate, whole.begin() + 2 * 36 * rate));
  for (std::size_t p = 0; p < presets().size(); ++p) {
    mastering_chain chain(presets()[p], rate);
    const double ceiling = std::pow(10.0, presets()[p].peak_target_db / 20);
    double worst_float = 0, worst_pcm = 0;
    for (const auto& [name, track] : sources)
      for (double gain : {0.0, 12.0}) {
        const auto out = render_continuous(chain, track, 1.0, gain);
        const double tp_float = ebur128_true_peak(out);
        const double tp_pcm = ebur128_true_peak(render_pcm(chain, track, 1.0, gain));
        worst_float = std::max(worst_float, tp_float);
        worst_pcm = std::max(worst_pcm, tp_pcm);
        // Float output: the meter's float rounding only.
        BOOST_TEST(tp_float <= ceiling * (1 + 1e-5),
                   presets()[p].name << " / " << name << " +" << gain << " dB: " << to_db(tp_float));
        BOOST_TEST(tp_pcm <= ceiling + pcm_allowance,
                   presets()[p].name << " / " << name << " +" << gain << " dB: " << to_db(tp_pcm));
      }
    BOOST_TEST_MESSAGE(presets()[p].name << ": worst true peak " << to_db(worst_float)
                                         << " dBTP float, " << to_db(worst_pcm)
                                         << " dBTP 16-bit, ceiling " << presets()[p].peak_target_db);
  }
}

BOOST_AUTO_TEST_CASE(l3_round_trips_of_loud_chunks) {
  // Opus does not keep inter-sample peaks: its coding noise adds up to about 1.2 dB of true
  // peak on the loudest chunk of the pulse engine (160 kb/s). Measured and bounded here.
  const auto& whole = demo_track(1);
  const std::vector<float> track(whole.begin() + 2 * 30 * rate, whole.begin() + 2 * 45 * rate);
  for (std::size_t p = 0; p < presets().size(); ++p) {
    mastering_chain chain(presets()[p], rate);
    const double gain = track_gain(whole, p);
    const auto pcm = render_pcm(chain, track, 1.0, gain);
    const double before = ebur128_true_peak(pcm);
    const double after = opus_round_trip_true_peak(pcm);
    BOOST_TEST_MESSAGE(presets()[p].name << ": true peak " << to_db(before)
                                         << " dBTP, after an L3 round trip " << to_db(after)
                                         << " dBTP");
    BOOST_TEST(to_db(after) - to_db(before) < 1.5, presets()[p].name);
  }
}

// The figures of the whole demo tracks (slow: run with --run_test=demo_track_figures).
BOOST_AUTO_TEST_CASE(demo_track_figures, *boost::unit_test::disabled()) {
  for (std::size_t t = 0; t < 3; ++t) {
    const auto& track = demo_track(t);
    const double source_tp = ebur128_true_peak(track);
    BOOST_TEST_MESSAGE(auralis::dsp::demo_synth::tracks()[t].title
                       << ": source sample peak " << to_db(peak_of(track)) << " dBFS, true peak "
                       << to_db(source_tp) << " dBTP");
    for (std::size_t p = 0; p < presets().size(); ++p) {
      mastering_chain chain(presets()[p], rate);
      const double gain = track_gain(track, p);
      for (double intensity : {1.0, 0.5}) {
        const auto pcm = render_pcm(chain, track, intensity, gain);
        BOOST_TEST_MESSAGE("  " << presets()[p].name << " at " << intensity << ": 16-bit "
                                << to_db(ebur128_true_peak(pcm)) << " dBTP, after L3 "
                                << to_db(opus_round_trip_true_peak(pcm)) << " dBTP (ceiling "
                                << presets()[p].peak_target_db << ")");
      }
    }
  }
}

// L3 round trips of the pulse engine with lower ceilings (slow: run with
// --run_test=l3_headroom_figures).
BOOST_AUTO_TEST_CASE(l3_headroom_figures, *boost::unit_test::disabled()) {
  const auto& track = demo_track(1);
  for (double ceiling_db : {-1.0, -1.5})
    for (std::size_t p = 0; p < presets().size(); ++p) {
      auto preset = presets()[p];
      preset.peak_target_db = ceiling_db;
      mastering_chain chain(preset, rate);
      const double gain = track_gain(track, p);
      for (double intensity : {1.0, 0.5}) {
        const auto pcm = render_pcm(chain, track, intensity, gain);
        BOOST_TEST_MESSAGE(preset.name << " ceiling " << ceiling_db << " at " << intensity
                                       << ": 16-bit " << to_db(ebur128_true_peak(pcm))
                                       << " dBTP, after L3 "
                                       << to_db(opus_round_trip_true_peak(pcm)) << " dBTP");
      }
    }
}
