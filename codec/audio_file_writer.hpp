#pragma once

#include <string>
#include <vector>

namespace auralis::codec {

/// Container formats audio_file_writer writes.
enum class file_format {
  wav_pcm16,  ///< RIFF WAVE, 16-bit PCM
  wav_float,  ///< RIFF WAVE, 32-bit float
  flac_pcm16, ///< FLAC, 16-bit
  ogg_vorbis, ///< Ogg Vorbis (quality 0.6)
};

/// Writes interleaved float samples (nominal range -1..1, `channels` per frame, `rate` Hz)
/// to `path` in `format` with libsndfile, replacing the file. Throws codec_error (io_error)
/// naming the file when it cannot be written.
void write_audio_file(const std::string& path, const std::vector<float>& interleaved,
                      int channels, int rate, file_format format);

} // namespace auralis::codec
