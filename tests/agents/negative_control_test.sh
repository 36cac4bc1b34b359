#!/usr/bin/env bash
# Negative control: with our agent hooks removed (`setup <agent> --remove`), the same scenario must
# leave no trace: no spool items from that agent, no new trace in the bucket, no notes on its commits.
# One run per agent (calc, codex-calc, pi-calc), each in its own repo and homes.
source "$(dirname "$0")/lib.sh"

for name in calc codex-calc pi-calc; do
  agent=$(agent_of "$name") repo=$T/repo-$name
  rm -rf "$OPENTRACES_HOME" "$HOME"/.claude "$HOME"/.codex "$HOME"/.pi; mkdir -p "$OPENTRACES_HOME"
  new_repo "$repo"
  enable "$agent" "$repo"
  [ "$HOOKS_ON" = 1 ] || { pending "setup $agent" "negative control for $agent (hooks removed -> nothing captured)"; continue; }
  cd "$repo"
  ot_step "remove the $agent hooks" setup "$agent" --remove || { cd "$T"; continue; }
  cd "$T"
  before=0; implemented "bucket list" && before=$(trace_count)
  run_scenario "$name" "$repo"
  check "the run itself still did what the scenario says" python3 "$HARNESS/expect.py" check-repo "$SCENARIOS/$name.json" "$repo" "$BASE"
  section "nothing captured from $agent"
  wait_drained
  n=$(spool_count "$agent")
  if [ "$n" -eq 0 ]; then ok "no spool items from $agent"; else fail "$n spool items from $agent although its hooks were removed"; fi
  if feature "bucket list" "no new trace in the bucket"; then
    after=$(trace_count)
    if [ "$after" -eq "$before" ]; then ok "no new trace in the bucket ($before -> $after)"
    else fail "the bucket went from $before to $after traces although the $agent hooks were removed"; fi
  fi
  if [ "$GIT_HOOKS_ON" = 1 ] && implemented "bucket list" && implemented "trail blame"; then
    notes=$(git -C "$repo" notes --ref=opentraces list 2>/dev/null | wc -l)
    if [ "$notes" -eq 0 ]; then ok "no notes in refs/notes/opentraces"
    else fail "$notes commits carry opentraces notes although nothing was captured"; fi
  fi
done
finish
