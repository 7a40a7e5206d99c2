#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "codec/opus_options.hpp"

namespace auralis::codec {

/// Encodes `frames` (at least 1) frames of interleaved 16-bit stereo 48 kHz PCM at
/// `interleaved` (2 * frames values) into a complete Ogg Opus file in memory
/// (libopusenc: OpusHead with the encoder's pre-skip, OpusTags, 20 ms packets, end
/// trimming in the last granule position), ready to serve as audio/ogg. A reader such as
/// opusfile returns exactly `frames` frames at lag 0. The stream serial number is fixed,
/// so the same PCM and options always give the same bytes. Throws codec_error:
/// invalid_argument when `options` fail opus_options::validate() or frames is 0 (an
/// empty stream is not a file libopusenc 0.2.1 can finish), encode_failed when
/// libopusenc reports an error. CPU cost as opus_chunk_encoder: run it on a worker thread.
std::vector<unsigned char> write_ogg_opus(const std::int16_t* interleaved, std::size_t frames,
                                          const opus_options& options);

/// Same as write_ogg_opus(interleaved.data(), interleaved.size() / 2, options); throws
/// codec_error (invalid_argument) when interleaved.size() is odd.
std::vector<unsigned char> write_ogg_opus(const std::vector<std::int16_t>& interleaved,
                                          const opus_options& options);

} // namespace auralis::codec
