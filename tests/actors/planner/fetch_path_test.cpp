#define BOOST_TEST_MODULE fetch_path
#include <boost/test/unit_test.hpp>

#include <cstring>

#include "actors/planner/planner_test_fixture.hpp"
#include "codec/ogg_opus_remux.hpp"
#include "codec/opus_segmented_format.hpp"

using namespace auralis;
using namespace auralis::actors;
using namespace auralis::actors::planner_test;
using namespace std::chrono_literals;

// The planner's fetch path (fetch_path.hpp): hits, L3 promotion, misses rendered, the
// stream of an Opus fetch, failures, and the latency recorded per source.

namespace {

/// Fetches chunk 0 of track `id` (adaptive: a miss, rendered), encodes its PCM as an L3
/// entry and puts that into L3 under `key` (probability 0.3). Returns the fetch and the entry.
std::pair<fetch_reply, audio_payload> put_l3_entry(caf::scoped_actor& self, const core_actors& core,
                                                   std::int64_t id, const cache_key& key) {
  auto pcm = test::ask<fetch_reply>(self, core.planner, fetch_atom::value,
                                    fetch_of("a", id, "adaptive", 0));
  job_spec enc;
  enc.kind = job_kind::encode;
  enc.key = key;
  enc.priority = job_priority::immediate;
  enc.input = pcm.pcm;
  auto blob = test::ask<job_output>(self, core.pool, submit_atom::value, enc);
  test::ask<put_reply>(self, core.l3, caf::put_atom::value, key, blob.output, 0.3);
  return {std::move(pcm), std::move(blob.output)};
}

} // namespace

BOOST_FIXTURE_TEST_CASE(a_miss_renders_into_l1_and_the_next_fetch_is_an_l1_hit, engine_fixture) {
  start({10});
  caf::scoped_actor self{*sys};
  const auto id = tracks(self).at(0).id;
  auto first = test::ask<fetch_reply>(self, core.planner, fetch_atom::value,
                                      fetch_of("a", id, "warm", 1));
  BOOST_TEST((first.source == fetch_source::miss));
  BOOST_TEST(first.frames == 3 * 48000);
  BOOST_REQUIRE(first.pcm.data);
  BOOST_TEST(first.pcm.data->size() == pcm_chunk);
  auto peek = test::ask<peek_reply>(self, core.l1, peek_atom::value, first.key);
  BOOST_TEST(peek.found);
  auto second = test::ask<fetch_reply>(self, core.planner, fetch_atom::value,
                                       fetch_of("a", id, "warm", 1));
  BOOST_TEST((second.source == fetch_source::l1));
  BOOST_TEST(*second.pcm.data == *first.pcm.data);
  const auto l1 = report(self, core.l1);
  BOOST_TEST(l1.hits == 1u);
  BOOST_TEST(l1.misses == 1u);
  BOOST_TEST(total_hits({report(self, core.l2), report(self, core.l3)}) == 0u);
  BOOST_TEST(total_misses({report(self, core.l2), report(self, core.l3)}) == 0u);
  auto lat = test::ask<tier_latency>(self, core.planner, latency_atom::value);
  BOOST_TEST(lat.miss_samples == 1u);
  BOOST_TEST(lat.l1_samples == 1u);
  BOOST_TEST(lat.miss_ms > 0);
  // The last chunk of a 10 s track is 1 s long; past it there is nothing.
  auto last = test::ask<fetch_reply>(self, core.planner, fetch_atom::value,
                                     fetch_of("a", id, "warm", 3));
  BOOST_TEST(last.frames == 48000);
  auto err = test::ask_error<fetch_reply>(self, core.planner, fetch_atom::value,
                                          fetch_of("a", id, "warm", 4));
  BOOST_TEST(engine_code_of(err) == static_cast<std::uint8_t>(engine_errc::unknown_chunk));
  err = test::ask_error<fetch_reply>(self, core.planner, fetch_atom::value,
                                     fetch_of("a", id + 100, "warm", 0));
  BOOST_TEST(engine_code_of(err) == static_cast<std::uint8_t>(engine_errc::unknown_track));
  err = test::ask_error<fetch_reply>(self, core.planner, fetch_atom::value,
                                     fetch_of("a", id, "loud", 0));
  BOOST_TEST(engine_code_of(err) == static_cast<std::uint8_t>(engine_errc::unknown_preset));
}

