#!/usr/bin/env bash
# The client examples (examples/, docs/clients.md) on rows built from the fixture sessions
# by the real `dataset run` (trajectory-eval-v1): the evaluation job's scores and the
# loader's batches are checked against values computed here independently (jq for the
# rubric, sha256sum + sort for the shuffle), on the local layout and on a published-
# snapshot layout of the same rows.
source "$(dirname "$0")/lib.sh"
SRC="${OT_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}"
EX="$SRC/examples"
command -v python3 >/dev/null || { fail "python3 is needed to run the examples"; finish; }

for f in claude-code/cc-calc claude-code/cc-bugfix claude-code/cc-waste claude-code/cc-subagent; do
  run_ot capture ingest "$OT_FIXTURES/sessions/$f.jsonl" --agent claude-code --json
done
for f in codex/codex-calc codex/codex-bugfix; do run_ot capture ingest "$OT_FIXTURES/sessions/$f.jsonl" --agent codex --json; done
run_ot capture ingest "$OT_FIXTURES/sessions/pi/pi-calc.jsonl" --agent pi --json
run_ot dataset new evals --workflow trajectory-eval-v1 --json
assert_rc 0 "dataset new evals"
run_ot dataset run evals --json
assert_rc 0 "dataset run evals"
DS="$OPENTRACES_HOME/datasets/evals"
N="$(wc -l < "$DS/data/train.jsonl" | tr -d ' ')"
[ "$N" -ge 5 ] && pass "$N rows built from the fixtures" || fail "only $N rows"

# --- evaluation job: the rubric recomputed with jq from the same rows
run_py() { set +e; OUT="$(python3 "$@" 2>"$T/py.err")"; RC=$?; set -e; ERR="$(cat "$T/py.err")"; }
run_py "$EX/eval_trajectories.py" "$DS" --per-row
assert_rc 0 "eval_trajectories.py"
RUBRIC='def resolved: (.signals.success == true) or (.signals.success == null and .signals.committed == true);
  def clean: (.signals.tool_errors == 0);
  def score: if resolved then (if clean then 1 else 0.75 end) else 0 end;
  def r4: . * 10000 | round / 10000;
  def summary: length as $n | {rows: $n,
    resolved_rate: ((map(select(resolved)) | length) / $n | r4), clean_rate: ((map(select(clean)) | length) / $n | r4),
    mean_score: ((map(score) | add) / $n | r4), mean_steps: ((map(.signals.steps) | add) / $n | r4),
    mean_tool_errors: ((map(.signals.tool_errors) | add) / $n | r4)};'
