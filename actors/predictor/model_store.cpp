#include "actors/predictor/model_store.hpp"

#include <filesystem>
#include <stdexcept>

#include <spdlog/spdlog.h>

#include "actors/common/atomic_file.hpp"

namespace auralis::actors {

std::string model_store::default_path(const std::string& data_dir) {
  return (std::filesystem::path(data_dir) / "predictor-model.json").string();
}

void model_store::save(const std::string& json) const {
  write_file_atomically(path_, json + "\n");
}

load_outcome model_store::load(const std::function<void(const std::string&)>& apply) {
  moved_to_.clear();
  std::error_code ec;
  if (!std::filesystem::exists(path_, ec) && !ec)
    return load_outcome::fresh;
  try {
    apply(read_whole_file(path_));
    return load_outcome::loaded;
  } catch (const std::exception& e) {
    moved_to_ = move_aside_as_corrupt(path_);
    spdlog::warn("{}: unreadable predictor model ({}); moved aside as {}, learning starts "
                 "afresh",
                 path_, e.what(), moved_to_);
    return load_outcome::moved_aside;
  }
}

} // namespace auralis::actors
