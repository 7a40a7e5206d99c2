#include "actors/demotion_actor.hpp"

#include <spdlog/spdlog.h>

namespace auralis::actors {

demotion_sink::behavior_type demotion_actor_impl(demotion_sink::stateful_pointer<demotion_state> self,
                                                 worker_pool_actor pool, tier_actor l3) {
  self->state.pool = std::move(pool);
  self->state.l3 = std::move(l3);
  return {
    [self](demote_atom, tier_departure& d) {
      ++self->state.received;
      job_spec job;
      job.kind = job_kind::encode;
      job.key = d.key;
      job.priority = job_priority::l3;
      job.probability = d.probability;
      job.input = std::move(d.payload);
      const double probability = d.probability;
      self->request(self->state.pool, caf::infinite, submit_atom::value, std::move(job))
        .then(
          [self, probability](job_output& out) {
            self->request(self->state.l3, caf::infinite, caf::put_atom::value, out.key,
                          std::move(out.output), probability)
              .then(
                [self](const put_reply& r) {
                  if (r.status == put_status::too_large)
                    ++self->state.failed;
                  else
                    ++self->state.stored;
                },
                [self](const caf::error&) { ++self->state.failed; });
          },
          [self, key = d.key](const caf::error& err) {
            ++self->state.failed;
            spdlog::warn("demotion: {} could not be compressed: {}", to_string(key),
                         self->system().render(err));
          });
    },
  };
}

} // namespace auralis::actors
