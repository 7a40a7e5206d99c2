#define BOOST_TEST_MODULE http_reply
#include <boost/test/unit_test.hpp>

#include <caf/sec.hpp>

#include "actors/common/engine_error.hpp"
#include "http/http_reply.hpp"
#include "http/recording_responder.hpp"

using namespace auralis::http;
using auralis::http::test::recording_responder;
using auralis::actors::engine_errc;
using auralis::actors::make_engine_error;
using auralis::actors::make_overload_error;

BOOST_AUTO_TEST_CASE(every_503_detail_carries_retry_after) {
  recording_responder r;
  reply_detail(r, 503, "busy");
  BOOST_TEST(r.status == 503);
  BOOST_TEST(r.content_type == "application/json");
  BOOST_TEST(r.body == R"({"detail":"busy"})");
  BOOST_TEST((r.headers == std::vector<http_header>{{"Retry-After", "1"}}));
  recording_responder later;
  reply_detail(later, 503, "busy", 7);
  BOOST_TEST((later.headers == std::vector<http_header>{{"Retry-After", "7"}}));
  recording_responder zero;
  reply_detail(zero, 503, "busy", 0); // never "0": at least a second
  BOOST_TEST((zero.headers == std::vector<http_header>{{"Retry-After", "1"}}));
  recording_responder other;
  reply_detail(other, 404, "no such track");
  BOOST_TEST(other.headers.empty());
}

BOOST_AUTO_TEST_CASE(an_overloaded_engine_answers_503_with_its_own_estimate) {
  BOOST_TEST(status_for(make_overload_error("full", 4)) == 503);
  BOOST_TEST(auralis::actors::engine_retry_after_of(make_overload_error("full", 4)) == 4u);
  BOOST_TEST(auralis::actors::engine_detail_of(make_overload_error("full", 4)) == "full");
  recording_responder r;
  reply_actor_error(r, make_overload_error("the engine is overloaded", 4));
  BOOST_TEST(r.status == 503);
  BOOST_TEST(r.body == R"({"detail":"the engine is overloaded"})");
  BOOST_TEST((r.headers == std::vector<http_header>{{"Retry-After", "4"}}));
}

BOOST_AUTO_TEST_CASE(other_503_errors_ask_to_retry_after_a_second) {
  recording_responder timed_out;
  reply_actor_error(timed_out, make_engine_error(engine_errc::timed_out, "the job timed out"));
  BOOST_TEST(timed_out.status == 503);
  BOOST_TEST((timed_out.headers == std::vector<http_header>{{"Retry-After", "1"}}));
  recording_responder dead;
  reply_actor_error(dead, caf::sec::request_timeout);
  BOOST_TEST(dead.status == 503);
  BOOST_TEST(dead.body == R"({"detail":"the engine did not answer in time"})");
  BOOST_TEST((dead.headers == std::vector<http_header>{{"Retry-After", "1"}}));
  recording_responder bad;
  reply_actor_error(bad, make_engine_error(engine_errc::unknown_preset, "no preset 'x'"));
  BOOST_TEST(bad.status == 400);
  BOOST_TEST(bad.headers.empty());
  BOOST_TEST(auralis::actors::engine_retry_after_of(
               make_engine_error(engine_errc::timed_out, "x")) == 0u);
}
