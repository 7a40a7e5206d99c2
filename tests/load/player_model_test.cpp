#define BOOST_TEST_MODULE player_model
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <functional>
#include <optional>
#include <sstream>

#include "load/player_model.hpp"

using namespace auralis::load;

namespace {

/// A behaviour without random actions, positions only when asked (an hour apart).
behaviour_settings quiet(double lead_s = 3) {
  behaviour_settings b;
  for (std::size_t f = 0; f < preset_count; ++f)
    for (std::size_t t = 0; t < preset_count; ++t)
      b.transitions[f][t] = f == t ? 0.0 : 0.25;
  b.switch_per_min = 0;
  b.position_interval_s = 3600;
  b.lead_s = lead_s;
  b.start_buffer_s = 0;
  return b;
}

constexpr auto action = request_lane::action;
constexpr auto background = request_lane::background;
constexpr request_lane lanes[] = {action, background};

/// One 40 s track of four 10 s chunks, played at real time from clock 0.
player_model one_track(const behaviour_settings& b) {
  return player_model("s1", b, {{7, 40, 4}}, {}, 10, 1, 1, 0, 0);
}

/// Takes the due request of `lane` at `now` and answers it at `answer` (ok).
planned_request serve(player_model& m, request_lane lane, double now, double answer) {
  auto r = m.take_request(now, lane);
  BOOST_REQUIRE(r.has_value());
  BOOST_TEST((r->lane == lane));
  m.on_response(*r, answer, true);
  return *r;
}

/// A behaviour with every action and position posts every second.
behaviour_settings busy_listener() {
  behaviour_settings b = quiet(5);
  b.switch_per_min = 6;
  b.seek_per_min = 3;
  b.track_change_per_min = 1;
  b.intensity_per_min = 1;
  b.pause_per_min = 1;
  b.opus_ratio = 0.5;
  b.position_interval_s = 1;
  return b;
}

/// Drives `m` on both lanes for `steps` steps: each request taken when due is answered
/// `latency` seconds after it was sent (ok); `seen` gets every request with its lane.
void drive(player_model& m, int steps, double latency,
           const std::function<void(const planned_request&, double sent)>& seen) {
  std::optional<planned_request> out[2];
  double answer_at[2] = {0, 0};
  double t = 0;
  for (int i = 0; i < steps; ++i) {
    for (auto lane : lanes) {
      const auto l = static_cast<std::size_t>(lane);
      if (out[l] && answer_at[l] <= t) {
        m.on_response(*out[l], answer_at[l], true);
        out[l].reset();
      }
    }
    for (auto lane : lanes) {
      const auto l = static_cast<std::size_t>(lane);
      auto r = m.take_request(t, lane);
      if (out[l]) {
        BOOST_TEST(!r.has_value()); // one request out per lane
        BOOST_TEST(m.busy(lane));
        continue;
      }
      if (r) {
        seen(*r, t);
        out[l] = std::move(r);
        answer_at[l] = t + latency;
      }
    }
    double next = std::min(m.next_wakeup(), t + 0.5);
    for (std::size_t l = 0; l < 2; ++l)
      if (out[l])
        next = std::min(next, answer_at[l]);
    t = std::max(next, t + 0.001);
  }
}

/// The log of a run: each request's lane, kind, due time and target, answered 50 ms
/// after sent.
std::string run_log(std::uint64_t seed) {
  player_model m("s", busy_listener(), {{1, 20, 4}, {2, 12, 3}, {3, 30, 6}}, {1, 2, 3}, 5, 2,
                 seed, 0, 0);
  std::ostringstream log;
  drive(m, 600, 0.05, [&](const planned_request& r, double) {
    log << static_cast<int>(r.lane) << " " << name_of(r.kind) << " " << r.due << " " << r.target
        << "\n";
  });
  log << m.underruns();
  return log.str();
}

} // namespace

