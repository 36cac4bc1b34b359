#!/usr/bin/env bash
# trace query / trace index end to end on the recorded fixture sessions: a word found in
# one fixture, --since boundaries with a fixed clock, facets, paging, errors, index
# status/rebuild (rebuild gives the same answers), every envelope against its schema.
source "$(dirname "$0")/lib.sh"
SCHEMAS="${OT_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}/docs/schemas"

# schema_ok SCHEMA WHAT: $OUT conforms to docs/schemas/SCHEMA.json.
schema_ok() {
  if [ -z "${OT_SCHEMA_CHECK:-}" ]; then fail "$2: OT_SCHEMA_CHECK is not set (CTest sets it)"; return; fi
  if printf '%s' "$OUT" | "$OT_SCHEMA_CHECK" "$SCHEMAS/$1.json" - 2>"$T/schema.err"; then pass "$2 conforms to $1"
  else fail "$2 does not conform to $1: $(cat "$T/schema.err")"; fi
}

cd "$T"
declare -A ID
for f in "$OT_FIXTURES"/sessions/*/*.jsonl; do
  run_ot capture ingest "$f" --json
  assert_rc 0 "ingest $(basename "$f")"
  ID[$(basename "$f" .jsonl)]=$(jq_out .trace_id)
done

# --- a word that occurs in exactly one fixture (the bugfix resteer: "standard deviation")
run_ot trace query deviation --json
assert_rc 0 "query deviation"
assert_envelope "trace query"
schema_ok opentraces.trace.query.v1 "query deviation"
assert_eq 1 "$(jq_out .total)" "one trace says deviation"
assert_eq "${ID[cc-bugfix]}" "$(jq_out '.candidates[0].trace_id')" "the bugfix trace comes first"
assert_eq deviation "$(jq_out '.candidates[0].matched_fields.prompt | join(",")')" "matched in the prompt"
assert_eq false "$(jq_out .freshness.stale)" "index covers every trace"

run_ot trace query deviation
assert_rc 0 "human query"
assert_contains "$OUT" "${ID[cc-bugfix]}" "human output names the trace"
assert_contains "$OUT" '"deviation" in prompt' "human output explains the match"

run_ot trace query greet --json
assert_eq "${ID[cc-subagent]}" "$(jq_out '.candidates[0].trace_id')" "greet: the subagent prompt ranks first"
run_ot trace query deviation greet --json
assert_eq 0 "$(jq_out .total)" "every term must match"

# --- --since with a fixed clock: inclusive at the boundary
start=$(git opentraces bucket list --json | jq -r --arg id "${ID[cc-calc]}" '.rows[] | select(.trace_id==$id) | .timestamp_start')
start_ms=$(date -u -d "$start" +%s%3N)
export OPENTRACES_NOW=$((start_ms + 86400000))
run_ot trace query --since 1d --sort time --json
assert_rc 0 "since 1d"
schema_ok opentraces.trace.query.v1 "query --since"
assert_eq "${ID[cc-calc]}" "$(jq_out '.candidates[0].trace_id')" "a trace started exactly 1d before now is in"
export OPENTRACES_NOW=$((start_ms + 86400000 + 1))
run_ot trace query --since 1d --json
assert_eq false "$(jq_out "[.candidates[].trace_id] | any(. == \"${ID[cc-calc]}\")")" "1 ms later it is out"
unset OPENTRACES_NOW
run_ot trace query --since "$(date -u -d "@$((start_ms / 1000))" +%Y-%m-%dT%H:%M:%S).$(printf %03d $((start_ms % 1000)))Z" --sort time --json
assert_eq "${ID[cc-calc]}" "$(jq_out '.candidates[0].trace_id')" "an ISO bound equal to the start includes it"

# --- facets
run_ot trace query --agent codex --json
assert_eq "$(printf '%s\n' "${ID[codex-bugfix]}" "${ID[codex-calc]}" | sort | paste -sd,)" \
  "$(jq_out '[.candidates[].trace_id] | sort | join(",")')" "--agent codex"
run_ot trace query --files calc.py --file-op edit --json
assert_contains "$(jq_out '[.candidates[].trace_id] | join(",")')" "${ID[cc-calc]}" "--files calc.py --file-op edit"
run_ot trace query --committed --json
committed=$(jq_out .total)
run_ot trace query --uncommitted --json
assert_eq 7 "$((committed + $(jq_out .total)))" "--committed and --uncommitted partition the traces"
assert_eq 0 "$committed" "no fixture record names a commit (trails links commits in notes, not in the record)"

# --- paging
run_ot trace query --agent claude-code --limit 3 --json
assert_eq 4 "$(jq_out .total)" "four claude-code traces"
assert_eq true "$(jq_out .has_more)" "first page has more"
first=$(jq_out '[.candidates[].trace_id] | join(",")')
token=$(jq_out .next_page_token)
run_ot trace query --agent claude-code --limit 3 --page-token "$token" --json
assert_eq 1 "$(jq_out .total_returned)" "second page holds the rest"
assert_eq false "$(jq_out .has_more)" "last page"
[[ "$first" != *"$(jq_out '.candidates[0].trace_id')"* ]] && pass "pages do not repeat" || fail "page 2 repeats page 1"
run_ot trace query --agent codex --page-token "$token" --json
assert_rc 2 "a token of another query"
assert_eq INVALID_PAGE_TOKEN "$(jq_out .error.code)" "error code"

# --- errors
run_ot trace query --json
assert_rc 3 "no terms, no filter"
assert_eq QUERY_EMPTY "$(jq_out .error.code)" "QUERY_EMPTY"
run_ot trace query calc --signal resteer --json
assert_rc 10 "--signal is not indexed yet"
assert_eq SIGNALS_NOT_INDEXED "$(jq_out .error.code)" "SIGNALS_NOT_INDEXED"
run_ot trace query calc --committed --uncommitted --json
assert_rc 2 "conflicting flags"
run_ot trace query calc --sort best --json
assert_rc 2 "bad --sort"
run_ot trace query --since yesterday --json
assert_rc 2 "bad --since"

# --- index status and rebuild (same answers after a rebuild)
run_ot trace index status --json
assert_rc 0 "index status"
assert_envelope "trace index status"
schema_ok opentraces.trace.index.v1 "index status"
assert_eq ready "$(jq_out .index.state)" "index ready"
assert_eq 7 "$(jq_out .index.indexed_traces)" "seven traces indexed"
run_ot trace query calc --json
before=$(jq_out '[.candidates[] | [.trace_id, .score]]')
run_ot trace index rebuild --json
assert_rc 0 "index rebuild"
schema_ok opentraces.trace.index.v1 "index rebuild"
assert_eq 7 "$(jq_out .rebuilt.traces_rebuilt)" "rebuilt seven traces"
run_ot trace query calc --json
assert_eq "$before" "$(jq_out '[.candidates[] | [.trace_id, .score]]')" "rebuild gives the same ranking"
run_ot trace index status
assert_contains "$OUT" "7 indexed of 7" "human status"

# --- pack: postings move into per-term segments; every answer stays the same
answers() {
  for q in calc "calc add" deviation greet "--since 2026-11-01 --sort time"; do
    # shellcheck disable=SC2086
    run_ot trace query $q --json
    jq_out 'del(.search_diagnostics)'
  done
}
loose_before=$(answers)
run_ot trace index pack --json
assert_rc 0 "index pack"
assert_envelope "trace index pack"
schema_ok opentraces.trace.index.v1 "index pack"
assert_eq 7 "$(jq_out .packed.traces_packed)" "seven traces packed"
assert_eq 0 "$(jq_out .index.loose_traces)" "nothing loose after a pack"
assert_eq 1 "$(jq_out .index.next_segment)" "one segment number used"
assert_eq "$loose_before" "$(answers)" "packed postings answer exactly as loose ones"
# A trace ingested again after packing: its old packed postings are void, the answers
# still equal a never-packed bucket's.
sed 's/standard deviation/standard variance/' "$OT_FIXTURES/sessions/claude-code/cc-bugfix.jsonl" > "$T/cc-bugfix.jsonl"
run_ot capture ingest "$T/cc-bugfix.jsonl" --json
assert_rc 0 "re-ingest a changed session"
run_ot trace query deviation --json
assert_eq 0 "$(jq_out .total)" "the packed word of the old generation no longer matches"
run_ot trace query variance --json
assert_eq "${ID[cc-bugfix]}" "$(jq_out '.candidates[0].trace_id')" "the new word matches"
run_ot trace index status --json
assert_eq 1 "$(jq_out .index.gone_traces)" "one void marker"
run_ot trace index pack --full
assert_rc 0 "full pack"
assert_contains "$OUT" "every term in one segment" "human pack output"
run_ot trace index status --json
assert_eq 0 "$(jq_out .index.gone_traces)" "a full pack clears the void markers"
run_ot trace query variance --json
assert_eq "${ID[cc-bugfix]}" "$(jq_out '.candidates[0].trace_id')" "still found after the full pack"
run_ot trace index pack --help
assert_contains "$OUT" "Examples" "pack --help has examples"

finish
