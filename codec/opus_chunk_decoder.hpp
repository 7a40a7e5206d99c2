#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "codec/opus_chunk_format.hpp"
#include "codec/opus_segmented_format.hpp"

struct OpusDecoder; // libopus' opaque decoder state

namespace auralis::codec {

/// Turns an L3 chunk written by opus_chunk_encoder back into interleaved 16-bit stereo
/// 48 kHz PCM: exactly the chunk's frame count, at lag 0 (each segment's pre-skip dropped
/// at its front, its padding cut at its end). Reads the segmented container
/// (opus_segmented_format) and a bare version-1 blob (opus_chunk_format) alike; decodes all
/// segments into one buffer, or one segment into its own buffer so that the segments of a
/// chunk can be decoded on several threads at once (one decoder each) and joined by
/// copying each segment's frames to its first_frame.
///
/// Everything a decode reads is validated first (the container's header and table, and
/// the whole of every segment it decodes, CRCs included), so a truncated or altered blob
/// is a codec_error, never a crash, an over-read or a huge allocation. Each segment is
/// decoded from a reset decoder (OPUS_RESET_STATE). The samples are exactly those of
/// libopus' own 16-bit opus_decode() (float decode, soft clip, scale, clamp, round to
/// nearest), with the conversion done eight samples at a time. Owns the libopus state;
/// movable, not copyable, not thread-safe (one decoder per thread). A 15 s chunk takes a
/// few tens of ms of CPU: run it on a worker thread, never inside an actor's message
/// handler that others wait on.
class opus_chunk_decoder {
public:
  /// Creates a 48 kHz stereo decoder. Throws codec_error (decode_failed) when libopus
  /// refuses.
  opus_chunk_decoder();

  /// Moves the libopus state; a moved-from decoder throws codec_error (invalid_argument)
  /// from decode, and may be assigned to or destroyed.
  opus_chunk_decoder(opus_chunk_decoder&&) noexcept;
  /// As the move constructor; the state this decoder held is freed.
  opus_chunk_decoder& operator=(opus_chunk_decoder&&) noexcept;
  /// Not copyable: the libopus state has one owner.
  opus_chunk_decoder(const opus_chunk_decoder&) = delete;
  opus_chunk_decoder& operator=(const opus_chunk_decoder&) = delete;
  /// Frees the libopus state.
  ~opus_chunk_decoder();

  /// Decodes the whole chunk [blob, blob + size) into `out`, which must have room for
  /// 2 * frame_count samples (frame_count from opus_segmented_format::parse); writes
  /// exactly that many and returns frame_count. Allocates nothing. Throws codec_error:
  /// corrupt when the container or any segment fails validation, a packet's duration is
  /// not 20 ms, or `out_samples` is too small (then nothing is written); decode_failed when
  /// libopus rejects a packet (`out` then holds partial output); invalid_argument on a
  /// moved-from decoder.
  std::size_t decode_into(const unsigned char* blob, std::size_t size, std::int16_t* out,
                          std::size_t out_samples);

  /// Decodes the whole chunk into a new vector of 2 * frame_count interleaved samples;
  /// the vector is allocated only after the chunk has been validated. Errors as
  /// decode_into.
  std::vector<std::int16_t> decode(const unsigned char* blob, std::size_t size);

  /// Same as decode(blob.data(), blob.size()).
  std::vector<std::int16_t> decode(const std::vector<unsigned char>& blob);

  /// Decodes segment `segment` of the chunk [blob, blob + size) alone into `out`, which
  /// must have room for 2 * its frame_count samples (opus_segmented_format::segment_at);
  /// writes exactly that many and returns its frame_count. They are the chunk's frames
  /// from the segment's first_frame on, the same samples decode_into writes there. Checks
  /// the container's header and table and the whole of that segment, not the other
  /// segments. Allocates nothing. Errors as decode_into, and invalid_argument when
  /// `segment` >= segment_count.
  std::size_t decode_segment_into(const unsigned char* blob, std::size_t size,
                                  std::uint32_t segment, std::int16_t* out,
                                  std::size_t out_samples);

  /// Decodes segment `segment` alone into a new vector of 2 * its frame_count samples,
  /// allocated after validation. Errors as decode_segment_into.
  std::vector<std::int16_t> decode_segment(const unsigned char* blob, std::size_t size,
                                           std::uint32_t segment);

private:
  struct state_deleter {
    void operator()(OpusDecoder* state) const noexcept;
  };

  std::size_t decode_validated(const opus_chunk_format& chunk, std::int16_t* out);

  std::unique_ptr<OpusDecoder, state_deleter> state_;
  // One decoded packet, for the packets that straddle the pre-skip or the end.
  std::array<std::int16_t, 2 * opus_chunk_format::frame_size> edge_{};
  // One packet as libopus decodes it (float, nominal range -1..1), before the conversion.
  std::array<float, 2 * opus_chunk_format::frame_size> decoded_{};
  // opus_pcm_soft_clip's state across the packets of one segment.
  std::array<float, opus_chunk_format::channels> soft_clip_memory_{};
};

} // namespace auralis::codec
