#!/bin/sh
# test_report_edges.sh DLVERIFY OUTDIR: what the terminal and the page print
# at its edges, on reports built here by hand (evidence.csv + meta.csv, as
# dlverify writes them) and merged (dlverify --merge):
#   every capped list shows exactly min(n, cap) of its n items, and a
#     "... and K more" line only when K = n - cap > 0 (sampled at cap - 1,
#     cap, cap + 1): a claim's failed rows on the terminal (5) and in the
#     page's failure box (5), the gate's failed rows in the box (20); the
#     uncapped lists (a claim's section, the terminal's gate failures)
#     show all n;
#   a failed row's "expected" column (page) and "expected it ..." (terminal)
#     say "to fail" exactly for the rows expected to fail: a row that is
#     not ok was expected to fail when it held; ok rows are not listed;
#   a claim's explanation names min(n, 4) of the n distinct quantities of
#     its failed claim rows (or kernels of its failed accuracy rows), each
#     once, then "; and more" only when n > 4 (sampled at 3, 4, 5, and 4
#     with a repeated one);
#   the repro lines state what the checks recorded (meta.csv: quick mode,
#     precision; the rows' seed), not dlverify's own environment: every
#     combination of quick mode 0 and 1 and precision the default (256)
#     and not, merged with the environment saying the opposite;
#   a gate entry merged over shards shows its worst err/bound: the largest,
#     or the first NaN, which stays the worst (gate_report.c, select.c).
set -u
dlv=$1
out=$2
. "$(dirname "$0")/test_lib.sh"

fresh_dir "$out"
# dlverify's own seed, never the one of the reports it merges (7)
DLV_SEED=99
export DLV_SEED

# ---- building reports ------------------------------------------------------

# row CLAIM CHECK QUANTITY ROLE HOLDS OK [SHAPE [RATIO [KERNEL BACKEND]]]:
# one evidence row, seed 7 (bound 1: err = ratio).
row() {
  evidence_row "$1" "$2" "${7:-n=10}" 7 "$3" "${8:-2}" "$4" "$5" "$6" \
    "${9:--}" "${10:-reference+builtin}"
}

# failed_rows CLAIM N: N claim rows of CLAIM that failed.
failed_rows() {
  i=1
  while test "$i" -le "$2"; do
    row "$1" "${1}c" "row$i" claim 0 0
    i=$((i + 1))
  done
}

# gate_row ENTRY SHARD CASES RATIO [HOLDS]: a gate entry's row of a shard
# ("cases=N shard=I/N quick | detail", as dlv_gate writes it).
gate_row() {
  row gate "$1" 'gate result' accuracy "${5:-1}" "${5:-1}" \
    "cases=$3 shard=$2 quick | worst case 1" "$4" nrm2 builtin
}

# merge LABEL DIR...: dlverify --merge DIR... (in this environment) into
# OUTDIR/LABEL (stdout in OUTDIR/LABEL.stdout); exits 0 or 1.
merge() {
  label=$1
  shift
  "$dlv" --merge --out "$out/$label" "$@" >"$out/$label.stdout" 2>&1
  status=$?
  test $status -le 1 || fail "$label: dlverify --merge exited $status: $(cat "$out/$label.stdout")"
  test -s "$out/$label/index.html" || fail "$label: no index.html"
  merged="$merged -t $out/$label.stdout $out/$label"
}
merged= # "-t STDOUT DIR" of every report merged here, recounted at the end

# ---- reading what it printed ---------------------------------------------

# term_block STDOUT HEAD: a failure's lines on the terminal, from the line
# starting with HEAD to its repro line (or the end).
term_block() {
  awk -v h="$2" 'index($0, h) == 1 { on = 1 } on { print }
                 on && /^  repro:/ { exit }' "$1"
}

# box_block PAGE START: one group of the page's failure box, from its
# heading row (containing START) to the next heading or the table's end.
box_block() {
  element "$1" '<section id="failures">' '</section>' |
    awk -v s="$2" 'on && (/class="claim-row"/ || /<\/table>/) { exit }
                   index($0, s) { on = 1 } on { print }'
}

