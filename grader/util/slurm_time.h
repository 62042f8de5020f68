// Slurm's time values, as sbatch's -t takes them and squeue/sacct print them: one parser for the
// jobscript checks, the cluster profiles and the Slurm executor alike.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace grader {

// A Slurm time: "M", "M:S", "H:M:S", "D-H", "D-H:M", "D-H:M:S" (sbatch(1), --time). A bare number
// is minutes, as sbatch reads it. The seconds field may carry a fraction ("00:01.234", sacct's
// TotalCPU). "UNLIMITED"/"INFINITE" give unlimited = true. Slurm grants whole minutes (seconds
// round up): `minutes()` is what it grants.
struct SlurmTime {
  double seconds = 0;
  bool unlimited = false;
  std::int64_t minutes() const;
};

// nullopt when malformed or negative.
std::optional<SlurmTime> parse_slurm_time(std::string_view text);

// "30 min", "1 h 30 min", "2 days", "45 s": a granted limit for messages.
std::string describe_slurm_time(const SlurmTime& t);

}  // namespace grader
