#!/usr/bin/env bash
# setup claude-code|pi --skills: the skill and slash-command files are written where each
# agent reads them, are well-formed (front matter, name = directory, description, marker),
# the commands they tell the agent to run work, a re-run changes nothing, a user's file of
# the same name is left alone, and --remove takes ours away.
source "$(dirname "$0")/lib.sh"

# Checks a markdown file's front matter: opens and closes with ---, holds the keys given.
# front_matter FILE KEY... ; prints "key=value" lines.
front_matter() {
  python3 - "$@" <<'PY'
import sys
path, keys = sys.argv[1], sys.argv[2:]
lines = open(path, encoding="utf-8").read().split("\n")
assert lines[0] == "---", "no opening ---"
end = lines.index("---", 1)
fm = {}
for l in lines[1:end]:
    k, sep, v = l.partition(":")
    assert sep and k.strip() and not k.startswith(" "), "bad front-matter line: " + l
    fm[k.strip()] = v.strip()
for k in keys:
    assert fm.get(k), "missing " + k
    print(f"{k}={fm[k]}")
PY
}

repo="$(new_repo skills)"
cd "$repo"
run_ot capture ingest "$OT_FIXTURES/sessions/claude-code/cc-calc.jsonl" --agent claude-code --json

# --- Claude Code
run_ot setup claude-code --skills --json
assert_rc 0 "setup claude-code --skills"
C="$HOME/.claude"
assert_eq "4" "$(jq_out '[.skills[] | select(.action == "written")] | length')" "four files written"
for f in skills/opentraces/SKILL.md commands/ot-search.md commands/ot-trace.md commands/ot-warmup.md; do
  [ -f "$C/$f" ] && pass "$f exists" || fail "$f missing"
  assert_eq "<!-- installed by git-opentraces setup --skills -->" "$(tail -1 "$C/$f")" "$f ends with our marker"
done
if fm="$(front_matter "$C/skills/opentraces/SKILL.md" name description 2>&1)"; then
  assert_contains "$fm" "name=opentraces" "SKILL.md: name = its directory"
else fail "SKILL.md front matter: $fm"; fi
for c in ot-search ot-trace ot-warmup; do
  if fm="$(front_matter "$C/commands/$c.md" description allowed-tools 2>&1)"; then
    assert_contains "$fm" "allowed-tools=Bash('$(readlink -f "$OT_BIN")'" "/$c pre-approves only our binary"
    assert_contains "$(cat "$C/commands/$c.md")" '$ARGUMENTS' "/$c passes its arguments"
  else fail "$c front matter: $fm"; fi
done
# The commands the skill tells the agent to run work, as written.
warm_cmd="$(grep -m1 ' ctx warmup --budget-tokens' "$C/skills/opentraces/SKILL.md" | sed 's/^ *//')"
query_cmd="$(grep -m1 ' trace query <words>' "$C/skills/opentraces/SKILL.md" | sed 's/^ *//; s/<words>/calc/')"
set +e
out="$(bash -c "$warm_cmd --all-projects" 2>&1)"; rc=$?
set -e
assert_eq "0" "$rc" "the skill's warmup command runs: $warm_cmd"
assert_contains "$out" "# Recent agent work" "and prints the warm-up"
set +e
out="$(bash -c "$query_cmd --json" 2>&1)"; rc=$?
set -e
assert_eq "0" "$rc" "the skill's query command runs"
assert_eq "1" "$(printf '%s' "$out" | jq '.total')" "and finds the calc session"

cp "$C/settings.json" "$T/settings.before"
run_ot setup claude-code --skills --json
assert_eq "unchanged,unchanged,unchanged,unchanged" "$(jq_out '[.skills[].action] | join(",")')" "re-run: nothing rewritten"
cmp -s "$C/settings.json" "$T/settings.before" && pass "re-run: settings unchanged" || fail "re-run changed settings.json"

# A user's own command of the same name is theirs.
rm "$C/commands/ot-search.md"
printf -- '---\ndescription: my own search\n---\nmine\n' > "$C/commands/ot-search.md"
run_ot setup claude-code --skills --json
assert_eq "foreign" "$(jq_out '.skills[] | select(.path | endswith("ot-search.md")) | .action')" "a foreign file is reported"
assert_eq "mine" "$(tail -1 "$C/commands/ot-search.md")" "and not overwritten"

run_ot setup claude-code --remove --json
assert_rc 0 "setup claude-code --remove"
assert_eq "3" "$(jq_out '[.skills[] | select(.action == "removed")] | length')" "our three other files removed"
[ -e "$C/skills/opentraces" ] && fail "skills/opentraces left behind" || pass "skills/opentraces removed"
[ -f "$C/commands/ot-search.md" ] && pass "the user's file stays" || fail "the user's file was removed"
[ -e "$C/commands/ot-trace.md" ] && fail "ot-trace.md left" || pass "ot-trace.md removed"

# --project: beside .claude/settings.local.json of this repo
run_ot setup claude-code --project --skills --json
[ -f "$repo/.claude/skills/opentraces/SKILL.md" ] && pass "--project: skill in the repo's .claude" || fail "--project skill missing"
run_ot setup claude-code --project --remove --json
[ -e "$repo/.claude/skills" ] && fail "--project --remove left skills" || pass "--project --remove"

# --- Pi
run_ot setup pi --skills --json
assert_rc 0 "setup pi --skills"
P="$(jq_out .package_dir)"
for f in prompts/ot-search.md prompts/ot-trace.md prompts/ot-warmup.md skills/opentraces/SKILL.md; do
  [ -f "$P/$f" ] && pass "pi $f" || fail "pi $f missing"
done
if fm="$(front_matter "$P/prompts/ot-search.md" description argument-hint 2>&1)"; then
  pass "pi /ot-search front matter"
else fail "pi front matter: $fm"; fi
assert_contains "$(cat "$P/prompts/ot-search.md")" '$@' "/ot-search passes its arguments"
assert_contains "$(cat "$P/prompts/ot-trace.md")" '$1' "/ot-trace passes the trace"
assert_eq '["./index.ts"] ["./prompts"] ["./skills"]' \
  "$(jq -c '.pi.extensions, .pi.prompts, .pi.skills' "$P/package.json" | paste -sd' ')" "package.json lists prompts and skills"
run_ot setup pi --json
[ -f "$P/prompts/ot-trace.md" ] && [ "$(jq -c .pi.prompts "$P/package.json")" = '["./prompts"]' ] &&
  pass "setup pi without --skills keeps the skills" || fail "a plain re-run dropped the skills"
run_ot setup pi --remove --json
[ -e "$P" ] && fail "pi package left" || pass "setup pi --remove removes the package and its skills"
finish
