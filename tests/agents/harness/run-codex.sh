#!/usr/bin/env bash
# Runs the real Codex CLI (`codex exec`) on a scripted scenario, offline, in DIR, with the caller's HOME;
# hooks in $CODEX_HOME/hooks.json fire for real (hook trust is bypassed, as a trusted setup would be).
# Later prompts resume the same session. Prints the rollout path on stdout; exit 3 on failure.
#
#   run-codex.sh SCENARIO.json DIR
# Environment: OT_AGENTS_DIR (see lib.sh), CODEX_VERSION (default 0.169.0), CODEX_HOME (default
#              $HOME/.codex), RUN_OUT (keep logs there), OT_AGENT_TIMEOUT (s).
set -euo pipefail
scenario=$(realpath "$1"); dir=$(realpath "$2")
source "$(dirname "$0")/lib.sh"
version=${CODEX_VERSION:-0.169.0}
prefix=$(agents_dir)/codex-$version
install_once "$prefix" "@openai/codex@$version"
codex=$(find "$prefix/node_modules/@openai" -path '*/bin/codex' -type f 2>/dev/null | head -1)
[ -n "$codex" ] || die3 "run-codex: native Codex binary missing under $prefix (delete it to reinstall)"
export CODEX_HOME=${CODEX_HOME:-$HOME/.codex}
mkdir -p "$CODEX_HOME/sessions"

out=${RUN_OUT:-$(mktemp -d)}; mkdir -p "$out"; start_model
trap 'kill $server 2>/dev/null; [ -n "${RUN_OUT:-}" ] || rm -rf "$out"' EXIT
cd "$dir"; write_setup_files
provider=(-c model=gpt-5.1-codex -c model_provider=scripted -c model_providers.scripted.name=scripted
  -c "model_providers.scripted.base_url=\"http://127.0.0.1:$port/v1\"" -c model_providers.scripted.wire_api=responses
  -c model_providers.scripted.env_key=SCRIPTED_API_KEY)
session=""; find "$CODEX_HOME/sessions" -name '*.jsonl' | sort >"$out/before"
for i in $(main_prompts); do
  if [ -z "$session" ]; then verb=(exec); else verb=(exec resume "$session"); fi
  SCRIPTED_API_KEY=scripted-not-a-key timeout "${OT_AGENT_TIMEOUT:-120}" "$codex" "${verb[@]}" "${provider[@]}" \
    --dangerously-bypass-approvals-and-sandbox --dangerously-bypass-hook-trust --skip-git-repo-check \
    "$(prompt_text "$i")" </dev/null >>"$out/agent.out" 2>>"$out/agent.err" || agent_failed codex "$out/agent.err"
  [ -n "$session" ] || session=$(comm -13 "$out/before" <(find "$CODEX_HOME/sessions" -name '*.jsonl' | sort) | head -1 \
    | sed -E 's/.*-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.jsonl/\1/')
  [ -n "$session" ] || die3 "run-codex: no new rollout under $CODEX_HOME/sessions after the first prompt"
done
rollout=$(find "$CODEX_HOME/sessions" -name "*$session.jsonl" | head -1)
[ -n "$rollout" ] || die3 "run-codex: rollout for $session not found"
echo "$rollout"
