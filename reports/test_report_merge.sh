#!/bin/sh
# test_report_merge.sh DLVERIFY OUTDIR: --merge, --baseline and --out at
# the edges of their rules (README), on report directories written here
# by hand (evidence.csv and meta.csv, what --merge reads):
#   --baseline matches rows by their key (claim, check, dtype, shape,
#     quantity, kernel, variant, backend): a shape that is a prefix of
#     another (n=10, n=100) is another shape, with or without a detail
#     after " | " (which is not part of the key);
#     a row differing from the baseline's in one field of the key alone,
#     any of the eight, either way round, matches nothing;
#   a row is a new failure when it fails now and held (or did not exist)
#     then, not when it failed then too;
#   dlverify's own backends, "builtin", "reference+builtin" and "-" (a
#     baseline written before the column), are one backend, each matching
#     the others; another backend matches only itself;
#   --merge refuses (exit 2) reports of different seeds, across the
#     reports and within one, wherever the odd report stands;
#   --merge takes gate rows of shard labels I/N MODE with I < N only, and
#     shards of one N and one MODE only (exit 2 otherwise, no report);
#   the page flags the checks' metadata as DIFFERS when any of the merged
#     reports differs from the others, first, middle or last;
#   --out must be missing, empty or an earlier report: a directory holding
#     only hidden files is none of these (exit 2, its files untouched).
set -u
dlv=$1
out=$2
. "$(dirname "$0")/test_lib.sh"

fresh_dir "$out"
merged= # "-t STDOUT DIR" of every report written with --baseline, recounted

# row CLAIM SHAPE RATIO OK [BACKEND [SEED]]: one evidence row of CLAIM
# (claim "gate": a gate accuracy row of kernel nrm2), bound 1 (err =
# err/bound = RATIO), holds = ok = OK, seed 7 unless given.
row() {
  role=claim kernel=-
  test "$1" = gate && role=accuracy kernel=nrm2
  evidence_row "$1" "$1_c" "$2" "${6:-7}" q "$3" "$role" "$4" "$4" \
    "$kernel" "${5:-reference+builtin}"
}

# meta DIR QUICK PREC: DIR/meta.csv, the checks' metadata of seed 7.
meta() { meta_csv "$1" 7 "$2" "$3"; }

# report DIR ROW...: a report directory holding the rows ROW... (lines of
# row) and metadata of quick mode 0, precision 256.
report() {
  dir=$1
  shift
  mkdir -p "$dir" || fail "mkdir $dir"
  {
    evidence_header
    for r in "$@"; do printf '%s\n' "$r"; done
  } >"$dir/evidence.csv" || fail "cannot write $dir/evidence.csv"
  meta "$dir" 0 256
}

# counts NEW GROWN UNMATCHED: the end of dlverify's "against" line.
counts() {
  echo "$1 new failures, $2 rows whose err/bound grew more than 2x, $3 baseline rows without a match"
}

# against NAME WHY NOW BASE COUNTS: merging a report of the row NOW with
# --baseline a report of the row BASE prints COUNTS on the terminal.
against() {
  report "$out/$1.now" "$3"
  report "$out/$1.base" "$4"
  "$dlv" --merge --out "$out/$1" --baseline "$out/$1.base" "$out/$1.now" \
    >"$out/$1.stdout" 2>"$out/$1.stderr"
  status=$?
  test $status -le 1 || fail "$1: merge exit $status: $(cat "$out/$1.stderr")"
  merged="$merged -t $out/$1.stdout $out/$1"
  line=$(grep '^against ' "$out/$1.stdout")
  case $line in
    *": $5") ;;
    *) fail "$1: $2: the terminal says '$line', expected '$5'" ;;
  esac
  echo "ok: $1: $5"
}

# --- baseline keys: shapes ----------------------------------------------
# Ratio 0.5 now against 0.1 then: grown exactly when the rows match.
grew=$(counts 0 1 0)
apart=$(counts 0 0 1)
against shape-same "the same shape did not match" \
  "$(row P1 n=10 0.5 1)" "$(row P1 n=10 0.1 1)" "$grew"
against shape-longer "shape n=100 matched baseline shape n=10 (a prefix)" \
  "$(row P1 n=100 0.5 1)" "$(row P1 n=10 0.1 1)" "$apart"
