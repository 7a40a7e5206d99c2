#define BOOST_TEST_MODULE routes
#include <boost/test/unit_test.hpp>

#include <stdexcept>
#include <string>

#include "http/ask_deadlines.hpp"
#include "http/routes.hpp"
#include "http/recording_responder.hpp"

using namespace auralis::http;
using auralis::http::test::recording_responder;

namespace {

/// The table the server builds: every gateway route, then GET /api/ws.
route_table server_table() {
  route_table t;
  for (const auto& spec : all_routes())
    t.add(spec.method, spec.path);
  t.add("GET", "/api/ws");
  return t;
}

/// The route id `method` `path` selects (fails the test when none does).
route_id id_of(const route_table& t, const std::string& method, const std::string& path) {
  const auto m = t.match(method, path);
  BOOST_REQUIRE_MESSAGE(m.found, method + " " + path + " matches no route");
  BOOST_REQUIRE(m.index < all_routes().size());
  return all_routes()[m.index].id;
}


} // namespace

BOOST_AUTO_TEST_CASE(every_route_matches_its_own_method_and_path) {
  const auto t = server_table();
  BOOST_TEST(t.size() == all_routes().size() + 1);
  BOOST_CHECK(id_of(t, "GET", "/api/cache/check") == route_id::cache_check);
  BOOST_CHECK(id_of(t, "POST", "/api/cache/clear") == route_id::cache_clear);
  BOOST_CHECK(id_of(t, "POST", "/api/cache/clear/l2") == route_id::cache_clear_tier);
  BOOST_CHECK(id_of(t, "GET", "/api/library/tracks") == route_id::library_tracks);
  BOOST_CHECK(id_of(t, "POST", "/api/library/tracks") == route_id::library_add);
  BOOST_CHECK(id_of(t, "DELETE", "/api/library/tracks/7") == route_id::library_delete);
  BOOST_CHECK(id_of(t, "GET", "/api/predictor/model") == route_id::predictor_model);
  BOOST_CHECK(id_of(t, "GET", "/api/presets") == route_id::presets);
  BOOST_CHECK(id_of(t, "DELETE", "/api/predictor/model") == route_id::predictor_forget);
  const auto ws = t.match("GET", "/api/ws");
  BOOST_TEST(ws.found);
  BOOST_TEST(ws.index == all_routes().size());
}

BOOST_AUTO_TEST_CASE(parameters_are_named_segments_in_pattern_order) {
  const auto t = server_table();
  const auto m = t.match("GET", "/api/audio/stream/12/chunk/3");
  BOOST_REQUIRE(m.found);
  BOOST_CHECK(all_routes()[m.index].id == route_id::audio_stream);
  BOOST_REQUIRE(m.params.size() == 2u);
  BOOST_TEST(m.params[0].first == "track_id");
  BOOST_TEST(m.params[0].second == "12");
  BOOST_TEST(m.params[1].first == "chunk_idx");
  BOOST_TEST(m.params[1].second == "3");
  // Any text without '/' is a parameter value; the gateway validates it.
  const auto x = t.match("GET", "/api/audio/stream/x%20y/chunk/-1");
  BOOST_REQUIRE(x.found);
  BOOST_TEST(x.params[0].second == "x%20y");
}

BOOST_AUTO_TEST_CASE(paths_match_like_the_express_router_defaults) {
  const auto t = server_table();
  // One trailing slash is ignored, letters compare without regard to case.
  BOOST_TEST(t.match("GET", "/api/cache/check/").found);
  BOOST_TEST(t.match("GET", "/API/Cache/Check").found);
  BOOST_TEST(t.match("POST", "/api/cache/clear/l1/").found);
  // Empty parameters, empty segments, extra or missing segments do not match.
  BOOST_TEST(!t.match("DELETE", "/api/library/tracks/").found);
  BOOST_TEST(!t.match("DELETE", "/api/library/tracks//").path_known);
  BOOST_TEST(!t.match("GET", "/api//cache/check").path_known);
  BOOST_TEST(!t.match("GET", "/api/cache/check//").path_known);
  BOOST_TEST(!t.match("POST", "/api/cache/clear/l1/more").path_known);
  BOOST_TEST(!t.match("GET", "/api/cache").path_known);
  BOOST_TEST(!t.match("GET", "").path_known);
  BOOST_TEST(!t.match("GET", "api/cache/check").path_known);
  BOOST_TEST(!t.match("GET", "/").path_known);
}

