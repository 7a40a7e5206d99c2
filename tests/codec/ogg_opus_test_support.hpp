#pragma once

// Reading Ogg Opus files in tests: what opusfile decodes from one in memory.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <vector>

#include <opus/opusfile.h>

namespace auralis::test {

/// Frees an OggOpusFile.
struct opusfile_closer {
  void operator()(OggOpusFile* f) const noexcept { op_free(f); }
};

/// The interleaved stereo PCM opusfile decodes from the Ogg Opus file in data[0, size),
/// read to the end; nullopt when it is not an Ogg Opus stream, is not stereo or fails to
/// decode.
inline std::optional<std::vector<opus_int16>> ogg_opus_pcm(const void* data, std::size_t size) {
  const auto* bytes = static_cast<const unsigned char*>(data);
  if (size < 4 || std::memcmp(bytes, "OggS", 4) != 0)
    return std::nullopt;
  int error = 0;
  std::unique_ptr<OggOpusFile, opusfile_closer> f(op_open_memory(bytes, size, &error));
  if (!f || error != 0 || op_head(f.get(), -1)->channel_count != 2)
    return std::nullopt;
  std::vector<opus_int16> pcm;
  std::vector<opus_int16> buffer(2 * 5760);
  for (;;) {
    const int n = op_read_stereo(f.get(), buffer.data(), static_cast<int>(buffer.size()));
    if (n < 0)
      return std::nullopt;
    if (n == 0)
      return pcm;
    pcm.insert(pcm.end(), buffer.begin(), buffer.begin() + 2 * n);
  }
}

/// Stereo frames opusfile decodes from the Ogg Opus file in data[0, size), read to the
/// end; -1 when it is not an Ogg Opus stream, is not stereo or fails to decode.
inline std::int64_t ogg_opus_frames(const void* data, std::size_t size) {
  const auto pcm = ogg_opus_pcm(data, size);
  return pcm ? static_cast<std::int64_t>(pcm->size() / 2) : -1;
}

} // namespace auralis::test
