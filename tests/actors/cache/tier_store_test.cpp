#define BOOST_TEST_MODULE tier_store
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <random>

#include "actors/cache/tier_store.hpp"

using namespace auralis::actors;
using namespace std::chrono_literals;

namespace {

audio_blob blob_of(std::size_t n, std::uint8_t fill = 7) {
  auto v = auralis::codec::byte_buffer::allocate(n);
  std::fill(v->data(), v->data() + n, fill);
  return v;
}

cache_key key(std::int64_t track, std::int64_t chunk, const char* preset = "adaptive") {
  return {track, preset, 10, chunk};
}

tier_store store_of(std::uint64_t budget) {
  return tier_store(budget, std::make_unique<probability_lru_policy>());
}

} // namespace

BOOST_AUTO_TEST_CASE(a_put_that_does_not_fit_evicts_by_the_policy) {
  auto s = store_of(1000);
  const cache_clock::time_point t0{};
  BOOST_TEST((s.put(key(1, 0), blob_of(400), 0.9, t0).status == put_status::stored));
  BOOST_TEST((s.put(key(1, 1), blob_of(400), 0.2, t0 + 1s).status == put_status::stored));
  BOOST_TEST(s.bytes() == 800u);
  const auto r = s.put(key(1, 2), blob_of(400), 0.5, t0 + 2s);
  BOOST_REQUIRE(r.evicted.size() == 1u);
  BOOST_TEST((r.evicted[0].key == key(1, 1)));
  BOOST_TEST(r.evicted[0].probability == 0.2);
  BOOST_TEST(r.evicted[0].data->size() == 400u);
  BOOST_TEST(s.bytes() == 800u);
  BOOST_TEST(s.stats().evictions == 1u);
  BOOST_TEST(!s.peek(key(1, 1)).has_value());
}

BOOST_AUTO_TEST_CASE(an_entry_larger_than_the_budget_is_refused_and_nothing_changes) {
  auto s = store_of(1000);
  s.put(key(1, 0), blob_of(600), 0.9, {});
  const auto r = s.put(key(1, 1), blob_of(1001), 1.0, {});
  BOOST_TEST((r.status == put_status::too_large));
  BOOST_TEST(r.evicted.empty());
  BOOST_TEST(s.bytes() == 600u);
  BOOST_TEST(s.stats().refused == 1u);
  BOOST_TEST((s.put(key(1, 2), blob_of(1000), 1.0, {}).status == put_status::stored));
  BOOST_TEST(s.bytes() == 1000u);
}

BOOST_AUTO_TEST_CASE(hits_and_misses_count_only_client_fetches) {
  auto s = store_of(1000);
  s.put(key(1, 0), blob_of(10), 0.5, {});
  BOOST_TEST(s.get(key(1, 0), false, {}).has_value());
  BOOST_TEST(!s.get(key(1, 9), false, {}).has_value());
  BOOST_TEST(s.peek(key(1, 0)).has_value());
  BOOST_TEST(s.stats().hits == 0u);
  BOOST_TEST(s.stats().misses == 0u);
  BOOST_TEST(s.get(key(1, 0), true, {}).has_value());
  BOOST_TEST(!s.get(key(1, 9), true, {}).has_value());
  BOOST_TEST(s.stats().hits == 1u);
  BOOST_TEST(s.stats().misses == 1u);
  BOOST_TEST(s.peek(key(1, 0))->access_count == 2u);
}

BOOST_AUTO_TEST_CASE(replacing_a_key_accounts_the_new_size) {
  auto s = store_of(1000);
  s.put(key(1, 0), blob_of(300), 0.5, {});
  BOOST_TEST((s.put(key(1, 0), blob_of(100), 0.7, {}).status == put_status::replaced));
  BOOST_TEST(s.bytes() == 100u);
  BOOST_TEST(s.stats().count == 1u);
  BOOST_TEST(s.peek(key(1, 0))->probability == 0.7);
}

