#include "load/scenario.hpp"

namespace auralis::load {

int preset_index(std::string_view name) {
  for (std::size_t i = 0; i < preset_count; ++i)
    if (preset_names[i] == name)
      return static_cast<int>(i);
  return -1;
}

} // namespace auralis::load
