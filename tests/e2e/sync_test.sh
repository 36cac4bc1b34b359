#!/usr/bin/env bash
# Team sync of refs/notes/opentraces under contention: clones of one bare file://
# remote push notes at the same moment. Every clone must end with the union of all
# notes, no push may be forced (the remote refuses non-fast-forwards and its reflog
# must only ever move forward), and no line may be lost.
source "$(dirname "$0")/lib.sh"

REMOTE="$T/remote.git"
git init -q --bare "$REMOTE"
# A forced (non-fast-forward) update would be refused outright; the reflog lets us
# check every step of the remote's notes history afterwards.
git -C "$REMOTE" config receive.denyNonFastForwards true
git -C "$REMOTE" config receive.denyDeletes true
git -C "$REMOTE" config core.logAllRefUpdates always

src="$(new_repo src)"
cd "$src"
for i in 1 2 3; do echo "line $i" > "f$i.txt"; git add "f$i.txt"; git commit -q -m "c$i"; done
git remote add origin "file://$REMOTE"
git push -q origin main
C=($(git rev-list --reverse HEAD))  # README commit + c1..c3

for who in alice bob carol; do git clone -q "file://$REMOTE" "$T/$who"; done

# fact WHO ROUND FILE: one attribution fact line (canonical JSON, as the hook writes).
fact() {
  printf '{"agent":"claude-code","end_line":1,"evidence_firmness":"firm","evidence_tier":"exact_range_hash","file":"%s","model":"m-%s","patch_id":"sha256:%s-%s","start_line":1,"trace_id":"%s-round-%s","v":1}\n' \
    "$3" "$1" "$1" "$2" "$1" "$2"
}
# add_fact CLONE COMMIT LINE: appends LINE to the clone's note on COMMIT (sorted, unique).
add_fact() {
  local old
  old="$(git -C "$T/$1" notes --ref=opentraces show "$2" 2>/dev/null || true)"
  printf '%s\n%s\n' "$old" "$3" | sed '/^$/d' | LC_ALL=C sort -u > "$T/note.$1"
  git -C "$T/$1" notes --ref=opentraces add -f -F "$T/note.$1" "$2" 2>/dev/null
  printf '%s\n' "$3" >> "$T/expected"
}
: > "$T/expected"
# notes_lines DIR [REF]: every note line on REF (default ours), "<commit> <line>", sorted.
notes_lines() {
  local ref=${2:-refs/notes/opentraces} c
  git -C "$1" notes --ref="$ref" list 2>/dev/null | while read -r _ c; do
    git -C "$1" notes --ref="$ref" show "$c" | sed "s/^/$c /"
  done | LC_ALL=C sort
}
expected_lines() { LC_ALL=C sort -u "$T/expected"; }
# every line written anywhere, as "<line>" (commit-independent view for the count)
all_lines() { notes_lines "$1" "${2:-}" | cut -d' ' -f2- | LC_ALL=C sort -u; }

# ---- 1. a deterministic collision: bob pushes between alice's fetch and push ------
add_fact alice "${C[1]}" "$(fact alice 0 f1.txt)"
add_fact bob "${C[1]}" "$(fact bob 0 f1.txt)"
add_fact bob "${C[2]}" "$(fact bob 0 f2.txt)"
# Alice's pre-push hook runs after her fetch-merge (git calls it inside her push):
# the first time, it makes bob sync first, so alice's push meets a moved remote.
cat > "$T/alice/.git/hooks/pre-push" <<EOF
#!/bin/sh
if [ ! -e "$T/collided" ]; then
  touch "$T/collided"
  (unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE; cd "$T/bob" && "$OT_BIN" trail sync --json > "$T/bob-first.json")
fi
exit 0
EOF
chmod +x "$T/alice/.git/hooks/pre-push"
cd "$T/alice"
run_ot trail sync --json
assert_rc 0 "alice syncs although bob pushed in the middle of her sync"
assert_envelope "sync"
assert_eq "true" "$(jq -r .pushed "$T/bob-first.json")" "bob's push went first"
assert_eq "2" "$(jq_out .attempts)" "alice needed a second fetch-merge-push round"
assert_eq "1" "$(jq_out '.rejections | length')" "one refused push recorded"
assert_contains "$(jq_out '.rejections[0]')" "refs/notes/opentraces" "the refusal names the notes ref"
assert_eq "true" "$(jq_out .pushed)" "alice's merged notes reached the remote"
rm "$T/alice/.git/hooks/pre-push"
assert_eq "$(expected_lines)" "$(all_lines "$REMOTE")" "remote holds alice's and bob's lines"
assert_eq "2" "$(git -C "$REMOTE" notes --ref=opentraces show "${C[1]}" | wc -l | tr -d ' ')" \
  "both facts on the shared commit survive (union, not last writer wins)"

