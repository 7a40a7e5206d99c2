#include "actors/predictor/listener_session.hpp"

#include <algorithm>

namespace auralis::actors {

namespace {

using seconds_d = std::chrono::duration<double>;

/// Whether `then` lies less than `window_s` seconds before `now`.
bool within(listener_session::time_point then, listener_session::time_point now,
            double window_s) {
  return seconds_d(now - then).count() < window_s;
}

std::size_t count_within(const std::deque<listener_session::time_point>& times,
                         listener_session::time_point now, double window_s) {
  return static_cast<std::size_t>(std::count_if(
    times.begin(), times.end(), [&](auto t) { return within(t, now, window_s); }));
}

} // namespace

listener_session::listener_session(std::string id, time_point now)
  : id_(std::move(id)), started_(now), last_activity_(now) {}

listener_session::observation
listener_session::observe(std::int64_t track_id, double position_s, std::size_t preset,
                          double intensity, time_point now,
                          const config::predictor_config& cfg) {
  observation obs;
  obs.previous_mode = mode_;
  obs.mode = mode_;
  const bool first = !preset_.has_value();
  obs.track_changed = !first && track_id != track_id_;
  obs.switched = !first && preset != *preset_;
  const bool interaction = first || obs.track_changed || obs.switched;
  if (!interaction && within(last_activity_, now, cfg.position_min_interval_ms / 1000.0))
    return obs; // throttled
  obs.accepted = true;

  if (interaction) {
    interactions_.push_back(now);
    while (interactions_.size() > static_cast<std::size_t>(std::max(cfg.rapid_interactions, 1)))
      interactions_.pop_front();
  }
  if (obs.switched) {
    obs.from = *preset_;
    obs.to = preset;
    const bool rapid = count_within(interactions_, now, cfg.rapid_window_ms / 1000.0) >=
                       static_cast<std::size_t>(cfg.rapid_interactions);
    const bool too_soon =
      last_switch_ && within(*last_switch_, now, cfg.switch_min_interval_ms / 1000.0);
    obs.outcome = rapid      ? switch_outcome::rapid
                  : too_soon ? switch_outcome::too_soon
                             : switch_outcome::learned;
    ++switches_;
    last_switch_ = now;
    switch_times_.push_back(now);
    const auto keep = static_cast<std::size_t>(
      std::max({cfg.exploration_switches + 1, cfg.settled_max_switches, 1}));
    while (switch_times_.size() > keep)
      switch_times_.pop_front();
    if (obs.outcome == switch_outcome::learned) {
      history_.push_back({obs.from, obs.to, now});
      while (history_.size() > static_cast<std::size_t>(std::max(cfg.history_size, 1)))
        history_.pop_front();
    }
    previous_ = preset_;
  }
  if (first || obs.track_changed)
    features_.reset();
  preset_ = preset;
  track_id_ = track_id;
  position_s_ = position_s;
  intensity_ = intensity;
  last_activity_ = now;
  mode_ = evaluate_mode(now, cfg);
  obs.mode = mode_;
  return obs;
}

session_mode listener_session::evaluate_mode(time_point now,
                                             const config::predictor_config& cfg) const {
  if (count_within(switch_times_, now, cfg.exploration_window_s) >
      static_cast<std::size_t>(cfg.exploration_switches))
    return session_mode::exploration;
  if (seconds_d(now - started_).count() > cfg.settled_after_s &&
      count_within(switch_times_, now, cfg.settled_after_s) <
        static_cast<std::size_t>(cfg.settled_max_switches))
    return session_mode::settled;
  return session_mode::normal;
}

std::vector<bool> listener_session::recent_targets(std::size_t from, std::size_t preset_count,
                                                   time_point now, double window_s) const {
  std::vector<bool> out(preset_count, false);
  for (const auto& s : history_)
    if (s.from == from && s.to < preset_count && within(s.at, now, window_s))
      out[s.to] = true;
  return out;
}

} // namespace auralis::actors
