#pragma once

#include <string>

namespace auralis::actors {

/// Replaces `path` with `content` so that a crash leaves either the old or the new file,
/// never a mix: writes "<path>.tmp", fsyncs it, renames it over `path`, fsyncs the folder.
/// Creates the parent folder if needed. Throws std::runtime_error naming the file and the
/// system's reason (a full disk: "No space left on device"); `path` is then as it was, and
/// the temporary file is removed.
void write_file_atomically(const std::string& path, const std::string& content);

/// The whole content of `path`. Throws std::runtime_error naming the file if unreadable.
std::string read_whole_file(const std::string& path);

/// Moves an unusable file aside as "<path>.corrupt-<unix seconds>" and returns the new
/// name. Throws std::runtime_error naming the file if it cannot be renamed.
std::string move_aside_as_corrupt(const std::string& path);

} // namespace auralis::actors
