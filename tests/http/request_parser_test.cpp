#define BOOST_TEST_MODULE request_parser
#include <boost/test/unit_test.hpp>

#include "http/bad_request.hpp"
#include "http/chunk_encoding.hpp"
#include "http/query_string.hpp"
#include "http/request_parser.hpp"
#include "codec/wav_writer.hpp"

using namespace auralis::http;

namespace {

request_parser make() { return request_parser({"adaptive", "gentle", "warm", "bright", "punchy"}); }

/// Expects `fn` to throw bad_request with `status` and a detail containing `needle`.
template <class F>
void expect_bad(F&& fn, const std::string& needle, int status = 400) {
  try {
    fn();
    BOOST_FAIL("expected bad_request about " + needle);
  } catch (const bad_request& e) {
    BOOST_TEST(e.status() == status);
    BOOST_TEST(std::string(e.what()).find(needle) != std::string::npos, e.what());
  }
}

} // namespace

BOOST_AUTO_TEST_CASE(query_strings_decode_and_refuse_broken_escapes) {
  const auto q = query_string::parse("a=1&b=x%20y+z&&c&a=2&d=%C3%A9");
  BOOST_TEST(*q.get("a") == "2");
  BOOST_TEST(*q.get("b") == "x y z");
  BOOST_TEST(q.has("c"));
  BOOST_TEST(q.get("c")->empty());
  BOOST_TEST(*q.get("d") == "\xC3\xA9");
  BOOST_TEST(!q.get("e").has_value());
  BOOST_TEST(!query_string::parse("").has("a"));
  expect_bad([] { query_string::parse("a=%"); }, "percent");
  expect_bad([] { query_string::parse("a=%4"); }, "percent");
  expect_bad([] { query_string::parse("a=%zz"); }, "percent");
  expect_bad([] { query_string::parse("a=%00"); }, "NUL");
  expect_bad([] { query_string::parse("=1"); }, "no name");
}

BOOST_AUTO_TEST_CASE(path_and_query_values) {
  BOOST_TEST(request_parser::parse_index("0", "chunk_idx") == 0);
  BOOST_TEST(request_parser::parse_index("123456789012345678", "x") == 123456789012345678);
  for (const char* bad : {"", "-1", "1.5", "1e3", " 1", "abc", "1234567890123456789"})
    expect_bad([bad] { request_parser::parse_index(bad, "chunk_idx"); }, "chunk_idx");
  BOOST_TEST(request_parser::parse_intensity("0.5") == 0.5);
  BOOST_TEST(request_parser::parse_intensity("1") == 1.0);
  BOOST_TEST(request_parser::parse_intensity("0") == 0.0);
  for (const char* bad : {"", "1.01", "-0.1", "nan", "inf", "0x1p-1", "0.5x", "1e"})
    expect_bad([bad] { request_parser::parse_intensity(bad); }, "intensity");
  BOOST_TEST((request_parser::parse_tier("L2") == auralis::actors::tier_id::l2));
  BOOST_TEST((request_parser::parse_tier("l3") == auralis::actors::tier_id::l3));
  for (const char* bad : {"l4", "l", "l11", "", "tier"})
    expect_bad([bad] { request_parser::parse_tier(bad); }, "tier");
  expect_bad([] { request_parser::check_session_id(""); }, "session_id");
  expect_bad([] { request_parser::check_session_id(std::string(129, 'a')); }, "session_id");
  expect_bad([] { request_parser::check_session_id("a\nb"); }, "control");
  BOOST_TEST(make().check_preset("warm") == "warm");
  expect_bad([] { make().check_preset("Warm"); }, "unknown preset");
}

