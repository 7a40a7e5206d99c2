#pragma once

#include <string>

#include <caf/error.hpp>

#include "http/http_call.hpp"

namespace auralis::http {

/// Answers `status` with a JSON body.
void reply_json(http_responder& r, int status, std::string json);

/// Answers `status` with {"detail": detail}, the error shape the web UI expects.
void reply_detail(http_responder& r, int status, const std::string& detail);

/// The HTTP status for an actor's error: engine errors map by kind (unknown ids 404, bad
/// arguments 400, ...), a request timeout or a dead actor 503.
int status_for(const caf::error& err);

/// Answers an actor's error as status_for(err) with a detail naming it.
void reply_actor_error(http_responder& r, const caf::error& err);

} // namespace auralis::http
