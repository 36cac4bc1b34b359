// trace export: selection, the egress gate, export-time redaction and the files (export.h).
#include "engine/export/export.h"

#include <cctype>
#include <cstdlib>
#include <set>

#include "engine/export/formats.h"
#include "engine/schema/record.h"
#include "engine/security/gate.h"
#include "engine/security/sanitize.h"
#include "engine/util/fs.h"

namespace ot::trace_export {

namespace fs = std::filesystem;

namespace {

Result<std::vector<std::string>> select(bucket::Bucket& b, const ExportOptions& o) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (const auto& id : o.ids) {
    auto full = b.resolve_prefix(id);
    if (!full.ok()) return full.error();
    if (seen.insert(*full).second) out.push_back(*full);
  }
  if (o.since_ms) {
    bucket::ListOptions lo;
    lo.since_ms = o.since_ms;
    lo.agent = o.agent;
    lo.project = o.project;
    lo.limit = 1000;
    for (;;) {
      auto page = b.list(lo);
      if (!page.ok()) return page.error();
      for (const auto& row : page->rows) {
        std::string id = row.value("trace_id", "");
        if (!id.empty() && seen.insert(id).second) out.push_back(id);
      }
      if (page->next_cursor.empty()) break;
      lo.cursor = page->next_cursor;
    }
  }
  return out;
}

}  // namespace

json open_findings_of(const json& record) {
  json out = json::array();
  const json& sec = record.contains("metadata") && record["metadata"].contains("security") ? record["metadata"]["security"]
                                                                                            : json::object();
  if (sec.contains("findings") && sec["findings"].is_array())
    for (const auto& f : sec["findings"])
      if (f.is_object() && f.value("resolved", true) == false) out.push_back(f);
  return out;
}

namespace {

void replace_all(std::string& s, const std::string& from, const std::string& to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) s.replace(at, from.size(), to);
}

// Home directories become "~" in every string (keys too), whatever the policy's tools did.
void scrub_home(json& j, const std::string& home) {
  if (j.is_string()) {
    std::string s = j.get<std::string>();
    if (s.find(home) == std::string::npos) return;
    replace_all(s, home + "/", "~/");
    if (s == home) s = "~";
    j = s;
  } else if (j.is_array()) {
    for (auto& v : j) scrub_home(v, home);
  } else if (j.is_object()) {
    json out = json::object();
    for (auto& [k, v] : j.items()) {
      json key = k;
      scrub_home(key, home);
      scrub_home(v, home);
      out[key.get<std::string>()] = std::move(v);
    }
    j = std::move(out);
  }
}

}  // namespace

std::string home_dir() {
  std::string home = std::getenv("HOME") ? std::getenv("HOME") : "";
  while (home.size() > 1 && home.back() == '/') home.pop_back();
  return home.size() <= 1 ? std::string() : home;
}

Result<std::vector<ExportFile>> session_files(json value, const std::string& format, const std::string& home) {
  if (format != "native" && format != "sts")
    return make_error(ExitCode::kUsage, "INVALID_FORMAT", "trace export", "unknown export format \"" + format + "\"",
                      "use --format native (the agent's own JSONL) or --format sts (Session Trace Simple Format)");
  if (!home.empty()) scrub_home(value, home);
  // `bucket security run` stores security.flags_reviewed as a boolean (record_scan.cpp);
  // the TraceRecord schema says integer. Read it as the count it means.
  if (value.contains("security") && value["security"].is_object() && value["security"].contains("flags_reviewed") &&
      value["security"]["flags_reviewed"].is_boolean())
    value["security"]["flags_reviewed"] = value["security"]["flags_reviewed"].get<bool>() ? 1 : 0;
  auto record = schema::record_from_json(value);
  if (!record.ok()) return record.error();
  std::vector<ExportFile> files;
  std::string sub;
  if (format == "sts") {
    files.push_back(sts_file(*record));
    sub = "sts";
  } else {
    files = native_files(*record);
    sub = record->agent.name;
    if (files.empty())
      return make_error(ExitCode::kUsage, "NATIVE_FORMAT_UNKNOWN", "trace export",
                        "trace " + record->trace_id + " is from agent \"" + record->agent.name +
                            "\", which has no native session format here",
                        "export it with --format sts");
  }
  for (auto& f : files) f.path = sub + "/" + f.path;
  return files;
}

std::map<std::string, int64_t> placeholder_counts(const std::string& bytes) {
  std::map<std::string, int64_t> out;
  auto is_kind = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.'; };
  for (size_t at = bytes.find('['); at != std::string::npos; at = bytes.find('[', at + 1)) {
    std::string kind;
    size_t p;
    if (bytes.compare(at, 10, "[REDACTED:") == 0) p = at + 10;
    else if (bytes.compare(at, 6, "[USER:") == 0) p = at + 6, kind = "home_path_user";
    else continue;
    size_t q = p;
    while (q < bytes.size() && is_kind(bytes[q])) ++q;
    if (q == p || q >= bytes.size() || bytes[q] != ']') continue;
    if (kind.empty()) kind = bytes.substr(p, q - p);
    ++out[kind];
  }
  return out;
}

