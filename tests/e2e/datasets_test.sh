#!/usr/bin/env bash
# Datasets end to end: capture the real fixture sessions, build a bursts-sft-v1
# dataset, check rows (count, schema, provenance against the bucket), review, re-run
# without duplicates, script/builtin parity for every shipped template, failure
# atomicity (crash, hang, invalid JSON, schema-failing rows, bad provenance), unsafe
# names, the run lock, manual datasets.
source "$(dirname "$0")/lib.sh"
: "${OT_SCHEMA_CHECK:?OT_SCHEMA_CHECK must point at ot_schema_check (CTest sets it)}"
export OT_WORKFLOW_TEMPLATES="${OT_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}/workflows/templates"
DS="$OPENTRACES_HOME/datasets"

# --- capture the fixtures
for f in claude-code/cc-calc claude-code/cc-bugfix claude-code/cc-subagent claude-code/cc-waste; do
  run_ot capture ingest "$OT_FIXTURES/sessions/$f.jsonl" --agent claude-code --json
  assert_rc 0 "capture $f"
done
for f in codex/codex-calc codex/codex-bugfix; do
  run_ot capture ingest "$OT_FIXTURES/sessions/$f.jsonl" --agent codex --json
  assert_rc 0 "capture $f"
done
run_ot capture ingest "$OT_FIXTURES/sessions/pi/pi-calc.jsonl" --agent pi --json
assert_rc 0 "capture pi-calc"
run_ot bucket list --json --limit 1000
BUCKET_ROWS="$OUT"
TRACES="$(printf '%s' "$BUCKET_ROWS" | jq '.rows | length')"
assert_eq 7 "$TRACES" "seven fixture traces in the bucket"

# --- templates
run_ot workflow templates --json
assert_rc 0 "workflow templates"
assert_envelope "workflow templates"
assert_eq "bursts-sft-v1,default,pr-intent-summary-v1,skill-episodes-v1,trajectory-eval-v1" \
  "$(jq_out '[.templates[].name] | sort | join(",")')" "five shipped templates"

# --- the bar: new, run, review, re-run
run_ot dataset new demo --workflow bursts-sft-v1 --json
assert_rc 0 "dataset new demo --workflow bursts-sft-v1"
assert_envelope "dataset new"
assert_eq "bursts-sft-v1" "$(jq_out .dataset.manifest.workflow.skill)" "manifest binds the workflow"
run_ot dataset run demo --json
assert_rc 0 "dataset run demo"
assert_envelope "dataset run"
ROWS="$(jq_out .run.appended_count)"
assert_eq "succeeded" "$(jq_out .run.status)" "run record succeeded"
assert_eq 7 "$(jq_out .run.candidate_count)" "every trace is a candidate"
assert_eq "builtin" "$(jq_out .run.executor)" "a pristine template runs on the built-in executor"
if [ "$ROWS" -ge 5 ]; then pass "bursts produced $ROWS rows"; else fail "expected at least 5 burst rows, got $ROWS"; fi
assert_eq "$ROWS" "$(wc -l < "$DS/demo/data/train.jsonl" | tr -d ' ')" "train.jsonl has one line per appended row"
assert_eq "$ROWS" "$(wc -l < "$DS/demo/.opentraces/row_index.jsonl" | tr -d ' ')" "row index has one entry per row"
# Every row validates against the pinned schema (independent checker).
split -l 1 -d -a 4 "$DS/demo/data/train.jsonl" "$T/row-"
if "$OT_SCHEMA_CHECK" "$DS/demo/.opentraces/row.schema.json" "$T"/row-* >"$T/check.log" 2>&1; then
  pass "every row validates against row.schema.json"
else fail "schema check: $(cat "$T/check.log")"; fi
# Provenance: each row names a real trace, its record hash, and steps inside it
# (checked against an independent copy of the bucket: `bucket export`).
run_ot bucket export "$T/exp" --json
assert_rc 0 "bucket export for provenance checks"
TRACEMAP="$(jq -c '[.traces[] | {key: .trace_id, value: {record_hash, steps: .summary.step_count}}] | from_entries' "$T/exp/manifest.json")"
BAD_PROV="$(jq -r --argjson t "$TRACEMAP" '
  .provenance as $p
  | select(($t[$p.trace_id] == null)
      or ($p.record_ref.record_hash != $t[$p.trace_id].record_hash)
      or ($p.step_range[0] < 0) or ($p.step_range[1] >= $t[$p.trace_id].steps)
      or ($p.source_ref != "\($p.trace_id):\($p.step_range[0])-\($p.step_range[1])"))
  | .row_id' "$DS/demo/.opentraces/row_index.jsonl")"
