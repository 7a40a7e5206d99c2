#define BOOST_TEST_MODULE track_catalog
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>

#include "actors/library/track_catalog.hpp"
#include "codec/audio_file_writer.hpp"
#include "test_support.hpp"

using auralis::actors::track_catalog;
namespace codec = auralis::codec;
namespace fs = std::filesystem;

namespace {

constexpr std::int64_t chunk_frames = 48000; // 1 s chunks keep the files small

void write_tone(const std::string& path, double seconds, int rate,
                codec::file_format format = codec::file_format::wav_pcm16) {
  const auto frames = static_cast<std::int64_t>(seconds * rate);
  codec::write_audio_file(path, auralis::test::music_like(frames, rate), 2, rate, format);
}

std::map<std::string, std::int64_t> ids_by_path(const track_catalog& c) {
  std::map<std::string, std::int64_t> out;
  for (const auto& t : c.list())
    out[t.path] = t.id;
  return out;
}

} // namespace

BOOST_AUTO_TEST_CASE(scan_lists_audio_files_recursively_and_skips_unreadable_ones) {
  auralis::test::scratch_dir dir("catalog");
  fs::create_directories(dir.path() / "lib" / "album");
  write_tone(dir.file("lib/a.wav"), 2.5, 48000);
  write_tone(dir.file("lib/album/02-second_song.flac"), 1.0, 44100, codec::file_format::flac_pcm16);
  std::ofstream(dir.file("lib/broken.wav")) << "this is not a wave file";
  std::ofstream(dir.file("lib/notes.txt")) << "not audio, not even tried";

  track_catalog catalog(dir.file("lib"), dir.file("ids.json"), chunk_frames);
  const auto report = catalog.scan();
  BOOST_TEST(report.tracks == 2u);
  BOOST_TEST(report.added == 2u);
  BOOST_REQUIRE(report.skipped.size() == 1u);
  BOOST_TEST(report.skipped[0].find("broken.wav") != std::string::npos);

  const auto tracks = catalog.list();
  BOOST_REQUIRE(tracks.size() == 2u);
  BOOST_TEST(tracks[0].path == "a.wav");
  BOOST_TEST(tracks[0].title == "A");
  BOOST_TEST(tracks[0].sample_rate == 48000);
  BOOST_TEST(tracks[0].channels == 2);
  BOOST_TEST(tracks[0].frames == 120000);
  BOOST_TEST(tracks[0].chunks == 3);
  BOOST_TEST(tracks[0].duration_s == 2.5);
  BOOST_TEST(tracks[1].path == "album/02-second_song.flac");
  BOOST_TEST(tracks[1].title == "Second Song");
  BOOST_TEST(tracks[1].sample_rate == 44100);
  BOOST_TEST(tracks[1].frames == 48000);
  BOOST_TEST(tracks[1].chunks == 1);
  BOOST_TEST(tracks[0].id != tracks[1].id);
  BOOST_TEST(catalog.find(tracks[1].id)->abs_path == fs::absolute(dir.file("lib/album/02-second_song.flac")).lexically_normal().string());
  BOOST_TEST(!catalog.find(999).has_value());
}

BOOST_AUTO_TEST_CASE(ids_survive_a_restart_and_are_never_reused) {
  auralis::test::scratch_dir dir("catalog");
  fs::create_directories(dir.path() / "lib");
  write_tone(dir.file("lib/one.wav"), 0.5, 48000);
  write_tone(dir.file("lib/two.wav"), 0.5, 48000);
  std::map<std::string, std::int64_t> first;
  {
    track_catalog c(dir.file("lib"), dir.file("ids.json"), chunk_frames);
    c.scan();
    first = ids_by_path(c);
  }
  BOOST_TEST(fs::exists(dir.file("ids.json")));
  // A new catalog (a restart) with a file added and one removed.
  fs::remove(dir.file("lib/one.wav"));
  write_tone(dir.file("lib/three.wav"), 0.5, 48000);
  track_catalog c(dir.file("lib"), dir.file("ids.json"), chunk_frames);
  const auto report = c.scan();
  const auto second = ids_by_path(c);
  BOOST_TEST(report.tracks == 2u);
  BOOST_TEST(second.at("two.wav") == first.at("two.wav"));
  BOOST_TEST(second.at("three.wav") > std::max(first.at("one.wav"), first.at("two.wav")));
  // The removed file comes back: it gets its old id again.
  write_tone(dir.file("lib/one.wav"), 0.5, 48000);
  c.scan();
  BOOST_TEST(ids_by_path(c).at("one.wav") == first.at("one.wav"));
}