# claim_failed PAGE CLAIM: the "Failed rows" table of CLAIM's section.
claim_failed() {
  element "$1" "<section class=\"claim\" id=\"claim-$2\">" '</section>' |
    sed -n '\|<h3>Failed rows</h3>|,\|</table>|p'
}

# capped WHAT N CAP TEXT: TEXT (a list as printed) shows min(N, CAP) failed
# rows (lines with FAILED, or <tr class="fail">) and says "... and K more"
# once with K = N - CAP when N > CAP, never otherwise (CAP 0: no cap).
capped() {
  shown=$(printf '%s\n' "$4" | grep -c -e '^  FAILED ' -e '<tr class="fail">')
  more=$(printf '%s\n' "$4" | sed -n 's/.*\.\.\. and \([0-9]*\) more.*/\1/p')
  want=$2
  want_more=
  if test "$3" -gt 0 && test "$2" -gt "$3"; then
    want=$3
    want_more=$(($2 - $3))
  fi
  test "$shown" -eq "$want" ||
    fail "$1: $2 items (cap $3): $shown shown, expected $want: $4"
  test "$more" = "$want_more" ||
    fail "$1: $2 items (cap $3): '... and K more' says K='$more', expected '$want_more': $4"
  echo "ok: $1: $2 items, cap $3: $shown shown${more:+, ... and $more more}"
}

# ---- capped lists ----------------------------------------------------------

# A claim's failed rows: P1, P2, P3 fail 4, 5, 6 rows (cap 5 - 1, 5, 5 + 1)
# on the terminal (cap 5) and in the failure box (cap 5); the claim's own
# section lists them all.
meta_csv "$out/caps" 7 0 256
{ evidence_header; failed_rows P1 4; failed_rows P2 5; failed_rows P3 6; } \
  >"$out/caps/evidence.csv"
merge caps-m "$out/caps"
page=$out/caps-m/index.html
n=4
for c in P1 P2 P3; do
  capped "terminal: $c's failed rows" $n 5 \
    "$(term_block "$out/caps-m.stdout" "$c: ")"
  capped "failure box: $c's failed rows" $n 5 \
    "$(box_block "$page" "href=\"#claim-$c\">$c</a>: verdict")"
  capped "section claim-$c: failed rows" $n 0 "$(claim_failed "$page" $c)"
  n=$((n + 1))
done

# The gate's failed rows: 19, 20, 21 failed entries (cap 20 - 1, 20, 20 + 1)
# in the failure box (cap 20); the terminal lists them all.
for n in 19 20 21; do
  meta_csv "$out/gate$n" 7 0 256
  { evidence_header
    i=1
    while test $i -le $n; do
      gate_row "dlv_e$i" 0/1 1 38 0
      i=$((i + 1))
    done; } >"$out/gate$n/evidence.csv"
  merge gate$n-m "$out/gate$n"
  capped "failure box: the gate's failed rows" $n 20 \
    "$(box_block "$out/gate$n-m/index.html" 'href="#gate">Kernel gate</a>')"
  capped "terminal: the gate's failed rows" $n 0 \
    "$(sed -n '/^kernel gate: /,$p' "$out/gate$n-m.stdout")"
done

# ---- a claim's explanation ---------------------------------------------------

# explained LABEL PAGE CLAIM LEAD N: the sentence of CLAIM's explanation
# starting with LEAD names min(N, 4) items, "; and more" after them only
# when N > 4.
explained() {
  line=$(element "$2" "<section class=\"claim\" id=\"claim-$3\">" '</section>' |
    grep -F "$4" | sed "s/.*$4//; s/\. .*//")
  shown=$(printf '%s\n' "$line" | grep -o '<q>' | wc -l)
  more=0
  case $line in *"; and more"*) more=1 ;; esac
  want=$5 want_more=0
  if test "$5" -gt 4; then want=4 want_more=1; fi
  test "$shown" -eq "$want" && test "$more" -eq "$want_more" ||
    fail "$1: $5 distinct items: $shown named, 'and more' $more; expected $want, $want_more: $line"
  echo "ok: $1: $5 distinct items: $shown named, 'and more' $more"
}

