#include "load/player_model.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace auralis::load {

namespace {

constexpr double inf = std::numeric_limits<double>::infinity();
/// Positions closer than this to a chunk boundary count as on it (float rounding).
constexpr double eps = 1e-9;

std::vector<double> weights_or_uniform(std::vector<double> w, std::size_t n) {
  if (w.size() != n)
    w.assign(n, 1.0);
  return w;
}

} // namespace

player_model::player_model(std::string session_id, const behaviour_settings& behaviour,
                           std::vector<track_ref> tracks, std::vector<double> weights,
                           double chunk_s, double speed, std::uint64_t seed, double start,
                           double measure_from)
  : session_id_(std::move(session_id)), b_(behaviour), tracks_(std::move(tracks)),
    chunk_s_(chunk_s), speed_(speed), rng_(seed), measure_from_(measure_from), now_(start),
    next_position_time_(start + behaviour.position_interval_s) {
  if (tracks_.empty())
    throw std::invalid_argument("player_model: no tracks");
  if (!(chunk_s_ > 0) || !(speed_ > 0))
    throw std::invalid_argument("player_model: chunk length and speed must be > 0");
  for (const auto& t : tracks_)
    if (t.chunks < 1 || !(t.duration_s > 0))
      throw std::invalid_argument("player_model: a track without chunks");
  const auto w = weights_or_uniform(std::move(weights), tracks_.size());
  track_pick_ = std::discrete_distribution<std::size_t>(w.begin(), w.end());
  preset_ = std::max(0, preset_index(b_.start_preset));
  intensity_pct_ = static_cast<int>(std::lround(b_.start_intensity * 100));
  cur_ = track_pick_(rng_);
  next_ = pick_track(cur_);
  have_.assign(static_cast<std::size_t>(tracks_[cur_].chunks), version{});
  draw_next_event();
  state_since_ = start;
  start_epoch(start, request_kind::track_start, true);
  action_position_due_ = start;
}

std::size_t player_model::pick_track(std::size_t avoid) {
  if (tracks_.size() == 1)
    return 0;
  for (int i = 0; i < 8; ++i) {
    const auto t = track_pick_(rng_);
    if (t != avoid)
      return t;
  }
  return (avoid + 1) % tracks_.size();
}

void player_model::draw_next_event() {
  const double per_min = b_.switch_per_min + b_.seek_per_min + b_.track_change_per_min +
                         b_.intensity_per_min + b_.pause_per_min;
  if (!(per_min > 0)) {
    next_event_at_ = inf;
    return;
  }
  std::exponential_distribution<double> gap(per_min / 60.0);
  next_event_at_ = played_ + gap(rng_);
}

int player_model::chunk_at(double pos) const {
  const int n = tracks_[cur_].chunks;
  const int c = static_cast<int>(std::floor(pos / chunk_s_ + eps));
  return std::clamp(c, 0, n - 1);
}

void player_model::set_chunk_seconds(double s) {
  if (s > 0 && std::fabs(s - chunk_s_) > 1e-6)
    chunk_s_ = s;
}

void player_model::enter_playing(double t) {
  state_ = play_state::playing;
  state_since_ = t;
  segments_.push_back({t, pos_});
}

void player_model::stall(double t, bool underrun) {
  state_ = underrun ? play_state::stalled : play_state::buffering;
  state_since_ = t;
  stall_counted_ = underrun && t >= measure_from_;
  if (stall_counted_)
    ++underruns_;
}

void player_model::end_stall(double t) {
  if (state_ == play_state::stalled && stall_counted_)
    stall_s_ += t - state_since_;
  stall_counted_ = false;
}

