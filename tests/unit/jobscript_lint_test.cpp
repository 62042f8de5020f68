// `grader lint` and the shell slips, on scripts written in the course's style (the defects of
// ../shared/reference/course.md §9), and the Python-bringing modules the jobscript check accepts.
#include "grader/lint/jobscript_lint.h"

#include <gtest/gtest.h>

#include "grader/jobscript/slips.h"

namespace grader {
namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : text) {
    if (c == '\n') {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

std::vector<jobscript::Slip> slips(const std::string& text) {
  return jobscript::shell_slips(jobscript::parse(text), lines_of(text));
}

std::string all(const std::vector<LintFinding>& fs) {
  std::string out;
  for (const auto& f : fs) out += format_finding(f) + "\n";
  return out;
}

}  // namespace

TEST(ShellSlips, SourceOfAVenvDirectory) {
  auto s = slips("#!/bin/bash\n#SBATCH -t 5\nsource /cfs/proj/mymatplotlib\npython a.py\n");
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].line, 3);
  EXPECT_NE(s[0].message.find("source /cfs/proj/mymatplotlib/bin/activate"), std::string::npos);
  EXPECT_TRUE(slips("#!/bin/bash\nsource venv/bin/activate\nsource ~/.bashrc\nsource env.sh\n").empty());
}

TEST(ShellSlips, NameWrittenTwice) {
  auto s = slips("#!/bin/bash\nMYPATH=MYPATH=/cfs/klemming/x\n");
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].message, "sets MYPATH to 'MYPATH=/cfs/klemming/x': the name is written twice");
}

TEST(ShellSlips, PathBrokenOverTwoLines) {
  auto s = slips("#!/bin/bash\nMYPATH=/mimer/NOBACKUP/groups/x/pro\ngrams/\npython $MYPATH/a.py\n");
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].line, 3);
  EXPECT_NE(s[0].message.find("broken over two lines"), std::string::npos);
  EXPECT_TRUE(slips("#!/bin/bash\ncd /proj/x\nhostname\n").empty()) << "a command after cd is ordinary";
}

TEST(ShellSlips, StoragePathWithoutItsSlash) {
  auto s = slips("#!/bin/bash\ncd cfs/klemming/projects/x\n");
  ASSERT_EQ(s.size(), 1u);
  EXPECT_NE(s[0].message.find("did you mean /cfs/klemming/projects/x?"), std::string::npos);
  EXPECT_TRUE(slips("#!/bin/bash\ncd programs\n").empty());
}

TEST(ShellSlips, PlaceholderLeftIn) {
  auto s = slips("#!/bin/bash\n#SBATCH -A <your-project>\ncd <mydir-name>\ncat <<EOF\nx\nEOF\n");
  ASSERT_EQ(s.size(), 1u) << "directives are sbatch's; a heredoc is no placeholder";
  EXPECT_EQ(s[0].line, 3);
}

TEST(Lint, CleanScriptHasNoFindings) {
  auto p = load_profile("rackham");
  EXPECT_EQ(
      all(lint_jobscript("job.sh",
                         "#!/bin/bash -l\n#SBATCH -A naiss2024-22-415\n#SBATCH -t 00:10:00\n#SBATCH -n 1\n"
                         "module load python/3.11.8\npython mmmult.py\n",
                         &p)),
      "");
}

TEST(Lint, ErrorsAndWarningsOnePerLine) {
  auto p = load_profile("rackham");
  std::string out =
      all(lint_jobscript("job.sh", "#!/bin/bash\n#SBATCH -A nope\n#SBATCH --tme=5\npython a.py\n", &p));
  EXPECT_NE(out.find("job.sh:2: error: "), std::string::npos) << out;
  EXPECT_NE(out.find("job.sh:3: error: "), std::string::npos) << out;
  EXPECT_NE(out.find("job.sh:4: warning: "), std::string::npos) << out;
  EXPECT_NE(out.find("job.sh: warning: no #SBATCH -t"), std::string::npos) << out;
}

TEST(Lint, ModulesThatBringPythonAndBareNamesCount) {
  auto k = load_profile("kebnekaise");
  EXPECT_EQ(all(lint_jobscript("job.sh",
                               "#!/bin/bash\n#SBATCH -A hpc2n2026-002\n#SBATCH -t 10\n"
                               "ml GCC/12.3.0 OpenMPI/4.1.5 SciPy-bundle/2023.07\npython a.py\n",
                               &k)),
            "");
  auto d = load_profile("dardel");
  std::string out = all(lint_jobscript("job.sh",
                                       "#!/bin/bash\n#SBATCH -A naiss2026-4-66\n#SBATCH -t 10\n#SBATCH -p "
                                       "shared\nml cray-python\npython a.py\n",
                                       &d));
  EXPECT_EQ(out.find("none a Python module"), std::string::npos) << out;
}

TEST(Lint, KebnekaiseNvidiaGpuFeature) {
  auto k = load_profile("kebnekaise");
  std::string out =
      all(lint_jobscript("job.sh",
                         "#!/bin/bash\n#SBATCH -A hpc2n2026-002\n#SBATCH -t 10\n#SBATCH --gpus=1\n"
                         "#SBATCH -C nvidia_gpu\nml GCC/12.3.0 Python/3.11.3\npython a.py\n",
                         &k));
  EXPECT_EQ(out, "");
}

TEST(Lint, HostNamesFindTheirProfile) {
  std::vector<ClusterProfile> ps = {load_profile("rackham"), load_profile("snowy"),
                                    load_profile("kebnekaise")};
  EXPECT_EQ(profile_for_host("rackham3.uppmax.uu.se", ps), "rackham");
  EXPECT_EQ(profile_for_host("laptop", ps), "");
}

}  // namespace grader
