#define BOOST_TEST_MODULE server_config
#include <boost/test/unit_test.hpp>

#include "config/config_loader.hpp"

using auralis::config::config_error;
using auralis::config::config_loader;

namespace {

/// Expects parsing `json` to fail naming `key`.
void expect_key_error(const std::string& json, const std::string& key) {
  try {
    config_loader::parse_engine(json, "x.json");
    BOOST_FAIL("expected a config_error naming " + key);
  } catch (const config_error& e) {
    BOOST_TEST(e.key() == key);
    BOOST_TEST(std::string(e.what()).find("x.json: " + key) == 0u, e.what());
  }
}

} // namespace

BOOST_AUTO_TEST_CASE(http_keys_have_their_defaults) {
  const auto embedded = config_loader::load_embedded();
  BOOST_TEST(embedded.server.max_body_bytes == 65536u);
  BOOST_TEST(embedded.server.ws_queue_limit == 256u);
  BOOST_TEST(embedded.server.api_token.empty());
  BOOST_TEST(embedded.server.io_threads == 1u);
  const auto bare = config_loader::parse_engine("{}", "x.json");
  BOOST_TEST(bare.server.max_body_bytes == 65536u);
  BOOST_TEST(bare.server.ws_queue_limit == 256u);
  BOOST_TEST(bare.server.io_threads == 1u);
}

BOOST_AUTO_TEST_CASE(http_keys_are_read_and_validated) {
  const auto cfg = config_loader::parse_engine(
    R"({"server": {"max_body_bytes": 2048, "ws_queue_limit": 8, "api_token": "t",
        "io_threads": 3}})",
    "x.json");
  BOOST_TEST(cfg.server.max_body_bytes == 2048u);
  BOOST_TEST(cfg.server.io_threads == 3u);
  BOOST_TEST(cfg.server.ws_queue_limit == 8u);
  BOOST_TEST(cfg.server.api_token == "t");
  expect_key_error(R"({"server": {"max_body_bytes": 1023}})", "server.max_body_bytes");
  expect_key_error(R"({"server": {"max_body_bytes": 67108865}})", "server.max_body_bytes");
  expect_key_error(R"({"server": {"max_body_bytes": "64k"}})", "server.max_body_bytes");
  expect_key_error(R"({"server": {"ws_queue_limit": 0}})", "server.ws_queue_limit");
  expect_key_error(R"({"server": {"ws_queue_limit": 1.5}})", "server.ws_queue_limit");
  expect_key_error(R"({"server": {"api_token": 5}})", "server.api_token");
  expect_key_error(R"({"server": {"io_threads": 0}})", "server.io_threads");
  expect_key_error(R"({"server": {"io_threads": 65}})", "server.io_threads");
}

namespace {

/// The HTTP limits of a server section, in the order of the config file.
struct http_limits {
  std::uint32_t url, header_count, header_bytes;
  double header_s, body_s;
  std::uint32_t connections, per_client;
};

void check_limits(const auralis::config::server_config& s, const http_limits& l) {
  BOOST_TEST(s.max_url_bytes == l.url);
  BOOST_TEST(s.max_header_count == l.header_count);
  BOOST_TEST(s.max_header_bytes == l.header_bytes);
  BOOST_TEST(s.header_timeout_s == l.header_s);
  BOOST_TEST(s.body_timeout_s == l.body_s);
  BOOST_TEST(s.max_connections == l.connections);
  BOOST_TEST(s.max_connections_per_client == l.per_client);
}

} // namespace

BOOST_AUTO_TEST_CASE(http_limits_have_their_defaults_and_are_validated) {
  for (const auto& cfg :
       {config_loader::load_embedded(), config_loader::parse_engine("{}", "x.json")})
    check_limits(cfg.server, {8192, 100, 16384, 10, 30, 512, 256});
  const auto cfg = config_loader::parse_engine(
    R"({"server": {"max_url_bytes": 1024, "max_header_count": 20, "max_header_bytes": 2048,
        "header_timeout_s": 0.5, "body_timeout_s": 2, "max_connections": 8,
        "max_connections_per_client": 2}})",
    "x.json");
  check_limits(cfg.server, {1024, 20, 2048, 0.5, 2, 8, 2});
  expect_key_error(R"({"server": {"max_url_bytes": 255}})", "server.max_url_bytes");
  expect_key_error(R"({"server": {"max_url_bytes": 65537}})", "server.max_url_bytes");
  expect_key_error(R"({"server": {"max_header_count": 4097}})", "server.max_header_count");
  expect_key_error(R"({"server": {"max_header_bytes": 100}})", "server.max_header_bytes");
  expect_key_error(R"({"server": {"header_timeout_s": 0}})", "server.header_timeout_s");
  expect_key_error(R"({"server": {"body_timeout_s": "30s"}})", "server.body_timeout_s");
  expect_key_error(R"({"server": {"max_connections": 0}})", "server.max_connections");
  expect_key_error(R"({"server": {"max_connections_per_client": -1}})",
                   "server.max_connections_per_client");
}
