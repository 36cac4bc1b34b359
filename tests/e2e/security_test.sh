#!/usr/bin/env bash
# Security end to end: tool registry, sanitize on stdin, policies, the seeded corpus
# (52 fake secrets/PII) through `bucket security run --all` with no seeded value left in
# the export or the database files, the egress gate's reasons and exit 9, version bumps,
# and the path key (reversal only with this machine's key).
source "$(dirname "$0")/lib.sh"

SEEDED="$OT_FIXTURES/security/seeded-secrets.jsonl"
# assert_schema ID: $OUT validates against docs/schemas/ID.json.
assert_schema() {
  [ -n "${OT_SCHEMA_CHECK:-}" ] || return 0
  if printf '%s' "$OUT" | "$OT_SCHEMA_CHECK" "$OT_SOURCE_DIR/docs/schemas/$1.json" - >/dev/null 2>"$T/schema.err"; then
    pass "$1 matches its JSON Schema"
  else
    fail "$1 fails its JSON Schema: $(cat "$T/schema.err")"
  fi
}
repo=$(new_repo calc)
cd "$repo"

# --- tool registry: everything off by default
run_ot security tools list --json
assert_rc 0 "tools list"
assert_envelope "tools list"
assert_eq "opentraces.security_tools.v1" "$(jq_out .schema_version)" "tools list schema id"
assert_eq "regex,entropy,trufflehog,gitleaks,business_logic,path_anonymizer,classifier" "$(jq_out '[.tools[].name] | join(",")')" "canonical tool order"
assert_eq "0" "$(jq_out '[.tools[] | select(.enabled)] | length')" "all tools default off"
assert_schema opentraces.security_tools.v1
run_ot security tools info entropy --json
assert_rc 0 "tools info"
assert_eq "detector" "$(jq_out .tool.kind)" "entropy is a detector"
run_ot security tools info nosuch
assert_rc 2 "unknown tool"
assert_contains "$ERR" "unknown security tool" "unknown tool is named"

# --- sanitize on stdin
tok="ghp_$(printf 'aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5')"
set +e
OUT=$(printf '{"text":"export GITHUB_TOKEN=%s"}' "$tok" | "$OT_BIN" security sanitize --tools regex --json); RC=$?
set -e
assert_rc 0 "sanitize text"
assert_envelope "sanitize"
assert_eq "export GITHUB_TOKEN=[REDACTED:github_token]" "$(jq_out .sanitized)" "typed placeholder"
assert_eq "github_token" "$(jq_out '.findings[0].type')" "finding type"
assert_schema opentraces.security_sanitize.v1
if printf '%s' "$OUT" | grep -q "$tok"; then fail "sanitize output still holds the token"; else pass "no secret in sanitize output"; fi
set +e
OUT=$(printf '{"row":{"q":"mail maria@acme-corp.io","n":3}}' | "$OT_BIN" security sanitize --tools regex --json); RC=$?
set -e
assert_rc 0 "sanitize row"
assert_eq "mail [REDACTED:email]" "$(jq_out .sanitized.q)" "row field redacted"
assert_eq "3" "$(jq_out .sanitized.n)" "row numbers untouched"
assert_eq "1" "$(jq_out .report.redactions_applied)" "row report"
set +e
OUT=$(printf '{"text":"x"}' | "$OT_BIN" security sanitize --json); RC=$?
set -e
assert_rc 2 "sanitize needs --tools or --use-config"
set +e
OUT=$(printf '{"text":"x"}' | "$OT_BIN" security sanitize --tools regex --use-config --json); RC=$?
set -e
assert_rc 2 "sanitize refuses both"
set +e
OUT=$(printf 'not json' | "$OT_BIN" security sanitize --tools regex --json); RC=$?
set -e
assert_rc 2 "sanitize refuses bad stdin"
set +e
OUT=$(printf '{"text":"x"}' | "$OT_BIN" security sanitize --tools regex,nosuch --json); RC=$?
set -e
assert_rc 2 "sanitize refuses an unknown tool"

