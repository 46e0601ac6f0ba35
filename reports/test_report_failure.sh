#!/bin/sh
# test_report_failure.sh DLVERIFY OUTDIR: a failed check is impossible to
# miss, and what ran is what the page says.  Stand-in checks (test_lib.sh)
# write evidence: P4a with a claim row that fails (exit 1) and an accuracy
# row of kernel nrm2, P1 with impulse-response series rows keyed as the
# P1 plot selects them (any check's rows with those keys become a plot).  The rendered page must
# open with the failure table, before the run header, the tables and the
# claim sections, naming the failed row and the repro line with the real
# build directory and the environment that matters; the kernel table must
# list nrm2; the P1 plot must be drawn.  Without gnuplot, or with a gnuplot
# that fails, the page still renders and says so in its header.  Every
# report and its terminal output are recounted from the evidence.
set -u
dlv=$1
out=$2
build=$3
. "$(dirname "$0")/test_lib.sh"
need tidy tidy
need gnuplot gnuplot-nox
need chromium chromium

rm -rf "$out"
standins "$out/checks"

# run LABEL [VAR=value]...: dlverify over the stand-ins into OUTDIR/LABEL,
# which must exit 1 (a check failed) and validate.
run() {
  label=$1
  shift
  env DLV_CHECK_DIR="$out/checks" FAKE_CLAIM_FAILS=1 "$@" "$dlv" --seed 7 \
    --out "$out/$label" >"$out/$label.stdout" 2>&1
  status=$?
  test $status -eq 1 || fail "$label: dlverify exited $status, expected 1: $(cat "$out/$label.stdout")"
  tidy -e -q "$out/$label/index.html" || fail "$label: index.html does not validate"
  render "$out/$label/index.html" "$out/$label/dom.html"
}

run failed DLV_QUICK=1 DLV_MPFR_PREC=320 DLV_NO_SUCH=1
dom=$out/failed/dom.html
box=$(offset "$dom" '<section id="failures">')
test -n "$box" || fail "no failure box in the rendered page"
for later in '<table class="run">' '<table id="summary">' '<table id="kernels">' '<section class="claim"'; do
  at=$(offset "$dom" "$later")
  test -n "$at" || fail "page lacks $later"
  test "$box" -lt "$at" || fail "failure box is not above $later"
done
grep -q '<title>dlverify report: 1 of 2 claims FAILED</title>' "$dom" ||
  fail "title does not announce the failure"
grep -q 'class="status failed"' "$dom" || fail "no red status banner"
element "$dom" '<section id="failures">' '</section>' >"$out/box.html"
repro="DLV_SEED=7 DLV_QUICK=1 DLV_MPFR_PREC=320 ctest --test-dir $build -R"
for text in 'FAILED CHECKS' '<table class="failed">' 'deliberately wrong gradient' \
            "$repro" 'dlverify --claim P4a --seed 7' '>REFUTED<' '>to hold<'; do
  grep -q -F -- "$text" "$out/box.html" || fail "failure box lacks: $text"
done
grep -q -F 'P1' "$out/box.html" && fail "failure box lists P1, which held"
grep -q '^P4a,REFUTED,3,1,' "$out/failed/summary.csv" || fail "summary.csv: no P4a REFUTED row"
grep -q -F "$repro" "$out/failed.stdout" || fail "terminal lacks the repro line: $(cat "$out/failed.stdout")"
grep -q 'FAILED claim row: fake_claim' "$out/failed.stdout" || fail "terminal lacks the failed row"
# What ran: quick mode, precision, every DLV_* variable, the build commit.
for text in 'ON (DLV_QUICK=1)' '320 bits (DLV_MPFR_PREC)' 'DLV_QUICK=1 (quick mode' \
            'DLV_NO_SUCH=1 (read by no program' 'built from commit'; do
  grep -q -F -- "$text" "$dom" || fail "run header lacks: $text"
done
# The kernel table: nrm2 fast double, from P4a, worst err/bound linked to its row.
element "$dom" '<table id="kernels">' '</table>' >"$out/kernels.html"
grep -q '<td>nrm2</td><td>fast</td><td>double</td><td>P4a</td>' "$out/kernels.html" ||
  fail "kernel table lacks nrm2 fast double: $(cat "$out/kernels.html")"
grep -q 'href="#g[0-9]*"[^>]*>0.25</a>' "$out/kernels.html" || fail "kernel table: worst err/bound not linked"
grep -q '^nrm2,fast,double,P4a,1,0,0.25,' "$out/failed/kernels.csv" || fail "kernels.csv: no nrm2 row"
element "$dom" '<figure class="plot" id="plot-P1-impulse">' '</figure>' >"$out/figure.html"
grep -q '<svg' "$out/figure.html" || fail "P1 series rows drew no plot"
for series in 'EMA, k=4' 'window, k=4'; do
  grep -q -F ">$series<" "$out/figure.html" || fail "P1 plot lacks the series $series"
