#include "codec/opus_options.hpp"

#include <string>

#include "codec/codec_error.hpp"

namespace auralis::codec {

void opus_options::validate() const {
  if (bitrate_bps < 6000 || bitrate_bps > 510000)
    throw codec_error(codec_errc::invalid_argument,
                      "opus bitrate_bps " + std::to_string(bitrate_bps) +
                        " is outside 6000..510000");
  if (complexity < 0 || complexity > 10)
    throw codec_error(codec_errc::invalid_argument,
                      "opus complexity " + std::to_string(complexity) + " is outside 0..10");
  if (segments < 1 || segments > 16)
    throw codec_error(codec_errc::invalid_argument,
                      "opus segments " + std::to_string(segments) + " is outside 1..16");
}

} // namespace auralis::codec
