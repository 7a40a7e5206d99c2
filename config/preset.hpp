#pragma once

#include <optional>
#include <string>
#include <vector>

namespace auralis::config {

/// Gains of the five EQ bands, in dB.
struct eq_gains {
  double low_db = 0;      ///< low shelf, about 200 Hz
  double low_mid_db = 0;  ///< peaking, about 400 Hz
  double mid_db = 0;      ///< peaking, about 1.5 kHz
  double high_mid_db = 0; ///< peaking, about 5 kHz
  double high_db = 0;     ///< high shelf, about 8 kHz
};

/// Feed-forward compressor settings.
struct compressor_params {
  double ratio = 1;         ///< input dB over threshold per output dB, >= 1
  double threshold_db = 0;  ///< dBFS
  double attack_ms = 10;    ///< > 0
  double release_ms = 100;  ///< > 0
};

/// Lookahead peak limiter settings.
struct limiter_params {
  double threshold_db = -1; ///< dBFS where limiting starts
  double release_ms = 100;  ///< > 0
};

/// One mastering preset, as in config/presets.json.
struct preset {
  std::string name;
  eq_gains eq;
  compressor_params compressor;
  limiter_params limiter;
  double eq_blend = 1;         ///< 0..1 wet share of the EQ
  double dynamics_blend = 1;   ///< 0..1 wet share of the compressor (parallel mix)
  double target_lufs = -14;    ///< integrated loudness target
  double peak_target_db = -1;  ///< output sample-peak ceiling, dBFS
};

/// The presets the engine knows, in file order.
class preset_set {
public:
  preset_set() = default;
  explicit preset_set(std::vector<preset> presets) : presets_(std::move(presets)) {}

  /// All presets in file order.
  const std::vector<preset>& all() const noexcept { return presets_; }

  /// The preset named `name` (exact, case-sensitive), or nullptr.
  const preset* find(const std::string& name) const noexcept {
    for (const auto& p : presets_)
      if (p.name == name)
        return &p;
    return nullptr;
  }

  /// Index of `name` in file order, or nullopt.
  std::optional<std::size_t> index_of(const std::string& name) const noexcept {
    for (std::size_t i = 0; i < presets_.size(); ++i)
      if (presets_[i].name == name)
        return i;
    return std::nullopt;
  }

  /// Preset names in file order.
  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const auto& p : presets_)
      out.push_back(p.name);
    return out;
  }

  std::size_t size() const noexcept { return presets_.size(); }

private:
  std::vector<preset> presets_;
};

} // namespace auralis::config
