#include "http/api_json.hpp"

namespace auralis::http {

namespace {

using config::json_writer;

double ratio(std::uint64_t a, std::uint64_t b) {
  return b == 0 ? 0.0 : static_cast<double>(a) / static_cast<double>(b);
}

double mb(std::uint64_t bytes) { return static_cast<double>(bytes) / 1e6; }

void write_tier(json_writer& w, const actors::tier_report& t, std::uint64_t fetches) {
  w.begin_object()
    .field("size_mb", mb(t.bytes))
    .field("hit_rate", ratio(t.hits, fetches))
    .field("hits", t.hits)
    .field("misses", t.misses)
    .field("count", t.count)
    .field("utilization", ratio(t.bytes, t.budget))
    .field("budget_mb", mb(t.budget))
    .field("evictions", t.evictions)
    .field("refused", t.refused)
    .field("demoted", t.demoted)
    .end_object();
}

void write_entries(json_writer& w, const std::vector<actors::entry_record>& entries) {
  w.begin_array();
  for (const auto& e : entries)
    w.begin_object()
      .field("track_id", e.key.track_id)
      .field("preset", e.key.preset)
      .field("chunk_idx", e.key.chunk_idx)
      .field("tier", actors::tier_label(e.tier))
      .field("access_count", e.access_count)
      .field("probability", e.probability)
      .field("intensity", e.key.intensity())
      .field("bytes", e.bytes)
      .field("age_ms", e.age_ms)
      .end_object();
  w.end_array();
}

} // namespace

cache_figures figures_of(const tier_reports& r, std::uint64_t budget_bytes, double accuracy) {
  cache_figures f;
  f.client_fetches = r.client_fetches();
  f.l1_hits = r.l1.hits;
  f.total_hits = r.total_hits();
  f.bytes_held = r.bytes();
  f.budget_bytes = budget_bytes;
  f.prediction_accuracy = accuracy;
  return f;
}

void write_track(json_writer& w, const actors::track_info& t) {
  w.begin_object()
    .field("id", t.id)
    .field("path", t.path)
    .field("title", t.title)
    .field("format", t.format)
    .key("duration_s").value(t.duration_s, 9)
    .field("chunks", t.chunks)
    .field("sample_rate", t.sample_rate)
    .field("channels", t.channels)
    .end_object();
}

std::string tracks_json(const std::vector<actors::track_info>& tracks) {
  json_writer w;
  w.begin_object().key("tracks").begin_array();
  for (const auto& t : tracks)
    write_track(w, t);
  w.end_array().field("count", static_cast<std::uint64_t>(tracks.size())).end_object();
  return w.take();
}

std::string track_result_json(const actors::track_info& t) {
  json_writer w;
  w.begin_object().field("status", "success").key("track");
  write_track(w, t);
  return w.end_object().take();
}

namespace {

void write_engine(json_writer& w, const engine_figures& e) {
  w.key("engine").begin_object();
  if (e.memory)
    w.field("rss_mb", mb(e.memory->resident_bytes))
      .field("rss_shared_mb", mb(e.memory->shared_bytes));
  if (e.pool) {
    const auto& p = *e.pool;
    w.field("job_input_mb", mb(p.queued_bytes + p.running_bytes))
      .field("queued_job_bytes", p.queued_bytes)
      .field("running_job_bytes", p.running_bytes);
    auto queued = [&p](std::size_t i) {
      return i < p.queued.size() ? p.queued[i] : std::uint64_t{0};
    };
    w.key("pool")
      .begin_object()
      .field("workers", p.workers)
      .field("busy", p.busy)
      .key("queued")
      .begin_object()
      .field("immediate", queued(0))
      .field("l1", queued(1))
      .field("l2", queued(2))
      .field("l3", queued(3))
      .field("background", queued(4))
      .end_object()
      .field("max_queued", p.max_queued)
      .field("max_queued_mb", mb(p.max_queued_bytes))
      .field("shed", p.shed)
      .field("overload_refusals", p.refused)
      .field("job_ms", p.job_ms)
      .field("renders", p.renders)
      .field("reused_inputs", p.reused_inputs)
      .end_object();
  }
  if (e.demotion) {
    const auto& d = *e.demotion;
    w.key("demotion")
      .begin_object()
      .field("waiting", d.waiting)
      .field("in_flight", d.in_flight)
      .field("backlog_bytes", d.backlog_bytes)
      .field("backlog_mb", mb(d.backlog_bytes))
      .field("budget_mb", mb(d.budget_bytes))
      .field("dropped", d.dropped)
      .field("received", d.received)
      .field("stored", d.stored)
      .field("refreshed", d.refreshed)
      .field("failed", d.failed)
      .field("invalidated", d.invalidated)
      .end_object();
  }
  if (e.governor) {
    const auto& g = *e.governor;
    w.key("memory")
      .begin_object()
      .field("limit_mb", mb(g.limit_bytes))
      .field("outside_tiers_mb", mb(g.outside_bytes))
      .field("l1_budget_mb", mb(g.l1_budget))
      .field("l2_budget_mb", mb(g.l2_budget))
      .field("l3_budget_mb", mb(g.l3_budget))
      .field("cuts", g.cuts)
      .end_object();
  }
  w.field("http_timeouts", e.http_timeouts)
    .field("sending_mb", mb(e.sending_bytes))
    .field("sending", e.sending)
    .end_object();
}

std::string stats_json_of(const tier_reports& r, const actors::predictor_stats& p,
                          std::uint64_t budget_bytes, const engine_figures* e) {
  const auto fetches = r.client_fetches();
  const auto hits = r.total_hits();
  json_writer w;
  w.begin_object().key("l1");
  write_tier(w, r.l1, fetches);
  w.key("l2");
  write_tier(w, r.l2, fetches);
  w.key("l3");
  write_tier(w, r.l3, fetches);
  w.key("overall")
    .begin_object()
    .field("total_hits", hits)
    .field("total_misses", fetches > hits ? fetches - hits : std::uint64_t{0})
    .field("overall_hit_rate", ratio(hits, fetches))
    .field("total_size_mb", mb(r.bytes()))
    .field("client_fetches", fetches)
    .field("budget_mb", mb(budget_bytes))
    .field("memory_utilization", ratio(r.bytes(), budget_bytes))
    .end_object();
  w.key("prediction")
    .begin_object()
    .field("accuracy", p.accuracy)
    .field("switches_in_session", p.switches_in_session)
    .field("session_duration_minutes", p.session_duration_minutes)
    .field("session_id", p.session_id)
    .field("session_known", p.session_known)
    .field("mode", to_string(p.mode))
    .field("top3_hit_rate", p.top3_hit_rate)
    .field("recent_accuracy", p.recent_accuracy)
    .field("recent_top3_hit_rate", p.recent_top3_hit_rate)
    .field("measured_switches", p.measured_switches)
    .field("learned_switches", p.learned_switches)
    .field("learning", p.learning)
    .field("sessions", p.sessions)
    .end_object();
  if (e)
    write_engine(w, *e);
  return w.end_object().take();
}

} // namespace

std::string stats_json(const tier_reports& r, const actors::predictor_stats& p,
                       std::uint64_t budget_bytes) {
  return stats_json_of(r, p, budget_bytes, nullptr);
}

std::string stats_json(const tier_reports& r, const actors::predictor_stats& p,
                       std::uint64_t budget_bytes, const engine_figures& e) {
  return stats_json_of(r, p, budget_bytes, &e);
}

std::string contents_json(const std::vector<actors::entry_record>& l1,
                          const std::vector<actors::entry_record>& l2,
                          const std::vector<actors::entry_record>& l3) {
  json_writer w;
  w.begin_object().key("l1_entries");
  write_entries(w, l1);
  w.key("l2_entries");
  write_entries(w, l2);
  w.key("l3_entries");
  write_entries(w, l3);
  w.field("total_entries", static_cast<std::uint64_t>(l1.size() + l2.size() + l3.size()));
  return w.end_object().take();
}

std::string predictions_json(const actors::prediction_reply& p) {
  json_writer w;
  w.begin_object()
    .field("current_preset", p.current_preset)
    .field("current_position", p.current_position_s)
    .key("predictions")
    .begin_array();
  for (const auto& pp : p.predictions)
    w.begin_object().field("preset", pp.preset).field("probability", pp.probability).end_object();
  w.end_array()
    .field("session_id", p.session_id)
    .field("track_id", p.track_id)
    .field("chunk_idx", p.chunk_idx)
    .field("intensity", p.intensity)
    .field("mode", to_string(p.mode))
    .field("content_used", p.content_used);
  return w.end_object().take();
}

std::string check_json(const check_result& c) {
  json_writer w;
  w.begin_object()
    .field("track_id", c.key.track_id)
    .field("preset", c.key.preset)
    .field("chunk_idx", c.key.chunk_idx)
    .field("intensity", c.intensity)
    .field("is_cached", c.tier.has_value())
    .key("tier");
  if (c.tier)
    w.value(actors::tier_label(*c.tier));
  else
    w.null();
  w.field("estimated_latency_ms", c.latency_ms)
    .field("latency_samples", c.latency_samples);
  return w.end_object().take();
}

std::string position_json(const actors::position_reply& r) {
  json_writer w;
  w.begin_object()
    .field("session_id", r.session_id)
    .field("chunk_idx", r.chunk_idx)
    .field("mode", to_string(r.mode))
    .field("accepted", r.accepted)
    .field("outcome", to_string(r.outcome))
    .field("new_session", r.new_session);
  return w.end_object().take();
}

std::string model_json(const actors::model_snapshot& m) {
  json_writer w;
  w.begin_object()
    .field("learning", m.learning)
    .field("learned_switches", m.learned_switches)
    .field("sessions", m.sessions)
    .key("transitions")
    .begin_array();
  for (const auto& t : m.transitions)
    w.begin_object().field("from", t.from).field("to", t.to).field("count", t.count).end_object();
  const auto& a = m.accuracy;
  w.end_array()
    .key("accuracy")
    .begin_object()
    .field("switches", a.switches)
    .field("top1_hits", a.top1_hits)
    .field("top3_hits", a.top3_hits)
    .field("top1", a.top1)
    .field("top3", a.top3)
    .field("recent_switches", a.recent_switches)
    .field("recent_top1", a.recent_top1)
    .field("recent_top3", a.recent_top3)
    .end_object();
  return w.end_object().take();
}

std::string success_json(const std::string& message) {
  json_writer w;
  w.begin_object().field("status", "success").field("message", message);
  return w.end_object().take();
}

std::string cleared_json(const std::string& message, std::uint64_t removed) {
  json_writer w;
  w.begin_object().field("status", "success").field("message", message);
  return w.field("removed_entries", removed).end_object().take();
}

std::string track_removed_json(const actors::track_info& t, std::uint64_t removed) {
  json_writer w;
  w.begin_object().field("status", "success").key("track");
  write_track(w, t);
  return w.field("removed_entries", removed).end_object().take();
}

std::string learning_json(bool on) {
  json_writer w;
  return w.begin_object().field("status", "success").field("learning", on).end_object().take();
}

std::string presets_json(const std::vector<std::string>& presets, double chunk_seconds) {
  json_writer w;
  w.begin_object().key("presets").begin_array();
  for (const auto& p : presets)
    w.value(p);
  w.end_array().field("default_preset", presets.empty() ? std::string() : presets.front());
  return w.field("chunk_seconds", chunk_seconds).end_object().take();
}

std::string forgotten_json(std::uint64_t forgotten) {
  json_writer w;
  w.begin_object().field("status", "success").field("message", "Learned model forgotten");
  return w.field("forgotten_transitions", forgotten).end_object().take();
}

} // namespace auralis::http
