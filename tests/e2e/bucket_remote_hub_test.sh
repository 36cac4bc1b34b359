#!/usr/bin/env bash
# Team bucket remote on a private Hub dataset repo, against the local Hub simulator:
# two homes push and pull, nothing moves twice, the gate keeps uncleared bytes home,
# and injected server failures leave the remote consistent until a rerun completes.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/bucket_remote_lib.sh"
source "$(dirname "$0")/../hubsim/lib.sh"
hubsim_start
export HF_TOKEN="$ALICE_TOKEN" OT_HUB_BACKOFF_MS=10

REPO="alice/team-bucket"
remote_manifest() { curl -sS -H "Authorization: Bearer $ALICE_TOKEN" "$HUBSIM/datasets/$REPO/resolve/main/manifest.json"; }

for who in a b; do "as_$who" bucket security policy recommended --json; done

capture_clear a "$S/claude-code/cc-calc.jsonl"
capture_clear a "$S/claude-code/cc-bugfix.jsonl"

as_a bucket remote connect "hf:$REPO" --json
assert_rc 0 "connect creates the private repo"
assert_eq "huggingface" "$(jq_out .provider)" "provider"
assert_eq "false" "$(jq_out .remote_has_bucket)" "no bucket there yet"
curl -sS -H "Authorization: Bearer $ALICE_TOKEN" "$HUBSIM/api/datasets/$REPO" | jq -e '.private == true' >/dev/null &&
  pass "the repo is private" || fail "repo not private"
as_a bucket remote status --json
assert_eq "missing" "$(jq_out .state)" "state missing"

# --- the gate: an unscanned trace with a secret keeps every byte at home
secret="ghp_$(head -c 30 /dev/urandom | base64 -w0 | tr -dc 'A-Za-z0-9' | head -c 36)"
as_a capture ingest "$(seed_secret "$secret")" --json
as_a bucket push --json
assert_rc 9 "push withheld"
assert_eq "NOT_CLEARED_FOR_EGRESS" "$(jq_out .error.code)" "gate code"
remote_manifest | jq -e '.traces' >/dev/null 2>&1 && fail "a manifest reached the Hub" || pass "nothing was committed"
as_a bucket security run --all --json

# --- push, then nothing to send
as_a bucket push --json
assert_rc 0 "push"
assert_eq "pushed" "$(jq_out .state)" "pushed"
first=$(jq_out .files_uploaded)
[ "$first" -gt 3 ] && pass "files sent ($first)" || fail "files_uploaded $first"
assert_eq "3" "$(remote_manifest | jq '.traces | length')" "the Hub holds the manifest of three traces"
if grep -rqaF "$secret" "$T/hubsim"; then fail "the seeded secret reached the Hub"; else pass "the seeded secret is nowhere on the Hub"; fi
as_a bucket push --json
assert_eq "current" "$(jq_out .state)" "second push: current"
assert_eq "0" "$(jq_out .files_uploaded)" "second push sends nothing"

# --- B pulls the same traces
as_b bucket remote connect "hf:$REPO" --json
assert_eq "true" "$(jq_out .remote_has_bucket)" "B sees the bucket"
as_b bucket pull --json
assert_rc 0 "B pulls"
assert_eq "pulled" "$(jq_out .state)" "pulled"
for id in $CC_CALC $CC_WASTE; do
  as_a trace get "$id" --json; a_out="$OUT"
  as_b trace get "$id" --json
  assert_rc 0 "B reads $id"
  assert_eq "$a_out" "$OUT" "B's trace get $id matches A's"
done
as_b bucket pull --json
assert_eq "current" "$(jq_out .state)" "second pull: current"

# --- B adds and pushes only what changed; A pulls only what changed
capture_clear b "$S/claude-code/cc-subagent.jsonl"
as_b bucket push --json
assert_rc 0 "B pushes"
n=$(jq_out .files_uploaded)
[ "$n" -ge 2 ] && [ "$n" -lt "$first" ] && pass "incremental push ($n files)" || fail "B sent $n files (first push sent $first)"
as_a bucket remote status --json
assert_eq "remote_ahead" "$(jq_out .state)" "A is behind"
as_a bucket pull --json
assert_rc 0 "A pulls"
d=$(jq_out .files_downloaded)
[ "$d" -ge 2 ] && [ "$d" -lt "$first" ] && pass "incremental pull ($d files)" || fail "A downloaded $d files"
as_a bucket list --count --json
assert_eq "4" "$(jq_out .total)" "A holds the union"

# --- faults: the commit fails; the remote stays consistent; a rerun completes
capture_clear a "$S/codex/codex-calc.jsonl"
before=$(remote_manifest | jq -r .bucket_digest)
hubsim_fault '{"method":"POST","path":"/commit/","action":"status","status":500,"times":100}'
OT_HUB_ATTEMPTS=2 as_a bucket push --json
assert_rc 3 "push fails while the Hub fails"
assert_eq "$before" "$(remote_manifest | jq -r .bucket_digest)" "the remote manifest is unchanged"
as_b bucket pull --json
assert_rc 0 "a reader still pulls a consistent bucket"
hubsim_clear_faults
hubsim_fault '{"method":"POST","path":"/commit/","action":"status","status":503,"times":1}'
as_a bucket push --json
assert_rc 0 "a rerun completes (one more 503 retried)"
assert_eq "5" "$(remote_manifest | jq '.traces | length')" "the remote has every trace"
as_b bucket pull --json
as_b bucket list --count --json
assert_eq "5" "$(jq_out .total)" "B ends with the union"

finish
