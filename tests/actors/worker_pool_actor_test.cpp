#define BOOST_TEST_MODULE worker_pool_actor
#include <boost/test/unit_test.hpp>

#include "actor_test_support.hpp"
#include "actors/worker_pool_actor.hpp"
#include "codec/opus_chunk_format.hpp"
#include "test_support.hpp"

using namespace auralis::actors;
using auralis::test::ask;
using auralis::test::ask_error;

namespace {

/// `frames` of music-like 16-bit stereo PCM as a payload.
audio_payload pcm_payload(std::int64_t frames, unsigned seed = 1) {
  const auto f = auralis::test::music_like(frames, 48000, seed);
  auto bytes = std::make_shared<std::vector<std::uint8_t>>(f.size() * 2);
  auto* s = reinterpret_cast<std::int16_t*>(bytes->data());
  for (std::size_t i = 0; i < f.size(); ++i)
    s[i] = static_cast<std::int16_t>(std::lround(f[i] * 32767.0f));
  return {bytes};
}

job_spec encode_job(std::int64_t chunk, job_priority p, double probability, std::int64_t frames) {
  job_spec j;
  j.kind = job_kind::encode;
  j.key = cache_key{1, "warm", 10, chunk};
  j.priority = p;
  j.probability = probability;
  j.input = pcm_payload(frames, static_cast<unsigned>(chunk + 1));
  return j;
}

pool_settings one_worker() {
  pool_settings s;
  s.workers = 1;
  s.opus.complexity = 0;
  return s;
}

} // namespace

BOOST_FIXTURE_TEST_CASE(encode_and_decode_round_trip_on_the_pool, auralis::test::actor_system_fixture) {
  auto pool = sys->spawn(worker_pool_actor_impl, one_worker());
  caf::scoped_actor self{*sys};
  auto enc = ask<job_output>(self, pool, submit_atom::value, encode_job(3, job_priority::l3, 0.5, 48000));
  BOOST_TEST((enc.kind == job_kind::encode));
  BOOST_TEST(enc.key.chunk_idx == 3);
  const auto view = auralis::codec::opus_chunk_format::parse(enc.output.data->data(), enc.output.data->size());
  BOOST_TEST(view.frame_count() == 48000u);
  job_spec dec;
  dec.kind = job_kind::decode;
  dec.key = enc.key;
  dec.priority = job_priority::immediate;
  dec.input = enc.output;
  auto out = ask<job_output>(self, pool, submit_atom::value, dec);
  BOOST_TEST(out.output.data->size() == 48000u * 4u);
  // A corrupt blob is a typed error, and the pool keeps working.
  auto bad = std::make_shared<std::vector<std::uint8_t>>(*enc.output.data);
  (*bad)[40] ^= 0x5a;
  dec.input.data = bad;
  auto err = ask_error<job_output>(self, pool, submit_atom::value, dec);
  BOOST_TEST(engine_code_of(err) == static_cast<std::uint8_t>(engine_errc::corrupt_entry));
  auto again = ask<job_output>(self, pool, submit_atom::value, encode_job(4, job_priority::l1, 0.5, 960));
  BOOST_TEST(again.key.chunk_idx == 4);
  auto st = ask<pool_report>(self, pool, stats_atom::value);
  BOOST_TEST(st.completed == 3u);
  BOOST_TEST(st.failed == 1u);
  self->send_exit(pool, caf::exit_reason::user_shutdown);
}

BOOST_FIXTURE_TEST_CASE(queued_jobs_start_most_urgent_first, auralis::test::actor_system_fixture) {
  auto pool = sys->spawn(worker_pool_actor_impl, one_worker());
  caf::scoped_actor self{*sys};
  // The first job occupies the only worker for a while (15 s of audio); the others queue
  // behind it and must then run in priority order, then by probability.
  // Replies to plain sends come back as ordinary messages, in the order jobs finish.
  std::vector<std::int64_t> finished;
  auto submit = [&](std::int64_t chunk, job_priority p, double prob, std::int64_t frames) {
    self->send(pool, submit_atom::value, encode_job(chunk, p, prob, frames));
  };
  submit(0, job_priority::l3, 0.1, 720000);
  submit(1, job_priority::l3, 0.9, 960);
  submit(2, job_priority::l2, 0.2, 960);
  submit(3, job_priority::l2, 0.8, 960);
  submit(4, job_priority::l1, 0.5, 960);
  submit(5, job_priority::immediate, 0.0, 960);
  for (int i = 0; i < 6; ++i)
    self->receive([&finished](const job_output& o) { finished.push_back(o.key.chunk_idx); });
  BOOST_TEST(finished == (std::vector<std::int64_t>{0, 5, 4, 3, 2, 1}), boost::test_tools::per_element());
  self->send_exit(pool, caf::exit_reason::user_shutdown);
}

BOOST_FIXTURE_TEST_CASE(identical_requests_run_once, auralis::test::actor_system_fixture) {
  auto pool = sys->spawn(worker_pool_actor_impl, one_worker());
  caf::scoped_actor self{*sys};
  std::vector<audio_payload> outputs;
  auto blocker = encode_job(0, job_priority::l3, 0.1, 720000);
  auto twin = encode_job(7, job_priority::l3, 0.1, 960);
  self->send(pool, submit_atom::value, blocker);
  for (int i = 0; i < 3; ++i)
    self->send(pool, submit_atom::value, twin);
  for (int i = 0; i < 4; ++i)
    self->receive([&outputs](const job_output& o) {
      if (o.key.chunk_idx == 7)
        outputs.push_back(o.output);
    });
  BOOST_REQUIRE(outputs.size() == 3u);
  // One render, shared: the three answers hold the very same bytes.
  BOOST_TEST(outputs[0].data.get() == outputs[1].data.get());
  BOOST_TEST(outputs[1].data.get() == outputs[2].data.get());
  auto st = ask<pool_report>(self, pool, stats_atom::value);
  BOOST_TEST(st.submitted == 4u);
  BOOST_TEST(st.joined == 2u);
  BOOST_TEST(st.completed == 2u);
  self->send_exit(pool, caf::exit_reason::user_shutdown);
}

BOOST_FIXTURE_TEST_CASE(a_waiter_past_its_timeout_gets_timed_out_and_the_job_is_dropped,
                        auralis::test::actor_system_fixture) {
  auto settings = one_worker();
  settings.timeouts[3] = std::chrono::milliseconds(1);
  auto pool = sys->spawn(worker_pool_actor_impl, settings);
  caf::scoped_actor self{*sys};
  auto blocker = encode_job(0, job_priority::l2, 0.1, 720000);
  self->send(pool, submit_atom::value, blocker);
  caf::error late;
  self->request(pool, std::chrono::seconds(60), submit_atom::value,
                encode_job(1, job_priority::l3, 0.1, 960))
    .receive([](const job_output&) { BOOST_FAIL("the job should have timed out"); },
             [&late](caf::error& e) { late = e; });
  self->receive([](const job_output&) {});
  BOOST_TEST(engine_code_of(late) == static_cast<std::uint8_t>(engine_errc::timed_out));
  auto st = ask<pool_report>(self, pool, stats_atom::value);
  BOOST_TEST(st.timed_out == 1u);
  BOOST_TEST(st.completed == 1u); // the timed-out job never ran
  self->send_exit(pool, caf::exit_reason::user_shutdown);
}
