#define BOOST_TEST_MODULE http_server
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>

#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

#include "codec/byte_buffer.hpp"
#include "http/http_server.hpp"
#include "http/web_assets.hpp"
#include "http_client.hpp"

using namespace auralis::http;
using auralis::test::http_answer;
using auralis::test::http_get;

namespace {

/// Hands the first dispatched call and the first WebSocket client to the test.
struct captured {
  std::promise<http_call> call;
  std::promise<ws_client_ptr> ws;
  bool call_taken = false;
  bool ws_taken = false;
};

std::unique_ptr<http_server> serve(const std::shared_ptr<captured>& into,
                                   http_server_options options = {}) {
  return std::make_unique<http_server>(
    options,
    [into](http_call c) {
      if (!std::exchange(into->call_taken, true))
        into->call.set_value(std::move(c));
    },
    [into](ws_client_ptr ws) {
      if (!std::exchange(into->ws_taken, true))
        into->ws.set_value(std::move(ws));
    },
    [](std::uint64_t) {});
}

/// The status of GET `target`; -1 when the connection closed without an answer, -2 when
/// nothing happened within 10 s.
int status_of_get(std::uint16_t port, const std::string& target) {
  namespace beast = boost::beast;
  namespace bhttp = beast::http;
  boost::asio::io_context ioc;
  beast::tcp_stream stream(ioc);
  stream.connect(boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port));
  bhttp::request<bhttp::empty_body> req{bhttp::verb::get, target, 11};
  req.set(bhttp::field::host, "127.0.0.1");
  bhttp::write(stream, req);
  beast::flat_buffer buffer;
  bhttp::response<bhttp::string_body> res;
  stream.expires_after(std::chrono::seconds(10));
  beast::error_code ec;
  bhttp::read(stream, buffer, res, ec);
  if (ec == beast::error::timeout)
    return -2;
  return ec ? -1 : static_cast<int>(res.result_int());
}

/// Polls `condition` every millisecond until it holds (true) or 10 s pass (false).
template <class Condition>
bool eventually(Condition condition) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= until)
      return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

/// What a raw exchange got: the bytes the server sent, and how the connection ended.
struct raw_answer {
  std::string text;       ///< everything the server sent
  bool closed = false;    ///< the server closed the connection (end of stream or reset)
  bool timed_out = false; ///< neither within 10 s
  /// The status code of the answer; 0 when nothing was answered.
  int status() const { return text.size() >= 12 ? std::stoi(text.substr(9, 3)) : 0; }
  /// The answer's body.
  std::string body() const {
    const auto end = text.find("\r\n\r\n");
    return end == std::string::npos ? std::string() : text.substr(end + 4);
  }
  bool has_header(const std::string& line) const {
    return text.find("\r\n" + line + "\r\n") != std::string::npos;
  }
};

/// Sends `request` as it is on a fresh connection to 127.0.0.1:`port`, then reads until
/// the server closes the connection, for at most 10 s.
raw_answer raw_exchange(std::uint16_t port, const std::string& request) {
  namespace beast = boost::beast;
  boost::asio::io_context ioc;
  beast::tcp_stream stream(ioc);
  stream.connect(boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port));
  raw_answer out;
  beast::error_code ec;
  // A server that refuses a request may close before it was all written: then the write
  // fails and what was answered is still read.
  boost::asio::write(stream, boost::asio::buffer(request), ec);
  char buf[4096];
  bool ended = false;
  std::function<void()> read_more = [&] {
    stream.async_read_some(boost::asio::buffer(buf), [&](beast::error_code e, std::size_t n) {
      out.text.append(buf, n);
      if (e)
        ended = true;
      else
        read_more();
    });
  };
  read_more();
  ioc.run_for(std::chrono::seconds(10));
  if (!ended) {
    stream.cancel();
    ioc.restart();
    ioc.run();
  }
  out.timed_out = !ended;
  out.closed = ended;
  return out;
}

