#include "actors/pool/job_runner.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <time.h>

#include "actors/common/fnv1a.hpp"
#include "actors/pool/job_error.hpp"
#include "codec/codec_error.hpp"
#include "codec/ogg_opus_writer.hpp"
#include "codec/opus_segmented_format.hpp"
#include "dsp/loudness_analyser.hpp"

namespace auralis::actors {

namespace {

double thread_cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) * 1e-6;
}

const codec::byte_buffer& bytes_of(const job_spec& spec) {
  if (!spec.input.data)
    throw codec::codec_error(codec::codec_errc::invalid_argument,
                             std::string(to_string(spec.kind)) + " job without input");
  return *spec.input.data;
}

} // namespace

job_runner::job_runner(const codec::opus_options& opus, config::preset_set presets,
                       std::int64_t chunk_frames)
  : encoder_(opus), presets_(std::move(presets)), chunk_frames_(chunk_frames) {
  if (chunk_frames_ <= 0)
    throw std::invalid_argument("job_runner: chunk_frames must be > 0");
}

std::uint64_t job_runner::dither_seed_of(const cache_key& key) noexcept {
  return fnv1a()
    .bytes(&key.track_id, sizeof key.track_id)
    .bytes(key.preset.data(), key.preset.size())
    .bytes(&key.intensity_tenths, sizeof key.intensity_tenths)
    .value();
}

std::pair<std::int64_t, std::int64_t>
job_runner::render_span(std::int64_t chunk_idx, std::int64_t track_frames,
                        std::int64_t postroll_frames) const noexcept {
  // The longest pre-roll in whole frames (default_preroll_frames() never exceeds it).
  const auto preroll = static_cast<std::int64_t>(
    std::ceil(dsp::mastering_chain::default_preroll_seconds * codec::engine_rate));
  const std::int64_t first = chunk_idx * chunk_frames_;
  const std::int64_t frames = std::min(chunk_frames_, track_frames - first);
  return {first - preroll, preroll + frames + postroll_frames};
}

void job_runner::release_buffers() noexcept {
  span_ = {};
  source_.reset();
  source_signature_ = {};
  chain_.reset();
  features_.reset();
  std::vector<float>().swap(input_);
}

codec::audio_source& job_runner::source_for(const source_ref& source) {
  if (source.path.empty())
    throw job_error(engine_errc::invalid_argument, "job without a source file");
  // Throws codec_error (io_error) when the file is gone or cannot be stat'ed.
  const auto signature = codec::signature_of(source.path);
  if (signature.size != source.size || signature.mtime_ns != source.mtime_ns)
    throw job_error(engine_errc::source_changed,
                    source.path + ": the file changed since it was listed");
  if (!source_ || source_->path() != source.path || source_signature_ != signature) {
    span_ = {};      // the kept span was read from the source being closed
    source_.reset(); // its buffers go before the next file's are made
    source_ = codec::audio_source::open(source.path);
    source_signature_ = signature;
  }
  return *source_;
}

dsp::mastering_chain& job_runner::chain_for(const std::string& preset) {
  if (chain_ && chain_->preset().name == preset)
    return *chain_;
  const config::preset* p = presets_.find(preset);
  if (p == nullptr)
    throw job_error(engine_errc::unknown_preset, "no preset named '" + preset + "'");
  chain_.reset(); // release the old work buffers before the new chain grows its own
  chain_ = std::make_unique<dsp::mastering_chain>(*p, codec::engine_rate);
  return *chain_;
}