bool player_model::ready_to_play() const {
  const auto& tr = tracks_[cur_];
  const int h = chunk_at(pos_);
  if (!have_[static_cast<std::size_t>(h)].any())
    return false;
  const double wanted = std::min(b_.start_buffer_s, tr.duration_s - pos_) - eps;
  double ahead = 0;
  for (int c = h; c < tr.chunks && have_[static_cast<std::size_t>(c)].any(); ++c)
    ahead = std::min(chunk_start(c + 1), tr.duration_s) - pos_;
  return ahead >= wanted;
}

void player_model::start_epoch(double t, std::optional<request_kind> kind, bool rebuffer) {
  const bool was_playing = state_ == play_state::playing;
  epoch_time_ = t;
  epoch_pos_ = pos_;
  epoch_chunk_ = chunk_at(pos_);
  epoch_kind_ = kind;
  segments_.clear();
  end_stall(t);
  const bool audio = have_[static_cast<std::size_t>(epoch_chunk_)].any();
  if (rebuffer ? ready_to_play() : audio && (was_playing || ready_to_play()))
    enter_playing(t);
  else
    stall(t, false);
}

void player_model::natural_track_end(double t) {
  cur_ = next_;
  ++track_serial_;
  next_ = pick_track(cur_);
  pos_ = 0;
  have_.assign(static_cast<std::size_t>(tracks_[cur_].chunks), version{});
  have_[0] = next_have0_;
  next_have0_ = version{};
  action_position_due_ = std::min(action_position_due_.value_or(inf), t);
  const bool gap = !have_[0].any();
  start_epoch(t, std::nullopt, false);
  if (gap) // continuous play ran into a chunk not there: an underrun, not a start
    stall(t, true);
}

void player_model::do_action(player_action a, double t) {
  const bool was_playing = state_ == play_state::playing;
  switch (a) {
    case player_action::switch_preset: {
      const auto& row = b_.transitions[static_cast<std::size_t>(preset_)];
      std::discrete_distribution<int> pick(row.begin(), row.end());
      preset_ = pick(rng_);
      start_epoch(t, request_kind::switch_, false);
      break;
    }
    case player_action::seek: {
      std::uniform_real_distribution<double> where(0, tracks_[cur_].duration_s * 0.95);
      pos_ = where(rng_);
      start_epoch(t, request_kind::seek, true);
      break;
    }
    case player_action::change_track: {
      cur_ = pick_track(cur_);
      track_serial_ += 2; // answers for the old track and its successor no longer match
      next_ = pick_track(cur_);
      next_have0_ = version{};
      pos_ = 0;
      have_.assign(static_cast<std::size_t>(tracks_[cur_].chunks), version{});
      start_epoch(t, request_kind::track_start, true);
      break;
    }
    case player_action::change_intensity: {
      std::uniform_int_distribution<int> pick(5, 10);
      int pct = intensity_pct_;
      for (int i = 0; i < 8 && pct == intensity_pct_; ++i)
        pct = pick(rng_) * 10;
      intensity_pct_ = pct;
      start_epoch(t, request_kind::intensity, false);
      break;
    }
    case player_action::pause: {
      if (!was_playing)
        return; // nothing plays: nothing to pause
      std::exponential_distribution<double> len(1.0 / b_.pause_mean_s);
      state_ = play_state::paused;
      state_since_ = t;
      pause_until_ = t + len(rng_) / speed_;
      break;
    }
  }
  action_position_due_ = std::min(action_position_due_.value_or(inf), t);
}

