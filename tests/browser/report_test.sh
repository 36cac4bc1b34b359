#!/usr/bin/env bash
# `report --html`: the numbers agree with what other commands say about the same fixture
# repo and bucket (stats, trace query, trace parse metrics, trace skills, trace get
# --waste), and the HTML file opens in headless Chromium with no console error and no
# request other than the file itself. Leaves report.png in the browser artefacts.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/report_fixture.sh"
cd "$REPO"

# The fixture sessions ran on 2026-11-24 and traces are placed by session start: a window
# from the start of that month keeps them in it whatever today's date.
run_ot report --since 2026-11-01 --html "$T/report.html" --json
assert_rc 0 "report --html --json"
assert_envelope "report"
assert_eq "opentraces.report.v1" "$(jq_out .schema_version)" "schema id"
check_schema opentraces.report.v1 "report"
printf "%s" "$OUT" > "$T/report.json"
rj() { jq -r "$@" "$T/report.json"; }
assert_eq "$T/report.html" "$(rj .html)" "the JSON names the HTML file"

# --- agent share: the same range through `stats`
range="$(rj .share.range)"
run_ot stats "$range" --json
assert_eq "$(printf '%s' "$OUT" | jq -c .added)" "$(rj -c .share.added)" "added lines by author = stats $range"
assert_eq "$(jq_out .agent_lines.accepted)" "$(rj .share.agent_lines.accepted)" "accepted agent lines = stats"
assert_eq "9" "$(rj .share.added.agent)" "9 agent lines (8 Claude Code + the Codex file's new ones)"

# --- traces per agent: trace query's facet filter; tokens: each fixture parsed on its own
for agent in claude-code codex pi; do
  run_ot trace query --agent "$agent" --json
  assert_eq "$(jq_out .total)" "$(rj "[.tokens.by_agent_model[] | select(.agent == \"$agent\") | .traces] | add")" \
    "$agent: traces = trace query --agent $agent"
done
: > "$T/metrics.jsonl"
for f in claude-code/cc-calc claude-code/cc-bugfix claude-code/cc-waste codex/codex-calc codex/codex-bugfix pi/pi-calc; do
  "$OT_BIN" trace parse "$OT_FIXTURES/sessions/$f.jsonl" --json | jq -c '.record | {agent: .agent.name, m: .metrics}' >> "$T/metrics.jsonl"
done
for agent in claude-code codex pi; do
  want="$(jq -s --arg a "$agent" '[.[] | select(.agent == $a) | .m | .total_input_tokens + .total_output_tokens + .total_cache_read_tokens + .total_cache_creation_tokens] | add' "$T/metrics.jsonl")"
  got="$(rj "[.tokens.by_agent_model[] | select(.agent == \"$agent\") | .total_tokens] | add")"
  assert_eq "$want" "$got" "$agent: tokens = sum of the parsed sessions' metrics"
  want="$(jq -s --arg a "$agent" '[.[] | select(.agent == $a) | .m.estimated_cost_usd] | add * 1000000 | round' "$T/metrics.jsonl")"
  got="$(rj "[.tokens.by_agent_model[] | select(.agent == \"$agent\") | .estimated_cost_usd] | add * 1000000 | round")"
  assert_eq "$want" "$got" "$agent: cost estimate = sum of the sessions' estimates (micro-dollars)"
done
assert_eq "6" "$(rj .tokens.total.traces)" "six traces in the window"
assert_eq '{"session_start":6,"written_at":0}' "$(rj -c .window.traces_counted_by)" "every trace placed by its session start"
run_ot report --since 1h --json
assert_eq "0" "$(jq_out .tokens.total.traces)" "--since 1h: none (the sessions started days ago, though written just now)"

# --- skills and waste
run_ot trace skills --json
assert_eq "$(jq_out '[.skills[] | {skill, invocations}] | tojson')" "$(rj '[.skills.top[] | {skill, invocations}] | tojson')" "top skills = trace skills"
waste=0
for id in $("$OT_BIN" bucket list --json | jq -r '.rows[].trace_id'); do
  n="$("$OT_BIN" trace get "$id" --waste --json | jq '.findings | length')"
  waste=$((waste + n))
done
assert_eq "$waste" "$(rj .waste.findings)" "waste findings = sum of trace get --waste"
assert_eq "4" "$(rj .survival.total.patches)" "survival: the anchored patches"

# --- the file itself: self-contained
html="$(cat "$T/report.html")"
if grep -Eiq '(src|href)="(https?:)?//|<script|@import|url\(' "$T/report.html"; then
  fail "the HTML references something outside the file: $(grep -Eio '(src|href)="[^"]*"|<script[^>]*>|url\([^)]*\)' "$T/report.html" | head -3)"
else
  pass "no script, no external src/href/url() in the HTML"
fi
assert_contains "$html" "default-src 'none'" "a Content-Security-Policy forbids every fetch"

# --- in the browser
bw_start || { finish; exit 1; }
bw_get "file://$T/report.html"
bw_wait_for '#share' >/dev/null || fail "no share section"
assert_eq "" "$(bw_console_errors)" "no console errors"
# data: URLs are inline bytes, not requests that leave the file.
assert_eq "file://$T/report.html" "$(bw_requested_urls | grep -v '^data:' | sort -u)" "the only request is the file itself"
kpi="$(bw_text "$(bw_find '#share .kpi b')")"
assert_eq "$(rj '.share.agent_share * 1000 | round / 10 | tostring')%" "$kpi" "the share shown is the JSON's"
for s in tokens survival skills waste; do
  if bw_find "#$s h2" >/dev/null; then pass "section $s rendered"; else fail "section $s missing"; fi
done
rows="$(bw_exec 'return document.querySelectorAll("#tokens tbody tr").length')"
assert_eq "$(rj '.tokens.by_agent_model | length')" "$rows" "one token row per agent/model"
if bw_screenshot "$BW_ARTIFACTS/report.png"; then pass "screenshot report.png"; else fail "screenshot"; fi

# --- bad input
run_ot report --html "$T/no/such/dir/r.html"
assert_rc 2 "--html into a missing directory"
assert_contains "$ERR" "no directory" "says which directory is missing"
run_ot report --since yesterday-ish
assert_rc 2 "unparsable --since"
finish
