#include "codec/opus_chunk_decoder.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <optional>
#include <string>

#include <opus/opus.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "codec/codec_error.hpp"

namespace auralis::codec {

namespace {

[[noreturn]] void decode_failed(const std::string& what, int rc) {
  throw codec_error(codec_errc::decode_failed,
                    "opus chunk decoder: " + what + " (" + opus_strerror(rc) + ")");
}

/// Samples in one decoded 20 ms stereo packet.
constexpr std::size_t packet_samples = 2 * opus_chunk_format::frame_size;
static_assert(packet_samples % 8 == 0, "the SSE2 conversion takes eight samples at a time");

/// libopus' FLOAT2INT16 over one packet: x * 32768 clamped to [-32768, 32767] and rounded
/// to nearest, ties to even (lrintf in the default rounding mode), which is what
/// opus_decode() applies after its float decode. The SSE2 path gives the same integers.
void to_pcm16(const float* in, std::int16_t* out) {
#if defined(__SSE2__)
  const __m128 scale = _mm_set1_ps(32768.0f);
  const __m128 lo = _mm_set1_ps(-32768.0f);
  const __m128 hi = _mm_set1_ps(32767.0f);
  for (std::size_t i = 0; i < packet_samples; i += 8) {
    const __m128 a = _mm_min_ps(_mm_max_ps(_mm_mul_ps(_mm_loadu_ps(in + i), scale), lo), hi);
    const __m128 b =
      _mm_min_ps(_mm_max_ps(_mm_mul_ps(_mm_loadu_ps(in + i + 4), scale), lo), hi);
    const __m128i packed = _mm_packs_epi32(_mm_cvtps_epi32(a), _mm_cvtps_epi32(b));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i), packed);
  }
#else
  for (std::size_t i = 0; i < packet_samples; ++i) {
    const float x = std::min(std::max(in[i] * 32768.0f, -32768.0f), 32767.0f);
    out[i] = static_cast<std::int16_t>(std::lrint(x));
  }
#endif
}

} // namespace

void opus_chunk_decoder::state_deleter::operator()(OpusDecoder* state) const noexcept {
  opus_decoder_destroy(state);
}

opus_chunk_decoder::opus_chunk_decoder() {
  int rc = OPUS_OK;
  state_.reset(opus_decoder_create(opus_chunk_format::sample_rate, opus_chunk_format::channels,
                                   &rc));
  if (!state_ || rc != OPUS_OK)
    decode_failed("cannot create the decoder", rc);
}

opus_chunk_decoder::opus_chunk_decoder(opus_chunk_decoder&&) noexcept = default;
opus_chunk_decoder& opus_chunk_decoder::operator=(opus_chunk_decoder&&) noexcept = default;
opus_chunk_decoder::~opus_chunk_decoder() = default;

std::size_t opus_chunk_decoder::decode_into(const unsigned char* blob, std::size_t size,
                                            std::int16_t* out, std::size_t out_samples) {
  const opus_segmented_format chunk = opus_segmented_format::parse(blob, size);
  // Every segment is validated before a packet is decoded.
  std::array<std::optional<opus_chunk_format>, opus_segmented_format::max_segments> segments;
  for (std::uint32_t k = 0; k < chunk.segment_count(); ++k)
    segments[k] = chunk.segment_format(k);
  const std::size_t needed = 2 * static_cast<std::size_t>(chunk.frame_count());
  if (out_samples < needed)
    throw codec_error(codec_errc::corrupt,
                      "opus chunk decoder: the chunk holds " + std::to_string(needed) +
                        " samples, the output has room for " + std::to_string(out_samples));
  std::size_t first = 0;
  for (std::uint32_t k = 0; k < chunk.segment_count(); ++k)
    first += decode_validated(*segments[k], out + 2 * first);
  return first;
}

std::vector<std::int16_t> opus_chunk_decoder::decode(const unsigned char* blob,
                                                     std::size_t size) {
  const opus_segmented_format chunk = opus_segmented_format::parse(blob, size);
  std::vector<std::int16_t> out(2 * static_cast<std::size_t>(chunk.frame_count()));
  decode_into(blob, size, out.data(), out.size());
  return out;
}

