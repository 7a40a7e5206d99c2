#include "actors/common/actor_probe.hpp"

#include <algorithm>

namespace auralis::actors {

namespace {

thread_local actor_probe* this_thread_probe = nullptr;

double ms_between(actor_probe::clock::time_point a, actor_probe::clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

} // namespace

actor_probe::actor_probe(std::string name, std::string kind, clock::time_point now)
  : name_(std::move(name)), kind_(std::move(kind)), created_(now) {
  busy_second_.fill(-1);
}

void actor_probe::set_id(std::uint64_t id) {
  std::lock_guard<std::mutex> lock{mutex_};
  id_ = id;
}

void actor_probe::enqueued(const void* element, clock::time_point now) {
  std::lock_guard<std::mutex> lock{mutex_};
  if (!alive_)
    return;
  waiting_[element] = now;
  mailbox_max_ = std::max<std::uint64_t>(mailbox_max_, waiting_.size());
}

void actor_probe::dropped(const void* element) {
  std::lock_guard<std::mutex> lock{mutex_};
  if (waiting_.erase(element) > 0 || !alive_)
    ++dropped_;
}

void actor_probe::begin_locked(const void* element, clock::time_point now) {
  if (auto it = waiting_.find(element); it != waiting_.end()) {
    mailbox_time_.add(ms_between(it->second, now));
    waiting_.erase(it);
  }
  ++messages_;
  handling_ = true;
  handling_since_ = now;
}

void actor_probe::add_busy(std::int64_t second, std::int64_t ns) {
  const auto slot = static_cast<std::size_t>(second) % window_seconds;
  if (busy_second_[slot] != second) {
    busy_second_[slot] = second;
    busy_ns_[slot] = 0;
  }
  busy_ns_[slot] += ns;
}

void actor_probe::end(clock::time_point now) {
  std::lock_guard<std::mutex> lock{mutex_};
  if (!handling_)
    return;
  handling_ = false;
  processing_time_.add(ms_between(handling_since_, now));
  // The handling time goes to the seconds it spans, so a long job fills its whole stretch.
  auto from = handling_since_;
  while (from < now) {
    const auto second =
      std::chrono::duration_cast<std::chrono::seconds>(from - created_).count();
    const auto second_end = created_ + std::chrono::seconds(second + 1);
    const auto to = std::min(now, second_end);
    add_busy(second, std::chrono::duration_cast<std::chrono::nanoseconds>(to - from).count());
    from = to;
  }
}

void actor_probe::error(std::string text) {
  const double at =
    std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  std::lock_guard<std::mutex> lock{mutex_};
  ++errors_;
  last_error_ = std::move(text);
  last_error_at_ = at;
}

void actor_probe::stopped() {
  std::lock_guard<std::mutex> lock{mutex_};
  alive_ = false;
  waiting_.clear();
  handling_ = false;
}

bool actor_probe::alive() const {
  std::lock_guard<std::mutex> lock{mutex_};
  return alive_;
}

void actor_probe::replaces(const actor_probe& old) {
  const auto r = [&] {
    std::lock_guard<std::mutex> lock{old.mutex_};
    return old.restarts_;
  }();
  std::lock_guard<std::mutex> lock{mutex_};
  restarts_ = r + 1;
}

actor_figures actor_probe::figures(clock::time_point now) const {
  actor_figures f;
  f.name = name_;
  f.kind = kind_;
  std::lock_guard<std::mutex> lock{mutex_};
  f.id = id_;
  f.alive = alive_;
  f.messages = messages_;
  for (const auto& [key, k] : kinds_)
    f.by_kind.emplace_back(k.name, k.count);
  std::sort(f.by_kind.begin(), f.by_kind.end());
  f.mailbox = waiting_.size();
  f.mailbox_max = mailbox_max_;
  f.dropped = dropped_;
  f.mailbox_time = mailbox_time_;
  f.processing_time = processing_time_;
  // Busy share: the handling time of the last window_seconds whole seconds and of this
  // one so far (plus the message being handled now), over that stretch of wall time.
  const auto now_second =
    std::chrono::duration_cast<std::chrono::seconds>(now - created_).count();
  std::int64_t busy = 0;
  for (std::size_t i = 0; i < window_seconds; ++i)
    if (busy_second_[i] >= 0 &&
        busy_second_[i] > now_second - static_cast<std::int64_t>(window_seconds))
      busy += busy_ns_[i];
  const auto window_start =
    std::max(created_, created_ + std::chrono::seconds(now_second + 1 - window_seconds));
  if (handling_ && handling_since_ < now)
    busy += std::chrono::duration_cast<std::chrono::nanoseconds>(
              now - std::max(handling_since_, window_start)).count();
  const auto span = std::chrono::duration_cast<std::chrono::nanoseconds>(now - window_start).count();
  f.busy_share = span > 0 ? std::clamp(static_cast<double>(busy) / static_cast<double>(span),
                                       0.0, 1.0)
                          : 0.0;
  f.errors = errors_;
  f.last_error = last_error_;
  f.last_error_at = last_error_at_;
  f.restarts = restarts_;
  return f;
}

actor_probe* current_probe() noexcept {
  return this_thread_probe;
}

void set_current_probe(actor_probe* p) noexcept {
  this_thread_probe = p;
}

void report_actor_error(std::string text) {
  if (auto* p = this_thread_probe)
    p->error(std::move(text));
}

} // namespace auralis::actors
