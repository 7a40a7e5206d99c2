#include "config/config_loader.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "config/host_port.hpp"
#include "config/json_reader.hpp"

namespace auralis::config {

namespace {

constexpr double max_budget_mb = 1024.0 * 1024.0;

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw config_error(path, "", "cannot be opened");
  std::ostringstream os;
  os << in.rdbuf();
  return os.str();
}

/// Parses `text` and runs `fn` on its root reader, turning JSON errors into config_error.
template <class F>
void with_root(const std::string& text, const std::string& file, F&& fn) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  simdjson::padded_string padded(text);
  if (auto err = parser.parse(padded).get(root); err != simdjson::SUCCESS)
    throw config_error(file, "", std::string("is not valid JSON (") +
                                   simdjson::error_message(err) + ")");
  try {
    json_reader r(root, "");
    fn(r);
    r.finish();
  } catch (const json_field_error& e) {
    throw config_error(file, e.key(), std::string(e.what()).substr(e.key().size() + 2));
  }
}

void read_range(json_reader& r, const char* key, chunk_range& range) {
  r.int_pair(key, range.first, range.last, 0, 10000);
}

} // namespace

void config_loader::check_cluster_listen(const cluster_config& c) {
  if (c.listen.empty())
    return;
  const auto address = parse_host_port(c.listen);
  if (!address)
    throw json_field_error("cluster.listen", "must be \"HOST:PORT\" (port 0..65535), not \"" +
                                               c.listen + "\"");
  const auto& host = address->host;
  const bool any_tls =
    !c.tls_certificate.empty() || !c.tls_key.empty() || !c.tls_ca_file.empty();
  if (any_tls) {
    const std::pair<const char*, const std::string*> files[] = {
      {"cluster.tls_certificate", &c.tls_certificate},
      {"cluster.tls_key", &c.tls_key},
      {"cluster.tls_ca_file", &c.tls_ca_file}};
    for (const auto& [key, path] : files)
      if (path->empty())
        throw json_field_error(key, "needed with the other cluster.tls_* keys");
      else if (!std::filesystem::is_regular_file(*path))
        throw json_field_error(key, *path + ": no such file");
  }
  const bool loopback = host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
  if (!loopback && !c.allow_remote_plain && !any_tls)
    throw json_field_error("cluster.listen",
                           "plain TCP is only allowed on a loopback address; set the "
                           "cluster.tls_* files (or cluster.allow_remote_plain) to listen on " +
                             c.listen.substr(0, c.listen.rfind(':')));
}

