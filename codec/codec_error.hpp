#pragma once

#include <stdexcept>
#include <string>

namespace auralis::codec {

/// What went wrong in a codec operation.
enum class codec_errc {
  io_error,        ///< the file cannot be opened, stat'ed, read or written
  unsupported,     ///< not an audio format we read, or no audio in it
  decode_failed,   ///< the decoder rejected the data
  encode_failed,   ///< the encoder rejected the data or options
  corrupt,         ///< a stored blob is truncated or inconsistent
  invalid_argument ///< the caller's options are out of range
};

/// Name of `e` for messages ("io_error", ...).
inline const char* to_string(codec_errc e) noexcept {
  switch (e) {
    case codec_errc::io_error: return "io_error";
    case codec_errc::unsupported: return "unsupported";
    case codec_errc::decode_failed: return "decode_failed";
    case codec_errc::encode_failed: return "encode_failed";
    case codec_errc::corrupt: return "corrupt";
    case codec_errc::invalid_argument: return "invalid_argument";
  }
  return "unknown";
}

/// A codec failure with its kind; what() names the file or blob where there is one.
class codec_error : public std::runtime_error {
public:
  codec_error(codec_errc code, const std::string& message)
    : std::runtime_error(message), code_(code) {}

  /// The kind of failure.
  codec_errc code() const noexcept { return code_; }

private:
  codec_errc code_;
};

} // namespace auralis::codec
