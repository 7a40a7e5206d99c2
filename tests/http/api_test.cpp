#define BOOST_TEST_MODULE api
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <memory>
#include <set>

#include "codec/ogg_opus_test_support.hpp"
#include <simdjson.h>

#include "app/engine.hpp"
#include "codec/audio_file_writer.hpp"
#include "config/config_loader.hpp"
#include "http_client.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
using auralis::http::engine;
using auralis::test::http_answer;
using auralis::test::http_get;
using auralis::test::http_request;
using auralis::test::ws_session;

namespace {

/// A library of three 5 s tracks in `dir`/lib, served with 2 s chunks (3 chunks each).
struct small_engine {
  explicit small_engine(const std::string& tag, const std::string& token = {},
                        std::function<void(auralis::config::engine_config&)> tune = {})
    : dir(tag) {
    fs::create_directories(dir.file("lib"));
    for (int i = 0; i < 3; ++i) {
      const auto path = dir.file("lib/t" + std::to_string(i) + ".wav");
      auralis::codec::write_audio_file(path, auralis::test::music_like(5 * 48000, 48000, i + 1),
                                       2, 48000, auralis::codec::file_format::wav_pcm16);
    }
    auto cfg = auralis::config::config_loader::load_embedded();
    cfg.server.port = 0;
    cfg.server.api_token = token;
    cfg.paths.data_dir = dir.file("var");
    cfg.paths.library_dir = dir.file("lib");
    cfg.chunk_seconds = 2;
    cfg.worker_count = 2;
    // A test process's resident memory (sanitizers, test data) is no measure of the engine's:
    // the memory governor, tested on its own, would take the tiers' room.
    cfg.tiers.overhead_mb = 0;
    if (tune)
      tune(cfg);
    eng = std::make_unique<engine>(cfg);
  }

  std::uint16_t port() const { return eng->port(); }

  auralis::test::scratch_dir dir;
  std::unique_ptr<engine> eng;
};

/// A parsed JSON answer (keeps its parser alive).
struct json_doc {
  explicit json_doc(const std::string& text) : padded(text) {
    auto err = parser.parse(padded).get(root);
    BOOST_REQUIRE_MESSAGE(err == simdjson::SUCCESS, "not JSON: " + text);
  }
  simdjson::padded_string padded;
  simdjson::dom::parser parser;
  simdjson::dom::element root;
};

std::string str(simdjson::dom::element e) { return std::string(e.get_string().value()); }

/// Expects `a` to be `status` with a JSON {"detail": non-empty string}.
void expect_detail(const http_answer& a, int status, const std::string& what) {
  BOOST_TEST(a.status == status, what << ": status " << a.status << " body " << a.body);
  BOOST_TEST(a.headers.count("content-type") == 1u);
  if (a.headers.count("content-type"))
    BOOST_TEST(a.headers.at("content-type") == "application/json", what);
  json_doc d(a.body);
  BOOST_TEST(d.root["detail"].is_string(), what);
  BOOST_TEST(!str(d.root["detail"]).empty(), what);
}

http_answer post(std::uint16_t port, const std::string& target, const std::string& body = {},
                 const std::map<std::string, std::string>& headers = {}) {
  return http_request(port, "POST", target, body, headers);
}

std::vector<std::int64_t> track_ids(std::uint16_t port) {
  json_doc d(http_get(port, "/api/library/tracks").body);
  std::vector<std::int64_t> ids;
  simdjson::dom::array tracks = d.root["tracks"];
  for (auto t : tracks)
    ids.push_back(t["id"].get_int64().value());
  return ids;
}

/// Reads WebSocket messages until a chunk_buffered event into `tier` arrives; returns it.
std::string next_buffered(ws_session& ws, const std::string& tier) {
  return ws.read_until("\"tier\":\"" + tier + "\"") ;
}

/// Frames opusfile decodes from the Ogg Opus file `file`, read to the end (-1 when it is
/// not a stereo one).
std::int64_t decoded_frames(const std::string& file) {
  return auralis::test::ogg_opus_frames(file.data(), file.size());
}

} // namespace

