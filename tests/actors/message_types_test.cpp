#define BOOST_TEST_MODULE message_types
#include <boost/test/unit_test.hpp>

// Every message type add_message_types registers crosses the wire intact: a value with
// every field set away from its default goes through CAF's binary serializer and back
// (directly, and inside a type-erased caf::message), and every field is compared. A field
// an inspect function leaves out comes back at its default and fails its comparison.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <type_traits>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/binary_deserializer.hpp>
#include <caf/binary_serializer.hpp>
#include <caf/message.hpp>
#include <caf/sec.hpp>
#include <caf/send.hpp>

#include "actors/actor_test_support.hpp"
#include "actors/cache/tier_actor.hpp"
#include "actors/common/cache_messages.hpp"
#include "actors/common/engine_event.hpp"
#include "actors/library/track_info.hpp"
#include "actors/memory/memory_governor_actor.hpp"
#include "actors/planner/planner_messages.hpp"
#include "actors/pool/jobs.hpp"
#include "actors/pool/worker_pool_actor.hpp"
#include "actors/predictor/predictor_actor.hpp"
#include "actors/predictor/predictor_messages.hpp"
#include "codec/byte_buffer.hpp"

using namespace auralis::actors;

namespace {

// ---- comparing ----------------------------------------------------------------------

/// What a comparison asks of each field: that it equals the other value's field, or that
/// it differs from it (the other value being a default-constructed one).
enum class expect { equal, non_default };

/// A scalar field (number, bool, enum) as a value Boost.Test can compare and print.
template <class T>
auto printable(const T& x) {
  if constexpr (std::is_enum_v<T>)
    return static_cast<long long>(x);
  else if constexpr (std::is_same_v<T, bool>)
    return x;
  else if constexpr (std::is_integral_v<T> && sizeof(T) == 1)
    return static_cast<int>(x);
  else
    return x;
}

/// Compares a leaf field (number, bool, enum, string) named `path` as `mode` says; a
/// mismatch fails the test naming the field.
template <class T>
std::enable_if_t<std::is_arithmetic_v<T> || std::is_enum_v<T> || std::is_same_v<T, std::string>>
check(const std::string& path, const T& got, const T& want, expect mode);

/// Compares two vectors: equal sizes and equal elements, or (non_default) at least two
/// elements, each differing from a default-constructed element in every field.
template <class T>
void check(const std::string& path, const std::vector<T>& got, const std::vector<T>& want,
           expect mode);

// One overload per message struct (and per struct nested in one): every field compared.
void check(const std::string& path, const audio_payload& got, const audio_payload& want,
           expect mode);
void check(const std::string& path, const mode_listener& got, const mode_listener& want,
           expect mode);
void check(const std::string& path, const worker_actor& got, const worker_actor& want,
           expect mode);
void check(const std::string& path, const remote_workers& got, const remote_workers& want,
           expect mode);
void check(const std::string& path, const track_info& got, const track_info& want, expect mode);
void check(const std::string& path, const cache_key& got, const cache_key& want, expect mode);
void check(const std::string& path, const tier_departure& got, const tier_departure& want,
           expect mode);
void check(const std::string& path, const put_reply& got, const put_reply& want, expect mode);
void check(const std::string& path, const get_reply& got, const get_reply& want, expect mode);
void check(const std::string& path, const entry_record& got, const entry_record& want,
           expect mode);
void check(const std::string& path, const peek_reply& got, const peek_reply& want, expect mode);
void check(const std::string& path, const tier_report& got, const tier_report& want,
           expect mode);
void check(const std::string& path, const demotion_report& got, const demotion_report& want,
           expect mode);
void check(const std::string& path, const governor_report& got, const governor_report& want,
           expect mode);
void check(const std::string& path, const probability_update& got,
           const probability_update& want, expect mode);
void check(const std::string& path, const engine_event& got, const engine_event& want,
           expect mode);
void check(const std::string& path, const source_ref& got, const source_ref& want, expect mode);
void check(const std::string& path, const chunk_features& got, const chunk_features& want,
           expect mode);
void check(const std::string& path, const track_analysis& got, const track_analysis& want,
           expect mode);
void check(const std::string& path, const analysis_loudness& got, const analysis_loudness& want,
           expect mode);
void check(const std::string& path, const fetch_request& got, const fetch_request& want,
           expect mode);
void check(const std::string& path, const fetch_reply& got, const fetch_reply& want,
           expect mode);
void check(const std::string& path, const tier_latency& got, const tier_latency& want,
           expect mode);
void check(const std::string& path, const planner_report& got, const planner_report& want,
           expect mode);
void check(const std::string& path, const job_spec& got, const job_spec& want, expect mode);
void check(const std::string& path, const job_output& got, const job_output& want, expect mode);
void check(const std::string& path, const pool_report& got, const pool_report& want,
           expect mode);
void check(const std::string& path, const position_update& got, const position_update& want,
           expect mode);
void check(const std::string& path, const position_reply& got, const position_reply& want,
           expect mode);
void check(const std::string& path, const preset_probability& got,
           const preset_probability& want, expect mode);
void check(const std::string& path, const prediction_request& got,
           const prediction_request& want, expect mode);
void check(const std::string& path, const prediction_reply& got, const prediction_reply& want,
           expect mode);
void check(const std::string& path, const branch_scenario& got, const branch_scenario& want,
           expect mode);
void check(const std::string& path, const branch_plan& got, const branch_plan& want,
           expect mode);
void check(const std::string& path, const transition_count& got, const transition_count& want,
           expect mode);
void check(const std::string& path, const accuracy_figures& got, const accuracy_figures& want,
           expect mode);
void check(const std::string& path, const model_snapshot& got, const model_snapshot& want,
           expect mode);
void check(const std::string& path, const predictor_stats& got, const predictor_stats& want,
           expect mode);
void check(const std::string& path, const session_accuracy& got, const session_accuracy& want,
           expect mode);
void check(const std::string& path, const duration_histogram& got,
           const duration_histogram& want, expect mode);
void check(const std::string& path, const mode_change& got, const mode_change& want,
           expect mode);

template <class T>
std::enable_if_t<std::is_arithmetic_v<T> || std::is_enum_v<T> || std::is_same_v<T, std::string>>
check(const std::string& path, const T& got, const T& want, expect mode) {
  const auto a = printable(got);
  const auto b = printable(want);
  BOOST_TEST_CONTEXT(path) {
    if (mode == expect::equal)
      BOOST_TEST(a == b);
    else
      BOOST_TEST(a != b);
  }
}

template <class T>
void check(const std::string& path, const std::vector<T>& got, const std::vector<T>& want,
           expect mode) {
  if (mode == expect::equal) {
    BOOST_TEST_CONTEXT(path) { BOOST_TEST(got.size() == want.size()); }
    for (std::size_t i = 0; i < std::min(got.size(), want.size()); ++i)
      check(path + "[" + std::to_string(i) + "]", got[i], want[i], mode);
  } else {
    BOOST_TEST_CONTEXT(path) { BOOST_TEST(got.size() >= 2u); }
    for (std::size_t i = 0; i < got.size(); ++i)
      check(path + "[" + std::to_string(i) + "]", got[i], T{}, mode);
  }
}

/// The bytes of `p` (none when it holds no buffer), as numbers Boost.Test prints.
std::vector<int> bytes_of(const audio_payload& p) {
  std::vector<int> out;
  if (p.data)
    out.assign(p.data->begin(), p.data->end());
  return out;
}

void check(const std::string& path, const audio_payload& got, const audio_payload& want,
           expect mode) {
  BOOST_TEST_CONTEXT(path) {
    const bool has_buffer = got.data != nullptr;
    const auto got_bytes = bytes_of(got);
    const auto want_bytes = bytes_of(want);
    if (mode == expect::equal) {
      BOOST_TEST(has_buffer == (want.data != nullptr));
      BOOST_TEST(got_bytes == want_bytes, boost::test_tools::per_element());
    } else {
      BOOST_TEST(has_buffer);
      BOOST_TEST(got_bytes.size() >= 2u);
    }
  }
}

/// Compares two actor handles: the same actor, or (non_default) not the same.
template <class Handle>
void check_handle(const std::string& path, const Handle& got, const Handle& want, expect mode) {
  BOOST_TEST_CONTEXT(path) {
    const bool same = got == want;
    if (mode == expect::equal)
      BOOST_TEST(same);
    else
      BOOST_TEST(!same);
  }
}

void check(const std::string& path, const mode_listener& got, const mode_listener& want,
           expect mode) {
  check_handle(path, got, want, mode);
}

void check(const std::string& path, const worker_actor& got, const worker_actor& want,
           expect mode) {
  check_handle(path, got, want, mode);
}

/// Compares field `name` of `got` and `want` (inside a check overload).
#define CHECK_FIELD(name) check(path + "." #name, got.name, want.name, mode)

void check(const std::string& path, const track_info& got, const track_info& want,
           expect mode) {
  CHECK_FIELD(id);
  CHECK_FIELD(path);
  CHECK_FIELD(abs_path);
  CHECK_FIELD(title);
  CHECK_FIELD(format);
  CHECK_FIELD(duration_s);
  CHECK_FIELD(frames);
  CHECK_FIELD(chunks);
  CHECK_FIELD(sample_rate);
  CHECK_FIELD(channels);
  CHECK_FIELD(size);
  CHECK_FIELD(mtime_ns);
}

void check(const std::string& path, const cache_key& got, const cache_key& want, expect mode) {
  CHECK_FIELD(track_id);
  CHECK_FIELD(preset);
  CHECK_FIELD(intensity_tenths);
  CHECK_FIELD(chunk_idx);
}

void check(const std::string& path, const tier_departure& got, const tier_departure& want,
           expect mode) {
  CHECK_FIELD(key);
  CHECK_FIELD(probability);
  CHECK_FIELD(payload);
}

void check(const std::string& path, const put_reply& got, const put_reply& want, expect mode) {
  CHECK_FIELD(status);
  CHECK_FIELD(evicted);
}

void check(const std::string& path, const get_reply& got, const get_reply& want, expect mode) {
  CHECK_FIELD(found);
  CHECK_FIELD(payload);
}

void check(const std::string& path, const entry_record& got, const entry_record& want,
           expect mode) {
  CHECK_FIELD(key);
  CHECK_FIELD(tier);
  CHECK_FIELD(probability);
  CHECK_FIELD(access_count);
  CHECK_FIELD(bytes);
  CHECK_FIELD(age_ms);
  CHECK_FIELD(idle_ms);
}

void check(const std::string& path, const peek_reply& got, const peek_reply& want,
           expect mode) {
  CHECK_FIELD(found);
  CHECK_FIELD(record);
}

void check(const std::string& path, const tier_report& got, const tier_report& want,
           expect mode) {
  CHECK_FIELD(tier);
  CHECK_FIELD(hits);
  CHECK_FIELD(misses);
  CHECK_FIELD(bytes);
  CHECK_FIELD(budget);
  CHECK_FIELD(count);
  CHECK_FIELD(evictions);
  CHECK_FIELD(refused);
  CHECK_FIELD(demoted);
}

void check(const std::string& path, const demotion_report& got, const demotion_report& want,
           expect mode) {
  CHECK_FIELD(received);
  CHECK_FIELD(stored);
  CHECK_FIELD(refreshed);
  CHECK_FIELD(failed);
  CHECK_FIELD(dropped);
  CHECK_FIELD(invalidated);
  CHECK_FIELD(waiting);
  CHECK_FIELD(in_flight);
  CHECK_FIELD(backlog_bytes);
  CHECK_FIELD(budget_bytes);
}

void check(const std::string& path, const governor_report& got, const governor_report& want,
           expect mode) {
  CHECK_FIELD(limit_bytes);
  CHECK_FIELD(outside_bytes);
  CHECK_FIELD(l1_budget);
  CHECK_FIELD(l2_budget);
  CHECK_FIELD(l3_budget);
  CHECK_FIELD(cuts);
  CHECK_FIELD(samples);
}

void check(const std::string& path, const probability_update& got,
           const probability_update& want, expect mode) {
  CHECK_FIELD(keys);
  CHECK_FIELD(probabilities);
}

void check(const std::string& path, const engine_event& got, const engine_event& want,
           expect mode) {
  CHECK_FIELD(kind);
  CHECK_FIELD(timestamp);
  CHECK_FIELD(tier);
  CHECK_FIELD(track_id);
  CHECK_FIELD(preset);
  CHECK_FIELD(intensity);
  CHECK_FIELD(chunk_idx);
  CHECK_FIELD(session_id);
  CHECK_FIELD(mode);
}

void check(const std::string& path, const source_ref& got, const source_ref& want,
           expect mode) {
  CHECK_FIELD(path);
  CHECK_FIELD(size);
  CHECK_FIELD(mtime_ns);
  CHECK_FIELD(frames);
}

void check(const std::string& path, const chunk_features& got, const chunk_features& want,
           expect mode) {
  CHECK_FIELD(energy);
  CHECK_FIELD(brightness);
  CHECK_FIELD(dynamics);
  CHECK_FIELD(vocal_presence);
  CHECK_FIELD(rhythmic_energy);
}

void check(const std::string& path, const track_analysis& got, const track_analysis& want,
           expect mode) {
  CHECK_FIELD(source_lufs);
  CHECK_FIELD(presets);
  CHECK_FIELD(pre_gain_lufs);
  CHECK_FIELD(chunks);
}

void check(const std::string& path, const analysis_loudness& got, const analysis_loudness& want,
           expect mode) {
  CHECK_FIELD(first);
  CHECK_FIELD(end);
  CHECK_FIELD(sub_blocks);
}

void check(const std::string& path, const fetch_request& got, const fetch_request& want,
           expect mode) {
  CHECK_FIELD(session_id);
  CHECK_FIELD(key);
  CHECK_FIELD(want_stream);
}

void check(const std::string& path, const fetch_reply& got, const fetch_reply& want,
           expect mode) {
  CHECK_FIELD(key);
  CHECK_FIELD(source);
  CHECK_FIELD(pcm);
  CHECK_FIELD(frames);
  CHECK_FIELD(stream);
  CHECK_FIELD(service_ms);
}

void check(const std::string& path, const tier_latency& got, const tier_latency& want,
           expect mode) {
  CHECK_FIELD(l1_ms);
  CHECK_FIELD(l2_ms);
  CHECK_FIELD(l3_ms);
  CHECK_FIELD(miss_ms);
  CHECK_FIELD(l1_samples);
  CHECK_FIELD(l2_samples);
  CHECK_FIELD(l3_samples);
  CHECK_FIELD(miss_samples);
}

void check(const std::string& path, const planner_report& got, const planner_report& want,
           expect mode) {
  CHECK_FIELD(sessions);
  CHECK_FIELD(in_flight);
  CHECK_FIELD(loading);
  CHECK_FIELD(stream_fetches);
  CHECK_FIELD(refreshing);
  CHECK_FIELD(planning);
  CHECK_FIELD(rounds);
  CHECK_FIELD(wanted_l1);
  CHECK_FIELD(wanted_l2);
  CHECK_FIELD(wanted_l3);
  CHECK_FIELD(renders_submitted);
  CHECK_FIELD(renders_discarded);
  CHECK_FIELD(renders_failed);
  CHECK_FIELD(renders_stored);
  CHECK_FIELD(renders_fetched);
  CHECK_FIELD(renders_wasted);
  CHECK_FIELD(renders_invalidated);
  CHECK_FIELD(renders_pending);
  CHECK_FIELD(promotions);
}

void check(const std::string& path, const job_spec& got, const job_spec& want, expect mode) {
  CHECK_FIELD(kind);
  CHECK_FIELD(key);
  CHECK_FIELD(priority);
  CHECK_FIELD(probability);
  CHECK_FIELD(input);
  CHECK_FIELD(source);
  CHECK_FIELD(loudness_gain_db);
  CHECK_FIELD(segment);
  CHECK_FIELD(segment_count);
  CHECK_FIELD(analysis_parts);
  CHECK_FIELD(with_stream);
}

void check(const std::string& path, const job_output& got, const job_output& want,
           expect mode) {
  CHECK_FIELD(kind);
  CHECK_FIELD(key);
  CHECK_FIELD(output);
  CHECK_FIELD(analysis);
  CHECK_FIELD(loudness);
  CHECK_FIELD(stream);
  CHECK_FIELD(cpu_ms);
}

void check(const std::string& path, const pool_report& got, const pool_report& want,
           expect mode) {
  CHECK_FIELD(workers);
  CHECK_FIELD(busy);
  CHECK_FIELD(queued);
  CHECK_FIELD(submitted);
  CHECK_FIELD(joined);
  CHECK_FIELD(completed);
  CHECK_FIELD(failed);
  CHECK_FIELD(cancelled);
  CHECK_FIELD(timed_out);
  CHECK_FIELD(respawned);
  CHECK_FIELD(cpu_ms);
  CHECK_FIELD(split);
  CHECK_FIELD(parts);
  CHECK_FIELD(refused);
  CHECK_FIELD(shed);
  CHECK_FIELD(queued_bytes);
  CHECK_FIELD(running_bytes);
  CHECK_FIELD(max_queued);
  CHECK_FIELD(max_queued_bytes);
  CHECK_FIELD(job_ms);
  CHECK_FIELD(released);
  CHECK_FIELD(renders);
  CHECK_FIELD(reused_inputs);
  CHECK_FIELD(pruned);
  CHECK_FIELD(job_time_by_kind);
  CHECK_FIELD(worker_jobs);
  CHECK_FIELD(worker_listener_only);
  CHECK_FIELD(worker_hosts);
  CHECK_FIELD(worker_gone);
  CHECK_FIELD(requeued);
  CHECK_FIELD(worker_round_trip_ms);
}

void check(const std::string& path, const remote_workers& got, const remote_workers& want,
           expect mode) {
  CHECK_FIELD(host);
  CHECK_FIELD(workers);
}

void check(const std::string& path, const duration_histogram& got,
           const duration_histogram& want, expect mode) {
  if (mode == expect::equal) // most buckets of a sample are empty, as a default one's
    check(path + ".buckets", got.buckets(), want.buckets(), mode);
  check(path + ".count", got.count(), want.count(), mode);
  check(path + ".sum_ms", got.sum_ms(), want.sum_ms(), mode);
  check(path + ".max_ms", got.max_ms(), want.max_ms(), mode);
}

void check(const std::string& path, const position_update& got, const position_update& want,
           expect mode) {
  CHECK_FIELD(session_id);
  CHECK_FIELD(track_id);
  CHECK_FIELD(position_s);
  CHECK_FIELD(preset);
  CHECK_FIELD(intensity);
  CHECK_FIELD(next_track_id);
}

void check(const std::string& path, const position_reply& got, const position_reply& want,
           expect mode) {
  CHECK_FIELD(session_id);
  CHECK_FIELD(chunk_idx);
  CHECK_FIELD(mode);
  CHECK_FIELD(accepted);
  CHECK_FIELD(outcome);
  CHECK_FIELD(mode_changed);
  CHECK_FIELD(previous_mode);
  CHECK_FIELD(new_session);
}

void check(const std::string& path, const preset_probability& got,
           const preset_probability& want, expect mode) {
  CHECK_FIELD(preset);
  CHECK_FIELD(probability);
}

void check(const std::string& path, const prediction_request& got,
           const prediction_request& want, expect mode) {
  CHECK_FIELD(session_id);
  CHECK_FIELD(has_features);
  CHECK_FIELD(features);
}

void check(const std::string& path, const prediction_reply& got, const prediction_reply& want,
           expect mode) {
  CHECK_FIELD(session_id);
  CHECK_FIELD(track_id);
  CHECK_FIELD(current_preset);
  CHECK_FIELD(current_position_s);
  CHECK_FIELD(chunk_idx);
  CHECK_FIELD(intensity);
  CHECK_FIELD(mode);
  CHECK_FIELD(content_used);
  CHECK_FIELD(predictions);
}

void check(const std::string& path, const branch_scenario& got, const branch_scenario& want,
           expect mode) {
  CHECK_FIELD(name);
  CHECK_FIELD(kind);
  CHECK_FIELD(preset);
  CHECK_FIELD(first_chunk);
  CHECK_FIELD(last_chunk);
  CHECK_FIELD(probability);
}

void check(const std::string& path, const branch_plan& got, const branch_plan& want,
           expect mode) {
  CHECK_FIELD(session_id);
  CHECK_FIELD(track_id);
  CHECK_FIELD(chunk_idx);
  CHECK_FIELD(current_preset);
  CHECK_FIELD(intensity);
  CHECK_FIELD(mode);
  CHECK_FIELD(scenarios);
}

void check(const std::string& path, const transition_count& got, const transition_count& want,
           expect mode) {
  CHECK_FIELD(from);
  CHECK_FIELD(to);
  CHECK_FIELD(count);
}

void check(const std::string& path, const accuracy_figures& got, const accuracy_figures& want,
           expect mode) {
  CHECK_FIELD(switches);
  CHECK_FIELD(top1_hits);
  CHECK_FIELD(top3_hits);
  CHECK_FIELD(top1);
  CHECK_FIELD(top3);
  CHECK_FIELD(recent_switches);
  CHECK_FIELD(recent_top1);
  CHECK_FIELD(recent_top3);
}

void check(const std::string& path, const model_snapshot& got, const model_snapshot& want,
           expect mode) {
  CHECK_FIELD(learning);
  CHECK_FIELD(learned_switches);
  CHECK_FIELD(sessions);
  CHECK_FIELD(transitions);
  CHECK_FIELD(accuracy);
}

void check(const std::string& path, const predictor_stats& got, const predictor_stats& want,
           expect mode) {
  CHECK_FIELD(accuracy);
  CHECK_FIELD(top3_hit_rate);
  CHECK_FIELD(recent_accuracy);
  CHECK_FIELD(recent_top3_hit_rate);
  CHECK_FIELD(measured_switches);
  CHECK_FIELD(learned_switches);
  CHECK_FIELD(learning);
  CHECK_FIELD(sessions);
  CHECK_FIELD(session_id);
  CHECK_FIELD(session_known);
  CHECK_FIELD(mode);
  CHECK_FIELD(switches_in_session);
  CHECK_FIELD(session_duration_minutes);
  CHECK_FIELD(session_list);
}

void check(const std::string& path, const session_accuracy& got, const session_accuracy& want,
           expect mode) {
  CHECK_FIELD(session_id);
  CHECK_FIELD(mode);
  CHECK_FIELD(switches);
  CHECK_FIELD(measured);
  CHECK_FIELD(top1_hits);
}

void check(const std::string& path, const mode_change& got, const mode_change& want,
           expect mode) {
  CHECK_FIELD(session_id);
  CHECK_FIELD(from);
  CHECK_FIELD(to);
}

#undef CHECK_FIELD

// ---- samples ------------------------------------------------------------------------
// Every sample sets every field away from its default; `s` (>= 1) makes the elements of
// a vector differ from one another. Fractions are binary (x.5, x.25, ...), so a value
// that changes on the way is a real change, not rounding.

/// A payload holding a buffer of five known bytes (with 0x00 and 0xff among them).
audio_payload sample_payload(int s) {
  return {auralis::codec::byte_buffer::adopt(
    {0x00, 0x7f, 0x80, 0xff, static_cast<std::uint8_t>(s)})};
}

/// A tier other than the first: L2 for odd `s`, L3 for even.
tier_id sample_tier(int s) { return s % 2 ? tier_id::l2 : tier_id::l3; }

track_info sample_track_info(int s) {
  return {100 + s,
          "artist/album/0" + std::to_string(s) + ".flac",
          "/music/artist/album/0" + std::to_string(s) + ".flac",
          "Track " + std::to_string(s),
          "FLAC",
          180.5 + s,
          8664000 + s,
          19 + s,
          44100,
          2,
          31457280u + static_cast<std::uint64_t>(s),
          1700000000123456789 + s};
}

cache_key sample_cache_key(int s) {
  return {200 + s, "preset_" + std::to_string(s), 3 + s % 7, 40 + s};
}

tier_departure sample_tier_departure(int s) {
  return {sample_cache_key(s), 0.125 * s, sample_payload(s)};
}

put_reply sample_put_reply() {
  return {put_status::replaced, {sample_tier_departure(1), sample_tier_departure(2)}};
}

get_reply sample_get_reply() { return {true, sample_payload(3)}; }

entry_record sample_entry_record(int s) {
  return {sample_cache_key(s), sample_tier(s), 0.0625 * s, 4u + s, 4096u * s, 1500 + s, 250 + s};
}

peek_reply sample_peek_reply() { return {true, sample_entry_record(4)}; }

tier_report sample_tier_report() { return {tier_id::l3, 11, 12, 13, 14, 15, 16, 17, 18}; }

demotion_report sample_demotion_report() { return {21, 22, 23, 24, 25, 20, 26, 27, 28, 29}; }

governor_report sample_governor_report() { return {31, 32, 33, 34, 35, 36, 37}; }

probability_update sample_probability_update() {
  return {{sample_cache_key(1), sample_cache_key(2)}, {0.25, 0.75}};
}

engine_event sample_engine_event() {
  return {event_kind::chunk_evicted, 1700000000.5, tier_id::l2, 42, "warm", 0.5, 9,
          "listener-7", "exploration"};
}

source_ref sample_source_ref() {
  return {"/music/artist/album/01.flac", 123456, 1699999999000000001, 8640000};
}

chunk_features sample_chunk_features(int s) {
  return {0.0625 * s, 0.125 * s, 0.1875 * s, 0.25 * s, 0.3125 * s};
}

track_analysis sample_track_analysis() {
  return {-14.25,
          {"warm", "bright"},
          {-16.5, -12.75},
          {sample_chunk_features(1), sample_chunk_features(2)}};
}

analysis_loudness sample_analysis_loudness() {
  return {48000, 96000, {{0.5, 0.25}, {0.125, 0.0625}}};
}

fetch_request sample_fetch_request() { return {"listener-7", sample_cache_key(5), true}; }

fetch_reply sample_fetch_reply() {
  return {sample_cache_key(6), fetch_source::l3, sample_payload(6), 96000, sample_payload(7),
          3.25};
}

tier_latency sample_tier_latency() { return {1.5, 2.5, 3.5, 4.5, 5, 6, 7, 8}; }

planner_report sample_planner_report() {
  return {41, 42, 43, 44, 45, true, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58};
}

job_spec sample_job_spec() {
  job_spec j;
  j.kind = job_kind::render;
  j.key = sample_cache_key(8);
  j.priority = job_priority::l2;
  j.probability = 0.875;
  j.input = sample_payload(8);
  j.source = sample_source_ref();
  j.loudness_gain_db = -3.5;
  j.segment = 3;
  j.segment_count = 2;
  j.analysis_parts = 4;
  j.with_stream = true;
  return j;
}

job_output sample_job_output() {
  job_output o;
  o.kind = job_kind::analyse;
  o.key = sample_cache_key(9);
  o.output = sample_payload(9);
  o.analysis = sample_track_analysis();
  o.loudness = sample_analysis_loudness();
  o.stream = sample_payload(10);
  o.cpu_ms = 12.5;
  return o;
}

pool_report sample_pool_report() {
  pool_report r;
  r.workers = 51;
  r.busy = 52;
  r.queued = {1, 2, 3, 4, 5};
  r.submitted = 53;
  r.joined = 54;
  r.completed = 55;
  r.failed = 56;
  r.cancelled = 57;
  r.timed_out = 58;
  r.respawned = 59;
  r.cpu_ms = 60.5;
  r.split = 61;
  r.parts = 62;
  r.refused = 63;
  r.shed = 64;
  r.queued_bytes = 65;
  r.running_bytes = 66;
  r.max_queued = 67;
  r.max_queued_bytes = 68;
  r.job_ms = 69.25;
  r.released = 70;
  r.renders = 71;
  r.reused_inputs = 72;
  r.pruned = 73;
  r.job_time_by_kind.resize(2);
  r.job_time_by_kind[0].add(0.5);
  r.job_time_by_kind[1].add(75);
  r.job_time_by_kind[1].add(120);
  r.worker_jobs = {74, 75};
  r.worker_listener_only = {1, 1};
  r.worker_hosts = {"render-1", "render-2"};
  r.worker_gone = {1, 1};
  r.requeued = 76;
  r.worker_round_trip_ms = {3.25, 4.5};
  return r;
}

position_update sample_position_update() {
  return {"listener-7", 42, 12.5, "warm", 0.75, 43};
}

position_reply sample_position_reply() {
  return {"listener-7", 5, session_mode::settled, true, switch_outcome::learned, true,
          session_mode::exploration, true};
}

preset_probability sample_preset_probability(int s) {
  return {"preset_" + std::to_string(s), 0.125 * s};
}

prediction_request sample_prediction_request() {
  return {"listener-7", true, sample_chunk_features(3)};
}

prediction_reply sample_prediction_reply() {
  return {"listener-7", 42, "warm", 12.5, 5, 0.625, session_mode::exploration, true,
          {sample_preset_probability(1), sample_preset_probability(2)}};
}

branch_scenario sample_branch_scenario(int s) {
  return {"switch_to_preset_" + std::to_string(s),
          s % 2 ? branch_kind::switch_to : branch_kind::seek_forward,
          "preset_" + std::to_string(s),
          5 + s,
          9 + s,
          0.125 * s};
}

branch_plan sample_branch_plan() {
  return {"listener-7", 42, 5, "warm", 0.375, session_mode::settled,
          {sample_branch_scenario(1), sample_branch_scenario(2)}};
}

transition_count sample_transition_count(int s) {
  return {"warm_" + std::to_string(s), "bright_" + std::to_string(s), 10u + s};
}

accuracy_figures sample_accuracy_figures() { return {20, 11, 17, 0.5, 0.875, 8, 0.625, 0.75}; }

model_snapshot sample_model_snapshot() {
  return {false, 31, 3, {sample_transition_count(1), sample_transition_count(2)},
          sample_accuracy_figures()};
}

session_accuracy sample_session_accuracy(int s) {
  return {"listener-" + std::to_string(s), session_mode::settled, 10u + s, 5u + s, 2u + s};
}

predictor_stats sample_predictor_stats() {
  return {0.5, 0.75, 0.625, 0.875, 20, 31, false, 3, "listener-7", true,
          session_mode::exploration, 9, 12.25,
          {sample_session_accuracy(1), sample_session_accuracy(2)}};
}

mode_change sample_mode_change() {
  return {"listener-7", session_mode::exploration, session_mode::settled};
}

/// A mode listener that ignores what it hears (its argument only gives the spawn one).
mode_listener::behavior_type quiet_listener(int) {
  return {[](mode_atom, const mode_change&) {}};
}

// ---- the wire -----------------------------------------------------------------------

/// Applies the serializer or deserializer `f` to `x` and returns its error. A caf::message
/// goes through its own inspect function: CAF 0.17's generic path for it (the serialize
/// function of type_erased_tuple) drops the error, so a truncated message would load as
/// an empty one with no error.
template <class Inspector, class T>
caf::error apply_inspector(Inspector& f, T& x) {
  if constexpr (std::is_same_v<T, caf::message>)
    return caf::inspect(f, x);
  else
    return f(x);
}

/// `x` serialised with CAF's binary serializer; fails the test on an error.
template <class T>
std::vector<char> to_bytes(caf::actor_system& sys, const T& x) {
  std::vector<char> buf;
  caf::binary_serializer sink{sys, buf};
  auto copy = x;
  auto err = apply_inspector(sink, copy);
  BOOST_REQUIRE_MESSAGE(!err, "serialising failed: " + sys.render(err));
  return buf;
}

/// The T deserialised from `bytes` into a default-constructed value; fails the test on an
/// error or when bytes are left over.
template <class T>
T from_bytes(caf::actor_system& sys, const std::vector<char>& bytes) {
  T out{};
  caf::binary_deserializer source{sys, bytes};
  auto err = apply_inspector(source, out);
  BOOST_REQUIRE_MESSAGE(!err, "deserialising failed: " + sys.render(err));
  BOOST_TEST(source.remaining() == 0u);
  return out;
}

/// Checks that `sample` sets every field away from its default, then that it comes back
/// from the binary serializer and deserializer with every field equal. `name` names it in
/// failures.
template <class T>
void check_wire(caf::actor_system& sys, const std::string& name, const T& sample) {
  check(name + " (sample)", sample, T{}, expect::non_default);
  const T back = from_bytes<T>(sys, to_bytes(sys, sample));
  check(name, back, sample, expect::equal);
}

/// Wraps `sample` with caf::make_message, sends the message through the binary serializer
/// and deserializer as a type-erased caf::message, and checks that it comes back as one T
/// with every field equal, and that the bytes carry the type's registered `name` (so
/// the name is what identified it).
template <class T>
void check_message_wire(caf::actor_system& sys, const std::string& name, const T& sample) {
  BOOST_TEST_CONTEXT(name) {
    auto msg = caf::make_message(sample);
    const auto bytes = to_bytes(sys, msg);
    const bool names_type = std::search(bytes.begin(), bytes.end(), name.begin(),
                                        name.end()) != bytes.end();
    BOOST_TEST(names_type);
    const caf::message back = from_bytes<caf::message>(sys, bytes);
    BOOST_REQUIRE_EQUAL(back.size(), 1u);
    BOOST_REQUIRE(back.match_element<T>(0));
    check(name, back.get_as<T>(0), sample, expect::equal);
  }
}

using fixture = auralis::test::actor_system_fixture;

} // namespace

