#!/usr/bin/env bash
# Issue 3: `git opentraces trace parse` over the recorded sessions, plus bad input.
source "$(dirname "$0")/lib.sh"
S="$OT_FIXTURES/sessions"

# summary values per fixture: agent steps tool_calls patches errors subagent_steps (read off the fixtures)
check() {  # check FILE AGENT STEPS CALLS PATCHES ERRORS SUBAGENT
  run_ot trace parse "$S/$1" --json
  assert_rc 0 "parse $1"
  assert_envelope "parse $1"
  assert_eq "$2 $3 $4 $5 $6 $7" \
    "$(jq_out '.summary | "\(.agent) \(.steps) \(.tool_calls) \(.patches) \(.tool_errors) \(.subagent_steps)"')" "$1 summary"
  assert_eq "0.9.0" "$(jq_out .record.schema_version)" "$1 schema_version"
  assert_eq "$(jq_out .record.trace_id)" "$(jq_out .record.session_id)" "$1 session_id = trace_id"
}
check claude-code/cc-calc.jsonl claude-code 10 6 3 0 0
check claude-code/cc-bugfix.jsonl claude-code 16 12 6 1 0
check claude-code/cc-subagent.jsonl claude-code 9 5 2 0 4
check claude-code/cc-waste.jsonl claude-code 14 12 2 1 0
check codex/codex-calc.jsonl codex 10 6 3 0 0
check codex/codex-bugfix.jsonl codex 8 6 3 1 0
check pi/pi-calc.jsonl pi 10 6 3 0 0

# the parse is deterministic: same bytes twice, and content_hash recomputes (sha256 of
# the canonical record without content_hash / trace_id)
run_ot trace parse "$S/codex/codex-calc.jsonl" --json
first="$(jq_out .record)"
run_ot trace parse "$S/codex/codex-calc.jsonl" --json
assert_eq "$first" "$(jq_out .record)" "two parses give the same record"
want="$(printf '%s' "$OUT" | jq -cjS '.record | del(.content_hash, .trace_id)' | sha256sum | cut -d' ' -f1)"
assert_eq "$want" "$(jq_out .record.content_hash)" "content_hash is sha256 of the canonical record"

# --summary leaves the record out; --agent forces the format
run_ot trace parse "$S/pi/pi-calc.jsonl" --agent pi --json --summary
assert_rc 0 "--agent pi --summary"
assert_eq "null" "$(jq_out .record)" "--summary omits the record"

# human output names the essentials
run_ot trace parse "$S/claude-code/cc-bugfix.jsonl"
assert_rc 0 "human output"
assert_contains "$OUT" "claude-opus-4-8" "human output shows the model"
assert_contains "$OUT" "patches     6" "human output shows patches"

# bad input: exit 2 with a clear error envelope
printf '' > "$T/empty.jsonl"
run_ot trace parse "$T/empty.jsonl" --json
assert_rc 2 "empty file"
assert_eq "EMPTY_SESSION" "$(jq_out .error.code)" "empty file error code"
head -c 3000 /dev/urandom > "$T/random.bin" 2>/dev/null || true
printf '\x00\x01\x02garbage\xff\n' >> "$T/random.bin"
run_ot trace parse "$T/random.bin" --json
assert_rc 2 "binary file"
assert_eq "NOT_A_SESSION" "$(jq_out .error.code)" "binary file error code"
run_ot trace parse "$S/pi/pi-calc.jsonl" --agent codex --json
assert_rc 2 "wrong --agent"
assert_eq "NOT_A_SESSION" "$(jq_out .error.code)" "wrong agent error code"
run_ot trace parse "$S/pi/pi-calc.jsonl" --agent gemini
assert_rc 2 "unknown --agent"
assert_contains "$ERR" "claude-code" "unknown agent lists the choices"
run_ot trace parse "$T/missing.jsonl"
assert_rc 2 "missing file"

# a truncated session (agent still writing) parses as provisional with a limitation
head -c -40 "$S/codex/codex-calc.jsonl" > "$T/live.jsonl"
run_ot trace parse "$T/live.jsonl" --json
assert_rc 0 "truncated session"
assert_eq "provisional" "$(jq_out .record.lifecycle)" "truncated session is provisional"
assert_eq "truncated_final_line" "$(jq_out '.record.metadata.limitations[0].code')" "truncation recorded"

run_ot trace parse --help
assert_contains "$OUT" "Examples" "--help has examples"
finish
