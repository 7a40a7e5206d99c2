#include "http/chunk_encoding.hpp"

#include <cstring>
#include <stdexcept>

#include "config/json_writer.hpp"

namespace auralis::http {

namespace {

void put_u16(std::string& s, std::size_t at, std::uint32_t v) {
  s[at] = static_cast<char>(v & 0xff);
  s[at + 1] = static_cast<char>((v >> 8) & 0xff);
}

void put_u32(std::string& s, std::size_t at, std::uint32_t v) {
  for (int i = 0; i < 4; ++i)
    s[at + static_cast<std::size_t>(i)] = static_cast<char>((v >> (8 * i)) & 0xff);
}

constexpr std::uint32_t channels = 2;
constexpr std::uint32_t rate = 48000;
constexpr std::uint32_t block_align = channels * 2;

} // namespace

std::string wav_header_for(std::uint64_t data_bytes) {
  if (data_bytes % block_align != 0)
    throw std::invalid_argument("wav header: " + std::to_string(data_bytes) +
                                " bytes are not whole 16-bit stereo frames");
  if (data_bytes > 0xFFFFFFFFull - 36)
    throw std::invalid_argument("wav header: " + std::to_string(data_bytes) +
                                " bytes do not fit a WAV file");
  std::string h(44, '\0');
  std::memcpy(h.data(), "RIFF", 4);
  put_u32(h, 4, static_cast<std::uint32_t>(36 + data_bytes));
  std::memcpy(h.data() + 8, "WAVEfmt ", 8);
  put_u32(h, 16, 16);
  put_u16(h, 20, 1);
  put_u16(h, 22, channels);
  put_u32(h, 24, rate);
  put_u32(h, 28, rate * block_align);
  put_u16(h, 32, block_align);
  put_u16(h, 34, 16);
  std::memcpy(h.data() + 36, "data", 4);
  put_u32(h, 40, static_cast<std::uint32_t>(data_bytes));
  return h;
}

std::vector<http_header> chunk_headers(const char* tier, std::int64_t chunk_idx,
                                       std::int64_t frames) {
  config::json_writer duration;
  duration.value(static_cast<double>(frames) / 48000.0, 9);
  return {{"X-Cache-Tier", tier},
          {"X-Chunk-Index", std::to_string(chunk_idx)},
          {"X-Chunk-Duration", duration.take()},
          {"Cache-Control", "no-store"}};
}

} // namespace auralis::http
