#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <caf/stateful_actor.hpp>
#include <caf/typed_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <caf/typed_response_promise.hpp>

#include "actors/common/atoms.hpp"
#include "actors/common/duration_histogram.hpp"
#include "actors/common/probe_registry.hpp"
#include "actors/pool/job_queue.hpp"
#include "actors/pool/jobs.hpp"
#include "actors/pool/pool_admission.hpp"
#include "codec/opus_options.hpp"
#include "config/preset.hpp"

namespace auralis::actors {

/// One DSP worker: runs a job on its own thread (spawned detached, so a long render never
/// holds a scheduler thread that tier, planner or HTTP actors need); release gives back the
/// memory its runner keeps between jobs.
using worker_actor = caf::typed_actor<caf::replies_to<run_atom, job_spec>::with<job_output>,
                                      caf::reacts_to<release_atom>>;

/// Workers of another process joining the pool (the cluster's door sends it): each handle
/// runs jobs as a local worker does (run, release).
struct remote_workers {
  std::string host;                  ///< the worker process's host, as it named itself
  std::vector<worker_actor> workers; ///< one per thread it runs jobs on
};

/// CAF serialisation of remote_workers.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, remote_workers& x) {
  return f(caf::meta::type_name("remote_workers"), x.host, x.workers);
}

/// The pool's counters.
struct pool_report {
  std::uint64_t workers = 0;     ///< worker actors
  std::uint64_t busy = 0;        ///< running a job now
  std::vector<std::uint64_t> queued; ///< waiting, by priority (immediate, l1, l2, l3,
                                     ///< background)
  std::uint64_t submitted = 0;   ///< submissions received
  std::uint64_t joined = 0;      ///< of which joined an identical queued or running job
  std::uint64_t completed = 0;   ///< jobs finished
  std::uint64_t failed = 0;      ///< jobs that ended in an error
  std::uint64_t cancelled = 0;   ///< queued jobs dropped by cancel or prune, and split
                                 ///< decodes given up when their last waiter timed out
  std::uint64_t timed_out = 0;   ///< waiters answered with a timeout
  std::uint64_t respawned = 0;   ///< workers replaced after dying
  double cpu_ms = 0;             ///< CPU time of all finished jobs (and parts)
  std::uint64_t split = 0;       ///< decode jobs run as parallel parts
  std::uint64_t parts = 0;       ///< parts (runs of segments) started
  std::uint64_t refused = 0;     ///< immediate submissions refused at once (overloaded)
  std::uint64_t shed = 0;        ///< queued speculative jobs dropped for room (overloaded)
  std::uint64_t queued_bytes = 0;  ///< memory the queued jobs' inputs occupy
  std::uint64_t running_bytes = 0; ///< memory the running jobs' inputs (and the joined PCM
                                   ///< of split decodes) occupy
  std::uint64_t max_queued = 0;    ///< cap on queued speculative jobs
  std::uint64_t max_queued_bytes = 0; ///< cap on their inputs' bytes
  double job_ms = 0;               ///< the admission's estimate of one job's time
  std::uint64_t released = 0;      ///< idle periods at whose end the workers gave their
                                   ///< buffers back (settings.idle_release)
  std::uint64_t renders = 0;       ///< render jobs finished
  std::uint64_t reused_inputs = 0; ///< of which reused their worker's source span (no
                                   ///< decode, no resampling: job_output::input_reused)
  std::uint64_t pruned = 0;        ///< of `cancelled`: queued renders the planner no longer wanted
  /// Wall time of finished jobs on a worker (a split decode: each part), by job_kind.
  std::vector<duration_histogram> job_time_by_kind;
  std::vector<std::uint64_t> worker_jobs;     ///< jobs (and parts) finished, per worker slot
  std::vector<std::uint8_t> worker_listener_only; ///< per worker slot: 1 = runs listeners' work only
  std::vector<std::string> worker_hosts; ///< per worker slot: "" local, else the remote host
  std::vector<std::uint8_t> worker_gone; ///< per worker slot: 1 = a remote worker that left
  /// Per worker slot, a remote worker's mean round trip per job, ms: the job's wall time
  /// from the pool's view less the CPU time the worker spent on it (the network, the
  /// serialisation, a file fetch); 0 for a local worker or before its first job.
  std::vector<double> worker_round_trip_ms;
  std::uint64_t requeued = 0; ///< jobs of remote workers that left or stopped answering, run again
};

