// The seed of one grading: "{{seed}}" in a run's env (a pytest suite's GRADER_SEED) becomes a
// number drawn afresh for every grading, so that tests that split data or draw inputs with it ask
// each submission something no earlier report showed. The teacher finds the number in the
// report (the pytest suite's detail).
#pragma once

#include <cstdint>

#include "grader/rubric/model.h"

namespace grader {

// 1 .. 2^31-1: a seed every library takes (NumPy, scikit-learn's random_state, random.seed).
std::uint32_t draw_seed();

// `rubric` with every "{{seed}}" in its runs' env replaced by `seed`.
Rubric with_seed(Rubric rubric, std::uint32_t seed);

}  // namespace grader
