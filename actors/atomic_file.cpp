#include "actors/atomic_file.hpp"

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

[[noreturn]] void fail(const std::string& path, const char* what) {
  throw std::runtime_error(path + ": " + what + " (" + std::strerror(errno) + ")");
}

void fsync_path(const std::string& path, int flags) {
  const int fd = ::open(path.c_str(), flags);
  if (fd < 0)
    fail(path, "cannot be opened for sync");
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0)
    fail(path, "cannot be synced");
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
        ::close(fd);
        fail(tmp, "cannot be written");
      }
      p += n;
      left -= static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0) {
      ::close(fd);
      fail(tmp, "cannot be synced");
    }
    ::close(fd);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0)
    fail(path, "cannot be replaced");
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