# P1, P2, P3 fail claim rows of 3, 4, 5 distinct quantities, P4a 4 of them
# in 5 rows (one repeated); P4b, P4c, P5 fail accuracy rows of 3, 4, 5
# distinct kernels.
meta_csv "$out/expl" 7 0 256
{ evidence_header
  for cn in P1:3 P2:4 P3:5; do failed_rows "${cn%:*}" "${cn#*:}"; done
  failed_rows P4a 4
  row P4a P4ac row2 claim 0 0
  for cn in P4b:3 P4c:4 P5:5; do
    i=1
    while test $i -le "${cn#*:}"; do
      row "${cn%:*}" acc q accuracy 0 0 n=10 2 "kern$i" builtin
      i=$((i + 1))
    done
  done; } >"$out/expl/evidence.csv"
merge expl-m "$out/expl"
for cn in P1:3 P2:4 P3:5 P4a:4; do
  explained "claim ${cn%:*}'s failed quantities" "$out/expl-m/index.html" \
    "${cn%:*}" "claim rows do not hold: " "${cn#*:}"
done
for cn in P4b:3 P4c:4 P5:5; do
  explained "claim ${cn%:*}'s kernels of failed accuracy rows" \
    "$out/expl-m/index.html" "${cn%:*}" 'a reference or solver): ' "${cn#*:}"
done

# ---- expected to fail --------------------------------------------------------

# expected LIST LABEL QUANTITY WANT: LIST's row of QUANTITY ends with
# the expected cell WANT ("" = the row is not listed).
expected() {
  line=$(printf '%s\n' "$1" | grep -F "<td>$3</td>")
  if test -z "$4"; then
    test -z "$line" || fail "$2: ok row $3 is listed as failed: $line"
    return
  fi
  case $line in
    *"<td>$4</td></tr>") ;;
    *) fail "$2: row $3: expected column is not '$4': $line" ;;
  esac
}

# One row of each holds x ok: h1o1 (held, as expected), h0o1 (did not hold,
# as expected: an erratum), h1o0 (held, expected to fail), h0o0 (did not
# hold, expected to hold).
meta_csv "$out/exp" 7 0 256
{ evidence_header
  row P4a p4ac h1o1 claim 1 1
  row P4a p4ae h0o1 erratum 0 1
  row P4a p4ae h1o0 erratum 1 0
  row P4a p4ac h0o0 claim 0 0; } >"$out/exp/evidence.csv"
merge exp-m "$out/exp"
page=$out/exp-m/index.html
box=$(box_block "$page" 'href="#claim-P4a">P4a</a>: verdict')
section=$(claim_failed "$page" P4a)
term=$(term_block "$out/exp-m.stdout" 'P4a: ')
for hw in h1o1: h0o1: h1o0:'to fail' h0o0:'to hold'; do
  q=${hw%%:*}
  want=${hw#*:}
  expected "$box" "failure box" "$q" "$want"
  expected "$section" "section claim-P4a" "$q" "$want"
  line=$(printf '%s\n' "$term" | grep -F "] $q (")
  case ${want:-none}:$line in
    none:) ;;
    "$want":*"; expected it $want") ;;
    *) fail "terminal: row $q: not 'expected it ${want:-(not listed)}': $line" ;;
  esac
done
echo "ok: expected column: 'to fail' for h1o0 only, 'to hold' for h0o0, ok rows not listed"

# ---- repro lines -------------------------------------------------------------

# repro LABEL ENV: the terminal's repro lines and the page's start with ENV
# (and nothing more of DLV_*) followed by the command.
repro() {
  page=$out/$1/index.html
  term=$(grep -e '^  repro: ' -e '^     or: ' "$out/$1.stdout")
  test "$(printf '%s\n' "$term" | grep -c -e "^  repro: $2 ctest " \
    -e "^     or: $2 [^ ]*dlverify --claim P4a --seed 7\$")" -eq 2 ||
    fail "$1: terminal repro lines do not start with exactly '$2': $term"
  box=$(box_block "$page" 'href="#claim-P4a">P4a</a>: verdict')
  test "$(printf '%s\n' "$box" | grep -o "<code>$2 [^D][^<]*</code>" |
    wc -l)" -eq 2 ||
    fail "$1: failure box repro lines do not start with exactly '$2': $box"
  echo "ok: $1: repro lines start with '$2'"
}

