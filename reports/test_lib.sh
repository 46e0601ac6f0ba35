# test_lib.sh: helpers of the report tests (sourced by test_report_*.sh).
fail() { echo "FAIL: $*"; exit 1; }

# fresh_dir DIR: DIR emptied (made anew).
fresh_dir() { rm -rf "$1" && mkdir -p "$1" || fail "cannot make $1 anew"; }
need() { command -v "$1" >/dev/null || fail "$1 not installed (apt-get install $2)"; }

# render PAGE DOM [PNG]: DOM gets the document as headless Chromium rendered
# PAGE from disk (fresh profile, no network services); PNG a screenshot.
render() {
  profile=$(mktemp -d) || fail "mktemp"
  flags="--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
         --disable-background-networking --disable-component-update
         --disable-sync --hide-scrollbars --user-data-dir=$profile"
  # shellcheck disable=SC2086 # flags are words without spaces
  timeout 60 chromium $flags --dump-dom "file://$1" >"$2" 2>/dev/null ||
    fail "chromium could not render $1"
  if test -n "${3:-}"; then
    # shellcheck disable=SC2086
    timeout 60 chromium $flags --window-size=1280,2400 --screenshot="$3" \
      "file://$1" >/dev/null 2>&1 || fail "chromium: no screenshot of $1"
  fi
  rm -rf "$profile"
  grep -q '</html>' "$2" || fail "$2: Chromium rendered no document"
}

# element DOM START END: the lines from the first matching START (an
# opening tag) to the next END (its closing tag).
element() { sed -n "\\|$2|,\\|$3|p" "$1"; }

# offset DOM TEXT: byte offset of the first TEXT in DOM, or nothing.
offset() { grep -bo -F -- "$2" "$1" | head -n 1 | cut -d: -f1; }

# Stand-in checks, run through DLV_CHECK_DIR as dlverify runs the real
# ones.  standins DIR writes DIR/p4a_norm_grad and DIR/p1_adam_window:
#   P4a: an accuracy row of kernel nrm2 (variant fast, double) with
#        err/bound $FAKE_RATIO (default 0.25; > 1 fails) and a claim row
#        that holds, or fails when FAKE_CLAIM_FAILS=1 (then exit 1, with
#        an erratum row shown wrong as expected: holds 0, ok 1); it
#        writes its pid to $FAKE_PIDFILE and, as that process, sleeps
#        $FAKE_SLEEP seconds, when they are set; with FAKE_NO_EVIDENCE=1
#        it writes nothing and exits 0 (a check that lost its evidence);
#        with FAKE_EXIT=N it exits N after writing its rows (a check that
#        failed or crashed after its evidence was written); with
#        FAKE_NO_CLAIM_ROW=1 it writes its accuracy row only (nothing
#        judged: INCONCLUSIVE); with FAKE_MALFORMED=1 a malformed record
#        follows its rows (evidence cut short, as by a full disk);
#   P1:  a claim row that holds and impulse-response series rows (k = 4)
#        with the keys the P1 plot selects (qids impulse-ema and
#        impulse-window; P4a's rows have no key column: derived keys);
#        FAKE_ERRATUM=1 adds an erratum row shown wrong as expected
#        (holds 0, ok 1: CONFIRMED-WITH-ERRATUM) and an accuracy row of
#        kernel ema at err/bound 0.5, FAKE_NEARBY=1 a nearby row that does
#        not hold, as expected (QUALIFIED), each at err/bound 2, so that
#        every role, and rows whose holds and ok differ, reach the tables.
# Each writes its run's metadata (<claim>.meta) as the real checks do.
standins() {
  mkdir -p "$1" || fail "mkdir $1"
  cat >"$1/p4a_norm_grad" <<'EOS'
#!/bin/sh
test "${FAKE_NO_EVIDENCE:-0}" = 1 && exit 0
ratio=${FAKE_RATIO:-0.25}
holds=$(awk -v r="$ratio" 'BEGIN { print (r <= 1) ? 1 : 0 }')
err=$(awk -v r="$ratio" 'BEGIN { printf "%.17g", r * 2.2204460492503131e-16 }')
{
echo 'claim,check,dtype,shape,seed,quantity,value,reference,err,bound_name,bound,ratio,ulps,role,holds,ok,kernel,variant'
echo "P4a,fake_accuracy,double,n=3,$DLV_SEED,nrm2 vs MPFR,1,1,$err,nrm2_d,2.2204460492503131e-16,$ratio,1,accuracy,$holds,$holds,nrm2,fast"
if test "${FAKE_NO_CLAIM_ROW:-0}" = 1; then
  :
elif test "${FAKE_CLAIM_FAILS:-0}" = 1; then
  echo "P4a,fake_claim,double,n=3 j=1,$DLV_SEED,deliberately wrong gradient vs x_j/||x||,0.5,0.25,0.25,cstep_nrm2,1e-16,2.5e+15,1e+15,claim,0,0,-,-"
  echo "P4a,fake_erratum,double,n=3,$DLV_SEED,printed gradient vs x_j/||x||,1,0.25,0.75,cstep_nrm2,1e-16,7.5e+15,1e+15,erratum,0,1,-,-"
else
  echo "P4a,fake_claim,double,n=3 j=1,$DLV_SEED,gradient vs x_j/||x||,0.25,0.25,0,cstep_nrm2,1e-16,0,0,claim,1,1,-,-"
fi
test "${FAKE_MALFORMED:-0}" = 1 && echo 'P4a,cut,dou'
} >"$DLV_EVIDENCE_DIR/P4a.csv"
{ echo name,value; echo "seed,$DLV_SEED"; echo "quick,${DLV_QUICK:-0}"
  echo "mpfr_prec,${DLV_MPFR_PREC:-256}"; echo "mpfr_version,stand-in"
  echo "gsl_version,stand-in"; } >"$DLV_EVIDENCE_DIR/P4a.meta"
test -n "${FAKE_PIDFILE:-}" && echo $$ >"$FAKE_PIDFILE"
test -n "${FAKE_SLEEP:-}" && exec sleep "$FAKE_SLEEP" # same pid
test "${FAKE_CLAIM_FAILS:-0}" = 1 && { echo "P4a: 1 failed (stand-in)"; exit 1; }
test -n "${FAKE_EXIT:-}" && exit "$FAKE_EXIT"
exit $((1 - holds))
EOS
  cat >"$1/p1_adam_window" <<'EOS'
#!/bin/sh
{
echo 'claim,check,dtype,shape,seed,quantity,value,reference,err,bound_name,bound,ratio,ulps,role,holds,ok,kernel,variant,key'
echo "P1,fake_claim,double,k=4,$DLV_SEED,EMA weight on the newest point vs window's,0.25,0.25,0,ema_d,1e-16,0,0,claim,1,1,-,-,P1/fake_claim/claim/newest-weight"
awk -v s="$DLV_SEED" 'BEGIN { for (i = 1; i <= 12; i++) {
  w = 0.25 * 0.75 ^ (i - 1); v = i <= 4 ? 0.25 : 0
  printf "P1,fake_series,double,k=4 i=%d,%s,series: EMA impulse response weight,%.17g,%.17g,0,recorded (no bound),inf,0,nan,accuracy,1,1,-,-,P1/fake_series/accuracy/impulse-ema\n", i, s, w, w
  printf "P1,fake_series,double,k=4 i=%d,%s,series: window impulse response weight,%.17g,%.17g,0,recorded (no bound),inf,0,nan,accuracy,1,1,-,-,P1/fake_series/accuracy/impulse-window\n", i, s, v, v } }'
