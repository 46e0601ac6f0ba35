/* gate.h: the contract-driven case generator (the kernel gate).
 *
 * The gate covers every public kernel entry point through its documented
 * contract (kernels/contract.h), not through hand-picked points.  One
 * program, dlv_gate, holds one *family* per kernel source (nrm2, adam,
 * conv3d, ...); each family lists its entry points with a case function.
 * A case function builds ONE case from a stream of choices, runs the kernel
 * and its reference, compares every output element and checks every guard
 * zone, and reports a failure through dlv_gate_fail (or the dlv_gate_cmp_*
 * helpers).  It never asserts: a failing case returns normally.
 *
 * A case is fully determined by its choice sequence, which is how cases are
 * sampled, shrunk and replayed:
 *  - sampling: case k of entry E under seed S draws from a private stream
 *    seeded from (S, E, k); a *systematic* choice (dlv_gate_enum with k
 *    values) returns (case index) mod k instead, so the first max(k) cases
 *    of an entry take every value of every enumerated contract dimension
 *    (stride class, value class, limit case, tail length, ...), and
 *    combinations of dimensions with coprime k recur within lcm(k) cases.
 *    The runner runs at least max(k) cases of every entry, whatever was
 *    asked, so coverage of each dimension never depends on the case count;
 *  - shrinking: a failing case's recorded choices are replayed with
 *    smaller values (0, halved, minus one, the tail cut off); a candidate
 *    is kept while the case still fails.  Case functions map smaller
 *    choices to simpler cases: 0 is the unit stride, the smallest extent,
 *    the value 0, the positive sign, the first enumerated class;
 *  - replay: the shrunk sequence prints as a command line
 *    (`dlv_gate --entry E --replay c1,c2,...`) that reruns exactly that
 *    case; choices past the end of a replayed sequence are 0, and `V*K`
 *    stands for K copies of V.
 *
 * Memory taken with dlv_gate_alloc / dlv_gate_buf_make belongs to the case
 * and is freed after it, also when the case fails early; each allocation
 * abuts a protected page (page guards, below). */
#ifndef DLV_GATE_H
#define DLV_GATE_H

#include <stddef.h>
#include <stdint.h>

#include <mpfr.h>

#include "bounds.h"
#include "dlv_backend.h"

typedef struct dlv_gate_case dlv_gate_case;

typedef void (*dlv_gate_case_fn)(dlv_gate_case *c);

/* One entry point: its name as in the contract table (e.g. "dlv_nrm2_d"),
 * and the function that builds and checks one case. */
typedef struct {
  const char *entry;
  dlv_gate_case_fn run;
} dlv_gate_entry;

/* A family: the entry points of one kernel source.  via_backend: its case
 * functions call the kernels through dlv_gate_backend(); a family without
 * it (0, what a positional initializer of three fields leaves) runs for
 * the builtin backend only, and its entries are reported skipped under
 * any other (never run on dlverify's kernels under another's name). */
typedef struct {
  const char *name;
  const dlv_gate_entry *entries;
  size_t n;
  int via_backend;
} dlv_gate_family;

/* ---- choices ---------------------------------------------------------- */

/* A choice in [0, n) (n >= 1): random when sampling, replayed otherwise. */
uint64_t dlv_gate_draw(dlv_gate_case *c, uint64_t n);
/* A systematic choice in [0, k): the case index mod k when sampling. */
unsigned dlv_gate_enum(dlv_gate_case *c, unsigned k);
/* The case's index (for messages). */
unsigned long dlv_gate_index(const dlv_gate_case *c);
/* 1 in long mode (DLV_GATE_LONG=1 or --long): cases may be larger. */
int dlv_gate_long(const dlv_gate_case *c);

/* ---- contract dimensions ------------------------------------------------ */

/* Stride classes, enumerated: 1, -1, +k, -k with k in [2, 5], each used
 * only when the contract allows it (DLV_CONTRACT_* flags of contract.h);
 * unit stride alone when the entry takes none. */
