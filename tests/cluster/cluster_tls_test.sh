#!/usr/bin/env bash
# Remote workers over TLS (cluster.tls_*, libcaf_openssl): certificates from a CA made for
# the test; a worker with a certificate of that CA joins; a worker that then speaks plain TCP
# to the TLS door never joins, and its failed handshakes do not cost the engine the TLS
# worker it has, which renders a chunk (200, the chunk's bytes); the engine keeps serving.
# Usage: cluster_tls_test.sh <auralis-buffer binary> <scratch folder>
set -u
bin=$1
dir=$2/cluster-tls-$$
mkdir -p "$dir/data" "$dir/library" "$dir/pki"
source "$(dirname "$0")/cluster_lib.sh"

# A CA, and a certificate of it for the engine and one for the worker.
pki=$dir/pki
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=auralis test CA" \
  -keyout "$pki/ca.key" -out "$pki/ca.pem" 2>/dev/null
for who in engine worker; do
  openssl req -newkey rsa:2048 -nodes -subj "/CN=$who" -keyout "$pki/$who.key" \
    -out "$pki/$who.csr" 2>/dev/null
  openssl x509 -req -in "$pki/$who.csr" -CA "$pki/ca.pem" -CAkey "$pki/ca.key" \
    -CAcreateserial -days 2 -out "$pki/$who.pem" 2>/dev/null
done
[ -s "$pki/engine.pem" ] && [ -s "$pki/worker.pem" ] || { echo "FAIL pki: openssl"; exit 1; }

sox -n -r 44100 -c 2 -b 16 "$dir/library/one.wav" synth 40 pinknoise vol 0.3
cat >"$dir/engine.json" <<JSON
{"paths": {"data_dir": "$dir/data", "library_dir": "$dir/library", "presets_file": "$presets_file"},
 "cluster": {"listen": "127.0.0.1:0", "token": "s3cret", "local_workers": 0,
             "tls_certificate": "$pki/engine.pem", "tls_key": "$pki/engine.key",
             "tls_ca_file": "$pki/ca.pem"},
 "server": {"request_timeout_ms": 60000}, "tiers": {"overhead_mb": 0}}
JSON
start_engine "$dir/engine.json" '127\.0\.0\.1'
if ! grep -q "listening for workers on 127.0.0.1:$cport (TLS)" "$dir/engine.log"; then
  echo "FAIL start: the engine did not listen with TLS"
  exit 1
fi
ok listens_with_tls

# A TLS worker joins.
start_joined_worker tls_worker_joins --name tls --tls-cert "$pki/worker.pem" \
  --tls-key "$pki/worker.key" --tls-ca "$pki/ca.pem"
# A plain worker: it cannot speak to the TLS door, so it never joins; each of its attempts
# is a handshake the engine fails while the TLS worker's connection is open.
"$bin" --data-dir "$dir/plain" worker --connect "127.0.0.1:$cport" --token s3cret \
  --name plain >"$dir/plain.log" 2>&1 &
pids+=($!)
if until_true 60 grep -qs "cannot reach the engine" "$dir/plain.log" &&
   ! grep -q "worker plain" "$dir/engine.log" && ! grep -q "joined the engine" "$dir/plain.log"
then
  ok plain_worker_kept_out
else
  fail plain_worker_kept_out
  tail -n 5 "$dir/engine.log" "$dir/plain.log"
fi
# The TLS worker, still connected, does the engine's analysis and the render.
expect_analysed_and_rendered over_tls
if grep -q "went away" "$dir/w.log"; then
  fail "tls_worker_kept: the engine dropped it"
  cat "$dir/w.log"
else
  ok tls_worker_kept
fi
status=$(curl -s -o /dev/null -w '%{http_code}' "127.0.0.1:$eport/api/cache/health")
[ "$status" = 200 ] && ok serving || fail "serving: $status"
echo "$failures failed"
[ "$failures" = 0 ]