BOOST_AUTO_TEST_CASE(position_bodies) {
  auto p = make();
  const auto u = p.position(R"({"track_id":3,"position":12.5,"preset":"bright","intensity":0.7,"session_id":"s","extra":[1]})");
  BOOST_TEST(u.track_id == 3);
  BOOST_TEST(u.position_s == 12.5);
  BOOST_TEST(u.preset == "bright");
  BOOST_TEST(u.intensity == 0.7);
  BOOST_TEST(u.session_id == "s");
  BOOST_TEST(u.next_track_id == 0);
  const auto v = p.position(R"({"track_id":0,"position":0,"preset":"warm","intensity":1,"session_id":null,"next_track_id":null})");
  BOOST_TEST(v.session_id.empty());
  BOOST_TEST(v.intensity == 1.0);
  BOOST_TEST(v.next_track_id == 0);
  const auto n = p.position(R"({"track_id":1,"position":0,"preset":"warm","intensity":1,"next_track_id":7})");
  BOOST_TEST(n.next_track_id == 7);
  expect_bad([&] { p.position(R"({"track_id":1,"position":1,"preset":"warm","intensity":1,"next_track_id":-2})"); },
             "next_track_id");
  expect_bad([&] { p.position(R"({"track_id":1,"position":1,"preset":"warm","intensity":1,"next_track_id":"2"})"); },
             "next_track_id");
  expect_bad([&] { p.position(R"({"track_id":1,"position":1,"preset":"warm","intensity":1,"next_track_id":2.5})"); },
             "next_track_id");
  expect_bad([&] { p.position(""); }, "malformed JSON");
  expect_bad([&] { p.position(R"({"track_id":1,)"); }, "malformed JSON");
  expect_bad([&] { p.position("42"); }, "object");
  expect_bad([&] { p.position(R"({"position":1,"preset":"warm","intensity":1})"); }, "track_id");
  expect_bad([&] { p.position(R"({"track_id":1,"preset":"warm","intensity":1})"); }, "position");
  expect_bad([&] { p.position(R"({"track_id":1,"position":1,"intensity":1})"); }, "preset");
  expect_bad([&] { p.position(R"({"track_id":1,"position":1,"preset":"warm"})"); }, "intensity");
  expect_bad([&] { p.position(R"({"track_id":18446744073709551615,"position":1,"preset":"warm","intensity":1})"); },
             "track_id");
  expect_bad([&] { p.position(R"({"track_id":true,"position":1,"preset":"warm","intensity":1})"); },
             "track_id");
  expect_bad([&] { p.position(R"({"track_id":1,"position":null,"preset":"warm","intensity":1})"); },
             "position");
  expect_bad([&] { p.position(R"({"track_id":1,"position":1,"preset":"warm","intensity":-0.01})"); },
             "intensity");
}

BOOST_AUTO_TEST_CASE(library_and_learning_bodies) {
  auto p = make();
  BOOST_TEST(p.library_path(R"({"path":"a/b.flac"})") == "a/b.flac");
  expect_bad([&] { p.library_path(R"({"path":""})"); }, "empty");
  expect_bad([&] { p.library_path(R"({"path":"a\u0000b"})"); }, "NUL");
  expect_bad([&] { p.library_path(R"({"file":"a"})"); }, "path");
  BOOST_TEST(p.learning(R"({"enabled":false})") == false);
  BOOST_TEST(p.learning(R"({"enabled":true})") == true);
  expect_bad([&] { p.learning(R"({"enabled":1})"); }, "enabled");
  expect_bad([&] { p.learning(R"({"enabled":tru})"); }, "malformed");
}

BOOST_AUTO_TEST_CASE(wav_header_matches_the_codec_writer) {
  std::vector<std::int16_t> pcm(2 * 1000, 7);
  const auto file = auralis::codec::write_wav(pcm, 2, 48000);
  const auto header = wav_header_for(pcm.size() * 2);
  BOOST_REQUIRE(header.size() == 44u);
  BOOST_TEST(std::string(file.begin(), file.begin() + 44) == header);
  BOOST_CHECK_THROW(wav_header_for(6), std::invalid_argument);
  const auto h = chunk_headers("L2", 4, 72000);
  BOOST_REQUIRE(h.size() == 4u);
  BOOST_TEST(h[0].second == "L2");
  BOOST_TEST(h[1].second == "4");
  BOOST_TEST(h[2].second == "1.5");
}
