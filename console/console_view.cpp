#include "console/console_view.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>

#include <simdjson.h>

namespace auralis::console {

namespace {

/// printf into a std::string.
template <typename... Args>
std::string format(const char* fmt, Args... args) {
  char buf[512];
  const int n = std::snprintf(buf, sizeof buf, fmt, args...);
  if (n <= 0)
    return {};
  return std::string(buf, std::min<std::size_t>(static_cast<std::size_t>(n), sizeof buf - 1));
}

std::string fit(std::string s, int width) {
  if (width <= 0)
    return {};
  if (s.size() > static_cast<std::size_t>(width))
    s.resize(static_cast<std::size_t>(width));
  return s;
}

/// `s` left-aligned in `width` columns (cut when longer).
std::string pad(const std::string& s, std::size_t width) {
  if (s.size() >= width)
    return s.substr(0, width);
  return s + std::string(width - s.size(), ' ');
}

std::string duration_text(double s) {
  const auto t = static_cast<long long>(s < 0 ? 0 : s);
  if (t < 3600)
    return format("%lldm%02llds", t / 60, t % 60);
  if (t < 86400)
    return format("%lldh%02lldm", t / 3600, t % 3600 / 60);
  return format("%lldd%02lldh", t / 86400, t % 86400 / 3600);
}

std::string clock_text(double unix_time) {
  if (!(unix_time > 0) || !std::isfinite(unix_time))
    return "--:--:--";
  const auto t = static_cast<std::time_t>(unix_time);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return format("%02d:%02d:%02d", tm.tm_hour, tm.tm_min, tm.tm_sec);
}

std::string mb(std::uint64_t bytes) { return format("%.1f", static_cast<double>(bytes) / 1e6); }

bool contains(const std::string& hay, const std::string& needle) {
  return needle.empty() || hay.find(needle) != std::string::npos;
}

} // namespace

const char* sort_name(sort_key key) {
  switch (key) {
    case sort_key::mailbox: return "mailbox";
    case sort_key::messages_per_s: return "msgs/s";
    case sort_key::busy: return "busy";
    case sort_key::errors: return "errors";
  }
  return "mailbox";
}

console_view::console_view(std::string url) : url_(std::move(url)) {}

void console_view::update(console_snapshot snap) {
  std::map<std::string, double> rates;
  for (const auto& a : snap.actors) {
    double rate = 0;
    if (have_snapshot_ && snap_.has_actors) {
      const double dt = snap.uptime_s - snap_.uptime_s;
      const auto prev = std::find_if(snap_.actors.begin(), snap_.actors.end(),
                                     [&](const actor_figures& p) { return p.name == a.name; });
      if (prev != snap_.actors.end() && dt > 0 && a.messages >= prev->messages)
        rate = static_cast<double>(a.messages - prev->messages) / dt;
    }
    rates[a.name] = rate;
  }
  rates_ = std::move(rates);
  snap_ = std::move(snap);
  have_snapshot_ = true;
}

void console_view::set_connected() {
  connected_ = true;
  unreachable_reason_.clear();
}

void console_view::set_unreachable(std::string reason, int retry_in_s) {
  connected_ = false;
  unreachable_reason_ = std::move(reason);
  retry_in_s_ = std::max(0, retry_in_s);
}

void console_view::set_events_live(bool live) {
  events_known_ = true;
  events_live_ = live;
}

void console_view::push_event(std::string line, line_style style) {
  events_.push_back({std::move(line), style});
  while (events_.size() > event_log_limit)
    events_.pop_front();
}

void console_view::add_event(std::string_view json) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(json.data(), json.size()).get(root) != simdjson::SUCCESS ||
      root.type() != simdjson::dom::element_type::OBJECT) {
    push_event("--:--:-- unreadable event: " + std::string(json.substr(0, 60)), line_style::warn);
    return;
  }
  auto str = [&](const char* key) {
    std::string_view s;
    return root[key].get(s) == simdjson::SUCCESS ? std::string(s) : std::string();
  };
  auto num = [&](const char* key, double& out) {
    simdjson::dom::element v;
    if (root[key].get(v) != simdjson::SUCCESS)
      return false;
    if (v.is_int64())
      out = static_cast<double>(v.get_int64().value_unsafe());
    else if (v.is_uint64())
      out = static_cast<double>(v.get_uint64().value_unsafe());
    else if (v.is_double())
      out = v.get_double().value_unsafe();
    else
      return false;
    return true;
  };
  double ts = 0;
  num("timestamp", ts);
  std::string type = str("type");
  std::string line = clock_text(ts) + " " + pad(type.empty() ? "event" : type, 18);
  const std::string tier = str("tier");
  if (!tier.empty())
    line += " " + tier;
  double v = 0;
  if (num("track_id", v))
    line += format(" track %.0f", v);
  const std::string preset = str("preset");
  if (!preset.empty()) {
    line += " " + preset;
    if (num("intensity", v))
      line += format("@%g", v);
  }
  if (num("chunk_idx", v))
    line += format(" chunk %.0f", v);
  const std::string session = str("session_id");
  if (!session.empty()) {
    line += " session " + session;
    last_event_session_ = session;
  }
  const std::string mode = str("mode");
  if (!mode.empty())
    line += " mode " + mode;
  if (num("clients", v))
    line += format(" clients %.0f", v);
  while (!line.empty() && line.back() == ' ')
    line.pop_back();
  push_event(std::move(line), line_style::normal);
}