void player_model::advance(double now) {
  // Stop points closer than this (playback seconds) count as reached: keeps float
  // rounding from leaving a point a hair ahead of the clock forever.
  constexpr double reach = 1e-9;
  for (;;) {
    if (state_ == play_state::paused) {
      if (pause_until_ > now) {
        now_ = std::max(now_, now);
        break;
      }
      now_ = std::max(now_, pause_until_);
      action_position_due_ = std::min(action_position_due_.value_or(inf), pause_until_);
      next_position_time_ = pause_until_ + b_.position_interval_s;
      if (have_[static_cast<std::size_t>(chunk_at(pos_))].any())
        enter_playing(pause_until_);
      else
        stall(pause_until_, true);
      continue;
    }
    if (state_ != play_state::playing) {
      now_ = std::max(now_, now);
      break;
    }
    const auto& tr = tracks_[cur_];
    const double dp_max = std::max(0.0, now - now_) * speed_;
    const double to_event = next_event_at_ - played_;
    double to_gap = inf;
    int gap_chunk = -1;
    for (int c = chunk_at(pos_) + 1; c < tr.chunks; ++c)
      if (!have_[static_cast<std::size_t>(c)].any()) {
        to_gap = chunk_start(c) - pos_;
        gap_chunk = c;
        break;
      }
    const double to_end = tr.duration_s - pos_;
    const double d = std::max(0.0, std::min({to_event, to_gap, to_end}));
    if (d > dp_max + reach) {
      pos_ += dp_max;
      played_ += dp_max;
      now_ = std::max(now_, now);
      break;
    }
    const double t = std::min(now_ + d / speed_, std::max(now_, now));
    played_ += d;
    now_ = t;
    if (d == to_end && to_end <= to_gap && to_end <= to_event) {
      pos_ = tr.duration_s;
      natural_track_end(t);
    } else if (d == to_gap && to_gap <= to_event) {
      pos_ = chunk_start(gap_chunk);
      stall(t, true);
    } else {
      pos_ += d;
      played_ = next_event_at_; // exactly on the event, so the next gap starts from it
      draw_next_event();
      const double per_min = b_.switch_per_min + b_.seek_per_min + b_.track_change_per_min +
                             b_.intensity_per_min + b_.pause_per_min;
      std::uniform_real_distribution<double> u(0, per_min);
      double x = u(rng_);
      player_action a = player_action::pause;
      for (auto [rate, act] : {std::pair{b_.switch_per_min, player_action::switch_preset},
                               std::pair{b_.seek_per_min, player_action::seek},
                               std::pair{b_.track_change_per_min, player_action::change_track},
                               std::pair{b_.intensity_per_min, player_action::change_intensity}}) {
        if (x < rate) {
          a = act;
          break;
        }
        x -= rate;
      }
      do_action(a, t);
    }
  }
}

void player_model::act(player_action action, double now) {
  advance(now);
  do_action(action, now);
}

std::optional<double> player_model::time_pos_reached(double p) const {
  if (p <= epoch_pos_ + eps)
    return epoch_time_;
  for (std::size_t i = 0; i < segments_.size(); ++i) {
    const auto& s = segments_[i];
    // A segment ends where the next one begins, or (the last) at the playhead.
    const bool open = i + 1 == segments_.size();
    const double p1 = open ? pos_ : segments_[i + 1].p0;
    if (p <= s.p0 + eps)
      return s.t0;
    if (p <= p1 + eps)
      return s.t0 + (p - s.p0) / speed_;
  }
  return std::nullopt;
}

bool player_model::action_owns(int chunk) const {
  return epoch_kind_ && chunk == epoch_chunk_ && chunk == chunk_at(pos_);
}

bool player_model::out_on(request_lane lane, std::uint64_t serial, int chunk) const {
  const auto& l = lanes_[index(lane)];
  return l.out && l.fetch && l.serial == serial && l.chunk == chunk && l.got == current();
}

