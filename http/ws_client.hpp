#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <caf/allowed_unsafe_message_type.hpp>

namespace auralis::http {

/// One WebSocket client connection, as the event hub sees it (the server implements it
/// over RESTinio; the tests over a fake). Only its owner (the hub) calls it.
class ws_client {
public:
  /// Called once per send_text when the message was written (true) or could not be
  /// (false: connection gone). May run on any thread.
  using written_fn = std::function<void(bool ok)>;

  virtual ~ws_client() = default;

  /// The connection's id, unique within the server.
  virtual std::uint64_t id() const noexcept = 0;

  /// Starts reading the peer's frames (needed to notice a close). Called once, by the
  /// owner, after it registered the connection.
  virtual void start() = 0;

  /// Queues `text` as one text frame; never waits for the network. `written` is called
  /// exactly once, also when the connection is already gone.
  virtual void send_text(std::string text, written_fn written) = 0;

  /// Closes the connection: with a close frame after what is queued when `graceful`,
  /// at once (queued data dropped) otherwise. Idempotent.
  virtual void close(bool graceful) = 0;
};

/// A client connection handed to the hub.
using ws_client_ptr = std::shared_ptr<ws_client>;

} // namespace auralis::http

// A live connection: never leaves the process.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(auralis::http::ws_client_ptr)
