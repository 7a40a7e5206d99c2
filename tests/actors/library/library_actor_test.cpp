#define BOOST_TEST_MODULE library_actor
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>

#include "actors/actor_test_support.hpp"
#include "actors/library/analysis_store.hpp"
#include "actors/library/library_actor.hpp"
#include "actors/pool/job_runner.hpp"
#include "actors/pool/worker_pool_actor.hpp"
#include "codec/audio_file_writer.hpp"
#include "codec/audio_source.hpp"
#include "config/config_loader.hpp"
#include "test_support.hpp"

using namespace auralis::actors;
using auralis::test::ask;
using auralis::test::ask_error;
namespace codec = auralis::codec;
namespace fs = std::filesystem;

namespace {

constexpr std::int64_t chunk_frames = 48000; // 1 s chunks keep the files small

void write_tone(const std::string& path, double seconds, unsigned seed = 1) {
  const auto frames = static_cast<std::int64_t>(seconds * 48000);
  codec::write_audio_file(path, auralis::test::music_like(frames, 48000, seed), 2, 48000,
                          codec::file_format::wav_pcm16);
}

std::uint8_t code(engine_errc e) { return static_cast<std::uint8_t>(e); }

/// The id of the track listed at `path` by `library`; fails the test when none is.
std::int64_t track_id_of(caf::scoped_actor& self, const library_actor& library,
                         const std::string& path) {
  for (const auto& t : ask<std::vector<track_info>>(self, library, list_atom::value))
    if (t.path == path)
      return t.id;
  BOOST_FAIL("no track " + path);
  return 0;
}

/// A library folder with two tracks, a pool and a library actor over it.
struct library_fixture : auralis::test::actor_system_fixture {
  auralis::test::scratch_dir dir{"library"};
  worker_pool_actor pool;
  library_actor library;
  caf::scoped_actor self{*sys};

  library_fixture() {
    fs::create_directories(dir.path() / "lib");
    fs::create_directories(dir.path() / "outside");
    write_tone(dir.file("lib/a.wav"), 2.5, 1);
    write_tone(dir.file("lib/b.wav"), 1.0, 2);
    pool_settings ps;
    ps.workers = 1;
    ps.presets =
      auralis::config::config_loader::parse_presets(auralis::config::embedded_presets_json, "p");
    ps.chunk_frames = chunk_frames;
    pool = sys->spawn(worker_pool_actor_impl, ps);
    library = sys->spawn<caf::detached>(library_actor_impl, dir.file("lib"),
                                        dir.file("ids.json"), chunk_frames, pool,
                                        library_analysis_settings{});
  }
  ~library_fixture() {
    self->send_exit(library, caf::exit_reason::user_shutdown);
    self->send_exit(pool, caf::exit_reason::user_shutdown);
  }

  std::int64_t id_of(const std::string& path) { return track_id_of(self, library, path); }

  pool_report pool_stats() { return ask<pool_report>(self, pool, stats_atom::value); }
};

} // namespace

BOOST_FIXTURE_TEST_CASE(analysis_is_measured_once_and_then_held, library_fixture) {
  const auto a = id_of("a.wav");
  auto first = ask<track_analysis>(self, library, analysis_atom::value, a);
  BOOST_TEST(first.presets.size() == 5u);
  BOOST_REQUIRE(first.pre_gain_lufs.size() == 5u);
  BOOST_TEST(first.chunks.size() == 3u);
  BOOST_TEST(pool_stats().completed == 2u); // in two parts: chunk 0, chunks 1-2
  auto second = ask<track_analysis>(self, library, analysis_atom::value, a);
  BOOST_TEST(second.pre_gain_lufs == first.pre_gain_lufs, boost::test_tools::per_element());
  BOOST_TEST(pool_stats().submitted == 2u); // held: no new job
  // Another track is its own analysis; a track of one chunk is one part.
  auto b = ask<track_analysis>(self, library, analysis_atom::value, id_of("b.wav"));
  BOOST_TEST(b.chunks.size() == 1u);
  BOOST_TEST(pool_stats().submitted == 3u);
  auto err = ask_error<track_analysis>(self, library, analysis_atom::value, std::int64_t{999});
  BOOST_TEST(engine_code_of(err) == code(engine_errc::unknown_track));
}

