#pragma once

#include <stdexcept>
#include <string>

#include "actors/common/engine_error.hpp"

namespace auralis::actors {

/// A request the predictor refuses, with the engine error kind the actor answers with.
class predictor_error : public std::runtime_error {
public:
  predictor_error(engine_errc code, const std::string& message)
    : std::runtime_error(message), code_(code) {}

  /// unknown_preset, invalid_argument or not_found.
  engine_errc code() const noexcept { return code_; }

private:
  engine_errc code_;
};

} // namespace auralis::actors
