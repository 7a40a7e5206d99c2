#include "actors/job_runner.hpp"

#include <cstring>
#include <time.h>

#include "codec/codec_error.hpp"
#include "codec/opus_chunk_format.hpp"

namespace auralis::actors {

namespace {

double thread_cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) * 1e-6;
}

const std::vector<std::uint8_t>& bytes_of(const job_spec& spec) {
  if (!spec.input.data)
    throw codec::codec_error(codec::codec_errc::invalid_argument,
                             std::string(to_string(spec.kind)) + " job without input");
  return *spec.input.data;
}

} // namespace

job_runner::job_runner(const codec::opus_options& opus) : encoder_(opus) {}

job_output job_runner::run(const job_spec& spec) {
  const double start = thread_cpu_ms();
  job_output out;
  out.kind = spec.kind;
  out.key = spec.key;
  switch (spec.kind) {
    case job_kind::encode: {
      const auto& pcm = bytes_of(spec);
      if (pcm.size() % 4 != 0)
        throw codec::codec_error(codec::codec_errc::invalid_argument,
                                 "PCM payload is not a whole number of stereo 16-bit frames");
      // The payload's bytes are interleaved int16 in host order; new[] storage is
      // suitably aligned for int16_t.
      auto blob = encoder_.encode(reinterpret_cast<const std::int16_t*>(pcm.data()),
                                  pcm.size() / 4);
      out.output.data = std::make_shared<const std::vector<std::uint8_t>>(std::move(blob));
      break;
    }
    case job_kind::decode: {
      const auto& blob = bytes_of(spec);
      const auto view = codec::opus_chunk_format::parse(blob.data(), blob.size());
      const std::size_t samples = 2 * static_cast<std::size_t>(view.frame_count());
      auto pcm = std::make_shared<std::vector<std::uint8_t>>(samples * sizeof(std::int16_t));
      decoder_.decode_into(blob.data(), blob.size(), reinterpret_cast<std::int16_t*>(pcm->data()),
                           samples);
      out.output.data = std::move(pcm);
      break;
    }
  }
  out.cpu_ms = thread_cpu_ms() - start;
  return out;
}

} // namespace auralis::actors
