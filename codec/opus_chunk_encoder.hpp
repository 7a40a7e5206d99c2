#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "codec/opus_chunk_format.hpp"
#include "codec/opus_options.hpp"
#include "codec/opus_segmented_format.hpp"

struct OpusEncoder; // libopus' opaque encoder state

namespace auralis::codec {

/// Compresses one chunk of interleaved 16-bit stereo 48 kHz PCM into an L3 container
/// (layout in opus_segmented_format.hpp) of `options().segments` independently decodable
/// segments, each a version-1 blob (opus_chunk_format.hpp) of 20 ms Opus packets
/// (opus_encode, OPUS_APPLICATION_AUDIO, VBR at the configured bitrate and complexity).
///
/// Sample-exact: each segment blob records its frame count and, as pre-skip, the
/// lookahead plus the warm-up it was started with; its last packet is completed with the
/// PCM that follows it (zeros past the chunk's end). opus_chunk_decoder drops the pre-skip
/// at the front and the padding at the end, so a round trip returns exactly as many
/// frames as went in, at lag 0, whether the segments are decoded together or apart.
///
/// Each segment starts from a reset encoder (OPUS_RESET_STATE), so every segment decodes
/// on its own and the same PCM always gives the same bytes. Owns the libopus state;
/// movable, not copyable, not thread-safe (one encoder per thread). A 15 s chunk takes
/// about 100 ms of CPU at complexity 10: run it on a worker thread, never inside an
/// actor's message handler that others wait on.
class opus_chunk_encoder {
public:
  /// Creates a 48 kHz stereo encoder. Throws codec_error: invalid_argument when
  /// `options` fail opus_options::validate(), encode_failed when libopus refuses.
  explicit opus_chunk_encoder(const opus_options& options = {});

  /// Moves the libopus state; a moved-from encoder throws codec_error (invalid_argument)
  /// from encode, and may be assigned to or destroyed.
  opus_chunk_encoder(opus_chunk_encoder&&) noexcept;
  /// As the move constructor; the state this encoder held is freed.
  opus_chunk_encoder& operator=(opus_chunk_encoder&&) noexcept;
  /// Not copyable: the libopus state has one owner.
  opus_chunk_encoder(const opus_chunk_encoder&) = delete;
  opus_chunk_encoder& operator=(const opus_chunk_encoder&) = delete;
  /// Frees the libopus state.
  ~opus_chunk_encoder();

  /// The options this encoder runs with.
  const opus_options& options() const noexcept { return options_; }

  /// The encoder's lookahead in samples per channel at 48 kHz (OPUS_GET_LOOKAHEAD: 312
  /// with libopus 1.3.1), written into every blob as its pre-skip.
  int lookahead() const noexcept { return lookahead_; }

  /// PCM frames (per channel) a segment other than the first is started before its own
  /// first frame: two whole packets (1920), decoded and dropped with the lookahead. Whole
  /// packets keep every segment on the first segment's packet grid, so that the segments'
  /// packets also join into one Ogg Opus stream (remux_to_ogg_opus).
  int warmup() const noexcept { return warmup_; }

  /// Encodes `frames` frames of interleaved stereo PCM at `interleaved` (2 * frames
  /// values; may be null when frames is 0) as an L3 container. `frames` need not be a
  /// multiple of 960. The segments split the chunk at multiples of 960 frames into
  /// min(options().segments, ceil(frames / 960)) nearly equal parts (at least one; the last
  /// takes the remainder). The container's size() is exactly the bytes it holds
  /// (size() == capacity()). Throws codec_error: invalid_argument when frames exceeds
  /// 4,000,000,000 or the encoder was moved from, encode_failed when libopus reports an
  /// error.
  std::vector<unsigned char> encode(const std::int16_t* interleaved, std::size_t frames);

  /// Same as encode(interleaved.data(), interleaved.size() / 2); throws codec_error
  /// (invalid_argument) when interleaved.size() is odd.
  std::vector<unsigned char> encode(const std::vector<std::int16_t>& interleaved);

  /// Encodes frames [first, first + count) of the `frames`-frame chunk at `interleaved`
  /// as one version-1 blob (a segment): the packets start min(first, warmup()) frames
  /// before `first`, its pre-skip is lookahead() plus that warm-up, and its last packet is
  /// completed with the chunk's following PCM (zeros past `frames`). With first == 0 and
  /// count == frames this is the whole chunk as a single blob. Throws codec_error:
  /// invalid_argument when first + count exceeds frames, frames exceeds 4,000,000,000 or
  /// the encoder was moved from; encode_failed when libopus reports an error.
  std::vector<unsigned char> encode_segment(const std::int16_t* interleaved, std::size_t frames,
                                            std::size_t first, std::size_t count);

private:
  struct state_deleter {
    void operator()(OpusEncoder* state) const noexcept;
  };

  opus_options options_;
  std::unique_ptr<OpusEncoder, state_deleter> state_;
  int lookahead_ = 0;
  int warmup_ = 0;
  // Reused across segments: packet bytes and lengths of the segment being encoded, and
  // one packet's input where it reaches outside the chunk (zero-padded).
  std::vector<unsigned char> packets_;
  std::vector<std::uint16_t> lengths_;
  std::array<std::int16_t, 2 * opus_chunk_format::frame_size> tail_{};
};

} // namespace auralis::codec
