#!/usr/bin/env bash
# `auralis-buffer console` in a real terminal: tmux at 80x24 against a server started here.
# The screen shows the header, the tier bars and the actors table (when the server serves
# GET /api/actors; else the table says it is not served), the keys sort, filter, ask to clear
# a tier and show the help, a server that stops is shown and retried, and `q` ends the
# console with exit code 0. Also: --once --json prints JSON with the tier budgets, and a bad
# URL or an unreachable server exits 2.
# Usage: console_tmux_test.sh <auralis-buffer binary> <scratch folder>
set -u
bin=$1
dir=$2/console-tmux-$$
mkdir -p "$dir/library" "$dir/data"
sock=auralis-console-test-$$
export TERM=${TERM:-xterm}
pid=
cleanup() {
  tmux -L "$sock" kill-server 2>/dev/null
  if [ -n "$pid" ]; then
    kill "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  fi
  rm -rf "$dir"
}
trap cleanup EXIT
failures=0
passed=0
ok() { echo "ok   $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1"; failures=$((failures + 1)); }

"$bin" --port 0 --library "$dir/library" --data-dir "$dir/data" >"$dir/server.log" 2>&1 &
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
url=http://127.0.0.1:$port

screen() { tmux -L "$sock" capture-pane -p -t console 2>/dev/null; }
show_screen() { screen | sed 's/^/    |/'; }

# wait_for <name> <pattern>: polls the screen (up to 30 s) until a line matches the
# extended regular expression.
wait_for() {
  local end=$((SECONDS + 30))
  while [ "$SECONDS" -lt "$end" ]; do
    if screen | grep -qE -- "$2"; then ok "$1"; return 0; fi
    sleep 0.1
  done
  fail "$1: the screen never showed /$2/"
  show_screen
  return 1
}

# wait_gone <name> <pattern>: polls the screen (up to 30 s) until no line matches.
wait_gone() {
  local end=$((SECONDS + 30))
  while [ "$SECONDS" -lt "$end" ]; do
    if ! screen | grep -qE -- "$2"; then ok "$1"; return 0; fi
    sleep 0.1
  done
  fail "$1: /$2/ stayed on the screen"
  show_screen
  return 1
}

keys() { tmux -L "$sock" send-keys -t console "$@"; }

# --once --json: one JSON object with the tier budgets.
if "$bin" console --url "$url" --once --json >"$dir/once.json" 2>"$dir/once.err" &&
   python3 -c '
import json, sys
d = json.load(sys.stdin)
# The memory governor may lower the configured budgets (it does under AddressSanitizer,
# whose shadow memory counts as resident): whole bytes, not the configured figures.
got = {t: d["tiers"][t]["budget_bytes"] for t in ("l1", "l2", "l3")}
assert all(isinstance(v, int) and v >= 0 for v in got.values()), got
assert sum(got.values()) > 0, got
assert all(isinstance(d["tiers"][t]["bytes"], int) for t in got), d["tiers"]
assert d["url"] == sys.argv[1], d["url"]
assert isinstance(d["actors"], list) and isinstance(d["pool"], dict)
' "$url" <"$dir/once.json"; then
  ok once_json
else
  fail "once_json: $(cat "$dir/once.json" "$dir/once.err")"
fi

actors_status=$(curl -s -o /dev/null -w '%{http_code}' "$url/api/actors")

tmux -L "$sock" -f /dev/null new-session -d -s console -x 80 -y 24 \
  "'$bin' console --url '$url' 2>'$dir/console.err'; echo \$? >'$dir/console.rc'"

wait_for header '^up .*RSS [0-9.]+ MB .*sessions [0-9]+ +hit rate [0-9.]+%'
wait_for connected "^connected to $url"
wait_for tier_l1 '^L1 \[[#.]+[|!]\] [0-9.]+/[0-9.]+ MB +[0-9]+%  hits [0-9]+  evictions [0-9]+'
wait_for tier_l2 '^L2 \[[#.]+[|!]\] [0-9.]+/[0-9.]+ MB +[0-9]+%  hits [0-9]+  evictions [0-9]+'
wait_for tier_l3 '^L3 \[[#.]+[|!]\] [0-9.]+/[0-9.]+ MB +[0-9]+%  hits [0-9]+  evictions [0-9]+'
wait_for pool '^POOL queued imm [0-9]+ l1 [0-9]+ l2 [0-9]+ l3 [0-9]+ bg [0-9]+'
wait_for footer '^q quit  \? help  m/s/b/e sort  / filter  j/k move  c clear tier'
wait_for event_log '^[0-9:]{8} connected +clients [0-9]+'
if [ "$actors_status" = 200 ]; then
  wait_for actors_table '^tier-l1 '
  wait_for actors_columns '^NAME +\*MAILBOX +MSGS/S +BUSY% +P99MS +ERR'
else
  wait_for actors_not_served '^actors: not served by this engine'
fi

keys b
wait_for sort_busy '^ACTORS.*sort: busy'
keys / t i e r
wait_for filter_typing '^filter: tier_'
keys Enter
wait_for filter_applied '^ACTORS.*filter: tier'
if [ "$actors_status" = 200 ]; then
  # Between the column names and the pool, only tier actors.
  rows=$(screen | sed -n '/^NAME /,/^POOL /p' | sed '1d;$d' | grep -v '^ *$')
  if [ -n "$rows" ] && ! grep -qv '^tier' <<<"$rows"; then
    ok filter_rows
  else
    fail "filter_rows: rows other than tier actors: $rows"
  fi
fi
keys c 2
wait_for clear_question 'Clear L2\? y/n'
keys n
wait_gone clear_cancelled 'Clear L2\?'
keys '?'
wait_for help 'sort actors by busy share'
keys Escape
wait_gone help_closed 'sort actors by busy share'
# The engine goes away: the header says so and the console keeps retrying.
kill "$pid"
wait "$pid" 2>/dev/null
pid=
wait_for engine_gone '^engine unreachable: .+, retrying in [0-9]+s'
keys q
end=$((SECONDS + 30))
while tmux -L "$sock" has-session -t console 2>/dev/null && [ "$SECONDS" -lt "$end" ]; do
  sleep 0.1
done
if tmux -L "$sock" has-session -t console 2>/dev/null; then
  fail "quit: the console still runs after q"
  show_screen
else
  ok quit
fi
rc=$(cat "$dir/console.rc" 2>/dev/null)
if [ "$rc" = 0 ]; then ok quit_exit_0; else fail "quit_exit_0: exit status '$rc': $(cat "$dir/console.err" 2>/dev/null)"; fi

# exit_2 <name> <wanted stderr text> <args...>: the console exits 2 saying so.
exit_2() {
  local name=$1 wanted=$2
  shift 2
  local err rc
  err=$("$bin" console "$@" 2>&1 >/dev/null)
  rc=$?
  if [ "$rc" = 2 ] && grep -qF -- "$wanted" <<<"$err"; then
    ok "$name"
  else
    fail "$name: exit $rc, stderr: $err"
  fi
}
exit_2 bad_url "--url: expected http://HOST[:PORT], not 'nothing://x'" --url nothing://x --once --json
exit_2 unreachable_once "cannot reach http://127.0.0.1:1: " --url http://127.0.0.1:1 --once --json
exit_2 unreachable_interactive "cannot reach http://127.0.0.1:1: " --url http://127.0.0.1:1

echo "$passed passed, $failures failed"
[ "$failures" -eq 0 ]
