# Helpers for the real-agent tests (tests/agents/*_test.sh). Each test: a fresh temp HOME,
# OPENTRACES_HOME and repo; `init`, `setup <agent>`, `setup git`; one scenario run by the real agent
# CLI against the scripted model (harness/); then checks derived from the scenario file.
#
# Checks come in three kinds, all printed:
#   ok      the check ran and held
#   FAIL    the check ran and did not hold (the test fails)
#   PENDING the feature it needs answers NOT_IMPLEMENTED (exit 10) today; the check did not run and
#           does not count as passing. It switches on by itself once the feature lands.
set -euo pipefail

: "${OT_BIN:?OT_BIN must point at the git-opentraces binary (ctest sets it)}"
: "${OT_SOURCE_DIR:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
: "${OT_FIXTURES:=$OT_SOURCE_DIR/tests/fixtures}"
OT_BIN=$(realpath "$OT_BIN")
export OT_BIN
HARNESS=$OT_SOURCE_DIR/tests/agents/harness
SCENARIOS=$OT_FIXTURES/scenarios

T=$(mktemp -d "${TMPDIR:-/tmp}/ot-agents-test.XXXXXX")
export HOME=$T/home OPENTRACES_HOME=$T/ot-home
mkdir -p "$HOME" "$OPENTRACES_HOME"
unset CODEX_HOME CLAUDE_CONFIG_DIR
git config --global user.name "Human Tester"
git config --global user.email human@example.invalid
git config --global init.defaultBranch main
export GIT_CONFIG_NOSYSTEM=1
_n_ok=0 _n_fail=0 _pending=()
cleanup() { [ -n "${OT_AGENTS_KEEP:-}" ] && echo "kept $T" || rm -rf "$T"; }
trap cleanup EXIT

ok() { _n_ok=$((_n_ok + 1)); echo "  ok   $*"; }
fail() { _n_fail=$((_n_fail + 1)); echo "  FAIL $*"; }
pending() {
  _pending+=("$*")
  echo "  PENDING ($1 not implemented yet): ${*:2} -- NOT checked"
}
section() { echo; echo "== $*"; }

# check "what" CMD...: runs CMD; ok if it exits 0, FAIL with its output if not.
check() {
  local what=$1 out; shift
  if out=$("$@" 2>&1); then ok "$what${out:+: $(echo "$out" | tail -1)}"
  else fail "$what"; echo "$out" | sed 's/^/       /'; fi
}

# ot ARGS...: the binary under test, stdin closed (never a TTY).
ot() { "$OT_BIN" "$@" </dev/null; }

# implemented "trail blame" [ARGS...]: is this command (with these args) implemented? A planned
# command answers NOT_IMPLEMENTED with exit 10 whatever its arguments. Remembered per command line.
declare -A _impl
implemented() {
  local key="$*"
  if [ -z "${_impl[$key]:-}" ]; then
    local out rc=0
    # shellcheck disable=SC2086
    out=$(cd "$T" && "$OT_BIN" $1 "${@:2}" --json </dev/null 2>&1) || rc=$?
    if [ "$rc" -eq 10 ] && grep -q NOT_IMPLEMENTED <<<"$out"; then _impl[$key]=no; else _impl[$key]=yes; fi
  fi
  [ "${_impl[$key]}" = yes ]
}

# feature "trail blame" "what the block checks": true if implemented, else records it as pending.
feature() {
  if implemented "$1"; then return 0; fi
  pending "$1" "$2"; return 1
}

# ot_step "what" ARGS...: runs a command of ours that must succeed if implemented; pending if it
# answers NOT_IMPLEMENTED; FAIL (with its output) on any other non-zero exit. Returns 0 if it ran.
ot_step() {
  local what=$1 out rc=0; shift
  out=$("$OT_BIN" "$@" </dev/null 2>&1) || rc=$?
  if [ "$rc" -eq 10 ] && grep -qiE "NOT_IMPLEMENTED|not implemented" <<<"$out"; then pending "$1${2:+ $2}" "$what"; return 1; fi
  if [ "$rc" -ne 0 ]; then fail "$what: \`git opentraces $*\` exited $rc"; echo "$out" | tail -20 | sed 's/^/       /'; return 1; fi
  ok "$what"
}

agent_of() { case $1 in codex-*) echo codex ;; pi-*) echo pi ;; *) echo claude-code ;; esac; }
runner_of() { case $1 in codex) echo run-codex.sh ;; pi) echo run-pi.sh ;; *) echo run-claude.sh ;; esac; }

