/* gate.c: the case engine of the kernel gate (see gate.h): choices,
 * contract dimensions, value classes, guarded buffers and the comparator.
 * The runner (options, shrinking, cmocka) is in gate_main.c. */
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "contract.h"
#include "dlv_status.h"
#include "gate_internal.h"
#include "ulp.h"

/* ---- the sampling stream: splitmix64, independent of the kernels' own
 * generator (which is under test) ---------------------------------------- */

static uint64_t splitmix64(uint64_t *state)
{
  uint64_t z = (*state += 0x9E3779B97F4A7C15u);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
  return z ^ (z >> 31);
}

uint64_t dlv_gate_hash(const char *s, uint64_t h)
{
  h ^= 1469598103934665603u; /* FNV-1a */
  for (; *s; s++)
    h = (h ^ (unsigned char)*s) * 1099511628211u;
  return h;
}

/* Uniform in [0, n) by rejection (no modulo bias). */
static uint64_t stream_below(uint64_t *state, uint64_t n)
{
  uint64_t reject_below = (0 - n) % n;
  for (;;) {
    uint64_t r = splitmix64(state);
    if (r >= reject_below)
      return r % n;
  }
}

/* ---- choices ------------------------------------------------------------ */

static void record(dlv_gate_case *c, uint64_t v)
{
  if (c->nrec == c->caprec) {
    c->caprec = c->caprec ? 2 * c->caprec : 256;
    c->rec = realloc(c->rec, c->caprec * sizeof *c->rec);
    if (c->rec == NULL)
      abort();
  }
  c->rec[c->nrec++] = v;
  c->rec_hash = (c->rec_hash ^ v) * 1099511628211u; /* FNV-1a step */
}

/* The next replayed choice clamped to [0, n), 0 past the end. */
static uint64_t replayed(dlv_gate_case *c, uint64_t n)
{
  uint64_t v = c->pos < c->nin ? c->in[c->pos] : 0;
  c->pos++;
  return v < n ? v : n - 1;
}

uint64_t dlv_gate_draw(dlv_gate_case *c, uint64_t n)
{
  uint64_t v = c->replay ? replayed(c, n) : stream_below(&c->stream, n);
  record(c, v);
  return v;
}

/* Systematic: within each cycle of k consecutive case indices every value
 * appears once; each cycle is shifted by a random amount drawn from
 * (seed, entry, call number, cycle), so that dimensions enumerated side by
 * side do not move in lockstep. */
unsigned dlv_gate_enum(dlv_gate_case *c, unsigned k)
{
  uint64_t v;
  if (c->replay) {
    v = replayed(c, k);
  } else {
    uint64_t cycle = c->index / k;
    uint64_t h = c->cycle_seed ^ (uint64_t)c->nenum * 0x9E3779B97F4A7C15u ^
                 cycle * 0xD1B54A32D192ED03u;
    v = (c->index + splitmix64(&h) % k) % k;
  }
  c->nenum++;
  if (k > c->max_enum)
    c->max_enum = k;
  record(c, v);
  return (unsigned)v;
}

unsigned dlv_gate_periodic(dlv_gate_case *c, unsigned period, unsigned span)
{
  uint64_t v = c->replay ? replayed(c, 2) : c->index % period < span;
  record(c, v);
  return (unsigned)v;
}

unsigned long dlv_gate_index(const dlv_gate_case *c) { return c->index; }
int dlv_gate_long(const dlv_gate_case *c) { return c->long_mode; }

/* ---- contract dimensions ------------------------------------------------- */

ptrdiff_t dlv_gate_stride(dlv_gate_case *c, unsigned flags)
{
  if (!(flags & DLV_CONTRACT_STRIDED))
    return 1;
  int neg = (flags & DLV_CONTRACT_NEG_STRIDE) != 0;
  unsigned cls = dlv_gate_enum(c, neg ? 4 : 2); /* 1, k, -1, -k */
  ptrdiff_t mag = cls % 2 == 0 ? 1 : 2 + (ptrdiff_t)dlv_gate_draw(c, 4);
  return cls >= 2 ? -mag : mag;
}

dlv_gate_buf *dlv_gate_vec_output(dlv_gate_case *c, unsigned flags,
                                  dlv_gate_buf *x, dlv_gate_buf *own,
                                  size_t elem, const char *name)
{
  if ((flags & DLV_CONTRACT_IN_PLACE) && dlv_gate_enum(c, 2) == 1) {
    dlv_gate_note(c, "in place");
    return x;
  }
  ptrdiff_t inc = flags & DLV_CONTRACT_DISTINCT_STRIDES
                      ? dlv_gate_stride(c, flags)
                      : x->inc;
  dlv_gate_buf_make_named(c, own, elem, x->n, inc, name);
  dlv_gate_buf_freeze(c, own);
  dlv_gate_note(c, "inc%s %td", name, inc);
  return own;
}

/* Tails of a blocking constant b: all of [0, b) when b is at most
 * DLV_GATE_FULL_TAILS, else the edges 0, 1, 2, b/2, b-2, b-1 and one
 * drawn at random. */
static size_t tail_of(dlv_gate_case *c, size_t b)
{
  if (b <= DLV_GATE_FULL_TAILS)
    return dlv_gate_enum(c, (unsigned)b);
  const size_t edges[] = {0, 1, 2, b / 2, b - 2, b - 1};
  unsigned k = dlv_gate_enum(c, 7);
  return k < 6 ? edges[k] : (size_t)dlv_gate_draw(c, b);
}