# ---- 2. dry run: says what it would do, changes nothing -------------------------
cd "$T/carol"
add_fact carol "${C[3]}" "$(fact carol 0 f3.txt)"
before_local="$(git rev-parse refs/notes/opentraces)"
before_remote="$(git -C "$REMOTE" rev-parse refs/notes/opentraces)"
run_ot trail sync --dry-run --json
assert_rc 0 "dry run"
assert_eq "true" "$(jq_out .dry_run)" "dry_run flagged"
assert_eq "merged" "$(jq_out .merge)" "dry run: carol's notes diverged from the remote's"
assert_eq "true" "$(jq_out .would_push)" "dry run: would push"
assert_eq "1" "$(jq_out .notes_to_push)" "dry run: one commit note carries lines the remote lacks"
assert_eq "2" "$(jq_out .notes_to_merge)" "dry run: two remote commit notes carry lines carol lacks"
assert_eq "$before_local" "$(git rev-parse refs/notes/opentraces)" "dry run leaves our notes alone"
assert_eq "$before_remote" "$(git -C "$REMOTE" rev-parse refs/notes/opentraces)" "dry run leaves the remote alone"
run_ot trail sync -n
assert_rc 0 "dry run, human output"
assert_contains "$OUT" "would merge 2 note(s) from origin; would push refs/notes/opentraces (1 commit note(s)" "dry run says what it would do"

# ---- 3. everyone pushes at once, several rounds ---------------------------------
ROUNDS=4
for round in $(seq 1 $ROUNDS); do
  for who in alice bob carol; do
    # Same commit for everyone (a merge of the same note) plus one of their own.
    add_fact "$who" "${C[1]}" "$(fact "$who" "$round" f1.txt)"
    case $who in alice) c=${C[2]} ;; bob) c=${C[3]} ;; carol) c=${C[0]} ;; esac
    add_fact "$who" "$c" "$(fact "$who" "$round" "x-$who.txt")"
  done
  rm -f "$T/go"
  pids=()
  for who in alice bob carol; do
    (
      cd "$T/$who"
      while [ ! -e "$T/go" ]; do sleep 0.01; done
      "$OT_BIN" trail sync --json > "$T/$who.$round.json" 2> "$T/$who.$round.err"
    ) &
    pids+=($!)
  done
  touch "$T/go"
  for i in 0 1 2; do
    who=$(echo alice bob carol | cut -d' ' -f$((i + 1)))
    if wait "${pids[$i]}"; then pass "round $round: $who's concurrent sync succeeded"
    else fail "round $round: $who's sync failed: $(cat "$T/$who.$round.err") $(cat "$T/$who.$round.json")"; fi
  done
