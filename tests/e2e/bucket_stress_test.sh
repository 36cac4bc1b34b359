#!/usr/bin/env bash
# The bucket under stress: 16 processes hook and capture in parallel while another lists
# in a loop; then captures killed with SIGKILL at random points. Afterwards every event
# is present exactly once and `bucket verify --full` passes.
source "$(dirname "$0")/lib.sh"

repo=$(new_repo stress)
cd "$repo"
git opentraces init --agent claude-code >/dev/null

record() {  # record ID STEPS → path of a TraceRecord JSON file
  local path="$T/rec-$1-$2.json"
  jq -n --arg id "$1" --argjson n "$2" '{trace_id: $id, session_id: $id, agent: {name: "claude-code"},
    task: {description: "stress"}, steps: [range($n) | {step_index: ., role: "agent", content: "s\(.)"}]}' > "$path"
  echo "$path"
}
# timed LOG CMD...: runs CMD, appends "rc ms cmd" to LOG.
timed() {
  local log=$1; shift
  local start rc
  start=$(date +%s%3N)
  set +e; "$@" >/dev/null 2>>"$T/stderr.all"; rc=$?; set -e
  echo "$rc $(( $(date +%s%3N) - start )) $*" >> "$log"
}
hook() {  # hook SESSION PROMPT: a real UserPromptSubmit hook call
  printf '{"session_id":"%s","cwd":"%s","hook_event_name":"UserPromptSubmit","prompt":"%s","transcript_path":"/dev/null"}' \
    "$1" "$repo" "$2" | "$OT_BIN" hook claude-code UserPromptSubmit
}

# ---- concurrency ---------------------------------------------------------------------------
WORKERS=16 HOOKS=8
touch "$T/running"
(
  while [ -e "$T/running" ]; do timed "$T/lister.log" "$OT_BIN" bucket list --json; done
) &
lister=$!
for w in $(seq $WORKERS); do
  (
    for i in $(seq $HOOKS); do timed "$T/w$w.log" hook "sess-$w" "p-$w-$i"; done
    timed "$T/w$w.log" "$OT_BIN" capture ingest "$(record "cap-$w" 2)" --json
    timed "$T/w$w.log" "$OT_BIN" capture ingest "$(record "cap-$w" 3)" --json
  ) &
done
wait $(jobs -p | grep -v "^$lister$") 2>/dev/null || true
for w in $(seq $WORKERS); do while [ "$(wc -l < "$T/w$w.log" 2>/dev/null || echo 0)" -lt $((HOOKS + 2)) ]; do sleep 0.1; done; done
rm -f "$T/running"
wait "$lister"

bad=$(cat "$T"/w*.log "$T/lister.log" | awk '$1 != 0' | head -5)
assert_eq "" "$bad" "no process exited non-zero"
slowest=$(cat "$T"/w*.log "$T/lister.log" | sort -k2 -n | tail -1)
ms=$(echo "$slowest" | cut -d' ' -f2)
# The documented bound: 2 s of lock wait, plus the command's own work. The work is
# measured in this very storm, so a loaded machine (every command slower) widens the
# bound and an idle one keeps it at 4 s: the median command's time, four times over, at
# least 2 s. A command stuck behind a lock (a wait that does not give up, a holder that
# never lets go) still blows it: that stall does not move the median.
median=$(cat "$T"/w*.log "$T/lister.log" | cut -d' ' -f2 | sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}')
work=$((4 * median)); [ "$work" -ge 2000 ] || work=2000
bound=$((2000 + work))
if [ "$ms" -le "$bound" ]; then pass "slowest command took ${ms} ms (bound ${bound} ms: 2 s wait + 4 x the median ${median} ms, at least 2 s)"
else fail "too slow: $slowest (bound ${bound} ms: 2 s wait + 4 x the median ${median} ms)"; fi
lists=$(wc -l < "$T/lister.log")
[ "$lists" -ge 3 ] && pass "bucket list ran $lists times meanwhile" || fail "bucket list ran only $lists times"

run_ot bucket verify --full --json
assert_rc 0 "bucket verify --full after the storm"
run_ot bucket status --json
assert_eq "0" "$(jq_out .spool.pending)" "spool drained"
assert_eq "$WORKERS" "$(jq_out .trace_count)" "one trace per capturing worker"
assert_eq "$((WORKERS * 2))" "$(jq_out .generation_count)" "two generations each"
run_ot bucket export "$T/export" --json
assert_rc 0 "export"
dupes=0 missing=0
for w in $(seq $WORKERS); do
  prompts=$(zcat "$T/export/traces/"*"/sess-$w/sources.jsonl.gz" | jq -r .payload.prompt | sort)
  [ "$(echo "$prompts" | uniq -d)" = "" ] || dupes=$((dupes + 1))
  [ "$(echo "$prompts" | wc -l)" -eq $HOOKS ] || missing=$((missing + 1))
done
assert_eq "0 0" "$dupes $missing" "every hook event present exactly once (16 x $HOOKS)"

# ---- crash: SIGKILL at random points ---------------------------------------------------------
RUNS=${OT_CRASH_RUNS:-60}
expected=0
for r in $(seq "$RUNS"); do
  hook "crash-sess" "c-$r"; expected=$((expected + 1))
  "$OT_BIN" capture ingest "$(record "crash-$r" 1)" --json >/dev/null 2>&1 &
  pid=$!
  sleep "0.0$((RANDOM % 40))"
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
done
run_ot bucket verify --full --json
assert_rc 0 "verify --full after $RUNS killed captures"
run_ot bucket list --count --json
stored_before=$(jq_out .count)
# Killed captures whose request was spooled are stored by now; the rest never spooled
# (killed before the write) — capture them again and every one must be there.
for r in $(seq "$RUNS"); do "$OT_BIN" capture ingest "$(record "crash-$r" 1)" --json >/dev/null; done
run_ot bucket list --count --json
assert_eq "$((WORKERS + RUNS))" "$(jq_out .count)" "all crash-run traces stored once re-captured ($stored_before survived the kill)"
run_ot bucket status --json
assert_eq "0" "$(jq_out .spool.pending)" "nothing left in the spool"
assert_eq "0" "$(jq_out .spool.quarantined)" "nothing quarantined (no torn spool file)"
rm -rf "$T/export2"
run_ot bucket export "$T/export2" --json
n=$(zcat "$T/export2/traces/"*"/crash-sess/sources.jsonl.gz" | jq -r .payload.prompt | sort -u | wc -l)
total=$(zcat "$T/export2/traces/"*"/crash-sess/sources.jsonl.gz" | wc -l)
assert_eq "$expected $expected" "$n $total" "every spooled hook event survived the kills exactly once"
run_ot bucket verify --full --json
assert_rc 0 "final verify --full"

finish
