// A notebook run's cells in the JSON report (`runs[].notebook`, docs/report.md): each code cell
// with its tags, status, time, outputs (excerpts) and error, so that a learner sees where the
// notebook went wrong and a teacher what each answer cell printed.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>

#include "grader/run/run_result.h"

namespace grader {

// nullopt for a run that is not a notebook run.
std::optional<nlohmann::json> notebook_report_json(const RunResult& run);

}  // namespace grader