BOOST_AUTO_TEST_CASE(seed_endpoints_answer_the_seed_shapes) {
  small_engine e("api-seed");
  const auto port = e.port();

  const auto stats = http_get(port, "/api/cache/stats");
  BOOST_TEST(stats.status == 200);
  {
    json_doc d(stats.body);
    for (const char* tier : {"l1", "l2", "l3"}) {
      auto t = d.root[tier];
      for (const char* k : {"size_mb", "hit_rate", "count", "utilization"})
        BOOST_TEST(t[k].is_number(), tier << "." << k);
      BOOST_TEST(t["size_mb"].get_double().value() == 0.0);
    }
    BOOST_TEST(d.root["l1"]["hits"].is_number());
    BOOST_TEST(d.root["l1"]["misses"].is_number());
    for (const char* k : {"total_hits", "total_misses", "overall_hit_rate", "total_size_mb"})
      BOOST_TEST(d.root["overall"][k].is_number(), k);
    for (const char* k : {"accuracy", "switches_in_session", "session_duration_minutes"})
      BOOST_TEST(d.root["prediction"][k].is_number(), k);
  }

  // The presets the page offers, in the presets file's order, and the chunk length.
  const auto presets = http_get(port, "/api/presets");
  BOOST_TEST(presets.status == 200);
  BOOST_TEST(presets.body ==
             R"({"presets":["adaptive","gentle","warm","bright","punchy"],"default_preset":"adaptive","chunk_seconds":2})");
  expect_detail(post(port, "/api/presets"), 405, "POST presets");

  // No session yet: no predictions to show.
  expect_detail(http_get(port, "/api/cache/predictions"), 404, "predictions without a session");

  const auto contents = http_get(port, "/api/cache/contents");
  BOOST_TEST(contents.status == 200);
  {
    json_doc d(contents.body);
    for (const char* k : {"l1_entries", "l2_entries", "l3_entries"})
      BOOST_TEST(d.root[k].is_array(), k);
    BOOST_TEST(d.root["total_entries"].get_int64().value() == 0);
  }

  const auto ids = track_ids(port);
  BOOST_REQUIRE(ids.size() == 3u);
  const auto id = std::to_string(ids[0]);
  const auto check = http_get(port, "/api/cache/check?track_id=" + id + "&preset=warm&chunk_idx=1");
  BOOST_TEST(check.status == 200);
  {
    json_doc d(check.body);
    BOOST_TEST(d.root["track_id"].get_int64().value() == ids[0]);
    BOOST_TEST(str(d.root["preset"]) == "warm");
    BOOST_TEST(d.root["chunk_idx"].get_int64().value() == 1);
    BOOST_TEST(d.root["intensity"].get_double().value() == 1.0);
    BOOST_TEST(d.root["is_cached"].get_bool().value() == false);
    BOOST_TEST(d.root["tier"].is_null());
    BOOST_TEST(d.root["estimated_latency_ms"].is_number());
  }

  const auto health = http_get(port, "/api/cache/health");
  BOOST_TEST(health.status == 200);
  {
    json_doc d(health.body);
    BOOST_TEST(str(d.root["status"]) == "healthy");
    for (const char* k : {"l1_hit_rate", "overall_hit_rate", "total_memory_mb",
                          "memory_limit_mb", "memory_utilization", "prediction_accuracy"})
      BOOST_TEST(d.root[k].is_number(), k);
  }

  ws_session ws(port);
  BOOST_TEST(ws.read().find("\"type\":\"connected\"") != std::string::npos);
  const auto clear = post(port, "/api/cache/clear");
  BOOST_TEST(clear.status == 200);
  {
    json_doc d(clear.body);
    BOOST_TEST(str(d.root["status"]) == "success");
    BOOST_TEST(str(d.root["message"]) == "All caches cleared");
  }
  {
    json_doc ev(ws.read_until("cache_cleared"));
    BOOST_TEST(str(ev.root["type"]) == "cache_cleared");
    BOOST_TEST(ev.root["timestamp"].get_double().value() > 1.7e9);
  }
  for (const char* tier : {"l1", "L2", "l3"}) {
    const auto a = post(port, std::string("/api/cache/clear/") + tier);
    BOOST_TEST(a.status == 200, tier);
    json_doc d(a.body);
    BOOST_TEST(str(d.root["status"]) == "success");
    json_doc ev(ws.read_until("cache_tier_cleared"));
    std::string upper = tier;
    upper[0] = 'L';
    BOOST_TEST(str(ev.root["tier"]) == upper);
  }
  expect_detail(post(port, "/api/cache/clear/l4"), 400, "tier l4");
  expect_detail(post(port, "/api/cache/clear/l1/more"), 404, "path below a tier");
}

