#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "codec/codec_error.hpp"
#include "codec/span_resampler.hpp"

namespace auralis::codec {

/// The engine's internal rate: every chunk is 48 kHz stereo float.
inline constexpr int engine_rate = 48000;

/// Identity of a file's content for cache invalidation: size and modification time.
struct file_signature {
  std::uint64_t size = 0;     ///< bytes
  std::int64_t mtime_ns = 0;  ///< modification time, ns since the epoch

  friend bool operator==(const file_signature& a, const file_signature& b) noexcept {
    return a.size == b.size && a.mtime_ns == b.mtime_ns;
  }
  friend bool operator!=(const file_signature& a, const file_signature& b) noexcept {
    return !(a == b);
  }
};

/// Reads the signature of `path` (follows symlinks); throws codec_error (io_error) naming
/// the file if it cannot be stat'ed.
file_signature signature_of(const std::string& path);

/// What a source file holds: its header facts, with the length a decode yields.
struct audio_info {
  int channels = 0;              ///< source channels (1 = mono, >2 folded to stereo)
  int source_rate = 0;           ///< source sample rate, Hz
  std::int64_t source_frames = 0;///< frames at the source rate (what a straight decode yields; for MPEG counted by the decoder, see audio_source)
  std::int64_t frames = 0;       ///< frames on the 48 kHz timeline: ceil(source_frames * 48000 / source_rate)
  double duration_s = 0;         ///< frames / 48000
  std::string format;            ///< "WAV", "FLAC", "OGG/VORBIS", "OGG/OPUS", "OGG" (other Ogg codecs), "MP3", "MP2", "MP1", "AIFF", "W64", "RF64", "CAF", else libsndfile's name of the container
};

/// An open audio file read as 48 kHz stereo float on demand, span by span, by seeking
/// (never by decoding the whole file). Not thread-safe: one reader per thread.
///
/// The 48 kHz timeline: frame n is at time n / 48000 s from the start of the file. Chunk k
/// of length L frames is [k*L, (k+1)*L). Reads of the same span from two readers, or of a
/// span and the same span inside a whole-file read, agree to within -90 dBFS (about -130
/// measured; see span_resampler for how the resampling grid makes this hold).
///
/// - Sources at 48 kHz are not resampled: a read is bit-exact against a plain float read
///   of the same frames by the decoder (libsndfile, libmpg123 for MPEG) from the start of
///   the file (after the stereo fold below).
/// - Other rates go through libsoxr HQ (span_resampler). Timeline frames before 0 and from
///   info().frames on are zeros, even where the filter would ring.
/// - Channels: mono is copied to both sides, stereo passes through, more channels fold
///   down as stereo_downmix documents (ITU-style for 5.1 and declared layouts, else the
///   mean of the even-numbered channels to the left and of the odd-numbered to the right).
/// - MPEG audio (MP3, MP2, MP1) is decoded by libmpg123 directly (mpg123_source): the
///   length is the frames a straight decode yields, without the encoder delay and padding
///   a LAME/Xing header declares (a file without one keeps them), counted by a scan and
///   confirmed by decoding the end at open, never taken from a header alone; seeks are
///   exact and reads equal a straight decode bit for bit; libmpg123 never writes to
///   stderr.
/// - Ogg Vorbis and Ogg Opus give the frames libsndfile reports (the last granule
///   position: encoder delay and padding removed; for Vorbis the tests check that this
///   is the PCM length written, with the audio in place). libsndfile 1.2.0's Vorbis seek
///   is not sample-accurate: a seek less than 2 s ahead of the decoder position skips
///   through a path that garbles up to a block of samples, and a seek landing in the last
///   Ogg page is off by a few samples. For every lossy format (MPEG too) the reader
///   seeks to 2 s before the wanted frame and decodes forward from there, and when the
///   wanted frame is at most 5 s ahead of the current position it decodes forward without
///   seeking; reads then equal a straight decode of the whole file (checked for Vorbis,
///   Opus and MP3 by the tests). A last Ogg page longer than 2 s of audio (very low
///   bitrates) would still be read a few samples off near the end.
/// - A file whose data ends before the frame count in its header reads as silence where
///   the data runs out when that point is decoded through; a seek beyond the real end
///   fails with decode_failed.
class audio_source {
public:
  /// Opens `path` (anything libsndfile reads: WAV, FLAC, Ogg Vorbis, Ogg Opus, MP3, ...).
  /// A file that starts (after any ID3v2 tags) with an MPEG audio frame header, or that
  /// libsndfile recognises as MPEG, is read by mpg123_source; libsndfile never probes the
  /// former (its MPEG probe lets libmpg123 print warnings).
  /// Throws codec_error naming the file: io_error when it does not exist, is not a
  /// regular file or cannot be opened for reading; unsupported when libsndfile does not
  /// recognise it as audio, it holds no frames or is not seekable; decode_failed when an
  /// MPEG file's frames cannot be scanned or its end not decoded.
  static std::unique_ptr<audio_source> open(const std::string& path);

