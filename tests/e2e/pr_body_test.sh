#!/usr/bin/env bash
# PR bodies end to end: a feature branch with commits made from real fixture sessions
# (Claude Code bugfix with a resteer, Codex calc) plus human commits → `trail pr render`
# names the sessions, computes the agent share exactly as the notes say, has one section
# per instruction, matches a snapshot byte for byte, renders as GitHub-flavoured Markdown;
# `trail pr create|update` drive a fake `gh` that records what it was asked.
source "$(dirname "$0")/lib.sh"

SESS="$OT_FIXTURES/sessions"
export GIT_AUTHOR_NAME="Dev" GIT_AUTHOR_EMAIL="dev@example.com" GIT_COMMITTER_NAME="Dev" GIT_COMMITTER_EMAIL="dev@example.com"
tick=0
commit() {  # fixed dates → fixed shas → a stable snapshot
  tick=$((tick + 1))
  GIT_AUTHOR_DATE="2026-11-20T10:$(printf %02d $tick):00Z" GIT_COMMITTER_DATE="2026-11-20T10:$(printf %02d $tick):00Z" \
    git commit -q -m "$1"
}

repo="$T/prbody"
git init -q -b main "$repo"
cd "$repo"
echo "# stats and calc" > README.md
git add -A && commit "initial"
git checkout -q -b feature/stats

# A fixture session → its TraceRecord with the session's cwd moved to this repo, stored in
# the bucket; its files reproduced here by applying its patches in order.
record_for() {  # record_for SESSION_FILE OUT_JSON
  "$OT_BIN" trace parse "$1" --json > "$2.parsed" || fail "parse $1"
  jq -r .record.metadata.cwd "$2.parsed" > "$2.cwd"
  jq --arg cwd "$repo" '.record | .metadata.cwd = $cwd' "$2.parsed" > "$2"
  "$OT_BIN" capture ingest "$2" --json > /dev/null || fail "ingest $2"
}
apply_patches() {  # apply_patches RECORD_JSON MAX_STEP
  python3 - "$1" "$2" "$repo" "$(cat "$1.cwd")" <<'PY'
import json, os, sys
rec, max_step, repo, orig_cwd = json.load(open(sys.argv[1])), int(sys.argv[2]), sys.argv[3], sys.argv[4]
for p in rec["patches"]:
    if p.get("step_index", 0) > max_step: continue
    path = p["file_path"]
    if os.path.isabs(path): path = os.path.relpath(path, orig_cwd)
    full = os.path.join(repo, path)
    if p["operation"] == "create" or not os.path.exists(full):
        open(full, "w").write(p["authored_text"])
    else:
        text = open(full).read()
        assert p["old_text"] in text, (p["file_path"], p["old_text"])
        open(full, "w").write(text.replace(p["old_text"], p["authored_text"], 1))
PY
}

record_for "$SESS/claude-code/cc-bugfix.jsonl" "$T/bugfix.json"
BUGFIX=$(jq -r .trace_id "$T/bugfix.json")
record_for "$SESS/codex/codex-calc.jsonl" "$T/calc.json"
CALC=$(jq -r .trace_id "$T/calc.json")

# Commit 1: the first instruction's work (steps up to 4: module, test, first fix).
apply_patches "$T/bugfix.json" 4
git add stats.py test_stats.py && commit "Add stats module with mean and spread"
run_ot trail attach --patches "$T/bugfix.json" --json; assert_rc 0 "attach bugfix → commit 1"
# Commit 2: the resteer ("That's not what I asked ...") and the changelog.
rm stats.py test_stats.py && apply_patches "$T/bugfix.json" 99   # replay the whole session: its final files
git add -A && commit "Make spread the standard deviation"
run_ot trail attach --patches "$T/bugfix.json" --json; assert_rc 0 "attach bugfix → commit 2"
# Commit 3: a human's own change.
printf '\n## Usage\n\nimport stats\n' >> README.md && echo "# tuned by hand" >> stats.py
git add -A && commit "Document usage"
# Commit 4: the Codex session.
apply_patches "$T/calc.json" 99
git add calc.py && commit "Add calc"
run_ot trail attach --patches "$T/calc.json" --json; assert_rc 0 "attach calc → commit 4"

run_ot trail pr render --base main --json
assert_rc 0 "render --json"
assert_envelope "render"
assert_eq "opentraces.trail.pr_render.v1" "$(jq_out .schema_version)" "render schema id"
[ -n "$OT_SCHEMA_CHECK" ] && { echo "$OUT" | "$OT_SCHEMA_CHECK" "$OT_SOURCE_DIR/docs/schemas/opentraces.trail.pr_render.v1.json" - \
  && pass "render envelope matches its JSON Schema" || fail "render envelope fails its schema"; }
