#!/usr/bin/env bash
# trace export: the egress gate (exit 9, nothing written), native and STS files of all three
# agents, no seeded secret in any exported file, STS lines against the schema written from
# the Hub's field list, and the round trip: capturing an exported native file in another
# bucket gives the stored record back (steps, calls, results, tokens) minus redacted values.
source "$(dirname "$0")/lib.sh"

SEEDED="$OT_FIXTURES/security/seeded-secrets.jsonl"
S="$OT_FIXTURES/sessions"
declare -A TID SRC
for f in claude-code/cc-bugfix claude-code/cc-subagent codex/codex-calc pi/pi-calc; do
  run_ot capture ingest "$S/$f.jsonl" --json
  assert_rc 0 "ingest $f"
  TID[$(basename "$f")]=$(printf '%s' "$OUT" | jq -r .trace_id)
  SRC[$(basename "$f")]="$S/$f.jsonl"
done
run_ot capture ingest "$OT_FIXTURES/security/cc-seeded.jsonl" --agent claude-code --json
assert_rc 0 "ingest the seeded session"
SEED_TID=$(printf '%s' "$OUT" | jq -r .trace_id)

# --- the gate
run_ot trace export "${TID[cc-bugfix]}" --out "$T/x0" --json
assert_rc 9 "policy off: export withheld"
assert_eq "withheld" "$(printf '%s' "$OUT" | jq -r .status)" "status withheld"
assert_eq "policy_off" "$(printf '%s' "$OUT" | jq -r '.withheld[0].reason')" "reason policy_off"
if [ -e "$T/x0" ]; then fail "a withheld export wrote files"; else pass "nothing written when withheld"; fi

run_ot bucket security policy recommended --json
assert_rc 0 "policy recommended"
# The seeded corpus holds one business term: name it, as a user of the business_logic tool would.
jq '.security.business_logic = {"strings": ["Project Nightingale"], "patterns": []}' "$OPENTRACES_HOME/config.json" > "$T/c.json"
mv "$T/c.json" "$OPENTRACES_HOME/config.json"
run_ot trace export "$SEED_TID" --out "$T/x1"
assert_rc 9 "unscanned: export withheld (human)"
assert_contains "$ERR" "unscanned" "the refusal names the reason"
assert_contains "$ERR" "--allow-findings" "the refusal names the override"
[ -e "$T/x1" ] && fail "withheld export wrote files" || pass "nothing written (unscanned)"

run_ot trace export --out "$T/x1"
assert_rc 2 "nothing selected"
run_ot trace export "${TID[cc-bugfix]}" --format yaml --out "$T/x1"
assert_rc 2 "unknown format"
run_ot trace export no-such-trace --out "$T/x1"
assert_rc 6 "unknown trace"

# --allow-findings exports an unscanned trace, redacting at export time and saying so.
run_ot trace export "$SEED_TID" --allow-findings --out "$T/allow" --json
assert_rc 0 "--allow-findings exports the unscanned trace"
assert_eq "false" "$(printf '%s' "$OUT" | jq -r '.exported[0].cleared')" "it is reported as not cleared"
assert_eq "unscanned" "$(printf '%s' "$OUT" | jq -r '.exported[0].clearance.reason')" "with the reason"
n=$(printf '%s' "$OUT" | jq -r '.exported[0].redactions')
if [ "$n" -ge 10 ]; then pass "export-time redaction of the unscanned trace: $n"; else fail "only $n redactions at export"; fi

run_ot bucket security run --all --json
assert_rc 0 "security run --all"

