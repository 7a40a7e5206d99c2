#define BOOST_TEST_MODULE http_server
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <future>
#include <memory>

#include "http/http_server.hpp"
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

std::unique_ptr<http_server> serve(const std::shared_ptr<captured>& into) {
  return std::make_unique<http_server>(
    http_server_options{},
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

template <class T>
T take(std::future<T>& f) {
  BOOST_REQUIRE(f.wait_for(std::chrono::seconds(10)) == std::future_status::ready);
  return f.get();
}

} // namespace

BOOST_AUTO_TEST_CASE(a_dispatched_call_is_answered_through_its_responder) {
  auto into = std::make_shared<captured>();
  auto server = serve(into);
  const auto port = server->port();
  BOOST_TEST(port != 0);
  auto answer = std::async(std::launch::async, [port] { return http_get(port, "/api/cache/health"); });
  auto calls = into->call.get_future();
  auto call = take(calls);
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

BOOST_AUTO_TEST_CASE(unknown_paths_are_answered_by_the_server_itself) {
  auto into = std::make_shared<captured>();
  auto server = serve(into);
  const http_answer a = http_get(server->port(), "/no/such/path");
  BOOST_TEST(a.status == 404);
  BOOST_TEST(a.headers.at("content-type") == "application/json");
  BOOST_TEST(a.body == R"({"detail":"no route for /no/such/path"})");
  BOOST_TEST(!into->call_taken);
}

BOOST_AUTO_TEST_CASE(a_responder_kept_after_the_server_is_gone_answers_nothing) {
  auto into = std::make_shared<captured>();
  auto server = serve(into);
  const auto port = server->port();
  auto answer =
    std::async(std::launch::async, [port] { return status_of_get(port, "/api/cache/health"); });
  auto calls = into->call.get_future();
  auto call = take(calls);
  server.reset(); // the call's responder still holds the request
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
