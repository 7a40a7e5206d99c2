#include "actors/planner/fetch_path.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "actors/cache/tier_requests.hpp"
#include "actors/common/engine_error.hpp"
#include "codec/codec_error.hpp"
#include "codec/ogg_opus_remux.hpp"
#include "codec/opus_segmented_format.hpp"

namespace auralis::actors::planner_detail {

namespace {

void record_latency(planner_pointer self, fetch_source source, double ms) {
  auto& w = self->state.latency[static_cast<int>(source)].samples;
  w.push_back(ms);
  while (w.size() > latency_samples)
    w.pop_front();
}

/// The fetch is being answered: its key is no longer held out of the plans.
void fetch_answered(planner_pointer self, fetch_context& ctx) {
  if (!ctx.held_out)
    return;
  ctx.held_out = false;
  auto& pending = self->state.stream_fetches;
  if (auto it = pending.find(ctx.request.key); it != pending.end() && --it->second == 0)
    pending.erase(it);
}

/// Answers the fetch with `err`.
void fail_fetch(planner_pointer self, const fetch_ptr& ctx, const caf::error& err) {
  fetch_answered(self, *ctx);
  ctx->promise.deliver(err);
}

/// Frames of 16-bit stereo PCM `pcm` holds (0 when empty).
std::int64_t pcm_frames(const audio_payload& pcm) {
  return pcm.data ? static_cast<std::int64_t>(pcm.data->size() / 4) : 0;
}

/// Answers the fetch with `pcm` and, when the fetch wants it, `stream` (the Ogg Opus file
/// of the chunk; empty when there is none). `frames`: the chunk's frames when `pcm` is
/// empty (a stream made without decoding), else -1 (taken from `pcm`).
void reply_fetch(planner_pointer self, const fetch_ptr& ctx, fetch_source source,
                 audio_payload pcm, audio_payload stream = {}, std::int64_t frames = -1) {
  fetch_answered(self, *ctx);
  fetch_reply r;
  r.key = ctx->request.key;
  r.source = source;
  r.frames = frames < 0 ? pcm_frames(pcm) : frames;
  r.pcm = std::move(pcm);
  if (ctx->request.want_stream)
    r.stream = std::move(stream);
  r.service_ms =
    std::chrono::duration<double, std::milli>(wall_clock::now() - ctx->start).count();
  record_latency(self, source, r.service_ms);
  ctx->promise.deliver(std::move(r));
}

double fetched_probability(planner_pointer self, const cache_key& key) {
  if (const auto* w = self->state.wanted.find(key))
    return std::max(w->second, 0.5);
  return 1.0;
}

/// A full miss: render now, store in L1, answer. A fetch that wants the stream has the
/// render encode it too (job_spec::with_stream); should the pool join it to a render of the
/// key started without the stream, the reply has none.
void render_for_fetch(planner_pointer self, const fetch_ptr& ctx) {
  const auto& key = ctx->request.key;
  auto& st = self->state;
  auto it = st.tracks.find(key.track_id);
  if ((it == st.tracks.end() || !it->second.ready) && st.failed_tracks.count(key.track_id) &&
      !ctx->reloaded) {
    // Another render of the track failed during the lookup and dropped its data: reload it
    // once, so that this fetch answers the track's own error (or renders, should the file
    // be back) rather than a cancellation.
    ctx->reloaded = true;
    with_track(self, key.track_id, [self, ctx](const caf::error& err) {
      if (err)
        fail_fetch(self, ctx, err);
      else
        render_for_fetch(self, ctx);
    });
    return;
  }
  if (it == st.tracks.end() || !it->second.ready) {
    fail_fetch(self, ctx,
               make_engine_error(engine_errc::cancelled, "track " + std::to_string(key.track_id) +
                                                           " was invalidated during the fetch"));
    return;
  }
  const auto epoch = st.epoch_of(key.track_id);
  auto spec = render_spec(self, key, job_priority::immediate, 1.0);
  spec.with_stream = ctx->request.want_stream;
  self->request(st.settings.pool, caf::infinite, submit_atom::value, std::move(spec))
    .then(
      [self, ctx, epoch](job_output& out) {
        const auto& key = ctx->request.key;
        if (self->state.epoch_of(key.track_id) == epoch)
          put_into(self, tier_id::l1, key, out.output, fetched_probability(self, key));
        self->state.failed_tracks.erase(key.track_id);
        reply_fetch(self, ctx, fetch_source::miss, std::move(out.output),
                    std::move(out.stream));
      },
      [self, ctx](caf::error& err) {
        note_failure(self, ctx->request.key, err);
        fail_fetch(self, ctx, err);
      });
}

/// Decodes the L3 entry `blob` of `key` on the pool at `priority` and puts the PCM into
/// L1 (unless the track was invalidated meanwhile), then calls `done(pcm)`; or
/// `failed(err)`.
template <class Done, class Failed>
void decode_into_l1(planner_pointer self, const cache_key& key, audio_payload blob,
                    job_priority priority, double probability, Done done, Failed failed) {
  job_spec spec;
  spec.kind = job_kind::decode;
  spec.key = key;
  spec.priority = priority;
  spec.probability = probability;
  spec.input = std::move(blob);
  const auto epoch = self->state.epoch_of(key.track_id);
  self->request(self->state.settings.pool, caf::infinite, submit_atom::value, std::move(spec))
    .then(
      [self, key, epoch, done](job_output& out) {
        if (self->state.epoch_of(key.track_id) == epoch)
          put_into(self, tier_id::l1, key, out.output, fetched_probability(self, key));
        done(std::move(out.output));
      },
      failed);
}

/// Promotes an L3 entry whose fetch was answered without its PCM: a decode at L1 priority
/// that nobody waits for.
void promote_from_l3(planner_pointer self, const cache_key& key, audio_payload blob) {
  decode_into_l1(
    self, key, std::move(blob), job_priority::l1, fetched_probability(self, key),
    [](const audio_payload&) {},
    [self, key](caf::error& err) {
      // Refused or shed under load, or cancelled with its track: the entry stays in L3.
      spdlog::debug("planner: promoting {} from L3 after its stream failed: {}",
                    to_string(key), self->system().render(err));
    });
}

/// The Ogg Opus file of L3 entry `blob` (codec::remux_to_ogg_opus: the entry's own packets,
/// about a millisecond for a 15 s chunk, no decode and no new encode) and its frame count;
/// an empty payload when the entry cannot be remuxed (corrupt, or not on one packet grid).
std::pair<audio_payload, std::int64_t> ogg_stream_of(const cache_key& key,
                                                      const audio_payload& blob) {
  if (!blob.data)
    return {};
  try {
    const auto container = codec::opus_segmented_format::parse(*blob.data);
    return {audio_payload{codec::byte_buffer::adopt(codec::remux_to_ogg_opus(container))},
            static_cast<std::int64_t>(container.frame_count())};
  } catch (const codec::codec_error& e) {
    spdlog::debug("planner: no Ogg Opus stream of {} from L3: {}", to_string(key), e.what());
    return {};
  }
}

/// Answers an L3 hit that wants the stream with the entry's own packets (ogg_stream_of) and
/// no PCM, then promotes the entry. False, with nothing answered, when the entry cannot be
/// remuxed: the caller decodes it as any L3 hit, which reports a corrupt entry as such.
bool serve_stream_from_l3(planner_pointer self, const fetch_ptr& ctx, const audio_payload& blob) {
  auto [file, frames] = ogg_stream_of(ctx->request.key, blob);
  if (!file.data)
    return false;
  reply_fetch(self, ctx, fetch_source::l3, {}, std::move(file), frames);
  promote_from_l3(self, ctx->request.key, blob);
  return true;
}

/// Answers an L1 or L2 hit (`source`) with its PCM. A fetch that wants the stream also gets
/// the Ogg Opus file of the chunk's L3 copy when L3 holds one of as many frames (the
/// packets an encode of this PCM makes, or those it was decoded from): a millisecond where
/// the gateway's encode of the PCM takes 100-150 ms. Without one the gateway encodes.
void serve_from_pcm_tier(planner_pointer self, const fetch_ptr& ctx, fetch_source source,
                         audio_payload pcm) {
  if (!ctx->request.want_stream) {
    reply_fetch(self, ctx, source, std::move(pcm));
    return;
  }
  // Both handlers share the PCM buffer (an audio_payload copy is a reference).
  auto& st = self->state;
  self->request(st.settings.l3, st.settings.ask_timeout, caf::get_atom::value,
                ctx->request.key, false)
    .then(
      [self, ctx, source, pcm](get_reply& g) {
        audio_payload stream;
        if (g.found) {
          auto [file, copy_frames] = ogg_stream_of(ctx->request.key, g.payload);
          if (copy_frames == pcm_frames(pcm))
            stream = std::move(file);
        }
        reply_fetch(self, ctx, source, pcm, std::move(stream));
      },
      [self, ctx, source, pcm](caf::error& err) {
        self->state.dropped.note("looking for the L3 copy of " + to_string(ctx->request.key),
                                 self->system().render(err));
        reply_fetch(self, ctx, source, pcm);
      });
}

/// Serves an L3 entry: decode at immediate priority, promote into L1, answer (a fetch that
/// wants the stream: see serve_stream_from_l3).
void serve_from_l3(planner_pointer self, const fetch_ptr& ctx, audio_payload blob) {
  if (ctx->request.want_stream && serve_stream_from_l3(self, ctx, blob))
    return;
  decode_into_l1(
    self, ctx->request.key, std::move(blob), job_priority::immediate, 1.0,
    [self, ctx](audio_payload pcm) { reply_fetch(self, ctx, fetch_source::l3, std::move(pcm)); },
    [self, ctx](caf::error& err) {
      spdlog::warn("planner: decoding {} from L3 failed: {}", to_string(ctx->request.key),
                   self->system().render(err));
      fail_fetch(self, ctx, err);
    });
}

/// Looks in tier `index` (0 = L1, 1 = L2, 2 = L3) and on; 3 = nothing held it.
/// `miss_counted`: a client get already found nothing (its miss is the fetch's one count).
void lookup(planner_pointer self, const fetch_ptr& ctx, int index, bool miss_counted) {
  auto& st = self->state;
  const auto timeout = st.settings.ask_timeout;
  const auto& key = ctx->request.key;
  auto fail = [self, ctx](caf::error& err) { fail_fetch(self, ctx, err); };
  if (index == 3) {
    if (miss_counted) {
      render_for_fetch(self, ctx);
      return;
    }
    // Count the fetch's one miss on L1; should the chunk have arrived meanwhile, it is a hit.
    self->request(st.settings.l1, timeout, caf::get_atom::value, key, true)
      .then(
        [self, ctx](get_reply& g) {
          if (g.found)
            reply_fetch(self, ctx, fetch_source::l1, std::move(g.payload));
          else
            render_for_fetch(self, ctx);
        },
        fail);
    return;
  }
  const auto t = static_cast<tier_id>(index);
  const auto& tier = tier_of(self->state.settings, t);
  self->request(tier, timeout, peek_atom::value, key)
    .then(
      [self, ctx, index, miss_counted, t, tier, timeout, fail](const peek_reply& p) {
        if (!p.found) {
          lookup(self, ctx, index + 1, miss_counted);
          return;
        }
        self->request(tier, timeout, caf::get_atom::value, ctx->request.key, true)
          .then(
            [self, ctx, index, t](get_reply& g) {
              if (!g.found) {
                lookup(self, ctx, index + 1, true); // left between peek and get
                return;
              }
              if (t == tier_id::l3)
                serve_from_l3(self, ctx, std::move(g.payload));
              else
                serve_from_pcm_tier(self, ctx,
                                    t == tier_id::l1 ? fetch_source::l1 : fetch_source::l2,
                                    std::move(g.payload));
            },
            fail);
      },
      fail);
}

} // namespace

void serve_fetch(planner_pointer self, const fetch_ptr& ctx) {
  lookup(self, ctx, 0, false);
}

} // namespace auralis::actors::planner_detail
