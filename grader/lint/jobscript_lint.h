// `grader lint`: a Slurm jobscript held to sbatch's reading and a cluster's rules with no rubric,
// as findings a learner reads one per line (`job.sh:4: error: ...`). Errors: what sbatch or the
// cluster refuses (an unknown option, a malformed value, a partition or feature the cluster does
// not have, a GPU asked for in another site's syntax, no project where one is required).
// Warnings: what runs, but not as meant (no -t, python without a module, several tasks without
// srun, multiprocessing under -n, home paths, a venv sourced as a directory, a placeholder left
// in). Pure: text and profile in, findings out.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "grader/cluster/profile.h"

namespace grader {

struct LintFinding {
  std::string file;
  int line = 0;  // 0: the script as a whole
  bool error = false;
  std::string message;
};

// `profile` may be null: then only sbatch's own rules and the cluster-independent warnings.
std::vector<LintFinding> lint_jobscript(const std::string& file, std::string_view text,
                                        const ClusterProfile* profile);

// "job.sh:4: error: message" (or "job.sh: warning: message" for line 0).
std::string format_finding(const LintFinding& f);

// The profile whose login node this host is ("rackham3.uppmax.uu.se" is Rackham's, whose
// login_host is rackham.uppmax.uu.se: node numbers aside, the same name). Empty when none is.
std::string profile_for_host(const std::string& hostname, const std::vector<ClusterProfile>& profiles);

}  // namespace grader
