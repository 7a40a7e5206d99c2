#include "dsp/loudness_analyser.hpp"

#include <algorithm>
#include <stdexcept>

#include "dsp/loudness_meter.hpp"
#include "dsp/mastering_chain.hpp"

namespace auralis::dsp {

track_loudness loudness_analyser::measure(const reader& read, std::int64_t frames,
                                          const std::vector<config::preset>& presets, int rate) {
  if (frames < 0)
    throw std::invalid_argument("loudness_analyser: negative track length");
  std::vector<mastering_chain> chains;
  std::vector<loudness_meter> meters;
  chains.reserve(presets.size());
  meters.reserve(presets.size());
  for (const auto& p : presets) {
    chains.emplace_back(p, rate);
    meters.emplace_back(rate);
  }
  loudness_meter source(rate);
  const std::int64_t preroll =
    static_cast<std::int64_t>(mastering_chain::default_preroll_seconds * rate);
  const std::int64_t span_frames = std::int64_t{span_seconds} * rate;
  std::vector<float> out;
  for (std::int64_t first = 0; first < frames; first += span_frames) {
    const std::int64_t n = std::min(span_frames, frames - first);
    const std::vector<float> in = read(first - preroll, preroll + n);
    if (in.size() < static_cast<std::size_t>(2 * (preroll + n)))
      throw std::invalid_argument("loudness_analyser: the reader returned too few frames");
    source.add(in.data() + 2 * preroll, n);
    out.resize(static_cast<std::size_t>(2 * n));
    render_request request;
    request.input = in.data();
    request.input_frames = preroll + n;
    request.preroll_frames = preroll;
    request.output_frames = n;
    request.start_frame = first;
    for (std::size_t p = 0; p < chains.size(); ++p) {
      chains[p].render_pre_gain(request, out.data());
      meters[p].add(out.data(), n);
    }
  }
  track_loudness result;
  result.source_lufs = source.integrated_lufs();
  for (const auto& m : meters)
    result.pre_gain_lufs.push_back(m.integrated_lufs());
  return result;
}

} // namespace auralis::dsp