BOOST_AUTO_TEST_CASE(a_corrupt_ids_file_is_moved_aside_and_ids_start_afresh) {
  auralis::test::scratch_dir dir("catalog");
  fs::create_directories(dir.path() / "lib");
  write_tone(dir.file("lib/one.wav"), 0.5, 48000);
  std::ofstream(dir.file("ids.json")) << "{\"next_id\": 3, \"ids\": {";
  track_catalog c(dir.file("lib"), dir.file("ids.json"), chunk_frames);
  c.scan();
  BOOST_TEST(c.list().size() == 1u);
  BOOST_TEST(c.list()[0].id == 1);
  bool aside = false;
  for (const auto& e : fs::directory_iterator(dir.path()))
    aside |= e.path().filename().string().rfind("ids.json.corrupt-", 0) == 0;
  BOOST_TEST(aside);
}

BOOST_AUTO_TEST_CASE(an_ids_file_with_no_ids_left_is_moved_aside) {
  // next_id 2^63 - 1: giving it out overflowed the counter (found by fuzz/track_ids).
  auralis::test::scratch_dir dir("catalog");
  fs::create_directories(dir.path() / "lib");
  write_tone(dir.file("lib/one.wav"), 0.5, 48000);
  std::ofstream(dir.file("ids.json")) << "{\"next_id\": 9223372036854775807, \"ids\": {}}";
  track_catalog c(dir.file("lib"), dir.file("ids.json"), chunk_frames);
  c.scan();
  BOOST_REQUIRE(c.list().size() == 1u);
  BOOST_TEST(c.list()[0].id == 1);
  bool aside = false;
  for (const auto& e : fs::directory_iterator(dir.path()))
    aside |= e.path().filename().string().rfind("ids.json.corrupt-", 0) == 0;
  BOOST_TEST(aside);
}

BOOST_AUTO_TEST_CASE(ids_run_up_to_2_pow_53_and_then_run_out) {
  auralis::test::scratch_dir dir("catalog");
  fs::create_directories(dir.path() / "lib");
  write_tone(dir.file("lib/one.wav"), 0.5, 48000);
  write_tone(dir.file("lib/two.wav"), 0.5, 48000);
  const std::int64_t last = std::int64_t{1} << 53; // track_catalog::max_track_id
  std::ofstream(dir.file("ids.json")) << "{\"next_id\": " << last << ", \"ids\": {}}";
  {
    track_catalog c(dir.file("lib"), dir.file("ids.json"), chunk_frames);
    const auto report = c.scan();
    // one.wav takes the last id; two.wav is skipped, reported, not thrown.
    BOOST_REQUIRE(c.list().size() == 1u);
    BOOST_TEST(c.list()[0].path == "one.wav");
    BOOST_TEST(c.list()[0].id == last);
    BOOST_REQUIRE(report.skipped.size() == 1u);
    BOOST_TEST(report.skipped[0].find("two.wav") != std::string::npos);
  }
  // The file it saved (next_id 2^53 + 1) loads again: one.wav keeps its id.
  track_catalog c(dir.file("lib"), dir.file("ids.json"), chunk_frames);
  c.scan();
  BOOST_REQUIRE(c.list().size() == 1u);
  BOOST_TEST(c.list()[0].id == last);
  for (const auto& e : fs::directory_iterator(dir.path()))
    BOOST_TEST(e.path().filename().string().find(".corrupt-") == std::string::npos);
  BOOST_CHECK_THROW(c.add("two.wav"), std::runtime_error);
}

