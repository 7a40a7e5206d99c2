#include "http/http_server.hpp"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <vector>

#include <signal.h>

#include <http_parser.h>

#include <restinio/all.hpp>
#include <restinio/utils/percent_encoding.hpp>
#include <restinio/websocket/websocket.hpp>
#include <spdlog/spdlog.h>

#include "http/connection_limiter.hpp"
#include "http/handle_gate.hpp"
#include "http/http_metrics.hpp"
#include "http/http_reply.hpp"
#include "http/routes.hpp"
#include "http/web_assets.hpp"

namespace auralis::http {

namespace {

namespace rws = restinio::websocket::basic;

/// True for RESTinio's report of a connection that simply ended: the peer went away
/// (end of file, reset, broken pipe) or the server cancelled its operations (a WebSocket
/// killed at shutdown). RESTinio reports these at error level, with the system's text
/// for the error code; they are no faults of the server.
bool is_connection_end(std::string_view message) {
  for (std::string_view end :
       {"Operation canceled", "End of file", "Connection reset by peer", "Broken pipe"})
    if (message.find(end) != std::string_view::npos)
      return true;
  return false;
}

/// Forwards RESTinio's warnings and errors to spdlog (its default logger drops them); a
/// connection that ended (is_connection_end) is logged at debug level only, a request the
/// parser refused (malformed, or over its hard limits: the client's doing) as a warning.
struct spdlog_restinio_logger {
  template <class Builder>
  void trace(Builder&&) const noexcept {}
  template <class Builder>
  void info(Builder&&) const noexcept {}
  template <class Builder>
  void warn(Builder&& b) const {
    spdlog::warn("http: {}", b());
  }
  template <class Builder>
  void error(Builder&& b) const {
    const std::string message = b();
    if (is_connection_end(message))
      spdlog::debug("http: {}", message);
    else if (message.find("] parser error ") != std::string::npos)
      spdlog::warn("http: {} (connection closed without an answer)", message);
    else
      spdlog::error("http: {}", message);
  }
};

/// Reports one listener's connections opening, closing and leaving for a WebSocket to the
/// server's connection_limiter.
class connection_counter {
public:
  connection_counter(std::shared_ptr<connection_limiter> limits, std::size_t listener)
    : limits_(std::move(limits)), listener_(listener) {}

  void state_changed(const restinio::connection_state::notice_t& notice) noexcept {
    try {
      const auto cause = notice.cause();
      if (restinio::get_if<restinio::connection_state::accepted_t>(&cause) != nullptr)
        limits_->opened(listener_, notice.connection_id(),
                        notice.remote_endpoint().address().to_string());
      else // closed, or upgraded to a WebSocket (whose end RESTinio does not report)
        limits_->closed(listener_, notice.connection_id());
    } catch (const std::exception& e) {
      spdlog::warn("http: connection {}: cannot count it: {}", notice.connection_id(), e.what());
    }
  }

private:
  std::shared_ptr<connection_limiter> limits_;
  std::size_t listener_;
};

/// Each listener runs its own io_context on one thread, so connections need no strand.
struct traits_t
  : restinio::single_thread_traits_t<restinio::asio_timer_manager_t, spdlog_restinio_logger> {
  using connection_state_listener_t = connection_counter;
};

/// SO_REUSEPORT: every listener binds the same port and the kernel spreads new
/// connections over them.
using reuse_port = restinio::asio_ns::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>;
using request_handle = restinio::request_handle_t;

/// The standard reason phrase of `status`.
const char* reason_of(int status) {
  switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 413: return "Payload Too Large";
    case 414: return "URI Too Long";
    case 422: return "Unprocessable Entity";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Status";
  }
}

/// Answers being written, and the bytes their tails hold (see http_server::sending()).
std::atomic<std::uint64_t> answers_sending{0};
std::atomic<std::uint64_t> answers_sending_bytes{0};

/// Counts one answer of `bytes` as being sent for as long as it lives.
struct sending_mark {
  explicit sending_mark(std::uint64_t bytes) : bytes_(bytes) {
    answers_sending.fetch_add(1);
    answers_sending_bytes.fetch_add(bytes_);
  }
  ~sending_mark() {
    answers_sending.fetch_sub(1);
    answers_sending_bytes.fetch_sub(bytes_);
  }
  sending_mark(const sending_mark&) = delete;
  sending_mark& operator=(const sending_mark&) = delete;

private:
  std::uint64_t bytes_;
};

/// Answers a request through RESTinio, once. Holds the request (and so its connection)
/// until it answered, it is destroyed or the server closes its gate.
class restinio_responder final : public http_responder, private handle_gate::holder {
public:
  /// `close`: the connection is closed after the answer. With `metrics`, the answer is
  /// counted there under `route` (a label that outlives the responder) with its latency
  /// since `since`.
  restinio_responder(request_handle req, std::shared_ptr<handle_gate> gate, bool close = false,
                     http_metrics* metrics = nullptr,
                     const std::string* route = nullptr,
                     http_metrics::clock::time_point since = {})
    : req_(std::move(req)), gate_(std::move(gate)), close_(close), metrics_(metrics),
      route_(route), since_(since) {
    if (!gate_->join(*this))
      req_.reset();
  }

