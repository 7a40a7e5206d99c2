#define BOOST_TEST_MODULE server_sampler
#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "load/server_sampler.hpp"

using auralis::load::server_sampler;

BOOST_AUTO_TEST_CASE(status_text_gives_rss_and_shmem) {
  const auto f = server_sampler::parse_status(
    "Name:\tauralis-buffer\nVmPeak:\t  999999 kB\nVmRSS:\t  200000 kB\nRssAnon:\t 150000 kB\n"
    "RssFile:\t  40000 kB\nRssShmem:\t  10000 kB\n");
  BOOST_REQUIRE(f.has_value());
  BOOST_TEST(f->rss_mb == 204.8);
  BOOST_TEST(f->rss_shmem_mb == 10.24);
  BOOST_TEST(!server_sampler::parse_status("Name:\tx\n").has_value());
}

BOOST_AUTO_TEST_CASE(net_tcp_text_gives_the_listening_inode) {
  const std::string text =
    "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
    "   0: 0100007F:223D 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 51234 1 0 100 0 0 10 0\n"
    "   1: 0100007F:9C40 0100007F:223D 01 00000000:00000000 00:00000000 00000000  1000        0 51299 1 0 20 4 30 10 -1\n";
  BOOST_TEST(server_sampler::listening_inode(text, 8765).value_or(0) == 51234u);
  BOOST_TEST(!server_sampler::listening_inode(text, 40000).has_value()); // established, not listening
  BOOST_TEST(!server_sampler::listening_inode(text, 1).has_value());
}

BOOST_AUTO_TEST_CASE(finds_and_samples_the_process_listening_on_a_port) {
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::acceptor acceptor(
    ioc, {boost::asio::ip::make_address("127.0.0.1"), 0});
  const auto port = acceptor.local_endpoint().port();
  const auto pid = server_sampler::find_pid_by_port(port);
  BOOST_REQUIRE(pid.has_value());
  BOOST_TEST(*pid == static_cast<int>(::getpid()));
  const auto f = server_sampler(*pid).sample();
  BOOST_REQUIRE(f.has_value());
  BOOST_TEST(f->rss_mb > 0.0);
  BOOST_TEST(f->fds >= 3);
  acceptor.close();
  BOOST_TEST(!server_sampler::find_pid_by_port(port).has_value());
}

BOOST_AUTO_TEST_CASE(stats_json_is_flattened_to_dotted_numbers) {
  const auto m = server_sampler::flatten_numbers(
    R"({"l1":{"size_mb":6.72,"hit_rate":0.5,"count":7},"overall":{"total_hits":3},)"
    R"("prediction":{"session_id":"web-1","learning":true,"mode":"normal"},"queues":[{"depth":2}]})");
  BOOST_TEST(m.at("l1.size_mb") == 6.72);
  BOOST_TEST(m.at("l1.count") == 7.0);
  BOOST_TEST(m.at("overall.total_hits") == 3.0);
  BOOST_TEST(m.at("prediction.learning") == 1.0);
  BOOST_TEST(m.at("queues.0.depth") == 2.0);
  BOOST_TEST(m.count("prediction.session_id") == 0u);
  BOOST_TEST(server_sampler::flatten_numbers("{oops").empty());
}
