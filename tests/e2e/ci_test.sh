#!/usr/bin/env bash
# Hosted merges (docs/ci.md): a pull request's commits carry notes; the "server"
# squash-merges one PR and rebase-merges another, making commits no hook saw; a CI
# clone runs scripts/ci/backfill-merge, which anchors the new commits with the PR
# commits' notes and pushes refs/notes/opentraces. A fresh clone then blames the
# merged files line by line.
source "$(dirname "$0")/lib.sh"
SCRIPTS="$(cd "$(dirname "$0")/../../scripts/ci" && pwd)"

REMOTE="$T/remote.git"
git init -q --bare "$REMOTE"
git -C "$REMOTE" config receive.denyNonFastForwards true
src="$(new_repo dev)"
cd "$src"
git remote add origin "file://$REMOTE"
git push -q origin main

# note_fact SHA TRACE FILE START END: our fact on a PR commit, as the hook writes it.
note_fact() {
  local old line
  line=$(printf '{"agent":"claude-code","end_line":%d,"evidence_firmness":"firm","evidence_tier":"exact_range_hash","file":"%s","model":"claude-test","patch_id":"sha256:%s-%s","start_line":%d,"trace_id":"%s","v":1}' \
    "$5" "$3" "$2" "$4" "$4" "$2")
  old="$(git notes --ref=opentraces show "$1" 2>/dev/null || true)"
  printf '%s\n%s\n' "$old" "$line" | sed '/^$/d' | LC_ALL=C sort -u > "$T/note"
  git notes --ref=opentraces add -f -F "$T/note" "$1" 2>/dev/null
}
T1=aaaaaaaa-1111-1111-1111-111111111111
T2=bbbbbbbb-2222-2222-2222-222222222222
T3=cccccccc-3333-3333-3333-333333333333

# ---- PR 1: agent commit, human review edit, agent commit ---------------------------
git checkout -q -b feature
printf 'def add(a, b):\n    return a + b\n\n\ndef mul(a, b):\n    return a * b\n' > calc.py
git add calc.py && git commit -q -m "agent: calc"
note_fact HEAD "$T1" calc.py 1 6
sed -i 's/    return a \* b/    return b * a  # reviewer/' calc.py    # the human changes line 6
printf 'VERSION = "1.0"\n' > version.py
git add -A && git commit -q -m "review fixes"
printf '\n\ndef sub(a, b):\n    return a - b\n' >> calc.py
git add calc.py && git commit -q -m "agent: sub"
note_fact HEAD "$T2" calc.py 7 10
git push -q origin feature:refs/pull/1/head
"$OT_BIN" trail sync > /dev/null

# ---- the server: squash merge of PR 1 ---------------------------------------------
git clone -q "file://$REMOTE" "$T/server"
cd "$T/server"
git fetch -q origin refs/pull/1/head:pr1
BEFORE1=$(git rev-parse HEAD)
git merge -q --squash pr1 && git commit -q -m "Calc (#1)"
git push -q origin main
AFTER1=$(git rev-parse HEAD)

# ---- CI after PR 1 -------------------------------------------------------------------
git clone -q "file://$REMOTE" "$T/ci"
cd "$T/ci"
set +e
bash "$SCRIPTS/backfill-merge" "$BEFORE1" "$AFTER1" refs/pull/1/head > "$T/ci1.out" 2>&1
rc=$?
set -e
[ $rc -eq 0 ] && pass "backfill-merge after a squash merge (exit 0)" || fail "backfill-merge exit $rc: $(cat "$T/ci1.out")"
assert_contains "$(git -C "$REMOTE" notes --ref=opentraces show "$AFTER1" 2>&1)" "\"trace_id\":\"$T1\"" \
  "the squash commit's note reached the remote"
assert_eq "main" "$(git symbolic-ref --short HEAD)" "the CI checkout is back on its branch"

