#!/bin/sh
# test_report_page.sh DLVERIFY OUTDIR: the report of every built claim, as
# a reader gets it.  The HTML validates (tidy -e); headless Chromium renders
# it, and the rendered DOM holds the run header, the summary, one section
# per claim of summary.csv with its verdict, and every plot of the landed
# claims as an inline SVG; every verdict, table, group row and figure of
# the page, each figure's script and the terminal output are recounted
# from evidence.csv (t_report_recount).  Leaves OUTDIR/screenshot.png for
# a person.
set -u
dlv=$1
out=$2
. "$(dirname "$0")/test_lib.sh"
need tidy tidy
need gnuplot gnuplot-nox
need chromium chromium

rm -rf "$out"
# Quick mode (DLV_QUICK=1): every kind of row and plot, smaller sizes, so
# the test stays short on a loaded machine; the header must say so.
# The gate: one family (the others have their own tests, label gate).
DLV_QUICK=1 "$dlv" --gate-family nrm2 --out "$out" >"$out.stdout" 2>&1
status=$?
test $status -le 1 || fail "dlverify exited $status: $(cat "$out.stdout")"
grep -q 'plots skipped' "$out.stdout" && fail "plots skipped with gnuplot installed"
tidy -e -q "$out/index.html" || fail "index.html does not validate (tidy -e)"
dom=$out/dom.html
render "$out/index.html" "$dom" "$out/screenshot.png"

for text in 'built from commit' 'MPFR precision' 'seed (DLV_SEED)' 'OpenBLAS' \
            'ON (DLV_QUICK=1)' '<table id="summary">' 'id="kernels"' \
            '<section id="gate">' '<table id="gate-entries">'; do
  grep -q -F "$text" "$dom" || fail "rendered page lacks $text"
done
if test $status -eq 0; then
  grep -q 'id="failures"' "$dom" && fail "failure box shown, dlverify exited 0"
  grep -q 'class="status held"' "$dom" || fail "no green banner, dlverify exited 0"
fi

# The plots each landed claim must show (P1: once its series rows exist).
plots_of() {
  case $1 in
  P1) echo P1-impulse ;;
  P2) echo P2-mc ;;
  P3) echo P3-ratio ;;
  P4a) echo P4a-h P4a-h-full ;;
  P4c) echo P4c-r ;;
  P5) echo P5-h P5-h-full ;;
  esac
}

tail -n +2 "$out/summary.csv" | tr -d '\r' | while IFS=, read -r id verdict rest; do
  element "$dom" "<section class=\"claim\" id=\"claim-$id\">" '</section>' \
    >"$out/section.html"
  test -s "$out/section.html" || fail "no section for claim $id"
  grep -q "class=\"verdict [a-z]*\">$verdict<" "$out/section.html" ||
    fail "section $id does not show its verdict $verdict"
  grep -q '<blockquote>' "$out/section.html" || fail "section $id: no exam quote"
  grep -q 'Senses measured' "$out/section.html" || fail "section $id: no senses table"
  for p in $(plots_of "$id"); do
    if test "$id" = P1 && ! grep -q "id=\"plot-$p\"" "$dom"; then
      continue # P1's check has not recorded its series yet
    fi
    element "$dom" "<figure class=\"plot\" id=\"plot-$p\">" '</figure>' \
      >"$out/figure.html"
    grep -q '<svg' "$out/figure.html" || fail "plot $p: no SVG in the rendered page"
    grep -q '<path' "$out/figure.html" || fail "plot $p: SVG draws nothing"
    grep -q 'Not drawn' "$out/figure.html" && fail "plot $p: $(grep -o 'Not drawn[^<]*' "$out/figure.html")"
  done
  echo "$id: section, verdict $verdict, plots $(plots_of "$id")"
done || exit 1
"$(dirname "$dlv")/t_report_recount" -t "$out.stdout" "$out" ||
  fail "the page or a table says what the evidence does not"
n=$(tail -n +2 "$out/summary.csv" | wc -l)
test "$n" -ge 1 || fail "summary.csv lists no claim"
echo "report page: $n claim sections and their plots rendered; screenshot $out/screenshot.png"
