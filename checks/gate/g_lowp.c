/* g_lowp.c: gate family lowp: the bf16/fp16 kernels of kernels/lowp.h
 * against their MPFR twins (reference/ref_lowp.h, ref_adam.h) over the
 * contract: every stride class (input and output strides apart, in
 * place), every tail modulo the blocking constants (block, lane step,
 * lanes; the Adam chunk) and extents across them, each documented limit
 * exactly and one ulp OF THE FORMAT either side (the largest finite entry,
 * whose next is Inf; the naive norm's overflowing entry; Adam's gmax),
 * value classes drawn on the format's own fields (subnormals of each
 * format included), special values, bad hyperparameters, guard zones, and
 * both code paths (AVX512-BF16 and portable) bitwise equal.  The norms
 * also bitwise: equal to lowp.h's algorithm written from its text
 * (norm_model: blocks, scaling, lanes, tree, double across blocks), and a
 * strided vector's norm equal to its contiguous copy's at stride 1.
 * Bounds: checks/bounds_lowp.h (and dlv_bound_adam_elem for the float part
 * of Adam). */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "adam.h"
#include "bounds_lowp.h"
#include "contract.h"
#include "dlv_status.h"
#include "gate.h"
#include "stride.h"
#include "lowp.h"
#include "mp.h"
#include "ref_adam.h"
#include "ref_lowp.h"
#include "threads.h"
#include "gate_lowp.h"

/* ---- 16-bit buffers and format values ------------------------------------ */

/* Element i of a guarded buffer of 16-bit patterns (the gate's buffers
 * hold 4- and 8-byte values; the span and guards do not depend on it). */
static uint16_t *at16(const dlv_gate_buf *b, size_t i)
{
  return (uint16_t *)b->at + dlv_stride_offset(b->n, b->inc, i);
}
static uint16_t get16(const dlv_gate_buf *b, size_t i) { return *at16(b, i); }
static void set16(dlv_gate_buf *b, size_t i, uint16_t v) { *at16(b, i) = v; }

typedef struct {
  unsigned frac_bits, inf_field; /* fraction bits, exponent field of Inf */
  int bias;
} format_info;

static format_info info_of(int fmt)
{
  return fmt == DLV_REF_BF16 ? (format_info){7, 255, 127}
                             : (format_info){10, 31, 15};
}

static uint16_t make_bits(int fmt, int negative, unsigned field, unsigned frac)
{
  format_info f = info_of(fmt);
  return (uint16_t)((negative ? 0x8000u : 0u) | field << f.frac_bits | frac);
}

static double decode(int fmt, uint16_t b) { return dlv_ref_lowp_decode(b, fmt); }

/* A value of a class, drawn on the format's fields (0 draws give the
 * simplest value: +0, the smallest exponent of the class, or max). */
static uint16_t lowp_value(dlv_gate_case *c, int vclass, int fmt)
{
  format_info f = info_of(fmt);
  if (vclass == DLV_GV_MIXED)
    vclass = (int)dlv_gate_draw(c, DLV_GV_MIXED);
  int neg = (int)dlv_gate_draw(c, 2);
  unsigned frac = (unsigned)dlv_gate_draw(c, 1u << f.frac_bits);
  unsigned top = f.inf_field - 1;
  switch (vclass) {
  case DLV_GV_EXACT: {
    mpfr_t t;
    mpfr_init2(t, 16);
    mpfr_set_si(t, (long)dlv_gate_draw(c, 16) * (neg ? -1 : 1), MPFR_RNDN);
    uint16_t b = dlv_ref_lowp_round(t, fmt);
    mpfr_clear(t);
    return b;
  }
  case DLV_GV_UNIT:
    return make_bits(fmt, neg, (unsigned)(f.bias - 8) +
                                   (unsigned)dlv_gate_draw(c, 12), frac);
  case DLV_GV_WIDE:
    return make_bits(fmt, neg, 1u + (unsigned)dlv_gate_draw(c, top), frac);
  case DLV_GV_SUBNORMAL:
    return make_bits(fmt, neg, 0, frac);
  default: /* huge: the top 4 binades, max first */
    return make_bits(fmt, neg, top - (unsigned)dlv_gate_draw(c, 4),
                     (1u << f.frac_bits) - 1u - frac);
  }
}

uint16_t dlv_gate_lowp_value(dlv_gate_case *c, int vclass, int fmt)
{
  return lowp_value(c, vclass, fmt);
}

uint16_t dlv_gate_lowp_nan(dlv_gate_case *c, int fmt)
{
  format_info f = info_of(fmt);
  unsigned ebits = fmt == DLV_REF_BF16 ? 8 : 5;
  return (uint16_t)dlv_gate_nan_bits(c, ebits, f.frac_bits);
}

/* A limit exactly, one format ulp below or above (positive limits). */
static uint16_t lowp_limit(dlv_gate_case *c, double limit, int fmt,
                           int *which)
{
  mpfr_t t;
  mpfr_init2(t, 64);
  mpfr_set_d(t, limit, MPFR_RNDN);
  uint16_t b = dlv_ref_lowp_round(t, fmt); /* exact: limits are values */
  mpfr_clear(t);
  unsigned k = dlv_gate_enum(c, 3);
  *which = k == 0 ? 0 : k == 1 ? -1 : 1;
  return (uint16_t)(b + *which);
}

/* ---- the norms ----------------------------------------------------------- */

typedef struct {
  const dlv_contract *k;
  int fmt;
} lowp_entry;

static lowp_entry entry_of(const char *name, int fmt)
{
  return (lowp_entry){dlv_contract_find(name), fmt};
}

enum {
  DATA_CLASS,
  DATA_LIMIT,
  DATA_SPECIAL,
  DATA_ROUNDING,
  DATA_HUGE, /* the stride-magnitude class (gate.h) */
  DATA_NSCENARIOS
};

static void fill_limit(dlv_gate_case *c, const lowp_entry *e, dlv_gate_buf *x)
{
  size_t nl = dlv_contract_nlimits(e->k);
  const dlv_contract_limit *lim =
      &e->k->limits[dlv_gate_enum(c, (unsigned)nl)];
  int which;
  uint16_t v = lowp_limit(c, lim->value, e->fmt, &which);
  size_t pos = (size_t)dlv_gate_draw(c, x->n);
  /* the others: 0, or values of one class (the limit entry dominates) */
  int others = (int)dlv_gate_draw(c, 2);
  for (size_t i = 0; i < x->n; i++)
    set16(x, i, others ? lowp_value(c, DLV_GV_UNIT, e->fmt) : 0);
  set16(x, pos, (uint16_t)(v | (dlv_gate_draw(c, 2) ? 0x8000u : 0u)));
  dlv_gate_note(c, "limit %s %s one ulp (%a) at %zu%s", lim->name,
                which == 0 ? "exactly, not" : which < 0 ? "minus" : "plus",
                decode(e->fmt, v), pos, others ? ", others unit" : "");
}

static void fill_special(dlv_gate_case *c, const lowp_entry *e,
                         dlv_gate_buf *x)
{
  static const char *const kinds[] = {"Inf", "NaN", "Inf and NaN", "-Inf"};
  format_info f = info_of(e->fmt);
  unsigned k = dlv_gate_enum(c, 4);
  for (size_t i = 0; i < x->n; i++)
    set16(x, i, lowp_value(c, DLV_GV_UNIT, e->fmt));
  size_t a = (size_t)dlv_gate_draw(c, x->n), b = (size_t)dlv_gate_draw(c, x->n);
  uint16_t inf = make_bits(e->fmt, k == 3, f.inf_field, 0);
  set16(x, a, k == 1 ? dlv_gate_lowp_nan(c, e->fmt) : inf);
  if (k == 2 && b != a)
    set16(x, b, dlv_gate_lowp_nan(c, e->fmt));
  dlv_gate_note(c, "special: %s", kinds[k]);
}

/* x >= 0 (normal) rounded to p significant bits, ties to even: the
 * harness's own model of a format's rounding, for choosing data. */
static double round_bits(double x, int p)
{
  if (x == 0.0)
    return 0.0;
  int e = ilogb(x);
  return ldexp(nearbyint(ldexp(x, p - 1 - e)), e - (p - 1));
}

/* The naive norm of (1, y) in p-bit arithmetic (naive_norm's model:
 * sqrt(fl(1 + fl(y^2)))), each square rounded, or not. */
static double naive_pair(double y, int p, int square_rounded)
{
  double sq = square_rounded ? round_bits(y * y, p) : y * y;
  return round_bits(sqrt(round_bits(1.0 + sq, p)), p);
}

