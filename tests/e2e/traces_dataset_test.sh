#!/usr/bin/env bash
# Issue 20: traces datasets. `dataset new --traces` → `dataset run` (the egress gate withholds
# unscanned traces, --allow-findings includes them with their findings on the row) → review →
# `dataset publish` to the Hub simulator: the session files (native Claude Code with its
# sub-agent file, Codex, Pi; then STS) and the card are uploaded, the official JS client lists
# and downloads them byte-identical, the card marks the repo for the trace viewer and counts
# the redactions by kind, and none of the seeded secrets is anywhere the simulator stored.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/../hubsim/lib.sh"
export OT_HUB_BACKOFF_MS=20 HF_TOKEN="$ALICE_TOKEN"
DS="$OPENTRACES_HOME/datasets"
SEEDED="$OT_FIXTURES/security/seeded-secrets.jsonl"
S="$OT_FIXTURES/sessions"
hubsim_js
hubsim_start

declare -A TID
for f in claude-code/cc-subagent codex/codex-calc pi/pi-calc; do
  run_ot capture ingest "$S/$f.jsonl" --json
  assert_rc 0 "capture $f"
  TID[$(basename "$f")]=$(jq_out .trace_id)
done
run_ot capture ingest "$OT_FIXTURES/security/cc-seeded.jsonl" --agent claude-code --json
assert_rc 0 "capture the seeded session"
SEED_TID=$(jq_out .trace_id)
run_ot bucket security policy recommended --json
assert_rc 0 "policy recommended"
jq '.security.business_logic = {"strings": ["Project Nightingale"], "patterns": []}' "$OPENTRACES_HOME/config.json" >"$T/c.json"
mv "$T/c.json" "$OPENTRACES_HOME/config.json"

# --- new: flags and errors
run_ot dataset new tr --traces --format yaml --json
assert_rc 2 "unknown --format"
run_ot dataset new tr --workflow default --traces --json
assert_rc 2 "--traces with another source"
run_ot dataset new tr --workflow default --format sts --json
assert_rc 2 "--format without --traces"
run_ot dataset new tr --traces --description "Redacted sessions" --json
assert_rc 0 "dataset new --traces"
assert_envelope "dataset new --traces"
assert_eq "traces native true" "$(jq_out '.dataset.manifest.workflow.source_type + " " + .dataset.manifest.workflow.config.format + " " + (.dataset.traces|tostring)')" "a native traces dataset"
assert_eq "opentraces.dataset.trace_row.v1" "$(jq -r '."$id"' "$DS/tr/.opentraces/row.schema.json")" "the trace row schema is pinned"

# --- the gate: nothing is scanned yet → every trace withheld, no row, no file
run_ot dataset run tr --json
assert_rc 0 "run before the scan"
assert_eq "0 4 unscanned" "$(jq_out '"\(.run.appended_count) \(.run.withheld_count) \(.run.withheld[0].reason)"')" "all four traces withheld (unscanned)"
conforms() {  # conforms SCHEMA FILE|- WHAT
  "$OT_SCHEMA_CHECK" "$OT_SOURCE_DIR/docs/schemas/$1" "$2" >/dev/null 2>"$T/sc.err" && pass "$3 conforms to $1" || fail "$3: $(cat "$T/sc.err")"
}
jq_out .run | conforms opentraces.dataset.run_record.v1.json - "the run record with withheld traces"
conforms opentraces.dataset.manifest.v1.json "$DS/tr/.opentraces/manifest.json" "the traces manifest"
[ -e "$DS/tr/sessions" ] && fail "a withheld trace wrote session files" || pass "no session file written for withheld traces"
run_ot dataset run tr
assert_contains "$OUT" "withheld" "human output lists the withheld traces"
assert_contains "$OUT" "--allow-findings" "and names the override"

# --allow-findings: the unscanned traces become rows, redacted now, the override on the row
run_ot dataset new tr-allow --traces --allow-findings --json
assert_rc 0 "dataset new --traces --allow-findings"
run_ot dataset run tr-allow --trace "$SEED_TID" --json
assert_rc 0 "run with the override"
assert_eq "1 0" "$(jq_out '"\(.run.appended_count) \(.run.withheld_count)"')" "the unscanned seeded trace is a row"
conforms opentraces.dataset.publication_state.v1.json "$DS/tr-allow/.opentraces/publication_state.json" "the publication state"
assert_eq "allow_findings false unscanned" \
  "$(jq -r '.provenance.security | "\(.egress_override) \(.source_cleared) \(.source_clearance)"' "$DS/tr-allow/.opentraces/row_index.jsonl")" \
  "the row records the override and the refusal"
run_ot dataset review tr-allow --json
assert_eq "false" "$(jq_out '[.rows[].block_reasons[]] | any(. == "source_trace_unscanned")')" "the override row is not blocked as unscanned"

