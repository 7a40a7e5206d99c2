#define BOOST_TEST_MODULE analysis_store
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>

#include <sqlite3.h>

#include "actors/library/analysis_store.hpp"
#include "config/config_loader.hpp"
#include "test_support.hpp"

using namespace auralis::actors;
namespace fs = std::filesystem;

namespace {

/// An analysis whose doubles have full-precision bit patterns (and -inf, as for silence).
track_analysis sample_analysis(unsigned seed, std::size_t chunks = 4) {
  track_analysis a;
  a.source_lufs = -14.123456789012345 - seed / 3.0;
  a.presets = {"adaptive", "bright", "warm"};
  a.pre_gain_lufs = {-13.0 / 7.0, std::nextafter(-20.0, 0.0),
                     -std::numeric_limits<double>::infinity()};
  for (std::size_t i = 0; i < chunks; ++i) {
    chunk_features c;
    c.energy = 1.0 / (3.0 + static_cast<double>(i + seed));
    c.brightness = std::sqrt(2.0) / static_cast<double>(i + 2);
    c.dynamics = std::numeric_limits<double>::denorm_min() * static_cast<double>(i + 1);
    c.vocal_presence = 0.1 * static_cast<double>(i);
    c.rhythmic_energy = std::nextafter(1.0, 0.0);
    a.chunks.push_back(c);
  }
  return a;
}

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

void check_bit_exact(const track_analysis& got, const track_analysis& want) {
  BOOST_TEST(same_bits(got.source_lufs, want.source_lufs));
  BOOST_TEST(got.presets == want.presets, boost::test_tools::per_element());
  BOOST_REQUIRE(got.pre_gain_lufs.size() == want.pre_gain_lufs.size());
  for (std::size_t i = 0; i < want.pre_gain_lufs.size(); ++i)
    BOOST_TEST(same_bits(got.pre_gain_lufs[i], want.pre_gain_lufs[i]), "preset " << i);
  BOOST_REQUIRE(got.chunks.size() == want.chunks.size());
  for (std::size_t i = 0; i < want.chunks.size(); ++i) {
    const auto& g = got.chunks[i];
    const auto& w = want.chunks[i];
    BOOST_TEST(same_bits(g.energy, w.energy));
    BOOST_TEST(same_bits(g.brightness, w.brightness));
    BOOST_TEST(same_bits(g.dynamics, w.dynamics));
    BOOST_TEST(same_bits(g.vocal_presence, w.vocal_presence));
    BOOST_TEST(same_bits(g.rhythmic_energy, w.rhythmic_energy));
  }
}

analysis_store_key key_of(const std::string& path) {
  return analysis_store_key{path, 123456, 1'700'000'000'123'456'789, 0x8000000000000001ull};
}

/// The files in `dir` whose name starts with `prefix`.
std::vector<fs::path> files_starting(const fs::path& dir, const std::string& prefix) {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().filename().string().rfind(prefix, 0) == 0)
      out.push_back(e.path());
  return out;
}

} // namespace

BOOST_AUTO_TEST_CASE(put_then_get_is_bit_exact) {
  auralis::test::scratch_dir dir("analysis-store");
  analysis_store store(dir.file("data/analyses.sqlite")); // the folder is created
  const auto a = sample_analysis(1);
  const auto k = key_of("/music/a.flac");
  BOOST_TEST(!store.get(k).has_value());
  BOOST_TEST(store.put(k, a));
  auto got = store.get(k);
  BOOST_REQUIRE(got.has_value());
  check_bit_exact(*got, a);
  // An empty analysis (no presets, no chunks) round-trips too.
  const auto k2 = key_of("/music/empty.wav");
  BOOST_TEST(store.put(k2, track_analysis{}));
  auto empty = store.get(k2);
  BOOST_REQUIRE(empty.has_value());
  BOOST_TEST(empty->chunks.empty());
  BOOST_TEST(store.size() == 2u);
  BOOST_TEST(store.moved_aside().empty());
}

BOOST_AUTO_TEST_CASE(a_different_size_mtime_or_dependencies_misses) {
  auralis::test::scratch_dir dir("analysis-store");
  analysis_store store(dir.file("analyses.sqlite"));
  const auto k = key_of("/music/a.flac");
  BOOST_REQUIRE(store.put(k, sample_analysis(1)));
  auto other = k;
  other.size += 1;
  BOOST_TEST(!store.get(other).has_value());
  other = k;
  other.mtime_ns += 1;
  BOOST_TEST(!store.get(other).has_value());
  other = k;
  other.dependencies ^= 1;
  BOOST_TEST(!store.get(other).has_value());
  other = k;
  other.path = "/music/b.flac";
  BOOST_TEST(!store.get(other).has_value());
  BOOST_TEST(store.get(k).has_value());
  // A new signature of the same path replaces the old analysis: one row per path.
  other = k;
  other.mtime_ns += 5;
  BOOST_REQUIRE(store.put(other, sample_analysis(2)));
  BOOST_TEST(store.size() == 1u);
  BOOST_TEST(!store.get(k).has_value());
  check_bit_exact(store.get(other).value(), sample_analysis(2));
  BOOST_TEST(store.remove(other.path));
  BOOST_TEST(!store.get(other).has_value());
  BOOST_TEST(store.size() == 0u);
}

