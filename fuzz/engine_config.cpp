// Fuzz target: the configuration files' text (config/auralis.json and config/presets.json
// shapes). Every input is parsed as an engine config, validated when it parses, and
// parsed as a presets file. config_error is the documented failure; anything else is a
// finding.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>


#include "config/config_loader.hpp"

namespace {

using auralis::config::config_error;
using auralis::config::config_loader;

void engine(const std::string& text) {
  try {
    auto cfg = config_loader::parse_engine(text, "fuzz.json");
    config_loader::validate(cfg, "fuzz.json");
  } catch (const config_error& e) {
    if (e.file() != "fuzz.json")
      std::abort();
  }
}

void presets(const std::string& text) {
  try {
    const auto set = config_loader::parse_presets(text, "fuzz.json");
    if (set.all().empty())
      std::abort(); // documented by the loader: at least one preset
    const auto capped = config_loader::cap_true_peak(set, -1.0);
    for (const auto& p : capped.all())
      if (p.name.empty() || !(p.peak_target_db <= -1.0))
        std::abort();
  } catch (const config_error& e) {
    if (e.file() != "fuzz.json")
      std::abort();
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  engine(text);
  presets(text);
  return 0;
}
