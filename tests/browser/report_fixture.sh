# Builds the fixture world `report` is checked on (sourced by report_test.sh after lib.sh):
# a repo whose commits carry real fixture sessions' edits anchored by `trail attach`
# (Claude Code calc, Codex calc), a human commit, and a bucket holding every fixture
# session (tokens, the bugfix session's Skill call, the waste session's signals).
# Sets REPO, CC_TRACE, CODEX_TRACE.

REPO="$(new_repo report)"
cd "$REPO"
for h in post-commit post-rewrite; do
  printf '#!/bin/sh\ngit opentraces hook %s "$@"\n' "$h" > ".git/hooks/$h"
  chmod +x ".git/hooks/$h"
done
mkdir -p "$OPENTRACES_HOME/spool"

for f in claude-code/cc-calc claude-code/cc-bugfix claude-code/cc-waste; do
  "$OT_BIN" capture ingest "$OT_FIXTURES/sessions/$f.jsonl" --agent claude-code --json >/dev/null
done
for f in codex/codex-calc codex/codex-bugfix; do
  "$OT_BIN" capture ingest "$OT_FIXTURES/sessions/$f.jsonl" --agent codex --json >/dev/null
done
"$OT_BIN" capture ingest "$OT_FIXTURES/sessions/pi/pi-calc.jsonl" --agent pi --json >/dev/null

# Commit 1: the Claude Code calc session's final calc.py, its patches anchored.
"$OT_BIN" trace parse "$OT_FIXTURES/sessions/claude-code/cc-calc.jsonl" --json | jq '.record' > "$T/cc.json"
CC_TRACE="$(jq -r .trace_id "$T/cc.json")"
cat > calc.py <<'PY'
def add(a, b):
    """Return the sum of a and b."""
    return a + b


def mul(a, b):
    result = a * b
    return result
PY
git add calc.py && git commit -q -m "agent: calc"
"$OT_BIN" trail attach --patches "$T/cc.json" --json >/dev/null

# Commit 2: a human adds sub().
printf '\n\ndef sub(a, b):\n    return a - b\n' >> calc.py
git commit -q -a -m "human: sub"

# Commit 3: the Codex calc session's file, anchored.
"$OT_BIN" trace parse "$OT_FIXTURES/sessions/codex/codex-calc.jsonl" --json | jq '.record' > "$T/codex.json"
CODEX_TRACE="$(jq -r .trace_id "$T/codex.json")"
jq -r '[.patches[] | select(.operation == "create")][0].authored_text // empty' "$T/codex.json" > "$T/codex-file"
codex_path="$(jq -r '[.patches[] | select(.operation == "create")][0].file_path // empty' "$T/codex.json")"
if [ -n "$codex_path" ]; then
  mkdir -p "$(dirname "$codex_path")"
  # The session's later edits applied in order (the final text the agent left).
  python3 - "$T/codex.json" "$codex_path" <<'PY'
import json, sys
rec = json.load(open(sys.argv[1]))
path = sys.argv[2]
text = ""
for p in rec["patches"]:
    if p["file_path"] != path:
        continue
    if p["operation"] == "create":
        text = p["authored_text"]
    elif p["old_text"] in text:
        text = text.replace(p["old_text"], p["authored_text"], 1)
open(path, "w").write(text)
PY
  git add "$codex_path" && git commit -q -m "agent: codex calc"
  "$OT_BIN" trail attach --patches "$T/codex.json" --json >/dev/null
fi