std::vector<std::int16_t> opus_chunk_decoder::decode(const std::vector<unsigned char>& blob) {
  return decode(blob.data(), blob.size());
}

std::size_t opus_chunk_decoder::decode_segment_into(const unsigned char* blob, std::size_t size,
                                                    std::uint32_t segment, std::int16_t* out,
                                                    std::size_t out_samples) {
  const opus_segmented_format chunk = opus_segmented_format::parse(blob, size);
  const opus_chunk_format part = chunk.segment_format(segment);
  const std::size_t needed = 2 * static_cast<std::size_t>(part.frame_count());
  if (out_samples < needed)
    throw codec_error(codec_errc::corrupt,
                      "opus chunk decoder: segment " + std::to_string(segment) + " holds " +
                        std::to_string(needed) + " samples, the output has room for " +
                        std::to_string(out_samples));
  return decode_validated(part, out);
}

std::vector<std::int16_t> opus_chunk_decoder::decode_segment(const unsigned char* blob,
                                                             std::size_t size,
                                                             std::uint32_t segment) {
  const opus_segmented_format chunk = opus_segmented_format::parse(blob, size);
  const opus_chunk_format part = chunk.segment_format(segment);
  std::vector<std::int16_t> out(2 * static_cast<std::size_t>(part.frame_count()));
  decode_validated(part, out.data());
  return out;
}

std::size_t opus_chunk_decoder::decode_validated(const opus_chunk_format& chunk,
                                                 std::int16_t* out) {
  if (!state_)
    throw codec_error(codec_errc::invalid_argument, "opus chunk decoder: moved from");
  int rc = opus_decoder_ctl(state_.get(), OPUS_RESET_STATE);
  if (rc != OPUS_OK)
    decode_failed("cannot reset the decoder", rc);
  soft_clip_memory_.fill(0.0f); // as the reset does to the decoder's own

  constexpr std::int64_t frame_size = opus_chunk_format::frame_size;
  const std::int64_t frames = chunk.frame_count();
  const std::int64_t pre_skip = chunk.pre_skip();
  chunk.for_each_packet([&](std::uint32_t i, const unsigned char* packet, std::size_t bytes) {
    const auto len = static_cast<opus_int32>(bytes);
    const int duration = opus_packet_get_nb_samples(packet, len, opus_chunk_format::sample_rate);
    if (duration < 0)
      decode_failed("packet " + std::to_string(i) + " is invalid", duration);
    if (duration != frame_size)
      throw codec_error(codec_errc::corrupt,
                        "opus chunk decoder: packet " + std::to_string(i) + " holds " +
                          std::to_string(duration) + " samples, not 960");
    // Decoded sample k of packet i is output frame i * frame_size + k - pre_skip; packets
    // that reach outside [0, frames) go through edge_ and only their inside is kept.
    const std::int64_t start = static_cast<std::int64_t>(i) * frame_size - pre_skip;
    const std::int64_t end = start + frame_size;
    const bool inside = start >= 0 && end <= frames;
    std::int16_t* target = inside ? out + 2 * start : edge_.data();
    const int got = opus_decode_float(state_.get(), packet, len, decoded_.data(),
                                      static_cast<int>(frame_size), 0);
    if (got < 0)
      decode_failed("packet " + std::to_string(i) + " was rejected", got);
    if (got != frame_size)
      throw codec_error(codec_errc::corrupt,
                        "opus chunk decoder: packet " + std::to_string(i) + " decoded to " +
                          std::to_string(got) + " samples, not 960");
    opus_pcm_soft_clip(decoded_.data(), got, opus_chunk_format::channels,
                       soft_clip_memory_.data());
    to_pcm16(decoded_.data(), target);
    if (!inside) {
      const std::int64_t lo = std::max<std::int64_t>(start, 0);
      const std::int64_t hi = std::min(end, frames);
      if (lo < hi)
        std::memcpy(out + 2 * lo, edge_.data() + 2 * (lo - start),
                    static_cast<std::size_t>(2 * (hi - lo)) * sizeof(std::int16_t));
    }
  });
  return static_cast<std::size_t>(frames);
}

} // namespace auralis::codec
