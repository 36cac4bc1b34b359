#!/usr/bin/env bash
# Pi, pi-calc.json: write/read/edit/bash, then a continued prompt with a resteer.
# Real agent CLI, scripted model; checks derived from tests/fixtures/scenarios/pi-calc.json (see lib.sh).
source "$(dirname "$0")/lib.sh"
scenario_test pi-calc
section "run intelligence"
trace_view pi-calc "run-intel: the resumed prompt is a resteer" "trace get {id} --run-intel" 'd["counts"]["resteer"] == 1'
finish
