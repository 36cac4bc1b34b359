#!/usr/bin/env bash
# The benchmark corpus generator: deterministic by seed, valid JSONL, distinct sessions
# laid out as each agent writes them.
source "$(dirname "$0")/lib.sh"
GEN="$(dirname "$OT_BIN")/tests/bench/ot_corpus_gen"
[ -x "$GEN" ] || { fail "corpus generator not built at $GEN"; finish; }

"$GEN" --fixtures "$OT_FIXTURES" --out "$T/a" --traces 60 --seed 5 > "$T/a.json"
"$GEN" --fixtures "$OT_FIXTURES" --out "$T/b" --traces 60 --seed 5 > "$T/b.json"
"$GEN" --fixtures "$OT_FIXTURES" --out "$T/c" --traces 60 --seed 6 > "$T/c.json"

assert_eq "60" "$(jq -r .files "$T/a.json")" "60 sessions written"
assert_eq "60" "$(find "$T/a" -name '*.jsonl' | wc -l | tr -d ' ')" "60 files on disk (no name collisions)"
if diff -r "$T/a" "$T/b" >/dev/null; then pass "same seed → identical corpus"; else fail "same seed gave different bytes"; fi
if diff -r "$T/a" "$T/c" >/dev/null; then fail "different seeds gave the same corpus"; else pass "seed changes the corpus"; fi

if find "$T/a" -name '*.jsonl' -exec cat {} + | jq -c . >/dev/null; then pass "every generated line is JSON"; else fail "invalid JSONL generated"; fi

# Claude Code layout: one sessionId per file, and it is the file name.
f="$(find "$T/a/claude-code/projects" -name '*.jsonl' | head -1)"
ids="$(jq -r '.sessionId // empty' "$f" | sort -u)"
assert_eq "$(basename "$f" .jsonl)" "$ids" "Claude Code file named after its only session id"
# Every session is distinct.
dupes="$(find "$T/a/claude-code" -name '*.jsonl' -printf '%f\n' | sort | uniq -d | wc -l | tr -d ' ')"
assert_eq "0" "$dupes" "distinct Claude Code session ids"
[ -d "$T/a/codex/sessions" ] && pass "Codex layout" || fail "no Codex sessions"
[ -d "$T/a/pi/agent/sessions" ] && pass "Pi layout" || fail "no Pi sessions"

# Timestamps moved into the 90 days before the generator's fixed "now" (2026-11-18).
first_ts="$(jq -r 'select(.timestamp) | .timestamp' "$f" | head -1)"
[[ "$first_ts" > "2026-08-19" && "$first_ts" < "2026-11-19" ]] && pass "timestamps spread over 90 days ($first_ts)" || fail "timestamp $first_ts out of range"
finish
