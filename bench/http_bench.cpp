// http: what the HTTP front end costs. The engine runs in this process on the demo library
// (loopback, port 0); clients are Boost.Beast keep-alive connections on their own threads.
// Server CPU per request = (process CPU - the client threads' CPU) / requests, over a run
// with nothing else working (the planner's renders are waited out first).
// - check: GET /api/cache/check, one connection, sequential;
// - l1 fetch: GET /api/audio/stream/<id>/chunk/0?preset=adaptive (WAV, 2.88 MB, an L1 hit),
//   one connection, sequential;
// - latency: the same L1 fetch from 32 connections at once, 60 each, wall time per
//   request. The connections are driven asynchronously by two event loops of 16, a thread
//   each (as wrk -t2 does), not by a thread each: 32 blocking client threads on a small
//   machine measure the scheduler's queue more than the server.
// - introspection: the check and the L1 fetch again on fresh engines with server.introspection
//   on and off in turns (3 rounds each, the least of each kept): what measuring every actor
//   costs the server, in per cent of its CPU per request.
// The fetch clients read the 2.88 MB body into a reused buffer and drop it (its size is
// checked), so the client side costs one copy out of the socket per fetch. The client
// shares the cores with the server, so its latencies run above wrk's from another process.

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <optional>
#include <thread>
#include <sys/resource.h>
#include <time.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <spdlog/spdlog.h>

#include "app/engine.hpp"
#include "bench/bench.hpp"
#include "config/config_loader.hpp"

namespace auralis::bench {

namespace {

namespace beast = boost::beast;
namespace bhttp = beast::http;

double process_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

/// Context switches (voluntary and not) of the whole process, or of this thread.
long context_switches(int who) {
  rusage u{};
  getrusage(who, &u);
  return u.ru_nvcsw + u.ru_nivcsw;
}

/// One keep-alive connection.
class client {
public:
  explicit client(std::uint16_t port) : stream_(ioc_) {
    boost::asio::ip::tcp::resolver resolver(ioc_);
    stream_.connect(resolver.resolve("127.0.0.1", std::to_string(port)));
  }

  /// GETs `target`; returns the status and stores the X-Cache-Tier header and body size.
  /// The body is kept in `body` unless `discard_body`: then it is read into a reused
  /// scratch buffer and dropped, so a large answer costs the client one copy out of the
  /// socket and nothing else (the figures are about the server).
  int get(const std::string& target, bool discard_body = false) {
    bhttp::request<bhttp::empty_body> req{bhttp::verb::get, target, 11};
    req.set(bhttp::field::host, "127.0.0.1");
    req.keep_alive(true);
    bhttp::write(stream_, req);
    if (!discard_body) {
      bhttp::response_parser<bhttp::string_body> parser;
      parser.body_limit(64 * 1024 * 1024);
      bhttp::read(stream_, buffer_, parser);
      auto res = parser.release();
      tier = std::string(res["X-Cache-Tier"]);
      body = std::move(res.body());
      body_bytes = body.size();
      return static_cast<int>(res.result_int());
    }
    bhttp::response_parser<bhttp::empty_body> parser;
    bhttp::read_header(stream_, buffer_, parser);
    const auto& res = parser.get();
    tier = std::string(res["X-Cache-Tier"]);
    const auto length = parser.content_length();
    if (!length)
      throw std::runtime_error(target + ": answer without Content-Length");
    // What the header read took in beyond the header is the start of the body.
    const std::size_t buffered = std::min<std::size_t>(buffer_.size(), *length);
    buffer_.consume(buffered);
    std::size_t left = static_cast<std::size_t>(*length) - buffered;
    scratch_.resize(1024 * 1024);
    while (left > 0)
      left -= stream_.socket().read_some(
        boost::asio::buffer(scratch_.data(), std::min(left, scratch_.size())));
    body.clear();
    body_bytes = static_cast<std::size_t>(*length);
    return static_cast<int>(res.result_int());
  }

