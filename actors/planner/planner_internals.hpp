#pragma once

// What the planner's own files share: the actor's pointer and the helpers that both its
// planning rounds and its fetch path use. Not for use outside actors/planner/.

#include <chrono>
#include <cstdint>
#include <functional>

#include "actors/planner/planner_actor.hpp"

namespace auralis::actors::planner_detail {

using planner_pointer = planner_actor::stateful_pointer<planner_state>;
using wall_clock = std::chrono::steady_clock;

/// Runs `cont` once the track's info and analysis are held (or with the error that
/// prevented it).
void with_track(planner_pointer self, std::int64_t track_id,
                std::function<void(const caf::error&)> cont);

/// Logs a failed job once per file; a changed or vanished file drops the track's data so
/// its next use reloads it, and the track is left out of plans until then.
void note_failure(planner_pointer self, const cache_key& key, const caf::error& err);

/// A render job for `key` at `priority`; the track must be ready.
job_spec render_spec(planner_pointer self, const cache_key& key, job_priority priority,
                     double probability);

/// Puts `payload` into tier `t`; the reply only matters for logs and for the wanted keys
/// it evicted (planner_state::crowded_out).
void put_into(planner_pointer self, tier_id t, const cache_key& key, audio_payload payload,
              double probability);

} // namespace auralis::actors::planner_detail
