#include "load/server_sampler.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <simdjson.h>

namespace auralis::load {

namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  if (!in)
    return {};
  std::ostringstream os;
  os << in.rdbuf();
  return os.str();
}

/// The value in kB of line `key` ("VmRSS:   1234 kB"), or -1.
double status_kb(const std::string& text, const std::string& key) {
  std::istringstream is(text);
  std::string line;
  while (std::getline(is, line))
    if (line.compare(0, key.size() + 1, key + ":") == 0)
      return std::strtod(line.c_str() + key.size() + 1, nullptr);
  return -1;
}

void flatten(simdjson::dom::element e, const std::string& prefix,
             std::map<std::string, double>& out) {
  using simdjson::dom::element_type;
  switch (e.type()) {
    case element_type::OBJECT: {
      simdjson::dom::object obj;
      if (e.get(obj) != simdjson::SUCCESS)
        break;
      for (auto field : obj)
        flatten(field.value, prefix.empty() ? std::string(field.key)
                                            : prefix + "." + std::string(field.key), out);
      break;
    }
    case element_type::ARRAY: {
      simdjson::dom::array arr;
      if (e.get(arr) != simdjson::SUCCESS)
        break;
      std::size_t i = 0;
      for (auto item : arr)
        flatten(item, prefix + "." + std::to_string(i++), out);
      break;
    }
    case element_type::INT64: out[prefix] = static_cast<double>(e.get_int64().value_unsafe()); break;
    case element_type::UINT64: out[prefix] = static_cast<double>(e.get_uint64().value_unsafe()); break;
    case element_type::DOUBLE: out[prefix] = e.get_double().value_unsafe(); break;
    case element_type::BOOL: out[prefix] = e.get_bool().value_unsafe() ? 1 : 0; break;
    default: break;
  }
}

} // namespace

std::optional<process_figures> server_sampler::parse_status(const std::string& text) {
  const double rss = status_kb(text, "VmRSS");
  if (rss < 0)
    return std::nullopt;
  process_figures f;
  f.rss_mb = rss * 1024 / 1e6;
  const double shmem = status_kb(text, "RssShmem");
  f.rss_shmem_mb = shmem < 0 ? 0 : shmem * 1024 / 1e6;
  return f;
}

std::optional<process_figures> server_sampler::sample() const {
  const std::string base = "/proc/" + std::to_string(pid_);
  auto f = parse_status(slurp(base + "/status"));
  if (!f)
    return std::nullopt;
  std::error_code ec;
  int n = 0;
  for (std::filesystem::directory_iterator it(base + "/fd", ec), end; !ec && it != end;
       it.increment(ec))
    ++n;
  f->fds = n;
  return f;
}

std::optional<std::uint64_t> server_sampler::listening_inode(const std::string& net_tcp,
                                                             std::uint16_t port) {
  std::istringstream is(net_tcp);
  std::string line;
  std::getline(is, line); // header
  while (std::getline(is, line)) {
    std::istringstream ls(line);
    std::string slot, local, remote, state, queues, timer, retr, uid, timeout, inode;
    if (!(ls >> slot >> local >> remote >> state >> queues >> timer >> retr >> uid >> timeout >> inode))
      continue;
    const auto colon = local.rfind(':');
    if (colon == std::string::npos || state != "0A") // 0A: LISTEN
      continue;
    if (std::strtoul(local.c_str() + colon + 1, nullptr, 16) == port)
      return std::strtoull(inode.c_str(), nullptr, 10);
  }
  return std::nullopt;
}

std::optional<int> server_sampler::find_pid_by_port(std::uint16_t port) {
  std::optional<std::uint64_t> inode = listening_inode(slurp("/proc/net/tcp"), port);
  if (!inode)
    inode = listening_inode(slurp("/proc/net/tcp6"), port);
  if (!inode || *inode == 0)
    return std::nullopt;
  const std::string wanted = "socket:[" + std::to_string(*inode) + "]";
  std::error_code ec;
  for (std::filesystem::directory_iterator proc("/proc", ec), end; !ec && proc != end;
       proc.increment(ec)) {
    const std::string name = proc->path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos)
      continue;
    std::error_code fd_ec;
    for (std::filesystem::directory_iterator fd(proc->path() / "fd", fd_ec), fd_end;
         !fd_ec && fd != fd_end; fd.increment(fd_ec)) {
      std::error_code link_ec;
      const auto target = std::filesystem::read_symlink(fd->path(), link_ec);
      if (!link_ec && target.string() == wanted)
        return std::atoi(name.c_str());
    }
  }
  return std::nullopt;
}

std::map<std::string, double> server_sampler::flatten_numbers(const std::string& json) {
  std::map<std::string, double> out;
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  simdjson::padded_string padded(json);
  if (parser.parse(padded).get(root) != simdjson::SUCCESS)
    return out;
  flatten(root, "", out);
  return out;
}

} // namespace auralis::load
