#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "actors/common/chunk_features.hpp"
#include "actors/predictor/predictor_messages.hpp"
#include "config/engine_config.hpp"

namespace auralis::actors {

/// One listener's session: current track, preset (an index of the preset set), position
/// and intensity, its recent switches, interaction hygiene and mode. Times are points of a
/// monotonic clock passed in by the caller (never read here). Not thread-safe.
///
/// Hygiene (thresholds from config::predictor_config):
/// - an update that changes neither track nor preset and comes less than
///   position_min_interval_ms after the last accepted update is throttled (ignored);
///   a track or preset change always passes;
/// - interactions are updates that change the track or the preset (the first update too);
///   a switch among rapid_interactions or more interactions within the last
///   rapid_window_ms (this one included) is "rapid" and not learned;
/// - otherwise a switch less than switch_min_interval_ms after the previous switch (learned
///   or not) is "too soon" and not learned.
///
/// Modes, after every accepted update (windows end now; a switch exactly a window old has
/// left it):
/// - exploration: more than exploration_switches switches within exploration_window_s
///   (in the first 5 minutes of a session this is the facts' "more than 5 switches in the
///   first 5 minutes"; later it keeps looking at the last 5 minutes);
/// - settled: the session is older than settled_after_s and fewer than
///   settled_max_switches switches happened within the last settled_after_s;
/// - normal otherwise. Every switch counts for the mode, rapid and too-soon ones too.
class listener_session {
public:
  using time_point = std::chrono::steady_clock::time_point;

  /// What one update did.
  struct observation {
    bool accepted = false;      ///< false: throttled, nothing changed
    bool track_changed = false; ///< the track differs from the previous one
    bool switched = false;      ///< the preset changed from `from` to `to`
    std::size_t from = 0;
    std::size_t to = 0;
    /// none, learned (the switch passed the hygiene rules), too_soon or rapid.
    switch_outcome outcome = switch_outcome::none;
    session_mode previous_mode = session_mode::normal;
    session_mode mode = session_mode::normal;
  };

  /// A switch that passed the hygiene rules.
  struct accepted_switch {
    std::size_t from; ///< preset index before
    std::size_t to;   ///< preset index after
    time_point at;    ///< when
  };

  /// A session named `id` that starts at `now` (no track or preset yet; mode normal).
  listener_session(std::string id, time_point now);

  /// Applies a position update at `now` under the rules above. `preset` is an index of the
  /// preset set; the caller validates every value.
  observation observe(std::int64_t track_id, double position_s, std::size_t preset,
                      double intensity, time_point now, const config::predictor_config& cfg);

  /// For each of `preset_count` presets: whether a switch `from` -> it passed the hygiene
  /// rules within the last `window_s` seconds before `now` (the recency boost).
  std::vector<bool> recent_targets(std::size_t from, std::size_t preset_count, time_point now,
                                   double window_s) const;

  /// Keeps `f` as the features of the next chunk of the current track.
  void set_features(const chunk_features& f) { features_ = f; }
  /// The next chunk's features, if the planner gave them for the current track.
  const std::optional<chunk_features>& features() const noexcept { return features_; }

  /// Forgets the accepted switches (the recency boost); mode counting is unaffected.
  void forget_history() { history_.clear(); }

  /// The session's name.
  const std::string& id() const noexcept { return id_; }
  /// Whether an update has set track and preset yet.
  bool has_preset() const noexcept { return preset_.has_value(); }
  /// The current preset (index); only valid when has_preset().
  std::size_t preset() const { return preset_.value(); }
  /// The preset used before the current one, if any.
  std::optional<std::size_t> previous_preset() const noexcept { return previous_; }
  /// The current track.
  std::int64_t track_id() const noexcept { return track_id_; }
  /// The last accepted position, seconds.
  double position_s() const noexcept { return position_s_; }
  /// The last accepted intensity.
  double intensity() const noexcept { return intensity_; }
  /// The mode after the last accepted update.
  session_mode mode() const noexcept { return mode_; }
  /// Every preset switch of the session (rapid and too-soon ones too).
  std::uint64_t switches() const noexcept { return switches_; }
  /// When the session started.
  time_point started_at() const noexcept { return started_; }
  /// Records one measured switch of this session; `top1`: the predicted first choice.
  void record_measured(bool top1) noexcept {
    ++measured_;
    top1_hits_ += top1 ? 1 : 0;
  }
  /// Switches of this session the predictor was measured on.
  std::uint64_t measured() const noexcept { return measured_; }
  /// Of them, predicted as the first choice.
  std::uint64_t top1_hits() const noexcept { return top1_hits_; }
  /// When the session last accepted an update (its start before any).
  time_point last_activity() const noexcept { return last_activity_; }
  /// Accepted switches, oldest first, at most history_size of them.
  const std::deque<accepted_switch>& history() const noexcept { return history_; }

private:
  session_mode evaluate_mode(time_point now, const config::predictor_config& cfg) const;

  std::string id_;
  time_point started_;
  time_point last_activity_;
  std::optional<std::size_t> preset_;
  std::optional<std::size_t> previous_;
  std::int64_t track_id_ = 0;
  double position_s_ = 0;
  double intensity_ = 1;
  session_mode mode_ = session_mode::normal;
  std::uint64_t switches_ = 0;
  std::uint64_t measured_ = 0;
  std::uint64_t top1_hits_ = 0;
  std::optional<time_point> last_switch_;
  std::deque<time_point> interactions_;  ///< newest last, at most rapid_interactions
  std::deque<time_point> switch_times_;  ///< newest last, only as many as the modes need
  std::deque<accepted_switch> history_;  ///< newest last, at most history_size
  std::optional<chunk_features> features_;
};

} // namespace auralis::actors
