#pragma once

// A small blocking HTTP client (Boost.Beast) for the integration tests.

#include <chrono>
#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

namespace auralis::test {

/// One answer.
struct http_answer {
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers; ///< lower-case names
};

/// Sends one request to 127.0.0.1:`port` on a fresh connection and reads the answer.
inline http_answer http_request(std::uint16_t port, const std::string& method,
                                const std::string& target, const std::string& body = {},
                                const std::map<std::string, std::string>& headers = {}) {
  namespace beast = boost::beast;
  namespace bhttp = beast::http;
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::resolver resolver(ioc);
  beast::tcp_stream stream(ioc);
  stream.connect(resolver.resolve("127.0.0.1", std::to_string(port)));
  bhttp::request<bhttp::string_body> req{bhttp::string_to_verb(method), target, 11};
  req.set(bhttp::field::host, "127.0.0.1");
  for (const auto& [k, v] : headers)
    req.set(k, v);
  if (!body.empty()) {
    req.set(bhttp::field::content_type, "application/json");
    req.body() = body;
  }
  req.prepare_payload();
  bhttp::write(stream, req);
  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(256 * 1024 * 1024);
  bhttp::read(stream, buffer, parser);
  auto res = parser.release();
  http_answer out;
  out.status = static_cast<int>(res.result_int());
  out.body = res.body();
  for (const auto& field : res) {
    std::string name(field.name_string());
    for (auto& c : name)
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.headers[name] = std::string(field.value());
  }
  beast::error_code ec;
  stream.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ec);
  return out;
}

/// GET `target`.
inline http_answer http_get(std::uint16_t port, const std::string& target) {
  return http_request(port, "GET", target);
}

/// A blocking WebSocket client (Boost.Beast) on 127.0.0.1:`port`.
class ws_session {
public:
  /// Connects and performs the upgrade handshake on `target`; throws on failure.
  ws_session(std::uint16_t port, const std::string& target = "/api/ws") : ws_(ioc_) {
    boost::asio::ip::tcp::resolver resolver(ioc_);
    boost::asio::connect(ws_.next_layer(), resolver.resolve("127.0.0.1", std::to_string(port)));
    ws_.handshake("127.0.0.1:" + std::to_string(port), target);
  }

  ~ws_session() {
    boost::beast::error_code ec;
    ws_.close(boost::beast::websocket::close_code::normal, ec);
  }

  ws_session(const ws_session&) = delete;
  ws_session& operator=(const ws_session&) = delete;

  /// Waits for the next text message and returns it; throws when the connection closes or
  /// no message comes within `deadline`.
  std::string read(std::chrono::milliseconds deadline = std::chrono::seconds(30)) {
    boost::beast::flat_buffer buffer;
    boost::beast::error_code ec = boost::asio::error::would_block;
    ws_.async_read(buffer, [&ec](boost::beast::error_code e, std::size_t) { ec = e; });
    ioc_.restart();
    ioc_.run_for(deadline);
    if (ec == boost::asio::error::would_block) {
      // Nothing came in time: the read is cancelled (its handler runs with an error).
      ws_.next_layer().cancel();
      ioc_.restart();
      ioc_.run();
      throw std::runtime_error("no WebSocket message within " +
                               std::to_string(deadline.count()) + " ms");
    }
    if (ec)
      throw boost::beast::system_error(ec);
    return boost::beast::buffers_to_string(buffer.data());
  }

  /// Reads messages until one contains `needle`, and returns it (others are skipped);
  /// throws as read() does, or when none came within `deadline` in all.
  std::string read_until(const std::string& needle,
                         std::chrono::milliseconds deadline = std::chrono::seconds(30)) {
    const auto until = std::chrono::steady_clock::now() + deadline;
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        until - std::chrono::steady_clock::now());
      if (left.count() <= 0)
        throw std::runtime_error("no WebSocket message containing '" + needle + "' within " +
                                 std::to_string(deadline.count()) + " ms");
      auto m = read(left);
      if (m.find(needle) != std::string::npos)
        return m;
    }
  }

private:
  boost::asio::io_context ioc_;
  boost::beast::websocket::stream<boost::asio::ip::tcp::socket> ws_;
};

} // namespace auralis::test
