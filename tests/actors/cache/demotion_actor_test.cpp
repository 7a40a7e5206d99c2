#define BOOST_TEST_MODULE demotion_actor
#include <boost/test/unit_test.hpp>

#include <vector>

#include "actors/actor_test_support.hpp"
#include "actors/cache/demotion_actor.hpp"

using namespace auralis::actors;

namespace {

/// A stand-in pool that holds every submitted job until told to finish them: submit keeps
/// the promise, cancel (any track) answers every held job with a 100-byte blob and prune
/// answers every held job engine_errc::overloaded (as an overloaded pool sheds it), both
/// answering how many; stats reports submitted and held (as busy) jobs.
struct held_pool_state {
  std::vector<std::pair<job_spec, caf::typed_response_promise<job_output>>> held;
  std::uint64_t submitted = 0;
  std::uint64_t most_held = 0;
};

worker_pool_actor::behavior_type held_pool(worker_pool_actor::stateful_pointer<held_pool_state> self,
                                           int) {
  return {
    [self](submit_atom, job_spec& spec) -> caf::typed_response_promise<job_output> {
      auto& st = self->state;
      ++st.submitted;
      auto promise = self->make_response_promise<job_output>();
      st.held.emplace_back(std::move(spec), promise);
      st.most_held = std::max<std::uint64_t>(st.most_held, st.held.size());
      return promise;
    },
    [self](cancel_atom, std::int64_t) {
      auto held = std::move(self->state.held);
      self->state.held.clear();
      for (auto& [spec, promise] : held) {
        job_output out;
        out.kind = spec.kind;
        out.key = spec.key;
        out.output.data = auralis::codec::byte_buffer::allocate(100);
        promise.deliver(out);
      }
      return static_cast<std::uint64_t>(held.size());
    },
    [self](prune_atom, const std::vector<cache_key>&) {
      auto held = std::move(self->state.held);
      self->state.held.clear();
      for (auto& h : held)
        h.second.deliver(make_overload_error("shed", 1));
      return static_cast<std::uint64_t>(held.size());
    },
    [self](stats_atom) {
      pool_report r;
      r.submitted = self->state.submitted;
      r.busy = self->state.held.size();
      r.joined = self->state.most_held; // the most jobs held at once
      return r;
    },
    [](expire_atom, std::uint64_t) {},
    [](release_atom, std::uint64_t) {},
    [](join_atom, const remote_workers&) {},
    [](lost_atom, std::uint64_t, std::uint64_t) {},
  };
}

tier_departure departure(std::int64_t chunk, double probability, std::size_t bytes) {
  tier_departure d;
  d.key = cache_key{1, "warm", 10, chunk};
  d.probability = probability;
  d.payload.data = auralis::codec::byte_buffer::allocate(bytes);
  return d;
}

/// A held pool and a 10 MB L3 with a demotion actor between them (spawned by start()), on
/// the deterministic coordinator; all three are stopped at the end.
struct demotion_fixture : auralis::test::deterministic_fixture {
  caf::scoped_actor self{*sys};
  worker_pool_actor pool = spawn(held_pool, 0);
  tier_actor l3 = spawn_l3();
  demotion_sink demotion;

  tier_actor spawn_l3() {
    tier_settings l3s;
    l3s.tier = tier_id::l3;
    l3s.budget_bytes = 10'000'000;
    return spawn(tier_actor_impl, l3s);
  }

  void start(const demotion_settings& ds) {
    demotion = spawn(demotion_actor_impl, pool, l3, ds);
  }
};

} // namespace

