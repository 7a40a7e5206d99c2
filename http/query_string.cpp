#include "http/query_string.hpp"

#include "http/bad_request.hpp"

namespace auralis::http {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

std::string decode(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    if (c == '+') {
      out.push_back(' ');
    } else if (c == '%') {
      if (i + 2 >= in.size())
        throw bad_request("malformed percent escape in the query string");
      const int hi = hex_value(in[i + 1]);
      const int lo = hex_value(in[i + 2]);
      if (hi < 0 || lo < 0)
        throw bad_request("malformed percent escape in the query string");
      const char decoded = static_cast<char>(hi * 16 + lo);
      if (decoded == '\0')
        throw bad_request("the query string holds an encoded NUL");
      out.push_back(decoded);
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

} // namespace

query_string query_string::parse(std::string_view raw) {
  query_string q;
  std::size_t start = 0;
  while (start <= raw.size()) {
    std::size_t end = raw.find('&', start);
    if (end == std::string_view::npos)
      end = raw.size();
    const auto piece = raw.substr(start, end - start);
    if (!piece.empty()) {
      const auto eq = piece.find('=');
      auto name = decode(piece.substr(0, eq));
      if (name.empty())
        throw bad_request("a query parameter has no name");
      q.values_[std::move(name)] =
        eq == std::string_view::npos ? std::string() : decode(piece.substr(eq + 1));
    }
    start = end + 1;
  }
  return q;
}

std::optional<std::string> query_string::get(const std::string& name) const {
  auto i = values_.find(name);
  if (i == values_.end())
    return std::nullopt;
  return i->second;
}

} // namespace auralis::http