/// CAF serialisation of pool_report.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, pool_report& x) {
  return f(caf::meta::type_name("pool_report"), x.workers, x.busy, x.queued, x.submitted,
           x.joined, x.completed, x.failed, x.cancelled, x.timed_out, x.respawned, x.cpu_ms,
           x.split, x.parts, x.refused, x.shed, x.queued_bytes, x.running_bytes, x.max_queued,
           x.max_queued_bytes, x.job_ms, x.released, x.renders, x.reused_inputs, x.pruned,
           x.job_time_by_kind, x.worker_jobs, x.worker_listener_only, x.worker_hosts,
           x.worker_gone, x.requeued, x.worker_round_trip_ms);
}

/// The DSP worker pool: a typed dispatcher in front of N worker actors.
/// - submit, job: runs the job and answers its output (or an engine error). The most
///   urgent queued job starts whenever a worker is idle; a job identical to one queued or
///   running is joined, not run again, and raises the queued one's priority. Each waiter
///   gets engine_errc::timed_out when its priority's timeout passes first; a queued job
///   nobody waits for any more is dropped. A worker that dies fails its job
///   (worker_failed) and is replaced.
///   A decode job of an L3 entry of several segments (opus_segmented_format), once it is
///   the most urgent queued job and the pool has more than one worker, runs as parts at the
///   job's priority: one part per segment (job_spec::segment, segment_count 1); an entry of
///   more than max_decode_parts segments is cut into max_decode_parts runs of consecutive
///   segments, as even in frames as the segments allow. Every idle worker takes the next
///   part, one after another, and a worker that frees joins in, so no part waits behind a
///   long job while another worker is idle; parts go before queued jobs of the same or a
///   lower priority, and the parts' PCM is
///   joined into one payload, answered once when the last part is done (cpu_ms: the sum
///   of the parts). The first part to fail fails the job with its error, once; the other
///   parts' results are then dropped. While its parts run the job counts as running (it is
///   joined, never cancelled or pruned); when its last waiter times out, its parts not yet
///   started are dropped.
///   A worker that last rendered chunk c of track t still holds that chunk's source span
///   (job_runner), so it takes a queued render of (t, c) in another preset or intensity
///   before the other queued jobs: of priority immediate when that is the most urgent
///   queued, else of any priority l1..l3. Such a render costs the chain alone (a few ms)
///   instead of a decode and a resampling, so the five presets of a chunk cost about one.
///   Speculative jobs (priority l1, l2, l3) start only while settings.reserved_workers
///   other general workers stay idle (see pool_settings): only a listener's work may take
///   every worker.
///   Background jobs (job_priority::background) start only when no job of any other
///   priority is queued, and only on a worker that leaves another general worker idle (a
///   pool of one general worker, or one with listener workers, runs them on any idle
///   worker): a listener's job that arrives meanwhile finds a free worker. Their CPU time
///   is not counted in the admission's estimate, and a worker running one counts as idle
///   for the admission, so they never make the pool refuse a listener's job.
///   Overload: speculative jobs (priority l1, l2, l3, background) wait in a bounded queue: at most
///   settings.max_queued_speculative of them, whose inputs occupy at most
///   settings.max_queued_bytes; a submission over either cap sheds the least urgent
///   queued speculative job (possibly itself), whose waiters get engine_errc::overloaded.
///   An immediate job that the pool could not finish within settings.admission_ms (see
///   pool_admission: measured CPU time per job, immediate jobs queued, idle workers) is
///   refused at once with an overloaded error carrying the seconds to wait before retrying
///   (engine_retry_after_of); joining a job already running or queued as immediate is
///   always admitted.
/// - cancel, track id: drops every queued job (any kind, any priority) of that track; its
///   waiters get engine_errc::cancelled. Running jobs finish and their results are still
///   delivered. Answers how many queued jobs were dropped.
/// - prune, wanted keys: the planner's current wanted set. Drops every queued render job
///   of priority l1, l2 or l3 whose key is not in the list (waiters get cancelled).
///   Immediate jobs, running jobs and other kinds are never pruned. Answers how many
///   queued jobs were dropped.
/// - stats: counters.
/// - expire, waiter id: the pool's own deadline timer.
/// - release, idle period: the pool's own idle timer. Once the pool has had no work
///   (nothing queued, no worker busy) for settings.idle_release after a job, it sends
///   each worker release (job_runner::release_buffers, then malloc_trim(0)): one release
///   per idle period, none before the first job and none while idle after it. The next
///   job on a worker then allocates its buffers anew (same output, a few ms more).
/// - join, remote workers: workers of another process (the cluster) become slots of the
///   pool, taking jobs as local workers do, by the same priorities, joining and timeouts
///   (never the parts of a split decode: those are short, and a round trip each would
///   cost more than it saves). A remote worker that leaves (its process ends or the
///   connection drops: the pool monitors each) or does not answer a job within half its
///   priority's timeout is given up: its slot is never used again and its job is queued
///   again at its priority, so its waiters never see that worker's end (a late answer of
///   the worker is still taken if the job has not finished meanwhile).
/// - lost, slot, job id: the pool's own deadline of a remote job.
using worker_pool_actor =
  caf::typed_actor<caf::replies_to<submit_atom, job_spec>::with<job_output>,
                   caf::replies_to<cancel_atom, std::int64_t>::with<std::uint64_t>,
                   caf::replies_to<prune_atom, std::vector<cache_key>>::with<std::uint64_t>,
                   caf::replies_to<stats_atom>::with<pool_report>,
                   caf::reacts_to<expire_atom, std::uint64_t>,
                   caf::reacts_to<release_atom, std::uint64_t>,
                   caf::reacts_to<join_atom, remote_workers>,
                   caf::reacts_to<lost_atom, std::uint64_t, std::uint64_t>>;

