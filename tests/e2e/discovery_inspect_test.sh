#!/usr/bin/env bash
# Trace discovery, the inspect half: addresses (every form, ambiguous prefix, missing step),
# trace get (overview, step, span, card, bursts, run-intel, waste), map, slice, skills, compare,
# the bare-address root dispatch, and every envelope checked against docs/schemas/.
source "$(dirname "$0")/lib.sh"

SCHEMAS="$(cd "$(dirname "$0")/../../docs/schemas" && pwd)"
: "${OT_SCHEMA_CHECK:?OT_SCHEMA_CHECK must point at tests/tools ot_schema_check (CTest sets it)}"
CRAFTED="$OT_FIXTURES/crafted"

# valid SCHEMA_ID WHAT: $OUT conforms to docs/schemas/SCHEMA_ID.json.
valid() {
  local err
  if err="$(printf '%s' "$OUT" | "$OT_SCHEMA_CHECK" "$SCHEMAS/$1.json" - 2>&1)"; then pass "$2: valid $1"
  else fail "$2: not valid against $1: $err"; fi
}

BUG=521e4b12-54d4-44ca-b3b1-c96de92eb61e       # cc-bugfix.jsonl
SIG=c0ffee00-0000-4000-8000-000000000001       # crafted: every signal
CLEAN=c0ffee00-0000-4000-8000-000000000002     # crafted: none
for f in "$OT_FIXTURES/sessions/claude-code/cc-bugfix.jsonl" "$OT_FIXTURES/sessions/codex/codex-bugfix.jsonl" \
         "$CRAFTED/cc-signals.jsonl" "$CRAFTED/cc-clean.jsonl"; do
  run_ot capture ingest "$f" --json
  assert_rc 0 "ingest $(basename "$f")"
done

# ---- addresses ----
run_ot trace get "$BUG" --json
assert_rc 0 "trace get <trace>"
assert_envelope "trace get"
valid opentraces.trace.get.v1 "overview"
assert_eq "16" "$(jq_out .trace.step_count)" "overview: 16 steps"
assert_eq "Add a stats module with mean and spread, with a test, and make the test pass." "$(jq_out .trace.title)" "overview: title is the first prompt"
assert_eq "3" "$(jq_out .trace.files_touched_count)" "overview: stats.py, test_stats.py, CHANGES.md"

run_ot trace get "${BUG:0:8}:3" --json
assert_rc 0 "unique prefix with a step"
valid opentraces.trace.get.v1 "step card"
assert_eq "$BUG" "$(jq_out .trace_id)" "prefix resolves to the full id"
assert_eq "3" "$(jq_out .step.step_index)" "step 3"
assert_eq "Bash" "$(jq_out '.step.tool_calls[0].tool_name')" "step 3 runs Bash"
assert_contains "$(jq_out .step.observations.first_error)" "Exit code 1" "step 3 carries its error"
assert_eq "tmn:$BUG:step:3:0" "$(jq_out .step.map_node_id)" "step card names its first map node"
assert_eq "git opentraces ctx $BUG:3" "$(jq_out '.next_steps[0]')" "next steps"

run_ot trace get "$BUG:last" --json
assert_eq "15" "$(jq_out .step.step_index)" ":last is the last step"
run_ot trace get "t:$BUG:2-4" --json
assert_rc 0 "span"
valid opentraces.trace.get.v1 "span"
assert_eq "2 4" "$(jq_out '"\(.span.from_step) \(.span.to_step)"')" "span 2..4"
assert_eq "2" "$(jq_out .slice.patch_count)" "span: its two patches (Write test_stats.py, Edit stats.py)"
run_ot trace get "ot://trace/$BUG/steps/5" --json
assert_eq "5" "$(jq_out .step.step_index)" "ot:// step URI"
run_ot trace get "ot://trace/$BUG/card" --json
assert_rc 0 "ot:// card URI"
valid opentraces.trace.get.v1 "card resource"
run_ot trace get "ot://trace/$BUG/map" --json
valid opentraces.trace.get.v1 "map resource"
run_ot trace get ":last" --json
assert_rc 0 ":last alone: the newest trace's last step"

run_ot trace get c0ffee00 --json
assert_rc 2 "ambiguous prefix"
assert_eq "AMBIGUOUS_TRACE_PREFIX" "$(jq_out .error.code)" "ambiguous: code"
assert_contains "$(jq_out .error.message)" "$SIG" "ambiguous: lists the first match"
assert_contains "$(jq_out .error.message)" "$CLEAN" "ambiguous: lists the second match"
run_ot trace get "$BUG:99" --json
assert_rc 6 "missing step"
assert_eq "STEP_NOT_FOUND" "$(jq_out .error.code)" "missing step: code"
assert_contains "$(jq_out .error.message)" "0..15" "missing step: the available range"
run_ot trace get "$BUG:10-20"
assert_rc 6 "span past the end"
assert_contains "$ERR" "0..15" "span past the end: the range (human error)"
run_ot trace get deadbeef-0000-0000-0000-000000000000 --json
assert_rc 6 "missing trace"
run_ot trace get "$BUG:origin" --json
assert_rc 2 ":origin is reserved"
assert_eq "UNSUPPORTED_ADDRESS" "$(jq_out .error.code)" ":origin code"
run_ot trace get "$BUG:4-2" --json
assert_rc 2 "reversed span"
run_ot trace get "$BUG:3" --run-intel --json
assert_rc 2 "a whole-trace view on a step"
run_ot trace get "$BUG" --waste --run-intel --json
assert_rc 2 "two views at once"

