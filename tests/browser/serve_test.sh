#!/usr/bin/env bash
# `git opentraces serve` in headless Chromium (WebDriver over HTTP, driven with curl):
# a bucket built from the real fixture sessions (scanned, a bursts dataset run over it)
# and a repo whose commit carries the cc-calc trace in its Trace Trails note. Every
# page loads with no console error and no request leaving 127.0.0.1; search answers
# what `trace query` answers; a trace page shows the trace's steps; the graph and blame
# link to the trace; approving rows (button and keyboard) is what `dataset review`
# then reports. A screenshot of each page goes to the artifact dir under the build tree.
# Without the token: 403 (curl). A non-loopback --bind is refused.
source "$(dirname "$0")/lib.sh"
export OT_WORKFLOW_TEMPLATES="${OT_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}/workflows/templates"
ART="$BW_ARTIFACTS"  # under the build tree when CTest runs it (lib.sh)
rm -rf "$ART" && mkdir -p "$ART"
jqo() { printf '%s' "$OUT" | jq "$@"; }

# --- the bucket: every fixture session, scanned, and a dataset of change bursts
for f in claude-code/cc-calc claude-code/cc-bugfix claude-code/cc-subagent claude-code/cc-waste; do
  run_ot capture ingest "$OT_FIXTURES/sessions/$f.jsonl" --agent claude-code --json; assert_rc 0 "capture $f"
done
for f in codex/codex-calc codex/codex-bugfix; do
  run_ot capture ingest "$OT_FIXTURES/sessions/$f.jsonl" --agent codex --json; assert_rc 0 "capture $f"
done
run_ot capture ingest "$OT_FIXTURES/sessions/pi/pi-calc.jsonl" --agent pi --json; assert_rc 0 "capture pi-calc"
run_ot bucket security policy recommended --json; assert_rc 0 "security policy"
run_ot bucket security run --all --json; assert_rc 0 "security run"
run_ot dataset new demo --workflow bursts-sft-v1 --json; assert_rc 0 "dataset new demo"
run_ot dataset run demo --json; assert_rc 0 "dataset run demo"
ROWS="$(jq_out .run.appended_count)"
[ "$ROWS" -ge 2 ] && pass "$ROWS dataset rows" || fail "expected at least 2 rows, got $ROWS"

# --- the repo: calc.py as the cc-calc session wrote it, attributed to that trace
repo="$(new_repo served)"
cd "$repo"
"$OT_BIN" trace parse "$OT_FIXTURES/sessions/claude-code/cc-calc.jsonl" --json | jq '.record' > "$T/cc.json"
TCALC="$(jq -r .trace_id "$T/cc.json")"
printf 'def add(a, b):\n    """Return the sum of a and b."""\n    return a + b\n\n\ndef mul(a, b):\n    result = a * b\n    return result\n' > calc.py
git add calc.py && git commit -q -m "agent: calc from the session"
run_ot trail attach --patches "$T/cc.json" --json; assert_rc 0 "trail attach"
run_ot trace get "$TCALC" --json; assert_rc 0 "the attributed trace is in the bucket"
STEPS="$(jq_out .trace.step_count)"

# --- refusing anything but loopback
run_ot serve --bind 0.0.0.0 --json
assert_rc 2 "serve --bind 0.0.0.0 is refused"
assert_eq BIND_REFUSED "$(jq_out .error.code)" "BIND_REFUSED"
run_ot serve --bind 192.168.1.10
assert_rc 2 "serve --bind 192.168.1.10 is refused"

# --- the server
"$OT_BIN" serve --json > "$T/serve.json" 2> "$T/serve.err" &
SERVE_PID=$!
for _ in $(seq 1 100); do jq -e .url "$T/serve.json" >/dev/null 2>&1 && break; sleep 0.1; done
URL="$(jq -r .url "$T/serve.json")"; PORT="$(jq -r .port "$T/serve.json")"
assert_eq "$SERVE_PID" "$(jq -r .pid "$T/serve.json")" "--json reports the server's pid"
assert_eq "status,schema_version" "$(jq -r 'keys_unsorted[0:2] | join(",")' "$T/serve.json")" "serve --json envelope"
TOKEN="${URL##*t=}"
BASE="http://127.0.0.1:$PORT"
[ "${#TOKEN}" -ge 32 ] && pass "token of ${#TOKEN} hex characters" || fail "token too short: $TOKEN"
if ss -ltn 2>/dev/null | grep -q "127.0.0.1:$PORT "; then pass "listening on 127.0.0.1 only"; else fail "not on 127.0.0.1:$PORT: $(ss -ltn | grep ":$PORT ")"; fi

