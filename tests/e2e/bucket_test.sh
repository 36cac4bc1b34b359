#!/usr/bin/env bash
# The bucket end to end: capture ingest, spool drain of hook/trail items, status, list
# filters and paging, generations, lock wait, unreadable database.
source "$(dirname "$0")/lib.sh"

# record ID STEPS [AGENT] [FILE]: writes a TraceRecord JSON file, prints its path.
record() {
  local id=$1 steps=$2 agent=${3:-claude-code} file=${4:-calc.py} path="$T/rec-$1-$2.json"
  jq -n --arg id "$id" --argjson n "$steps" --arg agent "$agent" --arg file "$file" '{
    schema_version: "0.9.0", trace_id: $id, session_id: $id,
    timestamp_start: "2026-11-24T15:16:35Z", timestamp_end: "2026-11-24T15:20:00Z",
    agent: {name: $agent, model: "scripted-model"},
    task: {description: ("task of " + $id)},
    metadata: {cwd: "/home/dev/src/calc"},
    steps: [range($n) | {step_index: ., role: "agent", content: ("step \(.)"),
                         tool_calls: [{tool_call_id: "c\(.)", tool_name: "Edit"}]}],
    patches: [{patch_id: "p1", file_path: $file}]}' > "$path"
  echo "$path"
}

# spool_item JSON: writes one spool file the way hooks do (temp name, then rename).
spool_seq=0
spool_item() {
  mkdir -p "$OPENTRACES_HOME/spool"
  spool_seq=$((spool_seq + 1))
  local name
  name=$(printf '%013d-%d-%d-000000.json' "$(date +%s%3N)" $$ "$spool_seq")
  printf '%s\n' "$1" > "$OPENTRACES_HOME/spool/.tmp-$name"
  mv "$OPENTRACES_HOME/spool/.tmp-$name" "$OPENTRACES_HOME/spool/$name"
}

repo=$(new_repo calc)
cd "$repo"
git opentraces init --agent claude-code >/dev/null

# --- empty bucket
run_ot bucket status --json
assert_rc 0 "status on an empty home"
assert_envelope "bucket status"
assert_eq "opentraces.bucket.health.v1" "$(jq_out .schema_version)" "status schema id"
assert_eq "0" "$(jq_out .trace_count)" "no traces yet"
run_ot bucket status
assert_contains "$OUT" "No traces yet" "empty status says what to do"

# --- capture ingest: stored, then a no-op, then a new generation
run_ot capture ingest "$(record 11111111-aaaa-4bbb-8ccc-000000000001 2)" --json
assert_rc 0 "capture ingest a record"
assert_envelope "capture ingest"
assert_eq "true" "$(jq_out .changed)" "first ingest stores"
assert_eq "1" "$(jq_out .generation)" "generation 1"
slug=$(jq -r .project_id "$repo/.opentraces.json")
assert_contains "$(jq_out .project_slug)" "${slug:0:8}" "project slug comes from the enrolled repo"
run_ot capture ingest "$(record 11111111-aaaa-4bbb-8ccc-000000000001 2)" --json
assert_eq "false" "$(jq_out .changed)" "re-capturing unchanged content is a no-op"
run_ot capture ingest "$(record 11111111-aaaa-4bbb-8ccc-000000000001 4)"
assert_rc 0 "capture a grown session"
assert_contains "$OUT" "generation 2" "grown session becomes generation 2"
run_ot capture ingest "$(record 22222222-aaaa-4bbb-8ccc-000000000002 1 codex src/x.py)" --json
run_ot capture ingest "$(record 33333333-aaaa-4bbb-8ccc-000000000003 3 pi)" --json

run_ot capture ingest "$T/missing.jsonl"
assert_rc 2 "capture of a missing file"
assert_contains "$ERR" "no session file" "missing file error says what"
echo '{"steps": []}' > "$T/noid.json"
run_ot capture ingest "$T/noid.json" --json
assert_rc 2 "a file that is no session is refused"
assert_eq "INGEST_FAILED" "$(jq_out .error.code)" "refusal code"
run_ot capture ingest "$OT_FIXTURES/sessions/codex/codex-calc.jsonl" --agent codex --json
assert_rc 0 "capture a real Codex session"
codex_id=$(jq_out .trace_id)
run_ot capture ingest "$OT_FIXTURES/sessions/codex/codex-calc.jsonl" --json
assert_eq "false" "$(jq_out .changed)" "re-capturing the real session is a no-op"

