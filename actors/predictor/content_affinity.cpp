#include "actors/predictor/content_affinity.hpp"

#include <algorithm>

namespace auralis::actors {

namespace {

/// One row of the rule table, by preset name.
struct table_rule {
  double chunk_features::*feature;
  bool above;
  double threshold;
  double weight;
  struct {
    const char* preset;
    double score;
  } scores[3];
};

const table_rule content_rules[] = {
  {&chunk_features::energy, true, 0.7, 0.5, {{"punchy", 0.8}, {"bright", 0.6}, {"adaptive", 0.4}}},
  {&chunk_features::energy, false, 0.3, 0.5, {{"gentle", 0.7}, {"warm", 0.6}, {"adaptive", 0.3}}},
  {&chunk_features::brightness, true, 0.6, 0.4, {{"bright", 0.8}, {"punchy", 0.5}, {"adaptive", 0.3}}},
  {&chunk_features::vocal_presence, true, 0.6, 0.3, {{"bright", 0.7}, {"adaptive", 0.5}, {"warm", 0.3}}},
  {&chunk_features::dynamics, true, 0.7, 0.4, {{"adaptive", 0.8}, {"punchy", 0.5}, {"gentle", 0.2}}},
  {&chunk_features::dynamics, false, 0.3, 0.3, {{"warm", 0.7}, {"gentle", 0.6}, {"adaptive", 0.3}}},
  {&chunk_features::rhythmic_energy, true, 0.6, 0.4, {{"punchy", 0.8}, {"bright", 0.6}, {"adaptive", 0.4}}},
};

} // namespace

content_affinity::content_affinity(const config::preset_set& presets)
  : preset_count_(presets.size()) {
  for (const auto& rule : content_rules) {
    resolved_rule r{rule.feature, rule.above, rule.threshold, rule.weight, {}};
    for (const auto& s : rule.scores)
      if (auto idx = presets.index_of(s.preset))
        r.scores.emplace_back(*idx, s.score);
    rules_.push_back(std::move(r));
  }
}

std::vector<double> content_affinity::scores(const chunk_features& features) const {
  std::vector<double> out(preset_count_, 0.0);
  for (const auto& rule : rules_) {
    const double v = features.*rule.feature;
    const bool fires = rule.above ? v > rule.threshold : v < rule.threshold;
    if (!fires)
      continue;
    for (const auto& [idx, score] : rule.scores)
      out[idx] += rule.weight * score;
  }
  const double top = out.empty() ? 0.0 : *std::max_element(out.begin(), out.end());
  if (top > 1.0)
    for (auto& s : out)
      s /= top;
  return out;
}

} // namespace auralis::actors