BOOST_FIXTURE_TEST_CASE(duplicate_fetches_of_a_missing_chunk_render_once, engine_fixture) {
  cfg.planner.room_jobs_per_round = 0; // only the fetched chunk is rendered
  start({2.5});                        // one chunk
  caf::scoped_actor self{*sys};
  const auto id = tracks(self).at(0).id;
  std::vector<fetch_reply> replies;
  for (const auto* session : {"a", "b", "c"})
    self->send(core.planner, fetch_atom::value, fetch_of(session, id, "bright", 0));
  for (int i = 0; i < 3; ++i)
    self->receive([&](fetch_reply& r) { replies.push_back(std::move(r)); },
                  [&](caf::error& e) { BOOST_FAIL("fetch failed: " + to_string(e)); },
                  caf::after(30s) >> [] { BOOST_FAIL("no fetch reply within 30 s"); });
  BOOST_REQUIRE(replies.size() == 3u);
  for (const auto& r : replies) {
    BOOST_REQUIRE(r.pcm.data);
    BOOST_TEST(r.pcm.data == replies[0].pcm.data); // one rendering, shared
  }
  const auto pool = settle(self);
  BOOST_TEST(pool.completed == 2u); // the track's analysis and one render
  BOOST_TEST(pool.failed == 0u);
  const auto l1 = report(self, core.l1);
  BOOST_TEST(l1.hits + l1.misses == 3u); // one count per client fetch
}

BOOST_FIXTURE_TEST_CASE(an_opus_fetch_that_misses_gets_the_stream_from_its_render, engine_fixture) {
  cfg.planner.room_jobs_per_round = 0; // only the fetched chunk is rendered
  start({2.5});                        // one chunk of 2.5 s
  caf::scoped_actor self{*sys};
  const auto id = tracks(self).at(0).id;
  const auto before = settle(self); // the track's analysis is done
  const auto miss = test::ask<fetch_reply>(self, core.planner, fetch_atom::value,
                                           opus_fetch_of("a", id, "warm", 0));
  BOOST_TEST((miss.source == fetch_source::miss));
  BOOST_TEST(miss.frames == 120000);
  BOOST_REQUIRE(miss.pcm.data);
  BOOST_TEST(miss.pcm.data->size() == 120000u * 4u);
  BOOST_REQUIRE(miss.stream.data);
  BOOST_TEST(decoded_frames(*miss.stream.data) == 120000);
  // One job made both: the plan left the fetched chunk to the fetch.
  const auto pool = settle(self);
  BOOST_TEST(pool.submitted - before.submitted == 1u);
  BOOST_TEST(pool.completed - before.completed == 1u);
  BOOST_TEST(pool.joined == before.joined);
  BOOST_TEST(pool.failed == 0u);
  BOOST_TEST(test::ask<peek_reply>(self, core.l1, peek_atom::value, miss.key).found);
  // A hit has no stream (the caller encodes the PCM), nor has a miss that did not want it.
  const auto hit = test::ask<fetch_reply>(self, core.planner, fetch_atom::value,
                                          opus_fetch_of("a", id, "warm", 0));
  BOOST_TEST((hit.source == fetch_source::l1));
  BOOST_TEST(!hit.stream.data);
  BOOST_REQUIRE(hit.pcm.data);
  BOOST_TEST(*hit.pcm.data == *miss.pcm.data);
  const auto wav = test::ask<fetch_reply>(self, core.planner, fetch_atom::value,
                                          fetch_of("b", id, "bright", 0));
  BOOST_TEST((wav.source == fetch_source::miss));
  BOOST_TEST(!wav.stream.data);
  BOOST_TEST(settle(self).completed - before.completed == 2u);
}

BOOST_FIXTURE_TEST_CASE(a_render_joined_serves_the_stream_only_if_it_made_one, engine_fixture) {
  cfg.planner.room_jobs_per_round = 0; // only the fetched chunks are rendered
  start({2.5});                        // one chunk
  caf::scoped_actor self{*sys};
  const auto id = tracks(self).at(0).id;
  const auto before = settle(self); // the track's analysis is done
  // A WAV fetch first: its render has no stream (nor has the plan's, should the plan submit
  // one before the opus fetch arrives), and the opus fetch of the same chunk joins it, so
  // the opus fetch gets the PCM alone.
  auto r = fetch_all(self, core.planner,
                     {fetch_of("a", id, "warm", 0), opus_fetch_of("b", id, "warm", 0)});
  BOOST_TEST((r[0].source == fetch_source::miss));
  BOOST_TEST((r[1].source == fetch_source::miss));
  BOOST_REQUIRE(r[0].pcm.data);
  BOOST_TEST(r[1].pcm.data == r[0].pcm.data); // one rendering, shared
  BOOST_TEST(!r[0].stream.data);
  BOOST_TEST(!r[1].stream.data);
  auto pool = settle(self);
  BOOST_TEST(pool.completed - before.completed == 1u); // one render
  BOOST_TEST(pool.joined - before.joined >= 1u);       // the opus fetch's render, at least
  const auto middle = pool;
  // The opus fetch first: its render makes the stream (the plan leaves the chunk to it); the
  // WAV fetch joins it and gets the PCM alone.
  r = fetch_all(self, core.planner,
                {opus_fetch_of("a", id, "punchy", 0), fetch_of("b", id, "punchy", 0)});
  BOOST_TEST((r[0].source == fetch_source::miss));
  BOOST_TEST((r[1].source == fetch_source::miss));
  BOOST_REQUIRE(r[0].pcm.data);
  BOOST_TEST(r[1].pcm.data == r[0].pcm.data);
  BOOST_REQUIRE(r[0].stream.data);
  BOOST_TEST(decoded_frames(*r[0].stream.data) == 120000);
  BOOST_TEST(!r[1].stream.data);
  pool = settle(self);
  BOOST_TEST(pool.completed - middle.completed == 1u);
  BOOST_TEST(pool.joined - middle.joined == 1u); // the WAV fetch's render
  BOOST_TEST(pool.failed == 0u);
}

