# Helpers for tests that talk to the local Hub simulator. Source after tests/e2e/lib.sh
# (it needs $T). Tokens: alice (write) = $ALICE_TOKEN, bob (write) = $BOB_TOKEN,
# carol (read-only) = $CAROL_TOKEN.
HUBSIM_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ALICE_TOKEN="hf_alice_$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
BOB_TOKEN="hf_bob_$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
CAROL_TOKEN="hf_carol_$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
HUBSIM_PID=""

hubsim_stop() {
  if [ -n "$HUBSIM_PID" ]; then kill "$HUBSIM_PID" 2>/dev/null || true; wait "$HUBSIM_PID" 2>/dev/null || true; HUBSIM_PID=""; fi
}
trap 'hubsim_stop; rm -rf "$T"' EXIT

# hubsim_start [simulator args...]: starts it on a free port; sets HUBSIM (its URL) and
# exports HF_ENDPOINT. Its data directory is $T/hubsim.
hubsim_start() {
  command -v node >/dev/null || { echo "FAIL: node is required for the Hub simulator" >&2; exit 1; }
  rm -f "$T/hubsim.port"
  node "$HUBSIM_DIR/hubsim.js" --data "$T/hubsim" --port-file "$T/hubsim.port" \
    --token "alice=$ALICE_TOKEN" --token "bob=$BOB_TOKEN" --token "carol=$CAROL_TOKEN:read" "$@" \
    >"$T/hubsim.out" 2>&1 &
  HUBSIM_PID=$!
  for _ in $(seq 1 100); do [ -s "$T/hubsim.port" ] && break; sleep 0.1; done
  [ -s "$T/hubsim.port" ] || { echo "FAIL: the Hub simulator did not start: $(cat "$T/hubsim.out")" >&2; exit 1; }
  HUBSIM="http://127.0.0.1:$(tr -d '\n' <"$T/hubsim.port")"
  export HF_ENDPOINT="$HUBSIM"
}

# hubsim_ctl METHOD PATH [JSON]: calls the control API; prints the answer.
hubsim_ctl() {
  curl -sS -X "$1" "$HUBSIM$2" -H 'Content-Type: application/json' ${3:+--data "$3"}
}
hubsim_fault() { hubsim_ctl POST /_sim/faults "$1" >/dev/null; }
hubsim_clear_faults() { hubsim_ctl DELETE /_sim/faults >/dev/null; }

# hubsim_js: installs the official JS client (@huggingface/hub, pinned) from npm into the
# build directory once (never into the source tree); sets HF_JS_DIR.
HF_JS_VERSION="2.17.5"
hubsim_js() {
  export HF_JS_DIR="$(dirname "$OT_BIN")/hubsim-js"
  mkdir -p "$HF_JS_DIR"
  (
    flock 9
    if [ "$(jq -r .version "$HF_JS_DIR/node_modules/@huggingface/hub/package.json" 2>/dev/null)" != "$HF_JS_VERSION" ]; then
      cd "$HF_JS_DIR" && [ -f package.json ] || echo '{"private":true}' > package.json
      npm install --silent --no-audit --no-fund --no-save "@huggingface/hub@$HF_JS_VERSION" >"$HF_JS_DIR/npm.log" 2>&1 ||
        { echo "FAIL: npm could not install @huggingface/hub@$HF_JS_VERSION: $(tail -5 "$HF_JS_DIR/npm.log")" >&2; exit 1; }
    fi
  ) 9>"$HF_JS_DIR/.lock" || exit 1
}
jsclient() { node "$HUBSIM_DIR/jsclient.js" "$@"; }