/// Captures what is logged through spdlog's default logger, as "<level> <message>"
/// lines, while it lives. The server's threads log while the test reads: the text is
/// kept under the sink's lock.
class log_capture {
public:
  log_capture() : previous_(spdlog::default_logger()), sink_(std::make_shared<sink>()) {
    auto logger = std::make_shared<spdlog::logger>("capture", sink_);
    logger->set_level(spdlog::level::debug);
    logger->set_pattern("%l %v");
    spdlog::set_default_logger(logger);
  }
  ~log_capture() { spdlog::set_default_logger(previous_); }
  log_capture(const log_capture&) = delete;
  log_capture& operator=(const log_capture&) = delete;

  /// Waits up to 10 s for a line containing `text`; whether one came.
  bool wait_for(const std::string& text) {
    return eventually([&] { return sink_->text().find(text) != std::string::npos; });
  }

  /// Everything captured so far.
  std::string text() const { return sink_->text(); }

  /// Checks that a line starting with `message` was logged at debug level and that
  /// nothing was logged at error level.
  void check_debug_only(const std::string& message) {
    const auto text = sink_->text();
    BOOST_TEST_INFO(text);
    BOOST_TEST(text.find("debug " + message) != std::string::npos);
    BOOST_TEST_INFO(text);
    BOOST_TEST(text.find("error ") == std::string::npos);
  }

private:
  class sink final : public spdlog::sinks::base_sink<std::mutex> {
  public:
    std::string text() {
      std::lock_guard<std::mutex> lock(mutex_);
      return text_;
    }

  protected:
    void sink_it_(const spdlog::details::log_msg& m) override {
      spdlog::memory_buf_t line;
      formatter_->format(m, line);
      text_.append(line.data(), line.size());
    }
    void flush_() override {}

  private:
    std::string text_;
  };

  std::shared_ptr<spdlog::logger> previous_;
  std::shared_ptr<sink> sink_;
};

template <class T>
T take(std::future<T>& f) {
  BOOST_REQUIRE(f.wait_for(std::chrono::seconds(10)) == std::future_status::ready);
  return f.get();
}

/// A server with one request on its way: the client's future answer (what `Get` returns)
/// and the call the server dispatched.
template <class Answer>
struct pending_call {
  std::unique_ptr<http_server> server;
  std::future<Answer> answer;
  http_call call;
};

/// Serves, has `get(port, "/api/cache/health")` run on another thread and waits for the
/// call it makes.
template <class Get>
auto call_in_flight(Get get) {
  using answer_t = decltype(get(std::uint16_t{}, std::string()));
  auto into = std::make_shared<captured>();
  pending_call<answer_t> p;
  p.server = serve(into);
  const auto port = p.server->port();
  BOOST_TEST(port != 0);
  p.answer = std::async(std::launch::async, [port, get] { return get(port, "/api/cache/health"); });
  auto calls = into->call.get_future();
  p.call = take(calls);
  return p;
}

} // namespace

BOOST_AUTO_TEST_CASE(a_dispatched_call_is_answered_through_its_responder) {
  auto p = call_in_flight(http_get);
  auto& call = p.call;
  auto& answer = p.answer;
  BOOST_TEST((call.request.route == route_id::cache_health));
  BOOST_TEST(call.request.method == "GET");
  BOOST_TEST(call.request.target == "/api/cache/health");
  call.responder->send(202, "text/plain", "accepted", {{"X-Test", "1"}});
  call.responder->send(500, "text/plain", "ignored", {}); // only the first answer counts
  const http_answer a = answer.get();
  BOOST_TEST(a.status == 202);
  BOOST_TEST(a.body == "accepted");
  BOOST_TEST(a.headers.at("x-test") == "1");
  BOOST_TEST(a.headers.at("server") == "auralis-buffer");
}

