#!/bin/sh
# test_dlverify.sh DLVERIFY OUTDIR: the program's contract, end to end.
# P4a and the gate's nrm2 family write a complete report whose HTML
# validates (tidy -e), into a directory whose parents are created, the
# gate's rows in the kernel table; every hostile input is a usage
# error (exit 2, one line on stderr) that writes nothing: bad or repeated
# options, invalid DLV_* variables (in dlverify and in a check, which share
# one parser), a baseline that is not a report.  --baseline then finds a
# new failure and a grown err/bound, and --fail-on-regression turns them
# into exit 1.  Every table, page and figure written, and each run's
# terminal output, are recounted from the evidence (t_report_recount),
# on runs that have every role, every verdict and rows whose holds and ok
# differ.
set -u
dlv=$1
out=$2
. "$(dirname "$0")/test_lib.sh"
bin=$(dirname "$dlv")

rm -rf "$out"
report=$out/a/b/report
DLV_QUICK=1 "$dlv" --claim P4a --gate-family nrm2 --out "$report" >"$out.stdout" 2>&1 || fail "dlverify --claim P4a exited $?: $(cat "$out.stdout")"
for f in index.html summary.csv kernels.csv evidence.csv logs/P4a.log logs/gate.log; do
  test -s "$report/$f" || fail "$report/$f missing or empty"
done
grep -q '^P4a,CONFIRMED,' "$report/summary.csv" || fail "summary.csv: no P4a CONFIRMED row"
# The real gate's rows (the nrm2 family): one per entry point, in the
# kernel table beside P4a's rows of the same kernels, with their cases.
grep -q '^gate,' "$report/summary.csv" && fail "the gate is in the claim table"
grep -q ',quick,1\|^quick,1' "$report/meta.csv" || fail "meta.csv: a DLV_QUICK=1 run not recorded as quick"
grep -q 'ON (DLV_QUICK=1)' "$report/index.html" || fail "the page does not say quick mode was on"
for entry in nrm2_d nrm2_s nrm2_grad_d nrm2_grad_s; do
  grep -q "^gate,dlv_$entry,[a-z]*,\"cases=[0-9]* shard=0/1 quick | worst " "$report/evidence.csv" ||
    fail "evidence.csv: no gate row of dlv_$entry"
done
for kd in nrm2,-,double nrm2,-,float nrm2_grad,-,double nrm2_grad,-,float; do
  cases=$(grep "^$kd,P4a," "$report/kernels.csv" | tr -d '\r' | awk -F, '{ print $NF }')
  test "${cases:-0}" -ge 48 || fail "kernels.csv: $kd has gate cases '${cases:-}': $(cat "$report/kernels.csv")"
done
grep -q '^gate held .* 4 entries' "$out.stdout" || fail "terminal lacks the gate line: $(cat "$out.stdout")"
rows=$(($(wc -l < "$report/evidence.csv") - 1))
test "$rows" -ge 100 || fail "evidence.csv has $rows rows"
ls -a "$out/a/b" | grep -q 'dlverify-tmp' && fail "temporary directory left in $out/a/b"
grep -q 'class="status held"' "$report/index.html" || fail "no green banner though every check held"
command -v tidy >/dev/null || fail "tidy not installed (apt-get install tidy)"
tidy -e -q "$report/index.html" || fail "index.html does not validate (tidy -e)"

