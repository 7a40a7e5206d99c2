#include "codec/mpg123_source.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <mpg123.h>
#include <sys/stat.h>
#include <unistd.h>

namespace auralis::codec {

namespace {

/// Source frames decoded per libmpg123 call.
constexpr std::int64_t decode_block = 8192;

/// How far before a wanted frame a seek lands, and how far ahead of the decoder a wanted
/// frame may be and still be reached by decoding forward (as for libsndfile's lossy
/// formats; 2 s covers any bit reservoir many times over).
constexpr double seek_backoff_s = 2.0;
constexpr double forward_decode_s = 5.0;

/// libmpg123's synthesis filter carries a state that cycles every 2304 output samples (72
/// blocks of 32, four Layer III granules) and is not reset by a seek: when decoding
/// starts at a frame off that cycle, mono streams come out different in the last bit
/// (measured up to 1.8e-7) for the rest of the file. Seeks therefore start from a fresh
/// decoder at a frame whose first sample is a multiple of this from the stream start.
constexpr std::int64_t synth_period = 2304;

/// mpg123_read calls in a row that may return nothing before the decoder counts as stuck.
constexpr int max_empty_reads = 64;

/// libmpg123 before 1.27 needs mpg123_init() once per process; later it does nothing.
bool library_ready() {
  static const bool ok = mpg123_init() == MPG123_OK;
  return ok;
}

} // namespace

mpg123_source::mpg123_source(std::string path, std::string format) : path_(std::move(path)) {
  fd_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0)
    throw codec_error(codec_errc::io_error,
                      path_ + ": cannot be opened (" + std::strerror(errno) + ")");
  struct stat st{};
  if (::fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd_);
    throw codec_error(codec_errc::io_error, path_ + ": not a regular file");
  }
  try {
    init(std::move(format));
  } catch (...) {
    if (handle_) {
      mpg123_close(handle_);
      mpg123_delete(handle_);
    }
    ::close(fd_);
    throw;
  }
}

mpg123_source::~mpg123_source() {
  mpg123_close(handle_);
  mpg123_delete(handle_);
  ::close(fd_);
}

void mpg123_source::fail(codec_errc code, const std::string& what) {
  position_ = -1;
  const char* why = handle_ ? mpg123_strerror(handle_) : "no decoder";
  throw codec_error(code, path_ + ": " + what + " (libmpg123: " + why + ")");
}

