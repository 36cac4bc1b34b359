#!/usr/bin/env bash
# Claude Code, subagent.json: the Agent tool starts a sub-agent that edits README.md.
# Real agent CLI, scripted model; checks derived from tests/fixtures/scenarios/subagent.json (see lib.sh).
source "$(dirname "$0")/lib.sh"
scenario_test subagent
finish
