#!/usr/bin/env bash
# cluster_throughput: render throughput of one engine with local and remote workers on
# loopback, and what crosses the network per render.
#
# A library of three 95 s tracks (44.1 kHz stereo FLAC, made with sox: 6 full chunks each) is
# written once; then, for each layout (1 local; 0 local + 1 remote; 1 local + 1 remote;
# 0 local + 1 remote with 2 threads), an engine starts in a data folder of its own with
# `cluster.listen` on loopback, its workers join, and the library's analysis is waited out
# (a remote worker that ran an analysis has the file from then on; one that did not copies
# it during the rounds). Each round then fetches the 18 chunks at once, each a full 15 s
# chunk rendered anew (a preset and an intensity no earlier round of the layout used). The
# engine's config keeps every other job away: the planner plans no chunk beyond the one
# fetched and nothing is demoted, so no encode runs meanwhile. Figures per layout:
# - chunks_per_s: 18 / the wall time from the first request to the last answer, median of
#   the rounds (and the lowest and highest);
# - remote_share: the share of the rounds' renders the remote workers did;
# - out_kb_per_render / back_mb_per_render: bytes the engine sent to and received from its
#   workers over the rounds (`ss -ti`, the engine's end of the workers' sockets) per render;
# - round_trip_ms: the remote workers' mean round trip per job less their CPU time (from
#   /api/actors);
# - jobs: the pool's jobs of each kind over the rounds (renders only, when all is well).
# Ends with one JSON line of all figures.
#
# Needs a Release build (./scripts/test or ./scripts/run), curl, python3, sox and ss
# (iproute2). Environment: AURALIS_BIN (default build/auralis-buffer), ROUNDS (default 5).
set -euo pipefail
cd "$(dirname "$0")/.."

bin=${AURALIS_BIN:-build/auralis-buffer}
rounds=${ROUNDS:-5}
if [ ! -x "$bin" ]; then
  echo "cluster_throughput: $bin not found: build it first (./scripts/test)" >&2
  exit 2
fi
for tool in curl python3 sox ss; do
  command -v "$tool" >/dev/null 2>&1 || {
    echo "cluster_throughput: $tool not found" >&2
    exit 2
  }
done
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
presets=$PWD/config/presets.json
work=$(mktemp -d)
pids=()
stop_all() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  pids=()
}
cleanup() {
  stop_all
  rm -rf "$work"
}
trap cleanup EXIT

# wait_for <seconds> <command...>: polls the command until it succeeds; false at the deadline.
# A command that fails with 99 ends the wait at once (what it waits for will not come).
wait_for() {
  local end=$((SECONDS + $1)) rc
  shift
  while :; do
    rc=0
    "$@" || rc=$?
    [ "$rc" = 0 ] && return 0
    if [ "$rc" = 99 ] || [ "$SECONDS" -ge "$end" ]; then return 1; fi
    sleep 0.2
  done
}
# field_of <json> <python expression over j>: one figure of a JSON document.
field_of() { python3 -c "import json,sys; j=json.loads(sys.argv[1]); print($2)" "$1"; }
# socket_bytes <port>: bytes sent (acked) and received on the engine's end of the workers'
# connections to <port>, summed.
socket_bytes() {
  ss -tin state established "( sport = :$1 )" | python3 -c '
import re, sys
text = sys.stdin.read()
out = sum(int(x) for x in re.findall(r"bytes_acked:(\d+)", text))
back = sum(int(x) for x in re.findall(r"bytes_received:(\d+)", text))
print(out, back)'
}

# The library: pink noise under a chord, a different chord per track.
library=$work/library
mkdir -p "$library"
chords=("110 138.6 164.8" "98 123.5 146.8" "130.8 164.8 196")
for t in 0 1 2; do
  read -r a b c <<<"${chords[$t]}"
  sox -n -r 44100 -c 2 -b 16 "$library/track-$((t + 1)).flac" \
    synth 95 pinknoise sine "$a" sine "$b" sine "$c" remix 1,2,3 1,2,4 vol 0.2
done

