#!/usr/bin/env bash
# Benchmark: `grader check pandas-notebook` on the solution (the notebook run top to bottom in a
# Jupyter kernel in the sandbox, its cells read back, the checks scored, a report written)
# against `jupyter nbconvert --execute` run bare on the same notebook and data, interleaved in
# the same run so that machine noise hits both. Prints medians and ratios (goal: grader / bare
# at most 1.2). Usage: tests/bench/notebook_check.sh [ROUNDS] (default 11).
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-11}
grader=${GRADER:-build/grader}
export PATH=/usr/local/bin:/usr/bin:/bin
[[ -x $grader ]] || { echo "build the grader first: cmake -B build && cmake --build build -j2" >&2; exit 2; }
command -v jupyter >/dev/null && jupyter nbconvert --version >/dev/null ||
  { echo "install jupyter-nbconvert, python3-ipykernel, python3-pandas and python3-matplotlib (ci/setup)" >&2; exit 2; }

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
ex=exercises/pandas-notebook
cp "$ex/solution/analysis.ipynb" "$ex/provided/hills.csv" "$scratch/"

now() { date +%s%N; }
bare=() nbclient=() sandboxed=() process=()
for ((i = 0; i < rounds; i++)); do
  t0=$(now)
  # As a teacher runs it by hand: executed in place, the outputs written back.
  (cd "$scratch" && MPLBACKEND=Agg jupyter nbconvert --to notebook --execute analysis.ipynb \
    --output executed.ipynb >/dev/null 2>&1)
  t1=$(now)
  # nbclient alone, without nbconvert's exporters: the least a kernel run costs.
  (cd "$scratch" && MPLBACKEND=Agg python3 -c '
import nbformat, nbclient
nb = nbformat.read("analysis.ipynb", as_version=4)
nbclient.NotebookClient(nb, timeout=60, kernel_name="python3").execute()' >/dev/null 2>&1)
  t2=$(now)
  "$grader" check pandas-notebook "$ex/solution" --format json --out "$scratch/report.json" >/dev/null
  t3=$(now)
  "$grader" check pandas-notebook "$ex/solution" --executor process --format json --out "$scratch/report.json" >/dev/null
  t4=$(now)
  bare+=($(((t1 - t0) / 1000)))
  nbclient+=($(((t2 - t1) / 1000)))
  sandboxed+=($(((t3 - t2) / 1000)))
  process+=($(((t4 - t3) / 1000)))
done

median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
m_bare=$(median "${bare[@]}")
m_nbc=$(median "${nbclient[@]}")
m_sbx=$(median "${sandboxed[@]}")
m_proc=$(median "${process[@]}")
echo "rounds: $rounds  (times in ms, medians; $(python3 --version), nbconvert $(jupyter nbconvert --version))"
awk -v b="$m_bare" -v n="$m_nbc" -v s="$m_sbx" -v p="$m_proc" 'BEGIN {
  printf "bare: jupyter nbconvert --to notebook --execute               %8.1f\n", b / 1000
  printf "bare: nbclient.NotebookClient(...).execute()                   %8.1f\n", n / 1000
  printf "grader check pandas-notebook --executor sandbox (the default)  %8.1f\n", s / 1000
  printf "grader check pandas-notebook --executor process                %8.1f\n", p / 1000
  printf "ratio grader(sandbox) / bare nbconvert: %.3f  (goal: at most 1.2)\n", s / b
  printf "ratio grader(process) / bare nbconvert: %.3f\n", p / b
  printf "ratio grader(sandbox) / bare nbclient: %.3f\n", s / n
}'
