#!/usr/bin/env bash
# Issue 11: dataset remotes and `dataset publish` against the Hub simulator — the round
# trip read back by the official JS client byte-identical, "nothing to publish", the
# token's source / a rejected token / no token in any output, and the gates
# (publication-time findings exit 8, egress refusal exit 9 for stale, unscanned and
# open-finding source traces, the remote receiving none of a withheld row's bytes).
source "$(dirname "$0")/hub_publish_lib.sh"

new_dataset demo
ROWS="$(wc -l <"$DS/demo/data/train.jsonl" | tr -d ' ')"
[ "$ROWS" -ge 2 ] && pass "demo has $ROWS rows" || fail "demo has $ROWS rows"

# --- remotes
run_ot dataset publish demo --json
assert_rc 3 "publish without a remote"
assert_eq "REMOTE_NOT_CONFIGURED" "$(jq_out .error.code)" "no remote: clear code"
run_ot dataset remote create demo alice/demo-rows --private --json
assert_rc 0 "remote create"
assert_envelope "remote create"
assert_eq "created origin private true" "$(jq_out '.verb + " " + .remote.name + " " + .remote.visibility + " " + (.remote.active|tostring)')" "created and active"
run_ot dataset remote create demo demo-rows --json
assert_eq "connected alice/demo-rows private" "$(jq_out '.verb + " " + .remote.repo_id + " " + .remote.visibility')" "create again connects (owner from the token)"
run_ot dataset remote create demo bob/not-mine --name other --json
assert_rc 3 "remote create in another namespace"
assert_eq "HUB_FORBIDDEN" "$(jq_out .error.code)" "forbidden namespace"
run_ot dataset remote list demo -v --json
assert_eq "true true" "$(jq_out '(.remotes.origin.active|tostring) + " " + (.remotes.origin.hub.private|tostring)')" "list -v asks the Hub"
assert_eq "true" "$(repo_state alice/demo-rows | jq .private)" "the Hub repo is private"

# --- check-only uploads nothing
run_ot dataset publish demo --check-only --json
assert_rc 0 "check-only"
assert_envelope "publish --check-only"
check_schema "check-only"
assert_eq "check passed $ROWS" "$(jq_out '.publish.message + " " + (.publish.new_row_count|tostring)')" "check passed"
assert_eq "1" "$(repo_state alice/demo-rows | jq .commits)" "check-only made no commit"
assert_eq "0" "$(published_count demo)" "check-only marked nothing"
run_ot dataset publish demo --check-only --min-retention 0.5 --exclude-state reverted --json
assert_eq "0.5 reverted $ROWS" "$(jq_out '"\(.publish.filter.min_retention) \(.publish.filter.exclude_states | join(",")) \(.publish.new_row_count)"')" "filters reported (these rows carry no retention or survival values: none dropped)"
check_schema "check-only with filters"
run_ot dataset publish demo --min-retention 2 --json
assert_rc 2 "--min-retention outside 0..1"

# --- publish, read back with the JS client
run_ot dataset publish demo --json
assert_rc 0 "publish"
assert_eq "published $ROWS true" "$(jq_out '.publish.message + " " + (.publish.new_row_count|tostring) + " " + (.publish.uploaded|tostring)')" "published every row"
shard="$(jq_out '.publish.staged_files[] | select(startswith("data/rows_"))')"
[[ "$shard" =~ ^data/rows_[0-9]{8}T[0-9]{6}Z_[0-9a-f]{8}\.jsonl$ ]] && pass "shard name $shard" || fail "shard name [$shard]"
assert_eq "$ROWS" "$(published_count demo)" "rows marked published"
check_schema "published"
mkdir -p "$T/rb"
jsclient readback "$HUBSIM" "$ALICE_TOKEN" alice/demo-rows "$T/rb" >"$T/rb/tree.jsonl" || fail "JS client readback failed"
if cmp -s "$T/rb/files/$shard" "$DS/demo/data/train.jsonl"; then pass "JS client reads the rows back byte-identical"; else fail "shard differs from the local rows"; fi
card="$(cat "$T/rb/files/README.md")"
for want in "license:" "pretty_name:" "opentraces" "agent-traces" "task_categories:" "size_categories:" "n<1K" \
            "config_name: default" "path: data/*.jsonl" "## Schema" "## Provenance" "load_dataset(\"alice/demo-rows\""; do
  assert_contains "$card" "$want" "card has $want"
done
assert_eq "$ROWS" "$(jq '.identities | length' "$T/rb/files/opentraces/publication.json")" "contract lists every row identity"
cmp -s "$T/rb/files/opentraces/row.schema.json" "$DS/demo/.opentraces/row.schema.json" && pass "schema contract uploaded" || fail "schema contract differs"

run_ot dataset publish demo --json
assert_rc 0 "publish again"
assert_eq "nothing to publish false" "$(jq_out '.publish.message + " " + (.publish.uploaded|tostring)')" "nothing to publish"
assert_eq "2" "$(repo_state alice/demo-rows | jq .commits)" "no new commit"
run_ot dataset publish demo
assert_contains "$OUT" "nothing to publish" "human output"

