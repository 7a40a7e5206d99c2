#include "actors/common/probed_actor.hpp"

#include <cstdlib>
#include <cxxabi.h>
#include <memory>

#include <caf/message.hpp>
#include <caf/type_nr.hpp>

namespace auralis::actors {

namespace {

/// Keys of kinds that are not atoms: atoms are 60-bit values, these are above them.
constexpr std::uint64_t response_key = ~std::uint64_t{0};
constexpr std::uint64_t empty_key = ~std::uint64_t{0} - 1;
constexpr std::uint64_t type_key_flag = std::uint64_t{1} << 63;

} // namespace

std::uint64_t message_kind_key(const caf::mailbox_element& x) {
  if (x.mid.is_response())
    return response_key;
  const auto& content = x.content();
  if (content.size() == 0)
    return empty_key;
  if (content.type(0).first == caf::type_nr<caf::atom_value>::value)
    return static_cast<std::uint64_t>(content.get_as<caf::atom_value>(0));
  const auto t = content.type(0);
  return type_key_flag | (t.first != 0 ? t.first
                                       : reinterpret_cast<std::uintptr_t>(t.second) >> 1);
}

std::string message_kind_name(caf::actor_system& sys, const caf::mailbox_element& x) {
  if (x.mid.is_response())
    return "response";
  const auto& content = x.content();
  if (content.size() == 0)
    return "empty";
  if (content.type(0).first == caf::type_nr<caf::atom_value>::value)
    return caf::to_string(content.get_as<caf::atom_value>(0));
  std::string name = sys.types().portable_name(content.type(0));
  if (name.empty() || name == "???") {
    // A type not registered for the wire (allowed unsafe, local only): its C++ name.
    const auto* info = content.type(0).second;
    if (info == nullptr)
      return "other";
    int status = 0;
    std::unique_ptr<char, void (*)(void*)> demangled(
      abi::__cxa_demangle(info->name(), nullptr, nullptr, &status), std::free);
    name = status == 0 && demangled ? demangled.get() : info->name();
  }
  // Registered names carry the namespace ("auralis::http_call"): the last part is enough.
  const auto colon = name.rfind(':');
  return colon == std::string::npos ? name : name.substr(colon + 1);
}

} // namespace auralis::actors
