#!/usr/bin/env bash
# Benchmark: a class's command runs on the test cluster's compute node, as job array tasks
# (grade --array) against the same command submitted as one job per submission (a jobscript
# run), alternating, ROUNDS times each. Prints sbatch submissions, scheduler queries per poll
# round, the median wall time of each `grader grade` and their ratio.
#
#   tests/bench/slurm_array.sh [N] [BUILD_DIR] [ROUNDS]        (default 50, build, 3)
# Needs the test cluster: ci/cluster start; eval "$(ci/cluster env)".
set -euo pipefail
n=${1:-50}
build=${2:-build}
rounds=${3:-3}
root=$(cd "$(dirname "$0")/../.." && pwd)
grader=$root/$build/grader
[[ -x $grader ]] || { echo "no grader at $grader: build first" >&2; exit 2; }
[[ -n ${SLURM_CONF:-} ]] || { echo "start the test cluster: ci/cluster start; eval \"\$(ci/cluster env)\"" >&2; exit 2; }

work=$(mktemp -d /tmp/slurm-array-bench-XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/subs"
# The same learner command both ways: as a rubric command (array task) and inside a jobscript.
cat >"$work/array.toml" <<'TOML'
exercise = "array-bench"
title = "A program that greets"
[[run]]
id = "greet"
command = ["python3", "greet.py"]
timeout = "1m"
[[check]]
id = "greets"
run = "greet"
stdout.contains = "hello"
points = 1
TOML
sed -e 's/^command = .*/jobscript = "job.sh"/' "$work/array.toml" >"$work/jobs.toml"
for i in $(seq -w 1 "$n"); do
  mkdir -p "$work/subs/s$i"
  echo 'print("hello")' >"$work/subs/s$i/greet.py"
  printf '#!/bin/bash\n#SBATCH -t 00:05:00\npython3 greet.py\n' >"$work/subs/s$i/job.sh"
done

grade() {  # RUBRIC LOG [extra args]: prints the wall time in seconds
  local rubric=$1 log=$2
  shift 2
  local t0 t1
  t0=$(date +%s.%N)
  rm -rf "$work/out-$log"
  "$grader" grade "$rubric" "$work/subs" --out "$work/out-$log" --runner local --jobs "$n" "$@" >"$work/$log.log" || {
    echo "grader grade failed:" >&2; tail -20 "$work/$log.log" >&2; exit 1; }
  t1=$(date +%s.%N)
  grep -q "^$n graded: $n full marks" "$work/$log.log" || { echo "not all full marks:" >&2; cat "$work/$log.log" >&2; exit 1; }
  echo "$t1 - $t0" | bc
}
t_jobs=() t_array=()
for _ in $(seq "$rounds"); do
  t_jobs+=("$(grade "$work/jobs.toml" jobs)")
  t_array+=("$(grade "$work/array.toml" array --array)")
done

python3 - "$work" "$n" "${t_jobs[*]}" "${t_array[*]}" <<'PY'
import re, statistics, sys
work, n = sys.argv[1], int(sys.argv[2])
jobs, array = [float(x) for x in sys.argv[3].split()], [float(x) for x in sys.argv[4].split()]
t_jobs, t_array = statistics.median(jobs), statistics.median(array)
def stats(log):
    text = open(f"{work}/{log}.log").read()
    m = re.search(r"(\d+) poll rounds, (\d+) squeue, (\d+) sacct", text)
    rounds, squeue, sacct = map(int, m.groups())
    a = re.search(r"(\d+) command runs in (\d+) job arrays \(at most (\d+)", text)
    return rounds, squeue, sacct, a
r, q, s, _ = stats("jobs")
print(f"one job per submission: {n} sbatch; {q} squeue in {r} rounds ({q / r:.2f} per round); "
      f"wall median {t_jobs:.1f} s of {' '.join(f'{x:.1f}' for x in jobs)}")
r, q, s, a = stats("array")
print(f"grade --array:          {a.group(2)} sbatch for {a.group(1)} runs (largest array {a.group(3)} tasks); "
      f"{q} squeue in {r} rounds ({q / r:.2f} per round); wall median {t_array:.1f} s of "
      f"{' '.join(f'{x:.1f}' for x in array)}")
print(f"wall time, array / one job each (medians): {t_array / t_jobs:.2f}")
PY
