#!/usr/bin/env bash
# calc.json run twice in the same repo by the real Claude Code: two sessions, so two traces, and
# each run's commits attributed to its own trace (the first run's blame unchanged by the second).
source "$(dirname "$0")/lib.sh"

name=calc repo=$T/repo
new_repo "$repo"
enable claude-code "$repo"

run_scenario "$name" "$repo"; BASE1=$BASE SESSION1=$SESSION
check_agent_ran "$name" "$repo"
check_bucket "$name" 0 "$repo"
check_blame "$name" "$repo"; TRACES1=$BLAME_TRACES

# The human starts over (removes what the agent wrote), so the second run writes and commits again.
git -C "$repo" rm -q calc.py && git -C "$repo" commit -qm "Start over"
run_scenario "$name" "$repo"; BASE2=$BASE
if [ "$SESSION" != "$SESSION1" ]; then ok "the second run is a new session"; else fail "the second run reused session $SESSION"; fi
check_agent_ran "$name" "$repo"
check_bucket "$name" 1 "$repo"
check_blame "$name" "$repo" --only-after-base; TRACES2=$BLAME_TRACES

section "both runs' attribution after the second run"
if [ -n "$TRACES1" ] && [ -n "$TRACES2" ]; then
  for sha in $(git -C "$repo" rev-list --reverse "$BASE1..$BASE2"); do
    [ "$(git -C "$repo" log -1 --format=%s "$sha")" = "Start over" ] && continue
    t=$(cd "$repo" && ot trail blame "$sha" --json | python3 -c 'import json,sys
d=json.load(sys.stdin); print(" ".join(sorted({l["trace_id"] for f in (d.get("files") or {}).values() for l in f.get("lines",[]) if l.get("trace_id")})))') || true
    if [ "$t " = "$TRACES1" ]; then ok "first-run commit ${sha:0:8} still attributed to the first trace ${t:0:8}"
    else fail "first-run commit ${sha:0:8}: attributed to '$t' after the second run, was '$TRACES1'"; fi
  done
  if [ "$TRACES1" != "$TRACES2" ]; then ok "two runs, two traces: ${TRACES1:0:8} and ${TRACES2:0:8}"
  else fail "both runs' commits are attributed to '$TRACES1'; expected two different traces"; fi
fi  # else: check_blame already reported why blame could not run (pending) or what was wrong
finish
