// auralis-bench replay: the real core actors (tiers, predictor, planner, worker pool,
// library) on the demo library with the default configuration, driven by seeded
// synthetic listeners at accelerated time.
//
// Acceleration: a scenario clock, not the wall clock, drives the listeners and is the
// predictor's (and the planner's) clock. Time advances in steps of 5 s; in each step every
// listener's playback moves on (a fetch when it enters a new chunk or a new track, then a
// position update), and then the listeners whose interaction is due switch preset or seek
// (a fetch of the playing chunk in the new preset or at the new place, then a position
// update), 0.5 s of scenario time later. Like a gapless player, a listener whose track is
// fetched to its end announces the next track (a position update at its start) in its last
// 10 s, and every position update names the track that follows (the player's queue).
// Rendering is real: after each phase the pool gets real time until it has nothing queued
// or running (at most 0.4 s of wall time per 5 listeners), so the planner prepares what a
// real engine would have prepared during those 5 s of listening.
//
// Figures per scenario, over the fetches after a 2-minute (scenario time) warm-up: the
// share served from L1, L2, L3 and missed; the fetches right after a preset switch and the
// share of them served from any tier; continued playback (no switch, seek or new track)
// and its misses. `rendered` counts the distinct chunks that entered a tier during the
// whole scenario (every one was rendered), `wasted` the share of them no listener fetched.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scoped_actor.hpp>
#include <spdlog/spdlog.h>

#include "actors/core_actors.hpp"
#include "actors/message_types.hpp"
#include "actors/scheduler_settings.hpp"
#include "bench/bench.hpp"
#include "config/config_loader.hpp"
#include "config/json_writer.hpp"

