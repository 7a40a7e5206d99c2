#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

namespace auralis::actors {

/// Whether the pool can finish one more immediate job (a listener waits for it) in time,
/// judged from the measured CPU time per job; no actor inside. Not thread-safe.
/// The time per job is a moving average (weight 1/5 for each new sample) of the CPU time
/// the finished jobs took, `assumed_job_ms` until the first is measured.
class pool_admission {
public:
  /// `limit_ms` <= 0 admits everything.
  pool_admission(double assumed_job_ms, double limit_ms)
    : job_ms_(assumed_job_ms > 0 ? assumed_job_ms : 1), limit_ms_(limit_ms) {}

  /// A job finished after `cpu_ms` of CPU time (negative or non-finite values are ignored).
  void record(double cpu_ms) noexcept;

  /// The current estimate of one job's time, milliseconds (> 0).
  double job_ms() const noexcept { return job_ms_; }

  /// When a job submitted now would finish, milliseconds from now, with `ahead` immediate
  /// jobs queued before it, `idle` of `workers` workers idle: job_ms() when it starts at
  /// once (ahead < idle); else one job time for a busy worker to free up plus a job time
  /// for each round of `workers` jobs ahead of it and itself:
  /// job_ms * (1 + ceil((ahead - idle + 1) / workers)). workers 0 counts as 1.
  double estimate_ms(std::size_t ahead, std::size_t idle, std::size_t workers) const noexcept;

  /// nullopt when the job starts at once (ahead < idle) or would finish within the limit;
  /// else the seconds after which to try again (the estimate rounded up, 1..60).
  std::optional<std::uint32_t> refuse(std::size_t ahead, std::size_t idle,
                                      std::size_t workers) const noexcept;

private:
  double job_ms_;
  double limit_ms_;
};

} // namespace auralis::actors
