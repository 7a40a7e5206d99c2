#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "load/request_kind.hpp"
#include "load/scenario.hpp"

namespace auralis::load {

/// A track as GET /api/library/tracks lists it.
struct track_ref {
  std::int64_t id = 0;    ///< the engine's id
  double duration_s = 0;  ///< seconds on the engine's timeline
  int chunks = 0;         ///< number of chunks (the last may be short)
};

/// The two connections of a session; each has at most one request out.
enum class request_lane {
  action,     ///< what the listener does: the chunk at the playhead an action (or the start)
              ///< made due at once, and the position post of an action
  background, ///< chunks fetched ahead of the playhead, and the periodic position posts
};

/// Number of request lanes.
inline constexpr std::size_t request_lane_count = 2;

/// One request a session wants sent, and when it became due.
struct planned_request {
  request_kind kind = request_kind::position; ///< what it is for
  request_lane lane = request_lane::background; ///< the lane it goes out on
  double due = 0;          ///< clock seconds at which it was due (latency counts from here)
  std::string method;      ///< "GET" or "POST"
  std::string target;      ///< path and query
  std::string body;        ///< JSON body of a POST
  std::uint64_t track_serial = 0; ///< fetches: which play of a track the chunk is for
  int chunk = -1;          ///< fetches: chunk index
  int preset = 0;          ///< fetches: preset index
  int intensity_pct = 100; ///< fetches: intensity in hundredths
  bool opus = false;       ///< fetches: format=opus
  bool last_chunk = false; ///< fetches: the track's last chunk (may be short)
};

/// What a listener does (by the scenario's Poisson rates, or by act()).
enum class player_action {
  switch_preset,    ///< next preset from the transition matrix
  seek,             ///< a random position of the track
  change_track,     ///< another track, from its start
  change_intensity, ///< another intensity
  pause,            ///< a pause of random length
};

/// State of a session's playback.
enum class play_state {
  buffering, ///< waiting for the playhead's chunk after a start, seek or track change
  playing,   ///< the playhead moves
  stalled,   ///< an underrun: the playhead reached a chunk not yet received
  paused,    ///< the listener paused
};

/// One listener, as a deterministic state machine: given a seed and the times it is
/// driven at (any clock, in seconds), it says which request is due when. It plays a track
/// at `speed` times real time; chunk k+1 is due when the playhead is `lead_s` of playback
/// before the end of chunk k (or at once when that point is already behind it); after a
/// preset switch, seek, intensity change or track change, the chunk at the playhead is
/// due at once. Positions are due every `position_interval_s` of wall time while not
/// paused and at every action.
///
/// Requests go out on two lanes (request_lane), each with at most one request out: the
/// action lane carries the chunk at the playhead that an action or the start made due at
/// once and the action's position post; the background lane carries every other chunk
/// fetch (ahead of the playhead, the next track's first chunk) and the periodic position
/// posts. A due request waits only for its own lane's previous answer, and its due time
/// stays as it was (so a late send is measured from when it was due). A chunk out on one
/// lane in the version wanted is not asked for on the other. An answer for a version no
/// longer wanted (a prefetch out at a switch) is kept as that version's audio, which plays
/// on as the old audio does after a switch; the chunk stays wanted in the current version,
/// and such an answer never replaces audio of the current version.
///
/// A chunk not received when the playhead reaches it stalls the playback (an underrun).
/// After a start, seek or track change, and after an underrun, playback (re)starts once
/// `start_buffer_s` of audio ahead of the playhead (or the rest of the track) has arrived.
class player_model {
public:
  /// `tracks` must not be empty; `weights` (one per track, or empty for uniform) pick
  /// tracks; `chunk_s` is the engine's chunk length; `start` the clock time the session
  /// starts; underruns before `measure_from` are not counted.
  player_model(std::string session_id, const behaviour_settings& behaviour,
               std::vector<track_ref> tracks, std::vector<double> weights, double chunk_s,
               double speed, std::uint64_t seed, double start, double measure_from);

  /// Moves the playback to clock time `now` (never backwards), applying the Poisson
  /// actions and underruns on the way at their exact times.
  void advance(double now);

  /// Advances to `now` and returns the most overdue request of `lane`, if one is due and
  /// none is out on that lane; it is then out until on_response().
  std::optional<planned_request> take_request(double now, request_lane lane);

  /// The answer to `request` (out on its lane) came at `now`: `ok` when it succeeded (a
  /// whole chunk received, or a 2xx position); a failed fetch is due again on its lane
  /// after `retry_after_s` (at least 0.25 s).
  void on_response(const planned_request& request, double now, bool ok, double retry_after_s = 0);

  /// Applies `action` at `now` (advances first).
  void act(player_action action, double now);

  /// Clock time at which something may next become due on a lane with nothing out, or the
  /// playback next changes (+inf when nothing will).
  double next_wakeup() const;

  /// Ends the session at `now`: a stall still going is counted up to `now`.
  void finish(double now);