engine_config config_loader::parse_engine(const std::string& text, const std::string& file) {
  engine_config cfg;
  cfg.source = file;
  with_root(text, file, [&](json_reader& root) {
    if (auto s = root.object("server")) {
      s->string("bind", cfg.server.bind);
      if (cfg.server.bind.empty())
        throw json_field_error("server.bind", "must not be empty");
      int port = cfg.server.port;
      s->integer("port", port, 0, 65535);
      cfg.server.port = static_cast<std::uint16_t>(port);
      std::int64_t timeout = cfg.server.request_timeout_ms;
      s->integer("request_timeout_ms", timeout, 10, 600000);
      cfg.server.request_timeout_ms = static_cast<std::uint32_t>(timeout);
      s->string("api_token", cfg.server.api_token);
      s->boolean("introspection", cfg.server.introspection);
      std::int64_t body = static_cast<std::int64_t>(cfg.server.max_body_bytes);
      s->integer("max_body_bytes", body, 1024, 64 * 1024 * 1024);
      cfg.server.max_body_bytes = static_cast<std::uint64_t>(body);
      std::int64_t queue = cfg.server.ws_queue_limit;
      s->integer("ws_queue_limit", queue, 1, 1000000);
      cfg.server.ws_queue_limit = static_cast<std::uint32_t>(queue);
      std::int64_t io = cfg.server.io_threads;
      s->integer("io_threads", io, 1, 64);
      cfg.server.io_threads = static_cast<std::uint32_t>(io);
      const auto limit = [&s](const char* key, std::uint32_t& value, std::int64_t low,
                              std::int64_t high) {
        std::int64_t v = value;
        s->integer(key, v, low, high);
        value = static_cast<std::uint32_t>(v);
      };
      limit("max_url_bytes", cfg.server.max_url_bytes, 256, 64 * 1024);
      limit("max_header_count", cfg.server.max_header_count, 8, 4096);
      limit("max_header_bytes", cfg.server.max_header_bytes, 1024, 256 * 1024);
      s->number("header_timeout_s", cfg.server.header_timeout_s, 0.1, 3600);
      s->number("body_timeout_s", cfg.server.body_timeout_s, 0.1, 3600);
      limit("max_connections", cfg.server.max_connections, 1, 100000);
      limit("max_connections_per_client", cfg.server.max_connections_per_client, 1, 100000);
      s->finish();
    }
    if (auto p = root.object("paths")) {
      p->string("data_dir", cfg.paths.data_dir);
      if (cfg.paths.data_dir.empty())
        throw json_field_error("paths.data_dir", "must not be empty");
      p->nullable_string("library_dir", cfg.paths.library_dir);
      p->string("presets_file", cfg.paths.presets_file);
      p->finish();
    }
    if (auto a = root.object("audio")) {
      a->number("chunk_seconds", cfg.chunk_seconds, 1, 120);
      a->number("max_true_peak_db", cfg.max_true_peak_db, -20, 0);
      a->finish();
    }
    if (auto t = root.object("tiers")) {
      t->number("l1_mb", cfg.tiers.l1_mb, 1, max_budget_mb);
      t->number("l2_mb", cfg.tiers.l2_mb, 1, max_budget_mb);
      t->number("l3_mb", cfg.tiers.l3_mb, 1, max_budget_mb);
      t->number("total_mb", cfg.tiers.total_mb, 3, max_budget_mb);
      t->number("l3_max_age_s", cfg.tiers.l3_max_age_s, 1, 86400 * 7);
      t->number("demote_probability_floor", cfg.tiers.demote_probability_floor, 0, 1);
      t->number("demote_queue_mb", cfg.tiers.demote_queue_mb, 0, max_budget_mb);
      t->integer("demote_encodes_in_flight", cfg.tiers.demote_encodes_in_flight, 1, 16);
      t->number("overhead_mb", cfg.tiers.overhead_mb, 0, max_budget_mb);
      t->finish();
    }
    if (auto w = root.object("workers")) {
      w->integer("count", cfg.worker_count, 0, 256);
      w->integer("listener_count", cfg.listener_worker_count, 0, 256);
      w->integer("background_nice", cfg.background_nice, 0, 19);
      w->integer("reserved_for_listeners", cfg.reserved_workers, 0, 256);
      w->integer("max_queued_jobs", cfg.max_queued_jobs, 1, 100000);
      w->number("max_queued_mb", cfg.max_queued_mb, 1, max_budget_mb);
      w->finish();
    }
    if (auto c = root.object("cluster")) {
      c->string("listen", cfg.cluster.listen);
      c->string("token", cfg.cluster.token);
      c->integer("local_workers", cfg.cluster.local_workers, -1, 256);
      c->boolean("allow_remote_plain", cfg.cluster.allow_remote_plain);
      c->string("tls_certificate", cfg.cluster.tls_certificate);
      c->string("tls_key", cfg.cluster.tls_key);
      c->string("tls_ca_file", cfg.cluster.tls_ca_file);
      c->finish();
      check_cluster_listen(cfg.cluster);
    }
    if (auto o = root.object("opus")) {
      o->integer("bitrate_kbps", cfg.opus.bitrate_kbps, 6, 510);
      o->integer("complexity", cfg.opus.complexity, 0, 10);
      o->finish();
    }
    if (auto pl = root.object("planner")) {
      auto& c = cfg.planner;
      read_range(*pl, "l1_chunks", c.l1_chunks);
      pl->number("l1_min_probability", c.l1_min_probability, 0, 1);
      pl->integer("l1_max_presets", c.l1_max_presets, 1, 64);
      read_range(*pl, "continue_chunks", c.continue_chunks);
      pl->number("continue_probability", c.continue_probability, 0, 1);
      read_range(*pl, "switch_chunks", c.switch_chunks);
      pl->number("switch_probability_scale", c.switch_probability_scale, 0, 1);
      pl->integer("switch_top_n", c.switch_top_n, 0, 64);
      pl->number("seek_after_s", c.seek_after_s, 0, 86400);
      read_range(*pl, "seek_chunks", c.seek_chunks);
      pl->number("seek_probability", c.seek_probability, 0, 1);
      read_range(*pl, "toggle_chunks", c.toggle_chunks);
      pl->number("toggle_probability", c.toggle_probability, 0, 1);
      read_range(*pl, "l3_chunks", c.l3_chunks);
      read_range(*pl, "room_chunks", c.room_chunks);
      pl->integer("l2_jobs_per_round", c.l2_jobs_per_round, 1, 1000);
      pl->integer("l3_jobs_per_round", c.l3_jobs_per_round, 1, 1000);
      pl->integer("room_jobs_per_round", c.room_jobs_per_round, 0, 1000);
      pl->number("timeout_immediate_s", c.timeout_immediate_s, 0.1, 3600);
      pl->number("timeout_l1_s", c.timeout_l1_s, 0.1, 3600);
      pl->number("timeout_l2_s", c.timeout_l2_s, 0.1, 3600);
      pl->number("timeout_l3_s", c.timeout_l3_s, 0.1, 3600);
      pl->finish();
    }
    if (auto pr = root.object("predictor")) {
      auto& c = cfg.predictor;
      pr->boolean("learning", c.learning);
      pr->integer("history_size", c.history_size, 1, 100000);
      pr->number("recent_window_s", c.recent_window_s, 0, 86400);
      pr->number("recent_boost", c.recent_boost, 1, 100);
      pr->integer("top_n", c.top_n, 1, 64);
      pr->number("position_min_interval_ms", c.position_min_interval_ms, 0, 60000);
      pr->number("switch_min_interval_ms", c.switch_min_interval_ms, 0, 60000);
      pr->integer("rapid_interactions", c.rapid_interactions, 2, 10000);
      pr->number("rapid_window_ms", c.rapid_window_ms, 1, 60000);
      pr->integer("exploration_switches", c.exploration_switches, 1, 10000);
      pr->number("exploration_window_s", c.exploration_window_s, 1, 86400);
      pr->integer("settled_max_switches", c.settled_max_switches, 0, 10000);
      pr->number("settled_after_s", c.settled_after_s, 1, 86400);
      pr->number("session_idle_timeout_s", c.session_idle_timeout_s, 1, 86400 * 30);
      pr->integer("max_sessions", c.max_sessions, 1, 1000000);
      pr->number("user_weight", c.user_weight, 0, 1);
      pr->number("content_weight", c.content_weight, 0, 1);
      pr->integer("save_every_switches", c.save_every_switches, 1, 1000000);
      pr->number("save_every_s", c.save_every_s, 1, 86400);
      pr->integer("accuracy_window", c.accuracy_window, 1, 100000);
      pr->integer("row_total_limit", c.row_total_limit, 2, 1000000000);
      if (auto cs = pr->object("cold_start")) {
        c.cold_start.clear();
        cs->each([&](const std::string& name, simdjson::dom::element) {
          double v = 0;
          cs->number(name.c_str(), v, 0, 1);
          c.cold_start[name] = v;
        });
        cs->finish();
      }
      pr->finish();
    }
  });
  return cfg;
}

