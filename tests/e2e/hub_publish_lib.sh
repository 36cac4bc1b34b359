# Shared by the `dataset publish` e2e tests (hub_publish_test.sh, hub_publish_faults_test.sh):
# the simulator, output capture, leak checks, three fixture traces captured and scanned.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
source "$(dirname "${BASH_SOURCE[0]}")/../hubsim/lib.sh"
export OT_WORKFLOW_TEMPLATES="${OT_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}/workflows/templates"
export OT_HUB_BACKOFF_MS=20 HF_TOKEN="$ALICE_TOKEN"
DS="$OPENTRACES_HOME/datasets"
hubsim_js
hubsim_start
ALL_OUTPUT="$T/all-output.txt"  # every byte any command printed, grepped for tokens at the end

run_ot() {  # lib.sh's run_ot, keeping the output
  set +e
  OUT="$("$OT_BIN" "$@" 2>"$T/stderr" </dev/null)"
  RC=$?
  set -e
  ERR="$(cat "$T/stderr")"
  printf '%s\n%s\n' "$OUT" "$ERR" >>"$ALL_OUTPUT"
}
check_schema() {  # check_schema WHAT: $OUT conforms to opentraces.dataset.publish.v1
  [ -n "${OT_SCHEMA_CHECK:-}" ] || { fail "OT_SCHEMA_CHECK unset (CTest sets it)"; return 0; }
  if printf '%s' "$OUT" | "$OT_SCHEMA_CHECK" "$OT_SOURCE_DIR/docs/schemas/opentraces.dataset.publish.v1.schema.json" - >"$T/schema.err" 2>&1; then
    pass "$1 matches opentraces.dataset.publish.v1"
  else fail "$1 does not match opentraces.dataset.publish.v1: $(cat "$T/schema.err")"; fi
}
# not_leaked FILE OTHERS WHAT: no row of FILE (JSON lines) reached the Hub. A row counts as
# sent when any of its long strings that no row of OTHERS shares (as it appears in the
# canonical JSON, escapes included) is in anything the simulator received.
not_leaked() {
  local sent=0 checked=0 rows=0 line frag hit found
  while IFS= read -r line; do
    rows=$((rows + 1)); hit=0; found=0
    while IFS= read -r frag; do
      grep -qF -- "$frag" "$2" && continue
      found=1
      if grep -qF -- "$frag" "$T/hubsim/received.log"; then hit=1; break; fi
    done < <(jq -r '[.. | strings | select(length >= 32) | tojson[1:61]] | unique[]' <<<"$line")
    checked=$((checked + found)); sent=$((sent + hit))
  done <"$1"
  if [ "$rows" -gt 0 ] && [ "$sent" -eq 0 ] && [ "$checked" -eq "$rows" ]; then pass "$3 ($rows row(s) checked)"
  else fail "$3: $sent of $rows row(s) reached the Hub ($checked had distinctive text)"; fi
}
# rows_of DATASET TRACE: the dataset's stored rows built from TRACE, one per line.
rows_of() {
  jq -r --arg t "$2" 'select(.provenance.trace_id == $t) | .line' "$DS/$1/.opentraces/row_index.jsonl" |
    while read -r n; do sed -n "${n}p" "$DS/$1/data/train.jsonl"; done
}
status_of_trace_rows() {  # DATASET TRACE: distinct publication states of its rows
  jq -r --arg t "$2" 'select(.provenance.trace_id == $t) | .row_id' "$DS/$1/.opentraces/row_index.jsonl" |
    while read -r id; do jq -r --arg id "$id" '.rows[$id].status' "$DS/$1/.opentraces/publication_state.json"; done | sort -u | tr '\n' ' '
}

repo_state() {  # repo_state OWNER/NAME: the simulator's view of one repo (JSON)
  hubsim_ctl GET /_sim/state | jq -c --arg id "$1" '.repos[] | select(.id == $id)'
}
shards() { repo_state "$1" | jq '[.files | keys[] | select(startswith("data/rows_"))] | length'; }
published_count() { jq '[.rows[] | select(.status == "published")] | length' "$DS/$1/.opentraces/publication_state.json"; }

# --- traces captured and scanned; a dataset of reviewed rows
for f in claude-code/cc-calc claude-code/cc-bugfix codex/codex-calc; do
  run_ot capture ingest "$OT_FIXTURES/sessions/$f.jsonl" --json
  assert_rc 0 "capture $f"
done
run_ot bucket security policy basic --json
assert_rc 0 "security policy basic"
run_ot bucket security run --all --json
assert_rc 0 "security run --all"

new_dataset() {  # new_dataset NAME: bursts rows from the scanned traces, all approved
  run_ot dataset new "$1" --workflow default --json
  assert_rc 0 "dataset new $1"
  run_ot dataset run "$1" --json
  assert_rc 0 "dataset run $1"
  run_ot dataset review approve "$1" --all --json
  assert_rc 0 "approve $1"
}
# no_token_leaked TOKEN...: none of them in anything printed or logged.
no_token_leaked() {
  local tok
  for tok in "$@"; do
    grep -rqF -- "$tok" "$ALL_OUTPUT" "$OPENTRACES_HOME/logs" && fail "a token leaked into the output or the logs"
  done
  pass "no token in $(wc -l <"$ALL_OUTPUT") output lines or $(cat "$OPENTRACES_HOME"/logs/* | wc -l) log lines"
}
