#define BOOST_TEST_MODULE fnv1a
#include <boost/test/unit_test.hpp>

#include "actors/common/fnv1a.hpp"

using auralis::actors::fnv1a;

BOOST_AUTO_TEST_CASE(bytes_give_the_published_fnv1a_64_values) {
  BOOST_TEST(fnv1a().value() == 0xcbf29ce484222325ull);
  BOOST_TEST(fnv1a().bytes("a", 1).value() == 0xaf63dc4c8601ec8cull);
  BOOST_TEST(fnv1a().bytes("foobar", 6).value() == 0x85944171f73967e8ull);
  // Fed piece by piece or at once: the same.
  BOOST_TEST(fnv1a().bytes("foo", 3).bytes("bar", 3).value() == 0x85944171f73967e8ull);
}

BOOST_AUTO_TEST_CASE(numbers_are_little_endian_and_texts_carry_their_length) {
  const unsigned char one[8] = {1, 0, 0, 0, 0, 0, 0, 0};
  BOOST_TEST(fnv1a().u64(1).value() == fnv1a().bytes(one, 8).value());
  const double d = 0.5;
  BOOST_TEST(fnv1a().f64(d).value() == fnv1a().u64(0x3fe0000000000000ull).value());
  BOOST_TEST(fnv1a().text("ab").text("c").value() != fnv1a().text("a").text("bc").value());
  BOOST_TEST(fnv1a().text("ab").value() == fnv1a().u64(2).bytes("ab", 2).value());
}
