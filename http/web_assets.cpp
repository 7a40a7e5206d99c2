#include "http/web_assets.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <utility>
#include <vector>

#include "actors/common/fnv1a.hpp"

namespace auralis::http {

/// The compiled-in files: name -> bytes (generated from web/ by CMake).
const std::vector<std::pair<std::string_view, std::string_view>>& embedded_web_files();

namespace {

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

std::string quoted_hex(std::uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "\"%016llx\"", static_cast<unsigned long long>(v));
  return buf;
}

const std::map<std::string_view, web_asset>& assets() {
  static const auto table = [] {
    std::map<std::string_view, web_asset> m;
    for (const auto& [name, body] : embedded_web_files()) {
      web_asset a;
      a.content_type = content_type_of(name);
      a.body = body;
      a.etag = quoted_hex(actors::fnv1a().bytes(body.data(), body.size()).value());
      m.emplace(name, std::move(a));
    }
    return m;
  }();
  return table;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

} // namespace

std::string_view content_type_of(std::string_view name) {
  const auto dot = name.rfind('.');
  if (dot == std::string_view::npos)
    return "application/octet-stream";
  std::string ext;
  for (char c : name.substr(dot + 1))
    ext.push_back(lower(c));
  static const std::map<std::string, std::string_view, std::less<>> types{
    {"html", "text/html; charset=utf-8"},
    {"js", "text/javascript; charset=utf-8"},
    {"mjs", "text/javascript; charset=utf-8"},
    {"css", "text/css; charset=utf-8"},
    {"json", "application/json"},
    {"svg", "image/svg+xml"},
    {"txt", "text/plain; charset=utf-8"},
  };
  auto it = types.find(ext);
  return it == types.end() ? std::string_view("application/octet-stream") : it->second;
}

const web_asset* find_web_asset(std::string_view path) {
  if (path.empty() || path.front() != '/')
    return nullptr;
  std::string_view name = path.substr(1);
  if (name.empty())
    name = "index.html";
  if (name.find('/') != std::string_view::npos)
    return nullptr;
  const auto& m = assets();
  auto it = m.find(name);
  return it == m.end() ? nullptr : &it->second;
}

bool etag_matches(std::string_view if_none_match, std::string_view etag) {
  if (trim(if_none_match) == "*")
    return true;
  while (!if_none_match.empty()) {
    const auto comma = if_none_match.find(',');
    auto tag = trim(if_none_match.substr(0, comma));
    if (tag.size() > 2 && tag.substr(0, 2) == "W/")
      tag.remove_prefix(2);
    if (tag == etag)
      return true;
    if (comma == std::string_view::npos)
      break;
    if_none_match.remove_prefix(comma + 1);
  }
  return false;
}

} // namespace auralis::http
