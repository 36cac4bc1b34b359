# Browser-test helpers: source it from tests/browser/*_test.sh (after nothing else).
#
# It sources tests/e2e/lib.sh (throw-away HOME/OPENTRACES_HOME, $T, run_ot, assert_*,
# fail/pass/finish), then drives a headless Debian Chromium through chromedriver's
# WebDriver HTTP API with curl + jq. No Selenium, no Node.
#
#   bw_start                    chromedriver on a free loopback port + one Chromium session
#   bw_get URL                  navigate (waits for the load event)
#   bw_url / bw_title           current URL / document title
#   bw_find CSS                 element id of the first match (exit 1, no output, if none)
#   bw_find_all CSS             element ids, one per line
#   bw_wait_for CSS [SECONDS]   bw_find, retried until it matches (default 10 s)
#   bw_click ELEM / bw_type ELEM TEXT / bw_clear ELEM
#   bw_text ELEM / bw_attr ELEM NAME
#   bw_keys TEXT                keystrokes to the focused element (keyboard shortcuts)
#   bw_exec JS [ARGS_JSON]      run a function body synchronously; prints its return as JSON
#   bw_console_errors           SEVERE browser-log lines since the last read, one per line
#   bw_console_log              every browser-log entry since the last read (JSON array)
#   bw_requested_urls           URLs the page requested since the last read (chrome:// and
#                               devtools:// internals dropped), one per line
#   bw_drain_logs               read and discard both logs (call before the page under test)
#   bw_screenshot FILE          PNG of the viewport
#   bw_stop                     end the session, kill chromedriver and its browser
# Cleanup runs on EXIT/INT/TERM (bw_stop, then e2e/lib.sh's rm -rf "$T"); a test that sets
# its own EXIT trap must call bw_stop in it. If the test dies without running its trap, a
# watchdog ends chromedriver and the browser within about a second.
# Screenshots go to $BW_ARTIFACTS (default $OT_BROWSER_ARTIFACTS or build dir
# browser-artifacts/<test name>), which survives the test so a run leaves them behind.

# shellcheck source=../e2e/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../e2e/lib.sh"

BW_DRIVER_PID=""
BW_BROWSER_PID=""
BW_PORT=""
BW_SESSION=""
BW_TIMEOUT="${BW_TIMEOUT:-30}"      # seconds for one WebDriver call
BW_TEST_NAME="$(basename "${0%.sh}")"
BW_ARTIFACTS="${BW_ARTIFACTS:-${OT_BROWSER_ARTIFACTS:-$PWD/browser-artifacts}/$BW_TEST_NAME}"
BW_ELEM_KEY="element-6066-11e4-a52e-4f735466cecf"   # W3C web element identifier

bw_stop() {
  if [ -n "$BW_SESSION" ] && [ -n "$BW_PORT" ]; then
    curl -s -m 10 -X DELETE "http://127.0.0.1:$BW_PORT/session/$BW_SESSION" >/dev/null 2>&1 || true
  fi
  BW_SESSION=""
  # chromedriver runs in its own process group (setsid): the group takes the browser with it.
  if [ -n "$BW_DRIVER_PID" ]; then
    kill -TERM -- "-$BW_DRIVER_PID" 2>/dev/null || kill -TERM "$BW_DRIVER_PID" 2>/dev/null || true
    local i
    for i in 1 2 3 4 5 6 7 8 9 10; do
      kill -0 "$BW_DRIVER_PID" 2>/dev/null || break
      sleep 0.2
    done
    kill -KILL -- "-$BW_DRIVER_PID" 2>/dev/null || true
    wait "$BW_DRIVER_PID" 2>/dev/null || true
  fi
  if [ -n "$BW_BROWSER_PID" ] && kill -0 "$BW_BROWSER_PID" 2>/dev/null; then
    kill -KILL "$BW_BROWSER_PID" 2>/dev/null || true
  fi
  BW_DRIVER_PID=""
  BW_BROWSER_PID=""
}
trap 'bw_stop; rm -rf "$T"' EXIT
trap 'exit 130' INT TERM

