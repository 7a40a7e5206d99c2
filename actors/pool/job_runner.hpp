#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "actors/pool/jobs.hpp"
#include "codec/audio_source.hpp"
#include "codec/opus_chunk_decoder.hpp"
#include "codec/opus_chunk_encoder.hpp"
#include "codec/opus_options.hpp"
#include "config/preset.hpp"
#include "dsp/content_features.hpp"
#include "dsp/mastering_chain.hpp"

namespace auralis::actors {

/// Does the CPU work of one job, without an actor: each worker owns one runner (and so its
/// own codec states and mastering chain). Not thread-safe.
///
/// - encode: 16-bit PCM payload -> L3 container of opus.segments segments
///   (opus_chunk_encoder::encode); decode: the reverse, the whole entry when spec.segment is
///   -1, else only segments spec.segment .. + spec.segment_count - 1 (their frames alone:
///   a part of a parallel decode).
/// - render: key.chunk_idx of spec.source through the preset named key.preset at
///   key.intensity with spec.loudness_gain_db, as interleaved 16-bit 48 kHz stereo PCM
///   (exactly frames * 4 bytes; the last chunk of a track may be short). The chunk is read
///   with the chain's default pre-roll before it and its post-roll after it, so chunks
///   rendered apart join seamlessly. Every render of a chunk reads the same span, with the
///   longest pre-roll any preset has (render_span()), and each preset's chain takes its own
///   pre-roll from the end of it: so a render of the chunk the runner read last (any preset
///   or intensity, same file and signature) reuses that span instead of decoding and
///   resampling it again (job_output::input_reused). The dither seed is dither_seed_of(key):
///   the same job always gives the same bytes, whether its span was read or reused. With spec.with_stream the runner then encodes that PCM
///   into job_output::stream, right away on the same thread, as a stream job of it would
///   (the same bytes).
/// - analyse: part key.chunk_idx of spec.analysis_parts of the source
///   (analysis_part_chunks): the content features of its chunks, and its loudness
///   measurements for the source and every preset (in preset table order) in
///   job_output::loudness; with a single part also the integrated loudness itself in
///   job_output::analysis (a part of several leaves that to the join of all).
/// - stream: 16-bit PCM payload -> an Ogg Opus file with the runner's opus options
///   (codec::write_ogg_opus: the packets of the L3 entry an encode job would make, so the
///   file is the one an L3 hit of the same chunk answers), for a listener who asked for
///   format=opus; an empty payload is invalid_argument.
///
/// Render and analyse first compare the file's size and mtime with spec.source and fail
/// with engine_errc::source_changed on a mismatch. The runner keeps the last preset's
/// mastering chain (its work buffers, about 10 MB, are reused by the next render of that
/// preset), the last source file it read, open (the next job of the same file, as long as
/// its size and mtime are unchanged, reads it without opening it again: an MP3 is scanned
/// whole at open, and the decode and resampling buffers, about 13 MB for a 44.1 kHz chunk,
/// are reused instead of being mapped anew), and one input buffer for renders. That memory
/// stays with the worker while it is idle: a fixed overhead per worker, not per job.
class job_runner {
public:
  /// Chunk length used when none is given: 15 s at 48 kHz.
  static constexpr std::int64_t default_chunk_frames = 15 * 48000;

  /// `opus` configures L3 encoding; `presets` are the presets render and analyse know;
  /// `chunk_frames` (> 0) is the chunk length on the 48 kHz timeline. Throws codec_error
  /// when `opus` is invalid, std::invalid_argument when chunk_frames <= 0.
  explicit job_runner(const codec::opus_options& opus, config::preset_set presets = {},
                      std::int64_t chunk_frames = default_chunk_frames);

  /// Runs `spec` and returns its output (with the CPU time spent). Throws job_error for
  /// failures the engine names (unknown_preset, unknown_chunk, source_changed,
  /// invalid_argument for an out-of-range intensity or gain, a segment below -1 or a
  /// segment_count of 0) and codec_error on bad input (PCM of odd length, a corrupt blob,
  /// segments reaching past the entry's: invalid_argument), an unreadable file or a codec
  /// failure.
  job_output run(const job_spec& spec);

  /// The dither seed of a render of `key`: a hash of track, preset and intensity (not the
  /// chunk: the dither noise is indexed by timeline frame, so all chunks of one rendition
  /// share it).
  static std::uint64_t dither_seed_of(const cache_key& key) noexcept;

  /// The chunk length, 48 kHz frames.
  std::int64_t chunk_frames() const noexcept { return chunk_frames_; }

  /// The 48 kHz frames [first, first + count) a render of chunk `chunk_idx` (of a track of
  /// `track_frames` frames, chunk in range) reads: the longest pre-roll of any preset
  /// (dsp::mastering_chain::default_preroll_seconds) before the chunk, `postroll_frames`
  /// (the chain's) after it. The same for every preset and intensity of that chunk.
  std::pair<std::int64_t, std::int64_t> render_span(std::int64_t chunk_idx,
                                                    std::int64_t track_frames,
                                                    std::int64_t postroll_frames) const noexcept;

  /// Source spans read by renders so far (a reused span is not counted).
  std::uint64_t span_reads() const noexcept { return span_reads_; }

  /// Gives back the memory kept between jobs (the open source and its decode buffers, the
  /// last chain's work buffers, the content-feature state and the render input span);
  /// the next job makes them anew (and reads its span again). For a worker that has gone
  /// idle.
  void release_buffers() noexcept;

private:
  /// The source of a render or analyse job: the open one when it is the same file with
  /// the same signature, else the file opened afresh. Throws job_error (invalid_argument,
  /// source_changed) and codec_error as codec::audio_source::open does.
  codec::audio_source& source_for(const source_ref& source);
  dsp::mastering_chain& chain_for(const std::string& preset);
  /// `reused`: set to whether the kept span served.
  audio_payload render(const job_spec& spec, bool& reused);
  track_analysis analyse(const job_spec& spec, analysis_loudness& loudness);

  codec::opus_chunk_encoder encoder_;
  codec::opus_chunk_decoder decoder_;
  config::preset_set presets_;
  std::int64_t chunk_frames_;
  std::unique_ptr<dsp::mastering_chain> chain_;   ///< last used preset's chain
  std::unique_ptr<dsp::content_features> features_;
  std::unique_ptr<codec::audio_source> source_;   ///< last read source file, open
  codec::file_signature source_signature_;        ///< its signature when opened
  std::vector<float> input_;                      ///< render input span, reused
  /// What input_ holds: frames [first, first + count) of the open source_, read by the
  /// last render (count 0: nothing; forgotten whenever source_ is closed or reopened).
  struct span_id {
    std::int64_t first = 0;
    std::int64_t count = 0;
  } span_;
  std::uint64_t span_reads_ = 0;
};

} // namespace auralis::actors