void console_view::log(double unix_time, std::string text) {
  push_event(clock_text(unix_time) + " " + text, line_style::warn);
}

std::vector<actor_row> console_view::rows() const {
  std::vector<actor_row> out;
  for (const auto& a : snap_.actors) {
    if (!contains(a.name, filter_))
      continue;
    const auto r = rates_.find(a.name);
    out.push_back({a, r == rates_.end() ? 0.0 : r->second});
  }
  auto metric = [this](const actor_row& r) {
    switch (sort_) {
      case sort_key::mailbox: return static_cast<double>(r.figures.mailbox);
      case sort_key::messages_per_s: return r.messages_per_s;
      case sort_key::busy: return r.figures.busy_share;
      case sort_key::errors: return static_cast<double>(r.figures.errors);
    }
    return 0.0;
  };
  std::stable_sort(out.begin(), out.end(), [&](const actor_row& a, const actor_row& b) {
    const double ma = metric(a), mb = metric(b);
    if (ma != mb)
      return ma > mb;
    return a.figures.name < b.figures.name;
  });
  return out;
}

std::size_t console_view::selected() const {
  const auto r = rows();
  for (std::size_t i = 0; i < r.size(); ++i)
    if (r[i].figures.name == selected_name_)
      return i;
  return 0;
}

void console_view::move_selection(long delta) {
  const auto r = rows();
  if (r.empty())
    return;
  const long last = static_cast<long>(r.size()) - 1;
  const long next = std::clamp(static_cast<long>(selected()) + delta, 0L, last);
  selected_name_ = r[static_cast<std::size_t>(next)].figures.name;
}

int console_view::selected_tier_actor() const {
  const auto r = rows();
  if (r.empty())
    return 0;
  const std::string& name = r[selected()].figures.name;
  for (int t = 1; t <= 3; ++t)
    if (name == "tier-l" + std::to_string(t))
      return t;
  return 0;
}

