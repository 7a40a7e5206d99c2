#include "actors/memory/process_memory.hpp"

#include <fstream>
#include <iterator>
#include <sstream>

#include <unistd.h>

namespace auralis::actors {

std::optional<process_memory> parse_statm(const std::string& text, std::uint64_t page_bytes) {
  std::istringstream in(text);
  std::uint64_t size = 0, resident = 0, shared = 0;
  if (!(in >> size >> resident >> shared))
    return std::nullopt;
  return process_memory{resident * page_bytes, shared * page_bytes};
}

std::optional<process_memory> read_process_memory() {
  std::ifstream f("/proc/self/statm");
  if (!f)
    return std::nullopt;
  const std::string text{std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
  const long page = sysconf(_SC_PAGESIZE);
  return parse_statm(text, page > 0 ? static_cast<std::uint64_t>(page) : 4096);
}

} // namespace auralis::actors