  ~restinio_responder() override { gate_->leave(*this); }

  void send(int status, const std::string& content_type, std::string body,
            const std::vector<http_header>& headers) override {
    answer(status, content_type, headers, [&](auto& resp) { resp.set_body(std::move(body)); });
  }

  void send_parts(int status, const std::string& content_type, std::string head,
                  shared_bytes tail, const std::vector<http_header>& headers) override {
    const std::uint64_t held = tail && !tail->empty() ? tail->held_bytes() : 0;
    answer(status, content_type, headers, [&](auto& resp) {
      resp.set_body(std::move(head));
      if (held > 0)
        resp.append_body(tail_item(std::move(tail)));
    }, held);
  }

private:
  void drop_handle() noexcept override { req_.reset(); }

  /// The tail as RESTinio sends it: a buffer the response holds (a memory file's
  /// mapping or heap bytes), so an eviction meanwhile changes nothing.
  /// Not with RESTinio's sendfile: in RESTinio 0.6.16 a sendfile whose first call fails at
  /// once (the client reset the connection as the head was written: a player that gives up
  /// a prefetch) runs its completion inside its own start, which destroys the operation
  /// while it still runs (a use after free that AddressSanitizer reports). A buffer costs
  /// one copy of the bytes into the socket, about 0.3 ms of CPU for a 2.88 MB chunk.
  static restinio::writable_item_t tail_item(shared_bytes tail) {
    return restinio::writable_item_t{std::move(tail)};
  }

  /// Builds and sends the answer under the gate's lock; nothing after the first call or
  /// once the server closed the gate.
  /// `held`: bytes the body's tail holds, counted in answers_sending_bytes until RESTinio
  /// reports the write done (or dropped: a write group's notificator always runs).
  template <class Fill>
  void answer(int status, const std::string& content_type,
              const std::vector<http_header>& headers, Fill&& fill, std::uint64_t held = 0) {
    if (sent_.exchange(true))
      return;
    if (metrics_ != nullptr && route_ != nullptr)
      metrics_->record(*route_, status, since_);
    auto lock = gate_->lock();
    if (!req_)
      return;
    try {
      auto resp = req_->create_response(restinio::http_status_line_t{
        restinio::http_status_code_t{static_cast<std::uint16_t>(status)}, reason_of(status)});
      resp.append_header(restinio::http_field::content_type, content_type);
      resp.append_header(restinio::http_field::server, "auralis-buffer");
      if (close_)
        resp.connection_close();
      bool retry_after = false;
      for (const auto& [name, value] : headers) {
        resp.append_header(name, value);
        retry_after = retry_after || restinio::impl::is_equal_caseless(name, "Retry-After");
      }
      // Every 503 tells the client when to come back, whoever answered it.
      if (status == 503 && !retry_after)
        resp.append_header("Retry-After", "1");
      fill(resp);
      if (held == 0) {
        resp.done();
        return;
      }
      // Counted while RESTinio holds the write's notificator: it drops it once the write
      // ended or failed (or done() threw), and the mark's destructor uncounts.
      auto mark = std::make_shared<sending_mark>(held);
      resp.done([mark](const auto&) {});
    } catch (const std::exception& e) {
      spdlog::warn("http: cannot answer {} {}: {}", req_->header().method().c_str(),
                   req_->header().request_target(), e.what());
    }
  }