against shape-shorter "shape n=10 matched baseline shape n=100 (a prefix)" \
  "$(row P1 n=10 0.5 1)" "$(row P1 n=100 0.1 1)" "$apart"
against shape-detail "the detail after ' | ' was taken as part of the key" \
  "$(row P1 'n=10 | worst case 3' 0.5 1)" "$(row P1 'n=10 | worst case 4' 0.1 1)" "$grew"
against shape-detail-prefix "shape n=100 | d matched baseline n=10 | d (a prefix)" \
  "$(row P1 'n=100 | worst case 3' 0.5 1)" "$(row P1 'n=10 | worst case 3' 0.1 1)" "$apart"

# --- baseline keys: every field ----------------------------------------------
# keyrow FIELD VALUE RATIO: a held row of key claim P1, check c, dtype
# double, shape n=10, quantity q, kernel k, variant v, backend openblas,
# with FIELD (one of these names) set to VALUE instead.
keyrow() {
  claim=P1 check=c dtype=double shape=n=10 quantity=q kernel=k variant=v
  backend=openblas
  eval "$1=\$2"
  evidence_row "$claim" "$check" "$shape" 7 "$quantity" "$3" claim 1 1 \
    "$kernel" "$backend" "$variant" "$dtype"
}
against key-all "a row did not match the baseline's of the same key" \
  "$(keyrow claim P1 0.5)" "$(keyrow claim P1 0.1)" "$grew"
for fv in claim:P2 check:d dtype:float shape:n=11 quantity:r kernel:l \
          variant:w backend:blis; do
  f=${fv%%:*} v=${fv#*:}
  against "key-$f-now" "a row whose $f alone differs matched the baseline's" \
    "$(keyrow "$f" "$v" 0.5)" "$(keyrow none - 0.1)" "$apart"
  against "key-$f-base" "a baseline row whose $f alone differs matched" \
    "$(keyrow none - 0.5)" "$(keyrow "$f" "$v" 0.1)" "$apart"
done

# --- new failures ---------------------------------------------------------
against fail-absent "a failing row the baseline lacks not counted as a new failure" \
  "$(row P3 n=10 2 0)" "$(row P1 n=10 0.1 1)" "$(counts 1 0 1)"
against fail-held "a failing row that held in the baseline not counted as a new failure" \
  "$(row P3 n=10 2 0)" "$(row P3 n=10 1 1)" "$(counts 1 0 0)"
against fail-failed "a row failing in the baseline too counted as a new failure" \
  "$(row P3 n=10 2 0)" "$(row P3 n=10 2 0)" "$(counts 0 0 0)"

# --- baseline of another seed: the odd row first, in the middle, last ------
# The note "the baseline was run with another seed" is about every row.
report "$out/bs.now" "$(row P1 n=10 0.1 1)" "$(row P1 n=11 0.1 1)" \
  "$(row P1 n=12 0.1 1)"
for at in first middle last; do
  s1=7 s2=7 s3=7
  case $at in first) s1=8 ;; middle) s2=8 ;; last) s3=8 ;; esac
  report "$out/bs-$at.base" "$(row P1 n=10 0.1 1 - "$s1")" \
    "$(row P1 n=11 0.1 1 - "$s2")" "$(row P1 n=12 0.1 1 - "$s3")"
  "$dlv" --merge --out "$out/bs-$at" --baseline "$out/bs-$at.base" \
    "$out/bs.now" >"$out/bs-$at.stdout" 2>"$out/bs-$at.stderr" ||
    fail "bs-$at: merge exit $?: $(cat "$out/bs-$at.stderr")"
  grep -q 'the baseline was run with another seed than 7' "$out/bs-$at.stdout" ||
    fail "a baseline row of seed 8 ($at of 3) not flagged: $(cat "$out/bs-$at.stdout")"
  merged="$merged -t $out/bs-$at.stdout $out/bs-$at"
  echo "ok: a baseline of another seed, the odd row $at, flagged"
done

