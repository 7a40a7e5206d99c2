#define BOOST_TEST_MODULE memory_governor
#include <boost/test/unit_test.hpp>

#include <stdexcept>

#include "actors/memory/memory_governor.hpp"

using namespace auralis::actors;

namespace {

constexpr std::uint64_t mb = 1'000'000;

/// The shipped budgets: 18 + 36 + 45 MB, 64 MB allowed beyond them, 8 MB of margin and
/// 8 MB steps.
memory_governor shipped() {
  return memory_governor({18 * mb, 36 * mb, 45 * mb}, 64 * mb, 8 * mb, 8 * mb);
}

} // namespace

BOOST_AUTO_TEST_CASE(within_the_limit_the_budgets_stay_as_configured) {
  auto g = shipped();
  BOOST_TEST(g.limit() == 163 * mb);
  // 50 MB outside the tiers: 163 - 50 - 8 = 105 MB of room, more than the 99 configured.
  const auto b = g.update(149 * mb, 99 * mb);
  BOOST_TEST((b == tier_budgets{18 * mb, 36 * mb, 45 * mb}));
  BOOST_TEST(g.outside() == 50 * mb);
  BOOST_TEST(g.cuts() == 0u);
}

BOOST_AUTO_TEST_CASE(a_cut_takes_l2_first_then_l3_and_never_l1) {
  auto g = shipped();
  // 86 MB outside: room 163 - 86 - 8 = 69 MB; L1 keeps 18, L3 keeps 45, L2 gets 6.
  auto b = g.update(186 * mb, 100 * mb);
  BOOST_TEST((b == tier_budgets{18 * mb, 6 * mb, 45 * mb}));
  BOOST_TEST(g.cuts() == 1u);
  // 120 MB outside: room 35 MB; L2 is gone and L3 keeps 17.
  b = g.update(220 * mb, 100 * mb);
  BOOST_TEST((b == tier_budgets{18 * mb, 0, 17 * mb}));
  BOOST_TEST(g.cuts() == 2u);
  // More outside than the whole limit: L1 alone remains.
  b = g.update(400 * mb, 10 * mb);
  BOOST_TEST((b == tier_budgets{18 * mb, 0, 0}));
  BOOST_TEST(b.total() == 18 * mb);
}

BOOST_AUTO_TEST_CASE(the_tiers_grow_back_one_step_per_sample) {
  auto g = shipped();
  g.update(400 * mb, 10 * mb); // down to L1 alone
  // Little is held outside now: the room is back, but the tiers take 8 MB per sample, L3
  // first.
  auto b = g.update(30 * mb, 10 * mb);
  BOOST_TEST((b == tier_budgets{18 * mb, 0, 8 * mb}));
  b = g.update(30 * mb, 10 * mb);
  BOOST_TEST((b == tier_budgets{18 * mb, 0, 16 * mb}));
  for (int i = 0; i < 20; ++i)
    b = g.update(30 * mb, 10 * mb);
  BOOST_TEST((b == tier_budgets{18 * mb, 36 * mb, 45 * mb}));
  BOOST_TEST(g.cuts() == 1u); // growing is no cut
}

BOOST_AUTO_TEST_CASE(tier_bytes_above_the_resident_set_count_as_nothing_outside) {
  auto g = shipped();
  const auto b = g.update(50 * mb, 60 * mb);
  BOOST_TEST(g.outside() == 0u);
  BOOST_TEST(b.total() == 99 * mb);
}

BOOST_AUTO_TEST_CASE(a_zero_step_is_refused) {
  BOOST_CHECK_THROW(memory_governor({1, 1, 1}, 1, 1, 0), std::invalid_argument);
}
