#define BOOST_TEST_MODULE configuration_reference
#include <boost/test/unit_test.hpp>

#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "config/config_loader.hpp"
#include "config/json_reader.hpp"

// docs/configuration.md must list exactly the keys the loader accepts. The accepted keys
// come from the loader itself (config_loader::accepted_keys records every key its getters
// claim while it parses the shipped files); the documented keys come from the doc's key
// tables, whose format is described in the HTML comment at the top of the doc.

using auralis::config::accepted_key_sets;
using auralis::config::config_loader;
using auralis::config::json_reader;

namespace {

/// The documented keys of each table kind ("engine", "presets", "scenario"), normalised.
using documented_keys = std::map<std::string, std::set<std::string>>;

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  BOOST_REQUIRE_MESSAGE(in, "cannot open " + path);
  std::ostringstream os;
  os << in.rdbuf();
  return os.str();
}

std::string trim(const std::string& s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string::npos)
    return "";
  return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

/// The cells of a table row "| a | b |" (outer pipes dropped, each cell trimmed).
std::vector<std::string> cells_of(const std::string& line) {
  std::vector<std::string> cells;
  std::string body = trim(line);
  if (!body.empty() && body.front() == '|')
    body.erase(0, 1);
  if (!body.empty() && body.back() == '|')
    body.pop_back();
  std::size_t start = 0;
  while (true) {
    const auto bar = body.find('|', start);
    cells.push_back(trim(body.substr(start, bar == std::string::npos ? std::string::npos
                                                                     : bar - start)));
    if (bar == std::string::npos)
      break;
    start = bar + 1;
  }
  return cells;
}

/// A documented key in the loader's spelling of patterns. The doc may name the
/// placeholders for the reader's sake: any word in angle brackets (an open-ended map's
/// key, such as a preset name: `predictor.cold_start.<preset>`) is the loader's "<name>",
/// and anything in square brackets (an array item: `presets[i]`, `presets[N]`) is "[i]".
std::string normalised(const std::string& key) {
  std::string out;
  for (std::size_t i = 0; i < key.size(); ++i) {
    const char open = key[i];
    if (open == '<' || open == '[') {
      const auto close = key.find(open == '<' ? '>' : ']', i);
      if (close != std::string::npos) {
        out += open == '<' ? "<name>" : "[i]";
        i = close;
        continue;
      }
    }
    out += open;
  }
  return out;
}

/// Reads the key tables of the doc at `path`; fails the test on a malformed row or a key
/// documented twice.
documented_keys read_doc(const std::string& path) {
  static const std::map<std::string, std::string> headers{
    {"engine key", "engine"}, {"presets key", "presets"}, {"scenario key", "scenario"}};
  documented_keys out;
  std::istringstream in(read_text(path));
  std::string line;
  std::string table;   // kind of the table being read; empty outside key tables
  bool header = false; // the separator row after the header is next
  bool fenced = false; // inside a ``` block
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    const auto where = path + ":" + std::to_string(number) + ": ";
    const auto text = trim(line);
    if (text.compare(0, 3, "```") == 0) {
      fenced = !fenced;
      table.clear();
      continue;
    }
    if (fenced || text.empty() || text.front() != '|') {
      table.clear();
      continue;
    }
    const auto cells = cells_of(text);
    if (table.empty()) {
      if (auto it = headers.find(cells.front()); it != headers.end()) {
        BOOST_TEST(cells.size() == 5u, where + "a key table has five columns");
        table = it->second;
        out[table]; // a table without rows still counts as present
        header = true;
      }
      continue;
    }
    if (header) { // the | --- | row
      header = false;
      continue;
    }
    BOOST_TEST(cells.size() == 5u, where + "a key row has five cells (key, type, default, "
                                           "range, effect)");
    const auto& cell = cells.front();
    const auto open = cell.find('`');
    const auto close = open == std::string::npos ? open : cell.find('`', open + 1);
    if (open != 0 || close == std::string::npos) {
      BOOST_ERROR(where + "the key cell must start with the key in backticks: " + cell);
      continue;
    }
    const auto key = normalised(cell.substr(1, close - 1));
    BOOST_TEST(out[table].insert(key).second, where + "documented twice: " + key);
  }
  return out;
}

const documented_keys& doc() {
  static const documented_keys keys =
    read_doc(std::string(AURALIS_SOURCE_DIR) + "/docs/configuration.md");
  return keys;
}

const accepted_key_sets& accepted() {
  static const accepted_key_sets keys = config_loader::accepted_keys();
  return keys;
}

/// Checks both directions, naming every key that is on one side only.
void expect_same(const std::set<std::string>& accepted_keys,
                 const std::set<std::string>& documented, const std::string& file) {
  for (const auto& key : accepted_keys)
    BOOST_TEST(documented.count(key) == 1u,
               file + ": the loader accepts '" + key + "' but docs/configuration.md does "
                      "not document it");
  for (const auto& key : documented)
    BOOST_TEST(accepted_keys.count(key) == 1u,
               file + ": docs/configuration.md documents '" + key + "' but the loader "
                      "does not accept it");
}

} // namespace

