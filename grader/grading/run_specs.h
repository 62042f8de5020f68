// What each run of a rubric is, as far as its results depend on it: the command (or jobscript),
// environment, limits, input and the files read back after it; and for the submission itself,
// the files static checks read. Grading uses it to know what to collect; `grade` keeps it in
// each run record, and `regrade` compares it with the rubric of today: checks may change freely,
// but a changed run means the learner's code must run again.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "grader/rubric/model.h"

namespace grader {

// Files `run` must read back: what the rubric collects plus what its checks look at.
std::vector<std::string> files_to_collect(const Rubric& rubric, const RunSpec& run);

// The submission's files that static checks read as handed in (jobscript, conda_env).
std::vector<std::string> static_files(const Rubric& rubric);

// Run id -> its spec; "@submission" -> the static checks' files; and the workspace's bounds. Placeholders as
// written (not filled in for a runner). A run's `hidden` is not part of it: it changes what a report shows,
// not what the run did.
nlohmann::json run_specs(const Rubric& rubric);

// What differs between two run_specs(), one sentence each, in run order: "run 'main' changed:
// command, timeout", "run 'extra' is new", "run 'old' is gone", "the files static checks read
// changed". Empty: the same runs.
std::vector<std::string> run_spec_changes(const nlohmann::json& before, const nlohmann::json& now);

}  // namespace grader
