#include "codec/audio_file_writer.hpp"

#include <algorithm>

#include <sndfile.h>

#include "codec/codec_error.hpp"

namespace auralis::codec {

namespace {

int sf_format_of(file_format f) {
  switch (f) {
    case file_format::wav_pcm16: return SF_FORMAT_WAV | SF_FORMAT_PCM_16;
    case file_format::wav_float: return SF_FORMAT_WAV | SF_FORMAT_FLOAT;
    case file_format::flac_pcm16: return SF_FORMAT_FLAC | SF_FORMAT_PCM_16;
    case file_format::ogg_vorbis: return SF_FORMAT_OGG | SF_FORMAT_VORBIS;
  }
  return 0;
}

} // namespace

void write_audio_file(const std::string& path, const std::vector<float>& interleaved,
                      int channels, int rate, file_format format) {
  if (channels <= 0 || rate <= 0 || interleaved.size() % static_cast<std::size_t>(channels))
    throw codec_error(codec_errc::invalid_argument,
                      path + ": sample count is not a whole number of frames");
  SF_INFO info{};
  info.channels = channels;
  info.samplerate = rate;
  info.format = sf_format_of(format);
  SNDFILE* file = sf_open(path.c_str(), SFM_WRITE, &info);
  if (!file)
    throw codec_error(codec_errc::io_error, path + ": cannot be written (" +
                                              std::string(sf_strerror(nullptr)) + ")");
  // Clip rather than wrap when converting floats beyond full scale to integers.
  sf_command(file, SFC_SET_CLIPPING, nullptr, SF_TRUE);
  if (format == file_format::ogg_vorbis) {
    double quality = 0.6;
    sf_command(file, SFC_SET_VBR_ENCODING_QUALITY, &quality, sizeof(quality));
  }
  const auto frames = static_cast<sf_count_t>(interleaved.size() / channels);
  // In slices: one call over a long buffer crashes libsndfile 1.2.0's Vorbis writer.
  constexpr sf_count_t slice = 4096;
  sf_count_t written = 0;
  while (written < frames) {
    const sf_count_t n = std::min(slice, frames - written);
    const sf_count_t got = sf_writef_float(file, interleaved.data() + written * channels, n);
    written += got;
    if (got != n)
      break;
  }
  const int close_rc = sf_close(file);
  if (written != frames || close_rc != 0)
    throw codec_error(codec_errc::io_error, path + ": short write");
}

} // namespace auralis::codec
