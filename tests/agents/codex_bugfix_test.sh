#!/usr/bin/env bash
# Codex, codex-bugfix.json: failing test, fix via apply_patch, passing test, commit.
# Real agent CLI, scripted model; checks derived from tests/fixtures/scenarios/codex-bugfix.json (see lib.sh).
source "$(dirname "$0")/lib.sh"
scenario_test codex-bugfix
section "run intelligence"
trace_view codex-bugfix "run-intel: the failing test and its recovery; one prompt, no resteer" "trace get {id} --run-intel" \
  'd["counts"]["failure"] >= 1 and d["counts"]["recovery"] >= 1 and d["counts"]["resteer"] == 0'
finish
