#!/usr/bin/env bash
# An engine killed (SIGKILL) while a worker is connected and started again at once on the
# same cluster port: it gets the port back although the last run's connection waits out
# TIME_WAIT, and the worker, which saw the engine go away, connects again by itself and
# does the new engine's analysis and a render (200, the chunk's bytes).
# Usage: cluster_restart_test.sh <auralis-buffer binary> <scratch folder>
set -u
bin=$1
dir=$2/cluster-restart-$$
mkdir -p "$dir/library"
source "$(dirname "$0")/cluster_lib.sh"

sox -n -r 44100 -c 2 -b 16 "$dir/library/one.wav" synth 40 pinknoise vol 0.3
# engine_config <cluster listen address> <data folder>
engine_config() {
  cat <<JSON
{"paths": {"data_dir": "$2", "library_dir": "$dir/library", "presets_file": "$presets_file"},
 "cluster": {"listen": "$1", "token": "s3cret", "local_workers": 0},
 "server": {"request_timeout_ms": 60000}, "tiers": {"overhead_mb": 0}}
JSON
}
engine_config "127.0.0.1:0" "$dir/data-1" >"$dir/engine-1.json"
start_engine "$dir/engine-1.json" '127\.0\.0\.1'
first_engine=${pids[-1]}
start_joined_worker joined_first_engine --name render-1

kill -9 "$first_engine"
wait "$first_engine" 2>/dev/null
if until_true 60 grep -q "went away" "$dir/w.log"; then
  ok worker_sees_engine_gone
else
  fail worker_sees_engine_gone
fi
mv "$dir/engine.log" "$dir/engine-1.log"

# The same port at once; a new data folder, so the track is analysed again (by the worker).
engine_config "127.0.0.1:$cport" "$dir/data-2" >"$dir/engine-2.json"
start_server engine "$dir/engine.log" --config "$dir/engine-2.json" --port 0
eport=$port
if grep -q "listening for workers on 127.0.0.1:$cport" "$dir/engine.log"; then
  ok port_back_at_once
else
  fail port_back_at_once
  tail -n 5 "$dir/engine.log"
  echo "$failures failed"
  exit 1
fi
joined_twice() { [ "$(grep -c "joined the engine" "$dir/w.log")" -ge 2 ]; }
if until_true 120 joined_twice; then
  ok worker_joins_again
else
  fail worker_joins_again
  tail -n 5 "$dir/engine.log" "$dir/w.log"
fi
expect_analysed_and_rendered after_restart
echo "$failures failed"
[ "$failures" = 0 ]