std::optional<player_model::fetch_want> player_model::wanted(request_lane lane) const {
  const auto& tr = tracks_[cur_];
  const version cur = current();
  const int h = chunk_at(pos_);
  const double retry = lanes_[index(lane)].retry_not_before;
  fetch_want w;
  if (lane == request_lane::action) {
    // The chunk at the playhead, due at once since the action, unless already there or
    // coming in the version wanted on the other lane.
    if (!action_owns(h) || have_[static_cast<std::size_t>(h)] == cur ||
        out_on(request_lane::background, track_serial_, h))
      return std::nullopt;
    w.chunk = h;
    w.due = std::max(epoch_time_, retry);
    w.predicted = w.due;
    return w;
  }
  double trigger = 0;
  bool found = false;
  for (int c = h; c < tr.chunks; ++c)
    if (have_[static_cast<std::size_t>(c)] != cur && !action_owns(c) &&
        !out_on(request_lane::action, track_serial_, c)) {
      w.chunk = c;
      trigger = chunk_start(c) - b_.lead_s;
      found = true;
      break;
    }
  if (!found) {
    if (next_have0_ == cur)
      return std::nullopt;
    w.next_track = true;
    trigger = tr.duration_s - b_.lead_s;
  }
  auto reached = time_pos_reached(trigger);
  // Waiting to (re)start: what the start buffer needs is due since the wait began, even
  // when its lead point lies ahead of the frozen playhead.
  if (!reached && !w.next_track &&
      (state_ == play_state::buffering || state_ == play_state::stalled) &&
      chunk_start(w.chunk) < pos_ + b_.start_buffer_s)
    reached = state_since_;
  if (reached) {
    w.due = std::max({*reached, epoch_time_, retry});
    w.predicted = w.due;
  } else {
    w.due = inf;
    w.predicted = state_ == play_state::playing
                    ? std::max(now_ + (trigger - pos_) / speed_, retry)
                    : inf;
  }
  return w;
}

double player_model::position_due(request_lane lane) const {
  if (lane == request_lane::action)
    return action_position_due_.value_or(inf);
  return state_ != play_state::paused ? next_position_time_ : inf;
}

std::string player_model::position_body() const {
  char buf[320];
  const auto& tr = tracks_[cur_];
  const bool last = chunk_at(pos_) == tr.chunks - 1;
  std::string next;
  if (last)
    next = ",\"next_track_id\":" + std::to_string(tracks_[next_].id);
  std::snprintf(buf, sizeof buf,
                "{\"track_id\":%lld,\"position\":%.3f,\"preset\":\"%s\",\"intensity\":%.2f,"
                "\"session_id\":\"%s\"%s}",
                static_cast<long long>(tr.id), pos_,
                std::string(preset_names[static_cast<std::size_t>(preset_)]).c_str(),
                intensity_pct_ / 100.0, session_id_.c_str(), next.c_str());
  return buf;
}

std::string player_model::fetch_target(std::size_t track, int chunk, bool opus) const {
  char buf[320];
  std::snprintf(buf, sizeof buf,
                "/api/audio/stream/%lld/chunk/%d?preset=%s&intensity=%.2f&session_id=%s%s",
                static_cast<long long>(tracks_[track].id), chunk,
                std::string(preset_names[static_cast<std::size_t>(preset_)]).c_str(),
                intensity_pct_ / 100.0, session_id_.c_str(), opus ? "&format=opus" : "");
  return buf;
}

