#include "http/http_server.hpp"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <map>
#include <stdexcept>

#include <restinio/all.hpp>
#include <restinio/websocket/websocket.hpp>
#include <spdlog/spdlog.h>

#include "config/json_writer.hpp"
#include "http/routes.hpp"

namespace auralis::http {

namespace {

namespace rws = restinio::websocket::basic;

/// Forwards RESTinio's warnings and errors to spdlog (its default logger drops them).
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
    spdlog::error("http: {}", b());
  }
};

using router_t = restinio::router::express_router_t<>;
using traits_t =
  restinio::traits_t<restinio::asio_timer_manager_t, spdlog_restinio_logger, router_t>;
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
    case 422: return "Unprocessable Entity";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Status";
  }
}

/// Answers a request through RESTinio, once.
class restinio_responder final : public http_responder {
public:
  explicit restinio_responder(request_handle req) : req_(std::move(req)) {}

  void send(int status, const std::string& content_type, std::string body,
            const std::vector<http_header>& headers) override {
    answer(status, content_type, headers, [&](auto& resp) { resp.set_body(std::move(body)); });
  }

  void send_parts(int status, const std::string& content_type, std::string head,
                  shared_bytes tail, const std::vector<http_header>& headers) override {
    answer(status, content_type, headers, [&](auto& resp) {
      resp.set_body(std::move(head));
      if (tail && !tail->empty())
        resp.append_body(restinio::writable_item_t{std::move(tail)});
    });
  }

private:
  template <class Fill>
  void answer(int status, const std::string& content_type,
              const std::vector<http_header>& headers, Fill&& fill) {
    if (sent_.exchange(true))
      return;
    try {
      auto resp = req_->create_response(restinio::http_status_line_t{
        restinio::http_status_code_t{static_cast<std::uint16_t>(status)}, reason_of(status)});
      resp.append_header(restinio::http_field::content_type, content_type);
      resp.append_header(restinio::http_field::server, "auralis-buffer");
      for (const auto& [name, value] : headers)
        resp.append_header(name, value);
      fill(resp);
      resp.done();
    } catch (const std::exception& e) {
      spdlog::warn("http: cannot answer {} {}: {}", req_->header().method().c_str(),
                   req_->header().request_target(), e.what());
    }
  }

  request_handle req_;
  std::atomic<bool> sent_{false};
};

/// A WebSocket connection over RESTinio. Only the event hub calls it.
class restinio_ws_client final : public ws_client {
public:
  restinio_ws_client(rws::ws_handle_t ws, std::uint64_t id) : ws_(std::move(ws)), id_(id) {}

  ~restinio_ws_client() override { close(true); }

  std::uint64_t id() const noexcept override { return id_; }

  void start() override {
    if (ws_)
      activate(*ws_); // a friend of ws_t, found by argument-dependent lookup
  }

  void send_text(std::string text, written_fn written) override {
    if (!ws_) {
      written(false);
      return;
    }
    try {
      ws_->send_message(rws::final_frame, rws::opcode_t::text_frame,
                        restinio::writable_item_t{std::move(text)},
                        [written](const restinio::asio_ns::error_code& ec) { written(!ec); });
    } catch (const std::exception&) {
      written(false);
    }
  }

