#define BOOST_TEST_MODULE console_view
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "console/console_view.hpp"
#include "console/engine_client.hpp"
#include "config/json_writer.hpp"

using namespace auralis::console;

namespace {

/// GET /api/cache/stats as docs/api.md shows it.
const std::string stats_json =
  R"({"l1":{"size_mb":8.64,"hit_rate":0.75,"hits":3,"misses":1,"count":9,"utilization":0.48,"budget_mb":18,"evictions":0},)"
  R"("l2":{"size_mb":4.8,"hit_rate":0,"hits":0,"misses":0,"count":5,"utilization":0.133333,"budget_mb":36,"evictions":2},)"
  R"("l3":{"size_mb":0.207462,"hit_rate":0,"hits":0,"misses":0,"count":2,"budget_mb":45,"evictions":0},)"
  R"("overall":{"total_hits":3,"total_misses":1,"overall_hit_rate":0.75},)"
  R"("prediction":{"accuracy":0.5,"session_id":"web-1","session_known":true,"mode":"normal","sessions":1},)"
  R"("engine":{"rss_mb":388.801,"pool":{"workers":2,"busy":1,"queued":{"immediate":1,"l1":2,"l2":3,"l3":4,"background":5}}}})";

struct actor_spec {
  const char* name;
  unsigned long long messages;
  unsigned long long mailbox;
  double busy;
  unsigned long long errors;
  bool last_error;
};

/// GET /api/actors in the engine's shape, with these actors at `uptime` seconds.
std::string actors_json(double uptime, const std::vector<actor_spec>& actors) {
  std::string s = R"({"uptime_s":)" + std::to_string(uptime) +
                  R"(,"process":{"rss_bytes":402653184,"cpu_seconds":95.2,"cpu_share":0.41,"threads":14},)"
                  R"("system":{"running_actors":16,"queued_messages":2,"dropped_messages":0},"actors":[)";
  for (std::size_t i = 0; i < actors.size(); ++i) {
    const auto& a = actors[i];
    s += (i ? "," : "");
    s += R"({"name":")" + std::string(a.name) + R"(","kind":"tier","id":)" + std::to_string(i) +
         R"(,"messages":)" + std::to_string(a.messages) + R"(,"by_kind":{"get":5},"mailbox":)" +
         std::to_string(a.mailbox) + R"(,"mailbox_max":12,)"
         R"("mailbox_time_ms":{"count":1,"sum":1,"p50":0.004,"p90":0.02,"p99":0.3,"max":4.1},)"
         R"("processing_time_ms":{"count":1,"sum":80.0,"p50":0.01,"p90":0.02,"p99":0.5,"max":9.0},)"
         R"("busy_share":)" + std::to_string(a.busy) + R"(,"errors":)" + std::to_string(a.errors) +
         R"(,"last_error":)" +
         (a.last_error ? std::string(R"({"text":"decode failed","at":1764588000})") : "null") +
         R"(,"restarts":0})";
  }
  s += R"(],"pool":{"queued":{"immediate":0,"l1":1,"l2":0,"l3":0,"background":7},"in_flight":1,)"
       R"("completed":120,"failed":0,"timed_out":3,"cancelled":0,"workers":[)"
       R"({"name":"worker-0","busy_share":0.5,"jobs":60,"listener_only":false},)"
       R"({"name":"worker-1","busy_share":0.25,"jobs":60,"listener_only":true}]},)"
       R"("tiers":{"l1":{"bytes":8640000,"budget_bytes":18000000,"entries":9,"hits":3,"misses":1,"evictions":0},)"
       R"("l2":{"bytes":4800000,"budget_bytes":36000000,"entries":5,"hits":0,"misses":0,"evictions":2},)"
       R"("l3":{"bytes":207462,"budget_bytes":45000000,"entries":2,"hits":0,"misses":0,"evictions":0}},)"
       R"("predictor":{"accuracy":0.5,"measured_switches":4,"sessions":[{"session_id":"web-1","accuracy":0.5,"switches":4,"mode":"normal"}]}})";
  return s;
}

const std::vector<actor_spec> four_actors = {
  {"tier-l1", 1000, 0, 0.10, 0, false},
  {"tier-l2", 500, 7, 0.30, 0, false},
  {"planner", 2000, 2, 0.05, 3, false},
  {"predictor", 100, 0, 0.20, 0, true},
};

console_snapshot snapshot_at(double uptime, const std::vector<actor_spec>& actors) {
  console_snapshot s;
  s.apply_stats(stats_json);
  s.apply_actors(actors_json(uptime, actors));
  return s;
}

std::vector<std::string> names(const console_view& v) {
  std::vector<std::string> out;
  for (const auto& r : v.rows())
    out.push_back(r.figures.name);
  return out;
}

/// The screen as text, for the log when a check fails.
std::string dump(const std::vector<screen_line>& lines) {
  std::string out;
  for (const auto& l : lines)
    out += "|" + l.text + "\n";
  return out;
}

bool has_line_starting(const std::vector<screen_line>& lines, const std::string& prefix) {
  for (const auto& l : lines)
    if (l.text.compare(0, prefix.size(), prefix) == 0)
      return true;
  BOOST_TEST_MESSAGE("no line starts with '" << prefix << "' in\n" << dump(lines));
  return false;
}

bool has_line_containing(const std::vector<screen_line>& lines, const std::string& text) {
  for (const auto& l : lines)
    if (l.text.find(text) != std::string::npos)
      return true;
  BOOST_TEST_MESSAGE("no line contains '" << text << "' in\n" << dump(lines));
  return false;
}

void keys_in(console_view& v, const std::string& text) {
  for (const char c : text)
    v.on_key(c);
}

} // namespace

