#!/usr/bin/env bash
# 100 small commands (`true`) four ways, same run, against the test cluster's sshd:
#   libssh:  one SshTransport connection, a channel per command (tests/bench/ssh_bench.cpp)
#   fresh:   a new `ssh -F cfg gradertest true` per command
#   cm:      OpenSSH with a ControlMaster (ControlPath in a temp dir, ControlPersist)
#   openssh: OpenSshTransport's run() over that same master (wrapper, markers, status report)
# Prints the median per command of each and the ratios; goal libssh <= 0.2 x fresh and
# <= 1.0 x ControlMaster; OpenSshTransport's cost over a bare ControlMaster command is shown.
# Usage: tests/bench/ssh_commands.sh [N] [BUILD_DIR]
set -euo pipefail
N=${1:-100}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${2:-$ROOT/build}
eval "$("$ROOT/ci/cluster" env)"
"$ROOT/ci/cluster" status >/dev/null || { echo "start the test cluster: ci/cluster start" >&2; exit 1; }
cmake --build "$BUILD" -j2 --target ssh_bench >/dev/null

TMP=$(mktemp -d)
trap 'ssh -F "$GRADER_SSH_CONFIG" -o ControlPath="$TMP/cm" -O exit "$GRADER_SSH_ALIAS" >/dev/null 2>&1 || true; rm -rf "$TMP"' EXIT


now() { date +%s.%N; }
median() { sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

"$BUILD/tests/bench/ssh_bench" "$GRADER_SSH_ALIAS" "$GRADER_SSH_CONFIG" "$N" >"$TMP/libssh.txt"

for ((i = 0; i < N; i++)); do
  t0=$(now); ssh -F "$GRADER_SSH_CONFIG" "$GRADER_SSH_ALIAS" true </dev/null; t1=$(now)
  echo "$t1 - $t0" | bc -l
done >"$TMP/fresh.txt"

CM=(-F "$GRADER_SSH_CONFIG" -o ControlMaster=auto -o ControlPath="$TMP/cm" -o ControlPersist=60)
ssh "${CM[@]}" "$GRADER_SSH_ALIAS" true </dev/null   # the master, outside the timed commands
for ((i = 0; i < N; i++)); do
  t0=$(now); ssh "${CM[@]}" "$GRADER_SSH_ALIAS" true </dev/null; t1=$(now)
  echo "$t1 - $t0" | bc -l
done >"$TMP/cm.txt"

"$BUILD/tests/bench/ssh_bench" "$GRADER_SSH_ALIAS" "$GRADER_SSH_CONFIG" "$N" "$TMP/cm" >"$TMP/openssh.txt"

lib=$(median <"$TMP/libssh.txt"); fresh=$(median <"$TMP/fresh.txt"); cm=$(median <"$TMP/cm.txt")
ossh=$(median <"$TMP/openssh.txt")
printf 'commands: %d x `true` on %s (port %s), %s\n' "$N" "$GRADER_SSH_ALIAS" "$GRADER_SSH_PORT" "$(date -u +%F)"
printf 'median per command:  libssh one connection %.2f ms | fresh ssh %.2f ms | ControlMaster %.2f ms\n' \
  "$(echo "$lib*1000" | bc -l)" "$(echo "$fresh*1000" | bc -l)" "$(echo "$cm*1000" | bc -l)"
printf 'OpenSshTransport over the ControlMaster %.2f ms\n' "$(echo "$ossh*1000" | bc -l)"
printf 'ratios: libssh/fresh %.3f (goal <= 0.2) | libssh/ControlMaster %.3f (goal <= 1.0) | OpenSshTransport/ControlMaster %.2f | OpenSshTransport/libssh %.2f\n' \
  "$(echo "$lib/$fresh" | bc -l)" "$(echo "$lib/$cm" | bc -l)" "$(echo "$ossh/$cm" | bc -l)" "$(echo "$ossh/$lib" | bc -l)"
