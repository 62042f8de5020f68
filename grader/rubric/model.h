// The rubric as data: what to run and how to grade it. Built by the loader from a TOML file,
// read by the grading core and the runners. Plain structs; every element remembers where in the
// file it came from so that later errors can point back at it.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "grader/cluster/profile.h"
#include "grader/rubric/environment_spec.h"
#include "grader/rubric/notebook_spec.h"
#include "grader/rubric/pytest_spec.h"
#include "grader/rubric/speedup_spec.h"
#include "grader/run/executor.h"
#include "grader/run/job_limits.h"
#include "grader/util/source_pos.h"

namespace grader {

inline constexpr std::uint64_t kDefaultOutputLimit = 1024 * 1024;
inline constexpr double kDefaultTimeout = 10.0;

// One execution of learner work: [[run]] in the rubric.
struct RunSpec {
  std::string id;
  std::vector<std::string> command;  // argv; command[0] is looked up on PATH
  // A Slurm job instead of a command: this workspace-relative script is submitted with sbatch
  // by the cluster's executor; its output files are the run's stdout/stderr.
  std::optional<std::string> jobscript;
  JobLimits job_limits;  // what the jobscript may ask for (`job_limits`); checked before submitting
  double timeout_s = kDefaultTimeout;
  std::optional<std::uint64_t> memory_bytes;
  std::uint64_t output_limit = kDefaultOutputLimit;  // per stream
  std::optional<std::string> stdin_text;
  std::optional<std::string> stdin_file;  // relative to the workspace
  std::map<std::string, std::string> env;
  std::vector<std::string> collect;  // files read back after the run, relative to the workspace
  bool hidden = false;               // command and output never shown to the learner
  // The exit code by which the run says this runner lacks what it needs (conda, a GPU): every
  // check of the run is then skipped with `unavailable_reason`.
  std::optional<int> unavailable_exit;
  std::string unavailable_reason;
  // A notebook instead of a command: run cell by cell in a Jupyter kernel (grader/notebook/).
  std::optional<NotebookRun> notebook;
  SourcePos pos;
};

enum class Stream { Stdout, Stderr, File };

enum class MatchKind { Contains, Regex, Exact, Lines };

// Text comparisons. `pattern` may hold "{{stdout:RUN}}", replaced by that run's trimmed stdout
// (regex-quoted inside a regex) before matching.
struct TextMatch {
  MatchKind kind = MatchKind::Contains;
  std::string pattern;
};

// A number captured by the first group of `regex`, compared with a tolerance. With neither
// tolerance given the comparison is exact.
struct NumberMatch {
  std::string regex;
  double value = 0;
  std::optional<double> rel_tol;
  std::optional<double> abs_tol;
};

// How many lines `regex` matches (RE2, partial match per line), compared with `value`. Counts what
// a run printed how often: one result line from an MPI program, not one per rank.
struct CountMatch {
  std::string regex;
  std::int64_t value = 1;
};

using OutputMatch = std::variant<TextMatch, NumberMatch, CountMatch>;

struct OutputCheck {
  Stream stream = Stream::Stdout;
  std::string path;  // for Stream::File, relative to the workspace
  OutputMatch match;
};

// A notebook cell's output, found by its tag (metadata.tags), with a matcher: `cell = { tag = ... }`.
struct CellCheck {
  std::string tag;
  OutputMatch match;
};

struct ExitCodeCheck {
  int expected = 0;
};

struct FileExistsCheck {
  std::string path;
};

enum class Metric { WallTime, CpuTime, PeakMemory };

// Bounds in seconds (time) or bytes (memory), inclusive.
struct BoundCheck {
  Metric metric = Metric::WallTime;
  std::optional<double> min;
  std::optional<double> max;
};

// Static grading of a Slurm jobscript of the submission, read as handed in (before any run):
// `jobscript = { file = "job.sh", ... }`. Each key set is one requirement; with `partial`, the
// credit is the share met. A cluster profile supplies the values a key set to `true` stands for
// (account pattern, time limit, -M cluster, GPU syntax, Python modules) and adds the cluster's
// mandatory rules (Snowy's -M snowy, Dardel's -p, Alvis' GPU request, known -C features).
struct JobscriptCheck {
  std::string file;                         // workspace-relative
  std::optional<ClusterProfile> profile;    // `profile = "rackham"`, loaded by the rubric loader
  std::vector<std::string> require;         // sbatch long option names that must be given
  std::optional<std::int64_t> max_time_s;   // the job's -t must be at most this
  std::optional<std::int64_t> cores;        // tasks x cpus-per-task must be exactly this
  std::optional<std::int64_t> tasks;        // -n (or nodes x ntasks-per-node) must be exactly this
  std::optional<std::uint64_t> max_memory;  // --mem (or --mem-per-cpu x cores) at most this
  std::optional<std::string> account;       // RE2, full match against -A
  std::optional<std::string> partition;     // RE2, full match against -p
  std::optional<std::string> cluster;       // -M must name this cluster
  std::optional<bool> gpu;                  // must (true) or must not (false) request a GPU
  bool module_before_python = false;        // a module is loaded before the first python
  std::vector<std::string> python_modules;  // RE2, full match: one is loaded at the first python
  std::optional<std::string> runs;          // a python command runs this script (basename)
  bool srun_for_parallel = false;           // with more than one task, python runs under srun/mpirun
  bool no_home_paths = false;               // no absolute paths into a home directory
};

// What Slurm's accounting says the job did (`slurm = { tasks = 2 }`), for jobscript runs: read from
// sacct, so a program cannot claim it.
struct SlurmCheck {
  std::optional<std::int64_t> tasks;  // a step of the job ran exactly this many tasks
};

using CheckKind = std::variant<ExitCodeCheck, OutputCheck, FileExistsCheck, BoundCheck, JobscriptCheck,
                               EnvironmentCheck, RequirementsCheck, CondaEnvCheck, SlurmCheck, SpeedupCheck,
                               PytestCheck, CellCheck, NotebookCheck>;

struct CheckSpec {
  std::string id;
  std::string run;    // the RunSpec id it grades; empty for static checks (jobscript)
  std::string title;  // one line a learner reads; defaults to the id
  double points = 1;
  bool partial = false;  // `lines` and `jobscript` checks: credit in proportion to what matches
  std::optional<std::string> hint;
  bool hidden = false;  // graded, but expected values never reach learner-facing output
  std::vector<std::string> needs;
  CheckKind kind;
  SourcePos pos;
};

struct Rubric {
  std::string exercise;
  std::string title;
  std::string source;  // the file it was loaded from
  // Controls that must be in force (runner.isolation); grading is refused, not run weaker.
  std::vector<std::string> require_isolation;
  // The --runner this rubric must be graded with ("local", a profile name); nullopt: any.
  std::optional<std::string> require_runner;
  WorkspaceBounds workspace;  // workspace_size, workspace_files: the workspace as a whole
  std::vector<RunSpec> runs;
  std::vector<CheckSpec> checks;  // in an order where every check comes after what it needs

  const RunSpec* find_run(const std::string& id) const;
  double max_score() const;
};

std::string to_string(Stream s);
std::string to_string(MatchKind k);
std::string to_string(Metric m);

}  // namespace grader
