// The jobscript check kind, evaluated from data: a script's text and a JobscriptCheck, with the
// shipped cluster profiles. Includes the defects of the course's own reference scripts.
#include "grader/checks/jobscript_check.h"

#include <gtest/gtest.h>

#include "grader/checks/evaluate.h"

using namespace grader;

namespace {

ClusterProfile profile(const std::string& name) {
  return load_profile(std::string(GRADER_SOURCE_DIR) + "/runners/clusters/" + name + ".toml");
}

CheckResult grade(const JobscriptCheck& job, const std::string& text, bool partial = false,
                  bool hidden = false) {
  CheckSpec c;
  c.id = "directives";
  c.points = 4;
  c.partial = partial;
  c.kind = job;
  RunResult sub;
  sub.id = kSubmissionRun;
  sub.status = RunStatus::Ok;
  CollectedFile f;
  f.exists = true;
  f.data = text;
  f.size = text.size();
  sub.files[job.file] = f;
  RunResults runs{{kSubmissionRun, sub}};
  return evaluate_check(c, runs, hidden);
}

const Requirement& requirement(const JobscriptEvaluation& e, const std::string& name) {
  for (const auto& r : e.requirements)
    if (r.name == name) return r;
  throw std::runtime_error("no requirement " + name);
}

JobscriptCheck local_check() {
  JobscriptCheck c;
  c.file = "job.sh";
  c.profile = profile("local");
  c.require = {"account", "time"};
  c.max_time_s = 600;
  c.cores = 2;
  c.account = c.profile->account_pattern;
  c.gpu = false;
  c.module_before_python = true;
  c.python_modules = c.profile->python.modules;
  c.runs = "mmmult.py";
  c.no_home_paths = true;
  return c;
}

const std::string kGood =
    "#!/bin/bash\n"
    "#SBATCH -A naiss2024-22-415\n"
    "#SBATCH -t 00:10:00\n"
    "#SBATCH -n 1\n"
    "#SBATCH -c 2\n"
    "module load python/3.11.2\n"
    "python mmmult.py\n";

}  // namespace

TEST(JobscriptCheck, CorrectScriptMeetsEveryRequirement) {
  CheckResult r = grade(local_check(), kGood);
  EXPECT_EQ(r.status, CheckStatus::Passed) << r.message;
  EXPECT_EQ(r.points, 4);
  EXPECT_NE(r.message.find("job.sh: 11 of 11 requirements met"), std::string::npos) << r.message;
}

TEST(JobscriptCheck, TooLongTimeNamesTheLine) {
  std::string text = kGood;
  text.replace(text.find("00:10:00"), 8, "30:00");
  JobscriptEvaluation e = evaluate_jobscript(local_check(), text);
  const Requirement& t = requirement(e, "max_time");
  EXPECT_FALSE(t.met);
  EXPECT_EQ(t.message, "job.sh:3: '#SBATCH -t 30:00' asks for 30 min, more than the allowed 10 min");
}

TEST(JobscriptCheck, PartialCreditIsTheShareMet) {
  std::string text = kGood;
  text.replace(text.find("00:10:00"), 8, "30:00");
  CheckResult r = grade(local_check(), text, true);
  EXPECT_EQ(r.status, CheckStatus::Failed);
  EXPECT_NEAR(r.points, 4.0 * 10 / 11, 1e-9);
  CheckResult all_or_nothing = grade(local_check(), text, false);
  EXPECT_EQ(all_or_nothing.points, 0);
}

TEST(JobscriptCheck, HiddenMessageOnlyCounts) {
  std::string text = kGood;
  text.replace(text.find("00:10:00"), 8, "30:00");
  CheckResult r = grade(local_check(), text, false, true);
  EXPECT_EQ(r.message, "job.sh: 10 of 11 requirements met");
  EXPECT_NE(r.detail.find("30 min"), std::string::npos);
}

