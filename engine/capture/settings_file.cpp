#include "engine/capture/settings_file.h"

#include <sys/stat.h>

#include "engine/util/fs.h"
#include "engine/util/hash.h"
#include "engine/util/paths.h"

namespace ot::capture {

namespace fs = std::filesystem;

namespace {

fs::path resolve_target(const fs::path& file) {
  std::error_code ec;
  fs::path abs = fs::absolute(file, ec);
  if (ec) abs = file;
  fs::path t = fs::weakly_canonical(abs, ec);  // follows a dotfile manager's symlink
  return ec ? abs : t;
}

std::string dump(const ordered_json& doc) { return doc.dump(2) + "\n"; }

Error corrupt(const fs::path& file, const std::string& why) {
  return make_error(ExitCode::kResource, "SETTINGS_CORRUPT", "setup",
                    file.string() + " is not a valid JSON settings file (" + why + "); it was not changed",
                    "fix or move the file by hand, then run the command again");
}

bool is_blank(const std::string& s) { return s.find_first_not_of(" \t\r\n") == std::string::npos; }

struct Current {
  fs::path target;
  bool existed = false;
  std::string bytes;
  ordered_json doc = ordered_json::object();
};

Result<Current> load(const fs::path& file) {
  Current c;
  c.target = resolve_target(file);
  std::error_code ec;
  if (!fs::exists(c.target, ec)) return c;
  auto text = read_file(c.target);
  if (!text.ok()) return text.error();
  c.existed = true;
  c.bytes = std::move(text).value();
  if (is_blank(c.bytes)) return c;
  try {
    c.doc = ordered_json::parse(c.bytes);
  } catch (const std::exception& e) {
    return corrupt(file, e.what());
  }
  if (!c.doc.is_object()) return corrupt(file, "the top level is not an object");
  return c;
}

struct Original {
  bool existed = false;
  std::string bytes;
};

std::optional<Original> load_original(const fs::path& target) {
  auto text = read_file(original_record_path(target));
  if (!text.ok()) return std::nullopt;
  json rec = json::parse(*text, nullptr, false);
  if (!rec.is_object() || rec.value("path", "") != target.string()) return std::nullopt;
  return Original{rec.value("existed", false), rec.value("bytes", "")};
}

}  // namespace

fs::path original_record_path(const fs::path& target) {
  return ot_home() / "integrations" / "originals" / (sha256_hex(target.string()).substr(0, 16) + ".json");
}

Result<std::optional<ordered_json>> read_settings(const fs::path& file) {
  auto c = load(file);
  if (!c.ok()) return c.error();
  if (!c->existed) return std::optional<ordered_json>{};
  return std::optional<ordered_json>{c->doc};
}

Result<SettingsPlan> plan_install(const fs::path& file, const SettingsEdit& edit) {
  auto c = load(file);
  if (!c.ok()) return c.error();
  ordered_json doc = c->doc;
  OT_TRY_STATUS(edit(doc));
  SettingsPlan p;
  p.file = file;
  p.target = c->target;
  p.existed = c->existed;
  p.before = c->bytes;
  p.changed = !c->existed || doc != c->doc;
  p.after = p.changed ? dump(doc) : c->bytes;
  return p;
}

Result<SettingsPlan> plan_remove(const fs::path& file, const SettingsEdit& strip) {
  auto c = load(file);
  if (!c.ok()) return c.error();
  SettingsPlan p;
  p.install = false;
  p.file = file;
  p.target = c->target;
  p.existed = c->existed;
  p.before = c->bytes;
  p.after = c->bytes;
  if (!c->existed) return p;
  ordered_json doc = c->doc;
  OT_TRY_STATUS(strip(doc));
  if (doc == c->doc) return p;  // nothing of ours in it
  p.changed = true;
  p.after = dump(doc);
  if (auto orig = load_original(c->target)) {
    if (!orig->existed && doc.empty()) {
      p.remove_file = true;
      p.restores_original = true;
    } else if (orig->existed) {
      ordered_json was = is_blank(orig->bytes) ? ordered_json::object()
                                               : ordered_json::parse(orig->bytes, nullptr, false);
      if (!was.is_discarded() && was == doc) {
        p.after = orig->bytes;
        p.restores_original = true;
      }
    }
  }
  return p;
}

Result<std::optional<fs::path>> apply_plan(const SettingsPlan& p, const SettingsEdit& strip) {
  if (!p.changed) return std::optional<fs::path>{};
  fs::path record = original_record_path(p.target);
  if (p.install) {
    // Keep the original bytes while the file is still free of our entries.
    bool untouched = true;
    if (p.existed && !is_blank(p.before)) {
      ordered_json doc = ordered_json::parse(p.before, nullptr, false);
      ordered_json stripped = doc;
      if (!doc.is_discarded()) {
        OT_TRY_STATUS(strip(stripped));
        untouched = stripped == doc;
      }
    }
    if (untouched) {
      OT_TRY_STATUS(ensure_dir(record.parent_path(), 0700));
      json rec = {{"path", p.target.string()}, {"existed", p.existed}, {"bytes", p.before}};
      OT_TRY_STATUS(write_file_atomic(record, pretty_json(rec), 0600));
    }
  }
  std::optional<fs::path> backup;
  unsigned mode = 0644;
  if (p.existed && !p.remove_file) {  // a file we created needs no backup to go away
    auto b = backup_file(p.target);
    if (!b.ok()) return b.error();
    backup = *b;
    struct stat st {};
    if (::stat(p.target.c_str(), &st) == 0) mode = st.st_mode & 07777;
  }
  if (p.remove_file) {
    std::error_code ec;
    fs::remove(p.target, ec);
    if (ec)
      return make_error(ExitCode::kResource, "IO_ERROR", "setup",
                        "cannot remove " + p.target.string() + ": " + ec.message(), "check permissions");
  } else {
    std::error_code ec;
    fs::create_directories(p.target.parent_path(), ec);
    OT_TRY_STATUS(write_file_atomic(p.target, p.after, mode));
  }
  if (!p.install) {
    std::error_code ec;
    fs::remove(record, ec);
  }
  return backup;
}

}  // namespace ot::capture