BOOST_FIXTURE_TEST_CASE(every_library_message_survives_the_wire, fixture) {
  check_wire(*sys, "track_info", sample_track_info(1));
  check_wire(*sys, "vector<track_info>",
             std::vector<track_info>{sample_track_info(1), sample_track_info(2)});
  check_wire(*sys, "engine_event", sample_engine_event());
}

BOOST_FIXTURE_TEST_CASE(every_cache_message_survives_the_wire, fixture) {
  check_wire(*sys, "cache_key", sample_cache_key(1));
  check_wire(*sys, "vector<cache_key>",
             std::vector<cache_key>{sample_cache_key(1), sample_cache_key(2)});
  check_wire(*sys, "audio_payload", sample_payload(1));
  check_wire(*sys, "tier_departure", sample_tier_departure(1));
  check_wire(*sys, "put_reply", sample_put_reply());
  check_wire(*sys, "get_reply", sample_get_reply());
  check_wire(*sys, "entry_record", sample_entry_record(1));
  check_wire(*sys, "vector<entry_record>",
             std::vector<entry_record>{sample_entry_record(1), sample_entry_record(2)});
  check_wire(*sys, "peek_reply", sample_peek_reply());
  check_wire(*sys, "tier_report", sample_tier_report());
  check_wire(*sys, "probability_update", sample_probability_update());
}

