#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#if defined(__SANITIZE_THREAD__)
#define AURALIS_BYTE_BUFFER_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define AURALIS_BYTE_BUFFER_TSAN 1
#endif
#endif
#if defined(AURALIS_BYTE_BUFFER_TSAN)
#include <sanitizer/tsan_interface.h>
#endif

namespace auralis::codec {

/// Bytes written once, then shared read-only between actors and threads (PCM chunks,
/// Opus entries, encoded answers). A buffer of at least file_threshold bytes lives in an
/// anonymous memory file (memfd, mapped shared), whose pages the process's memory figures
/// show apart (RssShmem) and whose descriptor can be handed to another process or to
/// sendfile; smaller buffers, and large ones
/// when no memory file can be made (out of file descriptors, say), live on the heap.
/// Either way the bytes are the same and size() is what the buffer holds.
///
/// Under ThreadSanitizer, seal() and the const accessors pair up as a release and an
/// acquire: buffers travel between threads in CAF messages, whose mailboxes synchronise
/// inside the uninstrumented CAF library, where the sanitizer cannot see it.
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

  /// The bytes; writable only until the buffer is sealed and shared.
  std::uint8_t* data() noexcept { return data_; }
  /// Byte `i` (no bounds check); writable only until the buffer is sealed and shared.
  std::uint8_t& operator[](std::size_t i) noexcept { return data_[i]; }

  /// Ends the writing through data(): from here on, every thread the buffer reaches only
  /// reads it. Call it once the bytes are written, before the buffer leaves the writing
  /// thread. A no-op except under ThreadSanitizer. adopt() and copy_of() seal their buffers.
  void seal() const noexcept {
#if defined(AURALIS_BYTE_BUFFER_TSAN)
    __tsan_release(const_cast<byte_buffer*>(this));
#endif
  }

  /// The bytes.
  const std::uint8_t* data() const noexcept { return synced().data_; }
  /// Number of bytes.
  std::size_t size() const noexcept { return synced().size_; }
  /// Whether size() is 0.
  bool empty() const noexcept { return synced().size_ == 0; }
  /// Byte `i` (no bounds check).
  std::uint8_t operator[](std::size_t i) const noexcept { return synced().data_[i]; }
  const std::uint8_t* begin() const noexcept { return synced().data_; }
  const std::uint8_t* end() const noexcept { return synced().data_ + size_; }

  /// Bytes of memory the buffer occupies: its heap capacity, or its memory file's pages.
  std::size_t held_bytes() const noexcept;

  /// The memory file holding the bytes from offset 0 (open as long as the buffer lives),
  /// or -1 when they are on the heap.
  int file_descriptor() const noexcept { return synced().fd_; }

  /// Whether both hold the same bytes (wherever they live).
  friend bool operator==(const byte_buffer& a, const byte_buffer& b) noexcept;
  friend bool operator!=(const byte_buffer& a, const byte_buffer& b) noexcept {
    return !(a == b);
  }

private:
  byte_buffer() = default;

  /// This buffer, after (under ThreadSanitizer) acquiring what seal() released.
  const byte_buffer& synced() const noexcept {
#if defined(AURALIS_BYTE_BUFFER_TSAN)
    __tsan_acquire(const_cast<byte_buffer*>(this));
#endif
    return *this;
  }

  std::vector<std::uint8_t> heap_; ///< the bytes when not in a memory file
  std::uint8_t* data_ = nullptr;
  std::size_t size_ = 0;
  int fd_ = -1;                    ///< the memory file, or -1
};

/// A shared, read-only byte buffer (null: none).
using shared_buffer = std::shared_ptr<const byte_buffer>;

} // namespace auralis::codec
