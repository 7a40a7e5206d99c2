#define BOOST_TEST_MODULE mastering_chain
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <map>
#include <utility>
#include <string>
#include <tuple>
#include <vector>

#include "codec/audio_source.hpp"
#include "dsp/demo_synth.hpp"
#include "dsp/loudness_analyser.hpp"
#include "dsp/loudness_meter.hpp"
#include "dsp/mastering_chain.hpp"
#include "dsp/pcm_converter.hpp"
#include "test_support.hpp"

#include "dsp_test_support.hpp"

#if defined(__x86_64__) && defined(__GNUC__)
#include <cpuid.h>
#include <immintrin.h>
#endif

using auralis::config::preset;
using auralis::dsp::loudness_analyser;
using auralis::dsp::loudness_meter;
using auralis::dsp::mastering_chain;
using auralis::dsp::pcm_converter;
using auralis::dsp::render_request;
using namespace auralis::test;

namespace {

constexpr int rate = 48000;
constexpr std::int64_t chunk = 15 * rate;

/// The demo tracks at 48 kHz, synthesised once.
const std::vector<float>& demo_track(std::size_t index) {
  static std::vector<std::vector<float>> tracks(3);
  if (tracks[index].empty())
    tracks[index] = auralis::dsp::demo_synth::render(index, rate);
  return tracks[index];
}

/// FNV-1a hash of the samples of `track` and its length: what the loudness cache is keyed
/// by (a buffer's address is not: a later track may be allocated where a freed one was).
std::uint64_t fingerprint(const std::vector<float>& track) {
  std::uint64_t h = 14695981039346656037ull ^ track.size();
  for (float v : track) {
    std::uint32_t bits;
    std::memcpy(&bits, &v, sizeof bits);
    h = (h ^ bits) * 1099511628211ull;
  }
  return h;
}

/// Pre-gain loudness of `track` for preset `p` (what the library measures once per track),
/// remembered per track content and preset.
double pre_gain_lufs(const std::vector<float>& track, std::size_t p) {
  static std::map<std::pair<std::uint64_t, std::size_t>, double> measured;
  const auto key = std::make_pair(fingerprint(track), p);
  const auto it = measured.find(key);
  if (it != measured.end())
    return it->second;
  const auto loudness = loudness_analyser::measure(
    [&](std::int64_t first, std::int64_t count) { return read_span(track, first, count); },
    frames_of(track), {presets()[p]}, rate);
  return measured[key] = loudness.pre_gain_lufs[0];
}

/// The loudness gain the library would give `track` for preset `p`.
double track_gain(const std::vector<float>& track, std::size_t p) {
  return mastering_chain(presets()[p], rate).loudness_gain_db(pre_gain_lufs(track, p));
}

/// Chunks 0..n-1 rendered independently in shuffled order equal one continuous render to
/// within -60 dBFS for every preset; returns the worst difference, dBFS.
double check_seamless(const std::vector<float>& track, const std::string& what,
                      std::int64_t chunk_frames = chunk) {
  double worst = -400;
  for (std::size_t p = 0; p < presets().size(); ++p) {
    mastering_chain chain(presets()[p], rate);
    const double gain = track_gain(track, p);
    const auto whole = render_continuous(chain, track, 1.0, gain);
    const auto joined =
      render_chunked(chain, track, chunk_frames, chain.default_preroll_frames(), 1.0, gain, 7 + p);
    const double diff = peak_diff_db(whole, joined);
    BOOST_TEST_MESSAGE(what << " / " << presets()[p].name << ": gain " << gain
                            << " dB, chunked vs continuous peak difference " << diff << " dBFS");
    BOOST_TEST(diff < -60.0, what << " / " << presets()[p].name << ": " << diff << " dBFS");
    BOOST_TEST(rms_of(whole) > 0.01);
    worst = std::max(worst, diff);
  }
  return worst;
}

#if defined(__x86_64__) && defined(__GNUC__)
/// True when XGETBV with ECX = 1 (the XINUSE bitmap) is available.
bool xinuse_readable() {
  unsigned a = 0, b = 0, c = 0, d = 0;
  if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_OSXSAVE))
    return false;
  return __get_cpuid_count(0xd, 1, &a, &b, &c, &d) && (a & (1u << 2));
}

