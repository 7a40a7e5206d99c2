#pragma once

// Message atoms of the engine's typed interfaces (CAF 0.17: at most 10 characters).
// CAF's own get_atom, put_atom, delete_atom, ok_atom and tick_atom are used as they are.

#include <caf/atom.hpp>

namespace auralis::actors {

/// List everything (tracks, entries).
using list_atom = caf::atom_constant<caf::atom("list")>;
/// Rescan a source (the library folder).
using scan_atom = caf::atom_constant<caf::atom("scan")>;
/// Report figures (health, stats).
using stats_atom = caf::atom_constant<caf::atom("stats")>;
/// Look at an entry without touching it or any counter.
using peek_atom = caf::atom_constant<caf::atom("peek")>;
/// Remove every entry.
using clear_atom = caf::atom_constant<caf::atom("clear")>;
/// Remove every entry of one track.
using invalidate_atom = caf::atom_constant<caf::atom("invalidate")>;
/// Change held entries' probabilities.
using update_atom = caf::atom_constant<caf::atom("update")>;
/// Run a job (pool -> worker) or submit one (anyone -> pool).
using run_atom = caf::atom_constant<caf::atom("run")>;
/// Submit a job to the worker pool.
using submit_atom = caf::atom_constant<caf::atom("submit")>;
/// A waiter's deadline passed (the pool's own timer).
using expire_atom = caf::atom_constant<caf::atom("expire")>;
/// Give back memory kept between jobs (the pool's idle timer; pool -> worker).
using release_atom = caf::atom_constant<caf::atom("release")>;
/// Hand an evicted entry on to be compressed into L3.
using demote_atom = caf::atom_constant<caf::atom("demote")>;
/// A player's position update (predictor).
using position_atom = caf::atom_constant<caf::atom("position")>;
/// A session's predicted next presets (predictor).
using predict_atom = caf::atom_constant<caf::atom("predict")>;
/// A session's branch scenarios (predictor).
using branches_atom = caf::atom_constant<caf::atom("branches")>;
/// The learned model's snapshot (predictor).
using model_atom = caf::atom_constant<caf::atom("model")>;
/// Turn learning on or off (predictor).
using learning_atom = caf::atom_constant<caf::atom("learning")>;
/// Forget what was learned (predictor).
using forget_atom = caf::atom_constant<caf::atom("forget")>;
/// Subscribe to notifications (predictor: session mode changes).
using subscribe_atom = caf::atom_constant<caf::atom("subscribe")>;
/// A session's mode changed (predictor -> subscribers).
using mode_atom = caf::atom_constant<caf::atom("mode")>;
/// Save now (predictor: the model file).
using save_atom = caf::atom_constant<caf::atom("save")>;

/// A client fetch of a rendered chunk (planner).
using fetch_atom = caf::atom_constant<caf::atom("fetch")>;
/// Moving medians of fetch service times (planner).
using latency_atom = caf::atom_constant<caf::atom("latency")>;

/// Drop the queued jobs of one track (worker pool).
using cancel_atom = caf::atom_constant<caf::atom("cancel")>;
/// Drop queued planned jobs no longer wanted (worker pool).
using prune_atom = caf::atom_constant<caf::atom("prune")>;
/// A track's loudness and content analysis (library).
using analysis_atom = caf::atom_constant<caf::atom("analysis")>;

/// A new byte budget (tiers: evict down to it; planner: plan within the tiers' budgets).
using budget_atom = caf::atom_constant<caf::atom("budget")>;
/// The memory governor's own timer.
using tick_atom = caf::atom_constant<caf::atom("tick")>;

/// Remote workers join the pool (cluster); a remote job outlived its deadline.
using join_atom = caf::atom_constant<caf::atom("join")>;
using lost_atom = caf::atom_constant<caf::atom("lost")>;

} // namespace auralis::actors
