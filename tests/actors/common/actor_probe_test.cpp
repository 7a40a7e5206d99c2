#define BOOST_TEST_MODULE actor_probe
#include <boost/test/unit_test.hpp>

#include "actors/common/actor_probe.hpp"
#include "actors/common/duration_histogram.hpp"
#include "actors/common/probe_registry.hpp"

using namespace auralis::actors;
using namespace std::chrono_literals;

namespace {

const actor_probe::clock::time_point t0 = actor_probe::clock::time_point{} + 1h;

std::string kind_name() { return "get"; }

} // namespace

BOOST_AUTO_TEST_CASE(histogram_buckets_quantiles_and_bounds) {
  duration_histogram h;
  BOOST_TEST(h.quantile_ms(0.5) == 0.0);
  for (double ms : {0.005, 0.3, 0.4, 3.0, 40000.0})
    h.add(ms);
  BOOST_TEST(h.count() == 5u);
  BOOST_TEST(h.sum_ms() == 40003.705, boost::test_tools::tolerance(1e-9));
  BOOST_TEST(h.max_ms() == 40000.0);
  BOOST_TEST(h.buckets()[0] == 1u);  // <= 0.01
  BOOST_TEST(h.buckets()[5] == 2u);  // (0.25, 0.5]
  BOOST_TEST(h.buckets()[8] == 1u);  // (2.5, 5]
  BOOST_TEST(h.buckets().back() == 1u); // above 30 s
  BOOST_TEST(h.quantile_ms(0.5) == 0.5);  // the third of five is in (0.25, 0.5]
  BOOST_TEST(h.quantile_ms(0.8) == 5.0);
  BOOST_TEST(h.quantile_ms(1.0) == 40000.0);
  h.add(-1);
  BOOST_TEST(h.buckets()[0] == 2u);
}

BOOST_AUTO_TEST_CASE(mailbox_depth_wait_and_handling_are_measured_per_message) {
  actor_probe p("tier-l1", "tier", t0);
  int a = 0, b = 0, c = 0;
  p.enqueued(&a, t0);
  p.enqueued(&b, t0 + 1ms);
  p.enqueued(&c, t0 + 2ms);
  auto f = p.figures(t0 + 2ms);
  BOOST_TEST(f.mailbox == 3u);
  BOOST_TEST(f.mailbox_max == 3u);
  BOOST_TEST(f.messages == 0u);

  p.begin(&a, 7, t0 + 4ms, kind_name);
  f = p.figures(t0 + 5ms);
  BOOST_TEST(f.mailbox == 2u);
  BOOST_TEST(f.messages == 1u);
  BOOST_TEST(f.mailbox_time.count() == 1u);
  BOOST_TEST(f.mailbox_time.max_ms() == 4.0, boost::test_tools::tolerance(1e-9));
  p.end(t0 + 6ms);
  p.begin(&b, 7, t0 + 6ms, kind_name);
  p.end(t0 + 7ms);
  p.begin(&c, 9, t0 + 7ms, [] { return std::string("put"); });
  p.end(t0 + 10ms);
  f = p.figures(t0 + 10ms);
  BOOST_TEST(f.mailbox == 0u);
  BOOST_TEST(f.messages == 3u);
  BOOST_TEST(f.processing_time.count() == 3u);
  BOOST_TEST(f.processing_time.sum_ms() == 6.0, boost::test_tools::tolerance(1e-9));
  BOOST_TEST(f.mailbox_time.sum_ms() == 4.0 + 5.0 + 5.0, boost::test_tools::tolerance(1e-9));
  BOOST_REQUIRE(f.by_kind.size() == 2u);
  BOOST_TEST(f.by_kind[0].first == "get");
  BOOST_TEST(f.by_kind[0].second == 2u);
  BOOST_TEST(f.by_kind[1].first == "put");
  BOOST_TEST(f.by_kind[1].second == 1u);
  // A message never stamped (sent before the probe existed) counts no mailbox time.
  int d = 0;
  p.begin(&d, 7, t0 + 11ms, kind_name);
  p.end(t0 + 11ms);
  BOOST_TEST(p.figures(t0 + 11ms).mailbox_time.count() == 3u);
  BOOST_TEST(p.figures(t0 + 11ms).messages == 4u);
}

BOOST_AUTO_TEST_CASE(busy_share_covers_the_last_ten_seconds_and_the_running_message) {
  actor_probe p("worker-0", "worker", t0);
  int a = 0;
  // 2 s of handling within the first 4 s.
  p.begin(&a, 1, t0 + 1s, kind_name);
  p.end(t0 + 3s);
  BOOST_TEST(p.figures(t0 + 4s).busy_share == 0.5, boost::test_tools::tolerance(1e-9));
  // 20 s later the window holds none of it.
  BOOST_TEST(p.figures(t0 + 24s).busy_share == 0.0);
  // A message being handled counts while it runs. The window is the current second and the
  // 9 before it: at 30.0 s, 21.0 s to 30.0 s, of which 25.0 s to 30.0 s busy.
  p.begin(&a, 1, t0 + 25s, kind_name);
  BOOST_TEST(p.figures(t0 + 30s).busy_share == 5.0 / 9.0, boost::test_tools::tolerance(1e-9));
  p.end(t0 + 30s);
  BOOST_TEST(p.figures(t0 + 30s).busy_share == 5.0 / 9.0, boost::test_tools::tolerance(1e-9));
  BOOST_TEST(p.figures(t0 + 30500ms).busy_share == 5.0 / 9.5, boost::test_tools::tolerance(1e-9));
}

BOOST_AUTO_TEST_CASE(errors_drops_and_restarts) {
  probe_registry reg;
  auto p = reg.make("worker-1", "worker");
  int a = 0;
  p->error("job failed: unreadable_file");
  p->enqueued(&a, actor_probe::clock::now());
  p->stopped();
  p->dropped(&a);
  auto figures = reg.figures();
  BOOST_REQUIRE(figures.size() == 1u);
  BOOST_TEST(figures[0].errors == 1u);
  BOOST_TEST(figures[0].last_error == "job failed: unreadable_file");
  BOOST_TEST(figures[0].last_error_at > 1.6e9);
  BOOST_TEST(!figures[0].alive);
  BOOST_TEST(figures[0].mailbox == 0u);
  BOOST_TEST(figures[0].dropped == 1u);
  // A stopped actor's name registered again is its replacement: one restart, one entry.
  auto q = reg.make("worker-1", "worker");
  figures = reg.figures();
  BOOST_REQUIRE(figures.size() == 1u);
  BOOST_TEST(figures[0].alive);
  BOOST_TEST(figures[0].restarts == 1u);
  // A running actor's name registered again is another actor.
  reg.make("worker-1", "worker");
  BOOST_TEST(reg.figures().size() == 2u);
  const auto totals = probe_registry::totals(reg.figures());
  BOOST_TEST(totals.running_actors == 2u);
  // Errors outside a measured actor's message go nowhere.
  report_actor_error("not in an actor");
  BOOST_TEST(q->figures().errors == 0u);
}
