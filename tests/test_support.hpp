#pragma once

// Helpers shared by the tests: scratch folders and synthetic signals.

#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <unistd.h>

namespace auralis::test {

/// Whether this build runs under ThreadSanitizer, which makes the engine 5 to 15 times
/// slower: too slow for real-time pacing.
#if defined(__SANITIZE_THREAD__)
inline constexpr bool under_thread_sanitizer = true;
#else
inline constexpr bool under_thread_sanitizer = false;
#endif

/// A fresh folder under $AURALIS_TEST_TMP (or the system temp dir), removed on scope exit.
class scratch_dir {
public:
  explicit scratch_dir(const std::string& tag) {
    static std::atomic<int> counter{0};
    const char* base = std::getenv("AURALIS_TEST_TMP");
    std::filesystem::path root = base ? base : std::filesystem::temp_directory_path().string();
    path_ = root / (tag + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~scratch_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  scratch_dir(const scratch_dir&) = delete;
  scratch_dir& operator=(const scratch_dir&) = delete;

  /// The folder.
  const std::filesystem::path& path() const noexcept { return path_; }
  /// A path inside the folder.
  std::string file(const std::string& name) const { return (path_ / name).string(); }

private:
  std::filesystem::path path_;
};

/// Interleaved stereo music-like test signal: two detuned tones with a slow tremolo plus a
/// little seeded noise, `frames` frames at `rate` Hz, peak about 0.5. Compiled once with the
/// audio code's optimisation (test_support.cpp): unoptimised, the noise costs seconds.
std::vector<float> music_like(std::int64_t frames, int rate, unsigned seed = 1);

/// Peak absolute difference of two equally long buffers, in dBFS (-inf as -400).
inline double peak_diff_db(const std::vector<float>& a, const std::vector<float>& b) {
  double peak = 0;
  const std::size_t n = std::min(a.size(), b.size());
  for (std::size_t i = 0; i < n; ++i)
    peak = std::max(peak, static_cast<double>(std::fabs(a[i] - b[i])));
  return peak > 0 ? 20.0 * std::log10(peak) : -400.0;
}

} // namespace auralis::test
