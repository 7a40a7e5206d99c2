#include "actors/library/analysis_store.hpp"

#include <chrono>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <stdexcept>
#include <system_error>
#include <vector>

#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include "actors/common/fnv1a.hpp"

namespace auralis::actors {

namespace fs = std::filesystem;

namespace {

/// Version of the analysis itself (what job_runner measures): bump it when the measurement
/// changes, so every stored analysis is measured again.
constexpr std::uint64_t analysis_version = 1;

/// Version of the binary form of a stored analysis.
constexpr std::uint8_t blob_version = 1;

/// Little-endian writer of the stored binary form.
class blob_writer {
public:
  void u8(std::uint8_t v) { out_.push_back(v); }
  void u32(std::uint32_t v) {
    for (int i = 0; i < 4; ++i)
      out_.push_back(static_cast<unsigned char>(v >> (8 * i)));
  }
  void f64(double d) {
    std::uint64_t v;
    std::memcpy(&v, &d, 8);
    for (int i = 0; i < 8; ++i)
      out_.push_back(static_cast<unsigned char>(v >> (8 * i)));
  }
  void text(const std::string& s) {
    u32(static_cast<std::uint32_t>(s.size()));
    out_.insert(out_.end(), s.begin(), s.end());
  }
  const std::vector<unsigned char>& bytes() const noexcept { return out_; }

private:
  std::vector<unsigned char> out_;
};

/// Reader of the stored binary form; every read checks the length (ok() turns false).
class blob_reader {
public:
  blob_reader(const unsigned char* p, std::size_t n) : p_(p), n_(n) {}
  bool ok() const noexcept { return ok_; }
  bool at_end() const noexcept { return at_ == n_; }
  std::uint8_t u8() { return take(1) ? p_[at_ - 1] : 0; }
  std::uint32_t u32() {
    if (!take(4))
      return 0;
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i)
      v |= static_cast<std::uint32_t>(p_[at_ - 4 + i]) << (8 * i);
    return v;
  }
  double f64() {
    if (!take(8))
      return 0;
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i)
      v |= static_cast<std::uint64_t>(p_[at_ - 8 + i]) << (8 * i);
    double d;
    std::memcpy(&d, &v, 8);
    return d;
  }
  std::string text() {
    const std::uint32_t n = u32();
    if (!take(n))
      return {};
    return std::string(reinterpret_cast<const char*>(p_ + at_ - n), n);
  }
  /// A count of items of `item_bytes` each, refused when more than the bytes left.
  std::uint32_t count(std::size_t item_bytes) {
    const std::uint32_t n = u32();
    if (ok_ && static_cast<std::uint64_t>(n) * item_bytes > n_ - at_)
      ok_ = false;
    return ok_ ? n : 0;
  }

private:
  bool take(std::size_t k) {
    if (!ok_ || k > n_ - at_) {
      ok_ = false;
      return false;
    }
    at_ += k;
    return true;
  }
  const unsigned char* p_;
  std::size_t n_;
  std::size_t at_ = 0;
  bool ok_ = true;
};

std::vector<unsigned char> encode(const track_analysis& a) {
  blob_writer w;
  w.u8(blob_version);
  w.f64(a.source_lufs);
  w.u32(static_cast<std::uint32_t>(a.presets.size()));
  for (const auto& p : a.presets)
    w.text(p);
  w.u32(static_cast<std::uint32_t>(a.pre_gain_lufs.size()));
  for (double v : a.pre_gain_lufs)
    w.f64(v);
  w.u32(static_cast<std::uint32_t>(a.chunks.size()));
  for (const auto& c : a.chunks) {
    w.f64(c.energy);
    w.f64(c.brightness);
    w.f64(c.dynamics);
    w.f64(c.vocal_presence);
    w.f64(c.rhythmic_energy);
  }
  return w.bytes();
}

