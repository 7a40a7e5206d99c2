#include "actors/library/track_catalog.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <stdexcept>

#include <simdjson.h>
#include <spdlog/spdlog.h>

#include "actors/common/atomic_file.hpp"
#include "codec/audio_source.hpp"
#include "config/json_writer.hpp"

namespace auralis::actors {

namespace fs = std::filesystem;

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

/// True if `p` is `root` or below it (compared component by component).
bool is_within(const fs::path& p, const fs::path& root) {
  auto r = root.begin();
  auto i = p.begin();
  for (; r != root.end(); ++r, ++i) {
    if (i == p.end() || *i != *r)
      return false;
  }
  return true;
}

} // namespace

std::string title_from_file_name(const std::string& file_name) {
  std::string stem = fs::path(file_name).stem().string();
  std::size_t i = 0;
  while (i < stem.size() && std::isdigit(static_cast<unsigned char>(stem[i])))
    ++i;
  if (i > 0 && i < stem.size() && (stem[i] == '-' || stem[i] == '_' || stem[i] == ' ' ||
                                   stem[i] == '.'))
    stem = stem.substr(i + 1);
  std::string out;
  bool start = true;
  for (char c : stem) {
    if (c == '-' || c == '_')
      c = ' ';
    if (c == ' ') {
      start = true;
      if (!out.empty() && out.back() != ' ')
        out += c;
      continue;
    }
    out += start ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    start = false;
  }
  while (!out.empty() && out.back() == ' ')
    out.pop_back();
  return out.empty() ? fs::path(file_name).stem().string() : out;
}

track_catalog::track_catalog(std::string root, std::string ids_file, std::int64_t chunk_frames)
  : root_(fs::absolute(root).lexically_normal().string()),
    ids_file_(std::move(ids_file)),
    chunk_frames_(chunk_frames) {
  if (!root_.empty() && root_.size() > 1 && root_.back() == '/')
    root_.pop_back();
  load_ids();
}

bool track_catalog::is_audio_name(const std::string& file_name) {
  static const char* const endings[] = {".wav", ".flac", ".ogg", ".oga", ".opus",
                                        ".mp3", ".aif", ".aiff", ".w64"};
  const std::string ext = lower(fs::path(file_name).extension().string());
  return std::any_of(std::begin(endings), std::end(endings),
                     [&](const char* e) { return ext == e; });
}

void track_catalog::load_ids() {
  if (!fs::exists(ids_file_))
    return;
  try {
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    simdjson::padded_string text(read_whole_file(ids_file_));
    if (parser.parse(text).get(root) != simdjson::SUCCESS)
      throw std::runtime_error("not valid JSON");
    std::int64_t next = 0;
    if (root["next_id"].get(next) != simdjson::SUCCESS || next < 1)
      throw std::runtime_error("next_id missing");
    if (next > max_track_id + 1)
      throw std::runtime_error("next_id " + std::to_string(next) + " is past the last id " +
                               std::to_string(max_track_id));
    simdjson::dom::object ids;
    if (root["ids"].get(ids) != simdjson::SUCCESS)
      throw std::runtime_error("ids missing");
    std::map<std::string, std::int64_t> loaded;
    for (auto field : ids) {
      std::int64_t id = 0;
      if (field.value.get(id) != simdjson::SUCCESS || id < 1 || id >= next)
        throw std::runtime_error("bad id for " + std::string(field.key));
      loaded[std::string(field.key)] = id;
    }
    std::set<std::string> removed;
    simdjson::dom::array removed_list;
    if (root["removed"].get(removed_list) == simdjson::SUCCESS) {
      for (auto item : removed_list) {
        std::string_view path;
        if (item.get(path) != simdjson::SUCCESS)
          throw std::runtime_error("removed holds a non-string");
        removed.emplace(path);
      }
    }
    ids_ = std::move(loaded);
    next_id_ = next;
    removed_ = std::move(removed);
  } catch (const std::exception& e) {
    const auto aside = move_aside_as_corrupt(ids_file_);
    spdlog::warn("{}: unreadable track id file ({}); moved aside as {}, ids start afresh",
                 ids_file_, e.what(), aside);
  }
}

void track_catalog::save_ids() const {
  config::json_writer w;
  w.begin_object().field("next_id", next_id_).key("ids").begin_object();
  for (const auto& [path, id] : ids_)
    w.field(path, id);
  w.end_object();
  w.key("removed").begin_array();
  for (const auto& path : removed_)
    w.value(path);
  w.end_array().end_object();
  write_file_atomically(ids_file_, w.str() + "\n");
}

std::int64_t track_catalog::id_for(const std::string& abs_path, bool& is_new) {
  auto it = ids_.find(abs_path);
  if (it != ids_.end())
    return it->second;
  if (next_id_ > max_track_id)
    throw std::runtime_error("no track id left (the last is " + std::to_string(max_track_id) +
                             ")");
  is_new = true;
  const auto id = next_id_++;
  ids_.emplace(abs_path, id);
  return id;
}