# --- list
run_ot bucket list --json
assert_rc 0 "bucket list"
assert_eq "opentraces.bucket.list.v1" "$(jq_out .schema_version)" "list schema id"
assert_eq "4" "$(jq_out .total)" "four traces"
assert_eq "2" "$(jq_out '.rows[0].generation')" "row shows the latest generation"
assert_eq "unknown" "$(jq_out '.rows[0].sync_state')" "unscanned rows are unknown"
run_ot bucket list --agent codex --json
assert_eq "22222222-aaaa-4bbb-8ccc-000000000002 $codex_id" "$(jq_out '[.rows[].trace_id] | join(" ")')" "--agent filter"
run_ot bucket list --file src/x.py --count --json
assert_eq "1" "$(jq_out .count)" "--file filter with --count"
run_ot bucket list --limit 2 --json
assert_eq "2" "$(jq_out '.rows | length')" "--limit pages"
cursor=$(jq_out .cursor)
run_ot bucket list --limit 2 --cursor "$cursor" --json
assert_eq "2" "$(jq_out '.rows | length')" "--cursor continues"
assert_eq "null" "$(jq_out .cursor)" "last page has no cursor"
run_ot bucket list
assert_contains "$OUT" "4 of 4 trace(s)" "human list footer"
run_ot bucket list --since yesterday-ish
assert_rc 2 "bad --since is a usage error"

# --- prune
run_ot bucket prune --dry-run --json
assert_eq "0" "$(jq_out '.would_delete | length')" "prune finds nothing unreferenced"

# --- spool: hook and trail items are drained by the next command
now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
for i in 1 2 3; do
  spool_item "{\"kind\":\"hook_event\",\"agent\":\"claude-code\",\"event\":\"PostToolUse\",\"session_id\":\"sess-live\",\"received_at\":\"$now\",\"cwd\":\"$repo\",\"payload\":{\"i\":$i}}"
done
spool_item '{"kind":"trail_event","trace_id":"sess-live","event":{"event_type":"git_anchor_created"}}'
spool_item 'garbage'
run_ot bucket status --json
assert_eq "4" "$(jq_out .event_count)" "hook and trail events drained"
assert_eq "0" "$(jq_out .spool.pending)" "spool emptied"
assert_eq "2" "$(jq_out .spool.quarantined)" "garbage (and the refused capture) quarantined, not dropped"
assert_contains "$(cat "$OPENTRACES_HOME"/logs/*.log)" "quarantined" "quarantine is logged"

# --- the lock: a second process waits (bounded), then exits 3 with a retryable error
python3 - "$OPENTRACES_HOME/bucket" <<'PY' &
import fcntl, sys, time
f = open(sys.argv[1] + "/LOCK", "a")
fcntl.lockf(f, fcntl.LOCK_EX)
open(sys.argv[1] + "/../held", "w").close()
time.sleep(6)
PY
holder=$!
for _ in $(seq 50); do [ -e "$OPENTRACES_HOME/held" ] && break; sleep 0.1; done
start=$(date +%s%3N)
run_ot bucket status --json
waited=$(( $(date +%s%3N) - start ))
assert_rc 3 "bucket held by another process"
assert_eq "BUCKET_LOCKED" "$(jq_out .error.code)" "lock error code"
assert_eq "true" "$(jq_out .error.retryable)" "lock error is retryable"
if [ "$waited" -ge 1800 ] && [ "$waited" -le 3500 ]; then pass "waited ${waited} ms (bound 2 s)"; else fail "waited ${waited} ms"; fi
# capture while locked: the session is queued in the spool, not lost
run_ot capture ingest "$(record 44444444-aaaa-4bbb-8ccc-000000000004 1)" --json
assert_rc 0 "capture while the bucket is busy"
assert_eq "true" "$(jq_out .queued)" "capture is queued"
wait "$holder"
run_ot bucket list --count --json
assert_eq "5" "$(jq_out .count)" "queued capture is stored by the next command"

