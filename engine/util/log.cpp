#include "engine/util/log.h"

#include <spdlog/sinks/null_sink.h>
#include <spdlog/sinks/rotating_file_sink.h>

#include <system_error>

#include "engine/util/paths.h"

namespace ot {

spdlog::logger& log() {
  static std::shared_ptr<spdlog::logger> logger = [] {
    std::shared_ptr<spdlog::logger> l;
    try {
      std::error_code ec;
      std::filesystem::create_directories(logs_dir(), ec);
      auto sink = std::make_shared<spdlog::sinks::rotating_file_sink_mt>(
          (logs_dir() / "opentraces.log").string(), 5 * 1024 * 1024, 2);
      l = std::make_shared<spdlog::logger>("opentraces", sink);
    } catch (...) {
      l = std::make_shared<spdlog::logger>("opentraces", std::make_shared<spdlog::sinks::null_sink_mt>());
    }
    l->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %l [%P] %v", spdlog::pattern_time_type::utc);
    l->flush_on(spdlog::level::info);
    l->set_error_handler([](const std::string&) {});  // a full disk must not print to a hook's stderr
    return l;
  }();
  return *logger;
}

}  // namespace ot
