#!/usr/bin/env bash
# Context Tree end to end: a crafted Claude Code session with a rewind, a compaction and
# a sub-agent is ingested; ctx overview / step / layer / stdin refs / tree / diff /
# compactions / reads / writes / resume / prune are checked against hand-derived shapes.
source "$(dirname "$0")/lib.sh"


repo=$(new_repo branchy)
cd "$repo"
mkdir -p "$T/sessions"
cp -r "$OT_FIXTURES/ctx/cc-branchy.jsonl" "$OT_FIXTURES/ctx/cc-branchy.subagents" "$T/sessions/"
src="$T/sessions/cc-branchy.jsonl"
run_ot capture ingest "$src" --json
assert_rc 0 "ingest the crafted session"
tid=5e55a0c1-0000-4000-8000-000000000001

# --- overview
run_ot ctx "$tid" --json
assert_rc 0 "ctx <trace>"
assert_envelope "ctx overview"
assert_eq "opentraces.ctx.view.v1" "$(jq_out .schema_version)" "view schema id"
check_schema opentraces.ctx.view.v1 "overview"
assert_eq "overview 13 13" "$(jq_out '"\(.view) \(.step_count) \(.node_count)"')" "13 steps, 13 nodes"
assert_eq "5 8" "$(jq_out '"\(.size.sparkline | length) \(.active_path_length)"')" "sparkline: one bar per model call on the 8-node active path"
run_ot ctx "${tid:0:8}"
assert_rc 0 "ctx <prefix> (human)"
assert_contains "$OUT" "13 steps" "human overview gives the step count"
assert_contains "$OUT" "look →" "human overview suggests where to look"

# --- step view and layers
run_ot ctx "$tid:5" --json
assert_eq "step 5 rewind_branch" "$(jq_out '"\(.view) \(.step_index) \(.branch_type)"')" "ctx <trace>:5 is a step view of the rewind"
run_ot ctx "$tid:6" --json
assert_eq "5" "$(jq_out .saw.messages)" "step 6 saw 5 messages"
check_schema opentraces.ctx.view.v1 "step view"
run_ot ctx "$tid:6" --layer messages --json
assert_eq "user,assistant,tool,assistant,user" "$(jq_out '[.content.messages[].role] | join(",")')" "messages the model had at step 6"
assert_eq "Instead, add a third chore: water plants" "$(jq_out '.content.messages[4].content')" "after the rewind the model saw the new prompt, not the rewound one"
run_ot ctx "$tid:12" --layer messages --json
assert_eq "4" "$(jq_out .page.total)" "after the compaction: summary, prompt, Agent call, result"
assert_contains "$(jq_out '.content.messages[0].content')" "continued from a previous conversation" "the compaction summary opens the context"
run_ot ctx "$tid:12" --layer messages --with-dropped --json
assert_eq "10 6" "$(jq_out '"\(.page.total) \([.content.messages[] | select(.dropped)] | length)"')" "--with-dropped adds the 6 compacted messages"
check_schema opentraces.ctx.view.v1 "messages layer view"
run_ot ctx "$tid:12" --layer messages --limit 2 --offset 1 --json
assert_eq "2 1 4" "$(jq_out '"\(.page.shown) \(.page.offset) \(.page.total)"')" "paging"
run_ot ctx "$tid:last" --layer tools --json
assert_eq '["Agent","Read","Write"]' "$(jq_out '.content.tools | tojson')" "tool registry: the tools the trace called"
run_ot ctx "$tid:last" --layer system --json
assert_eq "stub" "$(jq_out .completeness)" "Claude transcripts carry no system prompt"
check_schema opentraces.ctx.view.v1 "system layer view"
run_ot ctx "$tid:6" --layer messages
assert_contains "$OUT" "[4] user: Instead, add a third chore" "human layer view lists [i] role: preview"

# --- stdin refs (JSONL and bare), de-duplicated
set +e
OUT=$(printf '{"trace_id":"%s","step":2}\n%s:3\n%s:3\n' "$tid" "$tid" "$tid" | "$OT_BIN" ctx --json 2>"$T/stderr"); RC=$?
set -e
assert_rc 0 "refs from stdin"
assert_eq "2 3" "$(jq_out '[.views[].step_index] | join(" ")')" "two distinct refs read from stdin"
check_schema opentraces.ctx.view.v1 "several views"

# --- errors
run_ot ctx "$tid:99" --json
assert_rc 3 "missing step → 3"
assert_eq "STEP_NOT_FOUND" "$(jq_out .error.code)" "missing step code"
run_ot ctx nosuchtrace
assert_rc 3 "missing trace → 3"
run_ot ctx "$tid:1-3"
assert_rc 2 "a span is not a ctx address → 2"
run_ot ctx "$tid" "$tid:1"
assert_rc 2 "two positional refs → 2"
run_ot ctx "$tid:1" --layer bogus
assert_rc 2 "unknown layer → 2"

# --- tree
run_ot ctx tree "$tid" --json
assert_rc 0 "ctx tree"
assert_envelope "ctx tree"
check_schema opentraces.context_tree.v1 "ctx tree"
assert_eq '{"compaction_fork":1,"linear":9,"manual_branch":0,"rewind_branch":1,"root":1,"subagent_fork":1}' \
  "$(jq_out '.branch_counts | tojson')" "node counts per branch type"