# new_repo DIR: a git repo with the human's first commit (README.md holding "x", which the
# subagent scenario edits).
new_repo() {
  mkdir -p "$1" && git -C "$1" init -q && printf 'x\n' >"$1/README.md"
  git -C "$1" add README.md && git -C "$1" commit -qm "Initial commit"
}

# enable AGENT REPO: `init`, `setup AGENT`, `setup git`, as a user would; the project marker that
# init may write is committed by the human so agent commits hold only agent work.
enable() {
  local agent=$1 repo=$2
  section "enable opentraces ($agent)"
  cd "$repo"  # not a subshell: the counters must survive
  ot_step "enrol the repo (init --agent $agent)" init --agent "$agent" || true
  if ot_step "install the $agent hooks" setup "$agent" --yes; then HOOKS_ON=1; else HOOKS_ON=0; fi
  if ot_step "install the git hooks" setup git --yes; then GIT_HOOKS_ON=1; else GIT_HOOKS_ON=0; fi
  cd "$T"
  if [ -n "$(git -C "$repo" status --porcelain)" ]; then
    git -C "$repo" add -A && git -C "$repo" commit -qm "Enable opentraces"
    echo "  (committed what init/setup left in the repo: $(git -C "$repo" show --name-only --format= HEAD | tr '\n' ' '))"
  fi
}

# run_scenario NAME REPO: runs the scenario with its agent; sets SESSION, RUN_LOG (dir), BASE (HEAD before).
run_scenario() {
  local name=$1 repo=$2 agent rc=0 started=$SECONDS
  agent=$(agent_of "$name")
  BASE=$(git -C "$repo" rev-parse HEAD)
  RUN_LOG=$T/run-$name-$RANDOM; mkdir -p "$RUN_LOG"
  section "run $name with the real $agent CLI"
  python3 "$HARNESS/expect.py" summary "$SCENARIOS/$name.json" | sed 's/^/  scenario: /'
  SESSION=$(RUN_OUT=$RUN_LOG bash "$HARNESS/$(runner_of "$agent")" "$SCENARIOS/$name.json" "$repo" 2>"$RUN_LOG/runner.err") || rc=$?
  if [ $rc -ne 0 ] || [ ! -f "$SESSION" ]; then
    fail "the $agent run of $name did not complete (exit $rc):"
    sed 's/^/       /' "$RUN_LOG/runner.err"
    finish
  fi
  grep '^agents:' "$RUN_LOG/runner.err" | sed 's/^/  /' || true
  ok "the real $agent CLI ran $name in $((SECONDS - started)) s; session file $(basename "$SESSION")"
}

# The checks every scenario gets, from the scenario file: the agent's own record and the repo.
check_agent_ran() {
  local name=$1 repo=$2 agent
  agent=$(agent_of "$name")
  section "what the agent did (scenario vs the agent's own session file and the repo)"
  check "session file holds every prompt and tool call" python3 "$HARNESS/expect.py" check-session "$SCENARIOS/$name.json" "$agent" "$SESSION"
  check "commits, files and contents as the scenario says" python3 "$HARNESS/expect.py" check-repo "$SCENARIOS/$name.json" "$repo" "$BASE"
}

# Our parser on the agent's own session file.
check_trace_parse() {
  local name=$1 agent model
  agent=$(agent_of "$name")
  section "trace parse"
  feature "trace parse" "agent, model and tool calls of the parsed session" || return 0
  model=$(python3 "$HARNESS/expect.py" model "$RUN_LOG/requests.jsonl")
  local out rc=0
  out=$(ot trace parse "$SESSION" --json 2>"$T/parse.err") || rc=$?
  if [ $rc -ne 0 ]; then fail "trace parse exited $rc on the real $agent session"; sed 's/^/       /' "$T/parse.err" | tail -20; return 0; fi
  echo "$out" >"$T/parsed.json"
  check "trace parse: agent $agent, model ${model:-?}, tool calls and prompts as the scenario says" \
    python3 "$HARNESS/expect.py" check-trace "$SCENARIOS/$name.json" "$agent" "$model" "$T/parsed.json"
}

