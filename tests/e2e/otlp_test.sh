#!/usr/bin/env bash
# capture-otlp end to end with the real binary: the daemon's start/status/stop/restart,
# loopback-only bind, the receiver fed the export bodies the real Claude Code sent
# (tests/fixtures/otlp/cc-calc, posted as the exporter does: chunked, application/json),
# 415 for protobuf, 400 / 413, the per-session snapshot, flush into the bucket and the
# ctx views, and `setup claude-code --otlp` on a settings.json.
source "$(dirname "$0")/lib.sh"

SID=353eec04-6006-41dd-b2d3-070193fd7d21
CALC=$OT_FIXTURES/otlp/cc-calc
# gone PID: no such process (or a zombie not yet reaped by whoever inherited it).
gone() { local st; st=$(ps -o stat= -p "$1" 2>/dev/null || true); [ -z "$st" ] || [[ $st == Z* ]]; }
stop_receiver() { "$OT_BIN" capture-otlp stop >/dev/null 2>&1 || true; }
trap 'stop_receiver; rm -rf "$T"' EXIT

# post PATH FILE [CONTENT-TYPE]: prints the HTTP status.
post() {
  curl -s -o "$T/resp" -w '%{http_code}' -X POST -H "Content-Type: ${3:-application/json}" \
    -H 'Transfer-Encoding: chunked' --data-binary "@$2" "http://127.0.0.1:$PORT$1"
}

echo "== refused binds, nothing running"
run_ot capture-otlp start --bind 0.0.0.0 --json
assert_rc 2 "start --bind 0.0.0.0 is refused"
assert_eq BIND_NOT_LOOPBACK "$(jq_out .error.code)" "error code names the rule"
run_ot capture-otlp start --bind 192.168.1.7 --foreground
assert_rc 2 "start --foreground --bind 192.168.1.7 is refused too"
assert_contains "$ERR" "127.0.0.1 only" "the message says why"
run_ot capture-otlp status --json
assert_rc 0 "status with no receiver"
assert_eq false "$(jq_out .enabled)" "not enabled"
check_schema opentraces.capture_otlp.v1 "status (stopped)"

echo "== start"
run_ot capture-otlp start --port 0 --write-interval-ms 100 --json
assert_rc 0 "start in the background"
check_schema opentraces.capture_otlp.v1 "start"
PORT=$(jq_out .port); PID=$(jq_out .pid)
assert_eq 127.0.0.1 "$(jq_out .bind)" "bound to loopback"
kill -0 "$PID" 2>/dev/null && pass "the receiver process $PID runs" || fail "no process $PID"
assert_eq "$PID" "$(cat "$OPENTRACES_HOME/otlp-receiver.pid")" "pid file"
if ss -ltn 2>/dev/null | grep -q "127.0.0.1:$PORT "; then pass "listening on 127.0.0.1:$PORT only"
elif ! command -v ss >/dev/null; then pass "(ss missing: listen address not inspected)"
else fail "not listening on 127.0.0.1:$PORT: $(ss -ltn | grep ":$PORT" || true)"; fi
run_ot capture-otlp start --port 0 --json
assert_rc 4 "a second start: already running"
assert_eq ALREADY_RUNNING "$(jq_out .error.code)" "ALREADY_RUNNING"
run_ot capture-otlp status --json
assert_eq true "$(jq_out .enabled)" "status: enabled"
assert_eq "$PID" "$(jq_out .pid)" "status: the pid"
assert_eq "http://127.0.0.1:$PORT" "$(jq_out .endpoint)" "status: the endpoint"
check_schema opentraces.capture_otlp.v1 "status (running)"

echo "== a second home cannot bind the same port"
set +e
OUT=$(OPENTRACES_HOME=$T/other "$OT_BIN" capture-otlp start --port "$PORT" --json 2>/dev/null </dev/null); RC=$?
set -e
assert_rc 6 "start on a port in use"
[ "$RC" -eq 0 ] && OPENTRACES_HOME=$T/other "$OT_BIN" capture-otlp stop >/dev/null 2>&1
assert_eq BIND_FAILED "$(jq_out .error.code)" "BIND_FAILED"

