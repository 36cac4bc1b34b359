#!/usr/bin/env bash
# Whole-file blame, stats and Agent Trace export end to end: a file built over five
# commits (agent from a real Claude Code fixture session, human, agent with a human
# edit before commit, formatter reflow, rename) is blamed line by line; then amend /
# squash / cherry-pick keep it right; deletions are counted; exported records
# validate and agree with blame line for line.
source "$(dirname "$0")/lib.sh"

repo="$(new_repo blame)"
cd "$repo"
for h in post-commit post-rewrite; do
  printf '#!/bin/sh\ngit opentraces hook %s "$@"\n' "$h" > ".git/hooks/$h"
  chmod +x ".git/hooks/$h"
done
git config notes.rewriteRef refs/notes/opentraces
# A bucket exists on this machine (nothing active in it): the post-commit hook runs
# cleanly on human commits, which is how blame knows they are human.
mkdir -p "$OPENTRACES_HOME/spool"

# 1. Agent: the real Claude Code session tests/fixtures/sessions/claude-code/cc-calc.jsonl
#    (Write calc.py, two Edits) as parsed by `trace parse`.
"$OT_BIN" trace parse "$OT_FIXTURES/sessions/claude-code/cc-calc.jsonl" --json | jq '.record' > "$T/cc.json"
T1="$(jq -r .trace_id "$T/cc.json")"
cat > calc.py <<'PY'
def add(a, b):
    """Return the sum of a and b."""
    return a + b


def mul(a, b):
    result = a * b
    return result
PY
git add calc.py && git commit -q -m "agent: calc from the session"
C1="$(git rev-parse HEAD)"
run_ot trail attach --patches "$T/cc.json" --json
assert_eq "8" "$(jq_out .attributed_lines)" "commit 1: the session's 8 lines are attributed"

# 2. Human: appends sub().
printf '\n\ndef sub(a, b):\n    return a - b\n' >> calc.py
git commit -q -a -m "human: sub"
C2="$(git rev-parse HEAD)"
assert_contains "$(tail -1 .git/opentraces-hook.log)" "\"sha\":\"$C2\"" "the hook ran on the human commit"

# 3. Agent (Codex): removes the docstring, adds div() and a print line; the human
#    shortens the error message before committing.
T2=22222222-3333-4444-5555-666666666666
DIV=$'    return result\n\n\ndef div(a, b):\n    if b == 0:\n        raise ZeroDivisionError("b must not be zero")\n    return a / b\n\n\nprint(add(1, 2), mul(3, 4), div(10, 5))\n'
jq -n --arg t "$T2" --arg div "$DIV" '{trace_id: $t, agent: {name: "codex", model: "gpt-5-codex"}, patches: [
  {patch_id: "sha256:q0", file_path: "calc.py", step_index: 1, tool_name: "apply_patch", operation: "edit",
   old_text: "def add(a, b):\n    \"\"\"Return the sum of a and b.\"\"\"\n", authored_text: "def add(a, b):\n"},
  {patch_id: "sha256:q1", file_path: "calc.py", step_index: 2, tool_name: "apply_patch", operation: "edit",
   old_text: "    return result\n", authored_text: $div}]}' > "$T/codex.json"
cat > calc.py <<'PY'
def add(a, b):
    return a + b


def mul(a, b):
    result = a * b
    return result


def div(a, b):
    if b == 0:
        raise ZeroDivisionError("b is zero")
    return a / b


print(add(1, 2), mul(3, 4), div(10, 5))


def sub(a, b):
    return a - b
PY
git commit -q -a -m "agent: div (message edited by the human)"
C3="$(git rev-parse HEAD)"
run_ot trail attach --patches "$T/codex.json" --json
assert_rc 0 "attach the codex trace"
note3="$(git notes --ref=opentraces show "$C3")"
assert_contains "$note3" '"kind":"deletion"' "commit 3: the note records the agent's deletion"
assert_eq "1" "$(printf '%s\n' "$note3" | jq -s '[.[] | select(.kind=="deletion") | .old_end_line - .old_start_line + 1] | add')" "commit 3: one deleted line (the docstring)"

