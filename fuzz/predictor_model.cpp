// Fuzz target: the predictor's learned model file (<data_dir>/predictor-model.json, see
// docs/predictor.md) through its text entry point predictor::restore_model, on a predictor
// built from the shipped configuration.
//
// std::runtime_error (not JSON, another format or version, a bad value) is the documented
// failure, and then nothing may change. A model that loads must save as a file that loads
// again to the same model. Anything else is a finding.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "actors/predictor/predictor.hpp"
#include "config/config_loader.hpp"

namespace {

using auralis::actors::predictor;
using auralis::actors::predictor_settings;

/// A fresh predictor over the shipped presets and rules.
predictor fresh_predictor() {
  static const predictor_settings settings =
    predictor_settings::from(auralis::config::config_loader::load_embedded());
  return predictor(settings, predictor::time_point{});
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  predictor p = fresh_predictor();
  const std::string before = p.model_json();
  try {
    p.restore_model(text);
  } catch (const std::runtime_error&) {
    if (p.model_json() != before)
      std::abort(); // documented: nothing changes when it throws
    return 0;
  }
  if (p.dirty())
    std::abort(); // documented: a restored model is as saved

  const std::string saved = p.model_json();
  predictor again = fresh_predictor();
  try {
    // Every preset name it writes is one the set knows.
    if (!again.restore_model(saved).empty())
      std::abort();
  } catch (const std::runtime_error&) {
    std::abort(); // what the predictor saves must load
  }
  if (again.model_json() != saved)
    std::abort();
  return 0;
}
