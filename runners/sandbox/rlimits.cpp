// rlimits; see rlimits.h.
#include "runners/sandbox/rlimits.h"

#include <algorithm>

namespace grader::sandbox {
namespace {

struct rlimit clamped(int resource, std::uint64_t want) {
  struct rlimit current {};
  rlim_t value = want >= static_cast<std::uint64_t>(RLIM_INFINITY) ? RLIM_INFINITY
                                                                   : static_cast<rlim_t>(want);
  if (::getrlimit(resource, &current) == 0 && current.rlim_max != RLIM_INFINITY) {
    value = std::min(value, current.rlim_max);
  }
  return {value, value};
}

}  // namespace

RlimitPlan build_rlimit_plan(const RlimitOptions& o) {
  RlimitPlan plan;
  auto add = [&plan](int resource, const char* name, struct rlimit value) {
    plan.items[plan.count++] = {resource, name, value};
  };
  add(RLIMIT_CORE, "setrlimit(RLIMIT_CORE)", {0, 0});
  add(RLIMIT_FSIZE, "setrlimit(RLIMIT_FSIZE)", clamped(RLIMIT_FSIZE, o.fsize));
  add(RLIMIT_NOFILE, "setrlimit(RLIMIT_NOFILE)", clamped(RLIMIT_NOFILE, o.nofile));
  add(RLIMIT_STACK, "setrlimit(RLIMIT_STACK)", clamped(RLIMIT_STACK, o.stack));
  if (o.as) add(RLIMIT_AS, "setrlimit(RLIMIT_AS)", clamped(RLIMIT_AS, *o.as));
  if (o.nproc) add(RLIMIT_NPROC, "setrlimit(RLIMIT_NPROC)", clamped(RLIMIT_NPROC, *o.nproc));
  return plan;
}

const char* apply_rlimits(const RlimitPlan& plan) {
  for (int i = 0; i < plan.count; ++i) {
    if (::setrlimit(plan.items[i].resource, &plan.items[i].value) != 0) return plan.items[i].name;
  }
  return nullptr;
}

}  // namespace grader::sandbox