/// Bit 2 of XINUSE: the upper halves of the YMM registers are in use (not zeroed).
__attribute__((target("xsave"))) bool ymm_upper_in_use() { return (_xgetbv(1) & 4u) != 0; }
#endif

bool have_program(const std::string& name) {
  return std::system(("command -v " + name + " > /dev/null 2>&1").c_str()) == 0;
}

} // namespace

BOOST_AUTO_TEST_CASE(chunks_rendered_in_any_order_join_seamlessly_on_the_demo_tracks) {
  for (std::size_t t = 0; t < 3; ++t)
    check_seamless(demo_track(t), auralis::dsp::demo_synth::tracks()[t].title);
}

BOOST_AUTO_TEST_CASE(the_pre_roll_is_twelve_time_constants_of_the_slowest_smoothing) {
  // adaptive: 250 ms compressor release -> capped at 3 s; punchy: 12 x 100 ms + 50 ms.
  BOOST_TEST(mastering_chain(presets()[0], rate).default_preroll_frames() == 3 * rate);
  BOOST_TEST(mastering_chain(presets()[4], rate).default_preroll_frames() == 60000);
  BOOST_TEST(mastering_chain(presets()[4], 44100).default_preroll_frames() == 55125);
  for (const auto& p : presets()) {
    const double slowest =
      std::max({p.compressor.attack_ms, p.compressor.release_ms, p.limiter.release_ms}) * 1e-3;
    const double seconds = mastering_chain(p, rate).preroll_seconds();
    BOOST_TEST(std::fabs(seconds - std::min(3.0, 12 * slowest + 0.05)) < 1e-9, p.name);
    BOOST_TEST(seconds >= 1.0, p.name);
  }
  // The slowest of the three counts: a slow limiter release or a slow attack.
  auto p = presets()[4];
  p.limiter.release_ms = 200;
  BOOST_TEST(std::fabs(mastering_chain(p, rate).preroll_seconds() - 2.45) < 1e-9);
  p = presets()[4];
  p.compressor.attack_ms = 150;
  BOOST_TEST(std::fabs(mastering_chain(p, rate).preroll_seconds() - 1.85) < 1e-9);
  p.compressor.release_ms = 2000;
  BOOST_TEST(mastering_chain(p, rate).preroll_seconds() == 3.0);
}

BOOST_AUTO_TEST_CASE(every_preset_is_seamless_with_margin_at_its_own_pre_roll) {
  // The demo track with the most limiting, chunks of 4 s: many joins, each after the
  // preset's own pre-roll; far below the -60 dBFS contract.
  const auto& track = demo_track(1);
  const std::vector<float> excerpt(track.begin(), track.begin() + 2 * 30 * rate);
  for (std::size_t p = 0; p < presets().size(); ++p) {
    mastering_chain chain(presets()[p], rate);
    const double gain = track_gain(track, p);
    const auto whole = render_continuous(chain, excerpt, 1.0, gain);
    const auto joined = render_chunked(chain, excerpt, 4 * rate + 16 * 7 + 3,
                                       chain.default_preroll_frames(), 1.0, gain, 3 + p);
    const double diff = peak_diff_db(whole, joined);
    BOOST_TEST_MESSAGE(presets()[p].name << " at " << chain.preroll_seconds() << " s pre-roll: "
                                         << diff << " dBFS");
    BOOST_TEST(diff < -80.0, presets()[p].name << ": " << diff << " dBFS");
  }
}