  virtual ~audio_source() = default;

  /// Header facts of the file.
  virtual const audio_info& info() const noexcept = 0;

  /// The path this source was opened with.
  virtual const std::string& path() const noexcept = 0;

  /// Number of chunks of `chunk_frames` 48 kHz frames (the last may be short): ceil(frames / chunk_frames).
  std::int64_t chunk_count(std::int64_t chunk_frames) const noexcept {
    return chunk_frames <= 0 ? 0 : (info().frames + chunk_frames - 1) / chunk_frames;
  }

  /// Reads 48 kHz frames [first, first + count) as interleaved stereo float (2 * count
  /// values). `first` may be negative and the span may run past the end: frames outside
  /// the track are zeros. Decodes only the source frames the span needs plus the
  /// resampler's margins (and the lossy-format back-off above). Throws codec_error:
  /// invalid_argument when count < 0, decode_failed on a seek, read or resampler failure.
  std::vector<float> read(std::int64_t first, std::int64_t count) {
    if (count < 0)
      throw codec_error(codec_errc::invalid_argument,
                        path() + ": negative frame count " + std::to_string(count));
    std::vector<float> out(static_cast<std::size_t>(count) * 2);
    read(first, count, out.data());
    return out;
  }

  /// As read(first, count) but writes the 2 * count floats to `dst` (caller's memory, not
  /// aliasing the source's own buffers); every value is written, zeros included. The
  /// decode and resampling buffers live as long as the source, so repeated reads of
  /// similar spans do not allocate.
  void read(std::int64_t first, std::int64_t count, float* dst);

protected:
  /// Puts the decoder at source frame `target` (0 <= target < source_frames). Throws
  /// codec_error (decode_failed) when it cannot get there.
  virtual void move_to(std::int64_t target) = 0;

  /// Decodes up to `frames` frames from the decoder's position as stereo into `dst`
  /// (2 * frames floats); returns how many there were (fewer only when the data ends
  /// early). Throws codec_error (decode_failed).
  virtual std::int64_t decode(std::int64_t frames, float* dst) = 0;

  /// Completes `info` from its source_rate and source_frames: frames and duration_s on
  /// the 48 kHz timeline, and the resampler when the source rate is not 48 kHz. For a
  /// subclass while it opens its file; throws codec_error (unsupported) for a rate soxr
  /// rejects.
  void set_timeline(audio_info& info);

private:
  /// Writes stereo source frames [first, first + count) at the source rate to `dst`
  /// (2 * count floats), zeros outside the file. Throws codec_error (decode_failed).
  void read_source(std::int64_t first, std::int64_t count, float* dst);

  std::optional<span_resampler> resampler_; ///< none at 48 kHz
};

} // namespace auralis::codec
