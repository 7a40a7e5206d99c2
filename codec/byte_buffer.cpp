#include "codec/byte_buffer.hpp"

#include <cstring>
#include <new>

#include <sys/mman.h>
#include <unistd.h>

namespace auralis::codec {

namespace {

/// Maps a new memory file of `size` bytes (zero-filled, pages already present); false
/// when the system refuses any step, with nothing left open.
bool map_memory_file(std::size_t size, int& fd, std::uint8_t*& data) {
  fd = memfd_create("auralis-buffer", MFD_CLOEXEC);
  if (fd < 0)
    return false;
  if (ftruncate(fd, static_cast<off_t>(size)) == 0) {
    void* p = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, 0);
    if (p != MAP_FAILED) {
      data = static_cast<std::uint8_t*>(p);
      return true;
    }
  }
  close(fd);
  fd = -1;
  return false;
}

} // namespace

std::shared_ptr<byte_buffer> byte_buffer::allocate(std::size_t size) {
  std::shared_ptr<byte_buffer> b(new byte_buffer);
  b->size_ = size;
  if (size >= file_threshold && map_memory_file(size, b->fd_, b->data_))
    return b;
  b->heap_.resize(size);
  b->data_ = b->heap_.data();
  return b;
}

std::shared_ptr<byte_buffer> byte_buffer::adopt(std::vector<std::uint8_t> bytes) {
  std::shared_ptr<byte_buffer> b(new byte_buffer);
  b->heap_ = std::move(bytes);
  b->data_ = b->heap_.data();
  b->size_ = b->heap_.size();
  b->seal();
  return b;
}

std::shared_ptr<byte_buffer> byte_buffer::copy_of(const std::uint8_t* data, std::size_t size) {
  auto b = allocate(size);
  if (size > 0)
    std::memcpy(b->data_, data, size);
  b->seal();
  return b;
}

byte_buffer::~byte_buffer() {
  if (fd_ >= 0) {
    munmap(data_, size_);
    close(fd_);
  }
}

std::size_t byte_buffer::held_bytes() const noexcept {
  synced();
  if (fd_ < 0)
    return heap_.capacity();
  static const auto page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  return (size_ + page - 1) / page * page;
}

bool operator==(const byte_buffer& a, const byte_buffer& b) noexcept {
  a.synced();
  b.synced();
  return a.size_ == b.size_ && (a.size_ == 0 || std::memcmp(a.data_, b.data_, a.size_) == 0);
}

} // namespace auralis::codec