preset_set config_loader::parse_presets(const std::string& text, const std::string& file) {
  std::vector<preset> out;
  with_root(text, file, [&](json_reader& root) {
    auto arr = root.array("presets");
    if (!arr)
      throw json_field_error("presets", "must be an array of preset objects");
    std::size_t i = 0;
    for (auto item : *arr) {
      json_reader r(item, "presets[" + std::to_string(i++) + "]");
      preset p;
      r.string("name", p.name, presence::required);
      if (p.name.empty() || p.name.size() > 32 ||
          p.name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_-") !=
            std::string::npos)
        throw json_field_error(r.path_of("name"),
                               "must be 1-32 characters of a-z, 0-9, '_' or '-'");
      for (const auto& other : out)
        if (other.name == p.name)
          throw json_field_error(r.path_of("name"), "duplicate preset '" + p.name + "'");
      auto eq = r.object("eq", presence::required);
      eq->number("low_db", p.eq.low_db, -24, 24, presence::required);
      eq->number("low_mid_db", p.eq.low_mid_db, -24, 24, presence::required);
      eq->number("mid_db", p.eq.mid_db, -24, 24, presence::required);
      eq->number("high_mid_db", p.eq.high_mid_db, -24, 24, presence::required);
      eq->number("high_db", p.eq.high_db, -24, 24, presence::required);
      eq->finish();
      auto comp = r.object("compressor", presence::required);
      comp->number("ratio", p.compressor.ratio, 1, 100, presence::required);
      comp->number("threshold_db", p.compressor.threshold_db, -80, 0, presence::required);
      comp->number("attack_ms", p.compressor.attack_ms, 0.01, 1000, presence::required);
      comp->number("release_ms", p.compressor.release_ms, 1, 5000, presence::required);
      comp->finish();
      auto lim = r.object("limiter", presence::required);
      lim->number("threshold_db", p.limiter.threshold_db, -40, 0, presence::required);
      lim->number("release_ms", p.limiter.release_ms, 1, 5000, presence::required);
      lim->finish();
      r.number("eq_blend", p.eq_blend, 0, 1, presence::required);
      r.number("dynamics_blend", p.dynamics_blend, 0, 1, presence::required);
      r.number("target_lufs", p.target_lufs, -70, 0, presence::required);
      r.number("peak_target_db", p.peak_target_db, -40, 0, presence::required);
      r.finish();
      out.push_back(std::move(p));
    }
    if (out.empty())
      throw json_field_error("presets", "must hold at least one preset");
  });
  return preset_set(std::move(out));
}

