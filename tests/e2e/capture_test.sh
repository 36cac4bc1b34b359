#!/usr/bin/env bash
# Capture end to end: `setup` against settings files that already hold the user's own hooks,
# recorded agent payloads replayed through `hook`, chained git hooks, and failure injection
# (binary missing, home read-only, corrupt settings): the agent hook and the commit always succeed.
source "$(dirname "$0")/lib.sh"

HOOKS="$OT_FIXTURES/hooks"
# Spool contents are counted below: no background drain until the section that tests it.
export OPENTRACES_NO_AUTO_DRAIN=1
BIN_REAL=$(realpath "$OT_BIN")
# Agent hooks run the lean ot-hook shipped beside the main binary (see docs/capture.md).
HOOK_BIN="$(dirname "$BIN_REAL")/ot-hook"
[ -x "$HOOK_BIN" ] && pass "ot-hook is built beside git-opentraces" || fail "no ot-hook beside $BIN_REAL"

# ---- setup claude-code: user's hooks kept, ours added once, --remove restores the bytes -------
mkdir -p "$HOME/.claude"
cat >"$HOME/.claude/settings.json" <<'JSON'
{
    "model": "opus",
    "hooks": { "Stop": [ { "hooks": [ { "type": "command", "command": "notify-send done" } ] } ] }
}
JSON
cp "$HOME/.claude/settings.json" "$T/claude.orig"

run_ot setup claude-code --dry-run --json
assert_rc 0 "setup claude-code --dry-run"
assert_envelope "setup claude-code --dry-run"
assert_eq "true" "$(jq_out .changed)" "dry run reports a change"
cmp -s "$HOME/.claude/settings.json" "$T/claude.orig" && pass "dry run wrote nothing" || fail "dry run changed settings.json"

run_ot setup claude-code --json
assert_rc 0 "setup claude-code"
assert_eq "$HOOK_BIN" "$(jq_out .binary)" "hooks run the absolute path of ot-hook"
run_ot setup claude-code --json
assert_eq "false" "$(jq_out .changed)" "second setup claude-code changes nothing"
ours=$(jq '[.hooks[][].hooks[] | select(.command | startswith("OT_HOOK_VERSION="))] | length' "$HOME/.claude/settings.json")
assert_eq "9" "$ours" "one command hook per Claude Code event"
assert_eq "notify-send done" "$(jq -r '.hooks.Stop[0].hooks[0].command' "$HOME/.claude/settings.json")" "user's Stop hook untouched"
assert_eq "opus" "$(jq -r .model "$HOME/.claude/settings.json")" "user's other settings untouched"

run_ot setup status --json
assert_rc 0 "setup status"
assert_eq "true" "$(jq_out '.integrations[] | select(.name=="claude-code") | .installed')" "status: claude-code installed"
assert_eq "[]" "$(jq_out '.integrations[] | select(.name=="claude-code") | .drift | tostring')" "status: no drift"

# Drift: an entry from another version is reported by setup status and fails doctor (exit 3).
cp "$HOME/.claude/settings.json" "$T/claude.installed"
sed -i 's/OT_HOOK_VERSION=[0-9.]*/OT_HOOK_VERSION=0.0.1/' "$HOME/.claude/settings.json"
run_ot setup status --json
assert_contains "$(jq_out '.integrations[] | select(.name=="claude-code") | .drift | join(",")')" "version-drift" "status: version drift found"
run_ot doctor --json
assert_rc 3 "doctor with a drifted integration"
assert_eq "fail" "$(jq_out '.checks[] | select(.name=="capture_claude-code") | .state')" "doctor: capture_claude-code fails on drift"
run_ot setup claude-code --json
assert_eq "true" "$(jq_out .changed)" "setup again replaces the drifted entries"
cmp -s "$HOME/.claude/settings.json" "$T/claude.installed" && pass "refreshed entries equal a fresh install" || fail "refresh differs"

run_ot setup claude-code --remove --json
assert_rc 0 "setup claude-code --remove"
assert_eq "true" "$(jq_out .restored_original)" "remove restores the original"
cmp -s "$HOME/.claude/settings.json" "$T/claude.orig" && pass "settings.json is byte-identical to the original" \
  || fail "settings.json differs from the original after --remove"

# Malformed user settings: clear error naming the file, exit 3, no write.
printf '{"hooks": {"Stop": [ }\n' >"$HOME/.claude/settings.json"
cp "$HOME/.claude/settings.json" "$T/bad.orig"
run_ot setup claude-code --json
assert_rc 3 "setup claude-code on a corrupt settings.json"
assert_eq "SETTINGS_CORRUPT" "$(jq_out .error.code)" "error code SETTINGS_CORRUPT"
assert_contains "$(jq_out .error.message)" "$HOME/.claude/settings.json" "error names the file"
cmp -s "$HOME/.claude/settings.json" "$T/bad.orig" && pass "corrupt file left as it was" || fail "corrupt file was changed"
rm "$HOME/.claude/settings.json"