assert_eq "" "$BAD_PROV" "provenance of every row points at a real trace, record hash and step range"
# Every patch a row cites is a patch of that trace's record, at a step inside the row's range.
BAD_PATCH=0
while IFS= read -r row; do
  tid="$(jq -r .trace_id <<<"$row")"
  h="$(jq -r --arg t "$tid" '.[$t].record_hash' <<<"$TRACEMAP")"; h="${h#sha256:}"
  rec="$T/exp/objects/${h:0:2}/$h.json"   # the content-addressed record the row was built from
  n="$(jq --argjson r "$row" '[.patches[] | select(.patch_id as $id | $r.patches | map(.patch_id) | index($id))
        | select(.step_index >= $r.step_range[0] and .step_index <= $r.step_range[1])] | length' "$rec")"
  [ "$n" = "$(jq '.patches | length' <<<"$row")" ] || BAD_PATCH=$((BAD_PATCH + 1))
done < "$DS/demo/data/train.jsonl"
assert_eq 0 "$BAD_PATCH" "every cited patch exists in its trace's record, inside the row's step range"

# Our own files and envelopes match their documented schemas (docs/schemas/).
SCHEMAS="${OT_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}/docs/schemas"
run_ot dataset run demo --dry-run --json
printf '%s' "$OUT" > "$T/run.json"
split -l 1 -d -a 4 "$DS/demo/.opentraces/row_index.jsonl" "$T/idx-"
for pair in "dataset.run.v1:$T/run.json" "dataset.manifest.v1:$DS/demo/.opentraces/manifest.json" \
            "dataset.publication_state.v1:$DS/demo/.opentraces/publication_state.json" \
            "dataset.run_packet.v1:$(jq -r .run.artefacts.packet "$T/run.json")"; do
  if "$OT_SCHEMA_CHECK" "$SCHEMAS/opentraces.${pair%%:*}.json" "${pair#*:}" >"$T/check.log" 2>&1; then pass "${pair%%:*} matches its schema"
  else fail "${pair%%:*}: $(cat "$T/check.log")"; fi
done
if "$OT_SCHEMA_CHECK" "$SCHEMAS/opentraces.dataset.row_index_entry.v1.json" "$T"/idx-* >"$T/check.log" 2>&1 &&
   "$OT_SCHEMA_CHECK" "$SCHEMAS/opentraces.dataset.run_record.v1.json" "$DS/demo/.opentraces/runs/"*.json >>"$T/check.log" 2>&1; then
  pass "row index entries and run records match their schemas"
else fail "index/run record schema: $(cat "$T/check.log")"; fi

run_ot dataset review demo --json
assert_rc 0 "dataset review demo"
assert_eq "$ROWS" "$(jq_out '.rows | length')" "review lists every row"
run_ot dataset review approve demo --all --json
assert_rc 0 "dataset review approve demo --all"
APPROVED="$(jq_out '.row_ids | length')"
SKIPPED="$(jq_out '.skipped | length')"
assert_eq "$ROWS" "$((APPROVED + SKIPPED))" "approve --all selects every row (approved + blocked)"
assert_eq "$APPROVED" "$(jq_out .counts.publishable)" "approved rows are publishable"
assert_eq "$SKIPPED" "$(jq_out .counts.blocked)" "blocked rows stay blocked (unscanned sources / no security tools)"
run_ot dataset status demo --json
assert_rc 0 "dataset status"
assert_eq "$ROWS" "$(jq_out .row_count)" "status row count"

SUM_BEFORE="$(sha256sum "$DS/demo/data/train.jsonl" | cut -d' ' -f1)"
run_ot dataset run demo --json
assert_rc 0 "second run"
assert_eq 0 "$(jq_out .run.appended_count)" "second run appends 0 rows"
assert_eq "$ROWS" "$(jq_out .run.duplicate_count)" "second run sees every row as a duplicate"
assert_eq "$SUM_BEFORE" "$(sha256sum "$DS/demo/data/train.jsonl" | cut -d' ' -f1)" "train.jsonl unchanged by the second run"
run_ot dataset run demo --since-last-run --json
assert_eq 0 "$(jq_out .run.candidate_count)" "--since-last-run: no new traces, no candidates"
run_ot dataset run demo --dry-run --limit 2 --json
assert_rc 0 "dry run"
assert_eq 2 "$(jq_out .run.candidate_count)" "--limit 2"
run_ot dataset run demo
assert_rc 0 "human run output"
assert_contains "$OUT" "appended=0 duplicates=$ROWS" "human summary line"

