#!/usr/bin/env bash
# ctx warmup on the fixture sessions: within the token budget (by its own estimate and by
# counting the bytes here), no seeded secret (an AWS key id and secret injected into a
# copy of a real session's prompt and final answer), pages that continue with --more
# until every trace was shown exactly once, scope by repo, bad budgets refused.
source "$(dirname "$0")/lib.sh"

KEY_ID=AKIA5XRILAV5FVCYK43K
SECRET=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
mkdir -p "$T/sessions"
sed -e "s|Create calc.py with add and mul, make mul use a temporary variable, then commit.|Create calc.py with add and mul (deploy with AWS_ACCESS_KEY_ID=$KEY_ID; notes in /home/alicew/notes.md and /Users/bobm/Desktop/todo.txt), then commit.|g" \
    -e "s|Added the docstring and committed.|Added the docstring and committed. aws_secret_access_key = $SECRET|g" \
    "$OT_FIXTURES/sessions/claude-code/cc-calc.jsonl" > "$T/sessions/cc-calc-seeded.jsonl"
grep -q "$KEY_ID" "$T/sessions/cc-calc-seeded.jsonl" && grep -q "$SECRET" "$T/sessions/cc-calc-seeded.jsonl" &&
  grep -q /home/alicew/ "$T/sessions/cc-calc-seeded.jsonl" && grep -q /Users/bobm/ "$T/sessions/cc-calc-seeded.jsonl" ||
  { fail "the secrets were not injected into the fixture copy"; finish; }
run_ot capture ingest "$T/sessions/cc-calc-seeded.jsonl" --agent claude-code --json
assert_rc 0 "ingest the seeded copy"
for f in claude-code/cc-bugfix claude-code/cc-waste claude-code/cc-subagent; do
  run_ot capture ingest "$OT_FIXTURES/sessions/$f.jsonl" --agent claude-code --json
done
for f in codex/codex-calc codex/codex-bugfix; do run_ot capture ingest "$OT_FIXTURES/sessions/$f.jsonl" --agent codex --json; done
run_ot capture ingest "$OT_FIXTURES/sessions/pi/pi-calc.jsonl" --agent pi --json
TOTAL="$("$OT_BIN" bucket list --count 2>/dev/null | tr -dc 0-9)"
assert_eq "7" "$TOTAL" "seven traces in the bucket"

repo="$(new_repo warm)"
cd "$repo"

# --- one page within the budget, no secret
run_ot ctx warmup --all-projects --budget-tokens 2000 --json
assert_rc 0 "ctx warmup --json"
assert_envelope "warmup"
check_schema opentraces.ctx.warmup.v1 "warmup"
est="$(jq_out .estimated_tokens)"
bytes="$(jq_out .text | head -c -1 | wc -c)"
[ "$est" -le 2000 ] && pass "estimate $est <= 2000" || fail "estimate $est over the budget"
[ $(((bytes + 3) / 4)) -le 2000 ] && pass "text is $bytes bytes: within 2000 tokens at 4 bytes/token" || fail "text $bytes bytes over budget"
for s in "$KEY_ID" "$SECRET" "/home/dev" "alicew" "bobm"; do
  if printf '%s' "$OUT" | grep -qF "$s"; then fail "warmup output holds [$s]"; else pass "no [$s] in the output"; fi
done
assert_contains "$(jq_out .text)" "[REDACTED:" "the seeded secrets became placeholders"
[ "$(jq_out .redactions)" -ge 2 ] && pass "redactions counted" || fail "redactions: $(jq_out .redactions)"
assert_contains "$(jq_out .tools_applied)" "regex" "regex runs although the machine policy is off"
assert_contains "$(jq_out .tools_applied)" "path_anonymizer" "the path anonymizer runs although the machine policy is off"
assert_contains "$(jq_out .text)" "/home/[USER:" "a seeded /home/<user> path: the user name became a token"
assert_contains "$(jq_out .text)" "/Users/[USER:" "a seeded /Users/<user> path: the user name became a token"
assert_contains "$(jq_out .text)" "/Desktop/todo.txt" "the rest of the path stays readable"

