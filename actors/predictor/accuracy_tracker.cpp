#include "actors/predictor/accuracy_tracker.hpp"

#include <stdexcept>


namespace auralis::actors {

namespace {

constexpr std::int64_t max_json_count = std::int64_t{1} << 53;

double ratio(std::uint64_t part, std::uint64_t whole) {
  return whole == 0 ? 0.0 : static_cast<double>(part) / static_cast<double>(whole);
}

bool top1(int rank) { return rank == 1; }
bool top3(int rank) { return rank >= 1 && rank <= accuracy_tracker::top_k; }

} // namespace

accuracy_tracker::accuracy_tracker(std::size_t window) : window_(window) {
  if (window == 0)
    throw std::invalid_argument("accuracy_tracker: window must be at least 1");
}

void accuracy_tracker::record(int rank) {
  if (rank < 0)
    throw std::invalid_argument("accuracy_tracker: rank must be 0 or more");
  ++switches_;
  top1_hits_ += top1(rank) ? 1 : 0;
  top3_hits_ += top3(rank) ? 1 : 0;
  recent_.push_back(rank);
  while (recent_.size() > window_)
    recent_.pop_front();
}

accuracy_figures accuracy_tracker::figures() const {
  accuracy_figures f;
  f.switches = switches_;
  f.top1_hits = top1_hits_;
  f.top3_hits = top3_hits_;
  f.top1 = ratio(top1_hits_, switches_);
  f.top3 = ratio(top3_hits_, switches_);
  f.recent_switches = recent_.size();
  std::uint64_t r1 = 0, r3 = 0;
  for (int rank : recent_) {
    r1 += top1(rank) ? 1 : 0;
    r3 += top3(rank) ? 1 : 0;
  }
  f.recent_top1 = ratio(r1, recent_.size());
  f.recent_top3 = ratio(r3, recent_.size());
  return f;
}

void accuracy_tracker::clear() {
  switches_ = top1_hits_ = top3_hits_ = 0;
  recent_.clear();
}

void accuracy_tracker::write_json(config::json_writer& w) const {
  w.begin_object()
    .field("switches", switches_)
    .field("top1_hits", top1_hits_)
    .field("top3_hits", top3_hits_)
    .key("recent")
    .begin_array();
  for (int rank : recent_)
    w.value(rank);
  w.end_array().end_object();
}

void accuracy_tracker::read_json(config::json_reader& r) {
  std::int64_t switches = 0, top1_hits = 0, top3_hits = 0;
  r.integer("switches", switches, 0, max_json_count, config::presence::required);
  r.integer("top1_hits", top1_hits, 0, switches, config::presence::required);
  r.integer("top3_hits", top3_hits, top1_hits, switches, config::presence::required);
  std::deque<int> recent;
  simdjson::dom::array arr;
  bool has_recent = false;
  r.each([&](const std::string& key, simdjson::dom::element value) {
    if (key == "recent") {
      if (value.get(arr) != simdjson::SUCCESS)
        throw config::json_field_error(r.path_of("recent"), "must be an array of ranks");
      has_recent = true;
    } else if (key != "switches" && key != "top1_hits" && key != "top3_hits") {
      throw config::json_field_error(r.path_of(key.c_str()), "is not a known key");
    }
  });
  if (!has_recent)
    throw config::json_field_error(r.path_of("recent"), "is required");
  for (auto item : arr) {
    std::int64_t rank = -1;
    if (item.get(rank) != simdjson::SUCCESS || rank < 0 || rank > 1000000)
      throw config::json_field_error(r.path_of("recent"), "ranks must be whole numbers >= 0");
    recent.push_back(static_cast<int>(rank));
  }
  if (recent.size() > static_cast<std::size_t>(switches))
    throw config::json_field_error(r.path_of("recent"), "holds more ranks than switches");
  while (recent.size() > window_)
    recent.pop_front();
  switches_ = static_cast<std::uint64_t>(switches);
  top1_hits_ = static_cast<std::uint64_t>(top1_hits);
  top3_hits_ = static_cast<std::uint64_t>(top3_hits);
  recent_ = std::move(recent);
}

} // namespace auralis::actors