# --- export -> import into an empty home -> export: byte-identical
run_ot bucket export "$T/ex1" --json
assert_rc 0 "bucket export"
assert_eq "opentraces.bucket.export.v1" "$(jq_out .schema_version)" "export schema id"
digest=$(jq_out .bucket_digest)
assert_eq "$digest" "$(jq -r .bucket_digest "$T/ex1/manifest.json")" "manifest carries the digest"
[ -f "$T/ex1/traces/_unassigned/sess-live/sources.jsonl.gz" ] && pass "hook events exported as sources companion" || fail "no sources companion"
zcat "$T/ex1/traces/_unassigned/sess-live/sources.jsonl.gz" | head -1 | jq -e .payload >/dev/null && pass "companions are gzip JSONL" || fail "companion unreadable"
run_ot bucket export "$T/ex1"
assert_rc 4 "export into a non-empty directory"
(
  export HOME="$T/home2" OPENTRACES_HOME="$T/home2/.opentraces"
  mkdir -p "$HOME"
  run_ot bucket import "$T/ex1" --json
  assert_rc 0 "import into an empty home"
  assert_eq "$digest" "$(jq_out .bucket_digest)" "imported bucket has the same digest"
  run_ot bucket export "$T/ex2" --json
  if diff -r "$T/ex1" "$T/ex2" >/dev/null; then pass "export -> import -> export is byte-identical"; else fail "exports differ: $(diff -r "$T/ex1" "$T/ex2" | head -5)"; fi
  run_ot bucket verify --full --json
  assert_rc 0 "imported bucket verifies"
  # A copy whose content does not match its manifest digest is refused.
  cp -r "$T/ex1" "$T/ex3"
  f=$(ls "$T"/ex3/objects/*/*.json | head -1)
  jq -c '.task.description = "edited"' "$f" > "$f.new" && mv "$f.new" "$(dirname "$f")/$(jq -cj . "$f.new" 2>/dev/null | sha256sum | cut -c1-64).json" 2>/dev/null || true
  trail=$(ls "$T"/ex3/traces/*/sess-live/trail.jsonl.gz)
  echo '{"event_type":"forged","seq":1,"trace_id":"sess-live"}' | gzip -n > "$trail"
  export OPENTRACES_HOME="$T/home3/.opentraces"
  run_ot bucket import "$T/ex3" --json
  assert_rc 3 "tampered copy refused"
  assert_eq "IMPORT_DIGEST_MISMATCH" "$(jq_out .error.code)" "refusal names the digest mismatch"
  run_ot bucket status --json
  assert_eq "0" "$(jq_out .event_count)" "nothing imported from the tampered copy"
  exit $FAILURES
) || FAILURES=$((FAILURES + $?))

# --- verify and repair: flip bytes inside a stored object
# A 64-symbol alphabet, so the table's block compression keeps the marker in one piece.
marker=$(head -c 120 /dev/urandom | base64 -w0 | tr -d '/+=')
jq -n --arg m "$marker" '{trace_id: "victim-0001", agent: {name: "claude-code"}, task: {description: "victim"},
  steps: [{step_index: 0, role: "agent", content: $m}]}' > "$T/victim.json"
run_ot capture ingest "$T/victim.json" --json
assert_rc 0 "capture the victim"
# Enough incompressible data that LevelDB moves the victim from its log into a table file.
for i in 1 2 3 4; do
  grep -lq "$marker" "$OPENTRACES_HOME"/bucket/*.ldb 2>/dev/null && break
  head -c 3000000 /dev/urandom | base64 -w0 | jq -Rs --arg id "ballast-$i" '{trace_id: $id, agent: {name: "x"}, steps: [{content: .}]}' > "$T/ballast.json"
  run_ot capture ingest "$T/ballast.json" --json
done
run_ot bucket verify --full --json
assert_rc 0 "healthy before the damage"
file=$(grep -l "$marker" "$OPENTRACES_HOME"/bucket/*.ldb 2>/dev/null | head -1 || true)
if [ -z "$file" ]; then
  fail "victim object not found in a table file"
else
  # Every copy: the context tree (derived c/ blobs) keeps the step's text too. The table's block
  # compression may encode a few bytes of a copy as a back-reference to an unrelated earlier match,
  # so the whole marker is not always literal: damage every 12-byte piece of it that is. The byte
  # written ('!') is outside the marker's alphabet, so each write really changes the data.
  for f in "$OPENTRACES_HOME"/bucket/*.ldb; do
    for start in $(seq 0 12 $((${#marker} - 12))); do
      for off in $(grep -obUaF "${marker:$start:12}" "$f" | cut -d: -f1); do
        printf '!' | dd of="$f" bs=1 seek=$((off + 6)) conv=notrunc status=none
      done
    done
  done
  run_ot bucket verify --json
  assert_rc 3 "verify finds the damaged object"
  assert_eq "victim-0001" "$(jq_out '[.errors[] | select(.code == "OBJECT_CORRUPT") | .trace_id][0]')" "verify names the trace"
  run_ot bucket verify
  assert_contains "$OUT" "victim-0001" "human verify names the trace"
  run_ot bucket repair --json
  assert_rc 0 "repair"
  assert_eq "victim-0001" "$(jq_out '.lost_traces[0]')" "repair reports the trace it could not keep"
  run_ot bucket verify --full --json
  assert_rc 0 "verify passes after repair"
  run_ot capture ingest "$T/victim.json" --json
  assert_eq "true" "$(jq_out .changed)" "re-capturing restores the trace"
fi

# --- a database LevelDB cannot open
cp -r "$OPENTRACES_HOME/bucket" "$T/bucket.bak"
echo "MANIFEST-999999" > "$OPENTRACES_HOME/bucket/CURRENT"
run_ot bucket status
assert_rc 3 "unreadable database"
assert_contains "$ERR" "bucket repair" "error names the repair command"
run_ot bucket repair --json
assert_rc 0 "repair salvages a database LevelDB cannot open"
assert_eq "true" "$(jq_out .storage_repaired)" "repair ran LevelDB's salvage"
run_ot bucket verify --full --json
assert_rc 0 "salvaged bucket verifies"

finish