  void close(bool graceful) override {
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

private:
  rws::ws_handle_t ws_;
  std::uint64_t id_;
};

std::string detail_json(const std::string& detail) {
  config::json_writer w;
  w.begin_object().field("detail", detail).end_object();
  return w.take();
}

restinio::request_handling_status_t answer_now(const request_handle& req, int status,
                                               const std::string& detail) {
  restinio_responder(req).send(status, "application/json", detail_json(detail), {});
  return restinio::request_accepted();
}

restinio::http_method_id_t method_of(const std::string& name) {
  if (name == "GET")
    return restinio::http_method_get();
  if (name == "POST")
    return restinio::http_method_post();
  if (name == "PUT")
    return restinio::http_method_put();
  if (name == "DELETE")
    return restinio::http_method_delete();
  throw std::logic_error("routes.cpp names an unsupported method " + name);
}

/// Names of the ":name" parameters of an express pattern, in order.
std::vector<std::string> param_names_of(const std::string& pattern) {
  std::vector<std::string> names;
  for (std::size_t i = pattern.find(':'); i != std::string::npos; i = pattern.find(':', i)) {
    std::size_t end = ++i;
    while (end < pattern.size() && (std::isalnum(static_cast<unsigned char>(pattern[end])) ||
                                    pattern[end] == '_'))
      ++end;
    names.push_back(pattern.substr(i, end - i));
    i = end;
  }
  return names;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

/// Path of the WebSocket endpoint.
constexpr const char* ws_path = "/api/ws";

/// Everything the router's handlers need.
struct handler_context {
  http_server::dispatch_fn dispatch;
  http_server::ws_open_fn ws_open;
  http_server::ws_closed_fn ws_closed;
  std::uint64_t max_body_bytes = 0;
};

/// Upgrades GET /api/ws and hands the connection on; 400 when it is no upgrade request.
restinio::request_handling_status_t upgrade_ws(const handler_context& ctx, request_handle req) {
  const auto& h = req->header();
  if (!h.has_field(restinio::http_field::upgrade) ||
      !iequals(h.get_field(restinio::http_field::upgrade), "websocket") ||
      !h.has_field(restinio::http_field::sec_websocket_key))
    return answer_now(req, 400, "GET /api/ws expects a WebSocket upgrade request");
  const std::uint64_t id = req->connection_id();
  auto closed = ctx.ws_closed;
  auto ws = rws::upgrade<traits_t>(
    *req, rws::activation_t::delayed,
    [closed, id](const rws::ws_handle_t&, const rws::message_handle_t& m) {
      // Only a close (from the peer, or for a failed connection) matters: the engine
      // only sends on this socket.
      if (m->opcode() == rws::opcode_t::connection_close_frame)
        closed(id);
    });
  ctx.ws_open(std::make_shared<restinio_ws_client>(std::move(ws), id));
  return restinio::request_accepted();
}

/// Builds the router: every route of all_routes() and /api/ws, 405 for other methods on
/// those paths, 404 for everything else.
std::unique_ptr<router_t> make_router(std::shared_ptr<const handler_context> ctx) {
  auto router = std::make_unique<router_t>();
  std::map<std::string, std::vector<restinio::http_method_id_t>> methods_by_path;
  for (const auto& spec : all_routes()) {
    const auto method = method_of(spec.method);
    methods_by_path[spec.path].push_back(method);
    const route_id id = spec.id;
    const auto param_names = param_names_of(spec.path);
    router->add_handler(method, spec.path, [ctx, id, param_names](
                                             request_handle req,
                                             restinio::router::route_params_t params) {
      try {
        if (req->body().size() > ctx->max_body_bytes)
          return answer_now(req, 413, "request body larger than " +
                                        std::to_string(ctx->max_body_bytes) + " bytes");
        http_call call;
        call.request.route = id;
        call.request.method = req->header().method().c_str();
        call.request.target = req->header().request_target();
        call.request.query = std::string(req->header().query());
        call.request.body = req->body();
        if (req->header().has_field(restinio::http_field::authorization))
          call.request.authorization = req->header().get_field(restinio::http_field::authorization);
        for (const auto& name : param_names)
          if (params.has(name))
            call.request.params.emplace(name, std::string(params[name]));
        call.responder = std::make_shared<restinio_responder>(req);
        ctx->dispatch(std::move(call));
        return restinio::request_accepted();
      } catch (const std::exception& e) {
        spdlog::error("http: {} failed before dispatch: {}", req->header().request_target(),
                      e.what());
        return answer_now(req, 500, "internal error");
      }
    });
  }
  router->http_get(ws_path, [ctx](request_handle req, restinio::router::route_params_t) {
    try {
      return upgrade_ws(*ctx, req);
    } catch (const std::exception& e) {
      spdlog::warn("http: websocket upgrade failed: {}", e.what());
      return restinio::request_rejected();
    }
  });
  methods_by_path[ws_path].push_back(restinio::http_method_get());
  for (const auto& [path, methods] : methods_by_path) {
    restinio::router::dynamic_none_of_methods_matcher_t not_allowed;
    for (const auto& m : methods)
      not_allowed.add(m);
    router->add_handler(std::move(not_allowed), path,
                        [](request_handle req, restinio::router::route_params_t) {
      return answer_now(req, 405, "method " + std::string(req->header().method().c_str()) +
                                    " not allowed on " + std::string(req->header().path()));
    });
  }
  router->non_matched_request_handler([](request_handle req) {
    return answer_now(req, 404, "no route for " + std::string(req->header().path()));
  });
  return router;
}

} // namespace

struct http_server::impl {
  std::atomic<std::uint16_t> port{0};
  restinio::running_server_handle_t<traits_t> server;
};

http_server::http_server(const http_server_options& options, dispatch_fn dispatch,
                         ws_open_fn ws_open, ws_closed_fn ws_closed)
  : impl_(std::make_unique<impl>()) {
  auto* self = impl_.get();
  auto ctx = std::make_shared<handler_context>();
  ctx->dispatch = std::move(dispatch);
  ctx->ws_open = std::move(ws_open);
  ctx->ws_closed = std::move(ws_closed);
  ctx->max_body_bytes = options.max_body_bytes;
  // Bodies up to the hard limit are read and answered 413 by the handler; beyond it the
  // parser stops reading and the connection is closed.
  const std::uint64_t hard_limit =
    std::max<std::uint64_t>(options.max_body_bytes * 16, 1024 * 1024);
  try {
    impl_->server = restinio::run_async<traits_t>(
      restinio::own_io_context(),
      restinio::server_settings_t<traits_t>{}
        .address(options.bind)
        .port(options.port)
        .incoming_http_msg_limits(restinio::incoming_http_msg_limits_t{}
                                    .max_body_size(hard_limit)
                                    .max_url_size(16 * 1024)
                                    .max_field_count(256)
                                    .max_field_value_size(16 * 1024))
        .request_handler(make_router(std::move(ctx)))
        .acceptor_post_bind_hook([self](auto& acceptor) {
          self->port = acceptor.local_endpoint().port();
        }),
      options.threads);
  } catch (const std::exception& e) {
    throw std::runtime_error("cannot serve on " + options.bind + ":" +
                             std::to_string(options.port) + " (" + e.what() + ")");
  }
}

http_server::~http_server() {
  if (impl_->server) {
    impl_->server->stop();
    impl_->server->wait();
  }
}

std::uint16_t http_server::port() const noexcept { return impl_->port; }

} // namespace auralis::http