BOOST_AUTO_TEST_CASE(the_same_seed_gives_the_same_requests) {
  const auto a = run_log(11);
  BOOST_TEST(a == run_log(11));
  BOOST_TEST(a != run_log(12));
  for (const char* kind : {"switch ", "seek ", "fetch_wav ", "fetch_opus ", "position "})
    BOOST_TEST(a.find(kind) != std::string::npos, kind);
}

BOOST_AUTO_TEST_CASE(the_first_chunk_is_due_at_the_start_and_k_plus_1_at_lead_before_k_ends) {
  auto m = one_track(quiet(3));
  auto first = m.take_request(0, action);
  BOOST_REQUIRE(first.has_value());
  BOOST_TEST((first->kind == request_kind::track_start));
  BOOST_TEST(first->chunk == 0);
  BOOST_TEST(first->due == 0.0);
  BOOST_TEST(first->target == "/api/audio/stream/7/chunk/0?preset=adaptive&intensity=1.00&session_id=s1");
  BOOST_TEST((m.state() == play_state::buffering));
  m.on_response(*first, 0.1, true); // playback starts when the chunk is there
  BOOST_TEST((m.state() == play_state::playing));
  const auto pos = serve(m, action, 0.1, 0.12);
  BOOST_TEST((pos.kind == request_kind::position)); // the start's position post
  BOOST_TEST(pos.due == 0.0);
  BOOST_TEST(pos.body.find("\"track_id\":7") != std::string::npos);
  // Chunk 1 is due when the playhead is 3 s before the end of chunk 0: clock 0.1 + 7.
  BOOST_TEST(!m.take_request(7.09, background).has_value());
  BOOST_TEST(!m.take_request(7.09, action).has_value());
  BOOST_TEST(std::fabs(m.next_wakeup() - 7.1) < 1e-9);
  // Asked late (the client was busy): the request keeps the time it was due.
  BOOST_TEST(!m.take_request(7.6, action).has_value()); // a fetch ahead: not the action lane
  auto second = m.take_request(7.6, background);
  BOOST_REQUIRE(second.has_value());
  BOOST_TEST((second->kind == request_kind::fetch_wav));
  BOOST_TEST(second->chunk == 1);
  BOOST_TEST(std::fabs(second->due - 7.1) < 1e-9);
}

BOOST_AUTO_TEST_CASE(a_request_held_up_by_the_one_out_on_its_lane_is_measured_from_its_due_time) {
  auto b = quiet(3);
  b.position_interval_s = 2.5; // ticks at 2.5, 5, 7.5, ...
  auto m = one_track(b);
  serve(m, action, 0, 0.1);    // chunk 0
  serve(m, action, 0.1, 0.12); // the start's position
  auto slow = m.take_request(6.9, background); // a periodic position, answered only at 9.0
  BOOST_REQUIRE(slow.has_value());
  BOOST_TEST((slow->kind == request_kind::position));
  BOOST_TEST(slow->due == 2.5); // the tick at 5 folds into it
  BOOST_TEST(m.busy(background));
  BOOST_TEST(!m.take_request(8.0, background).has_value()); // one request out per lane
  BOOST_TEST(!m.take_request(8.0, action).has_value());     // a fetch ahead is not an action
  m.on_response(*slow, 9.0, true);
  BOOST_TEST(!m.busy(background));
  auto fetch = m.take_request(9.0, background);
  BOOST_REQUIRE(fetch.has_value());
  BOOST_TEST((fetch->kind == request_kind::fetch_wav));
  BOOST_TEST(std::fabs(fetch->due - 7.1) < 1e-9); // latency counts from 7.1, not 9.0
}

