#include "codec/opus_chunk_format.hpp"

#include <cstring>
#include <string>

#include "codec/codec_error.hpp"
#include "codec/container_header.hpp"
#include "codec/crc32.hpp"
#include "codec/little_endian.hpp"

namespace auralis::codec {

namespace {

constexpr unsigned char magic[4] = {'A', 'O', 'P', 'C'};
constexpr std::size_t crc_offset = 24;

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
  check_container_header(data, size, header_bytes, magic, format_version, "opus chunk blob");
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
