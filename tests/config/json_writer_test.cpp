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