BOOST_AUTO_TEST_CASE(parses_the_stats_alone) {
  console_snapshot s;
  s.apply_stats(stats_json);
  BOOST_TEST(!s.has_actors);
  BOOST_TEST(s.tiers[0].bytes == 8640000u);
  BOOST_TEST(s.tiers[0].budget_bytes == 18000000u);
  BOOST_TEST(s.tiers[1].evictions == 2u);
  BOOST_TEST(s.tiers[2].entries == 2u);
  BOOST_TEST(s.hit_rate == 0.75);
  BOOST_TEST(s.sessions == 1u);
  BOOST_TEST(s.rss_bytes == 388801000u);
  BOOST_TEST(s.pool.queued[0] == 1u);
  BOOST_TEST(s.pool.queued[4] == 5u);
  BOOST_TEST(s.pool.worker_count == 2u);
  BOOST_TEST(s.latest_session() == "web-1");
  BOOST_TEST((s.modes() == std::vector<std::string>{"normal"}));
}

BOOST_AUTO_TEST_CASE(parses_the_actors_and_tolerates_missing_fields) {
  const auto s = snapshot_at(812.4, four_actors);
  BOOST_TEST(s.has_actors);
  BOOST_TEST(s.uptime_s == 812.4);
  BOOST_TEST(s.rss_bytes == 402653184u);
  BOOST_TEST(s.cpu_share == 0.41);
  BOOST_REQUIRE(s.actors.size() == 4u);
  BOOST_TEST(s.actors[1].mailbox == 7u);
  BOOST_TEST(s.actors[1].processing_p99_ms == 0.5);
  BOOST_TEST(s.actors[3].errors == 1u); // last_error set, errors 0
  BOOST_TEST(s.actors[3].last_error == "decode failed");
  BOOST_TEST(s.pool.timed_out == 3u);
  BOOST_TEST(s.pool.queued[4] == 7u);
  BOOST_REQUIRE(s.pool.workers.size() == 2u);
  BOOST_TEST(s.pool.workers[1].busy_share == 0.25);

  console_snapshot sparse;
  sparse.apply_actors(R"({"actors":[{"name":"x","mailbox":"many","busy_share":null},{}],"tiers":7})");
  BOOST_REQUIRE(sparse.actors.size() == 2u);
  BOOST_TEST(sparse.actors[0].mailbox == 0u);
  BOOST_TEST(sparse.actors[0].busy_share == 0.0);
  BOOST_TEST(sparse.actors[1].name == "");
  BOOST_TEST(sparse.actors_measured); // no `system` block: measured
  BOOST_CHECK_THROW(sparse.apply_actors("<html>404</html>"), snapshot_error);
  console_snapshot off;
  off.apply_actors(R"({"system":{"actors_measured":false},"actors":[]})");
  BOOST_TEST(!off.actors_measured);
  console_view v("http://127.0.0.1:8765");
  v.update(off);
  BOOST_TEST(v.layout(80, 24)[4].text ==
             "actors: not measured by this engine (server.introspection is off)");
  BOOST_CHECK_THROW(sparse.apply_stats("[1,2]"), snapshot_error);
}

