// Dataset review: the datasets, one row with its provenance and approve / reject /
// reset (buttons and keys a/r/u, j/k between rows), written through dataset::review,
// the engine call behind `git opentraces dataset review`.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <optional>

#include "engine/dataset/rows.h"
#include "engine/util/fs.h"
#include "engine/web/html.h"
#include "engine/web/pages.h"

namespace ot::web {
namespace {

std::string get(const Params& p, const std::string& k) {
  auto it = p.find(k);
  return it == p.end() ? std::string() : it->second;
}

std::string counts_text(const std::map<std::string, int64_t>& counts) {
  std::string s;
  for (const auto& [k, v] : counts) s += (s.empty() ? "" : " · ") + std::to_string(v) + " " + k;
  return s.empty() ? "no rows" : s;
}

std::string pretty(const json& j) { return j.dump(2, ' ', false, json::error_handler_t::replace); }

// The data of one row: its line of data/train.jsonl (entry.line, 1-based).
Result<json> row_data(const dataset::Dataset& ds, const dataset::RowIndexEntry& e) {
  auto corrupt = [&](std::string why) {
    return make_error(ExitCode::kResource, "DATASET_CORRUPT", "dataset review", ds.data_path().string() + ": " + why,
                      "check the dataset with `git opentraces dataset status " + ds.name() + "`");
  };
  auto text = read_file(ds.data_path());
  if (!text.ok()) return corrupt("cannot be read: " + text.error().message);
  size_t pos = 0;
  for (int64_t n = 1; n < e.line && pos != std::string::npos; ++n) {
    pos = text->find('\n', pos);
    if (pos != std::string::npos) ++pos;
  }
  if (pos == std::string::npos || pos >= text->size() || e.line < 1) return corrupt("has no line " + std::to_string(e.line) + " for " + e.row_id);
  size_t end = text->find('\n', pos);
  json j = json::parse(text->substr(pos, end == std::string::npos ? std::string::npos : end - pos), nullptr, false);
  if (j.is_discarded()) return corrupt("line " + std::to_string(e.line) + " (" + e.row_id + ") is not JSON");
  return j;
}


// Opened datasets, reused while none of their files changed (every file of .opentraces/
// and the data file: size and modification time). Opening parses the manifest, the row
// index and the publication state, the bulk of a dataset page's time; a review (here or
// from the CLI) rewrites the state, so the next page reopens. Callers hold the engine lock.
Result<const dataset::Dataset*> open_dataset(const std::string& name) {
  struct Entry {
    std::string stamp;
    std::optional<dataset::Dataset> ds;
  };
  static std::map<std::string, Entry> cache;
  auto dir = dataset::dataset_dir(name);
  if (!dir.ok()) return dir.error();
  std::string stamp;
  std::error_code ec;
  std::vector<std::filesystem::path> files{*dir / "data" / "train.jsonl"};
  for (const auto& e : std::filesystem::directory_iterator(*dir / ".opentraces", ec)) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    auto size = std::filesystem::file_size(f, ec);
    auto t = std::filesystem::last_write_time(f, ec);
    stamp += f.filename().string() + ":" + std::to_string(ec ? 0 : size) + ":" +
             std::to_string(ec ? 0 : t.time_since_epoch().count()) + ";";
  }
  Entry& e = cache[name];
  if (!e.ds || e.stamp != stamp) {
    auto ds = dataset::Dataset::open(name);
    if (!ds.ok()) {
      cache.erase(name);
      return ds.error();
    }
    e.ds = std::move(*ds);
    e.stamp = stamp;
  }
  return &*e.ds;
}
}  // namespace

Response datasets_page(const Site& site) {
  std::string h = "<h1>Datasets</h1>";
  std::vector<std::filesystem::path> dirs;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dataset::datasets_root(), ec))
    if (e.is_directory() && e.path().filename().string()[0] != '.') dirs.push_back(e.path());
  std::sort(dirs.begin(), dirs.end());
  if (dirs.empty()) {
    h += "<p>No datasets yet. Create one with <code>git opentraces dataset new NAME --workflow bursts-sft-v1</code>, then "
         "<code>git opentraces dataset run NAME</code>.</p>";
  } else {
    h += "<table class=\"datasets\"><thead><tr><th>Dataset</th><th>Workflow</th><th class=\"num\">Rows</th><th>States</th></tr></thead><tbody>";
    for (const auto& d : dirs) {
      std::string name = d.filename().string();
      auto ds = open_dataset(name);
      if (!ds.ok()) {
        h += "<tr><td>" + esc(name) + "</td><td colspan=\"3\" class=\"error\">" + esc(ds.error().message) + "</td></tr>";
        continue;
      }
      const dataset::Dataset& dset = **ds;
      const json& wf = dset.manifest().contains("workflow") ? dset.manifest()["workflow"] : json::object();
      std::map<std::string, int64_t> counts;
      for (const auto& [id, s] : dataset::evaluate_states(dset).rows) counts[s.status]++;
      h += "<tr><td><a class=\"dataset-link\" href=\"/datasets/" + url_enc(name) + "\">" + esc(name) + "</a></td><td>" +
           esc(wf.is_object() ? wf.value("skill", "") : "") + "</td><td class=\"num\">" + std::to_string(dset.row_count()) + "</td><td>" +
           esc(counts_text(counts)) + "</td></tr>";
    }
    h += "</tbody></table>";
  }
  return Response{200, "text/html; charset=utf-8", layout("Datasets", "datasets", "datasets", site.token, h)};
}

