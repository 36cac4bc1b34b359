#include "engine/dataset/common.h"

#include "engine/util/fs.h"
#include "engine/util/time.h"

namespace ot::dataset {

namespace {
Error run_error(const std::string& code, const std::string& message, const std::string& hint = {}) {
  return make_error(ExitCode::kResource, code, "dataset run", message, hint);
}
}  // namespace

std::string stamp_compact() {
  std::string iso = utc_now_iso();  // 2026-11-25T15:52:56.123Z
  std::string out;
  for (char c : iso.substr(0, 19))
    if (c != '-' && c != ':') out += c;
  return out + "Z";
}

json identity_input(const json& row, const json& manifest) {
  const json& id = manifest["identity"];
  if (id.value("mode", "payload_hash") != "fields") return row;
  json sel = json::object();
  for (const auto& f : id["fields"]) {
    std::string k = f.get<std::string>();
    sel[k] = row.contains(k) ? row[k] : json();
  }
  return sel;
}

Result<std::vector<json>> read_output(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec))
    return run_error("WORKFLOW_NO_OUTPUT", "the workflow wrote no output file (" + path.filename().string() + ")",
                     "a workflow must write its rows to $OT_DATASET_OUTPUT (an empty file is fine)");
  auto text = read_file(path);
  if (!text.ok()) return text.error();
  std::vector<json> rows;
  size_t pos = 0;
  int line_no = 0;
  while (pos < text->size()) {
    size_t nl = text->find('\n', pos);
    if (nl == std::string::npos) nl = text->size();
    std::string line = text->substr(pos, nl - pos);
    pos = nl + 1;
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    auto j = parse_json(line, "output line " + std::to_string(line_no));
    if (!j.ok())
      return run_error("WORKFLOW_INVALID_OUTPUT", "output line " + std::to_string(line_no) + " is not valid JSON: " + j.error().message,
                       "each line of $OT_DATASET_OUTPUT must be one JSON object");
    if (!j->is_object())
      return run_error("WORKFLOW_INVALID_OUTPUT", "output line " + std::to_string(line_no) + " is not a JSON object",
                       "each line of $OT_DATASET_OUTPUT must be one JSON object");
    rows.push_back(std::move(*j));
  }
  return rows;
}

Result<json> settle_appended(Dataset& ds, const std::vector<std::pair<RowIndexEntry, json>>& add, bool approve_new) {
  PublicationState st = evaluate_states(ds);
  json approved = json::array();
  if (approve_new)
    for (const auto& [e, _] : add) {
      RowState& rs = st.rows[e.row_id];
      if (rs.status != kNeedsReview) continue;
      rs.status = kPublishable;
      rs.reviewed_by = "dataset-run-automation";
      rs.reviewed_at = rs.updated_at = utc_now_iso();
      approved.push_back(e.row_id);
    }
  OT_TRY_STATUS(ds.save_state(st));
  if (!approve_new) return json();
  return json{{"approved_new_count", approved.size()}, {"row_ids", approved}};
}

}  // namespace ot::dataset