done
retried=$(cat "$T"/*.[0-9].json | jq -s '[.[] | .rejections | length] | add')
echo "concurrent rounds: $retried refused push(es) recovered by fetch-merge-push"

# One more sequential pass brings everyone to the remote's final tip.
for who in alice bob carol; do (cd "$T/$who" && "$OT_BIN" trail sync --json > /dev/null); done
tip="$(git -C "$REMOTE" rev-parse refs/notes/opentraces)"
for who in alice bob carol; do
  assert_eq "$tip" "$(git -C "$T/$who" rev-parse refs/notes/opentraces)" "$who ends at the remote's notes"
  assert_eq "$(expected_lines)" "$(all_lines "$T/$who")" "$who holds the union of every line anyone wrote"
done
assert_eq "$(expected_lines)" "$(all_lines "$REMOTE")" "the remote holds the union: nothing lost"
assert_eq "$((3 + 3 * 2 * ROUNDS + 1))" "$(expected_lines | wc -l | tr -d ' ')" "line count (3 + 3 clones x 2 x rounds + carol's)"
assert_eq "$((3 * ROUNDS + 2))" "$(git -C "$REMOTE" notes --ref=opentraces show "${C[1]}" | wc -l | tr -d ' ')" \
  "the shared commit's note holds every clone's facts"

# No force: every recorded move of the remote's notes ref is a fast-forward.
forced=0
prev=""
while read -r sha; do
  if [ -n "$prev" ] && ! git -C "$REMOTE" merge-base --is-ancestor "$prev" "$sha"; then forced=$((forced + 1)); fi
  prev=$sha
done < <(git -C "$REMOTE" reflog show --format=%H refs/notes/opentraces | tac)
moves=$(git -C "$REMOTE" reflog show --format=%H refs/notes/opentraces | wc -l | tr -d ' ')
assert_eq "0" "$forced" "all $moves moves of the remote's notes ref were fast-forwards"
[ "$moves" -ge $((ROUNDS * 3)) ] && pass "every clone's push landed ($moves ref moves)" || fail "only $moves ref moves"

# The merged notes are real attribution: trail blame reads every clone's facts.
cd "$T/bob"
run_ot trail blame "${C[1]}" --json
assert_rc 0 "trail blame after sync"
assert_eq "$((3 * ROUNDS + 2))" "$(jq_out '[.traces[].trace_id] | unique | length')" \
  "trail blame lists every clone's trace on the shared commit"

# ---- doctor: notes sharing and the attribution self-check --------------------------
cd "$T/carol"
doctor_check() { printf '%s' "$OUT" | jq -r --arg n "$1" '.checks[] | select(.name == $n) | "\(.state): \(.detail)"'; }
run_ot doctor --json
assert_contains "$(doctor_check trails_notes_sync)" "warn: " "doctor: no notes fetch refspec is a warning"
assert_contains "$(doctor_check trails_notes_sync)" "no fetch refspec" "doctor names the missing refspec"
assert_eq "ok: wrote a note on a scratch commit and blamed it back: 2 agent lines, 1 human line" \
  "$(doctor_check trails_attribution_selfcheck)" "doctor: attribution self-check passes"
git config --add remote.origin.fetch '+refs/notes/opentraces:refs/notes/remotes/origin/opentraces'
run_ot doctor --json
assert_contains "$(doctor_check trails_notes_sync)" "ok: refs/notes/opentraces at" "doctor: refspec set and notes synced → ok"
add_fact carol "${C[2]}" "$(fact carol 5 f2.txt)"
run_ot doctor --json
assert_contains "$(doctor_check trails_notes_sync)" "origin's copy lacks" "doctor: unpushed local notes are a warning"
"$OT_BIN" trail sync > /dev/null
run_ot doctor --json
assert_contains "$(doctor_check trails_notes_sync)" "ok: " "doctor: after sync → ok"
git update-ref -d refs/notes/remotes/origin/opentraces
mkdir -p .git/refs/notes/remotes/origin
printf 'not-a-sha\n' > .git/refs/notes/remotes/origin/opentraces
run_ot doctor --json
assert_rc 3 "doctor fails on a broken tracking ref"
assert_contains "$(doctor_check trails_notes_sync)" "fail: refs/notes/remotes/origin/opentraces cannot be read" "doctor names the broken ref"
rm .git/refs/notes/remotes/origin/opentraces
"$OT_BIN" trail sync > /dev/null

# ---- 4. configurable identity for notes commits ---------------------------------
cd "$T/alice"
git config opentraces.notesName "Notes Bot"
git config opentraces.notesEmail "notes-bot@example.com"
add_fact bob "${C[2]}" "$(fact bob 9 f2.txt)"
(cd "$T/bob" && "$OT_BIN" trail sync --json > /dev/null)
add_fact alice "${C[3]}" "$(fact alice 9 f3.txt)"
run_ot trail sync --json
assert_eq "merged" "$(jq_out .merge)" "alice merges bob's newest note"
assert_eq "Notes Bot <notes-bot@example.com>" "$(git log -1 --format='%an <%ae>' refs/notes/opentraces)" \
  "the merge commit is by opentraces.notesName/notesEmail"

# ---- 5. errors --------------------------------------------------------------------
run_ot trail sync --remote nowhere --json
assert_rc 3 "unknown remote"
assert_eq "REMOTE_UNAVAILABLE" "$(jq_out .error.code)" "unknown remote: REMOTE_UNAVAILABLE"
# A remote that refuses for another reason (a hook) is not retried.
printf '#!/bin/sh\necho "notes are frozen" >&2\nexit 1\n' > "$REMOTE/hooks/pre-receive"
chmod +x "$REMOTE/hooks/pre-receive"
add_fact alice "${C[3]}" "$(fact alice 10 f3.txt)"
run_ot trail sync --json
assert_rc 3 "hook refusal"
assert_eq "PUSH_FAILED" "$(jq_out .error.code)" "a pre-receive refusal is PUSH_FAILED, not retried"
assert_contains "$(git notes --ref=opentraces show "${C[3]}")" "alice-round-10" "the refused note is still kept locally"
finish