# --- gates
# Egress: the security version moves on, the traces are no longer cleared → exit 9, nothing sent.
new_dataset gated
run_ot dataset remote create gated alice/gated --json
hubsim_ctl DELETE /_sim/requests >/dev/null
: >"$T/hubsim/received.log"
run_ot bucket security policy --bump-version --json
assert_rc 0 "bump the security version"
run_ot dataset publish gated --json
assert_rc 9 "publish withheld: source traces not cleared"
assert_eq "withheld NOT_CLEARED_FOR_EGRESS stale_version" "$(jq_out '.status + " " + .error.code + " " + .publish.partition.refused[0].reason')" "withheld with the gate's reason"
assert_eq "0" "$(published_count gated)" "withheld rows not marked"
check_schema "withheld"
assert_eq "0" "$(hubsim_ctl GET /_sim/requests | jq '[.[] | select(.path | test("preupload|commit|lfs"))] | length')" "nothing was sent to upload"
not_leaked "$DS/gated/data/train.jsonl" /dev/null "the remote received none of the withheld rows' bytes"
run_ot bucket security run --all --json
run_ot dataset publish gated --json
assert_rc 0 "after a re-scan the publish goes through"

# Unscanned: a trace captured after the scan gives rows that are withheld (blocked).
run_ot capture ingest "$OT_FIXTURES/sessions/claude-code/cc-subagent.jsonl" --json
run_ot dataset run demo --json
NEW="$(jq_out .run.appended_count)"
run_ot dataset review approve demo --all --json
before="$(published_count demo)"
: >"$T/hubsim/received.log"
run_ot dataset publish demo --json
if [ "$NEW" -gt 0 ]; then
  assert_eq "$before" "$(published_count demo)" "rows of an unscanned trace are not published"
  [ "$(jq_out .publish.blocked_count)" -ge "$NEW" ] && pass "they count as blocked" || fail "blocked_count: $OUT"
  tail -n "$NEW" "$DS/demo/data/train.jsonl" >"$T/unscanned.jsonl"
  head -n "-$NEW" "$DS/demo/data/train.jsonl" >"$T/scanned.jsonl"
  not_leaked "$T/unscanned.jsonl" "$T/scanned.jsonl" "none of the unscanned rows' bytes reached the remote"
else
  fail "the unscanned trace produced no rows to test with"
fi
run_ot bucket security run --all --json

# Publication-time findings: a secret written into a stored row after review → exit 8.
new_dataset leaky
run_ot dataset remote create leaky alice/leaky --json
key="AKIA""QX7ZL2MN4PB8RT6W"
jq -c --arg k "$key" '. + {"note": ("deploy with " + $k)}' <(head -n 1 "$DS/leaky/data/train.jsonl") >"$T/row1"
{ cat "$T/row1"; tail -n +2 "$DS/leaky/data/train.jsonl"; } >"$T/train" && cp "$T/train" "$DS/leaky/data/train.jsonl"
: >"$T/hubsim/received.log"
run_ot dataset publish leaky --json
assert_rc 8 "publication-time finding blocks the publish"
assert_eq "blocked PUBLICATION_FINDINGS" "$(jq_out '.status + " " + .error.code')" "blocked with findings"
check_schema "blocked"
assert_contains "$(jq_out '.publish.blocked_rows[0].reasons | join(",")')" "aws" "the finding type is the block reason"
grep -qF "$key" "$T/hubsim/received.log" && fail "the secret reached the remote" || pass "the secret never reached the remote"
assert_eq "0" "$(shards alice/leaky)" "nothing uploaded"

# Unscanned at publish time: the source trace got a new generation after the rows were
# approved (the session went on); the gate sees it unscanned → exit 9, nothing sent.
head -n 12 "$OT_FIXTURES/sessions/pi/pi-calc.jsonl" >"$T/pi.jsonl"
run_ot capture ingest "$T/pi.jsonl" --json
PI="$(jq_out .trace_id)"
run_ot bucket security run --all --json
new_dataset regen
run_ot dataset remote create regen alice/regen --json
[ -n "$(rows_of regen "$PI")" ] && pass "regen has rows of the pi trace" || fail "no rows of the pi trace"
cp "$OT_FIXTURES/sessions/pi/pi-calc.jsonl" "$T/pi.jsonl"
run_ot capture ingest "$T/pi.jsonl" --json
: >"$T/hubsim/received.log"
run_ot dataset publish regen --json
assert_rc 9 "a source trace unscanned since its new generation: withheld"
assert_eq "$PI unscanned" "$(jq_out '.publish.partition.refused[0] | .trace_id + " " + .reason')" "refused for the unscanned trace"
assert_eq "0 0" "$(shards alice/regen) $(published_count regen)" "nothing uploaded, nothing marked"
not_leaked "$DS/regen/data/train.jsonl" /dev/null "none of its bytes reached the remote"
run_ot bucket security run --all --json
run_ot dataset publish regen --json
assert_rc 0 "scanned again: the publish goes through"