std::optional<track_analysis> decode(const unsigned char* p, std::size_t n) {
  blob_reader r(p, n);
  if (r.u8() != blob_version)
    return std::nullopt;
  track_analysis a;
  a.source_lufs = r.f64();
  const auto presets = r.count(4);
  for (std::uint32_t i = 0; i < presets && r.ok(); ++i)
    a.presets.push_back(r.text());
  const auto gains = r.count(8);
  for (std::uint32_t i = 0; i < gains && r.ok(); ++i)
    a.pre_gain_lufs.push_back(r.f64());
  const auto chunks = r.count(40);
  for (std::uint32_t i = 0; i < chunks && r.ok(); ++i) {
    chunk_features c;
    c.energy = r.f64();
    c.brightness = r.f64();
    c.dynamics = r.f64();
    c.vocal_presence = r.f64();
    c.rhythmic_energy = r.f64();
    a.chunks.push_back(c);
  }
  if (!r.ok() || !r.at_end())
    return std::nullopt;
  return a;
}

/// "20261206T045308Z" for now, UTC.
std::string utc_stamp() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

bool is_corruption(int rc) noexcept {
  const int primary = rc & 0xff;
  return primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB;
}

} // namespace

std::uint64_t analysis_dependencies(const config::preset_set& presets,
                                    std::int64_t chunk_frames) {
  fnv1a h;
  h.u64(analysis_version);
  h.u64(static_cast<std::uint64_t>(chunk_frames));
  h.u64(presets.size());
  for (const auto& p : presets.all()) {
    h.text(p.name);
    for (double v : {p.eq.low_db, p.eq.low_mid_db, p.eq.mid_db, p.eq.high_mid_db, p.eq.high_db,
                     p.compressor.ratio, p.compressor.threshold_db, p.compressor.attack_ms,
                     p.compressor.release_ms, p.limiter.threshold_db, p.limiter.release_ms,
                     p.eq_blend, p.dynamics_blend, p.target_lufs, p.peak_target_db})
      h.f64(v);
  }
  return h.value();
}

void analysis_store::db_closer::operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }

void analysis_store::statement_finalizer::operator()(sqlite3_stmt* s) const noexcept {
  sqlite3_finalize(s);
}

analysis_store::analysis_store(std::string file) : file_(std::move(file)) {
  std::string why;
  if (try_open(why))
    return;
  std::error_code ec;
  if (!fs::exists(file_, ec))
    throw std::runtime_error("analysis store " + file_ + ": " + why);
  move_aside_and_rebuild(why);
  if (!db_)
    throw std::runtime_error("analysis store " + file_ + ": cannot be rebuilt");
}

analysis_store::~analysis_store() {
  // Statements first: a database closes once its statements are finalized.
  get_.reset(), put_.reset(), remove_.reset(), count_.reset();
  begin_.reset(), commit_.reset(), rollback_.reset();
}

analysis_store::statement analysis_store::prepare(const char* sql) {
  sqlite3_stmt* s = nullptr;
  const int rc = sqlite3_prepare_v3(db_.get(), sql, -1, SQLITE_PREPARE_PERSISTENT, &s, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(s);
    throw std::runtime_error(sqlite3_errmsg(db_.get()));
  }
  return statement(s);
}

void analysis_store::exec(const char* sql) {
  char* msg = nullptr;
  if (sqlite3_exec(db_.get(), sql, nullptr, nullptr, &msg) != SQLITE_OK) {
    std::string text = msg ? msg : sqlite3_errmsg(db_.get());
    sqlite3_free(msg);
    throw std::runtime_error(text);
  }
}

