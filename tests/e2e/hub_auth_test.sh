#!/usr/bin/env bash
# Issue 11: `auth login|logout|whoami` against the Hub simulator — token precedence,
# bad tokens (exit 3), credentials 0600, the device flow (interval, slow_down, timeout),
# and the token never appearing in logs or output.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/../hubsim/lib.sh"
hubsim_start
export HF_HOME="$T/hfhome" OT_HUB_BACKOFF_MS=20
ALL_OUTPUT="$T/all-output.txt"
unset HF_TOKEN HUGGINGFACE_TOKEN HF_TOKEN_PATH

# run_in INPUT ARGS...: like run_ot, with INPUT on stdin; keeps every byte printed.
run_in() {
  local input="$1"; shift
  set +e
  OUT="$(printf '%s\n' "$input" | "$OT_BIN" "$@" 2>"$T/stderr")"
  RC=$?
  set -e
  ERR="$(cat "$T/stderr")"
  printf '%s\n%s\n' "$OUT" "$ERR" >>"$ALL_OUTPUT"
}
run() { run_in "" "$@"; }

run auth whoami --json
assert_rc 0 "whoami without a token"
assert_envelope "whoami"
assert_eq "needs_action false" "$(jq_out '.status + " " + (.authenticated|tostring)')" "not authenticated"
check_schema opentraces.auth.whoami.v1 "whoami (needs_action)"

# Login with a token on stdin: validated with whoami, saved 0600.
run_in "$ALICE_TOKEN" auth login --token --json
assert_rc 0 "auth login --token"
assert_envelope "login"
assert_eq "alice token" "$(jq_out '.username + " " + .method')" "logged in as alice"
check_schema opentraces.auth.login.v1 "login"
assert_eq "600" "$(stat -c %a "$OPENTRACES_HOME/credentials")" "credentials file is 0600"
assert_eq "700" "$(stat -c %a "$OPENTRACES_HOME")" "OPENTRACES_HOME is 0700"
run auth whoami --json
assert_eq "alice credentials" "$(jq_out '.username + " " + .token_source')" "whoami reads the credentials"
check_schema opentraces.auth.whoami.v1 "whoami"
run auth whoami
assert_contains "$OUT" "alice" "human whoami names the user"
run auth login --json
assert_eq "true" "$(jq_out .already_authenticated)" "login again: already authenticated"

# Precedence: HF_TOKEN > HUGGINGFACE_TOKEN > credentials > HF cache token.
mkdir -p "$HF_HOME" && printf '%s\n' "$BOB_TOKEN" >"$HF_HOME/token"
run auth whoami --json
assert_eq "alice credentials" "$(jq_out '.username + " " + .token_source')" "credentials beat the HF cache token"
HUGGINGFACE_TOKEN="$BOB_TOKEN" run auth whoami --json
assert_eq "bob HUGGINGFACE_TOKEN" "$(jq_out '.username + " " + .token_source')" "HUGGINGFACE_TOKEN beats credentials"
HF_TOKEN="$CAROL_TOKEN" HUGGINGFACE_TOKEN="$BOB_TOKEN" run auth whoami --json
assert_eq "carol HF_TOKEN read" "$(jq_out '.username + " " + .token_source + " " + .token_role')" "HF_TOKEN beats everything"

# Bad tokens: clear error, exit 3, stored credentials untouched.
before="$(sha256sum "$OPENTRACES_HOME/credentials")"
run_in "hf_this_token_is_not_known" auth login --token --json
assert_rc 3 "login with a rejected token"
assert_eq "TOKEN_INVALID" "$(jq_out .error.code)" "rejected token code"
run_in "ghp_not_a_hugging_face_token" auth login --token
assert_rc 3 "login with a non-hf_ token"
assert_contains "$ERR" "start with \`hf_\`" "the error says what a token looks like"
assert_eq "$before" "$(sha256sum "$OPENTRACES_HOME/credentials")" "credentials untouched by failed logins"
HF_TOKEN="hf_expired_token_value" run auth whoami --json
assert_rc 3 "whoami with a rejected env token"
assert_eq "TOKEN_INVALID" "$(jq_out .error.code)" "whoami rejected code"
assert_contains "$(jq_out .error.message)" "HF_TOKEN" "the error names where the token came from"
HF_ENDPOINT="http://127.0.0.1:9" OT_HUB_ATTEMPTS=2 run_in "$ALICE_TOKEN" auth login --token --json
assert_rc 3 "login with the Hub unreachable"
assert_eq "HUB_UNREACHABLE" "$(jq_out .error.code)" "unreachable code"