BOOST_FIXTURE_TEST_CASE(a_flood_of_demotions_stays_within_the_budget_one_encode_at_a_time,
                        demotion_fixture) {
  const std::uint64_t one = payload_bytes(departure(0, 0, 50000).payload);
  demotion_settings ds;
  ds.budget_bytes = 3 * one; // one in flight and two waiting
  ds.max_in_flight = 1;
  start(ds);
  // Chunk 0 (least likely) arrives first and goes to the pool at once; of the nine after
  // it only the two likeliest (9, 8) can wait.
  for (int i = 0; i < 10; ++i)
    self->send(demotion, demote_atom::value, departure(i, i / 10.0, 50000));
  auto d = ask<demotion_report>(self, demotion, stats_atom::value);
  BOOST_TEST(d.received == 10u);
  BOOST_TEST(d.in_flight == 1u);
  BOOST_TEST(d.waiting == 2u);
  BOOST_TEST(d.dropped == 7u);
  BOOST_TEST(d.backlog_bytes == 3 * one);
  BOOST_TEST(d.budget_bytes == 3 * one);
  // It goes once L3 has said it does not hold it.
  BOOST_REQUIRE(ask<pool_report>(self, pool, stats_atom::value).submitted == 1u);
  // Each finished encode lets the next likeliest entry go to the pool, one at a time.
  for (std::uint64_t n = 1; n <= 3; ++n) {
    BOOST_REQUIRE(ask<pool_report>(self, pool, stats_atom::value).busy == 1u);
    BOOST_TEST(ask<std::uint64_t>(self, pool, cancel_atom::value, std::int64_t{1}) == 1u);
    if (n < 3)
      BOOST_REQUIRE(ask<pool_report>(self, pool, stats_atom::value).submitted == n + 1);
  }
  BOOST_REQUIRE(ask<demotion_report>(self, demotion, stats_atom::value).stored == 3u);
  d = ask<demotion_report>(self, demotion, stats_atom::value);
  BOOST_TEST(d.backlog_bytes == 0u);
  BOOST_TEST(d.in_flight == 0u);
  BOOST_TEST(d.waiting == 0u);
  BOOST_TEST(d.failed == 0u);
  const auto p = ask<pool_report>(self, pool, stats_atom::value);
  BOOST_TEST(p.submitted == 3u);
  BOOST_TEST(p.joined == 1u); // never more than one encode on the pool
  for (std::int64_t chunk : {0, 8, 9})
    BOOST_TEST(ask<peek_reply>(self, l3, peek_atom::value, cache_key{1, "warm", 10, chunk}).found,
               "chunk " << chunk << " in L3");
  BOOST_TEST(!ask<peek_reply>(self, l3, peek_atom::value, cache_key{1, "warm", 10, 5}).found);
}

BOOST_FIXTURE_TEST_CASE(a_shed_encode_counts_as_failed_and_frees_its_bytes,
                        demotion_fixture) {
  demotion_settings ds;
  ds.budget_bytes = 1'000'000;
  start(ds);
  self->send(demotion, demote_atom::value, departure(1, 0.5, 4 * 960));
  self->send(demotion, demote_atom::value, departure(2, 0.4, 4 * 960));
  BOOST_REQUIRE(ask<pool_report>(self, pool, stats_atom::value).busy == 1u);
  BOOST_TEST(ask<demotion_report>(self, demotion, stats_atom::value).backlog_bytes > 0u);
  // The pool sheds the first encode: the entry waiting behind it is dropped with it, since
  // an overloaded pool has no room for it either; nothing more goes to the pool.
  BOOST_TEST(ask<std::uint64_t>(self, pool, prune_atom::value, std::vector<cache_key>{}) == 1u);
  BOOST_REQUIRE(ask<demotion_report>(self, demotion, stats_atom::value).failed == 1u);
  const auto d = ask<demotion_report>(self, demotion, stats_atom::value);
  BOOST_TEST(d.backlog_bytes == 0u);
  BOOST_TEST(d.in_flight == 0u);
  BOOST_TEST(d.waiting == 0u);
  BOOST_TEST(d.stored == 0u);
  BOOST_TEST(d.dropped == 1u);
  BOOST_TEST(ask<pool_report>(self, pool, stats_atom::value).submitted == 1u);
  // Demotions after the shed are taken again.
  self->send(demotion, demote_atom::value, departure(3, 0.6, 4 * 960));
  BOOST_REQUIRE(ask<pool_report>(self, pool, stats_atom::value).submitted == 2u);
}