BOOST_AUTO_TEST_CASE(every_503_carries_retry_after) {
  {
    // A 503 answered without one gets Retry-After: 1 from the server.
    auto p = call_in_flight(http_get);
    p.call.responder->send(503, "application/json", R"({"detail":"busy"})", {});
    const http_answer a = p.answer.get();
    BOOST_TEST(a.status == 503);
    BOOST_TEST(a.headers.at("retry-after") == "1");
  }
  {
    // One given by the caller is kept, and not doubled.
    auto p = call_in_flight(http_get);
    p.call.responder->send(503, "application/json", R"({"detail":"busy"})",
                           {{"Retry-After", "9"}});
    const http_answer a = p.answer.get();
    BOOST_TEST(a.headers.at("retry-after") == "9");
  }
  {
    auto p = call_in_flight(http_get);
    p.call.responder->send(200, "application/json", "{}", {});
    BOOST_TEST(p.answer.get().headers.count("retry-after") == 0u);
  }
}

BOOST_AUTO_TEST_CASE(unknown_paths_are_answered_by_the_server_itself) {
  auto into = std::make_shared<captured>();
  auto server = serve(into);
  const http_answer a = http_get(server->port(), "/no/such/path");
  BOOST_TEST(a.status == 404);
  BOOST_TEST(a.headers.at("content-type") == "application/json");
  BOOST_TEST(a.body == R"({"detail":"no route for /no/such/path"})");
  BOOST_TEST(!into->call_taken);
}

BOOST_AUTO_TEST_CASE(the_web_ui_is_served_from_memory_and_revalidated_by_etag) {
  auto into = std::make_shared<captured>();
  auto server = serve(into);
  const auto* page = find_web_asset("/");
  BOOST_TEST_REQUIRE(page);
  const http_answer a = http_get(server->port(), "/");
  BOOST_TEST(a.status == 200);
  BOOST_TEST(a.headers.at("content-type") == "text/html; charset=utf-8");
  BOOST_TEST(a.headers.at("cache-control") == "no-cache");
  BOOST_TEST(a.headers.at("x-content-type-options") == "nosniff");
  BOOST_TEST(a.headers.at("etag") == page->etag);
  BOOST_TEST(a.body == std::string(page->body));
  // The browser's revalidation: the same tag gets 304 and no body.
  const http_answer again =
    auralis::test::http_request(server->port(), "GET", "/", {}, {{"If-None-Match", page->etag}});
  BOOST_TEST(again.status == 304);
  BOOST_TEST(again.body.empty());
  BOOST_TEST(again.headers.at("etag") == page->etag);
  const http_answer js = http_get(server->port(), "/app.js");
  BOOST_TEST(js.status == 200);
  BOOST_TEST(js.headers.at("content-type") == "text/javascript; charset=utf-8");
  // Unknown files and other methods get the API's JSON errors.
  const http_answer missing = http_get(server->port(), "/missing.js");
  BOOST_TEST(missing.status == 404);
  BOOST_TEST(missing.body == R"({"detail":"no route for /missing.js"})");
  const http_answer post = auralis::test::http_request(server->port(), "POST", "/", "{}");
  BOOST_TEST(post.status == 405);
  BOOST_TEST(post.body == R"({"detail":"method POST not allowed on /"})");
  BOOST_TEST(!into->call_taken);
}

BOOST_AUTO_TEST_CASE(a_responder_kept_after_the_server_is_gone_answers_nothing) {
  auto p = call_in_flight(status_of_get);
  auto& call = p.call;
  auto& answer = p.answer;
  p.server.reset(); // the call's responder still holds the request
  BOOST_TEST(answer.get() == -1); // closed by the server, not left hanging
  // Must neither reach into the destroyed server nor throw (AddressSanitizer watches).
  call.responder->send(200, "text/plain", "too late", {});
  call.responder.reset();
}

BOOST_AUTO_TEST_CASE(a_websocket_kept_after_the_server_is_gone_sends_nothing) {
  auto into = std::make_shared<captured>();
  auto server = serve(into);
  auto session = std::make_unique<auralis::test::ws_session>(server->port());
  auto clients = into->ws.get_future();
  auto ws = take(clients);
  ws->start();
  std::promise<bool> first;
  ws->send_text("hello", [&first](bool ok) { first.set_value(ok); });
  BOOST_TEST(session->read() == "hello");
  auto first_written = first.get_future();
  BOOST_TEST(take(first_written));
  server.reset(); // the client still holds the connection
  int calls = 0;
  bool written = true;
  ws->send_text("too late", [&](bool ok) {
    ++calls;
    written = ok;
  });
  BOOST_TEST(calls == 1); // answered at once: the connection is gone
  BOOST_TEST(!written);
  ws->close(true);
  ws.reset();
  session.reset();
}