# Logout: our credentials go; the HF cache token stays unless --hf-cache.
run auth logout --json
assert_rc 0 "logout"
assert_envelope "logout"
assert_eq "true hf_cache" "$(jq_out '(.removed_credentials|tostring) + " " + .still_authenticated_via')" "logout reports the cache token"
check_schema opentraces.auth.logout.v1 "logout"
[ ! -e "$OPENTRACES_HOME/credentials" ] && pass "credentials removed" || fail "credentials still there"
run auth logout --hf-cache --json
assert_eq "false true" "$(jq_out '(.authenticated|tostring) + " " + (.removed_hf_cache_token|tostring)')" "logout --hf-cache"

# Device flow: interval 1 s, one slow_down (+5 s), approved on the third poll.
hubsim_ctl POST /_sim/device '{"interval":1,"slow_down":1,"approve_after_polls":2,"user":"alice","polls":[]}' >/dev/null
run auth login --json
assert_rc 0 "device login"
assert_eq "alice device" "$(jq_out '.username + " " + .method')" "device login as alice"
assert_contains "$ERR" "enter the code" "the user code is shown on stderr"
assert_eq "600" "$(stat -c %a "$OPENTRACES_HOME/credentials")" "device credentials 0600"
polls="$(hubsim_ctl GET /_sim/device | jq -c .polls)"
gaps="$(jq -c '[range(1; length) as $i | .[$i] - .[$i-1]]' <<<"$polls")"
assert_eq "3" "$(jq length <<<"$polls")" "three polls (slow_down, pending, approved)"
[ "$(jq '.[0] >= 5900' <<<"$gaps")" = true ] && pass "slow_down added 5 s ($gaps ms)" || fail "slow_down not honoured: $gaps"
[ "$(jq '.[1] >= 5900' <<<"$gaps")" = true ] && pass "the slower interval is kept" || fail "interval reset: $gaps"
device_token="$(jq -r .token "$OPENTRACES_HOME/credentials")"
run auth whoami --json
assert_eq "alice" "$(jq_out .username)" "the device token works"

run auth logout
hubsim_ctl POST /_sim/device '{"interval":1,"slow_down":0,"approve_after_polls":-1}' >/dev/null
run auth login --device-timeout 3 --json
assert_rc 3 "device login not approved in time"
assert_eq "AUTH_TIMEOUT true" "$(jq_out '.error.code + " " + (.error.retryable|tostring)')" "timeout is AUTH_TIMEOUT, retryable"
[ ! -e "$OPENTRACES_HOME/credentials" ] && pass "nothing saved on timeout" || fail "credentials saved on timeout"

# No token ever appears in any output or log.
for tok in "$ALICE_TOKEN" "$BOB_TOKEN" "$CAROL_TOKEN" "$device_token" hf_this_token_is_not_known hf_expired_token_value; do
  if grep -rqF -- "$tok" "$ALL_OUTPUT" "$OPENTRACES_HOME/logs"; then fail "a token leaked into output or logs"; fi
done
pass "no token in any output or log ($(wc -l <"$ALL_OUTPUT") output lines, $(cat "$OPENTRACES_HOME"/logs/* | wc -l) log lines)"
grep -q "hub GET" "$OPENTRACES_HOME"/logs/* && pass "Hub calls are logged" || fail "no Hub calls in the log"

finish
