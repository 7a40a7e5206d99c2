#include "actors/message_types.hpp"

#include <vector>

#include "actors/cache/tier_actor.hpp"
#include "actors/cluster/cluster_messages.hpp"
#include "actors/common/cache_messages.hpp"
#include "actors/common/engine_error.hpp"
#include "actors/common/engine_event.hpp"
#include "actors/library/track_info.hpp"
#include "actors/memory/memory_governor_actor.hpp"
#include "actors/planner/planner_messages.hpp"
#include "actors/pool/jobs.hpp"
#include "actors/pool/worker_pool_actor.hpp"
#include "actors/predictor/predictor_actor.hpp"
#include "actors/predictor/predictor_messages.hpp"

namespace auralis::actors {

void add_message_types(caf::actor_system_config& cfg) {
  cfg.add_message_type<track_info>("auralis::track_info");
  cfg.add_message_type<std::vector<track_info>>("std::vector<auralis::track_info>");
  cfg.add_message_type<cache_key>("auralis::cache_key");
  cfg.add_message_type<std::vector<cache_key>>("std::vector<auralis::cache_key>");
  cfg.add_message_type<audio_payload>("auralis::audio_payload");
  cfg.add_message_type<tier_departure>("auralis::tier_departure");
  cfg.add_message_type<put_reply>("auralis::put_reply");
  cfg.add_message_type<get_reply>("auralis::get_reply");
  cfg.add_message_type<entry_record>("auralis::entry_record");
  cfg.add_message_type<std::vector<entry_record>>("std::vector<auralis::entry_record>");
  cfg.add_message_type<peek_reply>("auralis::peek_reply");
  cfg.add_message_type<tier_report>("auralis::tier_report");
  cfg.add_message_type<demotion_report>("auralis::demotion_report");
  cfg.add_message_type<governor_report>("auralis::governor_report");
  cfg.add_message_type<probability_update>("auralis::probability_update");
  cfg.add_message_type<engine_event>("auralis::engine_event");
  cfg.add_message_type<source_ref>("auralis::source_ref");
  cfg.add_message_type<track_analysis>("auralis::track_analysis");
  cfg.add_message_type<fetch_request>("auralis::fetch_request");
  cfg.add_message_type<fetch_reply>("auralis::fetch_reply");
  cfg.add_message_type<tier_latency>("auralis::tier_latency");
  cfg.add_message_type<planner_report>("auralis::planner_report");
  cfg.add_message_type<job_spec>("auralis::job_spec");
  cfg.add_message_type<job_output>("auralis::job_output");
  cfg.add_message_type<pool_report>("auralis::pool_report");
  cfg.add_message_type<worker_actor>("auralis::worker_actor");
  cfg.add_message_type<remote_workers>("auralis::remote_workers");
  cfg.add_message_type<config::preset>("auralis::preset");
  cfg.add_message_type<std::vector<config::preset>>("std::vector<auralis::preset>");
  cfg.add_message_type<worker_hello>("auralis::worker_hello");
  cfg.add_message_type<worker_welcome>("auralis::worker_welcome");
  cfg.add_message_type<chunk_features>("auralis::chunk_features");
  cfg.add_message_type<position_update>("auralis::position_update");
  cfg.add_message_type<position_reply>("auralis::position_reply");
  cfg.add_message_type<preset_probability>("auralis::preset_probability");
  cfg.add_message_type<std::vector<preset_probability>>("std::vector<auralis::preset_probability>");
  cfg.add_message_type<prediction_request>("auralis::prediction_request");
  cfg.add_message_type<prediction_reply>("auralis::prediction_reply");
  cfg.add_message_type<branch_scenario>("auralis::branch_scenario");
  cfg.add_message_type<std::vector<branch_scenario>>("std::vector<auralis::branch_scenario>");
  cfg.add_message_type<branch_plan>("auralis::branch_plan");
  cfg.add_message_type<transition_count>("auralis::transition_count");
  cfg.add_message_type<std::vector<transition_count>>("std::vector<auralis::transition_count>");
  cfg.add_message_type<accuracy_figures>("auralis::accuracy_figures");
  cfg.add_message_type<model_snapshot>("auralis::model_snapshot");
  cfg.add_message_type<session_accuracy>("auralis::session_accuracy");
  cfg.add_message_type<std::vector<session_accuracy>>("std::vector<auralis::session_accuracy>");
  cfg.add_message_type<predictor_stats>("auralis::predictor_stats");
  cfg.add_message_type<mode_change>("auralis::mode_change");
  cfg.add_message_type<mode_listener>("auralis::mode_listener");
  cfg.add_error_category(engine_error_category,
                         [](std::uint8_t code, caf::atom_value, const caf::message& ctx) {
    std::string out = "auralis: " + to_string(static_cast<engine_errc>(code));
    if (ctx.size() == 1 && ctx.match_element<std::string>(0))
      out += ": " + ctx.get_as<std::string>(0);
    return out;
  });
}

} // namespace auralis::actors
