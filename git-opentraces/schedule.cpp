// `git opentraces schedule tick`: runs every dataset schedule that is due. Meant for
// cron or a systemd timer (docs/datasets.md, "Schedules"). Engine: engine/dataset/schedule.h.
#include <memory>

#include "engine/dataset/schedule.h"
#include "engine/util/time.h"
#include "git-opentraces/cli.h"

namespace ot::cmd {

void register_schedule(CLI::App& root) {
  CLI::App* group = cli::add_command(root, "schedule", "Run due dataset schedules (for cron / systemd timers)",
                                     "  git opentraces schedule tick\n"
                                     "  # crontab:  */5 * * * * cd ~ && git opentraces schedule tick >/dev/null\n");
  group->require_subcommand(1);
  auto force = std::make_shared<bool>(false);
  CLI::App* tick = cli::add_command(*group, "tick", "Run every enabled dataset schedule that is due now",
                                    "  git opentraces schedule tick --json\n  git opentraces schedule tick --force\n");
  tick->add_flag("--force", *force, "Run every enabled schedule, due or not");
  tick->callback([force] {
    auto items = cli::unwrap(dataset::schedule_tick(now_ms(), *force));
    int failed = 0;
    for (const auto& i : items) failed += i.outcome == "failed";
    if (cli::globals().json) {
      auto doc = cli::envelope("opentraces.schedule.tick.v1", failed ? "partial" : "ok");
      json arr = json::array();
      for (const auto& i : items) arr.push_back(json{{"dataset", i.dataset}, {"outcome", i.outcome}, {"detail", i.detail}});
      doc["datasets"] = arr;
      cli::emit_json(doc);
    } else {
      if (items.empty()) cli::say("No enabled schedules.");
      for (const auto& i : items) {
        std::string line = i.dataset + "  " + i.outcome;
        if (i.outcome == "ran") line += "  appended=" + std::to_string(i.detail.value("appended_count", 0));
        if (i.outcome == "failed") line += "  " + i.detail.value("message", "");
        if (i.outcome == "skipped_not_due") line += "  next " + i.detail.value("next_run_at", "");
        cli::say(line);
      }
    }
    // A failed run is recorded in its dataset; the tick itself succeeded.
  });
}

}  // namespace ot::cmd
