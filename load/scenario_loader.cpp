#include "load/scenario_loader.hpp"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>

#include "config/json_reader.hpp"

#ifndef AURALIS_SCENARIO_SOURCE_DIR
#define AURALIS_SCENARIO_SOURCE_DIR "."
#endif

namespace auralis::load {

using config::json_field_error;
using config::json_reader;

scenario_error::scenario_error(std::string file, std::string key, const std::string& message)
  : std::runtime_error(file + ": " + (key.empty() ? "" : key + ": ") + message),
    file_(std::move(file)), key_(std::move(key)) {}

namespace {

constexpr double huge = 1e300;
constexpr double day_s = 86400;

/// A number > 0 and <= hi.
void positive(json_reader& r, const char* key, double& out, double hi) {
  double v = out;
  if (!r.number(key, v, -huge, huge))
    return;
  if (!(v > 0) || v > hi) {
    std::ostringstream os;
    os << "must be a number > 0";
    if (hi < huge)
      os << " and <= " << hi;
    throw json_field_error(r.path_of(key), os.str());
  }
  out = v;
}

/// A number >= 0 and <= hi.
void non_negative(json_reader& r, const char* key, double& out, double hi) {
  r.number(key, out, 0, hi);
}

/// One of `words`; returns its index, or leaves `out` alone when absent.
void choice(json_reader& r, const char* key, int& out, std::initializer_list<const char*> words) {
  std::string s;
  if (!r.string(key, s))
    return;
  int i = 0;
  std::string known;
  for (const char* w : words) {
    if (s == w) {
      out = i;
      return;
    }
    known += (i ? ", " : "") + std::string(w);
    ++i;
  }
  throw json_field_error(r.path_of(key), "must be one of " + known + ", not '" + s + "'");
}

std::string preset_list() {
  std::string s;
  for (std::size_t i = 0; i < preset_count; ++i)
    s += (i ? ", " : "") + std::string(preset_names[i]);
  return s;
}

void read_transitions(json_reader& t, behaviour_settings& b) {
  // Rows not given: every other preset alike.
  for (std::size_t f = 0; f < preset_count; ++f)
    for (std::size_t to = 0; to < preset_count; ++to)
      b.transitions[f][to] = f == to ? 0.0 : 1.0;
  t.each([&](const std::string& from, simdjson::dom::element row_el) {
    const std::string row_path = t.path_of(from.c_str());
    const int f = preset_index(from);
    if (f < 0)
      throw json_field_error(row_path, "unknown preset (known: " + preset_list() + ")");
    json_reader row(row_el, row_path);
    std::array<double, preset_count> w{};
    row.each([&](const std::string& to, simdjson::dom::element v) {
      const std::string path = row.path_of(to.c_str());
      const int i = preset_index(to);
      if (i < 0)
        throw json_field_error(path, "unknown preset (known: " + preset_list() + ")");
      double x = 0;
      if (v.get_double().get(x) != simdjson::SUCCESS) {
        std::int64_t n = 0;
        if (v.get_int64().get(n) != simdjson::SUCCESS)
          throw json_field_error(path, std::string("must be a number, not ") +
                                         config::json_type_name(v));
        x = static_cast<double>(n);
      }
      if (!(x >= 0) || x > huge)
        throw json_field_error(path, "must be a number >= 0");
      if (i == f && x != 0)
        throw json_field_error(path, "must be 0 (a switch goes to another preset)");
      w[static_cast<std::size_t>(i)] = x;
    });
    double sum = 0;
    for (double x : w)
      sum += x;
    if (!(sum > 0))
      throw json_field_error(row_path, "needs a weight > 0 for some other preset");
    b.transitions[static_cast<std::size_t>(f)] = w;
  });
  for (auto& row : b.transitions) {
    double sum = 0;
    for (double x : row)
      sum += x;
    for (double& x : row)
      x /= sum;
  }
}

void read_behaviour(json_reader& r, behaviour_settings& b) {
  r.string("start_preset", b.start_preset);
  if (preset_index(b.start_preset) < 0)
    throw json_field_error(r.path_of("start_preset"),
                           "unknown preset '" + b.start_preset + "' (known: " + preset_list() + ")");
  r.number("start_intensity", b.start_intensity, 0, 1);
  if (auto t = r.object("transitions"))
    read_transitions(*t, b);
  non_negative(r, "switch_per_min", b.switch_per_min, 6000);
  non_negative(r, "seek_per_min", b.seek_per_min, 6000);
  non_negative(r, "track_change_per_min", b.track_change_per_min, 6000);
  non_negative(r, "intensity_per_min", b.intensity_per_min, 6000);
  non_negative(r, "pause_per_min", b.pause_per_min, 6000);
  positive(r, "pause_mean_s", b.pause_mean_s, 3600);
  r.number("opus_ratio", b.opus_ratio, 0, 1);
  positive(r, "position_interval_s", b.position_interval_s, 3600);
  non_negative(r, "lead_s", b.lead_s, 3600);
  non_negative(r, "start_buffer_s", b.start_buffer_s, 3600);
  r.finish();
}

/// Reads the root object; `root_el` is the parsed document.
scenario read_root(simdjson::dom::element root_el, const std::string& file, const std::string& name) {
  scenario s;
  s.name = name;
  s.source = file;
  // Every behaviour row defaults to "any other preset alike".
  for (std::size_t f = 0; f < preset_count; ++f)
    for (std::size_t to = 0; to < preset_count; ++to)
      s.behaviour.transitions[f][to] = f == to ? 0.0 : 1.0 / (preset_count - 1);

  json_reader r(root_el, "");
  r.string("name", s.name);
  r.string("description", s.description);
  r.integer("sessions", s.sessions, 1, 100000);
  positive(r, "duration_s", s.duration_s, 7 * day_s);
  non_negative(r, "warmup_s", s.warmup_s, 7 * day_s);
  if (s.warmup_s >= s.duration_s)
    throw json_field_error("warmup_s", "must be less than duration_s");
  positive(r, "speed", s.speed, 1000);
  std::int64_t seed = static_cast<std::int64_t>(s.seed);
  r.integer("seed", seed, 0, std::numeric_limits<std::int64_t>::max());
  s.seed = static_cast<std::uint64_t>(seed);
  positive(r, "request_timeout_s", s.request_timeout_s, 3600);
  positive(r, "stats_interval_s", s.stats_interval_s, 3600);
  non_negative(r, "clear_per_min", s.clear_per_min, 6000);

  if (auto a = r.object("arrivals")) {
    int mode = static_cast<int>(s.arrivals.mode);
    choice(*a, "mode", mode, {"all", "ramp", "poisson"});
    s.arrivals.mode = static_cast<arrival_mode>(mode);
    non_negative(*a, "ramp_s", s.arrivals.ramp_s, 7 * day_s);
    positive(*a, "rate", s.arrivals.rate, 10000);
    if (s.arrivals.mode == arrival_mode::ramp && !(s.arrivals.ramp_s > 0))
      throw json_field_error("arrivals.ramp_s", "must be a number > 0 for a ramp");
    a->finish();
  }
  if (auto l = r.object("lifetime")) {
    s.lifetime.enabled = true;
    positive(*l, "mean_s", s.lifetime.mean_s, 7 * day_s);
    non_negative(*l, "min_s", s.lifetime.min_s, 7 * day_s);
    l->finish();
  }
  if (auto t = r.object("tracks")) {
    int mode = static_cast<int>(s.tracks.popularity);
    choice(*t, "popularity", mode, {"uniform", "zipf"});
    s.tracks.popularity = static_cast<popularity_mode>(mode);
    positive(*t, "zipf_exponent", s.tracks.zipf_exponent, 10);
    t->integer("max_tracks", s.tracks.max_tracks, 0, 1000000);
    t->finish();
  }
  if (auto b = r.object("behaviour"))
    read_behaviour(*b, s.behaviour);
  if (auto a = r.object("attackers")) {
    a->integer("sessions", s.attackers.sessions, 0, 1000);
    non_negative(*a, "rate", s.attackers.rate, 10000);
    if (s.attackers.sessions > 0 && !(s.attackers.rate > 0))
      throw json_field_error("attackers.rate", "must be a number > 0 when there are attackers");
    a->finish();
  }
  if (auto c = r.object("capacity")) {
    s.capacity.enabled = true;
    c->integer("start_sessions", s.capacity.start_sessions, 1, 100000);
    c->integer("step_sessions", s.capacity.step_sessions, 1, 100000);
    positive(*c, "step_s", s.capacity.step_s, day_s);
    c->integer("max_sessions", s.capacity.max_sessions, 1, 100000);
    if (s.capacity.max_sessions < s.capacity.start_sessions)
      throw json_field_error("capacity.max_sessions", "must be >= capacity.start_sessions");
    c->finish();
  }

  // "thresholds" is an array of strings; the reader has no array getter, so it is read
  // here and the root's keys are checked by hand.
  simdjson::dom::object root_obj = root_el.get_object().value();
  simdjson::dom::element th;
  if (root_obj.at_key("thresholds").get(th) == simdjson::SUCCESS) {
    simdjson::dom::array arr;
    if (th.get_array().get(arr) != simdjson::SUCCESS)
      throw json_field_error("thresholds", std::string("must be an array of strings, not ") +
                                             config::json_type_name(th));
    std::size_t i = 0;
    for (auto item : arr) {
      const std::string key = "thresholds[" + std::to_string(i++) + "]";
      std::string_view text;
      if (item.get_string().get(text) != simdjson::SUCCESS)
        throw json_field_error(key, std::string("must be a string, not ") + config::json_type_name(item));
      try {
        s.thresholds.push_back(threshold::parse(std::string(text)));
      } catch (const threshold_error& e) {
        throw json_field_error(key, e.what());
      }
    }
  }
  static const std::set<std::string> keys{
    "name", "description", "sessions", "duration_s", "warmup_s", "speed", "seed",
    "request_timeout_s", "stats_interval_s", "clear_per_min", "arrivals", "lifetime",
    "tracks", "behaviour", "attackers", "capacity", "thresholds"};
  for (auto field : root_obj)
    if (!keys.count(std::string(field.key)))
      throw json_field_error(std::string(field.key), "unknown key");
  return s;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw scenario_error(path, "", "cannot be opened");
  std::ostringstream os;
  os << in.rdbuf();
  return os.str();
}

} // namespace

scenario scenario_loader::parse(const std::string& text, const std::string& file,
                                const std::string& name) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  simdjson::padded_string padded(text);
  if (auto err = parser.parse(padded).get(root); err != simdjson::SUCCESS)
    throw scenario_error(file, "", std::string("is not valid JSON (") +
                                     simdjson::error_message(err) + ")");
  try {
    return read_root(root, file, name);
  } catch (const json_field_error& e) {
    throw scenario_error(file, e.key(), std::string(e.what()).substr(e.key().size() + 2));
  }
}

