// The jobscript parser's commands (grader/jobscript/commands): one simple command's words
// classified after its prefixes and launcher, and the shell part read as bash reads its lines.
#include "grader/jobscript/commands.h"

#include <gtest/gtest.h>

using namespace grader::jobscript;
using namespace grader::jobscript::detail;

namespace {

Command classified(std::vector<std::string> words) {
  Command c;
  EXPECT_TRUE(classify(std::move(words), c));
  return c;
}

std::vector<Command> commands(const std::vector<std::string>& lines) {
  JobScript js;
  js.shebang = lines.empty() ? std::nullopt : std::optional<std::string>(lines[0]);
  read_commands(lines, js);
  return js.commands;
}

}  // namespace

TEST(Commands, PrefixWordsAreTakenOff) {
  Command c = classified({"then", "time", "env", "-i", "A=1", "OMP_NUM_THREADS=2", "python3", "a.py"});
  EXPECT_EQ(c.kind, CommandKind::Python);
  EXPECT_EQ(c.program, "python3");
  EXPECT_EQ(c.args, std::vector<std::string>{"a.py"});
}

TEST(Commands, EndsOfBlocksAreNoCommand) {
  Command c;
  EXPECT_FALSE(classify({"done"}, c));
  EXPECT_FALSE(classify({"fi"}, c));
  EXPECT_FALSE(classify({"then"}, c));
}

TEST(Commands, LaunchersAndTheirOptions) {
  Command c = classified({"srun", "-n", "4", "--exclusive", "-c2", "python", "x.py"});
  EXPECT_EQ(c.launcher, "srun");
  EXPECT_EQ(c.launcher_args, (std::vector<std::string>{"-n", "4", "--exclusive", "-c2"}));
  EXPECT_EQ(c.kind, CommandKind::Python);
  Command m = classified({"/usr/bin/mpirun", "-np", "2", "--oversubscribe", "python3", "y.py"});
  EXPECT_EQ(m.launcher, "mpirun");
  EXPECT_EQ(m.launcher_args, (std::vector<std::string>{"-np", "2", "--oversubscribe"}));
  // A launcher with nothing to launch is the program itself.
  Command alone = classified({"srun", "--help"});
  EXPECT_EQ(alone.program, "srun");
  EXPECT_TRUE(alone.launcher.empty());
  EXPECT_EQ(alone.kind, CommandKind::Other);
}

TEST(Commands, AssignmentsAloneOrExported) {
  Command a = classified({"N=10"});
  EXPECT_EQ(a.kind, CommandKind::Assignment);
  EXPECT_EQ(a.name, "N");
  EXPECT_EQ(a.value, "10");
  Command e = classified({"export", "OMP_NUM_THREADS=4"});
  EXPECT_EQ(e.kind, CommandKind::Assignment);
  EXPECT_EQ(e.name, "OMP_NUM_THREADS");
}

TEST(Commands, ModulesLoadedAndUnloaded) {
  Command load = classified({"module", "--quiet", "add", "python/3.11", "numpy"});
  EXPECT_EQ(load.module_action, "load");
  EXPECT_EQ(load.loads, (std::vector<std::string>{"python/3.11", "numpy"}));
  Command ml = classified({"ml", "GCC/12.3.0", "-intel"});
  EXPECT_EQ(ml.module_action, "load");
  EXPECT_EQ(ml.loads, std::vector<std::string>{"GCC/12.3.0"});
  EXPECT_EQ(ml.unloads, std::vector<std::string>{"intel"});
  Command swap = classified({"module", "switch", "a", "b"});
  EXPECT_EQ(swap.module_action, "swap");
  EXPECT_EQ(swap.unloads, std::vector<std::string>{"a"});
  EXPECT_EQ(swap.loads, std::vector<std::string>{"b"});
  EXPECT_EQ(classified({"ml"}).module_action, "list");
}

TEST(Commands, EnvironmentsActivated) {
  EXPECT_EQ(classified({"source", "venv/bin/activate"}).activates, "venv");
  EXPECT_EQ(classified({".", "bin/activate"}).activates, ".");
  EXPECT_EQ(classified({"conda", "activate", "myenv"}).activates, "myenv");
  EXPECT_EQ(classified({"source", "activate", "env2"}).kind, CommandKind::Activate);
  EXPECT_EQ(classified({"source", "setup.sh"}).kind, CommandKind::Other);
}

TEST(Commands, PythonByNameOrScript) {
  EXPECT_EQ(classified({"python3.11", "a.py"}).kind, CommandKind::Python);
  EXPECT_EQ(classified({"./run.py"}).kind, CommandKind::Python);
  EXPECT_EQ(classified({"pythonista"}).kind, CommandKind::Other);
  EXPECT_EQ(classified({"cd", "dir"}).kind, CommandKind::Cd);
}

TEST(Commands, LinesJoinedAtBackslashesAndOpenQuotesHeredocsSkipped) {
  std::vector<Command> cs = commands({"#!/bin/bash", "module load \\", "  python", "echo 'a", "b'; cd x",
                                      "cat <<EOF", "python skipped.py", "EOF", "python run.py"});
  ASSERT_EQ(cs.size(), 5u);
  EXPECT_EQ(cs[0].line, 2);
  EXPECT_EQ(cs[0].loads, std::vector<std::string>{"python"});
  EXPECT_EQ(cs[1].line, 4);
  EXPECT_EQ(cs[1].args, std::vector<std::string>{"a\nb"});
  EXPECT_EQ(cs[2].kind, CommandKind::Cd);
  EXPECT_EQ(cs[2].line, 4) << "a command counts from the line its logical line starts on";
  EXPECT_EQ(cs[3].program, "cat");
  EXPECT_EQ(cs[4].line, 9);
  EXPECT_EQ(cs[4].args, std::vector<std::string>{"run.py"});
}

TEST(Commands, TabbedHeredocEndsAtItsTabbedMarker) {
  std::vector<Command> cs =
      commands({"#!/bin/bash", "cat <<-END", "\tpython no.py", "\tEND", "python yes.py"});
  ASSERT_EQ(cs.size(), 2u);
  EXPECT_EQ(cs[1].args, std::vector<std::string>{"yes.py"});
}