# A reviewer's fresh clone: blame the squashed file.
git clone -q "file://$REMOTE" "$T/reviewer"
cd "$T/reviewer"
git fetch -q origin '+refs/notes/opentraces:refs/notes/opentraces'
run_ot blame calc.py --json
assert_rc 0 "blame after the squash merge"
kinds="$(jq_out '[.lines[] | "\(.line):\(.kind):\(.trace_id // "-")"] | join(" ")')"
expect="1:agent:$T1 2:agent:$T1 3:agent:$T1 4:agent:$T1 5:agent:$T1 6:human:- 7:agent:$T2 8:agent:$T2 9:agent:$T2 10:agent:$T2"
assert_eq "$expect" "$kinds" "squash commit: the agents' lines keep their traces, the reviewer's line is human"
run_ot blame version.py --json
assert_eq "human" "$(jq_out '.lines[0].kind')" "the human's file in the squash is human"

# Running the job again changes nothing.
cd "$T/ci"
tip="$(git -C "$REMOTE" rev-parse refs/notes/opentraces)"
bash "$SCRIPTS/backfill-merge" "$BEFORE1" "$AFTER1" refs/pull/1/head > "$T/ci1b.out" 2>&1
assert_eq "$tip" "$(git -C "$REMOTE" rev-parse refs/notes/opentraces)" "a second run pushes nothing new"
assert_contains "$(cat "$T/ci1b.out")" "nothing to push" "second run: nothing to push"

# ---- PR 2: rebase merge onto a main that moved ---------------------------------------
cd "$src"
git fetch -q origin && git checkout -q -b feature2 origin/main
printf 'def greet(name):\n    return "hi " + name\n' > greet.py
git add greet.py && git commit -q -m "agent: greet"
note_fact HEAD "$T3" greet.py 1 2
printf 'GREETING = "hi"\n' >> greet.py
git add greet.py && git commit -q -m "human: constant"
git push -q origin feature2:refs/pull/2/head
"$OT_BIN" trail sync > /dev/null
cd "$T/server"
git pull -q --no-rebase origin main
echo "changelog" > CHANGES && git add CHANGES && git commit -q -m "changelog" && git push -q origin main
git fetch -q origin refs/pull/2/head:pr2
BEFORE2=$(git rev-parse HEAD)
git checkout -q pr2 && git rebase -q main && REBASED=$(git rev-parse HEAD)
git checkout -q main && git merge -q --ff-only "$REBASED" && git push -q origin main
AFTER2=$(git rev-parse HEAD)

cd "$T/ci"
git pull -q --no-rebase origin main
bash "$SCRIPTS/backfill-merge" "$BEFORE2" "$AFTER2" refs/pull/2/head > "$T/ci2.out" 2>&1 \
  && pass "backfill-merge after a rebase merge (exit 0)" || fail "backfill-merge (rebase): $(cat "$T/ci2.out")"
cd "$T/reviewer"
git pull -q --no-rebase origin main
git fetch -q origin '+refs/notes/opentraces:refs/notes/opentraces'
run_ot blame greet.py --json
kinds="$(jq_out '[.lines[] | "\(.line):\(.kind):\(.trace_id // "-")"] | join(" ")')"
assert_eq "1:agent:$T3 2:agent:$T3 3:unknown:-" "$kinds" "rebased commits: the agent's lines keep their trace, the human's stays unattributed"
first_rebased="$(git rev-parse "$AFTER2~1")"
assert_contains "$(git notes --ref=opentraces show "$first_rebased" 2>&1)" "$T3" "the rebased agent commit carries the note"

# ---- bad input --------------------------------------------------------------------------
cd "$T/ci"
set +e
bash "$SCRIPTS/backfill-merge" 0000000000000000000000000000000000000000 HEAD refs/pull/2/head > "$T/bad.out" 2>&1
rc=$?
set -e
assert_eq "2" "$rc" "unknown BEFORE: exit 2"
run_ot git-backfill --from-notes "a...b" --json
assert_rc 2 "--from-notes with three dots"
assert_eq "BAD_RANGE" "$(jq_out .error.code)" "BAD_RANGE"
run_ot git-backfill --from-notes "HEAD~1..HEAD" --patches x.json --json
assert_rc 2 "--from-notes with --patches"

# The shipped CI files are valid YAML with the job we document.
python3 - "$SCRIPTS" <<'PY' && pass "CI job files parse and call backfill-merge" || fail "CI job files"
import sys, yaml
d = sys.argv[1]
gh = yaml.safe_load(open(d + "/github-actions.yml"))
steps = gh["jobs"]["backfill"]["steps"]
assert gh["permissions"]["contents"] == "write"
assert any("backfill-merge" in s.get("run", "") for s in steps)
gl = yaml.safe_load(open(d + "/gitlab-ci.yml"))
assert any("backfill-merge" in l for l in gl["opentraces-notes"]["script"])
PY
finish
