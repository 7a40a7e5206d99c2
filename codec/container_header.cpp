#include "codec/container_header.hpp"

#include <cstring>
#include <string>

#include "codec/codec_error.hpp"
#include "codec/little_endian.hpp"

namespace auralis::codec {

void check_container_header(const unsigned char* data, std::size_t size,
                            std::size_t header_bytes, const unsigned char (&magic)[4],
                            std::uint32_t version, const char* container) {
  auto corrupt = [container](const std::string& what) {
    throw codec_error(codec_errc::corrupt, std::string(container) + ": " + what);
  };
  if (size < header_bytes)
    corrupt("truncated header (" + std::to_string(size) + " of " +
            std::to_string(header_bytes) + " bytes)");
  if (std::memcmp(data, magic, sizeof magic) != 0)
    corrupt("bad magic");
  const std::uint32_t found = load_u16(data + 4);
  if (found != version)
    corrupt("unknown version " + std::to_string(found));
}

} // namespace auralis::codec
