#include "engine/hub/client.h"

#include <catch2/catch.hpp>
#include <chrono>

#include "tests/engine/hub/hubsim_fixture.h"

using namespace ot;
using ot::test::HubSim;

namespace {

hub::ClientOptions opts(const HubSim& sim, std::string token = HubSim::kAlice) {
  hub::ClientOptions o;
  o.endpoint = sim.url();
  o.token = std::move(token);
  o.backoff_ms = 50;
  o.max_backoff_ms = 2000;
  o.timeout_ms = 5000;
  return o;
}

hub::RepoId dataset(const std::string& id) { return hub::RepoId{"dataset", id}; }

std::string head_of(hub::Client& c, const hub::RepoId& r) { return c.repo_info(r)->sha; }

}  // namespace

TEST_CASE("hub client: whoami, create, commit, tree, download against the simulator", "[hub]") {
  HubSim sim({"--lfs-threshold", "2048", "--page-size", "2"});
  REQUIRE(sim.started());
  hub::Client c(opts(sim));

  auto who = c.whoami();
  REQUIRE(who.ok());
  CHECK(who->name == "alice");
  CHECK(who->token_role == "write");

  hub::Client bad(opts(sim, "hf_wrong_token_zzzz"));
  auto denied = bad.whoami();
  REQUIRE_FALSE(denied.ok());
  CHECK(denied.error().code == "HUB_UNAUTHORIZED");
  CHECK(denied.error().message.find("hf_wrong") == std::string::npos);

  auto repo = dataset("alice/rows");
  auto created = c.create_repo(repo, true, false);
  REQUIRE(created.ok());
  CHECK(created->created);
  CHECK(created->url == sim.url() + "/datasets/alice/rows");
  auto again = c.create_repo(repo, true, true);
  REQUIRE(again.ok());
  CHECK_FALSE(again->created);
  auto conflict = c.create_repo(repo, true, false);
  REQUIRE_FALSE(conflict.ok());
  CHECK(conflict.error().code == "HUB_CONFLICT");
  auto forbidden = c.create_repo(dataset("bob/mine"), true, false);
  REQUIRE_FALSE(forbidden.ok());
  CHECK(forbidden.error().code == "HUB_FORBIDDEN");

  auto info = c.repo_info(repo);
  REQUIRE(info.ok());
  CHECK(info->is_private);
  CHECK(info->sha.size() == 40);

  std::string small = "{\"a\":1}\n{\"b\":\"caf\xc3\xa9\"}\n";
  std::string large(5000, 'x');
  for (size_t i = 0; i < large.size(); i += 50) large[i] = '\n';
  hub::CommitSpec spec{"add rows", "from a unit test", info->sha, {{"data/a.jsonl", small}, {"data/big.jsonl", large},
                                                                  {"README.md", "# card\n"}}, {}};
  auto commit = c.commit(repo, spec);
  REQUIRE(commit.ok());
  CHECK(commit->oid.size() == 40);
  CHECK(commit->lfs_paths == std::vector<std::string>{"data/big.jsonl"});
  CHECK(head_of(c, repo) == commit->oid);

  auto tree = c.list_tree(repo);  // page size 2: pagination followed
  REQUIRE(tree.ok());
  std::map<std::string, hub::TreeEntry> by_path;
  for (auto& e : *tree) by_path[e.path] = e;
  CHECK(by_path.count(".gitattributes"));
  CHECK(by_path["data"].type == "directory");
  CHECK(by_path["data/a.jsonl"].size == static_cast<long long>(small.size()));
  CHECK(by_path["data/a.jsonl"].lfs_sha256.empty());
  CHECK(by_path["data/big.jsonl"].lfs_sha256.size() == 64);
  auto sub = c.list_tree(repo, "main", "data", false);
  REQUIRE(sub.ok());
  CHECK(sub->size() == 2);

  CHECK(*c.download(repo, "data/a.jsonl") == small);
  CHECK(*c.download(repo, "data/big.jsonl") == large);
  auto missing = c.download(repo, "nope.txt");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code == "HUB_NOT_FOUND");
  CHECK(missing.error().kind == "EntryNotFound");

  // Downloads redirected like the live Hub (same-origin 307) still work.
  sim.ctl("POST", "/_sim/redirects", {{"resolve", true}});
  CHECK(*c.download(repo, "data/a.jsonl") == small);

  // The presigned LFS upload went to the storage origin without the token.
  auto reqs = sim.ctl("GET", "/_sim/requests");
  int storage_puts = 0;
  for (const auto& r : reqs) {
    if (r["origin"] == "storage") {
      ++storage_puts;
      CHECK(r["authorization"] == "absent");
    }
  }
  CHECK(storage_puts == 1);

  // A commit pinned to a stale parent is refused with HUB_HEAD_MOVED.
  hub::CommitSpec stale{"stale", "", info->sha, {{"x.txt", "x"}}, {}};
  auto refused = c.commit(repo, stale);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == "HUB_HEAD_MOVED");
  CHECK(refused.error().retryable);

  // Deletions, visibility, other users.
  hub::CommitSpec del{"delete", "", commit->oid, {}, {"README.md"}};
  REQUIRE(c.commit(repo, del).ok());
  CHECK(c.download(repo, "README.md").error().code == "HUB_NOT_FOUND");
  hub::Client bob(opts(sim, HubSim::kBob));
  CHECK(bob.repo_info(repo).error().code == "HUB_NOT_FOUND");
  REQUIRE(c.set_private(repo, false).ok());
  CHECK_FALSE(c.repo_info(repo)->is_private);
  CHECK(bob.repo_info(repo).ok());
  REQUIRE(c.delete_repo(repo).ok());
  CHECK(c.repo_info(repo).error().code == "HUB_NOT_FOUND");
}