# Did our hooks fire during the run? Once the bucket is there, anything that opens it (the
# post-commit hook, the detached drain a session end starts) drains the spool, so the hook events are
# checked where they end up: the stored trace's hook events (check_bucket). Before that, in the spool.
check_hooks_fired() {
  local name=$1 agent n
  agent=$(agent_of "$name")
  section "hooks"
  if [ "$HOOKS_ON" != 1 ]; then pending "setup $agent" "our $agent hooks fired during the run"; return 0; fi
  if implemented "bucket list" && implemented "bucket export"; then
    echo "  (the hook events are checked in the bucket: see the stored trace below)"
    return 0
  fi
  n=$(spool_count "$agent")
  if [ "$n" -gt 0 ]; then
    ok "our $agent hooks fired: $n spool items from $agent"
    check "a hook event per tool call, patches for the files the scenario writes" \
      python3 "$HARNESS/expect.py" check-hooks "$SCENARIOS/$name.json" "$agent" "$OPENTRACES_HOME/spool" "$2" "$BASE"
  else fail "setup $agent is in place but nothing arrived from the $agent hooks (no spool items)"; fi
}

# spool_count [AGENT]: spool items (from AGENT).
spool_count() {
  python3 - "$OPENTRACES_HOME/spool" "${1:-}" <<'PY'
import json, os, sys
d, agent = sys.argv[1], sys.argv[2]
n = 0
if os.path.isdir(d):
    for f in os.listdir(d):
        if not f.endswith(".json"):
            continue
        try:
            item = json.load(open(os.path.join(d, f)))
        except ValueError:
            continue
        if not agent or item.get("agent") in (agent, {"codex": "codex-cli"}.get(agent)):
            n += 1
print(n)
PY
}

# trace_count: traces in the bucket per `bucket list --count --json` (0 if it fails).
trace_count() {
  ot bucket list --count --json 2>/dev/null | python3 -c 'import json,sys
d=json.load(sys.stdin); print(d.get("count", d.get("total", 0)))' 2>/dev/null || echo 0
}

# Blame: each agent commit carries a note and exactly its added lines are attributed to one trace;
# the human's commits nothing. Needs the whole chain: agent hooks, bucket, git hooks, trail blame.
# Sets BLAME_TRACES (the trace ids the agent commits are attributed to). Extra args go to expect.py.
check_blame() {
  local name=$1 repo=$2 out rc=0; shift 2
  BLAME_TRACES=""
  section "notes and blame"
  local agent; agent=$(agent_of "$name")
  [ "$HOOKS_ON" = 1 ] || { pending "setup $agent" "agent commits attributed by trail blame"; return 0; }
  [ "$GIT_HOOKS_ON" = 1 ] || { pending "setup git" "agent commits carry notes; trail blame"; return 0; }
  feature "bucket list" "agent commits carry notes (post-commit reads candidate traces from the bucket)" || return 0
  feature "trail blame" "trail blame of every commit" || return 0
  # The post-commit handler logs why it found no candidate traces; a seam that is not wired yet says so.
  local seam
  seam=$(grep -ho '"candidates_error":"[^"]*not built into this binary yet[^"]*"' "$repo/.git/opentraces-hook.log" 2>/dev/null | head -1 || true)
  if [ -n "$seam" ]; then pending "post-commit candidates" "agent commits carry notes; trail blame (the hook log says ${seam#*:})"; return 0; fi
  out=$(python3 "$HARNESS/expect.py" check-blame "$SCENARIOS/$name.json" "$repo" "$BASE" "$OT_BIN" "$@" 2>&1) || rc=$?
  grep -v '^TRACE ' <<<"$out" | sed 's/^ok: /  ok   /; s/^FAIL: /  FAIL /' | sed '/^  ok   \|^  FAIL /!s/^/       /'
  _n_ok=$((_n_ok + $(grep -c '^ok: ' <<<"$out" || true)))
  _n_fail=$((_n_fail + $(grep -c '^FAIL: ' <<<"$out" || true)))
  [ $rc -eq 0 ] || grep -q '^FAIL: ' <<<"$out" || fail "check-blame crashed (exit $rc)"
  BLAME_TRACES=$(awk '/^TRACE /{print $3}' <<<"$out" | sort -u | tr '\n' ' ')
}

