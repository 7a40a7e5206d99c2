#include "actors/predictor/predictor.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <simdjson.h>

#include "actors/common/session_id.hpp"
#include "config/json_reader.hpp"
#include "config/json_writer.hpp"

namespace auralis::actors {

namespace {

constexpr const char* model_format = "auralis-predictor-model";
constexpr int model_version = 1;
constexpr std::int64_t max_json_count = std::int64_t{1} << 53;

std::string session_name(const std::string& id) {
  if (id.empty())
    return predictor::default_session;
  if (id.size() > max_session_id_bytes)
    throw predictor_error(engine_errc::invalid_argument,
                          "session_id is longer than " + std::to_string(max_session_id_bytes) +
                            " bytes");
  if (has_control_characters(id))
    throw predictor_error(engine_errc::invalid_argument,
                          "session_id must not hold control characters");
  return id;
}

bool in_unit_range(double v) { return std::isfinite(v) && v >= 0.0 && v <= 1.0; }

void check_features(const chunk_features& f) {
  const double values[] = {f.energy, f.brightness, f.dynamics, f.vocal_presence,
                           f.rhythmic_energy};
  for (double v : values)
    if (!in_unit_range(v))
      throw predictor_error(engine_errc::invalid_argument,
                            "content features must be numbers in 0..1");
}

} // namespace

predictor_settings predictor_settings::from(const config::engine_config& cfg) {
  return {cfg.predictor, cfg.planner, cfg.presets, cfg.chunk_seconds};
}

predictor::predictor(predictor_settings settings, time_point now)
  : settings_(std::move(settings)),
    model_(settings_.presets, settings_.predictor.cold_start,
           static_cast<std::uint64_t>(std::max(settings_.predictor.row_total_limit, 2))),
    accuracy_(static_cast<std::size_t>(std::max(settings_.predictor.accuracy_window, 1))),
    affinity_(settings_.presets), forecaster_(settings_.planner),
    sessions_(static_cast<std::size_t>(std::max(settings_.predictor.max_sessions, 1)),
              settings_.predictor.session_idle_timeout_s),
    learning_(settings_.predictor.learning), last_saved_(now) {
  if (settings_.presets.size() == 0)
    throw std::invalid_argument("predictor: needs at least one preset");
  if (!(settings_.chunk_seconds > 0))
    throw std::invalid_argument("predictor: chunk_seconds must be above 0");
}

std::int64_t predictor::chunk_of(double position_s) const {
  return static_cast<std::int64_t>(std::floor(position_s / settings_.chunk_seconds));
}

std::vector<std::pair<std::size_t, double>>
predictor::ranked(const listener_session& s, time_point now, bool& content_used) const {
  const std::size_t from = s.preset();
  const auto& cfg = settings_.predictor;
  std::vector<double> p;
  if (learning_)
    p = model_.probabilities(
      from, s.recent_targets(from, model_.preset_count(), now, cfg.recent_window_s),
      cfg.recent_boost);
  else
    p = model_.cold_start(from);
  content_used = false;
  if (s.features() && cfg.content_weight > 0) {
    auto c = affinity_.scores(*s.features());
    c[from] = 0;
    double sum = 0;
    for (double v : c)
      sum += v;
    if (sum > 0) {
      const double wu = cfg.user_weight, wc = cfg.content_weight;
      for (std::size_t i = 0; i < p.size(); ++i)
        p[i] = (wu * p[i] + wc * c[i] / sum) / (wu + wc);
      content_used = true;
    }
  }
  std::vector<std::pair<std::size_t, double>> out;
  for (std::size_t idx : model_.ranking(p, from))
    out.emplace_back(idx, p[idx]);
  return out;
}

position_reply predictor::update(const position_update& u, time_point now) {
  const std::string id = session_name(u.session_id);
  const auto preset = settings_.presets.index_of(u.preset);
  if (!preset)
    throw predictor_error(engine_errc::unknown_preset, "no preset is named '" + u.preset + "'");
  if (u.track_id < 0)
    throw predictor_error(engine_errc::invalid_argument, "track_id must be 0 or more");
  if (!std::isfinite(u.position_s) || u.position_s < 0)
    throw predictor_error(engine_errc::invalid_argument, "position must be a number >= 0");
  if (!in_unit_range(u.intensity))
    throw predictor_error(engine_errc::invalid_argument, "intensity must be a number in 0..1");

  bool created = false;
  auto& s = sessions_.obtain(id, now, created);
  // The prediction current just before a possible switch, to measure the switch by.
  std::vector<std::pair<std::size_t, double>> before;
  if (s.has_preset() && s.preset() != *preset) {
    bool content_used = false;
    before = ranked(s, now, content_used);
  }
  const auto obs = s.observe(u.track_id, u.position_s, *preset, u.intensity, now,
                             settings_.predictor);
  position_reply reply;
  reply.session_id = id;
  reply.chunk_idx = chunk_of(s.position_s());
  reply.mode = obs.mode;
  reply.accepted = obs.accepted;
  reply.outcome = obs.outcome;
  reply.previous_mode = obs.previous_mode;
  reply.mode_changed = obs.mode != obs.previous_mode;
  reply.new_session = created;
  if (obs.switched && obs.outcome == switch_outcome::learned) {
    int rank = 0;
    for (std::size_t i = 0; i < before.size(); ++i)
      if (before[i].first == obs.to)
        rank = static_cast<int>(i) + 1;
    accuracy_.record(rank);
    s.record_measured(rank == 1);
    dirty_ = true;
    if (learning_) {
      model_.record(obs.from, obs.to);
      ++learned_switches_;
      ++unsaved_switches_;
    } else {
      reply.outcome = switch_outcome::measured;
    }
  }
  return reply;
}

listener_session& predictor::live_session(const prediction_request& r, time_point now) {
  const std::string id = session_name(r.session_id);
  if (r.has_features)
    check_features(r.features);
  auto* s = sessions_.find(id, now);
  if (!s || !s->has_preset())
    throw predictor_error(engine_errc::not_found, "no live listener session '" + id + "'");
  if (r.has_features)
    s->set_features(r.features);
  return *s;
}

prediction_reply predictor::predict(const prediction_request& r, time_point now) {
  auto& s = live_session(r, now);
  prediction_reply reply;
  reply.session_id = s.id();
  reply.track_id = s.track_id();
  reply.current_preset = model_.name_of(s.preset());
  reply.current_position_s = s.position_s();
  reply.chunk_idx = chunk_of(s.position_s());
  reply.intensity = s.intensity();
  reply.mode = s.mode();
  const auto list = ranked(s, now, reply.content_used);
  const auto n = std::min(list.size(),
                          static_cast<std::size_t>(std::max(settings_.predictor.top_n, 0)));
  for (std::size_t i = 0; i < n; ++i)
    reply.predictions.push_back({model_.name_of(list[i].first), list[i].second});
  return reply;
}

branch_plan predictor::branches(const prediction_request& r, time_point now) {
  auto& s = live_session(r, now);
  branch_plan plan;
  plan.session_id = s.id();
  plan.track_id = s.track_id();
  plan.chunk_idx = chunk_of(s.position_s());
  plan.current_preset = model_.name_of(s.preset());
  plan.intensity = s.intensity();
  plan.mode = s.mode();
  bool content_used = false;
  std::vector<preset_probability> ranking;
  for (const auto& [idx, p] : ranked(s, now, content_used))
    ranking.push_back({model_.name_of(idx), p});
  std::optional<std::string> previous;
  if (auto prev = s.previous_preset())
    previous = model_.name_of(*prev);
  plan.scenarios =
    forecaster_.plan(plan.current_preset, previous, s.position_s(), plan.chunk_idx, ranking);
  return plan;
}

predictor_stats predictor::stats(const std::string& session_id, time_point now) const {
  predictor_stats st;
  const auto acc = accuracy_.figures();
  st.accuracy = acc.top1;
  st.top3_hit_rate = acc.top3;
  st.recent_accuracy = acc.recent_top1;
  st.recent_top3_hit_rate = acc.recent_top3;
  st.measured_switches = acc.switches;
  st.learned_switches = learned_switches_;
  st.learning = learning_;
  st.sessions = sessions_.size();
  st.session_id = session_id.empty() ? std::string(default_session) : session_id;
  if (const auto* s = sessions_.peek(st.session_id, now)) {
    st.session_known = true;
    st.mode = s->mode();
    st.switches_in_session = s->switches();
    st.session_duration_minutes =
      std::chrono::duration<double>(now - s->started_at()).count() / 60.0;
  }
  sessions_.for_each_live(now, [&st](const listener_session& s) {
    session_accuracy a;
    a.session_id = s.id();
    a.mode = s.mode();
    a.switches = s.switches();
    a.measured = s.measured();
    a.top1_hits = s.top1_hits();
    st.session_list.push_back(std::move(a));
  });
  return st;
}

model_snapshot predictor::snapshot() const {
  model_snapshot m;
  m.learning = learning_;
  m.learned_switches = learned_switches_;
  m.sessions = sessions_.size();
  for (std::size_t from = 0; from < model_.preset_count(); ++from)
    for (std::size_t to = 0; to < model_.preset_count(); ++to)
      if (const auto c = model_.count(from, to); c > 0)
        m.transitions.push_back({model_.name_of(from), model_.name_of(to), c});
  m.accuracy = accuracy_.figures();
  return m;
}

std::uint64_t predictor::forget() {
  const auto forgotten = model_.clear();
  accuracy_.clear();
  learned_switches_ = 0;
  unsaved_switches_ = 0;
  sessions_.for_each([](listener_session& s) { s.forget_history(); });
  dirty_ = true;
  return forgotten;
}

std::size_t predictor::expire_sessions(time_point now) { return sessions_.expire(now); }

bool predictor::save_due(time_point now) const {
  if (!learning_ || !dirty_)
    return false;
  return unsaved_switches_ >= static_cast<std::uint64_t>(settings_.predictor.save_every_switches) ||
         std::chrono::duration<double>(now - last_saved_).count() >=
           settings_.predictor.save_every_s;
}

void predictor::mark_saved(time_point now) noexcept {
  dirty_ = false;
  unsaved_switches_ = 0;
  last_saved_ = now;
}

std::string predictor::model_json() const {
  config::json_writer w;
  w.begin_object()
    .field("format", model_format)
    .field("version", model_version)
    .field("learned_switches", learned_switches_)
    .key("counts");
  model_.write_json(w);
  w.key("accuracy");
  accuracy_.write_json(w);
  w.end_object();
  return w.take();
}

std::vector<std::string> predictor::restore_model(const std::string& text) {
  simdjson::dom::parser parser;
  simdjson::dom::element root_el;
  simdjson::padded_string padded(text);
  if (auto err = parser.parse(padded).get(root_el); err != simdjson::SUCCESS)
    throw std::runtime_error(std::string("not valid JSON (") + simdjson::error_message(err) +
                             ")");
  config::json_reader root(root_el, "");
  std::string format;
  root.string("format", format, config::presence::required);
  if (format != model_format)
    throw config::json_field_error("format", "is not \"" + std::string(model_format) + "\"");
  int version = 0;
  root.integer("version", version, model_version, model_version, config::presence::required);
  std::int64_t learned = 0;
  root.integer("learned_switches", learned, 0, max_json_count, config::presence::required);
  transition_model model = model_;
  auto counts = root.object("counts", config::presence::required);
  auto unknown = model.read_json(*counts);
  accuracy_tracker accuracy = accuracy_;
  auto acc = root.object("accuracy", config::presence::required);
  accuracy.read_json(*acc);
  root.finish();
  model_ = std::move(model);
  accuracy_ = std::move(accuracy);
  learned_switches_ = static_cast<std::uint64_t>(learned);
  dirty_ = false;
  unsaved_switches_ = 0;
  return unknown;
}

} // namespace auralis::actors
