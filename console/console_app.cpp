#include "console/console_app.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdlib>
#include <cstdio>
#include <iostream>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include <curses.h>
#include <unistd.h>

#include <simdjson.h>

#include "console/console_view.hpp"
#include "console/engine_client.hpp"

namespace auralis::console {

namespace {

using clock = std::chrono::steady_clock;

volatile std::sig_atomic_t stop_signal = 0;

extern "C" void on_stop_signal(int sig) { stop_signal = sig; }

double unix_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch())
    .count();
}

std::string url_encode(const std::string& s) {
  static const char hex[] = "0123456789ABCDEF";
  std::string out;
  for (const unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

/// The `detail` or `message` of a JSON answer, else its first 80 characters.
std::string answer_text(const std::string& body) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(body.data(), body.size()).get(root) == simdjson::SUCCESS) {
    std::string_view s;
    if (root["detail"].get(s) == simdjson::SUCCESS || root["message"].get(s) == simdjson::SUCCESS)
      return std::string(s);
  }
  return body.substr(0, 80);
}

/// The shared state of the UI thread and the poller thread.
struct poller_state {
  std::mutex mutex;
  std::condition_variable wake;
  bool stopping = false;
  std::optional<console_snapshot> snapshot; ///< a new snapshot for the UI
  bool reachable = true;
  std::string failure;                      ///< why the last refresh failed
  clock::time_point next_attempt;
  std::string session_hint;
  std::vector<int> clear_requests;          ///< tiers 1..3 to clear
  std::vector<std::pair<double, std::string>> logs;
};

/// The poller thread: refreshes once a second (backing off 1, 2, 4, 8 s while the engine is
/// unreachable) and runs the cache clears the UI asks for.
void poll(engine_client& client, poller_state& st) {
  auto backoff = std::chrono::seconds(1);
  for (;;) {
    std::string hint;
    std::vector<int> clears;
    {
      std::lock_guard<std::mutex> lock(st.mutex);
      if (st.stopping)
        return;
      hint = st.session_hint;
      clears.swap(st.clear_requests);
    }
    for (const int tier : clears) {
      const std::string name = "l" + std::to_string(tier);
      std::string text;
      try {
        const auto a = client.post("/api/cache/clear/" + name);
        if (a.status == 200)
          text = "clear " + name + ": " + answer_text(a.body);
        else if (a.status == 401)
          text = "clear " + name + ": token needed: start with --token";
        else
          text = "clear " + name + ": failed: " + std::to_string(a.status) + " " +
                 answer_text(a.body);
      } catch (const std::exception& e) {
        text = "clear " + name + ": failed: " + e.what();
      }
      std::lock_guard<std::mutex> lock(st.mutex);
      st.logs.emplace_back(unix_now(), text);
    }
    bool ok = true;
    std::string failure;
    std::optional<console_snapshot> snap;
    try {
      snap = console_app::fetch(client, hint);
    } catch (const std::exception& e) {
      ok = false;
      failure = e.what();
    }
    const auto wait = ok ? std::chrono::seconds(1) : backoff;
    backoff = ok ? std::chrono::seconds(1) : std::min(backoff * 2, std::chrono::seconds(8));
    std::unique_lock<std::mutex> lock(st.mutex);
    st.reachable = ok;
    st.failure = failure;
    if (snap)
      st.snapshot = std::move(snap);
    st.next_attempt = clock::now() + wait;
    st.wake.wait_until(lock, st.next_attempt,
                       [&] { return st.stopping || !st.clear_requests.empty(); });
  }
}

/// The terminal in curses mode for its lifetime; endwin() on every way out.
class curses_screen {
public:
  curses_screen() {
    // newterm, not initscr: an unknown TERM is an error to report, not an exit.
    screen_ = newterm(nullptr, stdout, stdin);
    if (!screen_) {
      const char* term = std::getenv("TERM");
      throw std::runtime_error(std::string("cannot use the terminal (TERM=") +
                               (term ? term : "") + ")");
    }
    set_term(screen_);
    cbreak();
    noecho();
    keypad(stdscr, TRUE);
    timeout(100);
    curs_set(0);
    set_escdelay(25);
    if (has_colors()) {
      start_color();
      use_default_colors();
      init_pair(1, COLOR_GREEN, -1);
      init_pair(2, COLOR_YELLOW, -1);
      init_pair(3, COLOR_RED, -1);
      colors_ = true;
    }
  }
  ~curses_screen() {
    endwin();
    delscreen(screen_);
  }
  curses_screen(const curses_screen&) = delete;
  curses_screen& operator=(const curses_screen&) = delete;

