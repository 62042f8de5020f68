// rlimits of a sandboxed run, the second line behind the cgroup: RLIMIT_FSIZE (the largest file
// it may write), NOFILE, CORE 0, STACK, and where there is no memory cgroup, AS (the memory
// limit as address space) and NPROC (only where the run has a uid of its own). Each is clamped
// to the grader's own hard limit, which an unprivileged grader cannot raise.
#pragma once

#include <sys/resource.h>

#include <cstdint>
#include <optional>

namespace grader::sandbox {

struct RlimitOptions {
  std::uint64_t fsize = 64ull << 20;
  std::uint64_t nofile = 1024;
  std::uint64_t stack = 64ull << 20;
  std::optional<std::uint64_t> as;
  std::optional<std::uint64_t> nproc;
};

struct RlimitPlan {
  struct Item {
    int resource;
    const char* name;
    struct rlimit value;
  };
  Item items[8];
  int count = 0;
};

RlimitPlan build_rlimit_plan(const RlimitOptions& options);

// Child side: sets every limit; nullptr or the one that failed, errno set.
const char* apply_rlimits(const RlimitPlan& plan);

}  // namespace grader::sandbox
