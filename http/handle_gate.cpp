#include "http/handle_gate.hpp"

namespace auralis::http {

bool handle_gate::join(holder& h) {
  std::lock_guard<std::mutex> guard(mutex_);
  if (closed_ || h.joined_)
    return !closed_;
  h.prev_ = nullptr;
  h.next_ = first_;
  if (first_)
    first_->prev_ = &h;
  first_ = &h;
  h.joined_ = true;
  ++count_;
  return true;
}

void handle_gate::leave(holder& h) {
  std::lock_guard<std::mutex> guard(mutex_);
  if (!h.joined_)
    return;
  if (h.prev_)
    h.prev_->next_ = h.next_;
  else
    first_ = h.next_;
  if (h.next_)
    h.next_->prev_ = h.prev_;
  h.prev_ = h.next_ = nullptr;
  h.joined_ = false;
  --count_;
  h.drop_handle();
}

void handle_gate::close() {
  std::lock_guard<std::mutex> guard(mutex_);
  closed_ = true;
  for (auto* h = first_; h != nullptr;) {
    auto* next = h->next_;
    h->prev_ = h->next_ = nullptr;
    h->joined_ = false;
    h->drop_handle();
    h = next;
  }
  first_ = nullptr;
  count_ = 0;
}

std::size_t handle_gate::holders() const {
  std::lock_guard<std::mutex> guard(mutex_);
  return count_;
}

bool handle_gate::closed() const {
  std::lock_guard<std::mutex> guard(mutex_);
  return closed_;
}

} // namespace auralis::http
