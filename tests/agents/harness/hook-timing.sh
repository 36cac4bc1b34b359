#!/usr/bin/env bash
# Hook overhead as the agents see it: runs scenarios with the real agent CLIs, without our hooks and
# with them (`setup <agent>` + `setup git`), and measures each tool round-trip on the scripted model's
# side: from the moment it finished answering with a tool call to the moment the agent came back
# with the result. With hooks, that span holds the agent's PreToolUse and PostToolUse hooks (Pi: the
# extension's tool_call/tool_result events) around the tool itself; the difference of the medians is
# what our hooks cost per tool call. A third mode installs the same hooks but makes them run a no-op
# script, which separates the agent's own cost of running a hook command from ours. Prints a
# Markdown table.
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
    if [ "$mode" != off ]; then
      # Hooks are installed by a copy of the binary (they run the binary that installed them); in
      # mode "stub" the copy is then replaced by a script that reads stdin and exits, which leaves
      # only the agent's own cost of running a hook command.
      mkdir -p "$d/bin" && cp "$OT_BIN" "$d/bin/git-opentraces"
      "$d/bin/git-opentraces" init --agent "$agent" >/dev/null </dev/null
      "$d/bin/git-opentraces" setup "$agent" --yes >/dev/null </dev/null
      "$d/bin/git-opentraces" setup git --yes >/dev/null </dev/null
      git add -A && git commit -qm "enable" || true
      [ "$mode" = on ] || printf '#!/bin/sh\ncat >/dev/null\n' >"$d/bin/git-opentraces"
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

echo "| agent (scenario) | tool round-trips (per mode) | median: no hooks | hooks running a no-op | our hooks | ours vs no-op | p90: no hooks / no-op / ours |"
echo "| --- | --- | --- | --- | --- | --- | --- |"
for name in "${scenarios[@]}"; do
  off=() stub=() on=()
  for n in $(seq "$runs"); do  # interleaved, so machine load drifts hit every mode alike
    off+=("$(one_run "$name" off "$n")")
    stub+=("$(one_run "$name" stub "$n")")
    on+=("$(one_run "$name" on "$n")")
  done
  read -r m0 p0 c0 < <(gaps "${off[@]}" | stats)
  read -r m1 p1 c1 < <(gaps "${stub[@]}" | stats)
  read -r m2 p2 c2 < <(gaps "${on[@]}" | stats)
  echo "| $(agent_of "$name") ($name) | $c0 | $m0 ms | $m1 ms | $m2 ms | +$((m2 - m1)) ms | $p0 / $p1 / $p2 ms |"
done
