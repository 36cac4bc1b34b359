#!/usr/bin/env bash
# git-ai interop, read-only: a history carrying hand-written git-ai notes
# (refs/notes/ai, authorship/3.0.0, built here from the documented format) is
# blamed, summed and exported with those lines shown as git-ai attributed, and
# refs/notes/ai is never written.
source "$(dirname "$0")/lib.sh"

repo="$(new_repo gitai)"
cd "$repo"
cat > main.rs <<'RS'
fn parse(s: &str) -> i32 {
    s.trim().parse().unwrap_or(0)
}
// reviewed by Ada
fn main() {
    println!("{}", parse(" 41 ") + 1);
}
RS
git add main.rs && git commit -q -m "parser and main"
C1="$(git rev-parse HEAD)"
cat > "$T/note.txt" <<'NOTE'
main.rs
  s_0a1b2c3d4e5f60::t_00000000000001 1-3,5-7
  h_99999999999999 4
---
{"schema_version":"authorship/3.0.0","base_commit_sha":"0000000000000000000000000000000000000000","prompts":{},"sessions":{"s_0a1b2c3d4e5f60":{"agent_id":{"tool":"claude","id":"conv-42","model":"claude-opus-4-5"}}},"humans":{"h_99999999999999":{"author":"Ada <ada@example.com>"}}}
NOTE
git notes --ref=ai add -F "$T/note.txt" "$C1"
# A later human commit without any note moves the lines down by one.
sed -i '1i // SPDX-License-Identifier: MIT' main.rs && git commit -q -a -m "license header"
ai_tip="$(git rev-parse refs/notes/ai)"

run_ot blame main.rs --json
assert_rc 0 "blame"
assert_envelope "blame"
line() { jq_out ".lines[] | select(.line==$1) | $2"; }
assert_eq "unknown" "$(line 1 .kind)" "the un-noted header line is unknown"
assert_eq "agent git-ai claude-code claude-opus-4-5 s_0a1b2c3d4e5f60" \
  "$(line 2 '"\(.kind) \(.source) \(.agent) \(.model) \(.trace_id)"')" "line 2: agent (git-ai) with tool and model"
assert_eq "agent" "$(line 4 .kind)" "line 4 (range 1-3 at the commit) is git-ai's"
assert_eq "human Ada <ada@example.com>" "$(line 5 '"\(.kind) \(.human_author)"')" "line 5: git-ai's known human"
assert_eq "agent" "$(line 8 .kind)" "line 8 (range 5-7) is git-ai's"
assert_eq "6" "$(jq_out .totals.agent)" "six git-ai agent lines"
assert_eq "git-ai" "$(jq_out '.traces[0].source')" "per-trace totals name git-ai as the source"
run_ot blame main.rs
assert_contains "$OUT" "s_0a1b2c agent (git-ai) claude-code" "gutter: agent (git-ai) with the session key"

run_ot trail blame "$C1" --json
assert_rc 0 "trail blame commit reads git-ai notes"
assert_eq "6/7" "$(jq_out '"\(.coverage.attributed)/\(.coverage.total)"')" "trail blame commit: git-ai coverage"
assert_eq "claude-code (git-ai)" "$(jq_out '.traces[0].agent')" "trail blame commit: agent (git-ai)"
assert_eq "git_ai_authorship imported" "$(jq_out '.trailEvidence[0] | "\(.evidence_tier) \(.evidence_firmness)"')" "trail blame commit: imported evidence"
run_ot trail blame "$C1"
assert_rc 0 "trail blame commit, human output (only git-ai notes in the repo)"
assert_contains "$OUT" "claude-code (git-ai)" "trail blame commit human output names git-ai"

run_ot stats --json
assert_rc 0 "stats"
assert_eq "git-ai 6 6 0" "$(jq_out '.agents[0] | "\(.source) \(.added) \(.accepted) \(.overwritten)"')" "stats: git-ai lines, all still there"
assert_eq "1" "$(jq_out .added.human)" "stats: git-ai's human line"

run_ot trail export --format agent-trace
assert_rc 0 "export"
printf '%s\n' "$OUT" > "$T/rec.json"
assert_eq "git-ai://session/s_0a1b2c3d4e5f60 anthropic/claude-opus-4-5" \
  "$(jq -r '.files[0].conversations[0] | "\(.url) \(.contributor.model_id)"' "$T/rec.json")" "export: git-ai session as a conversation"
"$OT_SCHEMA_CHECK" "$OT_SOURCE_DIR/tests/schemas/agent-trace-0.1.0.schema.json" "$T/rec.json" >/dev/null 2>&1 &&
  pass "export of git-ai lines validates" || fail "export of git-ai lines does not validate"

# Our facts win a line both notes cover.
run_ot trail attach --patches <(jq -n --arg cwd "$repo" '{trace_id: "abcdef00-0000-0000-0000-000000000000",
  agent: {name: "claude-code", model: "claude-test"}, metadata: {cwd: $cwd}, patches: [
  {patch_id: "sha256:ours", file_path: "main.rs", step_index: 1, tool_name: "Write", operation: "create", old_text: "",
   authored_text: "fn parse(s: &str) -> i32 {\n    s.trim().parse().unwrap_or(0)\n}\n"}]}') --commit "$C1" --json
assert_rc 0 "attach our own facts to the git-ai commit"
run_ot blame main.rs --json
assert_eq "opentraces abcdef00-0000-0000-0000-000000000000" "$(line 2 '"\(.source) \(.trace_id)"')" "our fact wins over git-ai's on the same line"
assert_eq "git-ai" "$(line 6 .source)" "git-ai still answers the lines we have no fact for"

assert_eq "$ai_tip" "$(git rev-parse refs/notes/ai)" "refs/notes/ai is never written"
assert_eq "$(cat "$T/note.txt")" "$(git notes --ref=ai show "$C1")" "the git-ai note is unchanged"

# A broken git-ai note does not break blame.
printf 'main.rs\n  s_x 1-2\n---\n{not json\n' > "$T/bad.txt"
git notes --ref=ai add -f -F "$T/bad.txt" HEAD
run_ot blame main.rs --json
assert_rc 0 "blame with a broken git-ai note"
assert_eq "agent git-ai" "$(line 1 '"\(.kind) \(.source)"')" "a broken metadata section still gives the ranges"
finish
