#!/usr/bin/env bash
# The seeded corpus (#9) all the way to dataset rows: a session seeded with 52 fake,
# well-formed secrets and PII of 45 kinds. Rows built from it BEFORE the bucket scan are
# redacted by the row sanitizer alone; after `bucket security run --all` no seeded value is
# left in the stored record read back through the CLI (every step, the full-text index,
# the context tree), in `bucket export`, or anywhere under the datasets directory (grep
# over the bytes); >= 95% of the items are reported by type; the path key never
# reaches a row or the export.
source "$(dirname "$0")/lib.sh"
export OT_WORKFLOW_TEMPLATES="${OT_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}/workflows/templates"
SEEDED="$OT_FIXTURES/security/seeded-secrets.jsonl"
DS="$OPENTRACES_HOME/datasets"
jqo() { printf '%s' "$OUT" | jq "$@"; }

# A workflow whose rows carry the WHOLE record and its burst units: every byte of the
# trace passes through the row pipeline.
WF="$T/wf-dump"
cp -r "$OT_WORKFLOW_TEMPLATES/default" "$WF"
sed -i 's/^name: default/name: dump/; s/^template: default/template: none/; s/^requires: \[\]/requires: [bursts, skill_episodes]/' "$WF/SKILL.md"
cat > "$WF/scripts/build_rows" <<'PY'
#!/usr/bin/env python3
import json, os
packet = json.load(open(os.environ["OT_RUN_PACKET"]))
with open(os.environ["OT_DATASET_OUTPUT"], "w") as out:
    for c in packet["candidates"]:
        rec = json.load(open(c["record_path"]))
        last = max(len(rec.get("steps") or []) - 1, 0)
        out.write(json.dumps({"source_ref": "%s:0-%d" % (c["trace_id"], last), "trace_id": c["trace_id"],
                              "record": rec, "units": c.get("units")}) + "\n")
PY
echo '{"type": "object", "required": ["source_ref", "trace_id", "record"]}' > "$WF/schemas/row.schema.json"
: > "$WF/examples/rows.jsonl"

run_ot capture ingest "$OT_FIXTURES/security/cc-seeded.jsonl" --agent claude-code --json
assert_rc 0 "ingest the seeded session"
TID="$(jq_out .trace_id)"
run_ot bucket security policy recommended --json
assert_rc 0 "policy recommended"
jq '.security.business_logic = {"strings": ["Project Nightingale"], "patterns": []}' "$OPENTRACES_HOME/config.json" > "$T/c.json"
mv "$T/c.json" "$OPENTRACES_HOME/config.json"

# readback FILE: the stored record as the CLI shows it (the steps, the context tree's
# messages, reads and writes), decoded from JSON to plain text.
readback() {
  local steps
  steps="$("$OT_BIN" bucket list --json | jq -r --arg t "$TID" '.rows[] | select(.trace_id == $t) | .step_count')"
  { "$OT_BIN" trace get "$TID:0-$((steps - 1))" --json
    "$OT_BIN" ctx "$TID:last" --layer messages --full --with-dropped --json
    "$OT_BIN" ctx reads "$TID" --json
    "$OT_BIN" ctx writes "$TID" --json; } 2>/dev/null | jq -r '.. | strings' > "$1"
}
# found PATH...: how many seeded values occur in the files (bytes; directories recursively).
found() {
  python3 - "$SEEDED" "$@" <<'PY'
import json, os, sys
values = [json.loads(l)["value"].encode() for l in open(sys.argv[1]) if l.strip()]
blob = []
for p in sys.argv[2:]:
    walk = os.walk(p) if os.path.isdir(p) else [(os.path.dirname(p) or ".", [], [os.path.basename(p)])]
    for root, _, files in walk:
        for f in files:
            with open(os.path.join(root, f), "rb") as fh:
                blob.append(fh.read())
data = b"\0".join(blob)
print(sum(1 for v in values if v in data))
PY
}
# leaked_terms VALUE...: queries the full-text index for each value and prints the matched
# terms the redacted record ($T/readback.txt) lacks: terms only a secret could have added.
leaked_terms() {
  local v
  for v in "$@"; do
    "$OT_BIN" trace query "$v" --json 2>/dev/null | jq -r '.candidates[]?.matched_fields[]?[]?'
  done | sort -u | while IFS= read -r term; do
    grep -qiF -- "$term" "$T/readback.txt" || echo "$term"
  done
}
total=$(wc -l < "$SEEDED")
# The checks below can fail: before the scan the same read-back shows the secrets, and
# the index finds the trace by distinctive seeded values.
readback "$T/before.txt"
n="$(found "$T/before.txt")"
if [ $((n * 100)) -ge $((total * 90)) ]; then pass "before the scan the CLI read-back shows $n/$total seeded values"
else fail "read-back before the scan shows only $n/$total: it would prove nothing"; fi
SAMPLE=(AKIA5XRILAV5FVCYK43K maria.gonzalez@acme-corp.io mgonzalez)
hits=0
for v in "${SAMPLE[@]}"; do
  [ "$("$OT_BIN" trace query "$v" --json | jq -r '.total // 0')" = "0" ] || hits=$((hits + 1))
