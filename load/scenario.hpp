#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "load/threshold.hpp"

namespace auralis::load {

/// Number of mastering presets.
inline constexpr std::size_t preset_count = 5;

/// The presets' names, in the engine's order.
inline constexpr std::array<std::string_view, preset_count> preset_names{
  "adaptive", "gentle", "warm", "bright", "punchy"};

/// Index of preset `name`, or -1.
int preset_index(std::string_view name);

/// How listener sessions arrive.
enum class arrival_mode {
  all,     ///< every session starts at once
  ramp,    ///< sessions start evenly spread over `ramp_s`
  poisson, ///< sessions start at random, `rate` a second on average
};

/// Which tracks listeners pick.
enum class popularity_mode {
  uniform, ///< every track alike
  zipf,    ///< the track of rank r (library order) weighs 1 / r^exponent
};

/// When listener sessions start.
struct arrival_settings {
  arrival_mode mode = arrival_mode::all; ///< the schedule
  double ramp_s = 0;                     ///< ramp: seconds over which sessions start
  double rate = 1;                       ///< poisson: sessions started per second
};

/// How long a listener stays (churn); without it a session lasts the whole run.
struct lifetime_settings {
  bool enabled = false; ///< sessions leave after a random lifetime
  double mean_s = 60;   ///< mean of the exponential lifetime, wall seconds
  double min_s = 1;     ///< the shortest lifetime, wall seconds
};

/// Which tracks sessions play.
struct track_settings {
  popularity_mode popularity = popularity_mode::uniform; ///< how tracks are picked
  double zipf_exponent = 1;                              ///< zipf: the exponent s
  int max_tracks = 0;                                    ///< only the first N tracks (0 = all)
};

/// How a listener behaves. Rates are events per minute of playback (Poisson); a switch
/// picks the next preset from the transition matrix row of the current one.
struct behaviour_settings {
  std::string start_preset = "adaptive"; ///< preset a session starts with
  double start_intensity = 1;            ///< intensity a session starts with
  /// Row-normalised switch probabilities: transitions[from][to], 0 on the diagonal.
  std::array<std::array<double, preset_count>, preset_count> transitions{};
  double switch_per_min = 1;       ///< preset switches
  double seek_per_min = 0;         ///< seeks to a random position of the track
  double track_change_per_min = 0; ///< the listener picks another track at once
  double intensity_per_min = 0;    ///< intensity changes
  double pause_per_min = 0;        ///< pauses
  double pause_mean_s = 5;         ///< mean pause, seconds of playback time (exponential)
  double opus_ratio = 0;           ///< share of chunk fetches asking for Ogg Opus
  double position_interval_s = 1;  ///< wall seconds between position posts while playing
  double lead_s = 5;               ///< playback seconds before chunk k ends that k+1 is due
  double start_buffer_s = 1;       ///< playback seconds received ahead before (re)starting
};

/// Sessions that send malformed requests, mixed into normal play.
struct attack_settings {
  int sessions = 0;     ///< attacker sessions (0 = none)
  double rate = 0;      ///< malformed requests per second per attacker
};

/// A ramp that adds sessions until the thresholds breach within a step.
struct capacity_settings {
  bool enabled = false;   ///< run as a capacity search
  int start_sessions = 1; ///< sessions of the first step
  int step_sessions = 1;  ///< sessions added per step
  double step_s = 30;     ///< wall seconds per step
  int max_sessions = 64;  ///< the search stops here
};

/// One load scenario, as config/scenarios/<name>.json describes it.
struct scenario {
  std::string name;        ///< the file's name without .json (or its "name" key)
  std::string description; ///< one sentence
  std::string source;      ///< where it was read from
  int sessions = 1;              ///< listener sessions started over the run
  double duration_s = 30;        ///< wall seconds of the run
  double warmup_s = 0;           ///< wall seconds not measured at the start
  double speed = 1;              ///< playback speed, times real time
  std::uint64_t seed = 1;        ///< seeds every session's random choices
  double request_timeout_s = 10; ///< a request not answered by then is a transport failure
  double stats_interval_s = 1;   ///< wall seconds between samples of /api/cache/stats
  double clear_per_min = 0;      ///< POST /api/cache/clear, per wall minute (Poisson)
  arrival_settings arrivals;     ///< when sessions start
  lifetime_settings lifetime;    ///< churn
  track_settings tracks;         ///< which tracks
  behaviour_settings behaviour;  ///< how listeners act
  attack_settings attackers;     ///< malformed traffic
  capacity_settings capacity;    ///< capacity search
  std::vector<threshold> thresholds; ///< pass/fail conditions
};

} // namespace auralis::load