bool analysis_store::try_open(std::string& why) {
  std::error_code ec;
  if (const auto dir = fs::path(file_).parent_path(); !dir.empty())
    fs::create_directories(dir, ec);
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(file_.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                                 nullptr);
  db_.reset(raw);
  if (rc != SQLITE_OK) {
    why = raw ? sqlite3_errmsg(raw) : "cannot open";
    db_.reset();
    return false;
  }
  try {
    sqlite3_busy_timeout(db_.get(), 5000);
    sqlite3_extended_result_codes(db_.get(), 1);
    // Reading the version is the first read of the file: garbage fails here (not a database).
    int version = 0;
    {
      auto s = prepare("PRAGMA user_version");
      if (sqlite3_step(s.get()) != SQLITE_ROW)
        throw std::runtime_error(sqlite3_errmsg(db_.get()));
      version = sqlite3_column_int(s.get(), 0);
    }
    if (version > schema_version)
      throw std::runtime_error("schema version " + std::to_string(version) +
                               " is newer than this server's " +
                               std::to_string(schema_version));
    {
      auto s = prepare("PRAGMA quick_check");
      const int step = sqlite3_step(s.get());
      if (step != SQLITE_ROW)
        throw std::runtime_error(sqlite3_errmsg(db_.get()));
      const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(s.get(), 0));
      if (!text || std::strcmp(text, "ok") != 0)
        throw std::runtime_error(std::string("integrity check failed: ") +
                                 (text ? text : "?"));
    }
    exec("PRAGMA journal_mode=WAL");
    exec("PRAGMA synchronous=NORMAL");
    exec("BEGIN IMMEDIATE;"
         "CREATE TABLE IF NOT EXISTS analyses ("
         "  path TEXT PRIMARY KEY NOT NULL,"
         "  size INTEGER NOT NULL,"
         "  mtime_ns INTEGER NOT NULL,"
         "  dependencies INTEGER NOT NULL,"
         "  analysis BLOB NOT NULL);"
         "PRAGMA user_version = 1;"
         "COMMIT;");
    get_ = prepare("SELECT size, mtime_ns, dependencies, analysis FROM analyses WHERE path = ?1");
    put_ = prepare("INSERT OR REPLACE INTO analyses (path, size, mtime_ns, dependencies, analysis)"
                   " VALUES (?1, ?2, ?3, ?4, ?5)");
    remove_ = prepare("DELETE FROM analyses WHERE path = ?1");
    count_ = prepare("SELECT COUNT(*) FROM analyses");
    begin_ = prepare("BEGIN IMMEDIATE");
    commit_ = prepare("COMMIT");
    rollback_ = prepare("ROLLBACK");
    return true;
  } catch (const std::exception& e) {
    why = e.what();
    get_.reset(), put_.reset(), remove_.reset(), count_.reset();
    begin_.reset(), commit_.reset(), rollback_.reset();
    db_.reset();
    return false;
  }
}

void analysis_store::move_aside_and_rebuild(const std::string& why) {
  get_.reset(), put_.reset(), remove_.reset(), count_.reset();
  begin_.reset(), commit_.reset(), rollback_.reset();
  db_.reset();
  std::error_code ec;
  std::string aside = file_ + ".corrupt-" + utc_stamp();
  for (int n = 1; fs::exists(aside, ec); ++n)
    aside = file_ + ".corrupt-" + utc_stamp() + "-" + std::to_string(n);
  fs::rename(file_, aside, ec);
  if (ec) {
    spdlog::warn("analysis store: {} is unusable ({}) and cannot be moved aside ({}): "
                 "analyses are not persisted",
                 file_, why, ec.message());
    return;
  }
  // The journal files belong to the bad database: they must not be applied to the new one.
  for (const char* suffix : {"-wal", "-shm", "-journal"})
    fs::remove(file_ + suffix, ec);
  moved_aside_ = aside;
  spdlog::warn("analysis store: {} is unusable ({}); moved aside to {} and rebuilt: every "
               "track will be analysed again",
               file_, why, aside);
  std::string again;
  if (!try_open(again))
    spdlog::error("analysis store: cannot create {}: {}; analyses are not persisted", file_,
                  again);
}

void analysis_store::check_corruption(int rc) {
  if (is_corruption(rc))
    move_aside_and_rebuild(sqlite3_errstr(rc));
}

