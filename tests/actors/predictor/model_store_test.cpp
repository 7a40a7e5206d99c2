#define BOOST_TEST_MODULE model_store
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>

#include "actors/common/atomic_file.hpp"
#include "actors/predictor/model_store.hpp"
#include "test_support.hpp"

using auralis::actors::load_outcome;
using auralis::actors::model_store;
namespace fs = std::filesystem;

BOOST_AUTO_TEST_CASE(the_model_lives_in_the_data_folder) {
  BOOST_TEST(model_store::default_path("var") == "var/predictor-model.json");
}

BOOST_AUTO_TEST_CASE(a_missing_file_is_a_fresh_start) {
  auralis::test::scratch_dir dir("model-store");
  model_store store(dir.file("predictor-model.json"));
  bool called = false;
  BOOST_TEST((store.load([&](const std::string&) { called = true; }) == load_outcome::fresh));
  BOOST_TEST(!called);
  BOOST_TEST(fs::is_empty(dir.path()));
}

BOOST_AUTO_TEST_CASE(save_then_load_hands_back_the_text) {
  auralis::test::scratch_dir dir("model-store");
  model_store store(dir.file("sub/predictor-model.json")); // the folder is created
  store.save(R"({"a":1})");
  BOOST_TEST(!fs::exists(dir.file("sub/predictor-model.json.tmp")));
  std::string got;
  BOOST_TEST((store.load([&](const std::string& t) { got = t; }) == load_outcome::loaded));
  BOOST_TEST(got == "{\"a\":1}\n");
  store.save(R"({"a":2})");
  BOOST_TEST(auralis::actors::read_whole_file(store.path()) == "{\"a\":2}\n");
}

BOOST_AUTO_TEST_CASE(a_corrupt_file_is_moved_aside) {
  auralis::test::scratch_dir dir("model-store");
  const auto path = dir.file("predictor-model.json");
  std::ofstream(path) << "{\"trunc";
  model_store store(path);
  const auto outcome = store.load([](const std::string&) { throw std::runtime_error("bad"); });
  BOOST_TEST((outcome == load_outcome::moved_aside));
  BOOST_TEST(!fs::exists(path));
  BOOST_TEST(store.moved_to().rfind(path + ".corrupt-", 0) == 0u);
  BOOST_TEST(auralis::actors::read_whole_file(store.moved_to()) == "{\"trunc");
  // Next start-up: fresh.
  BOOST_TEST((store.load([](const std::string&) {}) == load_outcome::fresh));
  BOOST_TEST(store.moved_to().empty());
}