# --- baseline keys: backends ----------------------------------------------
# dlverify's own spellings match each other, in either direction.
own='builtin reference+builtin -'
for now in $own; do
  for base in $own; do
    against "backend-$now-$base" "backend '$now' did not match baseline '$base' (one backend)" \
      "$(row gate 'cases=10 shard=0/1 quick' 0.5 1 "$now")" \
      "$(row gate 'cases=10 shard=0/1 quick' 0.1 1 "$base")" "$grew"
  done
  against "backend-$now-openblas" "backend '$now' matched baseline 'openblas'" \
    "$(row gate 'cases=10 shard=0/1 quick' 0.5 1 "$now")" \
    "$(row gate 'cases=10 shard=0/1 quick' 0.1 1 openblas)" "$apart"
  against "backend-openblas-$now" "backend 'openblas' matched baseline '$now'" \
    "$(row gate 'cases=10 shard=0/1 quick' 0.5 1 openblas)" \
    "$(row gate 'cases=10 shard=0/1 quick' 0.1 1 "$now")" "$apart"
done
against backend-openblas-openblas "backend 'openblas' did not match itself" \
  "$(row gate 'cases=10 shard=0/1 quick' 0.5 1 openblas)" \
  "$(row gate 'cases=10 shard=0/1 quick' 0.1 1 openblas)" "$grew"
against backend-openblas-mkl "backend 'openblas' matched baseline 'mkl'" \
  "$(row gate 'cases=10 shard=0/1 quick' 0.5 1 openblas)" \
  "$(row gate 'cases=10 shard=0/1 quick' 0.1 1 mkl)" "$apart"

# --- merge: one seed --------------------------------------------------------
report "$out/seed7" "$(row P1 n=10 0.1 1)"
report "$out/seed7b" "$(row P2 n=10 0.1 1)"
report "$out/seed8" "$(row P2 n=10 0.1 1 reference+builtin 8)"
report "$out/mixed" "$(row P3 n=10 0.1 1)" "$(row P3 n=20 0.1 1 reference+builtin 8)"
"$dlv" --merge --out "$out/m-same" "$out/seed7" "$out/seed7b" >/dev/null 2>&1 ||
  fail "two reports of seed 7 did not merge: exit $?"
echo "ok: two reports of one seed merge"
# refused WHY DIR...: merging DIR... (WHY: which) exits 2 naming seed 8
# against seed 7, and writes no report.
refused() {
  echo "checking: $1 is refused"
  shift
  target=$out/m-refused
  expect_exit 2 "seed 8, another report's is 7" "$dlv" --merge --out "$target" "$@"
  test -e "$target" && fail "a refused merge wrote $target"
  return 0
}
refused "a merge of reports of seeds 7 and 8" "$out/seed7" "$out/seed8"
refused "one report holding rows of seeds 7 and 8" "$out/mixed"
refused "a merge whose first report holds two seeds" "$out/mixed" "$out/seed7b"
refused "a merge whose last report holds two seeds" "$out/seed7" "$out/mixed"

# --- merge: gate shard labels -------------------------------------------------
# shards NAME STATUS TEXT LABEL...: merging one report per LABEL (a gate row
# "cases=10 LABEL") exits STATUS; refused (2): stderr holds TEXT and no
# report is written.
shards() {
  name=$1 want=$2 text=$3
  shift 3
  dirs= k=0
  for label in "$@"; do
    report "$out/$name.$k" "$(row gate "cases=10 $label" 0.5 1)"
    dirs="$dirs $out/$name.$k"
    k=$((k + 1))
  done
  if test "$want" = 2; then
    # shellcheck disable=SC2086 # report directories without spaces
    expect_exit 2 "$text" "$dlv" --merge --out "$out/$name" $dirs
    test -e "$out/$name" && fail "$name: a refused merge wrote $out/$name"
    case $err in # reports that cannot be merged: bad input, no usage hint
    *'(try --help)'*) fail "$name: a data error with the usage hint: $err" ;;
    esac
  else
    # shellcheck disable=SC2086
    "$dlv" --merge --out "$out/$name" $dirs >"$out/$name.stdout" 2>&1
    got=$?
    test $got = "$want" || fail "$name: shards $*: exit $got, expected $want: $(cat "$out/$name.stdout")"
  fi
  echo "ok: $name: shards $*: exit $want"
}
bad_label='no shard=I/N MODE'
shards sh-last-index 0 - 'shard=0/2 quick' 'shard=1/2 quick'
shards sh-long 0 - 'shard=1/2 long' 'shard=0/2 long'
shards sh-index-is-n 2 "$bad_label" 'shard=0/2 quick' 'shard=2/2 quick'
shards sh-index-past-n 2 "$bad_label" 'shard=3/2 quick'
shards sh-of-zero 2 "$bad_label" 'shard=0/0 quick'
shards sh-modes 2 'cannot be merged' 'shard=0/2 quick' 'shard=1/2 long'
shards sh-modes-rev 2 'cannot be merged' 'shard=0/2 long' 'shard=1/2 quick'
shards sh-counts 2 'cannot be merged' 'shard=0/2 quick' 'shard=1/3 quick'