  std::string tier;
  std::string body;
  std::size_t body_bytes = 0;

private:
  boost::asio::io_context ioc_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::vector<char> scratch_;
};

/// What the server spent per request of a sequential run.
struct server_cost {
  double cpu_us = 0;    ///< CPU microseconds
  double switches = 0;  ///< context switches of the server's threads
};

/// Server cost per request of `n` sequential GETs of `target` (bodies dropped when
/// `discard_body`).
server_cost server_cost_of(std::uint16_t port, const std::string& target, int n,
                           bool discard_body = false) {
  client c(port);
  for (int i = 0; i < 20; ++i)
    c.get(target, discard_body); // warm-up
  const double p0 = process_cpu_seconds();
  const double t0 = thread_cpu_seconds();
  const long s0 = context_switches(RUSAGE_SELF), c0 = context_switches(RUSAGE_THREAD);
  for (int i = 0; i < n; ++i)
    if (c.get(target, discard_body) != 200)
      throw std::runtime_error(target + " did not answer 200");
  const double client_cpu = thread_cpu_seconds() - t0;
  const double all = process_cpu_seconds() - p0;
  const long client_switches = context_switches(RUSAGE_THREAD) - c0;
  const long all_switches = context_switches(RUSAGE_SELF) - s0;
  return {(all - client_cpu) / n * 1e6,
          static_cast<double>(all_switches - client_switches) / n};
}

/// Waits until the tiers' entry count has not changed for a second (renders done).
void wait_for_quiet(std::uint16_t port) {
  client c(port);
  std::size_t last = 0;
  int stable = 0;
  for (int i = 0; i < 300 && stable < 5; ++i) {
    c.get("/api/cache/contents");
    stable = c.body_bytes == last ? stable + 1 : 0;
    last = c.body_bytes;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

/// One keep-alive connection of the latency run: fetches `target` once untimed, waits for
/// `begin()`, then `count` times back to back, timing each; bodies are dropped.
class async_fetcher : public std::enable_shared_from_this<async_fetcher> {
public:
  /// Called once per fetcher when its untimed first fetch is done.
  using warmed_fn = std::function<void()>;

  async_fetcher(boost::asio::io_context& ioc, std::uint16_t port, const std::string& target,
                int count, std::size_t expected_bytes, std::atomic<int>& failures,
                warmed_fn warmed)
    : stream_(ioc), count_(count), expected_bytes_(expected_bytes), failures_(failures),
      warmed_(std::move(warmed)), req_{bhttp::verb::get, target, 11} {
    stream_.connect(
      boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port));
    req_.set(bhttp::field::host, "127.0.0.1");
    req_.keep_alive(true);
    // Small enough to stay in the CPU cache, as wrk's read buffer: a buffer of a megabyte
    // made every read stream through memory and left the server less of the two cores.
    scratch_.resize(16 * 1024);
  }

  /// Starts the untimed fetch.
  void warm_up() { send(); }

  /// Starts the timed fetches (on the fetcher's io_context).
  void begin() {
    boost::asio::post(stream_.get_executor(), [self = shared_from_this()] { self->send(); });
  }

  /// Milliseconds of each timed fetch.
  const std::vector<double>& latencies() const { return latencies_; }

private:
  void send() {
    start_ = std::chrono::steady_clock::now();
    bhttp::async_write(stream_, req_,
                       [self = shared_from_this()](beast::error_code ec, std::size_t) {
                         if (ec)
                           return self->fail();
                         self->parser_.emplace();
                         bhttp::async_read_header(
                           self->stream_, self->buffer_, *self->parser_,
                           [self](beast::error_code e, std::size_t) { self->on_header(e); });
                       });
  }

  void on_header(beast::error_code ec) {
    if (ec)
      return fail();
    const auto& res = parser_->get();
    const auto length = parser_->content_length();
    if (res.result_int() != 200 || res["X-Cache-Tier"] != "L1" || !length ||
        *length != expected_bytes_)
      ++failures_; // counted, and the body is still read to keep the connection usable
    left_ = length ? static_cast<std::size_t>(*length) : 0;
    // What the header read took in beyond the header is the start of the body.
    const std::size_t buffered = std::min(buffer_.size(), left_);
    buffer_.consume(buffered);
    left_ -= buffered;
    read_body();
  }

  void read_body() {
    if (left_ == 0)
      return done();
    stream_.socket().async_read_some(
      boost::asio::buffer(scratch_.data(), std::min(left_, scratch_.size())),
      [self = shared_from_this()](beast::error_code ec, std::size_t n) {
        if (ec)
          return self->fail();
        self->left_ -= n;
        self->read_body();
      });
  }

  void done() {
    if (!warm_) {
      warm_ = true;
      warmed_();
      return;
    }
    latencies_.push_back(seconds_since(start_) * 1e3);
    if (static_cast<int>(latencies_.size()) < count_)
      send();
  }

  void fail() { ++failures_; }

  beast::tcp_stream stream_;
  int count_;
  std::size_t expected_bytes_;
  std::atomic<int>& failures_;
  warmed_fn warmed_;
  bhttp::request<bhttp::empty_body> req_;
  std::optional<bhttp::response_parser<bhttp::empty_body>> parser_;
  beast::flat_buffer buffer_;
  std::vector<char> scratch_;
  std::size_t left_ = 0;
  bool warm_ = false;
  std::chrono::steady_clock::time_point start_;
  std::vector<double> latencies_;
};

double percentile(std::vector<double> v, double p) {
  if (v.empty())
    return 0;
  std::sort(v.begin(), v.end());
  const auto i = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

/// Server CPU per check and per L1 fetch of an engine whose actors are measured (`on`,
/// server.introspection) or not, on its own demo library under `data_dir`.
struct introspection_cost {
  double check_cpu_us = 0;
  double fetch_cpu_us = 0;
};

introspection_cost cost_with_introspection(const std::string& data_dir, bool on) {
  auto cfg = config::config_loader::load_embedded();
  cfg.server.port = 0;
  cfg.server.introspection = on;
  cfg.paths.data_dir = data_dir;
  ensure_demo_tracks(http::demo_library_dir(cfg.paths.data_dir));
  http::engine eng(cfg);
  const auto port = eng.port();
  const std::string fetch = "/api/audio/stream/1/chunk/0?preset=adaptive&session_id=bench";
  {
    client c(port);
    for (int attempt = 0; attempt < 10 && c.get(fetch) != 200; ++attempt) {
    }
  }
  wait_for_quiet(port);
  introspection_cost cost;
  cost.check_cpu_us =
    server_cost_of(port, "/api/cache/check?track_id=1&preset=adaptive&chunk_idx=0", 3000).cpu_us;
  cost.fetch_cpu_us = server_cost_of(port, fetch, 150, true).cpu_us;
  return cost;
}

} // namespace

int run_http(const bench_options& o) {
  spdlog::set_level(spdlog::level::warn);
  auto cfg = config::config_loader::load_embedded();
  cfg.server.port = 0;
  cfg.paths.data_dir = (std::filesystem::path(o.data_dir) / "http").string();
  ensure_demo_tracks(http::demo_library_dir(cfg.paths.data_dir));
  http::engine eng(cfg);
  const auto port = eng.port();

  const std::string fetch = "/api/audio/stream/1/chunk/0?preset=adaptive&session_id=bench";
  std::size_t fetch_bytes = 0;
  {
    // The first fetch renders the chunk; on a busy machine that can outlast the request
    // timeout (503), and the render still lands in L1: ask again.
    client c(port);
    int status = 0;
    for (int attempt = 0; attempt < 10 && status != 200; ++attempt)
      if ((status = c.get(fetch)) != 200)
        std::printf("first fetch: %d %s\n", status, c.body.c_str());
    if (status != 200)
      throw std::runtime_error("the first fetch failed: " + c.body);
    fetch_bytes = c.body_bytes;
    std::printf("first fetch: %s, %zu bytes\n", c.tier.c_str(), c.body_bytes);
  }
  wait_for_quiet(port);
  {
    client c(port);
    c.get(fetch);
    std::printf("after the planner settled: %s\n", c.tier.c_str());
  }

  const int checks = 5000;
  const auto check =
    server_cost_of(port, "/api/cache/check?track_id=1&preset=adaptive&chunk_idx=0", checks);
  std::printf("check: %d sequential requests, server CPU %.1f us and %.1f context switches "
              "per request\n",
              checks, check.cpu_us, check.switches);

  const int fetches = 300;
  const auto l1_fetch = server_cost_of(port, fetch, fetches, true);
  const double fetch_ms = l1_fetch.cpu_us / 1000.0;
  std::printf("L1 WAV fetch (2.88 MB): %d sequential requests, server CPU %.3f ms and %.1f "
              "context switches per request\n",
              fetches, fetch_ms, l1_fetch.switches);

  // Every connection fetches once untimed; when the last of those is done, all start
  // their timed fetches together.
  const int connections = 32, per_connection = 60;
  std::atomic<int> failures{0};
  // Two event loops of 16 connections each, one thread each (as wrk -t2): one io_context
  // shared by two threads would hand its reactor back and forth between them.
  std::array<boost::asio::io_context, 2> loops{boost::asio::io_context{1},
                                               boost::asio::io_context{1}};
  // Keeps each loop running while its connections wait for the others' warm-up.
  using work_guard = boost::asio::executor_work_guard<boost::asio::io_context::executor_type>;
  std::vector<work_guard> guards;
  for (auto& loop : loops)
    guards.push_back(boost::asio::make_work_guard(loop));
  std::vector<std::shared_ptr<async_fetcher>> fetchers;
  std::atomic<int> warming{connections};
  std::chrono::steady_clock::time_point wall; // written by the last warm-up, read after join
  for (int t = 0; t < connections; ++t)
    fetchers.push_back(std::make_shared<async_fetcher>(
      loops[static_cast<std::size_t>(t) % loops.size()], port, fetch, per_connection,
      fetch_bytes, failures, [&] {
        // Either client thread may finish the last warm-up.
        if (--warming == 0) {
          wall = std::chrono::steady_clock::now();
          for (auto& f : fetchers)
            f->begin();
          for (auto& g : guards)
            g.reset();
        }
      }));
  for (auto& f : fetchers)
    f->warm_up();
  std::vector<std::thread> threads;
  for (auto& loop : loops)
    threads.emplace_back([&loop] { loop.run(); });
  for (auto& th : threads)
    th.join();
  const double wall_s = seconds_since(wall);
  std::vector<double> all;
  for (const auto& f : fetchers) {
    all.insert(all.end(), f->latencies().begin(), f->latencies().end());
    if (static_cast<int>(f->latencies().size()) != per_connection)
      ++failures;
  }
  const double p50 = percentile(all, 0.5), p99 = percentile(all, 0.99);
  std::printf("L1 WAV fetch at %d connections: %zu requests in %.2f s, p50 %.2f ms, p90 %.2f ms, "
              "p99 %.2f ms, max %.2f ms, %d not L1/200\n",
              connections, all.size(), wall_s, p50, percentile(all, 0.9), p99,
              percentile(all, 1.0), failures.load());
  // Introspection (server.introspection) on and off, in turns, each on a fresh engine: the
  // smallest cost of each setting over the rounds, as the least disturbed by the machine.
  introspection_cost best_on{1e18, 1e18}, best_off{1e18, 1e18};
  const int rounds = 3;
  for (int round = 0; round < rounds; ++round)
    for (const bool on : {true, false}) {
      const auto dir = (std::filesystem::path(o.data_dir) /
                        (on ? "http-introspection-on" : "http-introspection-off"))
                         .string();
      const auto c = cost_with_introspection(dir, on);
      auto& best = on ? best_on : best_off;
      best.check_cpu_us = std::min(best.check_cpu_us, c.check_cpu_us);
      best.fetch_cpu_us = std::min(best.fetch_cpu_us, c.fetch_cpu_us);
      std::printf("introspection %s, round %d: check %.1f us, L1 fetch %.1f us server CPU\n",
                  on ? "on " : "off", round + 1, c.check_cpu_us, c.fetch_cpu_us);
    }
  const double check_overhead = (best_on.check_cpu_us / best_off.check_cpu_us - 1) * 100;
  const double fetch_overhead = (best_on.fetch_cpu_us / best_off.fetch_cpu_us - 1) * 100;
  std::printf("introspection overhead (best of %d rounds): check %.1f us on, %.1f us off "
              "(%+.1f %%); L1 fetch %.1f us on, %.1f us off (%+.1f %%)\n",
              rounds, best_on.check_cpu_us, best_off.check_cpu_us, check_overhead,
              best_on.fetch_cpu_us, best_off.fetch_cpu_us, fetch_overhead);
  std::printf("{\"check_cpu_us\": %.2f, \"l1_fetch_cpu_ms\": %.3f, \"l1_fetch_p50_ms\": %.2f, "
              "\"l1_fetch_p99_ms\": %.2f, \"check_switches\": %.1f, \"l1_fetch_switches\": %.1f, "
              "\"introspection_check_overhead_pct\": %.2f, "
              "\"introspection_fetch_overhead_pct\": %.2f}\n",
              check.cpu_us, fetch_ms, p50, p99, check.switches, l1_fetch.switches,
              check_overhead, fetch_overhead);
  return failures.load() == 0 ? 0 : 1;
}

} // namespace auralis::bench