BOOST_AUTO_TEST_CASE(a_websocket_the_server_kills_is_logged_as_no_error) {
  log_capture log;
  {
    auto into = std::make_shared<captured>();
    auto server = serve(into);
    auralis::test::ws_session session(server->port());
    auto clients = into->ws.get_future();
    auto ws = take(clients);
    ws->start();
    ws->send_text("hello", [](bool) {});
    BOOST_TEST(session.read() == "hello");
    // Kills the connection as the server does at shutdown; its cancelled read is
    // reported on the server's thread, which a stop could cut short: wait for it.
    ws->close(false);
    BOOST_CHECK_THROW(session.read(), std::exception);
    log.wait_for("http: [ws_connection:");
    server.reset();
  }
  log.check_debug_only("http: [ws_connection:");
}

BOOST_AUTO_TEST_CASE(a_tail_is_sent_exactly_from_a_memory_file_or_the_heap) {
  using auralis::codec::byte_buffer;
  // 3 MB (in a memory file: sent from its mapping) and 1000 bytes (on the heap).
  for (const std::size_t size : {std::size_t{3000001}, std::size_t{1000}}) {
    auto p = call_in_flight(http_get);
    auto& call = p.call;
    auto tail = byte_buffer::allocate(size);
    BOOST_TEST((tail->file_descriptor() >= 0) == (size >= byte_buffer::file_threshold));
    for (std::size_t i = 0; i < size; ++i)
      (*tail)[i] = static_cast<std::uint8_t>(i * 31 + i / 4099);
    const std::string expected =
      "head:" + std::string(reinterpret_cast<const char*>(tail->data()), size);
    call.responder->send_parts(200, "application/octet-stream", "head:", std::move(tail), {});
    // The response holds what it sends: nothing here keeps the buffer alive any more.
    BOOST_TEST(!tail);
    const http_answer a = p.answer.get();
    BOOST_TEST(a.status == 200);
    BOOST_TEST(a.headers.at("content-length") == std::to_string(size + 5));
    BOOST_TEST(a.body.size() == size + 5);
    BOOST_TEST((a.body == expected), size << " bytes");
  }
}

BOOST_AUTO_TEST_CASE(several_listeners_share_the_port_and_each_answers) {
  auto into = std::make_shared<captured>();
  http_server_options options;
  options.threads = 3;
  auto server = serve(into, options);
  const auto port = server->port();
  BOOST_TEST(port != 0);
  // New connections are spread over the listeners by the kernel; every one is served.
  for (int i = 0; i < 24; ++i)
    BOOST_TEST(http_get(port, "/no/such/path").status == 404);
}

BOOST_AUTO_TEST_CASE(a_port_another_server_listens_on_is_refused) {
  auto into = std::make_shared<captured>();
  http_server_options options;
  options.threads = 2;
  auto first = serve(into, options);
  options.port = first->port();
  for (const std::size_t threads : {std::size_t{1}, std::size_t{2}}) {
    options.threads = threads;
    try {
      serve(std::make_shared<captured>(), options);
      BOOST_ERROR("a second server bound port " << options.port << " with " << threads
                                                << " listeners");
    } catch (const std::runtime_error& e) {
      BOOST_TEST(std::string(e.what()).find("cannot serve on 127.0.0.1:" +
                                            std::to_string(options.port)) == 0u,
                 e.what());
    }
  }
  // The first server still serves.
  BOOST_TEST(http_get(first->port(), "/no/such/path").status == 404);
}