if test "${FAKE_ERRATUM:-0}" = 1; then
  echo "P1,fake_erratum,double,k=4,$DLV_SEED,printed \"<window>\" & 'EMA' weights vs exact,0.5,0.25,0.25,ema_d,0.125,2,1e+15,erratum,0,1,ema,-,P1/fake_erratum/erratum/printed"
  echo "P1,fake_ema,double,k=4,$DLV_SEED,EMA kernel vs MPFR,0.25,0.25,0.0625,ema_d,0.125,0.5,1,accuracy,1,1,ema,-,P1/fake_ema/accuracy/ema"
fi
if test "${FAKE_NEARBY:-0}" = 1; then
  echo "P1,fake_nearby,double,k=4,$DLV_SEED,EMA lag vs window lag,0.5,0.25,0.25,ema_d,0.125,2,1e+15,nearby,0,1,ema,-,P1/fake_nearby/nearby/lag"
fi
} >"$DLV_EVIDENCE_DIR/P1.csv"
{ echo name,value; echo "seed,$DLV_SEED"; echo "quick,${DLV_QUICK:-0}"
  echo "mpfr_prec,${DLV_MPFR_PREC:-256}"; echo "mpfr_version,stand-in"
  echo "gsl_version,stand-in"; } >"$DLV_EVIDENCE_DIR/P1.meta"
EOS
  chmod +x "$1/p4a_norm_grad" "$1/p1_adam_window"
}

# Hand-made reports (what --merge reads), as the checks write them (CRLF):
# evidence_header: evidence.csv's first line.
evidence_header() {
  printf 'claim,check,dtype,shape,seed,quantity,value,reference,err,'
  printf 'bound_name,bound,ratio,ulps,role,holds,ok,kernel,variant,key,'
  printf 'backend\r\n'
}

