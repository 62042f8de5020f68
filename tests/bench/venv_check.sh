#!/usr/bin/env bash
# Benchmark: `grader check venv` of the reference solution (sandbox, the default executor)
# against running its make-env.sh bare, and against all of the rubric's commands bare (the
# wheel directory, make-env.sh, the references, the rebuilt environment; not the probes),
# interleaved in the same run so that machine noise hits each. Needs the test cluster's module
# tree (ci/cluster start). Prints medians and ratios.
# Usage: tests/bench/venv_check.sh [ROUNDS] (default 5).
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-5}
grader=${GRADER:-build/grader}
export PATH=/usr/local/bin:/usr/bin:/bin
[[ -x $grader ]] || { echo "build the grader first: cmake -B build && cmake --build build -j2" >&2; exit 2; }
ci/cluster status >/dev/null || { echo "start the test cluster: ci/cluster start" >&2; exit 1; }
eval "$(ci/cluster env)"
ex=exercises/venv
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# A workspace as the grader stages it: the solution with provided/ over it.
stage() {
  rm -rf "$tmp/ws" && mkdir -p "$tmp/ws/project" && cp -r "$ex/solution/." "$ex/provided/." "$tmp/ws/"
}
bare_script() {
  (cd "$tmp/ws" && PROJECT_DIR=$PWD/project WHEELHOUSE=$PWD/wheelhouse HOME=$PWD PIP_NO_CACHE_DIR=1 \
    bash make-env.sh >/dev/null 2>&1)
}
bare_all() {
  (cd "$tmp/ws" && export PROJECT_DIR=$PWD/project WHEELHOUSE=$PWD/wheelhouse HOME=$PWD PIP_NO_CACHE_DIR=1 &&
    python3 build_wheels.py wheelhouse-src wheelhouse >/dev/null &&
    bash make-env.sh >/dev/null 2>&1 &&
    bash -c 'module load python/3.11.2 && dirname "$(command -v python3)"' >/dev/null &&
    "$PROJECT_DIR/Example/bin/python" -m pip freeze --local >/dev/null &&
    bash -c 'module load python/3.11.2 && python3 -m venv --without-pip --system-site-packages "$PROJECT_DIR/rebuilt" &&
      python3 -m pip --python "$PROJECT_DIR/rebuilt/bin/python" install -q --no-index --find-links "$WHEELHOUSE" -r requirements.txt &&
      python3 -m pip --python "$PROJECT_DIR/rebuilt/bin/python" freeze --local' >/dev/null)
}

now() { date +%s%N; }
script=() all=() graded=()
for ((i = 0; i < rounds; i++)); do
  stage
  (cd "$tmp/ws" && python3 build_wheels.py wheelhouse-src wheelhouse >/dev/null)
  t0=$(now); bare_script; t1=$(now)
  stage
  t2=$(now); bare_all; t3=$(now)
  "$grader" check venv "$ex/solution" --format json --out "$tmp/report.json" >/dev/null
  t4=$(now)
  script+=($(((t1 - t0) / 1000000))) all+=($(((t3 - t2) / 1000000))) graded+=($(((t4 - t3) / 1000000)))
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
s=$(median "${script[@]}") a=$(median "${all[@]}") g=$(median "${graded[@]}")
echo "rounds: $rounds  (medians, ms)"
awk -v s="$s" -v a="$a" -v g="$g" 'BEGIN {
  printf "bare: make-env.sh                                 %8d\n", s
  printf "bare: the rubric'\''s commands (no probes)          %8d\n", a
  printf "grader check venv (sandbox)                       %8d\n", g
  printf "ratio grader / bare make-env.sh:       %.2f\n", g / s
  printf "ratio grader / bare rubric commands:   %.2f\n", g / a
}'
