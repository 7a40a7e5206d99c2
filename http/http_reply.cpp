#include "http/http_reply.hpp"

#include <caf/sec.hpp>

#include "actors/common/engine_error.hpp"
#include "config/json_writer.hpp"

namespace auralis::http {

using actors::engine_errc;

std::string detail_json(const std::string& detail) {
  config::json_writer w;
  return w.begin_object().field("detail", detail).end_object().take();
}

void reply_json(http_responder& r, int status, std::string json) {
  r.send(status, "application/json", std::move(json), {});
}

void reply_detail(http_responder& r, int status, const std::string& detail,
                  std::uint32_t retry_after_s) {
  std::vector<http_header> headers;
  if (status == 503)
    headers.emplace_back("Retry-After", std::to_string(retry_after_s < 1 ? 1u : retry_after_s));
  r.send(status, "application/json", detail_json(detail), headers);
}

int status_for(const caf::error& err) {
  if (auto code = actors::engine_code_of(err)) {
    switch (static_cast<engine_errc>(code)) {
      case engine_errc::unknown_track:
      case engine_errc::unknown_chunk:
      case engine_errc::not_found: return 404;
      case engine_errc::unknown_preset:
      case engine_errc::invalid_argument: return 400;
      case engine_errc::too_large: return 413;
      case engine_errc::unreadable_file: return 422;
      case engine_errc::io_failure:
      case engine_errc::corrupt_entry:
      case engine_errc::timed_out:
      case engine_errc::source_changed:
      case engine_errc::cancelled:
      case engine_errc::overloaded:
      case engine_errc::worker_failed: return 503;
    }
  }
  return 503;
}

void reply_actor_error(http_responder& r, const caf::error& err) {
  std::string detail = actors::engine_detail_of(err);
  if (detail.empty()) {
    if (err == caf::sec::request_timeout)
      detail = "the engine did not answer in time";
    else
      detail = "the engine cannot answer now";
  }
  const std::uint32_t retry = actors::engine_retry_after_of(err);
  reply_detail(r, status_for(err), detail, retry > 0 ? retry : default_retry_after_s);
}

} // namespace auralis::http
