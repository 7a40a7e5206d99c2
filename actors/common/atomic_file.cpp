#include "actors/common/atomic_file.hpp"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <fcntl.h>
#include <unistd.h>

namespace auralis::actors {

namespace {

[[noreturn]] void fail(const std::string& path, const char* what, int error = errno) {
  throw std::runtime_error(path + ": " + what + " (" + std::strerror(error) + ")");
}

/// Closes `fd`, removes the unfinished temporary file `tmp` (a full disk gets its room
/// back) and throws naming it, with the errno of the failure.
[[noreturn]] void fail_removing(int fd, const std::string& tmp, const char* what) {
  const int error = errno;
  ::close(fd);
  ::unlink(tmp.c_str());
  fail(tmp, what, error);
}

void fsync_path(const std::string& path, int flags) {
  const int fd = ::open(path.c_str(), flags);
  if (fd < 0)
    fail(path, "cannot be opened for sync");
  const int rc = ::fsync(fd);
  const int error = errno;
  ::close(fd);
  if (rc != 0)
    fail(path, "cannot be synced", error);
}

} // namespace

void write_file_atomically(const std::string& path, const std::string& content) {
  namespace fs = std::filesystem;
  const fs::path target(path);
  const fs::path folder = target.has_parent_path() ? target.parent_path() : fs::path(".");
  fs::create_directories(folder);
  const std::string tmp = path + ".tmp";
  {
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
      fail(tmp, "cannot be created");
    const char* p = content.data();
    std::size_t left = content.size();
    while (left > 0) {
      const ssize_t n = ::write(fd, p, left);
      if (n < 0) {
        if (errno == EINTR)
          continue;
        fail_removing(fd, tmp, "cannot be written");
      }
      p += n;
      left -= static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0)
      fail_removing(fd, tmp, "cannot be synced");
    if (::close(fd) != 0) {
      const int error = errno;
      ::unlink(tmp.c_str());
      fail(tmp, "cannot be written", error);
    }
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const int error = errno;
    ::unlink(tmp.c_str());
    fail(path, "cannot be replaced", error);
  }
  fsync_path(folder.string(), O_RDONLY | O_DIRECTORY);
}

std::string read_whole_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    fail(path, "cannot be opened");
  std::ostringstream os;
  os << in.rdbuf();
  if (in.bad())
    fail(path, "cannot be read");
  return os.str();
}

std::string move_aside_as_corrupt(const std::string& path) {
  const auto secs = std::chrono::duration_cast<std::chrono::seconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
  std::string aside = path + ".corrupt-" + std::to_string(secs);
  for (int n = 1; std::filesystem::exists(aside); ++n)
    aside = path + ".corrupt-" + std::to_string(secs) + "-" + std::to_string(n);
  if (::rename(path.c_str(), aside.c_str()) != 0)
    fail(path, "cannot be moved aside");
  return aside;
}

} // namespace auralis::actors