BOOST_FIXTURE_TEST_CASE(an_analysis_in_two_parts_equals_one_pass_over_the_file, library_fixture) {
  const auto a = id_of("a.wav");
  const auto joined = ask<track_analysis>(self, library, analysis_atom::value, a);
  BOOST_TEST(pool_stats().completed == 2u);
  // The same file measured in one job from start to end.
  const auto info = ask<track_info>(self, library, caf::get_atom::value, a);
  job_runner runner(codec::opus_options{},
                    auralis::config::config_loader::parse_presets(
                      auralis::config::embedded_presets_json, "p"),
                    chunk_frames);
  job_spec whole;
  whole.kind = job_kind::analyse;
  whole.key = analysis_key(a);
  whole.source = source_ref{info.abs_path, info.size, info.mtime_ns, info.frames};
  const auto one = runner.run(whole).analysis;
  BOOST_TEST(joined.presets == one.presets, boost::test_tools::per_element());
  BOOST_TEST(std::fabs(joined.source_lufs - one.source_lufs) < 1e-3);
  BOOST_REQUIRE(joined.pre_gain_lufs.size() == one.pre_gain_lufs.size());
  for (std::size_t p = 0; p < one.pre_gain_lufs.size(); ++p)
    BOOST_TEST(std::fabs(joined.pre_gain_lufs[p] - one.pre_gain_lufs[p]) < 1e-3);
  BOOST_REQUIRE(joined.chunks.size() == one.chunks.size());
  for (std::size_t c = 0; c < one.chunks.size(); ++c) {
    BOOST_TEST(joined.chunks[c].energy == one.chunks[c].energy);
    BOOST_TEST(joined.chunks[c].brightness == one.chunks[c].brightness);
    BOOST_TEST(joined.chunks[c].rhythmic_energy == one.chunks[c].rhythmic_energy);
  }
}

BOOST_FIXTURE_TEST_CASE(a_changed_file_is_re_read_and_re_analysed, library_fixture) {
  const auto a = id_of("a.wav");
  auto before = ask<track_analysis>(self, library, analysis_atom::value, a);
  BOOST_TEST(before.chunks.size() == 3u);
  write_tone(dir.file("lib/a.wav"), 4.5, 9);
  auto info = ask<track_info>(self, library, caf::get_atom::value, a);
  BOOST_TEST(info.id == a);
  BOOST_TEST(info.chunks == 5);
  BOOST_TEST(info.size == codec::signature_of(dir.file("lib/a.wav")).size);
  auto after = ask<track_analysis>(self, library, analysis_atom::value, a);
  BOOST_TEST(after.chunks.size() == 5u);
  BOOST_TEST(pool_stats().submitted == 4u);
  // A file that vanished leaves the listing.
  fs::remove(dir.file("lib/a.wav"));
  auto err = ask_error<track_info>(self, library, caf::get_atom::value, a);
  BOOST_TEST(engine_code_of(err) == code(engine_errc::unknown_track));
  BOOST_TEST(ask<std::vector<track_info>>(self, library, list_atom::value).size() == 1u);
  err = ask_error<track_analysis>(self, library, analysis_atom::value, a);
  BOOST_TEST(engine_code_of(err) == code(engine_errc::unknown_track));
}

