#include "actors/predictor/transition_model.hpp"

#include <algorithm>
#include <numeric>
#include <stdexcept>

#include "config/json_reader.hpp"

namespace auralis::actors {

namespace {

constexpr std::int64_t max_json_count = std::int64_t{1} << 53;

std::uint64_t row_sum(const std::vector<std::uint64_t>& row) {
  return std::accumulate(row.begin(), row.end(), std::uint64_t{0});
}

} // namespace

transition_model::transition_model(const config::preset_set& presets,
                                   const std::map<std::string, double>& cold_start,
                                   std::uint64_t row_total_limit)
  : names_(presets.names()), defaults_(names_.size(), 0.0),
    counts_(names_.size(), std::vector<std::uint64_t>(names_.size(), 0)),
    row_total_limit_(row_total_limit) {
  if (row_total_limit < 2)
    throw std::invalid_argument("transition_model: row_total_limit must be at least 2");
  for (std::size_t i = 0; i < names_.size(); ++i)
    if (auto it = cold_start.find(names_[i]); it != cold_start.end())
      defaults_[i] = it->second;
}

void transition_model::record(std::size_t from, std::size_t to) {
  if (from >= names_.size() || to >= names_.size() || from == to)
    throw std::invalid_argument("transition_model: a switch needs two different known presets");
  ++counts_[from][to];
  halve_if_full(from);
}

void transition_model::halve_if_full(std::size_t from) {
  auto& row = counts_[from];
  while (row_sum(row) >= row_total_limit_)
    for (auto& c : row)
      c /= 2;
}

std::uint64_t transition_model::count(std::size_t from, std::size_t to) const {
  if (from >= names_.size() || to >= names_.size())
    return 0;
  return counts_[from][to];
}

std::uint64_t transition_model::total_from(std::size_t from) const {
  return from < names_.size() ? row_sum(counts_[from]) : 0;
}

std::uint64_t transition_model::total() const {
  std::uint64_t sum = 0;
  for (const auto& row : counts_)
    sum += row_sum(row);
  return sum;
}

std::vector<double> transition_model::cold_start(std::size_t from) const {
  const std::size_t n = names_.size();
  std::vector<double> out(n, 0.0);
  double sum = 0;
  for (std::size_t i = 0; i < n; ++i)
    if (i != from)
      sum += defaults_[i];
  for (std::size_t i = 0; i < n; ++i) {
    if (i == from)
      continue;
    out[i] = sum > 0 ? defaults_[i] / sum : 1.0 / static_cast<double>(n - (from < n ? 1 : 0));
  }
  return out;
}

std::vector<double> transition_model::probabilities(std::size_t from,
                                                    const std::vector<bool>& recent,
                                                    double boost) const {
  if (!knows(from))
    return cold_start(from);
  const auto& row = counts_[from];
  std::vector<double> out(row.size(), 0.0);
  double sum = 0;
  for (std::size_t i = 0; i < row.size(); ++i) {
    double w = static_cast<double>(row[i]);
    if (i < recent.size() && recent[i])
      w *= boost;
    out[i] = w;
    sum += w;
  }
  for (auto& p : out)
    p /= sum;
  return out;
}

std::vector<std::size_t> transition_model::ranking(const std::vector<double>& probabilities,
                                                   std::size_t from) const {
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < names_.size(); ++i)
    if (i != from)
      order.push_back(i);
  auto prob = [&](std::size_t i) { return i < probabilities.size() ? probabilities[i] : 0.0; };
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    if (prob(a) != prob(b))
      return prob(a) > prob(b);
    return defaults_[a] > defaults_[b];
  });
  return order;
}

std::uint64_t transition_model::clear() {
  const auto forgotten = total();
  for (auto& row : counts_)
    std::fill(row.begin(), row.end(), 0);
  return forgotten;
}

void transition_model::write_json(config::json_writer& w) const {
  w.begin_object();
  for (std::size_t from = 0; from < names_.size(); ++from) {
    if (!knows(from))
      continue;
    w.key(names_[from]).begin_object();
    for (std::size_t to = 0; to < names_.size(); ++to)
      if (counts_[from][to] > 0)
        w.field(names_[to], counts_[from][to]);
    w.end_object();
  }
  w.end_object();
}

std::vector<std::string> transition_model::read_json(config::json_reader& rows) {
  const std::size_t n = names_.size();
  std::vector<std::vector<std::uint64_t>> loaded(n, std::vector<std::uint64_t>(n, 0));
  std::vector<std::string> unknown;
  auto note_unknown = [&](const std::string& name) {
    if (std::find(unknown.begin(), unknown.end(), name) == unknown.end())
      unknown.push_back(name);
  };
  rows.each([&](const std::string& from_name, simdjson::dom::element row_el) {
    config::json_reader row(row_el, rows.path_of(from_name.c_str()));
    const auto from = std::find(names_.begin(), names_.end(), from_name) - names_.begin();
    row.each([&](const std::string& to_name, simdjson::dom::element) {
      std::int64_t c = 0;
      row.integer(to_name.c_str(), c, 1, max_json_count, config::presence::required);
      const auto to = std::find(names_.begin(), names_.end(), to_name) - names_.begin();
      if (from_name == to_name)
        throw config::json_field_error(row.path_of(to_name.c_str()),
                                       "a preset cannot switch to itself");
      if (static_cast<std::size_t>(from) == n) {
        note_unknown(from_name);
        return;
      }
      if (static_cast<std::size_t>(to) == n) {
        note_unknown(to_name);
        return;
      }
      loaded[static_cast<std::size_t>(from)][static_cast<std::size_t>(to)] =
        static_cast<std::uint64_t>(c);
    });
  });
  counts_ = std::move(loaded);
  for (std::size_t from = 0; from < n; ++from)
    halve_if_full(from);
  return unknown;
}

} // namespace auralis::actors
