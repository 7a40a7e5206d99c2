#define BOOST_TEST_MODULE demotion_backlog
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "actors/cache/demotion_backlog.hpp"

using namespace auralis::actors;

namespace {

/// A demotion of chunk `chunk` at `probability` holding `bytes` of heap memory.
tier_departure departure(std::int64_t chunk, double probability, std::size_t bytes) {
  tier_departure d;
  d.key = cache_key{1, "warm", 10, chunk};
  d.probability = probability;
  d.payload.data = auralis::codec::byte_buffer::allocate(bytes);
  return d;
}

/// The chunks take() hands out, in order, until nothing waits (each released at once).
std::vector<std::int64_t> drain(demotion_backlog& b) {
  std::vector<std::int64_t> out;
  while (auto t = b.take()) {
    out.push_back(t->entry.key.chunk_idx);
    b.release(t->bytes);
  }
  return out;
}

} // namespace

BOOST_AUTO_TEST_CASE(never_holds_more_than_its_budget_and_sheds_the_least_likely) {
  const std::uint64_t one = payload_bytes(departure(0, 0, 1000).payload);
  BOOST_REQUIRE(one >= 1000u);
  demotion_backlog b(3 * one); // room for exactly three
  BOOST_TEST(b.push(departure(1, 0.5, 1000)) == 0u);
  BOOST_TEST(b.push(departure(2, 0.2, 1000)) == 0u);
  BOOST_TEST(b.push(departure(3, 0.9, 1000)) == 0u);
  BOOST_TEST(b.bytes() == 3 * one);
  // A fourth: the least likely (chunk 2) goes.
  BOOST_TEST(b.push(departure(4, 0.4, 1000)) == 1u);
  BOOST_TEST(b.bytes() <= b.budget());
  BOOST_TEST(b.size() == 3u);
  // A fifth less likely than every waiting entry is itself dropped.
  BOOST_TEST(b.push(departure(5, 0.1, 1000)) == 1u);
  BOOST_TEST(b.dropped() == 2u);
  BOOST_TEST(b.size() == 3u);
  // Most likely first.
  BOOST_TEST(drain(b) == (std::vector<std::int64_t>{3, 1, 4}), boost::test_tools::per_element());
  BOOST_TEST(b.bytes() == 0u);
}

BOOST_AUTO_TEST_CASE(a_flood_never_exceeds_the_budget) {
  const std::uint64_t one = payload_bytes(departure(0, 0, 5000).payload);
  demotion_backlog b(4 * one + one / 2);
  for (int i = 0; i < 200; ++i) {
    b.push(departure(i, (i * 37 % 100) / 100.0, 5000));
    BOOST_TEST(b.bytes() <= b.budget());
    if (i % 3 == 0)
      if (auto t = b.take())
        b.release(t->bytes);
  }
  BOOST_TEST(b.size() <= 4u);
  BOOST_TEST(b.dropped() + b.size() + 67u == 200u); // 67 taken (i = 0, 3, ..., 198)
}

BOOST_AUTO_TEST_CASE(in_flight_entries_count_and_are_never_dropped) {
  const std::uint64_t one = payload_bytes(departure(0, 0, 1000).payload);
  demotion_backlog b(2 * one);
  b.push(departure(1, 0.1, 1000));
  auto t = b.take(); // in flight: counted, not droppable
  BOOST_REQUIRE(t.has_value());
  BOOST_TEST(b.in_flight_bytes() == one);
  b.push(departure(2, 0.3, 1000));
  // Full (one waiting, one in flight): a likelier newcomer pushes the waiting one out,
  // never the one in flight.
  BOOST_TEST(b.push(departure(3, 0.9, 1000)) == 1u);
  BOOST_TEST(b.bytes() == 2 * one);
  BOOST_TEST(b.size() == 1u);
  b.release(t->bytes);
  BOOST_TEST(b.bytes() == one);
  BOOST_TEST(drain(b) == (std::vector<std::int64_t>{3}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(equal_probabilities_keep_the_older_and_a_key_is_held_once) {
  const std::uint64_t one = payload_bytes(departure(0, 0, 1000).payload);
  demotion_backlog b(2 * one);
  b.push(departure(1, 0.5, 1000));
  b.push(departure(2, 0.5, 1000));
  BOOST_TEST(b.push(departure(3, 0.5, 1000)) == 1u); // the newest of equals goes
  // The same key again replaces the waiting entry instead of holding it twice.
  BOOST_TEST(b.push(departure(1, 0.7, 1000)) == 0u);
  BOOST_TEST(b.size() == 2u);
  BOOST_TEST(drain(b) == (std::vector<std::int64_t>{1, 2}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(an_entry_larger_than_the_budget_and_a_zero_budget_admit_nothing) {
  demotion_backlog small(100);
  BOOST_TEST(small.push(departure(1, 1.0, 1000)) == 1u);
  BOOST_TEST(small.bytes() == 0u);
  demotion_backlog none(0);
  BOOST_TEST(none.push(departure(1, 1.0, 10)) == 1u);
  BOOST_TEST(!none.take().has_value());
}

BOOST_AUTO_TEST_CASE(drop_waiting_empties_the_room_but_keeps_what_is_in_flight) {
  const std::uint64_t one = payload_bytes(departure(0, 0, 1000).payload);
  demotion_backlog b(10 * one);
  b.push(departure(1, 0.9, 1000));
  auto t = b.take();
  BOOST_REQUIRE(t.has_value());
  b.push(departure(2, 0.5, 1000));
  b.push(departure(3, 0.4, 1000));
  BOOST_TEST(b.drop_waiting() == 2u);
  BOOST_TEST(b.size() == 0u);
  BOOST_TEST(b.dropped() == 2u);
  BOOST_TEST(b.bytes() == one); // the one in flight
  BOOST_TEST(b.drop_waiting() == 0u);
  b.release(t->bytes);
  BOOST_TEST(b.bytes() == 0u);
  b.push(departure(4, 0.1, 1000)); // the room takes entries again
  BOOST_TEST(drain(b) == (std::vector<std::int64_t>{4}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(drop_track_drops_only_that_tracks_waiting_entries) {
  const std::uint64_t one = payload_bytes(departure(0, 0, 1000).payload);
  demotion_backlog b(10 * one);
  b.push(departure(1, 0.9, 1000));
  auto t = b.take(); // track 1, chunk 1: in flight
  BOOST_REQUIRE(t.has_value());
  b.push(departure(2, 0.5, 1000));
  auto other = departure(7, 0.6, 1000);
  other.key.track_id = 2;
  b.push(std::move(other));
  b.push(departure(3, 0.4, 1000));
  BOOST_TEST(b.drop_track(1) == 2u);
  BOOST_TEST(b.size() == 1u);
  BOOST_TEST(b.dropped() == 0u); // not for room
  BOOST_TEST(b.bytes() == 2 * one); // track 2's entry and the one in flight
  BOOST_TEST(b.drop_track(1) == 0u);
  b.release(t->bytes);
  BOOST_TEST(drain(b) == (std::vector<std::int64_t>{7}), boost::test_tools::per_element());
}
