#!/bin/sh
# test_report_gate.sh DLVERIFY OUTDIR: the kernel gate in the report.
# Stand-in checks and a stand-in gate (test_lib.sh) write evidence as the
# real ones do (the real gate's rows are checked by test_dlverify.sh):
#   a failing gate entry shows as FAILED in the kernel table and kernels.csv,
#     with its shrunk repro line in the failure box, the Kernel gate section
#     and on the terminal; dlverify exits 1 though every claim held;
#   a gate that dies without a row, or exits nonzero after good rows, still
#     fails the run, with a row saying so;
#   a gate row keeps its --baseline match when its worst case moves;
#   two shard runs (--shard 0/2, 1/2) merge (--merge) into one report whose
#     gate cases are the sum and whose worst err/bound is the worst shard's,
#     with the claims of one run; a missing shard, first or last, fails the
#     merge; the same
#     shard twice, and options that contradict, are usage errors;
#   every report it wrote, and its terminal output, is recounted from its
#   evidence.
set -u
dlv=$1
out=$2
. "$(dirname "$0")/test_lib.sh"
need tidy tidy

rm -rf "$out"
standins "$out/checks"
standin_gate "$out/checks"
export DLV_CHECK_DIR="$out/checks"

# A broken kernel: the stand-in gate's dlv_nrm2_s fails.
FAKE_GATE_FAILS=1 "$dlv" --seed 7 --out "$out/broken" >"$out/broken.stdout" 2>&1
status=$?
test $status -eq 1 || fail "failing gate: exit $status, expected 1: $(cat "$out/broken.stdout")"
tidy -e -q "$out/broken/index.html" || fail "broken: index.html does not validate"
repro='dlv_gate --entry dlv_nrm2_s --replay 0,0,2,0,2'
grep -q '^P4a,CONFIRMED,' "$out/broken/summary.csv" || fail "the gate moved a claim: $(cat "$out/broken/summary.csv")"
grep -q '^gate,' "$out/broken/summary.csv" && fail "the gate is in the claim table"
# kernels.csv: nrm2 - float: 1 row, 1 failed, err/bound 38, 10 gate cases.
grep -q '^nrm2,-,float,,1,1,38,.*,10' "$out/broken/kernels.csv" ||
  fail "kernels.csv: nrm2 float not FAILED with its gate cases: $(cat "$out/broken/kernels.csv")"
grep -q '^nrm2,-,double,,1,0,0.25,.*,100' "$out/broken/kernels.csv" ||
  fail "kernels.csv: nrm2 double: $(cat "$out/broken/kernels.csv")"
page=$out/broken/index.html
grep -q '<title>dlverify report: kernel gate FAILED</title>' "$page" || fail "title does not announce the gate's failure"
grep -q '<b>The kernel gate FAILED</b>' "$page" || fail "no red banner for the gate"
grep -q '<td>nrm2</td><td>-</td><td>float</td><td></td><td class="fail">FAILED</td>' "$page" ||
  fail "kernel table does not show nrm2 float FAILED"
element "$page" '<section id="failures">' '</section>' >"$out/box.html"
grep -q -F "$repro" "$out/box.html" || fail "failure box lacks the gate's repro"
grep -q -F 'Kernel gate</a>: 1 failed rows' "$out/box.html" || fail "failure box does not name the gate"
element "$page" '<section id="gate">' '</section>' >"$out/gate.html"
grep -q -F "$repro" "$out/gate.html" || fail "gate section lacks the repro"
grep -q '<td class="fail">FAILED</td>' "$out/gate.html" || fail "gate section: no FAILED entry"
grep -q -F "$repro" "$out/broken.stdout" || fail "terminal lacks the gate's repro: $(cat "$out/broken.stdout")"
grep -q '^gate FAILED' "$out/broken.stdout" || fail "terminal lacks the gate line"
echo "ok: failing gate entry: FAILED in the kernel table, repro in box, section, terminal"

# A gate that dies before writing its rows.
FAKE_GATE_CRASH=1 "$dlv" --seed 7 --out "$out/crash" >"$out/crash.stdout" 2>&1
status=$?
test $status -eq 1 || fail "crashing gate: exit $status, expected 1"
grep -q '^gate,dlv_gate,-,shard=0/1 quick . exit status -1 (killed by signal' "$out/crash/evidence.csv" ||
  fail "no failed row for the crashed gate: $(grep '^gate' "$out/crash/evidence.csv")"
echo "ok: crashed gate: exit 1, $(grep -o 'exit status -1 ([^)]*)' "$out/crash/evidence.csv")"
# A gate that exits nonzero after rows that all hold (it may have stopped
# before its last entry) fails the run too, with a row saying so.
FAKE_GATE_EXIT=4 "$dlv" --seed 7 --out "$out/exit4" >"$out/exit4.stdout" 2>&1
status=$?
test $status -eq 1 || fail "gate exiting 4 after good rows: exit $status, expected 1"
grep -q '^gate,dlv_gate,-,shard=0/1 quick . exit status 4 ' "$out/exit4/evidence.csv" ||
  fail "no failed row for the gate's exit status 4: $(grep '^gate' "$out/exit4/evidence.csv")"
