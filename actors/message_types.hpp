#pragma once

#include <caf/actor_system_config.hpp>

namespace auralis::actors {

/// Registers every message type of the engine's interfaces (so they can also cross a
/// process boundary) and the "auralis" error category. Call once per actor_system_config.
void add_message_types(caf::actor_system_config& cfg);

} // namespace auralis::actors