BOOST_AUTO_TEST_CASE(positions_and_fetches_hit_the_tiers_the_planner_filled) {
  small_engine e("api-play");
  const auto port = e.port();
  const auto id = track_ids(port).at(0);
  ws_session ws(port);
  ws.read_until("connected");

  const auto pos = post(port, "/api/player/position",
                        R"({"track_id":)" + std::to_string(id) +
                          R"(,"position":0.5,"preset":"adaptive","intensity":1.0,"session_id":"s1"})");
  BOOST_TEST(pos.status == 202, pos.body);
  {
    json_doc d(pos.body);
    BOOST_TEST(str(d.root["session_id"]) == "s1");
    BOOST_TEST(d.root["chunk_idx"].get_int64().value() == 0);
    BOOST_TEST(str(d.root["mode"]) == "normal");
    BOOST_TEST(d.root["accepted"].get_bool().value() == true);
  }
  // Closer than 100 ms to the previous update: throttled, still answered.
  const auto again = post(port, "/api/player/position",
                          R"({"track_id":)" + std::to_string(id) +
                            R"(,"position":0.51,"preset":"adaptive","intensity":1.0,"session_id":"s1"})");
  BOOST_TEST(again.status == 202);
  BOOST_TEST(json_doc(again.body).root["accepted"].get_bool().value() == false);

  const auto preds = http_get(port, "/api/cache/predictions?session_id=s1");
  BOOST_TEST(preds.status == 200, preds.body);
  {
    json_doc d(preds.body);
    BOOST_TEST(str(d.root["current_preset"]) == "adaptive");
    BOOST_TEST(d.root["current_position"].get_double().value() == 0.5);
    auto list = d.root["predictions"].get_array().value();
    BOOST_TEST(list.size() >= 1u);
    for (auto p : list) {
      BOOST_TEST(p["preset"].is_string());
      BOOST_TEST(p["probability"].is_number());
    }
  }

  // Every chunk the planner buffers is announced; fetch one from L1 and one from L2.
  std::map<std::string, int> served;
  for (const std::string tier : {"L1", "L2"}) {
    json_doc ev(next_buffered(ws, tier));
    BOOST_TEST(str(ev.root["type"]) == "chunk_buffered");
    BOOST_TEST(ev.root["track_id"].get_int64().value() == id);
    const auto preset = str(ev.root["preset"]);
    const auto chunk = ev.root["chunk_idx"].get_int64().value();
    const auto key = "track_id=" + std::to_string(id) + "&preset=" + preset +
                     "&chunk_idx=" + std::to_string(chunk);
    json_doc check(http_get(port, "/api/cache/check?" + key).body);
    BOOST_TEST(check.root["is_cached"].get_bool().value());
    BOOST_TEST(str(check.root["tier"]) == tier);
    const auto a = http_get(port, "/api/audio/stream/" + std::to_string(id) + "/chunk/" +
                                    std::to_string(chunk) + "?preset=" + preset + "&session_id=s1");
    BOOST_TEST(a.status == 200);
    BOOST_TEST(a.headers.at("content-type") == "audio/wav");
    BOOST_TEST(a.headers.at("x-cache-tier") == tier);
    BOOST_TEST(a.headers.at("x-chunk-index") == std::to_string(chunk));
    const std::size_t frames = chunk == 2 ? 48000 : 96000;
    BOOST_TEST(a.headers.at("x-chunk-duration") == (chunk == 2 ? "1" : "2"));
    BOOST_TEST(a.body.size() == 44 + frames * 4);
    BOOST_TEST(a.headers.at("content-length") == std::to_string(a.body.size()));
    BOOST_TEST(a.body.compare(0, 4, "RIFF") == 0);
    BOOST_TEST(a.body.compare(8, 4, "WAVE") == 0);
    ++served[tier];
  }

  // A key nobody planned: rendered on demand, then held in L1.
  const auto miss = http_get(port, "/api/audio/stream/" + std::to_string(id) +
                                     "/chunk/2?preset=punchy&intensity=0.3&session_id=s1");
  BOOST_TEST(miss.status == 200);
  BOOST_TEST(miss.headers.at("x-cache-tier") == "MISS");
  BOOST_TEST(miss.body.size() == 44u + 48000u * 4u);
  json_doc after(http_get(port, "/api/cache/check?track_id=" + std::to_string(id) +
                                  "&preset=punchy&chunk_idx=2&intensity=0.3").body);
  BOOST_TEST(str(after.root["tier"]) == "L1");
  BOOST_TEST(after.root["estimated_latency_ms"].get_double().value() > 0.0);
  BOOST_TEST(after.root["latency_samples"].get_int64().value() >= 1);

  const auto opus = http_get(port, "/api/audio/stream/" + std::to_string(id) +
                                     "/chunk/2?preset=punchy&intensity=0.3&format=opus");
  BOOST_TEST(opus.status == 200);
  BOOST_TEST(opus.headers.at("content-type") == "audio/ogg");
  BOOST_TEST(opus.headers.at("x-cache-tier") == "L1");
  BOOST_TEST(opus.body.compare(0, 4, "OggS") == 0);
  BOOST_TEST(opus.body.size() < miss.body.size() / 4);
  BOOST_TEST(opus.headers.at("content-length") == std::to_string(opus.body.size()));

  json_doc stats(http_get(port, "/api/cache/stats?session_id=s1").body);
  BOOST_TEST(stats.root["l1"]["hits"].get_int64().value() == 2); // the L1 fetch and the opus one
  BOOST_TEST(stats.root["l1"]["misses"].get_int64().value() == 1);
  BOOST_TEST(stats.root["l2"]["hit_rate"].get_double().value() == 0.25);
  BOOST_TEST(stats.root["overall"]["total_hits"].get_int64().value() == 3);
  BOOST_TEST(stats.root["overall"]["total_misses"].get_int64().value() == 1);
  BOOST_TEST(stats.root["overall"]["overall_hit_rate"].get_double().value() == 0.75);
  BOOST_TEST(stats.root["l1"]["size_mb"].get_double().value() > 0.0);
  BOOST_TEST(stats.root["overall"]["total_size_mb"].get_double().value() > 0.0);

  json_doc contents(http_get(port, "/api/cache/contents").body);
  BOOST_TEST(contents.root["total_entries"].get_int64().value() >= 3);
  simdjson::dom::array l1_entries = contents.root["l1_entries"];
  for (auto entry : l1_entries) {
    BOOST_TEST(str(entry["tier"]) == "L1");
    for (const char* k : {"track_id", "chunk_idx", "access_count", "probability"})
      BOOST_TEST(entry[k].is_number(), k);
    BOOST_TEST(entry["preset"].is_string());
  }
}