# 4. Formatter: wraps the long print line, re-indents a line (whitespace only).
python3 - <<'PY'
s = open("calc.py").read()
s = s.replace("print(add(1, 2), mul(3, 4), div(10, 5))", "print(add(1, 2),\n      mul(3, 4),\n      div(10, 5))")
s = s.replace("    return a + b\n", "        return a + b\n", 1)
open("calc.py", "w").write(s)
PY
git commit -q -a -m "style: format"
C4="$(git rev-parse HEAD)"

# 5. Rename.
mkdir -p src && git mv calc.py src/calc_ops.py && git commit -q -m "move calc to src/calc_ops.py"

kind_of() { jq_out ".lines[] | select(.line==$1) | .kind"; }
trace_of() { jq_out ".lines[] | select(.line==$1) | .trace_id // \"-\""; }
check_file() {  # check_file WHAT: the expected attribution of every non-blank line
  local what="$1"
  run_ot blame src/calc_ops.py --json
  assert_rc 0 "$what: blame"
  assert_envelope "$what: blame"
  assert_eq "opentraces.blame.v1" "$(jq_out .schema_version)" "$what: schema id"
  local expect=(
    "1 agent $T1" "2 agent $T1" "5 agent $T1" "6 agent $T1" "7 agent $T1"
    "10 agent $T2" "11 agent $T2" "12 human_modified $T2" "13 agent $T2"
    "16 agent $T2" "17 agent $T2" "18 agent $T2"
    "21 human -" "22 human -")
  local e n k id
  for e in "${expect[@]}"; do
    read -r n k id <<<"$e"
    assert_eq "$k $id" "$(kind_of "$n") $(trace_of "$n")" "$what: line $n is $k${id:+ }${id#-}"
  done
}
check_file "five commits"
assert_eq "calc.py" "$(jq_out '.lines[0].orig_path')" "rename: line 1 still comes from calc.py in commit 1"
assert_eq "$C1" "$(jq_out '.lines[0].commit')" "rename: line 1's commit is commit 1"
assert_eq "$C4" "$(jq_out '.lines[] | select(.line==17) | .reflow_commit')" "reflow: the wrapped line was followed through the format commit"
assert_eq "$C3" "$(jq_out '.lines[] | select(.line==17) | .commit')" "reflow: back to the agent's commit"
assert_eq "claude-opus-4-8" "$(jq_out '.lines[0].model')" "model from the fixture session"
assert_eq "exact_range_hash firm" "$(jq_out '.lines[0] | "\(.evidence_tier) \(.evidence_firmness)"')" "tier and firmness"
assert_eq "2 true" "$(jq_out '"\(.traces | length) \(.traces[0].lines >= .traces[1].lines)"')" "per-trace totals: two traces, most lines first"
assert_eq "7" "$(jq_out ".traces[] | select(.trace_id==\"$T1\") | .lines")" "per-trace totals: the fixture session's 7 lines"

# Gutter and porcelain views.
run_ot blame src/calc_ops.py
assert_rc 0 "gutter view"
assert_contains "$OUT" "${T1:0:8} claude-code" "gutter: 8-char trace id and agent"
assert_contains "$OUT" "human-modified" "gutter: the human-modified line"
assert_contains "$OUT" "raise ZeroDivisionError(\"b is zero\")" "gutter: the line text"
run_ot blame src/calc_ops.py --porcelain -L 10,12
assert_rc 0 "porcelain with -L"
assert_eq "3" "$(printf '%s\n' "$OUT" | wc -l | tr -d ' ')" "porcelain: -L 10,12 gives 3 lines"
assert_eq "10	$C3	calc.py	10	agent	opentraces	$T2	codex	gpt-5-codex" \
  "$(printf '%s\n' "$OUT" | head -1 | cut -f1-9)" "porcelain: fixed tab-separated columns"
