#!/bin/sh
# test_report_failure.sh DLVERIFY OUTDIR: a failed check is impossible to
# miss.  Two stand-in checks, run through DLV_CHECK_DIR as dlverify runs the
# real ones, write evidence: P4a with a claim row that fails (exit 1), P1
# with impulse-response series rows (any check's series rows become a
# plot).  The rendered page must open with the failure box, before the run
# header, the summary and the claim sections, naming the failed row and the
# repro line; the P1 plot must be drawn.  Without gnuplot the page must
# still render and say the plots were skipped.
set -u
dlv=$1
out=$2
. "$(dirname "$0")/test_lib.sh"
need tidy tidy
need gnuplot gnuplot-nox
need chromium chromium

rm -rf "$out"
mkdir -p "$out/checks" || fail "mkdir $out/checks"
header='claim,check,dtype,shape,seed,quantity,value,reference,err,bound_name,bound,ratio,ulps,role,holds,ok'
cat >"$out/checks/p4a_norm_grad" <<EOS
#!/bin/sh
# Stand-in P4a check: one accuracy row that holds, one claim row that fails.
{
echo '$header'
echo "P4a,fake_accuracy,double,n=3,\$DLV_SEED,nrm2 vs MPFR,1,1,0,nrm2_d,2.2204460492503131e-16,0,0,accuracy,1,1"
echo "P4a,fake_claim,double,n=3 j=1,\$DLV_SEED,deliberately wrong gradient vs x_j/||x||,0.5,0.25,0.25,cstep_nrm2,1e-16,2.5e+15,1e+15,claim,0,0"
} >"\$DLV_EVIDENCE_DIR/P4a.csv"
echo "P4a: 1 failed (stand-in)"
exit 1
EOS
cat >"$out/checks/p1_adam_window" <<EOS
#!/bin/sh
# Stand-in P1 check: a claim row that holds and impulse-response series
# rows for k = 4 (EMA (1/4)(3/4)^(i-1), window 1/4 up to i = 4, then 0).
{
echo '$header'
echo "P1,fake_claim,double,k=4,\$DLV_SEED,EMA weight on the newest point vs window's,0.25,0.25,0,ema_d,1e-16,0,0,claim,1,1"
awk -v s="\$DLV_SEED" 'BEGIN { for (i = 1; i <= 12; i++) {
  w = 0.25 * 0.75 ^ (i - 1); v = i <= 4 ? 0.25 : 0
  printf "P1,fake_series,double,k=4 i=%d,%s,series: EMA impulse response weight,%.17g,%.17g,0,recorded (no bound),inf,0,nan,accuracy,1,1\n", i, s, w, w
  printf "P1,fake_series,double,k=4 i=%d,%s,series: window impulse response weight,%.17g,%.17g,0,recorded (no bound),inf,0,nan,accuracy,1,1\n", i, s, v, v } }'
} >"\$DLV_EVIDENCE_DIR/P1.csv"
EOS
chmod +x "$out/checks/p4a_norm_grad" "$out/checks/p1_adam_window"

# run LABEL [VAR=value]: dlverify over the stand-ins into OUTDIR/LABEL,
# which must exit 1 (a check failed) and validate.
run() {
  label=$1
  shift
  env DLV_CHECK_DIR="$out/checks" "$@" "$dlv" --seed 7 --out "$out/$label" \
    >"$out/$label.stdout" 2>&1
  status=$?
  test $status -eq 1 || fail "$label: dlverify exited $status, expected 1: $(cat "$out/$label.stdout")"
  tidy -e -q "$out/$label/index.html" || fail "$label: index.html does not validate"
  render "$out/$label/index.html" "$out/$label/dom.html"
}

run failed
dom=$out/failed/dom.html
box=$(offset "$dom" '<section id="failures">')
test -n "$box" || fail "no failure box in the rendered page"
for later in '<table class="run">' '<table id="summary">' '<section class="claim"'; do
  at=$(offset "$dom" "$later")
  test -n "$at" || fail "page lacks $later"
  test "$box" -lt "$at" || fail "failure box is not above $later"
done
grep -q '<title>dlverify report: 1 of 2 claims FAILED</title>' "$dom" ||
  fail "title does not announce the failure"
element "$dom" '<section id="failures">' '</section>' >"$out/box.html"
for text in 'FAILED CHECKS' 'deliberately wrong gradient' \
            'DLV_SEED=7 ctest --test-dir build -R' \
            'dlverify --claim P4a --seed 7' '>REFUTED<'; do
  grep -q -F -- "$text" "$out/box.html" || fail "failure box lacks: $text"
done
grep -q -F 'P1' "$out/box.html" && fail "failure box lists P1, which held"
grep -q '^P4a,REFUTED,2,1,' "$out/failed/summary.csv" || fail "summary.csv: no P4a REFUTED row"
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
echo "report failure: failure box first with repro line; plots skipped cleanly without gnuplot"
