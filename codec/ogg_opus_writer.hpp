#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "codec/opus_chunk_encoder.hpp"
#include "codec/opus_options.hpp"

namespace auralis::codec {

/// Encodes `frames` (at least 1) frames of interleaved 16-bit stereo 48 kHz PCM at
/// `interleaved` (2 * frames values) into a complete Ogg Opus file in memory, ready to
/// serve as audio/ogg: the L3 container `encoder` makes of that PCM
/// (opus_chunk_encoder::encode), its packets in one Ogg stream (remux_to_ogg_opus:
/// OpusHead with the encoder's lookahead as pre-skip, OpusTags, 20 ms packets, end
/// trimming in the last granule position). So a fresh encode of a chunk and the answer
/// made from its L3 entry are the same file. A reader such as opusfile returns exactly
/// `frames` frames at lag 0; the same PCM and options always give the same bytes. Throws
/// codec_error: invalid_argument when frames is 0 or as opus_chunk_encoder::encode,
/// encode_failed when libopus reports an error. CPU cost as opus_chunk_encoder (about
/// 100 ms for 15 s at complexity 10): run it on a worker thread.
std::vector<unsigned char> write_ogg_opus(opus_chunk_encoder& encoder,
                                          const std::int16_t* interleaved, std::size_t frames);

/// Same as write_ogg_opus(encoder, interleaved, frames) with an encoder made for `options`
/// (codec_error invalid_argument when they fail opus_options::validate()).
std::vector<unsigned char> write_ogg_opus(const std::int16_t* interleaved, std::size_t frames,
                                          const opus_options& options);

/// Same as write_ogg_opus(interleaved.data(), interleaved.size() / 2, options); throws
/// codec_error (invalid_argument) when interleaved.size() is odd.
std::vector<unsigned char> write_ogg_opus(const std::vector<std::int16_t>& interleaved,
                                          const opus_options& options);

} // namespace auralis::codec