BOOST_AUTO_TEST_CASE(sorts_by_each_key) {
  console_view v("http://127.0.0.1:8765");
  v.update(snapshot_at(100, four_actors));
  BOOST_TEST((v.sort() == sort_key::mailbox));
  BOOST_TEST((names(v) == std::vector<std::string>{"tier-l2", "planner", "predictor", "tier-l1"}));
  v.on_key('b');
  BOOST_TEST((v.sort() == sort_key::busy));
  BOOST_TEST((names(v) == std::vector<std::string>{"tier-l2", "predictor", "tier-l1", "planner"}));
  v.on_key('e');
  BOOST_TEST((names(v) == std::vector<std::string>{"planner", "predictor", "tier-l1", "tier-l2"}));
  // msgs/s: the first snapshot has no rates, so the order is by name.
  v.on_key('s');
  BOOST_TEST((names(v) == std::vector<std::string>{"planner", "predictor", "tier-l1", "tier-l2"}));
}

BOOST_AUTO_TEST_CASE(messages_per_second_come_from_two_snapshots) {
  console_view v("http://127.0.0.1:8765");
  v.update(snapshot_at(100, four_actors));
  for (const auto& r : v.rows())
    BOOST_TEST(r.messages_per_s == 0.0);
  auto later = four_actors;
  later[0].messages += 400; // tier-l1: 400 in 2 s
  later[1].messages += 50;  // tier-l2: 50 in 2 s
  later[2].messages = 10;   // planner restarted: no rate
  v.update(snapshot_at(102, later));
  v.on_key('s');
  const auto rows = v.rows();
  BOOST_REQUIRE(rows.size() == 4u);
  BOOST_TEST(rows[0].figures.name == "tier-l1");
  BOOST_TEST(rows[0].messages_per_s == 200.0);
  BOOST_TEST(rows[1].figures.name == "tier-l2");
  BOOST_TEST(rows[1].messages_per_s == 25.0);
  BOOST_TEST(rows[2].messages_per_s == 0.0);
  const auto lines = v.layout(80, 24);
  BOOST_TEST(has_line_containing(lines, "ACTORS 4/4  sort: msgs/s"));
  // name padded to 41, then MAILBOX 8, MSGS/S 10, BUSY% 7, P99MS 9, ERR 5.
  BOOST_TEST(has_line_starting(lines, std::string("tier-l1") + std::string(33, ' ') +
                                        "       0     200.0   10.0    0.500    0"));
}

BOOST_AUTO_TEST_CASE(filters_by_name) {
  console_view v("http://127.0.0.1:8765");
  v.update(snapshot_at(100, four_actors));
  v.on_key('/');
  BOOST_TEST((v.dialog() == dialog_kind::filter));
  keys_in(v, "tierq");
  v.on_key(keys::backspace);
  BOOST_TEST(v.filter_draft() == "tier");
  BOOST_TEST(v.filter() == ""); // not applied yet
  BOOST_TEST(names(v).size() == 4u);
  v.on_key(keys::enter);
  BOOST_TEST((v.dialog() == dialog_kind::none));
  BOOST_TEST(v.filter() == "tier");
  BOOST_TEST((names(v) == std::vector<std::string>{"tier-l2", "tier-l1"}));
  BOOST_TEST(has_line_containing(v.layout(80, 24), "ACTORS 2/4  sort: mailbox  filter: tier"));
  // Esc while typing keeps the applied filter.
  v.on_key('/');
  keys_in(v, "plan");
  v.on_key(keys::escape);
  BOOST_TEST(v.filter() == "tier");
  v.on_key('/');
  BOOST_TEST(v.filter_draft() == ""); // a new filter starts empty
  keys_in(v, "zzz");
  v.on_key(keys::enter);
  BOOST_TEST(names(v).empty());
  BOOST_TEST(has_line_containing(v.layout(80, 24), "(no actor matches 'zzz')"));
}