BOOST_AUTO_TEST_CASE(a_missing_root_is_an_error) {
  auralis::test::scratch_dir dir("catalog");
  track_catalog c(dir.file("nope"), dir.file("ids.json"), chunk_frames);
  BOOST_CHECK_THROW(c.scan(), std::runtime_error);
}

BOOST_AUTO_TEST_CASE(titles_come_from_file_names) {
  using auralis::actors::title_from_file_name;
  BOOST_TEST(title_from_file_name("01-ambient-drift.flac") == "Ambient Drift");
  BOOST_TEST(title_from_file_name("my_song.mp3") == "My Song");
  BOOST_TEST(title_from_file_name("2001.wav") == "2001");
  BOOST_TEST(track_catalog::is_audio_name("X.FLAC"));
  BOOST_TEST(!track_catalog::is_audio_name("cover.jpg"));
}

namespace {

using auralis::actors::add_status;
using auralis::actors::refresh_status;

} // namespace

BOOST_AUTO_TEST_CASE(add_takes_files_inside_the_root_and_refuses_the_rest) {
  auralis::test::scratch_dir dir("catalog");
  fs::create_directories(dir.path() / "lib" / "sub");
  fs::create_directories(dir.path() / "outside");
  write_tone(dir.file("lib/a.wav"), 1.5, 48000);
  track_catalog c(dir.file("lib"), dir.file("ids.json"), chunk_frames);
  c.scan();
  const auto a_id = c.list().at(0).id;

  write_tone(dir.file("lib/sub/new.flac"), 1.0, 44100, codec::file_format::flac_pcm16);
  auto r = c.add("sub/new.flac");
  BOOST_TEST((r.status == add_status::added));
  BOOST_REQUIRE(r.track.has_value());
  BOOST_TEST(r.track->path == "sub/new.flac");
  BOOST_TEST(r.track->chunks == 1);
  BOOST_TEST(r.track->id > a_id);
  BOOST_TEST(c.find(r.track->id).has_value());
  BOOST_TEST(c.list().size() == 2u);

  // Already listed (also spelled differently): its existing track.
  auto again = c.add("sub/../a.wav");
  BOOST_TEST((again.status == add_status::existing));
  BOOST_TEST(again.track->id == a_id);

  write_tone(dir.file("outside/x.wav"), 0.5, 48000);
  fs::create_symlink(dir.file("outside/x.wav"), dir.file("lib/link-out.wav"));
  fs::create_symlink(dir.file("outside"), dir.file("lib/dir-out"));
  fs::create_symlink(dir.file("lib/a.wav"), dir.file("lib/link-in.wav"));
  std::ofstream(dir.file("lib/notes.txt")) << "text";
  std::ofstream(dir.file("lib/broken.wav")) << "not a wave file";
  BOOST_TEST((c.add("../outside/x.wav").status == add_status::invalid_path));
  BOOST_TEST((c.add(dir.file("outside/x.wav")).status == add_status::invalid_path)); // absolute
  BOOST_TEST((c.add("link-out.wav").status == add_status::invalid_path));
  BOOST_TEST((c.add("dir-out/x.wav").status == add_status::invalid_path));
  BOOST_TEST((c.add("sub").status == add_status::invalid_path));
  BOOST_TEST((c.add("").status == add_status::invalid_path));
  BOOST_TEST((c.add("missing.wav").status == add_status::invalid_path));
  BOOST_TEST((c.add("notes.txt").status == add_status::invalid_path));
  BOOST_TEST((c.add("broken.wav").status == add_status::unreadable));
  // A symlink that stays inside the root is fine.
  auto in = c.add("link-in.wav");
  BOOST_TEST((in.status == add_status::added));
  BOOST_TEST(c.list().size() == 3u);
  // A scan lists the same: the link out of the root is skipped, the one inside kept.
  const auto report = c.scan();
  BOOST_TEST(report.tracks == 3u);
  BOOST_TEST(ids_by_path(c).count("link-in.wav") == 1u);
  BOOST_TEST(ids_by_path(c).count("link-out.wav") == 0u);
}

