#!/usr/bin/env bash
# Hook overhead as the agents see it: runs scenarios with the real agent CLIs, without our hooks and
# with them (`setup <agent>` + `setup git`), and measures each tool round-trip on the scripted model's
# side: from the moment it finished answering with a tool call to the moment the agent came back
# with the result. With hooks, that span holds the agent's PreToolUse and PostToolUse hooks (Pi: the
# extension's tool_call/tool_result events) around the tool itself; the difference of the medians is
# what our hooks cost per tool call. Prints a Markdown table.
#
#   OT_BIN=build-release/git-opentraces tests/agents/harness/hook-timing.sh [RUNS] [SCENARIO...]
# Defaults: 3 runs each of calc, codex-calc, pi-calc. OT_AGENTS_DIR as for the tests.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
: "${OT_BIN:?set OT_BIN to the git-opentraces binary to measure (a release build)}"
OT_BIN=$(realpath "$OT_BIN")
runs=${1:-3}; [ $# -gt 0 ] && shift
scenarios=("$@"); [ $# -gt 0 ] || scenarios=(calc codex-calc pi-calc)
fixtures=${OT_FIXTURES:-$here/../../fixtures}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT

agent_of() { case $1 in codex-*) echo codex ;; pi-*) echo pi ;; *) echo claude-code ;; esac; }
runner_of() { case $1 in codex) echo run-codex.sh ;; pi) echo run-pi.sh ;; *) echo run-claude.sh ;; esac; }

one_run() { # one_run SCENARIO MODE(off|on) N -> request log path
  local name=$1 mode=$2 n=$3 agent d
  agent=$(agent_of "$name"); d=$work/$name-$mode-$n
  mkdir -p "$d/home" "$d/ot" "$d/repo" "$d/out"
  (
    export HOME=$d/home OPENTRACES_HOME=$d/ot GIT_CONFIG_NOSYSTEM=1
    unset CODEX_HOME
    git config --global user.name Timer && git config --global user.email timer@example.invalid
    cd "$d/repo" && git init -q && printf 'x\n' >README.md && git add README.md && git commit -qm init
    if [ "$mode" = on ]; then
      "$OT_BIN" init --agent "$agent" >/dev/null </dev/null
      "$OT_BIN" setup "$agent" --yes >/dev/null </dev/null
      "$OT_BIN" setup git --yes >/dev/null </dev/null
      git add -A && git commit -qm "enable" || true
    fi
    RUN_OUT=$d/out bash "$here/$(runner_of "$agent")" "$fixtures/scenarios/$name.json" "$d/repo" >/dev/null 2>"$d/runner.err" \
      || { echo "hook-timing: $name ($mode) failed:" >&2; tail -5 "$d/runner.err" >&2; exit 1; }
  )
  echo "$d/out/requests.jsonl"
}

# Tool round-trips of a request log, in ms: answer with tool calls -> next request carrying results.
gaps() {
  python3 - "$@" <<'PY'
import json, sys
for path in sys.argv[1:]:
    rows = [json.loads(l) for l in open(path) if l.strip()]
    main = sorted((r for r in rows if r.get("tools") and "results" in r), key=lambda r: r["t_recv"])
    for a, b in zip(main, main[1:]):
        if b["prompt"] == a["prompt"] and b["results"] == a["results"] + 1:
            print(f"{b['t_recv'] - a['t_sent']:.1f}")
PY
}

stats() { # median p90 count of numbers on stdin
  python3 -c 'import sys,statistics
v=sorted(float(x) for x in sys.stdin if x.strip())
p=lambda q: v[min(len(v)-1, int(q*len(v)))]
print(f"{statistics.median(v):.0f} {p(0.9):.0f} {len(v)}" if v else "- - 0")'
}

echo "| agent (scenario) | tool round-trips | median without hooks | median with our hooks | added per tool call | p90 without / with |"
echo "| --- | --- | --- | --- | --- | --- |"
for name in "${scenarios[@]}"; do
  off=() on=()
  for n in $(seq "$runs"); do
    off+=("$(one_run "$name" off "$n")")
    on+=("$(one_run "$name" on "$n")")
  done
  read -r m0 p0 c0 < <(gaps "${off[@]}" | stats)
  read -r m1 p1 c1 < <(gaps "${on[@]}" | stats)
  echo "| $(agent_of "$name") ($name) | $c0 / $c1 | $m0 ms | $m1 ms | $((m1 - m0)) ms | $p0 / $p1 ms |"
done
