#!/usr/bin/env bash
# capsule share against the Hub simulator: dry run (URL, files, no network write), the egress
# gate (exit 9 before the security run), consent (no TTY without --yes: exit 2), the upload
# (capsule.json, capsule.md, bundle, mini-bucket; no seeded secret in anything the simulator
# received or stored), and reading it back: get and import from hub:owner/name/capsules/<id>.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/../hubsim/lib.sh"
export OT_HUB_BACKOFF_MS=20 HF_TOKEN="$ALICE_TOKEN"
hubsim_start

AWS="AKIA""Q7RT3XW9ZP2LM4NB"
GHT="ghp_""Zx9Yw8Vu7Ts6Rq5Po4Nm3Lk2Jh1Gf0EdCbAz"
SEEDED="$T/cc-calc-seeded.jsonl"
first=$(jq -r 'select(.type=="user" and (.message.content|type)=="string") | .message.content' \
  "$OT_FIXTURES/sessions/claude-code/cc-calc.jsonl" | head -1 | cut -c1-20)
[ -n "$first" ] || { fail "no user prompt in cc-calc"; finish; }
awk -v f="$first" -v s=" key $AWS token $GHT" 'index($0, f) { i = index($0, f); $0 = substr($0, 1, i + length(f) - 1) s substr($0, i + length(f)) } { print }' \
  "$OT_FIXTURES/sessions/claude-code/cc-calc.jsonl" > "$SEEDED"
grep -q "$AWS" "$SEEDED" && pass "secrets seeded into a copy of cc-calc" || fail "seeding"
run_ot capture ingest "$SEEDED" --agent claude-code --json
assert_rc 0 "ingest"
TID=$(printf '%s' "$OUT" | jq -r .trace_id)

REPO=$(new_repo calc)
cd "$REPO"
run_ot capsule create "$TID" --bundle --json
assert_rc 0 "create"
CAP=$(jq_out .path)
CID=$(jq_out .capsule_id)

# --- dry run: where it would go, nothing sent
hubsim_ctl DELETE /_sim/requests >/dev/null
run_ot capsule share "$CAP" --repo alice/capsules --json
assert_rc 0 "share dry run"
assert_envelope "share dry run"
check_schema opentraces.capsule.share.v1 "share dry run"
assert_eq "false" "$(jq_out .published)" "not published"
assert_eq "$HUBSIM/datasets/alice/capsules/tree/main/capsules/$CID" "$(jq_out .url)" "the URL it would have"
assert_contains "$(jq_out '.files | join(" ")')" "capsules/$CID/mini-bucket/manifest.json" "the mini-bucket is part of it"
assert_eq "0" "$(hubsim_ctl GET /_sim/requests | jq 'length')" "a dry run makes no request"

# --- the gate, then consent
run_ot capsule share "$CAP" --repo alice/capsules --publish --yes
assert_rc 9 "not cleared: withheld"
assert_contains "$ERR" "policy_off" "the reason is named"
run_ot bucket security policy basic --json
assert_rc 0 "policy basic"
run_ot bucket security run --all --json
assert_rc 0 "security run"
run_ot capsule share "$CAP" --repo alice/capsules --publish
assert_rc 2 "no TTY and no --yes"
assert_contains "$ERR" "--yes" "the error names --yes"
assert_eq "0" "$(hubsim_ctl GET /_sim/state | jq '[.repos[] | select(.id == "alice/capsules")] | length')" "nothing uploaded without consent"

# --- upload
run_ot capsule share "$CAP" --repo alice/capsules --publish --yes --json
assert_rc 0 "share --publish --yes"
check_schema opentraces.capsule.share.v1 "share"
assert_eq "true" "$(jq_out .published)" "published"
FILES=$(hubsim_ctl GET /_sim/state | jq -r '.repos[] | select(.id == "alice/capsules") | .files | keys[]')
for f in capsule.json capsule.md bundle.tar.gz mini-bucket/manifest.json; do
  assert_contains "$FILES" "capsules/$CID/$f" "stored: $f"
done
assert_eq "$(jq_out .files_uploaded)" "$(printf '%s\n' "$FILES" | grep -c "^capsules/$CID/")" "every file stored"
assert_eq "true" "$(hubsim_ctl GET /_sim/state | jq '.repos[] | select(.id == "alice/capsules") | .private')" "private by default"
leaks=0
for s in "$AWS" "$GHT"; do
  if grep -qF -- "$s" "$T/hubsim/received.log"; then fail "[$s] reached the simulator"; leaks=1; fi
  for o in "$T"/hubsim/objects/*; do
    if zcat -f "$o" 2>/dev/null | grep -qF -- "$s"; then fail "[$s] stored in $(basename "$o")"; leaks=1; fi
  done
done
[ "$leaks" = 0 ] && pass "no seeded secret received or stored by the Hub"

# --- read it back from the Hub
run_ot capsule get "hub:alice/capsules/capsules/$CID" --json
assert_rc 0 "get from the Hub"
check_schema opentraces.capsule.v1 "get from the Hub"
assert_eq "$CID" "$(jq_out .capsule_id)" "the same capsule"
run_ot capsule get "hub:alice/capsules" --json
assert_eq "$CID" "$(jq_out .capsule_id)" "the repo's only capsule found without a path"
OPENTRACES_HOME="$T/home3" run_ot capsule import "hub:alice/capsules/capsules/$CID" --json
assert_rc 0 "import from the Hub"
assert_eq "record" "$(jq_out .via)" "through the embedded record"
OPENTRACES_HOME="$T/home3" run_ot trace get "$TID" --json
assert_rc 0 "trace get after importing from the Hub"
run_ot capsule get "hub:alice/capsules/capsules/cap_0000000000000000"
assert_rc 3 "no such capsule on the Hub"

finish
