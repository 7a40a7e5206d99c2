#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "codec/byte_buffer.hpp"
#include "codec/opus_chunk_format.hpp"

namespace auralis::codec {

/// The container of one L3 chunk stored as independently decodable segments: S version-1
/// blobs (opus_chunk_format), each holding a consecutive range of the chunk's PCM frames,
/// so that the segments of one chunk can be decoded on S threads at once and joined by
/// copying each into its frame range. Written by opus_chunk_encoder::encode, validated
/// here before opus_chunk_decoder decodes a byte of it.
///
/// Byte layout, version 1 (every integer little-endian):
///
///   offset   size  field
///    0        4    magic "AOPS"
///    4        2    version: 1
///    6        2    segment_count S: 1..max_segments
///    8        4    frame_count: PCM frames (per channel, 48 kHz stereo) of the whole chunk,
///                  the sum of the segments' frame counts
///   12        4    crc32: CRC-32 (the zlib / PNG polynomial) of bytes [0, 12) followed by
///                  the segment table, bytes [16, 16 + 8S); each segment blob carries its
///                  own CRC over its own bytes
///   16        8S   segment table, one entry per segment in order:
///                    u32 frame_count: PCM frames the segment holds
///                    u32 bytes: size of the segment's blob, >= 28
///   16 + 8S   sum  the S segment blobs back to back; the container ends after the last
///
/// So a container is exactly 16 + 8S + (sum of the segment sizes) bytes. Segment k holds
/// the chunk's frames [first_k, first_k + frame_count_k), first_k being the sum of the
/// frame counts before it; its blob's frame_count is frame_count_k.
///
/// Inside a segment blob, pre_skip is the encoder's lookahead plus a warm-up: the packets
/// encode the chunk's PCM from first_k - warm-up on (the warm-up is 0 for the first
/// segment), so a decoder started from reset on the segment has settled by the segment's
/// first frame and the joins carry no cold-start artefact. The samples a segment's last
/// packet holds past its end encode the PCM that follows (silence only past the chunk's
/// end). None of this matters to a reader: each segment decodes as any version-1 blob.
///
/// A bare version-1 blob (magic "AOPC") is read as a container of one segment.
///
/// An opus_segmented_format object is a validated view of a container the caller owns; it
/// holds a pointer into that memory, which must outlive the view and stay unchanged.
class opus_segmented_format {
public:
  static constexpr std::size_t header_bytes = 16;       ///< bytes before the segment table
  static constexpr std::size_t entry_bytes = 8;         ///< bytes per segment table entry
  static constexpr std::uint16_t format_version = 1;    ///< the version this code writes and reads
  static constexpr std::uint32_t max_segments = 64;     ///< most segments a container holds

  /// Where one segment lies, in the container and on the chunk's timeline.
  struct segment {
    const unsigned char* data = nullptr; ///< the segment's version-1 blob, inside the container
    std::size_t size = 0;                ///< bytes of that blob
    std::uint32_t first_frame = 0;       ///< the chunk frame its first frame is
    std::uint32_t frame_count = 0;       ///< PCM frames it holds
  };

  /// True when [data, data + size) starts with the container's magic "AOPS" (checks
  /// nothing else; false for a bare version-1 blob).
  static bool has_magic(const unsigned char* data, std::size_t size) noexcept;

  /// Validates the container's structure and returns a view of it: for "AOPS", in this
  /// order, header size, version, segment count (1..max_segments), that the table fits,
  /// the header CRC, every segment size (>= opus_chunk_format::header_bytes), that the
  /// frame counts add up to frame_count and that the segments end exactly at the end of
  /// the container. The segment blobs themselves are checked by segment_format(), so this
  /// costs O(S), not O(size). A bare version-1 blob ("AOPC") is validated whole by
  /// opus_chunk_format::parse. Reads nothing outside the blob and allocates nothing.
  /// Throws codec_error (corrupt) saying which check failed (any other magic: bad magic);
  /// `data` may be null only when `size` is 0 (which is corrupt too).
  static opus_segmented_format parse(const unsigned char* data, std::size_t size);

  /// Same as parse(blob.data(), blob.size()).
  static opus_segmented_format parse(const std::vector<unsigned char>& blob);

  /// Deleted: the view would point into a vector about to be destroyed.
  static opus_segmented_format parse(std::vector<unsigned char>&& blob) = delete;

  /// Same as parse(blob.data(), blob.size()); the view is valid while `blob` lives.
  static opus_segmented_format parse(const byte_buffer& blob);

  /// Builds a version-1 container of the version-1 blobs `segments` (in order). The
  /// result's size() is its capacity(). Throws codec_error (invalid_argument) when there
  /// are no segments or more than max_segments, a segment is not a valid version-1 blob,
  /// or the frame counts add up to more than 2^32 - 1.
  static std::vector<unsigned char>
  assemble(const std::vector<std::vector<unsigned char>>& segments);

  /// PCM frames (per channel) of the whole chunk.
  std::uint32_t frame_count() const noexcept { return frame_count_; }

  /// Number of segments (1 for a bare version-1 blob).
  std::uint32_t segment_count() const noexcept { return segment_count_; }

  /// Size of the whole container in bytes.
  std::size_t size_bytes() const noexcept { return size_; }

  /// Segment `index`, as the table says (not yet validated: see segment_format()).
  /// Throws codec_error (invalid_argument) when index >= segment_count().
  segment segment_at(std::uint32_t index) const;

  /// Validates segment `index` whole (opus_chunk_format::parse, CRC included) and that
  /// its frame count is the table's; returns a view of it. Throws codec_error:
  /// invalid_argument when index >= segment_count(), corrupt when the segment is.
  opus_chunk_format segment_format(std::uint32_t index) const;

private:
  opus_segmented_format(const unsigned char* data, std::size_t size, std::uint32_t frame_count,
                        std::uint32_t segment_count, bool bare) noexcept
    : data_(data), size_(size), frame_count_(frame_count), segment_count_(segment_count),
      bare_(bare) {}

  const unsigned char* data_;
  std::size_t size_;
  std::uint32_t frame_count_;
  std::uint32_t segment_count_;
  bool bare_; ///< a bare version-1 blob: one segment, the whole of it
};

} // namespace auralis::codec
