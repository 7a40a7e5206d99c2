#include "actors/common/probe_registry.hpp"

namespace auralis::actors {

std::shared_ptr<actor_probe> probe_registry::make(std::string name, std::string kind) {
  auto probe = std::make_shared<actor_probe>(std::move(name), std::move(kind));
  std::lock_guard<std::mutex> lock{mutex_};
  for (auto& p : probes_)
    if (p->name() == probe->name() && !p->alive()) {
      probe->replaces(*p);
      p = probe;
      return probe;
    }
  probes_.push_back(probe);
  return probe;
}

std::vector<actor_figures> probe_registry::figures() const {
  std::vector<std::shared_ptr<actor_probe>> probes;
  {
    std::lock_guard<std::mutex> lock{mutex_};
    probes = probes_;
  }
  const auto now = actor_probe::clock::now();
  std::vector<actor_figures> out;
  out.reserve(probes.size());
  for (const auto& p : probes)
    out.push_back(p->figures(now));
  return out;
}

system_figures probe_registry::totals(const std::vector<actor_figures>& figures) {
  system_figures s;
  for (const auto& f : figures) {
    s.running_actors += f.alive ? 1 : 0;
    s.queued_messages += f.mailbox;
    s.dropped_messages += f.dropped;
  }
  return s;
}

} // namespace auralis::actors
