// A cluster profile: what the grader knows about one cluster of the course (runners/clusters/
// NAME.toml): how to reach it, how its Slurm wants jobs written (a mandatory `-M snowy`, the GPU
// request syntax, partitions, constraint features), its project accounts and its Python modules.
// The jobscript check takes its defaults from a profile; `--runner NAME` picks one. Loaded
// strictly: an unknown key is an error naming file:line:col, like rubrics. docs/clusters.md.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "grader/util/usage_error.h"

namespace grader {

// what(): "runners/clusters/x.toml:3:1: unknown key 'acount'; did you mean 'account_pattern'?"
// A profile is a file the user names (--runner NAME), so a broken or missing one is bad input:
// a UsageError, which the CLI exits 2 for (not 3, the runner failing).
class ProfileError : public UsageError {
 public:
  ProfileError(const std::string& file, int line, int column, const std::string& message);
  const std::string& file() const { return file_; }
  int line() const { return line_; }
  int column() const { return column_; }
  const std::string& bare_message() const { return bare_; }

 private:
  std::string file_;
  int line_ = 0;
  int column_ = 0;
  std::string bare_;
};

// How a cluster wants GPUs asked for. Request syntaxes (`request`):
//   gres                 --gres=gpu:N                 gres-typed       --gres=gpu:TYPE:N
//   gpus                 --gpus=N (-G N)              gpus-typed       --gpus=TYPE:N
//   gpus-constraint      --gpus=N with -C TYPE        gpus-per-node    --gpus-per-node=N
//   gpus-per-node-typed  --gpus-per-node=TYPE:N       gpus-per-task    --gpus-per-task=N
//   partition            the GPU partition alone (-p gpu), no GPU option
struct GpuRules {
  bool available = true;           // false: the cluster has no GPUs (gpu = false)
  std::vector<std::string> types;  // "t4", "l40s"; compared case-insensitively
  // -C features that pick a GPU node of a kind without naming the type (Kebnekaise's
  // nvidia_gpu, amd_gpu): with --gpus=N they count as the gpus-constraint syntax.
  std::vector<std::string> features;
  std::vector<std::string> request;     // accepted syntaxes, above
  std::vector<std::string> partitions;  // a GPU job must name one of these (-p), when not empty
  bool required = false;                // every job must request a GPU (Alvis)
  std::string example;                  // a correct request, for hints: "--gpus=1 -C l40s"
  // The most GPUs any one GPU node has (Tetralith: 1 T4): a job that asks for more per node never
  // starts, and one that asks for more in all is spread over as many GPU nodes.
  std::optional<std::int64_t> per_node;
};

struct PythonModules {
  std::vector<std::string> modules;      // RE2 patterns (full match) of modules that give Python
  std::vector<std::string> recommended;  // what the course loads, in order
  std::vector<std::string> bundles;      // site package bundle modules (numpy, scipy, ...)
};

// How conda is used there (Bianca: a module, and a local mirror of some channels).
struct CondaRules {
  std::string module;                 // the module that gives conda: "conda"
  std::vector<std::string> channels;  // the channels the cluster mirrors; empty: any
  std::string envs_under;             // RE2 (full match): where environments belong
};

struct SshHints {
  std::string host;
  std::string user;
  int port = 0;
  std::string env_prefix;  // "GRADER_SSH": host, port, user, key, known_hosts from PREFIX_HOST, ...
};

struct ClusterProfile {
  std::string name;
  std::string source;  // the file it was loaded from
  std::string description;
  std::string centre;
  std::optional<std::string> login_host;
  std::optional<std::string> cluster_flag;     // as written, "-M snowy"
  std::string cluster;                         // its value, "snowy"; empty without cluster_flag
  std::optional<std::string> shebang;          // the course's first line, "#!/bin/bash -l"
  std::optional<std::string> account_pattern;  // RE2, full match
  std::vector<std::string> course_accounts;    // the course's projects there
  std::optional<std::int64_t> max_walltime_s;
  std::string max_walltime;  // as written, Slurm format
  std::optional<std::string> default_partition;
  std::vector<std::string> partitions;  // known partitions; a job's -p must be one of them
  bool partition_required = false;      // every job must give -p (Dardel)
  std::vector<std::string> features;    // known -C features (GPU types are added to these)
  std::optional<std::string> scratch_dir;
  std::optional<std::string> project_dir;
  std::optional<bool> internet;
  // The cores of one compute node: what a rubric's {{cores}} stands for with this profile.
  std::optional<std::int64_t> cores_per_node;
  // "srun": MPI programs start with srun, and mpirun/mpiexec is wrong there (Dardel's Cray MPICH).
  std::optional<std::string> mpi_launcher;
  // How the grader logs in there: "libssh" (keys, agent, a second factor from SSH_ASKPASS or the
  // terminal), "openssh" (the system ssh over a ControlMaster a person opened), "auto" (openssh
  // when such a master is running, else libssh). nullopt: auto. GRADER_SSH_CLIENT overrides it.
  std::optional<std::string> ssh_client;
  std::optional<GpuRules> gpu;  // nullopt: the course says nothing about GPUs there
  PythonModules python;
  std::optional<CondaRules> conda;  // nullopt: the course uses no conda there
  std::optional<SshHints> ssh;
};

// Parses profile text; `source_name` is used in messages.
ClusterProfile parse_profile(std::string_view toml_text, const std::string& source_name);

// A name ("rackham") is looked up in profile_dir(); anything with a '/' or ending in ".toml" is
// read as a path. Throws ProfileError (an unknown name: with the names there are and a
// did-you-mean).
ClusterProfile load_profile(const std::string& name_or_path);

// The directory of the shipped profiles: $GRADER_CLUSTERS_DIR, else runners/clusters in the
// source tree or share/hpc-grader/clusters in the install tree around the running executable,
// else runners/clusters above the current directory. Empty when none is found.
std::filesystem::path profile_dir();

// The names of the profiles in profile_dir(), sorted.
std::vector<std::string> profile_names();

}  // namespace grader