# --- scan, run: one row per session, files under sessions/<row_id>/
run_ot bucket security run --all --json
assert_rc 0 "security run --all"
run_ot dataset run tr --json
assert_rc 0 "run after the scan"
assert_eq "4 0" "$(jq_out '"\(.run.appended_count) \(.run.withheld_count)"')" "four rows, nothing withheld"
jq_out .run | conforms opentraces.dataset.run_record.v1.json - "the run record"
head -1 "$DS/tr/.opentraces/row_index.jsonl" | conforms opentraces.dataset.row_index_entry.v1.json - "a row index entry"
assert_eq "4" "$(wc -l <"$DS/tr/data/train.jsonl" | tr -d ' ')" "four rows stored"
sub_row=$(jq -c --arg t "${TID[cc-subagent]}" 'select(.trace_id == $t)' "$DS/tr/data/train.jsonl")
assert_eq "session subagent" "$(jq -r '[.files[].role] | join(" ")' <<<"$sub_row")" "the sub-agent session has its sub-agent file"
assert_eq "sessions/claude-code/${TID[cc-subagent]}.jsonl" "$(jq -r .session <<<"$sub_row")" "main file path in the agent's layout"
local_files=$(find "$DS/tr/sessions" -type f | wc -l)
assert_eq "5" "$local_files" "five session files written locally"
run_ot dataset run tr --json
assert_eq "0 4" "$(jq_out '"\(.run.appended_count) \(.run.duplicate_count)"')" "a second run finds the same sessions (duplicates)"
seed_kinds=$(jq -r --arg t "$SEED_TID" 'select(.trace_id == $t) | .redactions.by_kind | length' "$DS/tr/data/train.jsonl")
[ "$seed_kinds" -ge 10 ] && pass "the seeded row counts redactions of $seed_kinds kinds" || fail "seeded row counts only $seed_kinds kinds"

# --- review, remote, publish
run_ot dataset review tr --json
assert_eq "4" "$(jq_out '.counts.needs_review')" "four rows need review"
run_ot dataset review approve tr --all --json
assert_rc 0 "approve"
run_ot dataset remote create tr alice/agent-sessions --private --json
assert_rc 0 "remote create"
run_ot dataset publish tr --json
assert_rc 0 "publish the traces dataset"
check_schema opentraces.dataset.publish.v1 "publish"
assert_eq "published 4" "$(jq_out '.publish.message + " " + (.publish.new_row_count|tostring)')" "four sessions published"
jq_out '.publish.staged_files[]' | grep '^sessions/' | sort >"$T/staged"
jq -r '.files[].path' "$DS/tr/data/train.jsonl" | sort >"$T/wanted"
cmp -s "$T/staged" "$T/wanted" && pass "every session file staged ($(wc -l <"$T/wanted") files)" || fail "staged session files differ: $(diff "$T/staged" "$T/wanted")"

mkdir -p "$T/rb"
jsclient readback "$HUBSIM" "$ALICE_TOKEN" alice/agent-sessions "$T/rb" >"$T/rb/tree.jsonl" || fail "JS client readback failed"
jq -r 'select(.path | startswith("sessions/")) | .path' "$T/rb/tree.jsonl" | sort >"$T/listed"
cmp -s "$T/listed" "$T/wanted" && pass "the JS client lists every session file" || fail "listed session files differ: $(diff "$T/listed" "$T/wanted")"
same=0
while IFS=$'\t' read -r row path; do
  if cmp -s "$T/rb/files/$path" "$DS/tr/sessions/$row/${path#sessions/}"; then same=$((same + 1)); else fail "$path differs from the local file"; fi
done < <(paste <(jq -r '.row_id' "$DS/tr/.opentraces/row_index.jsonl") "$DS/tr/data/train.jsonl" |
         while IFS=$'\t' read -r id line; do jq -r --arg id "$id" '.files[] | "\($id)\t\(.path)"' <<<"$line"; done)
assert_eq "5" "$same" "the JS client downloads every session file byte-identical"
while read -r sha path; do
  [ "$(sha256sum "$T/rb/files/$path" | cut -d' ' -f1)" = "$sha" ] || fail "$path: sha256 differs from the row"
done < <(jq -r '.files[] | "\(.sha256) \(.path)"' "$DS/tr/data/train.jsonl")
pass "the rows' sha256 match the downloaded files"
cmp -s "$T/rb/files/$(jq_out '.publish.staged_files[] | select(startswith("data/rows_"))')" "$DS/tr/data/train.jsonl" &&
  pass "the index shard is the local rows" || fail "index shard differs"

card="$(cat "$T/rb/files/README.md")"
for want in "agent-traces" "format:agent-traces" "config_name: claude-code" "path: sessions/claude-code/*.jsonl" \
            "config_name: codex" "path: sessions/codex/*.jsonl" "config_name: pi" "default: true" "config_name: index" \
            "## What was redacted" "| \`aws_access_key\` |" "home_path_user"; do
  assert_contains "$card" "$want" "card has $want"
