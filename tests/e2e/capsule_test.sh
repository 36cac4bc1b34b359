#!/usr/bin/env bash
# capsule: create from a real fixture session with seeded secrets (none in any capsule file,
# the bundle or the mini-bucket), preview writes nothing, get/replay/issue read it back
# (the issue body through cmark-gfm), import into an empty home (idempotent; `trace get`
# shows the slice), and `capsule test` in throw-away worktrees: fixed / reproduces.
source "$(dirname "$0")/lib.sh"

AWS="AKIA""Q7RT3XW9ZP2LM4NB"
GHT="ghp_""Zx9Yw8Vu7Ts6Rq5Po4Nm3Lk2Jh1Gf0EdCbAz"
SEEDED="$T/cc-bugfix-seeded.jsonl"
sed "s|make the test pass\.|make the test pass. Deploy with $AWS and $GHT, notes in $HOME/secret-notes.txt.|" \
  "$OT_FIXTURES/sessions/claude-code/cc-bugfix.jsonl" > "$SEEDED"
grep -q "$AWS" "$SEEDED" && pass "secrets seeded into a copy of cc-bugfix" || fail "seeding"

run_ot capture ingest "$SEEDED" --agent claude-code --json
assert_rc 0 "ingest the seeded session"
TID=$(printf '%s' "$OUT" | jq -r .trace_id)

# The project: test.sh fails until value.txt says 42.
REPO=$(new_repo widget)
cd "$REPO"
printf '#!/bin/sh\n[ "$(cat value.txt)" = 42 ] || { echo "FAIL: value is $(cat value.txt)"; exit 1; }\necho ok\n' > test.sh
echo 41 > value.txt
git add . && git commit -q -m "value and its test"
git remote add origin https://github.com/acme/widget.git
PIN=$(git rev-parse HEAD)

# --- preview: nothing written
run_ot capsule preview "$TID:0-5" --test-command 'sh test.sh' --json
assert_rc 0 "preview"
assert_envelope "preview"
check_schema opentraces.capsule.preview.v1 "preview"
assert_eq "false" "$(jq_out .writes_anything)" "writes_anything false"
assert_eq "6" "$(jq_out .carried_inventory.steps)" "six steps carried"
[ -e "$REPO/.opentraces" ] && fail "preview wrote into the repo" || pass "preview wrote nothing"
n=$(jq_out .redaction.redactions_applied)
[ "$n" -ge 2 ] && pass "preview counts $n redactions" || fail "preview redactions: $n"
run_ot capsule preview "$TID:0-5"
assert_rc 0 "preview (human)"
assert_contains "$OUT" "steps[].content" "redactions by field path"

# --- create
run_ot capsule create "$TID:0-5" --bundle --test-command 'sh test.sh' --expect-error 'FAIL: value is 41' --json
assert_rc 0 "create"
assert_envelope "create"
check_schema opentraces.capsule.create.v1 "create"
CAP=$(jq_out .path)
CID=$(jq_out .capsule_id)
assert_eq "$REPO/.opentraces/capsules/$CID" "$CAP" "default location <repo>/.opentraces/capsules/<id>"
for f in capsule.json capsule.md bundle.tar.gz mini-bucket/manifest.json; do
  [ -s "$CAP/$f" ] && pass "wrote $f" || fail "missing $f"
done
assert_eq "true" "$(jq_out .redaction.floor_satisfied)" "redaction floor satisfied"
assert_eq "$PIN" "$(jq -r .repo.commit "$CAP/capsule.json")" "pinned to HEAD"
assert_eq "acme/widget" "$(jq -r .repo.github_repo "$CAP/capsule.json")" "GitHub repo from origin"
assert_eq "6" "$(jq -r '.slice.record.steps | length' "$CAP/capsule.json")" "the slice record has six steps"
assert_eq "{}" "$(jq -c '.slice.record.system_prompts' "$CAP/capsule.json")" "system prompts excluded"

# No secret (or the home directory) in any file, inside the gzip companions or the bundle.
mkdir -p "$T/unpacked" && tar -xzf "$CAP/bundle.tar.gz" -C "$T/unpacked"
[ -f "$T/unpacked/test.sh" ] && pass "bundle holds the pinned tree" || fail "bundle content"
leaks=0
for s in "$AWS" "$GHT" "$HOME"; do
  if grep -rqF -- "$s" "$CAP" "$T/unpacked"; then fail "[$s] found in the capsule"; leaks=1; fi
  while IFS= read -r gz; do
    if zcat "$gz" | grep -qF -- "$s"; then fail "[$s] inside $gz"; leaks=1; fi
  done < <(find "$CAP" -name '*.gz')
done
[ "$leaks" = 0 ] && pass "no seeded secret or home path in any capsule file"
grep -q "REDACTED" "$CAP/capsule.json" && pass "placeholders in place of the secrets" || fail "no placeholder"

# Same inputs → same capsule id
run_ot capsule create "$TID:0-5" --bundle --test-command 'sh test.sh' --expect-error 'FAIL: value is 41' --json
assert_eq "$CID" "$(jq_out .capsule_id)" "re-create gives the same capsule id"