BOOST_AUTO_TEST_CASE(a_render_leaves_the_upper_register_halves_clean) {
  // A worker runs SSE code (libopus, libsoxr, FLAC) after a render on the same thread; with
  // the YMM upper halves left in use every SSE instruction of it pays a transition penalty
  // (an L3 decode took a quarter longer).
#if defined(__x86_64__) && defined(__GNUC__)
  if (auralis::dsp::simd::best_isa() != auralis::dsp::simd::isa::avx2_fma || !xinuse_readable()) {
    BOOST_TEST_MESSAGE("no AVX2 kernels or no XINUSE on this machine: nothing to check");
    return;
  }
  const auto& track = demo_track(1);
  const std::vector<float> excerpt(track.begin(), track.begin() + 2 * 4 * rate);
  std::vector<std::int16_t> pcm(excerpt.size());
  std::vector<float> out(excerpt.size());
  for (std::size_t p = 0; p < presets().size(); ++p) {
    mastering_chain chain(presets()[p], rate);
    for (double intensity : {1.0, 0.5}) {
      auralis::dsp::render_request r;
      r.input = excerpt.data();
      r.input_frames = frames_of(excerpt);
      r.output_frames = frames_of(excerpt);
      r.intensity = intensity;
      r.loudness_gain_db = 3.0;
      chain.render_pcm(r, pcm.data());
      const bool after_pcm = ymm_upper_in_use();
      chain.render_float(r, out.data());
      const bool after_float = ymm_upper_in_use();
      BOOST_TEST(!after_pcm, presets()[p].name << " at " << intensity << ", 16-bit render");
      BOOST_TEST(!after_float, presets()[p].name << " at " << intensity << ", float render");
    }
  }
#else
  BOOST_TEST_MESSAGE("not x86-64: nothing to check");
#endif
}

BOOST_AUTO_TEST_CASE(the_generic_kernels_agree_with_the_best_ones_and_are_seamless_too) {
  // On a machine without AVX2 both chains run the generic kernels and agree exactly.
  const auto& track = demo_track(0);
  const std::vector<float> excerpt(track.begin(), track.begin() + 2 * 20 * rate);
  for (std::size_t p : {std::size_t{2}, std::size_t{4}}) {
    mastering_chain best(presets()[p], rate);
    mastering_chain generic(presets()[p], rate, auralis::dsp::simd::isa::generic);
    for (double intensity : {1.0, 0.4}) {
      const auto a = render_continuous(best, excerpt, intensity, 4.0);
      const auto b = render_continuous(generic, excerpt, intensity, 4.0);
      const double diff = peak_diff_db(a, b);
      BOOST_TEST_MESSAGE(presets()[p].name << " generic vs best at " << intensity << ": " << diff);
      BOOST_TEST(diff < -70.0, presets()[p].name << ": " << diff << " dBFS");
      BOOST_TEST(rms_of(a) > 0.01);
    }
    BOOST_TEST(render_continuous(generic, excerpt, 0.0, 4.0) == excerpt);
    const auto whole = render_continuous(generic, excerpt, 1.0, 4.0);
    const auto joined = render_chunked(generic, excerpt, 5 * rate + 123,
                                       generic.default_preroll_frames(), 1.0, 4.0, 5);
    BOOST_TEST(peak_diff_db(whole, joined) < -80.0, presets()[p].name);
  }
}

BOOST_AUTO_TEST_CASE(chunks_join_seamlessly_at_unaligned_boundaries_and_lengths) {
  // Chunk length 12345 frames: boundaries off the 16-frame control grid, odd lengths.
  const auto track = music_like(10 * rate + 777, rate, 3);
  for (std::size_t p = 0; p < presets().size(); ++p) {
    mastering_chain chain(presets()[p], rate);
    const auto whole = render_continuous(chain, track, 1.0, 6.0);
    const auto joined = render_chunked(chain, track, 12345, 2 * rate + 5, 1.0, 6.0, 11);
    BOOST_TEST(peak_diff_db(whole, joined) < -60.0, presets()[p].name);
  }
}