scenario scenario_loader::load(const std::string& name_or_path) {
  namespace fs = std::filesystem;
  const bool is_path = name_or_path.find('/') != std::string::npos ||
                       (name_or_path.size() > 5 &&
                        name_or_path.compare(name_or_path.size() - 5, 5, ".json") == 0);
  if (is_path) {
    const auto stem = fs::path(name_or_path).stem().string();
    return parse(read_text(name_or_path), name_or_path, stem);
  }
  if (name_or_path.empty())
    throw scenario_error("(scenario)", "", "no scenario named");
  const std::string rel = "config/scenarios/" + name_or_path + ".json";
  for (const std::string& candidate :
       {rel, std::string(AURALIS_SCENARIO_SOURCE_DIR) + "/" + rel}) {
    std::error_code ec;
    if (fs::is_regular_file(candidate, ec))
      return parse(read_text(candidate), candidate, name_or_path);
  }
  for (const auto& [name, text] : embedded_scenarios())
    if (name == name_or_path)
      return parse(text, rel + " (built in)", name);
  std::string known;
  for (const auto& n : embedded_names())
    known += (known.empty() ? "" : ", ") + n;
  throw scenario_error(name_or_path, "", "no such scenario (known: " + known + ")");
}

std::vector<std::string> scenario_loader::embedded_names() {
  std::vector<std::string> names;
  for (const auto& entry : embedded_scenarios())
    names.push_back(entry.first);
  return names;
}

} // namespace auralis::load