void mpg123_source::init(std::string format) {
  int err = MPG123_OK;
  if (!library_ready() || !(handle_ = mpg123_new(nullptr, &err)))
    throw codec_error(codec_errc::decode_failed,
                      path_ + ": cannot start libmpg123 (" + mpg123_plain_strerror(err) + ")");
  // Quiet: nothing on stderr. Gapless: drop the encoder delay and padding the file
  // declares. No automatic resampling: the output rate is the file's, or the read fails.
  // A growing seek index: after the scan every seek is exact, none is guessed.
  if (mpg123_param(handle_, MPG123_ADD_FLAGS, MPG123_QUIET | MPG123_GAPLESS, 0) != MPG123_OK ||
      mpg123_param(handle_, MPG123_REMOVE_FLAGS, MPG123_AUTO_RESAMPLE, 0) != MPG123_OK ||
      mpg123_param(handle_, MPG123_VERBOSE, 0, 0) != MPG123_OK ||
      mpg123_param(handle_, MPG123_INDEX_SIZE, -1000, 0) != MPG123_OK)
    fail(codec_errc::decode_failed, "cannot configure the decoder");
  // Float output at every MPEG rate, mono or stereo: the file's own format.
  const long* rates = nullptr;
  std::size_t rate_count = 0;
  mpg123_rates(&rates, &rate_count);
  if (mpg123_format_none(handle_) != MPG123_OK)
    fail(codec_errc::decode_failed, "cannot configure the decoder");
  for (std::size_t i = 0; i < rate_count; ++i)
    if (mpg123_format(handle_, rates[i], MPG123_MONO | MPG123_STEREO, MPG123_ENC_FLOAT_32) !=
        MPG123_OK)
      fail(codec_errc::decode_failed, "cannot configure the decoder");
  if (mpg123_open_fd(handle_, fd_) != MPG123_OK)
    fail(codec_errc::unsupported, "not MPEG audio");
  long rate = 0;
  int channels = 0, encoding = 0;
  if (mpg123_getformat(handle_, &rate, &channels, &encoding) != MPG123_OK || rate <= 0 ||
      channels < 1 || channels > 2)
    fail(codec_errc::unsupported, "no MPEG audio frames found");
  if (encoding != MPG123_ENC_FLOAT_32)
    fail(codec_errc::unsupported, "cannot decode " + std::to_string(rate) + " Hz to float");
  if (mpg123_scan(handle_) != MPG123_OK)
    fail(codec_errc::decode_failed, "cannot scan the frames");
  const off_t scanned = mpg123_length(handle_);
  if (scanned <= 0)
    fail(codec_errc::unsupported, "holds no audio frames");
  off_t* offsets = nullptr;
  off_t step = 0;
  std::size_t fill = 0;
  if (mpg123_index(handle_, &offsets, &step, &fill) != MPG123_OK || step <= 0)
    fail(codec_errc::decode_failed, "cannot index the frames");
  index_.assign(offsets, offsets + fill);
  index_step_ = step;
  const int spf = mpg123_spf(handle_);
  if (spf <= 0)
    fail(codec_errc::decode_failed, "unknown frame size");
  samples_per_frame_ = spf;
  seek_frame_multiple_ = std::max<std::int64_t>(1, synth_period / spf);

  info_.channels = channels;
  info_.source_rate = static_cast<int>(rate);
  if (format.empty()) {
    mpg123_frameinfo2 fi{};
    const int layer = mpg123_info2(handle_, &fi) == MPG123_OK ? fi.layer : 3;
    format = layer == 1 ? "MP1" : layer == 2 ? "MP2" : "MP3";
  }
  info_.format = format;
  seek_backoff_ = static_cast<std::int64_t>(seek_backoff_s * static_cast<double>(rate));
  forward_decode_limit_ = static_cast<std::int64_t>(forward_decode_s * static_cast<double>(rate));
  decoded_.resize(static_cast<std::size_t>(decode_block * channels));
  downmix_.emplace(channels, std::vector<int>{}, stereo_downmix::surround_order::wav);

  // Confirm the scanned length by decoding the tail to the end of the data: the length
  // served is what the decoder yields (fewer frames when the last ones do not decode).
  position_ = -1;
  move_to(std::max<std::int64_t>(0, static_cast<std::int64_t>(scanned) - seek_backoff_));
  while (!at_end_)
    read_block(decoded_.data(), decode_block);
  if (position_ <= 0)
    fail(codec_errc::unsupported, "holds no audio frames");
  info_.source_frames = position_;

  set_timeline(info_);
}

/// Puts the decoder at source frame `target` (0 <= target).
void mpg123_source::move_to(std::int64_t target) {
  if (position_ == target)
    return;
  if (position_ >= 0 && position_ < target && target - position_ <= forward_decode_limit_) {
    skip(target - position_);
    return;
  }
  // A fresh decoder (the scan's index keeps the seek exact), positioned on a frame on the
  // synthesis cycle at or before the back-off point. Frame f starts at sample
  // f * samples_per_frame_ minus the gapless delay, so from / samples_per_frame_ is at or
  // before the frame holding `from`.
  reopen();
  const std::int64_t from = std::max<std::int64_t>(0, target - seek_backoff_);
  std::int64_t frame = from / samples_per_frame_;
  frame -= frame % seek_frame_multiple_;
  if (mpg123_seek_frame(handle_, static_cast<off_t>(frame), SEEK_SET) < 0)
    fail(codec_errc::decode_failed, "cannot seek to MPEG frame " + std::to_string(frame));
  const off_t start = mpg123_tell(handle_);
  if (start < 0 || start > target)
    fail(codec_errc::decode_failed, "seek to MPEG frame " + std::to_string(frame) +
                                      " landed at sample " + std::to_string(start));
  position_ = start;
  at_end_ = false;
  skip(target - start);
}

