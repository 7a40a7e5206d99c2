#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "http/http_call.hpp"

namespace auralis::http {

/// The 44-byte header of a WAV file of 16-bit stereo 48 kHz PCM with `data_bytes` bytes of
/// samples (the header codec::write_wav writes), to send in front of the PCM a tier
/// holds. Throws std::invalid_argument when data_bytes is odd in frames (not a multiple
/// of 4) or the file would pass 4 GiB.
std::string wav_header_for(std::uint64_t data_bytes);

/// The headers every audio answer carries: X-Cache-Tier (`tier`), X-Chunk-Index,
/// X-Chunk-Duration (seconds, frames / 48000) and Cache-Control: no-store.
std::vector<http_header> chunk_headers(const char* tier, std::int64_t chunk_idx,
                                       std::int64_t frames);

} // namespace auralis::http