scan_report track_catalog::scan() {
  if (!fs::is_directory(root_))
    throw std::runtime_error(root_ + ": library folder does not exist or is not a folder");
  std::vector<fs::path> files;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(
         root_, fs::directory_options::skip_permission_denied, ec);
       it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec)
      break;
    if (it->is_regular_file(ec) && is_audio_name(it->path().filename().string()))
      files.push_back(it->path());
  }
  if (ec)
    throw std::runtime_error(root_ + ": cannot be listed (" + ec.message() + ")");
  std::sort(files.begin(), files.end());

  scan_report report;
  std::map<std::int64_t, track_info> found;
  bool ids_changed = false;
  const fs::path canon_root = fs::weakly_canonical(root_, ec);
  if (ec)
    throw std::runtime_error(root_ + ": cannot be resolved (" + ec.message() + ")");
  for (const auto& file : files) {
    const std::string abs = fs::absolute(file).lexically_normal().string();
    if (removed_.count(abs) != 0)
      continue;
    // A symlink that leads out of the library folder is not part of the library.
    if (!is_within(fs::weakly_canonical(file, ec), canon_root) || ec) {
      spdlog::warn("library: skipping {}: it leads outside the library folder", abs);
      report.skipped.push_back(abs + ": leads outside the library folder");
      ec.clear();
      continue;
    }
    try {
      track_info t = read_track(abs, 0);
      t.id = id_for(abs, ids_changed);
      if (tracks_.count(t.id) == 0)
        ++report.added;
      found.emplace(t.id, std::move(t));
    } catch (const std::exception& e) {
      spdlog::warn("library: skipping {}: {}", abs, e.what());
      report.skipped.push_back(abs + ": " + e.what());
    }
  }
  for (const auto& [id, t] : tracks_)
    if (found.count(id) == 0)
      ++report.removed;
  tracks_ = std::move(found);
  report.tracks = tracks_.size();
  if (ids_changed || !fs::exists(ids_file_))
    save_ids();
  return report;
}

track_info track_catalog::read_track(const std::string& abs, std::int64_t id) const {
  auto src = codec::audio_source::open(abs);
  const auto& info = src->info();
  const auto sig = codec::signature_of(abs);
  track_info t;
  t.id = id;
  t.path = fs::path(abs).lexically_relative(root_).generic_string();
  t.abs_path = abs;
  t.title = title_from_file_name(fs::path(abs).filename().string());
  t.format = info.format;
  t.frames = info.frames;
  t.duration_s = info.duration_s;
  t.chunks = src->chunk_count(chunk_frames_);
  t.sample_rate = info.source_rate;
  t.channels = info.channels;
  t.size = sig.size;
  t.mtime_ns = sig.mtime_ns;
  return t;
}

add_result track_catalog::add(const std::string& relative_path) {
  add_result out;
  if (relative_path.empty()) {
    out.detail = "empty path";
    return out;
  }
  const fs::path candidate = fs::path(root_) / relative_path;
  std::error_code ec;
  const fs::path canon_root = fs::weakly_canonical(root_, ec);
  if (ec) {
    out.detail = root_ + ": library folder cannot be resolved (" + ec.message() + ")";
    return out;
  }
  const fs::path canon = fs::weakly_canonical(candidate, ec);
  if (ec || !is_within(canon, canon_root) || canon == canon_root) {
    out.detail = relative_path + ": not inside the library folder";
    return out;
  }
  if (!fs::is_regular_file(canon, ec)) {
    out.detail = relative_path + ": not a regular file";
    return out;
  }
  if (!is_audio_name(canon.filename().string())) {
    out.detail = relative_path + ": not an audio file name";
    return out;
  }
  // The listed path is the one a scan would list: the lexical path under the root.
  const std::string abs = candidate.lexically_normal().string();
  if (!is_within(fs::path(abs), fs::path(root_))) {
    out.detail = relative_path + ": not inside the library folder";
    return out;
  }
  for (const auto& [id, t] : tracks_)
    if (t.abs_path == abs) {
      out.status = add_status::existing;
      out.track = t;
      return out;
    }
  track_info t;
  try {
    t = read_track(abs, 0);
  } catch (const std::exception& e) {
    out.status = add_status::unreadable;
    out.detail = e.what();
    return out;
  }
  bool is_new = false;
  t.id = id_for(abs, is_new);
  const bool was_removed = removed_.erase(abs) > 0;
  if (is_new || was_removed || !fs::exists(ids_file_))
    save_ids();
  tracks_[t.id] = t;
  out.status = add_status::added;
  out.track = std::move(t);
  return out;
}

std::optional<track_info> track_catalog::remove(std::int64_t id) {
  auto it = tracks_.find(id);
  if (it == tracks_.end())
    return std::nullopt;
  track_info t = std::move(it->second);
  tracks_.erase(it);
  removed_.insert(t.abs_path);
  save_ids();
  return t;
}

refresh_result track_catalog::refresh(std::int64_t id) {
  refresh_result out;
  auto it = tracks_.find(id);
  if (it == tracks_.end())
    return out;
  const std::string abs = it->second.abs_path;
  std::error_code ec;
  if (!fs::is_regular_file(abs, ec)) {
    tracks_.erase(it);
    out.status = refresh_status::vanished;
    out.detail = abs + ": the file is gone";
    return out;
  }
  codec::file_signature sig;
  try {
    sig = codec::signature_of(abs);
  } catch (const std::exception& e) {
    tracks_.erase(it);
    out.status = refresh_status::vanished;
    out.detail = e.what();
    return out;
  }
  if (sig.size == it->second.size && sig.mtime_ns == it->second.mtime_ns) {
    out.status = refresh_status::unchanged;
    out.track = it->second;
    return out;
  }
  try {
    it->second = read_track(abs, id);
  } catch (const std::exception& e) {
    tracks_.erase(it);
    out.status = refresh_status::unreadable;
    out.detail = e.what();
    return out;
  }
  out.status = refresh_status::changed;
  out.track = it->second;
  return out;
}

std::vector<track_info> track_catalog::list() const {
  std::vector<track_info> out;
  out.reserve(tracks_.size());
  for (const auto& [id, t] : tracks_)
    out.push_back(t);
  return out;
}

std::optional<track_info> track_catalog::find(std::int64_t id) const {
  auto it = tracks_.find(id);
  if (it == tracks_.end())
    return std::nullopt;
  return it->second;
}

} // namespace auralis::actors
