#!/usr/bin/env bash
# Remote workers on loopback, in separate processes: an engine with no local worker
# listens for workers (cluster.listen, a token); a worker with a wrong token is refused
# (exit 2, a log line on both sides) and the engine keeps serving; a worker with the token
# joins and renders a chunk byte-identical to a local render of another engine; a worker
# killed with SIGKILL while jobs run leaves the listener's fetch answered 200, the same bytes,
# by the worker that joins after it; and two workers joined both take jobs.
# Usage: cluster_test.sh <auralis-buffer binary> <scratch folder>
set -u
bin=$1
dir=$2/cluster-$$
mkdir -p "$dir/data" "$dir/local"
source "$(dirname "$0")/cluster_lib.sh"


# Three short tracks (three 15 s chunks each), so the library's analyses are quick.
mkdir -p "$dir/library"
sox -n -r 44100 -c 2 -b 16 "$dir/library/one.wav" synth 40 pinknoise vol 0.3 fade 0 40 2
sox -n -r 44100 -c 2 -b 16 "$dir/library/two.wav" synth 40 sine 220-880 vol 0.4
sox -n -r 48000 -c 2 -b 16 "$dir/library/three.flac" synth 40 square 110 vol 0.2
cat >"$dir/engine.json" <<JSON
{"paths": {"data_dir": "$dir/data", "library_dir": "$dir/library", "presets_file": "$presets_file"},
 "cluster": {"listen": "127.0.0.1:0", "token": "s3cret", "local_workers": 0},
 "server": {"request_timeout_ms": 60000}, "tiers": {"overhead_mb": 0}}
JSON
start_engine "$dir/engine.json" '127\.0\.0\.1'
ok start

pool_field() { # pool_field <python expression over the pool object p>
  curl -s "127.0.0.1:$eport/api/actors" | EXPR="$1" python3 -c \
    'import json, os, sys; p = json.load(sys.stdin)["pool"]; print(eval(os.environ["EXPR"]))' \
    2>/dev/null
}

# A wrong token: refused, logged on both sides, exit 2; the engine keeps serving.
"$bin" --data-dir "$dir/bad" worker --connect "127.0.0.1:$cport" --token wrong --name bad \
  >"$dir/bad.log" 2>&1
rc=$?
if [ "$rc" = 2 ] && grep -q "refused this worker: .*wrong cluster token" "$dir/bad.log" &&
   grep -q "cluster: refused worker bad .*wrong cluster token" "$dir/engine.log"; then
  ok refused_bad_token
else
  fail "refused_bad_token: exit $rc"
  cat "$dir/bad.log"
fi
status=$(curl -s -o /dev/null -w '%{http_code}' "127.0.0.1:$eport/api/cache/health")
[ "$status" = 200 ] && ok serving_after_refusal || fail "serving_after_refusal: $status"

# A worker with the token joins and takes the engine's jobs (the library's analyses too).
"$bin" --data-dir "$dir/w1" worker --connect "127.0.0.1:$cport" --token s3cret --threads 1 \
  --name render-1 >"$dir/w1.log" 2>&1 &
w1=$!
pids+=($w1)
first_is_render_1() { [ "$(pool_field 'p["workers"][0]["host"] if p["workers"] else ""')" = render-1 ]; }
if until_true 60 first_is_render_1; then
  ok joined
else
  fail joined
  cat "$dir/w1.log"
fi
until_true 300 grep -q "background analysis done" "$dir/engine.log" || fail analyses_done

# Byte-identical to a local render of the same file by another engine.
start_server local "$dir/local.log" --port 0 --library "$dir/library" --data-dir "$dir/local"
lport=$port
curl -s -o "$dir/remote0.wav" "127.0.0.1:$eport/api/audio/stream/1/chunk/0?preset=warm"
curl -s -o "$dir/local0.wav" "127.0.0.1:$lport/api/audio/stream/1/chunk/0?preset=warm"
if [ -s "$dir/remote0.wav" ] && cmp -s "$dir/remote0.wav" "$dir/local0.wav"; then
  ok byte_identical
else
  fail "byte_identical: $(stat -c %s "$dir/remote0.wav" "$dir/local0.wav" 2>&1 | tr '\n' ' ')"
fi