namespace auralis::bench {

namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;
using actors::cache_key;
using actors::fetch_source;

constexpr double step_s = 5;           ///< scenario seconds between position updates
constexpr double interaction_lag_s = 0.5;
constexpr double warm_up_s = 120;
constexpr double announce_s = 10;      ///< the next track is announced this close to the end
constexpr auto drain_bound = 400ms;   ///< wall time the pool gets per phase, at most

/// Records the keys of every chunk_buffered event.
struct recorder_state {
  std::set<cache_key> buffered;
};
using recorder_actor =
  caf::typed_actor<caf::reacts_to<actors::event_atom, actors::engine_event>,
                   caf::replies_to<actors::list_atom>::with<std::vector<cache_key>>>;

recorder_actor::behavior_type recorder_impl(recorder_actor::stateful_pointer<recorder_state> self,
                                            int) {
  return {
    [self](actors::event_atom, const actors::engine_event& e) {
      if (e.kind == actors::event_kind::chunk_buffered)
        self->state.buffered.insert(
          cache_key{e.track_id, e.preset, actors::intensity_to_tenths(e.intensity), e.chunk_idx});
    },
    [self](actors::list_atom) {
      return std::vector<cache_key>(self->state.buffered.begin(), self->state.buffered.end());
    },
  };
}

/// Chooses the next preset from the current one.
using preset_chooser = std::function<std::string(const std::string&, std::mt19937&)>;

/// One scripted listener behaviour.
struct scenario {
  std::string name;
  std::string description;
  int listeners = 1;
  double minutes = 10;
  double switch_min_s = 0, switch_max_s = 0; ///< gap between switches; 0 = never
  double seek_min_s = 0, seek_max_s = 0;     ///< gap between seeks; 0 = never
  int max_switches = -1;                     ///< -1 = unlimited
  preset_chooser next;
};

/// One listener's state; position = base_pos + (now - base_t).
struct listener {
  std::string id;
  std::size_t track = 0;
  double base_pos = 0, base_t = 0;
  std::string preset;
  double next_switch = 1e300, next_seek = 1e300;
  int switches = 0;
  std::int64_t last_chunk = -1; ///< the chunk last fetched
  bool announced = false;       ///< the next track was announced (the current one is fetched to its end)
  std::mt19937 rng;
};

/// What a scenario measured.
struct tally {
  std::uint64_t fetches = 0, by_source[4] = {0, 0, 0, 0};
  std::uint64_t switch_fetches = 0, switch_cached = 0;
  std::uint64_t continue_fetches = 0, continue_misses = 0;
  std::uint64_t errors = 0;
  std::size_t rendered = 0, wasted = 0;
  double wall_s = 0;
  std::string final_modes;
};

enum class fetch_kind { playback, track_start, preset_switch, seek };

/// The pool has nothing queued or running (twice in a row), or the bound passed.
void drain(caf::scoped_actor& self, const actors::worker_pool_actor& pool, int listeners) {
  const auto deadline =
    std::chrono::steady_clock::now() + drain_bound * std::max(1, listeners / 5);
  int quiet = 0;
  while (quiet < 2 && std::chrono::steady_clock::now() < deadline) {
    bool idle = false;
    self->request(pool, 5s, actors::stats_atom::value)
      .receive(
        [&](actors::pool_report& r) {
          idle = r.busy == 0;
          for (auto q : r.queued)
            idle = idle && q == 0;
        },
        [&](caf::error&) {});
    quiet = idle ? quiet + 1 : 0;
    if (quiet < 2)
      std::this_thread::sleep_for(1ms);
  }
}

tally replay(const scenario& sc, const config::engine_config& base, const std::string& library,
             const std::string& data_dir, unsigned seed, unsigned cores) {
  const auto wall_start = std::chrono::steady_clock::now();
  fs::remove_all(data_dir);
  fs::create_directories(data_dir);
  auto cfg = base;
  cfg.paths.data_dir = data_dir;

  caf::actor_system_config sys_cfg;
  actors::add_message_types(sys_cfg);
  actors::apply_scheduler_settings(sys_cfg, cores);
  caf::actor_system sys{sys_cfg};
  auto now_ms = std::make_shared<std::atomic<std::int64_t>>(0);
  auto clock = [now_ms] {
    return std::chrono::steady_clock::time_point(std::chrono::milliseconds(now_ms->load()));
  };
  auto recorder = sys.spawn(recorder_impl, 0);
  auto core = actors::spawn_core_actors(sys, cfg, library, cores,
                                        caf::actor_cast<actors::event_sink>(recorder), clock);
  tally out;
  {
    caf::scoped_actor self{sys};
    std::vector<actors::track_info> tracks;
    self->request(core.library, 30s, actors::list_atom::value)
      .receive([&](std::vector<actors::track_info>& t) { tracks = std::move(t); },
               [&](caf::error& e) { throw std::runtime_error(sys.render(e)); });
    if (tracks.empty())
      throw std::runtime_error("replay: the demo library has no tracks");
    const auto names = cfg.presets.names();
    const double chunk_s = cfg.chunk_seconds;

    std::vector<listener> ls;
    std::mt19937 setup(seed);
    for (int i = 0; i < sc.listeners; ++i) {
      listener l;
      l.id = sc.name + "-" + std::to_string(i);
      l.track = static_cast<std::size_t>(i) % tracks.size();
      l.base_pos = sc.listeners > 1 ? std::fmod(i * 23.0, tracks[l.track].duration_s * 0.8) : 0;
      l.preset = sc.listeners > 1 ? names[static_cast<std::size_t>(i) % names.size()] : "adaptive";
      l.rng.seed(seed + 7919u * static_cast<unsigned>(i));
      auto gap = [&](double lo, double hi) {
        return std::uniform_real_distribution<double>(lo, hi)(l.rng);
      };
      if (sc.switch_max_s > 0)
        l.next_switch = gap(sc.switch_min_s, sc.switch_max_s);
      if (sc.seek_max_s > 0)
        l.next_seek = gap(sc.seek_min_s, sc.seek_max_s);
      ls.push_back(std::move(l));
    }
    std::set<cache_key> fetched;

    auto position = [&](listener& l, double t) { return l.base_pos + (t - l.base_t); };
    auto update = [&](listener& l, double t) {
      actors::position_update u;
      u.session_id = l.id;
      u.track_id = tracks[l.track].id;
      u.position_s = position(l, t);
      u.preset = l.preset;
      u.next_track_id = tracks[(l.track + 1) % tracks.size()].id; // the player's queue
      self->request(core.planner, 30s, actors::position_atom::value, u)
        .receive([](actors::position_reply&) {}, [&](caf::error&) { ++out.errors; });
    };
    auto announce = [&](listener& l, double t) {
      actors::position_update u;
      u.session_id = l.id;
      u.track_id = tracks[(l.track + 1) % tracks.size()].id;
      u.position_s = 0;
      u.preset = l.preset;
      u.next_track_id = tracks[(l.track + 2) % tracks.size()].id;
      (void) t;
      self->request(core.planner, 30s, actors::position_atom::value, u)
        .receive([](actors::position_reply&) {}, [&](caf::error&) { ++out.errors; });
    };
    auto fetch_chunk = [&](listener& l, double t, std::int64_t chunk, fetch_kind kind) {
      actors::fetch_request r;
      r.session_id = l.id;
      r.key = cache_key{tracks[l.track].id, l.preset, 10,
                        std::min<std::int64_t>(chunk, tracks[l.track].chunks - 1)};
      fetched.insert(r.key);
      l.last_chunk = r.key.chunk_idx;
      self->request(core.planner, 60s, actors::fetch_atom::value, r)
        .receive(
          [&](actors::fetch_reply& reply) {
            if (t < warm_up_s)
              return;
            const auto s = static_cast<int>(reply.source);
            ++out.fetches;
            ++out.by_source[s];
            if (kind == fetch_kind::preset_switch) {
              ++out.switch_fetches;
              out.switch_cached += reply.source != fetch_source::miss ? 1 : 0;
            } else if (kind == fetch_kind::playback) {
              ++out.continue_fetches;
              out.continue_misses += reply.source == fetch_source::miss ? 1 : 0;
            }
          },
          [&](caf::error&) { ++out.errors; });
    };
    auto fetch = [&](listener& l, double t, fetch_kind kind) {
      fetch_chunk(l, t, static_cast<std::int64_t>(position(l, t) / chunk_s), kind);
    };

    // Start: every listener fetches its first chunk and reports its position.
    for (auto& l : ls) {
      fetch(l, 0, fetch_kind::track_start);
      update(l, 0);
    }
    drain(self, core.pool, sc.listeners);
    const double end_s = sc.minutes * 60;
    for (double t = step_s; t <= end_s; t += step_s) {
      now_ms->store(static_cast<std::int64_t>(t * 1000));
      for (auto& l : ls) {
        const double pos = position(l, t);
        if (pos >= tracks[l.track].duration_s) {
          const double ended = tracks[l.track].duration_s;
          l.track = (l.track + 1) % tracks.size();
          l.base_pos = std::min(pos - ended, tracks[l.track].duration_s * 0.5);
          l.base_t = t;
          l.announced = false;
          fetch(l, t, fetch_kind::track_start);
        } else if (static_cast<std::int64_t>(pos / chunk_s) > l.last_chunk) {
          fetch(l, t, fetch_kind::playback);
        }
        const auto& tr = tracks[l.track];
        if (!l.announced && tr.duration_s - position(l, t) <= announce_s) {
          // Near the end the player fetches the track to its end and tells where it goes
          // next.
          if (l.last_chunk < tr.chunks - 1)
            fetch_chunk(l, t, tr.chunks - 1, fetch_kind::playback);
          l.announced = true;
          announce(l, t);
        } else if (!l.announced) {
          update(l, t);
        }
      }
      drain(self, core.pool, sc.listeners);
      const double ti = t + interaction_lag_s;
      now_ms->store(static_cast<std::int64_t>(ti * 1000));
      bool any = false;
      for (auto& l : ls) {
        if (ti >= l.next_switch && (sc.max_switches < 0 || l.switches < sc.max_switches)) {
          l.preset = sc.next(l.preset, l.rng);
          ++l.switches;
          l.next_switch =
            ti + std::uniform_real_distribution<double>(sc.switch_min_s, sc.switch_max_s)(l.rng);
          fetch(l, ti, fetch_kind::preset_switch);
          if (l.announced)
            announce(l, ti);
          else
            update(l, ti);
          any = true;
        } else if (ti >= l.next_seek) {
          const double d = tracks[l.track].duration_s;
          l.base_pos = std::uniform_real_distribution<double>(0, d * 0.9)(l.rng);
          l.base_t = ti;
          l.announced = false;
          l.next_seek =
            ti + std::uniform_real_distribution<double>(sc.seek_min_s, sc.seek_max_s)(l.rng);
          fetch(l, ti, fetch_kind::seek);
          update(l, ti);
          any = true;
        }
      }
      if (any)
        drain(self, core.pool, sc.listeners);
    }

    std::vector<cache_key> buffered;
    self->request(recorder, 30s, actors::list_atom::value)
      .receive([&](std::vector<cache_key>& b) { buffered = std::move(b); }, [](caf::error&) {});
    out.rendered = buffered.size();
    for (const auto& k : buffered)
      out.wasted += fetched.count(k) ? 0 : 1;
    for (auto& l : ls) {
      actors::prediction_request r;
      r.session_id = l.id;
      self->request(core.predictor, 30s, actors::predict_atom::value, r)
        .receive(
          [&](actors::prediction_reply& p) {
            if (out.final_modes.find(to_string(p.mode)) == std::string::npos)
              out.final_modes += (out.final_modes.empty() ? "" : "/") + std::string(to_string(p.mode));
          },
          [](caf::error&) {});
    }
  }
  actors::stop_in_order(sys, core.stop_order());
  caf::anon_send_exit(recorder, caf::exit_reason::user_shutdown);
  out.wall_s = seconds_since(wall_start);
  return out;
}

/// Draws a preset other than `from` with the given weights (by name; missing = 0).
preset_chooser weighted(std::vector<std::string> names, std::map<std::string, double> w) {
  return [names = std::move(names), w = std::move(w)](const std::string& from,
                                                     std::mt19937& rng) {
    std::vector<double> weights;
    for (const auto& n : names) {
      auto it = w.find(n);
      weights.push_back(n == from || it == w.end() ? 0.0 : it->second);
    }
    if (std::all_of(weights.begin(), weights.end(), [](double x) { return x <= 0; }))
      for (std::size_t i = 0; i < names.size(); ++i)
        weights[i] = names[i] == from ? 0.0 : 1.0;
    std::discrete_distribution<std::size_t> d(weights.begin(), weights.end());
    return names[d(rng)];
  };
}

double fraction(std::uint64_t n, std::uint64_t of) {
  return of ? static_cast<double>(n) / static_cast<double>(of) : 0.0;
}

} // namespace

