#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <utility>

#include "http/http_call.hpp"

namespace auralis::http {

/// One question an actor was asked on behalf of an HTTP request: open until its answer
/// (or error) arrives or its deadline passes, whichever is first.
class ask_ticket {
public:
  explicit ask_ticket(std::shared_ptr<http_responder> responder)
    : responder_(std::move(responder)) {}

  /// Closes the ticket; true for the first call only (the caller then owns the answer).
  /// Drops the responder, so a closed ticket no longer holds the connection.
  bool close() noexcept {
    if (!responder_)
      return false;
    responder_.reset();
    return true;
  }

  /// Whether close() was not called yet.
  bool open() const noexcept { return static_cast<bool>(responder_); }

  /// The responder while open (null after close()).
  const std::shared_ptr<http_responder>& responder() const noexcept { return responder_; }

private:
  std::shared_ptr<http_responder> responder_;
};

using ask_ticket_ptr = std::shared_ptr<ask_ticket>;

/// The deadlines of an actor's pending asks, all with the same timeout, so they expire in
/// the order they were opened. One timer per sweep replaces a clock event per request
/// (CAF's request timeouts wake its clock thread twice per request: to set and to cancel).
/// Not thread-safe: owned and used by one actor.
class ask_deadlines {
public:
  using clock = std::chrono::steady_clock;

  /// Deadlines are `timeout` after opening.
  explicit ask_deadlines(std::chrono::milliseconds timeout) : timeout_(timeout) {}

  /// Opens a ticket for `responder` due at now + timeout. Closed tickets at the front are
  /// forgotten on the way.
  ask_ticket_ptr open(std::shared_ptr<http_responder> responder, clock::time_point now);

  /// Closes every open ticket whose deadline is not after `now` and answers it 503 "the
  /// engine did not answer in time" with `Retry-After: 1`; forgets closed tickets at the
  /// front. Returns when the next open ticket is due (nullopt: none is open).
  std::optional<clock::time_point> sweep(clock::time_point now);

  /// Tickets still remembered (open or closed behind an open one).
  std::size_t size() const noexcept { return pending_.size(); }

  /// Tickets answered 503 by sweep() so far.
  std::uint64_t expired() const noexcept { return expired_; }

  /// The timeout each ticket gets.
  std::chrono::milliseconds timeout() const noexcept { return timeout_; }

private:
  std::chrono::milliseconds timeout_;
  std::deque<std::pair<clock::time_point, ask_ticket_ptr>> pending_;
  std::uint64_t expired_ = 0;
};

} // namespace auralis::http
