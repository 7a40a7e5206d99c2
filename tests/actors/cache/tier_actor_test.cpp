#define BOOST_TEST_MODULE tier_actor
#include <boost/test/unit_test.hpp>

#include <algorithm>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scoped_actor.hpp>

#include "actors/actor_test_support.hpp"
#include "actors/cache/tier_actor.hpp"
#include "actors/message_types.hpp"

using namespace auralis::actors;
using namespace std::chrono_literals;

namespace {

struct system_fixture {
  caf::actor_system_config cfg;
  std::unique_ptr<caf::actor_system> sys;
  system_fixture() {
    add_message_types(cfg);
    sys = std::make_unique<caf::actor_system>(cfg);
  }
};

audio_payload payload_of(std::size_t n) {
  auto v = auralis::codec::byte_buffer::allocate(n);
  std::fill(v->data(), v->data() + n, std::uint8_t{1});
  return {v};
}

cache_key key(std::int64_t chunk) { return {1, "punchy", 10, chunk}; }

/// Collects demotions and answers them back on request.
struct sink_state {
  std::vector<tier_departure> got;
};
using probe_actor = caf::typed_actor<caf::reacts_to<demote_atom, tier_departure>,
                                     caf::replies_to<list_atom>::with<std::vector<cache_key>>>;

/// `capacity` reserves room for demotions. (Spawning a function actor with no argument
/// trips UBSan inside CAF 0.17's init_fun_factory, so every actor here takes one.)
probe_actor::behavior_type probe_impl(probe_actor::stateful_pointer<sink_state> self,
                                      std::size_t capacity) {
  self->state.got.reserve(capacity);
  return {
    [self](demote_atom, tier_departure d) { self->state.got.push_back(std::move(d)); },
    [self](list_atom) {
      std::vector<cache_key> keys;
      for (const auto& d : self->state.got)
        keys.push_back(d.key);
      return keys;
    },
  };
}

template <class Reply, class Handle, class... Ts>
Reply ask(caf::scoped_actor& self, const Handle& h, Ts&&... xs) {
  Reply out{};
  self->request(h, 5s, std::forward<Ts>(xs)...)
    .receive([&](Reply r) { out = std::move(r); },
             [&](caf::error& e) { BOOST_FAIL("request failed: " + to_string(e)); });
  return out;
}

} // namespace

BOOST_FIXTURE_TEST_CASE(puts_gets_and_counts_only_client_fetches, system_fixture) {
  tier_settings s;
  s.tier = tier_id::l2;
  s.budget_bytes = 1000;
  auto tier = sys->spawn(tier_actor_impl, s);
  caf::scoped_actor self{*sys};
  auto r = ask<put_reply>(self, tier, caf::put_atom::value, key(0), payload_of(400), 0.5);
  BOOST_TEST((r.status == put_status::stored));
  auto miss = ask<get_reply>(self, tier, caf::get_atom::value, key(5), false);
  BOOST_TEST(!miss.found);
  auto hit = ask<get_reply>(self, tier, caf::get_atom::value, key(0), true);
  BOOST_TEST(hit.found);
  BOOST_TEST(hit.payload.data->size() == 400u);
  auto peek = ask<peek_reply>(self, tier, peek_atom::value, key(0));
  BOOST_TEST(peek.found);
  BOOST_TEST((peek.record.tier == tier_id::l2));
  BOOST_TEST(peek.record.access_count == 1u);
  auto st = ask<tier_report>(self, tier, stats_atom::value);
  BOOST_TEST(st.hits == 1u);
  BOOST_TEST(st.misses == 0u);
  BOOST_TEST(st.bytes == 400u);
  BOOST_TEST(st.count == 1u);
  BOOST_TEST(st.budget == 1000u);
  auto too_big = ask<put_reply>(self, tier, caf::put_atom::value, key(1), payload_of(1001), 1.0);
  BOOST_TEST((too_big.status == put_status::too_large));
  BOOST_TEST(ask<std::uint64_t>(self, tier, clear_atom::value) == 1u);
  BOOST_TEST(ask<tier_report>(self, tier, stats_atom::value).bytes == 0u);
  self->send_exit(tier, caf::exit_reason::user_shutdown);
}