# --project writes this directory's uncommitted settings.local.json, not the user's file.
proj=$(new_repo projscope)
(cd "$proj" && "$OT_BIN" setup claude-code --project --json >"$T/proj.json")
assert_eq "$proj/.claude/settings.local.json" "$(jq -r .target "$T/proj.json")" "--project targets .claude/settings.local.json"
[ ! -e "$HOME/.claude/settings.json" ] && pass "--project leaves the user's settings alone" || fail "user settings written"

# ---- setup codex honours CODEX_HOME ------------------------------------------------------------
export CODEX_HOME="$T/codex-home"
run_ot setup codex --json
assert_rc 0 "setup codex"
assert_eq "$CODEX_HOME/hooks.json" "$(jq_out .target)" "codex hooks.json under CODEX_HOME"
assert_eq "7" "$(jq '[.hooks[][].hooks[]] | length' "$CODEX_HOME/hooks.json")" "one hook per Codex event"
run_ot setup codex --remove --json
[ ! -e "$CODEX_HOME/hooks.json" ] && pass "codex --remove deletes the hooks.json it created" || fail "hooks.json left behind"
unset CODEX_HOME

# ---- setup pi: the extension package is deployed and listed ------------------------------------
mkdir -p "$HOME/.pi/agent"
echo '{"packages": ["npm:pi-skills"]}' >"$HOME/.pi/agent/settings.json"
run_ot setup pi --json
assert_rc 0 "setup pi"
pkg=$(jq_out .package_dir)
assert_eq '["npm:pi-skills","'"$pkg"'"]' "$(jq -c .packages "$HOME/.pi/agent/settings.json")" "pi packages list keeps the user's entry"
grep -q "$HOOK_BIN" "$pkg/index.ts" && pass "extension stamped with the binary path" || fail "extension not stamped"
if grep -q '@OT_' "$pkg/index.ts" "$pkg/package.json"; then fail "unstamped placeholder left"; else pass "no placeholder left"; fi

