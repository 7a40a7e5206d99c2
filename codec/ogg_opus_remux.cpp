#include "codec/ogg_opus_remux.hpp"

#include <array>
#include <cstdint>
#include <cstring>
#include <string>

#include <ogg/ogg.h>
#include <opus/opus.h>

#include "codec/codec_error.hpp"
#include "codec/little_endian.hpp"

namespace auralis::codec {

namespace {

constexpr int serial_number = 0x41555241; // "AURA", as write_ogg_opus
constexpr std::uint32_t frame_size = opus_chunk_format::frame_size;

[[noreturn]] void off_grid(const std::string& what) {
  throw codec_error(codec_errc::invalid_argument, "ogg opus remux: " + what);
}

/// Owns a libogg stream state.
class ogg_stream {
public:
  ogg_stream() {
    if (ogg_stream_init(&state_, serial_number) != 0)
      throw std::bad_alloc();
  }
  ~ogg_stream() { ogg_stream_clear(&state_); }
  ogg_stream(const ogg_stream&) = delete;
  ogg_stream& operator=(const ogg_stream&) = delete;

  /// Adds one packet (libogg copies its bytes); `granule` is the stream position after it.
  void add(const unsigned char* data, std::size_t bytes, std::int64_t granule, bool first,
           bool last) {
    ogg_packet p{};
    // libogg's ogg_packet has a non-const pointer but ogg_stream_packetin only reads it.
    p.packet = const_cast<unsigned char*>(data);
    p.bytes = static_cast<long>(bytes);
    p.b_o_s = first ? 1 : 0;
    p.e_o_s = last ? 1 : 0;
    p.granulepos = granule;
    p.packetno = packetno_++;
    if (ogg_stream_packetin(&state_, &p) != 0)
      throw std::bad_alloc();
  }

  /// Appends the pages that are full (or, with `flush`, every page with data) to `out`.
  void pages_to(std::vector<unsigned char>& out, bool flush) {
    ogg_page page;
    while ((flush ? ogg_stream_flush(&state_, &page) : ogg_stream_pageout(&state_, &page)) != 0) {
      out.insert(out.end(), page.header, page.header + page.header_len);
      out.insert(out.end(), page.body, page.body + page.body_len);
    }
  }

private:
  ogg_stream_state state_{};
  std::int64_t packetno_ = 0;
};

/// The 19-byte identification header of RFC 7845 section 5.1 (channel mapping family 0).
std::array<unsigned char, 19> opus_head(std::uint16_t pre_skip) {
  std::array<unsigned char, 19> h{};
  std::memcpy(h.data(), "OpusHead", 8);
  h[8] = 1; // version
  h[9] = static_cast<unsigned char>(opus_chunk_format::channels);
  store_u16(h.data() + 10, pre_skip);
  store_u32(h.data() + 12, static_cast<std::uint32_t>(opus_chunk_format::sample_rate));
  // output gain 0 (bytes 16-17) and mapping family 0 (byte 18) stay zero
  return h;
}

/// The comment header of RFC 7845 section 5.2: the vendor string, no comments.
std::vector<unsigned char> opus_tags() {
  const std::string vendor = opus_get_version_string();
  std::vector<unsigned char> t(8 + 4 + vendor.size() + 4);
  std::memcpy(t.data(), "OpusTags", 8);
  store_u32(t.data() + 8, static_cast<std::uint32_t>(vendor.size()));
  std::memcpy(t.data() + 12, vendor.data(), vendor.size());
  store_u32(t.data() + 12 + vendor.size(), 0);
  return t;
}

} // namespace

std::vector<unsigned char> remux_to_ogg_opus(const opus_segmented_format& container) {
  const std::uint32_t segments = container.segment_count();
  const opus_chunk_format head = container.segment_format(0);
  const std::uint32_t lookahead = head.pre_skip();
  if (lookahead >= frame_size)
    off_grid("the first segment's pre-skip " + std::to_string(lookahead) +
             " is a whole packet or more");

  std::vector<unsigned char> out;
  // The packets plus about 1 % of Ogg framing and the two header pages.
  out.reserve(container.size_bytes() + container.size_bytes() / 64 + 512);
  ogg_stream stream;
  const auto id = opus_head(static_cast<std::uint16_t>(lookahead));
  stream.add(id.data(), id.size(), 0, true, false);
  stream.pages_to(out, true); // OpusHead alone on the first page
  const auto tags = opus_tags();
  stream.add(tags.data(), tags.size(), 0, false, false);
  stream.pages_to(out, true); // OpusTags ends its page

  std::int64_t granule = 0; // stream samples (pre-skip included) after the last packet added
  const std::int64_t end = static_cast<std::int64_t>(lookahead) + container.frame_count();
  for (std::uint32_t k = 0; k < segments; ++k) {
    const auto where = container.segment_at(k);
    const opus_chunk_format seg = k == 0 ? head : container.segment_format(k);
    const bool last = k + 1 == segments;
    if (where.first_frame % frame_size != 0)
      off_grid("segment " + std::to_string(k) + " starts at frame " +
               std::to_string(where.first_frame) + ", not on a packet boundary");
    if (seg.pre_skip() < lookahead || (seg.pre_skip() - lookahead) % frame_size != 0)
      off_grid("segment " + std::to_string(k) + "'s warm-up (pre-skip " +
               std::to_string(seg.pre_skip()) + ") is not a whole number of packets");
    if (!last && where.frame_count % frame_size != 0)
      off_grid("segment " + std::to_string(k) + " holds " + std::to_string(where.frame_count) +
               " frames, not a whole number of packets");
    const std::uint32_t skip = (seg.pre_skip() - lookahead) / frame_size;
    const std::uint32_t use = last ? seg.packet_count() - skip : where.frame_count / frame_size;
    if (skip > seg.packet_count() || use > seg.packet_count() - skip)
      off_grid("segment " + std::to_string(k) + " has too few packets");
    seg.for_each_packet([&](std::uint32_t i, const unsigned char* packet, std::size_t bytes) {
      if (i < skip || i >= skip + use)
        return;
      const bool final_packet = last && i + 1 == skip + use;
      granule += frame_size;
      // The last granule position trims the padding of the last packet (RFC 7845 4.4).
      stream.add(packet, bytes, final_packet ? end : granule, false, final_packet);
      stream.pages_to(out, false);
    });
  }
  stream.pages_to(out, true);
  return out;
}

} // namespace auralis::codec