BOOST_FIXTURE_TEST_CASE(every_report_survives_the_wire, fixture) {
  check_wire(*sys, "demotion_report", sample_demotion_report());
  check_wire(*sys, "governor_report", sample_governor_report());
  check_wire(*sys, "tier_latency", sample_tier_latency());
  check_wire(*sys, "planner_report", sample_planner_report());
  check_wire(*sys, "pool_report", sample_pool_report());
}

BOOST_FIXTURE_TEST_CASE(every_job_message_survives_the_wire, fixture) {
  check_wire(*sys, "source_ref", sample_source_ref());
  check_wire(*sys, "chunk_features", sample_chunk_features(1));
  check_wire(*sys, "track_analysis", sample_track_analysis());
  check_wire(*sys, "job_spec", sample_job_spec());
  check_wire(*sys, "job_output", sample_job_output());
}

BOOST_FIXTURE_TEST_CASE(every_fetch_message_survives_the_wire, fixture) {
  check_wire(*sys, "fetch_request", sample_fetch_request());
  check_wire(*sys, "fetch_reply", sample_fetch_reply());
}

BOOST_FIXTURE_TEST_CASE(every_predictor_message_survives_the_wire, fixture) {
  check_wire(*sys, "position_update", sample_position_update());
  check_wire(*sys, "position_reply", sample_position_reply());
  check_wire(*sys, "preset_probability", sample_preset_probability(1));
  check_wire(*sys, "vector<preset_probability>",
             std::vector<preset_probability>{sample_preset_probability(1),
                                             sample_preset_probability(2)});
  check_wire(*sys, "prediction_request", sample_prediction_request());
  check_wire(*sys, "prediction_reply", sample_prediction_reply());
  check_wire(*sys, "branch_scenario", sample_branch_scenario(1));
  check_wire(*sys, "vector<branch_scenario>",
             std::vector<branch_scenario>{sample_branch_scenario(1), sample_branch_scenario(2)});
  check_wire(*sys, "branch_plan", sample_branch_plan());
  check_wire(*sys, "transition_count", sample_transition_count(1));
  check_wire(*sys, "vector<transition_count>",
             std::vector<transition_count>{sample_transition_count(1),
                                           sample_transition_count(2)});
  check_wire(*sys, "accuracy_figures", sample_accuracy_figures());
  check_wire(*sys, "model_snapshot", sample_model_snapshot());
  check_wire(*sys, "predictor_stats", sample_predictor_stats());
  check_wire(*sys, "mode_change", sample_mode_change());
}

