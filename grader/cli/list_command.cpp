// `grader list`: the exercises a repository offers.
#include <iostream>

#include "grader/cli/args.h"
#include "grader/repo/repo.h"
#include "grader/rubric/loader.h"

namespace grader::cli {

int list_command(const std::vector<std::string>& argv) {
  Args args = parse_args("grader list", argv, {{"--repo"}, {"-h", "--help"}});
  if (args.flag("-h") || args.flag("--help")) {
    std::cout << "usage: grader list [--repo DIR]\n\nLists the exercises of the repository (found by walking "
                 "up from\n"
                 "here, or given by --repo): id, title, and the points they are worth.\n";
    return kFullMarks;
  }
  if (!args.positional.empty()) throw UsageError("grader list: takes no arguments (see grader list --help)");
  auto start = args.value("--repo").value_or(std::filesystem::current_path().string());
  auto repo = find_repo_root(start);
  if (!repo)
    throw UsageError(
        "grader list: no exercise repository (a directory with rubrics/ and exercises/) at or above " +
        start);
  int status = kFullMarks;
  for (const auto& e : list_exercises(*repo)) {
    try {
      Rubric r = load_rubric(e.rubric);
      std::cout << e.id << "\t" << r.title << "\t" << r.max_score() << " points\n";
    } catch (const RubricError& err) {
      std::cout << e.id << "\t(invalid rubric: " << err.what() << ")\n";
      status = kUsage;
    }
  }
  return status;
}

}  // namespace grader::cli