BOOST_AUTO_TEST_CASE(moves_the_selection) {
  console_view v("http://127.0.0.1:8765");
  v.update(snapshot_at(100, four_actors));
  BOOST_TEST(v.selected() == 0u);
  v.on_key('j');
  v.on_key(keys::down);
  BOOST_TEST(v.selected() == 2u);
  v.on_key(keys::down);
  v.on_key(keys::down);
  BOOST_TEST(v.selected() == 3u);
  v.on_key('k');
  BOOST_TEST(v.selected() == 2u);
  const auto lines = v.layout(80, 24);
  std::size_t selected_lines = 0;
  for (const auto& l : lines)
    if (l.style == line_style::selected) {
      ++selected_lines;
      BOOST_TEST(l.text.compare(0, 9, "predictor") == 0);
    }
  BOOST_TEST(selected_lines == 1u);
}

BOOST_AUTO_TEST_CASE(tier_bar_at_80_columns) {
  tier_figures l1{8640000, 18000000, 9, 3, 1, 0};
  const std::string bar = console_view::tier_bar("L1", l1, 80);
  const std::string want = "L1 [" + std::string(17, '#') + std::string(19, '.') +
                           "|] 8.6/18.0 MB  48%  hits 3  evictions 0";
  BOOST_TEST(bar == want);
  BOOST_TEST(bar.size() == 80u);
  tier_figures over{20000000, 18000000, 9, 3, 1, 4};
  BOOST_TEST(console_view::tier_bar("L1", over, 80) ==
             "L1 [" + std::string(35, '#') + "!] 20.0/18.0 MB 111%  hits 3  evictions 4");
  BOOST_TEST(console_view::tier_bar("L1", l1, 80, 12) ==
             "L1 [######......|] 8.6/18.0 MB  48%  hits 3  evictions 0");
  tier_figures none{};
  BOOST_TEST(console_view::tier_bar("L3", none, 80) ==
             "L3 [" + std::string(37, '.') + "|] 0.0/0.0 MB   0%  hits 0  evictions 0");
}

BOOST_AUTO_TEST_CASE(tier_bars_line_up) {
  console_snapshot s;
  s.tiers[0] = {17300000, 18000000, 9, 1, 0, 7};
  s.tiers[1] = {2900000, 16300000, 5, 1, 0, 22};
  s.tiers[2] = {6800000, 45000000, 2, 0, 0, 0};
  console_view v("http://127.0.0.1:8765");
  v.update(s);
  std::vector<std::size_t> marks;
  for (const auto& l : v.layout(80, 24))
    if (l.text.compare(0, 2, "L1") == 0 || l.text.compare(0, 2, "L2") == 0 ||
        l.text.compare(0, 2, "L3") == 0)
      marks.push_back(l.text.find("|]"));
  BOOST_TEST((marks == std::vector<std::size_t>{39, 39, 39}));
}