BOOST_FIXTURE_TEST_CASE(a_mode_listener_handle_comes_back_as_the_same_actor, fixture) {
  auto listener = sys->spawn(quiet_listener, 0);
  check_wire(*sys, "mode_listener", listener);
  check_message_wire(*sys, "auralis::mode_listener", listener);
  caf::anon_send_exit(listener, caf::exit_reason::user_shutdown);
}

BOOST_FIXTURE_TEST_CASE(remote_worker_handles_come_back_as_the_same_actors, fixture) {
  auto a = sys->spawn<caf::detached>(worker_actor_impl, auralis::codec::opus_options{},
                                     auralis::config::preset_set{}, std::int64_t{48000}, 0);
  auto b = sys->spawn<caf::detached>(worker_actor_impl, auralis::codec::opus_options{},
                                     auralis::config::preset_set{}, std::int64_t{48000}, 0);
  check_wire(*sys, "worker_actor", a);
  check_message_wire(*sys, "auralis::worker_actor", a);
  const remote_workers joining{"render-1", {a, b}};
  check_wire(*sys, "remote_workers", joining);
  check_message_wire(*sys, "auralis::remote_workers", joining);
  caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(b, caf::exit_reason::user_shutdown);
}

BOOST_FIXTURE_TEST_CASE(every_registered_name_carries_its_type_inside_a_message, fixture) {
  check_message_wire(*sys, "auralis::track_info", sample_track_info(1));
  check_message_wire(*sys, "std::vector<auralis::track_info>",
                     std::vector<track_info>{sample_track_info(1), sample_track_info(2)});
  check_message_wire(*sys, "auralis::cache_key", sample_cache_key(1));
  check_message_wire(*sys, "std::vector<auralis::cache_key>",
                     std::vector<cache_key>{sample_cache_key(1), sample_cache_key(2)});
  check_message_wire(*sys, "auralis::audio_payload", sample_payload(1));
  check_message_wire(*sys, "auralis::tier_departure", sample_tier_departure(1));
  check_message_wire(*sys, "auralis::put_reply", sample_put_reply());
  check_message_wire(*sys, "auralis::get_reply", sample_get_reply());
  check_message_wire(*sys, "auralis::entry_record", sample_entry_record(1));
  check_message_wire(*sys, "std::vector<auralis::entry_record>",
                     std::vector<entry_record>{sample_entry_record(1), sample_entry_record(2)});
  check_message_wire(*sys, "auralis::peek_reply", sample_peek_reply());
  check_message_wire(*sys, "auralis::tier_report", sample_tier_report());
  check_message_wire(*sys, "auralis::demotion_report", sample_demotion_report());
  check_message_wire(*sys, "auralis::governor_report", sample_governor_report());
  check_message_wire(*sys, "auralis::probability_update", sample_probability_update());
  check_message_wire(*sys, "auralis::engine_event", sample_engine_event());
  check_message_wire(*sys, "auralis::source_ref", sample_source_ref());
  check_message_wire(*sys, "auralis::track_analysis", sample_track_analysis());
  check_message_wire(*sys, "auralis::fetch_request", sample_fetch_request());
  check_message_wire(*sys, "auralis::fetch_reply", sample_fetch_reply());
  check_message_wire(*sys, "auralis::tier_latency", sample_tier_latency());
  check_message_wire(*sys, "auralis::planner_report", sample_planner_report());
  check_message_wire(*sys, "auralis::job_spec", sample_job_spec());
  check_message_wire(*sys, "auralis::job_output", sample_job_output());
  check_message_wire(*sys, "auralis::pool_report", sample_pool_report());
  check_message_wire(*sys, "auralis::chunk_features", sample_chunk_features(1));
  check_message_wire(*sys, "auralis::position_update", sample_position_update());
  check_message_wire(*sys, "auralis::position_reply", sample_position_reply());
  check_message_wire(*sys, "auralis::preset_probability", sample_preset_probability(1));
  check_message_wire(*sys, "std::vector<auralis::preset_probability>",
                     std::vector<preset_probability>{sample_preset_probability(1),
                                                     sample_preset_probability(2)});
  check_message_wire(*sys, "auralis::prediction_request", sample_prediction_request());
  check_message_wire(*sys, "auralis::prediction_reply", sample_prediction_reply());
  check_message_wire(*sys, "auralis::branch_scenario", sample_branch_scenario(1));
  check_message_wire(*sys, "std::vector<auralis::branch_scenario>",
                     std::vector<branch_scenario>{sample_branch_scenario(1),
                                                  sample_branch_scenario(2)});
  check_message_wire(*sys, "auralis::branch_plan", sample_branch_plan());
  check_message_wire(*sys, "auralis::transition_count", sample_transition_count(1));
  check_message_wire(*sys, "std::vector<auralis::transition_count>",
                     std::vector<transition_count>{sample_transition_count(1),
                                                   sample_transition_count(2)});
  check_message_wire(*sys, "auralis::accuracy_figures", sample_accuracy_figures());
  check_message_wire(*sys, "auralis::model_snapshot", sample_model_snapshot());
  check_message_wire(*sys, "auralis::predictor_stats", sample_predictor_stats());
  check_message_wire(*sys, "auralis::session_accuracy", sample_session_accuracy(1));
  check_message_wire(*sys, "std::vector<auralis::session_accuracy>",
                     std::vector<session_accuracy>{sample_session_accuracy(1),
                                                   sample_session_accuracy(2)});
  check_message_wire(*sys, "auralis::mode_change", sample_mode_change());
}

