#!/usr/bin/env bash
# Added cost per run of the sandbox: `python3 -c pass` (and /bin/true) bare, through
# SandboxExecutor::run, and under `bwrap --unshare-all --die-with-parent --ro-bind / /`,
# interleaved, medians of ROUNDS runs (default 200); then without cgroups, and with a fresh cgroup per
# run instead of the pooled ones (cgroup v1). Figures go to docs/performance.md "## Sandbox".
#   tests/bench/sandbox_overhead.sh [ROUNDS] [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-200}
build=${2:-build}
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
cmake --build "$build" -j2 --target sandbox_bench >/dev/null
echo "== python3 -c pass"
"$build/tests/bench/sandbox_bench" "$rounds" python3 -c pass
echo
echo "== /bin/true"
"$build/tests/bench/sandbox_bench" "$rounds" /bin/true
echo
echo "== python3 -c pass, fallback (GRADER_SANDBOX_DISABLE=cgroup)"
GRADER_SANDBOX_DISABLE=cgroup "$build/tests/bench/sandbox_bench" "$rounds" python3 -c pass
echo
echo "== python3 -c pass, a fresh cgroup per run instead of the pool (GRADER_SANDBOX_DISABLE=cgroup_pool)"
GRADER_SANDBOX_DISABLE=cgroup_pool "$build/tests/bench/sandbox_bench" "$rounds" python3 -c pass