BOOST_AUTO_TEST_CASE(layout_80x24_has_every_area) {
  console_view v("http://127.0.0.1:8765");
  v.set_connected();
  v.set_events_live(true);
  v.update(snapshot_at(812.4, four_actors));
  v.add_event(R"({"type":"chunk_buffered","timestamp":1764588000.123,"track_id":1,"preset":"adaptive","intensity":1,"chunk_idx":1,"tier":"L1"})");
  v.add_event(R"({"type":"mode_changed","timestamp":1764588001,"session_id":"web-1","mode":"exploring"})");
  const auto lines = v.layout(80, 24);
  BOOST_REQUIRE(lines.size() == 24u);
  for (const auto& l : lines)
    BOOST_TEST(l.text.size() <= 80u);
  BOOST_TEST(lines[0].text ==
             "up 13m32s  RSS 402.7 MB  CPU 41%  sessions 1  hit rate 75.0%  mode normal");
  BOOST_TEST(lines[1].text == "connected to http://127.0.0.1:8765  events: live");
  BOOST_TEST(lines[2].text == "ACTORS 4/4  sort: mailbox");
  BOOST_TEST(lines[3].text.compare(0, 4, "NAME") == 0);
  BOOST_TEST(lines[3].text.find("*MAILBOX") != std::string::npos);
  BOOST_TEST((lines[3].style == line_style::table_header));
  BOOST_TEST(lines[4].text.compare(0, 7, "tier-l2") == 0);
  BOOST_TEST(has_line_starting(lines, "POOL queued imm 0 l1 1 l2 0 l3 0 bg 7 | in flight 1 done 120"));
  BOOST_TEST(has_line_starting(lines, "     failed 0  timed out 3  workers  w0 50%  w1 25%"));
  BOOST_TEST(has_line_starting(lines, console_view::tier_bar("L1", v.snapshot().tiers[0], 80)));
  // The bars line up on the narrowest (L2's "evictions 2" is as long as the others here).
  BOOST_TEST(has_line_starting(lines, "L2 [" + std::string(5, '#') + std::string(31, '.') +
                                        "|] 4.8/36.0 MB  13%  hits 0  evictions 2"));
  BOOST_TEST(has_line_starting(lines, "L3 [" + std::string(36, '.') +
                                        "|] 0.2/45.0 MB   0%  hits 0  evictions 0"));
  BOOST_TEST(has_line_starting(lines, "PREDICT web-1 normal 50%"));
  BOOST_TEST(has_line_starting(lines, "EVENTS (UTC)"));
  BOOST_TEST(has_line_starting(lines, "11:20:00 chunk_buffered     L1 track 1 adaptive@1 chunk 1"));
  BOOST_TEST(has_line_starting(lines, "11:20:01 mode_changed       session web-1 mode exploring"));
  BOOST_TEST(v.last_event_session() == "web-1");
  BOOST_TEST(lines[23].text == "q quit  ? help  m/s/b/e sort  / filter  j/k move  c clear tier");
  // Wider: the header is whole and the table shows more columns.
  const auto wide = v.layout(140, 40);
  BOOST_REQUIRE(wide.size() == 40u);
  BOOST_TEST(wide[0].text.find("mode normal  threads 14") != std::string::npos);
  BOOST_TEST(has_line_containing(wide, "LAST ERROR"));
  BOOST_TEST(has_line_containing(wide, "decode failed"));
}

BOOST_AUTO_TEST_CASE(remote_workers_are_summed_up_by_host) {
  console_snapshot s;
  s.apply_stats(stats_json);
  s.apply_actors(
    R"({"actors":[],"pool":{"in_flight":0,"completed":40,"failed":0,"timed_out":0,"workers":[)"
    R"({"name":"worker-0","busy_share":0.5,"jobs":7,"host":null,"gone":false,"round_trip_ms":null},)"
    R"({"name":"remote-1@render-1","busy_share":0.5,"jobs":10,"host":"render-1","gone":false,"round_trip_ms":12},)"
    R"({"name":"remote-2@old","busy_share":0.9,"jobs":5,"host":"old","gone":true,"round_trip_ms":40},)"
    R"({"name":"remote-3@render-1","busy_share":0.3,"jobs":30,"host":"render-1","gone":false,"round_trip_ms":16},)"
    R"({"name":"remote-4@render-2","busy_share":0,"jobs":0,"host":"render-2","gone":false,"round_trip_ms":0}]}})");
  const auto hosts = remote_hosts(s.pool.workers);
  BOOST_REQUIRE(hosts.size() == 2u); // the gone host's only thread is left out
  BOOST_TEST(hosts[0].host == "render-1");
  BOOST_TEST(hosts[0].threads == 2u);
  BOOST_TEST(hosts[0].jobs == 40u);
  BOOST_TEST(hosts[0].busy_share == 0.4, boost::test_tools::tolerance(1e-12));
  BOOST_TEST(hosts[0].round_trip_ms == 15.0, boost::test_tools::tolerance(1e-12)); // by jobs
  BOOST_TEST(hosts[1].host == "render-2");
  BOOST_TEST(hosts[1].round_trip_ms == -1.0); // no job yet: unknown
  console_view v("http://127.0.0.1:8765");
  v.update(s);
  const auto lines = v.layout(120, 24);
  BOOST_TEST(has_line_starting(lines, "     failed 0  timed out 0  workers  w0 50%  "
                                      "render-1 x2 40 jobs 40% rt 15.0ms  render-2 x1 0 jobs 0%"));
}