BOOST_AUTO_TEST_CASE(a_switch_makes_the_playhead_chunk_due_at_once) {
  auto m = one_track(quiet(3));
  serve(m, action, 0, 0.0);       // chunk 0, playing from 0
  serve(m, action, 0, 0.0);       // position
  serve(m, background, 7.0, 7.5); // chunk 1
  m.advance(12.25);
  BOOST_TEST(m.chunk_at(m.position()) == 1);
  m.act(player_action::switch_preset, 12.25);
  BOOST_TEST(m.preset() != 0);
  BOOST_TEST((m.state() == play_state::playing)); // the old preset's audio plays on
  auto r = m.take_request(12.25, action);
  BOOST_REQUIRE(r.has_value());
  BOOST_TEST((r->kind == request_kind::switch_));
  BOOST_TEST(r->chunk == 1);
  BOOST_TEST(r->due == 12.25);
  BOOST_TEST(r->preset == m.preset());
  BOOST_TEST(r->target.find("preset=" + std::string(preset_names[static_cast<std::size_t>(m.preset())])) !=
             std::string::npos);
  m.on_response(*r, 12.4, true);
  // The position post of the switch is due at the switch.
  auto p = m.take_request(12.4, action);
  BOOST_REQUIRE(p.has_value());
  BOOST_TEST((p->kind == request_kind::position));
  BOOST_TEST(p->due == 12.25);
  m.on_response(*p, 12.45, true);
  // The next chunk comes in the new preset, due at its lead point as before.
  BOOST_TEST(!m.take_request(12.5, action).has_value());
  BOOST_TEST(!m.take_request(12.5, background).has_value());
  auto n = m.take_request(17.5, background);
  BOOST_REQUIRE(n.has_value());
  BOOST_TEST((n->kind == request_kind::fetch_wav));
  BOOST_TEST(n->chunk == 2);
  BOOST_TEST(std::fabs(n->due - 17.0) < 1e-9);
  BOOST_TEST(n->preset == m.preset());
}

BOOST_AUTO_TEST_CASE(a_switch_while_a_prefetch_is_out_sends_the_playhead_chunk_at_once_on_the_action_lane) {
  auto m = one_track(quiet(3));
  serve(m, action, 0, 0.0); // chunk 0, playing from 0
  serve(m, action, 0, 0.0); // the start's position
  auto prefetch = m.take_request(7.0, background);
  BOOST_REQUIRE(prefetch.has_value());
  BOOST_TEST(prefetch->chunk == 1);
  BOOST_TEST(prefetch->preset == 0);
  m.act(player_action::switch_preset, 8.0);
  BOOST_TEST(m.busy(background)); // the prefetch is still unanswered
  BOOST_TEST(!m.busy(action));
  auto r = m.take_request(8.0, action);
  BOOST_REQUIRE(r.has_value());
  BOOST_TEST((r->lane == action));
  BOOST_TEST((r->kind == request_kind::switch_));
  BOOST_TEST(r->chunk == 0);
  BOOST_TEST(r->due == 8.0);
  BOOST_TEST(r->preset == m.preset());
  BOOST_TEST(m.busy(action));
  BOOST_TEST(!m.take_request(8.0, action).has_value());     // one out on the lane
  BOOST_TEST(!m.take_request(8.0, background).has_value()); // the prefetch is out
  m.on_response(*r, 8.2, true);
  auto p = m.take_request(8.2, action); // the switch's position post
  BOOST_REQUIRE(p.has_value());
  BOOST_TEST((p->kind == request_kind::position));
  BOOST_TEST(p->due == 8.0);
}

BOOST_AUTO_TEST_CASE(an_obsolete_prefetch_answered_after_a_switch_is_not_the_new_presets_chunk) {
  auto m = one_track(quiet(3));
  serve(m, action, 0, 0.0);
  serve(m, action, 0, 0.0);
  auto prefetch = m.take_request(7.0, background); // chunk 1 in preset 0
  BOOST_REQUIRE(prefetch.has_value());
  m.act(player_action::switch_preset, 8.0);
  const int preset = m.preset();
  BOOST_TEST(preset != 0);
  serve(m, action, 8.0, 8.2); // chunk 0 in the new preset
  serve(m, action, 8.2, 8.2); // the switch's position post
  m.on_response(*prefetch, 8.5, true); // the old preset's chunk 1 arrives
  // Chunk 1 is still wanted in the new preset, due since the switch (its lead point was
  // behind the playhead then); it waited for the obsolete answer on its lane.
  auto again = m.take_request(8.5, background);
  BOOST_REQUIRE(again.has_value());
  BOOST_TEST((again->kind == request_kind::fetch_wav));
  BOOST_TEST(again->chunk == 1);
  BOOST_TEST(again->preset == preset);
  BOOST_TEST(again->due == 8.0);
  // The old preset's audio plays on meanwhile, as after any switch: no underrun.
  m.advance(10.5);
  BOOST_TEST((m.state() == play_state::playing));
  BOOST_TEST(m.underruns() == 0);
  m.on_response(*again, 10.6, true);
  // Chunk 1 is there in the new preset now: the next fetch is chunk 2 at its lead point.
  BOOST_TEST(!m.take_request(16.9, background).has_value());
  auto next = m.take_request(17.0, background);
  BOOST_REQUIRE(next.has_value());
  BOOST_TEST(next->chunk == 2);
  BOOST_TEST(next->preset == preset);
}

