#define BOOST_TEST_MODULE host_port
#include <boost/test/unit_test.hpp>

#include "config/host_port.hpp"

using auralis::config::parse_host_port;

BOOST_AUTO_TEST_CASE(splits_host_and_port) {
  const auto a = parse_host_port("127.0.0.1:7000");
  BOOST_REQUIRE(a);
  BOOST_TEST(a->host == "127.0.0.1");
  BOOST_TEST(a->port == 7000);
  const auto b = parse_host_port("engine.example:0");
  BOOST_REQUIRE(b);
  BOOST_TEST(b->host == "engine.example");
  BOOST_TEST(b->port == 0);
  const auto c = parse_host_port("[::1]:65535");
  BOOST_REQUIRE(c);
  BOOST_TEST(c->host == "::1");
  BOOST_TEST(c->port == 65535);
}

BOOST_AUTO_TEST_CASE(refuses_what_is_no_host_and_port) {
  for (const char* bad : {"", "7000", ":7000", "host:", "host", "host:65536", "host:123456",
                          "host:7o00", "host:-1", "host: 7000"})
    BOOST_TEST(!parse_host_port(bad), bad);
}
