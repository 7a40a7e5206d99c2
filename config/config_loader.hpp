#pragma once

#include <set>
#include <stdexcept>
#include <string>

#include "config/engine_config.hpp"

namespace auralis::config {

/// A configuration that cannot be used. what() reads "<file>: <key>: <rule>"; the
/// server exits with code 2 on it.
class config_error : public std::runtime_error {
public:
  config_error(std::string file, std::string key, const std::string& message)
    : std::runtime_error(file + ": " + (key.empty() ? "" : key + ": ") + message),
      file_(std::move(file)), key_(std::move(key)) {}

  /// The file at fault ("(embedded)" for the compiled-in defaults).
  const std::string& file() const noexcept { return file_; }
  /// Dotted key at fault; empty when the whole file is (unreadable, not JSON).
  const std::string& key() const noexcept { return key_; }

private:
  std::string file_;
  std::string key_;
};

/// The keys the two configuration files accept, as dotted patterns: "tiers.l1_mb",
/// "planner.l1_chunks" (a [first, last] pair is one key), "predictor.cold_start.<name>"
/// (a map whose keys are preset names), "presets[i].eq.low_db" (any item of an array).
/// Objects that only group keys ("tiers", "presets[i].eq") are not listed.
struct accepted_key_sets {
  std::set<std::string> engine;  ///< of config/auralis.json
  std::set<std::string> presets; ///< of config/presets.json
};

/// Loads config/auralis.json-shaped text and the presets file it names.
class config_loader {
public:
  /// Reads the engine config at `path` and its presets file; throws config_error.
  static engine_config load_file(const std::string& path);

  /// The compiled-in copies of config/auralis.json and config/presets.json.
  static engine_config load_embedded();

  /// Parses engine config JSON `text`; `file` names it in errors. Presets are not loaded.
  static engine_config parse_engine(const std::string& text, const std::string& file);

  /// Checks cluster.listen: "" or "HOST:PORT" (port 0..65535; 0 = any free port), on a
  /// loopback address unless TLS is set (cluster.tls_certificate, tls_key and tls_ca_file,
  /// all three, existing files) or cluster.allow_remote_plain; throws json_field_error
  /// naming the key otherwise.
  static void check_cluster_listen(const cluster_config& c);

  /// Parses presets JSON `text`; `file` names it in errors.
  static preset_set parse_presets(const std::string& text, const std::string& file);

  /// `presets` with every peak_target_db above `max_true_peak_db` lowered to it (what
  /// load_file and load_embedded apply with audio.max_true_peak_db).
  static preset_set cap_true_peak(const preset_set& presets, double max_true_peak_db);

  /// The keys parse_engine and parse_presets accept, found by parsing the compiled-in
  /// copies of config/auralis.json and config/presets.json under a
  /// json_reader::key_recorder: every key a getter of the loader claims is listed, so the
  /// list cannot differ from what the loader reads. Throws config_error when a copy does
  /// not parse, and std::logic_error when a copy leaves out an optional object or has an
  /// open-ended map with no entry (keys inside it could not be listed then).
  static accepted_key_sets accepted_keys();

  /// As accepted_keys(), from the texts of an engine config and a presets file that hold
  /// every section; `engine_text` is parsed with parse_engine, `presets_text` with
  /// parse_presets. Same errors.
  static accepted_key_sets accepted_keys(const std::string& engine_text,
                                         const std::string& presets_text);

  /// Checks rules that span several keys (budgets add up, cold-start presets exist);
  /// throws config_error naming `file` and the key.
  static void validate(const engine_config& cfg, const std::string& file);
};

/// The text of config/auralis.json as it was when the engine was built.
extern const char* const embedded_engine_json;
/// The text of config/presets.json as it was when the engine was built.
extern const char* const embedded_presets_json;

} // namespace auralis::config
