#pragma once

#include <cstddef>
#include <mutex>

namespace auralis::http {

/// Keeps connection handles that outlive a request handler from outliving the server.
/// A responder or WebSocket client of the server holds a RESTinio handle while other
/// threads (actors) hold it; the handle's destructor touches the server's io_context, so
/// it must not run after the server is gone. Each such holder joins the gate, uses and
/// drops its handle only under lock(), and close() (before the server is destroyed) takes
/// every handle away; a holder without a handle does nothing. Thread-safe.
class handle_gate {
public:
  /// An owner of a server handle.
  class holder {
  public:
    /// Drops the handle; called under the gate's lock, by leave() or close(), once.
    virtual void drop_handle() noexcept = 0;

  protected:
    holder() = default;
    ~holder() = default;
    holder(const holder&) = delete;
    holder& operator=(const holder&) = delete;

  private:
    friend class handle_gate;
    holder* prev_ = nullptr;  ///< the gate's list of holders, guarded by its lock
    holder* next_ = nullptr;
    bool joined_ = false;
  };

  /// Adds `h` (nothing when it is in already); false, and `h` not added, once the gate
  /// is closed.
  bool join(holder& h);

  /// Drops `h`'s handle and forgets `h`; nothing when `h` is not in (never joined, or
  /// already dropped by close()). Holders call it from their destructor.
  void leave(holder& h);

  /// Drops every holder's handle and refuses new ones. Idempotent.
  void close();

  /// The gate's lock: a holder uses its handle only while it holds it.
  std::unique_lock<std::mutex> lock() { return std::unique_lock<std::mutex>(mutex_); }

  /// Holders joined and not yet dropped.
  std::size_t holders() const;

  /// Whether close() was called.
  bool closed() const;

private:
  mutable std::mutex mutex_;
  bool closed_ = false;
  holder* first_ = nullptr;  ///< an intrusive list: joining allocates nothing
  std::size_t count_ = 0;
};

} // namespace auralis::http
