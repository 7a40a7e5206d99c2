#include "actors/predictor/predictor_actor.hpp"

#include <algorithm>

#include <caf/send.hpp>
#include <spdlog/spdlog.h>

#include "actors/common/engine_error.hpp"

namespace auralis::actors {

namespace {

using predictor_pointer = predictor_actor::stateful_pointer<predictor_state>;

caf::error to_error(const predictor_error& e) { return make_engine_error(e.code(), e.what()); }

std::chrono::milliseconds tick_period(const predictor_settings& s) {
  const double ms = s.predictor.save_every_s * 1000.0 / 4.0;
  return std::chrono::milliseconds(static_cast<std::int64_t>(std::max(ms, 10.0)));
}

void housekeeping(predictor_pointer self) {
  auto& st = self->state;
  const auto now = st.now();
  st.model->expire_sessions(now);
  if (st.model->save_due(now))
    st.save();
}

} // namespace

std::chrono::steady_clock::time_point predictor_state::now() const {
  return clock ? clock() : std::chrono::steady_clock::now();
}

bool predictor_state::save() {
  if (!store || !model || !model->learning())
    return false;
  try {
    store->save(model->model_json());
    model->mark_saved(now());
    return true;
  } catch (const std::exception& e) {
    spdlog::error("predictor: cannot save the model: {}", e.what());
    return false;
  }
}

predictor_state::~predictor_state() {
  if (model && model->dirty())
    save();
}

predictor_actor::behavior_type
predictor_actor_impl(predictor_actor::stateful_pointer<predictor_state> self,
                     predictor_actor_settings settings) {
  auto& st = self->state;
  st.clock = std::move(settings.clock);
  const auto period = tick_period(settings.model);
  st.model = std::make_unique<predictor>(std::move(settings.model), st.now());
  if (!settings.model_file.empty()) {
    st.store = std::make_unique<model_store>(settings.model_file);
    auto* model = st.model.get();
    const auto outcome = st.store->load([model](const std::string& text) {
      for (const auto& name : model->restore_model(text))
        spdlog::warn("predictor: the saved model names an unknown preset '{}'; its counts "
                     "are dropped",
                     name);
    });
    if (outcome == load_outcome::loaded)
      spdlog::info("predictor: model loaded from {} ({} learned switches)",
                   st.store->path(), st.model->snapshot().learned_switches);
    st.model->mark_saved(st.now());
  }
  self->set_down_handler([self](caf::down_msg& dm) {
    auto& ls = self->state.listeners;
    ls.erase(std::remove_if(ls.begin(), ls.end(),
                            [&](const mode_listener& l) { return l.address() == dm.source; }),
             ls.end());
  });
  self->delayed_send(self, period, caf::tick_atom::value, st.timer);

  return {
    [self](position_atom, const position_update& u) -> caf::result<position_reply> {
      auto& st = self->state;
      const auto now = st.now();
      try {
        auto reply = st.model->update(u, now);
        if (reply.mode_changed)
          for (const auto& l : st.listeners)
            self->send(l, mode_atom::value,
                       mode_change{reply.session_id, reply.previous_mode, reply.mode});
        if (st.model->save_due(now))
          st.save();
        return reply;
      } catch (const predictor_error& e) {
        return to_error(e);
      }
    },
    [self](predict_atom, const prediction_request& r) -> caf::result<prediction_reply> {
      try {
        return self->state.model->predict(r, self->state.now());
      } catch (const predictor_error& e) {
        return to_error(e);
      }
    },
    [self](branches_atom, const prediction_request& r) -> caf::result<branch_plan> {
      try {
        return self->state.model->branches(r, self->state.now());
      } catch (const predictor_error& e) {
        return to_error(e);
      }
    },
    [self](model_atom) { return self->state.model->snapshot(); },
    [self](learning_atom, bool on) {
      self->state.model->set_learning(on);
      spdlog::info("predictor: learning {}", on ? "on" : "off");
      return on;
    },
    [self](forget_atom) {
      const auto forgotten = self->state.model->forget();
      self->state.save();
      return forgotten;
    },
    [self](stats_atom, const std::string& session_id) {
      return self->state.model->stats(session_id, self->state.now());
    },
    [self](subscribe_atom, mode_listener& l) {
      auto& ls = self->state.listeners;
      if (l && std::find(ls.begin(), ls.end(), l) == ls.end()) {
        self->monitor(l);
        ls.push_back(std::move(l));
      }
      return static_cast<std::uint64_t>(ls.size());
    },
    [self](save_atom) { return self->state.save(); },
    [self, period](caf::tick_atom, std::uint64_t generation) {
      housekeeping(self);
      if (generation != 0 && generation == self->state.timer)
        self->delayed_send(self, period, caf::tick_atom::value, generation);
    },
  };
}

} // namespace auralis::actors