namespace {

/// The patterns `recorder` holds; throws std::logic_error when `file` left part of the
/// loader unvisited.
std::set<std::string> recorded_keys(const json_reader::key_recorder& recorder,
                                    const std::string& file) {
  for (const auto& path : recorder.absent())
    throw std::logic_error(file + ": has no '" + path +
                           "', so the keys inside it cannot be listed");
  for (const auto& map : recorder.maps()) {
    const auto inside = [&map](const std::string& path) {
      return path.compare(0, map.size() + 1, map + ".") == 0;
    };
    const auto& values = recorder.values();
    const auto& containers = recorder.containers();
    if (std::none_of(values.begin(), values.end(), inside) &&
        std::none_of(containers.begin(), containers.end(), inside))
      throw std::logic_error(file + ": '" + map +
                             "' has no entry, so the keys inside it cannot be listed");
  }
  return recorder.patterns();
}

} // namespace

accepted_key_sets config_loader::accepted_keys() {
  return accepted_keys(embedded_engine_json, embedded_presets_json);
}

accepted_key_sets config_loader::accepted_keys(const std::string& engine_text,
                                               const std::string& presets_text) {
  accepted_key_sets out;
  {
    json_reader::key_recorder recorder;
    parse_engine(engine_text, "(engine config)");
    out.engine = recorded_keys(recorder, "(engine config)");
  }
  {
    json_reader::key_recorder recorder;
    parse_presets(presets_text, "(presets file)");
    out.presets = recorded_keys(recorder, "(presets file)");
  }
  return out;
}

void config_loader::validate(const engine_config& cfg, const std::string& file) {
  const auto& t = cfg.tiers;
  if (t.l1_mb + t.l2_mb + t.l3_mb > t.total_mb + 1e-9)
    throw config_error(file, "tiers.total_mb",
                       "must be at least l1_mb + l2_mb + l3_mb (" +
                         std::to_string(t.l1_mb + t.l2_mb + t.l3_mb) + ")");
  for (const auto& [name, p] : cfg.predictor.cold_start) {
    (void) p;
    if (cfg.presets.size() > 0 && !cfg.presets.find(name))
      throw config_error(file, "predictor.cold_start." + name, "names no known preset");
  }
  if (cfg.predictor.user_weight + cfg.predictor.content_weight <= 0)
    throw config_error(file, "predictor.user_weight",
                       "user_weight + content_weight must be above 0");
}

preset_set config_loader::cap_true_peak(const preset_set& presets, double max_true_peak_db) {
  std::vector<preset> capped = presets.all();
  for (auto& p : capped)
    p.peak_target_db = std::min(p.peak_target_db, max_true_peak_db);
  return preset_set(std::move(capped));
}

engine_config config_loader::load_file(const std::string& path) {
  auto cfg = parse_engine(read_text(path), path);
  namespace fs = std::filesystem;
  fs::path presets(cfg.paths.presets_file);
  if (presets.is_relative())
    presets = fs::path(path).parent_path() / presets;
  cfg.presets = cap_true_peak(parse_presets(read_text(presets.string()), presets.string()),
                              cfg.max_true_peak_db);
  validate(cfg, path);
  return cfg;
}

engine_config config_loader::load_embedded() {
  auto cfg = parse_engine(embedded_engine_json, "(embedded auralis.json)");
  cfg.presets = cap_true_peak(parse_presets(embedded_presets_json, "(embedded presets.json)"),
                              cfg.max_true_peak_db);
  validate(cfg, "(embedded auralis.json)");
  return cfg;
}

} // namespace auralis::config