view_action console_view::on_key(int key) {
  switch (dialog_) {
    case dialog_kind::help:
      dialog_ = dialog_kind::none;
      if (key == 'q')
        return {view_action::kind::quit, 0};
      return {};
    case dialog_kind::filter:
      if (key == keys::enter || key == '\r') {
        filter_ = filter_draft_;
        dialog_ = dialog_kind::none;
      } else if (key == keys::escape) {
        dialog_ = dialog_kind::none;
      } else if (key == keys::backspace || key == '\b') {
        if (!filter_draft_.empty())
          filter_draft_.pop_back();
      } else if (key >= 0x20 && key < 0x7f && filter_draft_.size() < 64) {
        filter_draft_ += static_cast<char>(key);
      }
      return {};
    case dialog_kind::pick_tier:
      if (key >= '1' && key <= '3') {
        dialog_tier_ = key - '0';
        dialog_ = dialog_kind::confirm_clear;
      } else if ((key == keys::enter || key == '\r') && dialog_tier_ != 0) {
        dialog_ = dialog_kind::confirm_clear;
      } else if (key == keys::escape || key == 'n' || key == 'q') {
        dialog_ = dialog_kind::none;
        dialog_tier_ = 0;
      }
      return {};
    case dialog_kind::confirm_clear:
      if (key == 'y' || key == 'Y') {
        const int tier = dialog_tier_;
        dialog_ = dialog_kind::none;
        dialog_tier_ = 0;
        return {view_action::kind::clear_tier, tier};
      }
      if (key == 'n' || key == 'N' || key == keys::escape || key == 'q') {
        dialog_ = dialog_kind::none;
        dialog_tier_ = 0;
      }
      return {};
    case dialog_kind::none:
      break;
  }
  switch (key) {
    case 'q':
    case 'Q': return {view_action::kind::quit, 0};
    case '?':
    case 'h': dialog_ = dialog_kind::help; break;
    case 'm': sort_ = sort_key::mailbox; break;
    case 's': sort_ = sort_key::messages_per_s; break;
    case 'b': sort_ = sort_key::busy; break;
    case 'e': sort_ = sort_key::errors; break;
    case '/':
      filter_draft_.clear();
      dialog_ = dialog_kind::filter;
      break;
    case keys::escape: filter_.clear(); break;
    case 'c':
      dialog_tier_ = selected_tier_actor();
      dialog_ = dialog_kind::pick_tier;
      break;
    case keys::up:
    case 'k': move_selection(-1); break;
    case keys::down:
    case 'j': move_selection(1); break;
    case keys::page_up: move_selection(-10); break;
    case keys::page_down: move_selection(10); break;
    case keys::home:
    case 'g': move_selection(-1000000); break;
    case keys::end:
    case 'G': move_selection(1000000); break;
    default: break;
  }
  return {};
}

std::string console_view::tier_bar(const std::string& label, const tier_figures& t, int width,
                                   int fixed_cells) {
  const double fill =
    t.budget_bytes ? static_cast<double>(t.bytes) / static_cast<double>(t.budget_bytes) : 0.0;
  const std::string suffix =
    format(" %s/%s MB %3.0f%%  hits %llu  evictions %llu", mb(t.bytes).c_str(),
           mb(t.budget_bytes).c_str(), fill * 100, static_cast<unsigned long long>(t.hits),
           static_cast<unsigned long long>(t.evictions));
  const std::string prefix = label + " [";
  const int room = width - static_cast<int>(prefix.size() + suffix.size()) - 2;
  const int cells = fixed_cells > 0 ? fixed_cells : std::clamp(room, 10, 60);
  const int filled = std::clamp(static_cast<int>(std::lround(fill * cells)), 0, cells);
  std::string bar = prefix + std::string(static_cast<std::size_t>(filled), '#') +
                    std::string(static_cast<std::size_t>(cells - filled), '.') +
                    (t.bytes > t.budget_bytes ? "!]" : "|]") + suffix;
  return fit(std::move(bar), width);
}

screen_line console_view::header_line(int width) const {
  if (!have_snapshot_)
    return {"auralis-buffer console: waiting for the first answer", line_style::title};
  std::string s = "up " + (snap_.has_actors ? duration_text(snap_.uptime_s) : std::string("-"));
  s += "  RSS " + mb(snap_.rss_bytes) + " MB";
  s += snap_.has_actors ? format("  CPU %.0f%%", snap_.cpu_share * 100) : std::string("  CPU -");
  s += format("  sessions %llu  hit rate %.1f%%", static_cast<unsigned long long>(snap_.sessions),
              snap_.hit_rate * 100);
  const auto modes = snap_.modes();
  std::string m;
  for (const auto& x : modes)
    m += (m.empty() ? "" : ",") + x;
  s += (modes.size() > 1 ? "  modes " : "  mode ") + (m.empty() ? std::string("-") : m);
  if (width > 110 && snap_.has_actors)
    s += format("  threads %llu", static_cast<unsigned long long>(snap_.threads));
  return {s, line_style::title};
}

