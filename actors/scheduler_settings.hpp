#pragma once

#include <caf/actor_system_config.hpp>

namespace auralis::actors {

/// Sets the CAF scheduler every actor system of the engine runs with (server, benchmarks,
/// tests): max(2, `cores`) scheduler threads, and idle threads that spin for 20 steal
/// attempts and then sleep on their condition variable until work is enqueued.
///
/// CAF 0.17's default keeps an idle thread polling for another 25 ms in 50 us sleeps. On
/// a two-core machine that polling took the cores from the detached DSP workers and the
/// HTTP thread: an L3 decode cost a third more CPU and wall time, an L1 fetch about 120
/// context switches instead of about 30. Call before the actor_system is constructed.
void apply_scheduler_settings(caf::actor_system_config& cfg, unsigned cores);

} // namespace auralis::actors
