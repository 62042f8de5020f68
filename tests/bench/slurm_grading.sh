#!/usr/bin/env bash
# Benchmark: grading N jobscripts on the test cluster with one `grader grade --runner local`.
# Prints the scheduler queries per poll round (goal: 1 squeue per round whatever N) and the delay
# from each job's end to its report file (goal: median < 2 s), measured two ways:
#   - from sacct's End (whole seconds, rounded down: this figure is biased up by up to 1 s);
#   - from the job's own last act, `date +%s.%N` printed as the script's last line.
#
#   tests/bench/slurm_grading.sh [N] [BUILD_DIR]        (default 50, build)
# Needs the test cluster: ci/cluster start; eval "$(ci/cluster env)".
set -euo pipefail
n=${1:-50}
build=${2:-build}
root=$(cd "$(dirname "$0")/../.." && pwd)
grader=$root/$build/grader
[[ -x $grader ]] || { echo "no grader at $grader: build first" >&2; exit 2; }
[[ -n ${SLURM_CONF:-} ]] || { echo "start the test cluster: ci/cluster start; eval \"\$(ci/cluster env)\"" >&2; exit 2; }

work=$(mktemp -d /tmp/slurm-bench-XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/subs"
cat >"$work/bench.toml" <<'TOML'
exercise = "slurm-bench"
title = "A jobscript that greets and sleeps"

[[run]]
id = "job"
jobscript = "job.sh"
timeout = "10m"

[[check]]
id = "greets"
run = "job"
stdout.contains = "hello"
points = 1
TOML
for i in $(seq -w 1 "$n"); do
  mkdir -p "$work/subs/s$i"
  cat >"$work/subs/s$i/job.sh" <<'JOB'
#!/bin/bash
#SBATCH -A naiss2024-22-107
#SBATCH -t 00:05:00
echo hello from $SLURM_JOB_ID
sleep 1
echo end $(date +%s.%N)
JOB
done

start=$(date +%s.%N)
"$grader" grade "$work/bench.toml" "$work/subs" --out "$work/out" --runner local --jobs "$n" >"$work/grade.log" || {
  echo "grader grade failed:" >&2; tail -20 "$work/grade.log" >&2; exit 1; }
end=$(date +%s.%N)
stats=$(grep '^slurm:' "$work/grade.log")

python3 - "$work/out" "$stats" "$start" "$end" "$n" <<'PY'
import glob, json, os, re, statistics, subprocess, sys
out, stats, start, end, n = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
reports = {}
for f in glob.glob(os.path.join(out, "s*.json")):
    r = json.load(open(f))
    run = r["runs"][0]
    assert run["status"] == "ok" and r["passed"], (f, run["status"], run["message"])
    reports[run["slurm"]["job_id"]] = (os.stat(f).st_mtime, run["stdout"])
assert len(reports) == n, f"{len(reports)} reports for {n} submissions"
acct = subprocess.run(["sacct", "-n", "-X", "-P", "-j", ",".join(reports), "-o", "JobID,End"],
                      env={**os.environ, "SLURM_TIME_FORMAT": "%s"}, capture_output=True, text=True, check=True).stdout
ends = {j: int(e) for j, e in (l.split("|") for l in acct.split()) if e.isdigit()}
d_sacct = [reports[j][0] - ends[j] for j in reports if j in ends]
d_self = [reports[j][0] - float(re.search(r"^end (\S+)$", reports[j][1], re.M).group(1)) for j in reports]
m = re.search(r"(\d+) poll rounds, (\d+) squeue, (\d+) sacct, (\d+) scancel; at most (\d+) jobs", stats)
rounds, squeue, sacct, scancel, most = map(int, m.groups())
q = lambda xs, p: sorted(xs)[min(len(xs) - 1, int(p * len(xs)))]
print(f"jobs: {n}; wall time of grader grade: {end - start:.1f} s")
print(f"poll rounds: {rounds}; squeue queries: {squeue} ({squeue / rounds:.2f} per round); "
      f"sacct queries: {sacct} ({sacct / rounds:.2f} per round); at most {most} jobs in one query")
print(f"job end (sacct End, whole s) -> report: median {statistics.median(d_sacct):.2f} s, "
      f"p90 {q(d_sacct, 0.9):.2f} s, max {max(d_sacct):.2f} s  ({len(d_sacct)} jobs)")
print(f"job end (script's last line)  -> report: median {statistics.median(d_self):.2f} s, "
      f"p90 {q(d_self, 0.9):.2f} s, max {max(d_self):.2f} s")
PY
