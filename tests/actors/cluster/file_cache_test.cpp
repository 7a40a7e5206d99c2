#define BOOST_TEST_MODULE file_cache
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <vector>

#include "actors/cluster/file_cache.hpp"
#include "codec/audio_source.hpp"
#include "test_support.hpp"

using namespace auralis;
using actors::file_cache;
using actors::source_ref;

namespace {

source_ref ref(const std::string& path, std::uint64_t size, std::int64_t mtime_ns) {
  source_ref s;
  s.path = path;
  s.size = size;
  s.mtime_ns = mtime_ns;
  return s;
}

std::vector<std::uint8_t> bytes(std::size_t n, std::uint8_t fill) {
  return std::vector<std::uint8_t>(n, fill);
}

} // namespace

BOOST_AUTO_TEST_CASE(a_copy_keeps_its_extension_bytes_and_modification_time) {
  test::scratch_dir dir("file-cache");
  file_cache cache(dir.file("cache"), 1000);
  const auto a = ref("/music/a.flac", 100, 1'700'000'000'123'456'789);
  BOOST_TEST(!cache.find(a));
  const auto data = bytes(100, 7);
  const auto path = cache.store(a, data.data(), data.size());
  BOOST_TEST(std::filesystem::path(path).extension() == ".flac");
  BOOST_TEST(std::filesystem::file_size(path) == 100u);
  // The job runner's check: the copy has the listed size and modification time.
  const auto sig = codec::signature_of(path);
  BOOST_TEST(sig.size == 100u);
  BOOST_TEST(sig.mtime_ns == a.mtime_ns);
  BOOST_TEST(cache.find(a).value() == path);
  // Another version of the same file is another copy.
  BOOST_TEST(!cache.find(ref("/music/a.flac", 100, a.mtime_ns + 1)));
  BOOST_TEST(cache.bytes() == 100u);
}

BOOST_AUTO_TEST_CASE(the_least_recently_used_copies_go_over_the_limit) {
  test::scratch_dir dir("file-cache-lru");
  file_cache cache(dir.file("cache"), 250);
  const auto a = ref("/m/a.wav", 100, 1), b = ref("/m/b.wav", 100, 2), c = ref("/m/c.wav", 100, 3);
  const auto data = bytes(100, 1);
  const auto pa = cache.store(a, data.data(), 100);
  cache.store(b, data.data(), 100);
  BOOST_TEST(cache.find(a).has_value()); // a is now the most recently used
  cache.store(c, data.data(), 100);      // 300 > 250: b goes
  BOOST_TEST(cache.find(a).has_value());
  BOOST_TEST(!cache.find(b).has_value());
  BOOST_TEST(cache.find(c).has_value());
  BOOST_TEST(cache.bytes() == 200u);
  BOOST_TEST(cache.files() == 2u);
  // One file over the whole limit is still kept, alone.
  const auto big = bytes(400, 2);
  cache.store(ref("/m/big.wav", 400, 4), big.data(), 400);
  BOOST_TEST(cache.files() == 1u);
  BOOST_TEST(!std::filesystem::exists(pa));
}

BOOST_AUTO_TEST_CASE(bytes_that_are_not_the_listed_size_are_refused) {
  test::scratch_dir dir("file-cache-size");
  file_cache cache(dir.file("cache"), 1000);
  const auto data = bytes(10, 1);
  BOOST_CHECK_THROW(cache.store(ref("/m/a.wav", 11, 1), data.data(), 10), std::runtime_error);
  BOOST_TEST(cache.files() == 0u);
}
