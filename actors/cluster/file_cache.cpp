#include "actors/cluster/file_cache.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include <fcntl.h>
#include <sys/stat.h>

#include "actors/common/fnv1a.hpp"

namespace auralis::actors {

namespace fs = std::filesystem;

file_cache::file_cache(std::string dir, std::uint64_t limit_bytes)
  : dir_(std::move(dir)), limit_(limit_bytes) {
  std::error_code ec;
  fs::remove_all(dir_, ec);
  fs::create_directories(dir_, ec);
  if (ec)
    throw std::runtime_error(dir_ + ": the file cache folder cannot be created (" +
                             ec.message() + ")");
}

std::string file_cache::name_of(const source_ref& source) const {
  const auto hash = fnv1a().text(source.path).u64(source.size)
                      .u64(static_cast<std::uint64_t>(source.mtime_ns)).value();
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(hash));
  return std::string(hex) + fs::path(source.path).extension().string();
}

std::optional<std::string> file_cache::find(const source_ref& source) {
  const auto name = name_of(source);
  std::lock_guard<std::mutex> lock{mutex_};
  auto it = held_.find(name);
  if (it == held_.end())
    return std::nullopt;
  lru_.splice(lru_.begin(), lru_, it->second.first);
  return (fs::path(dir_) / name).string();
}

std::string file_cache::store(const source_ref& source, const std::uint8_t* data,
                              std::uint64_t size) {
  if (size != source.size)
    throw std::runtime_error(source.path + ": got " + std::to_string(size) +
                             " bytes, the listing says " + std::to_string(source.size));
  const auto name = name_of(source);
  const auto path = (fs::path(dir_) / name).string();
  const auto partial = path + ".part";
  {
    std::ofstream out(partial, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    out.close();
    if (!out)
      throw std::runtime_error(partial + ": cannot be written");
  }
  // The copy carries the original's modification time: the runner compares it.
  timespec times[2];
  times[0].tv_sec = 0;
  times[0].tv_nsec = UTIME_OMIT;
  times[1].tv_sec = static_cast<time_t>(source.mtime_ns / 1'000'000'000);
  times[1].tv_nsec = static_cast<long>(source.mtime_ns % 1'000'000'000);
  if (utimensat(AT_FDCWD, partial.c_str(), times, 0) != 0)
    throw std::runtime_error(partial + ": cannot set its modification time");
  std::error_code ec;
  fs::rename(partial, path, ec);
  if (ec)
    throw std::runtime_error(path + ": cannot be written (" + ec.message() + ")");
  std::lock_guard<std::mutex> lock{mutex_};
  if (auto it = held_.find(name); it != held_.end()) {
    bytes_ -= it->second.second;
    lru_.erase(it->second.first);
    held_.erase(it);
  }
  lru_.push_front(name);
  held_[name] = {lru_.begin(), size};
  bytes_ += size;
  // A copy a job still reads stays readable after its name is removed (Linux keeps the
  // open file), so eviction never breaks a running job.
  while (bytes_ > limit_ && lru_.size() > 1) {
    const auto victim = lru_.back();
    lru_.pop_back();
    bytes_ -= held_[victim].second;
    held_.erase(victim);
    fs::remove(fs::path(dir_) / victim, ec);
  }
  return path;
}

std::uint64_t file_cache::bytes() const {
  std::lock_guard<std::mutex> lock{mutex_};
  return bytes_;
}

std::size_t file_cache::files() const {
  std::lock_guard<std::mutex> lock{mutex_};
  return held_.size();
}

} // namespace auralis::actors
