#include "codec/wav_writer.hpp"

#include <cstring>
#include <string>

#include "codec/codec_error.hpp"

namespace auralis::codec {

namespace {

void put_u16(unsigned char* p, std::uint32_t v) noexcept {
  p[0] = static_cast<unsigned char>(v);
  p[1] = static_cast<unsigned char>(v >> 8);
}

void put_u32(unsigned char* p, std::uint32_t v) noexcept {
  for (int i = 0; i < 4; ++i)
    p[i] = static_cast<unsigned char>(v >> (8 * i));
}

void check_layout(int channels, int rate) {
  if (channels < 1 || channels > 8)
    throw codec_error(codec_errc::invalid_argument,
                      "wav writer: " + std::to_string(channels) + " channels is outside 1..8");
  if (rate < 1 || rate > 768000)
    throw codec_error(codec_errc::invalid_argument,
                      "wav writer: rate " + std::to_string(rate) + " is outside 1..768000");
}

} // namespace

std::vector<unsigned char> write_wav(const std::int16_t* interleaved, std::size_t frames,
                                     int channels, int rate) {
  check_layout(channels, rate);
  const std::uint64_t block_align = 2 * static_cast<std::uint64_t>(channels);
  const std::uint64_t data_bytes = frames * block_align;
  if (frames > 0xFFFFFFFFull / block_align || data_bytes > 0xFFFFFFFFull - 36)
    throw codec_error(codec_errc::invalid_argument,
                      "wav writer: " + std::to_string(frames) + " frames do not fit a WAV file");

  std::vector<unsigned char> out(wav_header_bytes + data_bytes);
  unsigned char* p = out.data();
  std::memcpy(p, "RIFF", 4);
  put_u32(p + 4, static_cast<std::uint32_t>(36 + data_bytes));
  std::memcpy(p + 8, "WAVE", 4);
  std::memcpy(p + 12, "fmt ", 4);
  put_u32(p + 16, 16);
  put_u16(p + 20, 1); // integer PCM
  put_u16(p + 22, static_cast<std::uint32_t>(channels));
  put_u32(p + 24, static_cast<std::uint32_t>(rate));
  put_u32(p + 28, static_cast<std::uint32_t>(rate * block_align));
  put_u16(p + 32, static_cast<std::uint32_t>(block_align));
  put_u16(p + 34, 16);
  std::memcpy(p + 36, "data", 4);
  put_u32(p + 40, static_cast<std::uint32_t>(data_bytes));
  unsigned char* sample = p + wav_header_bytes;
  const std::size_t samples = frames * static_cast<std::size_t>(channels);
  for (std::size_t i = 0; i < samples; ++i, sample += 2)
    put_u16(sample, static_cast<std::uint16_t>(interleaved[i]));
  return out;
}

std::vector<unsigned char> write_wav(const std::vector<std::int16_t>& interleaved, int channels,
                                     int rate) {
  check_layout(channels, rate);
  if (interleaved.size() % static_cast<std::size_t>(channels) != 0)
    throw codec_error(codec_errc::invalid_argument,
                      "wav writer: " + std::to_string(interleaved.size()) +
                        " samples is not a whole number of " + std::to_string(channels) +
                        "-channel frames");
  return write_wav(interleaved.data(), interleaved.size() / static_cast<std::size_t>(channels),
                   channels, rate);
}

} // namespace auralis::codec