/* A y = 1 + j 2^(1-p) in [1, 2) (fraction field j) for which the naive
 * norm of (1, y) differs when its square is left unrounded (a fused
 * square): one of those the search finds, drawn (bf16 has 9, fp16 90). */
static unsigned double_rounding_fraction(dlv_gate_case *c, format_info f)
{
  int p = (int)f.frac_bits + 1;
  unsigned found[1024], k = 0;
  for (unsigned j = 1; j < 1u << f.frac_bits && k < 1024; j++) {
    double y = 1.0 + ldexp((double)j, 1 - p);
    if (naive_pair(y, p, 1) != naive_pair(y, p, 0))
      found[k++] = j;
  }
  if (k == 0)
    abort(); /* the model's search: none for this format */
  return found[dlv_gate_draw(c, k)];
}

/* Rounding-heavy data, four kinds (one helper each; the draws are made
 * in the order written, one statement each, so that a case replays alike
 * under any compiler). */

/* x_1 = +-1 (x_0 when n = 1): the entry that sets the scale. */
static void set_unit_entry(dlv_gate_case *c, int fmt, dlv_gate_buf *x)
{
  if (x->n == 0)
    return;
  int negative = (int)dlv_gate_draw(c, 2);
  set16(x, x->n > 1 ? 1 : 0,
        make_bits(fmt, negative, (unsigned)info_of(fmt).bias, 0));
}

/* float: the others t = 2^-12 (1 + 2^(1-p)), so t^2 is just above half an
 * ulp of a float sum in [1, 2): each of lane 0's later steps rounds up by
 * almost half an ulp, the worst case gamma_K counts (tightness). */
static void rounding_float(dlv_gate_case *c, int fmt, dlv_gate_buf *x)
{
  format_info f = info_of(fmt);
  for (size_t i = 0; i < x->n; i++)
    set16(x, i, make_bits(fmt, 0, (unsigned)(f.bias - 12), 1));
  set_unit_entry(c, fmt, x);
}

/* format: the others in [1, 2) with random p-bit significands: every
 * square (2p bits) rounds to the format with an error comparable to the
 * ulp of the naive norm's partial sums, so a square left unrounded may
 * show. */
static void rounding_format(dlv_gate_case *c, int fmt, dlv_gate_buf *x)
{
  format_info f = info_of(fmt);
  for (size_t i = 0; i < x->n; i++) {
    unsigned frac = (unsigned)dlv_gate_draw(c, 1u << f.frac_bits);
    set16(x, i, make_bits(fmt, 0, (unsigned)f.bias, frac));
  }
  set_unit_entry(c, fmt, x);
}

/* double rounding: x_0 = +-1, x_1 = +-y (y from double_rounding_fraction),
 * the others 0: the naive norm is then sure to differ when its square is
 * left unrounded (random format data showed it in about 1 case of 400).
 * n = 1: x_0 = +-1. */
static void rounding_double(dlv_gate_case *c, int fmt, dlv_gate_buf *x)
{
  format_info f = info_of(fmt);
  for (size_t i = 0; i < x->n; i++)
    set16(x, i, 0u);
  if (x->n < 2) {
    set_unit_entry(c, fmt, x);
    return;
  }
  int neg0 = (int)dlv_gate_draw(c, 2);
  set16(x, 0, make_bits(fmt, neg0, (unsigned)f.bias, 0));
  unsigned frac = double_rounding_fraction(c, f);
  int neg1 = (int)dlv_gate_draw(c, 2);
  set16(x, 1, make_bits(fmt, neg1, (unsigned)f.bias, frac));
}

/* subnormal squares: every x_i in [2^e, 2^(e+1)) with e drawn so that
 * x_i^2 lies in the format's subnormal range, [2^(emin - f), 2^emin)
 * (f fraction bits): a square or partial sum rounded to the format with a
 * wrong emin (a subnormal spacing off by a factor 2) shows.  x's
 * exponents lo .. hi, lo = ceil((emin - f) / 2), hi = floor((emin - 1) /
 * 2) (emin - 1 odd in both formats: (emin - 2) / 2 divides exactly). */
static void rounding_subnormal_squares(dlv_gate_case *c, int fmt,
                                       dlv_gate_buf *x)
{
  format_info f = info_of(fmt);
  int fb = (int)f.frac_bits, emin = 1 - f.bias;
  int lo = -((fb - emin) / 2), hi = (emin - 2) / 2;
  for (size_t i = 0; i < x->n; i++) {
    unsigned frac = (unsigned)dlv_gate_draw(c, 1u << f.frac_bits);
    int ex = lo + (int)dlv_gate_draw(c, (unsigned)(hi - lo + 1));
    int negative = (int)dlv_gate_draw(c, 2);
    set16(x, i, make_bits(fmt, negative, (unsigned)(f.bias + ex), frac));
  }
}

static void fill_rounding(dlv_gate_case *c, const lowp_entry *e,
                          dlv_gate_buf *x)
{
  static const struct {
    const char *name;
    void (*fill)(dlv_gate_case *, int, dlv_gate_buf *);
  } kinds[] = {{"float", rounding_float},
               {"format", rounding_format},
               {"double rounding", rounding_double},
               {"subnormal squares", rounding_subnormal_squares}};
  unsigned kind = dlv_gate_enum(c, sizeof kinds / sizeof kinds[0]);
  kinds[kind].fill(c, e->fmt, x);
  dlv_gate_note(c, "rounding-heavy data (%s)", kinds[kind].name);
}

/* Subnormal data confined below a drawn binade: the block scale follows
 * the block's largest entry, and uniform fraction bits put that entry in
 * the top subnormal binade in all but 2^-n of the blocks, so every scale
 * exponent down to the smallest subnormal's (bf16: 2^-133, whose inverse
 * is no float) is reached only when the whole vector lies below
 * 2^(emin - s), s in [0, fraction bits) drawn (0: no confinement).
 * Returns s for the subnormal class, 0 for the others. */
static unsigned subnormal_binade(dlv_gate_case *c, int vclass, int fmt)
{
  if (vclass != DLV_GV_SUBNORMAL)
    return 0;
  unsigned s = (unsigned)dlv_gate_draw(c, info_of(fmt).frac_bits);
  dlv_gate_note(c, "subnormals below 2^(emin - %u)", s);
  return s;
}

/* The pattern b with its magnitude shifted right by s bits (a subnormal
 * stays subnormal; s = 0 leaves b alone). */
static uint16_t confine(uint16_t b, unsigned s)
{
  return (uint16_t)((b & 0x8000u) | (unsigned)(b & 0x7fffu) >> s);
}

/* Draws x (frozen: an input).  Returns DATA_HUGE, with nothing made, for
 * the stride-magnitude class (its cases make their own vectors). */
static int make_input(dlv_gate_case *c, const lowp_entry *e, dlv_gate_buf *x,
                      size_t min_n)
{
  size_t blocks[DLV_CONTRACT_MAX_BLOCKS];
  size_t nb = dlv_contract_block_sizes(e->k, blocks);
  int scenario = (int)dlv_gate_enum(c, DATA_NSCENARIOS);
  if (scenario == DATA_HUGE &&
      dlv_gate_periodic(c, DLV_GATE_HUGE_PERIOD, 2 * DATA_NSCENARIOS))
    return DATA_HUGE;
  if (scenario == DATA_HUGE)
    scenario = DATA_CLASS; /* the class runs once per period */
  int many = scenario == DATA_CLASS || scenario == DATA_ROUNDING;
  size_t n = dlv_gate_extent(c, blocks, nb, many ? min_n : 1,
                             4 * DLV_LOWP_NRM2_BLOCK);
  ptrdiff_t inc = dlv_gate_stride(c, e->k->flags);
  dlv_gate_buf_make(c, x, sizeof(uint16_t), n, inc);
  if (scenario == DATA_LIMIT) {
    fill_limit(c, e, x);
  } else if (scenario == DATA_SPECIAL) {
    fill_special(c, e, x);
  } else if (scenario == DATA_ROUNDING) {
    fill_rounding(c, e, x);
  } else {
    int vclass = dlv_gate_vclass(c);
    unsigned below = subnormal_binade(c, vclass, e->fmt);
    for (size_t i = 0; i < n; i++)
      set16(x, i, confine(lowp_value(c, vclass, e->fmt), below));
    dlv_gate_note(c, "values %s", dlv_gate_vclass_name(vclass));
  }
  dlv_gate_note(c, "n %zu, incx %td", n, inc);
  dlv_gate_buf_freeze(c, x);
  return scenario;
}