/// How the pool is set up.
struct pool_settings {
  std::size_t workers = 2;   ///< >= 1 (0 with accept_remote); run any job, most urgent first
  /// Remote workers may join (the cluster listens): `workers` may then be 0, and jobs wait
  /// in the queue (within their timeouts) until a worker joins.
  bool accept_remote = false;
  /// Extra workers that run only a listener's (immediate) work, so that it never waits
  /// behind a render for the cache; 0 = none.
  std::size_t listener_workers = 0;
  /// General workers kept for listeners: a job of priority l1, l2 or l3 starts only while at
  /// least this many other general workers stay idle, so that a listener's job (a miss, a
  /// decode of an L3 hit) finds a free worker instead of waiting for a render for the
  /// cache to end. Ignored when it would leave no general worker for that work (workers <=
  /// reserved) and when the pool has listener workers (they serve listeners). 0 = none.
  std::size_t reserved_workers = 1;
  /// Niceness (0..19) of the `workers` threads: with listener workers, speculative work
  /// then yields the cores to a listener's job while both run. 0 = unchanged.
  int background_nice = 0;
  codec::opus_options opus;  ///< for encode jobs
  config::preset_set presets; ///< for render and analyse jobs (empty: render fails unknown_preset)
  std::int64_t chunk_frames = 15 * 48000; ///< chunk length of render and analyse jobs, > 0
  /// Timeout per priority (immediate, l1, l2, l3, background). A background job may wait
  /// long for a free worker: its submitter retries it after a timeout.
  std::chrono::milliseconds timeouts[5] = {std::chrono::seconds(20), std::chrono::seconds(30),
                                           std::chrono::seconds(60), std::chrono::seconds(90),
                                           std::chrono::seconds(600)};
  /// Queued speculative jobs at most (workers.max_queued_jobs), >= 1.
  std::size_t max_queued_speculative = 64;
  /// Bytes the queued speculative jobs' inputs may occupy (workers.max_queued_mb).
  std::uint64_t max_queued_bytes = 24'000'000;
  /// An immediate job estimated to finish later than this is refused; 0 = never refused.
  /// The engine uses server.request_timeout_ms.
  std::chrono::milliseconds admission_ms{0};
  /// The time per job assumed until one is measured, milliseconds (> 0).
  double assumed_job_ms = 100;
  /// How long the pool stays idle (nothing queued, no worker busy) before its workers give
  /// back the buffers they keep between jobs (the open source's decode buffers, the last
  /// chain's work buffers, the render input: tens of MB per worker); 0 (or less) = never.
  std::chrono::milliseconds idle_release{2000};
  /// Measures the workers ("worker-<slot>"; a replaced worker counts a restart); null = none.
  std::shared_ptr<probe_registry> probes;
};

/// Parts a split decode runs as at most (see worker_pool_actor).
inline constexpr std::uint32_t max_decode_parts = 16;