  /// The engine's chunk length in use; `set_chunk_seconds` corrects it from the
  /// X-Chunk-Duration header of a chunk that is not a track's last.
  double chunk_seconds() const noexcept { return chunk_s_; }
  /// See chunk_seconds().
  void set_chunk_seconds(double s);

  /// Index of the chunk containing track position `pos` of the current track.
  int chunk_at(double pos) const;

  /// Underruns counted (from `measure_from` on).
  int underruns() const noexcept { return underruns_; }
  /// Seconds (clock) spent stalled by counted underruns.
  double stall_s() const noexcept { return stall_s_; }
  /// Playback state.
  play_state state() const noexcept { return state_; }
  /// Position in the current track, seconds.
  double position() const noexcept { return pos_; }
  /// The current track.
  const track_ref& track() const { return tracks_[cur_]; }
  /// Index of the current preset in preset_names.
  int preset() const noexcept { return preset_; }
  /// Current intensity in hundredths.
  int intensity_pct() const noexcept { return intensity_pct_; }
  /// Whether a request is out on `lane`.
  bool busy(request_lane lane) const noexcept { return lanes_[index(lane)].out; }
  /// The session's id.
  const std::string& session_id() const noexcept { return session_id_; }

  /// The chunk length that fits every track of a listing (chunks = ceil(duration /
  /// chunk)), preferring whole seconds; duration / chunks when nothing nicer fits.
  static double estimate_chunk_seconds(const std::vector<track_ref>& tracks);

private:
  /// A rendered variant of a chunk: preset and intensity (preset -1: nothing received).
  struct version {
    int preset = -1;
    int intensity_pct = 0;
    bool any() const { return preset >= 0; }
    bool operator==(const version& o) const {
      return preset == o.preset && intensity_pct == o.intensity_pct;
    }
    bool operator!=(const version& o) const { return !(*this == o); }
  };

  /// A stretch of continuous playback since the epoch.
  struct segment {
    double t0; ///< clock time it began
    double p0; ///< track position it began at
  };

  /// The chunk fetch the session wants next.
  struct fetch_want {
    bool next_track = false; ///< chunk 0 of the next track
    int chunk = 0;           ///< chunk of the current track
    double due = 0;          ///< when it is/was due (+inf: not yet known)
    double predicted = 0;    ///< when it will be due if playback goes on
  };

  /// What a lane has out, and when it may fetch again after a failure.
  struct lane_state {
    bool out = false;              ///< a request is out
    bool fetch = false;            ///< it fetches chunk `chunk` of play `serial` in `got`
    std::uint64_t serial = 0;
    int chunk = -1;
    version got;
    double retry_not_before = 0;   ///< a failed fetch is due again from here
  };

  static std::size_t index(request_lane l) noexcept { return static_cast<std::size_t>(l); }
  version current() const { return {preset_, intensity_pct_}; }
  double chunk_start(int c) const { return c * chunk_s_; }
  bool action_owns(int chunk) const;
  bool out_on(request_lane lane, std::uint64_t serial, int chunk) const;
  std::optional<fetch_want> wanted(request_lane lane) const;
  std::optional<double> time_pos_reached(double p) const;
  double position_due(request_lane lane) const;
  void start_epoch(double t, std::optional<request_kind> kind, bool rebuffer);
  bool ready_to_play() const;
  void enter_playing(double t);
  void stall(double t, bool underrun);
  void end_stall(double t);
  void natural_track_end(double t);
  void do_action(player_action a, double t);
  void draw_next_event();
  std::size_t pick_track(std::size_t avoid);
  std::string position_body() const;
  std::string fetch_target(std::size_t track, int chunk, bool opus) const;

  std::string session_id_;
  behaviour_settings b_;
  std::vector<track_ref> tracks_;
  std::discrete_distribution<std::size_t> track_pick_;
  double chunk_s_;
  double speed_;
  std::mt19937_64 rng_;
  double measure_from_;

  double now_;
  double pos_ = 0;
  double played_ = 0; ///< playback seconds played in all
  double next_event_at_ = std::numeric_limits<double>::infinity(); ///< in played_ terms
  std::size_t cur_ = 0;
  std::size_t next_ = 0;
  std::uint64_t track_serial_ = 1; ///< serial of the current track's play
  int preset_ = 0;
  int intensity_pct_ = 100;
  play_state state_ = play_state::buffering;
  double state_since_ = 0;
  bool stall_counted_ = false;
  double pause_until_ = 0;
  std::vector<version> have_; ///< per chunk of the current track: audio received
  version next_have0_;        ///< chunk 0 of the next track

  double epoch_time_ = 0;
  double epoch_pos_ = 0;
  int epoch_chunk_ = 0;
  std::optional<request_kind> epoch_kind_;
  std::vector<segment> segments_;

  std::optional<double> action_position_due_;
  double next_position_time_;
  std::array<lane_state, request_lane_count> lanes_{};

  int underruns_ = 0;
  double stall_s_ = 0;
};

} // namespace auralis::load