TEST(JobscriptCheck, CoursesLostHashDefect) {
  // Exercises/day4/uppmax/add-list.sh: every '#' lost.
  std::string text = kGood;
  for (std::size_t p = 0; (p = text.find("#", p)) != std::string::npos;) text.erase(p, 1);
  JobscriptEvaluation e = evaluate_jobscript(local_check(), text);
  EXPECT_FALSE(requirement(e, "valid").met);
  EXPECT_NE(requirement(e, "valid").message.find("job.sh:1: '!/bin/bash' lost its '#'"), std::string::npos)
      << requirement(e, "valid").message;
  const Requirement& account = requirement(e, "account");
  EXPECT_FALSE(account.met);
  EXPECT_EQ(account.message,
            "job.sh: no #SBATCH --account (-A) (job.sh:2: 'SBATCH -A naiss2024-22-415' lost its '#': "
            "bash runs it as a command)");
  EXPECT_EQ(requirement(e, "account_pattern").message,
            "job.sh: no #SBATCH -A (--account) (job.sh:2: 'SBATCH -A naiss2024-22-415' lost its '#': bash "
            "runs it as a "
            "command); the course's project on local is naiss2024-22-415");
  EXPECT_FALSE(requirement(e, "cores").met);
  EXPECT_TRUE(requirement(e, "module_before_python").met);
}

TEST(JobscriptCheck, SpacedSbatchIsACommentAndSaidSo) {
  std::string text = kGood;
  text.replace(text.find("#SBATCH -t"), 7, "# SBATCH");
  JobscriptEvaluation e = evaluate_jobscript(local_check(), text);
  EXPECT_EQ(requirement(e, "time").message,
            "job.sh: no #SBATCH --time (-t) (job.sh:3: '# SBATCH -t 00:10:00' is a comment, not a directive: "
            "sbatch "
            "reads only lines that start with exactly '#SBATCH')");
  EXPECT_TRUE(requirement(e, "valid").met);
}

TEST(JobscriptCheck, ModuleLoadedAfterPython) {
  std::string text =
      "#!/bin/bash\n#SBATCH -A naiss2024-22-415\n#SBATCH -t 10\n#SBATCH -c 2\n"
      "python mmmult.py\nmodule load python/3.11.2\n";
  JobscriptEvaluation e = evaluate_jobscript(local_check(), text);
  EXPECT_EQ(requirement(e, "module_before_python").message,
            "job.sh:5: 'python mmmult.py' runs before any module is loaded (the module load at line 6 comes "
            "too late)");
  EXPECT_FALSE(requirement(e, "python_modules").met);
}

TEST(JobscriptCheck, PurgeAfterLoadLeavesNoPython) {
  std::string text =
      "#!/bin/bash\n#SBATCH -A naiss2024-22-415\n#SBATCH -t 10\n#SBATCH -c 2\n"
      "module load python/3.11.2\nmodule purge\nmodule load uppmax\npython mmmult.py\n";
  JobscriptEvaluation e = evaluate_jobscript(local_check(), text);
  EXPECT_TRUE(requirement(e, "module_before_python").met);
  EXPECT_EQ(requirement(e, "python_modules").message,
            "job.sh:8: 'python mmmult.py': when it runs, the modules loaded are uppmax, none a Python module "
            "for local; "
            "on local the course loads python/3.11.2");
}

TEST(JobscriptCheck, DirectiveAfterFirstCommandIsInvalidAndExplained) {
  std::string text =
      "#!/bin/bash\n#SBATCH -A naiss2024-22-415\n#SBATCH -t 10\nmodule load python/3.11.2\n#SBATCH -c 2\n"
      "python mmmult.py\n";
  JobscriptEvaluation e = evaluate_jobscript(local_check(), text);
  EXPECT_FALSE(requirement(e, "valid").met);
  EXPECT_NE(
      requirement(e, "cores").message.find("comes after the first command, line 4, so sbatch ignores it"),
      std::string::npos)
      << requirement(e, "cores").message;
}

TEST(JobscriptCheck, KebnekaiseConstraintTypo) {
  // Exercises/day4/hpc2n/pytorch_fitting_gpu.sh: -C l40a.
  JobscriptCheck c;
  c.file = "job-kebnekaise.sh";
  c.profile = profile("kebnekaise");
  c.gpu = true;
  std::string text =
      "#!/bin/bash\n#SBATCH -A hpc2n2026-002\n#SBATCH --gpus=1\n#SBATCH -C l40a\npython x.py\n";
  JobscriptEvaluation e = evaluate_jobscript(c, text);
  EXPECT_EQ(
      requirement(e, "gpu").message,
      "job-kebnekaise.sh:4: '#SBATCH -C l40a': 'l40a' is not a GPU type of kebnekaise; did you mean 'l40s'?");
  text.replace(text.find("l40a"), 4, "l40s");
  EXPECT_TRUE(requirement(evaluate_jobscript(c, text), "gpu").met);
  // The 2024 form is still accepted; a bare --gpus=1 is not.
  EXPECT_TRUE(requirement(evaluate_jobscript(c, "#!/bin/bash\n#SBATCH --gres=gpu:v100:1\n"), "gpu").met);
  EXPECT_EQ(requirement(evaluate_jobscript(c, "#!/bin/bash\n#SBATCH --gpus=1\n"), "gpu").message,
            "job-kebnekaise.sh:2: '#SBATCH --gpus=1' asks for a GPU without its type: add #SBATCH -C TYPE "
            "(v100, a40, "
            "a6000, l40s, a100, h100, mi100)");
}