# SIGKILL of the only worker while it renders: twelve fetches (two tracks, three chunks, two
# presets, at an intensity nothing was rendered at) keep it busy. It is stopped first (SIGSTOP), so
# that whatever the pool last gave it is still its job when it is killed. Every fetch is
# answered 200 by the worker that joins after it, with the bytes a local render gives.
kill_targets=()
for track in 2 3; do
  for chunk in 0 1 2; do
    for preset in gentle punchy; do
      kill_targets+=("/api/audio/stream/$track/chunk/$chunk?preset=$preset&intensity=0.4&session_id=k$track$chunk$preset")
    done
  done
done
kill_fetches=()
for i in "${!kill_targets[@]}"; do
  curl -s -o "$dir/kill-$i.wav" -w '%{http_code}' "127.0.0.1:$eport${kill_targets[$i]}" \
    >"$dir/kill-$i.status" &
  kill_fetches+=($!)
done
job_running() { [ "$(pool_field 'p["in_flight"]')" -ge 1 ] 2>/dev/null; }
if until_true 60 job_running; then
  kill -STOP "$w1"
  until_true 10 job_running
  kill -9 "$w1"
  wait "$w1" 2>/dev/null
  "$bin" --data-dir "$dir/w2" worker --connect "127.0.0.1:$cport" --token s3cret --threads 1 \
    --name render-2 >"$dir/w2.log" 2>&1 &
  pids+=($!)
  for p in "${kill_fetches[@]}"; do wait "$p"; done
  answered=0
  for i in "${!kill_targets[@]}"; do
    [ "$(cat "$dir/kill-$i.status")" = 200 ] && answered=$((answered + 1))
  done
  last=$((${#kill_targets[@]} - 1))
  curl -s -o "$dir/local-kill.wav" "127.0.0.1:$lport${kill_targets[$last]}"
  if [ "$answered" = "${#kill_targets[@]}" ] && cmp -s "$dir/kill-$last.wav" "$dir/local-kill.wav"; then
    ok fetch_survives_sigkill
  else
    fail "fetch_survives_sigkill: $answered of ${#kill_targets[@]} fetches answered 200"
    tail -20 "$dir/engine.log"
  fi
  gone=$(pool_field 'sum(1 for w in p["workers"] if w["gone"])')
  requeued=$(pool_field 'p["requeued"]')
  if [ "$gone" = 1 ] && [ "${requeued:-0}" -ge 1 ]; then
    ok killed_worker_given_up
  else
    fail "killed_worker_given_up: gone $gone, requeued $requeued"
    grep -E "worker-pool|cluster" "$dir/engine.log" | tail -8
  fi
else
  fail "fetch_survives_sigkill: no job ran on the worker"
  cat "$dir"/kill-*.status
  curl -s "127.0.0.1:$eport/api/actors" | python3 -c 'import json,sys; print(json.load(sys.stdin)["pool"])'
fi

# A second live worker joins: the next jobs (an intensity nothing was rendered at, so every
# fetch is a render) run on both.
"$bin" --data-dir "$dir/w3" worker --connect "127.0.0.1:$cport" --token s3cret --threads 1 \
  --name render-3 >"$dir/w3.log" 2>&1 &
pids+=($!)
two_live() { [ "$(pool_field 'sum(1 for w in p["workers"] if not w["gone"])')" = 2 ]; }
until_true 60 two_live ||
  fail "second_worker: did not join"
before=$(pool_field '",".join(str(w["jobs"]) for w in p["workers"] if not w["gone"])')
fetches=()
for c in 0 1 2; do
  for preset in gentle bright adaptive; do
    curl -s -o /dev/null "127.0.0.1:$eport/api/audio/stream/3/chunk/$c?preset=$preset&intensity=0.7&session_id=s$c$preset" &
    fetches+=($!)
  done
done
for p in "${fetches[@]}"; do wait "$p"; done
after=$(pool_field '",".join(str(w["jobs"]) for w in p["workers"] if not w["gone"])')
IFS=, read -r b2 b3 <<<"$before"
IFS=, read -r a2 a3 <<<"$after"
if [ "${a2:-0}" -gt "${b2:-0}" ] && [ "${a3:-0}" -gt "${b3:-0}" ]; then
  ok both_workers_take_jobs
else
  fail "both_workers_take_jobs: jobs before $before, after $after"
fi

echo "$failures failed"
[ "$failures" = 0 ]