BOOST_AUTO_TEST_CASE(the_dependencies_hash_follows_presets_and_chunk_length) {
  using auralis::config::config_loader;
  const auto presets = config_loader::parse_presets(auralis::config::embedded_presets_json, "p");
  const auto base = analysis_dependencies(presets, 720000);
  BOOST_TEST(analysis_dependencies(presets, 720000) == base); // stable
  BOOST_TEST(analysis_dependencies(presets, 480000) != base);
  auto changed = presets.all();
  changed.at(1).compressor.ratio += 0.5;
  BOOST_TEST(analysis_dependencies(auralis::config::preset_set(changed), 720000) != base);
  changed = presets.all();
  changed.at(0).name += "x";
  BOOST_TEST(analysis_dependencies(auralis::config::preset_set(changed), 720000) != base);
  changed = presets.all();
  changed.pop_back();
  BOOST_TEST(analysis_dependencies(auralis::config::preset_set(changed), 720000) != base);
}

BOOST_AUTO_TEST_CASE(analyses_persist_across_reopening) {
  auralis::test::scratch_dir dir("analysis-store");
  const auto file = dir.file("analyses.sqlite");
  {
    analysis_store store(file);
    for (unsigned i = 0; i < 20; ++i)
      BOOST_REQUIRE(store.put(key_of("/music/" + std::to_string(i) + ".flac"), sample_analysis(i)));
  }
  analysis_store again(file);
  BOOST_TEST(again.size() == 20u);
  for (unsigned i = 0; i < 20; ++i) {
    auto got = again.get(key_of("/music/" + std::to_string(i) + ".flac"));
    BOOST_REQUIRE(got.has_value());
    check_bit_exact(*got, sample_analysis(i));
  }
  BOOST_TEST(again.moved_aside().empty());
}

BOOST_AUTO_TEST_CASE(a_file_of_garbage_is_moved_aside_and_rebuilt) {
  auralis::test::scratch_dir dir("analysis-store");
  const auto file = dir.file("analyses.sqlite");
  {
    std::ofstream out(file, std::ios::binary);
    for (int i = 0; i < 4096; ++i)
      out.put(static_cast<char>((i * 131 + 7) & 0xff));
  }
  analysis_store store(file);
  BOOST_REQUIRE(!store.moved_aside().empty());
  BOOST_TEST(store.moved_aside().rfind(file + ".corrupt-", 0) == 0u);
  const auto aside = files_starting(dir.path(), "analyses.sqlite.corrupt-");
  BOOST_REQUIRE(aside.size() == 1u);
  BOOST_TEST(fs::file_size(aside[0]) == 4096u); // moved as it was
  // The new database works, and keeps working after reopening.
  const auto k = key_of("/music/a.flac");
  BOOST_TEST(store.size() == 0u);
  BOOST_TEST(store.put(k, sample_analysis(3)));
  check_bit_exact(store.get(k).value(), sample_analysis(3));
  analysis_store again(file);
  BOOST_TEST(again.moved_aside().empty());
  check_bit_exact(again.get(k).value(), sample_analysis(3));
}

BOOST_AUTO_TEST_CASE(a_truncated_database_is_moved_aside_and_rebuilt) {
  auralis::test::scratch_dir dir("analysis-store");
  const auto file = dir.file("analyses.sqlite");
  {
    analysis_store store(file);
    // Enough rows (with long chunk lists) for many pages.
    for (unsigned i = 0; i < 200; ++i)
      BOOST_REQUIRE(store.put(key_of("/music/" + std::to_string(i) + ".flac"),
                              sample_analysis(i, 40)));
  }
  // Closed: the WAL is checkpointed into the file. Cut it in the middle of its pages.
  BOOST_REQUIRE(!fs::exists(file + "-wal") || fs::file_size(file + "-wal") == 0u);
  const auto full = fs::file_size(file);
  BOOST_REQUIRE(full > 64u * 1024u);
  fs::resize_file(file, full / 2 + 100);
  analysis_store store(file);
  BOOST_REQUIRE(!store.moved_aside().empty());
  BOOST_TEST(fs::exists(store.moved_aside()));
  BOOST_TEST(fs::file_size(store.moved_aside()) == full / 2 + 100);
  BOOST_TEST(store.size() == 0u);
  const auto k = key_of("/music/1.flac");
  BOOST_TEST(!store.get(k).has_value());
  BOOST_TEST(store.put(k, sample_analysis(1)));
  check_bit_exact(store.get(k).value(), sample_analysis(1));
}

BOOST_AUTO_TEST_CASE(a_newer_schema_version_is_moved_aside) {
  auralis::test::scratch_dir dir("analysis-store");
  const auto file = dir.file("analyses.sqlite");
  {
    analysis_store store(file);
    BOOST_REQUIRE(store.put(key_of("/music/a.flac"), sample_analysis(1)));
  }
  {
    sqlite3* db = nullptr;
    BOOST_REQUIRE(sqlite3_open(file.c_str(), &db) == SQLITE_OK);
    BOOST_REQUIRE(sqlite3_exec(db, "PRAGMA user_version = 99", nullptr, nullptr, nullptr) ==
                  SQLITE_OK);
    sqlite3_close(db);
  }
  analysis_store store(file);
  BOOST_REQUIRE(!store.moved_aside().empty());
  BOOST_TEST(fs::exists(store.moved_aside()));
  BOOST_TEST(!store.get(key_of("/music/a.flac")).has_value());
  BOOST_TEST(store.put(key_of("/music/a.flac"), sample_analysis(2)));
  BOOST_TEST(store.size() == 1u);
}

BOOST_AUTO_TEST_CASE(a_folder_that_cannot_hold_the_file_is_a_clear_error) {
  auralis::test::scratch_dir dir("analysis-store");
  // The "folder" is a regular file: nothing can be created below it.
  std::ofstream(dir.file("plain")) << "x";
  try {
    analysis_store store(dir.file("plain/analyses.sqlite"));
    BOOST_FAIL("opening should have failed");
  } catch (const std::runtime_error& e) {
    BOOST_TEST(std::string(e.what()).find("plain/analyses.sqlite") != std::string::npos);
  }
}
