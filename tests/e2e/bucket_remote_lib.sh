# Shared by the bucket remote tests (git and Hub): real sessions written by the agents
# (tests/fixtures/sessions, trace id = session id) captured into two homes, a and b.
# Source after lib.sh.
as_a() { OPENTRACES_HOME="$T/a" run_ot "$@"; }
as_b() { OPENTRACES_HOME="$T/b" run_ot "$@"; }
S="$OT_FIXTURES/sessions"
CC_CALC=70046dd8-3748-42a5-91a4-9d14297adea1 CC_BUGFIX=521e4b12-54d4-44ca-b3b1-c96de92eb61e
CC_WASTE=09f1562d-0d6f-437c-8a98-efe7538d1791
# capture_clear WHO SESSION_FILE: ingest and scan, so the trace is cleared for egress.
capture_clear() {
  "as_$1" capture ingest "$2" --json
  assert_rc 0 "$1 captures $(basename "$2")"
  "as_$1" bucket security run --all --json
  assert_rc 0 "$1 scans $(basename "$2")"
}
# A session seeded with a fake token (another trace: cc-waste's session id).
seed_secret() {
  sed "s/Rename helper to double everywhere and commit\./Rename helper to double everywhere and commit. Deploy with $1 please./" \
    "$S/claude-code/cc-waste.jsonl" > "$T/seeded.jsonl"
  echo "$T/seeded.jsonl"
}
