#define BOOST_TEST_MODULE atomic_file
#include <boost/test/unit_test.hpp>

#include <csignal>
#include <filesystem>
#include <stdexcept>
#include <string>

#include <sched.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "actors/common/atomic_file.hpp"
#include "test_support.hpp"

using namespace auralis::actors;
namespace fs = std::filesystem;

namespace {

/// Two versions of a file, large enough that writing one takes many system calls.
const std::string old_content = std::string(4 * 1024 * 1024, 'a') + "old end";
const std::string new_content = std::string(4 * 1024 * 1024, 'b') + "new end";

/// Reads one byte from `fd`; false at the end of the pipe.
bool read_byte(int fd) {
  char c = 0;
  ssize_t n;
  do
    n = ::read(fd, &c, 1);
  while (n < 0 && errno == EINTR);
  return n == 1;
}

} // namespace

BOOST_AUTO_TEST_CASE(a_kill_during_a_write_leaves_the_old_or_the_new_file_whole) {
  auralis::test::scratch_dir dir("atomic-kill");
  const std::string path = dir.file("predictor-model.json");
  write_file_atomically(path, old_content);
  // The child writes the two versions in turn and says before each write that it starts;
  // the parent kills it right after the k-th such word: during the k-th write, its sync or
  // its rename, wherever the kill lands.
  for (int k = 1; k <= 12; ++k) {
    BOOST_TEST_CONTEXT("killed during write " << k) {
      int words[2];
      BOOST_REQUIRE(::pipe(words) == 0);
      const pid_t child = ::fork();
      BOOST_REQUIRE(child >= 0);
      if (child == 0) {
        ::close(words[0]);
        for (int i = 0;; ++i) {
          if (::write(words[1], "w", 1) != 1)
            ::_exit(3);
          try {
            write_file_atomically(path, i % 2 == 0 ? new_content : old_content);
          } catch (...) {
            ::_exit(4);
          }
        }
      }
      ::close(words[1]);
      bool started = true;
      for (int i = 0; i < k && started; ++i)
        started = read_byte(words[0]);
      ::kill(child, SIGKILL);
      int status = 0;
      ::waitpid(child, &status, 0);
      ::close(words[0]);
      BOOST_TEST(started);
      BOOST_TEST((WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL));
      const std::string now = read_whole_file(path);
      BOOST_TEST((now == old_content || now == new_content), "a file of " << now.size()
                                                               << " bytes that is neither");
    }
  }
  // A temporary file a kill left behind does not stop the next write.
  write_file_atomically(path, new_content);
  BOOST_TEST((read_whole_file(path) == new_content));
  BOOST_TEST(!fs::exists(path + ".tmp"));
}

BOOST_AUTO_TEST_CASE(a_full_disk_fails_the_write_naming_the_file_and_keeps_the_old_one) {
  auralis::test::scratch_dir dir("atomic-full");
  const fs::path small = dir.path() / "small";
  fs::create_directories(small);
  // In a child process, so that the mount and the limit end with it. A 64 KiB tmpfs
  // where the child may mount one (it has its own mount namespace: root); else a file
  // size limit of 64 KiB, which fails writes beyond it the same way (EFBIG, "File too
  // large"). Exit codes: 0 as expected, 10 + the step that went wrong otherwise.
  int report[2];
  BOOST_REQUIRE(::pipe(report) == 0);
  const pid_t child = ::fork();
  BOOST_REQUIRE(child >= 0);
  if (child == 0) {
    ::close(report[0]);
    const bool tmpfs = ::unshare(CLONE_NEWNS) == 0 &&
                       ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) == 0 &&
                       ::mount("tmpfs", small.c_str(), "tmpfs", 0, "size=64k") == 0;
    if (!tmpfs) {
      std::signal(SIGXFSZ, SIG_IGN);
      const rlimit limit{64 * 1024, 64 * 1024};
      if (::setrlimit(RLIMIT_FSIZE, &limit) != 0)
        ::_exit(10);
    }
    if (::write(report[1], tmpfs ? "t" : "r", 1) != 1)
      ::_exit(11);
    const std::string path = (small / "track-ids.json").string();
    try {
      write_file_atomically(path, "{\"next_id\": 2}");
    } catch (...) {
      ::_exit(12);
    }
    std::string what;
    try {
      write_file_atomically(path, std::string(1024 * 1024, 'x'));
      ::_exit(13); // it must fail
    } catch (const std::runtime_error& e) {
      what = e.what();
    }
    const std::string reason = tmpfs ? "No space left on device" : "File too large";
    if (what != path + ".tmp: cannot be written (" + reason + ")")
      ::_exit(14);
    if (read_whole_file(path) != "{\"next_id\": 2}")
      ::_exit(15);
    if (fs::exists(path + ".tmp"))
      ::_exit(16);
    // The room is back: a small write succeeds again.
    try {
      write_file_atomically(path, "{\"next_id\": 3}");
    } catch (...) {
      ::_exit(17);
    }
    ::_exit(read_whole_file(path) == "{\"next_id\": 3}" ? 0 : 18);
  }
  ::close(report[1]);
  char how = 0;
  const bool said = ::read(report[0], &how, 1) == 1;
  ::close(report[0]);
  int status = 0;
  ::waitpid(child, &status, 0);
  BOOST_TEST_MESSAGE("full disk simulated by " << (how == 't' ? "a 64 KiB tmpfs"
                                                               : "a 64 KiB file size limit"));
  BOOST_TEST(said);
  BOOST_TEST(WIFEXITED(status));
  BOOST_TEST(WEXITSTATUS(status) == 0);
}