Response review_page(const Site& site, const std::string& name, const Params& p) {
  auto opened = open_dataset(name);
  if (!opened.ok()) return error_page(site, opened.error(), "datasets");
  const dataset::Dataset* ds = *opened;
  // The index and states for the list; the data of the shown row only (a page load must not
  // parse every row of a large dataset).
  const auto* rows = &ds->index();
  // The states as `dataset review` shows them: block reasons re-evaluated against the policy.
  const auto state = dataset::evaluate_states(*ds);
  std::map<std::string, int64_t> counts;
  for (const auto& s : dataset::all_statuses()) counts[s] = 0;
  for (const auto& [id, s] : state.rows) counts[s.status]++;

  std::string h = "<h1>Review · " + esc(name) + "</h1><p class=\"muted\" id=\"counts\">" + esc(counts_text(counts)) + "</p>";
  if (rows->empty()) {
    h += "<p>This dataset has no rows yet: <code>git opentraces dataset run " + esc(name) + "</code>.</p>";
    return Response{200, "text/html; charset=utf-8", layout("Review " + name, "datasets", "review", site.token, h)};
  }
  size_t cur = rows->size();
  std::string want = get(p, "row");
  for (size_t i = 0; i < rows->size() && cur == rows->size(); ++i)
    if (want.empty() ? state.rows.at((*rows)[i].row_id).status == dataset::kNeedsReview : (*rows)[i].row_id == want) cur = i;
  if (cur == rows->size()) {
    if (!want.empty()) {
      Error e = make_error(ExitCode::kNotFound, "ROW_NOT_FOUND", "dataset review", "dataset " + name + " has no row " + want,
                           "pick a row from the list at /datasets/" + name);
      return error_page(site, e, "datasets");
    }
    cur = 0;
  }
  const auto& entry = (*rows)[cur];
  const auto& st = state.rows.at(entry.row_id);
  const auto& pv = entry.provenance;
  auto data = row_data(*ds, entry);
  if (!data.ok()) return error_page(site, data.error(), "datasets");
  auto row_href = [&](size_t i) { return "/datasets/" + url_enc(name) + "?row=" + url_enc((*rows)[i].row_id); };

  h += "<div class=\"review-layout\"><section id=\"review\" data-dataset=\"" + esc(name) + "\" data-row=\"" + esc(entry.row_id) + "\">";
  h += "<h2 class=\"mono\">" + esc(entry.row_id) + " <span class=\"badge " + esc(st.status) + "\" id=\"row-status\">" + esc(st.status) +
       "</span></h2><p class=\"muted\">row " + std::to_string(cur + 1) + " of " + std::to_string(rows->size()) + "</p>";
  if (!st.block_reasons.empty()) {
    std::string reasons;
    for (const auto& r : st.block_reasons) reasons += (reasons.empty() ? "" : ", ") + r;
    h += "<p class=\"error\">blocked: " + esc(reasons) + "</p>";
  }
  h += "<p><button class=\"approve\" data-action=\"approve\" id=\"approve\">Approve <kbd>a</kbd></button> "
       "<button class=\"reject\" data-action=\"reject\" id=\"reject\">Reject <kbd>r</kbd></button> "
       "<button data-action=\"reset\" id=\"reset\">Reset <kbd>u</kbd></button> &nbsp; ";
  h += cur > 0 ? "<a id=\"prev-row\" href=\"" + row_href(cur - 1) + "\">← previous <kbd>k</kbd></a> " : "";
  h += cur + 1 < rows->size() ? "<a id=\"next-row\" href=\"" + row_href(cur + 1) + "\">next <kbd>j</kbd> →</a>" : "";
  h += "</p><p class=\"msg\" id=\"review-msg\" role=\"status\"></p>";

  h += "<h2>Provenance</h2><dl class=\"facts\" id=\"provenance\"><dt>Source</dt><dd>";
  if (!pv.trace_id.empty()) {
    std::string anchor = pv.step_range ? "?step=" + std::to_string(pv.step_range->first) + "#step-" + std::to_string(pv.step_range->first) : "";
    h += "<a class=\"source-trace\" href=\"/trace/" + url_enc(pv.trace_id) + anchor + "\">" + esc(pv.source_ref.empty() ? pv.trace_id : pv.source_ref) + "</a>";
  } else {
    h += esc(pv.source_ref.empty() ? "-" : pv.source_ref);
  }
  h += "</dd>";
  if (pv.step_range) h += "<dt>Steps</dt><dd>" + std::to_string(pv.step_range->first) + " – " + std::to_string(pv.step_range->second) + "</dd>";
  if (!pv.unit_id.empty()) h += "<dt>Unit</dt><dd class=\"mono\">" + esc(pv.unit_id) + "</dd>";
  if (pv.record_ref.is_object())
    h += "<dt>Record</dt><dd class=\"mono\">" + esc(pv.record_ref.value("record_hash", "")) + " (generation " +
         std::to_string(pv.record_ref.value("generation", 0)) + ")</dd>";
  h += "<dt>Run</dt><dd class=\"mono\">" + esc(entry.run_id) + " · " + esc(short_time(entry.appended_at)) + "</dd>";
  h += "<dt>Security</dt><dd>privacy tier " + esc(st.privacy_tier) + " · " + std::to_string(st.redactions_applied) + " redaction(s) · version " +
       esc(st.security_version.empty() ? "-" : st.security_version) + (st.security_stale ? " (stale)" : "") + "</dd>";
  if (!st.reviewed_at.empty()) h += "<dt>Reviewed</dt><dd>" + esc(short_time(st.reviewed_at)) + " by " + esc(st.reviewed_by) + "</dd>";
  h += "</dl><h2>Row</h2><pre id=\"row-data\">" + esc(pretty(*data)) + "</pre>";
  h += "<details><summary>Provenance (JSON)</summary><pre>" + esc(pretty(pv.to_json())) + "</pre></details></section>";

  h += "<aside><h2>Rows</h2><div class=\"rowlist\">";
  for (size_t i = 0; i < rows->size(); ++i) {
    const auto& id = (*rows)[i].row_id;
    const auto& s = state.rows.at(id).status;
    h += "<a href=\"" + row_href(i) + "\"" + (i == cur ? " class=\"current\"" : "") + "><span class=\"mono\">" + esc(id) + "</span> <span class=\"badge " +
         esc(s) + "\">" + esc(s) + "</span></a>";
  }
  h += "</div></aside></div>";
  return Response{200, "text/html; charset=utf-8", layout("Review " + name, "datasets", "review", site.token, h)};
}

