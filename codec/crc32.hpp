#pragma once

#include <cstddef>
#include <cstdint>

namespace auralis::codec {

/// CRC-32 with the zlib / PNG polynomial (reflected 0xEDB88320), as zlib's crc32():
/// continues the finished checksum `crc` over the `n` bytes at `data` (start with 0;
/// crc32_update(crc32_update(0, a, n), b, m) is the CRC of a followed by b). `data` may be
/// null when `n` is 0.
std::uint32_t crc32_update(std::uint32_t crc, const unsigned char* data, std::size_t n) noexcept;

} // namespace auralis::codec
