#!/usr/bin/env bash
# Issue 11: `dataset publish` under faults injected into the Hub simulator — 500s, 503s,
# 429s, answers slower than the timeout, answers lost after the commit applied, the head
# moving under the pinned commit, the Hub unreachable, two publishers at once, rows that
# could not be marked — each publishes exactly once, or fails cleanly (no shard, no
# contract, no row marked) and the same command then completes it exactly once.
source "$(dirname "$0")/hub_publish_lib.sh"

# --- faults: one dataset, each scenario publishing it to its own repo (remote)
new_dataset faults
NF="$(wc -l <"$DS/faults/data/train.jsonl" | tr -d ' ')"
uploaded_count() { jq --arg r "$2" '[.rows[] | select(.uploaded_to[$r] != null)] | length' "$DS/$1/.opentraces/publication_state.json"; }
fault_case() {  # fault_case NAME FAULT_JSON EXPECT(ok|fail) [env...]
  local name="$1" fault="$2" expect="$3"; shift 3
  run_ot dataset remote create faults "alice/$name" --name "$name" --json
  hubsim_clear_faults
  hubsim_fault "$fault"
  set +e
  OUT="$(env "$@" "$OT_BIN" dataset publish faults --to "$name" --json 2>"$T/stderr" </dev/null)"; RC=$?
  set -e
  ERR="$(cat "$T/stderr")"
  printf '%s\n%s\n' "$OUT" "$ERR" >>"$ALL_OUTPUT"
  hubsim_clear_faults
  if [ "$expect" = ok ]; then
    assert_rc 0 "$name: publish completes despite the fault"
    assert_eq "1 $NF" "$(shards "alice/$name") $(uploaded_count faults "$name")" "$name: exactly one shard, every row published"
  else
    [ "$RC" -eq 3 ] && pass "$name: publish fails cleanly (exit 3, $(jq_out .error.code))" || fail "$name: expected exit 3, got $RC: $OUT"
    assert_eq "0 0 null" "$(shards "alice/$name") $(uploaded_count faults "$name") $(repo_state "alice/$name" | jq '.files["opentraces/publication.json"]')" \
      "$name: nothing half-published, no row marked"
    run_ot dataset publish faults --to "$name" --json
    assert_rc 0 "$name: re-run completes"
    assert_eq "1 $NF" "$(shards "alice/$name") $(uploaded_count faults "$name")" "$name: re-run published exactly once"
  fi
}
fault_case f500 '{"path":"/commit/","action":"status","status":500,"times":2}' ok
fault_case f500forever '{"path":"/commit/","action":"status","status":500,"times":-1}' fail OT_HUB_ATTEMPTS=2
fault_case fpre '{"path":"/preupload/","action":"status","status":503,"times":3}' ok
fault_case fslow '{"path":"/commit/","action":"slow","delay_ms":2500}' ok OT_HUB_TIMEOUT_MS=1000
fault_case flost '{"path":"/commit/","action":"drop_after"}' ok
fault_case fmoved '{"path":"/commit/","action":"head_moved","times":2}' ok
assert_eq "2" "$(repo_state alice/fmoved | jq '[.files | keys[] | select(startswith("notes/foreign"))] | length')" "fmoved: the other writer's files are kept"
fault_case fmovedforever '{"path":"/commit/","action":"head_moved","times":-1}' fail
fault_case fdown '{"path":"/api/","action":"drop","times":-1}' fail OT_HUB_ATTEMPTS=2
fault_case f429 '{"path":"/commit/","action":"status","status":429,"retry_after":1}' ok

# Two publishes of the same rows to the same repo at once (the first commit held back):
# the loser's pinned commit meets a moved head, re-reads the contract, finds the rows there.
run_ot dataset remote create faults alice/race --name race --json
hubsim_fault '{"path":"/commit/","action":"slow","delay_ms":400}'
"$OT_BIN" dataset publish faults --to race --json >"$T/race1" 2>&1 </dev/null & r1=$!
"$OT_BIN" dataset publish faults --to race --json >"$T/race2" 2>&1 </dev/null & r2=$!
rc1=0; wait "$r1" || rc1=$?; rc2=0; wait "$r2" || rc2=$?
cat "$T/race1" "$T/race2" >>"$ALL_OUTPUT"
hubsim_clear_faults
assert_eq "0 0" "$rc1 $rc2" "both concurrent publishes succeed"
assert_eq "1 $NF" "$(shards alice/race) $(uploaded_count faults race)" "concurrent publishes: exactly one shard, every row marked"
assert_eq "true" "$(jq -s '[.[].publish.uploaded] | sort == [false, true]' "$T/race1" "$T/race2")" "one uploaded, the other found the rows there"

# The commit lands but the rows cannot be marked (another process holds the dataset lock,
# as if this one had died right after the commit): MARK_FAILED, exit 3. The next run finds
# the rows on the remote by identity and marks them, without a second shard.
run_ot dataset remote create faults alice/unmarked --name unmarked --json
rm -f "$T/locked" "$T/release"
flock "$DS/faults/.opentraces/lock" sh -c "touch '$T/locked'; while [ ! -e '$T/release' ]; do sleep 0.05; done" & holder=$!
for _ in $(seq 1 100); do [ -e "$T/locked" ] && break; sleep 0.05; done
OT_PUBLISH_LOCK_WAIT_MS=200 run_ot dataset publish faults --to unmarked --json
touch "$T/release"; wait "$holder" || true
assert_rc 3 "rows on the Hub but the dataset locked"
assert_eq "MARK_FAILED 1 0" "$(jq_out .error.code) $(shards alice/unmarked) $(uploaded_count faults unmarked)" "the shard landed, no row marked"
run_ot dataset publish faults --to unmarked --json
assert_rc 0 "re-run after MARK_FAILED"
assert_eq "false $NF 1 $NF" "$(jq_out '"\(.publish.uploaded) \(.publish.duplicate_count)"') $(shards alice/unmarked) $(uploaded_count faults unmarked)" \
  "the re-run marks the rows found on the remote, no second shard"

no_token_leaked "$ALICE_TOKEN"

finish
