#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/http_call.hpp"

namespace auralis::http {

/// One route: method, express path pattern and the id the gateway dispatches on.
struct route_spec {
  const char* method; ///< "GET", "POST", "PUT" or "DELETE"
  const char* path;   ///< express pattern, e.g. "/api/library/tracks/:id"
  route_id id;
};

/// Every route the engine serves through the gateway, in one place (GET /api/ws is added
/// by the server itself). A path with a method not listed here answers 405; a path not
/// listed answers 404.
const std::vector<route_spec>& all_routes();

/// A named route parameter: its name (from the pattern) and its text (from the path).
using route_param = std::pair<std::string_view, std::string_view>;

/// What a method and a path select in a route_table.
struct route_match {
  bool found = false;       ///< a route has this method and path
  bool path_known = false;  ///< some route has this path (so !found means 405)
  std::size_t index = 0;    ///< the route's position in the table (when found)
  /// The route's ":name" parameters in pattern order; views into the table's patterns
  /// and the matched path, valid as long as both are.
  std::vector<route_param> params;
};

/// Matches request paths against express patterns as RESTinio's express router does
/// with its default options, without regular expressions: a pattern is '/'-separated
/// segments, each literal text (compared without regard to ASCII case) or ":name" (any
/// non-empty text without '/'); one trailing '/' of the path is ignored. Routes are
/// tried in the order they were added. Not thread-safe to add to; match is const.
class route_table {
public:
  /// Adds `pattern` for `method` ("GET", ...) at the next index. Throws
  /// std::invalid_argument for a pattern that is not '/' followed by literal and
  /// ":name" segments (names of letters, digits and '_').
  void add(std::string method, std::string pattern);

  /// The first route of `method` whose pattern matches `path` (already percent-
  /// normalised, without the query).
  route_match match(std::string_view method, std::string_view path) const;

  /// How many routes were added.
  std::size_t size() const noexcept { return routes_.size(); }

private:
  struct segment {
    std::string text;   ///< literal text, or the parameter's name
    bool param = false;
  };
  struct route {
    std::string method;
    std::string pattern;
    std::vector<segment> segments;
  };

  /// Whether `r` matches the path split into `parts`; fills `params` when it does.
  static bool matches(const route& r, const std::vector<std::string_view>& parts,
                      std::vector<route_param>& params);

  std::vector<route> routes_;
};

} // namespace auralis::http
