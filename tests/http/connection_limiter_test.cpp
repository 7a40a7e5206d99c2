#define BOOST_TEST_MODULE connection_limiter
#include <boost/test/unit_test.hpp>

#include "http/connection_limiter.hpp"

using auralis::http::connection_limiter;

BOOST_AUTO_TEST_CASE(refuses_over_the_per_client_cap_and_serves_other_clients) {
  connection_limiter limits(10, 2);
  BOOST_TEST(limits.opened(0, 1, "10.0.0.1"));
  BOOST_TEST(limits.opened(0, 2, "10.0.0.1"));
  BOOST_TEST(!limits.opened(0, 3, "10.0.0.1"));
  BOOST_TEST(limits.refusal_of(0, 3) ==
             "too many open connections from 10.0.0.1: the server serves 2 per client "
             "address at once");
  BOOST_TEST(limits.refusal_of(0, 1).empty());
  BOOST_TEST(limits.opened(0, 4, "10.0.0.2"));
  // The refused one is counted while it is open, and a closed one makes room.
  BOOST_TEST(limits.open_from("10.0.0.1") == 3u);
  limits.closed(0, 3);
  limits.closed(0, 1);
  BOOST_TEST(limits.open_from("10.0.0.1") == 1u);
  BOOST_TEST(limits.opened(0, 5, "10.0.0.1"));
  BOOST_TEST(limits.open() == 3u);
}

BOOST_AUTO_TEST_CASE(refuses_over_the_total_cap) {
  connection_limiter limits(2, 5);
  BOOST_TEST(limits.opened(0, 1, "a"));
  BOOST_TEST(limits.opened(1, 1, "b")); // another listener numbers its own connections
  BOOST_TEST(!limits.opened(0, 2, "c"));
  BOOST_TEST(limits.refusal_of(0, 2) ==
             "too many open connections: the server serves 2 at once");
  limits.closed(0, 2);
  limits.closed(1, 1);
  BOOST_TEST(limits.opened(0, 3, "c"));
}

BOOST_AUTO_TEST_CASE(reports_twice_or_of_unknown_connections_change_nothing) {
  connection_limiter limits(1, 1);
  BOOST_TEST(limits.opened(0, 1, "a"));
  BOOST_TEST(limits.opened(0, 1, "a"));
  BOOST_TEST(limits.open() == 1u);
  limits.closed(0, 9);
  limits.closed(0, 1);
  limits.closed(0, 1);
  BOOST_TEST(limits.open() == 0u);
  BOOST_TEST(limits.open_from("a") == 0u);
  BOOST_TEST(limits.refusal_of(0, 1).empty());
  // Caps of 0 count as 1.
  connection_limiter at_least_one(0, 0);
  BOOST_TEST(at_least_one.opened(0, 1, "a"));
  BOOST_TEST(!at_least_one.opened(0, 2, "a"));
}