BOOST_FIXTURE_TEST_CASE(add_and_delete_tracks, library_fixture) {
  fs::create_directories(dir.path() / "lib" / "new");
  write_tone(dir.file("lib/new/c.wav"), 1.5, 3);
  auto c = ask<track_info>(self, library, caf::add_atom::value, std::string("new/c.wav"));
  BOOST_TEST(c.path == "new/c.wav");
  BOOST_TEST(c.chunks == 2);
  BOOST_TEST(ask<std::vector<track_info>>(self, library, list_atom::value).size() == 3u);
  auto again = ask<track_info>(self, library, caf::add_atom::value, std::string("new/c.wav"));
  BOOST_TEST(again.id == c.id);
  BOOST_TEST(ask<track_info>(self, library, caf::get_atom::value, c.id).path == "new/c.wav");

  write_tone(dir.file("outside/x.wav"), 0.5);
  fs::create_symlink(dir.file("outside/x.wav"), dir.file("lib/x.wav"));
  std::ofstream(dir.file("lib/bad.wav")) << "not audio";
  for (const char* p : {"../outside/x.wav", "x.wav", "new", "nothing.wav", ""}) {
    auto err = ask_error<track_info>(self, library, caf::add_atom::value, std::string(p));
    BOOST_TEST(engine_code_of(err) == code(engine_errc::invalid_argument), "path " << p);
  }
  auto err = ask_error<track_info>(self, library, caf::add_atom::value, std::string("bad.wav"));
  BOOST_TEST(engine_code_of(err) == code(engine_errc::unreadable_file));

  auto removed = ask<track_info>(self, library, caf::delete_atom::value, c.id);
  BOOST_TEST(removed.id == c.id);
  err = ask_error<track_info>(self, library, caf::delete_atom::value, c.id);
  BOOST_TEST(engine_code_of(err) == code(engine_errc::unknown_track));
  err = ask_error<track_info>(self, library, caf::get_atom::value, c.id);
  BOOST_TEST(engine_code_of(err) == code(engine_errc::unknown_track));
  // A rescan keeps it out; adding it again brings back its id, and new files get new ids.
  BOOST_TEST(ask<std::int64_t>(self, library, scan_atom::value) == 2);
  write_tone(dir.file("lib/d.wav"), 0.5, 4);
  auto d = ask<track_info>(self, library, caf::add_atom::value, std::string("d.wav"));
  BOOST_TEST(d.id > c.id);
  auto back = ask<track_info>(self, library, caf::add_atom::value, std::string("new/c.wav"));
  BOOST_TEST(back.id == c.id);
}

BOOST_FIXTURE_TEST_CASE(deleting_a_track_cancels_its_queued_jobs, library_fixture) {
  const auto a = id_of("a.wav");
  const auto sig = codec::signature_of(dir.file("lib/a.wav"));
  // Occupy the only worker (60 s of audio to encode), then queue a render of track a
  // behind it.
  const auto pcm = auralis::test::music_like(60 * 48000, 48000, 5);
  auto bytes = auralis::codec::byte_buffer::allocate(pcm.size() * 2);
  auto* s16 = reinterpret_cast<std::int16_t*>(bytes->data());
  for (std::size_t i = 0; i < pcm.size(); ++i)
    s16[i] = static_cast<std::int16_t>(pcm[i] * 32767.0f);
  job_spec blocker;
  blocker.kind = job_kind::encode;
  blocker.key = cache_key{99, "warm", 10, 0};
  blocker.priority = job_priority::immediate;
  blocker.input.data = bytes;
  job_spec render;
  render.kind = job_kind::render;
  render.key = cache_key{a, "warm", 10, 1};
  render.priority = job_priority::l3;
  render.source = source_ref{dir.file("lib/a.wav"), sig.size, sig.mtime_ns, 120000};
  auto hb = self->request(pool, caf::infinite, submit_atom::value, blocker);
  auto hr = self->request(pool, caf::infinite, submit_atom::value, render);
  // The pool's mailbox now holds both submissions; the delete reaches the pool after them.
  ask<track_info>(self, library, caf::delete_atom::value, a);
  caf::error rendered;
  hr.receive([](const job_output&) {}, [&](caf::error& e) { rendered = e; });
  hb.receive([](const job_output&) {}, [](caf::error&) { BOOST_FAIL("blocker failed"); });
  BOOST_TEST(engine_code_of(rendered) == code(engine_errc::cancelled));
}

namespace {

/// A library folder with two tracks, analysed in the background and stored under data/.
struct stored_library_fixture : auralis::test::actor_system_fixture {
  auralis::test::scratch_dir dir{"library-store"};
  auralis::config::preset_set presets =
    auralis::config::config_loader::parse_presets(auralis::config::embedded_presets_json, "p");
  std::string database = dir.file("data/analyses.sqlite");
  worker_pool_actor pool;
  library_actor library;
  caf::scoped_actor self{*sys};

  stored_library_fixture() {
    fs::create_directories(dir.path() / "lib");
    write_tone(dir.file("lib/a.wav"), 2.5, 1);
    write_tone(dir.file("lib/b.wav"), 1.0, 2);
    start();
  }
  ~stored_library_fixture() { stop(); }

  library_analysis_settings settings() const {
    library_analysis_settings s;
    s.database = database;
    s.dependencies = analysis_dependencies(presets, chunk_frames);
    s.background = true;
    return s;
  }

