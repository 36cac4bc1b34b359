#!/usr/bin/env bash
# Claude Code, waste.json: repeated searches, a large output, repeated reads, a two-file rename.
# Real agent CLI, scripted model; checks derived from tests/fixtures/scenarios/waste.json (see lib.sh).
source "$(dirname "$0")/lib.sh"
scenario_test waste
finish