BOOST_AUTO_TEST_CASE(an_opus_miss_is_answered_with_the_stream_its_render_made) {
  small_engine e("api-opus");
  const auto port = e.port();
  const auto id = std::to_string(track_ids(port).at(0));
  const auto target = "/api/audio/stream/" + id + "/chunk/1?preset=warm&session_id=o1";
  const auto miss = http_get(port, target + "&format=opus");
  BOOST_TEST(miss.status == 200, miss.body);
  BOOST_TEST(miss.headers.at("content-type") == "audio/ogg");
  BOOST_TEST(miss.headers.at("x-cache-tier") == "MISS");
  BOOST_TEST(miss.headers.at("x-chunk-index") == "1");
  BOOST_TEST(miss.headers.at("content-length") == std::to_string(miss.body.size()));
  BOOST_TEST(miss.body.compare(0, 4, "OggS") == 0);
  BOOST_TEST(decoded_frames(miss.body) == 96000); // 2 s chunks
  // Now an L1 hit, encoded by a stream job: the same PCM gives the same bytes.
  const auto hit = http_get(port, target + "&format=opus");
  BOOST_TEST(hit.status == 200);
  BOOST_TEST(hit.headers.at("content-type") == "audio/ogg");
  BOOST_TEST(hit.headers.at("x-cache-tier") == "L1");
  BOOST_TEST((hit.body == miss.body));
  const auto wav = http_get(port, target);
  BOOST_TEST(wav.status == 200);
  BOOST_TEST(wav.headers.at("content-type") == "audio/wav");
  BOOST_TEST(wav.headers.at("x-cache-tier") == "L1");
  BOOST_TEST(wav.body.size() == 44u + 96000u * 4u);
}