done
assert_eq "${#SAMPLE[@]}" "$hits" "before the scan trace query finds the trace by seeded values"

# --- rows before the scan: the row sanitizer alone
run_ot dataset new before --workflow "$WF" --json
assert_rc 0 "dataset new (dump workflow)"
run_ot dataset run before --json
assert_rc 0 "dataset run before the bucket scan"
assert_eq 1 "$(jq_out .run.appended_count)" "one row with the whole unscanned record"
assert_eq "unscanned" "$(jq_out '.run.uncleared_sources[0].reason')" "the run says the source is unscanned"
assert_eq 0 "$(jq -r '.provenance.security.findings | length' "$DS/before/.opentraces/row_index.jsonl")" "nothing left for a detector in the row"
run_ot dataset review before --json
assert_eq '["source_trace_unscanned"]' "$(jqo -c '[.rows[]][0].block_reasons')" "the row is blocked until the trace is scanned"

# --- the scan
run_ot bucket security run --all --json
assert_rc 0 "bucket security run --all"
kinds=$(jq -r .type "$SEEDED" | sort -u | wc -l)
if [ "$total" -ge 40 ] && [ "$kinds" -ge 10 ]; then pass "$total seeded items of $kinds kinds"; else fail "corpus too small: $total/$kinds"; fi
reported=0
for type in $(jq -r .type "$SEEDED" | sort -u); do
  want=$(jq -r --arg t "$type" 'select(.type == $t) | .type' "$SEEDED" | wc -l)
  got=$(jqo -r --arg t "$type" '.findings_by_type[$t] // 0')
  [ "$got" -gt "$want" ] && got=$want
  reported=$((reported + got))
done
if [ $((reported * 100)) -ge $((total * 95)) ]; then pass "reported by type: $reported/$total"; else fail "reported by type: $reported/$total < 95%"; fi

# --- rows after the scan, and a re-run of the first dataset
run_ot dataset new after --workflow "$WF" --json
run_ot dataset run after --json
assert_rc 0 "dataset run after the scan"
assert_eq "[]" "$(jqo -c .run.uncleared_sources)" "the source is cleared now"
run_ot dataset run before --json
assert_rc 0 "re-run the first dataset"
run_ot dataset run after --dry-run --json   # a dry run keeps its raw output: grep it too
assert_rc 0 "dry run"