# Numbers compare as numbers (Python writes 1.0 where jq writes 1).
assert_json_eq() {  # assert_json_eq EXPECTED_JSON FILTER WHAT
  if printf '%s' "$OUT" | jq -e --argjson w "$1" "$2 == \$w" >/dev/null 2>&1; then pass "$3"
  else fail "$3: expected $1, got $(printf '%s' "$OUT" | jq -c "$2")"; fi
}
want_overall="$(jq -sc "$RUBRIC"' summary' "$DS/data/train.jsonl")"
assert_json_eq "$want_overall" .overall "overall scores = the rubric computed with jq"
want_agents="$(jq -sc "$RUBRIC"' group_by("\(.agent.name // "?")/\(.agent.model // "?")")
  | map({key: (.[0] | "\(.agent.name // "?")/\(.agent.model // "?")"), value: summary}) | from_entries' "$DS/data/train.jsonl")"
assert_json_eq "$want_agents" .by_agent "per-agent scores = jq"
[ "$(jq -r '.overall.mean_score' <<<"$want_overall")" != "0" ] && pass "some rows score above zero" || fail "every row scores 0: rubric not exercised"
assert_eq "$(jq -r .row_id "$DS/.opentraces/row_index.jsonl" | LC_ALL=C sort | tr '\n' ' ')" \
  "$(jq_out '.rows[].row_id' | tr '\n' ' ')" "per-row scores carry the index's row ids"
run_py "$EX/eval_trajectories.py" "$DS" --states published
assert_rc 1 "no published row yet: nothing to score (exit 1)"

# --- loader: order = sha256("<seed>:<epoch>:<row_id>") ascending, batches of 3
expected_batches() {  # expected_batches INDEX_IDS_FILE SEED EPOCH BATCH RANK WORLD
  while read -r id; do printf '%s %s\n' "$(printf '%s:%s:%s' "$2" "$3" "$id" | sha256sum | cut -c1-64)" "$id"; done < "$1" |
    LC_ALL=C sort | awk '{print $2}' | awk -v r="$5" -v w="$6" '(NR - 1) % w == r' | paste -sd' ' | xargs -n "$4" | tr ' ' ','
}
jq -r .row_id "$DS/.opentraces/row_index.jsonl" > "$T/ids"
run_py "$EX/train_loader.py" "$DS" --batch-size 3 --seed 7 --epochs 2
assert_rc 0 "train_loader.py"
for e in 0 1; do
  assert_eq "$(expected_batches "$T/ids" 7 $e 3 0 1)" \
    "$(printf '%s\n' "$OUT" | jq -r --argjson e $e 'select(.epoch == $e) | .row_ids | join(",")')" "epoch $e batches = sha256 order"
done
e0="$(printf '%s\n' "$OUT" | jq -r 'select(.epoch == 0) | .row_ids | join(",")')"
e1="$(printf '%s\n' "$OUT" | jq -r 'select(.epoch == 1) | .row_ids | join(",")')"
[ "$e0" != "$e1" ] && pass "each epoch has its own order" || fail "epochs share one order"
run_py "$EX/train_loader.py" "$DS" --batch-size 2 --seed 7 --rank 1 --world-size 2
assert_eq "$(expected_batches "$T/ids" 7 0 2 1 2)" "$(printf '%s\n' "$OUT" | jq -r '.row_ids | join(",")')" "rank 1 of 2 takes every other row"
run_py "$EX/train_loader.py" "$DS" --batch-size 3 --seed 7
first="$OUT"
# The same rows stored in reverse order shuffle the same way: the order is by row id.
cp -r "$DS" "$T/reversed"
tac "$DS/data/train.jsonl" > "$T/reversed/data/train.jsonl"
tac "$DS/.opentraces/row_index.jsonl" > "$T/reversed/.opentraces/row_index.jsonl"
run_py "$EX/train_loader.py" "$T/reversed" --batch-size 3 --seed 7
assert_eq "$(printf '%s' "$first" | jq -c .row_ids)" "$(printf '%s' "$OUT" | jq -c .row_ids)" "storage order does not change the shuffle"
# Rows are real rows: the loader's token estimate is the rows' canonical size / 4.
want_tok="$(python3 -c '
import json,sys
rows={}
for raw,idx in zip(open(sys.argv[1],"rb"),open(sys.argv[2])):
    rows[json.loads(idx)["row_id"]]=len(json.dumps(json.loads(raw),sort_keys=True,separators=(",",":"),ensure_ascii=False).encode())
b=json.loads(sys.argv[3].splitlines()[0])["row_ids"]
print((sum(rows[i] for i in b)+3)//4)' "$DS/data/train.jsonl" "$DS/.opentraces/row_index.jsonl" "$first")"
assert_eq "$want_tok" "$(printf '%s\n' "$first" | head -1 | jq .tokens_estimate)" "batch token estimate"

# --- a published snapshot of the same rows (Hub layout: shard + contract)
mkdir -p "$T/snap/data" "$T/snap/opentraces"
cp "$DS/data/train.jsonl" "$T/snap/data/rows_20261125T000000Z_0000abcd.jsonl"
jq -n '{schema_version: "opentraces.hub.publication.v1", shards: [{path: "data/rows_20261125T000000Z_0000abcd.jsonl"}]}' \
  > "$T/snap/opentraces/publication.json"
run_py "$EX/eval_trajectories.py" "$T/snap"
assert_rc 0 "eval on the published snapshot"
assert_json_eq "$want_overall" .overall "same scores from the published layout"
while IFS= read -r line; do printf 'sha256:%s\n' "$(printf '%s' "$line" | sha256sum | cut -c1-64)"; done \
  < "$DS/data/train.jsonl" > "$T/snap-ids"
run_py "$EX/train_loader.py" "$T/snap" --batch-size 4 --seed 1
assert_eq "$(expected_batches "$T/snap-ids" 1 0 4 0 1)" "$(printf '%s\n' "$OUT" | jq -r '.row_ids | join(",")')" \
  "snapshot rows: id = sha256 of the stored line, same shuffle rule"
finish