usage_error() {
  err=$("$dlv" "$@" 2>&1 >/dev/null)
  status=$?
  test $status -eq 2 || fail "dlverify $*: exit $status, expected 2"
  test "$(printf '%s\n' "$err" | wc -l)" -eq 1 || fail "dlverify $*: stderr not one line: $err"
  echo "ok: exit 2: dlverify $* -> $err"
}
x=$out/x
usage_error --claim P9 --out "$x"
usage_error --seed 12abc --out "$x"
usage_error --seed -1 --out "$x"
usage_error --seed 7 --seed 8 --out "$x"
usage_error --out "$x" --out "$x.2"
usage_error --out ''
usage_error --out /proc/no/such/dir
usage_error --out "$report/index.html"
usage_error --no-such-option --out "$x"
usage_error -x --out "$x"
usage_error --claim
usage_error stray-argument --out "$x"
usage_error "$(printf 'two\nlines')" --out "$x"
usage_error --fail-on-regression --out "$x"
usage_error --gate-family no-such-family --out "$x"
usage_error --baseline "$out/no-such-report" --out "$x"
# the hint to --help for a command line dlverify cannot run, not for bad
# input the options did not cause (a baseline that cannot be read)
hint='(try --help)'
err=$("$dlv" --no-such-option --out "$x" 2>&1 >/dev/null)
case $err in *"$hint") ;; *) fail "an unknown option without '$hint': $err" ;; esac
err=$("$dlv" --baseline "$out/no-such-report" --out "$x" 2>&1 >/dev/null)
case $err in *"$hint"*) fail "an unreadable baseline with '$hint': $err" ;; esac
for var in DLV_SEED=abc DLV_SEED=-3 DLV_QUICK=no DLV_QUICK=false DLV_QUICK=yes \
           DLV_MPFR_PREC=2000000 DLV_MPFR_PREC=65536abc DLV_MPFR_PREC=255; do
  expect_exit 2 "${var}: " env "$var" "$dlv" --claim P4a --out "$x"
  expect_exit 2 "${var}: " env "$var" "$bin/p4a_norm_grad"
done
test -e "$x" && fail "a usage error wrote $x"
for h in -h --help; do
  "$dlv" $h | grep -q '^Usage: dlverify' || fail "$h prints no usage"
done

# Against the last run: the same run is no regression; a baseline in which
# a row held that fails now, or whose err/bound was 4x smaller, is.
standins "$out/checks"
export DLV_CHECK_DIR="$out/checks"
FAKE_RATIO=0.1 "$dlv" --out "$out/base" >"$out/base.stdout" || fail "stand-in baseline run failed"
FAKE_RATIO=0.1 "$dlv" --out "$out/same" --baseline "$out/base" --fail-on-regression \
  >"$out/same.stdout" || fail "no change reported as a regression: $(cat "$out/same.stdout")"
grep -q '0 new failures, 0 rows whose err/bound grew' "$out/same.stdout" || fail "no comparison printed"
grep -q 'another seed' "$out/same.stdout" && fail "same seed called another"
FAKE_RATIO=0.1 "$dlv" --seed 8 --out "$out/seed8" --baseline "$out/base" >"$out/seed8.stdout"
grep -q 'another seed than 8' "$out/seed8.stdout" ||
  fail "a baseline of another seed is not flagged"
# The baseline's rows without a row in this run, counted: a run of one
# claim against both stand-ins' baseline (the other claim's keys sorting
# before this run's, then after them), and the same run (none).
base_rows=$(($(wc -l < "$out/base/evidence.csv") - 1))
for c in P1 P4a; do
  other=$(grep -vc "^$c," "$out/base/evidence.csv")
  FAKE_RATIO=0.1 "$dlv" --claim $c --out "$out/only$c" --baseline "$out/base" >"$out/only$c.stdout" ||
    fail "--claim $c against the baseline exited $?"
  grep -q ": $base_rows rows; $((other - 1)) of them have no row in this run" "$out/only$c/index.html" ||
    fail "$c: baseline rows without a row now not counted as $((other - 1)) of $base_rows"
done
grep -q ": $base_rows rows; 0 of them have no row in this run" "$out/same/index.html" ||
  fail "the same run: baseline rows without a row now not 0"
FAKE_RATIO=0.4 "$dlv" --out "$out/grown" --baseline "$out/base" >"$out/grown.stdout" ||
  fail "grown ratio without --fail-on-regression exited $?"
