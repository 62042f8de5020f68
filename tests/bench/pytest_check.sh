#!/usr/bin/env bash
# Benchmark: `grader check ml` on the solution (its hidden pytest tests run by the grader in the
# sandbox, JUnit XML read back, report written) against running pytest bare on the same tests and
# the same classify.py, interleaved in the same run so that machine noise hits both. Prints
# medians and ratios (goal: grader / bare at most 1.2). Usage: tests/bench/pytest_check.sh
# [ROUNDS] (default 11).
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-11}
grader=${GRADER:-build/grader}
export PATH=/usr/local/bin:/usr/bin:/bin
[[ -x $grader ]] || { echo "build the grader first: cmake -B build && cmake --build build -j2" >&2; exit 2; }
python3 -c 'import pytest, sklearn' || { echo "install python3-pytest and python3-sklearn (ci/setup)" >&2; exit 2; }

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cp exercises/ml/solution/classify.py "$scratch/"
tests=$PWD/exercises/ml/tests

now() { date +%s%N; }
bare=() bare_quiet=() sandboxed=() process=()
for ((i = 0; i < rounds; i++)); do
  seed=$((RANDOM + 1))
  t0=$(now)
  # pytest as a teacher runs it by hand: the tests beside the module, the JUnit XML written.
  (cd "$scratch" && GRADER_SEED=$seed ML_TRAIN_SECONDS=30 PYTHONDONTWRITEBYTECODE=1 \
    python3 -m pytest -q -p no:cacheprovider "$tests" --junitxml="$scratch/bare.xml" >/dev/null)
  t1=$(now)
  # The same with installed plugins not loaded, as the grader's bootstrap runs it.
  (cd "$scratch" && GRADER_SEED=$seed ML_TRAIN_SECONDS=30 PYTHONDONTWRITEBYTECODE=1 PYTEST_DISABLE_PLUGIN_AUTOLOAD=1 \
    python3 -m pytest -q -p no:cacheprovider "$tests" --junitxml="$scratch/bare.xml" >/dev/null)
  t2=$(now)
  "$grader" check ml exercises/ml/solution --format json --out "$scratch/report.json" >/dev/null
  t3=$(now)
  "$grader" check ml exercises/ml/solution --executor process --format json --out "$scratch/report.json" >/dev/null
  t4=$(now)
  bare+=($(((t1 - t0) / 1000)))
  bare_quiet+=($(((t2 - t1) / 1000)))
  sandboxed+=($(((t3 - t2) / 1000)))
  process+=($(((t4 - t3) / 1000)))
done

median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
m_bare=$(median "${bare[@]}")
m_quiet=$(median "${bare_quiet[@]}")
m_sbx=$(median "${sandboxed[@]}")
m_proc=$(median "${process[@]}")
echo "rounds: $rounds  (times in ms, medians; $(python3 --version), pytest $(python3 -c 'import pytest; print(pytest.__version__)'))"
awk -v b="$m_bare" -v q="$m_quiet" -v s="$m_sbx" -v p="$m_proc" 'BEGIN {
  printf "bare: python3 -m pytest tests --junitxml                      %8.1f\n", b / 1000
  printf "bare: the same, PYTEST_DISABLE_PLUGIN_AUTOLOAD=1               %8.1f\n", q / 1000
  printf "grader check ml --executor sandbox (the default)               %8.1f\n", s / 1000
  printf "grader check ml --executor process                             %8.1f\n", p / 1000
  printf "ratio grader(sandbox) / bare pytest: %.3f  (goal: at most 1.2)\n", s / b
  printf "ratio grader(process) / bare pytest: %.3f\n", p / b
  printf "ratio grader(sandbox) / bare pytest without plugins: %.3f\n", s / q
}'