BOOST_AUTO_TEST_CASE(an_obsolete_answer_after_the_new_one_does_not_replace_it) {
  auto m = one_track(quiet(3));
  serve(m, action, 0, 0.0);
  serve(m, action, 0, 0.0);
  auto prefetch = m.take_request(7.0, background); // chunk 1 in preset 0, answered late
  BOOST_REQUIRE(prefetch.has_value());
  m.advance(10.5);
  BOOST_TEST((m.state() == play_state::stalled));
  m.act(player_action::switch_preset, 10.5);
  const int preset = m.preset();
  auto r = m.take_request(10.5, action); // chunk 1 in the new preset, not waiting
  BOOST_REQUIRE(r.has_value());
  BOOST_TEST((r->kind == request_kind::switch_));
  BOOST_TEST(r->chunk == 1);
  BOOST_TEST(r->preset == preset);
  m.on_response(*r, 10.7, true);
  BOOST_TEST((m.state() == play_state::playing));
  m.on_response(*prefetch, 11.0, true); // the old preset's chunk 1, after the new one
  serve(m, action, 11.0, 11.0);         // the switch's position post
  // Chunk 1 is not wanted again; chunk 2 is due at its lead point (position 17, clock 17.7).
  BOOST_TEST(!m.take_request(11.0, background).has_value());
  BOOST_TEST(!m.take_request(17.6, background).has_value());
  auto next = m.take_request(17.7, background);
  BOOST_REQUIRE(next.has_value());
  BOOST_TEST(next->chunk == 2);
  BOOST_TEST(next->preset == preset);
}

BOOST_AUTO_TEST_CASE(periodic_positions_and_prefetches_share_the_background_lane) {
  auto b = quiet(3);
  b.position_interval_s = 1; // ticks at 1, 2, 3, ...
  auto m = one_track(b);
  serve(m, action, 0, 0.0); // chunk 0
  serve(m, action, 0, 0.0); // the start's position
  // A periodic position out at 7 (due since 1) holds up chunk 1 (due at 7) until answered.
  auto pos = m.take_request(7.0, background);
  BOOST_REQUIRE(pos.has_value());
  BOOST_TEST((pos->kind == request_kind::position));
  BOOST_TEST(!m.take_request(7.2, background).has_value());
  BOOST_TEST(!m.take_request(7.2, action).has_value());
  m.on_response(*pos, 7.3, true);
  auto fetch = m.take_request(7.3, background);
  BOOST_REQUIRE(fetch.has_value());
  BOOST_TEST((fetch->kind == request_kind::fetch_wav));
  BOOST_TEST(std::fabs(fetch->due - 7.0) < 1e-9);
  // The tick at 8 waits for the fetch, and is measured from 8.
  BOOST_TEST(!m.take_request(8.4, background).has_value());
  BOOST_TEST(!m.take_request(8.4, action).has_value());
  m.on_response(*fetch, 8.5, true);
  auto tick = m.take_request(8.5, background);
  BOOST_REQUIRE(tick.has_value());
  BOOST_TEST((tick->kind == request_kind::position));
  BOOST_TEST(tick->due == 8.0);
  m.on_response(*tick, 8.5, true);
  // Without actions the action lane stays idle while the background lane works on.
  int positions = 0, fetches = 0;
  for (double t = 8.6; t < 35; t += 0.1) {
    BOOST_TEST(!m.take_request(t, action).has_value());
    if (auto r = m.take_request(t, background)) {
      (r->kind == request_kind::position ? positions : fetches) += 1;
      m.on_response(*r, t, true);
    }
  }
  BOOST_TEST(positions > 20);
  BOOST_TEST(fetches == 2); // chunks 2 and 3
}

