#define BOOST_TEST_MODULE event_hub
#include <boost/test/unit_test.hpp>

#include <mutex>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scoped_actor.hpp>

#include "actors/message_types.hpp"
#include "http/event_hub_actor.hpp"

using namespace auralis;
using http::event_hub_actor;
using http::hub_report;

namespace {

/// A client that records what it is sent. Writes complete at once when `completes`,
/// never otherwise (a peer that stopped reading).
class fake_client final : public http::ws_client {
public:
  fake_client(std::uint64_t id, bool completes) : id_(id), completes_(completes) {}

  std::uint64_t id() const noexcept override { return id_; }
  void start() override { started = true; }
  void send_text(std::string text, written_fn written) override {
    std::lock_guard<std::mutex> guard(mtx);
    sent.push_back(std::move(text));
    if (completes_)
      written(true);
    else
      held.push_back(std::move(written));
  }
  void close(bool graceful) override {
    closes.push_back(graceful);
  }

  std::mutex mtx;
  std::vector<std::string> sent;
  std::vector<written_fn> held;
  std::vector<bool> closes;
  bool started = false;

private:
  std::uint64_t id_;
  bool completes_;
};

struct fixture {
  fixture() : sys(init_cfg(cfg)), self(sys) {}

  static caf::actor_system_config& init_cfg(caf::actor_system_config& c) {
    actors::add_message_types(c);
    c.add_message_type<hub_report>("auralis::hub_report");
    return c;
  }

  hub_report stats(const event_hub_actor& hub) {
    hub_report out;
    self->request(hub, caf::infinite, actors::stats_atom::value)
      .receive([&](const hub_report& r) { out = r; },
               [](const caf::error& e) { BOOST_FAIL("stats failed: " + to_string(e)); });
    return out;
  }

  caf::actor_system_config cfg;
  caf::actor_system sys;
  caf::scoped_actor self;
};

actors::engine_event cleared() {
  actors::engine_event e;
  e.kind = actors::event_kind::cache_cleared;
  e.timestamp = 1700000000.5;
  return e;
}

} // namespace

BOOST_FIXTURE_TEST_CASE(a_client_that_cannot_keep_up_is_dropped_others_are_served, fixture) {
  http::event_hub_settings s;
  s.queue_limit = 4;
  auto hub = sys.spawn(http::event_hub_actor_impl, s);
  auto fast = std::make_shared<fake_client>(1, true);
  auto slow = std::make_shared<fake_client>(2, false);
  self->send(hub, http::ws_join_atom::value, http::ws_client_ptr(fast));
  self->send(hub, http::ws_join_atom::value, http::ws_client_ptr(slow));
  for (int i = 0; i < 10; ++i)
    self->send(hub, actors::event_atom::value, cleared());
  const auto r = stats(hub);
  BOOST_TEST(fast->started);
  BOOST_TEST(slow->started);
  // fast: the welcome message and all 10 events.
  BOOST_TEST(fast->sent.size() == 11u);
  BOOST_TEST(fast->closes.empty());
  // slow: welcome + 3 events fill its queue of 4; the next event disconnects it at once.
  BOOST_TEST(slow->sent.size() == 4u);
  BOOST_REQUIRE(slow->closes.size() == 1u);
  BOOST_TEST(slow->closes[0] == false);
  BOOST_TEST(r.clients == 1u);
  BOOST_TEST(r.dropped_slow == 1u);
  // Lost with it: the event that found its queue full and the four queued unwritten.
  BOOST_TEST(r.messages_dropped == 5u);
  BOOST_TEST(r.events == 10u);
  BOOST_TEST(r.joined == 2u);
  BOOST_TEST(fast->sent[0].find("\"type\":\"connected\"") != std::string::npos);
  BOOST_TEST(fast->sent[1] == R"({"type":"cache_cleared","timestamp":1700000000.5})");
  self->send_exit(hub, caf::exit_reason::user_shutdown);
}

BOOST_FIXTURE_TEST_CASE(written_messages_free_the_queue_and_leaves_are_handled, fixture) {
  http::event_hub_settings s;
  s.queue_limit = 2;
  auto hub = sys.spawn(http::event_hub_actor_impl, s);
  auto c = std::make_shared<fake_client>(7, false);
  self->send(hub, http::ws_join_atom::value, http::ws_client_ptr(c));
  self->send(hub, actors::event_atom::value, cleared());
  stats(hub);
  // Two unwritten; the peer reads them, so the next events fit again.
  for (auto& w : c->held)
    w(true);
  c->held.clear();
  self->send(hub, actors::event_atom::value, cleared());
  self->send(hub, actors::event_atom::value, cleared());
  auto r = stats(hub);
  BOOST_TEST(r.clients == 1u);
  BOOST_TEST(c->sent.size() == 4u);
  BOOST_TEST(c->closes.empty());
  self->send(hub, http::ws_leave_atom::value, std::uint64_t{7});
  self->send(hub, http::ws_leave_atom::value, std::uint64_t{99}); // unknown: ignored
  r = stats(hub);
  BOOST_TEST(r.clients == 0u);
  BOOST_TEST(r.left == 1u);
  BOOST_REQUIRE(c->closes.size() == 1u);
  BOOST_TEST(c->closes[0] == true);
  self->send_exit(hub, caf::exit_reason::user_shutdown);
}

BOOST_FIXTURE_TEST_CASE(clients_are_closed_gracefully_when_the_hub_stops, fixture) {
  auto hub = sys.spawn(http::event_hub_actor_impl, http::event_hub_settings{});
  auto c = std::make_shared<fake_client>(3, true);
  self->send(hub, http::ws_join_atom::value, http::ws_client_ptr(c));
  stats(hub);
  self->monitor(hub);
  self->send_exit(hub, caf::exit_reason::user_shutdown);
  self->receive([](const caf::down_msg&) {});
  BOOST_REQUIRE(c->closes.size() == 1u);
  BOOST_TEST(c->closes[0] == true);
}

BOOST_AUTO_TEST_CASE(events_render_with_their_kind_fields) {
  actors::engine_event e;
  e.kind = actors::event_kind::chunk_buffered;
  e.timestamp = 2.5;
  e.track_id = 4;
  e.preset = "warm";
  e.intensity = 0.5;
  e.chunk_idx = 3;
  e.tier = actors::tier_id::l2;
  BOOST_TEST(http::event_json(e) ==
             R"({"type":"chunk_buffered","timestamp":2.5,"track_id":4,"preset":"warm","intensity":0.5,"chunk_idx":3,"tier":"L2"})");
  e.kind = actors::event_kind::mode_changed;
  e.session_id = "s";
  e.mode = "exploration";
  BOOST_TEST(http::event_json(e) ==
             R"({"type":"mode_changed","timestamp":2.5,"session_id":"s","mode":"exploration"})");
  e.kind = actors::event_kind::track_removed;
  BOOST_TEST(http::event_json(e) == R"({"type":"track_removed","timestamp":2.5,"track_id":4})");
  e.kind = actors::event_kind::cache_tier_cleared;
  e.tier = actors::tier_id::l3;
  BOOST_TEST(http::event_json(e) == R"({"type":"cache_tier_cleared","timestamp":2.5,"tier":"L3"})");
  e.timestamp = 0; // now
  BOOST_TEST(http::event_json(e).find("\"timestamp\":1") != std::string::npos);
}
