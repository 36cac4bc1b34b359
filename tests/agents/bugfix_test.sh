#!/usr/bin/env bash
# Claude Code, bugfix.json: a failing test, the fix, recovery, a resteer and a project skill.
# Real agent CLI, scripted model; checks derived from tests/fixtures/scenarios/bugfix.json (see lib.sh).
source "$(dirname "$0")/lib.sh"
scenario_test bugfix
finish
