#!/usr/bin/env bash
# `git opentraces serve` on a port that is already taken fails at once with PORT_IN_USE
# (exit 3) and leaves the first server answering — whether the port is held by another
# `serve` or by a listener that allows port sharing (SO_REUSEPORT, cpp-httplib's default).
# A server that set SO_REUSEPORT itself would share the port and split the requests.
source "$(dirname "$0")/lib.sh"
SERVE_PID=""; HOLDER_PID=""
trap 'for p in $SERVE_PID $HOLDER_PID; do kill "$p" 2>/dev/null || true; done; rm -rf "$T"' EXIT
repo="$(new_repo served)"
cd "$repo"

# wait_json FILE: until FILE holds the server's JSON (30 s at most: a loaded machine).
wait_json() { for _ in $(seq 1 300); do jq -e .port "$1" >/dev/null 2>&1 && return 0; sleep 0.1; done; return 1; }

"$OT_BIN" serve --json > "$T/first.json" 2> "$T/first.err" &
SERVE_PID=$!
wait_json "$T/first.json" || { fail "the first server did not start: $(cat "$T/first.err")"; finish; }
PORT="$(jq -r .port "$T/first.json")"; URL="$(jq -r .url "$T/first.json")"
kill -0 "$SERVE_PID" 2>/dev/null && pass "the first server runs on port $PORT" || fail "the first server exited: $(cat "$T/first.err")"

set +e
OUT="$(timeout 10 "$OT_BIN" serve --port "$PORT" --json 2>"$T/stderr" </dev/null)"; RC=$?
set -e
ERR="$(cat "$T/stderr")"
assert_rc 3 "a second serve on the first one's port $PORT"
assert_eq PORT_IN_USE "$(jq_out .error.code)" "error code PORT_IN_USE"
assert_contains "$(jq_out .error.message)" "127.0.0.1:$PORT" "the message names the port"
assert_contains "$(jq_out .error.hint)" "--port 0" "the hint says how to get a free port"
run_ot serve --port "$PORT"
assert_rc 3 "human output: exit 3 too"
assert_contains "$ERR" "cannot listen on 127.0.0.1:$PORT" "human output says what failed"
for i in 1 2 3 4 5 6; do
  code="$(curl -s -o /dev/null -w '%{http_code}' "$URL")"
  [ "$code" = 200 ] || { fail "request $i to the first server answered $code"; break; }
done
[ "${code:-}" = 200 ] && pass "the first server answers every request"
kill "$SERVE_PID"; wait "$SERVE_PID" 2>/dev/null || true; SERVE_PID=""

# A foreign listener that allows sharing the port.
python3 - "$T/holder.port" <<'PY' &
import socket, sys, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
s.bind(("127.0.0.1", 0)); s.listen(4)
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write(str(s.getsockname()[1]))
import os; os.rename(sys.argv[1] + ".tmp", sys.argv[1])
time.sleep(60)
PY
HOLDER_PID=$!
for _ in $(seq 1 300); do [ -s "$T/holder.port" ] && break; sleep 0.1; done
HPORT="$(cat "$T/holder.port")"
[ -n "$HPORT" ] || { fail "the SO_REUSEPORT listener did not start"; finish; }
set +e
OUT="$(timeout 10 "$OT_BIN" serve --port "$HPORT" --json 2>"$T/stderr" </dev/null)"; RC=$?
set -e
ERR="$(cat "$T/stderr")"
assert_rc 3 "serve on a port held by a SO_REUSEPORT listener"
assert_eq PORT_IN_USE "$(jq_out .error.code)" "PORT_IN_USE there too"
finish
