// `slurm` checks: what Slurm's accounting (sacct) recorded of a jobscript run, which a program
// cannot print its way into. Pure: reads RunResult::slurm.
#pragma once

#include "grader/checks/check_verdict.h"
#include "grader/rubric/model.h"
#include "grader/run/run_result.h"

namespace grader {

Verdict eval_slurm(const SlurmCheck& c, const RunResult& r);

}  // namespace grader
