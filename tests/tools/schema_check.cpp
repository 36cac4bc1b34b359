// ot_schema_check SCHEMA.json [FILE.json|-]...: validates each JSON document (a file, or
// stdin for "-"; a file of JSON Lines is checked line by line) against a JSON Schema.
// Exit 0 when all conform, 1 with the violations on stderr, 2 on unusable input.
#include <iostream>
#include <iterator>
#include <sstream>

#include "engine/util/fs.h"
#include "engine/util/json_schema.h"

namespace {

int check(const ot::JsonSchema& schema, const std::string& name, const std::string& text) {
  std::vector<std::string> docs;
  if (ot::json::accept(text)) {
    docs.push_back(text);
  } else {
    std::istringstream in(text);  // not one document: JSON Lines
    for (std::string line; std::getline(in, line);)
      if (line.find_first_not_of(" \t\r") != std::string::npos) docs.push_back(line);
  }
  if (docs.empty()) {
    std::cerr << name << ": empty\n";
    return 2;
  }
  int bad = 0;
  for (size_t i = 0; i < docs.size(); ++i) {
    auto doc = ot::parse_json(docs[i], name);
    if (!doc.ok()) {
      std::cerr << name << (docs.size() > 1 ? ":" + std::to_string(i + 1) : "") << ": not JSON: " << doc.error().message << "\n";
      return 2;
    }
    auto v = schema.validate(*doc);
    if (!v.empty()) {
      ++bad;
      std::cerr << name << (docs.size() > 1 ? ":" + std::to_string(i + 1) : "") << ": " << ot::JsonSchema::summarize(v, 20) << "\n";
    }
  }
  return bad ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: ot_schema_check SCHEMA.json [FILE.json|-]...\n";
    return 2;
  }
  auto schema = ot::JsonSchema::load(argv[1]);
  if (!schema.ok()) {
    std::cerr << schema.error().message << "\n";
    return 2;
  }
  int rc = 0;
  std::vector<std::string> files(argv + 2, argv + argc);
  if (files.empty()) files.push_back("-");
  for (const auto& f : files) {
    std::string text;
    if (f == "-") {
      text.assign(std::istreambuf_iterator<char>(std::cin), {});
    } else {
      auto t = ot::read_file(f);
      if (!t.ok()) {
        std::cerr << t.error().message << "\n";
        return 2;
      }
      text = *t;
    }
    rc = std::max(rc, check(*schema, f, text));
  }
  return rc;
}