assert_eq "4" "$(jq_out .summary.commits)" "four commits in merge-base..head"
assert_eq "$(printf '%s\n' "$BUGFIX" "$CALC" | sort | tr '\n' ' ')" "$(jq_out '[.sessions[].trace_id] | sort | .[]' | tr '\n' ' ')" "both sessions listed"

# The agent share, recomputed here from the notes and git's own diff (not from our output).
python3 - "$repo" "$(jq_out .summary.agent_lines)" "$(jq_out .summary.added_lines)" <<'PY' && pass "agent lines = lines the notes attribute (independent count)" || fail "agent share differs from the notes"
import json, re, subprocess, sys
repo, agent, added = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
shas = subprocess.check_output(["git", "-C", repo, "rev-list", "--reverse", "main..HEAD"], text=True).split()
tot_added = tot_attr = 0
for sha in shas:
    diff = subprocess.check_output(["git", "-C", repo, "diff-tree", "-p", "-U0", "--no-renames", "--root", sha], text=True)
    added_lines, path = {}, None
    for line in diff.splitlines():
        if line.startswith("+++ "): path = line[6:] if line.startswith("+++ b/") else None
        m = re.match(r"@@ -\S+ \+(\d+)(?:,(\d+))? @@", line)
        if m and path:
            start, n = int(m.group(1)), int(m.group(2) or 1)
            added_lines.setdefault(path, set()).update(range(start, start + n))
    note = subprocess.run(["git", "-C", repo, "notes", "--ref=opentraces", "show", sha], capture_output=True, text=True).stdout
    covered = {}
    for l in note.splitlines():
        f = json.loads(l)
        if "trace_id" in f and "start_line" in f:  # deletion records (docs/blame.md) have no range here
            covered.setdefault(f["file"], set()).update(range(f["start_line"], f["end_line"] + 1))
    tot_added += sum(len(v) for v in added_lines.values())
    tot_attr += sum(len(v & covered.get(p, set())) for p, v in added_lines.items())
assert (tot_attr, tot_added) == (agent, added), ((tot_attr, tot_added), (agent, added))
assert 0 < agent < added
PY

assert_eq "2" "$(jq_out "[.intents[] | select(.trace_id==\"$BUGFIX\")] | length")" "the bugfix session splits into its two instructions"
assert_contains "$(jq_out "[.intents[] | select(.trace_id==\"$BUGFIX\")][1].instruction")" "standard deviation" "the second intent is the resteer"
assert_eq "2" "$(jq_out "[.intents[] | select(.trace_id==\"$CALC\")] | length")" "the Codex session: its two instructions (calc, then the docstring)"
assert_eq "python3 test_stats.py" "$(jq_out '.tests[0].command')" "the bugfix session's test runs are seen"
assert_eq "3:passed" "$(jq_out '.tests[0] | "\(.runs):\(.last_result)"')" "three runs; the last one passed (after the failure)"

# Markdown: deterministic, snapshot, GitHub-flavoured structure.
run_ot trail pr render --base main
assert_rc 0 "render"
md="$OUT"
run_ot trail pr render --base main --force-rebuild
assert_eq "$md" "$OUT" "a fresh render gives the same bytes"
snap="$OT_SOURCE_DIR/tests/e2e/snapshots/pr_body.md"
# The tool version and the scope digest (which covers each trace's content hash, so any
# parser change moves it) are normalised; everything else must match byte for byte.
normalized=$(printf '%s\n' "$md" | sed -E -e 's/git-opentraces [0-9]+\.[0-9]+\.[0-9]+[^ ]*/git-opentraces VERSION/' \
  -e 's/sha256:[0-9a-f]{12,64}/sha256:DIGEST/g')
if [ -n "${OT_UPDATE_SNAPSHOTS:-}" ]; then printf '%s\n' "$normalized" > "$snap"; fi
if [ "$normalized" = "$(cat "$snap")" ]; then pass "Markdown matches the snapshot"; else
  fail "Markdown differs from $snap (OT_UPDATE_SNAPSHOTS=1 rewrites it after review)"; diff <(printf '%s\n' "$normalized") "$snap" | head -40 >&2; fi
assert_contains "$md" "t:${BUGFIX:0:8}" "the body names the bugfix session"
assert_contains "$md" "## Changes by intent" "per-intent sections"
if command -v cmark-gfm >/dev/null; then
  html=$(printf '%s\n' "$md" | cmark-gfm -e table)
  assert_eq "6" "$(grep -c '<h2>' <<<"$html")" "six h2 sections render (summary, intents, sessions, tests, risks, commits)"
  [ "$(grep -c '<table>' <<<"$html")" -ge 4 ] && pass "tables render as tables" || fail "tables did not render: $(grep -c '<table>' <<<"$html")"
  assert_eq "4" "$(grep -c '<h3>' <<<"$html")" "one h3 per intent"
else
  fail "cmark-gfm is not installed (scripts/install-deps installs it)"
fi
run_ot trail pr render --base main -o "$T/body.md"
assert_eq "$md" "$(cat "$T/body.md")" "-o writes the same body"
assert_contains "$ERR" "chars" "-o prints a short note on stderr"

# A branch without agent evidence: a short honest body.
git checkout -q -b human-only main
echo "typo fix" >> README.md && git add -A && commit "Fix typo"
run_ot trail pr render --base main
assert_rc 0 "render without traces"
assert_contains "$OUT" "No agent evidence" "says there is no agent evidence"
git checkout -q feature/stats

# Bad scope: exit 2 with the fix.
run_ot trail pr render --base no-such-branch
assert_rc 2 "unknown base"

# ---- create / update through a fake gh ------------------------------------------------
mkdir -p "$T/bin"
cat > "$T/bin/gh" <<'SH'
#!/usr/bin/env bash
# Fake gh: records argv and stdin; one PR "exists" once created.
log="$GH_LOG"; state="$GH_STATE"
n=$(( $(ls "$log" 2>/dev/null | wc -l) / 2 ))   # two files per call
printf '%s\n' "$@" > "$log/$n.argv"; cat > "$log/$n.stdin"
[ -n "$GH_FAIL" ] && { echo "HTTP 502: bad gateway" >&2; exit 1; }
case "$1 $2" in
  "pr list") if [ -f "$state" ]; then echo '[{"number":7,"url":"https://github.com/o/r/pull/7"}]'; else echo '[]'; fi ;;
  "pr create") touch "$state"; echo "https://github.com/o/r/pull/7" ;;
  "pr edit") echo "https://github.com/o/r/pull/$3" ;;
  *) echo "unexpected: $*" >&2; exit 2 ;;
