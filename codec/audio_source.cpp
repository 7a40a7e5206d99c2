#include "codec/audio_source.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>

#include <fcntl.h>
#include <sndfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include "codec/mpg123_source.hpp"
#include "codec/span_resampler.hpp"
#include "codec/stereo_downmix.hpp"

namespace auralis::codec {

namespace {

/// Source frames decoded per libsndfile call.
constexpr std::int64_t decode_block = 8192;

/// Lossy formats: how far before a wanted frame a seek lands, and how far ahead of the
/// current position a wanted frame may be and still be reached by decoding forward. The
/// latter exceeds the back-off plus libsndfile's 2 s "near seek" window plus 1 s, so every
/// seek issued is either backwards or more than 2 s ahead (libsndfile's page search).
constexpr double lossy_seek_backoff_s = 2.0;
constexpr double lossy_forward_decode_s = 5.0;

std::string errno_text() { return std::strerror(errno); }

std::string format_name(int format) {
  const int major = format & SF_FORMAT_TYPEMASK;
  const int sub = format & SF_FORMAT_SUBMASK;
  switch (major) {
    case SF_FORMAT_WAV:
    case SF_FORMAT_WAVEX: return "WAV";
    case SF_FORMAT_RF64: return "RF64";
    case SF_FORMAT_W64: return "W64";
    case SF_FORMAT_AIFF: return "AIFF";
    case SF_FORMAT_CAF: return "CAF";
    case SF_FORMAT_FLAC: return "FLAC";
    case SF_FORMAT_OGG:
      return sub == SF_FORMAT_OPUS ? "OGG/OPUS" : sub == SF_FORMAT_VORBIS ? "OGG/VORBIS" : "OGG";
    case SF_FORMAT_MPEG:
      return sub == SF_FORMAT_MPEG_LAYER_I ? "MP1" : sub == SF_FORMAT_MPEG_LAYER_II ? "MP2" : "MP3";
    default: break;
  }
  SF_FORMAT_INFO fi{};
  fi.format = major;
  if (sf_command(nullptr, SFC_GET_FORMAT_INFO, &fi, sizeof(fi)) == 0 && fi.name)
    return fi.name;
  return "unknown";
}

/// True when the file at `fd` starts, after any ID3v2 tags, with an MPEG audio frame
/// header (sync, a valid version, layer, bitrate and rate). No other format libsndfile
/// reads starts with the sync byte 0xFF; an ID3v2 tag ahead of another format (FLAC,
/// say) is skipped and the format behind it decides.
bool starts_with_mpeg_frame(int fd) {
  off_t at = 0;
  unsigned char b[10];
  for (int tags = 0; tags < 8; ++tags) {
    if (::pread(fd, b, sizeof b, at) != static_cast<ssize_t>(sizeof b))
      return false;
    if (b[0] != 'I' || b[1] != 'D' || b[2] != '3')
      break;
    if ((b[6] | b[7] | b[8] | b[9]) & 0x80)
      return false; // not a syncsafe size: not an ID3v2 tag
    const off_t size = (off_t{b[6]} << 21) | (off_t{b[7]} << 14) | (off_t{b[8]} << 7) | b[9];
    at += 10 + size + ((b[5] & 0x10) ? 10 : 0); // header, body, footer
  }
  return b[0] == 0xFF && (b[1] & 0xE0) == 0xE0 // frame sync
         && (b[1] & 0x18) != 0x08              // MPEG version not reserved
         && (b[1] & 0x06) != 0                 // layer not reserved
         && (b[2] & 0xF0) != 0xF0              // bitrate index not "bad"
         && (b[2] & 0x0C) != 0x0C;             // sample rate index not reserved
}

/// An audio file read through libsndfile, folded to stereo, resampled unless at 48 kHz.
class sndfile_source final : public audio_source {
public:
  /// Takes over `file` (opened from `path`, described by `sfi`); closes it on failure.
  sndfile_source(std::string path, SNDFILE* file, const SF_INFO& sfi)
    : path_(std::move(path)), file_(file) {
    try {
      init(sfi);
    } catch (...) {
      sf_close(file_);
      throw;
    }
  }

