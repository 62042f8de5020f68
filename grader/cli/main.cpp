// The grader CLI: dispatches to a subcommand and turns boundary errors into exit codes.
#include <iostream>
#include <string>
#include <vector>

#include "grader/cli/args.h"
#include "grader/repo/repo.h"
#include "grader/rubric/loader.h"

namespace {

constexpr const char* kUsage = R"(usage: grader COMMAND [ARGS]

commands:
  check EXERCISE [SUBMISSION]   grade a submission (default: the current directory)
  validate [REPO]               lint every rubric; reference solutions must score full marks
                                and fixtures the score they declare
  grade EXERCISE DIR --out OUT  grade every submission in DIR: reports, gradebook.csv, index.html
  regrade EXERCISE OUT          re-score a graded class from its recorded runs, no code run
  list                          the exercises of this repository
  lint JOBSCRIPT...             a jobscript held to sbatch's and a cluster's rules, no rubric

  grader COMMAND --help         help on one command
  grader --version              the version

exit codes: 0 full marks / all valid, 1 not full marks / invalid, 2 bad usage or bad rubric,
            3 the runner failed (sandbox, cluster)
)";

}  // namespace

int main(int argc, char** argv) {
  using namespace grader;
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
    if (args.size() > 1 && args[0] == "help")
      args = {args[1], "--help"};
    else {
      std::cout << kUsage;
      return args.empty() ? cli::kUsage : cli::kFullMarks;
    }
  }
  if (args[0] == "--version") {
    std::cout << "grader " << GRADER_VERSION << "\n";
    return cli::kFullMarks;
  }
  std::string command = args[0];
  args.erase(args.begin());
  try {
    if (command == "check") return cli::check_command(args);
    if (command == "validate") return cli::validate_command(args);
    if (command == "grade") return cli::grade_command(args);
    if (command == "regrade") return cli::regrade_command(args);
    if (command == "list") return cli::list_command(args);
    if (command == "lint") return cli::lint_command(args);
    std::cerr << "grader: unknown command '" << command << "'\n\n" << kUsage;
    return cli::kUsage;
  } catch (const UsageError& e) {
    std::cerr << e.what() << "\n";
    return cli::kUsage;
  } catch (const RubricError& e) {
    std::cerr << e.what() << "\n";
    return cli::kUsage;
  } catch (const std::exception& e) {
    std::cerr << "grader " << command << ": " << e.what() << "\n";
    return cli::kRunnerFailed;
  }
}
