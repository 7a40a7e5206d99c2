#include "actors/predictor/branch_forecaster.hpp"

namespace auralis::actors {

namespace {

branch_scenario make(std::string name, branch_kind kind, const std::string& preset,
                     std::int64_t chunk_idx, const config::chunk_range& range,
                     double probability) {
  return {std::move(name), kind, preset, chunk_idx + range.first, chunk_idx + range.last,
          probability};
}

} // namespace

std::vector<branch_scenario>
branch_forecaster::plan(const std::string& current, const std::optional<std::string>& previous,
                     double position_s, std::int64_t chunk_idx,
                     const std::vector<preset_probability>& ranked) const {
  std::vector<branch_scenario> out;
  out.push_back(make("continue_current", branch_kind::continue_current, current, chunk_idx,
                     cfg_.continue_chunks, cfg_.continue_probability));
  int rank = 0;
  for (const auto& p : ranked) {
    if (rank >= cfg_.switch_top_n)
      break;
    if (p.preset == current || !(p.probability > 0))
      continue;
    ++rank;
    out.push_back(make("switch_to_" + p.preset, branch_kind::switch_to, p.preset, chunk_idx,
                       cfg_.switch_chunks,
                       p.probability * cfg_.switch_probability_scale / rank));
  }
  if (position_s > cfg_.seek_after_s)
    out.push_back(make("seek_forward", branch_kind::seek_forward, current, chunk_idx,
                       cfg_.seek_chunks, cfg_.seek_probability));
  if (previous && *previous != current)
    out.push_back(make("toggle_back", branch_kind::toggle_back, *previous, chunk_idx,
                       cfg_.toggle_chunks, cfg_.toggle_probability));
  return out;
}

} // namespace auralis::actors
