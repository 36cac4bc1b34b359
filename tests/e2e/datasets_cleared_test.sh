#!/usr/bin/env bash
# The datasets bar (#10) with the security pipeline in front of it: capture the real
# fixture sessions, clear them with `bucket security run --all`, then
# `dataset new demo --workflow bursts-sft-v1`, `dataset run demo --json`,
# `dataset review approve demo --all`. Rows: counted, schema-valid, cite real traces,
# steps and patches, are discovery's bursts (`trace get --bursts`), come only from
# traces the egress gate clears, and are all approved; a second run appends nothing.
# A trace captured after the scan gives blocked rows until it is scanned too.
source "$(dirname "$0")/lib.sh"
: "${OT_SCHEMA_CHECK:?OT_SCHEMA_CHECK must point at ot_schema_check (CTest sets it)}"
export OT_WORKFLOW_TEMPLATES="${OT_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}/workflows/templates"
DS="$OPENTRACES_HOME/datasets"
IDX="$DS/demo/.opentraces/row_index.jsonl"
jqo() { printf '%s' "$OUT" | jq "$@"; }  # jq over $OUT with options

# --- capture six fixtures now; pi-calc comes later, after the scan
for f in claude-code/cc-calc claude-code/cc-bugfix claude-code/cc-subagent claude-code/cc-waste; do
  run_ot capture ingest "$OT_FIXTURES/sessions/$f.jsonl" --agent claude-code --json
  assert_rc 0 "capture $f"
done
for f in codex/codex-calc codex/codex-bugfix; do
  run_ot capture ingest "$OT_FIXTURES/sessions/$f.jsonl" --agent codex --json
  assert_rc 0 "capture $f"
done

# --- clear them for egress
run_ot bucket security policy recommended --json
assert_rc 0 "security policy recommended"
run_ot bucket security run --all --json
assert_rc 0 "bucket security run --all"
assert_eq 6 "$(jq_out .filtered)" "six traces scanned"
run_ot bucket security check --all --json
assert_rc 0 "the egress gate clears all six"

# --- the bar
run_ot dataset new demo --workflow bursts-sft-v1 --json
assert_rc 0 "dataset new demo --workflow bursts-sft-v1"
run_ot dataset run demo --json
assert_rc 0 "dataset run demo --json"
assert_envelope "dataset run"
ROWS="$(jq_out .run.appended_count)"
assert_eq 6 "$(jq_out .run.candidate_count)" "six candidates"
assert_eq "[]" "$(jqo -c .run.uncleared_sources)" "no uncleared source"
# Row count: one row per change burst of every trace, as `trace get --bursts` computes them.
WANT=""
for tid in $(jq -r '.traces[].trace_id' <("$OT_BIN" bucket export "$T/exp" --json >/dev/null && cat "$T/exp/manifest.json")); do
  run_ot trace get "$tid" --bursts --json
  WANT+="$(jqo -r --arg t "$tid" '.bursts[] | "\(.step_range[0])-\(.step_range[1]) \(.intent_text)"' | sed "s/^/$tid:/")"$'\n'
done
WANT="$(printf '%s' "$WANT" | sed '/^$/d' | sort)"
GOT="$(jq -r '"\(.source_ref) \(.intent_text)"' "$DS/demo/data/train.jsonl" | sort)"
assert_eq "$WANT" "$GOT" "rows are discovery's bursts (trace, step range, intent), one row each"
assert_eq "$(printf '%s\n' "$WANT" | wc -l | tr -d ' ')" "$ROWS" "row count = burst count"
if [ "$ROWS" -ge 5 ]; then pass "$ROWS rows"; else fail "expected at least 5 rows, got $ROWS"; fi
assert_eq "$ROWS" "$(wc -l < "$DS/demo/data/train.jsonl" | tr -d ' ')" "train.jsonl: one line per row"
assert_eq "$ROWS" "$(wc -l < "$IDX" | tr -d ' ')" "row index: one entry per row"
split -l 1 -d -a 4 "$DS/demo/data/train.jsonl" "$T/row-"
if "$OT_SCHEMA_CHECK" "$DS/demo/.opentraces/row.schema.json" "$T"/row-* >"$T/check.log" 2>&1; then
  pass "every row validates against row.schema.json"
else fail "schema check: $(cat "$T/check.log")"; fi
# Provenance against an independent copy of the bucket.
TRACEMAP="$(jq -c '[.traces[] | {key: .trace_id, value: {record_hash, steps: .summary.step_count}}] | from_entries' "$T/exp/manifest.json")"
BAD="$(jq -r --argjson t "$TRACEMAP" '.provenance as $p
  | select(($t[$p.trace_id] == null) or ($p.record_ref.record_hash != $t[$p.trace_id].record_hash)
      or ($p.step_range[0] < 0) or ($p.step_range[1] >= $t[$p.trace_id].steps)) | .row_id' "$IDX")"
assert_eq "" "$BAD" "provenance names the scanned record, and steps inside it"
BAD_PATCH=0
while IFS= read -r row; do
  tid="$(jq -r .trace_id <<<"$row")"
  h="$(jq -r --arg t "$tid" '.[$t].record_hash' <<<"$TRACEMAP")"; h="${h#sha256:}"
  n="$(jq --argjson r "$row" '[.patches[] | select(.patch_id as $id | $r.patches | map(.patch_id) | index($id))
        | select(.step_index >= $r.step_range[0] and .step_index <= $r.step_range[1])] | length' "$T/exp/objects/${h:0:2}/$h.json")"
  [ "$n" = "$(jq '.patches | length' <<<"$row")" ] || BAD_PATCH=$((BAD_PATCH + 1))
