#!/usr/bin/env bash
# Issue 2: the CLI spine, init/remove, config, doctor, output conventions.
source "$(dirname "$0")/lib.sh"

repo="$(new_repo app)"
cd "$repo"

# --version works as a git subcommand from any directory.
(cd "$T" && git opentraces --version) | grep -q "^git-opentraces [0-9]" && pass "git opentraces --version" || fail "--version"

# `git opentraces --help` is `man git-opentraces`: the generated page lists every group.
man_page="$(dirname "$OT_BIN")/git-opentraces.1"
if [ -f "$man_page" ] && command -v man >/dev/null; then
  mkdir -p "$T/man/man1" && cp "$man_page" "$T/man/man1/"
  if help_text="$(MANPATH="$T/man" MANPAGER=cat git opentraces --help 2>&1)"; then
    assert_contains "$help_text" "git opentraces trail" "man page lists the trail group"
    assert_contains "$help_text" "EXIT STATUS" "man page documents exit codes"
  else
    fail "git opentraces --help failed: $help_text"
  fi
else
  fail "man page $man_page not generated (help2man and man-db come from scripts/install-deps)"
fi

# init creates a valid marker.
run_ot init --agent claude-code --json
assert_rc 0 "init"
assert_envelope "init"
assert_eq "Initialized" "$(jq_out .message)" "init message"
[ -f .opentraces.json ] && pass "marker written" || fail "marker missing"
assert_eq "2" "$(jq -r .marker_version .opentraces.json)" "marker_version"
assert_eq "32" "$(jq -r '.project_id | length' .opentraces.json)" "project_id is 32 hex"
assert_eq "review manual private false" \
  "$(jq -r '[.review_policy,.push_policy,.default_visibility,(.excluded|tostring)]|join(" ")' .opentraces.json)" "marker defaults"
assert_eq '["claude-code"]' "$(jq -c .agents .opentraces.json)" "agents"
pid="$(jq -r .project_id .opentraces.json)"
assert_eq "$repo" "$(jq -r '.projects | keys[0]' "$OPENTRACES_HOME/config.json")" "project registered by path"
assert_eq "600" "$(stat -c %a "$OPENTRACES_HOME/config.json")" "config.json is 0600"

# init twice merges agents (aliases accepted) and keeps the identity.
run_ot init --agent codex-cli --agent claude --json
assert_rc 0 "second init"
assert_eq "Updated initialized project" "$(jq_out .message)" "second init message"
assert_eq '["codex"]' "$(jq_out '.agents_added|tostring')" "agents_added"
assert_eq '["claude-code","codex"]' "$(jq -c .agents .opentraces.json)" "agents merged"
assert_eq "$pid" "$(jq -r .project_id .opentraces.json)" "project id kept"
run_ot init --agent claude-code
assert_contains "$OUT" "Already initialized" "third init is a no-op"
run_ot init --agent gpt
assert_rc 2 "unknown agent"

# init outside a repository: clear error, exit 3 (documented in docs/commands.md).
mkdir -p "$T/plain" && cd "$T/plain"
run_ot init --json
assert_rc 3 "init outside a repo"
assert_eq "NOT_A_GIT_REPO" "$(jq_out .error.code)" "error code"
assert_envelope "error"
run_ot init
assert_contains "$ERR" "not inside a git repository" "human error names the problem"
cd "$repo"

# config set --project excluded true, then config get.
run_ot config set --project excluded true --json
assert_rc 0 "config set --project excluded"
assert_eq "true" "$(jq -r .excluded .opentraces.json)" "marker excluded"
run_ot config get --project excluded --json
assert_eq "true" "$(jq_out .value)" "config get --project excluded"
assert_eq "project" "$(jq_out .source)" "config get source"
run_ot config set --project excluded maybe
assert_rc 2 "bad boolean"
run_ot config set hf_token hf_abc
assert_rc 2 "hf_token refused"
run_ot config set classifier_sensitivity high --json
assert_rc 0 "global set"
run_ot config get classifier_sensitivity --json
assert_envelope "config get"
assert_eq "opentraces.config.get.v1" "$(jq_out .schema_version)" "config get schema"
assert_eq "high" "$(jq_out .value)" "config get value"
run_ot config get no.such.key
assert_rc 2 "unknown key"
run_ot config tracking-mode manual --json
assert_eq "manual" "$(jq_out .tracking_mode)" "tracking mode set"
run_ot config get capture.tracking_mode
assert_eq "manual" "$OUT" "tracking mode persisted"
run_ot config show
assert_eq "opentraces.config.show.v1" "$(jq_out .schema_version)" "config show is JSON when piped"

