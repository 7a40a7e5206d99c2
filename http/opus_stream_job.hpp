#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include <caf/event_based_actor.hpp>

#include "codec/opus_options.hpp"
#include "http/http_call.hpp"

namespace auralis::http {

/// One Ogg Opus answer to encode and send.
struct opus_stream_job {
  std::shared_ptr<http_responder> responder;
  shared_bytes pcm;                 ///< 16-bit stereo 48 kHz PCM
  std::int64_t frames = 0;
  codec::opus_options options;
  std::vector<http_header> headers; ///< chunk_headers() of the chunk
};

/// A short-lived actor, spawned detached (encoding costs about 100 ms of CPU and must
/// not hold a scheduler thread or the gateway): encodes the job's PCM as Ogg Opus, answers
/// 200 audio/ogg with the job's headers (503 {"detail"} when encoding fails), and quits.
caf::behavior opus_stream_job_impl(caf::event_based_actor* self, opus_stream_job job);

} // namespace auralis::http