BOOST_AUTO_TEST_CASE(each_lane_carries_only_its_kinds_one_request_at_a_time) {
  for (std::uint64_t seed = 1; seed <= 4; ++seed) {
    player_model m("s", busy_listener(), {{1, 20, 4}, {2, 12, 3}, {3, 30, 6}}, {1, 2, 3}, 5, 2,
                   seed, 0, 0);
    int count[2][request_kind_count] = {};
    // Slow answers (0.4 s), so that the lanes often have requests out together.
    drive(m, 1500, 0.4, [&](const planned_request& r, double sent) {
      BOOST_TEST(r.due <= sent);
      ++count[static_cast<std::size_t>(r.lane)][static_cast<std::size_t>(r.kind)];
    });
    const auto& act = count[static_cast<std::size_t>(action)];
    const auto& bg = count[static_cast<std::size_t>(background)];
    for (auto k : {request_kind::fetch_wav, request_kind::fetch_opus})
      BOOST_TEST(act[static_cast<std::size_t>(k)] == 0, name_of(k));
    for (auto k : {request_kind::track_start, request_kind::switch_, request_kind::seek,
                   request_kind::intensity})
      BOOST_TEST(bg[static_cast<std::size_t>(k)] == 0, name_of(k));
    BOOST_TEST(act[static_cast<std::size_t>(request_kind::position)] > 0);
    BOOST_TEST(act[static_cast<std::size_t>(request_kind::switch_)] > 0);
    BOOST_TEST(bg[static_cast<std::size_t>(request_kind::position)] > 0);
    BOOST_TEST(bg[static_cast<std::size_t>(request_kind::fetch_wav)] > 0);
  }
}

BOOST_AUTO_TEST_CASE(a_seek_buffers_without_an_underrun) {
  int seeks_checked = 0;
  for (std::uint64_t seed = 1; seed <= 10; ++seed) {
    player_model m("s1", quiet(3), {{7, 40, 4}}, {}, 10, 1, seed, 0, 0);
    serve(m, action, 0, 0.0);
    serve(m, action, 0, 0.0);
    m.advance(2);
    m.act(player_action::seek, 2);
    const int chunk = m.chunk_at(m.position());
    if (chunk == 0)
      continue; // a seek inside the chunk held: nothing to fetch
    ++seeks_checked;
    BOOST_TEST((m.state() == play_state::buffering));
    auto r = m.take_request(2, action);
    BOOST_REQUIRE(r.has_value());
    BOOST_TEST((r->kind == request_kind::seek));
    BOOST_TEST(r->chunk == chunk);
    BOOST_TEST(r->due == 2.0);
    m.on_response(*r, 2.5, true);
    BOOST_TEST((m.state() == play_state::playing));
    BOOST_TEST(m.underruns() == 0);
  }
  BOOST_TEST(seeks_checked > 0);
}

BOOST_AUTO_TEST_CASE(a_chunk_late_for_playback_is_an_underrun_with_its_stall_time) {
  auto m = one_track(quiet(3));
  serve(m, action, 0, 0.0);
  serve(m, action, 0, 0.0);
  auto r = m.take_request(7.0, background); // chunk 1, due at 7
  BOOST_REQUIRE(r.has_value());
  m.advance(10.5); // chunk 0 ended at 10 without chunk 1
  BOOST_TEST((m.state() == play_state::stalled));
  BOOST_TEST(m.underruns() == 1);
  BOOST_TEST(m.position() == 10.0);
  m.on_response(*r, 11.25, true);
  BOOST_TEST((m.state() == play_state::playing));
  BOOST_TEST(std::fabs(m.stall_s() - 1.25) < 1e-9);
  m.advance(12.25);
  BOOST_TEST(std::fabs(m.position() - 11.0) < 1e-9);
}

