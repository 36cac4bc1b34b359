#include "engine/schema/pricing.h"

#include <cstring>

namespace ot::schema {

namespace {
// Public list prices (USD / 1M tokens) at the time of writing; cache_write is the
// 5-minute cache-write price for Anthropic models, 0 where the provider has none.
constexpr ModelPrice kPrices[] = {
    {"claude-opus-4-5", 5.0, 25.0, 0.5, 6.25},
    {"claude-opus-4", 15.0, 75.0, 1.5, 18.75},
    {"claude-sonnet-4", 3.0, 15.0, 0.3, 3.75},
    {"claude-3-7-sonnet", 3.0, 15.0, 0.3, 3.75},
    {"claude-3-5-sonnet", 3.0, 15.0, 0.3, 3.75},
    {"claude-haiku-4", 1.0, 5.0, 0.1, 1.25},
    {"claude-3-5-haiku", 0.8, 4.0, 0.08, 1.0},
    {"gpt-5-mini", 0.25, 2.0, 0.025, 0.0},
    {"gpt-5-nano", 0.05, 0.4, 0.005, 0.0},
    {"gpt-5", 1.25, 10.0, 0.125, 0.0},
    {"gpt-4.1", 2.0, 8.0, 0.5, 0.0},
    {"gpt-4o", 2.5, 10.0, 1.25, 0.0},
    {"o3", 2.0, 8.0, 0.5, 0.0},
    {"o4-mini", 1.1, 4.4, 0.275, 0.0},
};
}  // namespace

std::optional<ModelPrice> price_for(std::string_view model) {
  const ModelPrice* best = nullptr;
  for (const ModelPrice& p : kPrices) {
    size_t n = std::strlen(p.prefix);
    if (model.substr(0, n) == p.prefix && (!best || n > std::strlen(best->prefix))) best = &p;
  }
  if (!best) return std::nullopt;
  return *best;
}

std::optional<double> estimate_cost_usd(std::string_view model, int64_t input_tokens, int64_t output_tokens,
                                        int64_t cache_read_tokens, int64_t cache_write_tokens) {
  auto p = price_for(model);
  if (!p) return std::nullopt;
  return (double(input_tokens) * p->input + double(output_tokens) * p->output +
          double(cache_read_tokens) * p->cache_read + double(cache_write_tokens) * p->cache_write) /
         1e6;
}

}  // namespace ot::schema