  /// A new pool and a library over the same folders (as after a restart).
  void start() {
    start_pool();
    start_library();
  }
  void start_pool() {
    pool_settings ps;
    ps.workers = 1;
    ps.presets = presets;
    ps.chunk_frames = chunk_frames;
    ps.opus.complexity = 10; // slow encodes: a blocker holds the worker a while
    pool = sys->spawn(worker_pool_actor_impl, ps);
  }
  void start_library() {
    library = sys->spawn<caf::detached>(library_actor_impl, dir.file("lib"),
                                        dir.file("data/track-ids.json"), chunk_frames, pool,
                                        settings());
  }

  /// Stops the library and the pool and waits until both are down.
  void stop() {
    for (const auto& h : {caf::actor_cast<caf::actor>(library), caf::actor_cast<caf::actor>(pool)}) {
      self->monitor(h);
      self->send_exit(h, caf::exit_reason::user_shutdown);
      self->receive([](const caf::down_msg&) {});
    }
  }

  /// The key the library stores `file`'s analysis under, as the file is now.
  analysis_store_key key_of(const std::string& file) const {
    const auto sig = codec::signature_of(dir.file(file));
    return analysis_store_key{fs::absolute(dir.file(file)).lexically_normal().string(), sig.size,
                              sig.mtime_ns, analysis_dependencies(presets, chunk_frames)};
  }

  /// Waits until the store holds an analysis of every file in `files` as they are now;
  /// returns them, in order.
  std::vector<track_analysis> wait_stored(const std::vector<std::string>& files) {
    // The library answers after it opened the store: the file exists from here on.
    ask<std::vector<track_info>>(self, library, list_atom::value);
    analysis_store store(database);
    std::vector<track_analysis> out;
    const bool stored = auralis::test::eventually([&] {
      out.clear();
      for (const auto& f : files)
        if (auto a = store.get(key_of(f)))
          out.push_back(std::move(*a));
      return out.size() == files.size();
    });
    BOOST_REQUIRE_MESSAGE(stored, "the background analyses were not stored in time");
    return out;
  }

  std::int64_t id_of(const std::string& path) { return track_id_of(self, library, path); }

  pool_report pool_stats() { return ask<pool_report>(self, pool, stats_atom::value); }
};

} // namespace

BOOST_FIXTURE_TEST_CASE(a_scanned_library_is_analysed_in_the_background_and_stored,
                        stored_library_fixture) {
  // Nobody asks: the scan alone leads to both analyses (a in two parts, b in one).
  const auto stored = wait_stored({"lib/a.wav", "lib/b.wav"});
  BOOST_TEST(stored[0].chunks.size() == 3u);
  BOOST_TEST(stored[1].chunks.size() == 1u);
  BOOST_TEST(stored[0].pre_gain_lufs.size() == 5u);
  auto st = pool_stats();
  BOOST_TEST(st.submitted == 3u);
  BOOST_TEST(st.failed == 0u);
  // A listener's request is answered from what the library holds: no new job.
  auto a = ask<track_analysis>(self, library, analysis_atom::value, id_of("a.wav"));
  BOOST_TEST(a.pre_gain_lufs == stored[0].pre_gain_lufs, boost::test_tools::per_element());
  BOOST_TEST(a.source_lufs == stored[0].source_lufs);
  BOOST_TEST(pool_stats().submitted == 3u);
}

BOOST_FIXTURE_TEST_CASE(a_restarted_library_answers_from_the_store_without_a_job,
                        stored_library_fixture) {
  const auto stored = wait_stored({"lib/a.wav", "lib/b.wav"});
  // Wait until the first library is done submitting before stopping it.
  BOOST_REQUIRE(auralis::test::eventually([&] { return pool_stats().completed == 3u; }));
  stop();
  start();
  const auto a = ask<track_analysis>(self, library, analysis_atom::value, id_of("a.wav"));
  const auto b = ask<track_analysis>(self, library, analysis_atom::value, id_of("b.wav"));
  BOOST_TEST(a.source_lufs == stored[0].source_lufs);
  BOOST_TEST(a.pre_gain_lufs == stored[0].pre_gain_lufs, boost::test_tools::per_element());
  BOOST_REQUIRE(a.chunks.size() == stored[0].chunks.size());
  for (std::size_t i = 0; i < a.chunks.size(); ++i)
    BOOST_TEST(a.chunks[i].energy == stored[0].chunks[i].energy);
  BOOST_TEST(b.chunks.size() == 1u);
  // The new pool never saw a job: neither a background analysis nor a listener's.
  const auto st = pool_stats();
  BOOST_TEST(st.submitted == 0u);
  BOOST_TEST(st.completed == 0u);
}

