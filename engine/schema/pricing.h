// The one price table: USD per million tokens by model-name prefix. Estimates only;
// an unknown model gives nullopt (never zero).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace ot::schema {

struct ModelPrice {
  const char* prefix;  // longest matching prefix wins
  double input, output, cache_read, cache_write;
};

std::optional<ModelPrice> price_for(std::string_view model);

// input_tokens are uncached prompt tokens (cache reads/writes counted separately).
std::optional<double> estimate_cost_usd(std::string_view model, int64_t input_tokens, int64_t output_tokens,
                                        int64_t cache_read_tokens, int64_t cache_write_tokens);

}  // namespace ot::schema
