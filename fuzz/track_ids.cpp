// Fuzz target: the library's track id file (<data_dir>/track-ids.json), read by the
// track_catalog constructor. The catalog takes only a path, so each input is written to a
// scratch folder under $TMPDIR (a tmpfs keeps the catalog's fsyncs cheap) beside a
// library folder holding one short WAV file, which every scan lists under a new id.
//
// The catalog never throws on a bad file: it moves it aside and starts afresh. So the
// finding is a crash or a sanitizer report, or a file the catalog writes that it then
// cannot read back to the same ids: after each load the catalog scans and saves its ids,
// and a second catalog must load that file without moving it aside and save it unchanged.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <unistd.h>

#include <spdlog/spdlog.h>

#include "actors/library/track_catalog.hpp"
#include "codec/audio_file_writer.hpp"

namespace {

namespace fs = std::filesystem;
using auralis::actors::track_catalog;

constexpr std::int64_t chunk_frames = 15 * 48000;

/// The scratch folder of this process, removed at exit.
const fs::path& scratch() {
  static const fs::path dir = [] {
    const fs::path d =
      fs::temp_directory_path() / ("auralis-fuzz-track-ids-" + std::to_string(::getpid()));
    fs::remove_all(d);
    fs::create_directories(d / "library");
    // 10 ms of silence, 48 kHz stereo.
    auralis::codec::write_audio_file((d / "library" / "01-tone.wav").string(),
                                     std::vector<float>(2 * 480, 0.0f), 2, 48000,
                                     auralis::codec::file_format::wav_pcm16);
    std::atexit([] {
      std::error_code ec;
      fs::remove_all(scratch(), ec);
    });
    return d;
  }();
  return dir;
}

/// Removes everything in the scratch folder but the library folder.
void clear_scratch() {
  for (const auto& entry : fs::directory_iterator(scratch()))
    if (entry.path().filename() != "library")
      fs::remove_all(entry.path());
}

/// Whether a file was moved aside as corrupt.
bool moved_aside() {
  for (const auto& entry : fs::directory_iterator(scratch()))
    if (entry.path().filename().string().find(".corrupt-") != std::string::npos)
      return true;
  return false;
}

/// The content of `path`.
std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

/// Scans the library (one file) with the ids file removed first, so that the scan saves
/// the ids; returns the saved file.
std::string scan_and_save(track_catalog& catalog, const std::string& ids_file) {
  fs::remove(ids_file);
  catalog.scan();
  const auto tracks = catalog.list();
  // The one file is listed unless the ids file listed it as removed.
  if (tracks.size() > 1 || (tracks.size() == 1 && tracks[0].id < 1))
    std::abort();
  return read_file(ids_file);
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  spdlog::set_level(spdlog::level::off); // every corrupt input would log a warning
  scratch();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  clear_scratch();
  const std::string ids_file = (scratch() / "track-ids.json").string();
  const std::string library = (scratch() / "library").string();
  {
    std::ofstream out(ids_file, std::ios::binary);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  track_catalog catalog(library, ids_file, chunk_frames);
  clear_scratch(); // the input, or where it was moved aside
  const std::string saved = scan_and_save(catalog, ids_file);

  track_catalog reloaded(library, ids_file, chunk_frames);
  if (moved_aside())
    std::abort(); // the catalog could not read the file it wrote
  if (scan_and_save(reloaded, ids_file) != saved)
    std::abort(); // the ids changed on the way through the file
  return 0;
}
