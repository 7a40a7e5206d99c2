#define BOOST_TEST_MODULE eviction_policy
#include <boost/test/unit_test.hpp>

#include "actors/cache/eviction_policy.hpp"

using namespace auralis::actors;
using namespace std::chrono_literals;

namespace {

struct fixture {
  std::vector<cache_key> keys;
  std::vector<entry_view> views;
  cache_clock::time_point t0{};

  void add(std::int64_t chunk, double probability, int created_s, int accessed_s,
           std::uint64_t bytes = 100) {
    keys.push_back({1, "warm", 10, chunk});
    probabilities.push_back(probability);
    created.push_back(t0 + std::chrono::seconds(created_s));
    accessed.push_back(t0 + std::chrono::seconds(accessed_s));
    sizes.push_back(bytes);
    refresh();
  }
  /// Views point into `keys`, which may move when it grows: rebuild them after each add.
  void refresh() {
    views.clear();
    for (std::size_t i = 0; i < keys.size(); ++i)
      views.push_back({&keys[i], probabilities[i], created[i], accessed[i], sizes[i]});
  }
  std::vector<std::int64_t> chunks(const std::vector<std::size_t>& idx) const {
    std::vector<std::int64_t> out;
    for (auto i : idx)
      out.push_back(keys[i].chunk_idx);
    return out;
  }
  std::vector<double> probabilities{};
  std::vector<cache_clock::time_point> created, accessed;
  std::vector<std::uint64_t> sizes;
};

} // namespace

BOOST_AUTO_TEST_CASE(lowest_probability_goes_first_then_least_recently_used) {
  fixture f;
  f.add(0, 0.9, 0, 50);
  f.add(1, 0.1, 0, 40);
  f.add(2, 0.5, 0, 10);
  f.add(3, 0.1, 0, 20);
  f.add(4, 0.5, 0, 30);
  probability_lru_policy p;
  const auto all = p.choose_victims(f.views, 500, f.t0 + 60s);
  BOOST_TEST(f.chunks(all) == (std::vector<std::int64_t>{3, 1, 2, 4, 0}), boost::test_tools::per_element());
  BOOST_TEST(f.chunks(p.choose_victims(f.views, 150, f.t0)) == (std::vector<std::int64_t>{3, 1}),
             boost::test_tools::per_element());
  BOOST_TEST(f.chunks(p.choose_victims(f.views, 100, f.t0)) == (std::vector<std::int64_t>{3}),
             boost::test_tools::per_element());
  BOOST_TEST(p.choose_victims(f.views, 0, f.t0).empty());
}

BOOST_AUTO_TEST_CASE(aged_policy_drops_expired_entries_first_oldest_first) {
  fixture f;
  f.add(0, 0.9, 0, 100);   // expired at t=400 (age 400 > 300)
  f.add(1, 0.1, 200, 200); // fresh, lowest probability
  f.add(2, 0.8, 50, 300);  // expired (age 350)
  f.add(3, 0.5, 150, 150); // fresh
  aged_probability_lru_policy p(300s);
  const auto order = p.choose_victims(f.views, 1000, f.t0 + 400s);
  BOOST_TEST(f.chunks(order) == (std::vector<std::int64_t>{0, 2, 1, 3}), boost::test_tools::per_element());
  // Without expired entries it is the plain rule.
  const auto early = p.choose_victims(f.views, 1000, f.t0 + 250s);
  BOOST_TEST(f.chunks(early) == (std::vector<std::int64_t>{1, 3, 2, 0}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(victims_cover_the_bytes_needed_with_uneven_sizes) {
  fixture f;
  f.add(0, 0.1, 0, 0, 10);
  f.add(1, 0.2, 0, 0, 1000);
  f.add(2, 0.3, 0, 0, 10);
  probability_lru_policy p;
  BOOST_TEST(f.chunks(p.choose_victims(f.views, 11, f.t0)) == (std::vector<std::int64_t>{0, 1}),
             boost::test_tools::per_element());
  BOOST_TEST(p.choose_victims(f.views, 5000, f.t0).size() == 3u);
}
