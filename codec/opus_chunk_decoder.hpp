#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "codec/opus_chunk_format.hpp"

struct OpusDecoder; // libopus' opaque decoder state

namespace auralis::codec {

/// Turns an L3 blob written by opus_chunk_encoder back into interleaved 16-bit stereo
/// 48 kHz PCM: exactly the blob's frame count, at lag 0 (the pre-skip dropped at the
/// front, the padding cut at the end).
///
/// The whole blob is validated (opus_chunk_format::parse, CRC included) before any packet
/// is decoded, so a truncated or altered blob is a codec_error, never a crash, an
/// over-read or a huge allocation. Each decode starts from a reset decoder
/// (OPUS_RESET_STATE). Owns the libopus state; movable, not copyable, not thread-safe
/// (one decoder per thread). A 15 s chunk takes a few tens of ms of CPU: run it on a
/// worker thread, never inside an actor's message handler that others wait on.
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

  /// Decodes the blob [blob, blob + size) into `out`, which must have room for
  /// 2 * frame_count samples (frame_count from opus_chunk_format::parse); writes exactly
  /// that many and returns frame_count. Allocates nothing. Throws codec_error: corrupt
  /// when the blob fails validation, a packet's duration is not 20 ms, or `out_samples`
  /// is too small (then nothing is written); decode_failed when libopus rejects a packet
  /// (`out` then holds partial output); invalid_argument on a moved-from decoder.
  std::size_t decode_into(const unsigned char* blob, std::size_t size, std::int16_t* out,
                          std::size_t out_samples);

  /// Decodes the blob into a new vector of 2 * frame_count interleaved samples; the
  /// vector is allocated only after the blob has been validated. Errors as decode_into.
  std::vector<std::int16_t> decode(const unsigned char* blob, std::size_t size);

  /// Same as decode(blob.data(), blob.size()).
  std::vector<std::int16_t> decode(const std::vector<unsigned char>& blob);

private:
  struct state_deleter {
    void operator()(OpusDecoder* state) const noexcept;
  };

  std::size_t decode_validated(const opus_chunk_format& chunk, std::int16_t* out);

  std::unique_ptr<OpusDecoder, state_deleter> state_;
  // One decoded packet, for the packets that straddle the pre-skip or the end.
  std::array<std::int16_t, 2 * opus_chunk_format::frame_size> edge_{};
};

} // namespace auralis::codec