  void paint(const std::vector<screen_line>& lines) {
    erase();
    int height = 0, width = 0;
    getmaxyx(stdscr, height, width);
    for (std::size_t i = 0; i < lines.size() && static_cast<int>(i) < height; ++i) {
      const auto& l = lines[i];
      const attr_t a = attribute(l.style);
      std::string text = l.text;
      const bool fill = l.style == line_style::table_header || l.style == line_style::selected ||
                        l.style == line_style::dialog;
      if (fill && text.size() < static_cast<std::size_t>(width))
        text.resize(static_cast<std::size_t>(width), ' ');
      // The last column of the last line would scroll the screen: leave it out.
      const int n = static_cast<int>(i) == height - 1 ? width - 1 : width;
      attron(a);
      mvaddnstr(static_cast<int>(i), 0, text.c_str(), n);
      attroff(a);
    }
    refresh();
  }

private:
  attr_t attribute(line_style s) const {
    switch (s) {
      case line_style::normal: return A_NORMAL;
      case line_style::title: return A_BOLD;
      case line_style::table_header: return A_REVERSE;
      case line_style::selected: return A_REVERSE | A_BOLD;
      case line_style::good: return colors_ ? COLOR_PAIR(1) : A_NORMAL;
      case line_style::warn: return colors_ ? COLOR_PAIR(2) : A_BOLD;
      case line_style::bad: return (colors_ ? COLOR_PAIR(3) : A_NORMAL) | A_BOLD;
      case line_style::dim: return A_DIM;
      case line_style::dialog: return A_REVERSE | A_BOLD;
    }
    return A_NORMAL;
  }

  SCREEN* screen_ = nullptr;
  bool colors_ = false;
};

/// SIGINT and SIGTERM set stop_signal for the loop (installed before initscr(), so curses
/// leaves them alone); the previous handlers come back at the end.
class stop_signals {
public:
  stop_signals() {
    struct sigaction sa {};
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int_);
    sigaction(SIGTERM, &sa, &old_term_);
  }
  ~stop_signals() {
    sigaction(SIGINT, &old_int_, nullptr);
    sigaction(SIGTERM, &old_term_, nullptr);
  }
  stop_signals(const stop_signals&) = delete;
  stop_signals& operator=(const stop_signals&) = delete;

private:
  struct sigaction old_int_ {};
  struct sigaction old_term_ {};
};

int map_key(int ch) {
  switch (ch) {
    case KEY_UP: return keys::up;
    case KEY_DOWN: return keys::down;
    case KEY_PPAGE: return keys::page_up;
    case KEY_NPAGE: return keys::page_down;
    case KEY_HOME: return keys::home;
    case KEY_END: return keys::end;
    case KEY_ENTER:
    case '\r': return keys::enter;
    case KEY_BACKSPACE:
    case 8: return keys::backspace;
    default: return ch;
  }
}

} // namespace

console_app::console_app(console_options options) : options_(std::move(options)) {}

console_snapshot console_app::fetch(engine_client& client, const std::string& session_hint) {
  console_snapshot snap;
  // With a session named by an event, the stats' prediction block is that session's.
  const auto stats = client.get(session_hint.empty()
                                  ? std::string("/api/cache/stats")
                                  : "/api/cache/stats?session_id=" + url_encode(session_hint));
  if (stats.status != 200)
    throw engine_error("GET /api/cache/stats answered " + std::to_string(stats.status));
  snap.apply_stats(stats.body);
  const auto actors = client.get("/api/actors");
  if (actors.status == 200)
    snap.apply_actors(actors.body);
  std::string session = snap.latest_session();
  if (session.empty())
    session = session_hint;
  if (!session.empty()) {
    const auto p = client.get("/api/cache/predictions?session_id=" + url_encode(session));
    if (p.status == 200)
      snap.apply_predictions(p.body);
  }
  return snap;
}

int console_app::run() {
  std::unique_ptr<engine_client> client;
  try {
    client = std::make_unique<engine_client>(options_.url, options_.token,
                                             std::chrono::milliseconds(2000));
  } catch (const url_error& e) {
    std::cerr << "auralis-buffer console: --url: " << e.what() << "\n";
    return console_bad_target;
  }
  if (options_.once)
    return run_once(*client);
  return run_interactive(*client);
}