  request_handle req_;  ///< guarded by the gate's lock; null once dropped
  std::shared_ptr<handle_gate> gate_;
  bool close_;
  http_metrics* metrics_;     ///< kept alive by the server's handler context
  const std::string* route_;
  http_metrics::clock::time_point since_;
  std::atomic<bool> sent_{false};
};

/// A WebSocket connection over RESTinio. Only the event hub calls it. Its handle is
/// dropped when the server closes its gate; after that it sends nothing.
class restinio_ws_client final : public ws_client, private handle_gate::holder {
public:
  restinio_ws_client(rws::ws_handle_t ws, std::uint64_t id, std::shared_ptr<handle_gate> gate)
    : ws_(std::move(ws)), id_(id), gate_(std::move(gate)) {
    if (!gate_->join(*this))
      drop_handle();
  }

  ~restinio_ws_client() override {
    close(true);
    gate_->leave(*this);
  }

  std::uint64_t id() const noexcept override { return id_; }

  void start() override {
    auto lock = gate_->lock();
    if (ws_)
      activate(*ws_); // a friend of ws_t, found by argument-dependent lookup
  }

  void send_text(std::string text, written_fn written) override {
    auto lock = gate_->lock();
    if (!ws_) {
      lock.unlock();
      written(false);
      return;
    }
    try {
      ws_->send_message(rws::final_frame, rws::opcode_t::text_frame,
                        restinio::writable_item_t{std::move(text)},
                        [written](const restinio::asio_ns::error_code& ec) { written(!ec); });
    } catch (const std::exception&) {
      lock.unlock();
      written(false);
    }
  }

  void close(bool graceful) override {
    auto lock = gate_->lock();
    end(graceful);
  }

private:
  /// Kills the connection at once (it belongs to a server that is going away).
  void drop_handle() noexcept override { end(false); }

  /// Ends the connection (close frame after what is queued when `graceful`, at once
  /// otherwise) and forgets its handle; nothing when it is gone. Under the gate's lock.
  void end(bool graceful) noexcept {
    if (!ws_)
      return;
    auto ws = std::move(ws_);
    try {
      if (graceful)
        ws->shutdown();
      else
        ws->kill();
    } catch (const std::exception& e) {
      spdlog::debug("http: websocket {} close: {}", id_, e.what());
    }
  }

