#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace auralis::http {

/// One file of the web UI (web/ in the source tree), compiled into the program so that
/// the page is served whatever the working folder, without file I/O on a request.
struct web_asset {
  std::string_view content_type; ///< with "; charset=utf-8" for text
  std::string_view body;
  std::string etag;              ///< strong validator of the body, quoted ("\"<16 hex>\"")
};

/// The web UI's file served at URL path `path`; nullptr when there is none. "/" and
/// "/index.html" are the page; a path with more than one segment is never a file.
const web_asset* find_web_asset(std::string_view path);

/// The content type of a file named `name`, by its extension (ASCII case ignored):
/// text types carry "; charset=utf-8"; "application/octet-stream" when unknown.
std::string_view content_type_of(std::string_view name);

/// True when an If-None-Match header value `if_none_match` names `etag` ("*" or a
/// comma-separated list of entity tags; weak tags W/"..." match their strong twin).
bool etag_matches(std::string_view if_none_match, std::string_view etag);

} // namespace auralis::http
