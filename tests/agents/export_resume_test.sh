#!/usr/bin/env bash
# trace export → the real Claude Code CLI: a calc.json session run by the real CLI is captured,
# scanned, exported (native, redacted, rebuilt from the TraceRecord), and put in place of the
# agent's own transcript; `claude -p ... --resume <session>` must load it and continue the
# session (offline, against the scripted model, which also answers the new prompt).
source "$(dirname "$0")/lib.sh"

name=calc repo=$T/repo
new_repo "$repo"
enable claude-code "$repo"
run_scenario "$name" "$repo"
check_agent_ran "$name" "$repo"
wait_drained 2>/dev/null || true
SID=$(basename "$SESSION" .jsonl)

section "capture, scan, export"
ot_step "capture the session" capture ingest "$SESSION" --project "$repo" || finish
ot_step "security policy recommended" bucket security policy recommended || finish
ot_step "security run" bucket security run --all || finish
out=$(ot trace export "$SID" --out "$T/export" --json) || { fail "trace export exited $?: $out"; finish; }
EXPORTED=$T/export/claude-code/$SID.jsonl
[ -f "$EXPORTED" ] && ok "exported $(wc -l <"$EXPORTED") lines to claude-code/$SID.jsonl" || { fail "no exported file"; finish; }
if cmp -s "$EXPORTED" "$SESSION"; then fail "the export is a byte copy of the agent's file (expected a rebuilt file)"
else ok "the export is rebuilt from the record ($(wc -l <"$SESSION") lines in the agent's file, $(wc -l <"$EXPORTED") exported)"; fi

section "resume the exported session with the real Claude Code CLI"
# The agent's own transcript goes away; the exported one takes its place.
mv "$SESSION" "$T/original.jsonl"
cp "$EXPORTED" "$SESSION"
LAST_UUID=$(tail -1 "$EXPORTED" | python3 -c 'import json,sys; print(json.load(sys.stdin)["uuid"])')
# The scenario plus one more prompt, for the scripted model to answer after the resume.
python3 - "$SCENARIOS/$name.json" "$T/resume.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
s["prompts"].append({"prompt": "Which functions does calc.py define? One line.",
                     "turns": [[{"type": "text", "text": "calc.py defines add and mul (resumed from the export)."}]]})
json.dump(s, open(sys.argv[2], "w"))
PY
prefix=$(
  source "$HARNESS/lib.sh"
  agents_dir
)/claude-code-${CLAUDE_CODE_VERSION:-2.1.197}
claude=$(ls "$prefix"/node_modules/@anthropic-ai/claude-code-linux-*/claude 2>/dev/null | head -1)
[ -x "$claude" ] || { fail "the Claude Code binary is not installed under $prefix (run_scenario installs it)"; finish; }
SCENARIO=$T/resume.json SCENARIO_CWD=$repo REQUEST_LOG=$T/resume-requests.jsonl node "$HARNESS/fake-model.mjs" >"$T/port" 2>"$T/model.err" &
model=$!
trap 'kill $model 2>/dev/null; cleanup' EXIT
for _ in $(seq 100); do grep -q listening "$T/port" 2>/dev/null && break; sleep 0.05; done
port=$(awk '/listening/{print $2}' "$T/port")
rc=0
(cd "$repo" && ANTHROPIC_BASE_URL=http://127.0.0.1:$port ANTHROPIC_API_KEY=sk-ant-scripted-not-a-key \
  IS_SANDBOX=1 CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1 DISABLE_TELEMETRY=1 DISABLE_AUTOUPDATER=1 \
  timeout "${OT_AGENT_TIMEOUT:-120}" "$claude" -p "Which functions does calc.py define? One line." --resume "$SID" \
  --permission-mode bypassPermissions --output-format json </dev/null >"$T/result.json" 2>"$T/agent.err") || rc=$?
if [ $rc -ne 0 ]; then
  fail "claude --resume on the exported session exited $rc"; { cat "$T/result.json"; tail -15 "$T/agent.err"; } | sed 's/^/       /'
  finish
fi
ok "claude --resume $SID accepted the exported session (exit 0)"
check "the resumed session answered the new prompt" python3 -c 'import json,sys
d = json.load(open(sys.argv[1])); assert "resumed from the export" in d.get("result", ""), d' "$T/result.json"
NEW_SID=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["session_id"])' "$T/result.json")
# The request the CLI sent carried the exported history: the first prompt's whole run comes before
# the new prompt (the scripted model logs how many messages each request held).
want=$(python3 - "$EXPORTED" <<'PY'
import json, sys
n, last = 0, None
for l in open(sys.argv[1]):
    d = json.loads(l)
    if d.get("type") not in ("user", "assistant"): continue
    role = d["message"]["role"]
    if role != last: n += 1
    last = role
print(n)
PY
)
got=$(python3 -c 'import json,sys
rows=[json.loads(l) for l in open(sys.argv[1]) if l.strip()]
print(max([r.get("messages", 0) for r in rows if r.get("prompt") == 2] or [0]))' "$T/resume-requests.jsonl")
if [ "$got" -ge "$want" ]; then ok "the resumed request carried the exported history: $got messages (the export holds $want turns)"
else fail "the resumed request held $got messages; the exported history has $want turns"; fi
# The CLI continued the exported transcript: the new prompt's line hangs off the export's last line.
NEW=$(find "$HOME/.claude/projects" -name "$NEW_SID.jsonl" | head -1)
check "the new turn continues the exported chain (parentUuid of the new prompt = the export's last uuid)" python3 - "$NEW" "$LAST_UUID" <<'PY'
import json, sys
uuids = {}
lines = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
for d in lines:
    if d.get("type") == "user" and "Which functions" in json.dumps(d.get("message", {})):
        cur, seen = d.get("parentUuid"), 0
        by = {x.get("uuid"): x for x in lines if x.get("uuid")}
        while cur and cur != sys.argv[2] and seen < 1000:  # walk up through attachment lines
            cur = by.get(cur, {}).get("parentUuid"); seen += 1
        assert cur == sys.argv[2], f"the new prompt does not descend from {sys.argv[2]}"
        sys.exit(0)
sys.exit("the new prompt is not in the transcript")
PY
check "trace parse reads the continued session" "$OT_BIN" trace parse "$NEW" --json
finish
