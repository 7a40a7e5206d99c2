#include "console/engine_client.hpp"

#include <cstdio>
#include <functional>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

namespace auralis::console {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;

engine_endpoint engine_endpoint::parse(const std::string& url) {
  const std::string scheme = "http://";
  if (url.compare(0, scheme.size(), scheme) != 0)
    throw url_error("expected http://HOST[:PORT], not '" + url + "'");
  std::string rest = url.substr(scheme.size());
  if (!rest.empty() && rest.back() == '/')
    rest.pop_back();
  if (rest.empty() || rest.find_first_of("/?#@ ") != std::string::npos)
    throw url_error("expected http://HOST[:PORT] without a path, not '" + url + "'");
  engine_endpoint e;
  const auto colon = rest.rfind(':');
  if (colon == std::string::npos) {
    e.host = rest;
    e.port = 80;
    return e;
  }
  e.host = rest.substr(0, colon);
  const std::string digits = rest.substr(colon + 1);
  if (e.host.empty())
    throw url_error("no host in '" + url + "'");
  if (digits.empty() || digits.size() > 5 ||
      digits.find_first_not_of("0123456789") != std::string::npos || std::stoi(digits) < 1 ||
      std::stoi(digits) > 65535)
    throw url_error("the port of '" + url + "' is not 1..65535");
  e.port = static_cast<std::uint16_t>(std::stoi(digits));
  return e;
}

struct engine_client::event_io {
  net::io_context ioc;
};

engine_client::engine_client(const std::string& url, std::string token,
                             std::chrono::milliseconds timeout)
    : endpoint_(engine_endpoint::parse(url)), token_(std::move(token)), timeout_(timeout),
      event_io_(std::make_unique<event_io>()) {}

engine_client::~engine_client() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  event_io_->ioc.stop();
  wake_.notify_all();
  if (event_thread_.joinable())
    event_thread_.join();
}

http_answer engine_client::get(const std::string& target) { return request(false, target); }

http_answer engine_client::post(const std::string& target) { return request(true, target); }

http_answer engine_client::request(bool post, const std::string& target) {
  net::io_context ioc;
  tcp::resolver resolver(ioc);
  beast::tcp_stream stream(ioc);
  beast::flat_buffer buffer;
  http::request<http::empty_body> req{post ? http::verb::post : http::verb::get, target, 11};
  req.set(http::field::host, endpoint_.host + ":" + std::to_string(endpoint_.port));
  req.set(http::field::user_agent, "auralis-buffer console");
  req.set(http::field::connection, "close");
  if (post)
    req.set(http::field::content_length, "0");
  if (!token_.empty())
    req.set(http::field::authorization, "Bearer " + token_);
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  beast::error_code failure;
  bool done = false;
  const auto deadline = std::chrono::steady_clock::now() + timeout_;

  resolver.async_resolve(
    endpoint_.host, std::to_string(endpoint_.port),
    [&](beast::error_code ec, tcp::resolver::results_type results) {
      if (ec) {
        failure = ec;
        done = true;
        return;
      }
      stream.expires_at(deadline);
      stream.async_connect(results, [&](beast::error_code ec2, const tcp::endpoint&) {
        if (ec2) {
          failure = ec2;
          done = true;
          return;
        }
        http::async_write(stream, req, [&](beast::error_code ec3, std::size_t) {
          if (ec3) {
            failure = ec3;
            done = true;
            return;
          }
          http::async_read(stream, buffer, parser, [&](beast::error_code ec4, std::size_t) {
            failure = ec4;
            done = true;
          });
        });
      });
    });
  ioc.run_for(timeout_);
  if (!done) {
    beast::error_code ignored;
    resolver.cancel();
    stream.socket().close(ignored);
    ioc.restart();
    ioc.run_for(std::chrono::milliseconds(200));
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%.1f", static_cast<double>(timeout_.count()) / 1000);
    throw engine_error(std::string("no answer within ") + seconds + " s");
  }
  if (failure == beast::error::timeout)
    throw engine_error("no answer within the timeout");
  if (failure)
    throw engine_error(failure.message());
  auto res = parser.release();
  return {static_cast<int>(res.result_int()), std::move(res.body())};
}

void engine_client::start_events() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (event_thread_.joinable() || stopping_)
    return;
  event_thread_ = std::thread([this] { event_loop(); });
}

std::vector<std::string> engine_client::take_events() {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<std::string> out(std::make_move_iterator(events_.begin()),
                               std::make_move_iterator(events_.end()));
  events_.clear();
  return out;
}

void engine_client::queue_event(std::string text) {
  std::lock_guard<std::mutex> lock(mutex_);
  events_.push_back(std::move(text));
  while (events_.size() > event_queue_limit) {
    events_.pop_front();
    events_dropped_.fetch_add(1);
  }
}

void engine_client::event_loop() {
  auto backoff = std::chrono::milliseconds(500);
  for (;;) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (stopping_)
        return;
      event_io_->ioc.restart();
    }
    const auto started = std::chrono::steady_clock::now();
    read_events_once();
    // A connection that lasted starts the backoff over.
    if (std::chrono::steady_clock::now() - started > std::chrono::seconds(10))
      backoff = std::chrono::milliseconds(500);
    std::unique_lock<std::mutex> lock(mutex_);
    if (wake_.wait_for(lock, backoff, [this] { return stopping_; }))
      return;
    backoff = std::min(backoff * 2, std::chrono::milliseconds(8000));
  }
}

void engine_client::read_events_once() {
  auto& ioc = event_io_->ioc;
  tcp::resolver resolver(ioc);
  websocket::stream<beast::tcp_stream> ws(ioc);
  beast::flat_buffer buffer;
  const std::string host = endpoint_.host + ":" + std::to_string(endpoint_.port);
  std::function<void()> read_next = [&] {
    ws.async_read(buffer, [&](beast::error_code ec, std::size_t) {
      if (ec)
        return;
      queue_event(beast::buffers_to_string(buffer.data()));
      buffer.consume(buffer.size());
      read_next();
    });
  };
  resolver.async_resolve(
    endpoint_.host, std::to_string(endpoint_.port),
    [&](beast::error_code ec, tcp::resolver::results_type results) {
      if (ec)
        return;
      beast::get_lowest_layer(ws).expires_after(timeout_);
      beast::get_lowest_layer(ws).async_connect(
        results, [&](beast::error_code ec2, const tcp::endpoint&) {
          if (ec2)
            return;
          beast::get_lowest_layer(ws).expires_never();
          websocket::stream_base::timeout opt{};
          opt.handshake_timeout = timeout_;
          opt.idle_timeout = websocket::stream_base::none();
          opt.keep_alive_pings = false;
          ws.set_option(opt);
          const std::string token = token_;
          ws.set_option(websocket::stream_base::decorator([token](websocket::request_type& r) {
            r.set(http::field::user_agent, "auralis-buffer console");
            if (!token.empty())
              r.set(http::field::authorization, "Bearer " + token);
          }));
          ws.async_handshake(host, "/api/ws", [&](beast::error_code ec3) {
            if (ec3)
              return;
            events_live_.store(true);
            read_next();
          });
        });
    });
  ioc.run();
  events_live_.store(false);
}

} // namespace auralis::console