/* A vector of the stride-magnitude class: unit values where readable. */
static void make_huge(dlv_gate_case *c, const lowp_entry *e, dlv_gate_buf *x,
                      dlv_gate_huge h)
{
  dlv_gate_buf_make(c, x, sizeof(uint16_t), h.n, h.inc);
  for (size_t i = 0; dlv_gate_buf_readable(x) && i < h.n; i++)
    set16(x, i, lowp_value(c, DLV_GV_UNIT, e->fmt));
  dlv_gate_buf_freeze(c, x);
}

/* x as contiguous patterns, for the twins (independent of the stride). */
static uint16_t *contiguous(dlv_gate_case *c, const dlv_gate_buf *x)
{
  uint16_t *d = dlv_gate_alloc(c, (x->n + 1) * sizeof *d);
  for (size_t i = 0; i < x->n; i++)
    d[i] = get16(x, i);
  return d;
}

/* The entry of e: the norm (naive or not) or the gradient (grad, whose
 * output out is g at stride incg; the norms ignore incg). */
static int call16(const lowp_entry *e, int grad, int naive, size_t n,
                  const void *x, ptrdiff_t incx, void *out, ptrdiff_t incg)
{
  int bf = e->fmt == DLV_REF_BF16;
  if (grad)
    return bf ? dlv_nrm2_grad_bf16(n, x, incx, out, incg)
              : dlv_nrm2_grad_fp16(n, x, incx, out, incg);
  if (naive)
    return bf ? dlv_nrm2_bf16_naive(n, x, incx, out)
              : dlv_nrm2_fp16_naive(n, x, incx, out);
  return bf ? dlv_nrm2_bf16(n, x, incx, out) : dlv_nrm2_fp16(n, x, incx, out);
}

static int call_norm(const lowp_entry *e, int naive, const dlv_gate_buf *x,
                     float *res)
{
  return call16(e, 0, naive, x->n, x->at, x->inc, res, 1);
}

/* ---- arguments the contract refuses (lowp.h, stride.h) ------------------ */

/* One case in ARG_PERIOD is an argument error (dlv_gate_vec_arg_error),
 * one such case in four the span at its edge (dlv_gate_each_span_edge). */
enum { ARG_PERIOD = 8 };

typedef struct {
  const lowp_entry *e;
  int grad, naive;
  dlv_gate_buf x, out;
} arg_ctx;

static int call_vec(const void *ctx, size_t n, const void *x, ptrdiff_t incx,
                    void *out, ptrdiff_t incg)
{
  const arg_ctx *k = ctx;
  return call16(k->e, k->grad, k->naive, n, x, incx, out, incg);
}

/* x (argument 0) at the edge: the later error is the norms' NULL result
 * or the gradient's g stride 0 (x is checked before g); g (argument 1)
 * at the edge, x valid: one past it only (an admitted g has no later
 * error, and the kernel would then read x and write g). */
static int span_call(const void *ctx, int arg, dlv_gate_span s, int *later)
{
  const arg_ctx *k = ctx;
  if (arg == 1 && s.admitted) {
    *later = -1;
    return DLV_OK;
  }
  *later = DLV_EINVAL;
  if (arg == 0)
    return call16(k->e, k->grad, k->naive, s.n, k->x.at, s.inc,
                  k->grad ? k->out.at : NULL, 0);
  return call16(k->e, 1, 0, s.n, k->x.at, 1, k->out.at, s.inc);
}

static void arg_case(dlv_gate_case *c, const lowp_entry *e, int grad,
                     int naive)
{
  arg_ctx k = {.e = e, .grad = grad, .naive = naive};
  size_t out_elem = grad ? sizeof(uint16_t) : sizeof(float);
  if (dlv_gate_enum(c, 4) != 0) {
    dlv_gate_vec_arg_error(c, sizeof(uint16_t), out_elem, grad, call_vec,
                           &k);
    return;
  }
  dlv_gate_buf_make(c, &k.x, sizeof(uint16_t), 1, 1);
  set16(&k.x, 0, 0x3f80u); /* 1 in bf16; 1.875 in fp16 */
  dlv_gate_buf_make(c, &k.out, out_elem, 1, 1);
  dlv_gate_buf_freeze(c, &k.x);
  dlv_gate_buf_freeze(c, &k.out);
  dlv_gate_held held[] = {{&k.out, "output"}, {&k.x, "x"}};
  dlv_gate_each_span_edge(c, e->k->flags, grad ? 2 : 1, span_call, &k, held,
                          2);
}

/* Runs the other code path too: same status and bits (the portable path
 * emulates vdpbf16ps).  Leaves the default path selected. */
static void other_path_same(dlv_gate_case *c, const lowp_entry *e, int naive,
                            const dlv_gate_buf *x, int status, float got)
{
  int dflt = dlv_lowp_isa();
  if (dlv_lowp_set_isa(!dflt) == dflt) /* no other path on this CPU */
    return;
  float other = NAN;
  int st = call_norm(e, naive, x, &other);
  dlv_lowp_set_isa(dflt);
  if (dlv_gate_cmp_status(c, "status on the other path", st, status) &&
      status == DLV_OK)
    dlv_gate_cmp_same(c, "norm on the other path", 0, other, got);
}

/* lowp.h's algorithm for the norm, written from its text: blocks of
 * DLV_LOWP_NRM2_BLOCK entries in element order; each scaled by 2^-E, E
 * the exponent of its largest magnitude; lane l of each step of
 * DLV_LOWP_NRM2_STEP entries takes entries 2l and 2l + 1 through the
 * vdpbf16ps steps' model (dlv_dot2_model_f32, which t_bf16_dot holds to
 * the instruction; zeros past the block's end); the lanes added by a
 * pairwise tree in float; the block sums times 2^(2E) added left to
 * right in double; sqrt in double, rounded once to float.  x holds n
 * finite entries, contiguous. */
static float norm_model(const uint16_t *x, size_t n, int fmt)
{
  double total = 0.0;
  for (size_t i0 = 0; i0 < n; i0 += DLV_LOWP_NRM2_BLOCK) {
    size_t m = n - i0 < DLV_LOWP_NRM2_BLOCK ? n - i0 : DLV_LOWP_NRM2_BLOCK;
    double top = 0.0, v[DLV_LOWP_NRM2_BLOCK + DLV_LOWP_NRM2_STEP] = {0};
    for (size_t i = 0; i < m; i++) {
      v[i] = dlv_ref_lowp_decode(x[i0 + i], fmt);
      top = fmax(top, fabs(v[i]));
    }
    if (top == 0.0)
      continue;
    int e;
    frexp(top, &e); /* 2^(e-1) <= top < 2^e */
    float lane[DLV_LOWP_NRM2_LANES] = {0};
    for (size_t c = 0; c < m; c += DLV_LOWP_NRM2_STEP)
      for (size_t l = 0; l < DLV_LOWP_NRM2_LANES; l++) {
        float y0 = (float)ldexp(v[c + 2 * l], 1 - e);
        float y1 = (float)ldexp(v[c + 2 * l + 1], 1 - e);
        lane[l] = dlv_dot2_model_f32(lane[l], y0, y0, y1, y1);
      }
    for (size_t w = DLV_LOWP_NRM2_LANES / 2; w >= 1; w /= 2)
      for (size_t l = 0; l < w; l++)
        lane[l] += lane[l + w];
    total += ldexp((double)lane[0], 2 * (e - 1));
  }
  return (float)sqrt(total);
}

/* A strided x (inc != 1, negative too) holds the same elements, in
 * element order, as its contiguous copy: the norm sums them in that
 * order (lowp.h's blocks and lanes run over element i; stride.h), so it
 * must give the same bits as at stride 1. */
static void stride_same(dlv_gate_case *c, const lowp_entry *e, int naive,
                        const dlv_gate_buf *x, int status, float got)
{
  if (x->inc == 1 || status != DLV_OK)
    return;
  float unit = NAN;
  int st = call16(e, 0, naive, x->n, contiguous(c, x), 1, &unit, 1);
  if (dlv_gate_cmp_status(c, "status at stride 1", st, status))
    dlv_gate_cmp_same(c, "norm at stride 1 (same elements)", 0, unit, got);
}