# A command that would prompt refuses when piped.
run_ot remove --all
assert_rc 2 "remove --all piped"
assert_contains "$ERR" "--yes" "hint names the flag"
run_ot --json remove --all
assert_eq "INTERACTIVE_REQUIRED" "$(jq_out .error.code)" "INTERACTIVE_REQUIRED"
[ -f .opentraces.json ] && pass "nothing removed when refused" || fail "marker removed without consent"

# Unimplemented verbs exit non-zero with NOT_IMPLEMENTED.
run_ot capture all --json
assert_rc 10 "planned verb"
assert_eq "NOT_IMPLEMENTED" "$(jq_out .error.code)" "NOT_IMPLEMENTED code"
assert_envelope "NOT_IMPLEMENTED"

# doctor: JSON envelope with every check; fails (3) only on a failed check.
run_ot doctor --json
assert_envelope "doctor"
assert_eq "ok" "$(jq_out '.checks[] | select(.name=="config_valid") | .state')" "doctor config check"
assert_eq "ok" "$(jq_out '.checks[] | select(.name=="binary_on_path") | .state')" "doctor finds the binary on PATH"

# Corrupt config.json: named in the error, never overwritten.
printf '{"projects": ' > "$OPENTRACES_HOME/config.json"
run_ot config set classifier_sensitivity low
assert_rc 3 "corrupt config"
assert_contains "$ERR" "$OPENTRACES_HOME/config.json" "error names config.json"
assert_eq '{"projects": ' "$(cat "$OPENTRACES_HOME/config.json")" "corrupt config untouched"
run_ot doctor --json
assert_rc 3 "doctor fails on corrupt config"
assert_eq "fail" "$(jq_out '.checks[] | select(.name=="config_valid") | .state')" "doctor flags config"
rm "$OPENTRACES_HOME/config.json"

# Corrupt marker: named, untouched.
echo '{"agents": "x"}' > .opentraces.json
run_ot init --agent pi
assert_rc 3 "corrupt marker"
assert_contains "$ERR" ".opentraces.json" "error names the marker"
assert_eq '{"agents": "x"}' "$(cat .opentraces.json)" "corrupt marker untouched"

# remove --yes undoes init; --all deletes the notes ref.
rm .opentraces.json
run_ot init --agent pi
git notes --ref=opentraces add -m '{"x":1}' HEAD
run_ot remove --all --yes --json
assert_rc 0 "remove --all --yes"
assert_eq '["refs/notes/opentraces"]' "$(jq_out '.purged_refs|tostring')" "notes ref purged"
[ ! -f .opentraces.json ] && pass "marker deleted" || fail "marker still present"
git rev-parse -q --verify refs/notes/opentraces >/dev/null && fail "notes ref still there" || pass "notes ref gone"

# status: the O(1) dashboard over the bucket counters.
run_ot status --short
assert_rc 0 "status on an empty bucket"
assert_eq "status=empty traces=0 unscanned=0 not_cleared=0 stale=false" "$OUT" "status --short when empty"
run_ot capture ingest "$OT_FIXTURES/sessions/claude-code/cc-calc.jsonl"
assert_rc 0 "ingest one fixture session"
run_ot status --json
assert_envelope "status"
assert_eq "opentraces.bucket.status.v1" "$(jq_out .schema_version)" "status schema"
assert_eq "1 not_cleared" "$(jq_out '"\(.store.trace_count) \(.safety.verdict)"')" "status counts the trace, not cleared (unscanned)"
assert_eq '["unscanned_records"]' "$(jq_out '.sync.blocked_reasons|tostring')" "sync blocked by the unscanned trace"

finish
