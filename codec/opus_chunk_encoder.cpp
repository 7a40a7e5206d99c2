#include "codec/opus_chunk_encoder.hpp"

#include <algorithm>
#include <cstring>
#include <string>

#include <opus/opus.h>

#include "codec/codec_error.hpp"
#include "codec/opus_segmented_format.hpp"

namespace auralis::codec {

namespace {

constexpr std::size_t max_frames = 4'000'000'000;

[[noreturn]] void encode_failed(const std::string& what, int rc) {
  throw codec_error(codec_errc::encode_failed,
                    "opus chunk encoder: " + what + " (" + opus_strerror(rc) + ")");
}

} // namespace

void opus_chunk_encoder::state_deleter::operator()(OpusEncoder* state) const noexcept {
  opus_encoder_destroy(state);
}

opus_chunk_encoder::opus_chunk_encoder(const opus_options& options) : options_(options) {
  options_.validate();
  int rc = OPUS_OK;
  state_.reset(opus_encoder_create(opus_chunk_format::sample_rate, opus_chunk_format::channels,
                                   OPUS_APPLICATION_AUDIO, &rc));
  if (!state_ || rc != OPUS_OK)
    encode_failed("cannot create the encoder", rc);
  if ((rc = opus_encoder_ctl(state_.get(), OPUS_SET_BITRATE(options_.bitrate_bps))) != OPUS_OK)
    encode_failed("bitrate " + std::to_string(options_.bitrate_bps) + " rejected", rc);
  if ((rc = opus_encoder_ctl(state_.get(), OPUS_SET_COMPLEXITY(options_.complexity))) != OPUS_OK)
    encode_failed("complexity " + std::to_string(options_.complexity) + " rejected", rc);
  opus_int32 lookahead = 0;
  if ((rc = opus_encoder_ctl(state_.get(), OPUS_GET_LOOKAHEAD(&lookahead))) != OPUS_OK)
    encode_failed("cannot read the lookahead", rc);
  if (lookahead < 0 || lookahead > 0xFFFF)
    encode_failed("lookahead " + std::to_string(lookahead) + " does not fit the blob",
                  OPUS_INTERNAL_ERROR);
  lookahead_ = lookahead;
  warmup_ = 2 * opus_chunk_format::frame_size;
}

opus_chunk_encoder::opus_chunk_encoder(opus_chunk_encoder&&) noexcept = default;
opus_chunk_encoder& opus_chunk_encoder::operator=(opus_chunk_encoder&&) noexcept = default;
opus_chunk_encoder::~opus_chunk_encoder() = default;

std::vector<unsigned char> opus_chunk_encoder::encode(const std::int16_t* interleaved,
                                                      std::size_t frames) {
  if (frames > max_frames)
    throw codec_error(codec_errc::invalid_argument,
                      "opus chunk encoder: " + std::to_string(frames) +
                        " frames is more than one blob holds");
  // Split at packet boundaries: `units` packets' worth of input, `segments` near-equal
  // runs of them, the last one cut at the chunk's end.
  constexpr std::size_t frame_size = opus_chunk_format::frame_size;
  const std::size_t units = (frames + frame_size - 1) / frame_size;
  const std::size_t segments =
    std::max<std::size_t>(1, std::min(static_cast<std::size_t>(options_.segments), units));
  std::vector<std::vector<unsigned char>> blobs;
  blobs.reserve(segments);
  for (std::size_t k = 0; k < segments; ++k) {
    const std::size_t first = std::min(frames, k * units / segments * frame_size);
    const std::size_t end = std::min(frames, (k + 1) * units / segments * frame_size);
    blobs.push_back(encode_segment(interleaved, frames, first, end - first));
  }
  return opus_segmented_format::assemble(blobs);
}

std::vector<unsigned char> opus_chunk_encoder::encode_segment(const std::int16_t* interleaved,
                                                              std::size_t frames,
                                                              std::size_t first,
                                                              std::size_t count) {
  if (!state_)
    throw codec_error(codec_errc::invalid_argument, "opus chunk encoder: moved from");
  if (frames > max_frames)
    throw codec_error(codec_errc::invalid_argument,
                      "opus chunk encoder: " + std::to_string(frames) +
                        " frames is more than one blob holds");
  if (first > frames || count > frames - first)
    throw codec_error(codec_errc::invalid_argument,
                      "opus chunk encoder: frames [" + std::to_string(first) + ", +" +
                        std::to_string(count) + ") outside a chunk of " +
                        std::to_string(frames));
  int rc = opus_encoder_ctl(state_.get(), OPUS_RESET_STATE);
  if (rc != OPUS_OK)
    encode_failed("cannot reset the encoder", rc);

  constexpr std::size_t frame_size = opus_chunk_format::frame_size;
  const std::size_t warmup = std::min(first, static_cast<std::size_t>(warmup_));
  const std::size_t pre_skip = static_cast<std::size_t>(lookahead_) + warmup;
  const std::size_t packet_count =
    static_cast<std::size_t>(opus_chunk_format::packets_for(count, pre_skip));
  // Chunk frame of packet 0's first input sample.
  const std::size_t origin = first - warmup;
  lengths_.clear();
  lengths_.reserve(packet_count);
  packets_.clear();
  // Enough for the configured bitrate with VBR headroom; grows if a segment needs more.
  packets_.reserve(packet_count * static_cast<std::size_t>(options_.bitrate_bps / 400 + 64));

  // The packets on either side of a join are coded without inter-frame prediction
  // (OPUS_SET_PREDICTION_DISABLED: intra-coded band energies, no pitch pre-filter), so that
  // a decoder passing from this segment's packets to the next one's (remux_to_ogg_opus)
  // carries no state that the next segment's encoder did not have: the last warm-up
  // packet and the first packet of the segment's own frames, and the packet that ends at
  // the segment's last frame when more of the chunk follows.
  const std::size_t join_in = warmup > 0 ? warmup / frame_size : packet_count;
  const std::size_t join_out =
    first + count < frames && (warmup + count) % frame_size == 0 && warmup + count > 0
      ? (warmup + count) / frame_size - 1
      : packet_count;
  bool predicting = true;
  unsigned char packet[opus_chunk_format::max_packet_bytes];
  for (std::size_t i = 0; i < packet_count; ++i) {
    const bool at_join = i + 1 == join_in || i == join_in || i == join_out;
    if (at_join == predicting) {
      if ((rc = opus_encoder_ctl(state_.get(), OPUS_SET_PREDICTION_DISABLED(at_join ? 1 : 0))) !=
          OPUS_OK)
        encode_failed("cannot switch inter-frame prediction", rc);
      predicting = !at_join;
    }
    const std::size_t at = origin + i * frame_size;
    const std::int16_t* input = nullptr;
    if (at + frame_size <= frames) {
      input = interleaved + 2 * at;
    } else {
      // Past the chunk's end: what is left of it, then zeros.
      tail_.fill(0);
      if (at < frames)
        std::memcpy(tail_.data(), interleaved + 2 * at, 2 * (frames - at) * sizeof(std::int16_t));
      input = tail_.data();
    }
    const opus_int32 bytes = opus_encode(state_.get(), input, static_cast<int>(frame_size),
                                         packet, static_cast<opus_int32>(sizeof packet));
    if (bytes < 0)
      encode_failed("packet " + std::to_string(i) + " failed", bytes);
    lengths_.push_back(static_cast<std::uint16_t>(bytes));
    packets_.insert(packets_.end(), packet, packet + bytes);
  }
  if (!predicting && (rc = opus_encoder_ctl(state_.get(), OPUS_SET_PREDICTION_DISABLED(0))) != OPUS_OK)
    encode_failed("cannot switch inter-frame prediction", rc);
  return opus_chunk_format::assemble(static_cast<std::uint32_t>(count),
                                     static_cast<std::uint16_t>(pre_skip), lengths_.data(),
                                     lengths_.size(), packets_.data(), packets_.size());
}

std::vector<unsigned char> opus_chunk_encoder::encode(const std::vector<std::int16_t>& interleaved) {
  if (interleaved.size() % 2 != 0)
    throw codec_error(codec_errc::invalid_argument,
                      "opus chunk encoder: " + std::to_string(interleaved.size()) +
                        " samples is not a whole number of stereo frames");
  return encode(interleaved.data(), interleaved.size() / 2);
}

} // namespace auralis::codec
