#include "actors/scheduler_settings.hpp"

#include <algorithm>
#include <cstddef>

namespace auralis::actors {

void apply_scheduler_settings(caf::actor_system_config& cfg, unsigned cores) {
  cfg.set("scheduler.max-threads", static_cast<std::size_t>(std::max(2u, cores)));
  cfg.set("work-stealing.aggressive-poll-attempts", std::size_t{20});
  cfg.set("work-stealing.moderate-poll-attempts", std::size_t{0});
}

} // namespace auralis::actors
