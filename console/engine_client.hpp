#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace auralis::console {

/// A URL the console cannot use (not http://HOST[:PORT][/]).
class url_error : public std::invalid_argument {
public:
  using std::invalid_argument::invalid_argument;
};

/// The engine could not be reached or did not answer in time; what() says why.
class engine_error : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// Host and port of an engine's base URL.
struct engine_endpoint {
  std::string host;
  std::uint16_t port = 8765;

  /// Parses "http://HOST[:PORT][/]" (PORT 1..65535, default 80). Throws url_error naming
  /// what is wrong.
  static engine_endpoint parse(const std::string& url);
};

/// One HTTP answer: status and body.
struct http_answer {
  int status = 0;
  std::string body;
};

/// The console's connection to an engine: synchronous HTTP requests with a timeout, and a
/// background thread that reads the WebSocket `/api/ws` and queues each event's JSON text
/// (at most `event_queue_limit`; the oldest are dropped), reconnecting with a backoff of
/// 0.5 s doubling to 8 s while the engine is away. get() and post() are for one thread at a
/// time; the event queue's calls are thread-safe.
class engine_client {
public:
  static constexpr std::size_t event_queue_limit = 1000;

  /// A client of the engine at `url` (throws url_error when unusable), sending
  /// `Authorization: Bearer <token>` when `token` is not empty; each request gives up after
  /// `timeout`. Starts no thread and opens no connection.
  engine_client(const std::string& url, std::string token, std::chrono::milliseconds timeout);
  /// Stops and joins the event thread.
  ~engine_client();
  engine_client(const engine_client&) = delete;
  engine_client& operator=(const engine_client&) = delete;

  /// GET `target` (path and query). Throws engine_error when there is no answer in time.
  http_answer get(const std::string& target);
  /// POST `target` with an empty body. Throws engine_error when there is no answer in time.
  http_answer post(const std::string& target);

  /// Starts the event thread (once; later calls do nothing).
  void start_events();
  /// The queued events' JSON texts, oldest first; the queue is empty afterwards.
  std::vector<std::string> take_events();
  /// Whether the WebSocket is open now.
  bool events_live() const { return events_live_.load(); }
  /// Events dropped because the queue was full.
  std::uint64_t events_dropped() const { return events_dropped_.load(); }

  const engine_endpoint& endpoint() const { return endpoint_; }

private:
  http_answer request(bool post, const std::string& target);
  void event_loop();
  void read_events_once();
  void queue_event(std::string text);

  engine_endpoint endpoint_;
  std::string token_;
  std::chrono::milliseconds timeout_;

  struct event_io;                     ///< the event thread's io_context (Boost.Asio)
  std::unique_ptr<event_io> event_io_;
  std::thread event_thread_;
  std::mutex mutex_;                   ///< guards the fields below
  std::condition_variable wake_;
  bool stopping_ = false;
  std::deque<std::string> events_;
  std::atomic<bool> events_live_{false};
  std::atomic<std::uint64_t> events_dropped_{0};
};

} // namespace auralis::console
