#include "http/http_server.hpp"

#include <atomic>
#include <cctype>
#include <set>
#include <stdexcept>

#include <restinio/all.hpp>
#include <spdlog/spdlog.h>

#include "config/json_writer.hpp"
#include "http/routes.hpp"

namespace auralis::http {

namespace {

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

/// Answers a request through RESTinio, once.
class restinio_responder final : public http_responder {
public:
  explicit restinio_responder(request_handle req) : req_(std::move(req)) {}

  void send(int status, const std::string& content_type, std::string body,
            const std::vector<http_header>& headers) override {
    if (sent_.exchange(true))
      return;
    try {
      auto resp = req_->create_response(restinio::http_status_line_t{
        restinio::http_status_code_t{static_cast<std::uint16_t>(status)}, reason(status)});
      resp.append_header(restinio::http_field::content_type, content_type);
      resp.append_header(restinio::http_field::server, "auralis-buffer");
      for (const auto& [name, value] : headers)
        resp.append_header(name, value);
      resp.set_body(std::move(body));
      resp.done();
    } catch (const std::exception& e) {
      spdlog::warn("http: cannot answer {} {}: {}", req_->header().method().c_str(),
                   req_->header().request_target(), e.what());
    }
  }

  /// The standard reason phrase of `status`.
  static std::string reason(int status) {
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
      case 500: return "Internal Server Error";
      case 503: return "Service Unavailable";
      default: return "Status";
    }
  }

private:
  request_handle req_;
  std::atomic<bool> sent_{false};
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

/// Builds the router: every route of all_routes(), 405 for other methods on those paths,
/// 404 for everything else.
std::unique_ptr<router_t> make_router(const http_server::dispatch_fn& dispatch) {
  auto router = std::make_unique<router_t>();
  std::map<std::string, std::vector<restinio::http_method_id_t>> methods_by_path;
  for (const auto& spec : all_routes()) {
    const auto method = method_of(spec.method);
    methods_by_path[spec.path].push_back(method);
    const route_id id = spec.id;
    const auto param_names = param_names_of(spec.path);
    router->add_handler(method, spec.path, [dispatch, id, param_names](
                                             request_handle req,
                                             restinio::router::route_params_t params) {
      try {
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
        dispatch(std::move(call));
        return restinio::request_accepted();
      } catch (const std::exception& e) {
        spdlog::error("http: {} failed before dispatch: {}", req->header().request_target(),
                      e.what());
        return answer_now(req, 500, "internal error");
      }
    });
  }
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

http_server::http_server(const std::string& bind, std::uint16_t port, std::size_t threads,
                         dispatch_fn dispatch)
  : impl_(std::make_unique<impl>()) {
  auto* self = impl_.get();
  try {
    impl_->server = restinio::run_async<traits_t>(
      restinio::own_io_context(),
      restinio::server_settings_t<traits_t>{}
        .address(bind)
        .port(port)
        .request_handler(make_router(dispatch))
        .acceptor_post_bind_hook([self](auto& acceptor) {
          self->port = acceptor.local_endpoint().port();
        }),
      threads);
  } catch (const std::exception& e) {
    throw std::runtime_error("cannot serve on " + bind + ":" + std::to_string(port) + " (" +
                             e.what() + ")");
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