# --- script executor gives the same rows as the built-in one, for every template
for t in default bursts-sft-v1 skill-episodes-v1 pr-intent-summary-v1 trajectory-eval-v1; do
  run_ot dataset new "b-$t" --workflow "$t" --json
  run_ot dataset run "b-$t" --executor builtin --json
  assert_rc 0 "$t: builtin run"
  run_ot dataset new "s-$t" --workflow "$t" --json
  run_ot dataset run "s-$t" --executor script --json
  assert_rc 0 "$t: script run"
  assert_eq "script" "$(jq_out .run.executor)" "$t: script executor used"
  N="$(wc -l < "$DS/s-$t/data/train.jsonl" | tr -d ' ')"
  if cmp -s "$DS/b-$t/data/train.jsonl" "$DS/s-$t/data/train.jsonl"; then pass "$t: script and builtin rows identical ($N rows)"
  else fail "$t: script and builtin rows differ: $(diff <(jq -S . "$DS/b-$t/data/train.jsonl") <(jq -S . "$DS/s-$t/data/train.jsonl") | head -20)"; fi
done
assert_eq 1 "$(wc -l < "$DS/s-skill-episodes-v1/data/train.jsonl" | tr -d ' ')" "one skill episode in the fixtures (cc-bugfix)"
# The fixture calc sessions each ran `git commit` (their records never set outcome.committed).
CALC_CC=70046dd8-3748-42a5-91a4-9d14297adea1
for d in b-default s-default; do
  row="$(jq -c --arg t "$CALC_CC" 'select(.trace_id == $t) | .outcome' "$DS/$d/data/train.jsonl")"
  assert_eq '{"commit_sha":"87b94ab","committed":true,"success":null,"terminal_state":"end_turn"}' "$row" "$d: the calc session is committed (its last commit)"
done
assert_eq true "$(jq -r --arg t "$CALC_CC" 'select(.trace_id == $t) | .signals.committed' "$DS/s-trajectory-eval-v1/data/train.jsonl")" \
  "trajectory-eval-v1: the calc session is committed"
N_COMMITTED="$(jq -s '[.[] | select(.outcome.committed)] | length' "$DS/b-default/data/train.jsonl")"
[ "$N_COMMITTED" -ge 3 ] && pass "$N_COMMITTED committed sessions among the default rows" || fail "only $N_COMMITTED committed default rows"
run_ot dataset new skills --from-skill "$(head -1 "$DS/s-skill-episodes-v1/data/train.jsonl" | jq -r .skill)" --json
assert_rc 0 "dataset new --from-skill"
run_ot dataset run skills --json
assert_eq 1 "$(jq_out .run.appended_count)" "--from-skill: the one episode of that skill"
run_ot dataset new skills2 --from-skill no-such-skill --json
run_ot dataset run skills2 --json
assert_eq 0 "$(jq_out .run.candidate_count)" "--from-skill of an unused skill: no candidates"

# --- failure atomicity: a workflow whose script misbehaves on request
WF="$T/wf-flaky"
cp -r "$OT_WORKFLOW_TEMPLATES/default" "$WF"
sed -i 's/^name: default/name: flaky/; s/^template: default/template: none/' "$WF/SKILL.md"
mv "$WF/scripts/build_rows" "$WF/scripts/real_build_rows"
cat > "$WF/scripts/build_rows" <<'EOF'
#!/bin/sh
here="$(dirname "$0")"
case "${OT_TEST_MODE:-ok}" in
  crash) echo "starting"; echo "Traceback: boom, simulated crash" >&2; exit 7 ;;
  hang) sleep 30 ;;
  badjson) "$here/real_build_rows" && printf '{"source_ref": oops\n' >> "$OT_DATASET_OUTPUT" ;;
  badrow) "$here/real_build_rows" && sed -i '2s/"patch_count":/"patch_count_typo":/' "$OT_DATASET_OUTPUT" ;;
  badprov) "$here/real_build_rows" && sed -i '1s/"source_ref": *"[^"]*"/"source_ref": "not-a-trace:0-0"/' "$OT_DATASET_OUTPUT" ;;
  nooutput) exit 0 ;;
  *) exec "$here/real_build_rows" ;;