ptrdiff_t dlv_gate_stride(dlv_gate_case *c, unsigned contract_flags);

/* An extent: enumerated over every blocking constant b of `blocks` and
 * every tail r in [0, b): q b + r with q in {0, 1, 2, 3} drawn, capped at
 * max_n; with no blocks, a size in [min_n, max_n] biased toward small.
 * Extents below min_n are raised.  When min_n is 0 (the contract admits
 * an empty array), one case in DLV_GATE_EMPTY_EVERY is the empty array,
 * enumerated; dlv_gate_buf_make then passes NULL for every other empty
 * array it makes (the strided kernels' contract: NULL only when n = 0). */
#define DLV_GATE_EMPTY_EVERY 16
size_t dlv_gate_extent(dlv_gate_case *c, const size_t *blocks, size_t nblocks,
                       size_t min_n, size_t max_n);

/* Value classes (adversarial data).  Each value is +-m 2^e drawn as sign,
 * integer mantissa and exponent offset, so that smaller choices give
 * simpler values (0 first).  All values are representable in the dtype. */
enum dlv_gate_vclass {
  DLV_GV_EXACT,     /* small integers in [-15, 15]: sums and products exact */
  DLV_GV_UNIT,      /* full precision, magnitudes below 16 */
  DLV_GV_WIDE,      /* full precision, exponents over +-60 binades */
  DLV_GV_SUBNORMAL, /* subnormal numbers of the dtype (and 0) */
  DLV_GV_HUGE,      /* within 4 binades of the largest finite, max included */
  DLV_GV_MIXED,     /* each element from any of the classes above */
  DLV_GV_NCLASSES
};
const char *dlv_gate_vclass_name(int vclass);
/* An enumerated value class (all of them). */
int dlv_gate_vclass(dlv_gate_case *c);
/* One value of the class; is_float: representable in float. */
double dlv_gate_value(dlv_gate_case *c, int vclass, int is_float);
/* A limit, one ulp below or above (of the dtype), enumerated: returns
 * the limit itself, nextafter down, nextafter up; *which gets 0, -1, +1. */
double dlv_gate_limit(dlv_gate_case *c, double limit, int is_float,
                      int *which);

/* ---- memory and guard zones ------------------------------------------- */

/* Page guards.  Every allocation below (case-owned memory and every
 * dlv_gate_buf) is a mapping of its own whose bytes abut a PROT_NONE page
 * at one end, alternating between the ends from one allocation and one
 * case to the next (checks/gate/gate_mem.c): a kernel that reads (or
 * writes) even one element past the end or before the start of an array
 * faults, and the runner's crash handler names the entry, the case, the
 * array (its expression and source line, captured by the macros below)
 * and the byte, with the command that reruns the case.  Memory is aligned
 * to the largest power of two dividing its size (at most a page). */
#define DLV_GATE_STR_(x) #x
#define DLV_GATE_STR(x) DLV_GATE_STR_(x)
#define DLV_GATE_HERE __FILE__ ":" DLV_GATE_STR(__LINE__)

/* Case-owned memory, zeroed; NULL never returned (aborts on OOM). */
#define dlv_gate_alloc(c, bytes)                                             \
  dlv_gate_alloc_named((c), (bytes), "memory allocated at " DLV_GATE_HERE)
void *dlv_gate_alloc_named(dlv_gate_case *c, size_t bytes, const char *what);

/* A strided array with guard zones.  The span holds (n - 1)|inc| + 1
 * elements; on one side DLV_GATE_GUARD bytes of sentinel lie next to it,
 * on the other the page guard (which side: alternated, see above), and
 * every byte of the span that is not an element is sentinel too.  `at`
 * is what the kernel receives: the span's lowest address, BLAS's
 * convention (include/dlv/stride.h: for a negative inc, element 0 is the
 * highest address, element i at at[(n - 1 - i) |inc|]): its lowest
 * address touched abuts the page guard when that is below, its highest
 * when above, for either sign of inc. */
