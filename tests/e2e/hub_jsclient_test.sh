#!/usr/bin/env bash
# Issue 11: the official @huggingface/hub client (npm) against the local Hub simulator
# proves the simulator speaks the Hub's protocol; then `git opentraces dataset publish`
# uploads real rows to it and the JS client reads them back byte-identical.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/../hubsim/lib.sh"

hubsim_js
hubsim_start --lfs-threshold 4096 --page-size 3

# The protocol: whoami, createRepo (private/public, 409 on exists, 403 elsewhere), uploadFiles
# (regular + LFS basic transfer), listFiles (paginated), downloadFile, datasetInfo,
# listCommits, parent-commit pin (412), private visibility, deleteRepo.
if out="$(jsclient protocol "$HUBSIM" "$ALICE_TOKEN" "$BOB_TOKEN" 2>&1)"; then
  pass "JS client protocol check ($(grep -c '^ok:' <<<"$out") checks)"
else
  fail "JS client protocol check: $(grep -v '^ok:' <<<"$out")"
fi
# The same with downloads redirected the way the live Hub does (307 to a cache URL).
hubsim_ctl POST /_sim/redirects '{"resolve":true}' >/dev/null
if out="$(jsclient protocol "$HUBSIM" "$ALICE_TOKEN" "$BOB_TOKEN" redirected 2>&1)"; then
  pass "JS client protocol check with redirected downloads"
else
  fail "JS client with redirects: $(grep -v '^ok:' <<<"$out")"
fi
# Presigned LFS uploads went to the storage origin without credentials.
reqs="$(hubsim_ctl GET /_sim/requests)"
assert_eq "0" "$(jq '[.[] | select(.origin=="storage" and .authorization=="present")] | length' <<<"$reqs")" \
  "no credentials sent to the storage origin"
[ "$(jq '[.[] | select(.origin=="storage" and .method=="PUT")] | length' <<<"$reqs")" -ge 2 ] &&
  pass "LFS objects were PUT to presigned URLs" || fail "no LFS PUTs seen"

# `dataset publish` → the JS client reads the rows back. Our client sends files of 1 KB and
# more through LFS here, so the shard takes the LFS batch + presigned PUT path.
export OT_WORKFLOW_TEMPLATES="${OT_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}/workflows/templates"
export HF_TOKEN="$ALICE_TOKEN" OT_HUB_BACKOFF_MS=20 OT_HUB_LFS_THRESHOLD=1024
for f in claude-code/cc-calc claude-code/cc-bugfix codex/codex-calc; do
  run_ot capture ingest "$OT_FIXTURES/sessions/$f.jsonl" --json; assert_rc 0 "capture $f"
done
run_ot bucket security policy basic --json; assert_rc 0 "security policy basic"
run_ot bucket security run --all --json; assert_rc 0 "security run --all"
run_ot dataset new rows --workflow default --json; assert_rc 0 "dataset new"
run_ot dataset run rows --json; assert_rc 0 "dataset run"
run_ot dataset review approve rows --all --json; assert_rc 0 "approve"
LOCAL="$OPENTRACES_HOME/datasets/rows/data/train.jsonl"
N="$(wc -l <"$LOCAL" | tr -d ' ')"
run_ot dataset remote create rows alice/published-rows --private --json; assert_rc 0 "remote create"
run_ot dataset publish rows --json
assert_rc 0 "git opentraces dataset publish"
assert_eq "published $N" "$(jq_out '.publish.message + " " + (.publish.new_row_count|tostring)')" "published every row ($N)"
mkdir -p "$T/readback"
if tree="$(jsclient readback "$HUBSIM" "$ALICE_TOKEN" alice/published-rows "$T/readback" 2>&1)"; then
  pass "JS client lists and downloads the published repo ($(wc -l <<<"$tree") files)"
else fail "JS client readback: $tree"; fi
[ "$N" -ge 2 ] && cmp -s "$T/readback/rows.jsonl" "$LOCAL" && pass "JS client reads the $N rows back byte-identical" ||
  fail "rows read back by the JS client differ from data/train.jsonl ($(wc -c <"$T/readback/rows.jsonl") vs $(wc -c <"$LOCAL") bytes)"
assert_eq "1" "$(jq -s '[.[] | select(.path | test("^data/rows_.*\\.jsonl$"))] | length' <<<"$tree")" "one shard"
assert_eq "true" "$(jq -s '[.[] | select(.path | startswith("data/"))][0].lfs' <<<"$tree")" "the shard went through LFS ($(wc -c <"$LOCAL") bytes)"
for f in README.md opentraces/publication.json opentraces/row.schema.json; do
  [ -s "$T/readback/files/$f" ] && pass "the JS client reads $f" || fail "$f missing from the published repo"
done
assert_eq "$N" "$(jq '.identities | length' "$T/readback/files/opentraces/publication.json")" "the contract lists every row"

finish
