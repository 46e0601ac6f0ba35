#!/bin/sh
# seed_sweep.sh BUILD_DIR FIRST LAST: no false alarms.  Runs every claim
# check in quick mode (DLV_QUICK=1) for each seed FIRST..LAST, two at a
# time, and counts the runs that failed (their logs are kept in
# BUILD_DIR/seed-sweep/fail-<check>-<seed>.log); then checks determinism:
# the same seed gives bitwise the same evidence CSV in two runs and with
# OpenBLAS on 1 and 2 threads.  Exit 0 only when no run failed and every
# check is deterministic in both senses.
set -u

# Internal mode, through xargs: --one OUT EXE SEED runs one check once.
if [ "$1" = "--one" ]; then
  out=$2 exe=$3 seed=$4
  name=$(basename "$exe")
  if DLV_QUICK=1 DLV_SEED=$seed DLV_EVIDENCE_DIR=$out/ev-$name-$seed \
       "$exe" >"$out/$name-$seed.log" 2>&1; then
    rm -rf "$out/ev-$name-$seed" "$out/$name-$seed.log"
  else
    mv "$out/$name-$seed.log" "$out/fail-$name-$seed.log"
    echo "FAIL $name seed $seed"
  fi
  exit 0
fi

build=$1 first=$2 last=$3
out=$build/seed-sweep
rm -rf "$out"
mkdir -p "$out"
checks=$(ls "$build"/bin/p[0-9]*_* "$build"/bin/dlv_gate 2>/dev/null)
test -n "$checks" || { echo "no claim checks in $build/bin"; exit 2; }

for seed in $(seq "$first" "$last"); do
  for exe in $checks; do echo "$exe $seed"; done
done | xargs -P 2 -n 2 sh "$0" --one "$out" | sort > "$out/failures.txt"
runs=$(( (last - first + 1) * $(echo "$checks" | wc -w) ))
failed=$(wc -l < "$out/failures.txt")
cat "$out/failures.txt"
echo "seed sweep: seeds $first..$last, $runs check runs: $((runs - failed)) passed, $failed failed"

# Determinism: run each check three times on seed FIRST (1, 1, 2 threads).
nondet=0
for exe in $checks; do
  name=$(basename "$exe")
  for run in a b c; do
    threads=1
    [ "$run" = c ] && threads=2
    OPENBLAS_NUM_THREADS=$threads DLV_QUICK=1 DLV_SEED=$first \
      DLV_EVIDENCE_DIR=$out/det-$name-$run "$exe" >/dev/null 2>&1
  done
  if ! cmp -s "$out/det-$name-a"/*.csv "$out/det-$name-b"/*.csv; then
    echo "NONDETERMINISTIC: $name differs between two identical runs"
    nondet=$((nondet + 1))
  fi
  if ! cmp -s "$out/det-$name-a"/*.csv "$out/det-$name-c"/*.csv; then
    echo "NONDETERMINISTIC: $name differs between 1 and 2 OpenBLAS threads"
    nondet=$((nondet + 1))
  fi
done
echo "determinism: $nondet of $(echo "$checks" | wc -w) checks differ between identical runs or thread counts"
test "$failed" -eq 0 && test "$nondet" -eq 0
