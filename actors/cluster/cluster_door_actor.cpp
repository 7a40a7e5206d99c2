#include "actors/cluster/cluster_door_actor.hpp"

#include <filesystem>
#include <fstream>

#include <spdlog/spdlog.h>

#include "actors/common/engine_error.hpp"
#include "codec/audio_source.hpp"
#include "codec/byte_buffer.hpp"

namespace auralis::actors {

namespace {

namespace fs = std::filesystem;

using door_pointer = cluster_door::stateful_pointer<cluster_door_state>;

/// The sender's node as the logs name it.
std::string node_text(door_pointer self) {
  const auto& sender = self->current_sender();
  return sender ? to_string(sender->node()) : std::string("an unknown node");
}

/// Whether `path` lies inside `root` (both made absolute and normal, symlinks resolved).
bool inside(const std::string& root, const std::string& path) {
  std::error_code ec;
  const auto r = fs::weakly_canonical(root, ec);
  if (ec)
    return false;
  const auto p = fs::weakly_canonical(path, ec);
  if (ec)
    return false;
  auto ri = r.begin();
  auto pi = p.begin();
  for (; ri != r.end(); ++ri, ++pi)
    if (pi == p.end() || *ri != *pi)
      return false;
  return true;
}

} // namespace

cluster_door::behavior_type
cluster_door_impl(cluster_door::stateful_pointer<cluster_door_state> self,
                  cluster_door_settings settings) {
  self->state.settings = std::move(settings);
  return {
    [self](hello_atom, const worker_hello& hello) -> caf::result<worker_welcome> {
      auto& st = self->state;
      std::string refusal;
      if (hello.protocol != cluster_protocol)
        refusal = "protocol " + std::to_string(hello.protocol) + ", the engine speaks " +
                  std::to_string(cluster_protocol);
      else if (!st.settings.token.empty() && hello.token != st.settings.token)
        refusal = "wrong cluster token";
      if (!refusal.empty()) {
        spdlog::warn("cluster: refused worker {} ({}): {}", hello.host, node_text(self),
                     refusal);
        return make_engine_error(engine_errc::invalid_argument,
                                 "refused by the engine: " + refusal);
      }
      st.accepted.insert(self->current_sender()->node());
      spdlog::info("cluster: worker {} ({}) accepted with {} threads", hello.host,
                   node_text(self), hello.threads);
      return st.settings.welcome;
    },
    [self](join_atom, remote_workers& joining) {
      auto& st = self->state;
      if (!self->current_sender() || st.accepted.count(self->current_sender()->node()) == 0) {
        spdlog::warn("cluster: ignored workers of {} ({}): no accepted hello", joining.host,
                     node_text(self));
        return;
      }
      self->send(st.settings.pool, join_atom::value, std::move(joining));
    },
    [self](file_atom, const source_ref& source) -> caf::result<audio_payload> {
      auto& st = self->state;
      if (!self->current_sender() || st.accepted.count(self->current_sender()->node()) == 0)
        return make_engine_error(engine_errc::invalid_argument, "no accepted hello");
      if (!inside(st.settings.library_root, source.path))
        return make_engine_error(engine_errc::invalid_argument,
                                 source.path + ": not in the library folder");
      try {
        const auto sig = codec::signature_of(source.path);
        if (sig.size != source.size || sig.mtime_ns != source.mtime_ns)
          return make_engine_error(engine_errc::source_changed,
                                   source.path + ": the file changed since it was listed");
        if (sig.size > st.settings.max_file_bytes)
          return make_engine_error(engine_errc::invalid_argument,
                                   source.path + ": larger than the cluster's file limit");
        auto bytes = codec::byte_buffer::allocate(static_cast<std::size_t>(sig.size));
        std::ifstream in(source.path, std::ios::binary);
        in.read(reinterpret_cast<char*>(bytes->data()), static_cast<std::streamsize>(sig.size));
        if (!in || static_cast<std::uint64_t>(in.gcount()) != sig.size)
          return make_engine_error(engine_errc::unreadable_file,
                                   source.path + ": cannot be read");
        bytes->seal();
        return audio_payload{std::move(bytes)};
      } catch (const std::exception& e) {
        return make_engine_error(engine_errc::unreadable_file, e.what());
      }
    },
  };
}

} // namespace auralis::actors