BOOST_AUTO_TEST_CASE(chunks_join_seamlessly_on_a_recording) {
  // scripts/deps.sh installs both programs; a missing one is a failed check, not a skip.
  BOOST_REQUIRE_MESSAGE(have_program("espeak-ng"), "espeak-ng is needed for the recording");
  BOOST_REQUIRE_MESSAGE(have_program("lame"), "lame is needed for the lossy recording");
  scratch_dir dir("chain-speech");
  const std::string wav = dir.file("speech.wav");
  const std::string text =
    "Mastering renders every chunk of a track on its own, in any order, on any worker. "
    "The chunks must still join into one seamless track, with no clicks and no level jumps "
    "between them. A pre-roll lets the filters, the compressor and the limiter settle, and a "
    "short post-roll feeds the limiter's lookahead. This sentence is only here to make the "
    "recording long enough for several chunks of a few seconds each.";
  BOOST_REQUIRE(std::system(("espeak-ng -s 150 -w '" + wav + "' \"" + text + "\"").c_str()) == 0);
  std::vector<std::string> files{wav};
  // The same speech through a lossy encoder: what a real library holds.
  const std::string mp3 = dir.file("speech.mp3");
  BOOST_REQUIRE(std::system(("lame --quiet -b 128 '" + wav + "' '" + mp3 + "'").c_str()) == 0);
  files.push_back(mp3);
  for (const auto& file : files) {
    auto source = auralis::codec::audio_source::open(file);
    const std::int64_t frames = source->info().frames;
    BOOST_REQUIRE(frames > 20 * rate);
    auto track = source->read(0, frames);
    // Speech peaks low; bring it to a music-like level so the dynamics stages work.
    const double scale = 0.5 / peak_of(track);
    for (auto& v : track)
      v = static_cast<float>(v * scale);
    check_seamless(track, file.substr(file.size() - 10), 5 * rate);
  }
}

BOOST_AUTO_TEST_CASE(pcm_of_chunks_matches_the_continuous_render_and_rerenders_are_identical) {
  const auto track = demo_track(1);
  const std::int64_t frames = 40 * rate;
  const std::vector<float> excerpt(track.begin(), track.begin() + 2 * frames);
  mastering_chain chain(presets()[4], rate);
  render_request whole;
  whole.input = excerpt.data();
  whole.input_frames = frames;
  whole.output_frames = frames;
  whole.loudness_gain_db = 3;
  whole.dither_seed = 99;
  std::vector<std::int16_t> continuous(excerpt.size());
  chain.render_pcm(whole, continuous.data());

  std::vector<std::int16_t> first(2 * chunk), again(2 * chunk);
  const std::int64_t start = chunk;
  const std::int64_t preroll = chain.default_preroll_frames();
  const auto span = read_span(excerpt, start - preroll, preroll + chunk + chain.postroll_frames());
  auto r = chunk_request(chain, span, start, chunk, preroll, 1.0, 3);
  r.dither_seed = 99;
  chain.render_pcm(r, first.data());
  chain.render_pcm(r, again.data());
  BOOST_TEST(first == again);
  int worst = 0;
  for (std::int64_t i = 0; i < 2 * chunk; ++i)
    worst = std::max(worst, std::abs(first[i] - continuous[2 * start + i]));
  // Float differences far below -60 dBFS can only flip a rounding: at most 1 LSB.
  BOOST_TEST(worst <= 1);
  // Another seed changes the dither.
  r.dither_seed = 100;
  chain.render_pcm(r, again.data());
  BOOST_TEST(first != again);
}

