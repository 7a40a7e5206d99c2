#define BOOST_TEST_MODULE job_queue
#include <boost/test/unit_test.hpp>

#include <algorithm>

#include "actors/pool/job_queue.hpp"

using namespace auralis::actors;

namespace {

job_spec job(job_kind kind, std::int64_t track, std::int64_t chunk, job_priority p,
             double probability = 0) {
  job_spec j;
  j.kind = kind;
  j.key = cache_key{track, "warm", 10, chunk};
  j.priority = p;
  j.probability = probability;
  return j;
}

std::vector<std::uint64_t> drain(job_queue& q) {
  std::vector<std::uint64_t> out;
  while (auto j = q.pop())
    out.push_back(j->id);
  return out;
}

} // namespace

BOOST_AUTO_TEST_CASE(pops_by_priority_then_probability_then_arrival) {
  job_queue q;
  q.push(1, job(job_kind::render, 1, 1, job_priority::l3, 0.9));
  q.push(2, job(job_kind::render, 1, 2, job_priority::l2, 0.2));
  q.push(3, job(job_kind::render, 1, 3, job_priority::l2, 0.8));
  q.push(4, job(job_kind::render, 1, 4, job_priority::l1, 0.0));
  q.push(5, job(job_kind::render, 1, 5, job_priority::immediate, 0.0));
  q.push(6, job(job_kind::render, 1, 6, job_priority::l2, 0.2)); // ties with 2: after it
  BOOST_TEST(q.size() == 6u);
  const auto counts = q.counts_by_priority();
  BOOST_TEST(counts == (std::vector<std::size_t>{1, 1, 3, 1, 0}), boost::test_tools::per_element());
  BOOST_TEST(drain(q) == (std::vector<std::uint64_t>{5, 4, 3, 2, 6, 1}),
             boost::test_tools::per_element());
  BOOST_TEST(q.empty());
  BOOST_TEST(!q.pop().has_value());
}

