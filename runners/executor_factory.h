// Picks an Executor by name for the CLI: the one place that knows every executor there is.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "grader/run/executor.h"

namespace grader {

// Throws UsageError for an unknown name, listing the known ones.
std::unique_ptr<Executor> make_executor(const std::string& name);
std::vector<std::string> executor_names();
std::string default_executor_name();

}  // namespace grader