  ~sndfile_source() override { sf_close(file_); }

  sndfile_source(const sndfile_source&) = delete;
  sndfile_source& operator=(const sndfile_source&) = delete;

  const audio_info& info() const noexcept override { return info_; }
  const std::string& path() const noexcept override { return path_; }

private:
  void init(const SF_INFO& sfi) {
    if (sfi.channels <= 0 || sfi.samplerate <= 0 || sfi.frames <= 0 || sfi.frames == SF_COUNT_MAX)
      throw codec_error(codec_errc::unsupported, path_ + ": holds no audio frames");
    if (!sfi.seekable)
      throw codec_error(codec_errc::unsupported, path_ + ": not seekable");
    info_.channels = sfi.channels;
    info_.source_rate = sfi.samplerate;
    info_.source_frames = sfi.frames;
    info_.format = format_name(sfi.format);
    set_timeline(info_);

    std::vector<int> map(static_cast<std::size_t>(sfi.channels), 0);
    if (sf_command(file_, SFC_GET_CHANNEL_MAP_INFO, map.data(),
                   static_cast<int>(map.size() * sizeof(int))) != SF_TRUE)
      map.clear();
    const int major = sfi.format & SF_FORMAT_TYPEMASK;
    downmix_.emplace(sfi.channels, map,
                     major == SF_FORMAT_OGG ? stereo_downmix::surround_order::vorbis
                                            : stereo_downmix::surround_order::wav);
    if (major == SF_FORMAT_OGG) { // MPEG never gets here: mpg123_source reads it
      seek_backoff_ = static_cast<std::int64_t>(lossy_seek_backoff_s * sfi.samplerate);
      forward_decode_limit_ = static_cast<std::int64_t>(lossy_forward_decode_s * sfi.samplerate);
    }
    decoded_.resize(static_cast<std::size_t>(decode_block * sfi.channels));
  }

  /// Puts libsndfile's read position at source frame `target` (0 <= target < frames).
  void move_to(std::int64_t target) override {
    if (position_ == target)
      return;
    if (position_ >= 0 && position_ < target && target - position_ <= forward_decode_limit_) {
      skip(target - position_);
      return;
    }
    const std::int64_t from = std::max<std::int64_t>(0, target - seek_backoff_);
    const sf_count_t landed = sf_seek(file_, from, SEEK_SET);
    if (landed != from) {
      position_ = -1;
      throw codec_error(codec_errc::decode_failed, path_ + ": cannot seek to frame " +
                                                     std::to_string(from) + " (" +
                                                     sf_strerror(file_) + ")");
    }
    position_ = from;
    skip(target - from);
  }

  /// Decodes and drops `frames` frames from the current position (fewer when the data
  /// ends early; decode() then finds nothing left).
  void skip(std::int64_t frames) {
    while (frames > 0) {
      const std::int64_t want = std::min(frames, decode_block);
      const std::int64_t got = read_block(decoded_.data(), want);
      frames -= got;
      if (got < want)
        return;
    }
  }

  /// Decodes up to `frames` frames from the current position into stereo at `dst`;
  /// returns how many there were (fewer only when the data ends early).
  std::int64_t decode(std::int64_t frames, float* dst) override {
    std::int64_t done = 0;
    while (done < frames) {
      const std::int64_t want = std::min(frames - done, decode_block);
      const std::int64_t got = read_as_stereo(
        *downmix_, [this](float* d, std::int64_t n) { return read_block(d, n); }, want,
        dst + 2 * done, decoded_.data());
      done += got;
      if (got < want)
        break;
    }
    return done;
  }

  /// One sf_readf_float of `frames` frames into `dst` (channels floats per frame).
  std::int64_t read_block(float* dst, std::int64_t frames) {
    const sf_count_t got = sf_readf_float(file_, dst, frames);
    if (got < 0 || sf_error(file_) != SF_ERR_NO_ERROR) {
      position_ = -1;
      throw codec_error(codec_errc::decode_failed,
                        path_ + ": decoding failed (" + sf_strerror(file_) + ")");
    }
    position_ += got;
    return got;
  }

