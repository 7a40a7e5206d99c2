#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace auralis::codec {

/// Bytes written once, then shared read-only between actors and threads (PCM chunks,
/// Opus entries, encoded answers). A buffer of at least file_threshold bytes lives in an
/// anonymous memory file (memfd, mapped shared), whose pages the process's memory figures
/// show apart (RssShmem) and whose descriptor can be handed to another process or to
/// sendfile; smaller buffers, and large ones
/// when no memory file can be made (out of file descriptors, say), live on the heap.
/// Either way the bytes are the same and size() is what the buffer holds.
class byte_buffer {
public:
  /// Buffers of this size and more go into a memory file.
  static constexpr std::size_t file_threshold = 1024 * 1024;

  /// A zero-filled buffer of `size` bytes, to be written through data() before it is
  /// shared. Throws std::bad_alloc when neither a memory file nor the heap has room.
  static std::shared_ptr<byte_buffer> allocate(std::size_t size);

  /// A buffer holding `bytes` on the heap (moved, not copied), whatever their size.
  static std::shared_ptr<byte_buffer> adopt(std::vector<std::uint8_t> bytes);

  /// A copy of the `size` bytes at `data` (placed as allocate() places them).
  static std::shared_ptr<byte_buffer> copy_of(const std::uint8_t* data, std::size_t size);

  ~byte_buffer();
  byte_buffer(const byte_buffer&) = delete;
  byte_buffer& operator=(const byte_buffer&) = delete;

  /// The bytes; writable only until the buffer is shared.
  std::uint8_t* data() noexcept { return data_; }
  /// The bytes.
  const std::uint8_t* data() const noexcept { return data_; }
  /// Number of bytes.
  std::size_t size() const noexcept { return size_; }
  /// Whether size() is 0.
  bool empty() const noexcept { return size_ == 0; }
  /// Byte `i` (no bounds check).
  std::uint8_t& operator[](std::size_t i) noexcept { return data_[i]; }
  /// Byte `i` (no bounds check).
  std::uint8_t operator[](std::size_t i) const noexcept { return data_[i]; }
  const std::uint8_t* begin() const noexcept { return data_; }
  const std::uint8_t* end() const noexcept { return data_ + size_; }

  /// Bytes of memory the buffer occupies: its heap capacity, or its memory file's pages.
  std::size_t held_bytes() const noexcept;

  /// The memory file holding the bytes from offset 0 (open as long as the buffer lives),
  /// or -1 when they are on the heap.
  int file_descriptor() const noexcept { return fd_; }

  /// Whether both hold the same bytes (wherever they live).
  friend bool operator==(const byte_buffer& a, const byte_buffer& b) noexcept;
  friend bool operator!=(const byte_buffer& a, const byte_buffer& b) noexcept {
    return !(a == b);
  }

private:
  byte_buffer() = default;

  std::vector<std::uint8_t> heap_; ///< the bytes when not in a memory file
  std::uint8_t* data_ = nullptr;
  std::size_t size_ = 0;
  int fd_ = -1;                    ///< the memory file, or -1
};

/// A shared, read-only byte buffer (null: none).
using shared_buffer = std::shared_ptr<const byte_buffer>;

} // namespace auralis::codec
