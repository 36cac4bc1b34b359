#!/usr/bin/env bash
# capsule verdict / watch against a fake `gh` that keeps issues in a JSON file (comments,
# state): the marked verdict comment, --close on fixed only, the repository taken from
# origin, watch's one check, its polling until a verdict arrives, its timeout, and the
# failures (no gh, gh failing, a bad issue reference, no repository).
source "$(dirname "$0")/lib.sh"
export GH_ISSUES="$T/issues.json" GH_CALLS="$T/gh-calls"
echo '{}' > "$GH_ISSUES"
cat > "$T/bin/gh" <<'PY'
#!/usr/bin/env python3
# Fake gh: issue comment|close|view on a JSON file of issues keyed "owner/name#N".
import json, os, sys
args = sys.argv[1:]
with open(os.environ["GH_CALLS"], "a") as f:
    f.write(" ".join(args) + "\n")
if os.environ.get("GH_FAIL"):
    sys.stderr.write("HTTP 502: bad gateway\n"); sys.exit(1)
path = os.environ["GH_ISSUES"]
issues = json.load(open(path))
repo = args[args.index("--repo") + 1]
key = "%s#%s" % (repo, args[2])
issue = issues.setdefault(key, {"state": "OPEN", "url": "https://github.com/%s/issues/%s" % (repo, args[2]), "comments": []})
if args[:2] == ["issue", "comment"]:
    assert args[args.index("--body-file") + 1] == "-"
    issue["comments"].append({"body": sys.stdin.read(), "createdAt": "2026-11-26T00:00:%02dZ" % len(issue["comments"])})
    print("%s#issuecomment-%d" % (issue["url"], len(issue["comments"])))
elif args[:2] == ["issue", "close"]:
    issue["state"] = "CLOSED"
elif args[:2] == ["issue", "view"]:
    assert args[args.index("--json") + 1] == "state,comments,url"
    print(json.dumps(issue))
else:
    sys.stderr.write("unexpected: %s\n" % args); sys.exit(2)
if args[1] != "view":  # only writers write (a watch polling meanwhile must not undo a comment)
    json.dump(issues, open(path + ".tmp", "w"))
    os.rename(path + ".tmp", path)
PY
chmod +x "$T/bin/gh"
repo="$(new_repo widget)"
cd "$repo"
git remote add origin git@github.com:acme/widget.git
HEAD_SHA="$(git rev-parse HEAD)"

echo "== watch before any verdict: one check, pending"
run_ot capsule watch 42 --json
assert_rc 0 "watch"
check_schema opentraces.capsule.watch.v1 "watch (pending)"
assert_eq "acme/widget 42 false null 1" "$(jq_out '"\(.repo) \(.number) \(.unblocked) \(.verdict) \(.checks)"')" "pending, repo from origin"
run_ot capsule watch 42
assert_eq PENDING "$OUT" "human output: PENDING"

echo "== verdicts"
run_ot capsule verdict 42 --state reproduces --note "still fails" --json
assert_rc 0 "verdict reproduces"
check_schema opentraces.capsule.verdict.v1 "verdict"
assert_eq "reproduces $HEAD_SHA false" "$(jq_out '"\(.verdict) \(.ref) \(.closed)"')" "at HEAD, not closed"
body="$(jq -r '."acme/widget#42".comments[0].body' "$GH_ISSUES")"
assert_contains "$body" "<!-- opentraces-verdict: reproduces ref=$HEAD_SHA -->" "the comment carries the marker"
assert_contains "$body" "still fails" "and the note"
run_ot capsule watch https://github.com/acme/widget/issues/42 --json
assert_eq "reproduces false" "$(jq_out '"\(.verdict) \(.unblocked)"')" "watch by URL: reproduces, still blocked"
run_ot capsule verdict 42 --state reproduces --close
assert_rc 2 "--close with a verdict other than fixed"
assert_contains "$ERR" "fixed verdict only" "says --close needs fixed"
run_ot capsule verdict 42 --state wontfix
assert_rc 2 "an unknown state"
run_ot capsule verdict 42 --state fixed --ref no-such-rev
assert_rc 2 "a --ref that names no commit"
assert_eq 1 "$(jq '."acme/widget#42".comments | length' "$GH_ISSUES")" "refused verdicts posted nothing"
run_ot capsule verdict acme/widget#42 --state fixed --close --json
assert_rc 0 "verdict fixed --close"
assert_eq "true" "$(jq_out .closed)" "closed"
assert_eq CLOSED "$(jq -r '."acme/widget#42".state' "$GH_ISSUES")" "the issue is closed"
run_ot capsule watch 42 --json
assert_eq "fixed true verdict" "$(jq_out '"\(.verdict) \(.unblocked) \(.unblocked_by)"')" "watch: unblocked by the fixed verdict"
run_ot capsule watch 42
assert_eq UNBLOCKED "$OUT" "human output: UNBLOCKED"

echo "== watch polls until a verdict arrives, or gives up"
( sleep 2; "$OT_BIN" capsule verdict 43 --state fixed >/dev/null 2>&1 ) &
run_ot capsule watch 43 --timeout 60 --interval 1 --json
wait
assert_eq "true fixed" "$(jq_out '"\(.unblocked) \(.verdict)"')" "unblocked once the verdict was posted"
[ "$(jq_out .checks)" -ge 2 ] && pass "$(jq_out .checks) checks" || fail "expected several checks: $(jq_out .checks)"
run_ot capsule watch 44 --timeout 2 --interval 1 --json
assert_rc 0 "watch timing out"
assert_eq "false" "$(jq_out .unblocked)" "still pending at the timeout"
[ "$(jq_out .waited_s)" -le 4 ] && pass "gave up after $(jq_out .waited_s) s" || fail "waited $(jq_out .waited_s) s"

echo "== failures"
GH_FAIL=1 run_ot capsule watch 42 --json
assert_rc 3 "gh failing"
assert_eq GH_FAILED "$(jq_out .error.code)" "GH_FAILED"
mkdir -p "$T/nogh" && for p in cat git sh env; do ln -sf "$(command -v "$p")" "$T/nogh/$p"; done
PATH="$T/nogh" run_ot capsule verdict 42 --state fixed
assert_rc 3 "no gh on PATH"
assert_contains "$ERR" "gh" "names gh"
run_ot capsule watch "42; rm -rf /"
assert_rc 2 "a bad issue reference"
cd "$T"
run_ot capsule watch 42 --json
assert_rc 2 "outside a repository, no --repo"
assert_eq NO_ISSUE_REPO "$(jq_out .error.code)" "NO_ISSUE_REPO"
run_ot capsule verdict 45 --repo acme/other --state inconclusive --json
assert_rc 0 "outside a repository with --repo"
assert_eq null "$(jq_out .ref)" "no commit outside a repository"
finish
