// The `speedup` check kind of a rubric: how much faster a run is than another (or how many cores
// it kept busy), bounded as ReFrame bounds a performance reference: a `value` and `lower`/`upper`
// fractions of it. Optionally relative to the exercise's reference solution, measured in the same
// grading, so that a loaded machine slows both alike. docs/rubrics.md, "speedup".
#pragma once

#include <optional>
#include <string>

namespace grader {

// What is measured: Wall, time(serial) / wall(parallel), where time(serial) is the serial run's
// wall time or, when less, its CPU time (what it needed, had it not shared its core); Cpu,
// cpu(parallel) / wall(parallel), the cores the parallel run kept busy on average.
enum class SpeedupMeasure { Wall, Cpu };

struct SpeedupCheck {
  SpeedupMeasure measure = SpeedupMeasure::Wall;
  std::string serial;           // run id; empty for Cpu
  std::string parallel;         // run id
  double value = 1;             // the reference; with `relative`, a factor of the solution's own measure
  bool value_is_cores = false;  // value = "{{cores}}": filled in from the runner (runner_values.h)
  std::optional<double> lower;  // fraction, -1..0: at least value * (1 + lower)
  std::optional<double> upper;  // fraction, 0 or more: at most value * (1 + upper)
  // Relative to the reference solution's runs of the same ids ("@reference:ID" in the results).
  bool relative = false;
  // With `relative`: the solution's own measure must reach this, or this runner cannot show the
  // effect now (a loaded machine, one core); the check is then skipped as unavailable.
  std::optional<double> min_reference;
  // The runs compute on CPUs only: a speedup is credited at most as far as the parallel run kept
  // cores busy (its CPU over its wall time). On a loaded machine the CPU time of the same work
  // varies from run to run; without the cap a program that runs on one core could pass by that
  // noise alone. And the serial run must keep at most about one core busy (1.2): one that keeps
  // more ignored its worker count, and its wall time then depends on the machine's load. Never
  // for a GPU or I/O-bound run, whose speedup needs no busy cores.
  bool cpu_bound = false;
};

// The id under which the reference solution's run RUN is kept among a submission's results and in
// its report: "@reference:RUN" (no run id can be spelled like it).
std::string reference_run_id(const std::string& run);

}  // namespace grader