/* The status and result of the norm of x against the twins'. */
static void compare_norm(dlv_gate_case *c, const lowp_entry *e, int naive,
                         const dlv_gate_buf *x, const dlv_gate_buf *res,
                         int status)
{
  float got = (float)dlv_gate_buf_get(res, 0);
  mpfr_t exact;
  mpfr_init2(exact, dlv_mp_prec());
  double naive_want = 0.0;
  int want = naive ? dlv_ref_lowp_nrm2_naive(x->n, contiguous(c, x), 1,
                                             e->fmt, &naive_want)
                   : dlv_ref_lowp_nrm2(x->n, contiguous(c, x), 1, e->fmt,
                                       exact);
  if (dlv_gate_cmp_status(c, "status", status, want)) {
    if (status != DLV_OK)
      dlv_gate_buf_unchanged(c, res, "result on error");
    else if (naive)
      dlv_gate_cmp_same(c, "naive norm (format arithmetic)", 0, got,
                        naive_want);
    else {
      dlv_gate_cmp_mp(c, "norm", 0, got, exact, dlv_bound_lowp_nrm2(x->n), 1);
      if (!isinf(got))
        dlv_gate_cmp_same(c, "norm (lowp.h's algorithm)", 0, got,
                          norm_model(contiguous(c, x), x->n, e->fmt));
    }
  }
  mpfr_clear(exact);
  other_path_same(c, e, naive, x, status, got);
  stride_same(c, e, naive, x, status, got);
}

typedef struct {
  const lowp_entry *e;
  int naive;
} norm_kind;

/* The norm of a vector of the stride-magnitude class: the exact result
 * or the refusal dlverify's contract requires (no backend operation). */
static void norm_huge(dlv_gate_case *c, const void *ctx, dlv_gate_huge h)
{
  const norm_kind *k = ctx;
  dlv_gate_buf x, res;
  make_huge(c, k->e, &x, h);
  const dlv_gate_buf *vec[] = {&x}, *out[] = {&res};
  if (!dlv_gate_huge_runnable(c, -1, 1, vec, 1))
    return;
  dlv_gate_buf_make(c, &res, sizeof(float), 1, 1);
  dlv_gate_buf_freeze(c, &res);
  int status = call_norm(k->e, k->naive, &x, res.at);
  if (!dlv_gate_refusal(c, -1, 1, status, vec, 1, out, 1))
    compare_norm(c, k->e, k->naive, &x, &res, status);
  dlv_gate_buf_guards_ok(c, &res, "result");
  dlv_gate_buf_unchanged(c, &x, "x");
}

static void norm_case(dlv_gate_case *c, const lowp_entry *e, int naive)
{
  dlv_gate_buf x, res;
  if (dlv_gate_enum(c, ARG_PERIOD) == 0) {
    arg_case(c, e, 0, naive);
    return;
  }
  /* the naive norm has no blocking to sample tails of; its value cases
   * take at least 64 entries, so that each has 63 rounded partial sums in
   * which a rounding left out (an FMA-style square) shows */
  if (make_input(c, e, &x, naive ? 64 : 0) == DATA_HUGE) {
    norm_kind k = {e, naive};
    dlv_gate_each_huge(c, e->k->flags, -1, 1, norm_huge, &k);
    return;
  }
  dlv_gate_buf_make(c, &res, sizeof(float), 1, 1);
  dlv_gate_buf_freeze(c, &res);
  int status = call_norm(e, naive, &x, res.at);
  compare_norm(c, e, naive, &x, &res, status);
  dlv_gate_buf_guards_ok(c, &res, "result");
  dlv_gate_buf_unchanged(c, &x, "x");
}

static void nrm2_bf16(dlv_gate_case *c)
{
  lowp_entry e = entry_of("dlv_nrm2_bf16", DLV_REF_BF16);
  norm_case(c, &e, 0);
}
static void nrm2_fp16(dlv_gate_case *c)
{
  lowp_entry e = entry_of("dlv_nrm2_fp16", DLV_REF_FP16);
  norm_case(c, &e, 0);
}
static void nrm2_bf16_naive(dlv_gate_case *c)
{
  lowp_entry e = entry_of("dlv_nrm2_bf16_naive", DLV_REF_BF16);
  norm_case(c, &e, 1);
}
static void nrm2_fp16_naive(dlv_gate_case *c)
{
  lowp_entry e = entry_of("dlv_nrm2_fp16_naive", DLV_REF_FP16);
  norm_case(c, &e, 1);
}

/* ---- the gradient -------------------------------------------------------- */

static int call_grad(const lowp_entry *e, const dlv_gate_buf *x,
                     dlv_gate_buf *g)
{
  return call16(e, 1, 0, x->n, x->at, x->inc, g->at, g->inc);
}

static void compare_grad(dlv_gate_case *c, const lowp_entry *e,
                         const dlv_gate_buf *g, mpfr_t *exact)
{
  dlv_bound b = dlv_bound_lowp_nrm2_grad(g->n, e->fmt == DLV_REF_BF16);
  for (size_t i = 0; i < g->n && !dlv_gate_failed(c); i++)
    dlv_gate_cmp_mp(c, "g", i, decode(e->fmt, get16(g, i)), exact[i], b, 1);
}

/* The other code path, into a fresh output with g's stride: bitwise. */
static void grad_other_path(dlv_gate_case *c, const lowp_entry *e,
                            const dlv_gate_buf *x, const dlv_gate_buf *g,
                            int status)
{
  int dflt = dlv_lowp_isa();
  if (g == x || dlv_lowp_set_isa(!dflt) == dflt)
    return;
  dlv_gate_buf h;
  dlv_gate_buf_make(c, &h, sizeof(uint16_t), g->n, g->inc);
  int st = call_grad(e, x, &h);
  dlv_lowp_set_isa(dflt);
  if (!dlv_gate_cmp_status(c, "status on the other path", st, status) ||
      status != DLV_OK)
    return;
  for (size_t i = 0; i < g->n && !dlv_gate_failed(c); i++)
    dlv_gate_cmp_same(c, "g on the other path", i, decode(e->fmt, get16(&h, i)),
                      decode(e->fmt, get16(g, i)));
}

/* The status and g against the twin's, given x's values xc as before the
 * call (g may be x). */
static void check_grad(dlv_gate_case *c, const lowp_entry *e,
                       const dlv_gate_buf *x, const dlv_gate_buf *g,
                       const uint16_t *xc, int status)
{
  mpfr_t *exact = dlv_mp_vec_alloc(x->n + 1, dlv_mp_prec());
  if (exact == NULL)
    abort();
  int want = dlv_ref_lowp_nrm2_grad(x->n, xc, 1, e->fmt, exact);
  if (dlv_gate_cmp_status(c, "status", status, want)) {
    if (status == DLV_OK)
      compare_grad(c, e, g, exact);
    else
      dlv_gate_buf_unchanged(c, g, "g on error");
  }
  dlv_mp_vec_free(exact, x->n + 1);
  grad_other_path(c, e, x, g, status);
}

/* The gradient of a vector of the stride-magnitude class, g at the same
 * stride: exact, or the refusal dlverify's contract requires. */
static void grad_huge(dlv_gate_case *c, const void *ctx, dlv_gate_huge h)
{
  const lowp_entry *e = ctx;
  dlv_gate_buf x, g;
  make_huge(c, e, &x, h);
  dlv_gate_buf_make(c, &g, sizeof(uint16_t), h.n, h.inc);
  dlv_gate_buf_freeze(c, &g);
  const dlv_gate_buf *vec[] = {&x, &g}, *out[] = {&g};
  if (!dlv_gate_huge_runnable(c, -1, 1, vec, 2))
    return;
  int status = call_grad(e, &x, &g);
  if (!dlv_gate_refusal(c, -1, 1, status, vec, 2, out, 1))
    check_grad(c, e, &x, &g, contiguous(c, &x), status);
  dlv_gate_buf_guards_ok(c, &g, "g");
  dlv_gate_buf_unchanged(c, &x, "x");
}

static void grad_case(dlv_gate_case *c, const lowp_entry *e)
{
  dlv_gate_buf x, own_g;
  if (dlv_gate_enum(c, ARG_PERIOD) == 0) {
    arg_case(c, e, 1, 0);
    return;
  }
  if (make_input(c, e, &x, 1) == DATA_HUGE) {
    dlv_gate_each_huge(c, e->k->flags, -1, 1, grad_huge, e);
    return;
  }
  dlv_gate_buf *g = dlv_gate_vec_output(c, e->k->flags, &x, &own_g,
                                        sizeof(uint16_t), "g");
  uint16_t *xc = contiguous(c, &x);
  int status = call_grad(e, &x, g);
  check_grad(c, e, &x, g, xc, status);
  dlv_gate_buf_guards_ok(c, g, "g");
  if (g != &x)
    dlv_gate_buf_unchanged(c, &x, "x");
}

static void nrm2_grad_bf16(dlv_gate_case *c)
{
  lowp_entry e = entry_of("dlv_nrm2_grad_bf16", DLV_REF_BF16);
  grad_case(c, &e);
}
static void nrm2_grad_fp16(dlv_gate_case *c)
{
  lowp_entry e = entry_of("dlv_nrm2_grad_fp16", DLV_REF_FP16);
  grad_case(c, &e);
}

