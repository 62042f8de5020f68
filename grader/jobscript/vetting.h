// What a learner's jobscript may ask of the cluster before the grader submits it (issue 12 §3).
// Options that take the job out of the grader's tracking, or change who runs it and with what
// environment, are refused (--array, --dependency, --uid, --export, ...); what it asks for (time,
// nodes, tasks, cores, GPUs, memory) must stay within the run's job_limits. A refusal is the
// learner's: the run fails with it and nothing is submitted. Pure: a parsed script in, refusals out.
#pragma once

#include <string>
#include <vector>

#include "grader/jobscript/parser.h"
#include "grader/run/job_limits.h"

namespace grader::jobscript {

struct Refusal {
  int line = 0;
  std::string message;  // "#SBATCH --array=1-20: ...", without "file:line: "
};

// In line order; empty when the script may be submitted.
std::vector<Refusal> vet(const JobScript& script, const JobLimits& limits);

}  // namespace grader::jobscript