BOOST_AUTO_TEST_CASE(audio_requests_are_validated) {
  small_engine e("api-audio");
  const auto port = e.port();
  const auto id = std::to_string(track_ids(port).at(1));
  const auto base = "/api/audio/stream/" + id + "/chunk/";
  expect_detail(http_get(port, "/api/audio/stream/999/chunk/0?preset=warm"), 404, "unknown track");
  expect_detail(http_get(port, base + "3?preset=warm"), 404, "chunk past the end");
  expect_detail(http_get(port, base + "0?preset=loud"), 400, "unknown preset");
  expect_detail(http_get(port, base + "0"), 400, "no preset");
  expect_detail(http_get(port, base + "0?preset=warm&format=mp3"), 400, "format");
  expect_detail(http_get(port, base + "0?preset=warm&intensity=1.5"), 400, "intensity > 1");
  expect_detail(http_get(port, base + "0?preset=warm&intensity=nan"), 400, "intensity nan");
  expect_detail(http_get(port, base + "-1?preset=warm"), 400, "negative chunk");
  expect_detail(http_get(port, base + "1.5?preset=warm"), 400, "fractional chunk");
  expect_detail(http_get(port, "/api/audio/stream/x/chunk/0?preset=warm"), 400, "track x");
  expect_detail(http_get(port, base + "0?preset=warm&session_id=%zz"), 400, "bad escape");
  expect_detail(http_get(port, "/api/cache/check?track_id=1&preset=warm"), 400, "no chunk_idx");
  expect_detail(http_get(port, "/api/cache/check?track_id=-3&preset=warm&chunk_idx=0"), 400,
                "negative track");
  expect_detail(http_get(port, "/api/cache/check?track_id=1&preset=warm&chunk_idx=0&intensity=-0.1"),
                400, "intensity < 0");
  expect_detail(http_request(port, "PUT", "/api/cache/check"), 405, "PUT check");
  expect_detail(http_request(port, "POST", "/api/audio/stream/1/chunk/0"), 405, "POST stream");
  expect_detail(http_get(port, "/api/ws"), 400, "GET /api/ws without upgrade");
}

BOOST_AUTO_TEST_CASE(position_bodies_are_validated) {
  small_engine e("api-body");
  const auto port = e.port();
  const auto id = std::to_string(track_ids(port).at(0));
  const auto good_tail = R"(,"position":1,"preset":"warm","intensity":0.5})";
  const std::vector<std::pair<std::string, std::string>> bad{
    {"{", "malformed"},
    {"[1,2]", "not an object"},
    {R"({"track_id":)" + id + "}", "missing fields"},
    {R"({"track_id":"1","position":1,"preset":"warm","intensity":0.5})", "track_id string"},
    {R"({"track_id":-1,"position":1,"preset":"warm","intensity":0.5})", "negative track_id"},
    {R"({"track_id":1.5,"position":1,"preset":"warm","intensity":0.5})", "fractional track_id"},
    {R"({"track_id":)" + id + R"(,"position":"1","preset":"warm","intensity":0.5})", "position string"},
    {R"({"track_id":)" + id + R"(,"position":-1,"preset":"warm","intensity":0.5})", "negative position"},
    {R"({"track_id":)" + id + R"(,"position":1e999,"preset":"warm","intensity":0.5})", "huge position"},
    {R"({"track_id":)" + id + R"(,"position":1,"preset":"loud","intensity":0.5})", "unknown preset"},
    {R"({"track_id":)" + id + R"(,"position":1,"preset":"warm","intensity":1.5})", "intensity"},
    {R"({"track_id":)" + id + R"(,"position":1,"preset":"warm","intensity":0.5,"session_id":7})", "session type"},
    {R"({"track_id":)" + id + R"(,"position":1,"preset":5,"intensity":0.5})", "preset type"},
  };
  for (const auto& [body, what] : bad)
    expect_detail(post(port, "/api/player/position", body), 400, what);
  expect_detail(post(port, "/api/player/position", R"({"track_id":999)" + std::string(good_tail)),
                404, "unknown track");
  const auto ok = post(port, "/api/player/position", R"({"track_id":)" + id + good_tail);
  BOOST_TEST(ok.status == 202, ok.body);
  BOOST_TEST(str(json_doc(ok.body).root["session_id"]) == "default");

  std::string big(70 * 1024, ' ');
  big.front() = '{';
  big.back() = '}';
  expect_detail(post(port, "/api/player/position", big), 413, "body over 64 KiB");
  // The connection-level handling stays sane after a refused body.
  BOOST_TEST(http_get(port, "/api/cache/health").status == 200);
}