done
python3 - "$T/rb/files/README.md" <<'PY' && pass "card front matter is YAML with a config per agent" || fail "card front matter"
import sys, yaml
text = open(sys.argv[1]).read()
front = yaml.safe_load(text.split("---\n")[1])
names = [c["config_name"] for c in front["configs"]]
assert names == ["claude-code", "codex", "pi", "index"], names
assert "agent-traces" in front["tags"]
PY
assert_eq "4" "$(jq '.sessions | length' "$T/rb/files/opentraces/publication.json")" "the contract lists the four sessions"

# The exported files are sessions our parsers read back as the same traces.
for a in cc-subagent codex-calc pi-calc; do
  f=$(grep -l "${TID[$a]}" -r "$T/rb/files/sessions" | grep -v /subagents/ | head -1)
  OPENTRACES_HOME="$T/third" "$OT_BIN" capture session "$f" --json >"$T/cap.json" </dev/null || fail "capture session of downloaded $a"
  assert_eq "${TID[$a]}" "$(jq -r .trace_id "$T/cap.json")" "downloaded $a captures back as the same trace"
done

run_ot dataset publish tr --json
assert_eq "nothing to publish" "$(jq_out .publish.message)" "publish again: nothing to publish"

# --- an override row is published and listed: a trace captured after the scan (unscanned)
run_ot capture ingest "$S/claude-code/cc-bugfix.jsonl" --json
BUG_TID=$(jq_out .trace_id)
run_ot dataset run tr-allow --trace "$BUG_TID" --approve-new --json
assert_eq "1" "$(jq_out '.review.approved_new_count')" "the unscanned trace's row is approved"
run_ot dataset remote create tr-allow alice/override --private --json
run_ot dataset publish tr-allow
assert_rc 0 "publish with an override row"
assert_contains "$OUT" "published despite the security gate" "human output names the override"
assert_contains "$OUT" "$BUG_TID  unscanned" "with the trace and the gate's reason"
assert_contains "$OUT" "session file(s) uploaded" "and counts the session files"
grep -qF "$(jq -r --arg t "$BUG_TID" 'select(.trace_id == $t) | .session' "$DS/tr-allow/data/train.jsonl")" <<<"$(jsclient list "$HUBSIM" "$ALICE_TOKEN" alice/override)" &&
  pass "the override row's session is on the Hub" || fail "override session missing"

# --- a tampered local session file is refused, nothing uploaded
run_ot dataset new tr-sts --traces --format sts --json
assert_rc 0 "dataset new --traces --format sts"
run_ot dataset run tr-sts --approve-new --json
assert_eq "4" "$(jq_out .run.appended_count)" "four STS rows"
run_ot dataset remote create tr-sts alice/agent-sessions-sts --private --json
victim=$(find "$DS/tr-sts/sessions" -name '*.jsonl' | head -1)
cp "$victim" "$T/victim"
echo '{"type":"message","message":{"role":"user","content":"added later"}}' >>"$victim"
run_ot dataset publish tr-sts --json
assert_rc 3 "a changed session file is refused"
assert_eq "SESSION_FILE_CHANGED" "$(jq_out .error.code)" "clear code"
cp "$T/victim" "$victim"
run_ot dataset publish tr-sts --json
assert_rc 0 "STS publish"
mkdir -p "$T/rb2"
jsclient readback "$HUBSIM" "$ALICE_TOKEN" alice/agent-sessions-sts "$T/rb2" >"$T/rb2/tree.jsonl" || fail "JS readback (sts)"
n=0
for f in "$T"/rb2/files/sessions/sts/*.jsonl; do
  n=$((n + 1))
  "$OT_SCHEMA_CHECK" "$OT_SOURCE_DIR/docs/schemas/hub.sts.line.v1.json" "$f" 2>"$T/sc.err" || fail "STS $(basename "$f"): $(cat "$T/sc.err")"
done
assert_eq "4" "$n" "four STS session files on the Hub, each line valid STS"
assert_contains "$(cat "$T/rb2/files/README.md")" "path: sessions/sts/*.jsonl" "STS card config"
# --- no seeded secret anywhere the simulator stored (objects, commits, received bytes) after
# every publish above: native, with the override, STS
leaks=0
while IFS= read -r line; do
  value=$(jq -r .value <<<"$line")
  if grep -rqF -- "$value" "$T/hubsim"; then fail "seeded $(jq -r .type <<<"$line") reached the Hub"; leaks=$((leaks + 1)); fi
done <"$SEEDED"
grep -rqF "$SEED_TID" "$T/hubsim" && pass "the seeded session itself was published" || fail "the seeded session never reached the Hub"
assert_eq "0" "$leaks" "none of $(wc -l <"$SEEDED") seeded secrets ($(jq -r .type "$SEEDED" | sort -u | wc -l) kinds) in the simulator's storage"
grep -rqF "$HOME" "$T/hubsim" && fail "the home directory reached the Hub" || pass "home directory scrubbed"

finish
