#!/usr/bin/env bash
# auralis-buffer refuses bad configuration with exit code 2 and names the file and key.
# Usage: bad_config_test.sh <auralis-buffer binary> <scratch folder>
set -u
bin=$1
dir=$2/cli-bad-config-$$
mkdir -p "$dir"
trap 'rm -rf "$dir"' EXIT
failures=0

expect() { # expect <name> <wanted text> <command...>
  local name=$1 wanted=$2
  shift 2
  local out rc
  out=$("$@" 2>&1 </dev/null)
  rc=$?
  if [ "$rc" -ne 2 ]; then
    echo "FAIL $name: exit code $rc, wanted 2"; failures=$((failures + 1)); return
  fi
  if ! grep -qF -- "$wanted" <<<"$out"; then
    echo "FAIL $name: output lacks '$wanted': $out"; failures=$((failures + 1)); return
  fi
  echo "ok   $name"
}

echo '{"tiers": {"l1_mb": "big"}}' >"$dir/type.json"
expect wrong_type "$dir/type.json: tiers.l1_mb: must be a number" "$bin" --config "$dir/type.json"
echo '{"server": {"prot": 1}}' >"$dir/unknown.json"
expect unknown_key "$dir/unknown.json: server.prot: unknown key" "$bin" --config "$dir/unknown.json"
echo '{"server": {"port": 99999}}' >"$dir/range.json"
expect out_of_range "$dir/range.json: server.port: must be a whole number in" "$bin" --config "$dir/range.json"
echo '{"server": ' >"$dir/broken.json"
expect not_json "$dir/broken.json: is not valid JSON" "$bin" --config "$dir/broken.json"
expect bad_flag "--port" "$bin" serve --port 70000

echo "$((5 - failures)) passed, $failures failed"
[ "$failures" -eq 0 ]