BOOST_AUTO_TEST_CASE(the_16_bit_render_is_the_float_render_through_the_pcm_converter) {
  // render_pcm turns whole output tiles into codes in one pass; its bytes must be those of
  // pcm_converter on render_float's output, byte for byte, at full intensity and in the
  // crossfade, for chunks off the dither grid, a chunk whose source ends inside a tile
  // (its tail read as silence) and the negative timeline before the track start.
  const auto& track = demo_track(1);
  const std::int64_t frames = 12 * rate;
  const std::vector<float> excerpt(track.begin(), track.begin() + 2 * frames);
  for (auto use : {auralis::dsp::simd::best_isa(), auralis::dsp::simd::isa::generic}) {
    mastering_chain chain(presets()[3], rate, use);
    const std::int64_t preroll = chain.default_preroll_frames();
    for (double intensity : {1.0, 0.5}) {
      for (const auto& [start, count, cut] :
           {std::tuple<std::int64_t, std::int64_t, std::int64_t>{0, 5 * rate, 0},
            {3 * rate + 777, 4 * rate + 5, 0},
            {-1500, 3000, 0},
            {6 * rate, 5 * rate, 2 * rate + 300}}) {
        auto span = read_span(excerpt, start - preroll, preroll + count + chain.postroll_frames());
        auto r = chunk_request(chain, span, start, count, preroll, intensity, 5.0);
        r.input_frames -= cut; // the source stops short: the rest is silence
        r.dither_seed = 4242;
        std::vector<float> out(static_cast<std::size_t>(2 * count));
        std::vector<std::int16_t> pcm(out.size()), expected(out.size());
        chain.render_float(r, out.data());
        chain.render_pcm(r, pcm.data());
        pcm_converter::convert(out.data(), expected.data(), count, start, r.dither_seed);
        BOOST_TEST(pcm == expected, "intensity " << intensity << ", start " << start
                                                   << ", kernels " << static_cast<int>(use));
        BOOST_TEST(rms_of(out) > 0.01);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(each_preset_moves_the_spectrum_the_way_its_eq_does) {
  const auto noise = pink_noise(20 * rate, 0.05, 5);
  const auto in = power_spectrum(noise);
  struct band {
    double lo, hi, centre;
  };
  const band bands[] = {
    {40, 150, 80}, {300, 550, 400}, {1100, 2000, 1500}, {4000, 6000, 5000}, {10000, 16000, 12000}};
  std::vector<double> high_share;
  for (const auto& p : presets()) {
    mastering_chain chain(p, rate);
    const auto out = power_spectrum(render_continuous(chain, noise, 1.0, 0.0));
    // Compressor, loudness gain and limiter are broadband: band levels relative to the
    // 1.1-2 kHz band follow the EQ's response.
    const auto eq = auralis::dsp::equalizer(p.eq, p.eq_blend, rate);
    const double ref_in = band_energy(in, rate, bands[2].lo, bands[2].hi);
    const double ref_out = band_energy(out, rate, bands[2].lo, bands[2].hi);
    for (const auto& b : bands) {
      const double change = 10 * std::log10(band_energy(out, rate, b.lo, b.hi) / ref_out) -
                            10 * std::log10(band_energy(in, rate, b.lo, b.hi) / ref_in);
      const double expected = eq.response_db(b.centre) - eq.response_db(bands[2].centre);
      BOOST_TEST(std::fabs(change - expected) < 0.6,
                 p.name << " band " << b.centre << " Hz: " << change << " dB, EQ " << expected);
    }
    high_share.push_back(band_energy(out, rate, 8000, 16000) / band_energy(out, rate, 20, 20000));
  }
  // bright (index 3) raises 8-16 kHz relative to adaptive (index 0); warm (2) has less
  // high end than bright.
  BOOST_TEST(high_share[3] > high_share[0] * 1.2);
  BOOST_TEST(high_share[3] > high_share[2]);
}

BOOST_AUTO_TEST_CASE(the_compressor_lowers_the_crest_factor_when_dynamics_blend_is_positive) {
  // Slow swells between -36 and -6 dBFS (a 4 s cycle): the peaks sit on sustained loud
  // passages, which the compressor turns down more than the quiet ones.
  std::vector<float> track(static_cast<std::size_t>(2 * 12 * rate));
  const double pi = 3.141592653589793;
  for (std::int64_t i = 0; i < 12 * rate; ++i) {
    const double t = static_cast<double>(i) / rate;
    const double level_db = -21 - 15 * std::cos(2 * pi * t / 4);
    const float v =
      static_cast<float>(std::pow(10.0, level_db / 20) * std::sin(2 * pi * 440.0 * t));
    track[2 * i] = v;
    track[2 * i + 1] = v;
  }
  const auto crest_db = [](const std::vector<float>& v) {
    return 20 * std::log10(peak_of(v) / rms_of(v));
  };
  for (auto p : presets()) {
    // Keep the limiter out of it: threshold and ceiling at 0 dBFS, no loudness gain.
    p.limiter.threshold_db = 0;
    p.peak_target_db = 0;
    mastering_chain wet(p, rate);
    auto dry_preset = p;
    dry_preset.dynamics_blend = 0;
    mastering_chain dry(dry_preset, rate);
    const auto compressed = render_continuous(wet, track, 1.0, 0.0);
    const auto plain = render_continuous(dry, track, 1.0, 0.0);
    BOOST_TEST(wet.last_stats().limiter_min_gain_db == 0.0);
    BOOST_TEST(crest_db(compressed) < crest_db(plain) - 0.2,
               p.name << ": " << crest_db(compressed) << " vs " << crest_db(plain));
    BOOST_TEST(wet.last_stats().compressor_min_gain_db < -1.0);
    BOOST_TEST(dry.last_stats().compressor_min_gain_db == 0.0);
  }
}

BOOST_AUTO_TEST_CASE(a_processed_track_lands_within_1_lu_of_the_target) {
  for (std::size_t t = 0; t < 3; ++t) {
    const auto& track = demo_track(t);
    for (std::size_t p = 0; p < presets().size(); ++p) {
      mastering_chain chain(presets()[p], rate);
      const double measured = pre_gain_lufs(track, p);
      const double gain = chain.loudness_gain_db(measured);
      const auto out = render_continuous(chain, track, 1.0, gain);
      const double lufs = loudness_meter::measure(out.data(), frames_of(out), rate);
      // Where the +12 dB cap binds, the target is out of reach by the missing gain.
      const double expected = measured + gain;
      const bool capped = gain == mastering_chain::max_loudness_gain_db;
      BOOST_TEST((capped || std::fabs(expected - presets()[p].target_lufs) < 1e-9));
      // The limiter only takes loudness away, by about its energy loss.
      const double loss = chain.last_stats().limiter_loss_db;
      BOOST_TEST_MESSAGE(auralis::dsp::demo_synth::tracks()[t].title
                         << " / " << presets()[p].name << ": " << lufs << " LUFS, expected "
                         << expected << ", limiter loss " << loss << " dB");
      BOOST_TEST(lufs <= expected + 1.0);
      BOOST_TEST(lufs >= expected - 1.0 - loss);
      BOOST_TEST(loss < 3.0);
    }
  }
}

BOOST_AUTO_TEST_CASE(without_limiting_the_loudness_is_on_target) {
  // Tones with a low crest factor: the limiter never acts, so the output is the pre-gain
  // signal times the gain and must land on the target.
  const auto track = music_like(20 * rate, rate, 4);
  for (std::size_t p = 0; p < presets().size(); ++p) {
    mastering_chain chain(presets()[p], rate);
    const double gain = track_gain(track, p);
    const auto out = render_continuous(chain, track, 1.0, gain);
    BOOST_TEST(chain.last_stats().limiter_min_gain_db == 0.0);
    const double lufs = loudness_meter::measure(out.data(), frames_of(out), rate);
    BOOST_TEST(std::fabs(lufs - presets()[p].target_lufs) < 0.1, presets()[p].name << ": " << lufs);
  }
}

BOOST_AUTO_TEST_CASE(intensity_0_is_the_source_and_1_the_full_chain) {
  const auto track = music_like(3 * rate, rate, 6);
  for (const auto& p : presets()) {
    mastering_chain chain(p, rate);
    render_request r;
    r.input = track.data();
    r.input_frames = frames_of(track);
    r.output_frames = frames_of(track);
    r.loudness_gain_db = 4;
    r.dither_seed = 1234;
    r.intensity = 0;
    std::vector<std::int16_t> pcm(track.size()), expected(track.size());
    chain.render_pcm(r, pcm.data());
    pcm_converter::convert(track.data(), expected.data(), frames_of(track), 0, 1234);
    BOOST_TEST(pcm == expected);
    std::vector<float> source_out(track.size()), full(track.size()), half(track.size());
    chain.render_float(r, source_out.data());
    BOOST_TEST(source_out == track);
    r.intensity = 1;
    chain.render_float(r, full.data());
    // The full chain differs clearly from the source and carries the loudness gain.
    BOOST_TEST(peak_diff_db(full, track) > -20.0);
    BOOST_TEST(chain.last_stats().loudness_gain_db == 4.0);
    r.intensity = 0.3;
    chain.render_float(r, half.data());
    double worst = 0;
    for (std::size_t i = 0; i < track.size(); ++i)
      worst =
        std::max(worst, std::fabs(static_cast<double>(half[i]) - (0.7 * track[i] + 0.3 * full[i])));
    BOOST_TEST(worst < 1e-6);
  }
}

BOOST_AUTO_TEST_CASE(nan_and_inf_samples_are_replaced_by_silence) {
  auto dirty = music_like(4 * rate, rate, 8);
  auto clean = dirty;
  const float bad[] = {std::numeric_limits<float>::quiet_NaN(),
                       std::numeric_limits<float>::infinity(),
                       -std::numeric_limits<float>::infinity()};
  for (std::size_t i = 1000, k = 0; i < dirty.size(); i += 7919, ++k) {
    dirty[i] = bad[k % 3];
    clean[i] = 0;
  }
  for (const auto& p : presets()) {
    mastering_chain chain(p, rate);
    for (double intensity : {0.0, 0.5, 1.0}) {
      const auto a = render_continuous(chain, dirty, intensity, 5.0);
      const auto b = render_continuous(chain, clean, intensity, 5.0);
      BOOST_TEST(a == b, p.name << " at intensity " << intensity);
      for (float v : a)
        BOOST_REQUIRE(std::isfinite(v));
    }
  }
}

BOOST_AUTO_TEST_CASE(silence_and_near_silence_are_safe) {
  const std::vector<float> silence(static_cast<std::size_t>(2 * 5 * rate), 0.0f);
  // About -60 LUFS: far below every target, so the gain stops at the cap.
  const auto whisper = pink_noise(5 * rate, 0.001, 9);
  // Below the -70 LUFS gate: measures as silent.
  const auto hiss = pink_noise(5 * rate, 0.00002, 10);
  for (std::size_t p = 0; p < presets().size(); ++p) {
    mastering_chain chain(presets()[p], rate);
    for (const auto* track : {&silence, &whisper, &hiss}) {
      const auto loudness = loudness_analyser::measure(
        [&](std::int64_t first, std::int64_t count) { return read_span(*track, first, count); },
        frames_of(*track), {presets()[p]}, rate);
      const double gain = chain.loudness_gain_db(loudness.pre_gain_lufs[0]);
      BOOST_TEST(std::isfinite(gain));
      if (track == &whisper)
        BOOST_TEST(gain == mastering_chain::max_loudness_gain_db);
      else
        BOOST_TEST(gain == 0.0);
      const auto out = render_continuous(chain, *track, 1.0, gain);
      for (float v : out)
        BOOST_REQUIRE(std::isfinite(v));
      if (track == &silence)
        BOOST_TEST(peak_of(out) == 0.0);
      render_request r;
      r.input = track->data();
      r.input_frames = frames_of(*track);
      r.output_frames = frames_of(*track);
      r.loudness_gain_db = gain;
      std::vector<std::int16_t> pcm(track->size());
      chain.render_pcm(r, pcm.data());
      if (track == &silence)
        for (auto s : pcm)
          BOOST_REQUIRE(std::abs(s) <= 1); // dither only
    }
  }
  BOOST_TEST(mastering_chain(presets()[0], rate)
               .loudness_gain_db(-std::numeric_limits<double>::infinity()) == 0.0);
  BOOST_TEST(mastering_chain(presets()[0], rate).loudness_gain_db(std::nan("")) == 0.0);
}

BOOST_AUTO_TEST_CASE(clipping_sources_stay_under_the_ceiling) {
  // Square wave at +-1 and a float source at +-4 (+12 dBFS) with full-scale noise bursts.
  std::vector<float> square(static_cast<std::size_t>(2 * 4 * rate));
  for (std::size_t i = 0; i < square.size(); ++i)
    square[i] = ((i / 2) / 55) % 2 ? 1.0f : -1.0f;
  auto hot = pink_noise(4 * rate, 1.0, 12);
  for (auto& v : hot)
    v = std::clamp(v * 2.0f, -4.0f, 4.0f);
  for (const auto& p : presets()) {
    mastering_chain chain(p, rate);
    const double ceiling = std::pow(10.0, p.peak_target_db / 20);
    const double allowed = std::pow(10.0, (p.peak_target_db + 0.1) / 20);
    for (const auto* track : {&square, &hot})
      for (double intensity : {0.0, 0.5, 1.0})
        for (double gain : {0.0, 12.0}) {
          const auto out = render_continuous(chain, *track, intensity, gain);
          // Float rounding of the ceiling itself aside.
          BOOST_TEST(peak_of(out) <= ceiling * (1 + 1e-6),
                     p.name << " float peak " << peak_of(out));
          render_request r;
          r.input = track->data();
          r.input_frames = frames_of(*track);
          r.output_frames = frames_of(*track);
          r.intensity = intensity;
          r.loudness_gain_db = gain;
          std::vector<std::int16_t> pcm(track->size());
          chain.render_pcm(r, pcm.data());
          int peak = 0;
          for (auto s : pcm)
            peak = std::max(peak, std::abs(static_cast<int>(s)));
          BOOST_TEST(peak / 32767.0 <= allowed, p.name << " pcm peak " << peak);
        }
  }
}

BOOST_AUTO_TEST_CASE(the_limiter_holds_the_ceiling_on_loud_material_at_full_gain) {
  const auto& track = demo_track(1);
  for (const auto& p : presets()) {
    mastering_chain chain(p, rate);
    const auto out = render_continuous(chain, track, 1.0, 12.0);
    BOOST_TEST(peak_of(out) <= std::pow(10.0, p.peak_target_db / 20) * (1 + 1e-6));
    BOOST_TEST(chain.last_stats().limiter_min_gain_db < -3.0);
  }
}

BOOST_AUTO_TEST_CASE(the_chunk_contract_needs_its_post_roll_and_counts_missing_frames_as_silence) {
  // Moderate tones, then a loud burst starting 100 frames after the chunk end at 2.5 s.
  auto track = music_like(6 * rate, rate, 13);
  const std::int64_t start = 3 * rate / 2, n = rate, preroll = rate;
  for (std::int64_t i = start + n + 100; i < start + n + 400; ++i) {
    track[2 * i] = 0.9f;
    track[2 * i + 1] = -0.9f;
  }
  mastering_chain chain(presets()[3], rate);
  BOOST_TEST(chain.postroll_frames() == 272);
  // 12 x 80 ms (compressor release) + 50 ms.
  BOOST_TEST(chain.default_preroll_frames() == 48480);
  const auto whole = render_continuous(chain, track, 1.0, 6.0);
  const std::vector<float> expected(whole.begin() + 2 * start, whole.begin() + 2 * (start + n));
  // Input that stops at the chunk end: the limiter cannot see the burst coming, and the
  // chunk's last frames differ from the continuous render, which ducks ahead of it.
  const auto span = read_span(track, start - preroll, preroll + n);
  auto r = chunk_request(chain, span, start, n, preroll, 1.0, 6.0);
  r.input_frames = preroll + n;
  std::vector<float> out(static_cast<std::size_t>(2 * n));
  chain.render_float(r, out.data());
  BOOST_TEST(peak_diff_db(out, expected) > -40.0);
  // With the post-roll it matches.
  const auto full_span = read_span(track, start - preroll, preroll + n + chain.postroll_frames());
  r = chunk_request(chain, full_span, start, n, preroll, 1.0, 6.0);
  chain.render_float(r, out.data());
  BOOST_TEST(peak_diff_db(out, expected) < -60.0);
}

BOOST_AUTO_TEST_CASE(malformed_requests_throw_invalid_argument) {
  mastering_chain chain(presets()[0], rate);
  const std::vector<float> in(200, 0.1f);
  std::vector<float> out(200);
  render_request r;
  r.input = in.data();
  r.input_frames = 100;
  r.output_frames = 100;
  const auto expect_throw = [&](render_request bad) {
    BOOST_CHECK_THROW(chain.render_float(bad, out.data()), std::invalid_argument);
  };
  auto bad = r;
  bad.intensity = 1.5;
  expect_throw(bad);
  bad = r;
  bad.intensity = std::nan("");
  expect_throw(bad);
  bad = r;
  bad.loudness_gain_db = std::numeric_limits<double>::infinity();
  expect_throw(bad);
  bad = r;
  bad.output_frames = -1;
  expect_throw(bad);
  bad = r;
  bad.preroll_frames = -5;
  expect_throw(bad);
  bad = r;
  bad.input = nullptr;
  expect_throw(bad);
  BOOST_CHECK_THROW(chain.render_float(r, nullptr), std::invalid_argument);
  auto broken = presets()[0];
  broken.eq_blend = std::nan("");
  BOOST_CHECK_THROW(mastering_chain(broken, rate), std::invalid_argument);
  BOOST_CHECK_THROW(mastering_chain(presets()[0], 8000), std::invalid_argument);
  // Zero output frames is a valid no-op.
  r.output_frames = 0;
  BOOST_CHECK_NO_THROW(chain.render_float(r, nullptr));
}