# Recorded quick mode Q and precision P (256: the default), for every Q
# and P, merged with DLV_QUICK set to the other mode and DLV_MPFR_PREC to
# 1024 (DLV_SEED=99): the repro lines say DLV_QUICK=1 exactly when Q is 1
# and DLV_MPFR_PREC=P exactly when P is not the default.
for q in 0 1; do
  for p in 256 512; do
    meta_csv "$out/q$q-p$p" 7 $q $p
    { evidence_header; row P4a p4ac q claim 0 0; } >"$out/q$q-p$p/evidence.csv"
    (export DLV_QUICK=$((1 - q)) DLV_MPFR_PREC=1024
     merge "q$q-p$p-m" "$out/q$q-p$p") || exit 1
    # (merge's append to $merged was made in the subshell)
    merged="$merged -t $out/q$q-p$p-m.stdout $out/q$q-p$p-m"
    want='DLV_SEED=7'
    test $q = 1 && want="$want DLV_QUICK=1"
    test $p != 256 && want="$want DLV_MPFR_PREC=$p"
    repro "q$q-p$p-m" "$want"
  done
done

# ---- a gate entry's worst err/bound over shards -----------------------------

# worst LABEL R0 R1 R2 SHARD WANT: an entry merged from shards 0/3, 1/3,
# 2/3 (one report each, 10 + I cases) with err/bound R0, R1, R2 shows WANT
# as its worst err/bound and SHARD's shape as its worst; the terminal's
# gate line says max err/bound WANT.
worst() {
  dirs=
  i=0
  for r in "$2" "$3" "$4"; do
    meta_csv "$out/$1-$i" 7 0 256
    { evidence_header; gate_row dlv_nrm2_d $i/3 $((10 + i)) "$r"; } \
      >"$out/$1-$i/evidence.csv"
    dirs="$dirs $out/$1-$i"
    i=$((i + 1))
  done
  # shellcheck disable=SC2086 # report directories without spaces
  merge "$1-m" $dirs
  entry=$(element "$out/$1-m/index.html" '<section id="gate">' '</section>' |
    grep '<tr id="g[0-9]*"><td>dlv_nrm2_d</td>')
  case $entry in
    *">$6</td><td>cases=$((10 + $5)) shard=$5/3 quick | worst case 1<br></td></tr>") ;;
    *) fail "$1: err/bound $2 $3 $4: entry's worst is not $6 of shard $5/3: $entry" ;;
  esac
  grep -q "^gate held .* max err/bound $6 (dlv_nrm2_d)" "$out/$1-m.stdout" ||
    fail "$1: terminal gate line: max err/bound not $6: $(grep '^gate' "$out/$1-m.stdout")"
  echo "ok: $1: err/bound $2 $3 $4: worst $6 (shard $5/3)"
}

worst nan-first nan 0.5 0.75 0 nan
worst nan-later 0.5 nan 0.75 1 nan
worst nan-twice 0.5 nan nan 1 nan
worst no-nan 0.25 0.75 0.5 1 0.75
# A failing row of every role, counted: the terminal's, summary.csv's and
# the page's failed counts are every row not ok, whatever its role.
meta_csv "$out/roles" 7 0 256
{ evidence_header
  row P5 p5a acc accuracy 0 0 n=10 2 hvp_cstep
  row P5 p5c claim claim 0 0
  row P5 p5n near nearby 1 0
  row P5 p5e erratum erratum 1 0
  row P5 p5c held claim 1 1 n=10 0.5; } >"$out/roles/evidence.csv"
merge roles-m "$out/roles"
grep -Eq '^P5 .* 5 rows +4 failed' "$out/roles-m.stdout" ||
  fail "roles: not '5 rows, 4 failed': $(grep '^P5' "$out/roles-m.stdout")"
echo "ok: a failed row of every role counted (4 failed)"

# Every report merged above, and its terminal output, recounted from its
# evidence (t_report_recount).
# shellcheck disable=SC2086 # one word per argument (no spaces in paths)
"$(dirname "$dlv")/t_report_recount" $merged >"$out/recount.stdout" ||
  fail "a report says what its evidence does not: $(grep -v recounted "$out/recount.stdout")"
echo "ok: report edges"
