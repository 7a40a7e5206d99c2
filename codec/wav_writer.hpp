#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace auralis::codec {

/// Bytes before the samples in what write_wav returns.
inline constexpr std::size_t wav_header_bytes = 44;

/// A RIFF/WAVE file in memory, 16-bit PCM, ready to serve as audio/wav: the 44-byte
/// canonical header ("RIFF", size 36 + data bytes, "WAVE", a 16-byte "fmt " chunk with
/// format 1, `channels`, `rate`, byte rate, block align and 16 bits, then "data" and its
/// size) followed by the `frames` * `channels` samples at `interleaved`, little-endian.
/// `interleaved` may be null when frames is 0. Throws codec_error (invalid_argument) when
/// channels is outside 1..8, rate outside 1..768000, or the data would pass 4 GiB.
std::vector<unsigned char> write_wav(const std::int16_t* interleaved, std::size_t frames,
                                     int channels, int rate);

/// Same as write_wav(interleaved.data(), interleaved.size() / channels, channels, rate);
/// throws codec_error (invalid_argument) when interleaved.size() is not a multiple of
/// channels, or as above.
std::vector<unsigned char> write_wav(const std::vector<std::int16_t>& interleaved,
                                     int channels = 2, int rate = 48000);

} // namespace auralis::codec