BOOST_AUTO_TEST_CASE(a_client_that_gives_up_during_a_large_answer_ends_only_its_connection) {
  using auralis::codec::byte_buffer;
  namespace asio = boost::asio;
  // The client resets as soon as the answer is handed over (its first bytes meet a
  // reset connection), or once part of the tail has reached it (a later write fails).
  for (const bool read_some_first : {false, true}) {
    BOOST_TEST_CONTEXT("read some first: " << read_some_first) {
      log_capture log;
      auto into = std::make_shared<captured>();
      auto server = serve(into);
      const auto port = server->port();
      asio::io_context ioc;
      asio::ip::tcp::socket client(ioc);
      client.open(asio::ip::tcp::v4());
      client.set_option(asio::socket_base::receive_buffer_size(4096));
      client.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
      const std::string request = "GET /api/cache/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
      asio::write(client, asio::buffer(request));
      auto calls = into->call.get_future();
      auto call = take(calls);
      // 64 MB the client never reads to the end: the server is still sending when the
      // client resets.
      auto tail = byte_buffer::allocate(64 * 1000 * 1000);
      BOOST_REQUIRE(tail->file_descriptor() >= 0);
      call.responder->send_parts(200, "application/octet-stream", "", std::move(tail), {});
      BOOST_REQUIRE(eventually([] { return http_server::sending() > 0; }));
      if (read_some_first) {
        std::vector<char> some(256 * 1024);
        asio::read(client, asio::buffer(some));
      }
      // As a client that gives up mid-answer: its end is shut, then reset with the answer
      // unread. The server's next write fails (EPIPE would raise SIGPIPE).
      client.shutdown(asio::socket_base::shutdown_send);
      client.set_option(asio::socket_base::linger(true, 0));
      client.close();
      // The answer's write fails and is dropped: nothing is being sent any more.
      BOOST_REQUIRE(eventually([] { return http_server::sending() == 0; }));
      // The process is alive (no SIGPIPE) and the server still answers.
      BOOST_TEST(http_get(port, "/no/such/path").status == 404);
      // The failed write is the client's doing: no error is logged for it.
      BOOST_TEST(log.wait_for("http: [connection:1] unable to write"));
      server.reset();
      log.check_debug_only("http: [connection:1] unable to write");
    }
  }
}

