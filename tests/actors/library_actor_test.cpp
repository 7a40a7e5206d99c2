#define BOOST_TEST_MODULE library_actor
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>

#include "actor_test_support.hpp"
#include "actors/library_actor.hpp"
#include "actors/worker_pool_actor.hpp"
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
                                        dir.file("ids.json"), chunk_frames, pool);
  }
  ~library_fixture() {
    self->send_exit(library, caf::exit_reason::user_shutdown);
    self->send_exit(pool, caf::exit_reason::user_shutdown);
  }

  std::int64_t id_of(const std::string& path) {
    for (const auto& t : ask<std::vector<track_info>>(self, library, list_atom::value))
      if (t.path == path)
        return t.id;
    BOOST_FAIL("no track " + path);
    return 0;
  }

  pool_report pool_stats() { return ask<pool_report>(self, pool, stats_atom::value); }
};

} // namespace

BOOST_FIXTURE_TEST_CASE(analysis_is_measured_once_and_then_held, library_fixture) {
  const auto a = id_of("a.wav");
  auto first = ask<track_analysis>(self, library, analysis_atom::value, a);
  BOOST_TEST(first.presets.size() == 5u);
  BOOST_REQUIRE(first.pre_gain_lufs.size() == 5u);
  BOOST_TEST(first.chunks.size() == 3u);
  BOOST_TEST(pool_stats().completed == 1u);
  auto second = ask<track_analysis>(self, library, analysis_atom::value, a);
  BOOST_TEST(second.pre_gain_lufs == first.pre_gain_lufs, boost::test_tools::per_element());
  BOOST_TEST(pool_stats().submitted == 1u); // held: no second job
  // Another track is its own analysis.
  auto b = ask<track_analysis>(self, library, analysis_atom::value, id_of("b.wav"));
  BOOST_TEST(b.chunks.size() == 1u);
  BOOST_TEST(pool_stats().submitted == 2u);
  auto err = ask_error<track_analysis>(self, library, analysis_atom::value, std::int64_t{999});
  BOOST_TEST(engine_code_of(err) == code(engine_errc::unknown_track));
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
  BOOST_TEST(pool_stats().submitted == 2u);
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
