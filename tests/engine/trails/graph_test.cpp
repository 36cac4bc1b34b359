#include "engine/trails/graph.h"

#include <catch2/catch.hpp>

using namespace ot::trails;

namespace {
size_t columns(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}
GraphCommit commit(std::string sha, std::string subject, std::vector<std::string> traces) {
  GraphCommit c;
  c.commit.sha = sha + std::string(40 - sha.size(), '0');
  c.commit.subject = std::move(subject);
  for (auto& t : traces) c.traces.push_back(GraphTrace{t, "claude-code", 3, {"a.py"}, "exact_range_hash"});
  return c;
}
}  // namespace

TEST_CASE("render_graph draws trace lanes and fits the width", "[trails][graph]") {
  std::vector<GraphCommit> cs = {commit("aaaa", std::string(120, 'x'), {"t1"}), commit("bbbb", "human", {}),
                                 commit("cccc", "agent again", {"t1", "t2"})};
  auto lines = render_graph(cs, 80);
  for (const auto& l : lines) REQUIRE(columns(l) <= 80);
  REQUIRE(lines[0].rfind("● ", 0) == 0);       // t1 has lines in the first commit
  REQUIRE(lines[2].rfind("│ ", 0) == 0);       // and spans the human commit below
  REQUIRE(lines[2].find("* bbbb0000 human") != std::string::npos);
  REQUIRE(render_graph({}, 80) == std::vector<std::string>{"(no commits in range)"});
}
