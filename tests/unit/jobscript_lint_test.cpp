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

// sbatch(1): --gpus, --gpus-per-node, --gpus-per-task take [type:]N and --gres name[[:type]:count],
// all one typed gres where a cluster's GPUs are typed: Pelle's run_compute.sh writes
// --gres=gpu:l40s:1, Alvis's C3SE scripts --gpus-per-node=T4:1 and a learner --gpus=T4:1.
TEST(Lint, TypedGpuFormsAreOneGresWhereGpusAreTyped) {
  auto pelle = load_profile("pelle");
  EXPECT_EQ(all(lint_jobscript("job.sh",
                               "#!/bin/bash -l\n#SBATCH -A uppmax2025-2-393\n#SBATCH -t 10\n#SBATCH -p gpu\n"
                               "#SBATCH --gres=gpu:l40s:1\nhostname\n",
                               &pelle)),
            "");
  auto alvis = load_profile("alvis");
  EXPECT_EQ(all(lint_jobscript("job.sh",
                               "#!/bin/bash\n#SBATCH -A naiss2026-4-66\n#SBATCH -t 10\n#SBATCH -p alvis\n"
                               "#SBATCH --gpus=T4:1\nhostname\n",
                               &alvis)),
            "");
  std::string untyped = all(lint_jobscript(
      "job.sh",
      "#!/bin/bash -l\n#SBATCH -A uppmax2025-2-393\n#SBATCH -t 10\n#SBATCH -p gpu\n#SBATCH --gpus=1\n",
      &pelle));
  EXPECT_NE(untyped.find("job.sh:5: error: '#SBATCH --gpus=1' is not how pelle takes GPU requests"),
            std::string::npos)
      << "an untyped request is still not Pelle's form\n"
      << untyped;
}

// The course's legacy UPPMAX scikit-learn.sh: --gres=gpus:1. sbatch refuses a gres no cluster
// defines, so it is an error even where nothing asks about GPUs (no profile, no gpu = true).
TEST(Lint, MisspeltGpuGresIsAnErrorEverywhere) {
  std::string out = all(lint_jobscript(
      "job.sh", "#!/bin/bash\n#SBATCH -A x\n#SBATCH -t 10\n#SBATCH --gres=gpus:1\nhostname\n", nullptr));
  EXPECT_EQ(
      out,
      "job.sh:4: error: '#SBATCH --gres=gpus:1' asks for the gres 'gpus', which Slurm does not know; did "
      "you mean 'gpu'?\n");
}

// The course's hpc2n/pytorch_fitting_gpu.sh: -C l40a. Kebnekaise's profile lists only its GPU
// types and features, yet a near miss of one is no feature of any node.
TEST(Lint, NearMissOfAGpuFeatureIsAnError) {
  auto k = load_profile("kebnekaise");
  std::string out = all(lint_jobscript(
      "job.sh", "#!/bin/bash\n#SBATCH -A hpc2n2026-002\n#SBATCH -t 10\n#SBATCH -C l40a\nhostname\n", &k));
  EXPECT_EQ(
      out,
      "job.sh:4: error: '#SBATCH -C l40a' asks for the feature 'l40a', which no node of kebnekaise has; "
      "did you mean 'l40s'?\n");
  EXPECT_EQ(all(lint_jobscript(
                "job.sh", "#!/bin/bash\n#SBATCH -A hpc2n2026-002\n#SBATCH -t 10\n#SBATCH -C skylake\n", &k)),
            "")
      << "a feature far from every GPU one may be a CPU feature the profile does not list";
}

// Both slips of one script: a GPU form Kebnekaise does not take, and a -C one letter from its
// type. Reporting the form alone sent the learner back with the typo still in.
TEST(Lint, WrongGpuFormAndNearMissTypeAreBothReported) {
  auto k = load_profile("kebnekaise");
  std::string out =
      all(lint_jobscript("job.sh",
                         "#!/bin/bash\n#SBATCH -A hpc2n2026-002\n#SBATCH -t 10\n#SBATCH --gres=gpu:1\n"
                         "#SBATCH -C l40a\nhostname\n",
                         &k));
  EXPECT_NE(out.find("job.sh:4: error: '#SBATCH --gres=gpu:1' is not how kebnekaise takes GPU requests"),
            std::string::npos)
      << out;
  EXPECT_NE(
      out.find("job.sh:5: error: '#SBATCH -C l40a': 'l40a' is not a GPU type of kebnekaise; did you mean "
               "'l40s'?"),
      std::string::npos)
      << out;
}