TEST(JobscriptCheck, SnowyNeedsClusterFlag) {
  JobscriptCheck c;
  c.file = "job-snowy.sh";
  c.profile = profile("snowy");
  c.gpu = true;
  std::string text = "#!/bin/bash -l\n#SBATCH -A naiss2024-22-415\n#SBATCH --gres=gpu:1\npython x.py\n";
  JobscriptEvaluation e = evaluate_jobscript(c, text);
  EXPECT_EQ(requirement(e, "cluster").message,
            "job-snowy.sh: no #SBATCH -M snowy: without it the job runs on the cluster it is submitted from, "
            "not on snowy");
  EXPECT_TRUE(requirement(e, "gpu").met);
  EXPECT_TRUE(requirement(evaluate_jobscript(c, text + "#SBATCH -M snowy\n"), "cluster").met ==
              false);  // too late
  text.insert(text.find("#SBATCH --gres"), "#SBATCH -M snowy\n");
  EXPECT_TRUE(requirement(evaluate_jobscript(c, text), "cluster").met);
}

TEST(JobscriptCheck, SnowyLegacyGresTypoIsRefused) {
  JobscriptCheck c;
  c.file = "job.sh";
  c.profile = profile("snowy");
  c.gpu = true;
  JobscriptEvaluation e = evaluate_jobscript(c, "#!/bin/bash -l\n#SBATCH -M snowy\n#SBATCH --gres=gpu=1\n");
  EXPECT_FALSE(requirement(e, "valid").met);
  EXPECT_FALSE(requirement(e, "gpu").met);
}

TEST(JobscriptCheck, RackhamHasNoGpus) {
  JobscriptCheck c;
  c.file = "job.sh";
  c.profile = profile("rackham");
  c.gpu = true;
  EXPECT_EQ(requirement(evaluate_jobscript(c, "#!/bin/bash -l\n#SBATCH --gres=gpu:1\n"), "gpu").message,
            "job.sh:2: '#SBATCH --gres=gpu:1' asks for a GPU, but rackham has no GPUs");
}

TEST(JobscriptCheck, CpuJobMustNotAskForGpu) {
  std::string text = kGood;
  text.insert(text.find("module"), "#SBATCH --gres=gpu:1\n");
  JobscriptEvaluation e = evaluate_jobscript(local_check(), text);
  EXPECT_EQ(requirement(e, "gpu").message,
            "job.sh:6: '#SBATCH --gres=gpu:1' asks for a GPU, which this job does not need");
}

// One problem per line (issue 12): joined with "; " they ran into each other's "did you mean".
TEST(JobscriptCheck, UnknownFeatureOrPartitionOnTheProfile) {
  std::string text = kGood;
  text.insert(text.find("module"), "#SBATCH -C l40a\n#SBATCH -p mian\n");
  JobscriptEvaluation e = evaluate_jobscript(local_check(), text);
  EXPECT_EQ(requirement(e, "valid").message,
            "job.sh:6: '#SBATCH -C l40a' asks for the feature 'l40a', which no node of local has; did you "
            "mean 'l40s'?\n"
            "job.sh:7: '#SBATCH -p mian' names the partition 'mian', which local does not have; did you mean "
            "'main'?");
  // In the check's message every problem is a line of its own, indented as the requirements are.
  const std::string message = grade(local_check(), text).message;
  EXPECT_NE(message.find("\n  job.sh:6: '#SBATCH -C l40a'"), std::string::npos) << message;
  EXPECT_NE(message.find("'l40s'?\n  job.sh:7: '#SBATCH -p mian'"), std::string::npos) << message;
}

