#!/usr/bin/env bash
# Team bucket remotes over git: two homes (two OPENTRACES_HOMEs) and a bare remote
# reached by file://. Push, pull, states, the security gate, and two pushers at once.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/bucket_remote_lib.sh"

REMOTE="$T/team.git"
git init -q --bare "$REMOTE"
# The remote refuses anything but fast-forwards: a force push would fail loudly.
git -C "$REMOTE" config receive.denyNonFastForwards true
git -C "$REMOTE" config receive.denyDeletes true
URL="file://$REMOTE"

remote_head() { git -C "$REMOTE" rev-parse --verify --quiet refs/opentraces/bucket || true; }

for who in a b; do
  "as_$who" bucket security policy recommended --json
  assert_rc 0 "$who: security policy"
done

# --- not connected
capture_clear a "$S/claude-code/cc-calc.jsonl"
capture_clear a "$S/claude-code/cc-bugfix.jsonl"
as_a bucket status --json
assert_eq "unconfigured" "$(jq_out .remote.state)" "status: no remote"
as_a bucket push --json
assert_rc 2 "push without a remote"
assert_eq "REMOTE_UNCONFIGURED" "$(jq_out .error.code)" "unconfigured code"
as_a bucket remote connect hf:team/traces --json
assert_rc 3 "an hf remote needs a Hub token"
assert_eq "AUTH_REQUIRED" "$(jq_out .error.code)" "no token, no hf remote"
as_a bucket remote connect svn:whatever --json
assert_rc 2 "unknown scheme"
as_a bucket remote connect git:nosuchremote --json
assert_rc 2 "a remote name outside a repository with that remote"
as_a bucket remote connect "git:file://$T/missing.git" --json
assert_rc 3 "an unreachable remote is refused"
assert_eq "false" "$(OPENTRACES_HOME=$T/a "$OT_BIN" config get bucket.remote.enabled --json 2>/dev/null | jq -r '.value')" "nothing recorded for it"

# --- connect by remote name, inside a repository that has it
repo=$(new_repo work)
git -C "$repo" remote add team "$URL"
OUT=$(cd "$repo" && OPENTRACES_HOME="$T/a" "$OT_BIN" bucket remote connect git:team --json 2>"$T/stderr") && RC=0 || RC=$?
ERR=$(cat "$T/stderr")
assert_rc 0 "connect by remote name"
check_schema opentraces.bucket.remote.v1 "connect"
assert_eq "$URL" "$(jq_out .repo_id)" "remote name resolved to its URL"
assert_eq "false" "$(jq_out .remote_has_bucket)" "remote holds no bucket yet"
as_a bucket remote status --json
assert_rc 0 "remote status"
assert_envelope "remote status"
assert_eq "opentraces.bucket.remote.v1" "$(jq_out .schema_version)" "remote status schema"
assert_eq "missing" "$(jq_out .state)" "state missing"
check_schema opentraces.bucket.remote.v1 "remote status"

# --- the gate: an unscanned trace with a secret refuses the whole push
secret="ghp_$(head -c 30 /dev/urandom | base64 -w0 | tr -dc 'A-Za-z0-9' | head -c 36)"
as_a capture ingest "$(seed_secret "$secret")" --json
as_a bucket push --json
assert_rc 9 "push refused while a trace is not cleared"
assert_eq "NOT_CLEARED_FOR_EGRESS" "$(jq_out .error.code)" "gate code"
assert_contains "$(jq_out .error.message)" "$CC_WASTE" "gate names the trace"
assert_eq "" "$(remote_head)" "the remote received nothing"
as_a bucket security run --all --json
assert_rc 0 "scan redacts the secret"

# --- first push
as_a bucket push --json
assert_rc 0 "push"
assert_envelope "push"
assert_eq "pushed" "$(jq_out .state)" "state pushed"
check_schema opentraces.bucket.push.v1 "push"
assert_eq "3" "$(jq_out .traces)" "three traces pushed"
first_commit=$(remote_head)
assert_eq "$first_commit" "$(jq_out .commit)" "the remote ref is the pushed commit"
[ "$(jq_out .files_uploaded)" -gt 3 ] && pass "files uploaded" || fail "files_uploaded: $(jq_out .files_uploaded)"
if git -C "$REMOTE" grep -q -F "$secret" refs/opentraces/bucket -- 2>/dev/null ||
   git -C "$REMOTE" cat-file --batch-all-objects --batch 2>/dev/null | grep -q -a -F "$secret"; then
  fail "the seeded secret reached the remote"
else
  pass "the seeded secret is in no object of the remote"
fi
git -C "$REMOTE" show refs/opentraces/bucket:manifest.json | jq -e '.traces | length == 3' >/dev/null &&
  pass "remote tree holds the portable manifest" || fail "remote manifest"
