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

/* A model of a documented limit (the table's limits, contract.h): the
 * family's own reading of the domain its header documents, independent of
 * the table.  in_domain(x) says whether x lies in the documented domain
 * (for a limit that is a switch of the implementation -- where the norm
 * starts scaling, where Adam recomputes in the wider type -- whether x lies
 * on the documented side of the switch).  The table's value L must sit
 * exactly at the domain's edge: in_domain(L) == inclusive, the neighbour
 * of L inside (below L when upper) in the domain, the neighbour outside
 * not, neighbours one ulp of the step's format or one unit apart
 * (dlv_gate_limits_at_edges).  A limit drifted inward (p_max 0.5) or
 * outward fails this whatever the cases sample. */
enum dlv_gate_step {
  DLV_GATE_STEP_DOUBLE, /* one ulp of double */
  DLV_GATE_STEP_FLOAT,  /* one ulp of float */
  DLV_GATE_STEP_BF16,   /* one ulp of bf16 (8 significant bits) */
  DLV_GATE_STEP_FP16,   /* one ulp of fp16 (11 significant bits) */
  DLV_GATE_STEP_UNIT    /* one (an integer limit) */
};
typedef struct {
  const char *limit; /* its name in the table */
  const char *where; /* an entry, or the entries' dtype in the table;
                      * NULL: any entry (the first match is used) */
  int (*in_domain)(double x);
  int upper;     /* the domain lies below the limit (else above) */
  int inclusive; /* the limit itself belongs to the domain */
  int step;      /* enum dlv_gate_step */
  const char *domain; /* for messages: "p in [0, 1] (noisy_linear.h)" */
} dlv_gate_limit_model;

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
  /* the models of every limit its entries' contracts declare */
  const dlv_gate_limit_model *limit_models;
  size_t n_limit_models;
} dlv_gate_family;

/* Whether every limit the table declares for `entry` has a model in f
 * (same name, matching entry or dtype) and sits at its edge; writes the first
 * problem to msg (a limit without a model is one).  The runner checks
 * each entry before its cases, and --coverage every entry. */
int dlv_gate_limits_at_edges(const dlv_gate_family *f, const char *entry,
                             char *msg, size_t size);
/* Whether the table's flags for `entry` (strides, negative strides, an
 * output stride of its own, in place, threads, a random stream) agree
 * with the entry's prototype and documentation in the public headers and,
 * for a backend operation, with the builtin backend's support bits
 * (gate_table.c says how each is read); writes the first disagreement to
 * msg.  The flags steer what the cases sample, so the runner checks each
 * entry before its cases, and --coverage every entry. */
int dlv_gate_flags_agree(const char *entry, char *msg, size_t size);
/* Whether the table's blocking constants of `entry` are the kernel's,
 * all of them:
 *   - each is written as the kernel's own: a product of constants its
 *     header (or one it names) defines, no literal and no other operator,
 *     the first constant named as the block (every word of "mr_wide" in
 *     DLV_..._MR_WIDE; a product such as "nr_wide" = NV_WIDE * LANES by
 *     its last word): a block halved, doubled, copied as a number or
 *     swapped for its neighbour fails;
 *   - every constant a header documents as one of the entry's
 *     ("Blocking constants of dlv_x_d, dlv_x_s: DLV_X_BLOCK, ...") is in
 *     its blocks: a block dropped fails;
 *   - FAST conv3d (and fp16, which runs it): the blocks are those of the
 *     kernel's query dlv_conv3d_blocking but its thread ranges, by name
 *     and value.
 * Writes the first problem to msg. */
int dlv_gate_blocks_named(const char *entry, char *msg, size_t size);
/* Whether each type word of the table's dtype for `entry` ("bf16+float":
 * bf16, float) is a type its declarations use (double, float, dlv_bf16,
 * dlv_fp16, complex), or a format its comment names (dlv_round_to_format
 * models bf16 and fp16 on doubles).  The report's dtype column comes from
 * the table.  Writes the problem to msg. */
int dlv_gate_dtype_agrees(const char *entry, char *msg, size_t size);
/* All of the above for one entry of family f: limits, flags, dtype,
 * blocks. */
int dlv_gate_table_ok(const dlv_gate_family *f, const char *entry, char *msg,
                      size_t size);
/* Models shared by families: x finite in double / float, and the limits
 * of the norm (nrm2.h), which prox_group's contract repeats. */
int dlv_gate_finite_d(double x);
int dlv_gate_finite_s(double x);
/* A decay rate of Adam or the EMA: beta in [0, 1) (adam.h, lowp.h). */
int dlv_gate_beta_in_domain(double b);
#define DLV_GATE_N_NRM2_LIMIT_MODELS 4
extern const dlv_gate_limit_model
    dlv_gate_nrm2_limit_models[DLV_GATE_N_NRM2_LIMIT_MODELS];