json_layouts=()
# layout <name> <local workers> <remote workers> <threads per remote worker>
layout() {
  local name=$1 locals=$2 remotes=$3 threads=$4
  local dir=$work/$name
  mkdir -p "$dir"
  cat >"$dir/engine.json" <<JSON
{"paths": {"data_dir": "$dir/data", "library_dir": "$library", "presets_file": "$presets"},
 "cluster": {"listen": "127.0.0.1:0", "local_workers": $locals},
 "server": {"request_timeout_ms": 60000}, "tiers": {"demote_probability_floor": 1},
 "planner": {"l1_chunks": [0, 0], "l3_chunks": [0, 0], "room_chunks": [0, 0],
             "room_jobs_per_round": 0, "continue_probability": 0, "switch_top_n": 0,
             "seek_probability": 0, "toggle_probability": 0}}
JSON
  "$bin" --config "$dir/engine.json" --port 0 >"$dir/engine.log" 2>&1 &
  pids+=($!)
  # "ready" follows both the HTTP line and the cluster's.
  started() {
    grep -qs "cannot start\|invalid configuration" "$dir/engine.log" && return 99
    grep -qs "auralis-buffer ready on" "$dir/engine.log"
  }
  wait_for 120 started && grep -qs "listening for workers on" "$dir/engine.log" || {
    echo "cluster_throughput: the engine did not start:" >&2
    cat "$dir/engine.log" >&2
    exit 1
  }
  local port cport
  port=$(sed -n 's|.*serving on http://127\.0\.0\.1:\([0-9]*\).*|\1|p' "$dir/engine.log" | head -1)
  cport=$(sed -n 's|.*listening for workers on 127\.0\.0\.1:\([0-9]*\).*|\1|p' "$dir/engine.log")
  local url=http://127.0.0.1:$port
  for ((r = 1; r <= remotes; ++r)); do
    "$bin" --data-dir "$dir/w$r" worker --connect "127.0.0.1:$cport" --threads "$threads" \
      --name "render-$r" >"$dir/w$r.log" 2>&1 &
    pids+=($!)
  done
  local want=$((locals + remotes * threads))
  live_workers() {
    local j
    j=$(curl -sf "$url/api/actors") || return 1
    [ "$(field_of "$j" 'sum(1 for w in j["pool"]["workers"] if not w["gone"])')" = "$want" ]
  }
  wait_for 120 live_workers &&
    wait_for 600 grep -qs "background analysis done" "$dir/engine.log" || {
    echo "cluster_throughput: $name: the workers did not join or the analysis did not end" >&2
    tail -5 "$dir/engine.log" >&2
    exit 1
  }
  local tracks
  tracks=$(curl -sf "$url/api/library/tracks")
  # The 18 full chunks: 6 of each track (its last, shorter one left out).
  mapfile -t pairs < <(field_of "$tracks" \
    '"\n".join(["%d %d" % (t["id"], c) for t in j["tracks"] for c in range(t["chunks"] - 1)][:18])')
  if [ "${#pairs[@]}" -lt 18 ]; then
    echo "cluster_throughput: the library has fewer than 18 full chunks" >&2
    exit 1
  fi
  local before after actors_before actors rates=()
  local presets_cycle=(warm bright punchy gentle adaptive)
  before=$(socket_bytes "$cport")
  actors_before=$(curl -sf "$url/api/actors")
  for ((n = 1; n <= rounds; ++n)); do
    local preset=${presets_cycle[$(((n - 1) % 5))]}
    local intensity
    intensity=$(printf '0.%02d' $((10 + n)))
    local start end fetches=()
    start=$(date +%s.%N)
    for pair in "${pairs[@]}"; do
      read -r track chunk <<<"$pair"
      curl -s -o /dev/null -w '%{http_code}\n' \
        "$url/api/audio/stream/$track/chunk/$chunk?preset=$preset&intensity=$intensity" \
        >>"$dir/status" &
      fetches+=($!)
    done
    for p in "${fetches[@]}"; do wait "$p"; done
    end=$(date +%s.%N)
    rates+=("$(python3 -c "print(round(18 / ($end - $start), 2))")")
  done
  after=$(socket_bytes "$cport")
  actors=$(curl -sf "$url/api/actors")
  local bad
  bad=$(grep -vc '^200$' "$dir/status" || true)
  if [ "$bad" != 0 ]; then
    echo "cluster_throughput: $name: $bad fetches did not answer 200" >&2
    exit 1
  fi
  local renders=$((18 * rounds))
  local figures
  figures=$(python3 - "$name" "$renders" "$before" "$after" "$actors_before" "$actors" \
    "${rates[@]}" <<'PY'
import json, statistics, sys
name, renders = sys.argv[1], int(sys.argv[2])
out0, back0 = map(int, sys.argv[3].split())
out1, back1 = map(int, sys.argv[4].split())
pool0, pool1 = json.loads(sys.argv[5])["pool"], json.loads(sys.argv[6])["pool"]
rates = [float(x) for x in sys.argv[7:]]
def remote_jobs(pool):
    return sum(w["jobs"] for w in pool["workers"] if w["host"])
def kinds(pool):
    return {k: h["count"] for k, h in pool["job_time_ms"].items()}
k0, k1 = kinds(pool0), kinds(pool1)
jobs = {k: n - k0.get(k, 0) for k, n in k1.items() if n != k0.get(k, 0)}
trips = [w["round_trip_ms"] for w in pool1["workers"]
         if w["host"] and not w["gone"] and w["round_trip_ms"] is not None]
print(json.dumps({
    "layout": name,
    "chunks_per_s": statistics.median(rates),
    "chunks_per_s_min": min(rates),
    "chunks_per_s_max": max(rates),
    "remote_share": round((remote_jobs(pool1) - remote_jobs(pool0)) / renders, 3),
    "out_kb_per_render": round((out1 - out0) / renders / 1e3, 1),
    "back_mb_per_render": round((back1 - back0) / renders / 1e6, 3),
    "round_trip_ms": round(statistics.mean(trips), 2) if trips else None,
    "jobs": jobs,
}))
PY
)
  echo "$name: $(field_of "$figures" 'j["chunks_per_s"]') chunks/s" \
    "(rounds: ${rates[*]}), remote share $(field_of "$figures" 'j["remote_share"]')," \
    "$(field_of "$figures" 'j["out_kb_per_render"]') kB out and" \
    "$(field_of "$figures" 'j["back_mb_per_render"]') MB back per render," \
    "round trip $(field_of "$figures" 'j["round_trip_ms"]') ms, jobs $(field_of "$figures" 'j["jobs"]')"
  json_layouts+=("$figures")
  stop_all
}

layout local_1 1 0 1
layout remote_1 0 1 1
layout local_1_remote_1 1 1 1
layout remote_1x2 0 1 2
echo "{\"benchmark\":\"cluster_throughput\",\"rounds\":$rounds,\"layouts\":[$(IFS=,; echo "${json_layouts[*]}")]}"