std::optional<console_snapshot> console_app::first_snapshot(engine_client& client) const {
  try {
    return fetch(client, {});
  } catch (const engine_error& e) {
    std::cerr << "auralis-buffer console: cannot reach " << options_.url << ": " << e.what()
              << "\n";
  } catch (const snapshot_error& e) {
    std::cerr << "auralis-buffer console: " << options_.url << " is not an auralis-buffer engine: "
              << e.what() << "\n";
  }
  return std::nullopt;
}

int console_app::run_once(engine_client& client) {
  auto first = first_snapshot(client);
  if (!first)
    return console_bad_target;
  auto snap = std::move(*first);
  if (options_.json) {
    std::cout << snap.to_json(options_.url) << "\n";
  } else {
    console_view view(options_.url);
    view.set_connected();
    view.update(std::move(snap));
    for (const auto& l : view.layout(80, 24))
      std::cout << l.text << "\n";
  }
  std::cout.flush();
  return std::cout ? console_ok : console_failure;
}

int console_app::run_interactive(engine_client& client) {
  console_view view(options_.url);
  auto first = first_snapshot(client);
  if (!first)
    return console_bad_target;
  view.update(std::move(*first));
  view.set_connected();
  if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
    std::cerr << "auralis-buffer console: needs a terminal (or --once [--json])\n";
    return console_failure;
  }
  client.start_events();
  poller_state st;
  st.next_attempt = clock::now() + std::chrono::seconds(1);
  std::thread poller;
  // Stops and joins the poller on every way out of this function.
  struct poller_guard {
    poller_state& st;
    std::thread& t;
    ~poller_guard() {
      {
        std::lock_guard<std::mutex> lock(st.mutex);
        st.stopping = true;
      }
      st.wake.notify_all();
      if (t.joinable())
        t.join();
    }
  } guard{st, poller};
  // The first refresh is a second away: the snapshot above is fresh.
  poller = std::thread([&client, &st] {
    {
      std::unique_lock<std::mutex> lock(st.mutex);
      if (st.wake.wait_until(lock, st.next_attempt,
                             [&] { return st.stopping || !st.clear_requests.empty(); }) &&
          st.stopping)
        return;
    }
    poll(client, st);
  });

  stop_signals signals;
  stop_signal = 0;
  curses_screen screen;
  auto last_paint = clock::time_point{};
  bool dirty = true;
  bool events_were_live = false;
  for (;;) {
    if (stop_signal != 0)
      return console_ok;
    const int ch = getch();
    if (ch == KEY_RESIZE) {
      clear();
      dirty = true;
    } else if (ch != ERR) {
      const auto action = view.on_key(map_key(ch));
      dirty = true;
      if (action.what == view_action::kind::quit)
        return console_ok;
      if (action.what == view_action::kind::clear_tier) {
        view.log(unix_now(), "clear l" + std::to_string(action.tier) + ": sent");
        std::lock_guard<std::mutex> lock(st.mutex);
        st.clear_requests.push_back(action.tier);
        st.wake.notify_all();
      }
      continue; // drain typed keys before painting
    }
    for (const auto& e : client.take_events()) {
      view.add_event(e);
      dirty = true;
    }
    const bool live = client.events_live();
    if (live != events_were_live) {
      view.log(unix_now(), live ? "event stream open" : "event stream lost, reconnecting");
      events_were_live = live;
      dirty = true;
    }
    view.set_events_live(live);
    {
      std::lock_guard<std::mutex> lock(st.mutex);
      if (st.snapshot) {
        view.update(std::move(*st.snapshot));
        st.snapshot.reset();
        dirty = true;
      }
      if (st.reachable) {
        view.set_connected();
      } else {
        const auto left = std::chrono::duration<double>(st.next_attempt - clock::now()).count();
        view.set_unreachable(st.failure, static_cast<int>(std::max(0.0, left) + 0.999));
      }
      for (auto& [t, text] : st.logs)
        view.log(t, std::move(text));
      if (!st.logs.empty())
        dirty = true;
      st.logs.clear();
      st.session_hint = view.last_event_session();
    }
    const auto now = clock::now();
    if (dirty || now - last_paint >= std::chrono::milliseconds(500)) {
      int height = 0, width = 0;
      getmaxyx(stdscr, height, width);
      screen.paint(view.layout(width, height));
      last_paint = now;
      dirty = false;
    }
  }
}

} // namespace auralis::console
