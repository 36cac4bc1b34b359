#!/usr/bin/env bash
# Claude Code's own OpenTelemetry exporter → our OTLP receiver (docs/otlp.md). The real CLI runs
# calc.json with the exporter settings `setup claude-code --otlp` wrote into its settings.json (no
# OTEL_* variable comes from this script but the export intervals): the receiver's snapshot holds
# one api_request per model call of the session, flush puts them into the bucket, `ctx otel` lines
# them up with the session file's steps. Then the receiver is stopped and the same scenario runs
# again: the agent finishes as before and capture still stores its trace.
source "$(dirname "$0")/lib.sh"
export OTEL_LOGS_EXPORT_INTERVAL=500 OTEL_METRIC_EXPORT_INTERVAL=1000

repo=$T/repo
new_repo "$repo"
enable claude-code "$repo"

section "receiver and exporter settings"
out=$(ot capture-otlp start --port 0 --write-interval-ms 200 --json) || { fail "capture-otlp start: $out"; finish; }
PORT=$(jq -r .port <<<"$out")
ok "receiver on 127.0.0.1:$PORT (pid $(jq -r .pid <<<"$out"))"
trap 'ot capture-otlp stop >/dev/null 2>&1 || true; cleanup' EXIT
check "setup claude-code --otlp --port $PORT --log-prompts" ot setup claude-code --otlp --port "$PORT" --log-prompts
check "settings.json env points the exporter at the receiver" \
  test "$(jq -r .env.OTEL_EXPORTER_OTLP_ENDPOINT "$HOME/.claude/settings.json")" = "http://127.0.0.1:$PORT"

run_scenario calc "$repo"
SID=$(basename "$SESSION" .jsonl)
check_agent_ran calc "$repo"

section "snapshot"
# Model calls in the session file: one per distinct message id with usage (lines repeat it).
expected=$(python3 - "$SESSION" <<'PY'
import json, sys
ids = set()
for line in open(sys.argv[1]):
    d = json.loads(line)
    m = d.get("message") or {}
    if d.get("type") == "assistant" and m.get("usage") and not d.get("isSidechain"):
        ids.add(m.get("id"))
print(len(ids))
PY
)
snap=$OPENTRACES_HOME/staging/otel/$SID.json
for _ in $(seq 50); do
  [ -f "$snap" ] && [ "$(jq '.requests|length' "$snap")" -ge "$expected" ] && break
  sleep 0.2
done
n=$(jq '.requests|length' "$snap" 2>/dev/null || echo 0)
if [ "$n" -eq "$expected" ]; then ok "snapshot $SID.json: $n api_request events, one per model call of the session ($expected)"
else fail "snapshot holds $n requests, the session file $expected model calls"; ls -la "$OPENTRACES_HOME/staging/otel" 2>&1 | sed 's/^/       /'; fi
check "every request has token counts and a request id" \
  jq -e 'all(.requests[]; .request_id != null and .input_tokens > 0 and .output_tokens > 0 and .cache_read_tokens >= 0)' "$snap"
check "both prompts logged (--log-prompts)" jq -e '[.prompts[].text | select(. != null)] | length == 2' "$snap"
check "tool results of the run: Write, Read, Edit, Bash ok" \
  jq -e '[.tools[] | select(.success == true) | .tool_name] | (index("Write") != null and index("Edit") != null and index("Bash") != null)' "$snap"

section "flush and ctx"
wait_drained
check "the session is in the bucket" ot trace get "$SID" --json
check "capture-otlp flush --session $SID" ot capture-otlp flush --session "$SID"
v=$(ot ctx otel "$SID" --json) || fail "ctx otel failed: $v"
echo "$v" >"$T/otel.json"
check "ctx otel: $expected requests, each matched to a step with the same token counts" \
  jq -e --argjson n "$expected" '.request_count == $n and .matched_count == $n and ([.requests[].otel.prompt] | all(. > 0))' "$T/otel.json"
check "ctx otel: totals equal the session file's (input, cache read, cache write)" \
  jq -e '.totals.otel.input == .totals.transcript.input and .totals.otel.cache_read == .totals.transcript.cache_read and .totals.otel.cache_creation == .totals.transcript.cache_creation' "$T/otel.json"
check "ctx overview shows the otel requests" bash -c "\"$OT_BIN\" ctx \"$SID\" </dev/null | grep -q 'otel: $expected model requests'"
ot ctx otel "$SID" </dev/null | head -8 | sed 's/^/    /'

section "receiver down: the agent is unaffected"
check "capture-otlp stop" ot capture-otlp stop
if curl -s -o /dev/null "http://127.0.0.1:$PORT/"; then fail "something still answers on $PORT"; else ok "nothing listens on 127.0.0.1:$PORT"; fi
before=$(trace_count)
repo2=$T/repo2
new_repo "$repo2"
(cd "$repo2" && "$OT_BIN" init --agent claude-code </dev/null >/dev/null 2>&1 && "$OT_BIN" setup git --yes </dev/null >/dev/null 2>&1 \
  && git add -A && git commit -qm "Enable opentraces" >/dev/null 2>&1) || true
first_secs=$SECONDS
run_scenario calc "$repo2"
check_agent_ran calc "$repo2"
grep -iE 'otlp|ECONNREFUSED|export' "$RUN_LOG/agent.err" 2>/dev/null | head -3 | sed 's/^/    agent stderr: /' || true
wait_drained
after=$(trace_count)
if [ "$after" -eq $((before + 1)) ]; then ok "capture stored the second session ($before -> $after traces)"
else fail "the bucket went from $before to $after traces"; fi
[ -f "$OPENTRACES_HOME/staging/otel/$(basename "$SESSION" .jsonl).json" ] && fail "a snapshot appeared with no receiver" \
  || ok "no snapshot for the second session (nothing received it)"
finish
