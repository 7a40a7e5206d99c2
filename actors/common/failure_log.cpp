#include "actors/common/failure_log.hpp"

#include "actors/common/actor_probe.hpp"

#include <utility>

#include <spdlog/spdlog.h>

namespace auralis::actors {

failure_log::failure_log(std::string who, clock::duration every)
  : who_(std::move(who)), every_(every) {}

bool failure_log::note(const std::string& what, const std::string& error,
                       clock::time_point now) {
  ++total_;
  report_actor_error(what + " failed: " + error);
  if (logged_ && now - last_ < every_) {
    ++left_out_;
    return false;
  }
  last_line_ = who_ + ": " + what + " failed: " + error;
  if (left_out_ > 0)
    last_line_ += " (" + std::to_string(left_out_) +
                  (left_out_ == 1 ? " more failure" : " more failures") + " since the last line)";
  spdlog::warn("{}", last_line_);
  logged_ = true;
  last_ = now;
  left_out_ = 0;
  return true;
}

} // namespace auralis::actors
