#include "engine/util/fs.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>

#include "engine/util/time.h"

namespace ot {

namespace {
Error io_error(const fs::path& path, const std::string& what, int err) {
  return make_error(ExitCode::kResource, "IO_ERROR", "fs",
                    what + " " + path.string() + ": " + std::strerror(err),
                    "check the path exists and is writable", err == EAGAIN || err == EINTR);
}
}  // namespace

Result<std::string> read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return io_error(path, "cannot read", errno ? errno : ENOENT);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Status write_file_atomic(const fs::path& path, std::string_view bytes, unsigned mode) {
  std::random_device rd;
  fs::path tmp = path;
  tmp += ".tmp-" + std::to_string(getpid()) + "-" + std::to_string(rd() & 0xffffff);
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) return io_error(tmp, "cannot create", errno);
  size_t off = 0;
  while (off < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + off, bytes.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      return io_error(tmp, "cannot write", err);
    }
    off += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return io_error(tmp, "cannot flush", err);
  }
  ::chmod(tmp.c_str(), mode);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return io_error(path, "cannot replace", err);
  }
  fs::path dir = path.parent_path().empty() ? fs::path(".") : path.parent_path();
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return ok_status();
}

Result<fs::path> backup_file(const fs::path& path) {
  std::string stamp = utc_now_iso();
  for (char& c : stamp)
    if (c == ':') c = '-';
  fs::path bak = path;
  bak += ".bak-" + stamp;
  std::error_code ec;
  fs::copy_file(path, bak, fs::copy_options::overwrite_existing, ec);
  if (ec) return io_error(bak, "cannot back up to", ec.value());
  return bak;
}

Status ensure_dir(const fs::path& dir, unsigned mode) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return io_error(dir, "cannot create directory", ec.value());
  ::chmod(dir.c_str(), mode);
  return ok_status();
}

}  // namespace ot

namespace ot {

std::optional<fs::path> find_on_path(std::string_view name) {
  const char* path = std::getenv("PATH");
  if (!path) return std::nullopt;
  std::string_view rest = path;
  while (!rest.empty()) {
    size_t colon = rest.find(':');
    std::string dir(rest.substr(0, colon));
    if (!dir.empty()) {
      fs::path candidate = fs::path(dir) / name;
      if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    }
    if (colon == std::string_view::npos) break;
    rest.remove_prefix(colon + 1);
  }
  return std::nullopt;
}

}  // namespace ot