# --- auth: where the token comes from, a rejected token, the credentials file
run_ot dataset remote create demo alice/authds --name authds --private --json
last_user() { hubsim_ctl GET /_sim/requests | jq -r '[.[] | select(.path | contains("alice/authds"))] | last | .user'; }
unset HF_TOKEN
run_ot dataset publish demo --to authds --json
assert_rc 3 "publish with no token"
assert_eq "AUTH_REQUIRED" "$(jq_out .error.code)" "no token: AUTH_REQUIRED"
printf '%s\n' "$ALICE_TOKEN" | "$OT_BIN" auth login --token --json >>"$ALL_OUTPUT" 2>&1 || fail "auth login --token"
assert_eq "600" "$(stat -c %a "$OPENTRACES_HOME/credentials")" "credentials file is 0600"
HF_TOKEN="$BOB_TOKEN" run_ot dataset publish demo --to authds --check-only --json
assert_rc 3 "HF_TOKEN (bob) is used over the credentials file (alice)"
assert_eq "REMOTE_NOT_FOUND bob" "$(jq_out .error.code) $(last_user)" "bob cannot see alice's private repo"
HF_TOKEN="hf_rejected_by_the_hub_0000" run_ot dataset publish demo --to authds --json
assert_rc 3 "publish with a rejected token"
assert_eq "TOKEN_INVALID" "$(jq_out .error.code)" "rejected token: TOKEN_INVALID"
assert_contains "$(jq_out .error.message)" "\$HF_TOKEN" "the error names where the token came from"
run_ot dataset publish demo --to authds
assert_rc 0 "publish with the credentials file"
assert_eq "alice" "$(last_user)" "the credentials file's token was used"
cp "$OPENTRACES_HOME/credentials" "$T/creds"
printf 'hf_stale_credentials_token_000\n' >"$OPENTRACES_HOME/credentials"
run_ot dataset publish demo --to authds --json
assert_rc 3 "a rejected token in the credentials file"
assert_contains "$(jq_out .error.message)" "$OPENTRACES_HOME/credentials" "the error names the credentials file"
cp "$T/creds" "$OPENTRACES_HOME/credentials"
export HF_TOKEN="$ALICE_TOKEN"

# Open findings: at privacy tier high the classifier leaves an open finding on the seeded
# session; its rows never leave (withheld by the gate, exit 9, or blocked as rows).
run_ot capture ingest "$OT_FIXTURES/security/cc-seeded.jsonl" --json
SEEDED="$(jq_out .trace_id)"
run_ot bucket security policy recommended --tier high --json
assert_rc 0 "policy recommended, tier high"
run_ot bucket security run --all --json
run_ot bucket security check "$SEEDED" --json
assert_eq "open_findings" "$(jq_out '.traces[0].reason')" "the seeded trace has open findings"
new_dataset opened
run_ot dataset remote create opened alice/opened --json
rows_of opened "$SEEDED" >"$T/seeded.jsonl"
grep -vxF -f "$T/seeded.jsonl" "$DS/opened/data/train.jsonl" >"$T/not-seeded.jsonl" || true
[ -s "$T/seeded.jsonl" ] && pass "opened has $(wc -l <"$T/seeded.jsonl") row(s) of the seeded trace" || fail "no rows of the seeded trace"
: >"$T/hubsim/received.log"
run_ot dataset publish opened --json
if [ "$RC" -eq 9 ]; then
  assert_eq "open_findings" "$(jq_out '[.publish.partition.refused[] | select(.trace_id == "'"$SEEDED"'") | .reason] | unique | join(",")')" "withheld: open_findings"
else
  assert_eq "blocked " "$(status_of_trace_rows opened "$SEEDED")" "rows of a trace with open findings stay blocked (exit $RC)"
fi
assert_eq "" "$(status_of_trace_rows opened "$SEEDED" | grep -o published || true)" "none of its rows marked published"
not_leaked "$T/seeded.jsonl" "$T/not-seeded.jsonl" "none of its rows' bytes reached the remote"

# --- visibility and removal
run_ot dataset remote visibility demo --public --json
assert_rc 0 "visibility --public"
assert_eq "false" "$(repo_state alice/demo-rows | jq .private)" "the Hub repo is public"
run_ot dataset remote visibility demo --json
assert_rc 2 "visibility needs exactly one flag"
run_ot dataset remote remove demo --delete-remote --json
assert_rc 2 "--delete-remote needs --yes"
run_ot dataset remote remove demo --json
assert_rc 0 "remote remove"
run_ot dataset remote list demo --json
assert_eq "authds" "$(jq_out '.remotes | keys | join(",")')" "only the other remote is left"
[ -n "$(repo_state alice/demo-rows)" ] && pass "the Hub repo is kept" || fail "the Hub repo was deleted"

no_token_leaked "$ALICE_TOKEN" "$BOB_TOKEN" hf_rejected_by_the_hub_0000 hf_stale_credentials_token_000

finish