/* ---- Adam ---------------------------------------------------------------- */

typedef struct {
  float lr, b1, b2, eps;
  unsigned long t;
  int form;
} hyper;

/* Admissible hyperparameters, domain edges enumerated (0 first: the
 * common values); lr up to the largest float, where s1 = lr / bc1
 * overflows float and the float step redoes every element wider
 * (adam.c's s1_wide, which no other lr here reaches). */
static hyper draw_hyper(dlv_gate_case *c)
{
  static const float lrs[] = {1e-3f, 0.1f, -1e-3f, 0.0f, 1.0f, FLT_MAX};
  static const float b1s[] = {0.9f, 0.0f, 0x1.fffffep-1f, 0.5f, 0.25f};
  static const float b2s[] = {0.999f, 0.0f, 0x1.fffffep-1f, 0.5f};
  /* the smallest eps: 2^-60; below about 2^-73 the float Adam bound
   * (dlv_bound_adam_elem) is infinite when v is near the float eta (its
   * sqrt error exceeds eps), so such a case could not fail (and at
   * lr = 0 the bound is 0 Inf = NaN) */
  static const float epss[] = {1e-8f, 1.0f, 1e-3f, 0x1p-60f};
  static const unsigned long ts[] = {1, 2, 1000, 1000000};
  hyper h = {lrs[dlv_gate_enum(c, 6)], b1s[dlv_gate_enum(c, 5)],
             b2s[dlv_gate_enum(c, 4)], epss[dlv_gate_enum(c, 4)],
             ts[dlv_gate_enum(c, 4)], (int)dlv_gate_enum(c, 2)};
  return h;
}

/* One inadmissible hyperparameter (DLV_EINVAL, nothing written).  A
 * rejected form is tried on each base form: the one-pass flag with the
 * exam and with the bias-corrected update, and a bit no form has. */
static hyper bad_hyper(dlv_gate_case *c)
{
  hyper h = {1e-3f, 0.9f, 0.999f, 1e-8f, 1, DLV_ADAM_BIAS_CORRECTED};
  static const char *const what[] = {
      "beta1 = 1", "beta2 = 1", "eps = 0", "lr = NaN", "t = 0 (corrected)",
      "one-pass form (corrected)", "one-pass form (exam)",
      "unknown form bit"};
  unsigned k = dlv_gate_enum(c, 8);
  if (k == 0) h.b1 = 1.0f;
  if (k == 1) h.b2 = 1.0f;
  if (k == 2) h.eps = 0.0f;
  if (k == 3) h.lr = NAN;
  if (k == 4) h.t = 0;
  if (k == 5) h.form |= DLV_ADAM_ONE_PASS;
  if (k == 6) h.form = DLV_ADAM_EXAM | DLV_ADAM_ONE_PASS;
  if (k == 7) h.form = (DLV_ADAM_BIAS_CORRECTED | DLV_ADAM_ONE_PASS) + 1;
  dlv_gate_note(c, "bad hyperparameter: %s", what[k]);
  return h;
}

/* ADAM_NULL: one array NULL (theta, master, m, v or grad): DLV_EINVAL
 * when n > 0 (lowp.h), nothing written. */
enum { ADAM_OK, ADAM_LIMIT, ADAM_SPECIAL, ADAM_BAD_HYPER, ADAM_NULL,
       ADAM_NSCENARIOS };

/* The buffers of one Adam case: float (master, m, v) or bf16 (pure). */
typedef struct {
  int pure;
  size_t n;
  dlv_gate_buf theta, master, m, v, g;
  hyper h;
  int null_arg; /* 0: none; 1 theta, 2 master, 3 m, 4 v, 5 grad: NULL */
} adam_case_data;

/* A state value: classes within Adam's state contract (finite, from
 * admissible gradients: no huge values); v >= 0. */
static double state_value(dlv_gate_case *c, int vclass, int nonneg)
{
  static const int classes[] = {DLV_GV_EXACT, DLV_GV_UNIT, DLV_GV_WIDE,
                                DLV_GV_SUBNORMAL};
  double x = dlv_gate_value(c, classes[vclass % 4], 1);
  return nonneg ? fabs(x) : x;
}

static uint16_t bf16_of(double x) { return dlv_bf16_from_double(x).bits; }

static void fill_state(dlv_gate_case *c, adam_case_data *d)
{
  int vclass = (int)dlv_gate_enum(c, 4);
  for (size_t i = 0; i < d->n; i++) {
    double th = state_value(c, vclass, 0), m = state_value(c, vclass, 0);
    double v = state_value(c, vclass, 1);
    if (d->pure) {
      set16(&d->theta, i, bf16_of(th));
      set16(&d->m, i, bf16_of(m));
      set16(&d->v, i, bf16_of(v));
    } else {
      dlv_gate_buf_set(&d->master, i, th);
      set16(&d->theta, i, bf16_of(th));
      dlv_gate_buf_set(&d->m, i, m);
      dlv_gate_buf_set(&d->v, i, v);
    }
  }
}

/* States no run reaches but the contract admits (lowp.h: dlv_adam_step_s's
 * rules; adam.h: v >= 0, |m| <= gmax, any finite m at lr = 0): in about
 * half the elements v zero or subnormal and |m| near gmax (near FLT_MAX
 * at lr = 0), |master| <= 2^64, as g_adam.c's free_states. */
static void free_states(dlv_gate_case *c, adam_case_data *d)
{
  double top = d->h.lr == 0.0f ? FLT_MAX : DLV_ADAM_GMAX_S;
  for (size_t i = 0; i < d->n; i++) {
    if (dlv_gate_draw(c, 2))
      continue;
    double m = ldexp(top, -(int)dlv_gate_draw(c, 8));
    dlv_gate_buf_set(&d->m, i, dlv_gate_draw(c, 2) ? -m : m);
    dlv_gate_buf_set(&d->v, i,
                     dlv_gate_draw(c, 2)
                         ? 0.0
                         : 0x1p-149 * (double)(1 + dlv_gate_draw(c, 4)));
    double th = dlv_gate_buf_get(&d->master, i);
    th = fabs(th) > 0x1p64 ? copysign(0x1p64, th) : th;
    dlv_gate_buf_set(&d->master, i, th);
    set16(&d->theta, i, bf16_of(th));
  }
  dlv_gate_note(c, "free states: |m| near %s, v zero or subnormal",
                d->h.lr == 0.0f ? "FLT_MAX" : "gmax");
}

/* The gradient; returns the status the contract demands. */
static int fill_grad(dlv_gate_case *c, adam_case_data *d, int scenario)
{
  int vclass = dlv_gate_vclass(c);
  for (size_t i = 0; i < d->n; i++)
    set16(&d->g, i, lowp_value(c, vclass, DLV_REF_BF16));
  dlv_gate_note(c, "g %s", dlv_gate_vclass_name(vclass));
  if (d->n > 0 && scenario == ADAM_LIMIT) {
    int which;
    uint16_t b = lowp_limit(c, DLV_ADAM_GMAX_S, DLV_REF_BF16, &which);
    size_t pos = (size_t)dlv_gate_draw(c, d->n);
    set16(&d->g, pos, (uint16_t)(b | (dlv_gate_draw(c, 2) ? 0x8000u : 0u)));
    dlv_gate_note(c, "g at gmax %s one ulp at %zu",
                  which == 0 ? "exactly, not" : which < 0 ? "minus" : "plus",
                  pos);
  }
  if (d->n > 0 && scenario == ADAM_SPECIAL) {
    size_t pos = (size_t)dlv_gate_draw(c, d->n);
    int nan = (int)dlv_gate_enum(c, 2);
    set16(&d->g, pos, nan ? dlv_gate_lowp_nan(c, DLV_REF_BF16) : 0xff80u);
    dlv_gate_note(c, "g %s at %zu", nan ? "NaN" : "-Inf", pos);
  }
  int bad = 0, nan = 0;
  for (size_t i = 0; i < d->n; i++) {
    double a = fabs(decode(DLV_REF_BF16, get16(&d->g, i)));
    nan |= isnan(a);
    bad |= a > DLV_ADAM_GMAX_S;
  }
  return nan ? DLV_ENAN : bad ? DLV_EDOM : DLV_OK;
}

