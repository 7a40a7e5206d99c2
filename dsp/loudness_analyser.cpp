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
  return combine({measure_part(read, frames, 0, frames, presets, rate, span_frames, visit)});
}

loudness_part loudness_analyser::measure_part(const reader& read, std::int64_t frames,
                                              std::int64_t first, std::int64_t end,
                                              const std::vector<config::preset>& presets,
                                              int rate, std::int64_t span_frames,
                                              const span_visitor& visit) {
  if (frames < 0)
    throw std::invalid_argument("loudness_analyser: negative track length");
  if (span_frames < 0)
    throw std::invalid_argument("loudness_analyser: negative span length");
  if (first < 0 || end < first || end > frames)
    throw std::invalid_argument("loudness_analyser: the part [" + std::to_string(first) + ", " +
                                std::to_string(end) + ") is not inside a track of " +
                                std::to_string(frames) + " frames");
  if (span_frames == 0)
    span_frames = std::int64_t{span_seconds} * rate;
  std::vector<mastering_chain> chains;
  chains.reserve(presets.size());
  for (const auto& p : presets)
    chains.emplace_back(p, rate);
  // Programme 0 is the source, programme 1 + p the pre-gain signal of preset p.
  loudness_bank bank(static_cast<int>(presets.size()) + 1, rate);
  const std::int64_t sub_block = bank.sub_block_frames();
  if (first % sub_block != 0 || (end != frames && end % sub_block != 0))
    throw std::invalid_argument("loudness_analyser: a part must start (and end, unless at the "
                                "track's end) on the 100 ms grid");
  // The bank starts `settle` frames early (whole sub-blocks, dropped afterwards), so that
  // its filters have settled at `first`.
  const std::int64_t settle_blocks =
    first == 0 ? 0
               : std::min(first / sub_block,
                          static_cast<std::int64_t>(part_settle_seconds * rate + sub_block - 1) /
                            sub_block);
  const std::int64_t start = first - settle_blocks * sub_block;
  const std::int64_t preroll =
    static_cast<std::int64_t>(mastering_chain::default_preroll_seconds * rate);
  // input: the pre-roll (the end of what came before; zeros before the track) + the span.
  std::vector<float> input(static_cast<std::size_t>(2 * (preroll + span_frames)), 0.f);
  std::vector<float> out(presets.size() * static_cast<std::size_t>(2 * span_frames));
  std::vector<const float*> programmes(presets.size() + 1);
  const auto read_into = [&read](std::int64_t from, std::int64_t n, float* dst) {
    const std::vector<float> span = read(from, n);
    if (span.size() < static_cast<std::size_t>(2 * n))
      throw std::invalid_argument("loudness_analyser: the reader returned too few frames");
    std::memcpy(dst, span.data(), sizeof(float) * static_cast<std::size_t>(2 * n));
  };
  if (start > 0) // the chains' pre-roll before a part inside the track
    read_into(start - preroll, preroll, input.data());
  for (std::int64_t at = start; at < end; at += span_frames) {
    const std::int64_t n = std::min(span_frames, end - at);
    if (at > start) // the last `preroll` frames before this span, from the previous input
      std::memmove(input.data(), input.data() + 2 * span_frames,
                   sizeof(float) * static_cast<std::size_t>(2 * preroll));
    float* fresh = input.data() + 2 * preroll;
    read_into(at, n, fresh);
    if (visit && at + n > first) {
      const std::int64_t skip = std::max<std::int64_t>(0, first - at);
      visit(at + skip, fresh + 2 * skip, n - skip);
    }
    render_request request;
    request.input = input.data();
    request.input_frames = preroll + n;
    request.preroll_frames = preroll;
    request.output_frames = n;
    request.start_frame = at;
    programmes[0] = fresh;
    for (std::size_t p = 0; p < chains.size(); ++p) {
      float* o = out.data() + p * static_cast<std::size_t>(2 * span_frames);
      chains[p].render_pre_gain(request, o);
      programmes[p + 1] = o;
    }
    bank.add(programmes.data(), n);
  }
  loudness_part part;
  part.first = first;
  part.end = end;
  for (int p = 0; p < bank.programmes(); ++p) {
    const auto& s = bank.sub_blocks(p);
    const auto drop = static_cast<std::ptrdiff_t>(std::min<std::size_t>(
      s.size(), static_cast<std::size_t>(settle_blocks)));
    part.sub_blocks.emplace_back(s.begin() + drop, s.end());
  }
  return part;
}

track_loudness loudness_analyser::combine(const std::vector<loudness_part>& parts) {
  if (parts.empty())
    throw std::invalid_argument("loudness_analyser: no parts to combine");
  const std::size_t programmes = parts.front().sub_blocks.size();
  if (programmes == 0)
    throw std::invalid_argument("loudness_analyser: a part without programmes");
  std::vector<std::vector<double>> joined(programmes);
  std::int64_t at = 0;
  for (const auto& part : parts) {
    if (part.first != at || part.end < part.first)
      throw std::invalid_argument("loudness_analyser: parts must follow each other from frame 0 "
                                  "(a part starts at " + std::to_string(part.first) +
                                  ", expected " + std::to_string(at) + ")");
    if (part.sub_blocks.size() != programmes)
      throw std::invalid_argument("loudness_analyser: parts with different programme counts");
    for (std::size_t p = 0; p < programmes; ++p)
      joined[p].insert(joined[p].end(), part.sub_blocks[p].begin(), part.sub_blocks[p].end());
    at = part.end;
  }
  track_loudness result;
  result.source_lufs = loudness_bank::integrated_lufs(joined[0]);
  for (std::size_t p = 1; p < programmes; ++p)
    result.pre_gain_lufs.push_back(loudness_bank::integrated_lufs(joined[p]));
  return result;
}

} // namespace auralis::dsp