/* A size in [lo, hi] biased toward small: a bit length, then the bits. */
static size_t small_biased(dlv_gate_case *c, size_t lo, size_t hi)
{
  size_t span = hi - lo, bits = 0;
  while (bits < 63 && ((size_t)1 << bits) <= span)
    bits++;
  size_t b = (size_t)dlv_gate_draw(c, bits + 1);
  size_t top = b == 0 ? 0 : ((size_t)1 << b) - 1;
  size_t v = top == 0 ? 0 : (size_t)dlv_gate_draw(c, top + 1);
  return lo + (v > span ? span : v);
}

size_t dlv_gate_extent(dlv_gate_case *c, const size_t *blocks, size_t nblocks,
                       size_t min_n, size_t max_n)
{
  if (max_n < min_n)
    max_n = min_n;
  if (min_n == 0 && dlv_gate_enum(c, DLV_GATE_EMPTY_EVERY) == 0)
    return 0; /* the empty array, a contract case of its own */
  if (nblocks == 0)
    return small_biased(c, min_n, max_n);
  size_t b = blocks[nblocks == 1 ? 0 : dlv_gate_enum(c, (unsigned)nblocks)];
  size_t r = tail_of(c, b);
  size_t q = (size_t)dlv_gate_draw(c, 4); /* 0..3 whole blocks: across */
  size_t n = q * b + r;
  while (n > max_n && q > 0)
    n = --q * b + r;
  if (n > max_n)
    n = max_n;
  return n < min_n ? min_n : n;
}

/* ---- values ------------------------------------------------------------- */

static const char *const vclass_names[DLV_GV_NCLASSES] = {
    "exact", "unit", "wide", "subnormal", "huge", "mixed"};

const char *dlv_gate_vclass_name(int vclass)
{
  return vclass >= 0 && vclass < DLV_GV_NCLASSES ? vclass_names[vclass] : "?";
}

int dlv_gate_vclass(dlv_gate_case *c)
{
  return (int)dlv_gate_enum(c, DLV_GV_NCLASSES);
}

/* A class as +-m 2^(e_lo + d), m < 2^bits, d < span. */
typedef struct {
  int bits, e_lo, span;
} value_form;

static value_form form_of(int vclass, int is_float)
{
  int p = is_float ? FLT_MANT_DIG : DBL_MANT_DIG;
  int emax = is_float ? FLT_MAX_EXP - 1 : DBL_MAX_EXP - 1;
  int esub = is_float ? FLT_MIN_EXP - FLT_MANT_DIG : DBL_MIN_EXP - DBL_MANT_DIG;
  switch (vclass) {
  case DLV_GV_EXACT:
    return (value_form){4, 0, 1};
  case DLV_GV_UNIT:
    return (value_form){p, 4 - p - 7, 8};
  case DLV_GV_WIDE:
    return (value_form){p, -p - 60, 121};
  case DLV_GV_SUBNORMAL:
    return (value_form){p - 1, esub, 1};
  default: /* DLV_GV_HUGE */
    return (value_form){p, emax - p + 1 - 3, 4};
  }
}

uint64_t dlv_gate_nan_bits(dlv_gate_case *c, unsigned ebits, unsigned fbits)
{
  uint64_t all = ((uint64_t)1 << fbits) - 1, quiet = (uint64_t)1 << (fbits - 1);
  unsigned kind = dlv_gate_enum(c, 4);
  uint64_t frac = kind == 0   ? 1
                  : kind == 1 ? quiet
                  : kind == 2 ? all
                              : 1 + dlv_gate_draw(c, all);
  uint64_t sign = (uint64_t)dlv_gate_draw(c, 2) << (ebits + fbits);
  return sign | (((uint64_t)1 << ebits) - 1) << fbits | frac;
}

double dlv_gate_nan(dlv_gate_case *c)
{
  uint64_t bits = dlv_gate_nan_bits(c, 11, 52);
  double v;
  memcpy(&v, &bits, sizeof v);
  return v;
}

double dlv_gate_value(dlv_gate_case *c, int vclass, int is_float)
{
  if (vclass == DLV_GV_MIXED)
    vclass = (int)dlv_gate_draw(c, DLV_GV_MIXED);
  value_form f = form_of(vclass, is_float);
  int negative = (int)dlv_gate_draw(c, 2);
  uint64_t bits = dlv_gate_draw(c, (uint64_t)1 << f.bits);
  /* subnormals over every binade, not only the top few: the mantissa's
   * length is drawn too (a uniform mantissa is below 2^-8 of the largest
   * subnormal with probability 2^-8) */
  if (vclass == DLV_GV_SUBNORMAL)
    bits >>= dlv_gate_draw(c, (uint64_t)f.bits);
  double m = (double)bits;
  int d = (int)dlv_gate_draw(c, (uint64_t)f.span);
  double v = ldexp(m, f.e_lo + d);
  return negative ? -v : v;
}

double dlv_gate_limit(dlv_gate_case *c, double limit, int is_float,
                      int *which)
{
  unsigned k = dlv_gate_enum(c, 3);
  *which = k == 0 ? 0 : k == 1 ? -1 : 1;
  if (k == 0)
    return limit;
  if (is_float)
    return nextafterf((float)limit, k == 1 ? -INFINITY : INFINITY);
  return nextafter(limit, k == 1 ? -INFINITY : INFINITY);
}

/* ---- documented limits at their models' edges ---------------------------- */

int dlv_gate_finite_d(double x) { return fabs(x) <= DBL_MAX; }
int dlv_gate_finite_s(double x) { return fabs(x) <= FLT_MAX; }
int dlv_gate_beta_in_domain(double b) { return b >= 0 && b < 1; }