/// State of the pool.
struct pool_state {
  /// Someone waiting for a job.
  struct waiter {
    std::uint64_t id;
    caf::typed_response_promise<job_output> promise;
  };
  /// A decode job running as parallel parts, each a run of consecutive segments of its L3
  /// entry.
  struct split_job {
    job_spec spec;                             ///< the job (its input, its priority)
    std::vector<std::uint32_t> first_segments; ///< per part, its first segment
    std::vector<std::uint32_t> segment_counts; ///< per part, its segments
    std::vector<std::uint32_t> first_frames;   ///< per part, its first frame in the chunk
    std::vector<std::uint32_t> frame_counts;   ///< per part, its frames
    std::uint32_t next = 0;                    ///< the next part to start
    std::uint32_t running = 0;               ///< parts on workers now
    std::uint32_t done = 0;                  ///< parts finished and copied
    std::shared_ptr<codec::byte_buffer> pcm; ///< the joined PCM (from the first part
                                             ///< back on), filled part by part
    double cpu_ms = 0;                       ///< CPU time of the finished parts
  };
  /// A job queued or running.
  struct pending_job {
    job_identity identity;   ///< the spec itself waits in `queue`, then goes to a worker
    std::vector<waiter> waiters;
    bool running = false;
    std::unique_ptr<split_job> split; ///< set while the job runs as parts
    std::uint64_t input_bytes = 0;    ///< memory its input occupies (payload_bytes)
    bool background = false;          ///< started at job_priority::background
  };
  /// One worker and what it runs.
  struct worker_slot {
    worker_actor handle;
    std::uint64_t job = 0;   ///< 0 = idle
    bool listener_only = false; ///< runs immediate work alone (settings.listener_workers)
    /// The chunk whose source span the worker's runner holds (its last render), as
    /// (track id, chunk index); track id -1 = none (fresh, released or replaced worker).
    std::pair<std::int64_t, std::int64_t> span{-1, -1};
    std::chrono::steady_clock::time_point started{}; ///< when its job (or part) started
    std::uint64_t done = 0;                          ///< jobs and parts finished
    std::string host;      ///< "" = a local worker; else the remote worker's host
    bool gone = false;     ///< a remote worker given up: never used again
    std::optional<job_spec> running; ///< a remote worker's job, kept to queue it again
    std::shared_ptr<actor_probe> probe; ///< a remote worker's jobs, measured by the pool
    double round_trip_ms = 0;     ///< sum over its answered jobs of wall less CPU time
    std::uint64_t round_trips = 0; ///< jobs in that sum
  };

  pool_settings settings;
  job_queue queue;
  std::map<std::uint64_t, pending_job> jobs;            ///< by job id
  std::map<job_identity, std::uint64_t> running_by_identity;
  std::map<std::uint64_t, std::uint64_t> waiter_job;    ///< waiter id -> job id
  std::vector<worker_slot> workers;
  std::vector<std::uint64_t> splitting; ///< split jobs with parts not yet started, oldest first
  std::uint64_t next_job = 1;
  std::uint64_t next_waiter = 1;
  std::uint64_t idle_period = 0; ///< bumped by every submission: a new idle period starts
                                 ///< when the work it brought is done
  bool idle_armed = true;        ///< release timer sent for idle_period (true before the
                                 ///< first job: fresh workers hold nothing)
  pool_report counters;
  pool_admission admission{100, 0}; ///< from settings (assumed_job_ms, admission_ms)
  static inline const char* name = "worker-pool";

  /// Stops the workers.
  ~pool_state();
};

/// Allocations of at least this many bytes are mapped individually (see
/// worker_pool_actor_impl).
inline constexpr int large_buffer_bytes = 256 * 1024;

/// Behaviour of the pool; spawns its workers detached. The first pool of a process sets
/// glibc's mmap threshold to large_buffer_bytes (mallopt M_MMAP_THRESHOLD, process-wide):
/// the audio buffers the workers produce and the tiers free are then mapped one by one and
/// returned to the system when freed, instead of accumulating in per-thread malloc arenas.
worker_pool_actor::behavior_type
worker_pool_actor_impl(worker_pool_actor::stateful_pointer<pool_state> self,
                       pool_settings settings);

/// Behaviour of one worker over a job_runner configured with `opus`, `presets` and
/// `chunk_frames` (see job_runner). A job that fails answers an engine error (job_error
/// codes as they are, codec errors mapped: unreadable_file, corrupt_entry,
/// invalid_argument); the worker keeps running. release calls the runner's
/// release_buffers() and then malloc_trim(0) (glibc: free heap memory of every arena goes
/// back to the system); the next job allocates its buffers anew. `nice` > 0 lowers its
/// thread's CPU priority to that niceness before its first job (the worker is spawned
/// detached, so the thread is its own).
worker_actor::behavior_type worker_actor_impl(worker_actor::pointer self,
                                              codec::opus_options opus,
                                              config::preset_set presets,
                                              std::int64_t chunk_frames, int nice);

} // namespace auralis::actors
