#include "codec/opus_chunk_format.hpp"

#include <array>
#include <cstring>
#include <string>

#include "codec/codec_error.hpp"

namespace auralis::codec {

namespace {

constexpr unsigned char magic[4] = {'A', 'O', 'P', 'C'};
constexpr std::size_t crc_offset = 24;

// CRC-32 (reflected polynomial 0xEDB88320, as zlib's crc32), slicing-by-8: table k maps a
// byte to its contribution k bytes further on, so eight bytes are folded per step.
using crc_tables = std::array<std::array<std::uint32_t, 256>, 8>;

constexpr crc_tables make_crc_tables() {
  crc_tables t{};
  for (std::uint32_t i = 0; i < 256; ++i) {
    std::uint32_t c = i;
    for (int bit = 0; bit < 8; ++bit)
      c = (c & 1) ? (c >> 1) ^ 0xEDB88320u : c >> 1;
    t[0][i] = c;
  }
  for (std::size_t k = 1; k < 8; ++k)
    for (std::uint32_t i = 0; i < 256; ++i)
      t[k][i] = (t[k - 1][i] >> 8) ^ t[0][t[k - 1][i] & 0xFF];
  return t;
}

constexpr crc_tables crc_table = make_crc_tables();

std::uint32_t load_u16(const unsigned char* p) noexcept {
  return static_cast<std::uint32_t>(p[0]) | static_cast<std::uint32_t>(p[1]) << 8;
}

std::uint32_t load_u32(const unsigned char* p) noexcept {
  return static_cast<std::uint32_t>(p[0]) | static_cast<std::uint32_t>(p[1]) << 8 |
         static_cast<std::uint32_t>(p[2]) << 16 | static_cast<std::uint32_t>(p[3]) << 24;
}

void store_u16(unsigned char* p, std::uint32_t v) noexcept {
  p[0] = static_cast<unsigned char>(v);
  p[1] = static_cast<unsigned char>(v >> 8);
}

void store_u32(unsigned char* p, std::uint32_t v) noexcept {
  for (int i = 0; i < 4; ++i)
    p[i] = static_cast<unsigned char>(v >> (8 * i));
}

// Continues a finished CRC-32 `crc` over n more bytes (start with 0).
std::uint32_t crc32_update(std::uint32_t crc, const unsigned char* p, std::size_t n) noexcept {
  std::uint32_t c = ~crc;
  for (; n >= 8; n -= 8, p += 8) {
    const std::uint32_t lo = load_u32(p) ^ c;
    const std::uint32_t hi = load_u32(p + 4);
    c = crc_table[7][lo & 0xFF] ^ crc_table[6][(lo >> 8) & 0xFF] ^
        crc_table[5][(lo >> 16) & 0xFF] ^ crc_table[4][lo >> 24] ^
        crc_table[3][hi & 0xFF] ^ crc_table[2][(hi >> 8) & 0xFF] ^
        crc_table[1][(hi >> 16) & 0xFF] ^ crc_table[0][hi >> 24];
  }
  for (; n > 0; --n, ++p)
    c = (c >> 8) ^ crc_table[0][(c ^ *p) & 0xFF];
  return ~c;
}

// CRC of a whole blob, its own crc field skipped.
std::uint32_t blob_crc(const unsigned char* data, std::size_t size) noexcept {
  const std::uint32_t head = crc32_update(0, data, crc_offset);
  return crc32_update(head, data + opus_chunk_format::header_bytes,
                      size - opus_chunk_format::header_bytes);
}

[[noreturn]] void corrupt(const std::string& what) {
  throw codec_error(codec_errc::corrupt, "opus chunk blob: " + what);
}

} // namespace

opus_chunk_format opus_chunk_format::parse(const unsigned char* data, std::size_t size) {
  if (size < header_bytes)
    corrupt("truncated header (" + std::to_string(size) + " of " +
            std::to_string(header_bytes) + " bytes)");
  if (std::memcmp(data, magic, sizeof magic) != 0)
    corrupt("bad magic");
  const std::uint32_t version = load_u16(data + 4);
  if (version != format_version)
    corrupt("unknown version " + std::to_string(version));
  if (data[6] != channels)
    corrupt("channel count " + std::to_string(data[6]) + " is not 2");
  if (data[7] != 0)
    corrupt("reserved byte is not 0");
  const std::uint32_t rate = load_u32(data + 8);
  if (rate != static_cast<std::uint32_t>(sample_rate))
    corrupt("sample rate " + std::to_string(rate) + " is not 48000");
  const std::uint32_t frame_count = load_u32(data + 12);
  const std::uint32_t stored_frame_size = load_u16(data + 16);
  if (stored_frame_size != static_cast<std::uint32_t>(frame_size))
    corrupt("frame size " + std::to_string(stored_frame_size) + " is not 960");
  const std::uint32_t pre_skip = load_u16(data + 18);
  const std::uint32_t packet_count = load_u32(data + 20);
  if (packet_count != packets_for(frame_count, pre_skip))
    corrupt("packet count " + std::to_string(packet_count) + " does not match " +
            std::to_string(frame_count) + " frames");
  // Each packet takes at least 2 bytes of length and 1 of data: this bounds packet_count
  // by the blob size before the length table is read (64-bit: no overflow).
  const std::uint64_t table_end = header_bytes + 2 * static_cast<std::uint64_t>(packet_count);
  if (table_end + packet_count > size)
    corrupt("truncated: " + std::to_string(packet_count) + " packets cannot fit in " +
            std::to_string(size) + " bytes");
  std::uint64_t packet_bytes = 0;
  for (std::uint32_t i = 0; i < packet_count; ++i) {
    const std::uint32_t len = load_u16(data + header_bytes + 2 * static_cast<std::size_t>(i));
    if (len == 0 || len > max_packet_bytes)
      corrupt("packet " + std::to_string(i) + " has length " + std::to_string(len));
    packet_bytes += len;
  }
  if (table_end + packet_bytes != size)
    corrupt(std::string(table_end + packet_bytes > size ? "truncated" : "trailing bytes") +
            ": the packets take " + std::to_string(table_end + packet_bytes) +
            " bytes, the blob has " + std::to_string(size));
  const std::uint32_t stored_crc = load_u32(data + crc_offset);
  if (blob_crc(data, size) != stored_crc)
    corrupt("checksum mismatch");
  return opus_chunk_format(data, size, frame_count, static_cast<std::uint16_t>(pre_skip),
                           packet_count);
}

opus_chunk_format opus_chunk_format::parse(const std::vector<unsigned char>& blob) {
  return parse(blob.data(), blob.size());
}

std::vector<unsigned char> opus_chunk_format::assemble(std::uint32_t frame_count,
                                                       std::uint16_t pre_skip,
                                                       const std::uint16_t* lengths,
                                                       std::size_t packet_count,
                                                       const unsigned char* packets,
                                                       std::size_t packet_bytes) {
  if (packet_count != packets_for(frame_count, pre_skip))
    throw codec_error(codec_errc::invalid_argument,
                      "opus chunk: " + std::to_string(packet_count) + " packets for " +
                        std::to_string(frame_count) + " frames and pre-skip " +
                        std::to_string(pre_skip));
  std::size_t sum = 0;
  for (std::size_t i = 0; i < packet_count; ++i) {
    if (lengths[i] == 0 || lengths[i] > max_packet_bytes)
      throw codec_error(codec_errc::invalid_argument,
                        "opus chunk: packet " + std::to_string(i) + " has length " +
                          std::to_string(lengths[i]));
    sum += lengths[i];
  }
  if (sum != packet_bytes)
    throw codec_error(codec_errc::invalid_argument,
                      "opus chunk: packet lengths add up to " + std::to_string(sum) +
                        " bytes, not " + std::to_string(packet_bytes));

  std::vector<unsigned char> blob(blob_size(packet_count, packet_bytes));
  unsigned char* p = blob.data();
  std::memcpy(p, magic, sizeof magic);
  store_u16(p + 4, format_version);
  p[6] = static_cast<unsigned char>(channels);
  p[7] = 0;
  store_u32(p + 8, sample_rate);
  store_u32(p + 12, frame_count);
  store_u16(p + 16, frame_size);
  store_u16(p + 18, pre_skip);
  store_u32(p + 20, static_cast<std::uint32_t>(packet_count));
  for (std::size_t i = 0; i < packet_count; ++i)
    store_u16(p + header_bytes + 2 * i, lengths[i]);
  if (packet_bytes > 0)
    std::memcpy(p + header_bytes + 2 * packet_count, packets, packet_bytes);
  store_u32(p + crc_offset, blob_crc(p, blob.size()));
  return blob;
}

} // namespace auralis::codec