# --- merge: the checks' metadata ---------------------------------------------
# differs NAME WANT QUICK1 QUICK2 QUICK3 [PREC2]: merging three reports of
# these quick modes (the second of precision PREC2) flags the metadata on
# the page (WANT 1) or not (WANT 0).
differs() {
  for k in 1 2 3; do report "$out/$1.$k" "$(row P$k n=10 0.1 1)"; done
  meta "$out/$1.1" "$3" 256
  meta "$out/$1.2" "$4" "${6:-256}"
  meta "$out/$1.3" "$5" 256
  "$dlv" --merge --out "$out/$1" "$out/$1.1" "$out/$1.2" "$out/$1.3" \
    >"$out/$1.stdout" 2>&1 || fail "$1: merge exit $?: $(cat "$out/$1.stdout")"
  got=0
  grep -q 'DIFFERS between checks' "$out/$1/index.html" && got=1
  test $got = "$2" || fail "$1: metadata quick $3 $4 $5 (prec ${6:-256} in the middle): DIFFERS shown $got, expected $2"
  echo "ok: $1: DIFFERS shown $got"
}
differs meta-same 0 0 0 0
differs meta-all-quick 0 1 1 1
differs meta-first 1 1 0 0
differs meta-middle 1 0 1 0
differs meta-last 1 0 0 1
differs meta-middle-prec 1 0 0 0 512

# --- --out: missing, empty or an earlier report ---------------------------------
# untouched NAME DIR: --out DIR (neither empty nor a report) is refused and
# DIR left as it was.
untouched() {
  echo "checking: --out a directory holding $1 is refused"
  before=$(tree_sum "$2")
  expect_exit 2 "not a dlverify report" "$dlv" --merge --out "$2" "$out/seed7"
  test "$(tree_sum "$2")" = "$before" || fail "$1: refused --out $2 changed it"
  test -e "$2/summary.csv" && fail "$1: a report was written into $2"
  echo "ok: $1: left untouched"
}
mkdir -p "$out/o-hidden" "$out/o-hiddendir/.git" "$out/o-visible" "$out/o-empty"
echo keep >"$out/o-hidden/.keep"
echo conf >"$out/o-hiddendir/.git/config"
echo note >"$out/o-visible/notes.txt"
untouched "only a hidden file" "$out/o-hidden"
test -f "$out/o-hidden/.keep" || fail "--out removed the hidden file .keep"
untouched "only a hidden directory" "$out/o-hiddendir"
untouched "a visible file" "$out/o-visible"
"$dlv" --merge --out "$out/o-empty" "$out/seed7" >/dev/null 2>&1 ||
  fail "--out an empty directory: exit $?"
test -f "$out/o-empty/summary.csv" || fail "--out an empty directory: no report written"
"$dlv" --merge --out "$out/o-empty" "$out/seed7b" >/dev/null 2>&1 ||
  fail "--out an earlier report: exit $?"
grep -q '^P2,' "$out/o-empty/summary.csv" || fail "--out an earlier report: not replaced"
echo "ok: --out an empty directory, then the report in it, accepted"

# Every report compared with a baseline above, and its terminal output,
# recounted from its evidence (t_report_recount: the comparison's counts,
# the other-seed note, the tables).
# shellcheck disable=SC2086 # one word per argument (no spaces in paths)
"$(dirname "$dlv")/t_report_recount" $merged >"$out/recount.stdout" ||
  fail "a report says what its evidence does not: $(grep -v recounted "$out/recount.stdout")"
echo "report merge, baseline keys, --out: passed"