done

run no-gnuplot DLV_GNUPLOT=/nonexistent/gnuplot
dom=$out/no-gnuplot/dom.html
grep -q 'plots skipped: gnuplot could not be run' "$dom" || fail "page does not say the plots were skipped"
grep -q 'Plot skipped' "$dom" || fail "the P1 figure does not say it was skipped"
grep -q '<svg' "$dom" && fail "an SVG without gnuplot"
offset "$dom" '<section id="failures">' | grep -q . || fail "no failure box without gnuplot"

run bad-gnuplot DLV_GNUPLOT=/bin/false
# every plot the fake rows feed fails (P1-impulse; P4a-ratio-dtype takes
# P4a's "nrm2 vs MPFR" row)
grep -Eq '([1-9][0-9]*) of \1 plots FAILED to draw' "$out/bad-gnuplot/dom.html" ||
  fail "a failing gnuplot is not named in the header"
# p4a_fails LABEL VAR=value: dlverify --claim P4a over the stand-in run
# with VAR set, into OUTDIR/LABEL; it must exit 1 (the claim failed) with
# the title and the red banner saying so.
p4a_fails() {
  label=$1
  env DLV_CHECK_DIR="$out/checks" "$2" "$dlv" --claim P4a --seed 7 \
    --out "$out/$label" >"$out/$label.stdout" 2>&1
  status=$?
  test $status -eq 1 || fail "$label: dlverify exited $status, expected 1"
  grep -q '<title>dlverify report: 1 of 1 claims FAILED</title>' "$out/$label/index.html" ||
    fail "$label: the title does not announce the failure"
  grep -q 'class="status failed"' "$out/$label/index.html" || fail "$label: no red status banner"
}

# A check that exits 0 but wrote no evidence has failed too: the page says
# so (title, red banner, failure box), the verdict is INCONCLUSIVE and no
# figure is made up for rows that do not exist.
p4a_fails no-evidence FAKE_NO_EVIDENCE=1
grep -q '<section id="failures">' "$out/no-evidence/index.html" || fail "no evidence: no failure box"
grep -q '^P4a,INCONCLUSIVE,0,0,nan,' "$out/no-evidence/summary.csv" ||
  fail "no evidence: summary.csv: $(cat "$out/no-evidence/summary.csv")"
grep -Eq '^P4a +INCONCLUSIVE +0 rows +0 failed +max err/bound - +\(wrote no evidence\)' \
  "$out/no-evidence.stdout" || fail "no evidence: terminal: $(cat "$out/no-evidence.stdout")"

# A check that exits nonzero after writing rows that all hold has failed
# too (it may have stopped before its last row): the page and the
# terminal give the status.
p4a_fails exit3 FAKE_EXIT=3
grep -q 'check exit status 3' "$out/exit3/index.html" || fail "check exit 3: the page does not give the status"
grep -q 'check exit status 3' "$out/exit3.stdout" ||
  fail "check exit 3: terminal: $(cat "$out/exit3.stdout")"

# A check whose rows all hold but that recorded no claim row judged
# nothing: INCONCLUSIVE, and the run has failed.
p4a_fails no-claim FAKE_NO_CLAIM_ROW=1
grep -q '^P4a,INCONCLUSIVE,1,0,' "$out/no-claim/summary.csv" ||
  fail "no claim row: summary.csv: $(cat "$out/no-claim/summary.csv")"

# Evidence cut short after rows that all hold (a malformed record): the
# claim has failed, and the page says why.
p4a_fails malformed FAKE_MALFORMED=1
grep -q 'malformed evidence row' "$out/malformed/index.html" ||
  fail "malformed evidence: the page does not say so"

# Every report written above, and its terminal output, recounted from its
# evidence (t_report_recount: the failure box's headings and rows, the
# title and banner, the figures' captions, drawn or skipped, and the
# terminal's failure headings among the rest).
# shellcheck disable=SC2046 # one word per argument (no spaces in paths)
"$(dirname "$dlv")/t_report_recount" $(for r in failed no-gnuplot bad-gnuplot \
    no-evidence exit3 no-claim malformed; do echo "-t $out/$r.stdout $out/$r"; done) \
  >"$out/recount.stdout" ||
  fail "a report says what its evidence does not: $(grep -v recounted "$out/recount.stdout")"
echo "report failure: failure table first with repro line; header states quick mode, precision, variables; kernel table; plots skipped or failed said so; a check without evidence, exiting nonzero after good rows, without a claim row or with evidence cut short, failed"
