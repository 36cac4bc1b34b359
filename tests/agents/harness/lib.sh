# Shared by run-claude.sh, run-codex.sh and run-pi.sh: install an agent CLI once, start the scripted
# model for a scenario, commit the scenario's setup files, list its prompts.
# Callers set: scenario (abs path), dir (abs path), out (a dir for logs). Sets: server (pid), port.

harness_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

die3() { echo "$*" >&2; exit 3; }

# Where agent CLIs are cached. Default: next to the binary under test (the build dir), so a fresh
# clone installs once per build tree; OT_AGENTS_DIR overrides (e.g. to share one cache).
agents_dir() {
  if [ -n "${OT_AGENTS_DIR:-}" ]; then echo "$OT_AGENTS_DIR"
  elif [ -n "${OT_BIN:-}" ]; then echo "$(cd "$(dirname "$OT_BIN")" && pwd)/agents-cache"
  else echo "/tmp/ot-agents"; fi
}

# install_once PREFIX PACKAGE@VERSION: npm-installs into PREFIX unless a finished install is there.
# Concurrent tests wait on a lock; an interrupted install is redone (the marker is written last).
install_once() {
  local prefix=$1 spec=$2
  [ -f "$prefix/.ot-installed" ] && return 0
  command -v node >/dev/null || die3 "agents: node is not installed (scripts/install-deps installs it); cannot run $spec"
  command -v npm >/dev/null || die3 "agents: npm is not installed (scripts/install-deps installs it); cannot run $spec"
  mkdir -p "$(dirname "$prefix")"
  exec 9>"$prefix.lock"
  flock 9
  if [ ! -f "$prefix/.ot-installed" ]; then
    local log=$prefix.install.log started=$SECONDS
    rm -rf "$prefix"; mkdir -p "$prefix"
    echo "agents: installing $spec from $(npm config get registry 2>/dev/null) into $prefix (first use only)" >&2
    if ! HOME=$(dirname "$prefix") npm_config_cache=$(dirname "$prefix")/npm-cache npm_config_update_notifier=false \
         timeout 300 npm install --prefix "$prefix" --no-audit --no-fund --loglevel=error \
         --fetch-retries=2 --fetch-timeout=60000 "$spec" >"$log" 2>&1; then
      flock -u 9
      die3 "agents: could not install $spec from npm (is the registry $(npm config get registry 2>/dev/null) reachable?)
$( (grep -E 'npm error (code|errno|network|request|404|403)' "$log" || tail -5 "$log") | head -6 | sed 's/^/    /')
  This test needs the real agent CLI; run it where npm can reach the registry, or point OT_AGENTS_DIR at a
  directory that already holds the install ($(basename "$prefix")/)."
    fi
    touch "$prefix/.ot-installed"
    echo "agents: installed $spec in $((SECONDS - started)) s" >&2
  fi
  flock -u 9
}

start_model() {
  SCENARIO=$scenario SCENARIO_CWD=$dir REQUEST_LOG=${REQUEST_LOG:-$out/requests.jsonl} \
    node "$harness_dir/fake-model.mjs" >"$out/port" 2>"$out/server.err" &
  server=$!
  for _ in $(seq 100); do grep -q listening "$out/port" 2>/dev/null && break; sleep 0.05; done
  port=$(awk '/listening/{print $2}' "$out/port")
  [ -n "$port" ] || die3 "scripted model did not start: $(cat "$out/server.err")"
}

# Files the scenario needs before the agent starts, committed as the human's starting point.
write_setup_files() {
  local paths
  paths=$(python3 - "$scenario" <<'PY'
import json, os, sys
for path, text in json.load(open(sys.argv[1])).get("setup_files", {}).items():
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    open(path, "w").write(text)
    print(path)
PY
)
  [ -n "$paths" ] || return 0
  git rev-parse --git-dir >/dev/null 2>&1 || return 0
  echo "$paths" | tr '\n' '\0' | xargs -0 git add --
  git diff --cached --quiet || git commit -qm "Scenario setup" >/dev/null
}

# The indexes of the prompts a user types (sub-agent entries are answered by the model, not typed).
main_prompts() { python3 -c 'import json,sys;print(" ".join(str(i) for i,p in enumerate(json.load(open(sys.argv[1]))["prompts"]) if not p.get("subagent")))' "$scenario"; }
prompt_text() { python3 -c 'import json,sys;print(json.load(open(sys.argv[1]))["prompts"][int(sys.argv[2])]["prompt"])' "$scenario" "$1"; }

# Shows the end of an agent's stderr when it failed.
agent_failed() { # agent_failed NAME LOGFILE
  die3 "run-$1: $1 failed:
$(tail -15 "$2" | sed 's/^/  /')"
}
