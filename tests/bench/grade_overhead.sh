#!/usr/bin/env bash
# Benchmark: what `grader grade` of a class costs over running the learners' commands bare
# (issue 14). N copies (default 100) of python-script's solution, graded with the sandbox (the
# default) with --jobs 1 and --jobs 2, each against the rubric's three commands run bare in every
# submission's directory one after another (--jobs 1) or two submissions at a time (--jobs 2),
# interleaved round by round so that machine noise hits both. Each grading writes a fresh --out
# (a grade into an existing one would skip the unchanged submissions). Prints medians and ratios.
# Usage: tests/bench/grade_overhead.sh [ROUNDS] [N]   (defaults 5, 100)
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-5}
n=${2:-100}
grader=$(realpath "${GRADER:-build/grader}")
export PATH=/usr/local/bin:/usr/bin:/bin
[[ -x $grader ]] || { echo "build the grader first: cmake -B build && cmake --build build -j2" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for ((i = 0; i < n; i++)); do
  mkdir -p "$tmp/class/learner$i" && cp exercises/python-script/solution/hello.py "$tmp/class/learner$i/"
done

# The rubric's runs (rubrics/python-script.toml), bare, in one submission's directory.
bare_one='cd "$1" && python3 --version >/dev/null && python3 hello.py 10 >/dev/null && python3 hello.py 1234 >/dev/null'

bare() { printf '%s\n' "$tmp"/class/learner* | xargs -P "$1" -n 1 sh -c "$bare_one" sh; }
# A grading that does not pass every solution is not a measurement: say which and stop.
grade() {
  "$grader" grade python-script "$tmp/class" ${EXECUTOR:+--executor $EXECUTOR} --jobs "$1" --out "$tmp/out-$2" \
    >"$tmp/grade.log" 2>&1 || {
    echo "grade --jobs $1 exited $? (every solution should pass):" >&2
    grep -v ': 8/8$' "$tmp/grade.log" >&2
    grep -l '"runner_error": "[^"]' "$tmp/out-$2"/*.json | head -1 | xargs -r cat >&2
    exit 1
  }
}

now() { date +%s%N; }
b1=() g1=() b2=() g2=()
for ((r = 0; r < rounds; r++)); do
  t0=$(now); bare 1; t1=$(now); grade 1 "$r-1"; t2=$(now); bare 2; t3=$(now); grade 2 "$r-2"; t4=$(now)
  b1+=($(((t1 - t0) / 1000000))) g1+=($(((t2 - t1) / 1000000))) b2+=($(((t3 - t2) / 1000000))) g2+=($(((t4 - t3) / 1000000)))
  rm -rf "$tmp/out-$r-1" "$tmp/out-$r-2"
done

median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "rounds: $rounds, $n submissions of python-script's solution (3 runs each); times in ms, medians"
awk -v b1="$(median "${b1[@]}")" -v g1="$(median "${g1[@]}")" -v b2="$(median "${b2[@]}")" \
  -v g2="$(median "${g2[@]}")" -v n="$n" 'BEGIN {
  printf "bare, one submission after another        %8d\n", b1
  printf "grader grade --jobs 1 (sandbox)           %8d\n", g1
  printf "bare, two submissions at a time           %8d\n", b2
  printf "grader grade --jobs 2 (sandbox)           %8d\n", g2
  printf "ratio --jobs 1 / bare: %.3f  (%.2f ms added per submission)\n", g1 / b1, (g1 - b1) / n
  printf "ratio --jobs 2 / bare two at a time: %.3f\n", g2 / b2
}'