BOOST_AUTO_TEST_CASE(a_known_path_with_another_method_is_told_apart_from_an_unknown_path) {
  const auto t = server_table();
  const auto put = t.match("PUT", "/api/cache/check");
  BOOST_TEST(!put.found);
  BOOST_TEST(put.path_known);
  const auto post = t.match("POST", "/api/audio/stream/1/chunk/0");
  BOOST_TEST(!post.found);
  BOOST_TEST(post.path_known);
  const auto nothing = t.match("GET", "/api/nothing/here");
  BOOST_TEST(!nothing.found);
  BOOST_TEST(!nothing.path_known);
}

BOOST_AUTO_TEST_CASE(unsupported_patterns_are_refused) {
  route_table t;
  BOOST_CHECK_THROW(t.add("GET", "api/x"), std::invalid_argument);
  BOOST_CHECK_THROW(t.add("GET", "/api/:"), std::invalid_argument);
  BOOST_CHECK_THROW(t.add("GET", "/api/:id?"), std::invalid_argument);
  BOOST_CHECK_THROW(t.add("GET", "/api/(.*)"), std::invalid_argument);
  BOOST_CHECK_THROW(t.add("GET", "/api/a:b"), std::invalid_argument);
  BOOST_TEST(t.size() == 0u);
}

BOOST_AUTO_TEST_CASE(asks_past_their_deadline_answer_503_once) {
  using namespace std::chrono_literals;
  ask_deadlines d(100ms);
  const auto t0 = ask_deadlines::clock::now();
  auto slow = std::make_shared<recording_responder>();
  auto fast = std::make_shared<recording_responder>();
  auto a = d.open(slow, t0);
  auto b = d.open(fast, t0 + 10ms);
  BOOST_TEST(b->close());  // answered in time
  BOOST_TEST(!b->close()); // only once
  BOOST_TEST(!b->open());
  // Nothing due yet: the next sweep is at the first open deadline.
  const auto next = d.sweep(t0 + 50ms);
  BOOST_REQUIRE(next.has_value());
  BOOST_CHECK(*next == t0 + 100ms);
  BOOST_TEST(slow->sends == 0);
  // Due: answered 503, closed, forgotten with the closed one behind it.
  BOOST_TEST(!d.sweep(t0 + 100ms).has_value());
  BOOST_TEST(slow->sends == 1);
  BOOST_TEST(slow->status == 503);
  BOOST_TEST(slow->body.find("\"detail\"") != std::string::npos);
  BOOST_TEST((slow->headers == std::vector<http_header>{{"Retry-After", "1"}}));
  BOOST_TEST(d.expired() == 1u);
  BOOST_TEST(!a->open());
  BOOST_TEST(!a->close()); // a late answer is dropped
  BOOST_TEST(fast->sends == 0);
  BOOST_TEST(d.size() == 0u);
}

BOOST_AUTO_TEST_CASE(closed_tickets_at_the_front_are_forgotten_when_opening) {
  using namespace std::chrono_literals;
  ask_deadlines d(1s);
  const auto t0 = ask_deadlines::clock::now();
  auto first = d.open(std::make_shared<recording_responder>(), t0);
  for (int i = 0; i < 100; ++i)
    d.open(std::make_shared<recording_responder>(), t0)->close();
  // Closed tickets behind an open one stay until it closes.
  BOOST_TEST(d.size() == 101u);
  first->close();
  auto open = d.open(std::make_shared<recording_responder>(), t0);
  BOOST_TEST(d.size() == 1u);
  BOOST_TEST(open->open());
  // A closed ticket no longer holds its responder.
  auto r = std::make_shared<recording_responder>();
  d.open(r, t0)->close();
  BOOST_TEST(r.use_count() == 1);
}