esac
EOF
chmod +x "$WF/scripts/build_rows"
run_ot dataset new flaky --workflow "$WF" --json
assert_rc 0 "dataset new from a workflow path"
run_ot dataset run flaky --limit 3 --json
assert_rc 0 "flaky workflow, good run"
assert_eq "script" "$(jq_out .run.executor)" "a custom workflow runs as a script"
assert_eq 3 "$(jq_out .run.appended_count)" "three rows from three traces"
snapshot() { (cd "$DS/flaky" && sha256sum data/train.jsonl .opentraces/row_index.jsonl .opentraces/publication_state.json .opentraces/manifest.json); }
BEFORE="$(snapshot)"
check_failure() {  # MODE CODE WHAT [extra run args]
  local mode="$1" code="$2" what="$3"; shift 3
  local t0=$SECONDS
  set +e
  OUT="$(OT_TEST_MODE="$mode" "$OT_BIN" dataset run flaky --json "$@" 2>"$T/stderr" </dev/null)"; RC=$?
  set -e
  ERR="$(cat "$T/stderr")"
  assert_rc 3 "$what fails the run"
  assert_eq "$code" "$(jq_out .error.code)" "$what: error code"
  assert_eq "$BEFORE" "$(snapshot)" "$what: dataset unchanged"
  local rec
  rec="$(ls -t "$DS/flaky/.opentraces/runs/"*.json | head -1)"
  assert_eq "failed" "$(jq -r .status "$rec")" "$what: run record says failed"
  assert_eq "$code" "$(jq -r .error.code "$rec")" "$what: run record says why"
  LAST_REC="$rec"
  ELAPSED=$((SECONDS - t0))
}
check_failure crash WORKFLOW_FAILED "a crashing script"
assert_contains "$(jq_out .error.message)" "boom, simulated crash" "crash: the error carries the stderr tail"
assert_contains "$(jq -r .process.stderr_tail "$LAST_REC")" "boom" "crash: stderr captured in the run record"
assert_eq "starting" "$(jq -r .process.stdout_tail "$LAST_REC")" "crash: stdout captured in the run record"
assert_eq 7 "$(jq -r .process.exit_code "$LAST_REC")" "crash: exit status recorded"
check_failure hang WORKFLOW_TIMEOUT "a hanging script" --timeout 2
if [ "$ELAPSED" -lt 15 ]; then pass "hang killed at the timeout (${ELAPSED}s)"; else fail "hang took ${ELAPSED}s"; fi
assert_eq true "$(jq -r .process.timed_out "$LAST_REC")" "hang: timed_out recorded"
check_failure badjson WORKFLOW_INVALID_OUTPUT "invalid JSON output"
assert_contains "$(jq_out .error.message)" "output line $((TRACES + 1)) is not valid JSON" "invalid JSON: the error names the line"
check_failure badrow ROW_SCHEMA_INVALID "a schema-failing row"
assert_contains "$(jq_out .error.message)" "patch_count" "schema failure names the offending property"
check_failure badprov ROW_PROVENANCE_INVALID "a row citing a trace outside the run"
check_failure nooutput WORKFLOW_NO_OUTPUT "a script that writes no output file"

# --- the lock: a concurrent run is refused
exec 9>"$DS/flaky/.opentraces/lock"
flock -n 9
run_ot dataset run flaky --json
assert_rc 3 "run while another holds the dataset lock"
assert_eq "DATASET_LOCKED" "$(jq_out .error.code)" "lock error code"
flock -u 9
exec 9>&-
assert_eq "$BEFORE" "$(snapshot)" "dataset unchanged after the refused run"

# --- the workflow changed after the dataset pinned it
echo "# edited" >> "$WF/scripts/real_build_rows"
run_ot dataset run flaky --json
assert_rc 3 "a changed workflow is refused"
assert_eq "WORKFLOW_DIGEST_CHANGED" "$(jq_out .error.code)" "digest change code"
run_ot dataset run flaky --repin --json
assert_rc 0 "--repin accepts the change"

# --- unsafe names are refused and create nothing
for bad in "../escape" "has space" 'semi;colon' '$(id)' 'back`tick`' 'pipe|x' '.hidden'; do
  run_ot dataset new "$bad" --workflow default --json
  assert_rc 2 "dataset name [$bad] refused"
  assert_eq "INVALID_NAME" "$(jq_out .error.code)" "dataset name [$bad]: INVALID_NAME"
  run_ot workflow create "$bad" --template default --json
  assert_rc 2 "workflow name [$bad] refused"
done
run_ot workflow create ok-name --template "../default" --json
assert_rc 2 "template name with ../ refused"
if [ ! -e "$OPENTRACES_HOME/escape" ] && [ ! -e "$OPENTRACES_HOME/datasets/has space" ]; then pass "nothing created for refused names"
else fail "a refused name left files behind"; fi

