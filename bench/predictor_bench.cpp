// auralis-bench predictor: replays seeded synthetic listener traces through the predictor
// (no audio) and compares its honest accuracy with the oracle's.
//
// Each scenario is a generating Markov model over the presets: from the current preset
// the listener switches to the next one with the model's row probabilities. Switches are
// seconds to minutes apart (never closer than the hygiene thresholds, so each one is
// learned), with position updates every 10 s in between and a new track every 4 minutes.
// Long traces are cut into listening sessions of 40 switches with an 8 h break between
// them (each session expires; the next one has a new id and starts from the learned
// counts, which all sessions share).
// The predictor's own accuracy figures are read after a warm-up of 20 switches and at
// the end; the difference is the scored part. The oracle always predicts the truly most
// likely next preset of the model that generates the switch (for the habit change, the
// second model from half-way).

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "actors/predictor/predictor.hpp"
#include "bench/bench.hpp"
#include "config/config_loader.hpp"
#include "config/json_writer.hpp"

namespace auralis::bench {

namespace {

using actors::predictor;
using clock_type = std::chrono::steady_clock;
using row = std::vector<double>; // next-preset probabilities, indexed like the preset set

constexpr int warm_up_switches = 20;
constexpr double position_every_s = 10;
constexpr double track_length_s = 240;
constexpr double session_break_s = 8 * 3600;

/// A generating model: one row per preset, by preset name.
struct markov_model {
  std::vector<std::pair<std::string, std::vector<std::pair<std::string, double>>>> rows;
};

/// One synthetic listener.
struct scenario {
  std::string name;
  std::string description;
  bool learnable;          ///< the listener has a habit a predictor can learn
  int switches;            ///< switches in the trace, warm-up included
  int session_switches;    ///< switches per listening session (then an 8 h break); 0 = one
  std::string start;       ///< first preset
  double mean_gap_s;       ///< mean time between switches (exponential)
  double min_gap_s;
  double max_gap_s;
  markov_model first;      ///< the model that generates the switches...
  markov_model second;     ///< ...and the one from half-way (empty rows: no change)
};

/// Rows of `m` as index-based probability rows over `names`.
std::vector<row> resolve(const markov_model& m, const std::vector<std::string>& names) {
  auto index = [&](const std::string& n) {
    const auto it = std::find(names.begin(), names.end(), n);
    if (it == names.end())
      throw std::runtime_error("predictor bench: the shipped presets lack '" + n + "'");
    return static_cast<std::size_t>(it - names.begin());
  };
  std::vector<row> out(names.size(), row(names.size(), 0.0));
  for (const auto& [from, targets] : m.rows)
    for (const auto& [to, p] : targets)
      out[index(from)][index(to)] = p;
  return out;
}

/// Every preset but `from`, each `p` (a uniform row).
markov_model uniform_model(const std::vector<std::string>& names) {
  markov_model m;
  for (const auto& from : names) {
    std::vector<std::pair<std::string, double>> targets;
    for (const auto& to : names)
      if (to != from)
        targets.emplace_back(to, 1.0 / static_cast<double>(names.size() - 1));
    m.rows.emplace_back(from, targets);
  }
  return m;
}

/// The cold-start popularity (adaptive 0.5, gentle 0.2, warm 0.15, bright 0.1,
/// punchy 0.05) without the current preset: what a first-time listener tries.
markov_model popularity_model(const std::map<std::string, double>& popularity) {
  markov_model m;
  for (const auto& [from, unused] : popularity) {
    (void) unused;
    std::vector<std::pair<std::string, double>> targets;
    double sum = 0;
    for (const auto& [to, p] : popularity)
      if (to != from)
        sum += p;
    for (const auto& [to, p] : popularity)
      if (to != from)
        targets.emplace_back(to, p / sum);
    m.rows.emplace_back(from, targets);
  }
  return m;
}

/// The experienced listener's habits: adaptive -> punchy above all.
markov_model experienced_model() {
  return {{
    {"adaptive", {{"punchy", 0.70}, {"bright", 0.12}, {"warm", 0.10}, {"gentle", 0.08}}},
    {"punchy", {{"adaptive", 0.60}, {"bright", 0.20}, {"warm", 0.10}, {"gentle", 0.10}}},
    {"bright", {{"punchy", 0.45}, {"adaptive", 0.35}, {"warm", 0.10}, {"gentle", 0.10}}},
    {"warm", {{"adaptive", 0.50}, {"gentle", 0.30}, {"punchy", 0.10}, {"bright", 0.10}}},
    {"gentle", {{"warm", 0.50}, {"adaptive", 0.30}, {"bright", 0.10}, {"punchy", 0.10}}},
  }};
}

/// The same listener after a change of taste: adaptive -> warm, punchy -> bright, ...
markov_model changed_model() {
  return {{
    {"adaptive", {{"warm", 0.70}, {"gentle", 0.12}, {"bright", 0.10}, {"punchy", 0.08}}},
    {"punchy", {{"bright", 0.55}, {"adaptive", 0.25}, {"warm", 0.10}, {"gentle", 0.10}}},
    {"bright", {{"warm", 0.50}, {"adaptive", 0.25}, {"punchy", 0.15}, {"gentle", 0.10}}},
    {"warm", {{"gentle", 0.60}, {"adaptive", 0.20}, {"bright", 0.10}, {"punchy", 0.10}}},
    {"gentle", {{"adaptive", 0.55}, {"warm", 0.25}, {"bright", 0.10}, {"punchy", 0.10}}},
  }};
}

/// A listener toggling between adaptive and bright.
markov_model toggler_model() {
  return {{
    {"adaptive", {{"bright", 0.90}, {"warm", 0.04}, {"gentle", 0.03}, {"punchy", 0.03}}},
    {"bright", {{"adaptive", 0.90}, {"warm", 0.04}, {"gentle", 0.03}, {"punchy", 0.03}}},
    {"warm", {{"adaptive", 0.50}, {"bright", 0.30}, {"gentle", 0.10}, {"punchy", 0.10}}},
    {"gentle", {{"adaptive", 0.50}, {"bright", 0.30}, {"warm", 0.10}, {"punchy", 0.10}}},
    {"punchy", {{"bright", 0.50}, {"adaptive", 0.30}, {"warm", 0.10}, {"gentle", 0.10}}},
  }};
}

/// Index of the largest entry (first on ties).
std::size_t argmax(const row& r) {
  return static_cast<std::size_t>(std::max_element(r.begin(), r.end()) - r.begin());
}

/// One draw from row `r`.
std::size_t draw(const row& r, std::mt19937& rng) {
  std::discrete_distribution<std::size_t> d(r.begin(), r.end());
  return d(rng);
}

/// What one replay measured.
struct replay_result {
  double top1 = 0;
  double top3 = 0;
  double oracle_top1 = 0;
  std::uint64_t scored = 0;
  std::uint64_t not_learned = 0;
  std::uint64_t updates = 0;
  double seconds = 0;
  double listened_hours = 0;   ///< breaks between sessions excluded
  int sessions = 0;
  std::string final_mode;
};

replay_result replay(const scenario& sc, const actors::predictor_settings& settings,
                     unsigned seed) {
  const auto names = settings.presets.names();
  const auto first = resolve(sc.first, names);
  const auto second = sc.second.rows.empty() ? first : resolve(sc.second, names);
  std::mt19937 rng(seed);
  std::exponential_distribution<double> gap_dist(1.0 / sc.mean_gap_s);

  const auto t0 = clock_type::time_point{} + std::chrono::hours(1);
  double t = 0; // seconds since t0
  auto at = [&](double s) {
    return t0 + std::chrono::duration_cast<clock_type::duration>(std::chrono::duration<double>(s));
  };
  predictor p(settings, at(0));
  replay_result out;
  std::int64_t track = 1;
  double position = 0;
  std::size_t current = *settings.presets.index_of(sc.start);
  int session = 1;
  auto send = [&](std::size_t preset) {
    actors::position_update u{"listener-" + std::to_string(session), track, position,
                              names[preset], 1.0};
    ++out.updates;
    return p.update(u, at(t));
  };

  const auto started = clock_type::now();
  send(current);
  actors::accuracy_figures at_warm_up{};
  std::uint64_t oracle_hits = 0;
  for (int i = 0; i < sc.switches; ++i) {
    if (sc.session_switches > 0 && i > 0 && i % sc.session_switches == 0) {
      // A break: the session expires; the next one resumes with the last preset.
      t += session_break_s;
      ++session;
      ++track;
      position = 0;
      send(current);
    }
    const double gap = std::clamp(gap_dist(rng), sc.min_gap_s, sc.max_gap_s);
    const double end = t + gap;
    // Playback until the switch: a position update every 10 s, a new track every 4 min.
    while (t + position_every_s < end) {
      t += position_every_s;
      position += position_every_s;
      if (position >= track_length_s) {
        ++track;
        position = 0;
      }
      send(current);
    }
    position += end - t;
    t = end;
    const auto& truth = i < sc.switches / 2 ? first : second;
    const auto next = draw(truth[current], rng);
    const bool scored = i >= warm_up_switches;
    if (scored && next == argmax(truth[current]))
      ++oracle_hits;
    const auto reply = send(next);
    if (reply.outcome != actors::switch_outcome::learned)
      ++out.not_learned;
    current = next;
    if (i + 1 == warm_up_switches)
      at_warm_up = p.snapshot().accuracy;
    out.final_mode = actors::to_string(reply.mode);
  }
  out.seconds = seconds_since(started);
  out.sessions = session;
  out.listened_hours = (t - session_break_s * (session - 1)) / 3600.0;
  const auto end_figures = p.snapshot().accuracy;
  out.scored = end_figures.switches - at_warm_up.switches;
  if (out.scored > 0) {
    const auto n = static_cast<double>(out.scored);
    out.top1 = static_cast<double>(end_figures.top1_hits - at_warm_up.top1_hits) / n;
    out.top3 = static_cast<double>(end_figures.top3_hits - at_warm_up.top3_hits) / n;
    out.oracle_top1 = static_cast<double>(oracle_hits) / n;
  }
  return out;
}

} // namespace

int run_predictor(const bench_options& opts) {
  const auto cfg = config::config_loader::load_embedded();
  const auto settings = actors::predictor_settings::from(cfg);
  const auto names = cfg.presets.names();

  const std::vector<scenario> scenarios{
    {"first_time_user", "no history; tries the popular presets", false, 40, 0, "adaptive", 90,
     5, 900, popularity_model(cfg.predictor.cold_start), {}},
    {"experienced_user", "adaptive -> punchy habit", true, 2000, 40, "adaptive", 120, 3, 900,
     experienced_model(), {}},
    {"exploration", "rapid random switching, every few seconds", false, 300, 0, "adaptive", 8,
     1, 30, uniform_model(names), {}},
    {"toggler", "adaptive <-> bright", true, 1000, 40, "adaptive", 45, 2, 600, toggler_model(),
     {}},
    {"habit_change", "adaptive -> punchy habit, adaptive -> warm from half-way", true, 3000, 40,
     "adaptive", 120, 3, 900, experienced_model(), changed_model()},
  };

  std::printf("predictor: replaying %zu synthetic listener traces (seed %u), warm-up %d "
              "switches, row_total_limit %d, recent boost x%.2f over %.0f s\n",
              scenarios.size(), opts.seed, warm_up_switches, cfg.predictor.row_total_limit,
              cfg.predictor.recent_boost, cfg.predictor.recent_window_s);
  config::json_writer w;
  w.begin_object().key("scenarios").begin_object();
  double min_ratio = 0;
  bool any_learnable = false;
  std::string learnable_names;
  unsigned index = 0;
  for (const auto& sc : scenarios) {
    const auto r = replay(sc, settings, opts.seed + 1000 * index++);
    const double ratio = r.oracle_top1 > 0 ? r.top1 / r.oracle_top1 : 0;
    std::printf("  %-17s %-11s %s\n", sc.name.c_str(),
                sc.learnable ? "[learnable]" : "[no habit]", sc.description.c_str());
    std::printf("  %-17s %llu switches scored (%llu not learned) over %d session(s), "
                "%.1f h of listening, final mode %s\n",
                "", static_cast<unsigned long long>(r.scored),
                static_cast<unsigned long long>(r.not_learned), r.sessions, r.listened_hours,
                r.final_mode.c_str());
    std::printf("  %-17s top-1 %.3f  top-3 %.3f  oracle top-1 %.3f  top-1/oracle %.3f\n", "",
                r.top1, r.top3, r.oracle_top1, ratio);
    std::printf("  %-17s %llu updates in %.3f s (%.2f us per update)\n", "",
                static_cast<unsigned long long>(r.updates), r.seconds,
                r.updates ? r.seconds * 1e6 / static_cast<double>(r.updates) : 0.0);
    w.key(sc.name).begin_object();
    w.key("top1").value(r.top1, 4);
    w.key("top3").value(r.top3, 4);
    w.key("oracle_top1").value(r.oracle_top1, 4);
    w.end_object();
    if (sc.learnable) {
      min_ratio = any_learnable ? std::min(min_ratio, ratio) : ratio;
      any_learnable = true;
      learnable_names += (learnable_names.empty() ? "" : ", ") + sc.name;
    }
  }
  w.end_object().key("top1_vs_oracle_min").value(min_ratio, 4);
  w.end_object();
  std::printf("predictor: top1_vs_oracle_min is over the learnable scenarios (%s)\n",
              learnable_names.c_str());
  std::printf("%s\n", w.str().c_str());
  return 0;
}

} // namespace auralis::bench