  rws::ws_handle_t ws_;  ///< guarded by the gate's lock; null once closed or dropped
  std::uint64_t id_;
  std::shared_ptr<handle_gate> gate_;
};

/// Answers `status` with `detail` at once (and closes the connection after it when
/// `close`).

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

/// Path of the WebSocket endpoint.
constexpr const char* ws_path = "/api/ws";

/// Everything the request handler needs.
struct handler_context {
  http_server::dispatch_fn dispatch;
  http_server::ws_open_fn ws_open;
  http_server::ws_closed_fn ws_closed;
  std::shared_ptr<handle_gate> gate; ///< every responder and WebSocket client joins it
  std::uint64_t max_body_bytes = 0;
  std::size_t max_url_bytes = 0;
  std::size_t max_header_count = 0;
  std::size_t max_header_bytes = 0;
  std::shared_ptr<connection_limiter> connections;
  std::atomic<std::uint64_t> next_ws_id{1}; ///< WebSocket ids, unique over all listeners
  route_table routes;            ///< all_routes(), then GET /api/ws
  std::vector<route_id> ids;     ///< route id of each table entry but the last
  std::shared_ptr<http_metrics> metrics; ///< null = answers not counted
  std::vector<std::string> labels;       ///< metrics label of each table entry
  const std::string unrouted = http_metrics::unrouted;
  const std::string web = "GET web";
};

/// A responder for `req`, counted under `route` (null: unrouted).
std::shared_ptr<restinio_responder> responder_for(const handler_context& ctx,
                                                  const request_handle& req,
                                                  const std::string* route, bool close = false) {
  return std::make_shared<restinio_responder>(req, ctx.gate, close, ctx.metrics.get(),
                                              route ? route : &ctx.unrouted,
                                              http_metrics::clock::now());
}

/// Answers `status` with `detail` at once (and closes the connection after it when
/// `close`), counted as unrouted.
restinio::request_handling_status_t answer_now(const handler_context& ctx,
                                               const request_handle& req, int status,
                                               const std::string& detail, bool close = false) {
  responder_for(ctx, req, nullptr, close)
    ->send(status, "application/json", detail_json(detail), {});
  return restinio::request_accepted();
}

/// Upgrades GET /api/ws and hands the connection on; 400 when it is no upgrade request.
restinio::request_handling_status_t upgrade_ws(handler_context& ctx, request_handle req) {
  const auto& h = req->header();
  if (!h.has_field(restinio::http_field::upgrade) ||
      !iequals(h.get_field(restinio::http_field::upgrade), "websocket") ||
      !h.has_field(restinio::http_field::sec_websocket_key))
    return answer_now(ctx, req, 400, "GET /api/ws expects a WebSocket upgrade request");
  const std::uint64_t id = ctx.next_ws_id++;
  auto closed = ctx.ws_closed;
  auto ws = rws::upgrade<traits_t>(
    *req, rws::activation_t::delayed,
    [closed, id](const rws::ws_handle_t&, const rws::message_handle_t& m) {
      // Only a close (from the peer, or for a failed connection) matters: the engine
      // only sends on this socket.
      if (m->opcode() == rws::opcode_t::connection_close_frame)
        closed(id);
    });
  ctx.ws_open(std::make_shared<restinio_ws_client>(std::move(ws), id, ctx.gate));
  return restinio::request_accepted();
}

/// Hands a request of a gateway route to `dispatch` (413 for a body over the limit).
restinio::request_handling_status_t dispatch_call(const handler_context& ctx,
                                                  const request_handle& req, route_id id,
                                                  const route_match& m) {
  if (req->body().size() > ctx.max_body_bytes)
    return answer_now(ctx, req, 413, "request body larger than " +
                                  std::to_string(ctx.max_body_bytes) + " bytes");
  const auto& h = req->header();
  http_call call;
  call.request.route = id;
  call.request.method = h.method().c_str();
  call.request.target = h.request_target();
  call.request.query = std::string(h.query());
  call.request.body = req->body();
  if (h.has_field(restinio::http_field::authorization))
    call.request.authorization = h.get_field(restinio::http_field::authorization);
  for (const auto& [name, value] : m.params)
    call.request.params.emplace(std::string(name), std::string(value));
  call.responder = responder_for(ctx, req, &ctx.labels[m.index]);
  ctx.dispatch(std::move(call));
  return restinio::request_accepted();
}

/// The answer to a request over the server's limits (see http_server_options), with the
/// connection closed after it; nullopt when it is within them.
std::optional<restinio::request_handling_status_t>
refuse_over_limits(handler_context& ctx, std::size_t listener, const request_handle& req) {
  const std::string refusal = ctx.connections->refusal_of(listener, req->connection_id());
  if (!refusal.empty())
    return answer_now(ctx, req, 503, refusal, true);
  const auto& h = req->header();
  if (h.request_target().size() > ctx.max_url_bytes)
    return answer_now(ctx, req, 414,
                      "request target of " + std::to_string(h.request_target().size()) +
                        " bytes: the limit is " + std::to_string(ctx.max_url_bytes),
                      true);
  if (h.fields_count() > ctx.max_header_count)
    return answer_now(ctx, req, 431,
                      std::to_string(h.fields_count()) + " header fields: the limit is " +
                        std::to_string(ctx.max_header_count),
                      true);
  std::size_t bytes = 0;
  h.for_each_field([&bytes](const auto& f) { bytes += f.name().size() + f.value().size(); });
  if (bytes > ctx.max_header_bytes)
    return answer_now(ctx, req, 431,
                      "header fields of " + std::to_string(bytes) +
                        " bytes (names and values): the limit is " +
                        std::to_string(ctx.max_header_bytes),
                      true);
  return std::nullopt;
}

/// Answers 405 for a known path asked with another method.
restinio::request_handling_status_t method_not_allowed(handler_context& ctx,
                                                       const request_handle& req) {
  const auto& h = req->header();
  return answer_now(ctx, req, 405, "method " + std::string(h.method().c_str()) +
                                          " not allowed on " + std::string(h.path()));
}

/// Answers a request for a file of the web UI from memory: GET gets the file (304 when
/// If-None-Match names its ETag), any other method 405; nullopt when `path` names none.
/// Browsers revalidate every time (no-cache), so a new build's page is never stale.
std::optional<restinio::request_handling_status_t>
serve_web_asset(handler_context& ctx, const request_handle& req, std::string_view path) {
  const auto* asset = find_web_asset(path);
  if (!asset)
    return std::nullopt;
  const auto& h = req->header();
  if (h.method() != restinio::http_method_get())
    return method_not_allowed(ctx, req);
  const std::vector<http_header> headers{{"Cache-Control", "no-cache"},
                                         {"ETag", asset->etag},
                                         {"X-Content-Type-Options", "nosniff"}};
  const bool fresh = h.has_field(restinio::http_field::if_none_match) &&
                     etag_matches(h.get_field(restinio::http_field::if_none_match), asset->etag);
  responder_for(ctx, req, &ctx.web)
    ->send(fresh ? 304 : 200, std::string(asset->content_type),
          fresh ? std::string() : std::string(asset->body), headers);
  return restinio::request_accepted();
}

/// Serves one request that came to listener `listener`: refuses it over the limits, routes
/// it through the table (no regular expressions), answers the web UI's files, 404 for an
/// unknown path and 405 for a known path with another method, upgrades GET /api/ws and
/// hands everything else to the gateway.
restinio::request_handling_status_t handle(handler_context& ctx, std::size_t listener,
                                           request_handle req) {
  if (auto refused = refuse_over_limits(ctx, listener, req))
    return *refused;
  const auto& h = req->header();
  std::string normalized;
  std::string_view path = h.path();
  try {
    // Percent-encoded unreserved characters are decoded first, as the express router
    // did; a malformed escape throws.
    namespace norm = restinio::utils::uri_normalization::unreserved_chars;
    const std::size_t size = norm::estimate_required_capacity(path);
    if (size != path.size()) {
      normalized.resize(size);
      norm::normalize_to(path, normalized.data());
      path = normalized;
    }
  } catch (const std::exception&) {
    return answer_now(ctx, req, 400, "malformed percent-encoding in the path");
  }
  if (auto served = serve_web_asset(ctx, req, path))
    return *served;
  const auto m = ctx.routes.match(h.method().c_str(), path);
  if (!m.found) {
    if (m.path_known)
      return method_not_allowed(ctx, req);
    return answer_now(ctx, req, 404, "no route for " + std::string(h.path()));
  }
  if (m.index == ctx.ids.size()) {
    try {
      return upgrade_ws(ctx, req);
    } catch (const std::exception& e) {
      spdlog::warn("http: websocket upgrade failed: {}", e.what());
      return restinio::request_rejected();
    }
  }
  try {
    return dispatch_call(ctx, req, ctx.ids[m.index], m);
  } catch (const std::exception& e) {
    spdlog::error("http: {} failed before dispatch: {}", h.request_target(), e.what());
    return answer_now(ctx, req, 500, "internal error");
  }
}

/// Throws std::system_error when a socket already listens on `bind`:`port`: listeners
/// with SO_REUSEPORT would join a server of the same user there instead of failing, and
/// a single listener would fail on its own thread, where RESTinio 0.6's error path reads
/// its thread pool's state while the starting thread still writes it. A bind address that
/// is not an IP address is left to RESTinio.
void refuse_taken_port(const std::string& bind, std::uint16_t port) {
  namespace asio = restinio::asio_ns;
  asio::error_code ec;
  const auto address = asio::ip::make_address(bind, ec);
  if (ec)
    return;
  asio::io_context ioc;
  asio::ip::tcp::acceptor probe(ioc);
  const asio::ip::tcp::endpoint endpoint(address, port);
  probe.open(endpoint.protocol());
  probe.set_option(asio::ip::tcp::acceptor::reuse_address(true));
  probe.bind(endpoint);
}

} // namespace

