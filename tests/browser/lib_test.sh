#!/usr/bin/env bash
# Self-test of tests/browser/lib.sh: the helpers must see what they claim to see
# (a console error, a request to another origin, a click's effect, keys, a screenshot),
# so a browser test that finds "no errors, no requests" can be trusted.
source "$(dirname "$0")/lib.sh"

bw_start || { finish; exit 1; }
pass "chromedriver on 127.0.0.1:$BW_PORT, session $BW_SESSION"

cat >"$T/clean.html" <<'EOF'
<!doctype html><html><head><title>clean</title></head><body>
<button id="b" onclick="document.getElementById('out').textContent='clicked'">go</button>
<input id="q"><p id="out">idle</p>
<script>document.addEventListener('keydown', e => { if (e.key === 'j') document.getElementById('out').textContent = 'key j'; });</script>
</body></html>
EOF
cat >"$T/dirty.html" <<'EOF'
<!doctype html><html><head><title>dirty</title></head><body>
<img src="http://127.0.0.1:9/pixel.png"><script>console.error("seeded console error")</script>
</body></html>
EOF

bw_drain_logs
bw_get "file://$T/clean.html"
assert_eq "clean" "$(bw_title)" "title read"
assert_eq "" "$(bw_console_errors)" "a clean page has no console errors"
urls="$(bw_requested_urls)"
assert_eq "file://$T/clean.html" "$urls" "a clean page requests only itself"

b="$(bw_wait_for '#b')"
bw_click "$b"
assert_eq "clicked" "$(bw_text "$(bw_find '#out')")" "click changes the page"
q="$(bw_find '#q')"
bw_type "$q" "hello"
assert_eq '"hello"' "$(bw_exec 'return document.getElementById("q").value')" "typing fills the input"
bw_exec 'document.activeElement.blur(); return null' >/dev/null
bw_keys "j"
assert_eq "key j" "$(bw_text "$(bw_find '#out')")" "keyboard shortcut reaches the page"
if bw_find '#missing' >/dev/null; then fail "bw_find on a missing element succeeds"; else pass "bw_find on a missing element fails"; fi

bw_get "file://$T/dirty.html"
errs="$(bw_console_errors)"
assert_contains "$errs" "seeded console error" "console error seen"
assert_contains "$(bw_requested_urls)" "http://127.0.0.1:9/pixel.png" "external request seen"

if bw_screenshot "$BW_ARTIFACTS/dirty.png"; then pass "screenshot is a PNG"; else fail "screenshot"; fi

pid="$BW_DRIVER_PID"
bw_stop
if kill -0 "$pid" 2>/dev/null; then fail "chromedriver still alive after bw_stop"; else pass "bw_stop ends chromedriver"; fi
finish