BOOST_AUTO_TEST_CASE(without_the_actors_endpoint_the_table_says_so) {
  console_view v("http://127.0.0.1:8765");
  v.set_unreachable("Connection refused", 4);
  console_snapshot s;
  s.apply_stats(stats_json);
  v.update(s);
  const auto lines = v.layout(80, 24);
  BOOST_REQUIRE(lines.size() == 24u);
  BOOST_TEST(lines[0].text ==
             "up -  RSS 388.8 MB  CPU -  sessions 1  hit rate 75.0%  mode normal");
  BOOST_TEST(lines[1].text == "engine unreachable: Connection refused, retrying in 4s");
  BOOST_TEST((lines[1].style == line_style::bad));
  BOOST_TEST(lines[2].text == "ACTORS  sort: mailbox");
  BOOST_TEST(lines[3].text == "actors: not served by this engine");
  v.on_key('b');
  BOOST_TEST(v.layout(80, 24)[2].text == "ACTORS  sort: busy");
  BOOST_TEST(has_line_starting(lines, "POOL queued imm 1 l1 2 l2 3 l3 4 bg 5 | busy 1 of 2 workers"));
  BOOST_TEST(has_line_starting(lines, "     per-job and per-worker figures need GET /api/actors"));
  BOOST_TEST(has_line_starting(lines, "L2 ["));
}

BOOST_AUTO_TEST_CASE(clear_dialog_state_machine) {
  console_view v("http://127.0.0.1:8765");
  v.update(snapshot_at(100, four_actors));
  // c, 2, n cancels.
  BOOST_TEST((v.on_key('c').what == view_action::kind::none));
  BOOST_TEST((v.dialog() == dialog_kind::pick_tier));
  BOOST_TEST((v.on_key('2').what == view_action::kind::none));
  BOOST_TEST((v.dialog() == dialog_kind::confirm_clear));
  BOOST_TEST(has_line_containing(v.layout(80, 24), "Clear L2? y/n"));
  BOOST_TEST((v.on_key('n').what == view_action::kind::none));
  BOOST_TEST((v.dialog() == dialog_kind::none));
  BOOST_TEST(!has_line_containing(v.layout(80, 24), "Clear L2?"));
  // c, 2, Esc cancels too; q in the dialog does not quit.
  v.on_key('c');
  v.on_key('2');
  BOOST_TEST((v.on_key('q').what == view_action::kind::none));
  BOOST_TEST((v.dialog() == dialog_kind::none));
  // c, 2, y yields "clear l2".
  v.on_key('c');
  v.on_key('2');
  const auto a = v.on_key('y');
  BOOST_TEST((a.what == view_action::kind::clear_tier));
  BOOST_TEST(a.tier == 2);
  BOOST_TEST((v.dialog() == dialog_kind::none));
  // The selected tier actor's tier with Enter: tier-l2 is first by mailbox.
  v.on_key('c');
  BOOST_TEST(v.dialog_tier() == 2);
  BOOST_TEST(has_line_containing(v.layout(80, 24), "Enter L2"));
  v.on_key(keys::enter);
  BOOST_TEST(has_line_containing(v.layout(80, 24), "Clear L2? y/n"));
  BOOST_TEST((v.on_key('y').tier == 2));
  // Keys other than 1-3, Enter, n, Esc leave the question open.
  v.on_key('j');
  v.on_key('j');
  v.on_key('c'); // planner selected: no tier preselected
  BOOST_TEST(v.dialog_tier() == 0);
  v.on_key(keys::enter);
  v.on_key('x');
  BOOST_TEST((v.dialog() == dialog_kind::pick_tier));
  v.on_key(keys::escape);
  BOOST_TEST((v.dialog() == dialog_kind::none));
}