# --- the seeded session into the bucket
run_ot capture ingest "$OT_FIXTURES/security/cc-seeded.jsonl" --agent claude-code --json
assert_rc 0 "ingest the seeded session"
TID=$(jq_out .trace_id)

# Gate: policy off, then unscanned.
run_ot bucket security check --all --json
assert_rc 9 "gate refuses under policy off"
assert_eq "policy_off" "$(jq_out '.traces[0].reason')" "reason policy_off"
assert_eq "withheld" "$(jq_out .status)" "status withheld"
assert_schema opentraces.bucket.security_check.v1
run_ot bucket security run --all
assert_rc 2 "run refuses policy off"
assert_contains "$ERR" "policy" "policy off is explained"

run_ot bucket security policy recommended --json
assert_rc 0 "policy recommended"
assert_eq "regex,entropy,business_logic,path_anonymizer,classifier" "$(jq_out '.policy.effective_tools | join(",")')" "recommended tools"
assert_schema opentraces.bucket.security_policy.v1
jq '.security.business_logic = {"strings": ["Project Nightingale"], "patterns": []}' "$OPENTRACES_HOME/config.json" > "$T/c.json"
mv "$T/c.json" "$OPENTRACES_HOME/config.json"
run_ot bucket security check "$TID" --json
assert_rc 9 "gate refuses an unscanned trace"
assert_eq "unscanned" "$(jq_out '.traces[0].reason')" "reason unscanned"
run_ot bucket security check "$TID"
assert_rc 9 "gate (human) exit 9"
assert_contains "$ERR" "withheld (unscanned)" "human refusal names the reason"

run_ot bucket security run
assert_rc 2 "run needs --all or --trace"
run_ot bucket security run --all --trace "$TID"
assert_rc 2 "run refuses both --all and --trace"

run_ot bucket security run --all --json
assert_rc 0 "security run --all"
assert_envelope "security run"
assert_eq "1" "$(jq_out .filtered)" "one trace filtered"
assert_schema opentraces.bucket.security_run.v1
# >= 95% of the seeded items reported by type.
total=$(wc -l < "$SEEDED")
reported=0
for type in $(jq -r .type "$SEEDED" | sort | uniq); do
  want=$(jq -r --arg t "$type" 'select(.type == $t) | .type' "$SEEDED" | wc -l)
  got=$(printf '%s' "$OUT" | jq -r --arg t "$type" '.findings_by_type[$t] // 0')
  [ "$got" -gt "$want" ] && got=$want
  reported=$((reported + got))
done
if [ $((reported * 100)) -ge $((total * 95)) ]; then pass "reported by type: $reported/$total"; else fail "reported by type: $reported/$total < 95%"; fi

run_ot bucket security check --all --json
assert_rc 0 "gate clears the scanned trace"
assert_eq "true" "$(jq_out '.traces[0].cleared')" "cleared"
run_ot bucket list --json
assert_eq "cleared" "$(jq_out '.rows[0].sync_state')" "list shows cleared"

# No seeded value in the export (companions unzipped) nor in the database files.
run_ot bucket export "$T/export"
assert_rc 0 "export"
leaks=0
while IFS= read -r line; do
  value=$(printf '%s' "$line" | jq -r .value)
  type=$(printf '%s' "$line" | jq -r .type)
  if grep -rqF -- "$value" "$T/export" || (find "$T/export" -name '*.gz' -exec zcat {} + | grep -qF -- "$value"); then
    fail "seeded $type survives in the export"; leaks=$((leaks + 1))
  fi
  if grep -rqF -- "$value" "$OPENTRACES_HOME/bucket"; then
    fail "seeded $type survives in the LevelDB files"; leaks=$((leaks + 1))
  fi
done < "$SEEDED"
assert_eq "0" "$leaks" "no seeded secret in the export or the database files ($total items)"
if grep -rqF "[REDACTED:aws_access_key]" "$T/export"; then pass "export holds typed placeholders"; else fail "no placeholder in the export"; fi

