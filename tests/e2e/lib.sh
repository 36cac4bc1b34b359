# Shared helpers for end-to-end tests: source it from tests/e2e/*_test.sh.
# Each test gets a throw-away HOME, OPENTRACES_HOME and git config, and drives
# the real binary ($OT_BIN, set by CTest) in real git repositories.
set -euo pipefail

: "${OT_BIN:?OT_BIN must point at the git-opentraces binary (CTest sets it)}"
OT_FIXTURES="${OT_FIXTURES:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../fixtures" && pwd)}"

T="$(mktemp -d "${TMPDIR:-/tmp}/ot-e2e.XXXXXX")"
trap 'rm -rf "$T"' EXIT
export HOME="$T/home" OPENTRACES_HOME="$T/home/.opentraces"
mkdir -p "$HOME"
# Isolate git from the machine's config; fixed identity and dates for reproducibility.
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL="$T/home/.gitconfig"
git config --global user.name "E2E Human"
git config --global user.email "human@example.com"
git config --global init.defaultBranch main
export NO_COLOR=1

# `git opentraces` must work as a git subcommand: put the binary's directory first on PATH.
mkdir -p "$T/bin"
ln -sf "$OT_BIN" "$T/bin/git-opentraces"
export PATH="$T/bin:$PATH"

FAILURES=0
fail() { echo "FAIL: $*" >&2; FAILURES=$((FAILURES + 1)); }
pass() { echo "ok: $*"; }
# Call at the end of every test.
finish() {
  if [ "$FAILURES" -ne 0 ]; then echo "$FAILURES check(s) failed" >&2; exit 1; fi
  echo "all checks passed"
}

# new_repo NAME: a repo with one commit by the "human"; prints its path.
new_repo() {
  local dir="$T/$1"
  git init -q "$dir"
  (cd "$dir" && echo "# $1" > README.md && git add README.md && git commit -q -m "initial")
  echo "$dir"
}

# run_ot ARGS...: runs the binary, capturing stdout in $OUT, stderr in $ERR, exit code in $RC.
run_ot() {
  set +e
  OUT="$("$OT_BIN" "$@" 2>"$T/stderr" </dev/null)"
  RC=$?
  set -e
  ERR="$(cat "$T/stderr")"
}

assert_rc() {  # assert_rc EXPECTED WHAT
  if [ "$RC" -eq "$1" ]; then pass "$2 (exit $RC)"; else fail "$2: expected exit $1, got $RC; stdout: $OUT; stderr: $ERR"; fi
}
assert_eq() {  # assert_eq EXPECTED ACTUAL WHAT
  if [ "$1" == "$2" ]; then pass "$3"; else fail "$3: expected [$1], got [$2]"; fi
}
assert_contains() {  # assert_contains HAYSTACK NEEDLE WHAT
  if [[ "$1" == *"$2"* ]]; then pass "$3"; else fail "$3: [$2] not found in [$1]"; fi
}
# jq_out FILTER: applies jq to $OUT (fails the test if $OUT is not JSON).
jq_out() {
  if ! printf '%s' "$OUT" | jq -e . >/dev/null 2>&1; then fail "stdout is not JSON: $OUT"; echo ""; return 0; fi
  printf '%s' "$OUT" | jq -r "$1"
}
# assert_envelope WHAT: $OUT is one JSON document whose first keys are status, schema_version.
assert_envelope() {
  local keys
  keys="$(printf '%s' "$OUT" | jq -r 'keys_unsorted[0:2] | join(",")' 2>/dev/null || true)"
  assert_eq "status,schema_version" "$keys" "$1: envelope starts with status, schema_version"
}

# check_schema SCHEMA_ID WHAT: $OUT conforms to docs/schemas/SCHEMA_ID.schema.json
# (validated by tests/tools/ot_schema_check, which CTest passes as OT_SCHEMA_CHECK).
check_schema() {
  local src="${OT_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
  if [ -z "${OT_SCHEMA_CHECK:-}" ]; then fail "OT_SCHEMA_CHECK not set"; return 0; fi
  if printf '%s' "$OUT" | "$OT_SCHEMA_CHECK" "$src/docs/schemas/$1.schema.json" - 2>"$T/schema.err" >/dev/null; then
    pass "$2 conforms to $1"
  else
    fail "$2 does not conform to $1: $(cat "$T/schema.err")"
  fi
}
