#pragma once

#include <memory>
#include <string>
#include <typeinfo>
#include <utility>

#include <caf/actor_system.hpp>
#include <caf/atom.hpp>
#include <caf/detail/init_fun_factory.hpp>
#include <caf/infer_handle.hpp>
#include <caf/mailbox_element.hpp>

#include "actors/common/actor_probe.hpp"
#include "actors/common/probe_registry.hpp"

namespace auralis::actors {

/// The kind of message `x` is, for actor_probe: its leading atom, "response" for a reply
/// to a request, else its first element's type.
std::uint64_t message_kind_key(const caf::mailbox_element& x);

/// The name of message_kind_key(x) ("get", "response", "http_call", ...).
std::string message_kind_name(caf::actor_system& sys, const caf::mailbox_element& x);

/// An actor of type `Impl` (a stateful or typed event-based actor) measured by a probe:
/// every message is stamped as it enters the mailbox and timed while it is handled. The
/// behaviour, the handle type and the messages are Impl's; only the bookkeeping is added.
template <class Impl>
class probed_actor final : public Impl {
public:
  probed_actor(caf::actor_config& cfg, std::shared_ptr<actor_probe> probe)
    : Impl(cfg), probe_(std::move(probe)) {
    probe_->set_id(this->id());
  }

  void enqueue(caf::mailbox_element_ptr ptr, caf::execution_unit* eu) override {
    const void* element = ptr.get();
    probe_->enqueued(element, actor_probe::clock::now());
    Impl::enqueue(std::move(ptr), eu);
    // A closed mailbox (the actor has stopped) refused it: nobody will take it.
    if (this->mailbox().closed())
      probe_->dropped(element);
  }

  caf::invoke_message_result consume(caf::mailbox_element& x) override {
    probe_->begin(&x, message_kind_key(x), actor_probe::clock::now(),
                  [&] { return message_kind_name(this->system(), x); });
    auto* outer = current_probe();
    set_current_probe(probe_.get());
    auto result = Impl::consume(x);
    set_current_probe(outer);
    probe_->end(actor_probe::clock::now());
    return result;
  }

  bool cleanup(caf::error&& reason, caf::execution_unit* host) override {
    probe_->stopped();
    return Impl::cleanup(std::move(reason), host);
  }

private:
  std::shared_ptr<actor_probe> probe_;
};

/// Spawns `fun(self, xs...)` as sys.spawn<Os>(fun, xs...) would; with a registry, as a
/// probed_actor measured by registry->make(name, kind).
template <caf::spawn_options Os = caf::no_spawn_options, class F, class... Ts>
caf::infer_handle_from_fun_t<F> spawn_probed(caf::actor_system& sys, probe_registry* registry,
                                             std::string name, std::string kind, F fun,
                                             Ts&&... xs) {
  if (registry == nullptr)
    return sys.spawn<Os>(std::move(fun), std::forward<Ts>(xs)...);
  using impl = caf::infer_impl_from_fun_t<F>;
  caf::actor_config cfg;
  caf::detail::init_fun_factory<impl, F> factory;
  cfg.init_fun = factory(std::move(fun), std::forward<Ts>(xs)...);
  return sys.spawn_impl<probed_actor<impl>, Os>(cfg,
                                                registry->make(std::move(name), std::move(kind)));
}

} // namespace auralis::actors