#define DLV_GATE_GUARD 64
typedef struct {
  unsigned char *lo;   /* first byte of the zone (guards and span) */
  unsigned char *span; /* first byte of the span */
  size_t guard_lo, guard_hi; /* sentinel bytes below and above the span:
                              * DLV_GATE_GUARD, or 0 on the page guard's
                              * side */
  size_t elem, n, span_elems;
  ptrdiff_t inc;
  void *at;
  unsigned char *snapshot; /* copy of the whole zone (for inputs) */
  int decoy; /* the gaps between elements hold DLV_GATE_DECOY, not the
              * sentinel (set by dlv_gate_buf_freeze for float and double) */
} dlv_gate_buf;

/* Makes b (every byte sentinel) and returns b->at (NULL for every other
 * empty array, enumerated).  A fault names the array by the expression b
 * and the source line. */
#define dlv_gate_buf_make(c, b, elem, n, inc)                                \
  dlv_gate_buf_make_named((c), (b), (elem), (n), (inc),                      \
                          #b " made at " DLV_GATE_HERE)
void *dlv_gate_buf_make_named(dlv_gate_case *c, dlv_gate_buf *b, size_t elem,
                              size_t n, ptrdiff_t inc, const char *what);
/* Element i as a double, read from / written to the buffer in its dtype
 * (elem 8: double, 4: float). */
double dlv_gate_buf_get(const dlv_gate_buf *b, size_t i);
void dlv_gate_buf_set(dlv_gate_buf *b, size_t i, double v);
/* Fills elements 0..n-1 with values of a class. */
void dlv_gate_buf_fill(dlv_gate_case *c, dlv_gate_buf *b, int vclass);
/* Remembers the whole zone: dlv_gate_buf_unchanged then fails the case if
 * any byte changed (inputs must not be written).  A float or double
 * buffer's gaps between strided elements get a finite decoy first
 * (DLV_GATE_DECOY), so that a kernel reading at a wrong stride reads a
 * wrong number, not the sentinel's NaN (which a NaN fallback path could
 * mask); dlv_gate_buf_guards_ok then expects the decoy in the gaps. */
#define DLV_GATE_DECOY 1048576.5
void dlv_gate_buf_freeze(dlv_gate_case *c, dlv_gate_buf *b);
int dlv_gate_buf_unchanged(dlv_gate_case *c, const dlv_gate_buf *b,
                           const char *name);
/* Fails the case unless the guards and the gaps between elements still
 * hold the sentinel (an output written out of bounds; a write into the
 * page guard faults before). */
int dlv_gate_buf_guards_ok(dlv_gate_case *c, const dlv_gate_buf *b,
                           const char *name);

/* ---- comparison --------------------------------------------------------- */

/* Describes the case (appended, "; "-separated), shown with a failure. */
void dlv_gate_note(dlv_gate_case *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Fails the case with a message (the first failure is kept); returns 0. */
int dlv_gate_fail(dlv_gate_case *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
int dlv_gate_failed(const dlv_gate_case *c);

/* The one comparator of the gate: element `i` of output `what` (a float
 * output when is_float) against the exact value, within the bound b:
 * |got - exact| <= b.rel |exact| + b.abs.  The exact value is compared
 * unrounded (the bound includes the final rounding).  Special cases:
 * NaN equals only a NaN exact value; an infinity equals the same infinity,
 * and is also right when exact + bound (with its sign) reaches the
 * overflow threshold of the output's format (max finite + half an ulp):
 * then rounding the exact value, perturbed within the bound, may overflow.
 * Records the worst err/bound of the entry.  Returns 1 when within. */
int dlv_gate_cmp_mp(dlv_gate_case *c, const char *what, size_t i, double got,
                    mpfr_srcptr exact, dlv_bound b, int is_float);
/* The same against an exact double (e.g. a value known in closed form). */
int dlv_gate_cmp_d(dlv_gate_case *c, const char *what, size_t i, double got,
                   double exact, dlv_bound b, int is_float);
/* Bitwise equality (+0 is not -0; any NaN equals any NaN). */
int dlv_gate_cmp_same(dlv_gate_case *c, const char *what, size_t i,
                      double got, double expected);
/* A status code equals the expected one. */
int dlv_gate_cmp_status(dlv_gate_case *c, const char *what, int got,
                        int expected);

/* ---- the backend under test ---------------------------------------------- */

/* Case functions call the kernels through this table (include/
 * dlv_backend.h): dlverify's own kernels by default, another backend with
 * dlv_gate --backend NAME|PATH.so.  The cases, references and bounds are
 * the same for every backend. */
const dlv_backend *dlv_gate_backend(void);
/* 1 when the backend provides op (enum dlv_backend_op) in the case's dtype
 * (is_float) with every capability of `need` (dlv_backend_caps); else the
 * case is skipped (counted and reported as skipped, never as passed) and
 * 0 is returned: the case function then returns without checking. */
int dlv_gate_supports(dlv_gate_case *c, int op, int is_float, unsigned need);
/* The capabilities of a case with input `in` and output `out` (maybe
 * in itself): their stride classes, in place, distinct strides, and the
 * status protocol when the expected status `want` is not DLV_OK (0). */
unsigned dlv_gate_io_caps(const dlv_gate_buf *in, const dlv_gate_buf *out,
                          int want);
/* For an entry point that is no operation of the backend table (e.g.
 * dlv_ema_d): 1 under the builtin backend, else the case is skipped with
 * that reason and 0 is returned. */
int dlv_gate_builtin_only(dlv_gate_case *c);
/* The capabilities a vector stride needs: DLV_BK_STRIDES when |inc| > 1,
 * DLV_BK_NEG_STRIDES when inc < 0. */
unsigned dlv_gate_stride_caps(ptrdiff_t inc);
/* Skips the case with a reason (a short phrase, counted per reason);
 * returns 0. */
int dlv_gate_skip(dlv_gate_case *c, const char *why);
int dlv_gate_skipped(const dlv_gate_case *c);
/* The largest thread count a case may ask of the backend (--max-threads;
 * default INT_MAX).  Plugins whose runtimes busy-wait (OpenMP barriers in
 * BLIS and oneDNN) take seconds per call when oversubscribed. */
int dlv_gate_max_threads(void);
/* Records an observation that is no failure but a finding about the
 * backend (e.g. results that depend on the thread count, each within the
 * bound): counted per entry, the first one printed with the entry's row. */
void dlv_gate_observe(dlv_gate_case *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* ---- the program -------------------------------------------------------- */

/* Runs the families (one cmocka test per entry point).  Options:
 *   --family NAME     only this family (repeatable);
 *   --entry NAME      only this entry point;
 *   --replay C,C,...  run the one case with these choices (needs --entry);
 *   --cases N         cases per entry (default: quick 48, long 10000);
 *   --long            long mode (same as DLV_GATE_LONG=1);
 *   --shard I/N       run the cases whose index is I mod N;
 *   --list            print the families and entries;
 *   --coverage        fail unless every entry of the contract table has a
 *                     case function and every case function an entry;
 *   --backend B       run the cases through backend B (a built-in name or
 *                     a path to a plugin .so; see dlv_gate_backend);
 *   --backends        print the built-in backends present and their
 *                     support matrix;
 *   --xfail ENTRY     a known finding: ENTRY must fail (its test passes
 *                     when a case fails, fails when none does);
 *   --max-threads N   thread counts above N are asked as N.
 * DLV_SEED seeds the sampling (the check's parser).  Exit status: cmocka's
 * (0 when every case held), 2 on a usage error. */
int dlv_gate_main(int argc, char **argv,
                  const dlv_gate_family *const *families,
                  size_t nfamilies);

#endif
