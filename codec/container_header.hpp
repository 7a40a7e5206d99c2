#pragma once

#include <cstddef>
#include <cstdint>

namespace auralis::codec {

/// Checks the start every L3 container shares: at least `header_bytes` bytes, the 4-byte
/// `magic` at offset 0 and the little-endian 16-bit `version` at offset 4. Throws
/// codec_error (corrupt), its message starting with `container`, naming the first check
/// that fails; returns normally otherwise.
void check_container_header(const unsigned char* data, std::size_t size,
                            std::size_t header_bytes, const unsigned char (&magic)[4],
                            std::uint32_t version, const char* container);

} // namespace auralis::codec