static void make_adam(dlv_gate_case *c, adam_case_data *d, int pure)
{
  size_t blocks[DLV_CONTRACT_MAX_BLOCKS];
  const dlv_contract *k = dlv_contract_find(
      pure ? "dlv_adam_step_pure_bf16" : "dlv_adam_step_bf16");
  size_t nb = dlv_contract_block_sizes(k, blocks);
  d->pure = pure;
  /* up to 3 of the largest block and a tail: ranges of several chunks
   * on 1-3 threads */
  d->n = dlv_gate_extent(c, blocks, nb, 0,
                         4 * DLV_LOWP_ADAM_RANGES * DLV_LOWP_ADAM_CHUNK - 1);
  size_t se = pure ? sizeof(uint16_t) : sizeof(float);
  dlv_gate_buf_make(c, &d->theta, sizeof(uint16_t), d->n, 1);
  dlv_gate_buf_make(c, &d->m, se, d->n, 1);
  dlv_gate_buf_make(c, &d->v, se, d->n, 1);
  dlv_gate_buf_make(c, &d->g, sizeof(uint16_t), d->n, 1);
  if (!pure)
    dlv_gate_buf_make(c, &d->master, sizeof(float), d->n, 1);
  fill_state(c, d);
}

static void freeze_all(dlv_gate_case *c, adam_case_data *d)
{
  dlv_gate_buf_freeze(c, &d->theta);
  dlv_gate_buf_freeze(c, &d->m);
  dlv_gate_buf_freeze(c, &d->v);
  dlv_gate_buf_freeze(c, &d->g);
  if (!d->pure)
    dlv_gate_buf_freeze(c, &d->master);
}

static void *arg_or_null(const adam_case_data *d, int which, void *at)
{
  return d->null_arg == which ? NULL : at;
}

static int call_adam(adam_case_data *d)
{
  const hyper *h = &d->h;
  void *th = arg_or_null(d, 1, d->theta.at), *m = arg_or_null(d, 3, d->m.at),
       *v = arg_or_null(d, 4, d->v.at);
  const void *g = arg_or_null(d, 5, d->g.at);
  if (d->pure)
    return dlv_adam_step_pure_bf16(d->n, th, m, v, g, h->lr, h->b1, h->b2,
                                   h->eps, h->t, h->form);
  return dlv_adam_step_bf16(d->n, th, arg_or_null(d, 2, d->master.at), m, v,
                            g, h->lr, h->b1, h->b2, h->eps, h->t, h->form);
}

/* Old state as doubles (read before the call). */
typedef struct {
  double *theta, *m, *v, *g;
} old_state;

static double state_get(const adam_case_data *d, const dlv_gate_buf *b,
                        size_t i)
{
  return d->pure ? decode(DLV_REF_BF16, get16(b, i)) : dlv_gate_buf_get(b, i);
}

static old_state read_old(dlv_gate_case *c, const adam_case_data *d)
{
  old_state o;
  size_t bytes = (d->n + 1) * sizeof(double);
  o.theta = dlv_gate_alloc(c, bytes);
  o.m = dlv_gate_alloc(c, bytes);
  o.v = dlv_gate_alloc(c, bytes);
  o.g = dlv_gate_alloc(c, bytes);
  for (size_t i = 0; i < d->n; i++) {
    o.theta[i] = d->pure ? decode(DLV_REF_BF16, get16(&d->theta, i))
                         : dlv_gate_buf_get(&d->master, i);
    o.m[i] = state_get(d, &d->m, i);
    o.v[i] = state_get(d, &d->v, i);
    o.g[i] = decode(DLV_REF_BF16, get16(&d->g, i));
  }
  return o;
}

/* One element's outputs against the exact step. */
static void compare_elem(dlv_gate_case *c, const adam_case_data *d,
                         const dlv_adam_ctx *ctx, const old_state *o,
                         size_t i, mpfr_t th, mpfr_t m, mpfr_t v)
{
  dlv_adam_exact x = {o->m[i],
                      o->v[i],
                      o->g[i],
                      mpfr_get_d(m, MPFR_RNDN),
                      mpfr_get_d(v, MPFR_RNDN),
                      mpfr_get_d(th, MPFR_RNDN)};
  dlv_adam_err e = dlv_bound_adam_elem(ctx, &x, (dlv_adam_err){0, 0, 0, 0});
  double theta_bf = decode(DLV_REF_BF16, get16(&d->theta, i));
  dlv_bound round_theta = {0, dlv_lowp_round_after(e.theta, fabs(x.theta1), 1)};
  if (d->pure) {
    dlv_gate_cmp_mp(c, "theta (bf16)", i, theta_bf, th, round_theta, 1);
    dlv_gate_cmp_mp(c, "m (bf16)", i, state_get(d, &d->m, i), m,
                    (dlv_bound){0, dlv_lowp_round_after(e.m, fabs(x.m1), 1)}, 1);
    dlv_gate_cmp_mp(c, "v (bf16)", i, state_get(d, &d->v, i), v,
                    (dlv_bound){0, dlv_lowp_round_after(e.v, fabs(x.v1), 1)}, 1);
    return;
  }
  double master = dlv_gate_buf_get(&d->master, i);
  dlv_gate_cmp_mp(c, "master", i, master, th, (dlv_bound){0, e.theta}, 1);
  dlv_gate_cmp_mp(c, "m", i, dlv_gate_buf_get(&d->m, i), m,
                  (dlv_bound){0, e.m}, 1);
  dlv_gate_cmp_mp(c, "v", i, dlv_gate_buf_get(&d->v, i), v,
                  (dlv_bound){0, e.v}, 1);
  dlv_gate_cmp_mp(c, "theta (bf16)", i, theta_bf, th, round_theta, 1);
  dlv_gate_cmp_same(c, "theta = RNE_bf16(master)", i, theta_bf,
                    decode(DLV_REF_BF16, bf16_of(master)));
}

static void compare_adam(dlv_gate_case *c, const adam_case_data *d,
                         const old_state *o)
{
  size_t n = d->n;
  mpfr_t *th = dlv_mp_vec_alloc(n, dlv_mp_prec()),
         *m = dlv_mp_vec_alloc(n, dlv_mp_prec()),
         *v = dlv_mp_vec_alloc(n, dlv_mp_prec()),
         *g = dlv_mp_vec_alloc(n, dlv_mp_prec());
  if (!th || !m || !v || !g)
    abort();
  for (size_t i = 0; i < n; i++) {
    mpfr_set_d(th[i], o->theta[i], MPFR_RNDN);
    mpfr_set_d(m[i], o->m[i], MPFR_RNDN);
    mpfr_set_d(v[i], o->v[i], MPFR_RNDN);
    mpfr_set_d(g[i], o->g[i], MPFR_RNDN);
  }
  const hyper *h = &d->h;
  dlv_ref_adam_step(n, th, m, v, g, h->lr, h->b1, h->b2, h->eps, h->t,
                    h->form);
  dlv_adam_ctx ctx = dlv_adam_ctx_make(1, h->lr, h->b1, h->b2, h->eps, h->t,
                                       h->form == DLV_ADAM_BIAS_CORRECTED);
  for (size_t i = 0; i < n && !dlv_gate_failed(c); i++)
    compare_elem(c, d, &ctx, o, i, th[i], m[i], v[i]);
  dlv_mp_vec_free(th, n);
  dlv_mp_vec_free(m, n);
  dlv_mp_vec_free(v, n);
  dlv_mp_vec_free(g, n);
}

static void all_unchanged(dlv_gate_case *c, const adam_case_data *d)
{
  dlv_gate_buf_unchanged(c, &d->theta, "theta on error");
  dlv_gate_buf_unchanged(c, &d->m, "m on error");
  dlv_gate_buf_unchanged(c, &d->v, "v on error");
  if (!d->pure)
    dlv_gate_buf_unchanged(c, &d->master, "master on error");
}

static void guards_all(dlv_gate_case *c, const adam_case_data *d)
{
  dlv_gate_buf_guards_ok(c, &d->theta, "theta");
  dlv_gate_buf_guards_ok(c, &d->m, "m");
  dlv_gate_buf_guards_ok(c, &d->v, "v");
  if (!d->pure)
    dlv_gate_buf_guards_ok(c, &d->master, "master");
  dlv_gate_buf_unchanged(c, &d->g, "grad");
}