audio_payload job_runner::render(const job_spec& spec, bool& reused) {
  const cache_key& key = spec.key;
  if (key.intensity_tenths < 0 || key.intensity_tenths > 10)
    throw job_error(engine_errc::invalid_argument,
                    "intensity must be 0..10 tenths, got " + std::to_string(key.intensity_tenths));
  if (!std::isfinite(spec.loudness_gain_db))
    throw job_error(engine_errc::invalid_argument, "loudness gain is not a finite number");
  // The preset first: an unknown name fails without touching the file.
  dsp::mastering_chain& chain = chain_for(key.preset);
  codec::audio_source& src = source_for(spec.source);
  const std::int64_t chunks = src.chunk_count(chunk_frames_);
  if (key.chunk_idx < 0 || key.chunk_idx >= chunks)
    throw job_error(engine_errc::unknown_chunk,
                    "chunk " + std::to_string(key.chunk_idx) + " of a track with " +
                      std::to_string(chunks) + " chunks");
  const std::int64_t first = key.chunk_idx * chunk_frames_;
  const std::int64_t frames = std::min(chunk_frames_, src.info().frames - first);
  const std::int64_t preroll = chain.default_preroll_frames();
  const std::int64_t postroll = chain.postroll_frames();
  const auto [span_first, span_count] = render_span(key.chunk_idx, src.info().frames, postroll);
  // The chain's own pre-roll starts this far into the span.
  const std::int64_t skip = (first - preroll) - span_first;
  if (skip < 0 || skip + preroll + frames + postroll > span_count)
    throw std::logic_error("job_runner: a preset's pre-roll is longer than the render span");
  reused = span_.count > 0 && span_.first == span_first && span_.count >= span_count;
  if (!reused) {
    span_ = {};
    input_.resize(static_cast<std::size_t>(2 * span_count));
    try {
      src.read(span_first, span_count, input_.data());
    } catch (...) {
      source_.reset(); // a failed read leaves the decoder where nobody knows
      throw;
    }
    ++span_reads_;
    span_ = span_id{span_first, span_count};
  }

  dsp::render_request request;
  request.input = input_.data() + 2 * skip;
  request.input_frames = preroll + frames + postroll;
  request.preroll_frames = preroll;
  request.output_frames = frames;
  request.start_frame = first;
  request.intensity = key.intensity();
  request.loudness_gain_db = spec.loudness_gain_db;
  request.dither_seed = dither_seed_of(key);
  auto pcm = codec::byte_buffer::allocate(static_cast<std::size_t>(frames) * 4);
  // Heap and mapped storage are both suitably aligned for int16_t.
  chain.render_pcm(request, reinterpret_cast<std::int16_t*>(pcm->data()));
  pcm->seal();
  return audio_payload{std::move(pcm)};
}

track_analysis job_runner::analyse(const job_spec& spec, analysis_loudness& loudness) {
  codec::audio_source& src = source_for(spec.source);
  const std::int64_t frames = src.info().frames;
  const std::int64_t chunks = src.chunk_count(chunk_frames_);
  const std::int32_t parts = spec.analysis_parts;
  if (parts < 1 || spec.key.chunk_idx < 0 || spec.key.chunk_idx >= parts)
    throw job_error(engine_errc::invalid_argument,
                    "analysis part " + std::to_string(spec.key.chunk_idx) + " of " +
                      std::to_string(parts));
  const auto [first_chunk, end_chunk] =
    analysis_part_chunks(static_cast<std::int32_t>(spec.key.chunk_idx), parts, chunks);
  const std::int64_t first = std::min(first_chunk * chunk_frames_, frames);
  const std::int64_t end = std::min(end_chunk * chunk_frames_, frames);
  const auto read = [&src](std::int64_t at, std::int64_t count) { return src.read(at, count); };
  if (!features_)
    features_ = std::make_unique<dsp::content_features>();
  track_analysis out;
  out.presets = presets_.names();
  out.chunks.reserve(static_cast<std::size_t>(end_chunk - first_chunk));
  // One pass over the part: the analyser's spans are gathered into whole chunks here, and
  // each chunk's features are computed once it is complete.
  std::vector<float> chunk;
  std::int64_t chunk_first = first; // timeline frame of chunk[0]
  chunk.reserve(static_cast<std::size_t>(2 * chunk_frames_));
  const auto visit = [&](std::int64_t, const float* span, std::int64_t count) {
    while (count > 0) {
      const std::int64_t in_chunk = std::min(chunk_frames_, frames - chunk_first);
      const std::int64_t have = static_cast<std::int64_t>(chunk.size() / 2);
      const std::int64_t take = std::min(count, in_chunk - have);
      chunk.insert(chunk.end(), span, span + 2 * take);
      span += 2 * take;
      count -= take;
      if (have + take == in_chunk) {
        const dsp::chunk_features f = features_->compute(chunk.data(), in_chunk, codec::engine_rate);
        out.chunks.push_back(chunk_features{f.energy, f.brightness, f.dynamics,
                                            f.vocal_presence, f.rhythmic_energy});
        chunk.clear();
        chunk_first += in_chunk;
      }
    }
  };
  dsp::loudness_part part;
  try {
    part = dsp::loudness_analyser::measure_part(
      read, frames, first, end, presets_.all(), codec::engine_rate,
      std::int64_t{dsp::loudness_analyser::span_seconds} * codec::engine_rate, visit);
  } catch (...) {
    source_.reset(); // a failed read leaves the decoder where nobody knows
    throw;
  }
  if (parts == 1) {
    const auto whole = dsp::loudness_analyser::combine({part});
    out.source_lufs = whole.source_lufs;
    out.pre_gain_lufs = whole.pre_gain_lufs;
  }
  loudness = analysis_loudness{part.first, part.end, std::move(part.sub_blocks)};
  return out;
}