screen_line console_view::connection_line() const {
  if (!connected_ && !unreachable_reason_.empty())
    return {format("engine unreachable: %s, retrying in %ds", unreachable_reason_.c_str(),
                   retry_in_s_),
            line_style::bad};
  if (!connected_)
    return {"connecting to " + url_, line_style::warn};
  std::string s = "connected to " + url_;
  if (events_known_)
    s += events_live_ ? "  events: live" : "  events: reconnecting";
  return {s, line_style::good};
}

std::vector<screen_line> console_view::actor_lines(int width, int rows_room) const {
  std::vector<screen_line> out;
  const auto r = rows();
  if (!have_snapshot_ || !snap_.has_actors) {
    std::string title = std::string("ACTORS  sort: ") + sort_name(sort_);
    if (!filter_.empty())
      title += "  filter: " + filter_;
    out.push_back({title, line_style::title});
    out.push_back({have_snapshot_ ? "actors: not served by this engine" : "actors: -",
                   line_style::dim});
    return out;
  }
  std::string title = format("ACTORS %zu/%zu  sort: %s", r.size(), snap_.actors.size(),
                             sort_name(sort_));
  if (!filter_.empty())
    title += "  filter: " + filter_;
  if (r.size() > static_cast<std::size_t>(std::max(rows_room, 0)))
    title += "  (j/k scroll)";
  out.push_back({title, line_style::title});
  const bool wide = width >= 110;
  // Fixed columns: MAILBOX 8, MSGS/S 10, BUSY% 7, P99MS 9, ERR 5 (+ KIND 10, MAX 6 when wide).
  const int fixed = 39 + (wide ? 16 : 0);
  const auto name_w = static_cast<std::size_t>(std::max(8, std::min(width - fixed, 40)));
  auto mark = [this](sort_key k, const char* label) {
    return std::string(sort_ == k ? "*" : "") + label;
  };
  std::string head = pad("NAME", name_w);
  if (wide)
    head += " " + pad("KIND", 9);
  head += format("%8s", mark(sort_key::mailbox, "MAILBOX").c_str());
  if (wide)
    head += format("%6s", "MAX");
  head += format("%10s%7s%9s%5s", mark(sort_key::messages_per_s, "MSGS/S").c_str(),
                 mark(sort_key::busy, "BUSY%").c_str(), "P99MS",
                 mark(sort_key::errors, "ERR").c_str());
  if (wide)
    head += "  LAST ERROR";
  out.push_back({fit(head, width), line_style::table_header});
  if (r.empty()) {
    out.push_back({!filter_.empty()            ? "(no actor matches '" + filter_ + "')"
                   : !snap_.actors_measured ? std::string("actors: not measured by this engine "
                                                          "(server.introspection is off)")
                                            : std::string("(no actors)"),
                   line_style::dim});
    return out;
  }
  const std::size_t room = static_cast<std::size_t>(std::max(rows_room, 1));
  const std::size_t sel = selected();
  const std::size_t first = sel < room ? 0 : sel - room + 1;
  for (std::size_t i = first; i < r.size() && i < first + room; ++i) {
    const auto& a = r[i].figures;
    std::string line = pad(a.name, name_w);
    if (wide)
      line += format("%8s", a.kind.substr(0, 7).c_str());
    line += format("%8llu", static_cast<unsigned long long>(a.mailbox));
    if (wide)
      line += format("%6llu", static_cast<unsigned long long>(a.mailbox_max));
    line += format("%10.1f%7.1f%9.3f%5llu", r[i].messages_per_s, a.busy_share * 100,
                   a.processing_p99_ms, static_cast<unsigned long long>(a.errors));
    if (wide && !a.last_error.empty())
      line += "  " + a.last_error;
    line_style style = a.errors ? line_style::bad
                       : a.mailbox > 0 ? line_style::warn
                                       : line_style::normal;
    if (i == sel)
      style = line_style::selected;
    out.push_back({fit(line, width), style});
  }
  return out;
}