calc="$(jq_out '.traces[] | select(.trace_id == "70046dd8-3748-42a5-91a4-9d14297adea1")')"
assert_eq '["e0964ae Add calc module","87b94ab Document add"]' "$(printf '%s' "$calc" | jq -c .commits)" \
  "commits the session made (from its git commit output)"
assert_eq '["calc.py (create+edit)"]' "$(printf '%s' "$calc" | jq -c .files)" "files the session touched"
assert_eq '[]' "$(printf '%s' "$calc" | jq -c .open_threads)" "a committed session leaves no open thread"
bug="$(jq_out '.traces[] | select(.title | startswith("Add a stats module"))')"
assert_contains "$(printf '%s' "$bug" | jq -r '.did')" "Add a stats module" "asked: the first prompt"

# The human text is the JSON's text.
run_ot ctx warmup --all-projects --budget-tokens 2000
human="$OUT"
assert_contains "$human" "# Recent agent work" "human output is the summary"
if printf '%s' "$human" | grep -qF "$KEY_ID"; then fail "human output leaks"; else pass "human output has no seeded secret"; fi

# --- progressive paging: small budget, --more until the end; every trace exactly once
: > "$T/seen"
run_ot ctx warmup --all-projects --budget-tokens 400 --json
pages=1
while :; do
  [ "$(jq_out .estimated_tokens)" -le 400 ] || fail "page $pages over budget: $(jq_out .estimated_tokens)"
  if printf '%s' "$OUT" | grep -qF "$KEY_ID"; then fail "page $pages leaks the key"; fi
  jq_out '.traces[].trace_id' >> "$T/seen"
  [ "$(jq_out .page.has_more)" = "true" ] || break
  [ "$(jq_out .page.shown)" -ge 1 ] || { fail "a page with more to come showed nothing"; break; }
  pages=$((pages + 1))
  [ "$pages" -le 10 ] || { fail "paging does not end"; break; }
  run_ot ctx warmup --all-projects --budget-tokens 400 --more --json
done
[ "$pages" -ge 2 ] && pass "$pages pages at 400 tokens" || fail "expected several pages, got $pages"
assert_eq "$TOTAL" "$(sort -u "$T/seen" | wc -l | tr -d ' ')" "every trace shown once across the pages"
assert_eq "$TOTAL" "$(wc -l < "$T/seen" | tr -d ' ')" "no trace shown twice"
run_ot ctx warmup --all-projects --budget-tokens 400 --more --json
assert_eq "0 false" "$(jq_out '"\(.page.shown) \(.page.has_more)"')" "--more after the last page: nothing left"
# Newest first: the first page starts with the most recent session.
newest="$("$OT_BIN" bucket list --limit 1000 --json | jq -r '[.rows[] | {t: (.timestamp_end // .timestamp_start // .written_at), id: .trace_id}] | sort_by(.t) | last.id')"
assert_eq "$newest" "$(head -1 "$T/seen")" "the first page starts with the newest trace"
# An explicit page token continues after that trace.
second="$(sed -n 2p "$T/seen")"
run_ot ctx warmup --all-projects --budget-tokens 400 --page-token "$newest" --json
assert_eq "$second" "$(jq_out '.traces[0].trace_id')" "--page-token continues after the given trace"

# --- scope: a repo none of whose traces ran in it shows nothing by default
run_ot ctx warmup --json
assert_eq "0" "$(jq_out .page.total)" "default scope: traces whose cwd is in this repo (none here)"
assert_eq "$repo" "$(jq_out .scope.cwd_prefix)" "scope names the repo"

# --- bad input
run_ot ctx warmup --budget-tokens 10
assert_rc 2 "a budget under 200 is refused"
assert_contains "$ERR" "200" "the error gives the range"
run_ot ctx warmup --more --page-token x
assert_rc 2 "--more with --page-token"
finish