# Path key: reversal works here, not with another machine's key.
key="$OPENTRACES_HOME/security/path.key"
assert_eq "600" "$(stat -c %a "$key")" "path key is 0600"
anon=$(grep -rhoE '/home/\[USER:[0-9a-f]+\]/projects' "$T/export/objects" | head -1)
if [ -n "$anon" ]; then pass "home path anonymized: $anon"; else fail "no anonymized home path in the export"; fi
set +e
OUT=$(printf '%s' "$anon" | "$OT_BIN" security reveal --scope "$TID"); RC=$?
set -e
assert_eq "/home/mgonzalez/projects" "$OUT" "reveal with the local key"
set +e
OUT=$(printf '%s' "$anon" | OPENTRACES_HOME="$T/other-machine" "$OT_BIN" security reveal --scope "$TID"); RC=$?
set -e
assert_eq "$anon" "$OUT" "another key cannot reveal"
if grep -rq "path.key\|$(cut -c1-16 "$key")" "$T/export"; then fail "the key reached the export"; else pass "the key never leaves the machine (not in the export)"; fi

# Re-running skips cleared traces.
run_ot bucket security run --all --json
assert_eq "1" "$(jq_out .already_filtered)" "already filtered"

# Stale version: a record scanned under an older version, and a version bump.
jq -n '{schema_version: "0.9.0", trace_id: "old-scan-1", session_id: "old-scan-1", timestamp_start: "2026-11-20T10:00:00Z",
        agent: {name: "claude-code"}, steps: [{step_index: 0, role: "user", content: "hello"}],
        security: {scanned: true},
        metadata: {security: {scanned: true, security_version: "2020.1.1", privacy_tier: "medium",
                   tools_applied: ["regex","entropy","business_logic","path_anonymizer","classifier"], open_findings: 0}}}' > "$T/old.json"
run_ot capture ingest "$T/old.json" --json
assert_rc 0 "ingest an old-version record"
run_ot bucket security check old-scan-1 --json
assert_rc 9 "gate refuses a stale-version record"
assert_eq "stale_version" "$(jq_out '.traces[0].reason')" "reason stale_version"
run_ot bucket security status --json
assert_eq "1" "$(jq_out .security.stale)" "status counts the stale trace"
assert_eq "1" "$(jq_out .security.cleared)" "status counts the cleared trace"
assert_schema opentraces.bucket.security_status.v1
run_ot bucket security policy --bump-version --json
assert_rc 0 "bump the version"
run_ot bucket security check "$TID" --json
assert_rc 9 "bump makes scanned traces stale"
assert_eq "stale_version" "$(jq_out '.traces[0].reason')" "stale after bump"
run_ot bucket security run --all --json
assert_rc 0 "re-run after the bump"
assert_eq "2" "$(jq_out .filtered)" "both traces filtered again"
run_ot bucket security check --all
assert_rc 0 "all cleared after the re-run"

# Tool switches: external tools are never required; a newly required tool withholds.
run_ot bucket security policy --tool trufflehog --enable --json
assert_rc 0 "enable trufflehog"
if command -v trufflehog >/dev/null; then :; else
  run_ot security tools list --json
  assert_eq "enabled_missing" "$(jq_out '.tools[] | select(.name=="trufflehog") | .state')" "missing external tool is shown"
  run_ot bucket security check --all
  assert_rc 0 "a missing external tool is not required"
fi
run_ot bucket security policy --tool entropy --disable --json
assert_eq "custom" "$(jq_out .policy.preset)" "a tool switch makes the policy custom"
run_ot bucket security policy --tool nosuch --enable
assert_rc 2 "unknown tool in policy"
run_ot bucket security policy --tool regex
assert_rc 2 "--tool needs --enable or --disable"
run_ot bucket security policy off --json
run_ot bucket security check --all --json
assert_rc 9 "policy off withholds everything again"
assert_eq "policy_off" "$(jq_out '.traces[0].reason')" "reason policy_off after off"

run_ot bucket verify --full --json
assert_rc 0 "bucket verifies after redaction in place"

finish
