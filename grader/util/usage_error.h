// The error a user's command line or named file caused: bad argument, unknown exercise, runner
// or executor. Thrown at the boundaries (CLI, repo lookup, runner factories); the CLI exits 2
// with its message.
#pragma once

#include <stdexcept>

namespace grader {

class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace grader
