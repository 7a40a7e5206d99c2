#pragma once

// The planner's fetch path: a client fetch looked up in L1, L2 and L3, and rendered when
// no tier holds it.

#include <chrono>
#include <memory>

#include "actors/planner/planner_internals.hpp"

namespace auralis::actors::planner_detail {

/// One client fetch on its way through the tiers.
struct fetch_context {
  fetch_request request;
  caf::typed_response_promise<fetch_reply> promise;
  wall_clock::time_point start;
  bool reloaded = false; ///< its track was reloaded after a render of it failed meanwhile
  bool held_out = false; ///< counted in planner_state::stream_fetches until answered
};
using fetch_ptr = std::shared_ptr<fetch_context>;

/// Service times kept per fetch source for the latency medians (planner_state::latency).
constexpr std::size_t latency_samples = 64;

/// Serves the fetch `ctx` (its request checked, its track ready, its chunk in range):
/// - L1, then L2, then L3 are asked in turn (a peek, then a get that counts the hit); the
///   first that holds the key serves it: L1 and L2 with their PCM, L3 by decoding its blob
///   at immediate priority, putting the PCM into L1 and answering with it;
/// - when none holds it, L1 counts the fetch's one miss (or serves the chunk, should it have
///   arrived meanwhile), and the key is rendered at immediate priority, with the Ogg Opus
///   stream when the request wants it, put into L1 and answered (fetch_source::miss);
/// - a track whose render failed meanwhile is reloaded once, so the fetch answers the
///   track's own error (or renders, should the file be back);
/// - every answer records its service time, from ctx->start, in the latency window of its
///   source (the last latency_samples), and releases the key the fetch held out of plans;
///   an error is answered as it came.
/// A promotion or render whose track was invalidated meanwhile answers but stores nothing.
void serve_fetch(planner_pointer self, const fetch_ptr& ctx);

} // namespace auralis::actors::planner_detail
