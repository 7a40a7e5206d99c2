#include "http/introspection.hpp"

#include <array>
#include <cstdlib>

#include "actors/pool/jobs.hpp"
#include "config/json_writer.hpp"
#include "http/prometheus_writer.hpp"

namespace auralis::http {

namespace {

using config::json_writer;
using actors::duration_histogram;

constexpr std::array<const char*, 5> priority_names = {"immediate", "l1", "l2", "l3",
                                                       "background"};

void write_histogram(json_writer& w, std::string_view key, const duration_histogram& h) {
  w.key(key).begin_object();
  w.field("count", h.count());
  w.key("sum").value(h.sum_ms());
  w.key("p50").value(h.quantile_ms(0.5));
  w.key("p90").value(h.quantile_ms(0.9));
  w.key("p99").value(h.quantile_ms(0.99));
  w.key("max").value(h.max_ms());
  w.end_object();
}

std::uint64_t queued_at(const actors::pool_report& p, std::size_t i) {
  return i < p.queued.size() ? p.queued[i] : 0;
}

/// The name of worker slot `i` of `p`: "worker-<slot>", or "remote-<slot>@<host>".
std::string worker_name(const actors::pool_report& p, std::size_t i) {
  if (i < p.worker_hosts.size() && !p.worker_hosts[i].empty())
    return "remote-" + std::to_string(i) + "@" + p.worker_hosts[i];
  return "worker-" + std::to_string(i);
}

/// The worker probes' busy shares, by slot (probes named as worker_name does, the live
/// ones); -1 where unmeasured.
std::vector<double> worker_busy(const introspection_report& r, const actors::pool_report& p) {
  std::vector<double> busy(p.worker_jobs.size(), -1.0);
  for (std::size_t i = 0; i < busy.size(); ++i) {
    const auto name = worker_name(p, i);
    for (const auto& a : r.actors)
      if (a.alive && a.name == name)
        busy[i] = a.busy_share;
  }
  return busy;
}

void write_tier(json_writer& w, const char* key, const actors::tier_report& t,
                std::uint64_t promotions) {
  w.key(key).begin_object();
  w.field("bytes", t.bytes);
  w.field("budget_bytes", t.budget);
  w.field("entries", t.count);
  w.field("hits", t.hits);
  w.field("misses", t.misses);
  w.field("evictions", t.evictions);
  w.field("refused", t.refused);
  w.field("demotions", t.demoted);
  w.field("promotions", promotions);
  w.end_object();
}

/// Entries copied from L3 into L1 (decoded): by the planner ahead of a fetch, and for
/// every client fetch L3 served.
std::uint64_t l3_promotions(const introspection_report& r) {
  return r.planner.promotions + r.tiers.l3.hits;
}

} // namespace

std::string actors_json(const introspection_report& r) {
  json_writer w;
  w.begin_object();
  w.key("uptime_s").value(r.uptime_s);
  w.key("process").begin_object();
  w.field("rss_bytes", r.engine.memory ? r.engine.memory->resident_bytes : std::uint64_t{0});
  w.key("cpu_seconds").value(r.cpu_seconds);
  w.key("cpu_share").value(r.cpu_share);
  w.field("threads", r.threads);
  w.end_object();

  const auto sys = actors::probe_registry::totals(r.actors);
  w.key("system").begin_object();
  w.field("actors_measured", r.actors_measured);
  w.field("running_actors", sys.running_actors);
  w.field("queued_messages", sys.queued_messages);
  w.field("dropped_messages", sys.dropped_messages);
  w.end_object();

  w.key("actors").begin_array();
  for (const auto& a : r.actors) {
    w.begin_object();
    w.field("name", a.name);
    w.field("kind", a.kind);
    w.field("id", a.id);
    w.field("alive", a.alive);
    w.field("messages", a.messages);
    w.key("by_kind").begin_object();
    for (const auto& [kind, n] : a.by_kind)
      w.field(kind, n);
    w.end_object();
    w.field("mailbox", a.mailbox);
    w.field("mailbox_max", a.mailbox_max);
    w.field("dropped", a.dropped);
    write_histogram(w, "mailbox_time_ms", a.mailbox_time);
    write_histogram(w, "processing_time_ms", a.processing_time);
    w.key("busy_share").value(a.busy_share, 4);
    w.field("errors", a.errors);
    w.key("last_error");
    if (a.last_error.empty()) {
      w.null();
    } else {
      w.begin_object();
      w.field("text", a.last_error);
      w.key("at").value(a.last_error_at, 13);
      w.end_object();
    }
    w.field("restarts", a.restarts);
    w.end_object();
  }
  w.end_array();

  w.key("pool").begin_object();
  if (r.engine.pool) {
    const auto& p = *r.engine.pool;
    w.key("queued").begin_object();
    for (std::size_t i = 0; i < priority_names.size(); ++i)
      w.field(priority_names[i], queued_at(p, i));
    w.end_object();
    w.field("in_flight", p.busy);
    w.field("submitted", p.submitted);
    w.field("completed", p.completed);
    w.field("failed", p.failed);
    w.field("timed_out", p.timed_out);
    w.field("cancelled", p.cancelled);
    w.field("joined", p.joined);
    w.field("pruned", p.pruned);
    w.field("refused", p.refused);
    w.field("shed", p.shed);
    w.field("respawned", p.respawned);
    w.field("requeued", p.requeued);
    const auto busy = worker_busy(r, p);
    w.key("workers").begin_array();
    for (std::size_t i = 0; i < p.worker_jobs.size(); ++i) {
      w.begin_object();
      w.field("name", worker_name(p, i));
      w.key("busy_share");
      if (busy[i] < 0)
        w.null();
      else
        w.value(busy[i], 4);
      w.field("jobs", p.worker_jobs[i]);
      w.field("listener_only",
              i < p.worker_listener_only.size() && p.worker_listener_only[i] != 0);
      const std::string host = i < p.worker_hosts.size() ? p.worker_hosts[i] : std::string();
      w.key("host");
      if (host.empty())
        w.null();
      else
        w.value(host);
      w.field("gone", i < p.worker_gone.size() && p.worker_gone[i] != 0);
      w.key("round_trip_ms");
      if (host.empty() || i >= p.worker_round_trip_ms.size())
        w.null();
      else
        w.value(p.worker_round_trip_ms[i], 4);
      w.end_object();
    }
    w.end_array();
    w.key("job_time_ms").begin_object();
    for (std::size_t k = 0; k < p.job_time_by_kind.size(); ++k)
      if (p.job_time_by_kind[k].count() > 0)
        write_histogram(w, to_string(static_cast<actors::job_kind>(k)), p.job_time_by_kind[k]);
    w.end_object();
  }
  w.end_object();

  w.key("tiers").begin_object();
  write_tier(w, "l1", r.tiers.l1, 0);
  write_tier(w, "l2", r.tiers.l2, 0);
  write_tier(w, "l3", r.tiers.l3, l3_promotions(r));
  w.end_object();

  const auto& pl = r.planner;
  w.key("planner").begin_object();
  w.field("sessions", pl.sessions);
  w.field("rounds", pl.rounds);
  w.key("wanted").begin_object();
  w.field("l1", pl.wanted_l1);
  w.field("l2", pl.wanted_l2);
  w.field("l3", pl.wanted_l3);
  w.end_object();
  w.field("in_flight", pl.in_flight);
  w.field("renders_submitted", pl.renders_submitted);
  w.field("renders_discarded", pl.renders_discarded);
  w.field("renders_failed", pl.renders_failed);
  w.field("renders_dropped", pl.renders_discarded + pl.renders_failed);
  w.field("renders_stored", pl.renders_stored);
  w.field("renders_fetched", pl.renders_fetched);
  w.field("renders_wasted", pl.renders_wasted);
  w.field("renders_invalidated", pl.renders_invalidated);
  w.field("renders_pending", pl.renders_pending);
  w.field("promotions", pl.promotions);
  w.end_object();

  const auto& pr = r.predictor;
  w.key("predictor").begin_object();
  w.key("accuracy").value(pr.accuracy);
  w.key("top3_hit_rate").value(pr.top3_hit_rate);
  w.field("measured_switches", pr.measured_switches);
  w.field("learning", pr.learning);
  w.key("sessions").begin_array();
  for (const auto& s : pr.session_list) {
    w.begin_object();
    w.field("session_id", s.session_id);
    w.field("mode", to_string(s.mode));
    w.field("switches", s.switches);
    w.field("measured", s.measured);
    w.key("accuracy");
    if (s.measured == 0)
      w.null();
    else
      w.value(static_cast<double>(s.top1_hits) / static_cast<double>(s.measured));
    w.end_object();
  }
  w.end_array();
  w.end_object();

  w.key("http").begin_object();
  w.field("requests", r.http_requests);
  w.field("timeouts", r.engine.http_timeouts);
  w.key("routes").begin_array();
  for (const auto& f : r.http) {
    w.begin_object();
    w.field("route", f.route);
    w.field("status", f.status);
    w.field("count", f.latency.count());
    write_histogram(w, "latency_ms", f.latency);
    w.end_object();
  }
  w.end_array();
  w.end_object();

  w.key("websocket").begin_object();
  w.field("clients", r.hub.clients);
  w.field("joined", r.hub.joined);
  w.field("events", r.hub.events);
  w.field("messages_sent", r.hub.sent);
  w.field("clients_dropped", r.hub.dropped_slow);
  w.field("messages_dropped", r.hub.messages_dropped);
  w.end_object();
  w.end_object();
  return w.take();
}

std::string metrics_text(const introspection_report& r) {
  prometheus_writer m;
  const auto gauge = [&m](const char* name, const char* help, double v) {
    m.family(name, "gauge", help);
    m.sample(name, {}, v);
  };
  const auto counter = [&m](const char* name, const char* help, double v) {
    m.family(name, "counter", help);
    m.sample(name, {}, v);
  };
  gauge("auralis_uptime_seconds", "Seconds since the engine started.", r.uptime_s);
  gauge("auralis_process_resident_memory_bytes", "Resident memory of the process.",
        r.engine.memory ? static_cast<double>(r.engine.memory->resident_bytes) : 0.0);
  counter("auralis_process_cpu_seconds_total", "CPU time of the process, all threads.",
          r.cpu_seconds);
  gauge("auralis_process_threads", "Threads of the process.", static_cast<double>(r.threads));

  const auto sys = actors::probe_registry::totals(r.actors);
  gauge("auralis_actors_running", "Measured actors running.",
        static_cast<double>(sys.running_actors));
  gauge("auralis_actors_queued_messages", "Messages waiting in the measured actors' mailboxes.",
        static_cast<double>(sys.queued_messages));
  counter("auralis_actors_dropped_messages_total",
          "Messages sent to measured actors after they stopped.",
          static_cast<double>(sys.dropped_messages));

  if (!r.actors.empty()) {
    m.family("auralis_actor_up", "gauge", "1 while the actor runs, 0 once it stopped.");
    for (const auto& a : r.actors)
      m.sample("auralis_actor_up", {{"actor", a.name}, {"kind", a.kind}}, a.alive ? 1 : 0);
    m.family("auralis_actor_messages_total", "counter",
             "Messages the actor handled, by message kind.");
    for (const auto& a : r.actors)
      for (const auto& [kind, n] : a.by_kind)
        m.sample("auralis_actor_messages_total", {{"actor", a.name}, {"message", kind}},
                 static_cast<double>(n));
    m.family("auralis_actor_mailbox_messages", "gauge", "Messages waiting in the mailbox.");
    for (const auto& a : r.actors)
      m.sample("auralis_actor_mailbox_messages", {{"actor", a.name}},
               static_cast<double>(a.mailbox));
    m.family("auralis_actor_mailbox_max_messages", "gauge",
             "The most messages that waited in the mailbox at once.");
    for (const auto& a : r.actors)
      m.sample("auralis_actor_mailbox_max_messages", {{"actor", a.name}},
               static_cast<double>(a.mailbox_max));
    m.family("auralis_actor_mailbox_seconds", "histogram",
             "Time a message waited in the mailbox before it was handled.");
    for (const auto& a : r.actors)
      m.histogram("auralis_actor_mailbox_seconds", {{"actor", a.name}}, a.mailbox_time);
    m.family("auralis_actor_processing_seconds", "histogram", "Time handling one message.");
    for (const auto& a : r.actors)
      m.histogram("auralis_actor_processing_seconds", {{"actor", a.name}}, a.processing_time);
    m.family("auralis_actor_busy_ratio", "gauge",
             "Share of the last 10 s the actor spent handling messages.");
    for (const auto& a : r.actors)
      m.sample("auralis_actor_busy_ratio", {{"actor", a.name}}, a.busy_share);
    m.family("auralis_actor_errors_total", "counter", "Errors the actor reported.");
    for (const auto& a : r.actors)
      m.sample("auralis_actor_errors_total", {{"actor", a.name}}, static_cast<double>(a.errors));
    m.family("auralis_actor_restarts_total", "counter",
             "Times an actor of this name was replaced after it stopped.");
    for (const auto& a : r.actors)
      m.sample("auralis_actor_restarts_total", {{"actor", a.name}},
               static_cast<double>(a.restarts));
  }

  if (r.engine.pool) {
    const auto& p = *r.engine.pool;
    m.family("auralis_pool_queued_jobs", "gauge", "Jobs waiting for a worker, by priority.");
    for (std::size_t i = 0; i < priority_names.size(); ++i)
      m.sample("auralis_pool_queued_jobs", {{"priority", priority_names[i]}},
               static_cast<double>(queued_at(p, i)));
    gauge("auralis_pool_jobs_in_flight", "Jobs running on a worker.", static_cast<double>(p.busy));
    gauge("auralis_pool_workers", "Worker actors.", static_cast<double>(p.workers));
    const std::pair<const char*, std::uint64_t> counts[] = {
      {"submitted", p.submitted}, {"joined", p.joined},   {"completed", p.completed},
      {"failed", p.failed},       {"timed_out", p.timed_out}, {"cancelled", p.cancelled},
      {"pruned", p.pruned},       {"refused", p.refused}, {"shed", p.shed},
      {"requeued", p.requeued}};
    for (const auto& [what, n] : counts) {
      const std::string name = std::string("auralis_pool_jobs_") + what + "_total";
      m.family(name, "counter", std::string("Pool jobs ") + what + ".");
      m.sample(name, {}, static_cast<double>(n));
    }
    m.family("auralis_pool_job_seconds", "histogram",
             "Wall time of a job (or a part of a split decode) on a worker, by job kind.");
    for (std::size_t k = 0; k < p.job_time_by_kind.size(); ++k)
      m.histogram("auralis_pool_job_seconds",
                  {{"kind", to_string(static_cast<actors::job_kind>(k))}},
                  p.job_time_by_kind[k]);
    m.family("auralis_pool_worker_round_trip_seconds", "gauge",
             "A remote worker's mean round trip per job: wall time less the worker's CPU time.");
    for (std::size_t i = 0; i < p.worker_round_trip_ms.size(); ++i)
      if (i < p.worker_hosts.size() && !p.worker_hosts[i].empty())
        m.sample("auralis_pool_worker_round_trip_seconds", {{"worker", worker_name(p, i)}},
                 p.worker_round_trip_ms[i] / 1000.0);
    m.family("auralis_pool_worker_jobs_total", "counter",
             "Jobs and parts each worker slot finished.");
    for (std::size_t i = 0; i < p.worker_jobs.size(); ++i) {
      const auto name = worker_name(p, i);
      m.sample("auralis_pool_worker_jobs_total", {{"worker", name}},
               static_cast<double>(p.worker_jobs[i]));
    }
  }

  const std::pair<const char*, const actors::tier_report*> tiers[] = {
    {"l1", &r.tiers.l1}, {"l2", &r.tiers.l2}, {"l3", &r.tiers.l3}};
  const auto per_tier = [&](const char* name, const char* type, const char* help, auto get) {
    m.family(name, type, help);
    for (const auto& [t, rep] : tiers)
      m.sample(name, {{"tier", t}}, static_cast<double>(get(*rep)));
  };
  using tr = actors::tier_report;
  per_tier("auralis_tier_bytes", "gauge", "Bytes the tier holds (measured).",
           [](const tr& t) { return t.bytes; });
  per_tier("auralis_tier_budget_bytes", "gauge", "The tier's budget now.",
           [](const tr& t) { return t.budget; });
  per_tier("auralis_tier_entries", "gauge", "Entries the tier holds.",
           [](const tr& t) { return t.count; });
  per_tier("auralis_tier_hits_total", "counter", "Client fetches the tier served.",
           [](const tr& t) { return t.hits; });
  per_tier("auralis_tier_misses_total", "counter", "Client fetches no tier held (counted on L1).",
           [](const tr& t) { return t.misses; });
  per_tier("auralis_tier_evictions_total", "counter", "Entries evicted for room or by age.",
           [](const tr& t) { return t.evictions; });
  per_tier("auralis_tier_demotions_total", "counter", "Evicted entries sent on to L3.",
           [](const tr& t) { return t.demoted; });
  m.family("auralis_tier_promotions_total", "counter",
           "Entries copied from L3 into L1 (decoded) ahead of or for a client fetch.");
  m.sample("auralis_tier_promotions_total", {{"tier", "l3"}},
           static_cast<double>(l3_promotions(r)));

  const auto& pl = r.planner;
  counter("auralis_planner_rounds_total", "Planning rounds run.", static_cast<double>(pl.rounds));
  m.family("auralis_planner_wanted_entries", "gauge", "Entries of the last plan, by tier.");
  m.sample("auralis_planner_wanted_entries", {{"tier", "l1"}}, static_cast<double>(pl.wanted_l1));
  m.sample("auralis_planner_wanted_entries", {{"tier", "l2"}}, static_cast<double>(pl.wanted_l2));
  m.sample("auralis_planner_wanted_entries", {{"tier", "l3"}}, static_cast<double>(pl.wanted_l3));
  gauge("auralis_planner_sessions", "Live sessions the planner plans for.",
        static_cast<double>(pl.sessions));
  const std::pair<const char*, std::uint64_t> renders[] = {
    {"submitted", pl.renders_submitted}, {"discarded", pl.renders_discarded},
    {"failed", pl.renders_failed},       {"stored", pl.renders_stored},
    {"fetched", pl.renders_fetched},     {"wasted", pl.renders_wasted},
    {"invalidated", pl.renders_invalidated}};
  for (const auto& [what, n] : renders) {
    const std::string name = std::string("auralis_planner_renders_") + what + "_total";
    m.family(name, "counter", std::string("The planner's renders for the cache ") + what + ".");
    m.sample(name, {}, static_cast<double>(n));
  }
  gauge("auralis_planner_renders_pending", "Stored renders not fetched yet and not wasted.",
        static_cast<double>(pl.renders_pending));

  gauge("auralis_predictor_accuracy_ratio", "Top-1 accuracy over every measured switch.",
        r.predictor.accuracy);
  counter("auralis_predictor_measured_switches_total", "Switches the predictor was measured on.",
          static_cast<double>(r.predictor.measured_switches));
  gauge("auralis_predictor_sessions", "Sessions the predictor holds.",
        static_cast<double>(r.predictor.sessions));

  m.family("auralis_http_requests_total", "counter", "HTTP answers, by route and status.");
  for (const auto& f : r.http)
    m.sample("auralis_http_requests_total",
             {{"route", f.route}, {"status", std::to_string(f.status)}},
             static_cast<double>(f.latency.count()));
  m.family("auralis_http_request_seconds", "histogram",
           "Time from a request's arrival to its answer, by route and status.");
  for (const auto& f : r.http)
    m.histogram("auralis_http_request_seconds",
                {{"route", f.route}, {"status", std::to_string(f.status)}}, f.latency);
  counter("auralis_http_timeouts_total",
          "Requests answered 503 because the engine did not answer in time.",
          static_cast<double>(r.engine.http_timeouts));

  gauge("auralis_websocket_clients", "WebSocket clients connected.",
        static_cast<double>(r.hub.clients));
  counter("auralis_websocket_events_total", "Events published to the WebSocket clients.",
          static_cast<double>(r.hub.events));
  counter("auralis_websocket_messages_sent_total", "Messages queued to WebSocket clients.",
          static_cast<double>(r.hub.sent));
  counter("auralis_websocket_clients_dropped_total",
          "WebSocket clients disconnected because they could not keep up.",
          static_cast<double>(r.hub.dropped_slow));
  counter("auralis_websocket_messages_dropped_total",
          "Messages (events) lost with WebSocket clients disconnected for being slow.",
          static_cast<double>(r.hub.messages_dropped));
  return m.str();
}

} // namespace auralis::http