BOOST_FIXTURE_TEST_CASE(an_entry_l3_already_holds_is_put_back_not_encoded_again,
                        demotion_fixture) {
  demotion_settings ds;
  ds.budget_bytes = 1'000'000;
  start(ds);
  // L3 holds chunk 4's blob (as after a fetch served from L3); chunk 5 is not held.
  const std::vector<unsigned char> bytes(300, 7);
  audio_payload blob;
  blob.data = auralis::codec::byte_buffer::copy_of(bytes.data(), bytes.size());
  BOOST_REQUIRE(ask<put_reply>(self, l3, caf::put_atom::value, cache_key{1, "warm", 10, 4}, blob,
                               0.2)
                  .status != put_status::too_large);
  self->send(demotion, demote_atom::value, departure(4, 0.8, 4 * 960));
  BOOST_REQUIRE(ask<demotion_report>(self, demotion, stats_atom::value).refreshed == 1u);
  auto d = ask<demotion_report>(self, demotion, stats_atom::value);
  BOOST_TEST(d.backlog_bytes == 0u);
  BOOST_TEST(d.in_flight == 0u);
  BOOST_TEST(d.stored == 0u);
  BOOST_TEST(d.failed == 0u);
  BOOST_TEST(ask<pool_report>(self, pool, stats_atom::value).submitted == 0u);
  // The same blob, now with the departing entry's probability.
  const auto p = ask<peek_reply>(self, l3, peek_atom::value, cache_key{1, "warm", 10, 4});
  BOOST_TEST(p.found);
  BOOST_TEST(p.record.probability == 0.8);
  const auto g = ask<get_reply>(self, l3, caf::get_atom::value, cache_key{1, "warm", 10, 4}, false);
  BOOST_REQUIRE(g.found);
  BOOST_TEST(g.payload.data->size() == 300u);
  BOOST_TEST(g.payload.data->data()[299] == 7);
  // An entry L3 does not hold is encoded as before.
  self->send(demotion, demote_atom::value, departure(5, 0.8, 4 * 960));
  BOOST_REQUIRE(ask<pool_report>(self, pool, stats_atom::value).submitted == 1u);
}

BOOST_FIXTURE_TEST_CASE(an_invalidated_track_is_not_stored_even_when_its_encode_comes_back,
                        demotion_fixture) {
  demotion_settings ds;
  ds.budget_bytes = 1'000'000;
  start(ds);
  // Track 1's chunks 0, 1, 2 and track 2's chunk 0; track 1's chunk 0 (likeliest) goes to
  // the pool and is held there.
  for (std::int64_t c = 0; c < 3; ++c)
    self->send(demotion, demote_atom::value, departure(c, 0.9 - 0.1 * c, 4 * 960));
  auto two = departure(0, 0.5, 4 * 960);
  two.key.track_id = 2;
  self->send(demotion, demote_atom::value, std::move(two));
  BOOST_REQUIRE(ask<pool_report>(self, pool, stats_atom::value).submitted == 1u);
  // Track 1 is invalidated: its two waiting entries go at once.
  BOOST_TEST(ask<std::uint64_t>(self, demotion, invalidate_atom::value, std::int64_t{1}) == 2u);
  auto d = ask<demotion_report>(self, demotion, stats_atom::value);
  BOOST_TEST(d.invalidated == 2u);
  BOOST_TEST(d.waiting == 1u);
  BOOST_TEST(d.in_flight == 1u);
  // Its encode comes back after the invalidation: not stored; track 2 goes on.
  BOOST_TEST(ask<std::uint64_t>(self, pool, cancel_atom::value, std::int64_t{1}) == 1u);
  d = ask<demotion_report>(self, demotion, stats_atom::value);
  BOOST_TEST(d.invalidated == 3u);
  BOOST_TEST(d.stored == 0u);
  BOOST_TEST(d.failed == 0u);
  BOOST_TEST(!ask<peek_reply>(self, l3, peek_atom::value, cache_key{1, "warm", 10, 0}).found);
  BOOST_REQUIRE(ask<pool_report>(self, pool, stats_atom::value).submitted == 2u);
  BOOST_TEST(ask<std::uint64_t>(self, pool, cancel_atom::value, std::int64_t{2}) == 1u);
  d = ask<demotion_report>(self, demotion, stats_atom::value);
  BOOST_TEST(d.stored == 1u);
  BOOST_TEST(d.backlog_bytes == 0u);
  BOOST_TEST(ask<peek_reply>(self, l3, peek_atom::value, cache_key{2, "warm", 10, 0}).found);
  // Track 1's later demotions (its audio rendered again) are taken as before.
  self->send(demotion, demote_atom::value, departure(5, 0.8, 4 * 960));
  BOOST_REQUIRE(ask<pool_report>(self, pool, stats_atom::value).submitted == 3u);
  BOOST_TEST(ask<std::uint64_t>(self, pool, cancel_atom::value, std::int64_t{1}) == 1u);
  BOOST_TEST(ask<demotion_report>(self, demotion, stats_atom::value).stored == 2u);
}