BOOST_FIXTURE_TEST_CASE(an_l3_entry_is_decoded_and_promoted_into_l1, engine_fixture) {
  cfg.planner.room_jobs_per_round = 0; // gentle 1 is held only where the test puts it
  start({6});
  caf::scoped_actor self{*sys};
  const auto id = tracks(self).at(0).id;
  const cache_key key{id, "gentle", 10, 1};
  const auto [pcm, blob] = put_l3_entry(self, core, id, key);
  BOOST_TEST(!test::ask<peek_reply>(self, core.l1, peek_atom::value, key).found);
  auto f = test::ask<fetch_reply>(self, core.planner, fetch_atom::value,
                                  fetch_of("b", id, "gentle", 1));
  BOOST_TEST((f.source == fetch_source::l3));
  BOOST_TEST(f.frames == pcm.frames);
  BOOST_TEST(test::ask<peek_reply>(self, core.l1, peek_atom::value, key).found);
  BOOST_TEST(report(self, core.l3).hits == 1u);
  BOOST_TEST(report(self, core.l1).hits == 0u);
  auto again = test::ask<fetch_reply>(self, core.planner, fetch_atom::value,
                                      fetch_of("b", id, "gentle", 1));
  BOOST_TEST((again.source == fetch_source::l1));
  // One service time per answer, in the window of where it came from.
  const auto lat = test::ask<tier_latency>(self, core.planner, latency_atom::value);
  BOOST_TEST(lat.miss_samples == 1u);
  BOOST_TEST(lat.l3_samples == 1u);
  BOOST_TEST(lat.l1_samples == 1u);
  BOOST_TEST(lat.l2_samples == 0u);
  BOOST_TEST(lat.l3_ms > 0);
  BOOST_TEST(lat.l2_ms == 0);
}

BOOST_FIXTURE_TEST_CASE(an_opus_fetch_of_an_l3_entry_gets_its_packets_and_promotes_it_after, engine_fixture) {
  cfg.planner.room_jobs_per_round = 0; // gentle 1 is held only where the test puts it
  start({6});
  caf::scoped_actor self{*sys};
  const auto id = tracks(self).at(0).id;
  const cache_key key{id, "gentle", 10, 1};
  const auto [pcm, blob] = put_l3_entry(self, core, id, key);
  const auto before = settle(self);
  // The answer is the entry's own packets in an Ogg stream: no PCM, no job waited for.
  auto f = test::ask<fetch_reply>(self, core.planner, fetch_atom::value,
                                  opus_fetch_of("b", id, "gentle", 1));
  BOOST_TEST((f.source == fetch_source::l3));
  BOOST_TEST(f.frames == pcm.frames);
  BOOST_TEST(!f.pcm.data);
  BOOST_REQUIRE(f.stream.data);
  BOOST_TEST(decoded_frames(*f.stream.data) == pcm.frames);
  BOOST_TEST(report(self, core.l3).hits == 1u);
  // Then the entry is promoted, as every L3 hit is: one decode, nobody waiting for it.
  BOOST_TEST(test::eventually(
    [&] { return test::ask<peek_reply>(self, core.l1, peek_atom::value, key).found; }));
  const auto pool = settle(self);
  BOOST_TEST(pool.completed - before.completed == 1u);
  BOOST_TEST(pool.failed == 0u);
  const auto lat = test::ask<tier_latency>(self, core.planner, latency_atom::value);
  BOOST_TEST(lat.l3_samples == 1u);
  // A corrupt entry is not remuxed: its fetch decodes it, which reports it as corrupt.
  const cache_key bad{id, "warm", 10, 1};
  std::vector<std::uint8_t> broken(blob.data->data(),
                                   blob.data->data() + blob.data->size());
  broken.back() ^= 0x40; // a packet byte of the last segment: only its own CRC sees it
  test::ask<put_reply>(self, core.l3, caf::put_atom::value, bad,
                       audio_payload{codec::byte_buffer::adopt(std::move(broken))}, 0.3);
  const auto err = test::ask_error<fetch_reply>(self, core.planner, fetch_atom::value,
                                                opus_fetch_of("b", id, "warm", 1));
  BOOST_TEST(engine_code_of(err) == static_cast<std::uint8_t>(engine_errc::corrupt_entry));
}