BOOST_AUTO_TEST_CASE(underruns_before_the_measured_window_are_not_counted) {
  player_model m("s1", quiet(3), {{7, 40, 4}}, {}, 10, 1, 1, 0, 100);
  serve(m, action, 0, 0.0);
  serve(m, action, 0, 0.0);
  m.advance(10.5);
  BOOST_TEST((m.state() == play_state::stalled));
  BOOST_TEST(m.underruns() == 0);
}

BOOST_AUTO_TEST_CASE(the_next_track_is_prefetched_and_played_on) {
  player_model m("s1", quiet(3), {{1, 10, 2}, {2, 10, 2}}, {}, 5, 1, 4, 0, 0);
  const auto first_id = m.track().id;
  for (double t = 0; t < 20; t += 0.1)
    for (auto lane : lanes)
      if (auto r = m.take_request(t, lane))
        m.on_response(*r, t, true);
  BOOST_TEST(m.track().id != first_id); // on to the next track at 10 s
  BOOST_TEST(m.underruns() == 0);
  BOOST_TEST((m.state() == play_state::playing));
}

BOOST_AUTO_TEST_CASE(a_failed_fetch_is_due_again_after_the_retry_delay) {
  auto m = one_track(quiet(3));
  auto r = m.take_request(0, action);
  BOOST_REQUIRE(r.has_value());
  m.on_response(*r, 0.1, false, 1.0);
  auto p = m.take_request(0.1, action);
  BOOST_REQUIRE(p.has_value());
  BOOST_TEST((p->kind == request_kind::position));
  m.on_response(*p, 0.2, true);
  BOOST_TEST(!m.take_request(1.0, action).has_value());
  BOOST_TEST(!m.take_request(1.0, background).has_value());
  auto again = m.take_request(1.2, action);
  BOOST_REQUIRE(again.has_value());
  BOOST_TEST((again->kind == request_kind::track_start));
  BOOST_TEST(again->due == 1.1);
}

BOOST_AUTO_TEST_CASE(playback_starts_once_the_start_buffer_arrived) {
  auto b = quiet(0.5); // a lead shorter than the start buffer
  b.start_buffer_s = 1.5;
  player_model m("s1", b, {{7, 4, 4}}, {}, 1, 1, 1, 0, 0);
  auto c0 = m.take_request(0, action);
  BOOST_REQUIRE(c0.has_value());
  BOOST_TEST(c0->chunk == 0);
  // Chunk 1 is due since the wait began (0), though its lead point (0.5) is ahead of the
  // frozen playhead; a chunk ahead, it goes out on the background lane beside chunk 0.
  auto c1 = m.take_request(0, background);
  BOOST_REQUIRE(c1.has_value());
  BOOST_TEST(c1->chunk == 1);
  BOOST_TEST(c1->due == 0.0);
  m.on_response(*c0, 0.1, true);
  BOOST_TEST((m.state() == play_state::buffering)); // 1 s ahead, 1.5 s wanted
  m.on_response(*c1, 0.3, true);
  BOOST_TEST((m.state() == play_state::playing));
  BOOST_TEST(m.underruns() == 0);
}

BOOST_AUTO_TEST_CASE(chunk_length_is_estimated_from_the_listing) {
  BOOST_TEST(player_model::estimate_chunk_seconds({{1, 5, 3}, {2, 5, 3}}) == 2.0);
  BOOST_TEST(player_model::estimate_chunk_seconds({{1, 20, 4}}) == 5.0);
  BOOST_TEST(player_model::estimate_chunk_seconds({{1, 187.3, 13}, {2, 60, 4}}) == 15.0);
  BOOST_TEST(player_model::estimate_chunk_seconds({{1, 6, 1}}) == 6.0);
}
