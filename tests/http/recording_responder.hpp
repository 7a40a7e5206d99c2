#pragma once

// A responder for tests of code that answers HTTP requests: it records what it was asked
// to send instead of writing to a connection.

#include <string>
#include <utility>
#include <vector>

#include "http/http_call.hpp"

namespace auralis::http::test {

/// Records every answer it was asked to send; the fields hold the last one.
struct recording_responder final : http_responder {
  void send(int s, const std::string& type, std::string b,
            const std::vector<http_header>& h) override {
    ++sends;
    status = s;
    content_type = type;
    body = std::move(b);
    headers = h;
  }
  void send_parts(int s, const std::string& type, std::string, shared_bytes,
                  const std::vector<http_header>& h) override {
    ++sends;
    status = s;
    content_type = type;
    headers = h;
  }
  int sends = 0;                    ///< answers sent
  int status = 0;                   ///< the last answer's status
  std::string content_type;         ///< its content type
  std::string body;                 ///< its body (send only)
  std::vector<http_header> headers; ///< its extra headers
};

} // namespace auralis::http::test