as_a bucket remote status --json
assert_eq "current" "$(jq_out .state)" "current after push"
as_a bucket push --json
assert_rc 0 "second push"
assert_eq "current" "$(jq_out .state)" "unchanged bucket: nothing pushed"
assert_eq "$first_commit" "$(remote_head)" "no new commit for an unchanged bucket"

# --- B pulls and reads the same traces
as_b bucket remote connect "git:$URL" --json
assert_eq "true" "$(jq_out .remote_has_bucket)" "B sees a bucket on the remote"
as_b bucket remote status --json
assert_eq "different" "$(jq_out .state)" "B before pulling"
as_b bucket pull --json
assert_rc 0 "B pulls"
assert_eq "pulled" "$(jq_out .state)" "state pulled"
check_schema opentraces.bucket.pull.v1 "pull"
for id in $CC_CALC $CC_BUGFIX $CC_WASTE; do
  as_a trace get "$id" --json; a_out="$OUT"
  as_b trace get "$id" --json
  assert_rc 0 "B reads $id"
  assert_eq "$a_out" "$OUT" "B's trace get $id matches A's"
done
as_a ctx $CC_CALC:1 --json; a_out="$OUT"
as_b ctx $CC_CALC:1 --json
assert_rc 0 "B's ctx"
assert_eq "$a_out" "$OUT" "B's ctx matches A's"
as_b bucket pull --json
assert_eq "current" "$(jq_out .state)" "second pull moves nothing"

# --- --remote reads the remote without pulling into the local bucket
home_before=$OPENTRACES_HOME
export OPENTRACES_HOME="$T/c"
run_ot bucket remote connect "git:$URL" --json
run_ot trace get $CC_BUGFIX --json
assert_rc 6 "C's own bucket does not hold the trace"
run_ot trace get $CC_BUGFIX --remote --json
assert_rc 0 "trace get --remote"
as_a trace get $CC_BUGFIX --json; a_out="$OUT"
OPENTRACES_HOME="$T/c" run_ot trace get $CC_BUGFIX --remote --json
assert_eq "$a_out" "$OUT" "--remote shows what A captured"
OPENTRACES_HOME="$T/c" run_ot trace query --agent claude-code --remote --json
assert_rc 0 "trace query --remote"
assert_eq "3" "$(jq_out .total)" "--remote query sees the remote's traces"
OPENTRACES_HOME="$T/c" run_ot ctx $CC_CALC:1 --remote --json
assert_rc 0 "ctx --remote"
OPENTRACES_HOME="$T/c" run_ot bucket list --count --json
assert_eq "0" "$(jq_out .total)" "the local bucket stayed empty"
export OPENTRACES_HOME=$home_before

# --- B adds a trace and pushes; A is behind, is refused, pulls the union
capture_clear b "$S/claude-code/cc-subagent.jsonl"
as_b bucket remote status --json
assert_eq "local_ahead" "$(jq_out .state)" "B is ahead"
as_b bucket push --json
assert_rc 0 "B pushes"
as_a bucket remote status --json
assert_eq "remote_ahead" "$(jq_out .state)" "A is behind"
as_a bucket status
assert_contains "$OUT" "remote       remote_ahead" "bucket status shows the sync state"
capture_clear a "$S/codex/codex-calc.jsonl"
as_a bucket remote status --json
assert_eq "diverged" "$(jq_out .state)" "A diverged"
as_a bucket push --json
assert_rc 3 "push refused when diverged"
assert_eq "REMOTE_AHEAD" "$(jq_out .error.code)" "remote-ahead code"
as_a bucket pull --json
assert_rc 0 "A pulls"
as_a bucket list --count --json
assert_eq "5" "$(jq_out .total)" "A holds the union"
as_a bucket remote status --json
assert_eq "local_ahead" "$(jq_out .state)" "A still has its own new trace to push"
as_a bucket push --json
assert_rc 0 "A pushes the union"

# --- both push at once
capture_clear a "$S/codex/codex-bugfix.jsonl"
capture_clear b "$S/pi/pi-calc.jsonl"
OPENTRACES_HOME="$T/b" "$OT_BIN" bucket pull --json >/dev/null 2>&1
before=$(remote_head)
# Both fetch the same remote state, then hold for three seconds before pushing: one of them
# must lose the fast-forward race, merge and retry.
OPENTRACES_TEST_PUSH_DELAY_MS=3000 OPENTRACES_HOME="$T/a" "$OT_BIN" bucket push --json > "$T/push-a.json" 2> "$T/push-a.err" & pa=$!
OPENTRACES_TEST_PUSH_DELAY_MS=3000 OPENTRACES_HOME="$T/b" "$OT_BIN" bucket push --json > "$T/push-b.json" 2> "$T/push-b.err" & pb=$!
wait $pa && rca=0 || rca=$?
wait $pb && rcb=0 || rcb=$?
assert_eq "0 0" "$rca $rcb" "both concurrent pushes succeed ($(cat "$T/push-a.err" "$T/push-b.err" | tr '\n' ' '))"
attempts=$(jq -s '[.[].attempts] | sort | join(" ")' "$T/push-a.json" "$T/push-b.json")
assert_eq '"1 2"' "$attempts" "one pusher won, the other merged and retried once"
git -C "$REMOTE" merge-base --is-ancestor "$before" refs/opentraces/bucket &&
  pass "the remote only moved forward" || fail "remote history was rewritten"
