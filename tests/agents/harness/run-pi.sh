#!/usr/bin/env bash
# Runs the real Pi coding agent (`pi -p`) on a scripted scenario, offline, in DIR, with the caller's HOME
# (so extensions and packages in $HOME/.pi/agent/settings.json load for real); the scripted model is
# registered as a provider in $HOME/.pi/agent/models.json for the run. Later prompts continue the same
# session. Prints the session file path on stdout; exit 3 on failure.
#
#   run-pi.sh SCENARIO.json DIR
# Environment: OT_AGENTS_DIR (see lib.sh), PI_VERSION (default 0.73.1), RUN_OUT, OT_AGENT_TIMEOUT (s).
set -euo pipefail
scenario=$(realpath "$1"); dir=$(realpath "$2")
source "$(dirname "$0")/lib.sh"
version=${PI_VERSION:-0.73.1}
prefix=$(agents_dir)/pi-$version
install_once "$prefix" "@mariozechner/pi-coding-agent@$version"
pi=$prefix/node_modules/@mariozechner/pi-coding-agent/dist/cli.js
[ -f "$pi" ] || die3 "run-pi: $pi missing (delete $prefix to reinstall)"

out=${RUN_OUT:-$(mktemp -d)}; mkdir -p "$out"; start_model
models=$HOME/.pi/agent/models.json; mkdir -p "$(dirname "$models")"
[ -f "$models" ] && cp "$models" "$out/models.json.saved"
trap 'kill $server 2>/dev/null; if [ -f "$out/models.json.saved" ]; then cp "$out/models.json.saved" "$models"; else rm -f "$models"; fi; [ -n "${RUN_OUT:-}" ] || rm -rf "$out"' EXIT
cat >"$models" <<JSON
{"providers":{"scripted":{"baseUrl":"http://127.0.0.1:$port","api":"anthropic-messages","apiKey":"sk-ant-scripted-not-a-key",
 "models":[{"id":"claude-scripted-1","name":"Scripted","reasoning":true,"input":["text"],"contextWindow":200000,"maxTokens":8000,
 "cost":{"input":3,"output":15,"cacheRead":0.3,"cacheWrite":3.75}}]}}}
JSON
cd "$dir"; write_setup_files
touch "$out/started"
first=1
for i in $(main_prompts); do
  cont=(); [ $first -eq 1 ] || cont=(-c)
  timeout "${OT_AGENT_TIMEOUT:-120}" node "$pi" -p "${cont[@]}" --model scripted/claude-scripted-1 "$(prompt_text "$i")" \
    </dev/null >>"$out/agent.out" 2>>"$out/agent.err" || agent_failed pi "$out/agent.err"
  first=0
done
session=$(find "$HOME/.pi/agent/sessions" -name '*.jsonl' -newer "$out/started" -printf '%T@ %p\n' 2>/dev/null | sort -rn | head -1 | cut -d' ' -f2-)
[ -n "$session" ] || die3 "run-pi: no session file under $HOME/.pi/agent/sessions"
echo "$session"
