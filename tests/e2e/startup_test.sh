#!/usr/bin/env bash
# Start-up: what the executables load and how commands reach their code.
# - git-opentraces and ot-hook load no libgit2/LevelDB/libstdc++/httplib shared objects
#   (static archives; CMakeLists.txt OT_STATIC_DEPS) and ot-hook loads libc only;
# - main.cpp registers only the group being run: every command listed by --help (and
#   the hidden hook group) still parses, with the same help as the whole tree;
# - serve and capture-otlp run in ot-server with the same argv, help and exit codes;
# - the post-commit hook still anchors an agent edit (the note a commit gets).
source "$(dirname "$0")/lib.sh"

bin_dir=$(dirname "$(readlink -f "$OT_BIN")")
needed() { readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' '; }

# --- shared objects ------------------------------------------------------------------
if grep -q '^OT_STATIC_DEPS:BOOL=OFF' "$bin_dir/CMakeCache.txt" 2>/dev/null; then
  pass "OT_STATIC_DEPS=OFF build: shared-object checks skipped"
else
  main_needed=$(needed "$OT_BIN")
  for lib in libgit2 libleveldb libstdc++ libcpp-httplib libssl libcrypto libspdlog libfmt libyaml-cpp; do
    [[ "$main_needed" == *"$lib"* ]] && fail "git-opentraces needs $lib: $main_needed"
  done
  pass "git-opentraces loads only: $main_needed"
  hook_needed=$(needed "$bin_dir/ot-hook")
  extra=$(tr ' ' '\n' <<<"$hook_needed" | grep -Ev '^(libc\.so\.6|libm\.so\.6|ld-linux.*|)$' || true)
  [ -z "$extra" ] && pass "ot-hook loads libc (and libm) only: $hook_needed" || fail "ot-hook also loads: $extra"
  # libgit2's CA bundle and libssh2's OpenSSL start are skipped (notes/git_util.cpp wrappers).
  wraps=$(nm "$OT_BIN" 2>/dev/null | grep -c '__wrap_mbedtls_x509_crt_parse_file\|__wrap_libssh2_init' || true)
  assert_eq "2" "$wraps" "libgit2's CA-bundle and libssh2 start-up wrappers are linked"
fi
[ -x "$bin_dir/ot-server" ] && pass "ot-server beside the binary" || fail "no ot-server beside $OT_BIN"

# --- per-group registration ----------------------------------------------------------
run_ot --help
assert_rc 0 "--help"
groups=$(sed -n '/^Subcommands:/,/^$/p' <<<"$OUT" | awk 'NR>1 && NF {print $1}')
[ "$(wc -w <<<"$groups")" -ge 20 ] && pass "--help lists $(wc -w <<<"$groups") commands" || fail "--help lists: $groups"
for g in $groups hook; do
  run_ot "$g" --help
  if [ "$RC" -ne 0 ] || ! grep -q "^Usage: git opentraces $g" <<<"$OUT"; then
    fail "$g --help (exit $RC): $(head -3 <<<"$OUT") $ERR"
  fi
done
pass "every top-level command answers --help"
# A group's help is the same whether the whole tree or only that group was built:
# `--json` first does not change the group chosen, a bare address forces the whole tree.
run_ot trace --help; trace_help=$OUT
run_ot --json trace --help
assert_eq "$trace_help" "$OUT" "trace --help after a global flag"
run_ot ctx otel --help
assert_rc 0 "ctx otel (added to ctx after it exists)"
run_ot trace query --help
assert_contains "$OUT" "--remote" "trace query keeps --remote"
run_ot ctx --help
assert_contains "$OUT" "--remote" "ctx keeps --remote"
run_ot --version
assert_contains "$OUT" "git-opentraces " "--version"
run_ot no-such-command
assert_rc 2 "an unknown command is a usage error"
run_ot --json no-such-command
assert_rc 2 "an unknown command with --json"
assert_eq "USAGE" "$(jq -r .error.code <<<"$OUT" 2>/dev/null)" "its JSON error envelope"
run_ot status --json
assert_rc 0 "status --json (only the status group registered)"

# --- ot-server -------------------------------------------------------------------------
for g in serve capture-otlp; do
  listed=$(git opentraces --help | awk -v g="$g" '$1 == g {sub(/^ *[^ ]+ +/, ""); print}')
  run_ot "$g" --help
  assert_rc 0 "$g --help through ot-server"
  assert_contains "$OUT" "$listed" "$g: the root listing has ot-server's description"
done
run_ot capture-otlp status --json
assert_rc 0 "capture-otlp status --json through ot-server"
assert_eq "null" "$(jq -r .pid <<<"$OUT")" "no receiver running"
run_ot serve --bind 0.0.0.0 --json
assert_rc 2 "serve refuses a non-loopback bind (exit code kept across the exec)"

# --- the post-commit hook --------------------------------------------------------------
repo=$(new_repo app)
cd "$repo"
"$OT_BIN" init --agent claude-code >/dev/null
"$OT_BIN" setup git --yes >/dev/null
printf 'def add(a, b):\n    return a + b\n' > calc.py
jq -cn --arg cwd "$repo" '{session_id:"startup-1", transcript_path:"/dev/null", cwd:$cwd, hook_event_name:"PostToolUse",
   tool_name:"Write", tool_use_id:"toolu_1", tool_input:{file_path:($cwd+"/calc.py"), content:"def add(a, b):\n    return a + b\n"},
   tool_response:{type:"create"}}' | "$bin_dir/ot-hook" hook claude-code PostToolUse
git add calc.py && git commit -qm "add calc"
note=$(git notes --ref=opentraces show HEAD 2>/dev/null || true)
assert_contains "$note" '"trace_id":"startup-1"' "post-commit anchored the agent's edit"
assert_contains "$note" '"file":"calc.py"' "the note names the file"
last=$(tail -1 .git/opentraces-hook.log)
assert_eq "2" "$(jq -r .attributed_lines <<<"$last")" "both lines attributed"
cd - >/dev/null

finish
