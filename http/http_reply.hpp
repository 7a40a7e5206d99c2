#pragma once

#include <cstdint>
#include <string>

#include <caf/error.hpp>

#include "http/http_call.hpp"

namespace auralis::http {

/// {"detail": detail}: the body of every error answer.
std::string detail_json(const std::string& detail);

/// Answers `status` with a JSON body.
void reply_json(http_responder& r, int status, std::string json);

/// Seconds a 503 asks the client to wait (Retry-After) when no better estimate is known.
inline constexpr std::uint32_t default_retry_after_s = 1;

/// Answers `status` with {"detail": detail}, the error shape the web UI expects. A 503
/// carries `Retry-After: <retry_after_s>` (seconds, at least 1).
void reply_detail(http_responder& r, int status, const std::string& detail,
                  std::uint32_t retry_after_s = default_retry_after_s);

/// The HTTP status for an actor's error: engine errors map by kind (unknown ids 404, bad
/// arguments 400, ...), a request timeout or a dead actor 503.
int status_for(const caf::error& err);

/// Answers an actor's error as status_for(err) with a detail naming it; a 503 carries
/// Retry-After: the error's own estimate (engine_retry_after_of, an overloaded pool) or
/// default_retry_after_s.
void reply_actor_error(http_responder& r, const caf::error& err);

} // namespace auralis::http