/* The next value after x (> 0 for the narrow formats) toward `up` in a
 * format of p significant bits: x = m 2^e, m in [0.5, 1) has ulp 2^(e-p),
 * half that below a power of two. */
static double next_in_format(double x, int p, int up)
{
  int e;
  double m = frexp(x, &e);
  double ulp = ldexp(1.0, e - p);
  if (!up && m == 0.5)
    ulp /= 2;
  return up ? x + ulp : x - ulp;
}

static double neighbour(double x, int step, int up)
{
  switch (step) {
  case DLV_GATE_STEP_FLOAT:
    return nextafterf((float)x, up ? INFINITY : -INFINITY);
  case DLV_GATE_STEP_BF16:
    return next_in_format(x, 8, up);
  case DLV_GATE_STEP_FP16:
    return next_in_format(x, 11, up);
  case DLV_GATE_STEP_UNIT:
    return up ? x + 1 : x - 1;
  default:
    return nextafter(x, up ? INFINITY : -INFINITY);
  }
}

static const dlv_gate_limit_model *model_of(const dlv_gate_family *f,
                                            const dlv_contract *k,
                                            const char *limit)
{
  for (size_t i = 0; i < f->n_limit_models; i++) {
    const dlv_gate_limit_model *m = &f->limit_models[i];
    if (strcmp(m->limit, limit) == 0 &&
        (m->where == NULL || strcmp(m->where, k->dtype) == 0 ||
         strcmp(m->where, k->entry) == 0))
      return m;
  }
  return NULL;
}

/* Whether L sits at m's edge; else describes it into msg. */
static int at_edge(const dlv_gate_limit_model *m, const char *entry, double L,
                   char *msg, size_t size)
{
  double inside = neighbour(L, m->step, !m->upper);
  double outside = neighbour(L, m->step, m->upper);
  if (m->in_domain(L) == m->inclusive && m->in_domain(inside) &&
      !m->in_domain(outside))
    return 1;
  snprintf(msg, size, "%s: contract limit %s = %a (%.17g) is not where the "
           "documented domain %s ends (%s at the limit, %a inside %s, %a "
           "outside %s)", entry, m->limit, L, L, m->domain,
           m->in_domain(L) ? "in" : "out", inside,
           m->in_domain(inside) ? "in" : "out", outside,
           m->in_domain(outside) ? "in" : "out");
  return 0;
}

int dlv_gate_limits_at_edges(const dlv_gate_family *f, const char *entry,
                             char *msg, size_t size)
{
  const dlv_contract *k = dlv_contract_find(entry);
  for (size_t i = 0; k != NULL && i < dlv_contract_nlimits(k); i++) {
    const dlv_contract_limit *lim = &k->limits[i];
    const dlv_gate_limit_model *m = model_of(f, k, lim->name);
    if (m == NULL) {
      snprintf(msg, size, "%s: contract limit %s (%s) has no model of its "
               "documented domain in gate family %s", entry, lim->name,
               k->dtype, f->name);
      return 0;
    }
    if (!at_edge(m, entry, lim->value, msg, size))
      return 0;
  }
  return 1;
}

/* ---- memory and guard zones --------------------------------------------- */

void *dlv_gate_alloc_named(dlv_gate_case *c, size_t bytes, const char *what)
{
  return dlv_gate_region_new(c, bytes, dlv_gate_guard_below(c), what);
}

static size_t zone_bytes(const dlv_gate_buf *b)
{
  return b->guard_lo + b->span_elems * b->elem + b->guard_hi;
}

size_t dlv_gate_abs_inc(ptrdiff_t inc)
{
  return inc < 0 ? (size_t)0 - (size_t)inc : (size_t)inc;
}

/* The existing byte ranges of b's zone, as offsets from b->lo: the whole
 * zone, a sparse span's windows, or none (unreadable).  Returns how many. */
static size_t zone_parts(const dlv_gate_buf *b, size_t *off, size_t *len)
{
  if (!b->sparse) {
    off[0] = 0;
    len[0] = zone_bytes(b);
    return b->unreadable ? 0 : 1;
  }
  for (size_t k = 0; k < b->nwin; k++) {
    off[k] = b->win_lo[k] * b->elem;
    len[k] = (b->win_hi[k] - b->win_lo[k]) * b->elem;
  }
  return b->nwin;
}

/* The span's elements (with guards) as one mapping. */
static void make_dense(dlv_gate_case *c, dlv_gate_buf *b, size_t span,
                       const char *what)
{
  int below = dlv_gate_guard_below(c);
  b->span_elems = span;
  b->guard_lo = below ? 0 : DLV_GATE_GUARD;
  b->guard_hi = below ? DLV_GATE_GUARD : 0;
  b->lo = dlv_gate_region_new(c, zone_bytes(b), below, what);
  b->nwin = 1;
  b->win_hi[0] = span;
}

/* A span too large to touch: reserved whole, a window of DLV_GATE_WINDOW
 * elements opened either side of each element (n <= DLV_GATE_SPARSE_N). */