# evidence_row CLAIM CHECK SHAPE SEED QUANTITY RATIO ROLE HOLDS OK KERNEL
# BACKEND [VARIANT [DTYPE]]: one row of bound 1 (err = err/bound = RATIO),
# value = reference = 1, ulps nan, variant - and dtype double unless
# given, key CLAIM/CHECK/ROLE/QUANTITY.
evidence_row() {
  printf '%s,%s,%s,"%s",%s,%s,1,1,%s,b,1,%s,nan,%s,%s,%s,%s,%s,%s/%s/%s/%s,%s\r\n' \
    "$1" "$2" "${13:-double}" "$3" "$4" "$5" "$6" "$6" "$7" "$8" "$9" \
    "${10}" "${12:--}" "$1" "$2" "$7" "$5" "${11}"
}

# meta_csv DIR SEED QUICK PREC [GSL]: DIR/meta.csv, the checks' metadata.
meta_csv() {
  mkdir -p "$1" || fail "mkdir $1"
  printf 'name,value\r\nseed,%s\r\nquick,%s\r\nmpfr_prec,%s\r\n%s\r\n%s\r\n' \
    "$2" "$3" "$4" 'mpfr_version,4.1.0' "gsl_version,${5:-2.7}" \
    >"$1/meta.csv" || fail "cannot write $1/meta.csv"
}

# tree_sum DIR: one checksum of every file's path and contents under DIR.
tree_sum() { (cd "$1" && find . -type f | LC_ALL=C sort | xargs md5sum | md5sum); }

# expect_exit STATUS TEXT CMD...: CMD exits STATUS and its stderr holds TEXT.
expect_exit() {
  want=$1
  text=$2
  shift 2
  err=$("$@" 2>&1 >/dev/null)
  got=$?
  test "$got" -eq "$want" || fail "$*: exit $got, expected $want: $err"
  printf '%s\n' "$err" | grep -q -F -- "$text" || fail "$*: stderr lacks '$text': $err"
  echo "ok: exit $got: $* -> $(printf '%s' "$err" | head -n 1)"
}

# running PID: the process exists and is not a zombie (reaped or not).
running() {
  st=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
  case $st in Z*) return 1 ;; esac
}

# standin_gate DIR writes DIR/dlv_gate, a stand-in of the kernel gate that
# writes $DLV_EVIDENCE_DIR/gate.csv as dlv_gate does (one accuracy row per
# entry; shape "cases=N shard=I/N quick | detail"): dlv_nrm2_d with
# 100 + I cases and err/bound 0.25 (I + 1) $FAKE_GATE_SCALE (default 1)
# at case $FAKE_GATE_CASE (default 7); dlv_nrm2_s with 10 cases,
# held, or, when FAKE_GATE_FAILS=1, failed with a shrunk repro line (then
# exit 1).  FAKE_GATE_CRASH=1: it dies of SIGSEGV before writing a row;
# FAKE_GATE_EXIT=N: it exits N after writing rows that all hold.
standin_gate() {
  mkdir -p "$1" || fail "mkdir $1"
  cat >"$1/dlv_gate" <<'EOS2'
#!/bin/sh
shard=0/1
while test $# -gt 0; do
  case $1 in --shard) shard=$2; shift ;; esac
  shift
done
test "${FAKE_GATE_CRASH:-0}" = 1 && kill -s SEGV $$
i=${shard%/*}
r=$(awk -v i="$i" -v s="${FAKE_GATE_SCALE:-1}" 'BEGIN { printf "%.17g", 0.25 * (i + 1) * s }')
q='every output vs reference over the contract'
b="each output's bound (checks/bounds.h): err/bound"
{
echo 'claim,check,dtype,shape,seed,quantity,value,reference,err,bound_name,bound,ratio,ulps,role,holds,ok,kernel,variant'
echo "gate,dlv_nrm2_d,double,\"cases=$((100 + i)) shard=$shard quick | worst case ${FAKE_GATE_CASE:-7}, norm[0] (values unit; n $i, incx -1)\",$DLV_SEED,$q,$r,0,$r,$b,1,$r,nan,accuracy,1,1,nrm2,-"
if test "${FAKE_GATE_FAILS:-0}" = 1; then
  echo "gate,dlv_nrm2_s,float,\"cases=10 shard=$shard quick | FAILED case 9: norm[0] deliberately wrong; shrunk repro: dlv_gate --entry dlv_nrm2_s --replay 0,0,2,0,2\",$DLV_SEED,$q,38,0,38,$b,1,38,nan,accuracy,0,0,nrm2,-"
else
  echo "gate,dlv_nrm2_s,float,\"cases=10 shard=$shard quick | worst case 3, norm[0] (values exact; n 2, incx 1)\",$DLV_SEED,$q,0.5,0,0.5,$b,1,0.5,nan,accuracy,1,1,nrm2,-"
fi
} >"$DLV_EVIDENCE_DIR/gate.csv"
test "${FAKE_GATE_FAILS:-0}" = 1 && { echo "[gate] FAIL dlv_nrm2_s (stand-in)"; exit 1; }
exit "${FAKE_GATE_EXIT:-0}"
EOS2
  chmod +x "$1/dlv_gate"
}