BOOST_AUTO_TEST_CASE(every_engine_key_is_documented_and_every_documented_one_accepted) {
  BOOST_REQUIRE(doc().count("engine") == 1u);
  BOOST_TEST(!accepted().engine.empty());
  expect_same(accepted().engine, doc().at("engine"), "auralis.json");
}

BOOST_AUTO_TEST_CASE(every_presets_key_is_documented_and_every_documented_one_accepted) {
  BOOST_REQUIRE(doc().count("presets") == 1u);
  BOOST_TEST(!accepted().presets.empty());
  expect_same(accepted().presets, doc().at("presets"), "presets.json");
}

BOOST_AUTO_TEST_CASE(the_files_in_the_source_tree_accept_the_same_keys_as_the_compiled_in_copies) {
  const std::string dir = std::string(AURALIS_SOURCE_DIR) + "/config/";
  const auto from_files = config_loader::accepted_keys(read_text(dir + "auralis.json"),
                                                       read_text(dir + "presets.json"));
  BOOST_TEST(from_files.engine == accepted().engine);
  BOOST_TEST(from_files.presets == accepted().presets);
}

// What the list is made of: leaves only, pairs as one key, patterns for names and items.
BOOST_AUTO_TEST_CASE(accepted_keys_are_leaf_patterns) {
  const auto& engine = accepted().engine;
  BOOST_TEST(engine.count("tiers.l1_mb") == 1u);
  BOOST_TEST(engine.count("planner.l1_chunks") == 1u);
  BOOST_TEST(engine.count("predictor.cold_start.<name>") == 1u);
  BOOST_TEST(engine.count("predictor.cold_start.adaptive") == 0u);
  BOOST_TEST(engine.count("tiers") == 0u);
  BOOST_TEST(engine.count("predictor.cold_start") == 0u);
  const auto& presets = accepted().presets;
  BOOST_TEST(presets.count("presets[i].eq.low_db") == 1u);
  BOOST_TEST(presets.count("presets[i].name") == 1u);
  BOOST_TEST(presets.count("presets") == 0u);
  BOOST_TEST(presets.count("presets[i].eq") == 0u);
}

// A document that leaves a section out cannot list the keys inside it: refused rather
// than giving a short list.
BOOST_AUTO_TEST_CASE(a_document_without_every_section_is_refused) {
  const std::string presets = auralis::config::embedded_presets_json;
  BOOST_CHECK_THROW(config_loader::accepted_keys("{}", presets), std::logic_error);
  BOOST_CHECK_THROW(
    config_loader::accepted_keys(R"({"server": {}, "paths": {}, "audio": {}, "tiers": {},
      "workers": {}, "opus": {}, "planner": {}, "predictor": {"cold_start": {}}})",
                                 presets),
    std::logic_error);
  BOOST_CHECK_THROW(
    config_loader::accepted_keys(R"({"server": {}, "paths": {}, "audio": {}, "tiers": {},
      "workers": {}, "opus": {}, "planner": {}, "predictor": {"cold_start": {"warm": 1}}})",
                                 presets),
    std::logic_error);
  BOOST_CHECK_NO_THROW(
    config_loader::accepted_keys(R"({"server": {}, "paths": {}, "audio": {}, "tiers": {},
      "workers": {}, "cluster": {}, "opus": {}, "planner": {},
      "predictor": {"cold_start": {"warm": 1}}})",
                                 presets));
}

BOOST_AUTO_TEST_CASE(the_recorder_records_only_while_it_lives_and_nests) {
  const std::string text = R"({"tiers": {"l1_mb": 20}, "predictor": {"cold_start": {"warm": 1}}})";
  json_reader::key_recorder outer;
  {
    json_reader::key_recorder inner;
    config_loader::parse_engine(text, "x.json");
    BOOST_TEST(inner.values().count("tiers.l1_mb") == 1u);
    BOOST_TEST(inner.values().count("tiers.l2_mb") == 1u); // claimed though absent
    BOOST_TEST(inner.values().count("predictor.cold_start.warm") == 1u);
    BOOST_TEST(inner.maps().count("predictor.cold_start") == 1u);
    BOOST_TEST(inner.containers().count("tiers") == 1u);
    BOOST_TEST(inner.absent().count("server") == 1u);
    BOOST_TEST(inner.patterns().count("predictor.cold_start.<name>") == 1u);
  }
  BOOST_TEST(outer.values().empty());
  config_loader::parse_engine(R"({"opus": {}})", "x.json");
  BOOST_TEST(outer.values().count("opus.complexity") == 1u);
}

BOOST_AUTO_TEST_CASE(doc_keys_name_their_placeholders_freely) {
  BOOST_TEST(normalised("predictor.cold_start.<preset>") == "predictor.cold_start.<name>");
  BOOST_TEST(normalised("presets[N].eq.low_db") == "presets[i].eq.low_db");
  BOOST_TEST(normalised("tiers.l1_mb") == "tiers.l1_mb");
}
