// Fuzz target: an L3 chunk as stored bytes (codec/opus_segmented_format.hpp), parsed and,
// when it parses, decoded whole and segment by segment with opus_chunk_decoder.
//
// The input is tried as it is and once more with every CRC it states recomputed, so that
// mutations reach the checks and the decoder behind the checksums. codec_error is the
// documented failure; anything else (another exception, a sanitizer report, a decode that
// disagrees with itself) is a finding.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "codec/codec_error.hpp"
#include "codec/crc32.hpp"
#include "codec/little_endian.hpp"
#include "codec/opus_chunk_decoder.hpp"
#include "codec/opus_chunk_format.hpp"
#include "codec/opus_segmented_format.hpp"

namespace {

namespace codec = auralis::codec;
using codec::opus_chunk_format;
using codec::opus_segmented_format;

/// Most PCM frames decoded for one input: 16 Mi frames of 16-bit stereo are 64 MiB.
constexpr std::uint64_t max_frames = std::uint64_t{16} << 20;

/// Rewrites the CRC of the version-1 blob at [blob, blob + size) if its header is there.
void reseal_blob(unsigned char* blob, std::size_t size) {
  if (size < opus_chunk_format::header_bytes || std::memcmp(blob, "AOPC", 4) != 0)
    return;
  std::uint32_t crc = codec::crc32_update(0, blob, 24);
  crc = codec::crc32_update(crc, blob + opus_chunk_format::header_bytes,
                            size - opus_chunk_format::header_bytes);
  codec::store_u32(blob + 24, crc);
}

/// `in` with the container's header CRC and every segment's CRC recomputed, as far as the
/// header, the table and the segment sizes it states fit in the input.
std::vector<unsigned char> resealed(const std::uint8_t* data, std::size_t size) {
  std::vector<unsigned char> b(data, data + size);
  if (size >= 4 && std::memcmp(b.data(), "AOPC", 4) == 0) {
    reseal_blob(b.data(), b.size());
    return b;
  }
  if (size < opus_segmented_format::header_bytes || std::memcmp(b.data(), "AOPS", 4) != 0)
    return b;
  const std::size_t segments = codec::load_u16(b.data() + 6);
  const std::size_t table_end =
    opus_segmented_format::header_bytes + opus_segmented_format::entry_bytes * segments;
  if (segments == 0 || table_end > size)
    return b;
  std::uint32_t crc = codec::crc32_update(0, b.data(), 12);
  crc = codec::crc32_update(crc, b.data() + opus_segmented_format::header_bytes,
                            table_end - opus_segmented_format::header_bytes);
  codec::store_u32(b.data() + 12, crc);
  std::size_t at = table_end;
  for (std::size_t i = 0; i < segments; ++i) {
    const std::size_t bytes = codec::load_u32(
      b.data() + opus_segmented_format::header_bytes + opus_segmented_format::entry_bytes * i + 4);
    if (bytes > size - at)
      break;
    reseal_blob(b.data() + at, bytes);
    at += bytes;
  }
  return b;
}

/// Parses `blob` and, when it parses and every segment validates, decodes it whole, with a
/// buffer one sample too small, and segment by segment, and checks that they agree.
void exercise(const unsigned char* blob, std::size_t size) {
  codec::opus_chunk_decoder decoder;
  std::uint32_t segments = 0;
  std::uint64_t frames = 0;
  try {
    const opus_segmented_format chunk = opus_segmented_format::parse(blob, size);
    segments = chunk.segment_count();
    frames = chunk.frame_count();
    if (chunk.size_bytes() != size || segments == 0 ||
        segments > opus_segmented_format::max_segments)
      std::abort();
    // Validate first, as decode_into does, so that a table claiming billions of frames is
    // refused before the output buffer is allocated.
    for (std::uint32_t k = 0; k < segments; ++k)
      chunk.segment_format(k);
  } catch (const codec::codec_error&) {
    return;
  }
  if (frames > max_frames)
    return;

  std::vector<std::int16_t> whole(2 * frames);
  bool whole_ok = false;
  try {
    if (decoder.decode_into(blob, size, whole.data(), whole.size()) != frames)
      std::abort();
    whole_ok = true;
  } catch (const codec::codec_error&) {
  }
  if (frames > 0) {
    constexpr std::int16_t untouched = 0x5a5a;
    std::vector<std::int16_t> short_by_one(2 * frames - 1, untouched);
    try {
      decoder.decode_into(blob, size, short_by_one.data(), short_by_one.size());
      std::abort(); // documented: a buffer too small is refused...
    } catch (const codec::codec_error&) {
    }
    for (const std::int16_t v : short_by_one)
      if (v != untouched)
        std::abort(); // ...and nothing is written to it
  }

  const opus_segmented_format chunk = opus_segmented_format::parse(blob, size);
  for (std::uint32_t k = 0; k < segments; ++k) {
    const opus_segmented_format::segment s = chunk.segment_at(k);
    std::vector<std::int16_t> part(2 * static_cast<std::size_t>(s.frame_count));
    try {
      if (decoder.decode_segment_into(blob, size, k, part.data(), part.size()) != s.frame_count)
        std::abort();
    } catch (const codec::codec_error&) {
      if (whole_ok)
        std::abort(); // the whole decode decoded this segment from a reset decoder too
      continue;
    }
    // Documented: a segment decoded alone gives the samples the whole decode put there.
    if (whole_ok && !part.empty() &&
        std::memcmp(part.data(), whole.data() + 2 * static_cast<std::size_t>(s.first_frame),
                    part.size() * sizeof(std::int16_t)) != 0)
      std::abort();
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // A copy (null when empty, as parse allows), compared below with the resealed one.
  const std::vector<unsigned char> raw(data, data + size);
  exercise(raw.data(), raw.size());
  const std::vector<unsigned char> fixed = resealed(data, size);
  if (fixed != raw)
    exercise(fixed.data(), fixed.size());
  return 0;
}