BOOST_AUTO_TEST_CASE(mutating_endpoints_need_the_token_when_one_is_set) {
  small_engine e("api-auth", "s3cret");
  const auto port = e.port();
  const std::map<std::string, std::string> good{{"Authorization", "Bearer s3cret"}};
  const std::map<std::string, std::string> wrong{{"Authorization", "Bearer nope"}};
  expect_detail(post(port, "/api/cache/clear"), 401, "clear, no token");
  expect_detail(post(port, "/api/cache/clear", {}, wrong), 401, "clear, wrong token");
  expect_detail(post(port, "/api/cache/clear/l1"), 401, "clear l1, no token");
  expect_detail(http_request(port, "PUT", "/api/predictor/learning", R"({"enabled":false})"), 401,
                "learning");
  expect_detail(http_request(port, "DELETE", "/api/predictor/model"), 401, "forget");
  expect_detail(post(port, "/api/library/tracks", R"({"path":"t0.wav"})"), 401, "add");
  expect_detail(http_request(port, "DELETE", "/api/library/tracks/1"), 401, "delete");
  BOOST_TEST(post(port, "/api/cache/clear", {}, good).status == 200);
  BOOST_TEST(http_get(port, "/api/cache/stats").status == 200);
  BOOST_TEST(http_request(port, "PUT", "/api/predictor/learning", R"({"enabled":false})", good).status == 200);
}

BOOST_AUTO_TEST_CASE(library_adds_and_removes_tracks_inside_its_folder) {
  small_engine e("api-lib");
  const auto port = e.port();
  ws_session ws(port);
  ws.read_until("connected");
  // Files the library may not take.
  fs::create_directories(e.dir.file("outside"));
  auralis::codec::write_audio_file(e.dir.file("outside/o.wav"),
                                   auralis::test::music_like(48000, 48000), 2, 48000,
                                   auralis::codec::file_format::wav_pcm16);
  fs::create_symlink(e.dir.file("outside/o.wav"), e.dir.file("lib/link.wav"));
  expect_detail(post(port, "/api/library/tracks", R"({"path":"../outside/o.wav"})"), 400, "dot-dot");
  expect_detail(post(port, "/api/library/tracks", R"({"path":")" + e.dir.file("outside/o.wav") + "\"}"),
                400, "absolute outside");
  expect_detail(post(port, "/api/library/tracks", R"({"path":"link.wav"})"), 400, "symlink out");
  expect_detail(post(port, "/api/library/tracks", R"({"path":""})"), 400, "empty path");
  expect_detail(post(port, "/api/library/tracks", R"({"path":3})"), 400, "path type");
  expect_detail(post(port, "/api/library/tracks", R"({})"), 400, "no path");

  auralis::codec::write_audio_file(e.dir.file("lib/new.wav"),
                                   auralis::test::music_like(3 * 48000, 48000, 9), 2, 48000,
                                   auralis::codec::file_format::wav_pcm16);
  const auto added = post(port, "/api/library/tracks", R"({"path":"new.wav"})");
  BOOST_TEST(added.status == 201, added.body);
  json_doc a(added.body);
  const auto new_id = a.root["track"]["id"].get_int64().value();
  BOOST_TEST(str(a.root["track"]["path"]) == "new.wav");
  BOOST_TEST(a.root["track"]["chunks"].get_int64().value() == 2);
  BOOST_TEST(track_ids(port).size() == 4u);

  const auto removed = http_request(port, "DELETE", "/api/library/tracks/" + std::to_string(new_id));
  BOOST_TEST(removed.status == 200, removed.body);
  json_doc r(removed.body);
  BOOST_TEST(r.root["track"]["id"].get_int64().value() == new_id);
  BOOST_TEST(r.root["removed_entries"].is_number());
  json_doc ev(ws.read_until("track_removed"));
  BOOST_TEST(ev.root["track_id"].get_int64().value() == new_id);
  BOOST_TEST(track_ids(port).size() == 3u);
  expect_detail(http_request(port, "DELETE", "/api/library/tracks/" + std::to_string(new_id)), 404,
                "deleted twice");
  expect_detail(http_request(port, "DELETE", "/api/library/tracks/abc"), 400, "id abc");
}

