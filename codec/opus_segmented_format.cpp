#include "codec/opus_segmented_format.hpp"

#include <cstring>
#include <limits>
#include <string>

#include "codec/codec_error.hpp"
#include "codec/container_header.hpp"
#include "codec/crc32.hpp"
#include "codec/little_endian.hpp"

namespace auralis::codec {

namespace {

constexpr unsigned char magic[4] = {'A', 'O', 'P', 'S'};
constexpr unsigned char bare_magic[4] = {'A', 'O', 'P', 'C'};
constexpr std::size_t crc_offset = 12;

// CRC of the header (its own crc field skipped) and the segment table.
std::uint32_t header_crc(const unsigned char* data, std::size_t segments) noexcept {
  const std::uint32_t head = crc32_update(0, data, crc_offset);
  return crc32_update(head, data + opus_segmented_format::header_bytes,
                      opus_segmented_format::entry_bytes * segments);
}

[[noreturn]] void corrupt(const std::string& what) {
  throw codec_error(codec_errc::corrupt, "opus segmented chunk: " + what);
}

[[noreturn]] void invalid(const std::string& what) {
  throw codec_error(codec_errc::invalid_argument, "opus segmented chunk: " + what);
}

} // namespace

bool opus_segmented_format::has_magic(const unsigned char* data, std::size_t size) noexcept {
  return size >= sizeof magic && std::memcmp(data, magic, sizeof magic) == 0;
}

opus_segmented_format opus_segmented_format::parse(const unsigned char* data, std::size_t size) {
  if (size >= sizeof bare_magic && std::memcmp(data, bare_magic, sizeof bare_magic) == 0) {
    const opus_chunk_format bare = opus_chunk_format::parse(data, size);
    return opus_segmented_format(data, size, bare.frame_count(), 1, true);
  }
  check_container_header(data, size, header_bytes, magic, format_version, "opus segmented chunk");
  const std::uint32_t segments = load_u16(data + 6);
  if (segments == 0 || segments > max_segments)
    corrupt("segment count " + std::to_string(segments) + " is outside 1.." +
            std::to_string(max_segments));
  const std::uint32_t frame_count = load_u32(data + 8);
  const std::size_t table_end = header_bytes + entry_bytes * segments;
  if (table_end > size)
    corrupt("truncated: the table of " + std::to_string(segments) + " segments does not fit in " +
            std::to_string(size) + " bytes");
  if (header_crc(data, segments) != load_u32(data + crc_offset))
    corrupt("header checksum mismatch");
  // 64-bit sums: at most 64 entries of 2^32 - 1 each, no overflow.
  std::uint64_t frames = 0;
  std::uint64_t bytes = 0;
  for (std::uint32_t i = 0; i < segments; ++i) {
    const unsigned char* entry = data + header_bytes + entry_bytes * i;
    const std::uint32_t segment_bytes = load_u32(entry + 4);
    if (segment_bytes < opus_chunk_format::header_bytes)
      corrupt("segment " + std::to_string(i) + " has " + std::to_string(segment_bytes) +
              " bytes, fewer than a blob header");
    frames += load_u32(entry);
    bytes += segment_bytes;
  }
  if (frames != frame_count)
    corrupt("the segments hold " + std::to_string(frames) + " frames, the header says " +
            std::to_string(frame_count));
  if (table_end + bytes != size)
    corrupt(std::string(table_end + bytes > size ? "truncated" : "trailing bytes") +
            ": the segments take " + std::to_string(table_end + bytes) +
            " bytes, the container has " + std::to_string(size));
  return opus_segmented_format(data, size, frame_count, segments, false);
}

opus_segmented_format opus_segmented_format::parse(const std::vector<unsigned char>& blob) {
  return parse(blob.data(), blob.size());
}

opus_segmented_format opus_segmented_format::parse(const byte_buffer& blob) {
  return parse(blob.data(), blob.size());
}

std::vector<unsigned char>
opus_segmented_format::assemble(const std::vector<std::vector<unsigned char>>& segments) {
  if (segments.empty() || segments.size() > max_segments)
    invalid(std::to_string(segments.size()) + " segments is outside 1.." +
            std::to_string(max_segments));
  std::uint64_t frames = 0;
  std::size_t bytes = 0;
  std::vector<std::uint32_t> counts;
  counts.reserve(segments.size());
  for (std::size_t i = 0; i < segments.size(); ++i) {
    try {
      counts.push_back(opus_chunk_format::parse(segments[i]).frame_count());
    } catch (const codec_error& e) {
      invalid("segment " + std::to_string(i) + " is not a valid blob: " + e.what());
    }
    frames += counts.back();
    bytes += segments[i].size();
  }
  if (frames > std::numeric_limits<std::uint32_t>::max())
    invalid(std::to_string(frames) + " frames is more than one container holds");

  const std::size_t table_end = header_bytes + entry_bytes * segments.size();
  std::vector<unsigned char> out(table_end + bytes);
  unsigned char* p = out.data();
  std::memcpy(p, magic, sizeof magic);
  store_u16(p + 4, format_version);
  store_u16(p + 6, static_cast<std::uint32_t>(segments.size()));
  store_u32(p + 8, static_cast<std::uint32_t>(frames));
  std::size_t at = table_end;
  for (std::size_t i = 0; i < segments.size(); ++i) {
    unsigned char* entry = p + header_bytes + entry_bytes * i;
    store_u32(entry, counts[i]);
    store_u32(entry + 4, static_cast<std::uint32_t>(segments[i].size()));
    std::memcpy(p + at, segments[i].data(), segments[i].size());
    at += segments[i].size();
  }
  store_u32(p + crc_offset, header_crc(p, segments.size()));
  return out;
}

opus_segmented_format::segment opus_segmented_format::segment_at(std::uint32_t index) const {
  if (index >= segment_count_)
    invalid("segment " + std::to_string(index) + " of a chunk with " +
            std::to_string(segment_count_));
  if (bare_)
    return segment{data_, size_, 0, frame_count_};
  segment s;
  std::size_t offset = header_bytes + entry_bytes * segment_count_;
  for (std::uint32_t i = 0; i <= index; ++i) {
    const unsigned char* entry = data_ + header_bytes + entry_bytes * i;
    s.first_frame += s.frame_count;
    s.frame_count = load_u32(entry);
    offset += s.size;
    s.size = load_u32(entry + 4);
  }
  s.data = data_ + offset;
  return s;
}

opus_chunk_format opus_segmented_format::segment_format(std::uint32_t index) const {
  const segment s = segment_at(index);
  const opus_chunk_format f = opus_chunk_format::parse(s.data, s.size);
  if (f.frame_count() != s.frame_count)
    corrupt("segment " + std::to_string(index) + " holds " + std::to_string(f.frame_count()) +
            " frames, the table says " + std::to_string(s.frame_count));
  return f;
}

} // namespace auralis::codec
