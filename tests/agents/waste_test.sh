#!/usr/bin/env bash
# Claude Code, waste.json: repeated searches, a large output, repeated reads, a two-file rename.
# Real agent CLI, scripted model; checks derived from tests/fixtures/scenarios/waste.json (see lib.sh).
source "$(dirname "$0")/lib.sh"
scenario_test waste
section "context waste"
trace_view waste "waste: repeated searches (5 greps), a large output (cat of 35 KB), repeated reads of app/core.py" "trace get {id} --waste" \
  'd["summary"]["repeated_search_count"] >= 1 and d["summary"]["large_output_count"] >= 1 and any(f["pattern"] == "repeated_file_read" and f["evidence"]["file_path"].endswith("app/core.py") for f in d["findings"])'
finish
