// Fuzzes the apply_patch envelope parser and patches_from_tool_call on shell commands.
#include <cstdint>
#include <cstdlib>

#include "engine/parse/apply_patch.h"
#include "engine/parse/patches.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  auto parsed = ot::parse::parse_apply_patch(text);
  for (const auto& h : parsed.hunks)
    if (h.operation != "create" && h.operation != "edit" && h.operation != "delete" && h.operation != "rename")
      std::abort();
  (void)ot::parse::extract_apply_patch(text);
  ot::parse::PatchContext ctx{"t", "/repo", 0, "c", {"fuzz"}};
  auto patches = ot::parse::patches_from_tool_call("exec_command", ot::json{{"cmd", "apply_patch <<'P'\n" + text}}, ctx);
  auto direct = ot::parse::patches_from_tool_call("apply_patch", ot::json(text), ctx);
  for (const auto& p : direct) {
    auto back = ot::schema::patch_from_json(ot::schema::to_json(p));
    if (!back.ok() || back->patch_id != p.patch_id) std::abort();
  }
  (void)patches;
  return 0;
}