assert_eq "11 1 2" "$(jq_out '"\(.nodes | length) \(.orphan_branch_roots | length) \(.orphan_count)"')" "orphans hidden by default"
leaf=$(jq_out .active_leaf_id)
run_ot ctx "$tid:12" --json
assert_eq "$leaf" "$(jq_out .node_id)" "active leaf is the last main step"
run_ot ctx tree "$tid" --show-orphans --json
assert_eq "13 3,4" "$(jq_out '"\(.nodes | length) \([.nodes[] | select(.orphan) | .step_index] | join(","))"')" "--show-orphans lists the rewound steps"
run_ot ctx tree "$tid" --depth 2 --json
assert_eq "0,1,2" "$(jq_out '[.nodes[] | .step_index] | join(",")')" "--depth 2"
run_ot ctx tree "$tid"
assert_contains "$OUT" "subagent_fork sub1" "human tree names the sub-agent"

# --- diff
run_ot ctx diff "$tid:4" "$tid:6" --layer messages --json
assert_rc 0 "ctx diff"
check_schema opentraces.context_diff.v1 "ctx diff"
assert_eq "4 1 1" "$(jq_out '.diff.changed[0] | "\(.common_prefix) \(.removed_messages | length) \(.added_messages | length)"')" "rewind diff: 4 shared, the old prompt out, the new one in"
node3=$(run_ot ctx "$tid:3" --json; jq_out .node_id)
run_ot ctx diff "$node3" "$tid:5" --json
assert_rc 0 "ctx diff by node id"
assert_contains "$(jq_out '.diff.unchanged | join(",")')" "messages" "the rewound and the new prompt saw the same conversation"
run_ot ctx diff sha256:0000000000000000000000000000000000000000000000000000000000000000 "$tid:1"
assert_rc 3 "unknown node → 3"

# --- compactions
run_ot ctx compactions "$tid" --show-loss --json
assert_rc 0 "ctx compactions"
check_schema opentraces.context_compactions.v1 "ctx compactions"
assert_eq "1 6 manual" "$(jq_out '"\(.compactions | length) \(.compactions[0].loss_detail.removed_messages) \(.compactions[0].trigger)"')" "one compaction dropped 6 messages"
assert_eq "u0,a1,a2,u5,a6" "$(jq_out '.compactions[0].removed_message_uuids | join(",")')" "compacted span follows the active path"

# --- reads / writes
run_ot ctx reads "$tid" --json
assert_eq "opentraces.context_reads.v1" "$(jq_out .schema_version)" "reads schema"
check_schema opentraces.context_reads.v1 "ctx reads"
assert_eq "1:Read" "$(jq_out '[.reads[] | "\(.step_index):\(.tool_name)"] | first')" "first read: the Read result at step 1"
run_ot ctx writes "$tid" --from-step 9 --to-step 11 --json
assert_eq "10 README.md null" "$(jq_out '.writes[0] | "\(.step_index) \(.file_path) \(.trail_anchor_hint)"')" "the sub-agent's Write"
check_schema opentraces.context_writes.v1 "ctx writes"

# --- resume
run_ot ctx resume "$tid:8" --packet-only
assert_rc 0 "ctx resume --packet-only"
check_schema opentraces.context_resume.v1 "resume packet"
assert_eq "opentraces.context_resume.v1 4" "$(jq_out '"\(.schema_version) \(.messages | length)"')" "packet: the context at step 8 plus the step itself"

# --- prune
run_ot ctx prune "$tid:6" --source-jsonl "$src" --json
assert_rc 0 "ctx prune (dry run)"
check_schema opentraces.context_prune.v1 "ctx prune"
assert_eq "true 7 5" "$(jq_out '"\(.dry_run) \(.lines_out) \(.steps_on_path)"')" "dry run: 7 lines, 5 steps on the path"
dest=$(jq_out .destination)
[ ! -e "$dest" ] && pass "dry run writes nothing" || fail "dry run wrote $dest"
run_ot ctx prune "$tid:6" --source-jsonl "$src" --to-session pruned-6 --write --json
assert_rc 0 "ctx prune --write"
run_ot trace parse "$T/sessions/pruned-6.jsonl" --json
assert_eq "5 pruned-6" "$(jq_out '"\(.record.steps | length) \(.record.trace_id)"')" "the parser reads the pruned session back: 5 steps"
run_ot ctx prune "$tid:12" --source-jsonl "$src" --to-session pruned-12 --write --json
assert_eq "8" "$(jq_out .steps_on_path)" "path to the last step crosses the compaction"
run_ot trace parse "$T/sessions/pruned-12.jsonl" --json
assert_eq "8" "$(jq_out '.record.steps | length')" "pruned-12 reads back with 8 steps"
run_ot ctx prune "$tid:6" --source-jsonl "$src" --to-session pruned-6 --write
assert_rc 4 "existing destination → 4"
run_ot ctx prune "$tid:6" --source-jsonl "$OT_FIXTURES/sessions/claude-code/cc-calc.jsonl"
assert_rc 3 "a session file without the node's lines → 3"

# --- empty state: a record without steps has no tree
jq -n '{schema_version:"0.9.0", trace_id:"empty-1", session_id:"empty-1", agent:{name:"claude-code"}, steps:[], metadata:{}}' > "$T/empty.json"
run_ot capture ingest "$T/empty.json" --json
run_ot ctx empty-1 --json
assert_rc 0 "no tree → empty state, exit 0"
assert_eq "context_tree_not_captured" "$(jq_out '.limitations | join(",")')" "empty state names the limitation"
check_schema opentraces.ctx.view.v1 "empty state"
run_ot ctx tree empty-1 --json
assert_rc 0 "ctx tree on an empty trace"
check_schema opentraces.context_tree.v1 "empty tree"

finish
