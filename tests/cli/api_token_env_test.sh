#!/usr/bin/env bash
# AURALIS_API_TOKEN guards the mutating endpoints of a running auralis-buffer: without the
# token a cache clear is refused 401 with a JSON detail, with it the clear succeeds, and
# reading endpoints need no token.
# Usage: api_token_env_test.sh <auralis-buffer binary> <scratch folder>
set -u
bin=$1
dir=$2/cli-api-token-$$
mkdir -p "$dir/library" "$dir/data"
pid=
cleanup() {
  if [ -n "$pid" ]; then
    kill "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  fi
  rm -rf "$dir"
}
trap cleanup EXIT
failures=0

AURALIS_API_TOKEN=s3cret "$bin" --port 0 --library "$dir/library" --data-dir "$dir/data" \
  >"$dir/server.log" 2>&1 &
pid=$!
port=
for _ in $(seq 1 600); do
  port=$(sed -n 's|.*serving on http://127\.0\.0\.1:\([0-9]*\).*|\1|p' "$dir/server.log" | head -1)
  [ -n "$port" ] && break
  if ! kill -0 "$pid" 2>/dev/null; then break; fi
  sleep 0.1
done
if [ -z "$port" ]; then
  echo "FAIL start: the server did not report its port"
  cat "$dir/server.log"
  exit 1
fi

# request <method> <path> [extra header]: the status line and body of one HTTP/1.1 request.
request() {
  local extra=
  [ -n "${3:-}" ] && extra="$3"$'\r\n'
  exec 3<>"/dev/tcp/127.0.0.1/$port" || return 1
  printf '%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n%s\r\n' \
    "$1" "$2" "$extra" >&3
  tr -d '\r' <&3
  exec 3<&-
}

expect() { # expect <name> <status> <wanted text> <method> <path> [header]
  local name=$1 status=$2 wanted=$3
  shift 3
  local out
  out=$(request "$@")
  if ! head -1 <<<"$out" | grep -qF " $status "; then
    echo "FAIL $name: wanted $status, got: $(head -1 <<<"$out")"; failures=$((failures + 1)); return
  fi
  if ! grep -qF -- "$wanted" <<<"$out"; then
    echo "FAIL $name: answer lacks '$wanted': $out"; failures=$((failures + 1)); return
  fi
  echo "ok   $name"
}

expect no_token 401 '{"detail":"this endpoint needs' POST /api/cache/clear
expect wrong_token 401 'WWW-Authenticate: Bearer' POST /api/cache/clear 'Authorization: Bearer nope'
expect right_token 200 '"status":"success"' POST /api/cache/clear 'Authorization: Bearer s3cret'
expect reading_needs_none 200 '"status":"healthy"' GET /api/cache/health

echo "$((4 - failures)) passed, $failures failed"
[ "$failures" -eq 0 ]
