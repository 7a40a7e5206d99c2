#include "dsp/loudness_analyser.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "dsp/loudness_bank.hpp"
#include "dsp/mastering_chain.hpp"

namespace auralis::dsp {

track_loudness loudness_analyser::measure(const reader& read, std::int64_t frames,
                                          const std::vector<config::preset>& presets, int rate,
                                          std::int64_t span_frames, const span_visitor& visit) {
  if (frames < 0)
    throw std::invalid_argument("loudness_analyser: negative track length");
  if (span_frames < 0)
    throw std::invalid_argument("loudness_analyser: negative span length");
  if (span_frames == 0)
    span_frames = std::int64_t{span_seconds} * rate;
  std::vector<mastering_chain> chains;
  chains.reserve(presets.size());
  for (const auto& p : presets)
    chains.emplace_back(p, rate);
  // Programme 0 is the source, programme 1 + p the pre-gain signal of preset p.
  loudness_bank bank(static_cast<int>(presets.size()) + 1, rate);
  const std::int64_t preroll =
    static_cast<std::int64_t>(mastering_chain::default_preroll_seconds * rate);
  // input: the pre-roll (the end of what came before; zeros before the track) + the span.
  std::vector<float> input(static_cast<std::size_t>(2 * (preroll + span_frames)), 0.f);
  std::vector<float> out(presets.size() * static_cast<std::size_t>(2 * span_frames));
  std::vector<const float*> programmes(presets.size() + 1);
  for (std::int64_t first = 0; first < frames; first += span_frames) {
    const std::int64_t n = std::min(span_frames, frames - first);
    if (first > 0) // the last `preroll` frames before this span, from the previous input
      std::memmove(input.data(), input.data() + 2 * span_frames,
                   sizeof(float) * static_cast<std::size_t>(2 * preroll));
    const std::vector<float> span = read(first, n);
    if (span.size() < static_cast<std::size_t>(2 * n))
      throw std::invalid_argument("loudness_analyser: the reader returned too few frames");
    float* fresh = input.data() + 2 * preroll;
    std::memcpy(fresh, span.data(), sizeof(float) * static_cast<std::size_t>(2 * n));
    if (visit)
      visit(first, fresh, n);
    render_request request;
    request.input = input.data();
    request.input_frames = preroll + n;
    request.preroll_frames = preroll;
    request.output_frames = n;
    request.start_frame = first;
    programmes[0] = fresh;
    for (std::size_t p = 0; p < chains.size(); ++p) {
      float* o = out.data() + p * static_cast<std::size_t>(2 * span_frames);
      chains[p].render_pre_gain(request, o);
      programmes[p + 1] = o;
    }
    bank.add(programmes.data(), n);
  }
  track_loudness result;
  result.source_lufs = bank.integrated_lufs(0);
  for (std::size_t p = 0; p < presets.size(); ++p)
    result.pre_gain_lufs.push_back(bank.integrated_lufs(static_cast<int>(p) + 1));
  return result;
}

} // namespace auralis::dsp
