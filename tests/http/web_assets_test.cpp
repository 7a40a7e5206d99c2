#define BOOST_TEST_MODULE web_assets
#include <boost/test/unit_test.hpp>

#include "http/web_assets.hpp"

using namespace auralis::http;

BOOST_AUTO_TEST_CASE(content_types_follow_the_extension) {
  BOOST_TEST(content_type_of("index.html") == "text/html; charset=utf-8");
  BOOST_TEST(content_type_of("app.js") == "text/javascript; charset=utf-8");
  BOOST_TEST(content_type_of("player.MJS") == "text/javascript; charset=utf-8");
  BOOST_TEST(content_type_of("style.css") == "text/css; charset=utf-8");
  BOOST_TEST(content_type_of("icon.svg") == "image/svg+xml");
  BOOST_TEST(content_type_of("data.json") == "application/json");
  BOOST_TEST(content_type_of("archive.tar.gz") == "application/octet-stream");
  BOOST_TEST(content_type_of("README") == "application/octet-stream");
}

BOOST_AUTO_TEST_CASE(the_page_is_served_at_the_root_and_by_its_name) {
  const auto* root = find_web_asset("/");
  BOOST_TEST_REQUIRE(root);
  BOOST_TEST(root == find_web_asset("/index.html"));
  BOOST_TEST(root->content_type == "text/html; charset=utf-8");
  BOOST_TEST(root->body.find("<!doctype html>") == 0u);
  // A strong validator: quoted, 16 hex digits.
  BOOST_TEST(root->etag.size() == 18u);
  BOOST_TEST(root->etag.front() == '"');
  BOOST_TEST(root->etag.back() == '"');
  BOOST_TEST(root->etag != find_web_asset("/app.js")->etag);
}

BOOST_AUTO_TEST_CASE(paths_that_name_no_file_find_nothing) {
  BOOST_TEST(!find_web_asset(""));
  BOOST_TEST(!find_web_asset("index.html")); // not a path
  BOOST_TEST(!find_web_asset("/no-such-file.js"));
  BOOST_TEST(!find_web_asset("/web/index.html")); // files sit at the root only
  BOOST_TEST(!find_web_asset("/../index.html"));
  BOOST_TEST(!find_web_asset("/.."));
  BOOST_TEST(!find_web_asset("/index.html/"));
}

BOOST_AUTO_TEST_CASE(if_none_match_names_the_etag_in_a_list_weak_or_any) {
  const std::string etag = "\"0123456789abcdef\"";
  BOOST_TEST(etag_matches(etag, etag));
  BOOST_TEST(etag_matches("W/" + etag, etag));
  BOOST_TEST(etag_matches("\"other\", " + etag, etag));
  BOOST_TEST(etag_matches(" * ", etag));
  BOOST_TEST(!etag_matches("\"0123456789abcdee\"", etag));
  BOOST_TEST(!etag_matches("", etag));
  BOOST_TEST(!etag_matches("0123456789abcdef", etag)); // unquoted: not the tag
}
