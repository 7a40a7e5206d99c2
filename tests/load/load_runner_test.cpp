#define BOOST_TEST_MODULE load_runner
#include <boost/test/unit_test.hpp>

#include <filesystem>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <simdjson.h>

#include "app/engine.hpp"
#include "codec/audio_file_writer.hpp"
#include "config/config_loader.hpp"
#include "load/load_runner.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
using namespace auralis::load;

namespace {

/// An engine on 127.0.0.1, port 0, with three 12 s tracks served in 2 s chunks.
struct small_engine {
  explicit small_engine(const std::string& tag) : dir(tag) {
    fs::create_directories(dir.file("lib"));
    for (int i = 0; i < 3; ++i)
      auralis::codec::write_audio_file(dir.file("lib/t" + std::to_string(i) + ".wav"),
                                       auralis::test::music_like(12 * 48000, 48000, i + 1), 2,
                                       48000, auralis::codec::file_format::wav_pcm16);
    auto cfg = auralis::config::config_loader::load_embedded();
    cfg.server.port = 0;
    cfg.server.bind = "127.0.0.1";
    cfg.paths.data_dir = dir.file("var");
    cfg.paths.library_dir = dir.file("lib");
    cfg.chunk_seconds = 2;
    cfg.worker_count = 2;
    // A test process's resident memory (sanitizers, test data) is no measure of the engine's:
    // the memory governor, tested on its own, would take the tiers' room.
    cfg.tiers.overhead_mb = 0;
    eng = std::make_unique<auralis::http::engine>(cfg);
  }

  auralis::test::scratch_dir dir;
  std::unique_ptr<auralis::http::engine> eng;
};

/// A light scenario: 3 sessions at 2x for 15 s (90 s of playback), switching and seeking
/// often enough that every kind of request comes up: about 18 switches and 18 seeks are
/// expected (Poisson), and with chunk k+1 due 3 s of playback ahead, a seek mostly lands
/// on a chunk not fetched yet. Measured from the start, so the first chunks count too.
scenario light() {
  scenario s;
  s.name = "e2e";
  s.sessions = 3;
  s.duration_s = 15;
  s.warmup_s = 0;
  s.speed = 2;
  s.seed = 5;
  s.request_timeout_s = 10;
  s.stats_interval_s = 1;
  for (std::size_t f = 0; f < preset_count; ++f)
    for (std::size_t t = 0; t < preset_count; ++t)
      s.behaviour.transitions[f][t] = f == t ? 0.0 : 0.25;
  s.behaviour.switch_per_min = 12;
  s.behaviour.seek_per_min = 12;
  s.behaviour.track_change_per_min = 1;
  s.behaviour.opus_ratio = 0.4;
  s.behaviour.position_interval_s = 1;
  s.behaviour.lead_s = 3;
  s.behaviour.start_buffer_s = 1;
  // Under ThreadSanitizer the engine cannot keep pace: some requests are refused (503) and
  // playback stalls, so only the measuring is checked there, not the thresholds.
  if (!auralis::test::under_thread_sanitizer)
    s.thresholds = {threshold::parse("errors == 0"), threshold::parse("underruns == 0")};
  return s;
}

} // namespace

BOOST_AUTO_TEST_CASE(a_short_run_against_an_engine_measures_every_kind_without_errors) {
  small_engine e("load-e2e");
  runner_options o;
  o.host = "127.0.0.1";
  o.port = e.eng->port();
  const auto report = load_runner(light(), o).run();
  BOOST_TEST_MESSAGE(report.to_table());
  const auto& f = report.figures();
  const auto m = f.metrics();
  if (!auralis::test::under_thread_sanitizer) {
    BOOST_TEST(f.errors() == 0u, report.to_table());
    BOOST_TEST(f.underruns == 0u, report.to_table());
  }
  BOOST_TEST(f.sessions_started == 3u);
  BOOST_TEST(f.sessions_active == 0);
  for (auto kind : {request_kind::position, request_kind::fetch_wav, request_kind::fetch_opus,
                    request_kind::track_start, request_kind::switch_, request_kind::seek,
                    request_kind::stats}) {
    const auto& k = f.kinds[static_cast<std::size_t>(kind)];
    BOOST_TEST(k.ok > 0u, name_of(kind) << "\n" << report.to_table());
    BOOST_TEST(k.all.count() == k.ok, name_of(kind));
    BOOST_TEST(k.all.max() > 0.0, name_of(kind));
  }
  // Every chunk answer named its tier; fetch_count counts the failed fetches too.
  std::uint64_t tiered = 0;
  for (auto t : {cache_tier::l1, cache_tier::l2, cache_tier::l3, cache_tier::miss})
    tiered += f.fetches_from(t);
  std::uint64_t fetched = 0, failed = 0;
  for (std::size_t k = 0; k < request_kind_count; ++k)
    if (is_chunk_fetch(static_cast<request_kind>(k)))
      fetched += f.kinds[k].ok, failed += f.kinds[k].errors;
  BOOST_TEST(tiered == fetched);
  BOOST_TEST(fetched + failed == static_cast<std::uint64_t>(m.at("fetch_count")));
  // The server's stats were sampled, and so was its process (this one).
  BOOST_TEST(f.server_samples > 0u);
  BOOST_TEST(f.server.count("l1.size_mb") == 1u);
  BOOST_TEST(f.server.count("overall.overall_hit_rate") == 1u);
  BOOST_TEST(f.rss_mb.has_value());
  BOOST_TEST(report.passed(), report.to_table());

  simdjson::dom::parser parser;
  const auto json = report.to_json();
  simdjson::padded_string padded(json);
  simdjson::dom::element root;
  BOOST_REQUIRE(parser.parse(padded).get(root) == simdjson::SUCCESS);
  BOOST_TEST(root["passed"].get_bool().value()); // no thresholds under ThreadSanitizer
  BOOST_TEST(root["kinds"]["switch"]["ok"].get_uint64().value() > 0u);
}

BOOST_AUTO_TEST_CASE(an_unreachable_server_is_a_clear_error) {
  // A port nobody listens on: bind one, note it, close it.
  std::uint16_t port = 0;
  {
    boost::asio::io_context ioc;
    boost::asio::ip::tcp::acceptor acceptor(ioc, {boost::asio::ip::make_address("127.0.0.1"), 0});
    port = acceptor.local_endpoint().port();
  }
  runner_options o;
  o.port = port;
  auto s = light();
  s.request_timeout_s = 5;
  try {
    load_runner(s, o).run();
    BOOST_FAIL("no error");
  } catch (const load_error& err) {
    BOOST_TEST(std::string(err.what()).find("cannot reach http://127.0.0.1:" + std::to_string(port)) == 0u,
               err.what());
  }
}
