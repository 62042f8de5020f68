#!/usr/bin/env bash
# Benchmark: the grader's own cost on `grader check` of python-script, against running the
# learner's commands directly, interleaved in the same run so that machine noise hits both.
# Prints medians and ratios. Usage: tests/bench/check_overhead.sh [ROUNDS] (default 41).
# The process executor measures the grader's own cost (issue 2); the sandbox line adds the cost
# of isolation per run (issue 3, see also tests/bench/sandbox_overhead.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-41}
grader=${GRADER:-build/grader}
export PATH=/usr/local/bin:/usr/bin:/bin
sol=exercises/python-script/solution
[[ -x $grader ]] || { echo "build the grader first: cmake -B build && cmake --build build -j2" >&2; exit 2; }

now() { date +%s%N; }
bare_two=() bare_all=() graded=() sandboxed=()
for ((i = 0; i < rounds; i++)); do
  t0=$(now)
  (cd "$sol" && python3 hello.py 10 >/dev/null && python3 hello.py 1234 >/dev/null)
  t1=$(now)
  (cd "$sol" && python3 --version >/dev/null && python3 hello.py 10 >/dev/null && python3 hello.py 1234 >/dev/null)
  t2=$(now)
  "$grader" check exercises/python-script "$sol" --executor process --format json --out /tmp/grader-bench-report.json >/dev/null
  t3=$(now)
  "$grader" check exercises/python-script "$sol" --executor sandbox --format json --out /tmp/grader-bench-report.json >/dev/null
  t4=$(now)
  bare_two+=($(((t1 - t0) / 1000)))
  bare_all+=($(((t2 - t1) / 1000)))
  graded+=($(((t3 - t2) / 1000)))
  sandboxed+=($(((t4 - t3) / 1000)))
done

median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
m_two=$(median "${bare_two[@]}")
m_all=$(median "${bare_all[@]}")
m_grd=$(median "${graded[@]}")
m_sbx=$(median "${sandboxed[@]}")
echo "rounds: $rounds  (times in ms, medians; python3 = $(command -v python3), $(python3 --version))"
awk -v a="$m_two" -v b="$m_all" -v g="$m_grd" -v x="$m_sbx" 'BEGIN {
  printf "bare: python3 hello.py 10; python3 hello.py 1234               %8.2f\n", a / 1000
  printf "bare: the rubric'\''s 3 commands (adds python3 --version)         %8.2f\n", b / 1000
  printf "grader check --executor process (3 runs, stage, report)       %8.2f\n", g / 1000
  printf "grader check --executor sandbox (the default)                  %8.2f\n", x / 1000
  printf "ratio grader(process) / 2 bare commands: %.3f\n", g / a
  printf "ratio grader(process) / same 3 commands: %.3f\n", g / b
  printf "ratio grader(sandbox) / same 3 commands: %.3f  (%.1f ms added per run)\n", x / b, (x - b) / 3000
}'