BOOST_FIXTURE_TEST_CASE(a_tier_put_request_survives_the_wire_as_one_message, fixture) {
  const auto key = sample_cache_key(3);
  const auto payload = sample_payload(3);
  auto msg = caf::make_message(caf::put_atom::value, key, payload, 0.625);
  const auto back = from_bytes<caf::message>(*sys, to_bytes(*sys, msg));
  BOOST_REQUIRE((back.match_elements<caf::put_atom, cache_key, audio_payload, double>()));
  check("put.key", back.get_as<cache_key>(1), key, expect::equal);
  check("put.payload", back.get_as<audio_payload>(2), payload, expect::equal);
  check("put.probability", back.get_as<double>(3), 0.625, expect::equal);
}

BOOST_FIXTURE_TEST_CASE(half_the_bytes_of_a_job_give_an_error_not_a_crash, fixture) {
  auto bytes = to_bytes(*sys, sample_job_spec());
  bytes.resize(bytes.size() / 2);
  job_spec out;
  caf::binary_deserializer source{*sys, bytes};
  auto err = source(out);
  BOOST_TEST_MESSAGE("half a job_spec: " + sys->render(err));
  const bool end_of_stream = err == caf::sec::end_of_stream;
  BOOST_TEST(end_of_stream);
}

BOOST_FIXTURE_TEST_CASE(every_cut_short_job_output_gives_an_error, fixture) {
  const auto bytes = to_bytes(*sys, sample_job_output());
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    std::vector<char> cut(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(n));
    job_output out;
    caf::binary_deserializer source{*sys, cut};
    auto err = source(out);
    BOOST_TEST_CONTEXT("first " << n << " of " << bytes.size() << " bytes") {
      BOOST_TEST(static_cast<bool>(err));
    }
  }
}

BOOST_FIXTURE_TEST_CASE(half_a_message_gives_an_error_not_a_crash, fixture) {
  auto bytes = to_bytes(*sys, caf::make_message(sample_fetch_reply()));
  bytes.resize(bytes.size() / 2);
  caf::message out;
  caf::binary_deserializer source{*sys, bytes};
  auto err = apply_inspector(source, out);
  BOOST_TEST_MESSAGE("half a message: " + sys->render(err));
  const bool end_of_stream = err == caf::sec::end_of_stream;
  BOOST_TEST(end_of_stream);
  BOOST_TEST(out.empty());
}