run_ot capsule create "$TID:999" --json
assert_rc 6 "a step that does not exist"
run_ot capsule create "nosuchtrace" --json
assert_rc 6 "an unknown trace"
cd "$T"
run_ot capsule create "$TID" --json
assert_rc 2 "outside a repository"
cd "$REPO"

# --- get / replay
run_ot capsule get "$CAP" --json
assert_rc 0 "get"
assert_envelope "get"
check_schema opentraces.capsule.v1 "get"
assert_eq "$CID" "$(jq_out .capsule_id)" "get reads the capsule"
run_ot capsule get "$CAP" --summary
assert_contains "$OUT" "# Agent capsule:" "get --summary prints the Markdown"
jq '.schema_version = "opentraces.capsule.v9"' "$CAP/capsule.json" > "$T/future.json"
run_ot capsule get "$T/future.json"
assert_rc 2 "a newer capsule schema"
assert_contains "$ERR" "upgrade" "says to upgrade"
run_ot capsule get "$T/nothing-here"
assert_rc 3 "no capsule there"

run_ot capsule replay "$CAP" --json
assert_rc 0 "replay"
check_schema opentraces.capsule.replay.v1 "replay"
assert_eq "$PIN" "$(jq_out .before_commit)" "replay starts from the pin"
assert_eq "test_command" "$(jq_out .oracle.strategy)" "oracle is the test command"

# --- issue body rendered by cmark-gfm
run_ot capsule issue "$CAP"
assert_rc 0 "issue (dry run)"
HTML=$(printf '%s' "$OUT" | cmark-gfm -e table)
assert_contains "$HTML" "<h2>Summary</h2>" "issue body: Summary heading"
assert_contains "$HTML" "<h2>Steps</h2>" "issue body: Steps heading"
assert_contains "$HTML" "<h2>Reproduce</h2>" "issue body: Reproduce heading"
assert_contains "$HTML" "<th>field</th>" "issue body: facts table"
assert_contains "$HTML" "<td>user</td>" "issue body: steps table rows"
assert_contains "$OUT" "<!-- opentraces-capsule: $CID -->" "idempotency marker"
run_ot capsule issue "$CAP" --json
check_schema opentraces.capsule.issue.v1 "issue"
assert_eq "acme/widget" "$(jq_out .repo)" "issue repo from the remote"
mkdir -p "$T/nogh" && for p in cat git sh env; do ln -sf "$(command -v "$p")" "$T/nogh/$p"; done
PATH="$T/bin:$T/nogh" run_ot capsule issue "$CAP" --publish --yes
assert_rc 3 "--publish without gh"
assert_contains "$ERR" "gh" "the error names gh"

# --- capsule test: fails at the pin; the fix lands; fixed at HEAD, reproduces at the pin
echo 42 > value.txt && git commit -qam "fix the value"
run_ot capsule test "$CAP" --against HEAD --json
assert_rc 0 "capsule test"
check_schema opentraces.capsule.test.v1 "test"
assert_eq "fixed" "$(jq_out .verdict)" "verdict fixed"
assert_eq "true" "$(jq_out '.runs[0].expected_error_seen')" "the captured failure seen at the pin"
run_ot capsule test "$CAP" --against "$PIN" --json
assert_eq "reproduces" "$(jq_out .verdict)" "verdict reproduces against the pin itself"
assert_eq "1" "$(git worktree list | wc -l)" "the test worktrees are gone"
[ -z "$(git status --porcelain --untracked-files=no)" ] && pass "the working tree is untouched" || fail "working tree changed"
run_ot capsule test "$CAP" --against HEAD
assert_contains "$OUT" "fixed" "human verdict"

# --- import into an empty home
HOME2="$T/home2"
OPENTRACES_HOME="$HOME2" run_ot capsule import "$CAP" --json
assert_rc 0 "import"
check_schema opentraces.capsule.import.v1 "import"
assert_eq "imported" "$(jq_out .result)" "imported"
assert_eq "$TID" "$(jq_out .trace_id)" "under the same trace id"
OPENTRACES_HOME="$HOME2" run_ot bucket status --json
D1=$(jq_out .digest)
OPENTRACES_HOME="$HOME2" run_ot capsule import "$CAP" --json
assert_eq "unchanged" "$(jq_out .result)" "second import changes nothing"
OPENTRACES_HOME="$HOME2" run_ot bucket status --json
assert_eq "$D1" "$(jq_out .digest)" "bucket digest unchanged by the second import"
OPENTRACES_HOME="$HOME2" run_ot trace get "$TID" --json
assert_rc 0 "trace get in the new home"
assert_eq "6" "$(jq_out '.trace.step_count // .trace.steps_count // (.trace.steps | length)')" "trace get shows the six-step slice"
OPENTRACES_HOME="$HOME2" run_ot trace get "$TID:1"
assert_rc 0 "a step of the imported slice"
case "$OUT" in *"$AWS"*|*"$GHT"*) fail "secret in the imported trace" ;; *) pass "imported trace holds no secret" ;; esac
run_ot capsule import "$CAP" --json
assert_rc 4 "import over the trace captured here: conflict"
assert_eq "local_trace_exists" "$(jq_out '.conflicts[0].code')" "conflict named"

finish