static void make_sparse(dlv_gate_case *c, dlv_gate_buf *b, size_t span,
                        const char *what)
{
  size_t step = dlv_gate_abs_inc(b->inc);
  b->sparse = 1;
  b->span_elems = span;
  b->lo = dlv_gate_region_sparse(c, span * b->elem, what);
  for (size_t k = 0; k < b->n; k++) {
    size_t at = k * step;
    b->win_lo[b->nwin] = at > DLV_GATE_WINDOW ? at - DLV_GATE_WINDOW : 0;
    b->win_hi[b->nwin] = span - at > DLV_GATE_WINDOW + 1
                             ? at + DLV_GATE_WINDOW + 1
                             : span;
    dlv_gate_region_open(b->lo + b->win_lo[b->nwin] * b->elem,
                         (b->win_hi[b->nwin] - b->win_lo[b->nwin]) * b->elem);
    b->nwin++;
  }
}

void *dlv_gate_buf_make_named(dlv_gate_case *c, dlv_gate_buf *b, size_t elem,
                              size_t n, ptrdiff_t inc, const char *what)
{
  *b = (dlv_gate_buf){.elem = elem, .n = n, .inc = inc};
  size_t step = dlv_gate_abs_inc(inc);
  /* the span in elements, when its bytes fit size_t with room to spare */
  int fits = n <= 1 || n - 1 <= (SIZE_MAX / 4 / elem - 1) / step;
  size_t span = n == 0 ? 0 : fits ? (n - 1) * step + 1 : 0;
  if (fits && span * elem <= DLV_GATE_DENSE_MAX)
    make_dense(c, b, span, what);
  else if (fits && n <= DLV_GATE_SPARSE_N && span * elem <= DLV_GATE_SPARSE_MAX)
    make_sparse(c, b, span, what);
  else { /* the first byte of a page guard: any read faults */
    b->unreadable = 1;
    b->lo = dlv_gate_region_new(c, 0, 0, what);
  }
  dlv_gate_region *r = &c->allocs[c->nalloc - 1]; /* for fault messages */
  r->span_off = b->guard_lo;
  r->span_bytes = b->span_elems * elem;
  r->elem = elem;
  r->n = n;
  r->inc = inc;
  size_t off[2], len[2];
  for (size_t k = zone_parts(b, off, len); k-- > 0;)
    memset(b->lo + off[k], DLV_GATE_SENTINEL, len[k]);
  b->span = b->lo + b->guard_lo;
  b->at = b->span; /* BLAS strides: the lowest address, either sign */
  if (n == 0 && dlv_gate_enum(c, 2)) /* an empty array may be NULL */
    b->at = NULL;
  return b->at;
}

int dlv_gate_buf_readable(const dlv_gate_buf *b) { return !b->unreadable; }

/* Element i under BLAS's convention, spelled out here from the contract
 * (include/dlv/stride.h), not computed with the kernels' helper, so that
 * the gate checks that helper too: i |inc| from the start for inc > 0,
 * (n - 1 - i) |inc| for inc < 0. */
static unsigned char *elem_ptr(const dlv_gate_buf *b, size_t i)
{
  size_t k = b->inc > 0 ? i : b->n - 1 - i;
  return b->span + k * dlv_gate_abs_inc(b->inc) * b->elem;
}

double dlv_gate_buf_get(const dlv_gate_buf *b, size_t i)
{
  if (b->elem == sizeof(float)) {
    float f;
    memcpy(&f, elem_ptr(b, i), sizeof f);
    return f;
  }
  double d;
  memcpy(&d, elem_ptr(b, i), sizeof d);
  return d;
}

void dlv_gate_buf_set(dlv_gate_buf *b, size_t i, double v)
{
  if (b->elem == sizeof(float)) {
    float f = (float)v;
    memcpy(elem_ptr(b, i), &f, sizeof f);
  } else {
    memcpy(elem_ptr(b, i), &v, sizeof v);
  }
}

void dlv_gate_buf_set_nan(dlv_gate_case *c, dlv_gate_buf *b, size_t i)
{
  if (b->elem == sizeof(float)) {
    uint32_t bits = (uint32_t)dlv_gate_nan_bits(c, 8, 23);
    memcpy(elem_ptr(b, i), &bits, sizeof bits);
  } else {
    uint64_t bits = dlv_gate_nan_bits(c, 11, 52);
    memcpy(elem_ptr(b, i), &bits, sizeof bits);
  }
}

const char *dlv_gate_buf_spoil(dlv_gate_case *c, dlv_gate_buf *b)
{
  static const char *const names[] = {"clean", "a NaN", "an infinity",
                                      "all zero"};
  unsigned k = dlv_gate_enum(c, 4);
  if (b->n == 0 || !dlv_gate_buf_readable(b))
    return "empty";
  size_t at = (size_t)dlv_gate_draw(c, b->n);
  if (k == 1)
    dlv_gate_buf_set_nan(c, b, at);
  else if (k == 2)
    dlv_gate_buf_set(b, at, dlv_gate_draw(c, 2) ? -INFINITY : INFINITY);
  for (size_t i = 0; k == 3 && i < b->n; i++)
    dlv_gate_buf_set(b, i, dlv_gate_draw(c, 2) ? -0.0 : 0.0);
  return names[k];
}

void dlv_gate_buf_fill(dlv_gate_case *c, dlv_gate_buf *b, int vclass)
{
  for (size_t i = 0; i < b->n; i++)
    dlv_gate_buf_set(b, i, dlv_gate_value(c, vclass, b->elem == 4));
}

/* The byte pattern of the decoy in b's element type. */
static void decoy_bytes(const dlv_gate_buf *b, unsigned char *out)
{
  if (b->elem == sizeof(float)) {
    float f = (float)DLV_GATE_DECOY;
    memcpy(out, &f, sizeof f);
  } else {
    double d = DLV_GATE_DECOY;
    memcpy(out, &d, sizeof d);
  }
}

