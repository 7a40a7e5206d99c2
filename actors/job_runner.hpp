#pragma once

#include <memory>

#include "actors/jobs.hpp"
#include "codec/opus_chunk_decoder.hpp"
#include "codec/opus_chunk_encoder.hpp"
#include "codec/opus_options.hpp"

namespace auralis::actors {

/// Does the CPU work of one job, without an actor: each worker owns one runner (and so its
/// own codec states). Not thread-safe.
class job_runner {
public:
  /// `opus` configures L3 encoding; throws codec_error when it is invalid.
  explicit job_runner(const codec::opus_options& opus);

  /// Runs `spec` and returns its output (with the CPU time spent). Throws codec_error on
  /// bad input (PCM of odd length, a corrupt blob) or a codec failure.
  job_output run(const job_spec& spec);

private:
  codec::opus_chunk_encoder encoder_;
  codec::opus_chunk_decoder decoder_;
};

} // namespace auralis::actors