ordered_json ExportReport::to_json() const {
  ordered_json doc;
  doc["format"] = format;
  doc["out_dir"] = out_dir.string();
  doc["exported_count"] = exported.size();
  doc["withheld_count"] = withheld.size();
  doc["files"] = files;
  doc["bytes"] = bytes;
  ordered_json ex = ordered_json::array();
  for (const auto& e : exported) {
    ordered_json t;
    t["trace_id"] = e.trace_id;
    t["agent"] = e.agent;
    t["files"] = e.files;
    t["bytes"] = e.bytes;
    t["redactions"] = e.redactions;
    t["cleared"] = e.clearance.value("cleared", false);
    t["clearance"] = e.clearance;
    t["open_findings"] = e.open_findings;
    ex.push_back(t);
  }
  doc["exported"] = ex;
  ordered_json wh = ordered_json::array();
  for (const auto& w : withheld) wh.push_back(ordered_json::parse(w.dump()));
  doc["withheld"] = wh;
  return doc;
}

Result<ExportReport> export_traces(bucket::Bucket& b, const security::Policy& policy, const ExportOptions& o) {
  if (o.format != "native" && o.format != "sts")
    return make_error(ExitCode::kUsage, "INVALID_FORMAT", "trace export", "unknown export format \"" + o.format + "\"",
                      "use --format native (the agent's own JSONL) or --format sts (Session Trace Simple Format)");
  if (o.ids.empty() && !o.since_ms)
    return make_error(ExitCode::kUsage, "NOTHING_SELECTED", "trace export", "no trace selected",
                      "name trace ids (or unique prefixes), or pass --since 7d");
  auto ids = select(b, o);
  if (!ids.ok()) return ids.error();

  ExportReport rep;
  rep.format = o.format;
  rep.out_dir = o.out_dir;
  // Pass 1: the gate, from the list rows (cheap); the record only for a refusal's findings.
  std::vector<json> clearances;
  for (const auto& id : *ids) {
    auto row = b.row(id);
    if (!row.ok()) return row.error();
    security::Clearance c = security::clear_for_egress(*row, policy);
    json cj = c.to_json();
    if (!c.cleared) {
      auto rec = b.get_record(id);
      if (!rec.ok()) return rec.error();
      rep.withheld.push_back({{"trace_id", id},
                              {"reason", c.reason},
                              {"detail", c.detail},
                              {"next_step", c.next_step},
                              {"open_findings", open_findings_of(*rec)}});
    }
    clearances.push_back(std::move(cj));
  }
  if (!rep.withheld.empty() && !o.allow_findings) return rep;

  std::string home = o.home.empty() ? home_dir() : o.home;

  for (size_t i = 0; i < ids->size(); ++i) {
    const std::string& id = (*ids)[i];
    auto rec = b.get_record(id);
    if (!rec.ok()) return rec.error();
    // A cleared trace's current generation was redacted by this very policy and version
    // (that is what the gate checked), so sanitizing it again would find nothing new; a
    // trace exported past the gate is redacted here, now.
    bool cleared = clearances[i].value("cleared", false);
    security::SanitizeResult clean;
    if (cleared) {
      clean.value = std::move(*rec);
    } else {
      security::SanitizeOptions so;
      so.scope = id;
      auto s = security::sanitize(*rec, policy, so);
      if (!s.ok()) return s.error();
      clean = std::move(*s);
    }
    json value = std::move(clean.value);
    auto files = session_files(value, o.format, home);
    if (!files.ok()) return files.error();

    TraceExport te;
    te.trace_id = id;
    te.agent = value.contains("agent") && value["agent"].is_object() ? value["agent"].value("name", "") : "";
    te.redactions = clean.redactions;
    te.clearance = clearances[i];
    if (!cleared) {
      te.open_findings = open_findings_of(value);
      for (const auto& f : clean.findings)
        if (!f.resolved) te.open_findings.push_back(f.to_json());
    }
    for (auto& f : *files) {
      const std::string& rel = f.path;
      fs::path target = o.out_dir / rel;
      OT_TRY_STATUS(ensure_dir(target.parent_path()));
      OT_TRY_STATUS(write_file_atomic(target, f.bytes));
      te.files.push_back(rel);
      te.bytes += static_cast<int64_t>(f.bytes.size());
    }
    rep.bytes += te.bytes;
    rep.files += static_cast<int64_t>(te.files.size());
    rep.exported.push_back(std::move(te));
  }
  return rep;
}

}  // namespace ot::trace_export