TEST(JobscriptCheck, PelleGpuNeedsPartitionAndTypedRequest) {
  JobscriptCheck c;
  c.file = "job.sh";
  c.profile = profile("pelle");
  c.gpu = true;
  EXPECT_EQ(requirement(evaluate_jobscript(c, "#!/bin/bash -l\n#SBATCH --gpus=l40s:1\n"), "gpu").message,
            "job.sh: GPU jobs on pelle run in partition gpu: add #SBATCH -p gpu");
  EXPECT_TRUE(
      requirement(evaluate_jobscript(c, "#!/bin/bash -l\n#SBATCH -p gpu\n#SBATCH --gpus=l40s:1\n"), "gpu")
          .met);
  EXPECT_EQ(
      requirement(evaluate_jobscript(c, "#!/bin/bash -l\n#SBATCH -p gpu\n#SBATCH --gpus=a100:1\n"), "gpu")
          .message,
      "job.sh:3: '#SBATCH --gpus=a100:1': 'a100' is not a GPU type of pelle; did you mean 'h100'?");
}

TEST(JobscriptCheck, AlvisRequiresAGpuEvenForCpuJobs) {
  JobscriptCheck c;
  c.file = "job.sh";
  c.profile = profile("alvis");
  JobscriptEvaluation e = evaluate_jobscript(c, "#!/bin/bash\n#SBATCH -p alvis\npython x.py\n");
  EXPECT_EQ(
      requirement(e, "gpu").message,
      "job.sh: asks for no GPU (every job on alvis must); on alvis write e.g. -p alvis --gpus-per-node=T4:1");
  EXPECT_TRUE(requirement(evaluate_jobscript(c, "#!/bin/bash\n#SBATCH --gpus-per-node=T4:1\n"), "gpu").met);
}

TEST(JobscriptCheck, DardelRequiresAPartition) {
  JobscriptCheck c;
  c.file = "job.sh";
  c.profile = profile("dardel");
  JobscriptEvaluation e = evaluate_jobscript(c, "#!/bin/bash\n#SBATCH -A naiss2026-4-66\npython x.py\n");
  EXPECT_FALSE(requirement(e, "cluster_partition").met);
  EXPECT_TRUE(
      requirement(evaluate_jobscript(c, "#!/bin/bash\n#SBATCH -p shared\n"), "cluster_partition").met);
}

// Issue 12: `mpirun -np $SLURM_NTASKS` is the tasks asked for, not a mismatch; a count is
// compared only when it is a number; a python without a launcher under -n 4 may be MPI or
// multiprocessing, and the advice says both (the course runs multiprocessing with -n 1 -c 4).
TEST(JobscriptCheck, MpirunWithTheTaskVariableMatchesAndTheAdviceFitsMultiprocessing) {
  JobscriptCheck c;
  c.file = "job.sh";
  c.srun_for_parallel = true;
  for (const char* n : {"$SLURM_NTASKS", "${SLURM_NTASKS}", "$NP"})
    EXPECT_TRUE(requirement(evaluate_jobscript(c, std::string("#!/bin/bash\n#SBATCH -n 4\nmpirun -np ") + n +
                                                      " python x.py\n"),
                            "srun_for_parallel")
                    .met)
        << n;
  EXPECT_EQ(requirement(evaluate_jobscript(c, "#!/bin/bash\n#SBATCH -n 1\nmpirun -np 4 python x.py\n"),
                        "srun_for_parallel")
                .message,
            "job.sh:3: 'mpirun -np 4 python x.py' starts 4 processes, but the job asks for 1 task");
  EXPECT_EQ(
      requirement(evaluate_jobscript(c, "#!/bin/bash\n#SBATCH -n 4\npython multiproc.py\n"),
                  "srun_for_parallel")
          .message,
      "job.sh:3: 'python multiproc.py' runs one copy of python, though the job asks for 4 tasks: an MPI "
      "program starts with srun (or mpirun); a program that uses threads or multiprocessing asks for -n 1 "
      "-c 4 instead");
}

