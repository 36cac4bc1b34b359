#!/usr/bin/env bash
# Issue 11: the official @huggingface/hub client (npm) against the local Hub simulator
# proves the simulator speaks the Hub's protocol.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/../hubsim/lib.sh"

hubsim_js
hubsim_start --lfs-threshold 4096 --page-size 3

# The protocol: whoami, createRepo (private/public, 409 on exists, 403 elsewhere), uploadFiles
# (regular + LFS basic transfer), listFiles (paginated), downloadFile, datasetInfo,
# listCommits, parent-commit pin (412), private visibility, deleteRepo.
if out="$(jsclient protocol "$HUBSIM" "$ALICE_TOKEN" "$BOB_TOKEN" 2>&1)"; then
  pass "JS client protocol check ($(grep -c '^ok:' <<<"$out") checks)"
else
  fail "JS client protocol check: $(grep -v '^ok:' <<<"$out")"
fi
# The same with downloads redirected the way the live Hub does (307 to a cache URL).
hubsim_ctl POST /_sim/redirects '{"resolve":true}' >/dev/null
if out="$(jsclient protocol "$HUBSIM" "$ALICE_TOKEN" "$BOB_TOKEN" redirected 2>&1)"; then
  pass "JS client protocol check with redirected downloads"
else
  fail "JS client with redirects: $(grep -v '^ok:' <<<"$out")"
fi
# Presigned LFS uploads went to the storage origin without credentials.
reqs="$(hubsim_ctl GET /_sim/requests)"
assert_eq "0" "$(jq '[.[] | select(.origin=="storage" and .authorization=="present")] | length' <<<"$reqs")" \
  "no credentials sent to the storage origin"
[ "$(jq '[.[] | select(.origin=="storage" and .method=="PUT")] | length' <<<"$reqs")" -ge 2 ] &&
  pass "LFS objects were PUT to presigned URLs" || fail "no LFS PUTs seen"

finish