std::optional<planned_request> player_model::take_request(double now, request_lane lane) {
  advance(now);
  auto& l = lanes_[index(lane)];
  if (l.out)
    return std::nullopt;
  const double pos_due = position_due(lane);
  const auto want = wanted(lane);
  const double fetch_due = want ? want->due : inf;
  if (fetch_due <= now && fetch_due <= pos_due) {
    planned_request r;
    r.lane = lane;
    std::uniform_real_distribution<double> u(0, 1);
    r.opus = u(rng_) < b_.opus_ratio;
    r.due = fetch_due;
    r.method = "GET";
    r.preset = preset_;
    r.intensity_pct = intensity_pct_;
    if (want->next_track) {
      r.chunk = 0;
      r.track_serial = track_serial_ + 1; // the play that follows this one
      r.target = fetch_target(next_, 0, r.opus);
      r.last_chunk = tracks_[next_].chunks == 1;
    } else {
      r.chunk = want->chunk;
      r.track_serial = track_serial_;
      r.target = fetch_target(cur_, want->chunk, r.opus);
      r.last_chunk = want->chunk == tracks_[cur_].chunks - 1;
    }
    if (lane == request_lane::action)
      r.kind = *epoch_kind_;
    else
      r.kind = r.opus ? request_kind::fetch_opus : request_kind::fetch_wav;
    l.out = true;
    l.fetch = true;
    l.serial = r.track_serial;
    l.chunk = r.chunk;
    l.got = current();
    return r;
  }
  if (pos_due <= now) {
    planned_request r;
    r.kind = request_kind::position;
    r.lane = lane;
    r.due = pos_due;
    r.method = "POST";
    r.target = "/api/player/position";
    r.body = position_body();
    if (lane == request_lane::action)
      action_position_due_.reset();
    else
      // Ticks missed while the lane was busy fold into this post (the web UI's timer
      // does not queue posts behind one still out).
      while (state_ != play_state::paused && next_position_time_ <= now)
        next_position_time_ += b_.position_interval_s;
    l.out = true;
    l.fetch = false;
    return r;
  }
  return std::nullopt;
}

void player_model::on_response(const planned_request& request, double now, bool ok,
                               double retry_after_s) {
  advance(now);
  auto& l = lanes_[index(request.lane)];
  l.out = false;
  l.fetch = false;
  if (request.kind == request_kind::position)
    return;
  if (!ok) {
    l.retry_not_before = now + std::clamp(retry_after_s, 0.25, 5.0);
    return;
  }
  const version got{request.preset, request.intensity_pct};
  const version cur = current();
  // An answer for a version no longer wanted is that version's audio: it may fill a gap
  // but never replaces audio of the current version.
  if (request.track_serial == track_serial_) {
    auto& have = have_[static_cast<std::size_t>(request.chunk)];
    if (got == cur || have != cur)
      have = got;
    if (epoch_kind_ && request.chunk == epoch_chunk_ && got == cur)
      epoch_kind_.reset();
  } else if (request.track_serial == track_serial_ + 1 && request.chunk == 0) {
    if (got == cur || next_have0_ != cur)
      next_have0_ = got;
  }
  if ((state_ == play_state::stalled || state_ == play_state::buffering) && ready_to_play()) {
    end_stall(now);
    enter_playing(now);
  }
}

double player_model::next_wakeup() const {
  double t = inf;
  for (auto lane : {request_lane::action, request_lane::background}) {
    if (lanes_[index(lane)].out)
      continue;
    t = std::min(t, position_due(lane));
    if (const auto w = wanted(lane))
      t = std::min(t, std::isfinite(w->due) ? w->due : w->predicted);
  }
  if (state_ == play_state::paused)
    t = std::min(t, pause_until_);
  if (state_ == play_state::playing) {
    // The next action, gap or track end.
    const double to_event = next_event_at_ - played_;
    const double to_end = tracks_[cur_].duration_s - pos_;
    t = std::min(t, now_ + std::max(0.0, std::min(to_event, to_end)) / speed_);
  }
  return t;
}

void player_model::finish(double now) {
  advance(now);
  end_stall(now);
  if (state_ == play_state::stalled)
    state_since_ = now;
}

double player_model::estimate_chunk_seconds(const std::vector<track_ref>& tracks) {
  double lo = 0, hi = inf;
  for (const auto& t : tracks) {
    if (t.chunks < 1 || !(t.duration_s > 0))
      continue;
    lo = std::max(lo, t.duration_s / t.chunks);
    if (t.chunks > 1)
      hi = std::min(hi, t.duration_s / (t.chunks - 1));
  }
  if (!(lo > 0))
    return 1;
  for (double step : {1.0, 0.5, 0.25, 0.1}) {
    const double c = std::ceil(lo / step - 1e-6) * step;
    if (c >= lo - 1e-6 && c < hi - 1e-6)
      return c;
  }
  return lo;
}

} // namespace auralis::load
