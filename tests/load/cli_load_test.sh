#!/usr/bin/env bash
# `auralis-buffer load` refuses bad arguments and bad scenario files with exit code 2 and
# names the key; an unreachable server exits 1 with a clear message.
# Usage: cli_load_test.sh <auralis-buffer binary> <scratch folder>
set -u
bin=$1
dir=$2/cli-load-$$
mkdir -p "$dir"
trap 'rm -rf "$dir"' EXIT
failures=0

expect() { # expect <name> <exit code> <wanted text> <command...>
  local name=$1 code=$2 wanted=$3
  shift 3
  local out rc
  out=$("$@" 2>&1 </dev/null)
  rc=$?
  if [ "$rc" -ne "$code" ]; then
    echo "FAIL $name: exit code $rc, wanted $code: $out"; failures=$((failures + 1)); return
  fi
  if ! grep -qF -- "$wanted" <<<"$out"; then
    echo "FAIL $name: output lacks '$wanted': $out"; failures=$((failures + 1)); return
  fi
  echo "ok   $name"
}

url=http://127.0.0.1:1
expect help_lists_load 0 "load" "$bin" --help
echo '{"sessions": "many"}' >"$dir/type.json"
expect wrong_type 2 "$dir/type.json: sessions: must be a whole number, not string" \
  "$bin" load --url "$url" --scenario "$dir/type.json"
echo '{"sesions": 3}' >"$dir/unknown.json"
expect unknown_key 2 "$dir/unknown.json: sesions: unknown key" \
  "$bin" load --url "$url" --scenario "$dir/unknown.json"
echo '{"arrivals": {"mode": "poisson", "rate": 0}}' >"$dir/range.json"
expect out_of_range 2 "$dir/range.json: arrivals.rate: must be a number > 0" \
  "$bin" load --url "$url" --scenario "$dir/range.json"
expect no_such_scenario 2 "no_such_scenario: no such scenario (known: " \
  "$bin" load --url "$url" --scenario no_such_scenario
expect missing_file 2 "$dir/none.json: cannot be opened" \
  "$bin" load --url "$url" --scenario "$dir/none.json"
expect unknown_metric 2 "--threshold: 'latency < 5': unknown metric 'latency'" \
  "$bin" load --url "$url" --scenario stress --threshold "latency < 5"
expect bad_url 2 "--url: expected http://HOST:PORT, not 'localhost'" \
  "$bin" load --url localhost --scenario stress
expect no_url 2 "--url is required" "$bin" load --scenario stress
expect bad_sessions 2 "--sessions" "$bin" load --url "$url" --scenario stress --sessions 0
expect unreachable 1 "cannot reach http://127.0.0.1:1" \
  "$bin" load --url "$url" --scenario stress --duration 10

if [ "$failures" -ne 0 ]; then
  echo "$failures failure(s)"
  exit 1
fi
