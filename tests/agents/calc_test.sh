#!/usr/bin/env bash
# Claude Code, calc.json: Write, Read, Edit, Bash commit; a resumed second prompt commits again.
# Real agent CLI, scripted model; checks derived from tests/fixtures/scenarios/calc.json (see lib.sh).
source "$(dirname "$0")/lib.sh"
scenario_test calc
section "run intelligence"
trace_view calc "run-intel: the resumed prompt is a resteer" "trace get {id} --run-intel" 'd["counts"]["resteer"] == 1'
finish