BOOST_FIXTURE_TEST_CASE(a_changed_file_is_analysed_again_in_the_background,
                        stored_library_fixture) {
  wait_stored({"lib/a.wav", "lib/b.wav"});
  BOOST_REQUIRE(auralis::test::eventually([&] { return pool_stats().completed == 3u; }));
  write_tone(dir.file("lib/a.wav"), 4.5, 9);
  // A rescan sees the new signature: the library analyses the file again on its own.
  BOOST_TEST(ask<std::int64_t>(self, library, scan_atom::value) == 2);
  const auto again = wait_stored({"lib/a.wav"});
  BOOST_TEST(again[0].chunks.size() == 5u);
  BOOST_TEST(pool_stats().submitted == 5u);
  auto a = ask<track_analysis>(self, library, analysis_atom::value, id_of("a.wav"));
  BOOST_TEST(a.chunks.size() == 5u);
  BOOST_TEST(pool_stats().submitted == 5u);
  // Changed presets: the same files miss in the store, and a restart analyses them again.
  stop();
  auto changed = presets.all();
  changed.at(0).eq.low_db += 1;
  presets = auralis::config::preset_set(changed);
  start();
  wait_stored({"lib/a.wav", "lib/b.wav"});
  BOOST_TEST(pool_stats().submitted == 3u);
}

BOOST_FIXTURE_TEST_CASE(a_listener_raises_a_queued_background_analysis, stored_library_fixture) {
  wait_stored({"lib/a.wav", "lib/b.wav"});
  BOOST_REQUIRE(auralis::test::eventually([&] { return pool_stats().completed == 3u; }));
  stop();
  // A restart with a corrupt store: it is moved aside and every track analysed again.
  {
    std::ofstream out(database, std::ios::binary | std::ios::trunc);
    out << std::string(8192, 'x');
  }
  fs::remove(database + "-wal");
  fs::remove(database + "-shm");
  start_pool();
  // 60 s of audio to encode at complexity 10 hold the only worker for a second or more:
  // the library's first background analysis (track a) queues behind it.
  const auto samples = auralis::test::music_like(60 * 48000, 48000, 5);
  auto bytes = auralis::codec::byte_buffer::allocate(samples.size() * 2);
  auto* s16 = reinterpret_cast<std::int16_t*>(bytes->data());
  for (std::size_t i = 0; i < samples.size(); ++i)
    s16[i] = static_cast<std::int16_t>(samples[i] * 32767.0f);
  job_spec blocker;
  blocker.kind = job_kind::encode;
  blocker.key = cache_key{99, "warm", 10, 0};
  blocker.priority = job_priority::l3;
  blocker.input.data = bytes;
  auto hb = self->request(pool, caf::infinite, submit_atom::value, blocker);
  start_library();
  // The listener's request for a joins the two queued background jobs of its parts and
  // raises them to immediate: they run next, and once.
  const auto a = ask<track_analysis>(self, library, analysis_atom::value, id_of("a.wav"));
  BOOST_TEST(a.chunks.size() == 3u);
  BOOST_TEST(pool_stats().joined == 2u);
  hb.receive([](const job_output&) {}, [](caf::error&) { BOOST_FAIL("blocker failed"); });
  wait_stored({"lib/a.wav", "lib/b.wav"});
  BOOST_REQUIRE(auralis::test::eventually([&] { return pool_stats().completed == 4u; }));
  const auto st = pool_stats();
  BOOST_TEST(st.submitted == 6u); // the blocker, a's two parts (twice: joined), b
  BOOST_TEST(st.failed == 0u);
  bool aside = false;
  for (const auto& e : fs::directory_iterator(dir.path() / "data"))
    aside = aside || e.path().filename().string().rfind("analyses.sqlite.corrupt-", 0) == 0;
  BOOST_TEST(aside);
}

