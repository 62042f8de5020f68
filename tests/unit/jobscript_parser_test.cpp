// The jobscript parser: #SBATCH as sbatch reads it, and the shell commands around it.
#include <gtest/gtest.h>

#include "grader/jobscript/parser.h"

using namespace grader::jobscript;

namespace {

const Directive& only(const JobScript& js, const std::string& option) {
  const Directive* d = js.find(option);
  if (!d) throw std::runtime_error("no directive " + option);
  return *d;
}

std::vector<Issue::Kind> kinds(const JobScript& js) {
  std::vector<Issue::Kind> out;
  for (const auto& i : js.issues) out.push_back(i.kind);
  return out;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// #SBATCH syntax

TEST(JobscriptDirectives, ShortAndLongFormsWithSpaceOrEquals) {
  JobScript js = parse(
      "#!/bin/bash\n"
      "#SBATCH -A naiss2024-22-415\n"
      "#SBATCH --time=10:00\n"
      "#SBATCH -n 2\n"
      "#SBATCH --cpus-per-task 4\n"
      "#SBATCH -pcore\n");
  EXPECT_TRUE(js.issues.empty());
  EXPECT_EQ(only(js, "account").value, "naiss2024-22-415");
  EXPECT_EQ(only(js, "account").written, "-A");
  EXPECT_EQ(only(js, "account").line, 2);
  EXPECT_EQ(only(js, "time").value, "10:00");
  EXPECT_EQ(only(js, "time").written, "--time");
  EXPECT_EQ(only(js, "ntasks").value, "2");
  EXPECT_EQ(only(js, "cpus-per-task").value, "4");
  EXPECT_EQ(only(js, "partition").value, "core");
}

TEST(JobscriptDirectives, AttachedShortValueAndAccountWithSpace) {
  JobScript js = parse("#!/bin/bash\n#SBATCH -t10:00\n#SBATCH --account naiss2024-22-415\n");
  EXPECT_EQ(only(js, "time").value, "10:00");
  EXPECT_EQ(only(js, "account").value, "naiss2024-22-415");
}

TEST(JobscriptDirectives, SeveralOptionsOnOneLineAndCombinedFlags) {
  JobScript js = parse("#!/bin/bash\n#SBATCH -n 1 -c 2 --exclusive -HQ\n");
  EXPECT_TRUE(js.issues.empty());
  EXPECT_EQ(only(js, "ntasks").value, "1");
  EXPECT_EQ(only(js, "cpus-per-task").value, "2");
  EXPECT_TRUE(js.has("exclusive"));
  EXPECT_TRUE(js.has("hold"));
  EXPECT_TRUE(js.has("quiet"));
}

TEST(JobscriptDirectives, LongOptionAbbreviationsAsGetopt) {
  JobScript js = parse("#!/bin/bash\n#SBATCH --accou=naiss2024-22-415\n#SBATCH --cpus-per-t=2\n");
  EXPECT_EQ(only(js, "account").written, "--accou");
  EXPECT_EQ(only(js, "cpus-per-task").value, "2");
  JobScript ambiguous = parse("#!/bin/bash\n#SBATCH --acc=naiss2024-22-415\n");  // account, acctg-freq
  ASSERT_EQ(ambiguous.issues.size(), 1u);
  EXPECT_EQ(ambiguous.issues[0].kind, Issue::Kind::AmbiguousOption);
}

TEST(JobscriptDirectives, CommentAfterDirectiveAndQuotes) {
  JobScript js = parse("#!/bin/bash\n#SBATCH -J \"my job\"  # a name\n#SBATCH -t 5 #five minutes\n");
  EXPECT_TRUE(js.issues.empty());
  EXPECT_EQ(only(js, "job-name").value, "my job");
  EXPECT_EQ(only(js, "time").value, "5");
}

TEST(JobscriptDirectives, LaterDirectiveOverridesEarlier) {
  JobScript js = parse("#!/bin/bash\n#SBATCH -t 5\n#SBATCH -t 20\n");
  EXPECT_EQ(only(js, "time").value, "20");
  EXPECT_EQ(only(js, "time").line, 3);
}

TEST(JobscriptDirectives, DirectivesAfterFirstCommandAreIgnoredWithWarning) {
  JobScript js = parse("#!/bin/bash\n#SBATCH -A p\n\n# a comment\nmodule load python\n#SBATCH -t 10\n");
  EXPECT_EQ(js.first_command_line, 5);
  EXPECT_FALSE(js.has("time"));
  ASSERT_EQ(js.ignored.size(), 1u);
  EXPECT_EQ(js.ignored[0].option, "time");
  ASSERT_EQ(js.issues.size(), 1u);
  EXPECT_EQ(js.issues[0].kind, Issue::Kind::IgnoredDirective);
  EXPECT_EQ(js.issues[0].line, 6);
  EXPECT_EQ(js.issues[0].severity, Severity::Warning);
}

TEST(JobscriptDirectives, SpacedOrLowercaseOrIndentedIsNotADirective) {
  JobScript js = parse("#!/bin/bash\n# SBATCH -t 10\n#sbatch -n 2\n  #SBATCH -c 2\n#SBATCH -A p\n");
  EXPECT_FALSE(js.has("time"));
  EXPECT_FALSE(js.has("ntasks"));
  EXPECT_FALSE(js.has("cpus-per-task"));
  EXPECT_TRUE(js.has("account"));  // comments do not end the #SBATCH part
  EXPECT_EQ(kinds(js), (std::vector<Issue::Kind>{Issue::Kind::NotADirective, Issue::Kind::NotADirective,
                                                 Issue::Kind::NotADirective}));
}

TEST(JobscriptDirectives, LostHashLinesAreCommandsAndEndTheDirectives) {
  // The course's uppmax/add-list.sh: every '#' lost.
  JobScript js = parse("!/bin/bash\nSBATCH -A uppmax2025-2-393\n#SBATCH -t 10\n");
  EXPECT_FALSE(js.shebang);
  EXPECT_EQ(js.first_command_line, 1);  // bash runs '!/bin/bash' as a command
  EXPECT_FALSE(js.has("account"));
  EXPECT_FALSE(js.has("time"));
  ASSERT_GE(js.issues.size(), 3u);
  EXPECT_EQ(js.issues[0].kind, Issue::Kind::LostHash);
  EXPECT_EQ(js.issues[0].severity, Severity::Error);  // sbatch refuses a script without #!
  EXPECT_EQ(js.issues[1].kind, Issue::Kind::LostHash);
  EXPECT_EQ(js.issues[1].line, 2);
  EXPECT_EQ(js.issues[2].kind, Issue::Kind::IgnoredDirective);
}

TEST(JobscriptDirectives, UnknownOptionMissingValueAndStrayWordAreErrors) {
  JobScript js = parse("#!/bin/bash\n#SBATCH --tiem=10\n#SBATCH -t\n#SBATCH -A p extra\n#SBATCH -Z\n");
  EXPECT_EQ(kinds(js), (std::vector<Issue::Kind>{Issue::Kind::UnknownOption, Issue::Kind::MissingValue,
                                                 Issue::Kind::StrayArgument, Issue::Kind::UnknownOption}));
  for (const auto& i : js.issues) EXPECT_EQ(i.severity, Severity::Error);
}

TEST(JobscriptDirectives, BadValuesAreReported) {
  JobScript js =
      parse("#!/bin/bash\n#SBATCH -t ten\n#SBATCH -n two\n#SBATCH --mem=lots\n#SBATCH --gres=gpu=1\n");
  ASSERT_EQ(js.issues.size(), 4u);
  for (const auto& i : js.issues) EXPECT_EQ(i.kind, Issue::Kind::BadValue);
}

TEST(JobscriptDirectives, ClusterFlagAndItsAlias) {
  EXPECT_EQ(only(parse("#!/bin/bash\n#SBATCH -M snowy\n"), "clusters").value, "snowy");
  EXPECT_EQ(parse("#!/bin/bash\n#SBATCH --cluster=snowy\n").find("clusters")->value, "snowy");
}

TEST(JobscriptDirectives, ReservationTypoKeepsTheExtraEquals) {
  EXPECT_EQ(only(parse("#!/bin/bash\n#SBATCH --reservation==r1\n"), "reservation").value, "=r1");
}

// ---------------------------------------------------------------------------------------------
// Values

TEST(JobscriptMemory, UnitsDefaultToMegabytes) {
  EXPECT_EQ(*parse_memory("500"), 500ull << 20);
  EXPECT_EQ(*parse_memory("4G"), 4ull << 30);
  EXPECT_EQ(*parse_memory("440GB"), 440ull << 30);
  EXPECT_EQ(*parse_memory("512k"), 512ull << 10);
  EXPECT_EQ(*parse_memory("1T"), 1ull << 40);
  EXPECT_EQ(*parse_memory("0"), 0u);
  EXPECT_FALSE(parse_memory("4X"));
  EXPECT_FALSE(parse_memory("G"));
}

TEST(JobscriptGres, NameTypeCount) {
  auto a = parse_gres("gpu:1");
  ASSERT_TRUE(a);
  EXPECT_EQ((*a)[0].name, "gpu");
  EXPECT_EQ((*a)[0].type, "");
  EXPECT_EQ((*a)[0].count, 1);
  auto b = parse_gres("gpu:v100:2");
  EXPECT_EQ((*b)[0].type, "v100");
  EXPECT_EQ((*b)[0].count, 2);
  auto c = parse_gres("gpu");
  EXPECT_EQ((*c)[0].count, 1);
  auto d = parse_gres("gpu:k80");
  EXPECT_EQ((*d)[0].type, "k80");
  EXPECT_EQ(parse_gres("gpus:1")->at(0).name, "gpus");  // a course typo: parses, wrong name
  EXPECT_FALSE(parse_gres("gpu=1"));
  EXPECT_FALSE(parse_gres("gpu:a:b:c"));
  EXPECT_FALSE(parse_gres("gpu:0"));
}

TEST(JobscriptGres, GpusOptionsAndKebnekaiseConstraints) {
  EXPECT_EQ(parse_gpus("1")->count, 1);
  EXPECT_EQ(parse_gpus("l40s:2")->type, "l40s");
  EXPECT_EQ(parse_gpus("T4:1")->type, "T4");
  EXPECT_FALSE(parse_gpus("x"));
  JobScript js = parse("#!/bin/bash\n#SBATCH --gpus=1\n#SBATCH -C l40s\n");
  EXPECT_TRUE(js.requests_gpu());
  EXPECT_EQ(constraint_features(only(js, "constraint").value), std::vector<std::string>{"l40s"});
  EXPECT_EQ(constraint_features("a|b&c"), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_TRUE(parse("#!/bin/bash\n#SBATCH --gpus-per-node=T4:1\n").requests_gpu());
  EXPECT_TRUE(parse("#!/bin/bash\n#SBATCH --gpus-per-task=1\n").requests_gpu());
  EXPECT_TRUE(parse("#!/bin/bash\n#SBATCH -G 2\n").requests_gpu());
  EXPECT_TRUE(parse("#!/bin/bash\n#SBATCH --gres=gpu:v100:2\n").requests_gpu());
  EXPECT_FALSE(parse("#!/bin/bash\n#SBATCH -n 2\n").requests_gpu());
}

TEST(JobscriptCores, TasksTimesCpusPerTask) {
  EXPECT_EQ(parse("#!/bin/bash\n").cores(), 1);
  EXPECT_EQ(parse("#!/bin/bash\n#SBATCH -n 2\n").cores(), 2);
  EXPECT_EQ(parse("#!/bin/bash\n#SBATCH -c 2\n").cores(), 2);
  EXPECT_EQ(parse("#!/bin/bash\n#SBATCH -n 2 -c 4\n").cores(), 8);
  EXPECT_EQ(parse("#!/bin/bash\n#SBATCH -N 2 --ntasks-per-node=16\n").cores(), 32);
}

// ---------------------------------------------------------------------------------------------
// The shell part

TEST(JobscriptCommands, ModuleLoadsInOrderWithLines) {
  JobScript js = parse(
      "#!/bin/bash -l\n"
      "#SBATCH -A p\n"
      "module purge > /dev/null 2>&1\n"
      "module load GCC/12.3.0 Python/3.11.3\n"
      "ml SciPy-bundle/2023.07 -Tkinter\n"
      "module use /my/modules\n"
      "module --quiet unload python\n"
      "ml\n");
  ASSERT_EQ(js.commands.size(), 6u);
  EXPECT_EQ(js.commands[0].module_action, "purge");
  EXPECT_EQ(js.commands[0].line, 3);
  EXPECT_EQ(js.commands[1].loads, (std::vector<std::string>{"GCC/12.3.0", "Python/3.11.3"}));
  EXPECT_EQ(js.commands[2].program, "ml");
  EXPECT_EQ(js.commands[2].loads, std::vector<std::string>{"SciPy-bundle/2023.07"});
  EXPECT_EQ(js.commands[2].unloads, std::vector<std::string>{"Tkinter"});
  EXPECT_EQ(js.commands[3].module_action, "use");
  EXPECT_EQ(js.commands[4].unloads, std::vector<std::string>{"python"});
  EXPECT_EQ(js.commands[5].module_action, "list");
  for (const auto& c : js.commands) EXPECT_EQ(c.kind, CommandKind::Module);
}

TEST(JobscriptCommands, PythonDirectlyAndThroughLaunchers) {
  JobScript js = parse(
      "#!/bin/bash\n"
      "python mmmult.py\n"
      "python3 -u $MYPATH/sum-2args.py 2 3\n"
      "srun -n 4 --exclusive python integration2d_mpi.py\n"
      "mpirun -np 4 python integration2d_mpi.py\n"
      "srun ./integration2d_mpi.py\n"
      "time OMP_NUM_THREADS=2 /usr/bin/python3.11 dot.py\n"
      "srun hostname\n");
  ASSERT_EQ(js.commands.size(), 7u);
  EXPECT_EQ(js.commands[0].kind, CommandKind::Python);
  EXPECT_EQ(js.commands[0].args, std::vector<std::string>{"mmmult.py"});
  EXPECT_EQ(js.commands[1].args, (std::vector<std::string>{"-u", "$MYPATH/sum-2args.py", "2", "3"}));
  EXPECT_EQ(js.commands[2].launcher, "srun");
  EXPECT_EQ(js.commands[2].launcher_args, (std::vector<std::string>{"-n", "4", "--exclusive"}));
  EXPECT_EQ(js.commands[2].program, "python");
  EXPECT_EQ(js.commands[3].launcher, "mpirun");
  EXPECT_EQ(js.commands[3].launcher_args, (std::vector<std::string>{"-np", "4"}));
  EXPECT_EQ(js.commands[3].kind, CommandKind::Python);
  EXPECT_EQ(js.commands[4].kind, CommandKind::Python);
  EXPECT_EQ(js.commands[5].kind, CommandKind::Python);
  EXPECT_EQ(js.commands[5].line, 7);
  EXPECT_EQ(js.commands[6].kind, CommandKind::Other);
  EXPECT_EQ(js.commands[6].launcher, "srun");
}

TEST(JobscriptCommands, CdSourceActivateAndAssignments) {
  JobScript js = parse(
      "#!/bin/bash\n"
      "MYPATH=/proj/hpc-python/me/programs\n"
      "export OMP_NUM_THREADS=4\n"
      "cd $MYPATH\n"
      "source /proj/me/vpyenv/bin/activate\n"
      ". venv/bin/activate\n"
      "source activate myenv\n"
      "conda activate spyder-env\n");
  ASSERT_EQ(js.commands.size(), 7u);
  EXPECT_EQ(js.commands[0].kind, CommandKind::Assignment);
  EXPECT_EQ(js.commands[0].name, "MYPATH");
  EXPECT_EQ(js.commands[0].value, "/proj/hpc-python/me/programs");
  EXPECT_EQ(js.commands[1].kind, CommandKind::Assignment);
  EXPECT_EQ(js.commands[2].kind, CommandKind::Cd);
  EXPECT_EQ(js.commands[3].activates, "/proj/me/vpyenv");
  EXPECT_EQ(js.commands[4].activates, "venv");
  EXPECT_EQ(js.commands[5].activates, "myenv");
  EXPECT_EQ(js.commands[6].activates, "spyder-env");
}

TEST(JobscriptCommands, OperatorsContinuationsCommentsAndHeredocs) {
  JobScript js = parse(
      "#!/bin/bash\n"
      "module load python/3.11.8 && python a.py; echo done # python not-this.py\n"
      "srun -n 2 \\\n"
      "   python b.py\n"
      "cat > in.txt <<EOF\n"
      "python not-a-command.py\n"
      "EOF\n"
      "for i in 1 2; do python c.py $i; done\n"
      "echo \"python in quotes\" | tee log\n");
  std::vector<std::string> programs;
  for (const auto& c : js.commands) programs.push_back(c.program + "@" + std::to_string(c.line));
  EXPECT_EQ(programs, (std::vector<std::string>{"module@2", "python@2", "echo@2", "python@3", "cat@5",
                                                "for@8", "python@8", "echo@9", "tee@9"}));
}

TEST(JobscriptCommands, ShebangAndLineCount) {
  JobScript js = parse("#!/bin/bash -l\n#SBATCH -A p\npython x.py\n");
  EXPECT_EQ(*js.shebang, "#!/bin/bash -l");
  EXPECT_EQ(js.lines, 3);
  EXPECT_TRUE(js.issues.empty());
}

TEST(JobscriptCommands, CrlfLineEndings) {
  JobScript js = parse("#!/bin/bash\r\n#SBATCH -t 10\r\npython x.py\r\n");
  EXPECT_EQ(only(js, "time").value, "10");
  ASSERT_EQ(js.commands.size(), 1u);
  EXPECT_EQ(js.commands[0].args, std::vector<std::string>{"x.py"});
}

TEST(JobscriptValues, HugeNumbersAreBadValuesNotOverflows) {
  JobScript js = parse(
      "#!/bin/bash\n#SBATCH -n 99999999999999999999\n#SBATCH -t 999999999999-0\n#SBATCH --mem=99999999T\n");
  ASSERT_EQ(js.issues.size(), 3u);
  for (const auto& i : js.issues) EXPECT_EQ(i.kind, Issue::Kind::BadValue);
  EXPECT_EQ(parse("#!/bin/bash\n#SBATCH -N 999999999 --ntasks-per-node=999999999 -c 999999999\n").cores(),
            INT64_MAX);  // saturates
}
