#pragma once

// The planner tests' engine: the core actors over short synthetic tracks, and helpers to
// fetch from it and wait until it is at rest.

#include <boost/test/unit_test.hpp>

#include <atomic>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <memory>
#include <thread>

#include "codec/ogg_opus_test_support.hpp"

#include "actors/actor_test_support.hpp"
#include "actors/core_actors.hpp"
#include "codec/audio_file_writer.hpp"
#include "config/config_loader.hpp"
#include "test_support.hpp"

namespace auralis::actors::planner_test {

using namespace std::chrono_literals;

constexpr double chunk_seconds = 3;
constexpr std::uint64_t pcm_chunk = 3 * 48000 * 4; // bytes of one full chunk

/// A scenario clock the predictor and the planner read.
struct test_clock {
  std::shared_ptr<std::atomic<std::int64_t>> ms = std::make_shared<std::atomic<std::int64_t>>(0);
  std::chrono::steady_clock::time_point now() const {
    return std::chrono::steady_clock::time_point(std::chrono::milliseconds(ms->load()));
  }
  void advance(std::int64_t by_ms) { *ms += by_ms; }
};

/// The core actors over a library of short synthetic tracks, with 3 s chunks and small
/// tier budgets (in chunks).
struct engine_fixture : test::actor_system_fixture {
  test::scratch_dir dir{"planner"};
  config::engine_config cfg = config::config_loader::load_embedded();
  core_actors core;
  test::event_recorder events;
  test_clock clock;
  std::vector<std::string> files;

  /// Writes `seconds_each` long tracks and spawns the actors.
  void start(const std::vector<double>& seconds_each, double l1_chunks = 6.5,
             double l2_chunks = 12.5, double l3_mb = 2) {
    const auto lib = dir.path() / "library";
    std::filesystem::create_directories(lib);
    unsigned seed = 1;
    for (double s : seconds_each) {
      const auto name = "track" + std::to_string(seed) + ".wav";
      const auto path = (lib / name).string();
      codec::write_audio_file(path, test::music_like(static_cast<std::int64_t>(s * 48000), 48000, seed),
                              2, 48000, codec::file_format::wav_pcm16);
      files.push_back(path);
      ++seed;
    }
    cfg.paths.data_dir = (dir.path() / "data").string();
    std::filesystem::create_directories(cfg.paths.data_dir);
    cfg.chunk_seconds = chunk_seconds;
    cfg.worker_count = 2;
    cfg.opus.complexity = 0;
    cfg.tiers.l1_mb = l1_chunks * pcm_chunk / 1e6;
    cfg.tiers.l2_mb = l2_chunks * pcm_chunk / 1e6;
    cfg.tiers.l3_mb = l3_mb;
    // A test process's resident memory (sanitizers, test data) is no measure of the engine's:
    // the memory governor, tested on its own, would take the tiers' room.
    cfg.tiers.overhead_mb = 0;
    events = sys->spawn(test::event_recorder_impl, test::event_format([](const engine_event& e) {
      return std::string(to_string(e.kind)) + ":" + e.session_id + ":" + e.mode;
    }));
    core = spawn_core_actors(*sys, cfg, lib.string(), 2, caf::actor_cast<event_sink>(events),
                             [c = clock] { return c.now(); });
  }

  ~engine_fixture() { stop_in_order(*sys, core.stop_order()); }

  std::vector<track_info> tracks(caf::scoped_actor& self) {
    return test::ask<std::vector<track_info>>(self, core.library, list_atom::value);
  }

  tier_report report(caf::scoped_actor& self, const tier_actor& t) {
    return test::ask<tier_report>(self, t, stats_atom::value);
  }

