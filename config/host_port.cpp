#include "config/host_port.hpp"

namespace auralis::config {

std::optional<host_port> parse_host_port(std::string_view text) {
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0)
    return std::nullopt;
  const auto digits = text.substr(colon + 1);
  if (digits.empty() || digits.size() > 5 ||
      digits.find_first_not_of("0123456789") != std::string_view::npos)
    return std::nullopt;
  unsigned long port = 0;
  for (const char c : digits)
    port = port * 10 + static_cast<unsigned long>(c - '0');
  if (port > 65535)
    return std::nullopt;
  host_port out;
  out.host = std::string(text.substr(0, colon));
  if (out.host.size() > 2 && out.host.front() == '[' && out.host.back() == ']')
    out.host = out.host.substr(1, out.host.size() - 2);
  out.port = static_cast<std::uint16_t>(port);
  return out;
}

} // namespace auralis::config