std::vector<screen_line> console_view::pool_lines() const {
  const auto& p = snap_.pool;
  auto n = [](std::uint64_t v) { return static_cast<unsigned long long>(v); };
  std::string a = format("POOL queued imm %llu l1 %llu l2 %llu l3 %llu bg %llu | ", n(p.queued[0]),
                         n(p.queued[1]), n(p.queued[2]), n(p.queued[3]), n(p.queued[4]));
  std::string b = "    ";
  if (snap_.pool_detail) {
    a += format("in flight %llu done %llu", n(p.in_flight), n(p.completed));
    b += format(" failed %llu  timed out %llu  workers", n(p.failed), n(p.timed_out));
    if (p.workers.empty())
      b += " -";
    for (const auto& x : p.workers) {
      if (!x.host.empty())
        continue;
      std::string name = x.name;
      if (name.rfind("worker-", 0) == 0)
        name = "w" + name.substr(7);
      b += format("  %s %.0f%%", name.c_str(), x.busy_share * 100);
    }
    for (const auto& h : remote_hosts(p.workers))
      b += h.round_trip_ms >= 0
             ? format("  %s x%zu %llu jobs %.0f%% rt %.1fms", h.host.c_str(), h.threads,
                      n(h.jobs), h.busy_share * 100, h.round_trip_ms)
             : format("  %s x%zu %llu jobs %.0f%%", h.host.c_str(), h.threads, n(h.jobs),
                      h.busy_share * 100);
  } else {
    a += format("busy %llu of %llu workers", n(p.in_flight), n(p.worker_count));
    b += " per-job and per-worker figures need GET /api/actors";
  }
  const bool failing = p.failed || p.timed_out;
  return {{a, line_style::normal}, {b, failing ? line_style::warn : line_style::normal}};
}

screen_line console_view::prediction_line() const {
  std::string s = "PREDICT ";
  if (!snap_.predictions_session.empty()) {
    s += snap_.predictions_session + " " +
         (snap_.current_preset.empty() ? std::string("-") : snap_.current_preset) + " ->";
    if (snap_.predictions.empty())
      s += " (none)";
    for (const auto& p : snap_.predictions)
      s += format(" %s %.0f%%", p.preset.c_str(), p.probability * 100);
  } else if (!snap_.session_list.empty()) {
    for (const auto& x : snap_.session_list)
      s += format("%s %s %.0f%%  ", x.session_id.c_str(), x.mode.c_str(), x.accuracy * 100);
  } else {
    s += "no live session";
  }
  s += format("  accuracy %.0f%%", snap_.accuracy * 100);
  return {s, line_style::normal};
}

screen_line console_view::footer_line() const {
  if (dialog_ == dialog_kind::filter)
    return {"filter: " + filter_draft_ + "_   Enter applies, Esc cancels", line_style::dialog};
  return {"q quit  ? help  m/s/b/e sort  / filter  j/k move  c clear tier", line_style::table_header};
}

std::vector<screen_line> console_view::help_lines() const {
  return {
    {" Keys", line_style::dialog},
    {"   q          quit (the terminal is restored)", line_style::dialog},
    {"   ?  h       this help; any key closes it", line_style::dialog},
    {"   m          sort actors by mailbox depth", line_style::dialog},
    {"   s          sort actors by messages per second", line_style::dialog},
    {"   b          sort actors by busy share", line_style::dialog},
    {"   e          sort actors by errors", line_style::dialog},
    {"   /          filter actors by name: type, Enter applies, Esc cancels", line_style::dialog},
    {"   Esc        drop the filter", line_style::dialog},
    {"   j k  Up Dn move the selection (PgUp PgDn g G: further)", line_style::dialog},
    {"   c  1/2/3   clear a tier (Enter: the selected tier actor's); y confirms", line_style::dialog},
    {" Refreshed every second; events arrive as they happen", line_style::dialog},
  };
}

