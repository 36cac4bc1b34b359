#!/usr/bin/env bash
# Issue 11: `dataset remote create|list|visibility|remove` against the Hub simulator.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/../hubsim/lib.sh"
export OT_HUB_BACKOFF_MS=20
hubsim_start
repo_state() { hubsim_ctl GET /_sim/state | jq -c --arg id "$1" '.repos[] | select(.id == $id)'; }

echo '{"type":"object","properties":{"text":{"type":"string"}},"required":["text"]}' >"$T/schema.json"
printf '%s\n' '{"text":"first row"}' '{"text":"second row"}' >"$T/rows.jsonl"
run_ot dataset new demo --rows-file "$T/rows.jsonl" --schema "$T/schema.json" --json
assert_rc 0 "a manual dataset"

unset HF_TOKEN
run_ot dataset remote create demo alice/demo-rows --json
assert_rc 3 "remote create without a token"
assert_eq "AUTH_REQUIRED" "$(jq_out .error.code)" "not logged in: AUTH_REQUIRED"
export HF_TOKEN="$ALICE_TOKEN"

run_ot dataset remote create demo alice/demo-rows --private --json
assert_rc 0 "remote create"
check_schema opentraces.dataset.remote.v1 "remote create"
assert_eq "created origin alice/demo-rows private true" \
  "$(jq_out '.verb + " " + .remote.name + " " + .remote.repo_id + " " + .remote.visibility + " " + (.remote.active|tostring)')" "created, private, active"
assert_eq "true" "$(repo_state alice/demo-rows | jq .private)" "the Hub repo is private"
assert_eq "$HUBSIM/datasets/alice/demo-rows" "$(jq -r .remotes.origin.url "$OPENTRACES_HOME/datasets/demo/.opentraces/manifest.json")" "manifest records the remote"
run_ot dataset remote create demo demo-rows --json
assert_eq "connected alice/demo-rows" "$(jq_out '.verb + " " + .remote.repo_id')" "again: connected (owner from the token)"
assert_eq "1" "$(hubsim_ctl GET /_sim/state | jq '[.repos[] | select(.id == "alice/demo-rows")] | length')" "one repo on the Hub"
run_ot dataset remote create demo pub-rows --public --name mirror --json
assert_eq "created mirror public false" "$(jq_out '.verb + " " + .remote.name + " " + .remote.visibility + " " + (.remote.active|tostring)')" "a second remote is not active"
run_ot dataset remote create demo bob/not-mine --name other --json
assert_rc 3 "remote in another namespace"
assert_eq "HUB_FORBIDDEN" "$(jq_out .error.code)" "forbidden namespace"
run_ot dataset remote create demo "bad name/x" --json
assert_rc 2 "invalid repo id"
run_ot dataset remote create nope alice/x --json
assert_rc 3 "unknown dataset"

run_ot dataset remote list demo -v --json
assert_rc 0 "list -v"
check_schema opentraces.dataset.remote.v1 "remote list"
assert_eq "true true false" "$(jq_out '[.remotes.origin.active, .remotes.origin.hub.private, .remotes.mirror.hub.private] | map(tostring) | join(" ")')" "list -v asks the Hub"
run_ot dataset remote list demo
assert_contains "$OUT" "* origin  alice/demo-rows  private" "human list marks the active remote"

run_ot dataset remote visibility demo --public --json
assert_rc 0 "visibility --public"
assert_eq "false public" "$(repo_state alice/demo-rows | jq -r .private) $(jq -r .remotes.origin.visibility "$OPENTRACES_HOME/datasets/demo/.opentraces/manifest.json")" "Hub and manifest say public"
run_ot dataset remote visibility demo --json
assert_rc 2 "visibility needs a flag"
HF_TOKEN="$BOB_TOKEN" run_ot dataset remote visibility demo --private --json
assert_rc 3 "bob cannot change alice's repo"

run_ot dataset remote remove demo --delete-remote --json
assert_rc 2 "--delete-remote needs --yes"
run_ot dataset remote remove demo --json
assert_rc 0 "remove the active remote"
assert_eq "mirror" "$(jq -r .active_remote "$OPENTRACES_HOME/datasets/demo/.opentraces/manifest.json")" "the other remote becomes active"
[ -n "$(repo_state alice/demo-rows)" ] && pass "the Hub repo is kept" || fail "the Hub repo was deleted"
run_ot dataset remote remove demo mirror --delete-remote --yes --json
assert_rc 0 "remove --delete-remote --yes"
[ -z "$(repo_state alice/pub-rows)" ] && pass "the Hub repo was deleted" || fail "the Hub repo still exists"
run_ot dataset remote list demo --json
assert_eq "0" "$(jq_out '.remotes | length')" "no remotes left"
run_ot dataset remote visibility demo --private --json
assert_rc 3 "no active remote"
assert_eq "REMOTE_NOT_CONFIGURED" "$(jq_out .error.code)" "no active remote: clear code"

grep -rqF "$ALICE_TOKEN" "$OPENTRACES_HOME/logs" "$OPENTRACES_HOME/datasets" && fail "token leaked" || pass "token not in logs or manifest"
finish