BOOST_AUTO_TEST_CASE(a_removed_track_stays_out_of_scans_and_keeps_its_id) {
  auralis::test::scratch_dir dir("catalog");
  fs::create_directories(dir.path() / "lib");
  write_tone(dir.file("lib/one.wav"), 0.5, 48000);
  write_tone(dir.file("lib/two.wav"), 0.5, 48000);
  std::int64_t one = 0;
  {
    track_catalog c(dir.file("lib"), dir.file("ids.json"), chunk_frames);
    c.scan();
    one = ids_by_path(c).at("one.wav");
    auto removed = c.remove(one);
    BOOST_REQUIRE(removed.has_value());
    BOOST_TEST(removed->path == "one.wav");
    BOOST_TEST(!c.remove(one).has_value());
    BOOST_TEST(!c.find(one).has_value());
    c.scan();
    BOOST_TEST(c.list().size() == 1u);
  }
  // After a restart it is still removed; adding it back gives its old id.
  track_catalog c(dir.file("lib"), dir.file("ids.json"), chunk_frames);
  c.scan();
  BOOST_TEST(c.list().size() == 1u);
  write_tone(dir.file("lib/three.wav"), 0.5, 48000);
  auto back = c.add("one.wav");
  BOOST_TEST((back.status == add_status::added));
  BOOST_TEST(back.track->id == one);
  auto three = c.add("three.wav");
  BOOST_TEST(three.track->id > ids_by_path(c).at("two.wav"));
  BOOST_TEST(three.track->id != one);
  c.scan();
  BOOST_TEST(c.list().size() == 3u);
}

BOOST_AUTO_TEST_CASE(refresh_notices_changed_and_vanished_files) {
  auralis::test::scratch_dir dir("catalog");
  fs::create_directories(dir.path() / "lib");
  write_tone(dir.file("lib/one.wav"), 1.5, 48000);
  track_catalog c(dir.file("lib"), dir.file("ids.json"), chunk_frames);
  c.scan();
  const auto before = c.list().at(0);
  auto r = c.refresh(before.id);
  BOOST_TEST((r.status == refresh_status::unchanged));
  BOOST_TEST(r.track->size == before.size);

  write_tone(dir.file("lib/one.wav"), 3.5, 48000);
  r = c.refresh(before.id);
  BOOST_TEST((r.status == refresh_status::changed));
  BOOST_TEST(r.track->id == before.id);
  BOOST_TEST(r.track->chunks == 4);
  BOOST_TEST(r.track->frames == 168000);
  BOOST_TEST(r.track->size != before.size);
  BOOST_TEST(c.find(before.id)->chunks == 4);

  std::ofstream(dir.file("lib/one.wav"), std::ios::trunc) << "garbage now";
  r = c.refresh(before.id);
  BOOST_TEST((r.status == refresh_status::unreadable));
  BOOST_TEST(!c.find(before.id).has_value());

  write_tone(dir.file("lib/one.wav"), 0.5, 48000);
  c.scan();
  BOOST_TEST(c.find(before.id).has_value());
  fs::remove(dir.file("lib/one.wav"));
  r = c.refresh(before.id);
  BOOST_TEST((r.status == refresh_status::vanished));
  BOOST_TEST(c.list().empty());
  BOOST_TEST((c.refresh(before.id).status == refresh_status::unknown));
}