done < "$DS/demo/data/train.jsonl"
assert_eq 0 "$BAD_PATCH" "every cited patch is in its trace's record, inside the row's steps"
# Only from cleared traces: the recorded verdict, and the gate asked again per trace.
assert_eq "" "$(jq -r 'select(.provenance.security.source_cleared != true) | .row_id' "$IDX")" "every row records a cleared source"
assert_eq "" "$(jq -r 'select((.provenance.security.tools_applied | sort) != ["business_logic","entropy","path_anonymizer","regex"]) | .row_id' "$IDX")" \
  "every row went through the reader-floor tools"
for tid in $(jq -r .provenance.trace_id "$IDX" | sort -u); do
  run_ot bucket security check "$tid" --json
  assert_rc 0 "gate clears source $tid"
done

run_ot dataset review approve demo --all --json
assert_rc 0 "dataset review approve demo --all"
assert_eq "$ROWS" "$(jq_out '.row_ids | length')" "every row approved"
assert_eq 0 "$(jq_out '.skipped | length')" "none skipped"
assert_eq "$ROWS" "$(jq_out .counts.publishable)" "all publishable"
assert_eq 0 "$(jq_out .counts.blocked)" "none blocked"

SUM="$(sha256sum "$DS/demo/data/train.jsonl" "$IDX")"
run_ot dataset run demo --json
assert_rc 0 "second run"
assert_eq 0 "$(jq_out .run.appended_count)" "second run appends 0 rows"
assert_eq "$ROWS" "$(jq_out .run.duplicate_count)" "every row seen as a duplicate"
assert_eq 0 "$(jq_out .run.refreshed_count)" "nothing to refresh"
assert_eq "$SUM" "$(sha256sum "$DS/demo/data/train.jsonl" "$IDX")" "data and index unchanged"

# --- a trace captured after the scan: its rows are blocked until it is scanned
run_ot capture ingest "$OT_FIXTURES/sessions/pi/pi-calc.jsonl" --agent pi --json
LATE="$(jq_out .trace_id)"
run_ot dataset run demo --json
assert_rc 0 "run with an unscanned trace"
assert_eq "[{\"reason\":\"unscanned\",\"trace_id\":\"$LATE\"}]" "$(jqo -c .run.uncleared_sources)" "the run names the uncleared trace and why"
NEW="$(jq_out .run.appended_count)"
if [ "$NEW" -ge 1 ]; then pass "$NEW row(s) from the late trace"; else fail "no row from the late trace"; fi
run_ot dataset review demo --json
assert_eq "$NEW" "$(jqo --arg t "$LATE" '[.rows[] | select(.provenance.trace_id == $t) | select(.status == "blocked" and (.block_reasons | index("source_trace_unscanned")))] | length')" \
  "rows of the unscanned trace are blocked (source_trace_unscanned)"
run_ot dataset review approve demo --all --json
assert_eq "$NEW" "$(jq_out '.skipped | length')" "approve --all cannot approve them"
assert_eq "$ROWS" "$(jq_out .counts.publishable)" "publishable rows all come from cleared traces"
run_ot bucket security run --all --json
assert_rc 0 "scan the late trace"
run_ot dataset run demo --json
assert_rc 0 "run after the scan"
assert_eq "[]" "$(jqo -c .run.uncleared_sources)" "every source cleared now"
assert_eq 0 "$(jq_out .run.appended_count)" "the scanned record gives the same rows"
assert_eq "$NEW" "$(jq_out .run.refreshed_count)" "their security is brought up to date"
run_ot dataset review demo --json
assert_eq "$NEW" "$(jq_out '[.rows[] | select(.status == "needs_review")] | length')" "they move to needs_review"
assert_eq 0 "$(jq_out '[.rows[] | select(.status == "blocked")] | length')" "nothing blocked"

# --- scripts run by argv: a workflow whose path a shell would split or execute
EVIL="$T/wf dir; touch PWNED \$(touch PWNED2) \`touch PWNED3\` | tee PWNED4"
cd "$T"
cp -r "$OT_WORKFLOW_TEMPLATES/default" "$EVIL"
sed -i 's/^name: default/name: argvcheck/; s/^template: default/template: none/' "$EVIL/SKILL.md"
printf '\n# edited: run as a script\n' >> "$EVIL/scripts/build_rows"
run_ot dataset new argvcheck --workflow "$EVIL" --json
assert_rc 0 "dataset new from a workflow path with spaces and shell metacharacters"
run_ot dataset run argvcheck --limit 1 --json
assert_rc 0 "its script runs"
assert_eq "script" "$(jq_out .run.executor)" "through the script executor"
assert_eq 1 "$(jq_out .run.appended_count)" "and writes its row"
if [ -z "$(find "$T" / -maxdepth 1 \( -name PWNED -o -name PWNED2 -o -name PWNED3 -o -name PWNED4 \) 2>/dev/null; find "$EVIL" -name 'PWNED*')" ]; then
  pass "nothing in the path was run by a shell"
else fail "a shell interpreted the workflow path"; fi

finish