run_ot blame src/calc_ops.py -L 30,40 --json
assert_rc 2 "-L past the end is a usage error"
run_ot blame nope.py --json
assert_rc 6 "a file not at HEAD"
assert_envelope "missing file error"
run_ot blame src/calc_ops.py "$C2" --json
assert_rc 6 "the file did not exist under that name at commit 2"
run_ot blame calc.py "$C2" --json
assert_rc 0 "blame at an older revision"
assert_eq "human" "$(kind_of 11)" "at commit 2: the human's sub()"

# Stats over the whole history.
run_ot stats --json
assert_rc 0 "stats"
assert_envelope "stats"
assert_eq "opentraces.stats.v1" "$(jq_out .schema_version)" "stats schema id"
assert_eq "1" "$(jq_out '.deleted.agent')" "stats: the agent's deleted line is counted"
assert_eq "1" "$(jq_out '.agents[] | select(.agent=="codex") | .deleted')" "stats: ... for codex"
assert_eq "1" "$(jq_out '.added.human_modified')" "stats: one human-modified line"
assert_eq "1" "$(jq_out '.agents[] | select(.agent=="claude-code") | .overwritten')" "stats: the docstring the codex agent removed is overwritten"
assert_eq "0" "$(jq_out '.agents[] | select(.agent=="codex") | .overwritten')" "stats: the reflowed codex line still counts as accepted"
assert_eq "$(jq_out '.added.agent')" "$(jq_out '[.agents[].added] | add')" "stats: per-agent added lines sum to the agent total"
assert_eq "$(jq_out '.added.total')" "$(jq_out '.added.agent + .added.human_modified + .added.human + .added.unknown')" "stats: the split adds up"
run_ot stats "$C2..HEAD" --json
assert_eq "3" "$(jq_out .commits)" "stats A..B: only the commits after commit 2"
run_ot stats
assert_rc 0 "stats human output"
assert_contains "$OUT" "by agent" "stats: per-agent section"

# Agent Trace export: records validate, and agree with blame line for line.
run_ot trail export --format agent-trace
assert_rc 0 "export to stdout"
printf '%s\n' "$OUT" > "$T/records.jsonl"
assert_eq "2" "$(wc -l < "$T/records.jsonl" | tr -d ' ')" "export: one record per attributed commit"
i=0
while IFS= read -r rec; do
  i=$((i + 1)); printf '%s\n' "$rec" > "$T/rec$i.json"
  if "$OT_SCHEMA_CHECK" "$OT_SOURCE_DIR/tests/schemas/agent-trace-0.1.0.schema.json" "$T/rec$i.json" >/dev/null 2>&1; then
    pass "export: record $i validates against Agent Trace 0.1.0"
  else
    fail "export: record $i does not validate: $("$OT_SCHEMA_CHECK" "$OT_SOURCE_DIR/tests/schemas/agent-trace-0.1.0.schema.json" "$T/rec$i.json" 2>&1)"
  fi
done < "$T/records.jsonl"
echo '{"version":"1.0","id":"x","timestamp":"now","files":[]}' > "$T/bad.json"
"$OT_SCHEMA_CHECK" "$OT_SOURCE_DIR/tests/schemas/agent-trace-0.1.0.schema.json" "$T/bad.json" >/dev/null 2>&1 \
  && fail "the schema accepts a broken record" || pass "the schema rejects a broken record"
# (revision, path, line) → conversation url, from the records; then every blamed line.
jq -r '. as $r | .files[] | .path as $p | .conversations[] | .url as $u | .ranges[] |
       range(.start_line; .end_line + 1) as $n | "\($r.vcs.revision) \($p) \($n) \($u)"' "$T/records.jsonl" | sort -u > "$T/exported.txt"