# --- read everything back
run_ot bucket export "$T/export"
assert_rc 0 "bucket export"
readback "$T/readback.txt"
if [ "$(wc -c < "$T/readback.txt")" -gt 5000 ]; then pass "record read back through the CLI ($(wc -c < "$T/readback.txt") bytes)"
else fail "CLI read-back too small"; fi
find "$T/export" -name '*.gz' -exec zcat {} + > "$T/export-unzipped.txt" 2>/dev/null || true
assert_eq 0 "$(found "$T/readback.txt")" "no seeded value in the stored record read back through the CLI"
assert_eq 0 "$(found "$T/export" "$T/export-unzipped.txt")" "no seeded value in bucket export"
assert_eq 0 "$(found "$DS")" "no seeded value in any file under datasets/ (rows, index, run records, dry-run output)"
mapfile -t VALUES < <(jq -r '.value | select(test("\n") | not)' "$SEEDED")
assert_eq "" "$(leaked_terms "${VALUES[@]}" | tr '\n' ' ')" "the full-text index matches no seeded value by a term the redacted record lacks"
assert_eq 0 "$(for v in "${SAMPLE[@]}"; do "$OT_BIN" trace query "$v" --json | jq -r '.candidates[]?.matched_fields[]?[]?'; done | grep -ciE 'akia|gonzalez')" \
  "the sample values match nothing after the scan"
if grep -qF "[REDACTED:aws_access_key]" "$DS/before/data/train.jsonl" && grep -qF "[REDACTED:aws_access_key]" "$DS/after/data/train.jsonl"; then
  pass "rows hold typed placeholders"
else fail "no typed placeholder in the rows"; fi

# --- the path key stays here
key="$(tr -d '\n' < "$OPENTRACES_HOME/security/path.key")"
assert_eq 64 "${#key}" "the local path key exists"
kleak=0
for ((i = 0; i + 12 <= 64; i += 12)); do
  part="${key:$i:12}"
  if grep -rqF -- "$part" "$DS" "$T/export" "$T/export-unzipped.txt" "$T/readback.txt"; then kleak=$((kleak + 1)); fi
done
assert_eq 0 "$kleak" "no part of the path key in rows, export or read-back"
if grep -rqF "path.key" "$T/export" "$DS"; then fail "the key file is named in the export or a dataset"; else pass "the key file is not shipped"; fi
anon="$(grep -ohE '/home/\[USER:[0-9a-f]+\]' "$DS/after/data/train.jsonl" | head -1)"
if [ -n "$anon" ]; then pass "home path anonymized in the row: $anon"; else fail "no anonymized home path in the rows"; fi
# One placeholder per user within the trace: the rows (built before and after the scan)
# and the stored record use the same ones, and only this machine's key reveals them.
grep -ohE '/home/\[USER:[0-9a-f]+\]' "$T/readback.txt" | sort -u > "$T/tok-record"
grep -ohE '/home/\[USER:[0-9a-f]+\]' "$DS/before/data/train.jsonl" | sort -u > "$T/tok-before"
grep -ohE '/home/\[USER:[0-9a-f]+\]' "$DS/after/data/train.jsonl" | sort -u > "$T/tok-after"
if [ -s "$T/tok-after" ] && cmp -s "$T/tok-after" "$T/tok-before" && cmp -s "$T/tok-after" "$T/tok-record"; then
  pass "same placeholders in both datasets and the stored record: $(tr '\n' ' ' < "$T/tok-after")"
else fail "placeholders differ: after[$(cat "$T/tok-after")] before[$(cat "$T/tok-before")] record[$(cat "$T/tok-record")]"; fi
set +e
OUT="$("$OT_BIN" security reveal --scope "$TID" < "$T/tok-after")"
set -e
assert_contains "$OUT" "/home/mgonzalez" "reveal with the local key"
set +e
OUT="$(OPENTRACES_HOME="$T/elsewhere" "$OT_BIN" security reveal --scope "$TID" < "$T/tok-after")"
set -e
assert_eq "$(cat "$T/tok-after")" "$OUT" "no reveal with another machine's key"
set +e
OUT="$("$OT_BIN" security reveal --scope "another-trace" < "$T/tok-after")"
set -e
assert_eq "$(cat "$T/tok-after")" "$OUT" "no reveal under another trace's scope"

finish