namespace {

/// What the fake pool below was asked, shared with the test thread.
struct fake_pool_log {
  std::mutex mutex;
  std::map<std::string, int> submitted; ///< by file name
  int count(const std::string& name) {
    std::lock_guard<std::mutex> lock(mutex);
    return submitted[name];
  }
};

/// A pool that answers analyse jobs without running them: "bad.wav" fails unreadable,
/// "shed.wav" is shed (overloaded) the first two times, anything else succeeds with a
/// silent analysis of the part asked for (one programme, no sub-blocks).
worker_pool_actor::behavior_type fake_pool_impl(worker_pool_actor::pointer self,
                                                std::shared_ptr<fake_pool_log> log) {
  (void) self;
  return {
    [log](submit_atom, job_spec& job) -> caf::result<job_output> {
      const auto name = fs::path(job.source.path).filename().string();
      int n = 0;
      {
        std::lock_guard<std::mutex> lock(log->mutex);
        n = ++log->submitted[name];
      }
      if (name == "bad.wav")
        return make_engine_error(engine_errc::unreadable_file, job.source.path + ": bad");
      if (name == "shed.wav" && n <= 2)
        return make_overload_error("shed", 1);
      job_output out;
      out.kind = job.kind;
      out.key = job.key;
      const auto chunks = (job.source.frames + chunk_frames - 1) / chunk_frames;
      const auto [first, end] = analysis_part_chunks(
        static_cast<std::int32_t>(job.key.chunk_idx), job.analysis_parts, chunks);
      out.loudness.first = std::min(first * chunk_frames, job.source.frames);
      out.loudness.end = std::min(end * chunk_frames, job.source.frames);
      out.loudness.sub_blocks.resize(1);
      return out;
    },
    [](cancel_atom, std::int64_t) { return std::uint64_t{0}; },
    [](prune_atom, const std::vector<cache_key>&) { return std::uint64_t{0}; },
    [](stats_atom) { return pool_report{}; },
    [](expire_atom, std::uint64_t) {},
    [](release_atom, std::uint64_t) {},
    [](join_atom, const remote_workers&) {},
    [](lost_atom, std::uint64_t, std::uint64_t) {},
  };
}

} // namespace

BOOST_FIXTURE_TEST_CASE(a_shed_analysis_is_retried_and_an_unreadable_one_is_not,
                        stored_library_fixture) {
  stop();
  fs::remove_all(dir.path() / "data");
  write_tone(dir.file("lib/bad.wav"), 0.5, 3);
  write_tone(dir.file("lib/shed.wav"), 0.5, 4);
  auto log = std::make_shared<fake_pool_log>();
  pool = sys->spawn(fake_pool_impl, log);
  auto s = settings();
  s.retry_delay = std::chrono::milliseconds(1);
  library = sys->spawn<caf::detached>(library_actor_impl, dir.file("lib"),
                                      dir.file("data/track-ids.json"), chunk_frames, pool, s);
  // The shed one is stored after its third submission; the unreadable one never is.
  wait_stored({"lib/a.wav", "lib/b.wav", "lib/shed.wav"});
  BOOST_TEST(log->count("shed.wav") == 3);
  // A track added later is analysed after anything queued before it: had the unreadable
  // file been queued again, it would have been submitted again by now.
  write_tone(dir.file("lib/c.wav"), 0.5, 5);
  ask<track_info>(self, library, caf::add_atom::value, std::string("c.wav"));
  wait_stored({"lib/c.wav"});
  BOOST_TEST(log->count("bad.wav") == 1);
  BOOST_TEST(log->count("a.wav") == 2); // two parts
  BOOST_TEST(log->count("c.wav") == 1);
  // A listener's request still tries it, and gets the error.
  auto err = ask_error<track_analysis>(self, library, analysis_atom::value, id_of("bad.wav"));
  BOOST_TEST(engine_code_of(err) == code(engine_errc::unreadable_file));
  BOOST_TEST(log->count("bad.wav") == 2);
  // A change of the file lifts the verdict: it is analysed again in the background.
  write_tone(dir.file("lib/bad.wav"), 0.7, 6);
  BOOST_TEST(ask<std::int64_t>(self, library, scan_atom::value) == 5);
  BOOST_REQUIRE(auralis::test::eventually([&] { return log->count("bad.wav") == 3; }));
}
