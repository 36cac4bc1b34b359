// `git opentraces auth login|logout|whoami`: Hugging Face authentication (docs/auth.md).
// The token is never printed, logged, or put in --json output.
#include <termios.h>
#include <unistd.h>

#include <iostream>

#include "engine/hub/auth.h"
#include "engine/hub/client.h"
#include "engine/util/paths.h"
#include "git-opentraces/cli.h"

namespace ot::cmd {
namespace {

std::string source_label(const hub::TokenInfo& t) {
  if (t.source == "credentials") return "git-opentraces credentials (" + t.path + ")";
  if (t.source == "hf_cache") return "Hugging Face cache token (" + t.path + ")";
  return "$" + t.source;
}

// Validates a token with whoami; a 401 becomes TOKEN_INVALID (exit 3).
hub::WhoAmI validate(const std::string& token) {
  hub::Client client(hub::options_from_env(token));
  auto who = client.whoami();
  if (!who.ok() && who.error().code == "HUB_UNAUTHORIZED") {
    cli::fail(ExitCode::kResource, "TOKEN_INVALID", "auth", "the Hub rejected the token (" + client.options().endpoint + ")",
              "create a new token at https://huggingface.co/settings/tokens and run `git opentraces auth login --token`");
  }
  return cli::unwrap(std::move(who));
}

// Reads a token from stdin: masked prompt on a terminal, else the first line of the pipe.
std::string read_token_from_stdin() {
  std::string line;
  if (cli::globals().stdin_tty) {
    if (cli::globals().json) cli::require_interactive("auth login", "--token with the token piped on stdin");
    std::cerr << "Hugging Face token (input hidden): " << std::flush;
    termios old{};
    bool masked = tcgetattr(STDIN_FILENO, &old) == 0;
    if (masked) {
      termios quiet = old;
      quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
      tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    }
    std::getline(std::cin, line);
    if (masked) tcsetattr(STDIN_FILENO, TCSANOW, &old);
    std::cerr << "\n";
  } else {
    std::getline(std::cin, line);
  }
  return line;
}

void emit_login(const hub::WhoAmI& who, const std::string& method, bool already) {
  if (cli::globals().json) {
    auto doc = cli::envelope("opentraces.auth.login.v1");
    doc["authenticated"] = true;
    doc["username"] = who.name;
    doc["method"] = method;
    doc["already_authenticated"] = already;
    if (!already) doc["credentials_path"] = credentials_path().string();
    doc["next_steps"] = {"git opentraces dataset remote create NAME " + who.name + "/REPO --private"};
    doc["next_command"] = "git opentraces init";
    cli::emit_json(doc);
    return;
  }
  if (already) {
    cli::say("Already authenticated as " + cli::bold(who.name) + " (" + method + ")");
  } else {
    cli::say(cli::green("Logged in") + " as " + cli::bold(who.name) + "; token saved to " + credentials_path().string() +
             " (mode 0600)");
  }
}

void run_login(bool token_flag, std::string token_value, long device_timeout) {
  if (!token_flag) {
    // Already holding a working token? Say so; a stale stored token is dropped and login goes on.
    if (auto current = hub::resolve_token()) {
      hub::Client client(hub::options_from_env(current->token));
      auto who = client.whoami();
      if (who.ok()) return emit_login(*who, source_label(*current), true);
      if (who.error().code != "HUB_UNAUTHORIZED") cli::fail(who.error());
      if (current->source == "credentials") cli::unwrap(hub::remove_credentials());
    }
    hub::Client client(hub::options_from_env(""));
    hub::DeviceFlow flow;
    flow.client_id = hub::oauth_client_id();
    flow.timeout_s = device_timeout;
    flow.show = [](const hub::Client::DeviceCode& code) {
      // stderr: stdout stays one JSON document under --json.
      std::cerr << "To log in, open " << code.verification_uri << " and enter the code " << code.user_code << "\n";
      if (!code.verification_uri_complete.empty()) std::cerr << "  (or open " << code.verification_uri_complete << ")\n";
      std::cerr << "Waiting for approval (Ctrl-C to stop)..." << std::endl;
    };
    auto result = cli::unwrap(hub::device_login(client, flow));
    auto who = validate(result.access_token);
    cli::unwrap(hub::save_credentials({result.access_token, who.name, "device", result.refresh_token}));
    return emit_login(who, "device", false);
  }
  std::string token = token_value.empty() ? read_token_from_stdin() : token_value;
  token = cli::unwrap(hub::check_token_shape(token));
  auto who = validate(token);
  cli::unwrap(hub::save_credentials({token, who.name, "token", ""}));
  emit_login(who, "token", false);
}

void run_logout(bool hf_cache) {
  bool removed = cli::unwrap(hub::remove_credentials());
  bool removed_cache = false;
  if (hf_cache) {
    std::error_code ec;
    removed_cache = std::filesystem::remove(hub::hf_cache_token_path(), ec);
  }
  auto still = hub::resolve_token();
  if (cli::globals().json) {
    auto doc = cli::envelope("opentraces.auth.logout.v1");
    doc["authenticated"] = still.has_value();
    doc["removed_credentials"] = removed;
    doc["removed_hf_cache_token"] = removed_cache;
    if (still) doc["still_authenticated_via"] = still->source;
    cli::emit_json(doc);
    return;
  }
  cli::say(removed ? "Logged out: removed " + credentials_path().string() : "No stored git-opentraces credentials");
  if (removed_cache) cli::say("Removed the Hugging Face cache token " + hub::hf_cache_token_path().string());
  if (still) {
    cli::say(cli::yellow("Still authenticated") + " through " + source_label(*still) +
             (still->source == "hf_cache" ? " (add --hf-cache to remove it)" : " (unset it to log out)"));
  }
}

void run_whoami() {
  auto current = hub::resolve_token();
  if (!current) {
    if (cli::globals().json) {
      auto doc = cli::envelope("opentraces.auth.whoami.v1", "needs_action");
      doc["authenticated"] = false;
      doc["next_command"] = "git opentraces auth login";
      cli::emit_json(doc);
    } else {
      cli::say("Not authenticated. Run `git opentraces auth login` (or set HF_TOKEN).");
    }
    return;
  }
  hub::Client client(hub::options_from_env(current->token));
  auto who = client.whoami();
  if (!who.ok() && who.error().code == "HUB_UNAUTHORIZED") {
    cli::fail(ExitCode::kResource, "TOKEN_INVALID", "auth",
              "the Hub rejected the token from " + source_label(*current),
              "run `git opentraces auth login` for a new one (or fix " +
                  (current->path.empty() ? "$" + current->source : current->path) + ")");
  }
  auto w = cli::unwrap(std::move(who));
  if (cli::globals().json) {
    auto doc = cli::envelope("opentraces.auth.whoami.v1");
    doc["authenticated"] = true;
    doc["username"] = w.name;
    doc["orgs"] = w.orgs;
    doc["token_role"] = w.token_role;
    doc["token_source"] = current->source;
    doc["endpoint"] = client.options().endpoint;
    cli::emit_json(doc);
    return;
  }
  cli::say(cli::bold(w.name) + (w.token_role.empty() ? "" : "  (" + w.token_role + " token)") + "  via " +
           source_label(*current));
  if (!w.orgs.empty()) {
    std::string orgs;
    for (const auto& o : w.orgs) orgs += (orgs.empty() ? "" : ", ") + o;
    cli::say("orgs: " + orgs);
  }
}

}  // namespace

void register_auth(CLI::App& root) {
  CLI::App* group = cli::add_command(root, "auth", "Hugging Face authentication (login, logout, whoami)",
                                     "  git opentraces auth login                    device flow in the browser\n"
                                     "  echo \"$TOKEN\" | git opentraces auth login --token\n"
                                     "  git opentraces auth whoami --json\n");
  group->require_subcommand(1);

  auto* login = cli::add_command(
      *group, "login", "Log in to the Hugging Face Hub (device flow, or --token)",
      "  git opentraces auth login                        approve a code in the browser\n"
      "  echo \"$TOKEN\" | git opentraces auth login --token  a token from huggingface.co/settings/tokens\n"
      "  git opentraces auth login --token --json < token.txt\n"
      "\nThe token is checked with the Hub (whoami) and saved to $OPENTRACES_HOME/credentials (mode 0600).\n"
      "Exit codes: 0 logged in, 2 usage, 3 invalid token / Hub refused / device login timed out.");
  auto token_flag = std::make_shared<bool>(false);
  auto token_value = std::make_shared<std::string>();
  auto device_timeout = std::make_shared<long>(900);
  login->add_option_function<std::string>(
           "--token", [token_flag, token_value](const std::string& v) { *token_flag = true; *token_value = v; },
           "Log in with an access token: read from stdin (masked prompt on a terminal); a value here works "
           "but lands in shell history")
      ->expected(0, 1)
      ->default_str("");
  login->add_option("--device-timeout", *device_timeout, "Seconds to wait for the device-flow approval")
      ->check(CLI::Range(1L, 3600L));
  login->callback([login, token_flag, token_value, device_timeout] {
    bool flag = *token_flag || login->count("--token") > 0;
    run_login(flag, *token_value, *device_timeout);
  });

  auto* logout = cli::add_command(*group, "logout", "Remove the stored token",
                                  "  git opentraces auth logout\n"
                                  "  git opentraces auth logout --hf-cache   also remove ~/.cache/huggingface/token\n");
  auto hf_cache = std::make_shared<bool>(false);
  logout->add_flag("--hf-cache", *hf_cache, "Also remove the Hugging Face libraries' cached token");
  logout->callback([hf_cache] { run_logout(*hf_cache); });

  auto* whoami = cli::add_command(*group, "whoami", "Show who the current token belongs to, and where it comes from",
                                  "  git opentraces auth whoami\n  git opentraces auth whoami --json\n"
                                  "\nExit codes: 0 (also when not logged in: status needs_action), 3 token rejected.");
  whoami->callback([] { run_whoami(); });
}

}  // namespace ot::cmd
