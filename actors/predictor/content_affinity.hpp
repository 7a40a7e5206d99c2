#pragma once

#include <cstddef>
#include <vector>

#include "actors/common/chunk_features.hpp"
#include "config/preset.hpp"

namespace auralis::actors {

/// Audio-content-aware preset affinity: which presets suit a chunk, from its features.
/// The rule table (a documented constant, from the earlier system):
///
/// | rule | fires when | weight | preset scores |
/// | --- | --- | --- | --- |
/// | high energy | energy > 0.7 | 0.5 | punchy 0.8, bright 0.6, adaptive 0.4 |
/// | low energy | energy < 0.3 | 0.5 | gentle 0.7, warm 0.6, adaptive 0.3 |
/// | high brightness | brightness > 0.6 | 0.4 | bright 0.8, punchy 0.5, adaptive 0.3 |
/// | high vocals | vocal_presence > 0.6 | 0.3 | bright 0.7, adaptive 0.5, warm 0.3 |
/// | high dynamics | dynamics > 0.7 | 0.4 | adaptive 0.8, punchy 0.5, gentle 0.2 |
/// | low dynamics | dynamics < 0.3 | 0.3 | warm 0.7, gentle 0.6, adaptive 0.3 |
/// | high rhythm | rhythmic_energy > 0.6 | 0.4 | punchy 0.8, bright 0.6, adaptive 0.4 |
///
/// A preset's raw score is the sum of weight x score over the rules that fire; when the
/// largest raw score exceeds 1 every score is divided by it, so scores are at most 1.
/// Presets the table does not name (or that the preset set lacks) score 0.
class content_affinity {
public:
  /// Resolves the table against `presets` (index order of the set).
  explicit content_affinity(const config::preset_set& presets);

  /// Score of each preset of the set (same index order), each in [0, 1]; all 0 when no
  /// rule fires. Features outside 0..1 are used as they are (the caller validates).
  std::vector<double> scores(const chunk_features& features) const;

private:
  /// One table rule with its preset names resolved to indices.
  struct resolved_rule {
    double chunk_features::*feature;
    bool above;        ///< fires when the feature is above the threshold (else below)
    double threshold;
    double weight;
    std::vector<std::pair<std::size_t, double>> scores; ///< (preset index, score)
  };

  std::vector<resolved_rule> rules_;
  std::size_t preset_count_;
};

} // namespace auralis::actors