BOOST_FIXTURE_TEST_CASE(an_opus_fetch_of_an_l1_hit_gets_the_packets_of_its_l3_copy, engine_fixture) {
  cfg.planner.room_jobs_per_round = 0;
  start({6});
  caf::scoped_actor self{*sys};
  const auto id = tracks(self).at(0).id;
  // Adaptive 0 is rendered into L1 and its encode put into L3 under the same key.
  const cache_key key{id, "adaptive", 10, 0};
  const auto [pcm, blob] = put_l3_entry(self, core, id, key);
  const auto before = settle(self);
  auto f = test::ask<fetch_reply>(self, core.planner, fetch_atom::value,
                                  opus_fetch_of("b", id, "adaptive", 0));
  BOOST_TEST((f.source == fetch_source::l1));
  BOOST_TEST(f.frames == pcm.frames);
  BOOST_REQUIRE(f.stream.data);
  // The stream is the L3 copy's packets, and no job ran for it.
  const auto expected =
    codec::remux_to_ogg_opus(codec::opus_segmented_format::parse(*blob.data));
  BOOST_TEST(f.stream.data->size() == expected.size());
  BOOST_TEST(std::memcmp(f.stream.data->data(), expected.data(), expected.size()) == 0);
  BOOST_TEST(settle(self).completed == before.completed);
  // Looking at the copy counts no L3 hit: the fetch was L1's.
  BOOST_TEST(report(self, core.l3).hits == 0u);
  // Without an L3 copy the L1 hit comes without a stream (the gateway encodes its PCM).
  BOOST_TEST(test::ask<bool>(self, core.l3, caf::delete_atom::value, key));
  auto g = test::ask<fetch_reply>(self, core.planner, fetch_atom::value,
                                  opus_fetch_of("b", id, "adaptive", 0));
  BOOST_TEST((g.source == fetch_source::l1));
  BOOST_TEST(g.pcm.data);
  BOOST_TEST(!g.stream.data);
}

BOOST_FIXTURE_TEST_CASE(a_deleted_file_fails_its_fetch_and_the_engine_keeps_serving, engine_fixture) {
  cfg.planner.room_jobs_per_round = 0; // bright 1 is not rendered before the fetch asks
  start({9, 9});
  caf::scoped_actor self{*sys};
  const auto ts = tracks(self);
  test::ask<fetch_reply>(self, core.planner, fetch_atom::value, fetch_of("a", ts[0].id, "warm", 0));
  settle(self);
  std::filesystem::remove(ts[0].abs_path);
  auto err = test::ask_error<fetch_reply>(self, core.planner, fetch_atom::value,
                                          fetch_of("a", ts[0].id, "bright", 1));
  BOOST_TEST(static_cast<bool>(err));
  const auto code = static_cast<engine_errc>(engine_code_of(err));
  BOOST_TEST((code == engine_errc::unreadable_file || code == engine_errc::source_changed ||
              code == engine_errc::unknown_track));
  auto ok = test::ask<fetch_reply>(self, core.planner, fetch_atom::value,
                                   fetch_of("b", ts[1].id, "bright", 2));
  BOOST_TEST(ok.frames > 0);
  const auto pool = settle(self);
  BOOST_TEST(pool.respawned == 0u);
  // The file is back: the same fetch again renders, and the session's next chunk is
  // planned again although the fetch did not move it.
  const cache_key next{ts[0].id, "bright", 10, 2};
  BOOST_TEST(!test::ask<peek_reply>(self, core.l1, peek_atom::value, next).found);
  codec::write_audio_file(ts[0].abs_path, test::music_like(9 * 48000, 48000, 1), 2, 48000,
                          codec::file_format::wav_pcm16);
  // A render or fetch that met the missing file may have taken the track out of the
  // listing (or not yet): adding the file back, as a user would, lists it under its old
  // id in both cases.
  BOOST_TEST(test::ask<track_info>(self, core.library, caf::add_atom::value, ts[0].path).id ==
             ts[0].id);
  auto again = test::ask<fetch_reply>(self, core.planner, fetch_atom::value,
                                      fetch_of("a", ts[0].id, "bright", 1));
  BOOST_TEST((again.source == fetch_source::miss));
  settle(self);
  BOOST_TEST(test::ask<peek_reply>(self, core.l1, peek_atom::value, next).found);
}
