#pragma once

#include <cstddef>
#include <deque>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "console/console_snapshot.hpp"

namespace auralis::console {

/// How the terminal paints a line of the screen.
enum class line_style {
  normal,
  title,        ///< bold: the header and the section titles
  table_header, ///< reversed: the actors' column names and the footer
  selected,     ///< reversed: the selected actor row
  good,         ///< green: connected, a tier well within its budget
  warn,         ///< yellow: a tier near its budget, a waiting mailbox
  bad,          ///< red: unreachable, errors, a tier over its budget
  dim,          ///< the console's own messages
  dialog,       ///< reversed and bold: the help overlay and the questions
};

/// One line of the screen: text no wider than the layout's width, and its style.
struct screen_line {
  std::string text;
  line_style style = line_style::normal;
};

/// The actors table's sort order (always descending; ties by name).
enum class sort_key { mailbox, messages_per_s, busy, errors };

/// The name a sort order shows in the table's title ("mailbox", "msgs/s", "busy", "errors").
const char* sort_name(sort_key key);

/// What covers or interrupts the screen, and so where keys go.
enum class dialog_kind {
  none,
  help,          ///< `?`: every key; any key closes it (`q` still quits)
  filter,        ///< `/`: typing a name filter; Enter applies, Esc cancels
  pick_tier,     ///< `c`: which tier to clear, 1/2/3 (Enter: the selected tier actor's)
  confirm_clear, ///< "Clear L2? y/n"
};

/// The keys on_key understands beyond printable characters (what console_app maps the
/// terminal's keys to).
namespace keys {
constexpr int enter = '\n';
constexpr int escape = 27;
constexpr int backspace = 0x7f;
constexpr int up = 0x1001;
constexpr int down = 0x1002;
constexpr int page_up = 0x1003;
constexpr int page_down = 0x1004;
constexpr int home = 0x1005;
constexpr int end = 0x1006;
} // namespace keys

/// What a key asks the program to do beyond changing the view.
struct view_action {
  enum class kind { none, quit, clear_tier };
  kind what = kind::none;
  int tier = 0; ///< 1..3 for clear_tier
};

/// An actor with its message rate between the last two snapshots.
struct actor_row {
  actor_figures figures;
  double messages_per_s = 0;
};

/// The console's model and layout, without a terminal: the last snapshot, the sort order,
/// the name filter, the selected row, the open dialog and the event log; layout() renders
/// it as lines for a width x height screen. Not thread-safe: one thread owns it.
class console_view {
public:
  /// Lines the event log keeps (older ones are dropped).
  static constexpr std::size_t event_log_limit = 500;

  /// A view of the engine at `url` (shown in the header), with no snapshot yet.
  explicit console_view(std::string url);

  /// Shows `snap`; each actor's msgs/s is its `messages` delta from the previous snapshot
  /// over the `uptime_s` delta (0 for a new actor, a restarted count or no time passed).
  void update(console_snapshot snap);
  /// The header says "connected to URL".
  void set_connected();
  /// The header says "engine unreachable: <reason>, retrying in <retry_in_s>s".
  void set_unreachable(std::string reason, int retry_in_s);
  /// Whether the WebSocket event stream is live (shown in the header once this is called).
  void set_events_live(bool live);
  /// Appends one WebSocket event (its JSON text) to the event log as one line:
  /// "HH:MM:SS type tier track preset@intensity chunk" (UTC, the fields it has).
  void add_event(std::string_view json);
  /// Appends a message of the console itself (a clear's result) at `unix_time` seconds.
  void log(double unix_time, std::string text);

  /// Handles one key (a character or a keys:: constant) and says what to do beyond that.
  view_action on_key(int key);

  /// The screen at `width` x `height`: at most `height` lines, none wider than `width`.
  /// Top to bottom: header, connection, actors table, pool, tier bars, predictions, event
  /// log, footer; a dialog overlays the middle.
  std::vector<screen_line> layout(int width, int height) const;

  /// `label [####....|] 8.6/18.0 MB  48%  hits 3  evictions 0`, exactly `width` characters
  /// when the width allows a bar of 10..60 cells: the bar's cells are the budget, `|` its end
  /// (`!` when the tier holds more), MB of 10^6 bytes. `cells` > 0 fixes the bar's cells
  /// (the layout aligns the three bars so); the line is then cut at `width` if longer.
  static std::string tier_bar(const std::string& label, const tier_figures& tier, int width,
                              int cells = 0);

  /// The actor rows that pass the filter, in the sort order.
  std::vector<actor_row> rows() const;
  /// The index of the selected row in rows() (0 when there are none).
  std::size_t selected() const;
  sort_key sort() const { return sort_; }
  /// The applied name filter ("" = every actor).
  const std::string& filter() const { return filter_; }
  /// The filter being typed while dialog() is filter.
  const std::string& filter_draft() const { return filter_draft_; }
  dialog_kind dialog() const { return dialog_; }
  /// The tier the clear dialog is about (1..3), 0 when none.
  int dialog_tier() const { return dialog_tier_; }
  /// The event log, oldest first: events in line_style::normal, the console's own
  /// messages in line_style::warn.
  const std::deque<screen_line>& events() const { return events_; }
  /// The session_id of the last event that named one ("" when none did).
  const std::string& last_event_session() const { return last_event_session_; }
  /// The last snapshot shown (empty before the first).
  const console_snapshot& snapshot() const { return snap_; }

private:
  void push_event(std::string line, line_style style);
  void move_selection(long delta);
  int selected_tier_actor() const;
  std::vector<screen_line> help_lines() const;
  screen_line header_line(int width) const;
  screen_line connection_line() const;
  std::vector<screen_line> actor_lines(int width, int rows_room) const;
  std::vector<screen_line> pool_lines() const;
  screen_line prediction_line() const;
  screen_line footer_line() const;

  std::string url_;
  console_snapshot snap_;
  bool have_snapshot_ = false;
  std::map<std::string, double> rates_;
  bool connected_ = false;
  bool events_known_ = false; ///< set_events_live was called: the header shows the events
  bool events_live_ = false;
  std::string unreachable_reason_;
  int retry_in_s_ = 0;
  sort_key sort_ = sort_key::mailbox;
  std::string filter_;
  std::string filter_draft_;
  std::string selected_name_;
  dialog_kind dialog_ = dialog_kind::none;
  int dialog_tier_ = 0;
  std::deque<screen_line> events_;
  std::string last_event_session_;
};

} // namespace auralis::console
