#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace auralis::http {

/// The parameters of a URL query string ("a=1&b=x%20y"), percent-decoded ('+' is a
/// space). A name without '=' has the empty value; empty pieces ("a=1&&b=2") are skipped;
/// of a repeated name the last value counts.
class query_string {
public:
  /// Parses `raw` (without the '?'). Throws bad_request for a malformed percent escape
  /// ("%", "%4", "%zz"), an encoded NUL or an empty name.
  static query_string parse(std::string_view raw);

  /// The value of `name`, if present.
  std::optional<std::string> get(const std::string& name) const;

  /// Whether `name` is present.
  bool has(const std::string& name) const { return values_.count(name) > 0; }

private:
  std::map<std::string, std::string> values_;
};

} // namespace auralis::http