std::optional<track_analysis> analysis_store::get(const analysis_store_key& key) {
  if (!db_)
    return std::nullopt;
  sqlite3_stmt* s = get_.get();
  sqlite3_bind_text(s, 1, key.path.data(), static_cast<int>(key.path.size()), SQLITE_TRANSIENT);
  const int rc = sqlite3_step(s);
  if (rc == SQLITE_DONE) {
    sqlite3_reset(s);
    return std::nullopt;
  }
  if (rc != SQLITE_ROW) {
    spdlog::warn("analysis store: {}: cannot read {}: {}", file_, key.path,
                 sqlite3_errmsg(db_.get()));
    sqlite3_reset(s);
    check_corruption(rc);
    return std::nullopt;
  }
  const auto size = static_cast<std::uint64_t>(sqlite3_column_int64(s, 0));
  const auto mtime_ns = static_cast<std::int64_t>(sqlite3_column_int64(s, 1));
  const auto dependencies = static_cast<std::uint64_t>(sqlite3_column_int64(s, 2));
  const auto* blob = static_cast<const unsigned char*>(sqlite3_column_blob(s, 3));
  const auto bytes = static_cast<std::size_t>(sqlite3_column_bytes(s, 3));
  std::optional<track_analysis> out;
  bool bad = false;
  if (size == key.size && mtime_ns == key.mtime_ns && dependencies == key.dependencies) {
    out = decode(blob, blob ? bytes : 0);
    bad = !out;
  }
  sqlite3_reset(s);
  if (bad) {
    spdlog::warn("analysis store: {}: the analysis stored for {} is unreadable; dropped",
                 file_, key.path);
    remove(key.path);
  }
  return out;
}

bool analysis_store::put(const analysis_store_key& key, const track_analysis& analysis) {
  if (!db_)
    return false;
  const auto blob = encode(analysis);
  int rc = sqlite3_step(begin_.get());
  sqlite3_reset(begin_.get());
  if (rc == SQLITE_DONE) {
    sqlite3_stmt* s = put_.get();
    sqlite3_bind_text(s, 1, key.path.data(), static_cast<int>(key.path.size()),
                      SQLITE_TRANSIENT);
    sqlite3_bind_int64(s, 2, static_cast<sqlite3_int64>(key.size));
    sqlite3_bind_int64(s, 3, static_cast<sqlite3_int64>(key.mtime_ns));
    sqlite3_bind_int64(s, 4, static_cast<sqlite3_int64>(key.dependencies));
    sqlite3_bind_blob(s, 5, blob.data(), static_cast<int>(blob.size()), SQLITE_TRANSIENT);
    rc = sqlite3_step(s);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    if (rc == SQLITE_DONE) {
      rc = sqlite3_step(commit_.get());
      sqlite3_reset(commit_.get());
      if (rc == SQLITE_DONE)
        return true;
    }
    sqlite3_step(rollback_.get());
    sqlite3_reset(rollback_.get());
  }
  spdlog::warn("analysis store: {}: cannot store the analysis of {}: {}", file_, key.path,
               sqlite3_errstr(rc));
  check_corruption(rc);
  return false;
}

bool analysis_store::remove(const std::string& path) {
  if (!db_)
    return false;
  sqlite3_stmt* s = remove_.get();
  sqlite3_bind_text(s, 1, path.data(), static_cast<int>(path.size()), SQLITE_TRANSIENT);
  const int rc = sqlite3_step(s);
  sqlite3_reset(s);
  sqlite3_clear_bindings(s);
  if (rc == SQLITE_DONE)
    return true;
  spdlog::warn("analysis store: {}: cannot delete the analysis of {}: {}", file_, path,
               sqlite3_errstr(rc));
  check_corruption(rc);
  return false;
}

std::size_t analysis_store::size() {
  if (!db_)
    return 0;
  sqlite3_stmt* s = count_.get();
  const int rc = sqlite3_step(s);
  std::size_t n = 0;
  if (rc == SQLITE_ROW)
    n = static_cast<std::size_t>(sqlite3_column_int64(s, 0));
  sqlite3_reset(s);
  if (rc != SQLITE_ROW)
    check_corruption(rc);
  return n;
}

} // namespace auralis::actors
