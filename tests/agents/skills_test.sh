#!/usr/bin/env bash
# Claude Code, the /ot-search command that `setup claude-code --skills` installs: the real CLI
# (scripted model, offline) expands `/ot-search calc` into our command's body with the argument
# substituted, runs the `trace query` it names — pre-approved by the command's allowed-tools, with
# no bypass of permissions — and the tool result holds the captured calc session.
source "$(dirname "$0")/lib.sh"
source "$HARNESS/lib.sh"

section "setup claude-code --skills"
repo=$T/repo
git init -q "$repo"
(cd "$repo" && echo "# skills" > README.md && git add README.md && git commit -qm init)
cd "$repo"
check "capture the calc fixture session" ot capture ingest "$OT_FIXTURES/sessions/claude-code/cc-calc.jsonl" --json
check "setup claude-code --skills" ot setup claude-code --skills --json
[ -f "$HOME/.claude/commands/ot-search.md" ] && ok "/ot-search installed" || fail "/ot-search missing"

section "the real Claude Code runs /ot-search calc"
version=${CLAUDE_CODE_VERSION:-2.1.197}
prefix=$(agents_dir)/claude-code-$version
install_once "$prefix" "@anthropic-ai/claude-code@$version"
claude=$(ls "$prefix"/node_modules/@anthropic-ai/claude-code-linux-*/claude 2>/dev/null | head -1)
[ -x "$claude" ] || { fail "Claude Code binary missing under $prefix"; finish; }
# The scripted model answers the expanded command (matched by its text) with the Bash call the
# command asks for, then a closing line.
query="'$OT_BIN' trace query calc --limit 10"
scenario=$T/scenario.json dir=$repo out=$T/run
mkdir -p "$out"
jq -n --arg cmd "$query" '{title: "ot-search", prompts: [{prompt: "trace query calc --limit 10",
  turns: [[{type: "tool_use", name: "Bash", input: {command: $cmd, description: "search earlier sessions"}}],
          [{type: "text", text: "The calc session matches."}]]}]}' > "$scenario"
start_model
trap 'kill $server 2>/dev/null; rm -rf "$T"' EXIT
set +e
ANTHROPIC_BASE_URL=http://127.0.0.1:$port ANTHROPIC_API_KEY=sk-ant-scripted-not-a-key \
IS_SANDBOX=1 CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1 DISABLE_TELEMETRY=1 DISABLE_AUTOUPDATER=1 \
  timeout "${OT_AGENT_TIMEOUT:-120}" "$claude" -p "/ot-search calc" --output-format json \
  </dev/null >"$out/result.json" 2>"$out/agent.err"
rc=$?
set -e
[ "$rc" -eq 0 ] && ok "claude -p '/ot-search calc' exits 0" || { fail "claude exited $rc: $(tail -3 "$out/agent.err")"; finish; }
session=$(jq -r .session_id "$out/result.json")
transcript=$(find "$HOME/.claude/projects" -name "$session.jsonl" | head -1)
[ -n "$transcript" ] && ok "transcript written" || { fail "no transcript for $session"; finish; }
expanded=$(jq -r 'select(.type == "user") | .message.content | if type == "array" then (map(.text // empty) | join("\n")) else . end' "$transcript")
grep -qF "Run \`'$OT_BIN' trace query calc --limit 10\`" <<<"$expanded" &&
  ok "the command's body reached the model with the argument substituted" || fail "expansion not found: ${expanded:0:400}"
result=$(jq -r 'select(.type == "user") | .message.content | if type == "array" then (map(select(.type == "tool_result") | .content | if type == "array" then map(.text) | join("") else . end) | join("\n")) else empty end' "$transcript")
grep -q "70046dd8-3748-42a5-91a4-9d14297adea1" <<<"$result" &&
  ok "the Bash call ran (pre-approved by allowed-tools) and found the calc session" || fail "tool result: ${result:0:400}"
finish