# Root dispatch: a bare address is `trace get`.
run_ot "$BUG:3" --json
assert_rc 0 "git opentraces <id>:3"
assert_eq "3" "$(jq_out .step.step_index)" "dispatch: full id with a step"
run_ot --json "${BUG:0:8}"
assert_rc 0 "git opentraces <prefix>"
assert_eq "$BUG" "$(jq_out .trace.trace_id)" "dispatch: a unique hex prefix"
run_ot frobnicate
assert_rc 2 "an unknown word is still an unknown command"
run_ot c0ffee00
assert_rc 2 "an ambiguous prefix does not dispatch"

# ---- run intelligence ----
run_ot trace get "$SIG" --run-intel --json
assert_rc 0 "run-intel"
assert_envelope "run-intel"
valid opentraces.run_intel.v1 "run-intel"
assert_eq '{"failure":2,"loop":1,"recovery":1,"resteer":1}' "$(jq_out '.counts | to_entries | sort_by(.key) | from_entries | tojson')" "crafted: each signal"
assert_eq "8" "$(jq_out '.signals[] | select(.kind=="resteer") | .step_index')" "resteer at the user's correction"
run_ot trace get "$CLEAN" --run-intel --json
assert_eq "0" "$(jq_out '.signals | length')" "clean: no signal"
run_ot trace get "$SIG" --run-intel
assert_contains "$OUT" "resteer  step 8" "run-intel human output"

# ---- context waste ----
run_ot trace get "$SIG" --waste --json
assert_rc 0 "waste"
valid opentraces.context_waste.v2 "waste"
assert_eq "1 1 1" "$(jq_out '"\(.summary.large_output_count) \(.summary.repeated_file_read_count) \(.summary.repeated_search_count)"')" "crafted: each waste pattern once"
assert_eq "16010" "$(jq_out '.findings[] | select(.pattern=="large_output") | .evidence.output_chars')" "large output size"
run_ot trace get "$SIG" --waste --large-output-chars 20000 --search-repeat 6 --json
assert_eq "0 0" "$(jq_out '"\(.summary.large_output_count) \(.summary.repeated_search_count)"')" "thresholds are flags"
assert_eq "20000" "$(jq_out .thresholds.large_output_chars)" "thresholds echoed"
run_ot trace get "$CLEAN" --waste --json
assert_eq "0" "$(jq_out .summary.context_waste_count)" "clean: no waste"

# ---- card ----
run_ot trace get "$SIG" --card --json
valid opentraces.trace.get.v1 "card"
assert_eq "2" "$(jq_out .card.burst_count)" "card: two bursts"
run_ot trace get "$SIG" --card
assert_contains "$OUT" "$SIG  Add a parse_row function" "card human line"

# ---- bursts, with the commit from the Trails notes ----
repo="$(new_repo crafted)"
sed -e "s#/home/dev/src/crafted#$repo#g" -e "s#c0ffee00-0000-4000-8000-000000000001#b0b0b0b0-0000-4000-8000-000000000009#g" \
  "$CRAFTED/cc-signals.jsonl" > "$T/moved.jsonl"
MOVED=b0b0b0b0-0000-4000-8000-000000000009
run_ot capture ingest "$T/moved.jsonl" --json
assert_rc 0 "ingest the session moved into a real repo"
printf "def parse_row(line):\n    return line.split(',')\n" > "$repo/parser.py"
printf "from parser import parse_row\n\nassert parse_row('a,b') == ['a', 'b']\n" > "$repo/test_parser.py"
(cd "$repo" && git add -A && git commit -q -m "Add parse_row")
C1="$(git -C "$repo" rev-parse HEAD)"
"$OT_BIN" trace parse "$T/moved.jsonl" --json | jq '.record' > "$T/moved-record.json"
pushd "$repo" >/dev/null
run_ot trail attach --patches "$T/moved-record.json" --json
assert_rc 0 "trail attach writes the notes"
popd >/dev/null
run_ot trace get "$MOVED" --bursts --json
assert_rc 0 "bursts"
valid opentraces.trace.get.v1 "bursts"
assert_eq "2" "$(jq_out '.bursts | length')" "two bursts at the default gap (35)"
assert_eq "1 5" "$(jq_out '"\(.bursts[0].step_range[0]) \(.bursts[0].step_range[1])"')" "burst 0: steps 1..5"
assert_eq "$C1" "$(jq_out '.bursts[0].burst_commit_sha')" "burst 0: the commit the notes name"
assert_eq "notes" "$(jq_out '.bursts[0].commit_source')" "burst 0: found through the notes"
assert_eq "Add parse_row" "$(jq_out '.bursts[0].intent.commit_subject')" "burst 0: commit subject"
assert_eq "0" "$(jq_out '.bursts[0].intent_user_step')" "burst 0: intent is the first prompt"
run_ot trace get "$MOVED" --bursts --burst-gap 2 --json
assert_eq "3" "$(jq_out '.bursts | length')" "--burst-gap 2 splits steps 2 and 5"
run_ot trace get "$MOVED" --bursts
assert_contains "$OUT" "#0 steps 1..5" "bursts human output"