// The course's NSC job-gpu.sh: -n 24 --gpus-per-task=1 on Tetralith, one T4 per GPU node.
TEST(Lint, GpusBeyondOneNodeSpreadOverGpuNodes) {
  auto t = load_profile("tetralith");
  std::string out = all(lint_jobscript(
      "job.sh",
      "#!/bin/bash\n#SBATCH -A naiss2026-4-66\n#SBATCH -t 20\n#SBATCH -n 24\n#SBATCH --gpus-per-task=1\n"
      "srun hostname\n",
      &t));
  EXPECT_EQ(
      out,
      "job.sh:5: warning: '#SBATCH --gpus-per-task=1' asks for 24 GPUs in all (one set per task, 24 tasks), "
      "but the GPU nodes of tetralith have one each: the job is spread over 24 GPU nodes and waits for "
      "them all; one process that uses a GPU asks for -n 1\n");
  EXPECT_EQ(all(lint_jobscript(
                "job.sh",
                "#!/bin/bash\n#SBATCH -A naiss2026-4-66\n#SBATCH -t 20\n#SBATCH -n 1\n#SBATCH -c 32\n"
                "#SBATCH --gpus-per-task=1\nhostname\n",
                &t)),
            "")
      << "the course's own Tetralith GPU request";
}

TEST(Lint, MoreGpusOnANodeThanItHasNeverStarts) {
  auto t = load_profile("tetralith");
  std::string out = all(lint_jobscript(
      "job.sh",
      "#!/bin/bash\n#SBATCH -A naiss2026-4-66\n#SBATCH -t 20\n#SBATCH -n 2\n#SBATCH --ntasks-per-node=2\n"
      "#SBATCH --gpus-per-task=1\nsrun hostname\n",
      &t));
  EXPECT_NE(
      out.find("job.sh:6: error: '#SBATCH --gpus-per-task=1' asks for 2 GPUs on one node, but the GPU nodes "
               "of tetralith have at most 1: the job would never start"),
      std::string::npos)
      << out;
}

// The course's LUNARC integration2d_gpu_shared.sh: -n 24 --ntasks-per-node=1, one numba process.
TEST(Lint, TasksOnePerNodeAskForAsManyNodes) {
  std::string out = all(lint_jobscript(
      "job.sh",
      "#!/bin/bash\n#SBATCH -A x\n#SBATCH -t 15\n#SBATCH -n 24\n#SBATCH --ntasks-per-node=1\nsrun hostname\n",
      nullptr));
  EXPECT_EQ(
      out,
      "job.sh:5: warning: '#SBATCH --ntasks-per-node=1' with -n 24 asks for 24 nodes, 1 task on each; a "
      "program on one node (multiprocessing, numba, one GPU) asks for -N 1, or -n 1 -c N\n");
  EXPECT_EQ(all(lint_jobscript("job.sh",
                               "#!/bin/bash\n#SBATCH -A x\n#SBATCH -t 15\n#SBATCH -N 24\n#SBATCH -n 24\n"
                               "#SBATCH --ntasks-per-node=1\nsrun hostname\n",
                               nullptr)),
            "")
      << "-N 24 says it is meant";
}

// Dardel's MPI programs start with srun (course.md §5 D12); mpirun is the course's mistake there.
TEST(Lint, MpirunOnDardel) {
  auto d = load_profile("dardel");
  const std::string text =
      "#!/bin/bash\n#SBATCH -A naiss2026-4-66\n#SBATCH -t 10\n#SBATCH -p shared\n#SBATCH -n 4\n"
      "ml cray-python\nmpirun -np 4 python integration2d_mpi.py\n";
  EXPECT_EQ(all(lint_jobscript("job.sh", text, &d)),
            "job.sh:7: warning: 'mpirun -np 4 python integration2d_mpi.py' starts python with mpirun, but on "
            "dardel MPI programs start with srun: write srun python ...\n");
  auto k = load_profile("kebnekaise");
  EXPECT_EQ(all(lint_jobscript("job.sh",
                               "#!/bin/bash\n#SBATCH -A hpc2n2026-002\n#SBATCH -t 10\n#SBATCH -n 4\n"
                               "ml GCC/12.3.0 OpenMPI/4.1.5 SciPy-bundle/2023.07 mpi4py/3.1.4\n"
                               "mpirun -np 4 python integration2d_mpi.py\n",
                               &k)),
            "")
      << "mpirun is right on Kebnekaise";
}

TEST(Lint, HostNamesFindTheirProfile) {
  std::vector<ClusterProfile> ps = {load_profile("rackham"), load_profile("snowy"),
                                    load_profile("kebnekaise")};
  EXPECT_EQ(profile_for_host("rackham3.uppmax.uu.se", ps), "rackham");
  EXPECT_EQ(profile_for_host("laptop", ps), "");
}

}  // namespace grader