static void adam_case(dlv_gate_case *c, int pure)
{
  adam_case_data d;
  int scenario = (int)dlv_gate_enum(c, ADAM_NSCENARIOS);
  make_adam(c, &d, pure);
  d.h = scenario == ADAM_BAD_HYPER ? bad_hyper(c) : draw_hyper(c);
  int want = fill_grad(c, &d, scenario);
  if (!pure && scenario <= ADAM_SPECIAL && dlv_gate_draw(c, 2) == 0)
    free_states(c, &d);
  if (scenario == ADAM_BAD_HYPER)
    want = DLV_EINVAL;
  d.null_arg = 0;
  if (scenario == ADAM_NULL) {
    static const int pure_args[] = {1, 3, 4, 5};
    unsigned k = dlv_gate_enum(c, pure ? 4 : 5);
    d.null_arg = pure ? pure_args[k] : (int)k + 1;
    dlv_gate_note(c, "argument %d NULL", d.null_arg);
    /* arguments before the gradient's scan (lowp.h) */
    want = d.n > 0 ? DLV_EINVAL : want;
  }
  dlv_gate_note(c, "n %zu, lr %a b1 %a b2 %a eps %a t %lu form %d", d.n,
                d.h.lr, d.h.b1, d.h.b2, d.h.eps, d.h.t, d.h.form);
  /* the master-weight step is threaded over its chunks (contract) */
  int threads = 1 + (int)dlv_gate_draw(c, 3);
  dlv_gate_note(c, "threads %d", threads);
  freeze_all(c, &d);
  old_state o = read_old(c, &d);
  dlv_set_threads(threads);
  int status = call_adam(&d);
  dlv_set_threads(1);
  if (dlv_gate_cmp_status(c, "status", status, want)) {
    if (status == DLV_OK)
      compare_adam(c, &d, &o);
    else
      all_unchanged(c, &d);
  }
  guards_all(c, &d);
}

static void adam_step_bf16(dlv_gate_case *c) { adam_case(c, 0); }
static void adam_step_pure_bf16(dlv_gate_case *c) { adam_case(c, 1); }

/* ---- conversions ---------------------------------------------------------------
 * dlv_{bf16,fp16}_{to,from}_* and dlv_round_to_format against the twins:
 * to float exact (a NaN keeps its sign and its payload as the float's top
 * fraction bits); from float or double the pattern of dlv_ref_lowp_round
 * bitwise (RNE, gradual underflow, Inf from max + half an ulp on), a NaN
 * a quiet NaN of its sign.  Inputs are enumerated over classes: any
 * pattern plus a fraction of its ulp, exact ties (midpoints), the largest
 * finite value and its neighbourhood (max, max + half an ulp minus one
 * step, the tie, beyond, far beyond), subnormals and their ties, and special values
 * (+-0, +-Inf, NaNs whose payload lies in the low bits alone). */

enum { CV_ANY, CV_TIE, CV_MAX, CV_SUBNORMAL, CV_SPECIAL, CV_NCLASSES };

/* |pattern| plus r / 2^L of its ulp, with its sign: exact in a float when
 * frac_bits + L <= 23, in a double when frac_bits + L <= 52. */
static double between(int fmt, uint16_t b, uint64_t r, int L)
{
  format_info f = info_of(fmt);
  unsigned field = (b >> f.frac_bits) & f.inf_field;
  int ulp = (field == 0 ? 1 : (int)field) - f.bias - (int)f.frac_bits;
  double v = fabs(decode(fmt, b)) + ldexp((double)r, ulp - L);
  return (b & 0x8000u) ? -v : v;
}

/* A NaN, an infinity or a zero of a drawn sign; NaN payloads drawn whole or
 * in the low 16 bits alone (what truncating to bf16 would lose). */
static double special_input(dlv_gate_case *c, float *xf)
{
  int neg = (int)dlv_gate_draw(c, 2), kind = (int)dlv_gate_draw(c, 4);
  if (kind == 0)
    return neg ? -0.0 : 0.0;
  if (kind == 1)
    return neg ? -INFINITY : INFINITY;
  uint64_t payload = kind == 2 ? 1 + dlv_gate_draw(c, 0xffff)
                               : 1 + dlv_gate_draw(c, (1u << 22) - 1);
  if (xf != NULL) { /* a float NaN made from bits (signalling ones too) */
    uint32_t bits = (neg ? 0x80000000u : 0u) | 0x7f800000u | (uint32_t)payload;
    memcpy(xf, &bits, sizeof *xf);
    return neg ? -NAN : NAN;
  }
  uint64_t bits = (neg ? (uint64_t)1 << 63 : 0) | (uint64_t)0x7ff << 52 |
                  (kind == 2 ? payload : payload << 29);
  double x;
  memcpy(&x, &bits, sizeof x);
  return x;
}

/* An input of the enumerated class for a conversion to fmt; L: the bits
 * below the format's ulp the argument type holds (16 or 13 in a float,
 * 40 in a double).  xf not NULL: the argument is that float (a NaN keeps
 * its bits there; the double returned is a NaN of its sign). */
static double input_of_class(dlv_gate_case *c, int fmt, int L, float *xf)
{
  format_info f = info_of(fmt);
  unsigned cls = dlv_gate_enum(c, CV_NCLASSES);
  int neg = (int)dlv_gate_draw(c, 2);
  uint64_t half = (uint64_t)1 << (L - 1);
  unsigned frac = (unsigned)dlv_gate_draw(c, 1u << f.frac_bits);
  if (cls == CV_SPECIAL)
    return special_input(c, xf);
  if (cls == CV_MAX) {
    /* max, just below / at / above the tie, the next binade, far beyond:
     * 2 + a draw below 2^j ulps, j uniform in [0, 20], so that every binade
     * up to 2^20 ulps above max is as likely (an encoder whose overflow
     * threshold is a binade too high is wrong only there) */
    uint64_t far = 2 + dlv_gate_draw(c, (uint64_t)1 << dlv_gate_draw(c, 21));
    const uint64_t near[] = {0, half - 1, half, half + 1, 2 * half,
                             2 * half * far};
    unsigned k = (unsigned)dlv_gate_draw(c, 6);
    dlv_gate_note(c, "max + %a ulp", (double)near[k] / (double)(2 * half));
    return between(fmt, make_bits(fmt, neg, f.inf_field - 1,
                                  (1u << f.frac_bits) - 1u), near[k], L);
  }
  unsigned field = cls == CV_SUBNORMAL
                       ? 0
                       : (unsigned)dlv_gate_draw(c, f.inf_field);
  uint64_t r = cls == CV_TIE || (cls == CV_SUBNORMAL && dlv_gate_draw(c, 2))
                   ? half
                   : dlv_gate_draw(c, 2 * half);
  return between(fmt, make_bits(fmt, neg, field, frac), r, L);
}

/* The pattern got against the rounding of x (bitwise), or a quiet NaN of
 * x's sign when x is a NaN. */
static void check_rounded(dlv_gate_case *c, int fmt, double x, uint16_t got)
{
  format_info f = info_of(fmt);
  dlv_gate_note(c, "x %a", x);
  if (isnan(x)) {
    unsigned field = (got >> f.frac_bits) & f.inf_field;
    unsigned quiet = 1u << (f.frac_bits - 1);
    if (field != f.inf_field || !(got & quiet) ||
        !(got & 0x8000u) != !signbit(x))
      dlv_gate_fail(c, "NaN converted to 0x%04x: not a quiet NaN of its sign",
                    got);
    return;
  }
  mpfr_t t;
  mpfr_init2(t, 64);
  mpfr_set_d(t, x, MPFR_RNDN); /* exact */
  uint16_t want = dlv_ref_lowp_round(t, fmt);
  mpfr_clear(t);
  dlv_gate_cmp_same(c, "rounded", 0, decode(fmt, got), decode(fmt, want));
}

/* The argument (in *xf too when not NULL: the float passed). */
static double convert_input(dlv_gate_case *c, int fmt, int L, float *xf)
{
  float nan_bits = 0.0f;
  double x = input_of_class(c, fmt, L, xf ? &nan_bits : NULL);
  if (xf != NULL) {
    *xf = isnan(x) ? nan_bits : (float)x;
    x = isnan(x) ? x : (double)*xf;
  }
  return x;
}

static int float_bits_of(int fmt) { return fmt == DLV_REF_BF16 ? 16 : 13; }

static void from_float_case(dlv_gate_case *c, int fmt)
{
  float x = 0.0f;
  double d = convert_input(c, fmt, float_bits_of(fmt), &x);
  uint16_t got = fmt == DLV_REF_BF16 ? dlv_bf16_from_float(x).bits
                                     : dlv_fp16_from_float(x).bits;
  check_rounded(c, fmt, d, got);
}

static void from_double_case(dlv_gate_case *c, int fmt)
{
  double x = convert_input(c, fmt, 40, NULL);
  uint16_t got = fmt == DLV_REF_BF16 ? dlv_bf16_from_double(x).bits
                                     : dlv_fp16_from_double(x).bits;
  check_rounded(c, fmt, x, got);
}

/* A double near a float's rounding boundaries: a finite float f >= 0
 * (subnormals and FLT_MAX included), then f itself, the midpoint to the
 * next float up (FLT_MAX's: the overflow threshold), a double either side
 * of it, or any double in between; either sign. */
