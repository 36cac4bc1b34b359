#!/usr/bin/env bash
# Claude Code, bugfix.json: a failing test, the fix, recovery, a resteer and a project skill.
# Real agent CLI, scripted model; checks derived from tests/fixtures/scenarios/bugfix.json (see lib.sh).
source "$(dirname "$0")/lib.sh"
scenario_test bugfix
section "run intelligence and skills"
trace_view bugfix "run-intel: the failing test, its recovery, the resteer of the second prompt" "trace get {id} --run-intel" \
  'd["counts"]["failure"] >= 1 and d["counts"]["recovery"] >= 1 and d["counts"]["resteer"] == 1'
trace_view bugfix "trace skills: release-notes invoked once" "trace skills" \
  'any((s.get("skill") or s.get("name")) == "release-notes" and s.get("invocations") == 1 for s in d["skills"])'
finish
