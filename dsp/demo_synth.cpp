#include "dsp/demo_synth.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <random>
#include <stdexcept>

#include "codec/audio_file_writer.hpp"

namespace auralis::dsp {

namespace {

constexpr double two_pi = 6.283185307179586;

/// Frequency of MIDI note `n`, Hz.
double note_hz(double n) { return 440.0 * std::pow(2.0, (n - 69.0) / 12.0); }

/// Stereo accumulation buffer with helpers to add panned voices.
struct mix_buffer {
  std::vector<float> data;
  int rate;
  std::int64_t frames;

  mix_buffer(double seconds, int r)
    : rate(r), frames(static_cast<std::int64_t>(seconds * r)) {
    data.assign(static_cast<std::size_t>(frames) * 2, 0.f);
  }
  void add(std::int64_t frame, double left, double right) {
    if (frame < 0 || frame >= frames)
      return;
    data[2 * frame] += static_cast<float>(left);
    data[2 * frame + 1] += static_cast<float>(right);
  }
  /// Scales everything so the absolute peak is `peak`.
  void normalise(double peak) {
    float m = 0;
    for (float v : data)
      m = std::max(m, std::fabs(v));
    if (m > 0)
      for (auto& v : data)
        v = static_cast<float>(v * peak / m);
  }
};

/// One-pole low-pass used to shape noise and saws.
struct one_pole {
  double a = 0, z = 0;
  one_pole(double cutoff_hz, int rate) : a(std::exp(-two_pi * cutoff_hz / rate)) {}
  double operator()(double x) { return z = (1 - a) * x + a * z; }
};

/// Two-pole resonator (a formant), gain-normalised at its centre.
struct resonator {
  double b0, a1, a2, y1 = 0, y2 = 0;
  resonator(double hz, double bw_hz, int rate) {
    const double r = std::exp(-3.141592653589793 * bw_hz / rate);
    a1 = 2 * r * std::cos(two_pi * hz / rate);
    a2 = -r * r;
    b0 = 1 - r;
  }
  double operator()(double x) {
    const double y = b0 * x + a1 * y1 + a2 * y2;
    y2 = y1;
    y1 = y;
    return y;
  }
};

/// Quiet ambient pad: slow detuned chords, a breathing noise bed, sparse bells.
std::vector<float> ambient(double seconds, int rate) {
  mix_buffer mix(seconds, rate);
  std::mt19937 rng(101);
  std::uniform_real_distribution<double> uni(-1, 1);
  const int chords[4][4] = {{50, 57, 62, 65}, {46, 53, 58, 62}, {48, 55, 60, 64}, {45, 52, 57, 60}};
  const double chord_s = 8.0;
  one_pole bed_l(600, rate), bed_r(700, rate);
  for (std::int64_t i = 0; i < mix.frames; ++i) {
    const double t = static_cast<double>(i) / rate;
    const int c = static_cast<int>(t / chord_s) % 4;
    const double in_chord = std::fmod(t, chord_s);
    // Slow swell in and out of each chord.
    const double env = std::sin(3.141592653589793 * in_chord / chord_s);
    double l = 0, r = 0;
    for (int v = 0; v < 4; ++v) {
      const double f = note_hz(chords[c][v]);
      l += std::sin(two_pi * f * 0.998 * t + v) * (0.25 - 0.04 * v);
      r += std::sin(two_pi * f * 1.002 * t + 2 * v) * (0.25 - 0.04 * v);
    }
    const double breath = 0.5 + 0.5 * std::sin(two_pi * 0.07 * t);
    l = 0.6 * env * l + 0.08 * breath * bed_l(uni(rng));
    r = 0.6 * env * r + 0.08 * breath * bed_r(uni(rng));
    mix.add(i, l, r);
  }
  // Sparse soft bells.
  for (double t0 = 3.0; t0 < seconds - 3; t0 += 5.5) {
    const double f = note_hz(74 + 5 * (static_cast<int>(t0) % 3));
    const auto start = static_cast<std::int64_t>(t0 * rate);
    for (std::int64_t k = 0; k < 3 * rate; ++k) {
      const double tt = static_cast<double>(k) / rate;
      const double v = 0.12 * std::exp(-1.5 * tt) * std::sin(two_pi * f * tt);
      mix.add(start + k, v * 0.7, v);
    }
  }
  mix.normalise(0.22); // quiet
  return std::move(mix.data);
}

/// Loud rhythmic track at 124 BPM: kick, snare, hats, a saw bass riff and a stab.
std::vector<float> rhythmic(double seconds, int rate) {
  mix_buffer mix(seconds, rate);
  std::mt19937 rng(202);
  std::uniform_real_distribution<double> uni(-1, 1);
  const double beat = 60.0 / 124.0;
  const int riff[8] = {33, 33, 45, 33, 36, 33, 43, 31};
  for (int b = 0; b * beat < seconds; ++b) {
    const auto start = static_cast<std::int64_t>(b * beat * rate);
    // Kick on every beat: pitch sweep 150 -> 45 Hz.
    double phase = 0;
    for (std::int64_t k = 0; k < static_cast<std::int64_t>(0.35 * rate); ++k) {
      const double tt = static_cast<double>(k) / rate;
      const double f = 45 + 105 * std::exp(-tt * 25);
      phase += two_pi * f / rate;
      const double v = 0.9 * std::exp(-tt * 7) * std::sin(phase);
      mix.add(start + k, v, v);
    }
    // Snare on beats 2 and 4: noise burst plus a 190 Hz body.
    if (b % 2 == 1) {
      one_pole hp_state(1500, rate);
      for (std::int64_t k = 0; k < static_cast<std::int64_t>(0.2 * rate); ++k) {
        const double tt = static_cast<double>(k) / rate;
        const double n = uni(rng);
        const double bright = n - hp_state(n);
        const double v = std::exp(-tt * 18) * (0.45 * bright + 0.3 * std::sin(two_pi * 190 * tt));
        mix.add(start + k, v * 0.95, v);
      }
    }
    // Hats on every eighth.
    for (int h = 0; h < 2; ++h) {
      one_pole lp(7000, rate);
      const auto hs = start + static_cast<std::int64_t>(h * beat * 0.5 * rate);
      for (std::int64_t k = 0; k < static_cast<std::int64_t>(0.05 * rate); ++k) {
        const double n = uni(rng);
        const double v = 0.18 * std::exp(-static_cast<double>(k) / rate * 80) * (n - lp(n));
        mix.add(hs + k, v * 0.7, v);
      }
    }
    // Bass: one riff note per beat, a filtered saw.
    one_pole bass_lp(400, rate);
    const double f = note_hz(riff[b % 8]);
    for (std::int64_t k = 0; k < static_cast<std::int64_t>(beat * rate); ++k) {
      const double tt = static_cast<double>(k) / rate;
      const double saw = 2 * std::fmod(f * tt, 1.0) - 1;
      const double v = 0.45 * std::exp(-tt * 2.5) * bass_lp(saw);
      mix.add(start + k, v, v);
    }
    // A chord stab on the off-beat of every other bar.
    if (b % 8 == 6) {
      const auto ss = start + static_cast<std::int64_t>(beat * 0.5 * rate);
      for (std::int64_t k = 0; k < static_cast<std::int64_t>(0.3 * rate); ++k) {
        const double tt = static_cast<double>(k) / rate;
        const double v = 0.2 * std::exp(-tt * 8) *
          (std::sin(two_pi * note_hz(57) * tt) + std::sin(two_pi * note_hz(60) * tt) +
           std::sin(two_pi * note_hz(64) * tt));
        mix.add(ss + k, v, v * 0.8);
      }
    }
  }
  mix.normalise(0.89); // loud
  return std::move(mix.data);
}

/// Bright, vocal-range heavy track: a formant "voice" singing vowels over shimmering
/// high partials and airy hats.
std::vector<float> bright(double seconds, int rate) {
  mix_buffer mix(seconds, rate);
  std::mt19937 rng(303);
  std::uniform_real_distribution<double> uni(-1, 1);
  // Vowel formants (Hz): a, e, i, o.
  const double formants[4][3] = {{800, 1150, 2900}, {400, 1700, 2600}, {300, 2300, 3000},
                                 {450, 800, 2830}};
  const int melody[8] = {57, 60, 62, 64, 62, 60, 59, 55};
  const double note_s = 0.75;
  double phase = 0;
  resonator* bank[3] = {nullptr, nullptr, nullptr};
  std::vector<resonator> res;
  int current_vowel = -1;
  for (std::int64_t i = 0; i < mix.frames; ++i) {
    const double t = static_cast<double>(i) / rate;
    const int n = static_cast<int>(t / note_s);
    const int vowel = n % 4;
    if (vowel != current_vowel) {
      res.clear();
      for (int k = 0; k < 3; ++k)
        res.emplace_back(formants[vowel][k], 80 + 40 * k, rate);
      for (int k = 0; k < 3; ++k)
        bank[k] = &res[static_cast<std::size_t>(k)];
      current_vowel = vowel;
    }
    const double vibrato = 1 + 0.006 * std::sin(two_pi * 5.5 * t);
    const double f0 = note_hz(melody[n % 8]) * vibrato;
    phase += f0 / rate;
    if (phase >= 1)
      phase -= 1;
    // Band-limited-ish glottal pulse: a narrow raised cosine per period.
    const double pulse = phase < 0.08 ? 0.5 - 0.5 * std::cos(two_pi * phase / 0.08) : 0.0;
    const double voice = (*bank[0])(pulse) * 1.0 + (*bank[1])(pulse) * 0.8 + (*bank[2])(pulse) * 0.6;
    const double note_env = std::min(1.0, std::fmod(t, note_s) * 20.0);
    double l = 3.0 * note_env * voice, r = l;
    // Shimmer: high partials slowly beating.
    const double shimmer = 0.05 * (std::sin(two_pi * 3520 * t) + std::sin(two_pi * 5274 * t + 1) +
                                   0.7 * std::sin(two_pi * 7040.5 * t + 2)) *
                           (0.6 + 0.4 * std::sin(two_pi * 0.25 * t));
    l += shimmer;
    r += shimmer * 0.9;
    // Airy noise hats on the sixteenths.
    const double sixteenth = std::fmod(t, note_s / 4);
    const double air = 0.05 * std::exp(-sixteenth * 60) * uni(rng);
    mix.add(i, l + air, r + air * 0.8);
  }
  mix.normalise(0.7);
  return std::move(mix.data);
}

} // namespace

const std::vector<demo_synth::track_spec>& demo_synth::tracks() {
  static const std::vector<track_spec> list{
    {"01-ambient-drift.flac", "Ambient Drift", 150.0},
    {"02-pulse-engine.flac", "Pulse Engine", 135.0},
    {"03-glass-voices.flac", "Glass Voices", 165.0},
  };
  return list;
}

std::vector<float> demo_synth::render(std::size_t index, int rate) {
  const auto& spec = tracks().at(index);
  switch (index) {
    case 0: return ambient(spec.seconds, rate);
    case 1: return rhythmic(spec.seconds, rate);
    default: return bright(spec.seconds, rate);
  }
}

std::vector<std::string> demo_synth::ensure_demo_library(const std::string& dir) {
  std::filesystem::create_directories(dir);
  std::vector<std::string> paths;
  for (std::size_t i = 0; i < tracks().size(); ++i) {
    const auto path = (std::filesystem::path(dir) / tracks()[i].file_name).string();
    if (!std::filesystem::exists(path)) {
      // Write to a temporary name first so a crash never leaves a half file behind.
      const auto tmp = path + ".partial";
      codec::write_audio_file(tmp, render(i, file_rate), 2, file_rate,
                              codec::file_format::flac_pcm16);
      std::filesystem::rename(tmp, path);
    }
    paths.push_back(path);
  }
  return paths;
}

} // namespace auralis::dsp