static double float_probe(dlv_gate_case *c)
{
  uint32_t bits = (uint32_t)dlv_gate_draw(c, 0x7f800000u);
  float f;
  memcpy(&f, &bits, sizeof f);
  double lo = f, hi = f < FLT_MAX ? (double)nextafterf(f, INFINITY)
                                  : 2.0 * lo - (double)nextafterf(f, 0.0f);
  double mid = 0.5 * (lo + hi), x; /* exact */
  switch (dlv_gate_enum(c, 5)) {
  case 0: x = lo; break;
  case 1: x = mid; break;
  case 2: x = nextafter(mid, 0.0); break;
  case 3: x = nextafter(mid, INFINITY); break;
  default: x = lo + (hi - lo) * ((double)dlv_gate_draw(c, 1u << 30) * 0x1p-30);
  }
  return dlv_gate_draw(c, 2) ? -x : x;
}

/* dlv_round_to_format (lowp.h: exact for any p, emin, emax) with float's
 * parameters against the hardware's conversion (double) (float) x, and
 * with double's as the identity. */
static void round_to_format_wide(dlv_gate_case *c, int as_double)
{
  double x = float_probe(c);
  if (as_double) {
    x = ldexp(x, (int)dlv_gate_draw(c, 1800) - 900);
    dlv_gate_note(c, "double's parameters, x %a", x);
    dlv_gate_cmp_same(c, "rounded", 0,
                      dlv_round_to_format(x, DBL_MANT_DIG, -1022, 1023), x);
    return;
  }
  dlv_gate_note(c, "float's parameters, x %a", x);
  dlv_gate_cmp_same(c, "rounded", 0,
                    dlv_round_to_format(x, FLT_MANT_DIG, -126, 127),
                    (double)(float)x);
}

/* dlv_round_to_format with the parameters of a format: the value of the
 * twin's pattern, bitwise (a NaN stays a NaN); one case in three with
 * float's or double's parameters (round_to_format_wide). */
static void round_to_format_case(dlv_gate_case *c)
{
  unsigned params = dlv_gate_enum(c, 6);
  if (params >= 4) {
    round_to_format_wide(c, params == 5);
    return;
  }
  int fmt = params % 2 ? DLV_REF_FP16 : DLV_REF_BF16;
  double x = convert_input(c, fmt, 40, NULL);
  double got = fmt == DLV_REF_BF16
                   ? dlv_round_to_format(x, DLV_BF16_PREC, -126, 127)
                   : dlv_round_to_format(x, DLV_FP16_PREC, -14, 15);
  dlv_gate_note(c, "%s, x %a", fmt == DLV_REF_BF16 ? "bf16" : "fp16", x);
  if (isnan(x)) {
    if (!isnan(got))
      dlv_gate_fail(c, "NaN rounded to %a", got);
    return;
  }
  mpfr_t t;
  mpfr_init2(t, 64);
  mpfr_set_d(t, x, MPFR_RNDN);
  double want = decode(fmt, dlv_ref_lowp_round(t, fmt));
  mpfr_clear(t);
  dlv_gate_cmp_same(c, "rounded", 0, got, want);
}

/* Any pattern, enumerated over NaN, Inf, subnormal and normal fields:
 * exact; a NaN keeps its sign and its fraction as the top fraction bits. */
static void to_float_case(dlv_gate_case *c, int fmt)
{
  format_info f = info_of(fmt);
  unsigned cls = dlv_gate_enum(c, 4), neg = (unsigned)dlv_gate_draw(c, 2);
  unsigned frac = (unsigned)dlv_gate_draw(c, 1u << f.frac_bits);
  unsigned field = cls == 0   ? f.inf_field
                   : cls == 1 ? 0
                              : 1u + (unsigned)dlv_gate_draw(c, f.inf_field - 1);
  if (cls == 0 && frac == 0 && dlv_gate_draw(c, 2))
    frac = 1; /* NaNs and Inf both */
  uint16_t b = make_bits(fmt, (int)neg, field, frac);
  float got = fmt == DLV_REF_BF16 ? dlv_bf16_to_float((dlv_bf16){b})
                                  : dlv_fp16_to_float((dlv_fp16){b});
  dlv_gate_note(c, "pattern 0x%04x", b);
  double want = decode(fmt, b);
  if (!isnan(want)) {
    dlv_gate_cmp_same(c, "decoded", 0, (double)got, want);
    return;
  }
  uint32_t gb;
  memcpy(&gb, &got, sizeof gb);
  unsigned top = (gb >> (23 - f.frac_bits)) & ((1u << f.frac_bits) - 1u);
  if (!isnan(got) || !(gb >> 31) != !neg || top != frac)
    dlv_gate_fail(c, "NaN 0x%04x decoded to 0x%08x: sign or payload lost", b,
                  (unsigned)gb);
}

static void bf16_to_float(dlv_gate_case *c) { to_float_case(c, DLV_REF_BF16); }
static void fp16_to_float(dlv_gate_case *c) { to_float_case(c, DLV_REF_FP16); }
static void bf16_from_float(dlv_gate_case *c) { from_float_case(c, DLV_REF_BF16); }
static void fp16_from_float(dlv_gate_case *c) { from_float_case(c, DLV_REF_FP16); }
static void bf16_from_double(dlv_gate_case *c) { from_double_case(c, DLV_REF_BF16); }
static void fp16_from_double(dlv_gate_case *c) { from_double_case(c, DLV_REF_FP16); }

static const dlv_gate_entry entries[] = {
    {"dlv_nrm2_bf16", nrm2_bf16},
    {"dlv_nrm2_fp16", nrm2_fp16},
    {"dlv_nrm2_grad_bf16", nrm2_grad_bf16},
    {"dlv_nrm2_grad_fp16", nrm2_grad_fp16},
    {"dlv_nrm2_bf16_naive", nrm2_bf16_naive},
    {"dlv_nrm2_fp16_naive", nrm2_fp16_naive},
    {"dlv_adam_step_bf16", adam_step_bf16},
    {"dlv_adam_step_pure_bf16", adam_step_pure_bf16},
    {"dlv_bf16_to_float", bf16_to_float},
    {"dlv_fp16_to_float", fp16_to_float},
    {"dlv_bf16_from_float", bf16_from_float},
    {"dlv_fp16_from_float", fp16_from_float},
    {"dlv_bf16_from_double", bf16_from_double},
    {"dlv_fp16_from_double", fp16_from_double},
    {"dlv_round_to_format", round_to_format_case},
};

/* ---- the limits (lowp.h), from the formats' definitions ------------------ */

/* finite in the format: |x| <= (2 - 2^-7) 2^127 (bf16), (2 - 2^-10) 2^15
 * (fp16) */
static int finite_bf16(double x) { return fabs(x) <= 0x1.fep127; }
static int finite_fp16(double x) { return fabs(x) <= 65504.0; }
/* the naive norm's square overflows (rounds to Inf): x^2 (exact in
 * double) at or above max + half an ulp of max */
static int square_overflows_bf16(double x) { return x * x >= 0x1.ffp127; }
static int square_overflows_fp16(double x) { return x * x >= 65520.0; }
/* Adam with bf16 gradients: |g| <= 2^63 (adam.h's float limit); beta in
 * [0, 1) */
static int grad_in_domain_bf16(double g) { return fabs(g) <= 0x1p63; }
static const dlv_gate_limit_model limit_models[] = {
    {"xmax", "bf16", finite_bf16, 1, 1, DLV_GATE_STEP_BF16,
     "finite bf16, |x| <= 0x1.fep127 (lowp.h)"},
    {"xmax", "fp16", finite_fp16, 1, 1, DLV_GATE_STEP_FP16,
     "finite fp16, |x| <= 65504 (lowp.h)"},
    {"xovf", "bf16", square_overflows_bf16, 0, 1, DLV_GATE_STEP_BF16,
     "x^2 >= 0x1.ffp127: the square overflows bf16"},
    {"xovf", "fp16", square_overflows_fp16, 0, 1, DLV_GATE_STEP_FP16,
     "x^2 >= 65520: the square overflows fp16"},
    {"gmax", NULL, grad_in_domain_bf16, 1, 1, DLV_GATE_STEP_BF16,
     "|g| <= 2^63 (adam.h, lowp.h)"},
    {"beta_max", NULL, dlv_gate_beta_in_domain, 1, 0,
     DLV_GATE_STEP_FLOAT,
     "beta in [0, 1) (adam.h, lowp.h)"},
};

const dlv_gate_family dlv_gate_lowp = {
    "lowp", entries, sizeof entries / sizeof entries[0],
    .limit_models = limit_models,
    .n_limit_models = sizeof limit_models / sizeof limit_models[0]};
