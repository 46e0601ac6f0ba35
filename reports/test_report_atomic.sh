#!/bin/sh
# test_report_atomic.sh DLVERIFY OUTDIR: the report directory is replaced
# whole or not at all.  Over an existing report built from the stand-in
# checks (test_lib.sh), each of these must leave the old report
# bit-for-bit whole, and no check running:
#   SIGKILL of dlverify while a check runs (the check dies with it,
#     PR_SET_PDEATHSIG; its temporary directory is removed by the next run);
#   SIGTERM and SIGINT while a check runs (exit 128+N, check killed, no
#     temporary directory left);
#   a full disk, faked by a file size limit (exit 3, "File too large");
# a successful run over it leaves the new report alone in its parent
# (the old one removed); and dlverify refuses to replace a directory that is not a report
# (exit 2, its files untouched).
set -u
dlv=$1
out=$2
. "$(dirname "$0")/test_lib.sh"

rm -rf "$out"
standins "$out/checks"
export DLV_CHECK_DIR="$out/checks"
report=$out/parent/report
"$dlv" --out "$report" >"$out/first.stdout" 2>&1 || fail "first run exited $?: $(cat "$out/first.stdout")"
leftovers() { ls -a "$out/parent" | grep -c 'dlverify-tmp' ; }
# A run over an existing report replaces it and leaves nothing beside it
# (the previous report is removed after the exchange).
"$dlv" --out "$report" >"$out/second.stdout" 2>&1 || fail "second run exited $?: $(cat "$out/second.stdout")"
test "$(ls -A "$out/parent")" = report || fail "beside the replaced report: $(ls -A "$out/parent")"
before=$(tree_sum "$report")

# interrupt SIGNAL: dlverify killed by SIGNAL while the stand-in sleeps;
# prints dlverify's exit status.
interrupt() {
  rm -f "$out/pid"
  FAKE_SLEEP=30 FAKE_PIDFILE="$out/pid" "$dlv" --out "$report" \
    >"$out/$1.stdout" 2>&1 &
  dlv_pid=$!
  i=0
  while ! test -s "$out/pid" && test $i -lt 100; do sleep 0.1; i=$((i + 1)); done
  test -s "$out/pid" || fail "$1: the stand-in check never started"
  kill -s "$1" $dlv_pid
  wait $dlv_pid
  echo $?
}

# check_gone: the stand-in check is no longer running (1 s grace).
check_gone() {
  sleep 1
  pid=$(cat "$out/pid")
  running "$pid" && { kill -9 "$pid"; fail "$1: check $pid still runs after dlverify died"; }
  test "$(tree_sum "$report")" = "$before" || fail "$1: the old report changed"
}

status=$(interrupt KILL)
check_gone KILL
test "$(leftovers)" -eq 1 || fail "KILL: expected the dead run's temporary directory"
echo "ok: SIGKILL mid-run: exit $status, check killed, old report whole"

for sig in TERM INT; do
  status=$(interrupt $sig)
  case $sig in TERM) want=143 ;; INT) want=130 ;; esac
  test "$status" -eq $want || fail "SIG$sig: exit $status, expected $want"
  check_gone $sig
  test "$(leftovers)" -eq 0 || fail "SIG$sig: temporary directory left (or the SIGKILL one not removed)"
  grep -q 'previous report is unchanged' "$out/$sig.stdout" || fail "SIG$sig: no message"
  echo "ok: SIG$sig mid-run: exit $status, check killed, no temporary directory, old report whole"
done

# A full disk: files beyond 8 blocks of 512 bytes cannot be written.
(ulimit -f 8 && exec "$dlv" --out "$report") >"$out/full.stdout" 2>&1
status=$?
test $status -eq 3 || fail "full disk: exit $status, expected 3: $(cat "$out/full.stdout")"
grep -q 'File too large.*previous report is unchanged' "$out/full.stdout" || fail "full disk: message: $(cat "$out/full.stdout")"
test "$(tree_sum "$report")" = "$before" || fail "full disk: the old report changed"
test "$(leftovers)" -eq 0 || fail "full disk: temporary directory left"
echo "ok: full disk: exit 3, $(grep dlverify: "$out/full.stdout")"

mkdir -p "$out/parent/precious" && echo keep >"$out/parent/precious/notes.txt"
expect_exit 2 'is not a dlverify report' "$dlv" --out "$out/parent/precious"
test "$(cat "$out/parent/precious/notes.txt")" = keep || fail "a non-report directory was touched"
echo "report atomic: 4 interruptions and a non-report directory left everything whole"
