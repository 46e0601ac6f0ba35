#!/bin/sh
# test_report_backend.sh DLVERIFY OUTDIR EXAMPLE_SO: dlverify --backend
# (issue 17).  The gate's nrm2 family through the builtin, OpenBLAS and the
# out-of-tree example (given by path): evidence.csv carries a backend
# column (claim rows "reference+builtin", gate rows their backend's name),
# summary.csv one (its claim rows "reference+builtin"), the page a
# Backends section with the backend x kernel x dtype matrix (cases run and
# skipped per cell, the skipped reasons among the findings) and validates;
# the kernel table only dlverify's own kernels; an unknown backend, a
# file that does not load, and --backend with --no-gate are usage errors
# (exit 2, one line naming the backend) that write nothing; the report and
# the terminal's matrix lines are recounted from the evidence and the gate
# logs (t_report_recount: the matrix's cells and their classes, the
# findings, each backend's entries passed, skipped entirely and failed).
set -u
dlv=$1
out=$2
example=$3
. "$(dirname "$0")/test_lib.sh"
need tidy tidy

fresh_dir "$out"
report=$out/report
DLV_QUICK=1 "$dlv" --claim P4a --gate-family nrm2 --backend openblas,"$example" \
  --out "$report" >"$out/run.stdout" 2>&1 ||
  fail "dlverify --backend openblas,EXAMPLE exited $?: $(cat "$out/run.stdout")"
head -1 "$report/evidence.csv" | grep -q ',kernel,variant,key,backend' ||
  fail "evidence.csv: no backend column"
grep -q '^P4a,.*,reference+builtin' "$report/evidence.csv" ||
  fail "evidence.csv: claim rows not marked reference+builtin"
for b in builtin openblas naive; do
  grep -q "^gate,dlv_nrm2_d,.*,$b" "$report/evidence.csv" ||
    fail "evidence.csv: no gate row of backend $b"
done
grep -q '^P4a,CONFIRMED,.*,reference+builtin' "$report/summary.csv" ||
  fail "summary.csv: no backend column: $(cat "$report/summary.csv")"
test -s "$report/logs/gate-1.log" && test -s "$report/logs/gate-2.log" ||
  fail "no log per backend run"
grep -q '<section id="backends">' "$report/index.html" ||
  fail "index.html: no Backends section"
grep -q '<th>openblas</th><th>naive</th>' "$report/index.html" ||
  fail "index.html: the matrix has no column per backend"
# OpenBLAS's nrm2 declares no negative strides: cases run and skipped,
# the reason among the findings
grep -q 'openblas: dlv_nrm2_d: [1-9][0-9]* cases skipped (skipped [0-9]*: negative strides' "$report/index.html" ||
  fail "index.html: OpenBLAS's skipped negative strides not stated"
grep -q 'pass <a href="#g[0-9]*">0[.][0-9]*</a><br>[1-9][0-9]* run / [1-9][0-9]* skipped' "$report/index.html" ||
  fail "index.html: no cell with its worst err/bound linked, cases run and skipped"
# the kernel table keeps dlverify's own kernels: one line per kernel x
# variant x dtype, whatever other backends ran the same entry points
n=$(grep -c '^nrm2,-,double,' "$report/kernels.csv")
test "$n" = 1 || fail "kernels.csv: $n lines for nrm2 double (other backends' rows merged in?)"
tidy -e -q "$report/index.html" || fail "index.html does not validate"
# Every table, the backend matrix among them, recounted from the evidence.
# The terminal's matrix lines (entries passed, skipped entirely, failed
# per backend) recounted from the gate logs with the rest.
"$(dirname "$dlv")/t_report_recount" -t "$out/run.stdout" "$report" \
  >"$out/recount.stdout" ||
  fail "the report says what its evidence does not: $(grep -v recounted "$out/recount.stdout")"

# Usage errors: exit 2, the backend named, nothing written.
usage_error() {
  what=$1
  expect=$2
  shift 2
  "$dlv" --claim P4a --out "$out/none" "$@" >"$out/err.stdout" 2>"$out/err.stderr"
  status=$?
  test $status -eq 2 || fail "$what: exit $status, expected 2"
  grep -q -e "$expect" "$out/err.stderr" ||
    fail "$what: stderr lacks '$expect': $(cat "$out/err.stderr")"
  test -e "$out/none" && fail "$what: wrote $out/none"
  return 0
}
usage_error "unknown backend" "--backend nosuch: .*no such file" --backend nosuch
usage_error "not a library" "--backend $out/run.stdout: .*cannot load" \
  --backend "$out/run.stdout"
usage_error "--no-gate --backend" "--no-gate with" --no-gate --backend openblas
echo "test_report_backend: ok"
