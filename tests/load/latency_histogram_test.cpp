#define BOOST_TEST_MODULE latency_histogram
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <random>

#include "load/latency_histogram.hpp"

using auralis::load::latency_histogram;

namespace {

/// The nearest-rank percentile of sorted `v`.
double exact(const std::vector<double>& v, double q) {
  auto rank = static_cast<std::size_t>(std::ceil(q / 100.0 * static_cast<double>(v.size())));
  rank = std::clamp<std::size_t>(rank, 1, v.size());
  return v[rank - 1];
}

} // namespace

BOOST_AUTO_TEST_CASE(percentiles_are_within_the_stated_error) {
  std::mt19937_64 rng(3);
  std::lognormal_distribution<double> d(3.0, 1.5); // a long-tailed latency-like spread
  std::vector<double> v;
  latency_histogram h;
  for (int i = 0; i < 100000; ++i) {
    const double x = d(rng);
    v.push_back(x);
    h.record(x);
  }
  std::sort(v.begin(), v.end());
  for (double q : {1.0, 10.0, 50.0, 90.0, 95.0, 99.0, 99.9, 100.0}) {
    const double want = exact(v, q);
    const double got = h.percentile(q);
    BOOST_TEST(std::fabs(got - want) <= want * latency_histogram::relative_error,
               "p" << q << ": " << got << " vs " << want);
  }
  BOOST_TEST(h.count() == 100000u);
  BOOST_TEST(h.max() == v.back());
  BOOST_TEST(h.min() == v.front());
}

BOOST_AUTO_TEST_CASE(known_values) {
  latency_histogram h;
  for (int i = 1; i <= 1000; ++i)
    h.record(i);
  BOOST_TEST(std::fabs(h.percentile(50) - 500) <= 5.0);
  BOOST_TEST(std::fabs(h.percentile(99) - 990) <= 9.9);
  BOOST_TEST(h.percentile(100) == 1000.0);
  BOOST_TEST(h.mean() == 500.5);
  latency_histogram one;
  one.record(42.5);
  BOOST_TEST(one.percentile(50) == 42.5); // clamped to the only value
  BOOST_TEST(latency_histogram().percentile(99) == 0.0);
  latency_histogram zero;
  zero.record(-3);
  BOOST_TEST(zero.max() == 0.0);
}

BOOST_AUTO_TEST_CASE(merge_adds_counts) {
  latency_histogram a, b, both;
  for (int i = 1; i <= 100; ++i) {
    a.record(i);
    both.record(i);
  }
  for (int i = 1000; i <= 1100; ++i) {
    b.record(i);
    both.record(i);
  }
  a.merge(b);
  BOOST_TEST(a.count() == both.count());
  for (double q : {25.0, 50.0, 75.0, 99.0})
    BOOST_TEST(a.percentile(q) == both.percentile(q));
  BOOST_TEST(a.max() == 1100.0);
  a.reset();
  BOOST_TEST(a.count() == 0u);
}