/* Fills the gaps between strided elements with the decoy. */
static void put_decoys(dlv_gate_buf *b)
{
  size_t step = dlv_gate_abs_inc(b->inc);
  unsigned char pattern[sizeof(double)];
  decoy_bytes(b, pattern);
  for (size_t w = 0; w < b->nwin; w++)
    for (size_t e = b->win_lo[w]; e < b->win_hi[w]; e++)
      if (e % step != 0)
        memcpy(b->span + e * b->elem, pattern, b->elem);
  b->decoy = 1;
}

/* The bytes of the existing parts of the zone, in order. */
static size_t parts_bytes(const dlv_gate_buf *b)
{
  size_t off[2], len[2], total = 0;
  for (size_t k = zone_parts(b, off, len); k-- > 0;)
    total += len[k];
  return total;
}

void dlv_gate_buf_freeze(dlv_gate_case *c, dlv_gate_buf *b)
{
  if (b->elem == sizeof(float) || b->elem == sizeof(double))
    put_decoys(b);
  b->snapshot = dlv_gate_alloc(c, parts_bytes(b));
  size_t off[2], len[2], at = 0;
  for (size_t k = 0, np = zone_parts(b, off, len); k < np; at += len[k++])
    memcpy(b->snapshot + at, b->lo + off[k], len[k]);
}

int dlv_gate_buf_unchanged(dlv_gate_case *c, const dlv_gate_buf *b,
                           const char *name)
{
  size_t off[2], len[2], at = 0;
  for (size_t k = 0, np = zone_parts(b, off, len); k < np; at += len[k++])
    for (size_t j = 0; j < len[k]; j++)
      if (b->lo[off[k] + j] != b->snapshot[at + j])
        return dlv_gate_fail(c, "input %s written at byte %td of its span",
                             name,
                             (ptrdiff_t)(off[k] + j) - (ptrdiff_t)b->guard_lo);
  return 1;
}

/* The first byte of the zone that should hold the sentinel and does not,
 * as an offset from the span's start; 0 and *bad = 0 when none. */
static ptrdiff_t first_bad_byte(const dlv_gate_buf *b, int *bad)
{
  size_t step = dlv_gate_abs_inc(b->inc), span_bytes = b->span_elems * b->elem;
  *bad = 1;
  for (size_t k = 0; k < b->guard_lo; k++)
    if (b->lo[k] != DLV_GATE_SENTINEL)
      return (ptrdiff_t)k - (ptrdiff_t)b->guard_lo;
  for (size_t k = 0; k < b->guard_hi; k++)
    if (b->span[span_bytes + k] != DLV_GATE_SENTINEL)
      return (ptrdiff_t)(span_bytes + k);
  unsigned char gap[sizeof(double)];
  if (b->decoy)
    decoy_bytes(b, gap);
  else
    memset(gap, DLV_GATE_SENTINEL, sizeof gap);
  for (size_t w = 0; w < b->nwin; w++)
    for (size_t e = b->win_lo[w]; e < b->win_hi[w]; e++)
      if (e % step != 0)
        for (size_t k = 0; k < b->elem; k++)
          if (b->span[e * b->elem + k] != gap[k])
            return (ptrdiff_t)(e * b->elem + k);
  *bad = 0;
  return 0;
}

int dlv_gate_buf_guards_ok(dlv_gate_case *c, const dlv_gate_buf *b,
                           const char *name)
{
  int bad;
  ptrdiff_t at = first_bad_byte(b, &bad);
  if (!bad)
    return 1;
  return dlv_gate_fail(c, "output %s written out of bounds: byte %td of a "
                          "span of %zu bytes (n %zu, stride %td)",
                       name, at, b->span_elems * b->elem, b->n, b->inc);
}

/* ---- stride magnitudes and declared refusals ----------------------------- */

#define P31 ((ptrdiff_t)1 << 31)
#define P32 ((ptrdiff_t)1 << 32)

/* Strides beyond int range (INT_MAX: the largest an int API takes), the
 * positive ones first; those up to 2^32 + 1 also at n = 2 (sparse). */
static const ptrdiff_t huge_strides[] = {
    INT_MAX, P31, P32, P32 + 1, PTRDIFF_MAX,
    -P31, -P32, -(P32 + 1), PTRDIFF_MIN + 1, PTRDIFF_MIN};
#define HUGE_SPARSE_MAX (P32 + 1)

/* Lengths beyond int range, or spans beyond PTRDIFF_MAX. */
static const dlv_gate_huge huge_lengths[] = {
    {(size_t)1 << 31, 1}, {((size_t)1 << 32) + 1, 1}, {(size_t)1 << 32, P32},
    {SIZE_MAX, 1}, {3, PTRDIFF_MAX}, {((size_t)1 << 62) + 1, -2},
    {2, PTRDIFF_MIN}};

size_t dlv_gate_huge_list(unsigned flags, dlv_gate_huge *out)
{
  int neg = (flags & DLV_CONTRACT_NEG_STRIDE) != 0;
  size_t k = 0;
  for (size_t n = 0; n <= 2; n++)
    for (size_t i = 0; i < sizeof huge_strides / sizeof *huge_strides; i++) {
      ptrdiff_t inc = huge_strides[i];
      if ((inc > 0 || neg) && (n < 2 || (inc <= HUGE_SPARSE_MAX &&
                                         inc >= -HUGE_SPARSE_MAX)))
        out[k++] = (dlv_gate_huge){n, inc};
    }
  for (size_t i = 0; i < sizeof huge_lengths / sizeof *huge_lengths; i++)
    if (huge_lengths[i].inc > 0 || neg)
      out[k++] = huge_lengths[i];
  return k;
}