/// A tier of `budget` bytes that demotes evictions above probability 0.3 to `probe`.
tier_actor spawn_demoting_tier(caf::actor_system& sys, tier_id t, std::uint64_t budget,
                               const probe_actor& probe) {
  tier_settings s;
  s.tier = t;
  s.budget_bytes = budget;
  s.demote_floor = 0.3;
  s.demote_to = caf::actor_cast<demotion_sink>(probe);
  return sys.spawn(tier_actor_impl, s);
}

BOOST_FIXTURE_TEST_CASE(likely_evictions_are_demoted_and_unlikely_ones_dropped, system_fixture) {
  auto probe = sys->spawn(probe_impl, std::size_t{8});
  auto tier = spawn_demoting_tier(*sys, tier_id::l1, 1000, probe);
  caf::scoped_actor self{*sys};
  ask<put_reply>(self, tier, caf::put_atom::value, key(0), payload_of(500), 0.1);  // unlikely
  ask<put_reply>(self, tier, caf::put_atom::value, key(1), payload_of(500), 0.6);  // likely
  auto r = ask<put_reply>(self, tier, caf::put_atom::value, key(2), payload_of(1000), 0.9);
  BOOST_REQUIRE(r.evicted.size() == 2u);
  BOOST_TEST((r.evicted[0].key == key(0)));
  BOOST_TEST((r.evicted[1].key == key(1)));
  // Only the likely one reached the sink. The tier enqueued the demotion in the probe's
  // mailbox before it answered the put, so the probe handles it before this list request.
  auto demoted = ask<std::vector<cache_key>>(self, probe, list_atom::value);
  BOOST_REQUIRE(demoted.size() == 1u);
  BOOST_TEST((demoted[0] == key(1)));
  BOOST_TEST(ask<tier_report>(self, tier, stats_atom::value).demoted == 1u);
  self->send_exit(tier, caf::exit_reason::user_shutdown);
  self->send_exit(probe, caf::exit_reason::user_shutdown);
}

BOOST_FIXTURE_TEST_CASE(a_lower_budget_evicts_and_demotes_as_a_put_does, system_fixture) {
  auto probe = sys->spawn(probe_impl, std::size_t{8});
  auto tier = spawn_demoting_tier(*sys, tier_id::l2, 1500, probe);
  caf::scoped_actor self{*sys};
  ask<put_reply>(self, tier, caf::put_atom::value, key(0), payload_of(500), 0.1); // unlikely
  ask<put_reply>(self, tier, caf::put_atom::value, key(1), payload_of(500), 0.6); // likely
  ask<put_reply>(self, tier, caf::put_atom::value, key(2), payload_of(500), 0.9);
  BOOST_TEST(ask<std::uint64_t>(self, tier, budget_atom::value, std::uint64_t{500}) == 2u);
  const auto r = ask<tier_report>(self, tier, stats_atom::value);
  BOOST_TEST(r.budget == 500u);
  BOOST_TEST(r.bytes == 500u);
  BOOST_TEST(r.count == 1u);
  BOOST_TEST(r.demoted == 1u);
  auto demoted = ask<std::vector<cache_key>>(self, probe, list_atom::value);
  BOOST_REQUIRE(demoted.size() == 1u);
  BOOST_TEST((demoted[0] == key(1)));
  BOOST_TEST(ask<peek_reply>(self, tier, peek_atom::value, key(2)).found);
  self->send_exit(tier, caf::exit_reason::user_shutdown);
  self->send_exit(probe, caf::exit_reason::user_shutdown);
}