BOOST_AUTO_TEST_CASE(an_identical_job_joins_and_raises_the_queued_one) {
  job_queue q;
  q.push(1, job(job_kind::render, 1, 1, job_priority::l3, 0.1));
  q.push(2, job(job_kind::render, 1, 2, job_priority::l2, 0.5));
  // Same kind and key as job 1: joins it and lifts it to l1.
  auto r = q.push(3, job(job_kind::render, 1, 1, job_priority::l1, 0.05));
  BOOST_TEST(r.joined);
  BOOST_TEST(r.id == 1u);
  // Same key, other kind: a different job.
  auto e = q.push(4, job(job_kind::encode, 1, 1, job_priority::l3, 0.1));
  BOOST_TEST(!e.joined);
  // A less urgent duplicate does not lower it.
  BOOST_TEST(q.push(5, job(job_kind::render, 1, 1, job_priority::l3, 0.0)).joined);
  BOOST_TEST(q.size() == 3u);
  auto first = q.pop();
  BOOST_REQUIRE(first.has_value());
  BOOST_TEST(first->id == 1u);
  BOOST_TEST((first->spec.priority == job_priority::l1));
  BOOST_TEST(first->spec.probability == 0.1);
  BOOST_TEST(drain(q) == (std::vector<std::uint64_t>{2, 4}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_render_joined_by_a_listener_who_wants_the_stream_makes_it) {
  job_queue q;
  q.push(1, job(job_kind::render, 1, 1, job_priority::l2, 0.5));
  auto wanting = job(job_kind::render, 1, 1, job_priority::immediate, 1.0);
  wanting.with_stream = true;
  BOOST_TEST(q.push(2, wanting).joined);
  // A later duplicate without the flag does not take it away.
  BOOST_TEST(q.push(3, job(job_kind::render, 1, 1, job_priority::l3, 0.1)).joined);
  auto top = q.pop();
  BOOST_REQUIRE(top.has_value());
  BOOST_TEST(top->id == 1u);
  BOOST_TEST(top->spec.with_stream);
  BOOST_TEST((top->spec.priority == job_priority::immediate));
}

BOOST_AUTO_TEST_CASE(find_remove_and_drop_if) {
  job_queue q;
  q.push(1, job(job_kind::render, 1, 1, job_priority::l2));
  q.push(2, job(job_kind::render, 2, 1, job_priority::l2));
  q.push(3, job(job_kind::analyse, 2, 0, job_priority::immediate));
  q.push(4, job(job_kind::render, 3, 1, job_priority::l3));
  const job_identity two{job_kind::render, cache_key{2, "warm", 10, 1}};
  BOOST_TEST(q.find(two).value() == 2u);
  BOOST_TEST(!q.find(job_identity{job_kind::encode, cache_key{2, "warm", 10, 1}}).has_value());
  auto dropped = q.drop_if([](const job_spec& s) { return s.key.track_id == 2; });
  std::sort(dropped.begin(), dropped.end());
  BOOST_TEST(dropped == (std::vector<std::uint64_t>{2, 3}), boost::test_tools::per_element());
  BOOST_TEST(!q.find(two).has_value());
  BOOST_TEST(q.remove(job_identity{job_kind::render, cache_key{3, "warm", 10, 1}}));
  BOOST_TEST(!q.remove(job_identity{job_kind::render, cache_key{3, "warm", 10, 1}}));
  BOOST_TEST(drain(q) == (std::vector<std::uint64_t>{1}), boost::test_tools::per_element());
  // Dropped and removed jobs left the order too: pushing them again queues them anew.
  BOOST_TEST(!q.push(7, job(job_kind::render, 2, 1, job_priority::l2)).joined);
  BOOST_TEST(q.counts_by_priority()[2] == 1u);
}

BOOST_AUTO_TEST_CASE(top_priority_is_the_priority_pop_would_take) {
  job_queue q;
  BOOST_TEST(!q.top_priority().has_value());
  q.push(1, job(job_kind::render, 1, 1, job_priority::l3));
  BOOST_TEST((q.top_priority() == job_priority::l3));
  q.push(2, job(job_kind::decode, 1, 2, job_priority::l1));
  BOOST_TEST((q.top_priority() == job_priority::l1));
  q.push(3, job(job_kind::render, 1, 1, job_priority::immediate)); // joins 1, raises it
  BOOST_TEST((q.top_priority() == job_priority::immediate));
  BOOST_TEST(q.pop()->id == 1u);
  BOOST_TEST((q.top_priority() == job_priority::l1));
  BOOST_TEST(q.remove(job_identity{job_kind::decode, cache_key{1, "warm", 10, 2}}));
  BOOST_TEST(!q.top_priority().has_value());
}

namespace {

/// `j` with an input of `bytes` heap bytes.
job_spec with_input(job_spec j, std::size_t bytes) {
  j.input.data = auralis::codec::byte_buffer::allocate(bytes);
  return j;
}

} // namespace

BOOST_AUTO_TEST_CASE(counts_speculative_jobs_and_input_bytes_through_every_change) {
  job_queue q;
  const auto a = with_input(job(job_kind::encode, 1, 1, job_priority::l3, 0.5), 1000);
  const std::uint64_t one = payload_bytes(a.input);
  q.push(1, a);
  q.push(2, with_input(job(job_kind::encode, 1, 2, job_priority::l2, 0.5), 1000));
  q.push(3, with_input(job(job_kind::decode, 1, 3, job_priority::immediate, 1), 1000));
  BOOST_TEST(q.speculative() == 2u);
  BOOST_TEST(q.immediate() == 1u);
  BOOST_TEST(q.input_bytes() == 3 * one);
  BOOST_TEST(q.speculative_bytes() == 2 * one);
  // Raised to immediate by a joining request: no longer speculative.
  BOOST_TEST(q.push(4, job(job_kind::encode, 1, 1, job_priority::immediate)).joined);
  BOOST_TEST(q.speculative() == 1u);
  BOOST_TEST(q.speculative_bytes() == one);
  BOOST_TEST((q.priority_of({job_kind::encode, cache_key{1, "warm", 10, 1}}) ==
              job_priority::immediate));
  BOOST_TEST(q.remove({job_kind::encode, cache_key{1, "warm", 10, 2}}));
  BOOST_TEST(q.speculative() == 0u);
  BOOST_TEST(q.input_bytes() == 2 * one);
  drain(q);
  BOOST_TEST(q.input_bytes() == 0u);
  BOOST_TEST(q.immediate() == 0u);
}

BOOST_AUTO_TEST_CASE(shedding_takes_the_least_urgent_speculative_job_and_never_an_immediate) {
  job_queue q;
  q.push(1, job(job_kind::render, 1, 1, job_priority::l1, 0.9));
  q.push(2, job(job_kind::render, 1, 2, job_priority::l3, 0.9));
  q.push(3, job(job_kind::render, 1, 3, job_priority::l3, 0.2));
  q.push(4, job(job_kind::render, 1, 4, job_priority::immediate, 0));
  q.push(5, job(job_kind::render, 1, 5, job_priority::l2, 0.1));
  BOOST_TEST(q.shed_least_urgent().value() == 3u);
  BOOST_TEST(q.shed_least_urgent().value() == 2u);
  BOOST_TEST(q.shed_least_urgent().value() == 5u);
  BOOST_TEST(q.shed_least_urgent().value() == 1u);
  BOOST_TEST(!q.shed_least_urgent().has_value());
  BOOST_TEST(q.size() == 1u);
  BOOST_TEST(q.pop()->id == 4u);
  BOOST_TEST(q.speculative() == 0u);
}

BOOST_AUTO_TEST_CASE(background_jobs_pop_after_every_other_priority) {
  job_queue q;
  // Background jobs arrive first and with the highest probability: still last.
  q.push(1, job(job_kind::analyse, 1, 0, job_priority::background, 1.0));
  q.push(2, job(job_kind::analyse, 2, 0, job_priority::background, 0.5));
  q.push(3, job(job_kind::render, 3, 1, job_priority::l3, 0.0));
  q.push(4, job(job_kind::render, 3, 2, job_priority::immediate, 0.0));
  q.push(5, job(job_kind::render, 3, 3, job_priority::l2, 0.0));
  BOOST_TEST(q.counts_by_priority() == (std::vector<std::size_t>{1, 0, 1, 1, 2}),
             boost::test_tools::per_element());
  BOOST_TEST(q.speculative() == 4u); // background is speculative: it may be shed
  BOOST_TEST(q.immediate() == 1u);
  BOOST_TEST((q.top_priority() == job_priority::immediate));
  // Shedding takes the least urgent background job first.
  BOOST_TEST(q.shed_least_urgent().value() == 2u);
  BOOST_TEST(drain(q) == (std::vector<std::uint64_t>{4, 5, 3, 1}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(an_immediate_duplicate_raises_a_queued_background_job_to_the_front) {
  job_queue q;
  q.push(1, job(job_kind::analyse, 7, 0, job_priority::background));
  q.push(2, job(job_kind::render, 1, 1, job_priority::l1, 0.9));
  q.push(3, job(job_kind::analyse, 8, 0, job_priority::background));
  // A listener asks for track 7's analysis: the same job, now immediate.
  auto r = q.push(4, job(job_kind::analyse, 7, 0, job_priority::immediate, 1.0));
  BOOST_TEST(r.joined);
  BOOST_TEST(r.id == 1u);
  BOOST_TEST(q.immediate() == 1u);
  BOOST_TEST(q.speculative() == 2u);
  BOOST_TEST((q.priority_of(job_identity{job_kind::analyse, cache_key{7, "warm", 10, 0}}) ==
              job_priority::immediate));
  // Raised out of the speculative set: no longer shed.
  BOOST_TEST(q.shed_least_urgent().value() == 3u);
  BOOST_TEST(q.shed_least_urgent().value() == 2u);
  BOOST_TEST(!q.shed_least_urgent().has_value());
  auto first = q.pop();
  BOOST_REQUIRE(first.has_value());
  BOOST_TEST(first->id == 1u);
  BOOST_TEST((first->spec.priority == job_priority::immediate));
}

BOOST_AUTO_TEST_CASE(pop_preferring_takes_the_first_preferred_job_down_to_the_given_priority) {
  job_queue q;
  q.push(1, job(job_kind::render, 1, 1, job_priority::l1, 0.9));
  q.push(2, job(job_kind::render, 2, 7, job_priority::l2, 0.5));
  q.push(3, job(job_kind::render, 2, 7, job_priority::l3, 0.5)); // joins 2 (same key)
  q.push(4, job(job_kind::encode, 2, 7, job_priority::l2, 0.9)); // not a render
  q.push(5, job(job_kind::render, 2, 7, job_priority::background, 0.9)); // joins 2 as well
  q.push(6, job(job_kind::render, 3, 7, job_priority::background, 0.9));
  const auto chunk_7_of_2 = [](const job_identity& j) {
    return j.kind == job_kind::render && j.key.track_id == 2 && j.key.chunk_idx == 7;
  };
  const auto chunk_7_of_3 = [](const job_identity& j) { return j.key.track_id == 3; };
  BOOST_TEST(q.size() == 4u);
  // Not down to l2: the head, as pop() would.
  BOOST_TEST(q.pop_preferring(chunk_7_of_2, job_priority::l1)->id == 1u);
  // The preferred l2 render before the more probable encode.
  const auto preferred = q.pop_preferring(chunk_7_of_2, job_priority::l3);
  BOOST_TEST(preferred->id == 2u);
  BOOST_TEST((preferred->spec.priority == job_priority::l2));
  // The background job is below `lowest`: the head instead.
  BOOST_TEST(q.pop_preferring(chunk_7_of_3, job_priority::l3)->id == 4u);
  BOOST_TEST(q.counts_by_priority()[4] == 1u);
  BOOST_TEST(q.pop_preferring(chunk_7_of_3, job_priority::background)->id == 6u);
  BOOST_TEST(q.empty());
  BOOST_TEST(!q.pop_preferring(chunk_7_of_3, job_priority::background));
  BOOST_TEST(q.speculative() == 0u);
}

BOOST_AUTO_TEST_CASE(pop_first_takes_only_a_wanted_job_down_to_the_given_priority) {
  job_queue q;
  q.push(1, job(job_kind::render, 1, 1, job_priority::l1, 0.9));
  q.push(2, job(job_kind::render, 2, 7, job_priority::l3, 0.5));
  q.push(3, job(job_kind::render, 3, 7, job_priority::background, 0.9));
  const auto chunk_7_of_2 = [](const job_identity& j) { return j.key.track_id == 2; };
  const auto chunk_7_of_3 = [](const job_identity& j) { return j.key.track_id == 3; };
  // None wanted down to l2: nothing is taken.
  BOOST_TEST(!q.pop_first(chunk_7_of_2, job_priority::l2));
  BOOST_TEST(q.size() == 3u);
  BOOST_TEST(q.pop_first(chunk_7_of_2, job_priority::l3)->id == 2u);
  // Below `lowest` counts as not there.
  BOOST_TEST(!q.pop_first(chunk_7_of_3, job_priority::l3));
  BOOST_TEST(q.pop_first(chunk_7_of_3, job_priority::background)->id == 3u);
  BOOST_TEST(q.size() == 1u);
  BOOST_TEST(q.speculative() == 1u);
}
