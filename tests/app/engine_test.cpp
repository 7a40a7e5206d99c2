#define BOOST_TEST_MODULE engine
#include <boost/test/unit_test.hpp>

#include <filesystem>

#include <boost/asio/ip/tcp.hpp>
#include <fstream>
#include <set>

#include <simdjson.h>

#include "app/engine.hpp"
#include "codec/audio_file_writer.hpp"
#include "config/config_loader.hpp"
#include "http_client.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
using auralis::http::engine;
using auralis::test::http_get;

namespace {

/// The embedded config, on any free port, with its data in `data_dir`.
auralis::config::engine_config test_config(const std::string& data_dir,
                                           std::optional<std::string> library) {
  auto cfg = auralis::config::config_loader::load_embedded();
  cfg.server.port = 0;
  cfg.paths.data_dir = data_dir;
  cfg.paths.library_dir = std::move(library);
  // A test process's resident memory (sanitizers, test data) is no measure of the engine's:
  // the memory governor, tested on its own, would take the tiers' room.
  cfg.tiers.overhead_mb = 0;
  return cfg;
}

simdjson::dom::element parse(simdjson::dom::parser& p, const std::string& body) {
  return p.parse(body);
}

void write_tone(const std::string& path, double seconds, int rate) {
  const auto frames = static_cast<std::int64_t>(seconds * rate);
  auralis::codec::write_audio_file(path, auralis::test::music_like(frames, rate), 2, rate,
                                   auralis::codec::file_format::wav_pcm16);
}

} // namespace

BOOST_AUTO_TEST_CASE(serves_the_demo_library_and_health) {
  auralis::test::scratch_dir dir("engine");
  engine eng(test_config(dir.file("var"), std::nullopt));
  BOOST_TEST(eng.port() != 0);

  const auto tracks = http_get(eng.port(), "/api/library/tracks");
  BOOST_TEST(tracks.status == 200);
  BOOST_TEST(tracks.headers.at("content-type") == "application/json");
  simdjson::dom::parser p;
  auto doc = parse(p, tracks.body);
  simdjson::dom::array list = doc["tracks"];
  BOOST_REQUIRE(list.size() == 3u);
  std::set<std::int64_t> ids;
  for (auto t : list) {
    ids.insert(t["id"].get_int64().value());
    const double duration = t["duration_s"].get_double().value();
    BOOST_TEST(duration >= 120.0);
    BOOST_TEST(duration <= 180.0);
    BOOST_TEST(t["chunks"].get_int64().value() == static_cast<std::int64_t>(std::ceil(duration / 15.0)));
    BOOST_TEST(t["sample_rate"].get_int64().value() == 44100);
    BOOST_TEST(t["channels"].get_int64().value() == 2);
    BOOST_TEST(std::string(t["path"].get_string().value()).find(".flac") != std::string::npos);
    BOOST_TEST(!std::string(t["title"].get_string().value()).empty());
  }
  BOOST_TEST(ids.size() == 3u);
  BOOST_TEST(doc["count"].get_int64().value() == 3);

  const auto health = http_get(eng.port(), "/api/cache/health");
  BOOST_TEST(health.status == 200);
  auto h = parse(p, health.body);
  BOOST_TEST(std::string(h["status"].get_string().value()) == "healthy");
  BOOST_TEST(std::string(h["message"].get_string().value()) == "Cache idle");
  BOOST_TEST(h["memory_limit_mb"].get_double().value() == 99.0);
  BOOST_TEST(h["total_memory_mb"].get_int64().value() == 0);
  for (const char* key : {"l1_hit_rate", "overall_hit_rate", "memory_utilization",
                          "prediction_accuracy"})
    BOOST_TEST(h[key].is_number(), key);
}

BOOST_AUTO_TEST_CASE(unknown_routes_and_methods_answer_json_errors) {
  auralis::test::scratch_dir dir("engine");
  fs::create_directories(dir.file("lib"));
  engine eng(test_config(dir.file("var"), dir.file("lib")));
  simdjson::dom::parser p;

  const auto missing = http_get(eng.port(), "/api/nothing/here");
  BOOST_TEST(missing.status == 404);
  BOOST_TEST(missing.headers.at("content-type") == "application/json");
  BOOST_TEST(std::string(parse(p, missing.body)["detail"].get_string().value()).find("/api/nothing/here") !=
             std::string::npos);

  const auto wrong = auralis::test::http_request(eng.port(), "DELETE", "/api/cache/health");
  BOOST_TEST(wrong.status == 405);
  BOOST_TEST(parse(p, wrong.body)["detail"].is_string());

  const auto empty = http_get(eng.port(), "/api/library/tracks");
  BOOST_TEST(empty.status == 200);
  BOOST_TEST(empty.body == R"({"tracks":[],"count":0})");
}

BOOST_AUTO_TEST_CASE(ids_are_stable_across_restarts_and_bad_files_are_skipped) {
  auralis::test::scratch_dir dir("engine");
  fs::create_directories(dir.file("lib"));
  write_tone(dir.file("lib/b.wav"), 1.0, 48000);
  write_tone(dir.file("lib/a.wav"), 1.0, 22050);
  std::ofstream(dir.file("lib/c.wav")) << "RIFF but not really";
  std::string first_body;
  {
    engine eng(test_config(dir.file("var"), dir.file("lib")));
    first_body = http_get(eng.port(), "/api/library/tracks").body;
  }
  simdjson::dom::parser p;
  simdjson::dom::array first = parse(p, first_body)["tracks"];
  BOOST_TEST(first.size() == 2u);
  write_tone(dir.file("lib/0.wav"), 1.0, 48000);
  engine eng(test_config(dir.file("var"), dir.file("lib")));
  const auto again = http_get(eng.port(), "/api/library/tracks").body;
  simdjson::dom::parser p2;
  simdjson::dom::array second = parse(p2, again)["tracks"];
  BOOST_REQUIRE(second.size() == 3u);
  std::map<std::string, std::int64_t> before, after;
  for (auto t : first)
    before[std::string(t["path"].get_string().value())] = t["id"].get_int64().value();
  for (auto t : second)
    after[std::string(t["path"].get_string().value())] = t["id"].get_int64().value();
  BOOST_TEST(after.at("a.wav") == before.at("a.wav"));
  BOOST_TEST(after.at("b.wav") == before.at("b.wav"));
  BOOST_TEST(after.at("0.wav") > std::max(before.at("a.wav"), before.at("b.wav")));
}

BOOST_AUTO_TEST_CASE(a_port_in_use_is_a_start_up_error) {
  auralis::test::scratch_dir dir("engine");
  fs::create_directories(dir.file("lib"));
  // Hold a port with a plain listening socket, then ask the engine for it.
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor holder(
    io, boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
  auto cfg = test_config(dir.file("var"), dir.file("lib"));
  cfg.server.port = holder.local_endpoint().port();
  try {
    engine second(cfg);
    BOOST_FAIL("the engine started on a port that was in use");
  } catch (const std::runtime_error& e) {
    const std::string what = e.what();
    BOOST_TEST(what.find("cannot serve on 127.0.0.1:" + std::to_string(cfg.server.port)) !=
               std::string::npos);
  }
}
