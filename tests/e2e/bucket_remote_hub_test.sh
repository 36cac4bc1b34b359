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

# --- a failure in each pass of a push (preupload, LFS batch, LFS upload, commit; 5xx,
# timeouts, dropped connections): the remote manifest stays the old, consistent one (every
# trace it names is readable) until a rerun completes. OT_HUB_LFS_THRESHOLD=1 sends every
# file through LFS so that its two passes are exercised too.
export OT_HUB_LFS_THRESHOLD=1
consistent() {  # $1: what; the manifest is unchanged and a reader pulls it whole
  assert_eq "$before" "$(remote_manifest | jq -r .bucket_digest)" "$1: the remote manifest is unchanged"
  as_b bucket pull --json
  assert_rc 0 "$1: a reader still pulls a consistent bucket"
  as_b bucket verify --full --json
  assert_rc 0 "$1: what the reader pulled verifies"
}
fault_round() {  # $1: what, $2: the fault (JSON), $3: the session to add first
  capture_clear a "$3"
  before=$(remote_manifest | jq -r .bucket_digest)
  hubsim_clear_faults
  hubsim_fault "$2"
  OT_HUB_ATTEMPTS=2 OT_HUB_TIMEOUT_MS=1500 as_a bucket push --json
  assert_rc 3 "$1: the push fails"
  consistent "$1"
  hubsim_clear_faults
  as_a bucket push --json
  assert_rc 0 "$1: a rerun completes"
  as_a bucket remote status --json
  assert_eq "current" "$(jq_out .state)" "$1: current after the rerun"
}
fault_round "preupload 500" '{"method":"POST","path":"/preupload/","action":"status","status":500,"times":-1}' \
  "$S/codex/codex-bugfix.jsonl"
fault_round "LFS batch 502" '{"method":"POST","path":"/info/lfs/objects/batch","action":"status","status":502,"times":-1}' \
  "$S/pi/pi-calc.jsonl"
fault_round "LFS upload dropped" '{"method":"PUT","action":"drop","times":-1}' \
  "$OT_FIXTURES/crafted/cc-clean.jsonl"
# The slowed commits are answered long after the client gave up; by then their pinned parent
# is stale, so the simulator refuses them and they can never land behind the rerun.
fault_round "commit timeout" '{"method":"POST","path":"/commit/","action":"slow","delay_ms":30000,"times":-1}' \
  "$OT_FIXTURES/crafted/cc-signals.jsonl"
# The commit is applied but its answer is lost: the rerun finds the remote already holds it.
as_a capture ingest "$S/claude-code/cc-waste.jsonl" --json  # the clean cc-waste replaces the seeded one
as_a bucket security run --all --json
hubsim_clear_faults
hubsim_fault '{"method":"POST","path":"/commit/","action":"drop_after","times":-1}'
OT_HUB_ATTEMPTS=2 as_a bucket push --json
assert_rc 3 "commit answer lost: the push reports a failure"
hubsim_clear_faults
as_b bucket pull --json
assert_rc 0 "commit answer lost: a reader pulls the applied commit"
as_a bucket push --json
assert_rc 0 "commit answer lost: a rerun completes"
as_a bucket remote status --json
assert_eq "current" "$(jq_out .state)" "commit answer lost: current after the rerun"
as_a bucket list --count --json; na=$(jq_out .total)
as_b bucket pull --json
as_b bucket list --count --json
assert_eq "$na" "$(jq_out .total)" "B ends with every trace A pushed"

finish