TEST(JobscriptCheck, SrunForParallelAndMpirunCount) {
  JobscriptCheck c;
  c.file = "job.sh";
  c.srun_for_parallel = true;
  EXPECT_FALSE(
      requirement(evaluate_jobscript(c, "#!/bin/bash\n#SBATCH -n 4\npython x.py\n"), "srun_for_parallel")
          .met);
  EXPECT_TRUE(
      requirement(evaluate_jobscript(c, "#!/bin/bash\n#SBATCH -n 4\nsrun python x.py\n"), "srun_for_parallel")
          .met);
  EXPECT_EQ(requirement(evaluate_jobscript(c, "#!/bin/bash\n#SBATCH -n 4\nmpirun -np 8 python x.py\n"),
                        "srun_for_parallel")
                .message,
            "job.sh:3: 'mpirun -np 8 python x.py' starts 8 processes, but the job asks for 4 tasks");
  EXPECT_TRUE(
      requirement(evaluate_jobscript(c, "#!/bin/bash\n#SBATCH -n 1\npython x.py\n"), "srun_for_parallel")
          .met);
}

TEST(JobscriptCheck, HomePaths) {
  JobscriptCheck c;
  c.file = "job.sh";
  c.no_home_paths = true;
  EXPECT_FALSE(requirement(evaluate_jobscript(c, "#!/bin/bash\ncd /home/alice/proj\n"), "no_home_paths").met);
  EXPECT_FALSE(
      requirement(evaluate_jobscript(c, "#!/bin/bash\n#SBATCH -o /home/bob/out.txt\n"), "no_home_paths").met);
  EXPECT_FALSE(requirement(evaluate_jobscript(c, "#!/bin/bash\nMYPATH=~carol/x\n"), "no_home_paths").met);
  EXPECT_TRUE(requirement(evaluate_jobscript(
                              c, "#!/bin/bash\n# cd /home/alice\ncd $HOME/x\ncd /proj/hpc-python/me\n"),
                          "no_home_paths")
                  .met);
}

TEST(JobscriptCheck, MemoryBound) {
  JobscriptCheck c;
  c.file = "job.sh";
  c.max_memory = 4ull << 30;
  EXPECT_TRUE(requirement(evaluate_jobscript(c, "#!/bin/bash\n#SBATCH --mem=2G\n"), "max_memory").met);
  EXPECT_FALSE(requirement(evaluate_jobscript(c, "#!/bin/bash\n#SBATCH -n 4\n#SBATCH --mem-per-cpu=2G\n"),
                           "max_memory")
                   .met);
  EXPECT_TRUE(requirement(evaluate_jobscript(c, "#!/bin/bash\n"), "max_memory").met);
}

TEST(JobscriptCheck, RunsTheGivenProgram) {
  JobscriptCheck c;
  c.file = "job.sh";
  c.runs = "mmmult.py";
  EXPECT_TRUE(requirement(evaluate_jobscript(c, "#!/bin/bash\npython $MYPATH/mmmult.py\n"), "runs").met);
  EXPECT_TRUE(requirement(evaluate_jobscript(c, "#!/bin/bash\nsrun python3 -u mmmult.py\n"), "runs").met);
  EXPECT_FALSE(requirement(evaluate_jobscript(c, "#!/bin/bash\npython other.py mmmult.py\n"), "runs").met);
}

TEST(JobscriptCheck, MissingFileFails) {
  CheckSpec c;
  c.id = "x";
  JobscriptCheck job;
  job.file = "job.sh";
  c.kind = job;
  RunResult sub;
  sub.status = RunStatus::Ok;
  sub.files["job.sh"] = CollectedFile{};
  CheckResult r = evaluate_check(c, RunResults{{kSubmissionRun, sub}}, false);
  EXPECT_EQ(r.status, CheckStatus::Failed);
  EXPECT_EQ(r.message, "file 'job.sh' is not in the submission");
}

// The course's legacy scikit-learn.sh under a check with gpu = true: it was told "asks for no
// GPU"; the misspelt gres is the reason, and both requirements say so.
TEST(JobscriptCheck, MisspeltGpuGresIsNamedNotCalledNoGpu) {
  JobscriptCheck c;
  c.file = "job.sh";
  c.profile = profile("snowy");
  c.gpu = true;
  JobscriptEvaluation e =
      evaluate_jobscript(c, "#!/bin/bash -l\n#SBATCH -M snowy\n#SBATCH --gres=gpus:1\npython x.py\n");
  const std::string want =
      "job.sh:3: '#SBATCH --gres=gpus:1' asks for the gres 'gpus', which Slurm does not know; did you mean "
      "'gpu'?";
  EXPECT_EQ(requirement(e, "valid").message, want);
  EXPECT_FALSE(requirement(e, "gpu").met);
  EXPECT_NE(requirement(e, "gpu").message.find(want), std::string::npos) << requirement(e, "gpu").message;
}