run_ot blame src/calc_ops.py --json
jq_out '.lines[] | select(.kind=="agent") | "\(.commit) \(.orig_path) \(.orig_line) opentraces://trace/\(.trace_id)"' | sort -u > "$T/blamed.txt"
# Every agent line of the blame is in the export with the same trace, and no
# exported range covers a line blame calls non-agent.
missing="$(comm -23 "$T/blamed.txt" "$T/exported.txt")"
assert_eq "" "$missing" "round trip: every agent line of blame is in the export, same trace"
assert_eq "" "$(cut -d' ' -f1-3 "$T/exported.txt" | uniq -d)" "round trip: no line is exported under two conversations"
jq_out '.lines[] | select(.kind!="agent") | "\(.commit) \(.orig_path) \(.orig_line) "' > "$T/nonagent.txt"
leaked=0
while IFS= read -r key; do grep -q "^$key" "$T/exported.txt" && leaked=$((leaked + 1)); done < "$T/nonagent.txt"
assert_eq "0" "$leaked" "round trip: no non-agent line is in the export"
run_ot trail export --format agent-trace --out "$T/at" --json
assert_rc 0 "export to a directory"
assert_envelope "export"
assert_eq "2" "$(ls "$T/at" | wc -l | tr -d ' ')" "export --out DIR: one file per commit"
[ -f "$T/at/$C3.json" ] && pass "export file named by commit" || fail "no $C3.json in $T/at"
run_ot trail export --format agent-trace
assert_eq "$(cat "$T/records.jsonl")" "$OUT" "export is deterministic"
run_ot trail export --format csv --json
assert_rc 2 "unknown export format"

# Rewrites keep whole-file blame right: amend (a line inserted at the top), squash.
sed -i '1i # calc operations' src/calc_ops.py
git commit -q -a --amend -m "move calc to src/calc_ops.py (with header)"
run_ot blame src/calc_ops.py --json
assert_eq "agent $T1" "$(kind_of 2) $(trace_of 2)" "amend: the agent's first line moved to line 2, still attributed"
assert_eq "human_modified" "$(kind_of 13)" "amend: the human-modified line moved too"
GIT_SEQUENCE_EDITOR="sed -i '2s/^pick/squash/'" GIT_EDITOR=true git rebase -q -i "$C2" >/dev/null 2>&1 || fail "rebase -i squash"
assert_eq "5" "$(git rev-list --count HEAD)" "squash: commits 3 and 4 are one now (6 commits before)"
run_ot blame src/calc_ops.py --json
assert_eq "agent $T2" "$(kind_of 11) $(trace_of 11)" "squash: the agent's div() keeps its trace"
assert_eq "human_modified" "$(kind_of 13)" "squash: the human-modified line stays human-modified"
assert_eq "agent" "$(kind_of 17)" "squash: the print line (now written wrapped by the squashed commit) is the agent's"
# Cherry-pick -x the squashed agent commit onto a branch from commit 2.
sq="$(git log --format=%H --grep='agent: div' -1)"
git checkout -q -b picked "$C2"
git cherry-pick -x "$sq" >/dev/null 2>&1 || fail "cherry-pick"
run_ot blame calc.py --json
assert_eq "agent $T2" "$(kind_of 10) $(trace_of 10)" "cherry-pick -x: the picked lines keep their trace"
git checkout -q -

# An uncommitted `git mv` of a file the agent wrote: the patch names helpers.py, the
# commit adds lib/helpers.py.
T3=33333333-4444-5555-6666-777777777777
HELP=$'def double(x):\n    return x * 2\n\n\ndef halve(x):\n    return x / 2\n'
printf '%s' "$HELP" > helpers.py
git add helpers.py && mkdir -p lib && git mv helpers.py lib/helpers.py
git commit -q -m "helpers (moved before commit)"
jq -n --arg t "$T3" --arg cwd "$repo" --arg h "$HELP" '{trace_id: $t, agent: {name: "claude-code", model: "claude-test"},
  metadata: {cwd: $cwd}, patches: [{patch_id: "sha256:h1", file_path: ($cwd + "/helpers.py"), step_index: 1,
  tool_name: "Write", operation: "create", old_text: "", authored_text: $h}]}' > "$T/helpers.json"
run_ot trail attach --patches "$T/helpers.json" --json
assert_eq "6" "$(jq_out .attributed_lines)" "uncommitted git mv: the moved file's 6 lines are attributed"
run_ot blame lib/helpers.py --json
assert_eq "6 $T3" "$(jq_out '"\(.totals.agent) \(.traces[0].trace_id)"')" "uncommitted git mv: blame of the new path shows the agent"

finish
