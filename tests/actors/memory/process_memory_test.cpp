#define BOOST_TEST_MODULE process_memory
#include <boost/test/unit_test.hpp>

#include <vector>

#include "actors/memory/process_memory.hpp"

using namespace auralis::actors;

BOOST_AUTO_TEST_CASE(statm_fields_are_pages) {
  const auto m = parse_statm("25000 1200 300 10 0 900 0\n", 4096);
  BOOST_REQUIRE(m.has_value());
  BOOST_TEST(m->resident_bytes == 1200u * 4096u);
  BOOST_TEST(m->shared_bytes == 300u * 4096u);
  BOOST_TEST(!parse_statm("25000 1200", 4096).has_value());
  BOOST_TEST(!parse_statm("", 4096).has_value());
  BOOST_TEST(!parse_statm("a b c", 4096).has_value());
}

BOOST_AUTO_TEST_CASE(the_process_memory_is_measured_and_follows_touched_pages) {
  const auto before = read_process_memory();
  BOOST_REQUIRE(before.has_value());
  BOOST_TEST(before->resident_bytes > 0u);
  // 64 MB written page by page are resident afterwards.
  std::vector<char> block(64u << 20, 1);
  const auto after = read_process_memory();
  BOOST_REQUIRE(after.has_value());
  BOOST_TEST(after->resident_bytes >= before->resident_bytes + (60u << 20));
  BOOST_TEST(block[12345] == 1);
}
