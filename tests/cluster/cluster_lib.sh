# What the cluster tests share; sourced after `dir` (their scratch folder) is set.
# pids: processes to kill at exit; cleanup also removes `dir` and runs `extra_cleanup` when
# the test defines it.
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
  if declare -F extra_cleanup >/dev/null; then extra_cleanup; fi
  rm -rf "$dir"
}
trap cleanup EXIT
failures=0
ok() { echo "ok   $1"; }
fail() { echo "FAIL $1"; failures=$((failures + 1)); }

# until_true <seconds> <command...>: runs the command until it succeeds or the deadline
# passes (a poll of the condition, never a fixed wait).
until_true() {
  local end=$((SECONDS + $1))
  shift
  while [ "$SECONDS" -lt "$end" ]; do
    if "$@"; then return 0; fi
    sleep 0.1
  done
  return 1
}

# presets_file: the source tree's presets.
presets_file=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../config" && pwd)/presets.json

# start_server <name> <log> <args...>: starts auralis-buffer with <args> and waits (up to
# 120 s) until it is ready or has said why it cannot start; its HTTP port in $port, empty
# when it never came.
# "ready" is logged once the engine serves HTTP and, with cluster.listen, listens for
# workers (the cluster's line may come after the HTTP one); a failed start says why.
start_server() {
  local log=$2
  shift 2
  "$bin" "$@" >"$log" 2>&1 &
  pids+=($!)
  server_settled() {
    grep -qs "auralis-buffer ready on\|cannot start\|invalid configuration" "$log"
  }
  port=
  until_true 120 server_settled || true
  port=$(sed -n 's|.*serving on http://127\.0\.0\.1:\([0-9]*\).*|\1|p' "$log" | head -1)
}

# start_engine <config file> <cluster host, as a sed pattern>: starts the engine (log in
# $dir/engine.log) and sets eport (HTTP) and cport (the workers' door); ends the test when
# either is missing.
start_engine() {
  start_server engine "$dir/engine.log" --config "$1" --port 0
  eport=$port
  cport=$(sed -n "s|.*listening for workers on $2:\([0-9]*\).*|\1|p" "$dir/engine.log")
  if [ -z "$eport" ] || [ -z "$cport" ]; then
    echo "FAIL start: the engine did not report its ports"
    cat "$dir/engine.log"
    exit 1
  fi
}

# start_joined_worker <check name> <worker args...>: starts `auralis-buffer --data-dir
# $dir/w worker --connect 127.0.0.1:$cport --token s3cret <worker args...>` (log in
# $dir/w.log) and checks that it joins the engine within 120 s.
start_joined_worker() {
  local name=$1
  shift
  "$bin" --data-dir "$dir/w" worker --connect "127.0.0.1:$cport" --token s3cret "$@" \
    >"$dir/w.log" 2>&1 &
  pids+=($!)
  if until_true 120 grep -qs "joined the engine" "$dir/w.log"; then
    ok "$name"
  else
    fail "$name"
    tail -n 5 "$dir/engine.log" "$dir/w.log"
  fi
}

# expect_analysed_and_rendered <name>: the engine's library analysis (one track) ends within
# 120 s, and a render of chunk 1 answers 200 with the chunk's bytes (2.88 MB of WAV): both
# done by the test's worker, the engine having no local one.
expect_analysed_and_rendered() {
  if until_true 120 grep -q "background analysis done: 1 tracks analysed" "$dir/engine.log"; then
    ok "$1: analysis"
  else
    fail "$1: analysis"
    tail -n 5 "$dir/engine.log" "$dir/w.log"
  fi
  local status size
  status=$(curl -s -o "$dir/c.wav" -w '%{http_code}' \
    "127.0.0.1:$eport/api/audio/stream/1/chunk/1?preset=warm&intensity=0.3")
  size=$(stat -c %s "$dir/c.wav" 2>/dev/null)
  if [ "$status" = 200 ] && [ "$size" = 2880044 ]; then
    ok "$1: render"
  else
    fail "$1: render: status $status, $size bytes"
  fi
}
