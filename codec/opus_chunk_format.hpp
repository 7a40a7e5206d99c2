#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace auralis::codec {

/// The container of one L3 chunk: the Opus packets of a 48 kHz stereo chunk plus what is
/// needed to turn them back into exactly the same number of PCM frames. Written by
/// opus_chunk_encoder, validated here before opus_chunk_decoder decodes a byte of it.
///
/// Byte layout, version 1 (every integer little-endian):
///
///   offset   size  field
///    0        4    magic "AOPC"
///    4        2    version: 1
///    6        1    channels: 2
///    7        1    reserved: 0
///    8        4    sample rate: 48000
///   12        4    frame_count: PCM frames (per channel) the chunk holds
///   16        2    frame_size: samples per channel in every packet: 960 (20 ms)
///   18        2    pre_skip: decoded samples per channel to drop at the front (the
///                  encoder's lookahead; 312 with libopus 1.3.1)
///   20        4    packet_count N = ceil((frame_count + pre_skip) / frame_size)
///   24        4    crc32: CRC-32 (the zlib / PNG polynomial) of all other bytes of the
///                  blob, i.e. bytes [0, 24) followed by bytes [28, end)
///   28        2*N  packet lengths, each 1..1276 bytes
///   28 + 2N   sum  the N packets, back to back; the blob ends after the last one
///
/// So a blob is exactly 28 + 2N + (sum of lengths) bytes. The length table comes before
/// the packets so that a reader walks the blob once, front to back, with no index.
///
/// An opus_chunk_format object is a validated view of a blob the caller owns; it holds a
/// pointer into that memory, which must outlive the view and stay unchanged.
class opus_chunk_format {
public:
  static constexpr std::size_t header_bytes = 28;       ///< bytes before the length table
  static constexpr std::uint16_t format_version = 1;    ///< the version this code writes and reads
  static constexpr int sample_rate = 48000;             ///< Hz, the only rate stored
  static constexpr int channels = 2;                    ///< interleaved stereo only
  static constexpr int frame_size = 960;                ///< samples per channel per packet (20 ms)
  static constexpr std::size_t max_packet_bytes = 1276; ///< TOC byte + one 1275-byte frame (RFC 6716)

  /// Validates the whole blob [data, data + size) and returns a view of it. Checks, in
  /// this order: header size, magic, version, channels, reserved byte, sample rate, frame
  /// size, packet_count against frame_count and pre_skip, that the length table fits,
  /// every packet length (1..max_packet_bytes), that the packets end exactly at the end
  /// of the blob, and the CRC. Reads nothing outside the blob and allocates nothing.
  /// Throws codec_error (corrupt) saying which check failed; `data` may be null only when
  /// `size` is 0 (which is corrupt too).
  static opus_chunk_format parse(const unsigned char* data, std::size_t size);

  /// Same as parse(blob.data(), blob.size()).
  static opus_chunk_format parse(const std::vector<unsigned char>& blob);

  /// Deleted: the view would point into a vector about to be destroyed.
  static opus_chunk_format parse(std::vector<unsigned char>&& blob) = delete;

  /// Builds a version-1 blob from packets already encoded: `lengths[i]` bytes of packet i
  /// lie back to back in [packets, packets + packet_bytes). The result's size() is its
  /// capacity() and equals blob_size(packet_count, packet_bytes). Throws codec_error
  /// (invalid_argument) if packet_count is not ceil((frame_count + pre_skip) / frame_size),
  /// a length is outside 1..max_packet_bytes, or the lengths do not add up to packet_bytes.
  static std::vector<unsigned char> assemble(std::uint32_t frame_count, std::uint16_t pre_skip,
                                             const std::uint16_t* lengths,
                                             std::size_t packet_count,
                                             const unsigned char* packets,
                                             std::size_t packet_bytes);

  /// Bytes of a blob holding `packet_count` packets of `packet_bytes` bytes in total.
  static constexpr std::size_t blob_size(std::size_t packet_count,
                                         std::size_t packet_bytes) noexcept {
    return header_bytes + 2 * packet_count + packet_bytes;
  }

  /// Packets needed for `frame_count` frames with `pre_skip` samples of lookahead:
  /// ceil((frame_count + pre_skip) / frame_size).
  static constexpr std::uint64_t packets_for(std::uint64_t frame_count,
                                             std::uint64_t pre_skip) noexcept {
    return (frame_count + pre_skip + frame_size - 1) / frame_size;
  }

  /// PCM frames (per channel) the chunk holds.
  std::uint32_t frame_count() const noexcept { return frame_count_; }

  /// Decoded samples per channel to drop at the front.
  std::uint16_t pre_skip() const noexcept { return pre_skip_; }

  /// Number of packets.
  std::uint32_t packet_count() const noexcept { return packet_count_; }

  /// Size of the whole blob in bytes.
  std::size_t size_bytes() const noexcept { return size_; }

  /// Calls `f(index, packet, bytes)` for every packet in order, `packet` pointing into the
  /// blob and `bytes` within 1..max_packet_bytes (already validated by parse()).
  template <class F>
  void for_each_packet(F&& f) const {
    const unsigned char* length_at = data_ + header_bytes;
    const unsigned char* packet = length_at + 2 * static_cast<std::size_t>(packet_count_);
    for (std::uint32_t i = 0; i < packet_count_; ++i, length_at += 2) {
      const std::size_t bytes = static_cast<std::size_t>(length_at[0]) |
                                static_cast<std::size_t>(length_at[1]) << 8;
      f(i, packet, bytes);
      packet += bytes;
    }
  }

private:
  opus_chunk_format(const unsigned char* data, std::size_t size, std::uint32_t frame_count,
                    std::uint16_t pre_skip, std::uint32_t packet_count) noexcept
    : data_(data), size_(size), frame_count_(frame_count), pre_skip_(pre_skip),
      packet_count_(packet_count) {}

  const unsigned char* data_;
  std::size_t size_;
  std::uint32_t frame_count_;
  std::uint16_t pre_skip_;
  std::uint32_t packet_count_;
};

} // namespace auralis::codec