BOOST_AUTO_TEST_CASE(predictor_model_learning_and_forgetting) {
  small_engine e("api-model");
  const auto port = e.port();
  json_doc m(http_get(port, "/api/predictor/model").body);
  BOOST_TEST(m.root["learning"].get_bool().value() == true);
  BOOST_TEST(m.root["learned_switches"].is_number());
  BOOST_TEST(m.root["transitions"].is_array());
  for (const char* k : {"switches", "top1", "top3", "recent_top1"})
    BOOST_TEST(m.root["accuracy"][k].is_number(), k);

  const auto off = http_request(port, "PUT", "/api/predictor/learning", R"({"enabled":false})");
  BOOST_TEST(off.status == 200);
  BOOST_TEST(json_doc(off.body).root["learning"].get_bool().value() == false);
  BOOST_TEST(json_doc(http_get(port, "/api/predictor/model").body).root["learning"].get_bool().value() ==
             false);
  expect_detail(http_request(port, "PUT", "/api/predictor/learning", R"({"enabled":"yes"})"), 400,
                "enabled type");
  expect_detail(http_request(port, "PUT", "/api/predictor/learning", "nope"), 400, "malformed");
  expect_detail(http_request(port, "POST", "/api/predictor/learning", R"({"enabled":true})"), 405,
                "POST learning");

  const auto forget = http_request(port, "DELETE", "/api/predictor/model");
  BOOST_TEST(forget.status == 200);
  json_doc f(forget.body);
  BOOST_TEST(str(f.root["status"]) == "success");
  BOOST_TEST(f.root["forgotten_transitions"].is_number());
}

BOOST_AUTO_TEST_CASE(stats_report_what_the_engine_holds_beyond_the_tiers) {
  small_engine e("api-engine-stats");
  const auto port = e.port();
  const auto id = track_ids(port).at(0);
  const auto wav = http_get(port, "/api/audio/stream/" + std::to_string(id) +
                                    "/chunk/0?preset=warm&session_id=s1");
  BOOST_TEST(wav.status == 200);
  const auto stats = http_get(port, "/api/cache/stats");
  BOOST_TEST(stats.status == 200, stats.body);
  json_doc d(stats.body);
  // Every seed block is still there.
  for (const char* block : {"l1", "l2", "l3", "overall", "prediction"})
    BOOST_TEST(d.root[block].is_object(), block);
  auto eng = d.root["engine"];
  BOOST_REQUIRE(eng.is_object());
  BOOST_TEST(eng["rss_mb"].get_double().value() > 1.0); // measured: this process is larger
  BOOST_TEST(eng["rss_shared_mb"].is_number());
  BOOST_TEST(eng["job_input_mb"].is_number());
  BOOST_TEST(eng["queued_job_bytes"].is_number());
  BOOST_TEST(eng["running_job_bytes"].is_number());
  auto pool = eng["pool"];
  BOOST_TEST(pool["workers"].get_int64().value() == 2);
  for (const char* q : {"immediate", "l1", "l2", "l3"})
    BOOST_TEST(pool["queued"][q].is_number(), q);
  BOOST_TEST(pool["max_queued"].get_int64().value() == 64);
  BOOST_TEST(pool["max_queued_mb"].get_double().value() == 24.0);
  BOOST_TEST(pool["shed"].is_number());
  BOOST_TEST(pool["overload_refusals"].get_int64().value() == 0);
  BOOST_TEST(pool["job_ms"].get_double().value() > 0.0);
  auto demotion = eng["demotion"];
  BOOST_TEST(demotion["budget_mb"].get_double().value() == 12.0);
  for (const char* f : {"waiting", "in_flight", "backlog_bytes", "backlog_mb", "dropped",
                        "received", "stored", "refreshed", "failed", "invalidated"})
    BOOST_TEST(demotion[f].is_number(), f);
  BOOST_TEST(eng["http_timeouts"].get_int64().value() == 0);
  BOOST_TEST(eng["sending_mb"].is_number());
  BOOST_TEST(eng["sending"].is_number());
}