# --- native and STS of everything stored since an hour ago
run_ot trace export --since 1h --out "$T/native" --json
assert_rc 0 "native export --since 1h"
assert_eq "5" "$(printf '%s' "$OUT" | jq -r .exported_count)" "five traces exported"
assert_eq "ok" "$(printf '%s' "$OUT" | jq -r .status)" "status ok"
"$OT_SCHEMA_CHECK" "$OT_SOURCE_DIR/docs/schemas/opentraces.trace.export.v1.json" - <<<"$OUT" && pass "export envelope matches its schema" || fail "export envelope schema"
ls "$T/native"/claude-code/*.jsonl "$T/native"/codex/rollout-*.jsonl "$T/native"/pi/*.jsonl >/dev/null && pass "files by agent" || fail "files by agent"
sub=$(find "$T/native/claude-code/${TID[cc-subagent]}/subagents" -name 'agent-*.jsonl' | wc -l)
assert_eq "1" "$sub" "the sub-agent transcript sits beside its session"

run_ot trace export --since 1h --format sts --out "$T/sts" --json
assert_rc 0 "STS export"
for f in "$T"/sts/sts/*.jsonl; do
  if "$OT_SCHEMA_CHECK" "$OT_SOURCE_DIR/docs/schemas/hub.sts.line.v1.json" "$f" 2>"$T/sc.err"; then :; else fail "STS $(basename "$f"): $(cat "$T/sc.err")"; fi
  [ "$(head -1 "$f" | jq -r .type)" = session ] || fail "STS $(basename "$f") does not start with the session line"
done
pass "STS files conform ($(ls "$T"/sts/sts/*.jsonl | wc -l) files)"
for a in claude-code codex pi; do
  grep -l "\"harness\":\"$a\"" "$T"/sts/sts/*.jsonl >/dev/null && pass "STS harness $a" || fail "no STS file for $a"
done

# --- no seeded secret anywhere in what was exported (every format, and the --allow-findings one)
leaks=0 total=0
while IFS= read -r line; do
  total=$((total + 1))
  value=$(printf '%s' "$line" | jq -r .value)
  if grep -rqF -- "$value" "$T/native" "$T/sts" "$T/allow"; then
    fail "seeded $(printf '%s' "$line" | jq -r .type) survives in an export"; leaks=$((leaks + 1))
  fi
done < "$SEEDED"
kinds=$(jq -r .type "$SEEDED" | sort -u | wc -l)
assert_eq "0" "$leaks" "no seeded secret in any exported file ($total items of $kinds kinds)"
grep -rqF "[REDACTED:" "$T/native/claude-code/$SEED_TID.jsonl" && pass "typed placeholders in the native file" || fail "no placeholder"
if grep -rqF "$HOME" "$T/native" "$T/sts"; then fail "the home directory reached an export"; else pass "home directory scrubbed"; fi
if grep -rqE '/home/dev/' "$T/native" "$T/sts"; then fail "a raw /home/<user> path survives"; else pass "home paths anonymized"; fi

# --- round trip: capture the exported native files into a fresh bucket (`capture session`)
OPENTRACES_HOME="$T/second" run_ot capture session "$T/native" --json
assert_rc 2 "capture session refuses a directory"
assert_eq "NOT_A_SESSION_FILE" "$(printf '%s' "$OUT" | jq -r .error.code)" "with a clear code"
for a in cc-bugfix cc-subagent codex-calc pi-calc; do
  f=$(grep -rl "${TID[$a]}" "$T/native" | grep -v /subagents/ | head -1)
  OPENTRACES_HOME="$T/second" "$OT_BIN" capture session "$f" --json >"$T/cap.json" </dev/null || fail "capture session of exported $a"
  assert_eq "${TID[$a]}" "$(jq -r .trace_id "$T/cap.json")" "exported $a captures as the same trace id"
  # The record the second bucket stored (its portable export), not a fresh parse of the file.
  rm -rf "$T/second-export"
  OPENTRACES_HOME="$T/second" "$OT_BIN" bucket export "$T/second-export" >/dev/null </dev/null || fail "bucket export of the second bucket"
  hash=$(find "$T/second-export/traces" -path "*/${TID[$a]}/trace.json" -exec jq -r '.record.record_hash | sub("^sha256:"; "")' {} \; | head -1)
  obj="$T/second-export/objects/${hash:0:2}/$hash.json"
  [ -f "$obj" ] && jq '{record: (if has("record") then .record else . end)}' "$obj" >"$T/back.json" || fail "no stored record for $a in the second bucket"
  "$OT_BIN" trace parse "${SRC[$a]}" --json >"$T/orig.json" </dev/null
  if python3 - "$T/orig.json" "$T/back.json" <<'PY'
import json, re, sys
a = json.load(open(sys.argv[1]))["record"]; b = json.load(open(sys.argv[2]))["record"]
red = re.compile(r"\[REDACTED:|\[USER:|~/")
bad = []
def walk(x, y, path):
    if isinstance(x, dict) and isinstance(y, dict):
        if set(x) != set(y): bad.append(f"{path}: keys {sorted(set(x) ^ set(y))}")
        for k in x:
            if k in y: walk(x[k], y[k], f"{path}/{k}")
    elif isinstance(x, list) and isinstance(y, list):
        if len(x) != len(y): bad.append(f"{path}: {len(x)} vs {len(y)} items"); return
        for i, (p, q) in enumerate(zip(x, y)): walk(p, q, f"{path}/{i}")
    elif x != y and not (isinstance(y, str) and red.search(y)):
        bad.append(f"{path}: {str(x)[:60]!r} vs {str(y)[:60]!r}")
walk(a["steps"], b["steps"], "steps")
for k in ("total_steps", "total_input_tokens", "total_output_tokens", "total_cache_read_tokens"):
    if a["metrics"][k] != b["metrics"][k]: bad.append(f"metrics.{k}")
if bad: print("\n".join(bad[:20])); sys.exit(1)
PY
  then pass "round trip $a: same steps, calls, results, tokens (minus redacted values)"; else fail "round trip $a differs"; fi
done
finish
