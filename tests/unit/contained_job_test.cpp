// The contained jobscript that sbatch gets, and the reading of grader-contain's report.
#include "runners/slurm/contained_job.h"

#include <gtest/gtest.h>

#include "grader/jobscript/parser.h"

namespace grader::slurm {
namespace {

ContainPaths paths() {
  ContainPaths p;
  p.contain = "/s/grader-1/grader-contain";
  p.report = "/s/grader-1/job.isolation";
  p.script = "/s/grader-1/ws/job.sh";
  p.tmp = "/s/grader-1/tmp";
  p.hide_prefix = {"/s/grader-"};
  p.hide = {"/home/t/.ssh"};
  p.rw = {"/s/grader-1/ws"};
  return p;
}

std::string contained(const std::string& learner) {
  return contained_script(learner, jobscript::parse(learner).first_command_line, paths());
}

// sbatch must read the very directives, at the same line numbers, and nothing after the first
// command (where sbatch stops reading them).
TEST(ContainedJob, KeepsTheLearnersDirectivesAtTheirLinesAndStopsAtTheFirstCommand) {
  std::string s = contained(
      "#!/bin/bash -l\n#SBATCH -A naiss2024-22-107\n\n# a comment\n#SBATCH -t 10\n"
      "module load python\n#SBATCH -n 4\npython x.py\n");
  EXPECT_EQ(s.substr(0, s.find("# hpc-grader")),
            "#!/bin/sh\n#SBATCH -A naiss2024-22-107\n\n# a comment\n#SBATCH -t 10\n");
  EXPECT_EQ(s.find("-n 4"), std::string::npos);
  EXPECT_EQ(s.find("module load"), std::string::npos);
  EXPECT_NE(
      s.find("exec '/s/grader-1/grader-contain' --report '/s/grader-1/job.isolation' --hide '/home/t/.ssh' "
             "--hide-prefix '/s/grader-' --rw '/s/grader-1/ws' --tmp '/s/grader-1/tmp' -- "
             "'/s/grader-1/ws/job.sh' \"$@\"\n"),
      std::string::npos)
      << s;
  // Where grader-contain does not run, the learner's script still does.
  EXPECT_NE(s.find("fi\necho 'note: nothing in force: grader-contain does not run on this node' > "
                   "'/s/grader-1/job.isolation'\nexec '/s/grader-1/ws/job.sh' \"$@\"\n"),
            std::string::npos)
      << s;
}

// What sbatch refused before it still refuses: a first line without #! stays the first line.
TEST(ContainedJob, AFirstLineThatIsNoInterpreterLineStaysFirst) {
  EXPECT_EQ(contained("#SBATCH -A x\necho hi\n").substr(0, 13), "#SBATCH -A x\n");
  EXPECT_EQ(contained("echo hi\n").substr(0, 12), "# hpc-grader");
  std::string dos = contained("#!/bin/bash\r\n#SBATCH -A x\r\necho hi\r\n");
  EXPECT_NE(dos.find("#SBATCH -A x\r\n"), std::string::npos);
}

TEST(ContainedJob, AScriptWithoutCommandsKeepsAllItsLines) {
  std::string s = contained("#!/bin/bash\n#SBATCH -A x\n#SBATCH -t 5");
  EXPECT_EQ(s.substr(0, s.find("# hpc-grader")), "#!/bin/sh\n#SBATCH -A x\n#SBATCH -t 5\n");
}

TEST(ContainedJob, PathsAreQuotedForTheShell) {
  ContainPaths p = paths();
  p.script = "/s/it's here/job.sh";
  std::string s = contained_script("#!/bin/bash\necho\n", 2, p);
  EXPECT_NE(s.find("-- '/s/it'\\''s here/job.sh' \"$@\""), std::string::npos) << s;
}

TEST(ContainedJob, ReportReadsControlsAndNotesAndNothingElse) {
  Isolation iso = parse_isolation(
      "no_new_privs\nrlimits\nlandlock\nseccomp\nroot\n"
      "note: landlock_scope not in force: ABI 5\n\n");
  EXPECT_EQ(iso.in_force, (std::vector<std::string>{"no_new_privs", "rlimits", "landlock", "seccomp"}));
  EXPECT_EQ(iso.notes, std::vector<std::string>{"landlock_scope not in force: ABI 5"});
  EXPECT_TRUE(parse_isolation("").in_force.empty());
}

}  // namespace
}  // namespace grader::slurm