int run_replay(const bench_options& opts) {
  const auto start = std::chrono::steady_clock::now();
  spdlog::set_level(spdlog::level::warn);
  const auto cfg = config::config_loader::load_embedded();
  const auto root = fs::path(opts.data_dir) / "replay";
  const auto demo = root / "demo";
  ensure_demo_tracks(demo.string());
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  const auto names = cfg.presets.names();

  // Habits, by the next preset's weight from any preset.
  const auto popularity = weighted(names, cfg.predictor.cold_start);
  const auto habit = [](const std::string& from, std::mt19937&) {
    return std::string(from == "adaptive" ? "punchy" : "adaptive");
  };
  const auto uniform = weighted(names, {});
  const auto everyday = [names](const std::string& from, std::mt19937& rng) {
    static const std::map<std::string, std::string> usual{{"adaptive", "punchy"},
                                                          {"punchy", "adaptive"},
                                                          {"warm", "gentle"},
                                                          {"gentle", "warm"},
                                                          {"bright", "adaptive"}};
    auto it = usual.find(from);
    if (it != usual.end() && std::uniform_real_distribution<double>(0, 1)(rng) < 0.8)
      return it->second;
    return weighted(names, {})(from, rng);
  };

  const std::vector<scenario> scenarios{
    {"first_time_user", "no history; tries the popular presets every 30-120 s", 1, 8, 30, 120,
     0, 0, -1, popularity},
    {"experienced_user", "adaptive -> punchy habit (and back), a switch every 20-60 s", 1, 9,
     20, 60, 0, 0, -1, habit},
    {"exploration", "a random other preset every 5-15 s", 1, 6, 5, 15, 0, 0, -1, uniform},
    {"settled_long_listener", "one switch early on, then 15 minutes on one preset", 1, 16, 60,
     61, 0, 0, 1, popularity},
    {"seek_heavy_listener", "seeks to a random place every 15-45 s, rarely switches", 1, 7,
     150, 300, 15, 45, -1, popularity},
    {"concurrent_20", "20 sessions on the three demo tracks, 80% habitual switches every "
                      "60-240 s",
     20, 5, 60, 240, 0, 0, -1, everyday},
  };

  std::printf("replay: real core actors on %zu demo tracks, %u workers, tier budgets "
              "L1 %.0f MB / L2 %.0f MB / L3 %.0f MB, %g s chunks (seed %u)\n",
              ensure_demo_tracks(demo.string()).size(),
              cfg.worker_count > 0 ? static_cast<unsigned>(cfg.worker_count) : cores,
              cfg.tiers.l1_mb, cfg.tiers.l2_mb, cfg.tiers.l3_mb, cfg.chunk_seconds, opts.seed);
  std::printf("replay: scenario clock in %g s steps (interactions %g s after a step); after "
              "each phase the pool runs until idle (at most %lld ms of wall time); figures "
              "after a %g s warm-up\n",
              step_s, interaction_lag_s, static_cast<long long>(drain_bound.count()), warm_up_s);

  config::json_writer w;
  w.begin_object().key("scenarios").begin_object();
  unsigned index = 0;
  if (!opts.only.empty() &&
      std::none_of(scenarios.begin(), scenarios.end(),
                   [&](const scenario& sc) { return sc.name == opts.only; }))
    throw std::runtime_error("no replay scenario is called '" + opts.only + "'");
  for (const auto& sc : scenarios) {
    const unsigned scenario_seed = opts.seed + 101 * index++; // the same with or without --only
    if (!opts.only.empty() && sc.name != opts.only)
      continue;
    const auto r = replay(sc, cfg, demo.string(), (root / ("data-" + sc.name)).string(),
                          scenario_seed, cores);
    const double miss = fraction(r.by_source[3], r.fetches);
    std::printf("  %-22s %s\n", sc.name.c_str(), sc.description.c_str());
    std::printf("  %-22s %llu fetches: L1 %.3f  L2 %.3f  L3 %.3f  miss %.3f; switches %llu, "
                "served from cache %.3f; playback %llu, missed %llu\n",
                "", static_cast<unsigned long long>(r.fetches), fraction(r.by_source[0], r.fetches),
                fraction(r.by_source[1], r.fetches), fraction(r.by_source[2], r.fetches), miss,
                static_cast<unsigned long long>(r.switch_fetches),
                fraction(r.switch_cached, r.switch_fetches),
                static_cast<unsigned long long>(r.continue_fetches),
                static_cast<unsigned long long>(r.continue_misses));
    std::printf("  %-22s %zu chunks rendered, %.3f never fetched; final mode %s; %llu errors; "
                "%.1f s of wall time for %.0f min of listening\n",
                "", r.rendered, fraction(r.wasted, r.rendered), r.final_modes.c_str(),
                static_cast<unsigned long long>(r.errors), r.wall_s, sc.minutes);
    w.key(sc.name).begin_object();
    w.key("fetches").value(static_cast<std::uint64_t>(r.fetches));
    w.key("l1").value(fraction(r.by_source[0], r.fetches), 4);
    w.key("l2").value(fraction(r.by_source[1], r.fetches), 4);
    w.key("l3").value(fraction(r.by_source[2], r.fetches), 4);
    w.key("miss").value(miss, 4);
    w.key("switch_fetches").value(static_cast<std::uint64_t>(r.switch_fetches));
    w.key("switch_served_from_cache").value(fraction(r.switch_cached, r.switch_fetches), 4);
    w.key("rendered").value(static_cast<std::uint64_t>(r.rendered));
    w.key("wasted").value(fraction(r.wasted, r.rendered), 4);
    w.key("continue_fetches").value(static_cast<std::uint64_t>(r.continue_fetches));
    w.key("continue_misses").value(static_cast<std::uint64_t>(r.continue_misses));
    w.end_object();
  }
  w.end_object();
  w.end_object();
  std::printf("replay: %.1f s of wall time in all\n", seconds_since(start));
  std::printf("%s\n", w.str().c_str());
  return 0;
}

} // namespace auralis::bench
