// The seed of a grading; see seed.h.
#include "grader/grading/seed.h"

#include <random>

#include "grader/rubric/placeholders.h"

namespace grader {

std::uint32_t draw_seed() {
  std::random_device rd;
  return std::uniform_int_distribution<std::uint32_t>(1, 0x7fffffff)(rd);
}

Rubric with_seed(Rubric rubric, std::uint32_t seed) {
  for (RunSpec& run : rubric.runs)
    for (auto& [key, value] : run.env)
      value = replace_all(std::move(value), "{{seed}}", std::to_string(seed));
  return rubric;
}

}  // namespace grader
