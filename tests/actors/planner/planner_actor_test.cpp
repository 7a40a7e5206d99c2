#define BOOST_TEST_MODULE planner_actor
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

using namespace auralis;
using namespace auralis::actors;
using namespace std::chrono_literals;

namespace {

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

fetch_request fetch_of(const std::string& session, std::int64_t track, const std::string& preset,
                       std::int64_t chunk) {
  fetch_request r;
  r.session_id = session;
  r.key = cache_key{track, preset, 10, chunk};
  return r;
}

position_update position_of(const std::string& session, std::int64_t track, double pos,
                            const std::string& preset) {
  position_update u;
  u.session_id = session;
  u.track_id = track;
  u.position_s = pos;
  u.preset = preset;
  return u;
}

fetch_request opus_fetch_of(const std::string& session, std::int64_t track,
                            const std::string& preset, std::int64_t chunk) {
  auto r = fetch_of(session, track, preset, chunk);
  r.want_stream = true;
  return r;
}

/// Frames opusfile decodes from the Ogg Opus file `file`, read to the end (-1 when it is
/// not a stereo one).
std::int64_t decoded_frames(const codec::byte_buffer& file) {
  return auralis::test::ogg_opus_frames(file.data(), file.size());
}

/// Sends `requests` to the planner at once and returns their replies in the same order.
std::vector<fetch_reply> fetch_all(caf::scoped_actor& self, const planner_actor& planner,
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

std::uint64_t total_hits(const std::vector<tier_report>& rs) {
  std::uint64_t n = 0;
  for (const auto& r : rs)
    n += r.hits;
  return n;
}

std::uint64_t total_misses(const std::vector<tier_report>& rs) {
  std::uint64_t n = 0;
  for (const auto& r : rs)
    n += r.misses;
  return n;
}

} // namespace

BOOST_FIXTURE_TEST_CASE(a_miss_renders_into_l1_and_the_next_fetch_is_an_l1_hit, engine_fixture) {
  start({10});
  caf::scoped_actor self{*sys};
  const auto id = tracks(self).at(0).id;
  auto first = test::ask<fetch_reply>(self, core.planner, fetch_atom::value,
                                      fetch_of("a", id, "warm", 1));
  BOOST_TEST((first.source == fetch_source::miss));
  BOOST_TEST(first.frames == 3 * 48000);
  BOOST_REQUIRE(first.pcm.data);
  BOOST_TEST(first.pcm.data->size() == pcm_chunk);
  auto peek = test::ask<peek_reply>(self, core.l1, peek_atom::value, first.key);
  BOOST_TEST(peek.found);
  auto second = test::ask<fetch_reply>(self, core.planner, fetch_atom::value,
                                       fetch_of("a", id, "warm", 1));
  BOOST_TEST((second.source == fetch_source::l1));
  BOOST_TEST(*second.pcm.data == *first.pcm.data);
  const auto l1 = report(self, core.l1);
  BOOST_TEST(l1.hits == 1u);
  BOOST_TEST(l1.misses == 1u);
  BOOST_TEST(total_hits({report(self, core.l2), report(self, core.l3)}) == 0u);
  BOOST_TEST(total_misses({report(self, core.l2), report(self, core.l3)}) == 0u);
  auto lat = test::ask<tier_latency>(self, core.planner, latency_atom::value);
  BOOST_TEST(lat.miss_samples == 1u);
  BOOST_TEST(lat.l1_samples == 1u);
  BOOST_TEST(lat.miss_ms > 0);
  // The last chunk of a 10 s track is 1 s long; past it there is nothing.
  auto last = test::ask<fetch_reply>(self, core.planner, fetch_atom::value,
                                     fetch_of("a", id, "warm", 3));
  BOOST_TEST(last.frames == 48000);
  auto err = test::ask_error<fetch_reply>(self, core.planner, fetch_atom::value,
                                          fetch_of("a", id, "warm", 4));
  BOOST_TEST(engine_code_of(err) == static_cast<std::uint8_t>(engine_errc::unknown_chunk));
  err = test::ask_error<fetch_reply>(self, core.planner, fetch_atom::value,
                                     fetch_of("a", id + 100, "warm", 0));
  BOOST_TEST(engine_code_of(err) == static_cast<std::uint8_t>(engine_errc::unknown_track));
  err = test::ask_error<fetch_reply>(self, core.planner, fetch_atom::value,
                                     fetch_of("a", id, "loud", 0));
  BOOST_TEST(engine_code_of(err) == static_cast<std::uint8_t>(engine_errc::unknown_preset));
}

BOOST_FIXTURE_TEST_CASE(planner_pre_renders_do_not_move_hit_or_miss_counters, engine_fixture) {
  start({20});
  caf::scoped_actor self{*sys};
  const auto id = tracks(self).at(0).id;
  auto r = test::ask<position_reply>(self, core.planner, position_atom::value,
                                     position_of("a", id, 0.5, "adaptive"));
  BOOST_TEST(r.accepted);
  settle(self);
  // Pre-rendered: the current preset's chunks 0 and 1 in L1, chunks further on in L2/L3.
  BOOST_TEST(test::ask<peek_reply>(self, core.l1, peek_atom::value, cache_key{id, "adaptive", 10, 0}).found);
  BOOST_TEST(test::ask<peek_reply>(self, core.l1, peek_atom::value, cache_key{id, "adaptive", 10, 1}).found);
  BOOST_TEST(test::ask<peek_reply>(self, core.l2, peek_atom::value, cache_key{id, "adaptive", 10, 3}).found);
  BOOST_TEST(report(self, core.l3).count > 0u);
  std::vector<tier_report> before{report(self, core.l1), report(self, core.l2), report(self, core.l3)};
  BOOST_TEST(total_hits(before) == 0u);
  BOOST_TEST(total_misses(before) == 0u);
  auto f = test::ask<fetch_reply>(self, core.planner, fetch_atom::value,
                                  fetch_of("a", id, "adaptive", 1));
  BOOST_TEST((f.source == fetch_source::l1));
  settle(self);
  std::vector<tier_report> after{report(self, core.l1), report(self, core.l2), report(self, core.l3)};
  BOOST_TEST(total_hits(after) == 1u);
  BOOST_TEST(total_misses(after) == 0u);
  BOOST_TEST(after[0].hits == 1u);
}

BOOST_FIXTURE_TEST_CASE(only_a_fetch_that_moves_its_session_plans_again, engine_fixture) {
  cfg.planner.room_jobs_per_round = 0; // L2 holds only what the rules plan
  start({20});
  caf::scoped_actor self{*sys};
  const auto id = tracks(self).at(0).id;
  BOOST_TEST(test::ask<position_reply>(self, core.planner, position_atom::value,
                                       position_of("a", id, 0.5, "adaptive"))
               .accepted);
  settle(self);
  BOOST_REQUIRE(report(self, core.l2).count > 0u);
  // L2 emptied behind the planner's back: only a new plan refills it.
  BOOST_TEST(test::ask<std::uint64_t>(self, core.l2, clear_atom::value) > 0u);
  const auto before = settle(self).submitted;
  // The chunk the session is at, again: an L1 hit that plans nothing.
  auto f = test::ask<fetch_reply>(self, core.planner, fetch_atom::value,
                                  fetch_of("a", id, "adaptive", 0));
  BOOST_TEST((f.source == fetch_source::l1));
  BOOST_TEST(settle(self).submitted == before);
  BOOST_TEST(report(self, core.l2).count == 0u);
  // The next chunk moves the session: the new plan renders L2 again.
  f = test::ask<fetch_reply>(self, core.planner, fetch_atom::value,
                             fetch_of("a", id, "adaptive", 1));
  BOOST_TEST((f.source == fetch_source::l1));
  BOOST_TEST(settle(self).submitted > before);
  BOOST_TEST(report(self, core.l2).count > 0u);
}

BOOST_FIXTURE_TEST_CASE(the_next_track_is_ready_before_the_current_one_ends, engine_fixture) {
  start({10, 7});
  caf::scoped_actor self{*sys};
  const auto list = tracks(self);
  const auto first = list.at(0).id, second = list.at(1).id;
  const cache_key next_start{second, "warm", 10, 0};
  // Chunk 2 of 4: the next track is named but not wanted yet (only loaded).
  auto u = position_of("a", first, 6.5, "warm");
  u.next_track_id = second;
  BOOST_TEST(test::ask<position_reply>(self, core.planner, position_atom::value, u).accepted);
  settle(self);
  BOOST_TEST(!test::ask<peek_reply>(self, core.l1, peek_atom::value, next_start).found);
  // The last chunk: the next track's first chunk is rendered into L1 ahead of its fetch.
  clock.advance(1000);
  u.position_s = 9.5;
  BOOST_TEST(test::ask<position_reply>(self, core.planner, position_atom::value, u).accepted);
  settle(self);
  BOOST_TEST(test::ask<peek_reply>(self, core.l1, peek_atom::value, next_start).found);
  auto f = test::ask<fetch_reply>(self, core.planner, fetch_atom::value,
                                  fetch_of("a", second, "warm", 0));
  BOOST_TEST((f.source == fetch_source::l1));
  BOOST_TEST(report(self, core.l1).misses == 0u);
}

BOOST_FIXTURE_TEST_CASE(duplicate_fetches_of_a_missing_chunk_render_once, engine_fixture) {
  cfg.planner.room_jobs_per_round = 0; // only the fetched chunk is rendered
  start({2.5});                        // one chunk
  caf::scoped_actor self{*sys};
  const auto id = tracks(self).at(0).id;
  std::vector<fetch_reply> replies;
  for (const auto* session : {"a", "b", "c"})
    self->send(core.planner, fetch_atom::value, fetch_of(session, id, "bright", 0));
  for (int i = 0; i < 3; ++i)
    self->receive([&](fetch_reply& r) { replies.push_back(std::move(r)); },
                  [&](caf::error& e) { BOOST_FAIL("fetch failed: " + to_string(e)); },
                  caf::after(30s) >> [] { BOOST_FAIL("no fetch reply within 30 s"); });
  BOOST_REQUIRE(replies.size() == 3u);
  for (const auto& r : replies) {
    BOOST_REQUIRE(r.pcm.data);
    BOOST_TEST(r.pcm.data == replies[0].pcm.data); // one rendering, shared
  }
  const auto pool = settle(self);
  BOOST_TEST(pool.completed == 2u); // the track's analysis and one render
  BOOST_TEST(pool.failed == 0u);
  const auto l1 = report(self, core.l1);
  BOOST_TEST(l1.hits + l1.misses == 3u); // one count per client fetch
}

BOOST_FIXTURE_TEST_CASE(an_opus_fetch_that_misses_gets_the_stream_from_its_render, engine_fixture) {
  cfg.planner.room_jobs_per_round = 0; // only the fetched chunk is rendered
  start({2.5});                        // one chunk of 2.5 s
  caf::scoped_actor self{*sys};
  const auto id = tracks(self).at(0).id;
  const auto before = settle(self); // the track's analysis is done
  const auto miss = test::ask<fetch_reply>(self, core.planner, fetch_atom::value,
                                           opus_fetch_of("a", id, "warm", 0));
  BOOST_TEST((miss.source == fetch_source::miss));
  BOOST_TEST(miss.frames == 120000);
  BOOST_REQUIRE(miss.pcm.data);
  BOOST_TEST(miss.pcm.data->size() == 120000u * 4u);
  BOOST_REQUIRE(miss.stream.data);
  BOOST_TEST(decoded_frames(*miss.stream.data) == 120000);
  // One job made both: the plan left the fetched chunk to the fetch.
  const auto pool = settle(self);
  BOOST_TEST(pool.submitted - before.submitted == 1u);
  BOOST_TEST(pool.completed - before.completed == 1u);
  BOOST_TEST(pool.joined == before.joined);
  BOOST_TEST(pool.failed == 0u);
  BOOST_TEST(test::ask<peek_reply>(self, core.l1, peek_atom::value, miss.key).found);
  // A hit has no stream (the caller encodes the PCM), nor has a miss that did not want it.
  const auto hit = test::ask<fetch_reply>(self, core.planner, fetch_atom::value,
                                          opus_fetch_of("a", id, "warm", 0));
  BOOST_TEST((hit.source == fetch_source::l1));
  BOOST_TEST(!hit.stream.data);
  BOOST_REQUIRE(hit.pcm.data);
  BOOST_TEST(*hit.pcm.data == *miss.pcm.data);
  const auto wav = test::ask<fetch_reply>(self, core.planner, fetch_atom::value,
                                          fetch_of("b", id, "bright", 0));
  BOOST_TEST((wav.source == fetch_source::miss));
  BOOST_TEST(!wav.stream.data);
  BOOST_TEST(settle(self).completed - before.completed == 2u);
}

BOOST_FIXTURE_TEST_CASE(a_render_joined_serves_the_stream_only_if_it_made_one, engine_fixture) {
  cfg.planner.room_jobs_per_round = 0; // only the fetched chunks are rendered
  start({2.5});                        // one chunk
  caf::scoped_actor self{*sys};
  const auto id = tracks(self).at(0).id;
  const auto before = settle(self); // the track's analysis is done
  // A WAV fetch first: its render has no stream (nor has the plan's, should the plan submit
  // one before the opus fetch arrives), and the opus fetch of the same chunk joins it, so
  // the opus fetch gets the PCM alone.
  auto r = fetch_all(self, core.planner,
                     {fetch_of("a", id, "warm", 0), opus_fetch_of("b", id, "warm", 0)});
  BOOST_TEST((r[0].source == fetch_source::miss));
  BOOST_TEST((r[1].source == fetch_source::miss));
  BOOST_REQUIRE(r[0].pcm.data);
  BOOST_TEST(r[1].pcm.data == r[0].pcm.data); // one rendering, shared
  BOOST_TEST(!r[0].stream.data);
  BOOST_TEST(!r[1].stream.data);
  auto pool = settle(self);
  BOOST_TEST(pool.completed - before.completed == 1u); // one render
  BOOST_TEST(pool.joined - before.joined >= 1u);       // the opus fetch's render, at least
  const auto middle = pool;
  // The opus fetch first: its render makes the stream (the plan leaves the chunk to it); the
  // WAV fetch joins it and gets the PCM alone.
  r = fetch_all(self, core.planner,
                {opus_fetch_of("a", id, "punchy", 0), fetch_of("b", id, "punchy", 0)});
  BOOST_TEST((r[0].source == fetch_source::miss));
  BOOST_TEST((r[1].source == fetch_source::miss));
  BOOST_REQUIRE(r[0].pcm.data);
  BOOST_TEST(r[1].pcm.data == r[0].pcm.data);
  BOOST_REQUIRE(r[0].stream.data);
  BOOST_TEST(decoded_frames(*r[0].stream.data) == 120000);
  BOOST_TEST(!r[1].stream.data);
  pool = settle(self);
  BOOST_TEST(pool.completed - middle.completed == 1u);
  BOOST_TEST(pool.joined - middle.joined == 1u); // the WAV fetch's render
  BOOST_TEST(pool.failed == 0u);
}

BOOST_FIXTURE_TEST_CASE(an_l3_entry_is_decoded_and_promoted_into_l1, engine_fixture) {
  cfg.planner.room_jobs_per_round = 0; // gentle 1 is held only where the test puts it
  start({6});
  caf::scoped_actor self{*sys};
  const auto id = tracks(self).at(0).id;
  auto pcm = test::ask<fetch_reply>(self, core.planner, fetch_atom::value,
                                    fetch_of("a", id, "adaptive", 0));
  job_spec enc;
  enc.kind = job_kind::encode;
  enc.key = cache_key{id, "gentle", 10, 1};
  enc.priority = job_priority::immediate;
  enc.input = pcm.pcm;
  auto blob = test::ask<job_output>(self, core.pool, submit_atom::value, enc);
  const cache_key key{id, "gentle", 10, 1};
  test::ask<put_reply>(self, core.l3, caf::put_atom::value, key, blob.output, 0.3);
  BOOST_TEST(!test::ask<peek_reply>(self, core.l1, peek_atom::value, key).found);
  auto f = test::ask<fetch_reply>(self, core.planner, fetch_atom::value,
                                  fetch_of("b", id, "gentle", 1));
  BOOST_TEST((f.source == fetch_source::l3));
  BOOST_TEST(f.frames == pcm.frames);
  BOOST_TEST(test::ask<peek_reply>(self, core.l1, peek_atom::value, key).found);
  BOOST_TEST(report(self, core.l3).hits == 1u);
  BOOST_TEST(report(self, core.l1).hits == 0u);
  auto again = test::ask<fetch_reply>(self, core.planner, fetch_atom::value,
                                      fetch_of("b", id, "gentle", 1));
  BOOST_TEST((again.source == fetch_source::l1));
}

BOOST_FIXTURE_TEST_CASE(invalidate_removes_the_track_from_every_tier, engine_fixture) {
  start({9, 9});
  caf::scoped_actor self{*sys};
  const auto ts = tracks(self);
  const auto a = ts.at(0).id, b = ts.at(1).id;
  auto fa = test::ask<fetch_reply>(self, core.planner, fetch_atom::value, fetch_of("a", a, "warm", 0));
  test::ask<fetch_reply>(self, core.planner, fetch_atom::value, fetch_of("b", b, "warm", 0));
  settle(self);
  test::ask<put_reply>(self, core.l2, caf::put_atom::value, cache_key{a, "punchy", 10, 2}, fa.pcm, 0.9);
  test::ask<put_reply>(self, core.l3, caf::put_atom::value, cache_key{a, "punchy", 10, 1}, fa.pcm, 0.9);
  const auto removed = test::ask<std::uint64_t>(self, core.planner, invalidate_atom::value, a);
  BOOST_TEST(removed >= 3u);
  for (const auto* t : {&core.l1, &core.l2, &core.l3})
    for (const auto& e : test::ask<std::vector<entry_record>>(self, *t, list_atom::value))
      BOOST_TEST(e.key.track_id != a);
  BOOST_TEST(test::ask<peek_reply>(self, core.l1, peek_atom::value, cache_key{b, "warm", 10, 0}).found);
  // The track still plays after it was invalidated (its data is loaded afresh).
  auto again = test::ask<fetch_reply>(self, core.planner, fetch_atom::value, fetch_of("a", a, "warm", 0));
  BOOST_TEST((again.source == fetch_source::miss));
}

BOOST_FIXTURE_TEST_CASE(a_deleted_file_fails_its_fetch_and_the_engine_keeps_serving, engine_fixture) {
  cfg.planner.room_jobs_per_round = 0; // bright 1 is not rendered before the fetch asks
  start({9, 9});
  caf::scoped_actor self{*sys};
  const auto ts = tracks(self);
  test::ask<fetch_reply>(self, core.planner, fetch_atom::value, fetch_of("a", ts[0].id, "warm", 0));
  settle(self);
  std::filesystem::remove(ts[0].abs_path);
  auto err = test::ask_error<fetch_reply>(self, core.planner, fetch_atom::value,
                                          fetch_of("a", ts[0].id, "bright", 1));
  BOOST_TEST(static_cast<bool>(err));
  const auto code = static_cast<engine_errc>(engine_code_of(err));
  BOOST_TEST((code == engine_errc::unreadable_file || code == engine_errc::source_changed ||
              code == engine_errc::unknown_track));
  auto ok = test::ask<fetch_reply>(self, core.planner, fetch_atom::value,
                                   fetch_of("b", ts[1].id, "bright", 2));
  BOOST_TEST(ok.frames > 0);
  const auto pool = settle(self);
  BOOST_TEST(pool.respawned == 0u);
  // The file is back: the same fetch again renders, and the session's next chunk is
  // planned again although the fetch did not move it.
  const cache_key next{ts[0].id, "bright", 10, 2};
  BOOST_TEST(!test::ask<peek_reply>(self, core.l1, peek_atom::value, next).found);
  codec::write_audio_file(ts[0].abs_path, test::music_like(9 * 48000, 48000, 1), 2, 48000,
                          codec::file_format::wav_pcm16);
  // A render or fetch that met the missing file may have taken the track out of the
  // listing (or not yet): adding the file back, as a user would, lists it under its old
  // id in both cases.
  BOOST_TEST(test::ask<track_info>(self, core.library, caf::add_atom::value, ts[0].path).id ==
             ts[0].id);
  auto again = test::ask<fetch_reply>(self, core.planner, fetch_atom::value,
                                      fetch_of("a", ts[0].id, "bright", 1));
  BOOST_TEST((again.source == fetch_source::miss));
  settle(self);
  BOOST_TEST(test::ask<peek_reply>(self, core.l1, peek_atom::value, next).found);
}

BOOST_FIXTURE_TEST_CASE(the_room_holds_the_playhead_and_the_next_chunk_in_every_preset,
                        engine_fixture) {
  start({12});
  caf::scoped_actor self{*sys};
  const auto id = tracks(self).at(0).id;
  test::ask<fetch_reply>(self, core.planner, fetch_atom::value, fetch_of("a", id, "warm", 1));
  const std::vector<std::string> presets{"adaptive", "gentle", "warm", "bright", "punchy"};
  auto held = [&](const cache_key& k) {
    for (const auto* t : {&core.l1, &core.l2, &core.l3})
      if (test::ask<peek_reply>(self, *t, peek_atom::value, k).found)
        return true;
    return false;
  };
  // Waits, with a deadline, until every preset's chunks 1 and 2 are held in some tier.
  std::vector<cache_key> missing;
  test::eventually(
    [&] {
      missing.clear();
      for (const auto& p : presets)
        for (std::int64_t c : {1, 2})
          if (!held(cache_key{id, p, 10, c}))
            missing.push_back(cache_key{id, p, 10, c});
      return missing.empty();
    },
    60s);
  BOOST_TEST(missing.empty(), missing.size() << " chunks of the playhead are not held");
  // Within the budgets.
  for (const auto* t : {&core.l1, &core.l2, &core.l3}) {
    const auto r = report(self, *t);
    BOOST_TEST(r.bytes <= r.budget);
  }
}

BOOST_FIXTURE_TEST_CASE(budgets_hold_with_many_sessions, engine_fixture) {
  start({12, 12, 12}, 4.5, 6.5, 0.6);
  caf::scoped_actor self{*sys};
  const auto ts = tracks(self);
  const std::vector<std::string> presets{"adaptive", "gentle", "warm", "bright", "punchy"};
  for (int i = 0; i < 20; ++i) {
    auto r = test::ask<position_reply>(
      self, core.planner, position_atom::value,
      position_of("s" + std::to_string(i), ts[i % 3].id, (i % 4) * 3.0 + 0.5, presets[i % 5]));
    BOOST_TEST(r.accepted);
  }
  settle(self);
  for (const auto* t : {&core.l1, &core.l2, &core.l3}) {
    const auto r = report(self, *t);
    BOOST_TEST(r.bytes <= r.budget);
    BOOST_TEST(r.count > 0u);
  }
  BOOST_TEST(report(self, core.l1).count <= 4u); // 4.5 chunks of budget
}

BOOST_FIXTURE_TEST_CASE(mode_changes_are_published_as_events, engine_fixture) {
  start({30});
  caf::scoped_actor self{*sys};
  const auto id = tracks(self).at(0).id;
  const std::vector<std::string> presets{"adaptive", "gentle", "warm", "bright", "punchy",
                                         "adaptive", "gentle"};
  position_reply last;
  for (std::size_t i = 0; i < presets.size(); ++i) {
    last = test::ask<position_reply>(self, core.planner, position_atom::value,
                                     position_of("x", id, 1.0 + static_cast<double>(i), presets[i]));
    clock.advance(2000);
  }
  BOOST_TEST((last.mode == session_mode::exploration));
  // The notification reached the planner before its next reply; the event was sent then.
  test::ask<tier_latency>(self, core.planner, latency_atom::value);
  const auto got = test::ask<std::vector<std::string>>(self, events, list_atom::value);
  BOOST_TEST(std::count(got.begin(), got.end(), "mode_changed:x:exploration") == 1);
  settle(self);
  // Exploring: every preset's playing chunk is held in PCM (L1, or L2 when L1 is full).
  for (const auto& p : {"adaptive", "gentle", "warm", "bright", "punchy"}) {
    const cache_key k{id, p, 10, 2};
    BOOST_TEST((test::ask<peek_reply>(self, core.l1, peek_atom::value, k).found ||
                test::ask<peek_reply>(self, core.l2, peek_atom::value, k).found));
  }
}
