#include "actors/cluster/remote_worker_actor.hpp"

#include <caf/typed_response_promise.hpp>

#include "actors/common/engine_error.hpp"

namespace auralis::actors {

worker_actor::behavior_type
remote_worker_impl(worker_actor::stateful_pointer<remote_worker_state> self,
                   remote_worker_settings settings) {
  self->state.settings = std::move(settings);
  return {
    [self](run_atom, job_spec& spec) -> caf::typed_response_promise<job_output> {
      auto& st = self->state.settings;
      auto promise = self->make_response_promise<job_output>();
      if (spec.source.path.empty()) {
        promise.delegate(st.local, run_atom::value, std::move(spec));
        return promise;
      }
      if (auto copy = st.cache->find(spec.source)) {
        spec.source.path = *copy;
        promise.delegate(st.local, run_atom::value, std::move(spec));
        return promise;
      }
      const auto source = spec.source;
      self->request(st.door, st.file_timeout, file_atom::value, source)
        .then(
          [self, promise, spec](audio_payload& bytes) mutable {
            auto& st = self->state.settings;
            try {
              const auto* data = bytes.data ? bytes.data->data() : nullptr;
              const auto size = bytes.data ? bytes.data->size() : 0;
              spec.source.path = st.cache->store(spec.source, data, size);
            } catch (const std::exception& e) {
              promise.deliver(make_engine_error(engine_errc::io_failure, e.what()));
              return;
            }
            promise.delegate(st.local, run_atom::value, std::move(spec));
          },
          [promise](caf::error& err) mutable { promise.deliver(std::move(err)); });
      return promise;
    },
    [self](release_atom) { self->send(self->state.settings.local, release_atom::value); },
  };
}

} // namespace auralis::actors