void dlv_gate_each_huge(dlv_gate_case *c, unsigned flags, int op,
                        int is_float, dlv_gate_huge_fn one, const void *ctx)
{
  dlv_gate_huge v[DLV_GATE_HUGE_MAX];
  size_t nv = dlv_gate_huge_list(flags, v), ran = 0;
  for (size_t k = 0; k < nv && !dlv_gate_failed(c); k++)
    if (op < 0 ||
        dlv_gate_has_caps(op, is_float, dlv_gate_stride_caps(v[k].inc))) {
      dlv_gate_note_clear(c);
      dlv_gate_note(c, "stride magnitude: n %zu, inc %td", v[k].n, v[k].inc);
      one(c, ctx, v[k]);
      ran++;
    }
  if (ran == 0)
    dlv_gate_skip(c, "stride magnitudes: no stride class taken");
}

/* Whether (n - 1)|inc| exceeds PTRDIFF_MAX (stride.h: DLV_EBADLEN). */
static int beyond_contract(const dlv_gate_buf *b)
{
  return b->n > 1 && (size_t)PTRDIFF_MAX / dlv_gate_abs_inc(b->inc) < b->n - 1;
}

/* Whether b lies beyond the declared limits of (op, dtype). */
static int beyond_declared(int op, int is_float, const dlv_gate_buf *b)
{
  if (op < 0)
    return 0; /* no backend operation: dlverify's own contract alone */
  dlv_bk_limits lim = dlv_backend_limits(
      dlv_gate_backend(), op, is_float ? DLV_BK_FLOAT : DLV_BK_DOUBLE);
  return (lim.max_n > 0 && b->n > lim.max_n) ||
         (lim.max_inc > 0 && dlv_gate_abs_inc(b->inc) > lim.max_inc);
}

int dlv_gate_refusal_allowed(int op, int is_float,
                             const dlv_gate_buf *const *vec, size_t nvec)
{
  int allowed = 0;
  for (size_t k = 0; k < nvec; k++) {
    if (beyond_contract(vec[k]))
      return 2;
    if (beyond_declared(op, is_float, vec[k]))
      allowed = 1;
  }
  return allowed;
}

static int any_unreadable(const dlv_gate_buf *const *vec, size_t nvec)
{
  for (size_t k = 0; k < nvec; k++)
    if (vec[k]->unreadable)
      return 1;
  return 0;
}

int dlv_gate_huge_runnable(dlv_gate_case *c, int op, int is_float,
                           const dlv_gate_buf *const *vec, size_t nvec)
{
  if (!any_unreadable(vec, nvec) ||
      dlv_gate_refusal_allowed(op, is_float, vec, nvec))
    return 1;
  dlv_gate_note(c, "n %zu, stride %td passed over: no refusal declared, and "
                   "a result needs elements no buffer holds",
                vec[0]->n, vec[0]->inc);
  return 0;
}

int dlv_gate_refusal(dlv_gate_case *c, int op, int is_float, int status,
                     const dlv_gate_buf *const *vec, size_t nvec,
                     const dlv_gate_buf *const *out, size_t nout)
{
  int allowed = dlv_gate_refusal_allowed(op, is_float, vec, nvec);
  if (status == DLV_EBADLEN && allowed) {
    for (size_t k = 0; k < nout; k++)
      dlv_gate_buf_unchanged(c, out[k], "output on a refusal");
    return 1;
  }
  if (status == DLV_EBADLEN)
    return dlv_gate_fail(c, "status DLV_EBADLEN: a refusal the contract and "
                            "the backend's declared limits do not allow "
                            "(n %zu, stride %td)",
                         vec[0]->n, vec[0]->inc) + 1;
  if (allowed == 2 || any_unreadable(vec, nvec))
    return dlv_gate_fail(c, "status %d (%s), expected DLV_EBADLEN: %s (n %zu, "
                            "stride %td), so no result can be right",
                         status, dlv_strerror(status),
                         allowed == 2 ? "(n - 1)|inc| exceeds PTRDIFF_MAX"
                                      : "beyond the declared limits, and "
                                        "no element is readable",
                         vec[0]->n, vec[0]->inc) + 1;
  return 0;
}

/* ---- argument errors of a strided vector entry --------------------------- */

/* Single errors, then (two vectors) two at once of different codes, x's
 * and g's: the kernels check their arguments in order (x, then g) and
 * return the first error (stride.h, strided.h). */
enum {
  ARG_NULL_X,
  ARG_NULL_OUT,
  ARG_ZERO_INCX,
  ARG_ZERO_INCG,
  ARG_X_SPAN_G_ZERO, /* x's span beyond ptrdiff_t, incg 0: DLV_EBADLEN */
  ARG_X_ZERO_G_SPAN, /* incx 0, g's span beyond ptrdiff_t: DLV_EINVAL */
  ARG_N
};
static const char *const arg_name[ARG_N] = {
    "x NULL (n > 0)", "output NULL", "incx 0", "incg 0",
    "x's span beyond ptrdiff_t and incg 0 (x's error first)",
    "incx 0 and g's span beyond ptrdiff_t (x's error first)"};
/* n and a stride whose span (n - 1) |inc| = 2^63 exceeds PTRDIFF_MAX */
#define ARG_SPAN_N 3
#define ARG_SPAN_INC ((ptrdiff_t)1 << 62)