BOOST_FIXTURE_TEST_CASE(invalidate_update_and_list, system_fixture) {
  tier_settings s;
  s.budget_bytes = 10000;
  auto tier = sys->spawn(tier_actor_impl, s);
  caf::scoped_actor self{*sys};
  for (int t = 1; t <= 2; ++t)
    for (int c = 0; c < 3; ++c)
      ask<put_reply>(self, tier, caf::put_atom::value, cache_key{t, "warm", 5, c}, payload_of(100), 0.5);
  BOOST_TEST(ask<std::uint64_t>(self, tier, invalidate_atom::value, std::int64_t{1}) == 3u);
  probability_update u;
  u.keys = {cache_key{2, "warm", 5, 1}, cache_key{9, "warm", 5, 1}};
  u.probabilities = {0.05, 0.9};
  self->send(tier, update_atom::value, u);
  auto list = ask<std::vector<entry_record>>(self, tier, list_atom::value);
  BOOST_REQUIRE(list.size() == 3u);
  for (const auto& e : list) {
    BOOST_TEST(e.key.track_id == 2);
    BOOST_TEST(e.probability == (e.key.chunk_idx == 1 ? 0.05 : 0.5));
  }
  BOOST_TEST(ask<bool>(self, tier, caf::delete_atom::value, cache_key{2, "warm", 5, 0}));
  BOOST_TEST(!ask<bool>(self, tier, caf::delete_atom::value, cache_key{2, "warm", 5, 0}));
  self->send_exit(tier, caf::exit_reason::user_shutdown);
}

BOOST_FIXTURE_TEST_CASE(puts_and_evictions_are_published_but_not_clears, system_fixture) {
  // Each event as "kind tier track/preset/chunk".
  auto log = sys->spawn(auralis::test::event_recorder_impl,
                        auralis::test::event_format([](const engine_event& e) {
                          return std::string(to_string(e.kind)) + " " + tier_label(e.tier) +
                                 " " + std::to_string(e.track_id) + "/" + e.preset + "/" +
                                 std::to_string(e.chunk_idx);
                        }));
  tier_settings s;
  s.tier = tier_id::l2;
  s.budget_bytes = 1000;
  s.events = caf::actor_cast<event_sink>(log);
  auto tier = sys->spawn(tier_actor_impl, s);
  caf::scoped_actor self{*sys};
  ask<put_reply>(self, tier, caf::put_atom::value, key(0), payload_of(400), 0.2);
  ask<put_reply>(self, tier, caf::put_atom::value, key(1), payload_of(400), 0.9);
  ask<put_reply>(self, tier, caf::put_atom::value, key(1), payload_of(400), 0.9); // replaced
  auto r = ask<put_reply>(self, tier, caf::put_atom::value, key(2), payload_of(400), 0.5);
  BOOST_TEST(r.evicted.size() == 1u);
  auto big = ask<put_reply>(self, tier, caf::put_atom::value, key(3), payload_of(2000), 0.5);
  BOOST_TEST((big.status == put_status::too_large));   // refused: no event
  ask<std::uint64_t>(self, tier, invalidate_atom::value, std::int64_t{1}); // no event
  ask<put_reply>(self, tier, caf::put_atom::value, key(4), payload_of(400), 0.5);
  ask<std::uint64_t>(self, tier, clear_atom::value);                       // no event
  const std::vector<std::string> expected{
    "chunk_buffered L2 1/punchy/0", "chunk_buffered L2 1/punchy/1",
    "chunk_buffered L2 1/punchy/1", "chunk_evicted L2 1/punchy/0",
    "chunk_buffered L2 1/punchy/2", "chunk_buffered L2 1/punchy/4"};
  // The tier sent every event before answering the requests above.
  const auto got = ask<std::vector<std::string>>(self, log, list_atom::value);
  BOOST_TEST(got == expected, boost::test_tools::per_element());
  // Without a sink nothing is sent and nothing fails.
  tier_settings quiet = s;
  quiet.events = event_sink{};
  auto silent = sys->spawn(tier_actor_impl, quiet);
  BOOST_TEST((ask<put_reply>(self, silent, caf::put_atom::value, key(0), payload_of(400), 0.2)
                .status == put_status::stored));
  self->send_exit(tier, caf::exit_reason::user_shutdown);
  self->send_exit(silent, caf::exit_reason::user_shutdown);
  self->send_exit(log, caf::exit_reason::user_shutdown);
}
