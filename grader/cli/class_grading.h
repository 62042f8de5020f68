// Grading a class into `grade --out DIR`: N submissions at a time (threads; Slurm runs wait in one
// JobTracker together), each report and run record written as soon as it is done, and a
// submission whose record has the same grading key (grader/grading/resume.h) taken from its
// record instead of being graded again, unless `force`.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "grader/cli/progress.h"
#include "grader/grading/grade.h"
#include "grader/report/class_report.h"

namespace grader::cli {

struct ClassGrading {
  const Rubric& rubric;
  std::filesystem::path subs;
  std::filesystem::path out_dir;
  Executor& commands;
  GradeOptions base;
  Audience audience = Audience::Learner;
  bool force = false;
  std::filesystem::path exercise_dir{};  // its solution/ is the reference of relative speedup checks
};

struct ClassOutcome {
  std::vector<GradedSubmission> graded;  // in the order of `names`
  std::size_t resumed = 0;               // taken from their records
};

ClassOutcome grade_class(const ClassGrading& job, const std::vector<std::string>& names, int jobs,
                         Progress& progress);

// "alice: 5/8 (not full marks)": how one submission ended, for progress and the summary.
std::string graded_line(const GradedSubmission& g);

}  // namespace grader::cli