# ---- map ----
run_ot trace map "$BUG" --json
assert_rc 0 "map overview"
assert_envelope "map"
valid opentraces.trace.map.v1 "map overview"
assert_eq "2" "$(jq_out .section_total)" "map: two instructions"
assert_eq "1" "$(jq_out '.facets.type.error_signal')" "map: one error"
assert_eq "git opentraces trace slice $BUG --from-step 0 --to-step 15" "$(jq_out .handoff.command)" "map handoff"
run_ot trace map "$BUG:8-15" --json
assert_eq "1" "$(jq_out .section_total)" "map of a span"
run_ot trace map "$BUG" --around "tmn:$BUG:step:3:1" --depth 1 --json
assert_rc 0 "map --around"
valid opentraces.trace.map.v1 "map --around"
assert_contains "$(jq_out '[.map.nodes[].action_type] | join(",")')" "test_run" "around the error: the test run"
run_ot trace map "$BUG" --from-node "tmn:$BUG:step:0:0" --walk forward --until test_run --json
valid opentraces.trace.map.v1 "map --from-node"
assert_eq "test_run" "$(jq_out '.map.nodes[-1].action_type')" "walk stops at the first test run"
run_ot trace map "$BUG" --bursts --json
valid opentraces.trace.map.v1 "map --bursts"
run_ot trace map "$BUG" --full --actions file_edit,test_run --json
valid opentraces.trace.map.v1 "map --full"
assert_eq "9" "$(jq_out '.map.nodes | length')" "6 edits and 3 test runs"
run_ot trace map "$BUG" --around "tmn:nope" --json
assert_rc 6 "unknown node"
run_ot trace map "$BUG"
assert_contains "$OUT" "LANDMARKS" "map human output"

# ---- slice ----
run_ot trace slice "$SIG" --template bursts --json
assert_rc 0 "slice --template bursts"
valid opentraces.trace.slice.v1 "slice bursts"
assert_eq "2" "$(jq_out '.slices | length')" "one slice per burst"
run_ot trace slice "$BUG" --around-step 3 --radius 2 --json
valid opentraces.trace.slice.v1 "slice around"
assert_eq "1 5" "$(jq_out '"\(.slices[0].start_step_index) \(.slices[0].end_step_index)"')" "around 3, radius 2"
run_ot trace slice "$BUG" --from-step 9 --to-step 14 --json
valid opentraces.trace.slice.v1 "slice range"
assert_eq "3" "$(jq_out '.slices[0].patch_count')" "steps 9..14: three patches"
run_ot trace slice "$BUG" --json
assert_rc 2 "slice without a mode"
run_ot trace slice "$BUG" --template bursts --around-step 2 --json
assert_rc 2 "slice with two modes"
run_ot trace slice "$BUG" --from-step 3 --json
assert_rc 2 "--from-step without --to-step"
run_ot trace slice "$BUG" --around-step 40 --json
assert_rc 6 "slice around a missing step"

# ---- skills ----
run_ot trace skills --json
assert_rc 0 "skills"
valid opentraces.trace.skills.v1 "skills"
assert_eq "1" "$(jq_out '.skills[] | select(.skill=="release-notes") | .invocations')" "release-notes counted once"
assert_eq "2" "$(jq_out '.skills[] | select(.skill=="lint-rules") | .traces')" "lint-rules in two traces (crafted and moved)"
assert_eq "slash_command" "$(jq_out '.skills[] | select(.skill=="deploy-check") | .sources[0]')" "slash command"
run_ot trace skills --skill release-notes
assert_eq "$(printf 'release-notes\t1\t1')" "$OUT" "skills human output"
run_ot trace skills --since 1m --json
assert_rc 0 "skills --since"
run_ot trace skills --since yesterdayish --json
assert_rc 2 "bad --since"

# ---- compare ----
run_ot trace compare "$SIG" "$CLEAN" --json
assert_rc 0 "compare"
valid opentraces.trace_compare.v1 "compare"
assert_eq "-59" "$(jq_out .delta.metrics.total_steps.delta)" "compare: step delta"
assert_eq "-1" "$(jq_out .delta.signals.resteer.delta)" "compare: resteer delta"
run_ot trace compare "$SIG" deadbeef-0000-0000-0000-000000000000 --json
assert_rc 6 "compare with a missing trace"
run_ot trace compare "$SIG" "$CLEAN"
assert_contains "$OUT" "total_steps  63 -> 4 (delta -59)" "compare human output"

finish
