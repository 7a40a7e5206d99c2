#!/usr/bin/env bash
# http_wrk: auralis-buffer and nginx side by side on loopback, both driven by wrk from a
# second process, so that the HTTP figures can be compared with the yardstick they were
# set against on the machine at hand.
#
# nginx (one worker process, sendfile on, no access log) serves a 150-byte file and a
# 2,880,044-byte file (the size of a 15 s WAV chunk). auralis-buffer (build/ by default)
# starts on the demo library in a temporary data folder; chunk 0 of track 1 (adaptive) is
# fetched until it is an L1 hit, and the planner's background renders are waited out.
# Then, for each server, over 5 s runs:
# - small_cpu_us / check_cpu_us: server CPU per request, one connection (nginx: the small
#   file; auralis: GET /api/cache/check of that chunk);
# - large_cpu_ms / l1_fetch_cpu_ms: server CPU per 2.88 MB response, one connection
#   (auralis: the L1-hit WAV fetch);
# - *_p50_ms, *_p99_ms: latency of those 2.88 MB responses at 32 connections.
# Server CPU is the process's utime + stime from /proc over the run (for nginx, its
# worker's) divided by the requests wrk completed. Ends with one JSON line, with the
# ratios auralis / nginx.
#
# Needs nginx and wrk (Debian: apt-get install nginx-light wrk) and a Release build
# (./scripts/test or ./scripts/run). Environment: AURALIS_BIN (default build/auralis-buffer),
# AURALIS_CONFIG (an engine config file; default: the server's own), NGINX_PORT (18480),
# AURALIS_PORT (18481).
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in nginx wrk curl; do
  if ! command -v "$tool" >/dev/null 2>&1 && [ ! -x "/usr/sbin/$tool" ]; then
    echo "http_wrk: $tool not found (Debian: apt-get install nginx-light wrk curl)" >&2
    exit 2
  fi
done
auralis_bin=${AURALIS_BIN:-build/auralis-buffer}
if [ ! -x "$auralis_bin" ]; then
  echo "http_wrk: $auralis_bin not found: build it first (./scripts/test)" >&2
  exit 2
fi
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
nginx_port=${NGINX_PORT:-18480}
auralis_port=${AURALIS_PORT:-18481}
work=$(mktemp -d)
chmod 755 "$work"
auralis_pid=
cleanup() {
  if [ -f "$work/nginx.pid" ]; then kill "$(cat "$work/nginx.pid")" 2>/dev/null || true; fi
  if [ -n "$auralis_pid" ]; then
    kill "$auralis_pid" 2>/dev/null || true
    wait "$auralis_pid" 2>/dev/null || true
  fi
  sleep 0.2
  rm -rf "$work"
}
trap cleanup EXIT

ticks_per_s=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
requests_of() { awk '/requests in/ {print $1}'; }
# Milliseconds from wrk's "99%   48.26ms" lines (us, ms or s).
ms_of() {
  awk -v p="$1" '$1 == p {
    v = $2; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v);
    if (u == "us") v /= 1000; else if (u == "s") v *= 1000; else if (u == "m") v *= 60000;
    printf "%.2f", v }'
}
# cpu_per_request PID URL SCALE: runs wrk with one connection for 5 s and prints the
# process's CPU per request times SCALE (1e6: microseconds, 1e3: milliseconds).
cpu_per_request() {
  local before after n
  before=$(cpu_ticks "$1")
  n=$(wrk -t1 -c1 -d5s "$2" | requests_of)
  after=$(cpu_ticks "$1")
  awk -v t=$((after - before)) -v n="$n" -v hz="$ticks_per_s" -v s="$3" \
    'BEGIN { printf "%.3f", t / hz / n * s }'
}
# cache_tier URL: the X-Cache-Tier header of a GET of URL (empty without an answer).
cache_tier() {
  curl -s -o /dev/null -D - "$1" | tr -d '\r' |
    awk -F': ' 'tolower($1) == "x-cache-tier" {print $2}'
}
# latency URL: p50 and p99 (ms) at 32 connections, 5 s.
latency() {
  local out
  out=$(wrk -t2 -c32 -d5s --latency "$1")
  echo "$(echo "$out" | ms_of "50%") $(echo "$out" | ms_of "99%")"
}

