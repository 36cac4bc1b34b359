#!/usr/bin/env bash
# Codex, codex-calc.json: apply_patch add + update inside exec_command, then a resumed prompt.
# Real agent CLI, scripted model; checks derived from tests/fixtures/scenarios/codex-calc.json (see lib.sh).
source "$(dirname "$0")/lib.sh"
scenario_test codex-calc
section "run intelligence"
trace_view codex-calc "run-intel: the resumed prompt is a resteer" "trace get {id} --run-intel" 'd["counts"]["resteer"] == 1'
finish
