#define BOOST_TEST_MODULE json_writer
#include <boost/test/unit_test.hpp>

#include <cmath>

#include "config/json_writer.hpp"

using auralis::config::json_writer;

BOOST_AUTO_TEST_CASE(nests_and_separates) {
  json_writer w;
  w.begin_object()
    .field("a", 1)
    .key("b").begin_array().value(true).value("x").null().end_array()
    .key("c").begin_object().field("d", 0.25).end_object()
    .end_object();
  BOOST_TEST(w.str() == R"({"a":1,"b":[true,"x",null],"c":{"d":0.25}})");
}

BOOST_AUTO_TEST_CASE(escapes_strings_and_nulls_non_finite_numbers) {
  json_writer w;
  w.begin_array().value("q\"\\\n\x01").value(std::nan("")).value(INFINITY).end_array();
  BOOST_TEST(w.str() == "[\"q\\\"\\\\\\n\\u0001\",null,null]");
}

BOOST_AUTO_TEST_CASE(keeps_well_formed_utf8_and_replaces_each_bad_byte) {
  using auralis::config::json_quote;
  // One to four bytes, kept as they are: é, €, 𝄞.
  BOOST_TEST(json_quote("\xc3\xa9\xe2\x82\xac\xf0\x9d\x84\x9e") ==
             "\"\xc3\xa9\xe2\x82\xac\xf0\x9d\x84\x9e\"");
  // Bytes that begin no sequence (a path's \xff\xfe), a lone continuation byte, an overlong
  // '/', a surrogate, a code point above U+10FFFF and a sequence cut short at the end.
  BOOST_TEST(json_quote("/api/cache/\xff\xfe") == "\"/api/cache/\\ufffd\\ufffd\"");
  BOOST_TEST(json_quote("a\x80z") == "\"a\\ufffdz\"");
  BOOST_TEST(json_quote("\xc0\xaf") == "\"\\ufffd\\ufffd\"");
  BOOST_TEST(json_quote("\xed\xa0\x80") == "\"\\ufffd\\ufffd\\ufffd\"");
  BOOST_TEST(json_quote("\xf4\x90\x80\x80") == "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");
  BOOST_TEST(json_quote("x\xe2\x82") == "\"x\\ufffd\\ufffd\"");
}