# The bucket holds one trace for the session just run (N_BEFORE: traces before the run).
check_bucket() {
  local name=$1 before=$2 repo=$3 agent n
  agent=$(agent_of "$name")
  section "bucket"
  [ "$HOOKS_ON" = 1 ] || { pending "setup $agent" "one new trace in the bucket for the session"; return 0; }
  feature "bucket list" "one new trace in the bucket for the session" || return 0
  wait_drained
  n=$(trace_count)
  if [ "$n" -eq $((before + 1)) ]; then ok "the bucket holds one new trace ($before -> $n)"
  else fail "the bucket went from $before to $n traces; one session should add exactly one"; ot bucket list --json 2>&1 | head -40 | sed 's/^/       /'; fi
  feature "bucket export" "the stored trace: record, patches and hook events as the scenario says" || return 0
  local model exp=$T/export-$RANDOM out rc=0
  model=$(python3 "$HARNESS/expect.py" model "$RUN_LOG/requests.jsonl")
  ot bucket export "$exp" >/dev/null 2>"$T/export.err" || { fail "bucket export failed: $(tail -3 "$T/export.err")"; return 0; }
  out=$(python3 "$HARNESS/expect.py" check-stored "$SCENARIOS/$name.json" "$agent" "$model" "$exp" "$repo" "$BASE" $((before + 1)) 2>&1) || rc=$?
  BUCKET_TRACE=$(awk '/^TRACE /{print $2}' <<<"$out")
  if [ $rc -eq 0 ]; then ok "the stored trace (bucket export): $(grep -v '^TRACE ' <<<"$out" | tail -1)"
  else fail "the stored trace (bucket export) does not match the scenario"; grep -v '^TRACE ' <<<"$out" | sed 's/^/       /'; fi
}

# session_trace_id: the trace id of the session just run, from `bucket list --agent` (newest row).
session_trace_id() {
  ot bucket list --agent "$(agent_of "$1")" --json 2>/dev/null | python3 -c 'import json,sys
rows=json.load(sys.stdin).get("rows") or []; print(rows[-1]["trace_id"] if rows else "")' 2>/dev/null || true
}

# trace_view NAME "what" "ARGS" PYTHON_EXPR: runs `trace ARGS --json` on the session's trace (ARGS may
# hold {id}) and checks PYTHON_EXPR on its JSON (d). Pending while that command or flag is planned.
trace_view() {
  local name=$1 what=$2 args=$3 expr=$4 id out rc=0
  local probe=${args//\{id\}/}
  # shellcheck disable=SC2086
  if ! implemented $probe; then pending "$(echo $probe)" "$what"; return 0; fi
  [ "$HOOKS_ON" = 1 ] || { pending "setup $(agent_of "$name")" "$what"; return 0; }
  id=${BUCKET_TRACE:-$(session_trace_id "$name")}
  [ -n "$id" ] || { fail "$what: no trace of this session in the bucket"; return 0; }
  # shellcheck disable=SC2086
  out=$(ot ${args//\{id\}/$id} --json 2>&1) || rc=$?
  if [ $rc -ne 0 ]; then fail "$what: \`git opentraces ${args//\{id\}/$id} --json\` exited $rc"; echo "$out" | head -20 | sed 's/^/       /'; return 0; fi
  if python3 -c 'import json,sys
d=json.loads(sys.argv[1]); sys.exit(0 if eval(sys.argv[2]) else 1)' "$out" "$expr" 2>"$T/view.err"; then ok "$what"
  else fail "$what (expected: $expr)"; { cat "$T/view.err"; echo "$out"; } | head -40 | sed 's/^/       /'; fi
}

finish() {
  echo
  echo "== summary: $_n_ok ok, $_n_fail failed, ${#_pending[@]} pending"
  local p
  for p in "${_pending[@]}"; do echo "   PENDING: $p"; done
  [ ${#_pending[@]} -eq 0 ] || echo "   (pending checks did not run: their features answer NOT_IMPLEMENTED today)"
  [ "$_n_fail" -eq 0 ] || exit 1
  exit 0
}

# wait_drained: waits (up to 20 s) until the spool is empty, e.g. after the detached drain that a
# session end starts.
wait_drained() {
  local i
  for i in $(seq 100); do
    [ -z "$(find "$OPENTRACES_HOME/spool" -maxdepth 1 -name '*.json' 2>/dev/null | head -1)" ] && return 0
    sleep 0.2
  done
  echo "  (the spool still holds $(spool_count) items after 20 s)"
}

# scenario_test NAME: the whole standard test for one scenario.
scenario_test() {
  local name=$1 repo=$T/repo
  new_repo "$repo"
  enable "$(agent_of "$name")" "$repo"
  run_scenario "$name" "$repo"
  check_agent_ran "$name" "$repo"
  check_hooks_fired "$name" "$repo"
  check_trace_parse "$name"
  check_bucket "$name" 0 "$repo"
  check_blame "$name" "$repo"
}