# --- manual datasets
head -3 "$DS/s-default/data/train.jsonl" > "$T/rows.jsonl"
run_ot dataset new manual1 --rows-file "$T/rows.jsonl" --schema "$OT_WORKFLOW_TEMPLATES/default/schemas/row.schema.json" --json
assert_rc 0 "manual dataset from rows"
assert_eq 3 "$(jq_out .dataset.row_count)" "manual dataset row count"
echo '{"nope": 1}' >> "$T/rows.jsonl"
run_ot dataset new manual2 --rows-file "$T/rows.jsonl" --schema "$OT_WORKFLOW_TEMPLATES/default/schemas/row.schema.json" --json
assert_rc 2 "manual dataset with an invalid row"
assert_eq "ROWS_INVALID" "$(jq_out .error.code)" "invalid manual rows code"
if [ ! -e "$DS/manual2" ]; then pass "invalid manual dataset left nothing behind"; else fail "manual2 exists"; fi
run_ot dataset run manual1 --json
assert_eq "manual_dataset_no_run_action" "$(jq_out .status)" "manual datasets have no run"

# --- schedules: `schedule tick` runs what is due, as --since-last-run
run_ot dataset schedule add b-default --every 1h --json
assert_rc 0 "schedule add"
assert_envelope "dataset schedule add"
assert_eq "true" "$(jq_out .schedule.enabled)" "schedule enabled"
run_ot dataset schedule add b-default --every 5x
assert_rc 2 "invalid interval refused"
run_ot dataset schedule show s-default --json
assert_rc 3 "show of a dataset without schedule"
run_ot schedule tick --json
assert_rc 0 "schedule tick"
assert_eq "ran" "$(jq_out '.datasets[] | select(.dataset == "b-default") | .outcome')" "a new schedule is due at once"
assert_eq 0 "$(jq_out '.datasets[] | select(.dataset == "b-default") | .detail.candidate_count')" "scheduled runs only look at traces since the last run"
run_ot schedule tick --json
assert_eq "skipped_not_due" "$(jq_out '.datasets[] | select(.dataset == "b-default") | .outcome')" "not due again within the hour"
run_ot schedule tick --force
assert_rc 0 "schedule tick --force (human)"
assert_contains "$OUT" "b-default  ran" "forced tick runs it"
run_ot dataset schedule logs b-default --json
assert_eq 2 "$(jq_out '.runs | length')" "schedule logs list the two scheduled runs"
assert_eq "schedule" "$(jq_out '.runs[0].trigger')" "run records carry the trigger"
run_ot dataset schedule list --json
assert_eq "succeeded" "$(jq_out '.schedules[] | select(.dataset == "b-default") | .last_run_status')" "schedule list shows the last run"
run_ot dataset schedule pause b-default --json
run_ot schedule tick --force --json
assert_eq "" "$(jq_out '.datasets[] | select(.dataset == "b-default") | .outcome')" "a paused schedule does not run"
run_ot dataset schedule remove b-default --json
assert_rc 0 "schedule remove"

# --- workflow list / remove, dataset list / remove, review transitions
run_ot workflow list --json
assert_rc 0 "workflow list"
assert_eq "true" "$(jq_out '.workflows[] | select(.name == "bursts-sft-v1") | .datasets | index("demo") != null')" "workflow list shows bound datasets"
run_ot workflow remove default
assert_rc 2 "workflow remove without --yes"
ROW1="$(head -1 "$DS/demo/.opentraces/row_index.jsonl" | jq -r .row_id)"
run_ot dataset review reset demo --all --json
assert_rc 0 "review reset --all"
run_ot dataset review reject demo "$ROW1" --json
run_ot dataset review demo --json
STATE="$(jq_out ".rows[\"$ROW1\"].status")"
if [ "$STATE" = "rejected" ] || [ "$STATE" = "blocked" ]; then pass "reject moves a row (or it stays blocked)"; else fail "row state $STATE"; fi
run_ot dataset review approve demo row_doesnotexist --json
assert_rc 3 "approving an unknown row"
run_ot dataset list --json
assert_rc 0 "dataset list"
assert_contains "$(jq_out '[.datasets[].name] | join(",")')" "demo" "dataset list names demo"
run_ot dataset remove demo
assert_rc 2 "dataset remove without --yes"
run_ot dataset remove demo --yes --json
assert_rc 0 "dataset remove --yes"
if [ ! -e "$DS/demo" ]; then pass "dataset directory removed"; else fail "demo still exists"; fi
run_ot dataset status demo --json
assert_rc 3 "status of a removed dataset"

finish
