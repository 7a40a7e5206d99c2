#include "http/opus_stream_job.hpp"

#include <spdlog/spdlog.h>

#include "http/chunk_encoding.hpp"
#include "http/http_reply.hpp"

namespace auralis::http {

caf::behavior opus_stream_job_impl(caf::event_based_actor* self, opus_stream_job job) {
  try {
    if (!job.pcm)
      throw std::invalid_argument("no PCM to encode");
    auto ogg = codec::byte_buffer::adopt(ogg_opus_of(*job.pcm, job.frames, job.options));
    job.responder->send_parts(200, "audio/ogg", std::string(), std::move(ogg), job.headers);
  } catch (const std::exception& e) {
    spdlog::error("http: cannot encode a chunk as Ogg Opus: {}", e.what());
    reply_detail(*job.responder, 503, std::string("cannot encode the chunk: ") + e.what());
  }
  self->quit();
  return {};
}

} // namespace auralis::http