# _bw METHOD PATH [BODY]: one WebDriver call on the session; prints .value as JSON.
# A WebDriver error (a "value.error" member) is printed to stderr and returns 1.
_bw() {
  local method="$1" path="$2" body="${3:-}" resp
  local url="http://127.0.0.1:$BW_PORT/session/$BW_SESSION$path"
  if [ "$method" = GET ] || [ "$method" = DELETE ]; then
    resp="$(curl -s -m "$BW_TIMEOUT" -X "$method" "$url")" || { echo "webdriver: $method $path: no answer" >&2; return 1; }
  else
    resp="$(curl -s -m "$BW_TIMEOUT" -X "$method" -H 'Content-Type: application/json' \
      --data-binary "${body:-{\}}" "$url")" || { echo "webdriver: $method $path: no answer" >&2; return 1; }
  fi
  if printf '%s' "$resp" | jq -e '(.value | type) == "object" and (.value.error? != null)' >/dev/null 2>&1; then
    echo "webdriver: $method $path: $(printf '%s' "$resp" | jq -r '.value.error + ": " + (.value.message | split("\n")[0])')" >&2
    return 1
  fi
  printf '%s' "$resp" | jq -c '.value'
}

bw_start() {
  command -v chromedriver >/dev/null || { fail "chromedriver not installed (Debian chromium-driver)"; return 1; }
  local chrome="${BW_CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}"
  [ -n "$chrome" ] || { fail "chromium not installed"; return 1; }
  mkdir -p "$T/browser" "$BW_ARTIFACTS"
  # --port=0: chromedriver picks a free port and prints it (no race with a port probe).
  # It runs in a process group of its own (setsid) under a watchdog that takes the group
  # down — driver and browser — once this test's shell is gone, even when the test was
  # killed with SIGKILL (a CTest timeout) and its EXIT trap never ran.
  setsid bash -c 'chromedriver --port=0 --allowed-ips=127.0.0.1 >"$1" 2>&1 & drv=$!
    while kill -0 "$2" 2>/dev/null && kill -0 "$drv" 2>/dev/null; do sleep 1; done
    kill -TERM -- "-$$" 2>/dev/null' bw-watchdog "$T/browser/chromedriver.log" "$$" &
  BW_DRIVER_PID=$!
  local i
  for i in $(seq 1 100); do
    BW_PORT="$(sed -n 's/.*started successfully on port \([0-9][0-9]*\).*/\1/p' "$T/browser/chromedriver.log" | head -1)"
    [ -n "$BW_PORT" ] && break
    kill -0 "$BW_DRIVER_PID" 2>/dev/null || break
    sleep 0.1
  done
  [ -n "$BW_PORT" ] || { fail "chromedriver did not start: $(cat "$T/browser/chromedriver.log")"; return 1; }
  for i in $(seq 1 100); do
    curl -s -m 2 "http://127.0.0.1:$BW_PORT/status" | jq -e '.value.ready == true' >/dev/null 2>&1 && break
    sleep 0.1
  done
  local caps
  caps="$(jq -nc --arg bin "$chrome" --arg prof "$T/browser/profile" '{capabilities: {alwaysMatch: {
      browserName: "chrome",
      "goog:chromeOptions": {binary: $bin, args: [
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--no-first-run", "--no-default-browser-check", "--disable-extensions",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--window-size=1280,900", ("--user-data-dir=" + $prof)]},
      "goog:loggingPrefs": {browser: "ALL", performance: "ALL"},
      timeouts: {pageLoad: 30000, script: 30000, implicit: 0}}}}')"
  local resp
  resp="$(curl -s -m 60 -X POST -H 'Content-Type: application/json' --data-binary "$caps" \
    "http://127.0.0.1:$BW_PORT/session")"
  BW_SESSION="$(printf '%s' "$resp" | jq -r '.value.sessionId // empty' 2>/dev/null)"
  BW_BROWSER_PID="$(printf '%s' "$resp" | jq -r '.value.capabilities["goog:processID"] // empty' 2>/dev/null)"
  [ -n "$BW_SESSION" ] || { fail "no WebDriver session: $resp"; return 1; }
  # Leave the start page (Chromium's new-tab page makes requests of its own, logged late)
  # before the logs are drained, so the first page under test starts with clean logs.
  bw_get "about:blank" || true
  bw_drain_logs
}