  std::string path_;
  SNDFILE* file_ = nullptr;
  audio_info info_;
  std::optional<stereo_downmix> downmix_;
  std::int64_t seek_backoff_ = 0;          ///< source frames, lossy formats only
  std::int64_t forward_decode_limit_ = 0;  ///< source frames, lossy formats only
  std::int64_t position_ = 0;              ///< libsndfile's read position; -1 = unknown
  std::vector<float> decoded_;             ///< one block of source-channel frames
};

} // namespace

file_signature signature_of(const std::string& path) {
  struct stat st{};
  if (::stat(path.c_str(), &st) != 0)
    throw codec_error(codec_errc::io_error, path + ": cannot be stat'ed (" + errno_text() + ")");
  file_signature sig;
  sig.size = static_cast<std::uint64_t>(st.st_size);
  sig.mtime_ns = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  return sig;
}

void audio_source::read(std::int64_t first, std::int64_t count, float* dst) {
  if (count < 0)
    throw codec_error(codec_errc::invalid_argument,
                      path() + ": negative frame count " + std::to_string(count));
  const std::int64_t begin = std::max<std::int64_t>(first, 0);
  const std::int64_t end = std::min(first + count, info().frames);
  if (begin >= end) {
    std::fill(dst, dst + 2 * count, 0.f);
    return;
  }
  std::fill(dst, dst + 2 * (begin - first), 0.f);
  std::fill(dst + 2 * (end - first), dst + 2 * count, 0.f);
  float* at = dst + 2 * (begin - first);
  if (!resampler_)
    read_source(begin, end - begin, at);
  else
    resampler_->render(begin, end - begin, at,
                       [this](std::int64_t a, std::int64_t n, float* p) { read_source(a, n, p); });
}

void audio_source::read_source(std::int64_t first, std::int64_t count, float* dst) {
  const std::int64_t frames = info().source_frames;
  const std::int64_t begin = std::clamp<std::int64_t>(first, 0, frames);
  const std::int64_t end = std::clamp<std::int64_t>(first + count, begin, frames);
  std::fill(dst, dst + 2 * (begin - first), 0.f);
  std::int64_t got = 0;
  if (begin < end) {
    move_to(begin);
    got = decode(end - begin, dst + 2 * (begin - first));
  }
  std::fill(dst + 2 * (begin - first + got), dst + 2 * count, 0.f);
}

void audio_source::set_timeline(audio_info& info) {
  resampler_.reset();
  if (info.source_rate == engine_rate) {
    info.frames = info.source_frames;
  } else {
    resampler_.emplace(info.source_rate);
    const std::int64_t in = resampler_->step_in(), out = resampler_->step_out();
    info.frames = (info.source_frames * out + in - 1) / in;
  }
  info.duration_s = static_cast<double>(info.frames) / engine_rate;
}

std::unique_ptr<audio_source> audio_source::open(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    throw codec_error(codec_errc::io_error, path + ": cannot be opened (" + errno_text() + ")");
  struct stat st{};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    throw codec_error(codec_errc::io_error, path + ": not a regular file");
  }
  // MPEG audio goes to libmpg123 directly: libsndfile's own MPEG probe would already
  // print libmpg123's warnings (a truncated file's Xing header) to stderr.
  if (starts_with_mpeg_frame(fd)) {
    ::close(fd);
    return std::make_unique<mpg123_source>(path);
  }
  SF_INFO sfi{};
  SNDFILE* file = sf_open_fd(fd, SFM_READ, &sfi, SF_TRUE); // closes fd, also on failure
  if (!file)
    throw codec_error(codec_errc::unsupported, path + ": not an audio file libsndfile reads (" +
                                                 sf_strerror(nullptr) + ")");
  if ((sfi.format & SF_FORMAT_TYPEMASK) == SF_FORMAT_MPEG) {
    // MPEG that the probe above missed (data ahead of the first frame): libmpg123 too.
    const std::string format = format_name(sfi.format);
    sf_close(file);
    return std::make_unique<mpg123_source>(path, format);
  }
  return std::make_unique<sndfile_source>(path, file, sfi);
}

} // namespace auralis::codec
