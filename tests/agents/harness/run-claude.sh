#!/usr/bin/env bash
# Runs the real Claude Code CLI on a scripted scenario, offline, in DIR, with the caller's HOME (so the
# hooks in $HOME/.claude/settings.json fire for real). The first prompt starts the session, each later
# prompt resumes it. Prints the session's transcript path on stdout; exit 3 with a message on failure.
#
#   run-claude.sh SCENARIO.json DIR
# Environment: OT_AGENTS_DIR (install cache, see lib.sh), CLAUDE_CODE_VERSION (default 2.1.197),
#              RUN_OUT (keep the model's request log and the agent's stderr there), OT_AGENT_TIMEOUT (s).
set -euo pipefail
scenario=$(realpath "$1"); dir=$(realpath "$2")
source "$(dirname "$0")/lib.sh"
version=${CLAUDE_CODE_VERSION:-2.1.197}
prefix=$(agents_dir)/claude-code-$version
install_once "$prefix" "@anthropic-ai/claude-code@$version"
claude=$(ls "$prefix"/node_modules/@anthropic-ai/claude-code-linux-*/claude 2>/dev/null | head -1)
[ -x "$claude" ] || die3 "run-claude: native Claude Code binary missing under $prefix (delete it to reinstall)"

out=${RUN_OUT:-$(mktemp -d)}; mkdir -p "$out"; start_model
trap 'kill $server 2>/dev/null; [ -n "${RUN_OUT:-}" ] || rm -rf "$out"' EXIT
cd "$dir"; write_setup_files
session=""
for i in $(main_prompts); do
  resume=(); [ -n "$session" ] && resume=(--resume "$session")
  ANTHROPIC_BASE_URL=http://127.0.0.1:$port ANTHROPIC_API_KEY=sk-ant-scripted-not-a-key \
  IS_SANDBOX=1 CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1 DISABLE_TELEMETRY=1 DISABLE_AUTOUPDATER=1 \
    timeout "${OT_AGENT_TIMEOUT:-120}" "$claude" -p "$(prompt_text "$i")" "${resume[@]}" \
    --permission-mode bypassPermissions --output-format json </dev/null >"$out/result.json" 2>>"$out/agent.err" \
    || agent_failed claude "$out/agent.err"
  session=$(python3 -c 'import json,sys;print(json.load(open(sys.argv[1]))["session_id"])' "$out/result.json")
done
transcript=$(find "$HOME/.claude/projects" -name "$session.jsonl" | head -1)
[ -n "$transcript" ] || die3 "run-claude: transcript for $session not found under $HOME/.claude/projects"
echo "$transcript"
