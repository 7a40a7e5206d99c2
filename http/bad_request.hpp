#pragma once

#include <stdexcept>
#include <string>

namespace auralis::http {

/// A request the client got wrong; what() is the `detail` of the answer and status() its
/// HTTP status (400 unless said otherwise, e.g. 401 for a missing token).
class bad_request : public std::runtime_error {
public:
  explicit bad_request(const std::string& detail, int status = 400)
    : std::runtime_error(detail), status_(status) {}

  /// The HTTP status to answer with.
  int status() const noexcept { return status_; }

private:
  int status_;
};

} // namespace auralis::http
