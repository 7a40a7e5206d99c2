#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "codec/opus_chunk_format.hpp"
#include "codec/opus_options.hpp"

struct OpusEncoder; // libopus' opaque encoder state

namespace auralis::codec {

/// Compresses one chunk of interleaved 16-bit stereo 48 kHz PCM into an L3 blob (layout
/// in opus_chunk_format.hpp): 20 ms Opus packets (opus_encode, OPUS_APPLICATION_AUDIO,
/// VBR at the configured bitrate and complexity).
///
/// Sample-exact: the input is followed by `lookahead()` zero frames and the last 20 ms
/// frame is zero-padded; the blob records the frame count and the lookahead as pre-skip,
/// and opus_chunk_decoder drops that many samples at the front, so a round trip returns
/// exactly as many frames as went in, at lag 0.
///
/// Each encode() starts from a reset encoder (OPUS_RESET_STATE), so every blob decodes on
/// its own and the same PCM always gives the same bytes. Owns the libopus state; movable,
/// not copyable, not thread-safe (one encoder per thread). A 15 s chunk takes about
/// 100 ms of CPU at complexity 10: run it on a worker thread, never inside an actor's
/// message handler that others wait on.
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

  /// Encodes `frames` frames of interleaved stereo PCM at `interleaved` (2 * frames
  /// values; may be null when frames is 0). `frames` need not be a multiple of 960. The
  /// blob's size() is exactly the bytes it holds (size() == capacity()). Throws
  /// codec_error: invalid_argument when frames exceeds 4,000,000,000 or the encoder was
  /// moved from, encode_failed when libopus reports an error.
  std::vector<unsigned char> encode(const std::int16_t* interleaved, std::size_t frames);

  /// Same as encode(interleaved.data(), interleaved.size() / 2); throws codec_error
  /// (invalid_argument) when interleaved.size() is odd.
  std::vector<unsigned char> encode(const std::vector<std::int16_t>& interleaved);

private:
  struct state_deleter {
    void operator()(OpusEncoder* state) const noexcept;
  };

  opus_options options_;
  std::unique_ptr<OpusEncoder, state_deleter> state_;
  int lookahead_ = 0;
  // Reused across chunks: packet bytes and lengths of the chunk being encoded, and one
  // zero-padded frame for the input's tail.
  std::vector<unsigned char> packets_;
  std::vector<std::uint16_t> lengths_;
  std::array<std::int16_t, 2 * opus_chunk_format::frame_size> tail_{};
};

} // namespace auralis::codec
