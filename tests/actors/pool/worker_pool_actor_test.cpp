#define BOOST_TEST_MODULE worker_pool_actor
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <atomic>
#include <memory>
#include <utility>

#include "actors/actor_test_support.hpp"
#include "actors/pool/worker_pool_actor.hpp"
#include "codec/audio_file_writer.hpp"
#include "codec/audio_source.hpp"
#include "codec/opus_segmented_format.hpp"
#include "config/config_loader.hpp"
#include "test_support.hpp"

using namespace auralis::actors;
using auralis::test::ask;
using auralis::test::ask_error;

namespace {

/// `frames` of music-like 16-bit stereo PCM as a payload.
audio_payload pcm_payload(std::int64_t frames, unsigned seed = 1) {
  const auto f = auralis::test::music_like(frames, 48000, seed);
  auto bytes = auralis::codec::byte_buffer::allocate(f.size() * 2);
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
  const auto view = auralis::codec::opus_segmented_format::parse(enc.output.data->data(), enc.output.data->size());
  BOOST_TEST(view.frame_count() == 48000u);
  job_spec dec;
  dec.kind = job_kind::decode;
  dec.key = enc.key;
  dec.priority = job_priority::immediate;
  dec.input = enc.output;
  auto out = ask<job_output>(self, pool, submit_atom::value, dec);
  BOOST_TEST(out.output.data->size() == 48000u * 4u);
  // A corrupt blob is a typed error, and the pool keeps working.
  auto bad = auralis::codec::byte_buffer::copy_of(enc.output.data->data(), enc.output.data->size());
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

namespace {

/// A 2 s music-like WAV: two 1 s chunks with the pool's chunk length set to 48000.
struct pool_track {
  auralis::test::scratch_dir dir{"pool"};
  std::string path = dir.file("track.wav");
  pool_track() {
    auralis::codec::write_audio_file(path, auralis::test::music_like(96000, 48000, 3), 2, 48000,
                                     auralis::codec::file_format::wav_pcm16);
  }
  source_ref ref() const {
    const auto sig = auralis::codec::signature_of(path);
    return source_ref{path, sig.size, sig.mtime_ns, 96000};
  }
};

pool_settings render_pool() {
  auto s = one_worker();
  s.presets = auralis::config::config_loader::parse_presets(
    auralis::config::embedded_presets_json, "presets");
  s.chunk_frames = 48000;
  return s;
}

job_spec render_job(const source_ref& src, std::int64_t track, const std::string& preset,
                    std::int64_t chunk, job_priority p) {
  job_spec j;
  j.kind = job_kind::render;
  j.key = cache_key{track, preset, 10, chunk};
  j.priority = p;
  j.probability = 0.5;
  j.source = src;
  return j;
}

std::uint8_t code(engine_errc e) { return static_cast<std::uint8_t>(e); }

/// The next `n` job outputs `self` receives, in order, as "<kind> <preset> <chunk>", with
/// " reused" when a render reused its worker's span.
std::vector<std::string> finished_jobs(caf::scoped_actor& self, int n) {
  std::vector<std::string> finished;
  for (int i = 0; i < n; ++i)
    self->receive([&finished](const job_output& o) {
      finished.push_back(std::string(to_string(o.kind)) + " " + o.key.preset + " " +
                         std::to_string(o.key.chunk_idx) + (o.input_reused ? " reused" : ""));
    });
  return finished;
}

} // namespace

BOOST_FIXTURE_TEST_CASE(identical_render_requests_run_once, auralis::test::actor_system_fixture) {
  pool_track track;
  auto pool = sys->spawn(worker_pool_actor_impl, render_pool());
  caf::scoped_actor self{*sys};
  self->send(pool, submit_atom::value, encode_job(0, job_priority::l3, 0.1, 720000));
  const auto twin = render_job(track.ref(), 2, "warm", 1, job_priority::l2);
  for (int i = 0; i < 3; ++i)
    self->send(pool, submit_atom::value, twin);
  std::vector<audio_payload> outputs;
  for (int i = 0; i < 4; ++i)
    self->receive([&outputs](const job_output& o) {
      if (o.kind == job_kind::render)
        outputs.push_back(o.output);
    });
  BOOST_REQUIRE(outputs.size() == 3u);
  BOOST_TEST(outputs[0].data->size() == 48000u * 4u);
  BOOST_TEST(outputs[0].data.get() == outputs[1].data.get());
  BOOST_TEST(outputs[1].data.get() == outputs[2].data.get());
  auto st = ask<pool_report>(self, pool, stats_atom::value);
  BOOST_TEST(st.submitted == 4u);
  BOOST_TEST(st.joined == 2u);
  BOOST_TEST(st.completed == 2u);
  // Submitted again after it finished, the render runs anew and gives the same bytes.
  auto again = ask<job_output>(self, pool, submit_atom::value, twin);
  BOOST_TEST(*again.output.data == *outputs[0].data);
  self->send_exit(pool, caf::exit_reason::user_shutdown);
}

BOOST_FIXTURE_TEST_CASE(a_worker_takes_the_renders_of_the_chunk_whose_span_it_holds_first,
                        auralis::test::actor_system_fixture) {
  pool_track track;
  auto pool = sys->spawn(worker_pool_actor_impl, render_pool());
  caf::scoped_actor self{*sys};
  // The worker renders chunk 1 and keeps its span.
  auto first = ask<job_output>(self, pool, submit_atom::value,
                               render_job(track.ref(), 2, "warm", 1, job_priority::l1));
  BOOST_TEST(!first.input_reused);
  // A long encode holds the worker while three renders queue behind it. Chunk 1's two go
  // first although chunk 0's is more urgent: they cost the chain alone.
  self->send(pool, submit_atom::value, encode_job(0, job_priority::l3, 0.1, 720000));
  self->send(pool, submit_atom::value, render_job(track.ref(), 2, "gentle", 0, job_priority::l1));
  self->send(pool, submit_atom::value, render_job(track.ref(), 2, "punchy", 1, job_priority::l2));
  self->send(pool, submit_atom::value, render_job(track.ref(), 2, "bright", 1, job_priority::l3));
  const auto finished = finished_jobs(self, 4);
  BOOST_TEST(finished == (std::vector<std::string>{"encode warm 0", "render punchy 1 reused",
                                                   "render bright 1 reused", "render gentle 0"}),
             boost::test_tools::per_element());
  auto st = ask<pool_report>(self, pool, stats_atom::value);
  BOOST_TEST(st.renders == 4u);
  BOOST_TEST(st.reused_inputs == 2u);
  self->send_exit(pool, caf::exit_reason::user_shutdown);
}

BOOST_FIXTURE_TEST_CASE(cancel_drops_exactly_the_queued_jobs_of_a_track,
                        auralis::test::actor_system_fixture) {
  pool_track track;
  auto pool = sys->spawn(worker_pool_actor_impl, render_pool());
  caf::scoped_actor self{*sys};
  // The blocker (track 1) runs while the rest queue behind it.
  auto blocker = self->request(pool, caf::infinite, submit_atom::value,
                               encode_job(0, job_priority::l3, 0.1, 720000));
  auto a = self->request(pool, caf::infinite, submit_atom::value,
                         render_job(track.ref(), 2, "warm", 0, job_priority::l1));
  auto b = self->request(pool, caf::infinite, submit_atom::value,
                         render_job(track.ref(), 2, "bright", 1, job_priority::immediate));
  auto c = self->request(pool, caf::infinite, submit_atom::value,
                         render_job(track.ref(), 3, "warm", 0, job_priority::l2));
  auto cancel_2 = self->request(pool, caf::infinite, cancel_atom::value, std::int64_t{2});
  auto cancel_1 = self->request(pool, caf::infinite, cancel_atom::value, std::int64_t{1});
  std::uint64_t dropped_2 = 99, dropped_1 = 99;
  cancel_2.receive([&](std::uint64_t n) { dropped_2 = n; },
                   [](caf::error&) { BOOST_FAIL("cancel failed"); });
  cancel_1.receive([&](std::uint64_t n) { dropped_1 = n; },
                   [](caf::error&) { BOOST_FAIL("cancel failed"); });
  BOOST_TEST(dropped_2 == 2u);
  BOOST_TEST(dropped_1 == 0u); // track 1's job is running: it is not cancelled
  auto expect_cancelled = [](auto& handle) {
    handle.receive([](const job_output&) { BOOST_FAIL("the job should have been cancelled"); },
                   [](caf::error& e) {
                     BOOST_TEST(engine_code_of(e) == code(engine_errc::cancelled));
                   });
  };
  expect_cancelled(a);
  expect_cancelled(b);
  bool blocker_done = false, c_done = false;
  blocker.receive([&](const job_output&) { blocker_done = true; },
                  [](caf::error&) { BOOST_FAIL("the running job should finish"); });
  c.receive([&](const job_output& o) { c_done = o.key.track_id == 3; },
            [](caf::error&) { BOOST_FAIL("another track's job should run"); });
  BOOST_TEST(blocker_done);
  BOOST_TEST(c_done);
  auto st = ask<pool_report>(self, pool, stats_atom::value);
  BOOST_TEST(st.cancelled == 2u);
  BOOST_TEST(st.completed == 2u);
  self->send_exit(pool, caf::exit_reason::user_shutdown);
}

BOOST_FIXTURE_TEST_CASE(prune_drops_only_unwanted_queued_planned_renders,
                        auralis::test::actor_system_fixture) {
  pool_track track;
  auto pool = sys->spawn(worker_pool_actor_impl, render_pool());
  caf::scoped_actor self{*sys};
  const auto wanted = render_job(track.ref(), 2, "warm", 0, job_priority::l2);
  const auto stale_l1 = render_job(track.ref(), 2, "warm", 1, job_priority::l1);
  const auto stale_l3 = render_job(track.ref(), 2, "gentle", 1, job_priority::l3);
  const auto urgent = render_job(track.ref(), 2, "bright", 0, job_priority::immediate);
  auto encode = encode_job(5, job_priority::l3, 0.1, 960);
  // The blocker (15 s to encode) runs while the rest queue behind it.
  auto blocker = self->request(pool, caf::infinite, submit_atom::value,
                               encode_job(0, job_priority::l3, 0.1, 720000));
  auto h_wanted = self->request(pool, caf::infinite, submit_atom::value, wanted);
  auto h_stale_l1 = self->request(pool, caf::infinite, submit_atom::value, stale_l1);
  auto h_stale_l3 = self->request(pool, caf::infinite, submit_atom::value, stale_l3);
  auto h_urgent = self->request(pool, caf::infinite, submit_atom::value, urgent);
  auto h_encode = self->request(pool, caf::infinite, submit_atom::value, encode);
  auto prune = self->request(pool, caf::infinite, prune_atom::value,
                             std::vector<cache_key>{wanted.key, cache_key{9, "warm", 10, 0}});
  std::uint64_t dropped = 99;
  prune.receive([&](std::uint64_t n) { dropped = n; },
                [](caf::error&) { BOOST_FAIL("prune failed"); });
  BOOST_TEST(dropped == 2u);
  std::vector<cache_key> done, cancelled;
  auto collect = [&](auto& handle, const cache_key& key) {
    handle.receive([&](const job_output&) { done.push_back(key); },
                   [&](caf::error& e) {
                     BOOST_TEST(engine_code_of(e) == code(engine_errc::cancelled));
                     cancelled.push_back(key);
                   });
  };
  collect(blocker, cache_key{1, "warm", 10, 0});
  collect(h_wanted, wanted.key);
  collect(h_stale_l1, stale_l1.key);
  collect(h_stale_l3, stale_l3.key);
  collect(h_urgent, urgent.key);
  collect(h_encode, encode.key);
  BOOST_TEST(done.size() == 4u);
  BOOST_TEST((cancelled == std::vector<cache_key>{stale_l1.key, stale_l3.key}));
  self->send_exit(pool, caf::exit_reason::user_shutdown);
}

BOOST_FIXTURE_TEST_CASE(a_failing_file_gives_the_waiter_an_error_and_the_pool_keeps_working,
                        auralis::test::actor_system_fixture) {
  pool_track track;
  auto pool = sys->spawn(worker_pool_actor_impl, render_pool());
  caf::scoped_actor self{*sys};
  auto missing = track.ref();
  missing.path = track.dir.file("missing.wav");
  auto err = ask_error<job_output>(self, pool, submit_atom::value,
                                   render_job(missing, 2, "warm", 0, job_priority::immediate));
  BOOST_TEST(engine_code_of(err) == code(engine_errc::unreadable_file));
  auto stale = track.ref();
  stale.size += 1;
  err = ask_error<job_output>(self, pool, submit_atom::value,
                              render_job(stale, 2, "warm", 0, job_priority::immediate));
  BOOST_TEST(engine_code_of(err) == code(engine_errc::source_changed));
  err = ask_error<job_output>(self, pool, submit_atom::value,
                              render_job(track.ref(), 2, "nope", 0, job_priority::immediate));
  BOOST_TEST(engine_code_of(err) == code(engine_errc::unknown_preset));
  err = ask_error<job_output>(self, pool, submit_atom::value,
                              render_job(track.ref(), 2, "warm", 2, job_priority::immediate));
  BOOST_TEST(engine_code_of(err) == code(engine_errc::unknown_chunk));
  auto ok = ask<job_output>(self, pool, submit_atom::value,
                            render_job(track.ref(), 2, "warm", 1, job_priority::immediate));
  BOOST_TEST(ok.output.data->size() == 48000u * 4u);
  job_spec analyse;
  analyse.kind = job_kind::analyse;
  analyse.key = analysis_key(2);
  analyse.priority = job_priority::immediate;
  analyse.source = track.ref();
  auto a = ask<job_output>(self, pool, submit_atom::value, analyse);
  BOOST_TEST(a.analysis.chunks.size() == 2u);
  BOOST_TEST(a.analysis.pre_gain_lufs.size() == 5u);
  auto st = ask<pool_report>(self, pool, stats_atom::value);
  BOOST_TEST(st.failed == 4u);
  BOOST_TEST(st.completed == 2u);
  BOOST_TEST(st.respawned == 0u);
  self->send_exit(pool, caf::exit_reason::user_shutdown);
}

namespace {

pool_settings two_workers() {
  auto s = one_worker();
  s.workers = 2;
  return s;
}

/// A 15 s music-like chunk encoded (4 segments) by a pool of one worker.
audio_payload l3_entry(caf::actor_system& sys, unsigned seed) {
  auto pool = sys.spawn(worker_pool_actor_impl, one_worker());
  caf::scoped_actor self{sys};
  auto enc = encode_job(seed, job_priority::immediate, 0.5, 720000);
  auto out = ask<job_output>(self, pool, submit_atom::value, enc);
  self->send_exit(pool, caf::exit_reason::user_shutdown);
  return out.output;
}

job_spec decode_job(std::int64_t chunk, const audio_payload& blob, job_priority p) {
  job_spec j;
  j.kind = job_kind::decode;
  j.key = cache_key{1, "warm", 10, chunk};
  j.priority = p;
  j.probability = 0.5;
  j.input = blob;
  return j;
}

} // namespace

BOOST_FIXTURE_TEST_CASE(a_segmented_decode_runs_as_parts_and_gives_the_same_pcm,
                        auralis::test::actor_system_fixture) {
  const auto blob = l3_entry(*sys, 1);
  BOOST_REQUIRE(auralis::codec::opus_segmented_format::parse(*blob.data).segment_count() == 4u);
  caf::scoped_actor self{*sys};
  // One worker: no parts, the whole entry on that worker.
  auto single = sys->spawn(worker_pool_actor_impl, one_worker());
  const auto whole = ask<job_output>(self, single, submit_atom::value,
                                     decode_job(0, blob, job_priority::immediate));
  BOOST_TEST(ask<pool_report>(self, single, stats_atom::value).split == 0u);
  self->send_exit(single, caf::exit_reason::user_shutdown);
  BOOST_REQUIRE(whole.output.data);
  BOOST_TEST(whole.output.data->size() == 720000u * 4u);
  // Two, three or five workers: one part per segment, joined into the very same bytes.
  for (const auto& [workers, parts] : {std::pair{2u, 4u}, {3u, 4u}, {5u, 4u}}) {
    auto settings = one_worker();
    settings.workers = workers;
    auto pool = sys->spawn(worker_pool_actor_impl, settings);
    const auto asked = std::chrono::steady_clock::now();
    const auto joined = ask<job_output>(self, pool, submit_atom::value,
                                        decode_job(0, blob, job_priority::l1));
    const double whole_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - asked).count();
    BOOST_TEST((joined.kind == job_kind::decode));
    BOOST_TEST(joined.key.chunk_idx == 0);
    BOOST_REQUIRE(joined.output.data);
    BOOST_TEST((*joined.output.data == *whole.output.data), workers << " workers");
    BOOST_TEST(joined.cpu_ms > 0);
    const auto st = ask<pool_report>(self, pool, stats_atom::value);
    BOOST_TEST(st.split == 1u);
    BOOST_TEST(st.parts == parts, workers << " workers");
    // Each part's time is counted from its own start: none outlasts the whole job.
    const auto decode = static_cast<std::size_t>(job_kind::decode);
    BOOST_REQUIRE(st.job_time_by_kind.size() > decode);
    BOOST_TEST(st.job_time_by_kind[decode].count() == parts);
    BOOST_TEST(st.job_time_by_kind[decode].max_ms() <= whole_ms);
    BOOST_TEST(st.completed == 1u);
    BOOST_TEST(st.failed == 0u);
    BOOST_TEST(st.busy == 0u);
    self->send_exit(pool, caf::exit_reason::user_shutdown);
  }
}

BOOST_FIXTURE_TEST_CASE(identical_segmented_decodes_run_once_and_share_the_pcm,
                        auralis::test::actor_system_fixture) {
  const auto blob = l3_entry(*sys, 2);
  auto pool = sys->spawn(worker_pool_actor_impl, two_workers());
  caf::scoped_actor self{*sys};
  for (int i = 0; i < 3; ++i)
    self->send(pool, submit_atom::value,
               decode_job(5, blob, i == 2 ? job_priority::immediate : job_priority::l2));
  std::vector<audio_payload> outputs;
  for (int i = 0; i < 3; ++i)
    self->receive([&outputs](const job_output& o) { outputs.push_back(o.output); });
  BOOST_REQUIRE(outputs.size() == 3u);
  BOOST_TEST(outputs[0].data.get() == outputs[1].data.get());
  BOOST_TEST(outputs[1].data.get() == outputs[2].data.get());
  BOOST_TEST(outputs[0].data->size() == 720000u * 4u);
  const auto st = ask<pool_report>(self, pool, stats_atom::value);
  BOOST_TEST(st.submitted == 3u);
  BOOST_TEST(st.joined == 2u);
  BOOST_TEST(st.split == 1u);
  BOOST_TEST(st.parts == 4u);
  BOOST_TEST(st.completed == 1u);
  self->send_exit(pool, caf::exit_reason::user_shutdown);
}

BOOST_FIXTURE_TEST_CASE(a_failing_segment_fails_the_split_decode_once,
                        auralis::test::actor_system_fixture) {
  const auto blob = l3_entry(*sys, 3);
  const auto view = auralis::codec::opus_segmented_format::parse(*blob.data);
  const auto third = view.segment_at(2);
  auto bad = auralis::codec::byte_buffer::copy_of(blob.data->data(), blob.data->size());
  // The third segment's last packet byte: the container is intact, that segment is not.
  (*bad)[static_cast<std::size_t>(third.data - blob.data->data()) + third.size - 1] ^= 0x01;
  auto pool = sys->spawn(worker_pool_actor_impl, two_workers());
  caf::scoped_actor self{*sys};
  auto h1 = self->request(pool, caf::infinite, submit_atom::value,
                          decode_job(0, audio_payload{bad}, job_priority::immediate));
  auto h2 = self->request(pool, caf::infinite, submit_atom::value,
                          decode_job(0, audio_payload{bad}, job_priority::immediate));
  for (auto* h : {&h1, &h2})
    h->receive([](const job_output&) { BOOST_FAIL("a corrupt segment should fail the job"); },
               [](caf::error& e) {
                 BOOST_TEST(engine_code_of(e) == code(engine_errc::corrupt_entry));
               });
  // A part still running when the job failed comes back to nobody; the pool goes on.
  const auto ok = ask<job_output>(self, pool, submit_atom::value,
                                  decode_job(1, blob, job_priority::immediate));
  BOOST_TEST(ok.output.data->size() == 720000u * 4u);
  // The second submission joins the first unless the first already failed when it came
  // (the corrupt part fails at once, so the scheduler decides). Either way every run that
  // failed counts once, and only the sound decode completes.
  const auto st = ask<pool_report>(self, pool, stats_atom::value);
  BOOST_TEST(st.submitted == 3u);
  BOOST_TEST(st.joined <= 1u);
  BOOST_TEST(st.split == 3u - st.joined);
  BOOST_TEST(st.failed == st.split - 1u);
  BOOST_TEST(st.completed == 1u);
  BOOST_TEST(st.respawned == 0u);
  // A container whose header is broken is not split: the worker answers the error.
  auto broken = auralis::codec::byte_buffer::copy_of(blob.data->data(), blob.data->size());
  (*broken)[20] ^= 0x01;
  const auto err = ask_error<job_output>(self, pool, submit_atom::value,
                                         decode_job(2, audio_payload{broken},
                                                    job_priority::immediate));
  BOOST_TEST(engine_code_of(err) == code(engine_errc::corrupt_entry));
  BOOST_TEST(ask<pool_report>(self, pool, stats_atom::value).split == st.split);
  self->send_exit(pool, caf::exit_reason::user_shutdown);
}

BOOST_FIXTURE_TEST_CASE(an_entry_of_one_segment_is_decoded_whole,
                        auralis::test::actor_system_fixture) {
  auto settings = two_workers();
  settings.opus.segments = 1;
  auto pool = sys->spawn(worker_pool_actor_impl, settings);
  caf::scoped_actor self{*sys};
  auto enc = ask<job_output>(self, pool, submit_atom::value,
                             encode_job(0, job_priority::immediate, 0.5, 48000));
  BOOST_TEST(auralis::codec::opus_segmented_format::parse(*enc.output.data).segment_count() == 1u);
  auto dec = ask<job_output>(self, pool, submit_atom::value,
                             decode_job(0, enc.output, job_priority::immediate));
  BOOST_TEST(dec.output.data->size() == 48000u * 4u);
  const auto st = ask<pool_report>(self, pool, stats_atom::value);
  BOOST_TEST(st.split == 0u);
  BOOST_TEST(st.completed == 2u);
  self->send_exit(pool, caf::exit_reason::user_shutdown);
}

namespace {

/// One worker encoding at the highest complexity: the long blocker below holds it for a
/// second or more, so that jobs sent right after it are all queued behind it even on a
/// loaded machine.
pool_settings slow_worker() {
  pool_settings s;
  s.workers = 1;
  s.opus.complexity = 10;
  return s;
}

/// 60 s of audio to encode (chunk 0, l3).
job_spec long_blocker() { return encode_job(0, job_priority::l3, 0.1, 4 * 720000); }

} // namespace

BOOST_FIXTURE_TEST_CASE(a_flood_of_speculative_jobs_keeps_the_queue_at_its_cap_and_immediate_runs_first,
                        auralis::test::actor_system_fixture) {
  auto settings = slow_worker();
  settings.max_queued_speculative = 3;
  auto pool = sys->spawn(worker_pool_actor_impl, settings);
  caf::scoped_actor self{*sys};
  // The blocker (15 s to encode) holds the only worker while the flood arrives.
  auto blocker = self->request(pool, caf::infinite, submit_atom::value,
                               long_blocker());
  using handle = decltype(self->request(pool, caf::infinite, submit_atom::value, job_spec{}));
  std::vector<handle> flood;
  for (int i = 1; i <= 10; ++i)
    flood.push_back(self->request(pool, caf::infinite, submit_atom::value,
                                  encode_job(i, i % 2 ? job_priority::l3 : job_priority::l2,
                                             i / 10.0, 960)));
  auto urgent = self->request(pool, caf::infinite, submit_atom::value,
                              encode_job(100, job_priority::immediate, 0, 960));
  const auto st = ask<pool_report>(self, pool, stats_atom::value);
  BOOST_TEST(st.shed == 7u);
  BOOST_TEST(st.queued[1] + st.queued[2] + st.queued[3] == 3u);
  BOOST_TEST(st.queued[0] == 1u);
  BOOST_TEST(st.max_queued == 3u);
  // Kept: the most urgent, the l2 jobs of highest probability (10, 8, 6); every other one
  // was shed with overloaded at once. The immediate job is never shed.
  std::vector<std::int64_t> kept;
  int overloaded = 0;
  for (std::size_t i = 0; i < flood.size(); ++i)
    flood[i].receive(
      [&](const job_output& o) { kept.push_back(o.key.chunk_idx); },
      [&](caf::error& e) {
        BOOST_TEST(engine_code_of(e) == static_cast<std::uint8_t>(engine_errc::overloaded));
        BOOST_TEST(engine_retry_after_of(e) >= 1u);
        ++overloaded;
      });
  BOOST_TEST(overloaded == 7);
  std::sort(kept.begin(), kept.end());
  BOOST_TEST(kept == (std::vector<std::int64_t>{6, 8, 10}), boost::test_tools::per_element());
  urgent.receive([](const job_output& o) { BOOST_TEST(o.key.chunk_idx == 100); },
                 [](caf::error&) { BOOST_FAIL("the immediate job failed"); });
  blocker.receive([](const job_output&) {}, [](caf::error&) { BOOST_FAIL("blocker failed"); });
  const auto done = ask<pool_report>(self, pool, stats_atom::value);
  BOOST_TEST(done.completed == 5u);
  BOOST_TEST(done.queued_bytes == 0u);
  self->send_exit(pool, caf::exit_reason::user_shutdown);
}

BOOST_FIXTURE_TEST_CASE(queued_speculative_input_bytes_are_capped,
                        auralis::test::actor_system_fixture) {
  auto settings = slow_worker();
  const std::uint64_t one = payload_bytes(encode_job(1, job_priority::l3, 0, 960).input);
  settings.max_queued_bytes = 2 * one;
  auto pool = sys->spawn(worker_pool_actor_impl, settings);
  caf::scoped_actor self{*sys};
  auto blocker = self->request(pool, caf::infinite, submit_atom::value, long_blocker());
  using handle = decltype(blocker);
  std::vector<handle> small;
  for (int i = 1; i <= 4; ++i)
    small.push_back(self->request(pool, caf::infinite, submit_atom::value,
                                  encode_job(i, job_priority::l3, i / 10.0, 960)));
  const auto st = ask<pool_report>(self, pool, stats_atom::value);
  BOOST_TEST(st.shed == 2u);
  BOOST_TEST(st.queued_bytes == 2 * one);
  BOOST_TEST(st.running_bytes >= 4u * 720000u * 4u);
  // The two least likely (1, 2) were shed at once; 3 and 4 ran after the blocker.
  int overloaded = 0;
  for (auto& h : small)
    h.receive([](const job_output& o) { BOOST_TEST(o.key.chunk_idx >= 3); },
              [&](caf::error& e) {
                BOOST_TEST(engine_code_of(e) == static_cast<std::uint8_t>(engine_errc::overloaded));
                ++overloaded;
              });
  BOOST_TEST(overloaded == 2);
  blocker.receive([](const job_output&) {}, [](caf::error&) { BOOST_FAIL("blocker failed"); });
  self->send_exit(pool, caf::exit_reason::user_shutdown);
}

BOOST_FIXTURE_TEST_CASE(an_immediate_job_the_pool_cannot_finish_in_time_is_refused_at_once,
                        auralis::test::actor_system_fixture) {
  auto settings = slow_worker();
  settings.admission_ms = std::chrono::milliseconds(1000);
  settings.assumed_job_ms = 600; // a busy worker: 600 + 600 ms > 1 s
  auto pool = sys->spawn(worker_pool_actor_impl, settings);
  caf::scoped_actor self{*sys};
  auto blocker = self->request(pool, caf::infinite, submit_atom::value,
                               long_blocker());
  // The blocker itself found an idle worker and was admitted; the immediate job behind it
  // is refused at once with the seconds to wait.
  caf::error refused;
  self->request(pool, caf::infinite, submit_atom::value,
                encode_job(1, job_priority::immediate, 1, 960))
    .receive([](const job_output&) { BOOST_FAIL("the job should have been refused"); },
             [&refused](caf::error& e) { refused = std::move(e); });
  BOOST_TEST(engine_code_of(refused) == static_cast<std::uint8_t>(engine_errc::overloaded));
  BOOST_TEST(engine_retry_after_of(refused) == 2u); // 1.2 s rounded up
  BOOST_TEST(!engine_detail_of(refused).empty());
  blocker.receive([](const job_output&) {}, [](caf::error&) { BOOST_FAIL("blocker failed"); });
  const auto st = ask<pool_report>(self, pool, stats_atom::value);
  BOOST_TEST(st.refused == 1u);
  BOOST_TEST(st.completed == 1u);
  self->send_exit(pool, caf::exit_reason::user_shutdown);
}

BOOST_FIXTURE_TEST_CASE(a_listener_worker_runs_immediate_work_alone_beside_a_long_render,
                        auralis::test::actor_system_fixture) {
  auto settings = slow_worker();
  settings.listener_workers = 1;
  settings.background_nice = 10;
  auto pool = sys->spawn(worker_pool_actor_impl, settings);
  caf::scoped_actor self{*sys};
  // The blocker holds the general worker; an l2 job queues behind it: the listener worker
  // does not take speculative work.
  self->send(pool, submit_atom::value, long_blocker());
  self->send(pool, submit_atom::value, encode_job(1, job_priority::l2, 0.5, 960));
  const auto queued = ask<pool_report>(self, pool, stats_atom::value);
  BOOST_TEST(queued.workers == 2u);
  BOOST_TEST(queued.busy == 1u);
  BOOST_TEST(queued.queued[2] == 1u);
  // A listener's job starts at once on the listener worker, so it finishes first; the l2
  // job waits for the general worker.
  self->send(pool, submit_atom::value, encode_job(2, job_priority::immediate, 0, 960));
  std::vector<std::int64_t> finished;
  for (int i = 0; i < 3; ++i)
    self->receive([&finished](const job_output& o) { finished.push_back(o.key.chunk_idx); });
  BOOST_TEST(finished == (std::vector<std::int64_t>{2, 0, 1}), boost::test_tools::per_element());
  const auto done = ask<pool_report>(self, pool, stats_atom::value);
  BOOST_TEST(done.completed == 3u);
  BOOST_TEST(done.respawned == 0u);
  self->send_exit(pool, caf::exit_reason::user_shutdown);
}

namespace {

job_spec background_encode(std::int64_t chunk, std::int64_t frames = 960) {
  return encode_job(chunk, job_priority::background, 1.0, frames);
}

} // namespace

BOOST_FIXTURE_TEST_CASE(background_jobs_run_last_and_an_immediate_duplicate_raises_one,
                        auralis::test::actor_system_fixture) {
  auto pool = sys->spawn(worker_pool_actor_impl, slow_worker());
  caf::scoped_actor self{*sys};
  // The blocker holds the only worker; two background jobs and an l3 job queue behind it.
  self->send(pool, submit_atom::value, long_blocker());
  self->send(pool, submit_atom::value, background_encode(1));
  self->send(pool, submit_atom::value, encode_job(2, job_priority::l3, 0.0, 960));
  self->send(pool, submit_atom::value, background_encode(3));
  auto queued = ask<pool_report>(self, pool, stats_atom::value);
  BOOST_REQUIRE(queued.queued.size() == 5u);
  BOOST_TEST(queued.queued[3] == 1u);
  BOOST_TEST(queued.queued[4] == 2u);
  // A listener needs job 1: the same job (kind and key) joins it and raises it to the front.
  self->send(pool, submit_atom::value, encode_job(1, job_priority::immediate, 0.0, 960));
  const auto raised = ask<pool_report>(self, pool, stats_atom::value);
  BOOST_TEST(raised.queued[0] == 1u);
  BOOST_TEST(raised.queued[4] == 1u);
  BOOST_TEST(raised.joined == 1u);
  std::vector<std::int64_t> finished;
  for (int i = 0; i < 5; ++i)
    self->receive([&finished](const job_output& o) { finished.push_back(o.key.chunk_idx); });
  // Job 1 answers both its waiters, before the l3 job; job 3 stays behind everything.
  BOOST_TEST(finished == (std::vector<std::int64_t>{0, 1, 1, 2, 3}),
             boost::test_tools::per_element());
  const auto done = ask<pool_report>(self, pool, stats_atom::value);
  BOOST_TEST(done.completed == 4u);
  BOOST_TEST(done.submitted == 5u);
  self->send_exit(pool, caf::exit_reason::user_shutdown);
}

BOOST_FIXTURE_TEST_CASE(a_background_job_leaves_a_general_worker_free_for_a_listener,
                        auralis::test::actor_system_fixture) {
  auto settings = slow_worker();
  settings.workers = 2;
  auto pool = sys->spawn(worker_pool_actor_impl, settings);
  caf::scoped_actor self{*sys};
  // The blocker takes one worker; the background job would take the last idle one: it waits.
  self->send(pool, submit_atom::value, long_blocker());
  self->send(pool, submit_atom::value, background_encode(1));
  const auto waiting = ask<pool_report>(self, pool, stats_atom::value);
  BOOST_TEST(waiting.busy == 1u);
  BOOST_TEST(waiting.queued[4] == 1u);
  // A listener's job starts at once on the free worker; the background job starts only
  // once both workers are idle again, after the blocker.
  self->send(pool, submit_atom::value, encode_job(2, job_priority::immediate, 0.0, 960));
  std::vector<std::int64_t> finished;
  for (int i = 0; i < 3; ++i)
    self->receive([&finished](const job_output& o) { finished.push_back(o.key.chunk_idx); });
  BOOST_TEST(finished == (std::vector<std::int64_t>{2, 0, 1}), boost::test_tools::per_element());
  self->send_exit(pool, caf::exit_reason::user_shutdown);
}

BOOST_FIXTURE_TEST_CASE(speculative_work_leaves_a_reserved_worker_for_listeners,
                        auralis::test::actor_system_fixture) {
  auto settings = slow_worker();
  settings.workers = 2; // reserved_workers: 1 by default
  auto pool = sys->spawn(worker_pool_actor_impl, settings);
  caf::scoped_actor self{*sys};
  // The l3 blocker takes one worker; the queued l1, l2 and l3 jobs would take the last
  // idle one: they wait.
  self->send(pool, submit_atom::value, long_blocker());
  self->send(pool, submit_atom::value, encode_job(1, job_priority::l3, 0.5, 960));
  self->send(pool, submit_atom::value, encode_job(2, job_priority::l2, 0.5, 960));
  self->send(pool, submit_atom::value, encode_job(4, job_priority::l1, 0.0, 960));
  const auto waiting = ask<pool_report>(self, pool, stats_atom::value);
  BOOST_TEST(waiting.busy == 1u);
  BOOST_TEST(waiting.queued[1] == 1u);
  BOOST_TEST(waiting.queued[2] == 1u);
  BOOST_TEST(waiting.queued[3] == 1u);
  // A listener's job starts at once on the free worker.
  self->send(pool, submit_atom::value, encode_job(3, job_priority::immediate, 0.0, 960));
  std::vector<std::int64_t> finished;
  for (int i = 0; i < 5; ++i)
    self->receive([&finished](const job_output& o) { finished.push_back(o.key.chunk_idx); });
  // The others start one at a time after the blocker, most urgent first.
  BOOST_TEST(finished == (std::vector<std::int64_t>{3, 0, 4, 2, 1}), boost::test_tools::per_element());
  self->send_exit(pool, caf::exit_reason::user_shutdown);

  // Without a reservation both workers take l3 work.
  settings.reserved_workers = 0;
  auto open = sys->spawn(worker_pool_actor_impl, settings);
  self->send(open, submit_atom::value, long_blocker());
  self->send(open, submit_atom::value, encode_job(1, job_priority::l3, 0.5, 960));
  const auto both = ask<pool_report>(self, open, stats_atom::value);
  BOOST_TEST(both.queued[3] == 0u); // started at once on the other worker
  for (int i = 0; i < 2; ++i)
    self->receive([](const job_output&) {});
  self->send_exit(open, caf::exit_reason::user_shutdown);
}

BOOST_FIXTURE_TEST_CASE(the_reservation_lets_a_worker_render_the_chunk_whose_span_it_holds,
                        auralis::test::actor_system_fixture) {
  pool_track track;
  auto settings = render_pool();
  settings.workers = 2; // reserved_workers: 1 by default
  settings.opus.complexity = 10;
  auto pool = sys->spawn(worker_pool_actor_impl, settings);
  caf::scoped_actor self{*sys};
  // The blocker takes one worker; a listener's render of chunk 1 the other, which then
  // holds chunk 1's span.
  self->send(pool, submit_atom::value, long_blocker());
  auto first = ask<job_output>(self, pool, submit_atom::value,
                               render_job(track.ref(), 2, "warm", 1, job_priority::immediate));
  BOOST_TEST(!first.input_reused);
  // While the blocker runs, the reservation keeps l2 work off the last idle worker, but
  // not a render of the chunk that worker holds the span of: it costs the chain alone.
  self->send(pool, submit_atom::value, render_job(track.ref(), 2, "gentle", 0, job_priority::l2));
  self->send(pool, submit_atom::value, render_job(track.ref(), 2, "punchy", 1, job_priority::l2));
  const auto finished = finished_jobs(self, 3);
  BOOST_TEST(finished == (std::vector<std::string>{"render punchy 1 reused", "encode warm 0",
                                                   "render gentle 0"}),
             boost::test_tools::per_element());
  self->send_exit(pool, caf::exit_reason::user_shutdown);
}

BOOST_FIXTURE_TEST_CASE(a_running_background_job_never_makes_the_pool_refuse_a_listener,
                        auralis::test::actor_system_fixture) {
  auto settings = slow_worker();
  settings.admission_ms = std::chrono::milliseconds(1000);
  settings.assumed_job_ms = 600; // as in the refusal test: a busy worker would refuse
  auto pool = sys->spawn(worker_pool_actor_impl, settings);
  caf::scoped_actor self{*sys};
  // One general worker: the background job starts at once and holds it.
  auto background = self->request(pool, caf::infinite, submit_atom::value,
                                  background_encode(0, 4 * 720000));
  auto urgent = self->request(pool, caf::infinite, submit_atom::value,
                              encode_job(1, job_priority::immediate, 1, 960));
  urgent.receive([](const job_output& o) { BOOST_TEST(o.key.chunk_idx == 1); },
                 [](caf::error&) { BOOST_FAIL("the listener's job was refused"); });
  background.receive([](const job_output&) {},
                     [](caf::error&) { BOOST_FAIL("the background job failed"); });
  const auto st = ask<pool_report>(self, pool, stats_atom::value);
  BOOST_TEST(st.refused == 0u);
  BOOST_TEST(st.completed == 2u);
  // The whole-file job's CPU time is not the estimate of a listener's job.
  BOOST_TEST(st.job_ms < 600.0);
  self->send_exit(pool, caf::exit_reason::user_shutdown);
}

BOOST_FIXTURE_TEST_CASE(a_queued_background_job_is_shed_before_any_other,
                        auralis::test::actor_system_fixture) {
  auto settings = slow_worker();
  settings.max_queued_speculative = 1;
  auto pool = sys->spawn(worker_pool_actor_impl, settings);
  caf::scoped_actor self{*sys};
  auto blocker = self->request(pool, caf::infinite, submit_atom::value, long_blocker());
  auto background = self->request(pool, caf::infinite, submit_atom::value, background_encode(1));
  auto l3 = self->request(pool, caf::infinite, submit_atom::value,
                          encode_job(2, job_priority::l3, 0.0, 960));
  background.receive([](const job_output&) { BOOST_FAIL("the background job should be shed"); },
                     [](caf::error& e) {
                       BOOST_TEST(engine_code_of(e) ==
                                  static_cast<std::uint8_t>(engine_errc::overloaded));
                     });
  l3.receive([](const job_output& o) { BOOST_TEST(o.key.chunk_idx == 2); },
             [](caf::error&) { BOOST_FAIL("the l3 job failed"); });
  blocker.receive([](const job_output&) {}, [](caf::error&) { BOOST_FAIL("blocker failed"); });
  BOOST_TEST(ask<pool_report>(self, pool, stats_atom::value).shed == 1u);
  self->send_exit(pool, caf::exit_reason::user_shutdown);
}

BOOST_FIXTURE_TEST_CASE(an_idle_worker_decodes_every_part_while_the_other_is_busy,
                        auralis::test::actor_system_fixture) {
  const auto blob = l3_entry(*sys, 4);
  caf::scoped_actor self{*sys};
  auto single = sys->spawn(worker_pool_actor_impl, one_worker());
  const auto whole = ask<job_output>(self, single, submit_atom::value,
                                     decode_job(0, blob, job_priority::immediate));
  self->send_exit(single, caf::exit_reason::user_shutdown);
  BOOST_REQUIRE(whole.output.data);
  auto settings = slow_worker();
  settings.workers = 2;
  auto pool = sys->spawn(worker_pool_actor_impl, settings);
  // The blocker holds one worker for a second or more; the decode's four parts run on the
  // other one, one after another, so the decode is answered first.
  self->send(pool, submit_atom::value, long_blocker());
  self->send(pool, submit_atom::value, decode_job(0, blob, job_priority::immediate));
  std::vector<job_kind> finished;
  audio_payload decoded;
  for (int i = 0; i < 2; ++i)
    self->receive([&](const job_output& o) {
      finished.push_back(o.kind);
      if (o.kind == job_kind::decode)
        decoded = o.output;
    });
  BOOST_TEST((finished == std::vector<job_kind>{job_kind::decode, job_kind::encode}));
  BOOST_REQUIRE(decoded.data);
  BOOST_TEST((*decoded.data == *whole.output.data));
  const auto st = ask<pool_report>(self, pool, stats_atom::value);
  BOOST_TEST(st.split == 1u);
  BOOST_TEST(st.parts == 4u);
  BOOST_TEST(st.completed == 2u);
  BOOST_TEST(st.failed == 0u);
  self->send_exit(pool, caf::exit_reason::user_shutdown);
}

namespace {

/// The pool's `released` counter once every timer it has armed so far with a delay shorter
/// than `delay` has fired. A first request makes sure the pool has handled everything sent
/// before; the actor clock then fires timers in deadline order, so the pool's timer reaches
/// its mailbox before the request that follows this test's own `delay` timer: no race.
std::uint64_t released_after(caf::scoped_actor& self, const worker_pool_actor& pool,
                             std::chrono::milliseconds delay) {
  ask<pool_report>(self, pool, stats_atom::value);
  self->delayed_send(self, delay, caf::ok_atom::value);
  self->receive([](caf::ok_atom) {});
  return ask<pool_report>(self, pool, stats_atom::value).released;
}

} // namespace

BOOST_FIXTURE_TEST_CASE(an_idle_pool_releases_its_workers_buffers_once_per_idle_period,
                        auralis::test::actor_system_fixture) {
  // A 44.1 kHz source: the render resamples, and the worker keeps the open source, its
  // decode and resampling buffers and the chain until the release.
  auralis::test::scratch_dir dir{"pool-release"};
  const std::string path = dir.file("track.wav");
  auralis::codec::write_audio_file(path, auralis::test::music_like(88200, 44100, 5), 2, 44100,
                                   auralis::codec::file_format::wav_pcm16);
  const auto sig = auralis::codec::signature_of(path);
  const source_ref src{path, sig.size, sig.mtime_ns, 96000};
  auto settings = render_pool();
  settings.idle_release = std::chrono::milliseconds(20);
  const auto past = 5 * settings.idle_release;
  auto pool = sys->spawn(worker_pool_actor_impl, settings);
  caf::scoped_actor self{*sys};
  // Fresh workers hold nothing: no release before the first job.
  BOOST_TEST(released_after(self, pool, past) == 0u);
  const auto job = render_job(src, 2, "warm", 1, job_priority::immediate);
  const auto other = render_job(src, 2, "bright", 0, job_priority::l1);
  // One job, then idle: exactly one release, and none more while the pool stays idle.
  const auto first = ask<job_output>(self, pool, submit_atom::value, job);
  BOOST_REQUIRE(first.output.data);
  BOOST_TEST(first.output.data->size() == 48000u * 4u);
  BOOST_TEST(released_after(self, pool, past) == 1u);
  BOOST_TEST(released_after(self, pool, past) == 1u);
  // After the release the worker allocates anew: the same job gives the very same bytes.
  // The other job follows at once on the worker that still holds the source.
  auto h_job = self->request(pool, caf::infinite, submit_atom::value, job);
  auto h_other = self->request(pool, caf::infinite, submit_atom::value, other);
  audio_payload again, warm_other;
  h_job.receive([&](const job_output& o) { again = o.output; },
                [](caf::error&) { BOOST_FAIL("the render failed"); });
  h_other.receive([&](const job_output& o) { warm_other = o.output; },
                  [](caf::error&) { BOOST_FAIL("the render failed"); });
  BOOST_REQUIRE(again.data);
  BOOST_TEST((*again.data == *first.output.data));
  // Two submissions: one release, or two if the pool went idle between them.
  const auto second = released_after(self, pool, past);
  BOOST_TEST(second >= 2u);
  BOOST_TEST(second <= 3u);
  // The other job rendered after a release equals its rendering by a warm worker.
  const auto cold_other = ask<job_output>(self, pool, submit_atom::value, other);
  BOOST_REQUIRE(warm_other.data);
  BOOST_TEST((*cold_other.output.data == *warm_other.data));
  BOOST_TEST(released_after(self, pool, past) == second + 1u);
  const auto st = ask<pool_report>(self, pool, stats_atom::value);
  BOOST_TEST(st.completed == 4u);
  BOOST_TEST(st.failed == 0u);
  self->send_exit(pool, caf::exit_reason::user_shutdown);
}

BOOST_FIXTURE_TEST_CASE(an_idle_release_of_zero_never_releases,
                        auralis::test::actor_system_fixture) {
  auto settings = one_worker();
  settings.idle_release = std::chrono::milliseconds(0);
  auto pool = sys->spawn(worker_pool_actor_impl, settings);
  caf::scoped_actor self{*sys};
  ask<job_output>(self, pool, submit_atom::value, encode_job(1, job_priority::l1, 0.5, 960));
  BOOST_TEST(released_after(self, pool, std::chrono::milliseconds(50)) == 0u);
  BOOST_TEST(ask<pool_report>(self, pool, stats_atom::value).completed == 1u);
  self->send_exit(pool, caf::exit_reason::user_shutdown);
}

namespace {

/// A remote worker that takes jobs and never answers (a host that stopped responding):
/// holds each promise; `held` counts them.
struct silent_worker_state {
  std::vector<caf::typed_response_promise<job_output>> held;
};

worker_actor::behavior_type silent_worker(worker_actor::stateful_pointer<silent_worker_state> self,
                                          std::shared_ptr<std::atomic<int>> taken) {
  return {
    [self, taken](run_atom, job_spec&) -> caf::typed_response_promise<job_output> {
      ++*taken;
      auto promise = self->make_response_promise<job_output>();
      self->state.held.push_back(promise);
      return promise;
    },
    [](release_atom) {},
  };
}

pool_settings remote_only() {
  pool_settings s;
  s.workers = 0;
  s.accept_remote = true;
  s.opus.complexity = 0;
  return s;
}

worker_actor real_worker(caf::actor_system& sys) {
  auralis::codec::opus_options opus;
  opus.complexity = 0;
  return sys.spawn<caf::detached>(worker_actor_impl, opus, auralis::config::preset_set{},
                                  std::int64_t{48000}, 0);
}

} // namespace

BOOST_FIXTURE_TEST_CASE(jobs_wait_for_a_remote_worker_and_run_on_it,
                        auralis::test::actor_system_fixture) {
  auto pool = sys->spawn(worker_pool_actor_impl, remote_only());
  caf::scoped_actor self{*sys};
  BOOST_TEST(ask<pool_report>(self, pool, stats_atom::value).workers == 0u);
  // Submitted with no worker at all: it waits in the queue.
  auto pending = self->request(pool, caf::infinite, submit_atom::value,
                               encode_job(1, job_priority::immediate, 1, 960));
  BOOST_TEST(auralis::test::eventually([&] {
    return ask<pool_report>(self, pool, stats_atom::value).queued.at(0) == 1u;
  }));
  auto w = real_worker(*sys);
  self->send(pool, join_atom::value, remote_workers{"render-1", {w}});
  pending.receive([](job_output& out) { BOOST_TEST(out.key.chunk_idx == 1); },
                  [](caf::error&) { BOOST_FAIL("the job failed"); });
  const auto r = ask<pool_report>(self, pool, stats_atom::value);
  BOOST_TEST(r.workers == 1u);
  BOOST_REQUIRE(r.worker_hosts.size() == 1u);
  BOOST_TEST(r.worker_hosts[0] == "render-1");
  BOOST_TEST(r.worker_jobs[0] == 1u);
  BOOST_TEST(r.completed == 1u);
  // Its round trip: the job's wall time less the worker's CPU time, above 0.
  BOOST_REQUIRE(r.worker_round_trip_ms.size() == 1u);
  BOOST_TEST(r.worker_round_trip_ms[0] > 0.0);
  self->send_exit(pool, caf::exit_reason::user_shutdown);
  self->send_exit(w, caf::exit_reason::user_shutdown);
}

BOOST_FIXTURE_TEST_CASE(a_remote_worker_that_dies_has_its_job_run_by_another,
                        auralis::test::actor_system_fixture) {
  auto pool = sys->spawn(worker_pool_actor_impl, remote_only());
  caf::scoped_actor self{*sys};
  auto taken = std::make_shared<std::atomic<int>>(0);
  auto silent = sys->spawn(silent_worker, taken);
  self->send(pool, join_atom::value, remote_workers{"render-1", {silent}});
  auto pending = self->request(pool, caf::infinite, submit_atom::value,
                               encode_job(2, job_priority::immediate, 1, 960));
  BOOST_TEST(auralis::test::eventually([&] { return taken->load() == 1; }));
  // The host goes away with the job: another worker joins, and the waiter only sees the result.
  auto w = real_worker(*sys);
  self->send(pool, join_atom::value, remote_workers{"render-2", {w}});
  self->send_exit(silent, caf::exit_reason::kill);
  pending.receive([](job_output& out) { BOOST_TEST(out.key.chunk_idx == 2); },
                  [&](caf::error& e) { BOOST_FAIL("the waiter got " + sys->render(e)); });
  const auto r = ask<pool_report>(self, pool, stats_atom::value);
  BOOST_TEST(r.requeued == 1u);
  BOOST_TEST(r.workers == 1u);
  BOOST_REQUIRE(r.worker_gone.size() == 2u);
  BOOST_TEST(r.worker_gone[0] == 1u);
  BOOST_TEST(r.worker_gone[1] == 0u);
  BOOST_TEST(r.failed == 0u);
  self->send_exit(pool, caf::exit_reason::user_shutdown);
  self->send_exit(w, caf::exit_reason::user_shutdown);
}

BOOST_FIXTURE_TEST_CASE(a_remote_worker_that_stops_answering_is_given_up_within_the_timeout,
                        auralis::test::actor_system_fixture) {
  auto s = remote_only();
  s.timeouts[0] = std::chrono::milliseconds(4000); // given up after 2 s
  auto pool = sys->spawn(worker_pool_actor_impl, s);
  caf::scoped_actor self{*sys};
  auto taken = std::make_shared<std::atomic<int>>(0);
  auto silent = sys->spawn(silent_worker, taken);
  auto w = real_worker(*sys);
  self->send(pool, join_atom::value, remote_workers{"render-1", {silent}});
  auto pending = self->request(pool, caf::infinite, submit_atom::value,
                               encode_job(3, job_priority::immediate, 1, 960));
  BOOST_TEST(auralis::test::eventually([&] { return taken->load() == 1; }));
  self->send(pool, join_atom::value, remote_workers{"render-2", {w}});
  // The silent host keeps its connection; only the job's deadline tells it is stuck.
  pending.receive([](job_output& out) { BOOST_TEST(out.key.chunk_idx == 3); },
                  [&](caf::error& e) { BOOST_FAIL("the waiter got " + sys->render(e)); });
  const auto r = ask<pool_report>(self, pool, stats_atom::value);
  BOOST_TEST(r.requeued == 1u);
  BOOST_TEST(r.timed_out == 0u);
  BOOST_TEST(r.worker_gone[0] == 1u);
  // Given up, it gets no more work.
  ask<job_output>(self, pool, submit_atom::value, encode_job(4, job_priority::l1, 1, 960));
  BOOST_TEST(taken->load() == 1);
  self->send_exit(pool, caf::exit_reason::user_shutdown);
  self->send_exit(w, caf::exit_reason::user_shutdown);
  self->send_exit(silent, caf::exit_reason::user_shutdown);
}
