#!/bin/sh
# test_dlverify.sh DLVERIFY OUTDIR: the program's contract, end to end.
# P4a writes a complete report whose HTML validates (tidy -e); bad
# arguments exit 2 with one line on stderr and write nothing.
set -u
dlv=$1
out=$2
fail() { echo "FAIL: $*"; exit 1; }

rm -rf "$out"
"$dlv" --claim P4a --out "$out" >/dev/null || fail "dlverify --claim P4a exited $?"
for f in index.html summary.csv evidence.csv logs/P4a.log; do
  test -s "$out/$f" || fail "$out/$f missing or empty"
done
grep -q '^P4a,CONFIRMED,' "$out/summary.csv" || fail "summary.csv: no P4a CONFIRMED row"
rows=$(($(wc -l < "$out/evidence.csv") - 1))
test "$rows" -ge 100 || fail "evidence.csv has $rows rows"
ls -a "$out" | grep -q '\.tmp\|\.dlverify-' && fail "temporary files left in $out"
command -v tidy >/dev/null || fail "tidy not installed (apt-get install tidy)"
tidy -e -q "$out/index.html" || fail "index.html does not validate (tidy -e)"

usage_error() {
  err=$("$dlv" "$@" 2>&1 >/dev/null)
  status=$?
  test $status -eq 2 || fail "dlverify $*: exit $status, expected 2"
  test "$(printf '%s\n' "$err" | wc -l)" -eq 1 || fail "dlverify $*: stderr not one line: $err"
}
usage_error --claim P9 --out "$out/x"
usage_error --seed 12abc --out "$out/x"
usage_error --seed -1 --out "$out/x"
usage_error --out /proc/no/such/dir
usage_error --no-such-option
usage_error --claim
usage_error stray-argument
usage_error "$(printf 'two\nlines')"
test -e "$out/x" && fail "a usage error wrote $out/x"
"$dlv" --help | grep -q '^Usage: dlverify' || fail "--help prints no usage"
echo "dlverify contract: 1 passed, 0 failed"
