#define BOOST_TEST_MODULE session_registry
#include <boost/test/unit_test.hpp>

#include "actors/predictor/predictor_test_support.hpp"
#include "actors/predictor/session_registry.hpp"

using auralis::actors::session_registry;
using auralis::test::at;

namespace {

const auralis::config::predictor_config cfg;

void touch(session_registry& r, const std::string& id, double t) {
  bool created = false;
  r.obtain(id, at(t), created).observe(1, 0, 0, 1, at(t), cfg);
}

} // namespace

BOOST_AUTO_TEST_CASE(obtain_creates_once) {
  session_registry r(10, 1800);
  bool created = false;
  auto& a = r.obtain("a", at(0), created);
  BOOST_TEST(created);
  BOOST_TEST(a.id() == "a");
  auto& again = r.obtain("a", at(1), created);
  BOOST_TEST(!created);
  BOOST_TEST(&again == &a);
  BOOST_TEST(r.size() == 1u);
  BOOST_TEST(r.find("b", at(1)) == nullptr);
}

BOOST_AUTO_TEST_CASE(idle_sessions_expire_after_the_timeout) {
  session_registry r(10, 1800);
  touch(r, "a", 0);
  touch(r, "b", 100);
  BOOST_TEST(r.find("a", at(1799.9)) != nullptr);
  BOOST_TEST(r.peek("a", at(1800)) == nullptr); // peek: absent, but still held
  BOOST_TEST(r.size() == 2u);
  BOOST_TEST(r.find("a", at(1800)) == nullptr); // find removes it
  BOOST_TEST(r.size() == 1u);
  touch(r, "c", 1000);
  BOOST_TEST(r.expire(at(1900)) == 1u); // b (idle since 100 s)
  BOOST_TEST(r.size() == 1u);
  BOOST_TEST(r.peek("c", at(1900)) != nullptr);
  bool created = false;
  r.obtain("c", at(2800), created); // idle 1800 s: a new session
  BOOST_TEST(created);
}

BOOST_AUTO_TEST_CASE(at_the_bound_the_longest_idle_session_goes) {
  session_registry r(3, 1800);
  touch(r, "a", 10);
  touch(r, "b", 5);
  touch(r, "c", 20);
  touch(r, "a", 30); // a active again: b is the longest idle now
  touch(r, "d", 40);
  BOOST_TEST(r.size() == 3u);
  BOOST_TEST(r.peek("b", at(40)) == nullptr);
  BOOST_TEST(r.peek("a", at(40)) != nullptr);
  BOOST_TEST(r.peek("c", at(40)) != nullptr);
  BOOST_TEST(r.peek("d", at(40)) != nullptr);
}

BOOST_AUTO_TEST_CASE(at_the_bound_expired_sessions_go_first) {
  session_registry r(2, 100);
  touch(r, "a", 0);
  touch(r, "b", 50);
  touch(r, "c", 120); // a expired at 100 s; b stays
  BOOST_TEST(r.peek("b", at(120)) != nullptr);
  BOOST_TEST(r.peek("c", at(120)) != nullptr);
}

BOOST_AUTO_TEST_CASE(bad_bounds_are_refused) {
  BOOST_CHECK_THROW(session_registry(0, 10), std::invalid_argument);
  BOOST_CHECK_THROW(session_registry(5, 0), std::invalid_argument);
}