  /// Waits until no work is under way anywhere and none can start before the test sends
  /// another message, and returns the pool's counters then. First every listed track's
  /// analysis (a background analysis answers once made; one of a deleted file fails, which
  /// is fine). Then, in one pass, in the order work flows: the planner is idle (no job,
  /// load, session refresh, stream fetch or round under way), the tiers have taken every
  /// put sent before (each answers a question after them, so evictions have reached the
  /// demotion actor), the demotion actor has nothing waiting or encoding, and the pool
  /// nothing queued or running. Messages between local actors are enqueued when sent, so a pass that sees all
  /// of this saw the engine at rest; passes repeat until one does, for at most 60 s.
  pool_report settle(caf::scoped_actor& self) {
    for (const auto& t : tracks(self))
      test::ask_error<track_analysis>(self, core.library, analysis_atom::value, t.id);
    pool_report r;
    planner_report p;
    demotion_report d;
    const bool at_rest = test::eventually(
      [&] {
        p = test::ask<planner_report>(self, core.planner, stats_atom::value);
        for (const auto* t : {&core.l1, &core.l2, &core.l3})
          report(self, *t);
        d = test::ask<demotion_report>(self, core.demotion, stats_atom::value);
        r = test::ask<pool_report>(self, core.pool, stats_atom::value);
        bool idle = p.idle() && d.waiting == 0 && d.in_flight == 0 && r.busy == 0;
        for (auto q : r.queued)
          idle = idle && q == 0;
        return idle;
      },
      60s);
    BOOST_REQUIRE_MESSAGE(at_rest, "the engine did not come to rest: planner in flight "
                                     << p.in_flight << ", loading " << p.loading
                                     << ", refreshing " << p.refreshing
                                     << ", planning " << p.planning << "; demotion waiting "
                                     << d.waiting << ", in flight " << d.in_flight
                                     << "; pool busy " << r.busy << ", queued " << r.queued[0]
                                     << "/" << r.queued[1] << "/" << r.queued[2] << "/"
                                     << r.queued[3] << "/" << r.queued[4]);
    return r;
  }
};

inline fetch_request fetch_of(const std::string& session, std::int64_t track, const std::string& preset,
                       std::int64_t chunk) {
  fetch_request r;
  r.session_id = session;
  r.key = cache_key{track, preset, 10, chunk};
  return r;
}

inline position_update position_of(const std::string& session, std::int64_t track, double pos,
                            const std::string& preset) {
  position_update u;
  u.session_id = session;
  u.track_id = track;
  u.position_s = pos;
  u.preset = preset;
  return u;
}

inline fetch_request opus_fetch_of(const std::string& session, std::int64_t track,
                            const std::string& preset, std::int64_t chunk) {
  auto r = fetch_of(session, track, preset, chunk);
  r.want_stream = true;
  return r;
}

/// Frames opusfile decodes from the Ogg Opus file `file`, read to the end (-1 when it is
/// not a stereo one).
inline std::int64_t decoded_frames(const codec::byte_buffer& file) {
  return auralis::test::ogg_opus_frames(file.data(), file.size());
}

/// Sends `requests` to the planner at once and returns their replies in the same order.
inline std::vector<fetch_reply> fetch_all(caf::scoped_actor& self, const planner_actor& planner,
                                   const std::vector<fetch_request>& requests) {
  std::vector<fetch_reply> replies(requests.size());
  using handle = decltype(self->request(planner, 30s, fetch_atom::value, fetch_request{}));
  std::vector<handle> handles;
  for (const auto& r : requests)
    handles.push_back(self->request(planner, 30s, fetch_atom::value, r));
  for (std::size_t i = 0; i < handles.size(); ++i)
    handles[i].receive([&](fetch_reply& r) { replies[i] = std::move(r); },
                       [&](caf::error& e) { BOOST_FAIL("fetch failed: " + to_string(e)); });
  return replies;
}

inline std::uint64_t total_hits(const std::vector<tier_report>& rs) {
  std::uint64_t n = 0;
  for (const auto& r : rs)
    n += r.hits;
  return n;
}

inline std::uint64_t total_misses(const std::vector<tier_report>& rs) {
  std::uint64_t n = 0;
  for (const auto& r : rs)
    n += r.misses;
  return n;
}

} // namespace auralis::actors::planner_test