esac
SH
chmod +x "$T/bin/gh"
export GH_LOG="$T/ghlog" GH_STATE="$T/ghstate"; mkdir -p "$GH_LOG"
PATH="$T/bin:$PATH" run_ot trail pr create --base main --draft --json
assert_rc 0 "create"
assert_eq "created" "$(jq_out .action)" "create opens a PR"
assert_eq "7" "$(jq_out .number)" "create reports the number"
args=$(cat "$GH_LOG/1.argv" | tr '\n' ' ')
assert_contains "$args" "pr create --base main --head feature/stats --title Add calc --body-file - --draft" "gh pr create argv"
assert_eq "$md" "$(cat "$GH_LOG/1.stdin")" "the body went to gh on stdin, byte for byte"
PATH="$T/bin:$PATH" run_ot trail pr create --base main --json
assert_rc 0 "create again"
assert_eq "updated" "$(jq_out .action)" "create again updates the existing PR (no duplicate)"
assert_contains "$(cat "$GH_LOG/3.argv" | tr '\n' ' ')" "pr edit 7 --body-file -" "…through gh pr edit"
PATH="$T/bin:$PATH" run_ot trail pr create --base main --no-update-if-exists
assert_rc 2 "--no-update-if-exists with an open PR"
PATH="$T/bin:$PATH" run_ot trail pr update --base main
assert_rc 0 "update"
assert_contains "$OUT" "Updated PR #7" "update finds the branch's PR"
PATH="$T/bin:$PATH" run_ot trail pr update --base main -n 12 --json
assert_eq "12" "$(jq_out .number)" "update -n edits that PR"
GH_FAIL=1 PATH="$T/bin:$PATH" run_ot trail pr update --base main
assert_rc 3 "gh failure → exit 3"
assert_contains "$ERR" "bad gateway" "the gh error is shown"
rm -f "$GH_STATE"
PATH="$T/bin:$PATH" run_ot trail pr update --base main
assert_rc 2 "update with no open PR → exit 2"
PATH="/usr/bin:/bin" run_ot trail pr create --base main
assert_rc 2 "gh missing → exit 2"
assert_contains "$ERR" "gh" "the error names gh"

# A bare repository: both trail and trail pr refuse it, each saying what needs a work tree.
git clone -q --bare . "$T/bare.git"
cd "$T/bare.git"
run_ot trail pr render --base main --json
assert_rc 2 "trail pr render in a bare repository"
assert_eq BARE_REPO "$(jq_out .error.code)" "BARE_REPO"
assert_contains "$(jq_out .error.message)" "PR bodies need a work tree" "says PR bodies need a work tree"
run_ot trail graph --json
assert_rc 2 "trail graph in a bare repository"
assert_contains "$(jq_out .error.message)" "Trace Trails needs a work tree" "says Trace Trails needs a work tree"

finish