/* ---- choices ---------------------------------------------------------- */

/* A choice in [0, n) (n >= 1): random when sampling, replayed otherwise. */
uint64_t dlv_gate_draw(dlv_gate_case *c, uint64_t n);
/* A systematic choice in [0, k): the case index mod k when sampling. */
unsigned dlv_gate_enum(dlv_gate_case *c, unsigned k);
/* A systematic choice in {0, 1}: 1 for the cases whose index lies in the
 * first `span` of every `period` consecutive indices (recorded, so that a
 * replay keeps it): a costly class run once per period, not per case. */
unsigned dlv_gate_periodic(dlv_gate_case *c, unsigned period, unsigned span);
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
/* A NaN's bits in an IEEE format of ebits exponent and fbits fraction bits
 * (double 11/52, float 8/23, bf16 8/7, fp16 5/10), drawn over the whole NaN
 * range: either sign; the fraction enumerated among both ends and between:
 * 1 (the smallest payload, a signalling NaN), the quiet bit alone (the
 * default NaN), every bit set (the largest), any nonzero.  A NaN test
 * written on patterns (|bits| > Inf's bits, a quiet-bit test) meets each.
 * Every NaN the gate puts into data comes from here. */
uint64_t dlv_gate_nan_bits(dlv_gate_case *c, unsigned ebits, unsigned fbits);
/* A double NaN so drawn (arrays the gate converts later; in float it
 * keeps its sign and its top fraction bits, quiet). */
double dlv_gate_nan(dlv_gate_case *c);
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
  /* The parts of the span that exist, as element ranges [win_lo, win_hi):
   * the whole span (one window) unless the span is too large to touch
   * (stride magnitudes beyond int range): then `sparse`, a reservation of
   * the whole span where only DLV_GATE_WINDOW elements either side of
   * each element are mapped (everything else faults), without value
   * guards; or `unreadable` (the span cannot even be reserved: n or
   * (n - 1)|inc| beyond the address space): `at` is the first byte of a
   * PROT_NONE page, so any read faults, and no window exists. */
  int sparse, unreadable;
  size_t nwin, win_lo[2], win_hi[2];
} dlv_gate_buf;
/* Spans up to DENSE_MAX bytes are made whole; sparse ones (at most
 * SPARSE_N elements) up to SPARSE_MAX bytes reserved. */
#define DLV_GATE_DENSE_MAX ((size_t)64 << 20)
#define DLV_GATE_SPARSE_MAX ((size_t)1 << 37)
#define DLV_GATE_SPARSE_N 2
#define DLV_GATE_WINDOW 64

/* Makes b (every byte sentinel) and returns b->at (NULL for every other
 * empty array, enumerated).  A fault names the array by the expression b
 * and the source line. */