struct http_server::impl {
  std::atomic<std::uint16_t> port{0};
  std::shared_ptr<handle_gate> gate = std::make_shared<handle_gate>();
  std::vector<restinio::running_server_handle_t<traits_t>> listeners;

  /// Stops every listener and joins its thread.
  void stop() noexcept {
    for (auto& l : listeners)
      l->stop();
    for (auto& l : listeners)
      l->wait();
  }
};

http_server::http_server(const http_server_options& options, dispatch_fn dispatch,
                         ws_open_fn ws_open, ws_closed_fn ws_closed)
  : impl_(std::make_unique<impl>()) {
  auto* self = impl_.get();
  auto ctx = std::make_shared<handler_context>();
  ctx->dispatch = std::move(dispatch);
  ctx->ws_open = std::move(ws_open);
  ctx->ws_closed = std::move(ws_closed);
  ctx->gate = impl_->gate;
  ctx->max_body_bytes = options.max_body_bytes;
  ctx->max_url_bytes = options.max_url_bytes;
  ctx->max_header_count = options.max_header_count;
  ctx->max_header_bytes = options.max_header_bytes;
  ctx->connections = std::make_shared<connection_limiter>(options.max_connections,
                                                          options.max_connections_per_client);
  ctx->metrics = options.metrics;
  for (const auto& spec : all_routes()) {
    ctx->routes.add(spec.method, spec.path);
    ctx->ids.push_back(spec.id);
    ctx->labels.push_back(std::string(spec.method) + " " + spec.path);
  }
  ctx->routes.add("GET", ws_path);
  ctx->labels.push_back(std::string("GET ") + ws_path);
  // Bodies up to the hard limit are read and answered 413 by the handler; beyond it the
  // parser stops reading and the connection is closed.
  const std::uint64_t hard_limit =
    std::max<std::uint64_t>(options.max_body_bytes * 16, 1024 * 1024);
  const std::size_t count = std::max<std::size_t>(options.threads, 1);
  // The parser's hard limits sit well above the configured ones, so that requests between
  // the two are read and answered 414/431 by the handler; beyond them the parser stops and
  // the connection is closed. The header-section limit is the parser library's, process-wide.
  http_parser_set_max_header_size(256 * 1024);
  const auto read_limit = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
    std::chrono::duration<double>(options.header_timeout_s + options.body_timeout_s));
  // A write to a connection the peer has closed raises SIGPIPE unless it is sent with
  // MSG_NOSIGNAL (Asio's sends are; a library's own write or sendfile may not be), and the
  // signal would end the process. Ignored process-wide, as nginx does: the write fails
  // with EPIPE and only that connection ends.
  signal(SIGPIPE, SIG_IGN);
  try {
    if (options.port != 0)
      refuse_taken_port(options.bind, options.port);
    // The first listener binds the port asked for (0: any free one); the others bind the
    // port it got.
    for (std::size_t i = 0; i < count; ++i)
      impl_->listeners.push_back(restinio::run_async<traits_t>(
        restinio::own_io_context(),
        restinio::server_settings_t<traits_t>{}
          .address(options.bind)
          .port(i == 0 ? options.port : impl_->port.load())
          .incoming_http_msg_limits(restinio::incoming_http_msg_limits_t{}
                                      .max_body_size(hard_limit)
                                      .max_url_size(64 * 1024)
                                      .max_field_count(4096)
                                      .max_field_name_size(64 * 1024)
                                      .max_field_value_size(64 * 1024))
          .read_next_http_message_timelimit(read_limit)
          .connection_state_listener(std::make_shared<connection_counter>(ctx->connections, i))
          .acceptor_options_setter([count](restinio::acceptor_options_t& o) {
            o.set_option(restinio::asio_ns::ip::tcp::acceptor::reuse_address(true));
            if (count > 1)
              o.set_option(reuse_port(true));
          })
          .request_handler(
            [ctx, i](request_handle req) { return handle(*ctx, i, std::move(req)); })
          .acceptor_post_bind_hook([self](auto& acceptor) {
            self->port = acceptor.local_endpoint().port();
          }),
        1));
  } catch (const std::exception& e) {
    impl_->stop();
    throw std::runtime_error("cannot serve on " + options.bind + ":" +
                             std::to_string(options.port) + " (" + e.what() + ")");
  }
}

http_server::~http_server() {
  // Responders and WebSocket clients that actors still hold lose their handles here,
  // while the io_contexts they point into are alive; later answers are dropped.
  impl_->gate->close();
  impl_->stop();
}

std::uint16_t http_server::port() const noexcept { return impl_->port; }

std::uint64_t http_server::sending() noexcept { return answers_sending.load(); }

std::uint64_t http_server::sending_bytes() noexcept { return answers_sending_bytes.load(); }

} // namespace auralis::http
