#define BOOST_TEST_MODULE handle_gate
#include <boost/test/unit_test.hpp>

#include <memory>
#include <thread>
#include <vector>

#include "http/handle_gate.hpp"

using auralis::http::handle_gate;

namespace {

/// A holder whose "handle" is a flag; counts how often it was dropped.
class fake_holder final : public handle_gate::holder {
public:
  explicit fake_holder(handle_gate& gate) : gate_(gate) { held_ = gate_.join(*this); }
  ~fake_holder() { gate_.leave(*this); }

  bool held() const { return held_; }
  int drops() const { return drops_; }

private:
  void drop_handle() noexcept override {
    held_ = false;
    ++drops_;
  }

  handle_gate& gate_;
  bool held_ = false;
  int drops_ = 0;
};

} // namespace

BOOST_AUTO_TEST_CASE(holders_join_and_leave) {
  handle_gate gate;
  BOOST_TEST(gate.holders() == 0u);
  {
    fake_holder a(gate), b(gate), c(gate);
    BOOST_TEST(a.held());
    BOOST_TEST(gate.holders() == 3u);
    BOOST_TEST(gate.join(b)); // already in: nothing changes
    BOOST_TEST(gate.holders() == 3u);
    gate.leave(b); // the middle of the list
    BOOST_TEST(gate.holders() == 2u);
    BOOST_TEST(!b.held());
    BOOST_TEST(b.drops() == 1);
    gate.leave(b); // not in any more: not dropped twice
    BOOST_TEST(b.drops() == 1);
    BOOST_TEST(a.held());
    BOOST_TEST(c.held());
  }
  BOOST_TEST(gate.holders() == 0u);
  BOOST_TEST(!gate.closed());
}

BOOST_AUTO_TEST_CASE(close_drops_every_handle_once_and_refuses_new_holders) {
  handle_gate gate;
  std::vector<std::unique_ptr<fake_holder>> holders;
  for (int i = 0; i < 5; ++i)
    holders.push_back(std::make_unique<fake_holder>(gate));
  holders.erase(holders.begin() + 2); // one left before the close
  gate.close();
  BOOST_TEST(gate.closed());
  BOOST_TEST(gate.holders() == 0u);
  for (const auto& h : holders) {
    BOOST_TEST(!h->held());
    BOOST_TEST(h->drops() == 1);
  }
  gate.close(); // idempotent
  for (const auto& h : holders)
    BOOST_TEST(h->drops() == 1);
  fake_holder late(gate);
  BOOST_TEST(!late.held());
  BOOST_TEST(late.drops() == 0);
  BOOST_TEST(gate.holders() == 0u);
  holders.clear(); // leaving after the close drops nothing more
}

BOOST_AUTO_TEST_CASE(holders_come_and_go_on_many_threads) {
  handle_gate gate;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&gate] {
      for (int i = 0; i < 2000; ++i) {
        fake_holder a(gate);
        fake_holder b(gate);
        auto lock = gate.lock(); // what a holder does around a use of its handle
      }
    });
  for (auto& t : threads)
    t.join();
  BOOST_TEST(gate.holders() == 0u);
}