# ---- hook replay: recorded Claude Code payloads → spool items with exact ranges ---------------
repo=$(new_repo replay)
cd "$repo"
n=0
while IFS= read -r line; do
  rec=${line//__CWD__/$repo}; rec=${rec//__HOME__/$HOME}
  event=$(jq -r .event <<<"$rec"); payload=$(jq -c .payload <<<"$rec")
  tool=$(jq -r '.tool_name // ""' <<<"$payload")
  if [ "$event" = PostToolUse ] && [ "$tool" = Write ]; then jq -j .tool_input.content <<<"$payload" >"$repo/calc.py"; fi
  if [ "$event" = PostToolUse ] && [ "$tool" = Edit ]; then
    python3 - "$payload" <<'PY'
import json, sys
p = json.loads(sys.argv[1])["tool_input"]
t = open(p["file_path"]).read()
open(p["file_path"], "w").write(t.replace(p["old_string"], p["new_string"], 1))
PY
  fi
  # The path agents run: ot-hook (the first call hands over to the full binary to enrol).
  out=$("$HOOK_BIN" hook claude-code "$event" <<<"$payload" 2>&1); rc=$?
  [ $rc -eq 0 ] && [ -z "$out" ] || fail "hook claude-code $event: exit $rc, output [$out]"
  n=$((n + 1))
done <"$HOOKS/claude-code-calc.jsonl"
pass "replayed $n recorded Claude Code hook calls, each silent with exit 0"
spool="$OPENTRACES_HOME/spool"
assert_eq "24" "$(ls "$spool" | wc -l | tr -d ' ')" "20 hook events + 4 ingest requests spooled"
[ -f "$repo/.opentraces.json" ] && pass "first capture auto-enrolled the repo (global tracking)" || fail "repo not enrolled"
python3 - "$spool" "$repo" <<'PY' && pass "every edit patch's range holds its authored text in the file" || fail "patch ranges do not match calc.py"
import json, os, sys
spool, repo = sys.argv[1:]
lines = open(os.path.join(repo, "calc.py")).read().split("\n")
checked = 0
items = [json.load(open(os.path.join(spool, f))) for f in sorted(os.listdir(spool))]
kinds = {i["kind"] for i in items}
assert kinds == {"hook_event", "ingest_session"}, kinds
assert len({i["session_id"] for i in items}) == 1
last_post = [i for i in items if i.get("event") == "PostToolUse" and "patches" in i][-1]
for p in last_post["patches"]:   # the final edit: its range must hold its text in today's file
    got = "\n".join(lines[p["start_line"] - 1:p["end_line"]])
    assert got == p["authored_text"].rstrip("\n"), (got, p)
    checked += 1
assert checked == 1
PY

# Draining the spool stores the session once: the transcript the ingest requests name, plus the
# hook events and patches of the same session id.
first=$(head -1 "$HOOKS/claude-code-calc.jsonl")
tp=$(jq -r .payload.transcript_path <<<"${first//__HOME__/$HOME}")
mkdir -p "$(dirname "$tp")"
sed -e "s#__CWD__#$repo#g" -e "s#__HOME__#$HOME#g" "$HOOKS/claude-code-calc.transcript.jsonl" >"$tp"
run_ot bucket list --json
assert_rc 0 "bucket list drains the spool"
[ -z "$(ls "$spool"/*.json 2>/dev/null)" ] && pass "spool drained" || fail "spool still holds $(ls "$spool" | wc -l) items"
run_ot bucket list --count --json
assert_eq "1" "$(jq_out '.count')" "one trace for the replayed session"
run_ot bucket list --file calc.py --count --json
assert_eq "1" "$(jq_out '.count')" "the trace holds the patches to calc.py"

# A session end starts a detached drain: the queued transcript lands in the bucket.
mkdir -p "$T/transcripts" && cp "$OT_FIXTURES/sessions/claude-code/cc-calc.jsonl" "$T/transcripts/"
stop="{\"session_id\":\"7004\",\"cwd\":\"$repo\",\"hook_event_name\":\"Stop\",\"transcript_path\":\"$T/transcripts/cc-calc.jsonl\"}"
OPENTRACES_NO_AUTO_DRAIN= "$HOOK_BIN" hook claude-code Stop <<<"$stop"  # drains through the full binary
for _ in $(seq 100); do [ -z "$(ls "$spool"/*.json 2>/dev/null)" ] && break; sleep 0.1; done
[ -z "$(ls "$spool"/*.json 2>/dev/null)" ] && pass "the background drain emptied the spool" || fail "spool not drained: $(ls "$spool")"
run_ot bucket list --count --json
[ "$(jq_out '.count // .total // 0')" -ge 2 ] && pass "the session is in the bucket" || fail "no new trace in the bucket: $OUT $ERR"

# Bucket locked by another process: the hook still exits 0 at once, the items wait in the spool,
# and the next command that gets the bucket drains them.
python3 - "$OPENTRACES_HOME/bucket/LOCK" <<'PY' &
import fcntl, sys, time
f = open(sys.argv[1], "a")
fcntl.lockf(f, fcntl.LOCK_EX)   # the lock LevelDB takes (fcntl), held like a running command would
open(sys.argv[1] + ".held", "w").close()
time.sleep(4)
PY
locker=$!
for _ in $(seq 50); do [ -e "$OPENTRACES_HOME/bucket/LOCK.held" ] && break; sleep 0.1; done
started=$(date +%s%N)
out=$(OPENTRACES_NO_AUTO_DRAIN= "$HOOK_BIN" hook claude-code Stop <<<"$stop" 2>&1); rc=$?
took=$(( ($(date +%s%N) - started) / 1000000 ))
assert_eq "0:" "$rc:$out" "bucket locked: the hook exits 0, silently"
[ "$took" -lt 2000 ] && pass "bucket locked: the hook did not wait for the lock (${took} ms)" || fail "hook took ${took} ms"
sleep 0.5
[ -n "$(ls "$spool"/*.json 2>/dev/null)" ] && pass "bucket locked: the items wait in the spool" || fail "spool empty while the bucket was locked"
wait "$locker"; rm -f "$OPENTRACES_HOME/bucket/LOCK.held"
run_ot bucket list --count --json
assert_rc 0 "bucket free again: a command opens it"
[ -z "$(ls "$spool"/*.json 2>/dev/null)" ] && pass "bucket free again: the spool drained (nothing lost)" || fail "spool not drained"

# Manual tracking and not enrolled: nothing captured. Excluded marker: nothing captured.
other=$(new_repo manual)
run_ot config set capture.tracking_mode manual
before=$(ls "$spool" | wc -l)
(cd "$other" && "$OT_BIN" hook claude-code SessionStart <<<"{\"session_id\":\"s\",\"cwd\":\"$other\"}")
assert_eq "$before" "$(ls "$spool" | wc -l)" "manual tracking: an unenrolled repo is not captured"
run_ot config set capture.tracking_mode global
excl=$(new_repo excluded)
(cd "$excl" && "$OT_BIN" init --agent claude-code >/dev/null && "$OT_BIN" config set --project excluded true >/dev/null)
(cd "$excl" && "$OT_BIN" hook claude-code SessionStart <<<"{\"session_id\":\"s\",\"cwd\":\"$excl\"}")
assert_eq "$before" "$(ls "$spool" | wc -l)" "excluded project: nothing captured"
mkdir -p "$T/plain-dir"
(cd "$T/plain-dir" && "$OT_BIN" hook claude-code SessionStart <<<"{\"session_id\":\"s\",\"cwd\":\"$T/plain-dir\"}")
assert_eq "$before" "$(ls "$spool" | wc -l)" "outside a git work tree: nothing captured"

# ---- failure injection: the agent hook always exits 0 and prints nothing ------------------------
set +e
payload="{\"session_id\":\"s2\",\"cwd\":\"$repo\",\"hook_event_name\":\"Stop\",\"transcript_path\":\"/nope.jsonl\"}"
cmd="OT_HOOK_VERSION=0.0.0 '$T/no/such/git-opentraces' hook claude-code Stop 2>/dev/null || true"
out=$(sh -c "$cmd" <<<"$payload" 2>&1); rc=$?
assert_eq "0:" "$rc:$out" "binary missing: the agent's hook command still exits 0, silently"
touch "$T/not-a-dir"
out=$(OPENTRACES_HOME="$T/not-a-dir/ot" "$OT_BIN" hook claude-code Stop <<<"$payload" 2>&1); rc=$?
assert_eq "0:" "$rc:$out" "unusable home (not a directory): hook exits 0, silently"
# Disk full and read-only home need mounts (root); elsewhere these checks are skipped.
mnt="$T/mnt"; mkdir -p "$mnt"
if mount -t tmpfs -o size=64k tmpfs "$mnt" 2>/dev/null; then
  mkdir -p "$mnt/ot" && cp "$OPENTRACES_HOME/config.json" "$mnt/ot/"
  dd if=/dev/zero of="$mnt/filler" bs=4k count=64 2>/dev/null
  before=$(ls "$mnt/ot/spool" 2>/dev/null | wc -l)
  out=$(OPENTRACES_HOME="$mnt/ot" "$OT_BIN" hook claude-code Stop <<<"$payload" 2>&1); rc=$?
  assert_eq "0:" "$rc:$out" "disk full: hook exits 0, silently"
  assert_eq "$before" "$(ls "$mnt/ot/spool" 2>/dev/null | wc -l)" "disk full: nothing half-written in the spool"
  rm -f "$mnt/filler"
  out=$(OPENTRACES_HOME="$mnt/ot" "$OT_BIN" hook claude-code Stop <<<"$payload" 2>&1); rc=$?
  grep -l '"ingest_session"' "$mnt/ot/spool"/* 2>/dev/null | xargs grep -l '/nope.jsonl' >/dev/null \
    && pass "space back: the next session end queues the transcript again (nothing lost)" || fail "no ingest after space came back"
  mount -o remount,ro "$mnt"
  out=$(OPENTRACES_HOME="$mnt/ot" "$OT_BIN" hook claude-code Stop <<<"$payload" 2>&1); rc=$?
  assert_eq "0:" "$rc:$out" "read-only home: hook exits 0, silently"
  umount "$mnt"
else
  echo "skip: disk-full and read-only checks need a tmpfs mount (not root)"
fi
out=$("$OT_BIN" hook claude-code Stop <<<"not json" 2>&1); rc=$?
assert_eq "0:" "$rc:$out" "garbage payload: hook exits 0, silently"
grep -q "not a JSON object" "$OPENTRACES_HOME/logs/opentraces.log" && pass "the log says what was skipped" || fail "nothing logged"
set -e

# ---- setup git: chained into an existing hook, exit status and stdin preserved ------------------
g=$(new_repo gitrepo)
cd "$g"
git remote add origin "$T/remote.git"
cat >.git/hooks/post-commit <<'SH'
#!/bin/sh
echo ran >"$(git rev-parse --git-dir)/user-post-commit-ran"
exit 7
SH
cat >.git/hooks/pre-push <<'SH'
#!/bin/bash
cat >"$(git rev-parse --git-dir)/user-pre-push-stdin"
exit 0
SH
chmod +x .git/hooks/post-commit .git/hooks/pre-push
cp .git/hooks/post-commit "$T/post-commit.orig"
run_ot setup git --json
assert_rc 0 "setup git"
assert_eq "chained,created,chained" "$(jq_out '[.hooks[].action] | join(",")')" "hooks chained/created"
assert_eq "refs/notes/opentraces" "$(git config --get notes.rewriteRef)" "notes.rewriteRef set"
git config --get-all remote.origin.fetch | grep -qx '+refs/notes/opentraces:refs/notes/remotes/origin/opentraces' \
  && pass "notes fetch refspec on origin" || fail "notes fetch refspec missing"
echo change >>README.md && git commit -qam "human change" && pass "commit succeeds with chained hooks" || fail "commit failed"
[ -f .git/user-post-commit-ran ] && pass "the user's post-commit still runs" || fail "user's post-commit did not run"
set +e; .git/hooks/post-commit; rc=$?; set -e
assert_eq "7" "$rc" "the user's post-commit exit status is preserved"
printf 'refs/heads/main abc refs/heads/main def\n' | .git/hooks/pre-push origin "$T/remote.git" || true
assert_eq "refs/heads/main abc refs/heads/main def" "$(cat .git/user-pre-push-stdin)" "the user's pre-push still reads git's stdin"

# Binary missing from PATH and from its recorded place: the commit still succeeds, with a note.
sed -i "s|^ot_bin=.*|ot_bin='$T/gone/git-opentraces'|" .git/hooks/post-commit
set +e; err=$(PATH=/usr/bin:/bin git commit -q --allow-empty -m "no binary" 2>&1); rc=$?; set -e
assert_eq "0" "$rc" "binary missing: the commit succeeds"
assert_contains "$err" "git-opentraces not found" "binary missing: git prints why capture was skipped"
run_ot setup git --json
assert_eq "updated" "$(jq_out '.hooks[0].action')" "setup git again repairs the stub"

run_ot setup git --remove --json
assert_rc 0 "setup git --remove"
cmp -s .git/hooks/post-commit "$T/post-commit.orig" && pass "post-commit restored byte for byte" || fail "post-commit differs"
[ ! -e .git/hooks/post-rewrite ] && pass "created hook removed" || fail "post-rewrite left behind"
[ -z "$(git config --get notes.rewriteRef || true)" ] && pass "notes.rewriteRef removed" || fail "rewriteRef left"

# A python hook is never rewritten: reported, exit 3, file untouched.
printf '#!/usr/bin/env python3\nprint("mine")\n' >.git/hooks/post-commit
cp .git/hooks/post-commit "$T/py.orig"
run_ot setup git --json
assert_rc 3 "setup git with a non-shell hook"
assert_eq "partial" "$(jq_out .status)" "status partial"
cmp -s .git/hooks/post-commit "$T/py.orig" && pass "python hook untouched" || fail "python hook rewritten"
rm .git/hooks/post-commit
run_ot setup git --remove

# core.hooksPath respected.
git config core.hooksPath .githooks
run_ot setup git --json
assert_eq "$g/.githooks" "$(jq_out .hooks_dir)" "core.hooksPath decides the hooks dir"
[ -x .githooks/post-commit ] && pass "hook written under core.hooksPath" || fail "no hook under .githooks"

# ---- bare `setup`: needs a terminal or --yes; --yes installs what is detected --------------------
run_ot setup --json
assert_rc 2 "setup without a terminal and without --yes"
assert_eq "INTERACTIVE_REQUIRED" "$(jq_out .error.code)" "error code INTERACTIVE_REQUIRED"
export HOME="$T/home2"
mkdir -p "$HOME/.claude"
run_ot setup --yes --json
assert_rc 0 "setup --yes"
assert_contains "$(jq_out '[.results[].integration] | join(",")')" "claude-code" "setup --yes installed the detected Claude Code"
assert_contains "$(jq_out '[.results[].integration] | join(",")')" "git" "setup --yes installed git in this repository"
if ! command -v codex >/dev/null; then
  assert_eq "agent not found" "$(jq_out '.skipped[] | select(.integration=="codex") | .reason')" "setup --yes skips an absent Codex"
fi
[ -f "$HOME/.claude/settings.json" ] && pass "Claude Code settings written" || fail "no Claude Code settings"

# ot-hook hands anything but an agent hook to the full binary, argv and exit code intact.
assert_eq "$("$OT_BIN" --version)" "$("$HOOK_BIN" --version)" "ot-hook --version is the full binary's"
set +e; "$HOOK_BIN" no-such-command >/dev/null 2>&1; rc=$?; set -e
[ "$rc" -ne 0 ] && pass "ot-hook passes a bad command's exit code through ($rc)" || fail "bad command exited 0 via ot-hook"

finish