TEST_CASE("hub client: retries 5xx, 429 and timeouts with a bound", "[hub]") {
  HubSim sim;
  REQUIRE(sim.started());
  hub::Client c(opts(sim));

  sim.ctl("POST", "/_sim/faults", {{"path", "whoami"}, {"action", "status"}, {"status", 500}, {"times", 2}});
  int before = c.exchanges();
  REQUIRE(c.whoami().ok());
  CHECK(c.exchanges() - before == 3);

  sim.ctl("POST", "/_sim/faults", {{"path", "whoami"}, {"action", "status"}, {"status", 502}, {"times", 100}});
  auto gave_up = c.whoami();
  REQUIRE_FALSE(gave_up.ok());
  CHECK(gave_up.error().code == "HUB_SERVER_ERROR");
  sim.ctl("DELETE", "/_sim/faults");

  sim.ctl("POST", "/_sim/faults", {{"path", "whoami"}, {"action", "status"}, {"status", 429}, {"retry_after", 1}});
  auto t0 = std::chrono::steady_clock::now();
  REQUIRE(c.whoami().ok());
  CHECK(std::chrono::steady_clock::now() - t0 >= std::chrono::milliseconds(950));  // Retry-After honoured

  auto o = opts(sim);
  o.timeout_ms = 300;
  hub::Client quick(o);
  sim.ctl("POST", "/_sim/faults", {{"path", "whoami"}, {"action", "slow"}, {"delay_ms", 1500}});
  before = quick.exchanges();
  REQUIRE(quick.whoami().ok());  // the first attempt timed out, the second answered
  CHECK(quick.exchanges() - before == 2);

  sim.ctl("POST", "/_sim/faults", {{"path", "whoami"}, {"action", "drop"}, {"times", 100}});
  auto dropped = quick.whoami();
  REQUIRE_FALSE(dropped.ok());
  CHECK(dropped.error().code == "HUB_UNREACHABLE");
  CHECK(dropped.error().retryable);
}