BOOST_AUTO_TEST_CASE(a_saturated_engine_answers_503_with_retry_after) {
  // One worker (no listener worker) and a 100 ms request timeout: a listener's render
  // queued behind a busy worker is estimated past the timeout (100 ms assumed per job
  // until measured) and refused at once; anything slower than 100 ms is answered 503 by
  // the deadline.
  small_engine e("api-busy", {}, [](auralis::config::engine_config& cfg) {
    cfg.worker_count = 1;
    cfg.listener_worker_count = 0;
    cfg.server.request_timeout_ms = 100;
  });
  const auto port = e.port();
  const auto ids = track_ids(port);
  std::vector<std::future<http_answer>> answers;
  for (const auto id : ids)
    for (const char* preset : {"warm", "bright", "punchy"})
      for (int chunk = 0; chunk < 3; ++chunk)
        answers.push_back(std::async(std::launch::async, [=] {
          return http_get(port, "/api/audio/stream/" + std::to_string(id) + "/chunk/" +
                                  std::to_string(chunk) + "?preset=" + preset +
                                  "&session_id=busy-" + std::to_string(id) + preset);
        }));
  int busy = 0, overloaded = 0, late = 0;
  auto kind_of = [&](const http_answer& a) {
    json_doc d(a.body);
    const auto detail = str(d.root["detail"]);
    if (detail.rfind("the engine is overloaded", 0) == 0)
      ++overloaded;
    else if (detail == "the engine did not answer in time")
      ++late;
    else
      BOOST_ERROR("a 503 neither refused nor late: " + detail);
  };
  for (auto& f : answers) {
    const auto a = f.get();
    if (a.status == 200)
      continue;
    ++busy;
    expect_detail(a, 503, "a fetch from a saturated engine");
    BOOST_REQUIRE(a.headers.count("retry-after") == 1u);
    BOOST_TEST(std::stoi(a.headers.at("retry-after")) >= 1);
    kind_of(a);
  }
  // 27 renders of 2 s chunks (and 3 analyses) on one worker cannot all start at once.
  BOOST_TEST(busy > 0);
  // The stats asks share the 100 ms deadline: retried until one is answered in time.
  auto stats = http_get(port, "/api/cache/stats");
  for (int i = 0; i < 50 && stats.status != 200; ++i) {
    BOOST_TEST(stats.status == 503);
    BOOST_TEST(stats.headers.count("retry-after") == 1u);
    kind_of(stats);
    stats = http_get(port, "/api/cache/stats");
  }
  BOOST_REQUIRE(stats.status == 200);
  json_doc d(stats.body);
  const auto refused = d.root["engine"]["pool"]["overload_refusals"].get_int64().value();
  const auto timeouts = d.root["engine"]["http_timeouts"].get_int64().value();
  // Every deadline 503 is counted; an overloaded 503 means the pool refused a job (one
  // refusal may fail several fetches: a refused analysis fails every fetch of its track).
  BOOST_TEST(timeouts == late);
  if (overloaded > 0)
    BOOST_TEST(refused > 0);
}

BOOST_AUTO_TEST_CASE(a_source_file_that_is_cut_short_or_removed_fails_only_its_fetches) {
  small_engine e("api-source-gone");
  const auto port = e.port();
  const auto ids = track_ids(port);
  BOOST_REQUIRE(ids.size() == 3u);
  const auto chunk = [port](std::int64_t id, int c, const std::string& preset) {
    return http_get(port, "/api/audio/stream/" + std::to_string(id) + "/chunk/" +
                            std::to_string(c) + "?preset=" + preset);
  };
  BOOST_TEST(chunk(ids[1], 0, "warm").status == 200);
  // Cut to a few bytes of its header (as a copy that stopped early leaves it), and the
  // other one removed, after they were listed and rendered once.
  fs::resize_file(e.dir.file("lib/t1.wav"), 20);
  fs::remove(e.dir.file("lib/t2.wav"));
  // The first fetch of each may meet the render that finds the file changed (503: the
  // library re-reads it); later ones find it unreadable (422) or gone (404). Each is a
  // JSON detail, never audio.
  for (const char* preset : {"bright", "punchy", "gentle"}) {
    for (const auto id : {ids[1], ids[2]}) {
      const auto a = chunk(id, 1, preset);
      BOOST_TEST((a.status == 404 || a.status == 422 || a.status == 503),
                 "track " << id << ", " << preset << ": " << a.status);
      expect_detail(a, a.status, "track " + std::to_string(id) + ", " + preset);
    }
  }
  // Nothing else changed: the third track is served, and the engine answers.
  BOOST_TEST(chunk(ids[0], 1, "bright").status == 200);
  BOOST_TEST(http_get(port, "/api/cache/health").status == 200);
}
