#!/usr/bin/env bash
# Codex, codex-bugfix.json: failing test, fix via apply_patch, passing test, commit.
# Real agent CLI, scripted model; checks derived from tests/fixtures/scenarios/codex-bugfix.json (see lib.sh).
source "$(dirname "$0")/lib.sh"
scenario_test codex-bugfix
finish