TEST_CASE("hub client: a lost commit answer is never committed twice", "[hub]") {
  HubSim sim;
  REQUIRE(sim.started());
  hub::Client c(opts(sim));
  auto repo = dataset("alice/once");
  REQUIRE(c.create_repo(repo, true, false).ok());
  std::string parent = head_of(c, repo);

  // The Hub applies the commit, then the connection drops before the answer.
  sim.ctl("POST", "/_sim/faults", {{"path", "/commit/"}, {"action", "drop_after"}});
  auto lost = c.commit(repo, {"once", "", parent, {{"a.txt", "a"}}, {}});
  REQUIRE_FALSE(lost.ok());
  CHECK(lost.error().code == "HUB_HEAD_MOVED");  // the retry met its own commit as the new head
  auto state = sim.ctl("GET", "/_sim/state");
  CHECK(state["repos"][0]["commits"] == 2);

  // Without a pinned parent a lost answer is not retried (it could land twice).
  sim.ctl("POST", "/_sim/faults", {{"path", "/commit/"}, {"action", "drop"}});
  auto unpinned = c.commit(repo, {"unpinned", "", "", {{"b.txt", "b"}}, {}});
  REQUIRE_FALSE(unpinned.ok());
  CHECK(unpinned.error().code == "HUB_UNREACHABLE");
}

TEST_CASE("hub client: device flow endpoints", "[hub]") {
  HubSim sim;
  REQUIRE(sim.started());
  hub::Client c(opts(sim, ""));
  auto code = c.device_start("client-x", "openid");
  REQUIRE(code.ok());
  CHECK_FALSE(code->user_code.empty());
  auto pending = c.device_poll("client-x", code->device_code);
  REQUIRE(pending.ok());
  CHECK((*pending)["error"] == "authorization_pending");
  sim.ctl("POST", "/_sim/device/approve", {{"user", "alice"}});
  auto done = c.device_poll("client-x", code->device_code);
  REQUIRE(done.ok());
  std::string token = (*done)["access_token"];
  CHECK(token.rfind("hf_", 0) == 0);
  auto o = opts(sim, token);
  hub::Client as_alice(o);
  CHECK(as_alice.whoami()->name == "alice");
}

TEST_CASE("hub: repo ids, origins and redirect targets", "[hub]") {
  CHECK(hub::parse_repo_id("alice/rows")->id == "alice/rows");
  CHECK(hub::parse_repo_id("datasets/alice/rows")->type == "dataset");
  CHECK(hub::parse_repo_id("hf://datasets/alice/rows")->id == "alice/rows");
  CHECK_FALSE(hub::parse_repo_id("rows").ok());
  CHECK_FALSE(hub::parse_repo_id("alice/../x").ok());
  CHECK_FALSE(hub::parse_repo_id("a/b/c").ok());
  CHECK(hub::parse_repo_id("a b/c").error().exit == ExitCode::kUsage);
  CHECK(hub::url_origin("https://HuggingFace.co/api/x") == "https://huggingface.co:443");
  CHECK(hub::url_origin("http://127.0.0.1:8080") == "http://127.0.0.1:8080");
  CHECK(hub::url_origin("https://cdn.example/x") != hub::url_origin("https://huggingface.co/x"));
  CHECK(hub::resolve_location("https://h.co/a/b?x=1", "/c/d") == "https://h.co/c/d");
  CHECK(hub::resolve_location("https://h.co/a/b", "c") == "https://h.co/a/c");
  CHECK(hub::resolve_location("https://h.co/a", "https://cdn.co/z") == "https://cdn.co/z");
  CHECK(hub::url_path_for_log("https://s.co/up/x?sig=secret") == "https://s.co/up/x");
  CHECK(hub::url_escape("a b/c") == "a%20b%2Fc");
  CHECK(hub::url_escape("a b/c", true) == "a%20b/c");
}