static ptrdiff_t arg_incx(unsigned kind)
{
  return kind == ARG_ZERO_INCX || kind == ARG_X_ZERO_G_SPAN ? 0
         : kind == ARG_X_SPAN_G_ZERO                        ? ARG_SPAN_INC
                                                            : 1;
}

static ptrdiff_t arg_incg(unsigned kind)
{
  return kind == ARG_ZERO_INCG || kind == ARG_X_SPAN_G_ZERO ? 0
         : kind == ARG_X_ZERO_G_SPAN                        ? ARG_SPAN_INC
                                                            : 1;
}

void dlv_gate_vec_arg_error(dlv_gate_case *c, size_t elem, size_t out_elem,
                            int two_vectors, dlv_gate_vec_call *call,
                            const void *ctx)
{
  unsigned kind = dlv_gate_enum(c, two_vectors ? ARG_N : ARG_ZERO_INCG);
  size_t n = kind == ARG_ZERO_INCX || kind == ARG_ZERO_INCG
                 ? (size_t)dlv_gate_draw(c, 4)
             : kind >= ARG_X_SPAN_G_ZERO ? ARG_SPAN_N
                                         : 1 + (size_t)dlv_gate_draw(c, 8);
  dlv_gate_buf x, out;
  dlv_gate_buf_make(c, &x, elem, n, 1);
  const char *data = "16-bit elements as made (the sentinel: NaN)";
  if (elem == sizeof(float) || elem == sizeof(double)) {
    dlv_gate_buf_fill(c, &x, DLV_GV_UNIT);
    data = dlv_gate_buf_spoil(c, &x);
  }
  dlv_gate_buf_freeze(c, &x);
  dlv_gate_buf_make(c, &out, out_elem, two_vectors ? n : 1, 1);
  dlv_gate_buf_freeze(c, &out);
  dlv_gate_note(c, "argument error: %s, n %zu, x %s", arg_name[kind], n, data);
  int st = call(ctx, n, kind == ARG_NULL_X ? NULL : x.at, arg_incx(kind),
                kind == ARG_NULL_OUT ? NULL : out.at, arg_incg(kind));
  dlv_gate_cmp_status(c, "status", st,
                      kind == ARG_X_SPAN_G_ZERO ? DLV_EBADLEN : DLV_EINVAL);
  dlv_gate_buf_unchanged(c, &out, "output on error");
  dlv_gate_buf_guards_ok(c, &out, "output");
  dlv_gate_buf_unchanged(c, &x, "x");
}

/* ---- the span limit at its edge ------------------------------------------ */

#define PD_MAX ((size_t)PTRDIFF_MAX)
_Static_assert(PTRDIFF_MAX % 49 == 0, "7 and 49 divide the span limit");

static const dlv_gate_span span_edges[] = {
    {2, PTRDIFF_MAX, 1},         {PD_MAX / 7 + 1, 7, 1},
    {PD_MAX / 49 + 1, 49, 1},    {PD_MAX + 1, 1, 1},
    {2, -PTRDIFF_MAX, 1},        {PD_MAX / 7 + 1, -7, 1},
    {PD_MAX + 1, -1, 1},         {2, PTRDIFF_MIN, 0},
    {3, (ptrdiff_t)1 << 62, 0},  {PD_MAX / 7 + 2, 7, 0},
    {PD_MAX / 49 + 2, -49, 0},   {PD_MAX + 2, 1, 0},
    {PD_MAX + 2, -1, 0}};

void dlv_gate_each_span_edge(dlv_gate_case *c, unsigned flags, int nargs,
                             dlv_gate_span_fn *fn, const void *ctx,
                             const dlv_gate_held *held, size_t nheld)
{
  int neg = (flags & DLV_CONTRACT_NEG_STRIDE) != 0;
  size_t ran = 0;
  for (int arg = 0; arg < nargs; arg++)
    for (size_t k = 0; k < sizeof span_edges / sizeof *span_edges &&
                       !dlv_gate_failed(c);
         k++) {
      dlv_gate_span e = span_edges[k];
      int later = 0;
      if (e.inc < 0 && !neg)
        continue;
      dlv_gate_note_clear(c);
      dlv_gate_note(c, "span edge: argument %d at n %zu, inc %td: "
                       "(n - 1)|inc| %s PTRDIFF_MAX",
                    arg, e.n, e.inc, e.admitted ? "=" : ">");
      int status = fn(ctx, arg, e, &later);
      if (later < 0)
        continue;
      ran++;
      dlv_gate_cmp_status(c, e.admitted ? "status (span admitted: the "
                                          "later error's)"
                                        : "status (span beyond ptrdiff_t)",
                          status, e.admitted ? later : DLV_EBADLEN);
    }
  for (size_t i = 0; i < nheld; i++) {
    dlv_gate_buf_unchanged(c, held[i].buf, held[i].name);
    dlv_gate_buf_guards_ok(c, held[i].buf, held[i].name);
  }
  if (ran == 0)
    dlv_gate_skip(c, "span edges: no later error observable");
}

/* ---- notes and failures -------------------------------------------------- */

static void append(char *dst, size_t size, const char *sep, const char *fmt,
                   va_list ap)
{
  size_t len = strlen(dst);
  if (len > 0 && len + strlen(sep) < size) {
    strcpy(dst + len, sep);
    len += strlen(sep);
  }
  if (len < size)
    vsnprintf(dst + len, size - len, fmt, ap);
}

void dlv_gate_note(dlv_gate_case *c, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  append(c->note, sizeof c->note, "; ", fmt, ap);
  va_end(ap);
}

