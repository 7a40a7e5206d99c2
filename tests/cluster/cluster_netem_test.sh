#!/usr/bin/env bash
# A remote worker behind a slow link: the worker runs in its own network namespace, joined
# to the engine's by a veth pair whose both ends delay every packet by 100 ms (tc netem), so
# every message between them takes 100 ms more each way. Jobs still complete within their
# timeouts: the library's analyses, and a fetch that the worker renders, answered 200.
# Needs root, ip netns and tc netem; where the machine does not allow them the test is
# skipped (ctest: exit code 77).
# Usage: cluster_netem_test.sh <auralis-buffer binary> <scratch folder>
set -u
bin=$1
dir=$2/cluster-netem-$$
ns=auralis-netem-$$
host_if=aun$$
ns_if=aunp$$
if [ "$(id -u)" != 0 ] || ! command -v ip >/dev/null || ! command -v tc >/dev/null; then
  echo "skipped: needs root, ip and tc"
  exit 77
fi
if ! ip netns add "$ns" 2>/dev/null; then
  echo "skipped: network namespaces are not allowed here"
  exit 77
fi
extra_cleanup() {
  ip link del "$host_if" 2>/dev/null
  ip netns del "$ns" 2>/dev/null
}
source "$(dirname "$0")/cluster_lib.sh"
# Addresses from the documentation range, one /30 per run.
octet=$(( ($$ % 60) * 4 ))
engine_ip=192.0.2.$((octet + 1))
worker_ip=192.0.2.$((octet + 2))
if ! ip link add "$host_if" type veth peer name "$ns_if" 2>/dev/null ||
   ! ip link set "$ns_if" netns "$ns" ||
   ! ip addr add "$engine_ip/30" dev "$host_if" || ! ip link set "$host_if" up ||
   ! ip netns exec "$ns" ip addr add "$worker_ip/30" dev "$ns_if" ||
   ! ip netns exec "$ns" ip link set "$ns_if" up || ! ip netns exec "$ns" ip link set lo up ||
   ! tc qdisc add dev "$host_if" root netem delay 100ms 2>/dev/null ||
   ! ip netns exec "$ns" tc qdisc add dev "$ns_if" root netem delay 100ms 2>/dev/null; then
  echo "skipped: veth pairs or tc netem are not available here"
  exit 77
fi

mkdir -p "$dir/library" "$dir/data"
sox -n -r 44100 -c 2 -b 16 "$dir/library/one.wav" synth 40 pinknoise vol 0.3
cat >"$dir/engine.json" <<JSON
{"paths": {"data_dir": "$dir/data", "library_dir": "$dir/library", "presets_file": "$presets_file"},
 "cluster": {"listen": "$engine_ip:0", "token": "s3cret", "local_workers": 0,
             "allow_remote_plain": true},
 "server": {"request_timeout_ms": 60000}, "tiers": {"overhead_mb": 0}}
JSON
start_engine "$dir/engine.json" "$engine_ip"
if command -v ping >/dev/null; then
  rtt=$(ip netns exec "$ns" ping -c 1 -W 5 "$engine_ip" | sed -n 's|.*time=\([0-9.]*\) ms.*|\1|p')
  echo "round trip over the link: ${rtt:-?} ms"
fi
ip netns exec "$ns" "$bin" --data-dir "$dir/w" worker --connect "$engine_ip:$cport" \
  --token s3cret --name slow-link >"$dir/w.log" 2>&1 &
pids+=($!)
expect_analysed_and_rendered over_the_slow_link
if curl -s "127.0.0.1:$eport/api/actors" | python3 -c '
import json, sys
p = json.load(sys.stdin)["pool"]
sys.exit(0 if p["timed_out"] == 0 and p["requeued"] == 0 and p["failed"] == 0 and
         any(w["host"] == "slow-link" and w["jobs"] > 0 for w in p["workers"]) else 1)'; then
  ok within_timeouts
else
  fail within_timeouts
fi
echo "$failures failed"
[ "$failures" = 0 ]