Response api_review(const std::string& name, const std::string& body) {
  auto bad = [](std::string msg) {
    return api_error(make_error(ExitCode::kUsage, "INVALID_REQUEST", "serve", std::move(msg),
                                "POST {\"action\": \"approve|reject|reset\", \"row_ids\": [\"row_...\"]} (or \"all\": true)"));
  };
  json req = json::parse(body, nullptr, false);
  if (req.is_discarded() || !req.is_object()) return bad("the request body is not a JSON object");
  std::string action = req.value("action", "");
  if (action != "approve" && action != "reject" && action != "reset") return bad("unknown action \"" + action + "\"");
  std::vector<std::string> ids;
  if (req.contains("row_ids")) {
    if (!req["row_ids"].is_array()) return bad("row_ids must be an array of row ids");
    for (const auto& id : req["row_ids"]) {
      if (!id.is_string()) return bad("row_ids must be an array of row ids");
      ids.push_back(id.get<std::string>());
    }
  }
  bool all = req.value("all", false);
  if (all == !ids.empty()) return bad("name row ids or pass all: true (one of them)");
  const char* user = std::getenv("USER");
  auto r = dataset::review(name, action, ids, all, user && *user ? user : "local");
  if (!r.ok()) return api_error(r.error());
  ordered_json doc;
  doc["status"] = "ok";
  doc["schema_version"] = "opentraces.dataset.review_action.v1";
  doc["dataset"] = name;
  doc["action"] = action;
  json counts = json::object();
  for (const auto& [k, v] : r->counts) counts[k] = v;
  doc["counts"] = counts;
  doc["row_ids"] = r->row_ids;
  doc["skipped"] = r->skipped;
  return json_response(doc);
}

}  // namespace ot::web
