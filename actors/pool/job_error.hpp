#pragma once

#include <stdexcept>
#include <string>

#include "actors/common/engine_error.hpp"

namespace auralis::actors {

/// A job that cannot be done for a reason the engine reports as such (unknown preset,
/// chunk past the end, changed source): job_runner throws it, the worker answers
/// make_engine_error(code(), what()).
class job_error : public std::runtime_error {
public:
  /// `code` is what the requester receives; `message` becomes the error's detail.
  job_error(engine_errc code, const std::string& message)
    : std::runtime_error(message), code_(code) {}

  /// The engine error this failure is reported as.
  engine_errc code() const noexcept { return code_; }

private:
  engine_errc code_;
};

} // namespace auralis::actors
