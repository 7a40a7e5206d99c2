#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <tuple>
#include <vector>

#include "actors/pool/jobs.hpp"

namespace auralis::actors {

/// A queued job with its id.
struct queued_job {
  std::uint64_t id = 0;
  job_spec spec;
};

/// The pool's waiting room without an actor: ordered by priority (immediate first,
/// background last: a background job never pops before a job of any other priority), then
/// probability (higher first), then arrival; a job identical (same kind and key) to a
/// queued one joins it instead of queueing twice. Not thread-safe.
class job_queue {
public:
  /// The outcome of push().
  struct push_result {
    std::uint64_t id;  ///< the queued job's id (the existing one when joined)
    bool joined;       ///< true if an identical job was already queued
  };

  /// Queues `spec` under `id`, or joins an identical queued job and raises it to the more
  /// urgent priority and the higher probability of the two (and a render to with_stream
  /// when either asks for the stream).
  push_result push(std::uint64_t id, job_spec spec);

  /// Removes and returns the most urgent job; nullopt when empty.
  std::optional<queued_job> pop();

  /// Removes and returns the first job in pop order, among those of priority `lowest` or
  /// more urgent, for which `wanted` is true; nullopt (nothing removed) when none is.
  std::optional<queued_job> pop_first(const std::function<bool(const job_identity&)>& wanted,
                                      job_priority lowest);

  /// pop_first(prefer, lowest), or pop() when that finds none (so it never returns nullopt
  /// on a non-empty queue). For the pool: a worker takes a job its kept
  /// state makes cheaper (job_runner's render span) before other jobs of those priorities.
  std::optional<queued_job> pop_preferring(const std::function<bool(const job_identity&)>& prefer,
                                           job_priority lowest);

  /// The priority of the job pop() would return; nullopt when empty.
  std::optional<job_priority> top_priority() const;

  /// The queued job with `identity`'s id, or nullopt.
  std::optional<std::uint64_t> find(const job_identity& identity) const;

  /// The priority of the queued job with `identity`, or nullopt.
  std::optional<job_priority> priority_of(const job_identity& identity) const;

  /// Removes the queued job with `identity`; false if none is queued.
  bool remove(const job_identity& identity);

  /// Removes every queued job for which `stale` is true; returns their ids.
  std::vector<std::uint64_t> drop_if(const std::function<bool(const job_spec&)>& stale);

  /// Jobs queued.
  std::size_t size() const noexcept { return by_order_.size(); }
  bool empty() const noexcept { return by_order_.empty(); }

  /// Queued jobs per priority (index = job_priority value).
  std::vector<std::size_t> counts_by_priority() const;

  /// Queued jobs of priority immediate.
  std::size_t immediate() const noexcept { return by_order_.size() - speculative_; }
  /// Queued jobs of priority l1, l2, l3 or background (speculative: no listener waits
  /// for them).
  std::size_t speculative() const noexcept { return speculative_; }
  /// Bytes of memory the queued jobs' inputs occupy (payload_bytes of each; an input
  /// shared with a tier counts here too).
  std::uint64_t input_bytes() const noexcept { return input_bytes_; }
  /// Of input_bytes(), the speculative jobs' inputs.
  std::uint64_t speculative_bytes() const noexcept { return speculative_bytes_; }

  /// Removes the least urgent queued speculative job (the one pop() would return last)
  /// and returns its id; nullopt (nothing removed) when no speculative job is queued.
  /// Immediate jobs are never shed.
  std::optional<std::uint64_t> shed_least_urgent();

private:
  /// (priority, -probability, sequence): the pop order.
  using order_key = std::tuple<std::uint8_t, double, std::uint64_t>;

  static order_key order_of(const job_spec& s, std::uint64_t seq) {
    return {static_cast<std::uint8_t>(s.priority), -s.probability, seq};
  }

  struct entry {
    std::uint64_t id;
    job_spec spec;
    order_key order;
  };

  /// Removes and returns the job at `at` (in by_order_).
  queued_job take(std::map<order_key, job_identity>::iterator at);

  /// Counts `e` in (sign +1) or out of (-1) the totals.
  void account(const entry& e, int sign) noexcept;

  std::map<order_key, job_identity> by_order_;
  std::map<job_identity, entry> by_identity_;
  std::uint64_t seq_ = 0;
  std::size_t speculative_ = 0;
  std::uint64_t input_bytes_ = 0;
  std::uint64_t speculative_bytes_ = 0;
};

} // namespace auralis::actors
