#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace auralis::config {

/// A network address as the cluster's settings and options write it.
struct host_port {
  std::string host;       ///< a name or an address; an IPv6 address without its brackets
  std::uint16_t port = 0; ///< 0 = any free port (where listening allows it)
};

/// `text` as "HOST:PORT", split at the last colon ("[::1]:7000" gives host "::1"); nullopt
/// when the host is empty or the port is not 1 to 5 digits of at most 65535.
std::optional<host_port> parse_host_port(std::string_view text);

} // namespace auralis::config