bw_get() { _bw POST /url "$(jq -nc --arg u "$1" '{url: $u}')" >/dev/null; }
bw_url() { _bw GET /url | jq -r .; }
bw_title() { _bw GET /title | jq -r .; }

bw_find() {
  local v
  v="$(_bw POST /element "$(jq -nc --arg s "$1" '{using: "css selector", value: $s}')" 2>/dev/null)" || return 1
  printf '%s\n' "$v" | jq -r --arg k "$BW_ELEM_KEY" '.[$k]'
}
bw_find_all() {
  _bw POST /elements "$(jq -nc --arg s "$1" '{using: "css selector", value: $s}')" |
    jq -r --arg k "$BW_ELEM_KEY" '.[][$k]'
}
bw_wait_for() {
  local css="$1" secs="${2:-10}" deadline id
  deadline=$(( $(date +%s) + secs ))
  while :; do
    if id="$(bw_find "$css")" && [ -n "$id" ]; then printf '%s\n' "$id"; return 0; fi
    [ "$(date +%s)" -lt "$deadline" ] || { echo "bw_wait_for: no element matches [$css] after ${secs}s" >&2; return 1; }
    sleep 0.2
  done
}
bw_click() { _bw POST "/element/$1/click" '{}' >/dev/null; }
bw_clear() { _bw POST "/element/$1/clear" '{}' >/dev/null; }
bw_type() { _bw POST "/element/$1/value" "$(jq -nc --arg t "$2" '{text: $t}')" >/dev/null; }
bw_text() { _bw GET "/element/$1/text" | jq -r .; }
bw_attr() { _bw GET "/element/$1/attribute/$2" | jq -r '. // empty'; }
# bw_keys TEXT: key presses sent to whatever has focus (W3C actions; no element needed).
bw_keys() {
  local body
  body="$(jq -nc --arg t "$1" '{actions: [{type: "key", id: "kb", actions:
    ([$t | split("")[] | {type: "keyDown", value: .}, {type: "keyUp", value: .}])}]}')"
  _bw POST /actions "$body" >/dev/null
  _bw DELETE /actions >/dev/null || true
}
bw_exec() {
  _bw POST /execute/sync "$(jq -nc --arg s "$1" --argjson a "${2:-[]}" '{script: $s, args: $a}')"
}

bw_console_log() { _bw POST /se/log '{"type":"browser"}'; }
bw_console_errors() { bw_console_log | jq -r '.[] | select(.level == "SEVERE") | .message'; }
bw_requested_urls() {
  _bw POST /se/log '{"type":"performance"}' | jq -r '.[].message | fromjson | .message
    | select(.method == "Network.requestWillBeSent") | .params.request.url
    | select(startswith("chrome://") or startswith("devtools://") or startswith("chrome-extension://") | not)'
}
bw_drain_logs() {
  _bw POST /se/log '{"type":"browser"}' >/dev/null || true
  _bw POST /se/log '{"type":"performance"}' >/dev/null || true
}
bw_screenshot() {
  mkdir -p "$(dirname "$1")"
  _bw GET /screenshot | jq -r . | base64 -d >"$1"
  [ -s "$1" ] && [ "$(head -c 4 "$1" | od -An -c | tr -d ' ')" = "211PNG" ]
}