echo "== exports"
for f in "$CALC"/*.json; do
  path=/v1/metrics; [[ $f == *logs* ]] && path=/v1/logs
  code=$(post $path "$f")
  [ "$code" = 200 ] || fail "POST $path $(basename "$f") answered $code: $(cat "$T/resp")"
done
pass "13 recorded Claude Code exports accepted (200)"
printf '\x0a\x12\x0a\x10protobuf-bytes' >"$T/pb"
code=$(post /v1/logs "$T/pb" application/x-protobuf)
assert_eq 415 "$code" "protobuf body: 415"
assert_contains "$(cat "$T/resp")" "OTEL_EXPORTER_OTLP_PROTOCOL=http/json" "415 says how to fix it"
code=$(post /v1/metrics "$T/pb" application/x-protobuf)
assert_eq 415 "$code" "protobuf metrics: 415"
echo 'not json' >"$T/bad"
assert_eq 400 "$(post /v1/logs "$T/bad")" "a body that is not JSON: 400"
head -c $((9 * 1024 * 1024)) /dev/zero | tr '\0' ' ' >"$T/big"
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' --data-binary "@$T/big" "http://127.0.0.1:$PORT/v1/logs")
assert_eq 413 "$code" "a 9 MiB body: 413"
assert_eq 200 "$(post /v1/traces "$CALC/002-logs.json")" "traces: accepted, ignored"
# The exporter retries: sending everything again changes nothing.
for f in "$CALC"/*logs.json; do post /v1/logs "$f" >/dev/null; done

SNAP=$OPENTRACES_HOME/staging/otel/$SID.json
for _ in $(seq 50); do [ -f "$SNAP" ] && [ "$(jq '.requests|length' "$SNAP")" = 8 ] && break; sleep 0.1; done
assert_eq 8 "$(jq '.requests|length' "$SNAP" 2>/dev/null)" "snapshot has the session's 8 api requests"
assert_eq 1027 "$(jq '.request_totals.input_tokens' "$SNAP")" "input tokens"
assert_eq 1027 "$(jq '.metrics["tokens.input"]' "$SNAP")" "metrics agree"
assert_eq 600 "$(stat -c %a "$SNAP")" "snapshot is private (0600)"
run_ot capture-otlp status --json
assert_eq 8 "$(jq_out ".sessions[] | select(.session_id==\"$SID\") | .requests")" "status lists the session"
[ "$(jq_out .rejected_total)" -ge 2 ] && pass "rejections counted" || fail "rejected_total: $(jq_out .rejected_total)"
run_ot capture-otlp status
assert_contains "$OUT" "session $SID: 8 requests" "human status"

echo "== stop, restart"
run_ot capture-otlp stop --json
assert_rc 0 "stop"
check_schema opentraces.capture_otlp.v1 "stop"
assert_eq true "$(jq_out .was_running)" "it was running"
assert_eq false "$(jq_out .forced_kill)" "SIGTERM was enough"
gone "$PID" && pass "process gone" || fail "process $PID still alive"
[ -f "$OPENTRACES_HOME/otlp-receiver.pid" ] && fail "pid file left" || pass "pid file removed"
assert_eq 8 "$(jq '.requests|length' "$SNAP")" "snapshot kept"
run_ot capture-otlp stop --json
assert_eq false "$(jq_out .was_running)" "stop again: not running"
# A dead pid file is cleaned up by status.
echo 999999 >"$OPENTRACES_HOME/otlp-receiver.pid"
run_ot capture-otlp status --json
assert_eq true "$(jq_out .stale_pid)" "status: stale pid file noticed"
[ -f "$OPENTRACES_HOME/otlp-receiver.pid" ] && fail "stale pid file kept" || pass "stale pid file removed"
run_ot capture-otlp start --port 0 --json
assert_rc 0 "start after stop"
P1=$(jq_out .pid)
run_ot capture-otlp restart --port 0 --json
assert_rc 0 "restart"
check_schema opentraces.capture_otlp.v1 "restart"
P2=$(jq_out .pid); PORT=$(jq_out .port)
[ "$P1" != "$P2" ] && gone "$P1" && pass "restart replaced pid $P1 with $P2" || fail "restart: $P1 -> $P2"
# The new receiver continues the session's snapshot.
code=$(post /v1/logs "$CALC/002-logs.json" || true)
assert_eq 200 "$code" "the restarted receiver answers on its new port $PORT"
[ "$code" = 200 ] || { cat "$OPENTRACES_HOME/logs/otlp-receiver.log"; "$OT_BIN" capture-otlp status; }
sleep 0.5
assert_eq 8 "$(jq '.requests|length' "$SNAP")" "restarted receiver continued the snapshot (no duplicates)"
run_ot capture-otlp stop --json

echo "== flush into the bucket, ctx"
run_ot capture-otlp flush --session nope --json
assert_rc 7 "flush without a snapshot"
assert_contains "$(jq_out .error.hint)" "$SID" "the error lists the sessions that have one"
run_ot capture ingest "$CALC/session.jsonl" --agent claude-code --json
assert_rc 0 "the session file of the same run ingested"
run_ot capture-otlp flush --session "$SID" --json
assert_rc 0 "flush"
check_schema opentraces.capture_otlp.v1 "flush"
assert_eq 8 "$(jq_out .nodes_appended)" "8 otel nodes appended"
assert_eq true "$(jq_out .trace_stored)" "onto the stored trace"
run_ot capture-otlp flush --session "$SID"
assert_contains "$OUT" "0 layers, 0 nodes appended (8 requests already there)" "flush again appends nothing"
run_ot ctx otel "${SID:0:8}" --json
assert_rc 0 "ctx otel"
check_schema opentraces.ctx.otel.v1 "ctx otel"
assert_eq 8 "$(jq_out .matched_count)" "every request matched to a step"
assert_eq true "$(jq_out '[.requests[].agrees]|all')" "token counts agree with the session file's"
run_ot ctx otel "$SID"
assert_contains "$OUT" "req_scripted_0002" "human view lists the requests"
assert_contains "$OUT" "transcript" "… beside the session file's counts"
run_ot ctx "$SID" --json
assert_eq 8 "$(jq_out '.views[0].otel.requests // .otel.requests')" "ctx overview counts the otel requests"
check_schema opentraces.ctx.view.v1 "ctx overview with otel"
run_ot ctx "$SID"
assert_contains "$OUT" "otel: 8 model requests" "human overview"
STEP=$("$OT_BIN" ctx otel "$SID" --json | jq '.requests[0].step_index')
run_ot ctx "$SID:$STEP"
assert_contains "$OUT" "otel: request req_scripted_0002: 2,362 prompt tokens" "step view shows its request"

echo "== setup claude-code --otlp"
S=$HOME/.claude/settings.json
mkdir -p "$HOME/.claude"
printf '{\n  "model": "opus",\n  "env": {"A": "1"}\n}\n' >"$S"
cp "$S" "$T/orig.json"
run_ot setup claude-code --otlp --port 4999 --json
assert_rc 0 "setup claude-code --otlp"
assert_eq "http://127.0.0.1:4999" "$(jq -r .env.OTEL_EXPORTER_OTLP_ENDPOINT "$S")" "endpoint written"
assert_eq "http/json" "$(jq -r .env.OTEL_EXPORTER_OTLP_PROTOCOL "$S")" "protocol http/json"
assert_eq 1 "$(jq -r .env.CLAUDE_CODE_ENABLE_TELEMETRY "$S")" "telemetry on"
assert_eq otlp "$(jq -r .env.OTEL_LOGS_EXPORTER "$S")" "logs exporter"
assert_eq null "$(jq -r .env.OTEL_LOG_USER_PROMPTS "$S")" "prompts not exported unless asked"
assert_eq 1 "$(jq -r .env.A "$S")" "the user's env kept"
[ -n "$(jq_out .backup)" ] && [ -f "$(jq_out .backup)" ] && pass "backup written" || fail "no backup: $OUT"
run_ot setup claude-code --otlp --port 4999 --json
assert_eq false "$(jq_out .changed)" "idempotent"
run_ot setup claude-code --otlp --port 4999 --log-prompts --json
assert_eq 1 "$(jq -r .env.OTEL_LOG_USER_PROMPTS "$S")" "--log-prompts"
run_ot setup claude-code --json
assert_rc 0 "the hooks beside it"
run_ot setup claude-code --otlp --uninstall --json
assert_rc 0 "--otlp --uninstall"
assert_eq null "$(jq -r .env.OTEL_EXPORTER_OTLP_ENDPOINT "$S")" "env keys removed"
assert_eq 1 "$(jq -r .env.A "$S")" "the user's env still there"
[ "$(jq '.hooks|length' "$S")" -gt 0 ] && pass "hooks untouched by --otlp --uninstall" || fail "hooks gone"
run_ot setup claude-code --uninstall --json
if cmp -s "$S" "$T/orig.json"; then pass "removing both gives the original bytes back"
else jq -S . "$S" >"$T/a"; jq -S . "$T/orig.json" >"$T/b"; cmp -s "$T/a" "$T/b" && pass "removing both gives the original content back" || fail "settings differ: $(cat "$S")"; fi
printf '{"env": {"OTEL_EXPORTER_OTLP_ENDPOINT": "https://otel.example.com"}}\n' >"$S"
run_ot setup claude-code --otlp --json
assert_rc 3 "someone else's exporter: refused"
assert_eq SETTINGS_CONFLICT "$(jq_out .error.code)" "SETTINGS_CONFLICT"
assert_eq "https://otel.example.com" "$(jq -r .env.OTEL_EXPORTER_OTLP_ENDPOINT "$S")" "their endpoint untouched"
run_ot setup claude-code --otlp --force --json
assert_rc 0 "--force replaces it"

finish