job_output job_runner::run(const job_spec& spec) {
  const double start = thread_cpu_ms();
  job_output out;
  out.kind = spec.kind;
  out.key = spec.key;
  switch (spec.kind) {
    case job_kind::encode: {
      const auto& pcm = bytes_of(spec);
      if (pcm.size() % 4 != 0)
        throw codec::codec_error(codec::codec_errc::invalid_argument,
                                 "PCM payload is not a whole number of stereo 16-bit frames");
      // The payload's bytes are interleaved int16 in host order; heap and mapped storage
      // are both suitably aligned for int16_t.
      auto blob = encoder_.encode(reinterpret_cast<const std::int16_t*>(pcm.data()),
                                  pcm.size() / 4);
      out.output.data = codec::byte_buffer::adopt(std::move(blob));
      break;
    }
    case job_kind::decode: {
      const auto& blob = bytes_of(spec);
      // Validated before the output is allocated: the sizes come from the container.
      const auto view = codec::opus_segmented_format::parse(blob);
      if (spec.segment < -1 || (spec.segment >= 0 && spec.segment_count == 0))
        throw job_error(engine_errc::invalid_argument,
                        "decode segment " + std::to_string(spec.segment) + " (count " +
                          std::to_string(spec.segment_count) + ")");
      const bool whole = spec.segment < 0;
      const auto first = static_cast<std::uint32_t>(whole ? 0 : spec.segment);
      const std::uint32_t count = whole ? 0 : spec.segment_count;
      if (!whole && (first >= view.segment_count() || count > view.segment_count() - first))
        throw codec::codec_error(codec::codec_errc::invalid_argument,
                                 "segments " + std::to_string(first) + " + " +
                                   std::to_string(count) + " of an entry of " +
                                   std::to_string(view.segment_count()));
      std::size_t frames = whole ? view.frame_count() : 0;
      for (std::uint32_t k = first; k < first + count; ++k)
        frames += view.segment_at(k).frame_count;
      const std::size_t samples = 2 * frames;
      auto pcm = codec::byte_buffer::allocate(samples * sizeof(std::int16_t));
      // Heap and mapped storage are both suitably aligned for int16_t.
      auto* target = reinterpret_cast<std::int16_t*>(pcm->data());
      if (whole) {
        decoder_.decode_into(blob.data(), blob.size(), target, samples);
      } else {
        std::size_t done = 0; // frames written
        for (std::uint32_t k = first; k < first + count; ++k)
          done += decoder_.decode_segment_into(blob.data(), blob.size(), k, target + 2 * done,
                                               samples - 2 * done);
      }
      pcm->seal();
      out.output.data = std::move(pcm);
      break;
    }
    case job_kind::render:
      out.output = render(spec, out.input_reused);
      if (spec.with_stream) {
        // A render has at least one frame (the chunk index was checked against the file).
        const auto& pcm = *out.output.data;
        out.stream.data = codec::byte_buffer::adopt(codec::write_ogg_opus(
          encoder_, reinterpret_cast<const std::int16_t*>(pcm.data()), pcm.size() / 4));
      }
      break;
    case job_kind::analyse:
      out.analysis = analyse(spec, out.loudness);
      break;
    case job_kind::stream: {
      const auto& pcm = bytes_of(spec);
      if (pcm.empty() || pcm.size() % 4 != 0)
        throw codec::codec_error(codec::codec_errc::invalid_argument,
                                 "PCM payload is empty or not whole stereo 16-bit frames");
      out.output.data = codec::byte_buffer::adopt(codec::write_ogg_opus(
        encoder_, reinterpret_cast<const std::int16_t*>(pcm.data()), pcm.size() / 4));
      break;
    }
  }
  out.cpu_ms = thread_cpu_ms() - start;
  return out;
}

} // namespace auralis::actors
