// rlimits; see rlimits.h.
#include "runners/sandbox/rlimits.h"

#include "runners/process/run_io.h"

namespace grader::sandbox {

RlimitPlan build_rlimit_plan(const RlimitOptions& o) {
  RlimitPlan plan;
  auto add = [&plan](int resource, const char* name, struct rlimit value) {
    plan.items[plan.count++] = {resource, name, value};
  };
  add(RLIMIT_CORE, "setrlimit(RLIMIT_CORE)", {0, 0});
  add(RLIMIT_FSIZE, "setrlimit(RLIMIT_FSIZE)", runio::clamped_rlimit(RLIMIT_FSIZE, o.fsize));
  add(RLIMIT_NOFILE, "setrlimit(RLIMIT_NOFILE)", runio::clamped_rlimit(RLIMIT_NOFILE, o.nofile));
  add(RLIMIT_STACK, "setrlimit(RLIMIT_STACK)", runio::clamped_rlimit(RLIMIT_STACK, o.stack));
  if (o.as) add(RLIMIT_AS, "setrlimit(RLIMIT_AS)", runio::clamped_rlimit(RLIMIT_AS, *o.as));
  if (o.nproc) add(RLIMIT_NPROC, "setrlimit(RLIMIT_NPROC)", runio::clamped_rlimit(RLIMIT_NPROC, *o.nproc));
  return plan;
}

const char* apply_rlimits(const RlimitPlan& plan) {
  for (int i = 0; i < plan.count; ++i) {
    if (::setrlimit(plan.items[i].resource, &plan.items[i].value) != 0) return plan.items[i].name;
  }
  return nullptr;
}

}  // namespace grader::sandbox