git -C "$REMOTE" merge-base --is-ancestor "$first_commit" refs/opentraces/bucket &&
  pass "the first push is still in the history" || fail "first push lost"
as_a bucket pull --json
as_b bucket pull --json
as_a bucket list --count --json; na=$(jq_out .total)
as_b bucket list --count --json; nb=$(jq_out .total)
assert_eq "7 7" "$na $nb" "both end with the union"
remote_ids=$(git -C "$REMOTE" show refs/opentraces/bucket:manifest.json | jq -r '[.traces[].trace_id] | sort | join(",")')
as_a bucket list --limit 100 --json
assert_eq "$(jq_out '[.rows[].trace_id] | sort | join(",")')" "$remote_ids" "the remote holds every trace"
as_a bucket status --json; da=$(jq_out .digest)
as_b bucket status --json; db=$(jq_out .digest)
assert_eq "$da" "$db" "same content, same digest"
as_a bucket verify --full --json
assert_rc 0 "A's merged bucket verifies"

# --- faults on the remote: a refusing server and a hung one. The remote ref does not move,
# readers still pull the old bucket whole, and a rerun completes once the remote is back.
git_fault_round() {  # $1: what, $2: the pre-receive hook's body, $3: a session to add, $4: error code
  capture_clear a "$3"
  local before; before=$(remote_head)
  printf '#!/bin/sh\n%s\n' "$2" > "$REMOTE/hooks/pre-receive"; chmod +x "$REMOTE/hooks/pre-receive"
  OT_GIT_NETWORK_TIMEOUT_MS=2000 as_a bucket push --json
  assert_rc 3 "$1: the push fails"
  assert_eq "$4" "$(jq_out .error.code)" "$1: error code"
  assert_eq "$before" "$(remote_head)" "$1: the remote ref did not move"
  as_b bucket pull --json
  assert_rc 0 "$1: a reader still pulls"
  as_b bucket verify --full --json
  assert_rc 0 "$1: what the reader pulled verifies"
  rm -f "$REMOTE/hooks/pre-receive"
  as_a bucket push --json
  assert_rc 0 "$1: a rerun completes"
  as_a bucket remote status --json
  assert_eq "current" "$(jq_out .state)" "$1: current after the rerun"
}
git_fault_round "the remote refuses" 'echo "disk full" >&2; exit 1' "$OT_FIXTURES/crafted/cc-signals.jsonl" REMOTE_REJECTED
git_fault_round "the remote hangs" 'sleep 30' "$S/claude-code/cc-waste.jsonl" PUSH_FAILED  # clean: a new generation of the seeded trace

# --- sync policy on-commit: the post-commit hook pushes in the background
as_a config set bucket.remote.sync_policy on-commit --json
assert_rc 0 "sync policy on-commit"
capture_clear a "$OT_FIXTURES/crafted/cc-clean.jsonl"
before=$(remote_head)
(cd "$repo" && echo change > change.txt && git add change.txt && git commit -q -m change &&
  OPENTRACES_HOME="$T/a" "$OT_BIN" hook post-commit) && pass "post-commit hook exits 0" || fail "post-commit hook failed"
for _ in $(seq 1 100); do [ "$(remote_head)" != "$before" ] && break; sleep 0.2; done
[ "$(remote_head)" != "$before" ] && pass "the commit scheduled a push that landed" || fail "no background push after the commit"
grep -q '"scheduled"' "$repo/.git/opentraces-hook.log" 2>/dev/null && pass "the hook log says the push was scheduled" ||
  fail "hook log: $(tail -2 "$repo/.git/opentraces-hook.log" 2>/dev/null)"
for _ in $(seq 1 50); do grep -q '"pushed"' "$T/a/logs/bucket-push.log" 2>/dev/null && break; sleep 0.2; done
grep -q '"pushed"' "$T/a/logs/bucket-push.log" && pass "the push's report is in logs/bucket-push.log" || fail "no push log"

# --- disconnect
as_a bucket remote disconnect --json
assert_rc 0 "disconnect"
as_a bucket remote status --json
assert_eq "unconfigured" "$(jq_out .state)" "unconfigured after disconnect"
check_schema opentraces.bucket.remote.v1 "status when unconfigured"
assert_eq "$(git -C "$REMOTE" rev-parse refs/opentraces/bucket)" "$(remote_head)" "the remote itself is untouched"

finish