grep -q '^P4a,CONFIRMED,.*,0,1,CONFIRMED' "$out/grown/summary.csv" || fail "summary.csv: no grown row for P4a: $(cat "$out/grown/summary.csv")"
grep -q '^nrm2,fast,double,P4a,1,0,0.40000000000000002,.*,0,1' "$out/grown/kernels.csv" || fail "kernels.csv: nrm2 not grown"
grep -q 'id="regressions"' "$out/grown/index.html" || fail "page lacks the regression table"
FAKE_RATIO=0.4 "$dlv" --out "$out/grown2" --baseline "$out/base" --fail-on-regression >/dev/null
test $? -eq 1 || fail "--fail-on-regression: a grown ratio did not exit 1"
FAKE_RATIO=1.5 "$dlv" --out "$out/broken" --baseline "$out/base" >"$out/broken.stdout"
test $? -eq 1 || fail "a failed stand-in did not exit 1"
grep -q '^P4a,INCONCLUSIVE,2,1,.*,1,1,CONFIRMED' "$out/broken/summary.csv" || fail "summary.csv: new failure not counted: $(cat "$out/broken/summary.csv")"
grep -q 'Kernels of the failed rows.*<q>nrm2</q>' "$out/broken/index.html" || fail "INCONCLUSIVE without the kernel named"
grep -q '<td>nrm2</td><td>fast</td><td>double</td><td>P4a</td><td class="fail">FAILED' "$out/broken/index.html" || fail "kernel table does not show nrm2 FAILED"
# Honest numbers: an err/bound just below 1 is not printed as 1.
FAKE_RATIO=0.9999999 "$dlv" --claim P4a --out "$out/near1" >"$out/near1.stdout" || fail "near-1 run exited $?"
grep -q 'P4a .*max err/bound 0.99999990000000005' "$out/near1.stdout" || fail "0.9999999 printed as: $(cat "$out/near1.stdout")"
grep -q '>0.99999990000000005</a>' "$out/near1/index.html" || fail "page prints 0.9999999 with too few digits"
# Every kind of row reaches the tables and the page: erratum and nearby
# rows shown wrong as expected (holds 0, ok 1), an accuracy row of kernel
# ema above the claim rows' err/bound, a quantity with < > " & ' in it;
# with the runs above, every verdict.
FAKE_ERRATUM=1 "$dlv" --out "$out/erratum" >"$out/erratum.stdout" || fail "erratum stand-in run exited $?"
grep -q '^P1,CONFIRMED-WITH-ERRATUM,' "$out/erratum/summary.csv" || fail "erratum run: P1 not CONFIRMED-WITH-ERRATUM"
FAKE_ERRATUM=1 FAKE_NEARBY=1 "$dlv" --out "$out/nearby" >"$out/nearby.stdout" || fail "nearby stand-in run exited $?"
grep -q '^P1,QUALIFIED,' "$out/nearby/summary.csv" || fail "nearby run: P1 not QUALIFIED"
FAKE_CLAIM_FAILS=1 "$dlv" --out "$out/refuted" >"$out/refuted.stdout"
test $? -eq 1 || fail "a failing claim row did not exit 1"
grep -q '^P4a,REFUTED,' "$out/refuted/summary.csv" || fail "refuted run: P4a not REFUTED"
# Every figure of every table, page and figure written above, and each
# run's terminal output, recounted from its evidence.
# shellcheck disable=SC2046 # one word per argument (no spaces in paths)
"$bin/t_report_recount" -t "$out.stdout" "$report" \
  $(for r in base same seed8 onlyP1 onlyP4a grown broken near1 erratum \
             nearby refuted; do echo "-t $out/$r.stdout $out/$r"; done) ||
  fail "a table, the page, a figure or the terminal says what its evidence does not"
echo "dlverify contract: report, usage errors, shared env parser, baseline: passed"