BOOST_AUTO_TEST_CASE(help_and_quit) {
  console_view v("http://127.0.0.1:8765");
  v.update(snapshot_at(100, four_actors));
  v.on_key('?');
  BOOST_TEST((v.dialog() == dialog_kind::help));
  const auto lines = v.layout(80, 24);
  BOOST_TEST(has_line_starting(lines, " Keys"));
  BOOST_TEST(has_line_containing(lines, "sort actors by busy share"));
  BOOST_TEST(lines[23].text.compare(0, 6, "q quit") == 0);
  BOOST_TEST((v.on_key('x').what == view_action::kind::none));
  BOOST_TEST((v.dialog() == dialog_kind::none));
  BOOST_TEST((v.on_key('q').what == view_action::kind::quit));
  v.on_key('?');
  BOOST_TEST((v.on_key('q').what == view_action::kind::quit));
}

BOOST_AUTO_TEST_CASE(event_log_is_bounded) {
  console_view v("http://127.0.0.1:8765");
  for (std::size_t i = 0; i < console_view::event_log_limit + 5; ++i)
    v.add_event(R"({"type":"chunk_evicted","timestamp":0,"chunk_idx":)" + std::to_string(i) + "}");
  v.add_event("not json");
  BOOST_TEST(v.events().size() == console_view::event_log_limit);
  BOOST_TEST(v.events().front().text == "--:--:-- chunk_evicted      chunk 6");
  BOOST_TEST((v.events().front().style == line_style::normal));
  BOOST_TEST(v.events().back().text == "--:--:-- unreadable event: not json");
  v.log(1764588000, "clear l2: token needed: start with --token");
  BOOST_TEST(v.events().back().text == "11:20:00 clear l2: token needed: start with --token");
  BOOST_TEST((v.events().back().style == line_style::warn));
}

BOOST_AUTO_TEST_CASE(json_of_once) {
  const auto s = snapshot_at(812.4, four_actors);
  const std::string j = s.to_json("http://h:1");
  BOOST_TEST(j.compare(0, 70, R"({"url":"http://h:1","uptime_s":812.4,"rss_bytes":402653184,"cpu_share")") == 0);
  BOOST_TEST(j.find(R"("l1":{"bytes":8640000,"budget_bytes":18000000,)") != std::string::npos);
  BOOST_TEST(j.find(R"({"name":"tier-l2","kind":"tier","mailbox":7,"messages":500,"busy_share":0.3,)") != std::string::npos);
  BOOST_TEST(auralis::config::json_quote("a\"b\\\n\x01") == "\"a\\\"b\\\\\\n\\u0001\"");
}

BOOST_AUTO_TEST_CASE(urls) {
  auto e = engine_endpoint::parse("http://127.0.0.1:8765/");
  BOOST_TEST(e.host == "127.0.0.1");
  BOOST_TEST(e.port == 8765);
  BOOST_TEST(engine_endpoint::parse("http://engine").port == 80);
  BOOST_CHECK_THROW(engine_endpoint::parse("nothing://x"), url_error);
  BOOST_CHECK_THROW(engine_endpoint::parse("http://h:0"), url_error);
  BOOST_CHECK_THROW(engine_endpoint::parse("http://h:99999"), url_error);
  BOOST_CHECK_THROW(engine_endpoint::parse("http://h:80/api"), url_error);
  BOOST_CHECK_THROW(engine_endpoint::parse("http://:80"), url_error);
  BOOST_CHECK_THROW(engine_endpoint::parse("http://"), url_error);
}