code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
for path in / /graph /datasets /static/app.css "/api/query?q=calc" "/trace/$TCALC"; do
  assert_eq 403 "$(code "$BASE$path")" "GET $path without the token: 403"
done
assert_eq 403 "$(code "$BASE/?t=0000$TOKEN")" "a wrong token: 403"
assert_eq 200 "$(code "$BASE/?t=$TOKEN")" "the token in the query: 200"
assert_eq 200 "$(code -H "Cookie: ot_token_$PORT=$TOKEN" "$BASE/graph")" "the token in the cookie: 200"
assert_eq 403 "$(code -X POST -H "Cookie: ot_token_$PORT=$TOKEN" -d '{"action":"approve","all":true}' "$BASE/api/datasets/demo/review")" \
  "POST with only the cookie (what a cross-site form could send): 403"
assert_eq 403 "$(code -X POST -d '{"action":"approve","all":true}' "$BASE/api/datasets/demo/review?t=$TOKEN")" "POST with the token in the query only: 403"
assert_eq 400 "$(code -X POST -H "X-OT-Token: $TOKEN" -d '{"action":"nuke","all":true}' "$BASE/api/datasets/demo/review")" "POST with a bad action: 400"
assert_eq 400 "$(code "$BASE/blame?path=../../etc/passwd&t=$TOKEN")" "blame of a path outside the repository: 400"
assert_eq 404 "$(code "$BASE/trace/ffffffffffff?t=$TOKEN")" "an unknown trace: 404"
Q="$(curl -s "$BASE/api/query?q=calc&t=$TOKEN")"
run_ot trace query calc --json
assert_eq "$(jqo -c '[.candidates[].trace_id]')" "$(jq -c '[.candidates[].trace_id]' <<<"$Q")" "/api/query answers what trace query answers"

# --- headless Chromium through chromedriver (tests/browser/lib.sh)
trap 'kill "$SERVE_PID" 2>/dev/null || true; bw_stop; rm -rf "$T"' EXIT
bw_start && pass "chromium session" || finish
js() { bw_exec "$1" | jq -r .; }
go() { bw_get "$1"; }
click() { local e; e="$(bw_find "$1")" && [ -n "$e" ] || { fail "no element $1"; return 0; }; bw_click "$e"; }
type_in() { local e; e="$(bw_find "$1")" && [ -n "$e" ] || { fail "no element $1"; return 0; }; bw_clear "$e"; bw_type "$e" "$2"; }
wait_js() {  # wait_js EXPR: until the page's EXPR is true (5 s)
  for _ in $(seq 1 50); do [ "$(js "return !!($1)" 2>/dev/null)" = true ] && return 0; sleep 0.1; done
  return 1
}
shot() { bw_screenshot "$ART/$1.png" && pass "screenshot $1.png" || fail "no screenshot $1"; }
# Every page: loaded, no console errors or warnings, nothing fetched from anywhere but the server.
check_page() {
  wait_js 'document.readyState === "complete"' || fail "$1: page did not finish loading"
  local errs foreign
  errs="$(bw_console_log | jq -r '.[]? | select(.level == "SEVERE" or .level == "WARNING") | .message')"
  assert_eq "" "$errs" "$1: no console errors"
  local urls; urls="$(bw_requested_urls)"
  foreign="$(grep -v "^$BASE/" <<<"$urls" || true)"
  assert_eq "" "$foreign" "$1: no request leaves the server"
  [ -n "$urls" ] || fail "$1: the network log saw no request at all (the check above would be vacuous)"
  assert_eq "true" "$(js 'return !!document.querySelector("link[href=\"/static/app.css\"]") && getComputedStyle(document.body).margin === "0px"')" \
    "$1: the stylesheet applied"
}

