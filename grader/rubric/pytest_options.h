// Part of the rubric loader (grader/rubric/loader.h): the `pytest` check kind,
//   pytest = { tests = "tests/", points = { test_accuracy = 3, test_one_sample = 1 },
//              timeout = "90s", memory = "2G", python = "python3", env = { ... }, seed = 7 }
// One [[check]] of this kind becomes a check per test named in `points` (its id is the test's
// name) and one for the suite (the [[check]]'s id, 0 points), all graded from the JUnit XML of
// one hidden run added after the rubric's own runs. The tests' files are read here, from the
// exercise's directory, and travel to the run on its stdin: they reach every executor the way
// the learner's own input does, and are never part of the workspace a learner hands in.
#pragma once

#include <vector>

#include "grader/rubric/check_order.h"
#include "grader/rubric/model.h"
#include "grader/util/toml_reader.h"

namespace grader::rubric_loader {

// `table` is the [[check]] that `suite` was read from (a PytestCheck with only `suite` set).
// Returns the checks it becomes, in report order, and appends its run to `runs`. Errors (a
// missing tests directory, a test in `points` that no test file defines) are RubricErrors at the
// key.
std::vector<PendingCheck> expand_pytest_check(const TomlTable& table, PendingCheck suite,
                                              std::vector<RunSpec>& runs);

}  // namespace grader::rubric_loader