#define dlv_gate_buf_make(c, b, elem, n, inc)                                \
  dlv_gate_buf_make_named((c), (b), (elem), (n), (inc),                      \
                          #b " made at " DLV_GATE_HERE)
void *dlv_gate_buf_make_named(dlv_gate_case *c, dlv_gate_buf *b, size_t elem,
                              size_t n, ptrdiff_t inc, const char *what);
/* 0 for an unreadable buffer (its elements must not be touched). */
int dlv_gate_buf_readable(const dlv_gate_buf *b);
/* Element i as a double, read from / written to the buffer in its dtype
 * (elem 8: double, 4: float). */
double dlv_gate_buf_get(const dlv_gate_buf *b, size_t i);
void dlv_gate_buf_set(dlv_gate_buf *b, size_t i, double v);
/* Element i set to a NaN of the buffer's dtype drawn by dlv_gate_nan_bits,
 * bitwise (a float's signalling NaNs too, which (float)NAN never gives). */
void dlv_gate_buf_set_nan(dlv_gate_case *c, dlv_gate_buf *b, size_t i);
/* Data that would be an error of its own, for an argument-error case
 * (dlv_status.h: arguments are checked before data, so the argument's
 * status must win): enumerated, the data left clean, one element a NaN
 * (dlv_gate_buf_set_nan), one an infinity of a drawn sign, or every
 * element zero (the norms' DLV_EDOM).  Float and double buffers, before
 * dlv_gate_buf_freeze; returns what was done, for the case's note. */
const char *dlv_gate_buf_spoil(dlv_gate_case *c, dlv_gate_buf *b);
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

/* The output of a vector kernel reading x: x itself (in place: one case
 * in two) when the contract's flags allow it, else `own`, made of x->n
 * elements of elem bytes at a stride of its own (dlv_gate_stride) when
 * the flags allow an output stride distinct from the input's, else at
 * x's stride, and frozen.  `name` names the output ("g": its stride is
 * noted as "incg"), a string that outlives the case.  Returns x or own. */
dlv_gate_buf *dlv_gate_vec_output(dlv_gate_case *c, unsigned flags,
                                  dlv_gate_buf *x, dlv_gate_buf *own,
                                  size_t elem, const char *name);

/* ---- comparison --------------------------------------------------------- */

/* Describes the case (appended, "; "-separated), shown with a failure. */
void dlv_gate_note(dlv_gate_case *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Forgets the notes (a case of many calls describes the current one). */
void dlv_gate_note_clear(dlv_gate_case *c);
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
/* Whether the backend provides op in that dtype with every capability of
 * `need`, without skipping the case (for a case that runs many calls). */
int dlv_gate_has_caps(int op, int is_float, unsigned need);
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

/* ---- stride magnitudes and declared refusals ------------------------------ */

/* The stride-magnitude class of a strided entry: vectors whose stride or
 * length lies beyond int range, where a backend built on an int API
 * (CBLAS) must either compute exactly or refuse as it declared
 * (dlv_bk_limits, dlv_backend.h).  The list, in order (negative strides
 * only when `flags` allow them, DLV_CONTRACT_NEG_STRIDE):
 *  - n = 0 and n = 1 with inc = INT_MAX, 2^31, 2^32, 2^32 + 1,
 *    PTRDIFF_MAX and -2^31, -2^32, -(2^32 + 1), PTRDIFF_MIN + 1,
 *    PTRDIFF_MIN (stride.h: every nonzero stride is legal for n <= 1);
 *  - n = 2 with the same strides up to 2^32 + 1 in magnitude: a sparse
 *    span (dlv_gate_buf), in which the int truncation of the stride
 *    (2^32 + 1 -> 1, 2^32 -> 0) lands on a mapped gap holding the decoy;
 *  - n beyond int range or (n - 1)|inc| beyond PTRDIFF_MAX: 2^31 and
 *    2^32 + 1 at stride 1, 2^32 at 2^32, SIZE_MAX at 1, 3 at PTRDIFF_MAX,
 *    2^62 + 1 at -2, 2 at PTRDIFF_MIN: an unreadable buffer, only a
 *    refusal before any read is right.
 * A case of the class runs the whole list (a few dozen calls, with up to
 * eight 32 GiB reservations: about 10 ms), so each covers every
 * magnitude; families run it once or twice per DLV_GATE_HUGE_PERIOD
 * cases (dlv_gate_periodic with a span of twice their count k of
 * enumerated scenarios, which holds a whole aligned cycle of k, hence at
 * least one case of the scenario, also in the first k cases; the other
 * cases of the scenario fall back to another).  Returns the count
 * written to out (at most DLV_GATE_HUGE_MAX). */
#define DLV_GATE_HUGE_MAX 40
#define DLV_GATE_HUGE_PERIOD 64
typedef struct {
  size_t n;
  ptrdiff_t inc;
} dlv_gate_huge;
size_t dlv_gate_huge_list(unsigned flags, dlv_gate_huge *out);
/* Runs one(c, ctx, v) for every vector v of the list whose stride the
 * backend's op takes (op < 0: no backend operation, every one), each with
 * fresh notes, until one fails; skips the case when it takes none. */
typedef void (*dlv_gate_huge_fn)(dlv_gate_case *c, const void *ctx,
                                 dlv_gate_huge v);
void dlv_gate_each_huge(dlv_gate_case *c, unsigned flags, int op,
                        int is_float, dlv_gate_huge_fn one, const void *ctx);
/* Whether a refusal (DLV_EBADLEN) is right for vectors vec[0..nvec) of
 * backend operation op (-1: an entry point that is no backend operation,
 * dlverify's own contract alone): 2 when dlverify's contract requires it
 * ((n - 1)|inc| beyond PTRDIFF_MAX, stride.h), 1 when the backend
 * declares it (n or |inc| beyond its dlv_bk_limits), 0 otherwise. */
int dlv_gate_refusal_allowed(int op, int is_float,
                             const dlv_gate_buf *const *vec, size_t nvec);
/* Before the call: 1 when the case can be run; 0 when a vector is
 * unreadable and no refusal is allowed (a result would need elements no
 * buffer can hold: the case says so in its note and is passed over). */
int dlv_gate_huge_runnable(dlv_gate_case *c, int op, int is_float,
                           const dlv_gate_buf *const *vec, size_t nvec);
/* After the call: the outcome rule.  A refusal (DLV_EBADLEN) is right
 * when allowed (above), and then every output must be unchanged; an
 * undeclared refusal fails the case; when the contract requires a refusal
 * or a vector is unreadable, any other status fails the case (no result
 * can be right).  Returns 1 when the case is decided here, 0 when the
 * family compares status and result with its reference as usual (the
 * exact result is right whatever the declarations). */
int dlv_gate_refusal(dlv_gate_case *c, int op, int is_float, int status,
                     const dlv_gate_buf *const *vec, size_t nvec,
                     const dlv_gate_buf *const *out, size_t nout);

/* ---- argument errors of a strided vector entry (stride.h) -------------- */

/* The argument errors a strided entry's header gives DLV_EINVAL, one drawn
 * per call: x NULL with n > 0, the output NULL, x's stride 0 or (two
 * vectors: the output is a vector g too) g's stride 0, a zero stride at
 * any n (0 included); with two vectors also two errors of different
 * codes at once, x's and g's, where x's status must win (the arguments
 * are checked in order); every array untouched.  call(ctx, n, x, incx, out,
 * incg) calls the entry (a one-vector entry ignores incg); elem and
 * out_elem: the element sizes of x and of the output. */
typedef int dlv_gate_vec_call(const void *ctx, size_t n, const void *x,
                              ptrdiff_t incx, void *out, ptrdiff_t incg);
void dlv_gate_vec_arg_error(dlv_gate_case *c, size_t elem, size_t out_elem,
                            int two_vectors, dlv_gate_vec_call *call,
                            const void *ctx);

/* ---- the span limit at its edge (stride.h) ------------------------------- */

/* stride.h's limit of a strided vector, (n - 1)|inc| <= PTRDIFF_MAX, is a
 * documented limit like any other: tried exactly at it (admitted) and one
 * past it (DLV_EBADLEN), under several factorings of the span (n = 2 at
 * +-PTRDIFF_MAX; strides 7 and 49, which divide PTRDIFF_MAX; stride +-1 at
 * n = PTRDIFF_MAX + 1), for each strided argument of an entry point in
 * turn.  No element of such a vector can be read, so an admitted span is
 * seen through a later argument error the contract orders after the span
 * check (a NULL result, another vector's zero stride, a bad tau, x = 0
 * for a gradient): the call must return that error, having read and
 * written nothing (a read past the frozen buffers faults, and a fault is
 * the case's failure); one past the edge, DLV_EBADLEN before any read.
 * fn(ctx, arg, e, &later) makes the call with argument `arg` at edge e
 * and returns its status, after setting later to the status of the later
 * error it arranged; later < 0 (admitted edges only): no later error is
 * observable at e for that argument, and no call is made. */
typedef struct {
  size_t n;
  ptrdiff_t inc;
  int admitted; /* 1: (n - 1)|inc| = PTRDIFF_MAX; 0: one past it */
} dlv_gate_span;
typedef int dlv_gate_span_fn(const void *ctx, int arg, dlv_gate_span e,
                             int *later);
/* Runs fn for each of the nargs arguments at every edge whose stride sign
 * `flags` allows (DLV_CONTRACT_NEG_STRIDE), until one fails; then each of
 * the nheld frozen buffers the calls were given (named) must be unchanged,
 * its guards intact. */
typedef struct {
  const dlv_gate_buf *buf;
  const char *name;
} dlv_gate_held;
void dlv_gate_each_span_edge(dlv_gate_case *c, unsigned flags, int nargs,
                             dlv_gate_span_fn *fn, const void *ctx,
                             const dlv_gate_held *held, size_t nheld);

/* ---- declared limits at their edges (gate_probe.c) ----------------------- */

/* Every declared limit of backend operation op in the case's dtype
 * (dlv_bk_limits) probed at the limit and one past it: n = max_n and
 * max_n + 1 at stride 1; |inc| = max_inc and max_inc + 1 at n = 2, each
 * sign that `flags` (DLV_CONTRACT_NEG_STRIDE) and the backend take.  At
 * the limit the call must proceed to read its elements: a refusal there
 * fails the case ("n = max_n = 2147483647 refused (DLV_EBADLEN) within
 * the backend's declared limit").  One past it, it must refuse
 * (DLV_EBADLEN) before any read.  Reading max_n elements would take
 * seconds, so each edge runs in a forked child on nvec (at most 4)
 * vectors of (n, inc) reserved whole and PROT_NONE, none opened: the
 * first read faults, which the child reports as "proceeded to read"; a
 * returned status and a timeout (alarm, 5 s) are reported apart.
 * call(ctx, n, inc, vec) calls the entry on vec[0..nvec) (each with n and
 * inc; a scalar output is the callback's own) and returns its status.  No
 * declared limit (the builtin backend), an operation not provided, or a
 * case already failed or skipped: nothing is probed.  A few milliseconds
 * (a fork per edge). */
typedef int (*dlv_gate_probe_fn)(const void *ctx, size_t n, ptrdiff_t inc,
                                 void *const *vec);
void dlv_gate_probe_limits(dlv_gate_case *c, unsigned flags, int op,
                           int is_float, size_t nvec, dlv_gate_probe_fn call,
                           const void *ctx);

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