/// Closes and reopens the stream on the same handle (settings and formats kept): the
/// decoder state is then that of a fresh start; the saved index keeps seeks exact.
void mpg123_source::reopen() {
  position_ = -1;
  mpg123_close(handle_);
  if (::lseek(fd_, 0, SEEK_SET) != 0)
    fail(codec_errc::io_error, std::string("cannot rewind (") + std::strerror(errno) + ")");
  long rate = 0;
  int channels = 0, encoding = 0;
  if (mpg123_open_fd(handle_, fd_) != MPG123_OK ||
      mpg123_getformat(handle_, &rate, &channels, &encoding) != MPG123_OK ||
      rate != info_.source_rate || channels != info_.channels || encoding != MPG123_ENC_FLOAT_32)
    fail(codec_errc::decode_failed, "cannot reopen the stream");
  if (mpg123_set_index(handle_, index_.data(), index_step_, index_.size()) != MPG123_OK)
    fail(codec_errc::decode_failed, "cannot restore the frame index");
}

/// Decodes and drops `frames` frames from the current position (fewer at the end).
void mpg123_source::skip(std::int64_t frames) {
  while (frames > 0 && !at_end_)
    frames -= read_block(decoded_.data(), std::min(frames, decode_block));
}

/// Decodes up to `frames` frames into stereo at `dst`; returns how many there were (fewer
/// only at the end of the data).
std::int64_t mpg123_source::decode(std::int64_t frames, float* dst) {
  std::int64_t done = 0;
  while (done < frames && !at_end_) {
    const std::int64_t want = std::min(frames - done, decode_block);
    done += read_as_stereo(
      *downmix_, [this](float* d, std::int64_t n) { return read_block(d, n); }, want,
      dst + 2 * done, decoded_.data());
  }
  return done;
}

/// Decodes up to `frames` frames into `dst` (channels floats per frame); fewer only when
/// the data ends (at_end_ is then set).
std::int64_t mpg123_source::read_block(float* dst, std::int64_t frames) {
  const auto frame_bytes = static_cast<std::size_t>(info_.channels) * sizeof(float);
  auto* out = reinterpret_cast<unsigned char*>(dst);
  const std::size_t want = static_cast<std::size_t>(frames) * frame_bytes;
  std::size_t have = 0;
  int empty = 0;
  while (have < want && !at_end_) {
    std::size_t done = 0;
    const int r = mpg123_read(handle_, out + have, want - have, &done);
    have += done;
    if (r == MPG123_DONE) {
      at_end_ = true;
    } else if (r == MPG123_NEW_FORMAT) {
      long rate = 0;
      int channels = 0, encoding = 0;
      if (mpg123_getformat(handle_, &rate, &channels, &encoding) != MPG123_OK ||
          rate != info_.source_rate || channels != info_.channels ||
          encoding != MPG123_ENC_FLOAT_32)
        fail(codec_errc::decode_failed, "the audio format changes mid-stream");
    } else if (r != MPG123_OK) {
      fail(codec_errc::decode_failed, "decoding failed at frame " +
                                        std::to_string(position_ + static_cast<std::int64_t>(
                                                                     have / frame_bytes)));
    }
    if (done == 0 && !at_end_ && ++empty > max_empty_reads)
      fail(codec_errc::decode_failed, "the decoder stopped yielding frames");
  }
  if (have % frame_bytes != 0)
    fail(codec_errc::decode_failed, "the decoder returned a partial frame");
  const auto got = static_cast<std::int64_t>(have / frame_bytes);
  position_ += got;
  return got;
}

} // namespace auralis::codec
