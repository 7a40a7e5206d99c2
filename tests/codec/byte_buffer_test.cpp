#define BOOST_TEST_MODULE byte_buffer
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cerrno>
#include <vector>

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include "codec/byte_buffer.hpp"

using auralis::codec::byte_buffer;

namespace {

std::size_t page_size() { return static_cast<std::size_t>(sysconf(_SC_PAGESIZE)); }

/// What the buffer's memory file holds from offset 0, read through the descriptor (as
/// sendfile reads it).
std::vector<std::uint8_t> file_contents(const byte_buffer& b) {
  std::vector<std::uint8_t> out(b.size());
  std::size_t done = 0;
  while (done < out.size()) {
    const auto n = pread(b.file_descriptor(), out.data() + done, out.size() - done,
                         static_cast<off_t>(done));
    BOOST_REQUIRE(n > 0);
    done += static_cast<std::size_t>(n);
  }
  return out;
}

bool descriptor_open(int fd) { return fcntl(fd, F_GETFD) != -1 || errno != EBADF; }

} // namespace

BOOST_AUTO_TEST_CASE(small_buffers_live_on_the_heap) {
  auto b = byte_buffer::allocate(1000);
  BOOST_TEST(b->size() == 1000u);
  BOOST_TEST(!b->empty());
  BOOST_TEST(b->file_descriptor() == -1);
  BOOST_TEST(b->held_bytes() == 1000u);
  BOOST_TEST(std::all_of(b->begin(), b->end(), [](std::uint8_t x) { return x == 0; }));
  (*b)[999] = 5;
  BOOST_TEST(b->data()[999] == 5);
  auto none = byte_buffer::allocate(0);
  BOOST_TEST(none->empty());
  BOOST_TEST((none->begin() == none->end()));
}

BOOST_AUTO_TEST_CASE(large_buffers_live_in_a_memory_file_with_the_same_bytes) {
  const std::size_t size = byte_buffer::file_threshold + 12345;
  auto b = byte_buffer::allocate(size);
  BOOST_REQUIRE(b->file_descriptor() >= 0);
  BOOST_TEST(b->size() == size);
  // Whole pages are held.
  BOOST_TEST(b->held_bytes() % page_size() == 0u);
  BOOST_TEST(b->held_bytes() >= size);
  BOOST_TEST(b->held_bytes() < size + page_size());
  BOOST_TEST(std::all_of(b->begin(), b->end(), [](std::uint8_t x) { return x == 0; }));
  for (std::size_t i = 0; i < size; ++i)
    (*b)[i] = static_cast<std::uint8_t>(i * 7 + i / 1000);
  // What is written through data() is what the file gives to sendfile.
  const auto in_file = file_contents(*b);
  BOOST_TEST((std::equal(in_file.begin(), in_file.end(), b->begin(), b->end())));
  // The memory file is the buffer's: closed with it.
  const int fd = b->file_descriptor();
  b.reset();
  BOOST_TEST(!descriptor_open(fd));
  // Just under the threshold is still the heap.
  BOOST_TEST(byte_buffer::allocate(byte_buffer::file_threshold - 1)->file_descriptor() == -1);
  BOOST_TEST(byte_buffer::allocate(byte_buffer::file_threshold)->file_descriptor() >= 0);
}

BOOST_AUTO_TEST_CASE(copies_and_adopted_vectors_hold_the_same_bytes) {
  std::vector<std::uint8_t> bytes(byte_buffer::file_threshold * 2);
  for (std::size_t i = 0; i < bytes.size(); ++i)
    bytes[i] = static_cast<std::uint8_t>(i % 251);
  const auto copy = byte_buffer::copy_of(bytes.data(), bytes.size());
  BOOST_TEST(copy->file_descriptor() >= 0);
  BOOST_TEST((std::equal(copy->begin(), copy->end(), bytes.begin(), bytes.end())));
  // Adopting moves the vector's storage in: no copy, heap whatever the size.
  const auto* storage = bytes.data();
  const auto adopted = byte_buffer::adopt(std::move(bytes));
  BOOST_TEST(adopted->data() == storage);
  BOOST_TEST(adopted->file_descriptor() == -1);
  BOOST_TEST(adopted->held_bytes() == adopted->size());
  // Equal bytes compare equal wherever they live; one byte more or different does not.
  BOOST_TEST((*copy == *adopted));
  auto other = byte_buffer::copy_of(copy->data(), copy->size());
  (*other)[other->size() / 2] ^= 1;
  BOOST_TEST((*copy != *other));
  BOOST_TEST((*byte_buffer::copy_of(copy->data(), 10) != *byte_buffer::copy_of(copy->data(), 11)));
  BOOST_TEST((*byte_buffer::allocate(0) == *byte_buffer::adopt({})));
}

BOOST_AUTO_TEST_CASE(without_a_free_descriptor_a_large_buffer_goes_on_the_heap) {
  // Lower the descriptor limit to the lowest free descriptor: no new one can be opened.
  rlimit saved{};
  BOOST_REQUIRE(getrlimit(RLIMIT_NOFILE, &saved) == 0);
  const int lowest = dup(0);
  BOOST_REQUIRE(lowest >= 0);
  close(lowest);
  rlimit tight = saved;
  tight.rlim_cur = static_cast<rlim_t>(lowest);
  BOOST_REQUIRE(setrlimit(RLIMIT_NOFILE, &tight) == 0);
  std::shared_ptr<byte_buffer> b;
  try {
    b = byte_buffer::allocate(byte_buffer::file_threshold * 2);
  } catch (...) {
    setrlimit(RLIMIT_NOFILE, &saved);
    throw;
  }
  BOOST_REQUIRE(setrlimit(RLIMIT_NOFILE, &saved) == 0);
  BOOST_TEST(b->file_descriptor() == -1);
  BOOST_TEST(b->size() == byte_buffer::file_threshold * 2);
  BOOST_TEST(b->held_bytes() == b->size());
  (*b)[b->size() - 1] = 9;
  BOOST_TEST((*b)[b->size() - 1] == 9);
}
