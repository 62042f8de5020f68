#!/usr/bin/env bash
# Benchmark: the teacher's second run. A class of N (default 100) graded once; then, with one
# late submission added, `grade` again (it must grade only the new one) against grading that one
# submission alone, in the same round; and `grader regrade` of the N+1 reports after a change
# to a check's points. Sandbox executor (the default); a one-run rubric, so that the grader's own
# cost is what is measured. Prints medians and the overhead over grading the one submission.
# Usage: tests/bench/class_resume.sh [ROUNDS] [N]   (defaults 5, 100)
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-5}
n=${2:-100}
grader=$(realpath "${GRADER:-build/grader}")
export PATH=/usr/local/bin:/usr/bin:/bin
[[ -x $grader ]] || { echo "build the grader first: cmake -B build && cmake --build build -j2" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

mkdir -p "$tmp/repo/rubrics" "$tmp/repo/exercises/ex"
rubric() {
  cat >"$tmp/repo/rubrics/ex.toml" <<TOML
exercise = "ex"
[[run]]
id = "main"
command = ["python3", "main.py"]
[[check]]
id = "says-hi"
run = "main"
stdout.contains = "hi"
points = $1
[[check]]
id = "exits"
run = "main"
exit_code = 0
TOML
}
for ((i = 0; i < n; i++)); do
  mkdir -p "$tmp/subs/learner$i" && echo "print('hi $i')" >"$tmp/subs/learner$i/main.py"
done
cd "$tmp/repo"
now() { date +%s%N; }
resume=() one=() regrade=()
for ((r = 0; r < rounds; r++)); do
  rubric 1
  rm -rf "$tmp/out" "$tmp/one" "$tmp/subs/late" "$tmp/onesub"
  "$grader" grade ex "$tmp/subs" --out "$tmp/out" --jobs 2 --quiet >/dev/null || true
  mkdir -p "$tmp/subs/late" "$tmp/onesub/late" && echo "print('hi')" >"$tmp/subs/late/main.py"
  cp "$tmp/subs/late/main.py" "$tmp/onesub/late/"
  t0=$(now)
  "$grader" grade ex "$tmp/subs" --out "$tmp/out" --quiet >"$tmp/log" || true
  t1=$(now)
  "$grader" grade ex "$tmp/onesub" --out "$tmp/one" --quiet >/dev/null || true
  t2=$(now)
  grep -q "($n unchanged since their last grading)" "$tmp/log" || { echo "not resumed: $(cat "$tmp/log")" >&2; exit 1; }
  rubric 3
  t3=$(now)
  "$grader" regrade ex "$tmp/out" >/dev/null || true
  t4=$(now)
  resume+=($(((t1 - t0) / 1000000))) one+=($(((t2 - t1) / 1000000))) regrade+=($(((t4 - t3) / 1000000)))
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
a=$(median "${resume[@]}") o=$(median "${one[@]}") g=$(median "${regrade[@]}")
echo "rounds: $rounds  class: $n + 1 late  (medians, ms)"
awk -v a="$a" -v o="$o" -v g="$g" -v n="$((n + 1))" 'BEGIN {
  printf "grade again, one new submission              %8d\n", a
  printf "grade that one submission alone              %8d\n", o
  printf "overhead of the %d unchanged (aim <= 500)    %8d\n", n - 1, a - o
  printf "ratio again / alone:                         %8.2f\n", a / o
  printf "grader regrade of %d reports (aim < 1000)    %8d\n", n, g
}'