BOOST_AUTO_TEST_CASE(clear_and_invalidate_remove_exactly_what_they_should) {
  auto s = store_of(10000);
  for (int t = 1; t <= 3; ++t)
    for (int c = 0; c < 4; ++c)
      s.put(key(t, c, c % 2 ? "warm" : "bright"), blob_of(100), 0.5, {});
  BOOST_TEST(s.invalidate(2) == 4u);
  BOOST_TEST(s.stats().count == 8u);
  BOOST_TEST(s.bytes() == 800u);
  for (const auto& e : s.contents())
    BOOST_TEST(e.key.track_id != 2);
  BOOST_TEST(s.invalidate(7) == 0u);
  BOOST_TEST(s.remove(key(1, 1, "warm")).has_value());
  BOOST_TEST(!s.remove(key(1, 1, "warm")).has_value());
  BOOST_TEST(s.bytes() == 700u);
  BOOST_TEST(s.clear() == 7u);
  BOOST_TEST(s.bytes() == 0u);
  BOOST_TEST(s.contents().empty());
}

BOOST_AUTO_TEST_CASE(the_budget_holds_under_thousands_of_random_operations) {
  std::mt19937 rng(7);
  const std::uint64_t budget = 50000;
  auto s = store_of(budget);
  std::uniform_int_distribution<int> op(0, 9), track(1, 4), chunk(0, 30), size(1, 9000);
  std::uniform_real_distribution<double> prob(0, 1);
  cache_clock::time_point now{};
  for (int i = 0; i < 5000; ++i) {
    now += 10ms;
    const int o = op(rng);
    if (o < 6) {
      s.put(key(track(rng), chunk(rng)), blob_of(static_cast<std::size_t>(size(rng))), prob(rng), now);
    } else if (o == 6) {
      s.get(key(track(rng), chunk(rng)), true, now);
    } else if (o == 7) {
      s.remove(key(track(rng), chunk(rng)));
    } else if (o == 8) {
      s.set_probability(key(track(rng), chunk(rng)), prob(rng));
    } else if (i % 97 == 0) {
      s.invalidate(track(rng));
    }
    std::uint64_t sum = 0;
    for (const auto& e : s.contents())
      sum += e.bytes;
    BOOST_REQUIRE_EQUAL(sum, s.bytes());
    BOOST_REQUIRE_LE(s.bytes(), budget);
  }
}

BOOST_AUTO_TEST_CASE(a_lower_budget_evicts_down_to_it_and_zero_refuses_every_put) {
  auto s = store_of(1000);
  const cache_clock::time_point t0{};
  s.put(key(1, 0), blob_of(300), 0.9, t0);
  s.put(key(1, 1), blob_of(300), 0.2, t0 + 1s);
  s.put(key(1, 2), blob_of(300), 0.5, t0 + 2s);
  BOOST_TEST(s.set_budget(900, t0 + 3s).empty()); // fits: nothing leaves
  auto gone = s.set_budget(600, t0 + 3s);
  BOOST_REQUIRE(gone.size() == 1u);
  BOOST_TEST((gone[0].key == key(1, 1))); // the least likely
  BOOST_TEST(gone[0].data->size() == 300u);
  BOOST_TEST(s.bytes() == 600u);
  BOOST_TEST(s.budget() == 600u);
  BOOST_TEST(s.stats().evictions == 1u);
  gone = s.set_budget(0, t0 + 4s);
  BOOST_TEST(gone.size() == 2u);
  BOOST_TEST(s.bytes() == 0u);
  BOOST_TEST((s.put(key(1, 3), blob_of(1), 1.0, t0 + 5s).status == put_status::too_large));
  // Raised again, it takes puts again.
  BOOST_TEST(s.set_budget(1000, t0 + 6s).empty());
  BOOST_TEST((s.put(key(1, 3), blob_of(300), 1.0, t0 + 7s).status == put_status::stored));
}