void dlv_gate_note_clear(dlv_gate_case *c) { c->note[0] = '\0'; }

int dlv_gate_fail(dlv_gate_case *c, const char *fmt, ...)
{
  if (!c->failed) {
    va_list ap;
    va_start(ap, fmt);
    c->msg[0] = '\0';
    append(c->msg, sizeof c->msg, "", fmt, ap);
    va_end(ap);
    c->failed = 1;
  }
  return 0;
}

int dlv_gate_failed(const dlv_gate_case *c) { return c->failed; }

/* ---- the comparator ----------------------------------------------------- */

/* Keeps the entry's worst err/bound and where it was seen. */
static void note_ratio(dlv_gate_case *c, const char *what, size_t i,
                       double ratio)
{
  if (c->stats != NULL && ratio > c->stats->worst_ratio) {
    c->stats->worst_ratio = ratio;
    snprintf(c->stats->worst_where, sizeof c->stats->worst_where,
             "case %lu, %s[%zu] (%s)", c->index, what, i, c->note);
  }
}

/* Whether the infinity got is right for exact within b (ulp.h's overflow
 * rule), b evaluated at |exact| rounded up. */
static int infinity_allowed(double got, mpfr_srcptr exact, dlv_bound b,
                            int is_float)
{
  mpfr_t a;
  mpfr_init2(a, mpfr_get_prec(exact));
  mpfr_abs(a, exact, MPFR_RNDN);
  double bound = dlv_bound_at(b, mpfr_get_d(a, MPFR_RNDU));
  mpfr_clear(a);
  return dlv_infinity_allowed(got, exact, bound,
                              is_float ? FLT_MANT_DIG : DBL_MANT_DIG);
}

/* Special values: 1 when decided (*ok set), 0 when both are finite. */
static int special_decided(double got, mpfr_srcptr exact, dlv_bound b,
                           int is_float, int *ok)
{
  if (mpfr_nan_p(exact) || isnan(got)) {
    *ok = mpfr_nan_p(exact) && isnan(got);
    return 1;
  }
  if (isinf(got)) {
    *ok = infinity_allowed(got, exact, b, is_float);
    return 1;
  }
  if (mpfr_inf_p(exact)) {
    *ok = 0;
    return 1;
  }
  return 0;
}

int dlv_gate_cmp_mp(dlv_gate_case *c, const char *what, size_t i, double got,
                    mpfr_srcptr exact, dlv_bound b, int is_float)
{
  int ok;
  if (special_decided(got, exact, b, is_float, &ok)) {
    if (!ok)
      dlv_gate_fail(c, "%s[%zu] = %.17g, exact %.17g", what, i, got,
                    mpfr_get_d(exact, MPFR_RNDN));
    return ok;
  }
  /* |exact - got| is compared with the bound in MPFR: an error below the
   * smallest subnormal must not round up to it (which made err/bound read
   * exactly 1 against a bound of 2^-1074). */
  double ex = mpfr_get_d(exact, MPFR_RNDN);
  double bound = dlv_bound_at(b, fabs(ex));
  /* mpfr_cmp_d against NaN returns 0: every output would pass */
  if (isnan(bound))
    return dlv_gate_fail(c, "%s[%zu]: bound NaN (rel %g, abs %g)", what, i,
                         b.rel, b.abs);
  mpfr_t diff;
  mpfr_init2(diff, mpfr_get_prec(exact) + 64);
  mpfr_sub_d(diff, exact, got, MPFR_RNDN);
  mpfr_abs(diff, diff, MPFR_RNDN);
  double err = mpfr_get_d(diff, MPFR_RNDU);
  ok = mpfr_cmp_d(diff, bound) <= 0;
  if (bound > 0)
    mpfr_div_d(diff, diff, bound, MPFR_RNDU);
  double ratio = mpfr_zero_p(diff) ? 0 : bound > 0 ? mpfr_get_d(diff, MPFR_RNDU)
                                                   : INFINITY;
  mpfr_clear(diff);
  note_ratio(c, what, i, ratio);
  if (!ok)
    dlv_gate_fail(c, "%s[%zu] = %.17g (%a), exact %.17g (%a): err %.3g > "
                     "bound %.3g (rel %.3g, abs %.3g)",
                  what, i, got, got, ex, ex, err, bound, b.rel, b.abs);
  return ok;
}

int dlv_gate_cmp_d(dlv_gate_case *c, const char *what, size_t i, double got,
                   double exact, dlv_bound b, int is_float)
{
  mpfr_t e;
  mpfr_init2(e, DBL_MANT_DIG);
  mpfr_set_d(e, exact, MPFR_RNDN);
  int ok = dlv_gate_cmp_mp(c, what, i, got, e, b, is_float);
  mpfr_clear(e);
  return ok;
}

int dlv_gate_cmp_same(dlv_gate_case *c, const char *what, size_t i,
                      double got, double expected)
{
  if ((isnan(got) && isnan(expected)) ||
      memcmp(&got, &expected, sizeof got) == 0) {
    note_ratio(c, what, i, 0);
    return 1;
  }
  return dlv_gate_fail(c, "%s[%zu] = %.17g (%a), expected bitwise %.17g (%a)",
                       what, i, got, got, expected, expected);
}

int dlv_gate_cmp_status(dlv_gate_case *c, const char *what, int got,
                        int expected)
{
  if (got == expected)
    return 1;
  return dlv_gate_fail(c, "%s: %d (%s), expected %d (%s)", what, got,
                       dlv_strerror(got), expected, dlv_strerror(expected));
}
