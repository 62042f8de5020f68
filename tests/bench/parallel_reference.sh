#!/usr/bin/env bash
# Benchmark: what the reference solution of the parallel exercise's relative speedup checks
# costs a class grading. `grader grade` of K copies of the solution, against running the
# rubric's three commands of each submission bare, and against those plus the reference's two
# runs per submission (what measuring the reference for every submission would cost),
# interleaved in the same run so that machine noise hits all three. Prints medians, ratios and
# how many times the grader measured the reference.
# Usage: tests/bench/parallel_reference.sh [SUBMISSIONS] [ROUNDS] (default 8 and 3).
set -euo pipefail
cd "$(dirname "$0")/../.."
k=${1:-8}
rounds=${2:-3}
grader=${GRADER:-build/grader}
export PATH=/usr/local/bin:/usr/bin:/bin
sol=exercises/parallel/solution
[[ -x $grader ]] || { echo "build the grader first: cmake -B build && cmake --build build -j2" >&2; exit 2; }
cores=$(nproc)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for ((i = 0; i < k; i++)); do mkdir -p "$work/class/s$i" && cp "$sol/integration2d.py" "$work/class/s$i/"; done

now() { date +%s%N; }
runs() {  # the rubric's three runs of one submission
  (cd "$sol" && python3 integration2d.py 1 3200 && python3 integration2d.py "$cores" 3200 &&
    python3 integration2d.py 3 500) >/dev/null
}
reference() { (cd "$sol" && python3 integration2d.py 1 3200 && python3 integration2d.py "$cores" 3200) >/dev/null; }
bare=() naive=() graded=() measured=()
for ((r = 0; r < rounds; r++)); do
  t0=$(now)
  for ((i = 0; i < k; i++)); do runs; done
  t1=$(now)
  for ((i = 0; i < k; i++)); do runs; reference; done
  t2=$(now)
  rm -rf "$work/out"
  "$grader" grade parallel "$work/class" --out "$work/out" >/dev/null || true
  t3=$(now)
  bare+=($(((t1 - t0) / 1000)))
  naive+=($(((t2 - t1) / 1000)))
  graded+=($(((t3 - t2) / 1000)))
  measured+=($(python3 -c '
import json, pathlib, sys
walls = set()
for p in pathlib.Path(sys.argv[1]).glob("s*.json"):
    for run in json.loads(p.read_text())["runs"]:
        if run["id"] == "@reference:all-cores":
            walls.add(run["wall_s"])
print(len(walls))' "$work/out"))
done

median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "submissions: $k, rounds: $rounds, cores: $cores  (times in s, medians; $(python3 --version))"
awk -v a="$(median "${bare[@]}")" -v b="$(median "${naive[@]}")" -v g="$(median "${graded[@]}")" \
  -v m="$(median "${measured[@]}")" -v k="$k" 'BEGIN {
  printf "bare: the rubric'\''s 3 commands per submission                  %8.2f\n", a / 1e6
  printf "bare: those plus the reference'\''s 2 runs per submission         %8.2f\n", b / 1e6
  printf "grader grade (sandbox, reference shared)                       %8.2f\n", g / 1e6
  printf "reference measured %d times for %d submissions\n", m, k
  printf "ratio grader / bare commands: %.3f\n", g / a
  printf "ratio grader / bare commands with a reference per submission: %.3f\n", g / b
}'
