#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace auralis::actors {

/// The process's memory as the kernel counts it (never an estimate).
struct process_memory {
  std::uint64_t resident_bytes = 0; ///< resident set size (statm field 2 x page size)
  std::uint64_t shared_bytes = 0;   ///< of which shared pages: files and shared memory,
                                    ///< memory files (memfd) included (statm field 3)
};

/// Parses the text of /proc/<pid>/statm ("size resident shared text lib data dt", in
/// pages) with pages of `page_bytes`; nullopt when fewer than three numbers lead the text.
std::optional<process_memory> parse_statm(const std::string& text, std::uint64_t page_bytes);

/// Reads /proc/self/statm now; nullopt when it cannot be read (not Linux).
std::optional<process_memory> read_process_memory();

} // namespace auralis::actors
