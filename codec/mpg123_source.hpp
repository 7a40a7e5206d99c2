#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <sys/types.h>

#include "codec/audio_source.hpp"
#include "codec/span_resampler.hpp"
#include "codec/stereo_downmix.hpp"

struct mpg123_handle_struct; // libmpg123's decoder handle (mpg123_handle)

namespace auralis::codec {

/// An MPEG audio file (MP3, MP2, MP1) decoded with libmpg123 directly, read as 48 kHz
/// stereo float like every audio_source (see there for the timeline, resampling and
/// channel rules).
///
/// Length: the file is scanned at open (mpg123_scan walks every frame header without
/// decoding), and the encoder delay and
/// padding a LAME/Xing (or iTunes) header declares are removed (MPG123_GAPLESS). A file
/// without such a header keeps every decoded sample, the encoder's delay included. The
/// count is then confirmed by decoding from 2 s before the scanned end to the end of the
/// data: info().source_frames is the number of frames a straight decode of the file
/// yields, never a header's claim. Opening a 5-minute 128 kb/s file takes about 8 ms of
/// CPU, scan and confirming decode together.
///
/// Seeking: every seek starts a fresh decoder on the stream (the scan's frame index kept,
/// so the landing is exact) at a frame whose first sample is a multiple of 2304 from the
/// stream start, at or before 2 s ahead of the wanted frame, and decodes forward; a wanted
/// frame at most 5 s ahead of the decoder is reached by decoding forward. libmpg123's
/// synthesis state is not reset by its own seeks and cycles every 2304 samples: without
/// the fresh start on the cycle, mono files decode different in the last bit after a
/// seek. The 2 s cover the bit reservoir the first Layer III frames after a seek lack.
/// Reads therefore equal the same frames of a straight decode of the whole file, bit for
/// bit before resampling (checked for MPEG-1 and MPEG-2, mono and stereo).
///
/// A file whose LAME/Xing header declares more frames than its data holds (cut short):
/// the scan finds fewer frames and the end padding is not removed (there is none left);
/// the start delay is removed as in a straight decode.
///
/// libmpg123 runs with MPG123_QUIET: it never writes to stderr; its errors become
/// codec_error messages naming the file. Not thread-safe: one reader per thread.
class mpg123_source final : public audio_source {
public:
  /// Opens `path` as MPEG audio; `format` is the name reported in info().format when not
  /// empty (else "MP1", "MP2" or "MP3" from the first frame). Throws codec_error naming
  /// the file: io_error when it cannot be opened or is not a regular file, unsupported
  /// when libmpg123 finds no MPEG audio frames in it or a channel count or rate it cannot
  /// decode to float, decode_failed when scanning or the confirming decode fails.
  explicit mpg123_source(std::string path, std::string format = {});
  ~mpg123_source() override;
  mpg123_source(const mpg123_source&) = delete;
  mpg123_source& operator=(const mpg123_source&) = delete;

  /// The file's facts; source_frames is the decoded length (see the class comment).
  const audio_info& info() const noexcept override { return info_; }
  /// The path this source was opened with.
  const std::string& path() const noexcept override { return path_; }

private:
  void init(std::string format);
  void move_to(std::int64_t target) override;
  void reopen();
  void skip(std::int64_t frames);
  std::int64_t decode(std::int64_t frames, float* dst) override;
  std::int64_t read_block(float* dst, std::int64_t frames);
  [[noreturn]] void fail(codec_errc code, const std::string& what);

  std::string path_;
  int fd_ = -1;                            ///< owned; libmpg123 reads from it
  mpg123_handle_struct* handle_ = nullptr;
  audio_info info_;
  std::optional<stereo_downmix> downmix_;   ///< mono to stereo
  std::vector<off_t> index_;               ///< the scan's frame index: byte offsets
  off_t index_step_ = 0;                   ///< frames between index entries
  std::int64_t samples_per_frame_ = 1152;  ///< source frames per MPEG frame
  std::int64_t seek_frame_multiple_ = 1;   ///< seeks land on multiples of this frame count
  std::int64_t seek_backoff_ = 0;          ///< source frames
  std::int64_t forward_decode_limit_ = 0;  ///< source frames
  std::int64_t position_ = 0;              ///< libmpg123's decode position; -1 = unknown
  bool at_end_ = false;                    ///< the last decode call reached the end of the data
  std::vector<float> decoded_;             ///< one block of source-channel frames
};

} // namespace auralis::codec