BOOST_AUTO_TEST_CASE(an_over_long_request_target_answers_414_and_closes) {
  log_capture log;
  auto into = std::make_shared<captured>();
  auto server = serve(into);
  const std::string target = "/api/cache/" + std::string(16 * 1024, 'a');
  const auto a =
    raw_exchange(server->port(), "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  BOOST_TEST(a.status() == 414);
  BOOST_TEST(a.has_header("Connection: close"));
  BOOST_TEST(a.has_header("Content-Type: application/json"));
  BOOST_TEST(a.body() == R"({"detail":"request target of 16395 bytes: the limit is 8192"})");
  BOOST_TEST(a.closed);
  // One of the limit passes, and the next connection is served.
  const auto ok = raw_exchange(server->port(), "GET /" + std::string(8191, 'b') +
                                                 " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  BOOST_TEST(ok.status() == 404);
  BOOST_TEST(!into->call_taken);
  server.reset();
  BOOST_TEST(log.text().find("error ") == std::string::npos, log.text());
}

BOOST_AUTO_TEST_CASE(too_many_or_too_large_header_fields_answer_431_and_close) {
  auto into = std::make_shared<captured>();
  auto server = serve(into);
  std::string many = "GET /api/cache/health HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  for (int i = 0; i < 1000; ++i)
    many += "X-Field-" + std::to_string(i) + ": v\r\n";
  const auto a = raw_exchange(server->port(), many + "\r\n");
  BOOST_TEST(a.status() == 431);
  BOOST_TEST(a.has_header("Connection: close"));
  BOOST_TEST(a.body() == R"({"detail":"1001 header fields: the limit is 100"})");
  BOOST_TEST(a.closed);
  // Few fields, but one of 20,000 bytes: over the 16,384 of names and values together.
  const auto b = raw_exchange(server->port(), "GET /api/cache/health HTTP/1.1\r\nHost: h\r\n"
                                              "Cookie: " + std::string(20000, 'c') + "\r\n\r\n");
  BOOST_TEST(b.status() == 431);
  BOOST_TEST(b.body() ==
             R"({"detail":"header fields of 20011 bytes (names and values): the limit is 16384"})");
  BOOST_TEST(!into->call_taken);
}

BOOST_AUTO_TEST_CASE(a_request_beyond_the_parsers_hard_limit_is_closed_and_the_server_serves_on) {
  log_capture log;
  auto into = std::make_shared<captured>();
  auto server = serve(into);
  const auto a = raw_exchange(server->port(), "GET /" + std::string(100 * 1024, 'a') +
                                                " HTTP/1.1\r\nHost: h\r\n\r\n");
  BOOST_TEST(a.text.empty());
  BOOST_TEST(a.closed);
  BOOST_TEST(log.wait_for("parser error"));
  BOOST_TEST(http_get(server->port(), "/no/such/path").status == 404);
}

BOOST_AUTO_TEST_CASE(a_detail_never_carries_bytes_that_are_not_utf8) {
  auto into = std::make_shared<captured>();
  auto server = serve(into);
  const auto a = raw_exchange(server->port(), "GET /api/cache/\xff\xfe HTTP/1.1\r\nHost: h\r\n"
                                              "Connection: close\r\n\r\n");
  BOOST_TEST(a.status() == 404);
  BOOST_TEST(a.body() == R"({"detail":"no route for /api/cache/\ufffd\ufffd"})");
}

BOOST_AUTO_TEST_CASE(connections_over_the_per_client_cap_answer_503_until_one_closes) {
  namespace asio = boost::asio;
  auto into = std::make_shared<captured>();
  http_server_options options;
  options.max_connections_per_client = 2;
  auto server = serve(into, options);
  const auto port = server->port();
  asio::io_context ioc;
  const asio::ip::tcp::endpoint at(asio::ip::make_address("127.0.0.1"), port);
  asio::ip::tcp::socket first(ioc), second(ioc);
  first.connect(at);
  second.connect(at);
  // The two held connections are served...
  const std::string request = "GET /no/such/path HTTP/1.1\r\nHost: h\r\n\r\n";
  asio::write(second, asio::buffer(request));
  std::string got(12, '\0');
  asio::read(second, asio::buffer(got));
  BOOST_TEST(got == "HTTP/1.1 404");
  // ...a third is answered 503 and closed.
  const auto refused = raw_exchange(port, request);
  BOOST_TEST(refused.status() == 503);
  BOOST_TEST(refused.has_header("Retry-After: 1"));
  BOOST_TEST(refused.has_header("Connection: close"));
  BOOST_TEST(refused.body() == R"({"detail":"too many open connections from 127.0.0.1: the )"
                               R"(server serves 2 per client address at once"})");
  BOOST_TEST(refused.closed);
  // Once a held one closes, a new connection is served again (the server hears of the
  // close on its own thread: waited for, with a deadline).
  first.close();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  int status = 0;
  const std::string request_close =
    "GET /no/such/path HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n";
  do
    status = raw_exchange(port, request_close).status();
  while (status == 503 && std::chrono::steady_clock::now() < deadline);
  BOOST_TEST(status == 404);
}

BOOST_AUTO_TEST_CASE(a_request_that_does_not_arrive_in_time_is_closed) {
  auto into = std::make_shared<captured>();
  http_server_options options;
  options.header_timeout_s = 0.2;
  options.body_timeout_s = 0.2;
  auto server = serve(into, options);
  // Headers that never end: the server closes the connection without an answer (within
  // raw_exchange's 10 s, not at its deadline).
  const auto a = raw_exchange(server->port(), "GET /no/such/path HTTP/1.1\r\nHost: h\r\n");
  BOOST_TEST(a.closed);
  BOOST_TEST(!a.timed_out);
  BOOST_TEST(a.text.empty());
  // A body that never comes in full, likewise.
  const auto b = raw_exchange(server->port(), "POST /api/player/position HTTP/1.1\r\nHost: h\r\n"
                                              "Content-Length: 100\r\n\r\n{\"x\":");
  BOOST_TEST(b.closed);
  BOOST_TEST(b.text.empty());
  BOOST_TEST(!into->call_taken);
}