# --- nginx ---
mkdir -p "$work/www"
head -c 150 /dev/zero | tr '\0' 'a' >"$work/www/small.txt"
head -c 2880044 /dev/urandom >"$work/www/chunk.wav"
chmod 644 "$work/www/"*
cat >"$work/nginx.conf" <<CONF
worker_processes 1;
daemon on;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  client_body_temp_path $work/body;
  proxy_temp_path $work/proxy;
  fastcgi_temp_path $work/fastcgi;
  uwsgi_temp_path $work/uwsgi;
  scgi_temp_path $work/scgi;
  server { listen 127.0.0.1:$nginx_port; root $work/www; }
}
CONF
"$nginx_bin" -c "$work/nginx.conf" -e "$work/nginx-error.log"
worker=
for _ in $(seq 50); do
  worker=$(pgrep -P "$(cat "$work/nginx.pid" 2>/dev/null || echo 0)" || true)
  [ -n "$worker" ] && break
  sleep 0.1
done
if [ -z "$worker" ]; then
  echo "http_wrk: nginx did not start:" >&2
  cat "$work/nginx-error.log" >&2 || true
  exit 1
fi
nginx_url="http://127.0.0.1:$nginx_port"
echo "nginx $("$nginx_bin" -v 2>&1 | sed 's/.*nginx\///') on port $nginx_port (worker pid $worker)"
n_small=$(cpu_per_request "$worker" "$nginx_url/small.txt" 1e6)
echo "nginx, 150-byte file, 1 connection: $n_small us CPU per request"
n_large=$(cpu_per_request "$worker" "$nginx_url/chunk.wav" 1e3)
echo "nginx, 2.88 MB file, 1 connection: $n_large ms CPU per response"
read -r n_p50 n_p99 <<<"$(latency "$nginx_url/chunk.wav")"
echo "nginx, 2.88 MB file, 32 connections: p50 $n_p50 ms, p99 $n_p99 ms"

# --- auralis-buffer ---
config_args=()
if [ -n "${AURALIS_CONFIG:-}" ]; then config_args=(--config "$AURALIS_CONFIG"); fi
"$auralis_bin" "${config_args[@]}" --port "$auralis_port" --data-dir "$work/auralis" \
  >"$work/auralis.log" 2>&1 &
auralis_pid=$!
url="http://127.0.0.1:$auralis_port"
for _ in $(seq 600); do
  curl -sf -o /dev/null "$url/api/cache/health" && break
  if ! kill -0 "$auralis_pid" 2>/dev/null; then
    echo "http_wrk: auralis-buffer exited:" >&2
    cat "$work/auralis.log" >&2
    exit 1
  fi
  sleep 0.2
done
fetch="$url/api/audio/stream/1/chunk/0?preset=adaptive"
check="$url/api/cache/check?track_id=1&preset=adaptive&chunk_idx=0"
tier=
for _ in $(seq 100); do
  tier=$(cache_tier "$fetch")
  [ "$tier" = "L1" ] && break
  sleep 0.2
done
if [ "$tier" != "L1" ]; then
  echo "http_wrk: chunk 0 of track 1 never became an L1 hit (last: ${tier:-no answer})" >&2
  exit 1
fi
# The planner renders ahead in the background: wait until the tiers stop changing.
last=
for _ in $(seq 120); do
  now=$(curl -s "$url/api/cache/contents")
  [ "$now" = "$last" ] && break
  last=$now
  sleep 1
done
echo "auralis-buffer on port $auralis_port (pid $auralis_pid), chunk 0 of track 1 in L1"
a_check=$(cpu_per_request "$auralis_pid" "$check" 1e6)
echo "auralis, /api/cache/check, 1 connection: $a_check us CPU per request"
a_fetch=$(cpu_per_request "$auralis_pid" "$fetch" 1e3)
echo "auralis, L1 WAV fetch (2.88 MB), 1 connection: $a_fetch ms CPU per response"
read -r a_p50 a_p99 <<<"$(latency "$fetch")"
echo "auralis, L1 WAV fetch, 32 connections: p50 $a_p50 ms, p99 $a_p99 ms"
tier=$(cache_tier "$fetch")
if [ "$tier" != "L1" ]; then
  echo "http_wrk: the fetch was no longer an L1 hit at the end (${tier:-no answer})" >&2
  exit 1
fi

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
nginx_json="\"small_cpu_us\": $n_small, \"large_cpu_ms\": $n_large"
nginx_json+=", \"large_p50_ms\": $n_p50, \"large_p99_ms\": $n_p99"
auralis_json="\"check_cpu_us\": $a_check, \"l1_fetch_cpu_ms\": $a_fetch"
auralis_json+=", \"l1_fetch_p50_ms\": $a_p50, \"l1_fetch_p99_ms\": $a_p99"
echo "{\"nginx\": {$nginx_json}, \"auralis\": {$auralis_json}," \
  "\"check_cpu_vs_nginx\": $(ratio "$a_check" "$n_small")," \
  "\"l1_fetch_p99_vs_nginx\": $(ratio "$a_p99" "$n_p99")}"