std::vector<screen_line> console_view::layout(int width, int height) const {
  std::vector<screen_line> out;
  if (width <= 0 || height <= 0)
    return out;
  // Fixed lines: header 2, actors title and column names 2, pool 2, tiers 3, predictions 1,
  // events title 1, footer 1. The rest is shared by actor rows and the event log.
  const int fixed = 12;
  const int rest = std::max(0, height - fixed);
  const int actor_count = static_cast<int>(rows().size());
  int actor_room = 1;
  if (have_snapshot_ && snap_.has_actors)
    actor_room = std::max(1, std::min(std::max(actor_count, 1), rest - std::max(2, rest / 3)));
  const int event_room = std::max(0, rest - actor_room);

  out.push_back(header_line(width));
  out.push_back(connection_line());
  for (auto& l : actor_lines(width, actor_room))
    out.push_back(std::move(l));
  while (out.size() < static_cast<std::size_t>(4 + actor_room))
    out.push_back({"", line_style::normal});
  for (auto& l : pool_lines())
    out.push_back(std::move(l));
  static const char* const labels[3] = {"L1", "L2", "L3"};
  // The three bars get the cells of the narrowest, so their budget marks line up.
  int cells = 60;
  for (std::size_t i = 0; i < 3; ++i) {
    const std::string natural = tier_bar(labels[i], snap_.tiers[i], std::min(width, 120));
    cells = std::min(cells, static_cast<int>(natural.find(']')) - 5);
  }
  cells = std::max(cells, 10);
  for (std::size_t i = 0; i < 3; ++i) {
    const auto& t = snap_.tiers[i];
    const double fill = t.budget_bytes ? static_cast<double>(t.bytes) /
                                           static_cast<double>(t.budget_bytes)
                                       : 0.0;
    out.push_back({tier_bar(labels[i], t, std::min(width, 120), cells),
                   fill > 1 ? line_style::bad : fill > 0.9 ? line_style::warn : line_style::good});
  }
  out.push_back(prediction_line());
  out.push_back({"EVENTS (UTC)", line_style::title});
  const std::size_t shown = std::min(events_.size(), static_cast<std::size_t>(event_room));
  for (std::size_t i = events_.size() - shown; i < events_.size(); ++i)
    out.push_back(events_[i]);
  while (out.size() + 1 < static_cast<std::size_t>(height) &&
         out.size() < static_cast<std::size_t>(fixed - 1 + actor_room + event_room))
    out.push_back({"", line_style::normal});
  if (out.size() + 1 > static_cast<std::size_t>(height))
    out.resize(static_cast<std::size_t>(height - 1));
  out.push_back(footer_line());

  // Dialogs overlay the middle of the screen.
  std::vector<screen_line> box;
  if (dialog_ == dialog_kind::help) {
    box = help_lines();
  } else if (dialog_ == dialog_kind::pick_tier) {
    box = {{"", line_style::dialog},
           {dialog_tier_ ? format("  Clear which tier? 1 L1  2 L2  3 L3  Enter L%d  Esc cancels",
                                  dialog_tier_)
                         : std::string("  Clear which tier? 1 L1  2 L2  3 L3  Esc cancels"),
            line_style::dialog},
           {"", line_style::dialog}};
  } else if (dialog_ == dialog_kind::confirm_clear) {
    box = {{"", line_style::dialog},
           {format("  Clear L%d? y/n", dialog_tier_), line_style::dialog},
           {"", line_style::dialog}};
  }
  if (!box.empty() && out.size() > 2) {
    const std::size_t room = out.size() - 2; // keep the header and the footer
    const std::size_t n = std::min(box.size(), room);
    const std::size_t top = 1 + (room - n) / 2;
    for (std::size_t i = 0; i < n; ++i)
      out[top + i] = box[i];
  }
  for (auto& l : out)
    l.text = fit(std::move(l.text), width);
  return out;
}

} // namespace auralis::console