echo "ok: gate exiting 4 after good rows: exit 1, a failed row"

# Shards and their merge.
for i in 0 1; do
  "$dlv" --seed 7 --shard $i/2 --out "$out/s$i" >"$out/s$i.stdout" 2>&1 ||
    fail "shard $i/2 exited $?: $(cat "$out/s$i.stdout")"
  grep -q "shard=$i/2 quick" "$out/s$i/evidence.csv" || fail "shard $i: the gate did not get --shard"
done
grep -q '^P4a,CONFIRMED,2,' "$out/s0/summary.csv" || fail "shard 0 did not run the claims"
"$dlv" --merge "$out/s0" "$out/s1" --out "$out/merged" >"$out/merged.stdout" 2>&1 ||
  fail "merge exited $?: $(cat "$out/merged.stdout")"
tidy -e -q "$out/merged/index.html" || fail "merged: index.html does not validate"
# cases 100 + 101, worst err/bound max(0.25, 0.5); 10 + 10 float cases.
grep -q '^nrm2,-,double,,2,0,0.5,.*,201' "$out/merged/kernels.csv" ||
  fail "merged kernels.csv: $(cat "$out/merged/kernels.csv")"
grep -q '^nrm2,-,float,,2,0,0.5,.*,20' "$out/merged/kernels.csv" || fail "merged float cases"
grep -q '^P4a,CONFIRMED,2,0,' "$out/merged/summary.csv" || fail "merged claims not those of one run"
grep -q '^P1,CONFIRMED,' "$out/merged/summary.csv" || fail "merged lacks P1"
grep -q 'Merged from 2 reports' "$out/merged/index.html" || fail "page does not say it merged"
echo "ok: merge of 2 shards: 201 + 20 cases, worst of worsts 0.5, claims of one run"

# Against a baseline: the entry's row keeps its match when its worst case
# moves (the shape's detail is not part of the key), so a 3x err/bound is
# counted as grown.
FAKE_GATE_CASE=9 FAKE_GATE_SCALE=3 "$dlv" --seed 7 --shard 0/2 --baseline "$out/s0" \
  --out "$out/grown" >"$out/grown.stdout" 2>&1 || fail "grown run exited $?"
grep -q '^nrm2,-,double,,1,0,0.75,.*,0,1,100' "$out/grown/kernels.csv" ||
  fail "a moved worst case lost its baseline: $(cat "$out/grown/kernels.csv")"
echo "ok: baseline: gate err/bound 0.25 -> 0.75 at another case counted as grown"

# Each shard missing in turn (the first and the last): the merge fails,
# with a row for the shard that is missing.
for kept in 0 1; do
  missing=$((1 - kept))
  "$dlv" --merge "$out/s$kept" --out "$out/half$kept" >"$out/half$kept.stdout" 2>&1
  status=$?
  test $status -eq 1 || fail "shard $missing/2 missing: exit $status, expected 1"
  grep -q "shard=$missing/2 quick | missing" "$out/half$kept/evidence.csv" ||
    fail "no row for the missing shard $missing/2"
done
expect_exit 2 'is in two reports' "$dlv" --merge "$out/s0" "$out/s0" --out "$out/x"
expect_exit 2 'shards of 1 quick and of 2 quick' "$dlv" --merge "$out/s0" "$out/crash" --out "$out/x"
"$dlv" --seed 8 --shard 1/2 --out "$out/seed8" >/dev/null 2>&1 || fail "seed 8 shard run failed"
expect_exit 2 'seed 8, another' "$dlv" --merge "$out/s0" "$out/seed8" --out "$out/x"
expect_exit 2 '--merge needs' "$dlv" --merge --out "$out/x"
expect_exit 2 '--merge runs nothing' "$dlv" --merge --shard 0/2 "$out/s0" --out "$out/x"
expect_exit 2 '--no-gate with' "$dlv" --no-gate --gate-long --out "$out/x"
expect_exit 2 '--shard 2/2: expected' "$dlv" --shard 2/2 --out "$out/x"
expect_exit 2 '--shard given twice' "$dlv" --shard 0/2 --shard 1/2 --out "$out/x"
test -e "$out/x" && fail "a usage error wrote $out/x"
rm "$out/checks/dlv_gate"
expect_exit 2 'is not built' "$dlv" --gate-long --out "$out/x"
# Every report written above, merged ones included, and its terminal
# output, recounted from its evidence (t_report_recount: the gate table's
# shards, cases summed over shards, status and worst err/bound, the gate
# section's entries, cases and failed rows, the gate's terminal line
# among the rest).
reports=$(for d in "$out"/*; do
  test -f "$d/evidence.csv" || continue
  test -f "$d.stdout" && echo "-t $d.stdout"
  echo "$d"
done)
# shellcheck disable=SC2086 # one argument per word (no spaces in paths)
"$(dirname "$dlv")/t_report_recount" $reports >"$out/recount.stdout" ||
  fail "a report says what its evidence does not: $(grep -v recounted "$out/recount.stdout")"
echo "report gate: failures with repro, crash, shards merged, usage errors, every report recounted: passed"
