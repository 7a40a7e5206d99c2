#include "codec/ogg_opus_writer.hpp"

#include <algorithm>
#include <memory>
#include <string>

#include <opus/opusenc.h>

#include "codec/codec_error.hpp"

namespace auralis::codec {

namespace {

constexpr opus_int32 rate = 48000;
constexpr int channels = 2;
constexpr int serial_number = 0x41555241; // "AURA"
constexpr std::size_t frames_per_write = 48000;

struct comments_deleter {
  void operator()(OggOpusComments* c) const noexcept { ope_comments_destroy(c); }
};
struct encoder_deleter {
  void operator()(OggOpusEnc* e) const noexcept { ope_encoder_destroy(e); }
};

// libopusenc callbacks (C code calls them: nothing may throw out of them).
int append_bytes(void* user_data, const unsigned char* ptr, opus_int32 len) {
  try {
    auto* out = static_cast<std::vector<unsigned char>*>(user_data);
    out->insert(out->end(), ptr, ptr + len);
    return 0;
  } catch (...) {
    return 1;
  }
}

int close_nothing(void*) { return 0; }

[[noreturn]] void encode_failed(const std::string& what, int rc) {
  throw codec_error(codec_errc::encode_failed,
                    "ogg opus writer: " + what + " (" + ope_strerror(rc) + ")");
}

} // namespace

std::vector<unsigned char> write_ogg_opus(const std::int16_t* interleaved, std::size_t frames,
                                          const opus_options& options) {
  options.validate();
  // libopusenc 0.2.1 aborts (an assert in ope_encoder_drain) when no audio was written.
  if (frames == 0)
    throw codec_error(codec_errc::invalid_argument, "ogg opus writer: no frames to encode");
  std::vector<unsigned char> out;
  // About the configured bitrate plus the headers and the Ogg framing.
  out.reserve(frames * static_cast<std::size_t>(options.bitrate_bps) / (8 * rate) * 21 / 20 +
              4096);

  std::unique_ptr<OggOpusComments, comments_deleter> comments(ope_comments_create());
  if (!comments)
    encode_failed("cannot create the comments", OPE_ALLOC_FAIL);
  const OpusEncCallbacks callbacks{&append_bytes, &close_nothing};
  int rc = OPE_OK;
  std::unique_ptr<OggOpusEnc, encoder_deleter> encoder(
    ope_encoder_create_callbacks(&callbacks, &out, comments.get(), rate, channels, 0, &rc));
  if (!encoder || rc != OPE_OK)
    encode_failed("cannot create the encoder", rc);
  if ((rc = ope_encoder_ctl(encoder.get(), OPUS_SET_BITRATE(options.bitrate_bps))) != OPE_OK)
    encode_failed("bitrate rejected", rc);
  if ((rc = ope_encoder_ctl(encoder.get(), OPUS_SET_COMPLEXITY(options.complexity))) != OPE_OK)
    encode_failed("complexity rejected", rc);
  if ((rc = ope_encoder_ctl(encoder.get(), OPE_SET_SERIALNO(serial_number))) != OPE_OK)
    encode_failed("serial number rejected", rc);

  for (std::size_t done = 0; done < frames;) {
    const std::size_t n = std::min(frames_per_write, frames - done);
    if ((rc = ope_encoder_write(encoder.get(), interleaved + 2 * done, static_cast<int>(n))) !=
        OPE_OK)
      encode_failed("write failed", rc);
    done += n;
  }
  if ((rc = ope_encoder_drain(encoder.get())) != OPE_OK)
    encode_failed("drain failed", rc);
  encoder.reset();
  return out;
}

std::vector<unsigned char> write_ogg_opus(const std::vector<std::int16_t>& interleaved,
                                          const opus_options& options) {
  if (interleaved.size() % 2 != 0)
    throw codec_error(codec_errc::invalid_argument,
                      "ogg opus writer: " + std::to_string(interleaved.size()) +
                        " samples is not a whole number of stereo frames");
  return write_ogg_opus(interleaved.data(), interleaved.size() / 2, options);
}

} // namespace auralis::codec
