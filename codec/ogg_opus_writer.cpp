#include "codec/ogg_opus_writer.hpp"

#include <string>

#include "codec/codec_error.hpp"
#include "codec/ogg_opus_remux.hpp"
#include "codec/opus_segmented_format.hpp"

namespace auralis::codec {

std::vector<unsigned char> write_ogg_opus(opus_chunk_encoder& encoder,
                                          const std::int16_t* interleaved, std::size_t frames) {
  // An Ogg Opus file of no audio would still need a packet: refused, as a caller bug.
  if (frames == 0)
    throw codec_error(codec_errc::invalid_argument, "ogg opus writer: no frames to encode");
  const auto container = encoder.encode(interleaved, frames);
  return remux_to_ogg_opus(opus_segmented_format::parse(container));
}

std::vector<unsigned char> write_ogg_opus(const std::int16_t* interleaved, std::size_t frames,
                                          const opus_options& options) {
  opus_chunk_encoder encoder(options);
  return write_ogg_opus(encoder, interleaved, frames);
}

std::vector<unsigned char> write_ogg_opus(const std::vector<std::int16_t>& interleaved,
                                          const opus_options& options) {
  if (interleaved.size() % 2 != 0)
    throw codec_error(codec_errc::invalid_argument,
                      "ogg opus writer: " + std::to_string(interleaved.size()) +
                        " samples is not a whole number of stereo frames");
  return write_ogg_opus(interleaved.data(), interleaved.size() / 2, options);
}

} // namespace auralis::codec
