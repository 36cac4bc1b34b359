#include "engine/security/bucket_run.h"

#include "engine/security/gate.h"
#include "engine/security/record_scan.h"
#include "engine/security/sanitize.h"

namespace ot::security {

json RunReport::to_json() const {
  return {{"total", total},
          {"filtered", filtered},
          {"already_filtered", already_filtered},
          {"still_blocked", still_blocked},
          {"failed", failed},
          {"history_values_rewritten", history_values_rewritten},
          {"findings_by_type", findings_by_type},
          {"traces", traces}};
}

Result<std::vector<json>> all_rows(bucket::Bucket& b) {
  std::vector<json> rows;
  bucket::ListOptions o;
  o.limit = 1000;
  while (true) {
    auto page = b.list(o);
    if (!page.ok()) return page.error();
    for (auto& r : page->rows) rows.push_back(std::move(r));
    if (page->next_cursor.empty()) break;
    o.cursor = page->next_cursor;
  }
  return rows;
}

namespace {

void add_counts(json& into, const json& counts) {
  for (auto it = counts.begin(); it != counts.end(); ++it) into[it.key()] = into.value(it.key(), 0) + it.value().get<int>();
}

json run_one(bucket::Bucket& b, const std::string& tid, const std::string& project, const Policy& policy,
             const RunOptions& o, RunReport& rep) {
  json item = {{"trace_id", tid}};
  auto fail = [&](const Error& e) {
    rep.failed++;
    item["outcome"] = "failed";
    item["error"] = {{"code", e.code}, {"message", e.message}};
    return item;
  };
  auto rec = b.get_record(tid);
  if (!rec.ok()) return fail(rec.error());
  if (!o.force && clear_for_egress(*rec, policy).cleared) {
    rep.already_filtered++;
    item["outcome"] = "already_filtered";
    return item;
  }
  auto scan = scan_record(*rec, policy, o.accept_open_findings);
  if (!scan.ok()) return fail(scan.error());
  bucket::PutOptions put_opts;
  put_opts.project_slug = project;  // a redaction must never move a trace to another project
  auto put = b.put_record(scan->record, put_opts);
  if (!put.ok()) return fail(put.error());
  // put_record answers "already stored" when an older generation holds the same bytes; the
  // redacted record must then still be the current one, or the trace stays unredacted.
  auto now = b.row(tid);
  if (!now.ok()) return fail(now.error());
  if (now->value("record_hash", "") != put->record_hash)
    return fail(make_error(ExitCode::kResource, "SECURITY_STORE_CONFLICT", "bucket security run",
                           "the redacted record matches an older generation and did not become current",
                           "run `git opentraces bucket security run --trace " + tid + " --force` again"));
  // Older generations and events: redacted in place with the same scope, so placeholders match.
  auto history = b.rewrite_history(tid, [&](const json& v) -> Result<json> {
    auto r = sanitize(v, policy, {.scope = tid, .path_key = {}});
    if (!r.ok()) return r.error();
    return std::move(r->value);
  });
  if (!history.ok()) return fail(history.error());
  rep.history_values_rewritten += *history;
  json counts = findings_by_type(scan->result.findings);
  add_counts(rep.findings_by_type, counts);
  item["generation"] = put->generation;
  item["redactions"] = scan->result.redactions;
  item["findings_by_type"] = counts;
  item["history_values_rewritten"] = *history;
  Clearance c = clear_for_egress(scan->record, policy);
  if (c.cleared) {
    rep.filtered++;
    item["outcome"] = "filtered";
  } else {
    rep.still_blocked++;
    item["outcome"] = "still_blocked";
    item["reason"] = c.reason;
  }
  return item;
}

}  // namespace

Result<RunReport> run_security(bucket::Bucket& b, const Policy& policy, const RunOptions& o) {
  if (policy.is_off())
    return make_error(ExitCode::kUsage, "SECURITY_POLICY_OFF", "bucket security run",
                      "the security policy runs no tool, so a run would clear nothing",
                      "git opentraces bucket security policy recommended");
  RunReport rep;
  std::vector<std::pair<std::string, std::string>> targets;  // trace, project
  if (o.trace) {
    auto row = b.row(*o.trace);
    if (!row.ok()) return row.error();
    targets.emplace_back(*o.trace, row->value("project_slug", ""));
  } else {
    auto rows = all_rows(b);  // collected first: the run rewrites rows as it goes
    if (!rows.ok()) return rows.error();
    for (const auto& r : *rows) targets.emplace_back(r.value("trace_id", ""), r.value("project_slug", ""));
  }
  for (const auto& [tid, project] : targets) {
    rep.total++;
    rep.traces.push_back(run_one(b, tid, project, policy, o, rep));
  }
  if (rep.history_values_rewritten > 0 || rep.filtered + rep.still_blocked > 0) b.compact();
  return rep;
}

Result<json> security_overview(bucket::Bucket& b, const Policy& policy) {
  auto rows = all_rows(b);
  if (!rows.ok()) return rows.error();
  int64_t total = 0, cleared = 0, unscanned = 0, stale = 0;
  json by_reason = json::object();
  for (const auto& r : *rows) {
    total++;
    SecurityState s = read_state(r);
    if (!s.scanned) unscanned++;
    else if (s.security_version != policy.version) stale++;
    Clearance c = clear_for_egress(r, policy);
    if (c.cleared) cleared++;
    else by_reason[c.reason] = by_reason.value(c.reason, 0) + 1;
  }
  json next = json::array();
  std::string reason;
  if (policy.is_off()) {
    reason = std::string(kReasonPolicyOff);
    next.push_back("git opentraces bucket security policy recommended");
  }
  if (total > cleared) {
    if (reason.empty()) reason = by_reason.begin().key();
    next.push_back("git opentraces bucket security run --all");
  }
  return json{{"total", total},
              {"cleared", cleared},
              {"filtered", cleared},
              {"unfiltered", total - cleared},
              {"unscanned", unscanned},
              {"stale", stale},
              {"withheld_by_reason", by_reason},
              {"remediation", {{"reason", reason.empty() ? json(nullptr) : json(reason)}, {"next_steps", next}}}};
}

}  // namespace ot::security