# traces
go "$URL"
check_page traces
assert_eq 7 "$(js 'return document.querySelectorAll("table.traces tbody tr").length')" "traces page lists the 7 traces"
shot traces
# search: the same answer as `trace query`
type_in '#q' 'calc'
click 'form.search button'
wait_js 'location.search.includes("q=calc")' || fail "search did not submit"
check_page search
run_ot trace query calc --limit 50 --json
assert_eq "$(jqo -c '[.candidates[].trace_id]')" \
  "$(js 'return JSON.stringify([...document.querySelectorAll("table.traces .mono")].map(e => e.textContent))')" \
  "search results are trace query's candidates, in order"
shot search
# open a trace from the results
click "a.trace-link[href=\"/trace/$TCALC\"]"
wait_js "location.pathname === '/trace/$TCALC'" || fail "the trace page did not open"
check_page trace
assert_eq "$STEPS" "$(js 'return document.querySelectorAll("table.steps tbody tr").length')" "trace page: one row per step ($STEPS)"
assert_contains "$(js 'return document.getElementById("tokens").textContent')" "input tokens" "trace page: token totals"
assert_contains "$(js 'return document.getElementById("context").parentElement.textContent')" "Step" "trace page: context layers"
shot trace
# graph: the commit carries the trace, its dot links to the trace page
go "$BASE/graph"
check_page graph
assert_eq 1 "$(js "return document.querySelectorAll('svg#graph a[href=\"/trace/$TCALC\"] circle').length")" "graph: the commit's trace as an SVG node linking to it"
assert_eq 2 "$(js 'return document.querySelectorAll("svg#graph circle.commit").length')" "graph: both commits"
shot graph
# blame: the trace gutter
go "$BASE/blame?path=calc.py"
check_page blame
assert_eq "/trace/$TCALC" "$(js 'return document.querySelector("a.gutter-trace").getAttribute("href")')" "blame: the gutter links to the trace"
assert_eq 8 "$(js 'return document.querySelectorAll("table.blame tr.agent").length')" "blame: the 8 agent lines"
shot blame
click "a.gutter-trace"
wait_js "location.pathname === '/trace/$TCALC'" && pass "blame gutter opens the trace" || fail "blame gutter link"
# dataset review: approve with the button, then j + a on the keyboard
go "$BASE/datasets"
check_page datasets
click 'a.dataset-link'
wait_js 'location.pathname === "/datasets/demo"' || fail "the dataset review page did not open"
check_page review
ROW1="$(js 'return document.getElementById("review").dataset.row')"
assert_eq needs_review "$(js 'return document.getElementById("row-status").textContent')" "review: the first row needs review"
shot review
click '#approve'
wait_js 'document.getElementById("row-status") && document.getElementById("row-status").textContent === "publishable"' || fail "approve did not show"
check_page approved
run_ot dataset review demo --json
assert_eq publishable "$(jq_out ".rows[\"$ROW1\"].status")" "dataset review: $ROW1 approved through the page"
bw_keys j
wait_js "document.getElementById('review').dataset.row !== '$ROW1'" || fail "j did not move to the next row"
ROW2="$(js 'return document.getElementById("review").dataset.row')"
bw_keys a
wait_js 'document.getElementById("row-status").textContent === "publishable"' || fail "the a key did not approve"
run_ot dataset status demo --json
run_ot dataset review demo --json
assert_eq publishable "$(jq_out ".rows[\"$ROW2\"].status")" "dataset review: $ROW2 approved with the a key"
bw_keys u
wait_js 'document.getElementById("row-status").textContent === "needs_review"' || fail "the u key did not reset"
bw_keys k
wait_js "document.getElementById('review').dataset.row === '$ROW1'" && pass "k goes back to the previous row" || fail "k"
shot review-after
check_page review-after

# A change made outside the server (the CLI) shows on the next page load.
run_ot dataset review reject demo "$ROW1" --json; assert_rc 0 "reject $ROW1 from the CLI"
assert_contains "$(curl -s "$BASE/datasets/demo?row=$ROW1&t=$TOKEN")" 'id="row-status">rejected<' "the page shows the CLI's rejection"

# --- SIGTERM: a clean stop
kill -TERM "$SERVE_PID"
set +e; wait "$SERVE_PID"; RC=$?; set -e
assert_eq 0 "$RC" "SIGTERM stops serve with exit 0"
assert_eq 000 "$(code "$BASE/?t=$TOKEN")" "nothing listens after the stop"
finish
