/* g_prox.c: gate family prox: dlv_prox_group_{d,s}, dlv_prox_grad_d and
 * dlv_l2reg_grad_d (kernels/prox_group.h) against MPFR; dlv_prox_group
 * through the backend under test (prox_grad and l2reg_grad are no backend
 * operations: builtin only):
 * - prox_group: every stride class (input and output strides apart,
 *   negative, in place), extents at every tail of the nrm2 blocking
 *   constants (the norm is dlv_nrm2_*'s) and across them, the threshold
 *   ||v|| = tau exactly and one ulp either side (Pythagorean tuples give
 *   exact norms, at unit, tiny, large and subnormal scales), tau = 0,
 *   every value class (a norm that overflows: DLV_EDOM), NaN and
 *   infinities, argument errors; nothing written on error; within
 *   dlv_bound_prox_group_norm (dlv_bound_prox_exact_norm_* when the
 *   computed norm is exact).
 * - prox_grad: a diagonal quadratic loss; the result of K steps is the
 *   result of K - 1 steps followed by one step (bitwise, info included),
 *   and that one step is compared with MPFR (the exact prox of the exact
 *   gradient step from the returned iterate): theta within
 *   dlv_bound_pg_elem, info.scale within dlv_bound_pg_scale, info.gmap
 *   within dlv_bound_pg_gmap, converged and iters against the stopping
 *   rule; max_iter = 1, argument errors, a failing loss (status passed on,
 *   theta untouched).
 * - l2reg_grad: out apart or in place on grad, every element within
 *   dlv_bound_l2reg_elem, one case in three with c theta_i overflowing
 *   alone where grad_i + c theta_i does not; argument errors, nothing written on error. */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "contract.h"
#include "dlv_status.h"
#include "gate.h"
#include "mp.h"
#include "nrm2.h"
#include "prox_group.h"
#include "ref_nrm2.h"
#include "ref_prox_group.h"

typedef struct {
  const dlv_contract *k;
  int is_float;
  size_t elem;
} prox_entry;

static prox_entry entry_of(const char *name, int is_float)
{
  return (prox_entry){dlv_contract_find(name), is_float,
                      is_float ? sizeof(float) : sizeof(double)};
}

/* A buffer's elements as a contiguous double array. */
static double *contiguous(dlv_gate_case *c, const dlv_gate_buf *x)
{
  double *d = dlv_gate_alloc(c, (x->n + 1) * sizeof *d);
  for (size_t i = 0; i < x->n; i++)
    d[i] = dlv_gate_buf_get(x, i);
  return d;
}

/* ---- dlv_prox_group ------------------------------------------------------- */

enum {
  PX_CLASS,
  PX_THRESHOLD,
  PX_SPECIAL,
  PX_ARGS,
  PX_LIMIT,
  PX_HUGE, /* the stride-magnitude class (gate.h) */
  PX_NKINDS
};

/* Pythagorean tuples: the squares of the first entries sum to the square
 * of the last (0 ends a tuple). */
static const int tuples[][5] = {{3, 4, 0, 0, 5},  {1, 2, 2, 0, 3},
                                {2, 3, 6, 0, 7},  {1, 4, 8, 0, 9},
                                {2, 6, 9, 0, 11}, {2, 10, 11, 0, 15},
                                {1, 2, 4, 2, 5}};

/* v: a tuple scaled by 2^e at distinct positions, zeros elsewhere; returns
 * the exact norm. */
static double place_tuple(dlv_gate_case *c, const prox_entry *e,
                          dlv_gate_buf *v)
{
  const int *tp = tuples[dlv_gate_draw(c, sizeof tuples / sizeof tuples[0])];
  static const int scales_d[] = {0, -60, 500, -1074}, scales_f[] = {0, -30, 60, -149};
  int sc = (int)dlv_gate_enum(c, 4);
  int ex = e->is_float ? scales_f[sc] : scales_d[sc];
  for (size_t i = 0; i < v->n; i++)
    dlv_gate_buf_set(v, i, 0.0);
  size_t pos = (size_t)dlv_gate_draw(c, v->n);
  for (int j = 0; j < 4 && tp[j] != 0; j++) {
    size_t at = (pos + (size_t)j) % v->n; /* n >= 4 */
    double x = ldexp(tp[j], ex);
    dlv_gate_buf_set(v, at, dlv_gate_draw(c, 2) ? -x : x);
  }
  dlv_gate_note(c, "Pythagorean tuple with norm %d 2^%d at %zu", tp[4], ex,
                pos);
  return ldexp(tp[4], ex);
}

static void special_values(dlv_gate_case *c, dlv_gate_buf *v)
{
  static const char *const kinds[] = {"NaN", "Inf", "-Inf", "Inf and NaN"};
  unsigned k = dlv_gate_enum(c, 4);
  size_t a = (size_t)dlv_gate_draw(c, v->n), b = (size_t)dlv_gate_draw(c, v->n);
  if (k == 0)
    dlv_gate_buf_set_nan(c, v, a);
  else
    dlv_gate_buf_set(v, a, k == 2 ? -INFINITY : INFINITY);
  if (k == 3 && b != a)
    dlv_gate_buf_set_nan(c, v, b);
  dlv_gate_note(c, "special: %s", kinds[k]);
}

/* tau relative to the exact norm N: 0, below it, above it, or wide. */
static double draw_tau(dlv_gate_case *c, const prox_entry *e, double nrm)
{
  double tau;
  switch (dlv_gate_enum(c, 4)) {
  case 0:
    tau = 0.0;
    break;
  case 1:
    tau = nrm * (double)(1 + dlv_gate_draw(c, 15)) / 16.0;
    break;
  case 2:
    tau = nrm * 2.0;
    break;
  default:
    tau = fabs(dlv_gate_value(c, DLV_GV_WIDE, e->is_float));
  }
  tau = e->is_float ? (double)(float)tau : tau;
  return isfinite(tau) ? tau : 0.0;
}

typedef struct {
  double tau;
  int zero_inc;  /* 1: incv 0, 2: incout 0 */
  int null_arg;  /* 1: v, 2: out */
  int exact_norm;
} prox_args;

/* One argument made inadmissible. */
static void spoil_prox(dlv_gate_case *c, prox_args *a)
{
  switch (dlv_gate_enum(c, 7)) {
  case 0:
    a->tau = -0x1p-149;
    break;
  case 1:
    a->tau = INFINITY;
    break;
  case 2:
    a->tau = NAN;
    break;
  case 3:
  case 4:
    a->zero_inc = 1 + (int)dlv_gate_draw(c, 2);
    break;
  default:
    a->null_arg = 1 + (int)dlv_gate_draw(c, 2);
  }
  dlv_gate_note(c, "arguments: tau %a, zero stride %d, NULL %d", a->tau,
                a->zero_inc, a->null_arg);
}

static int call_prox(const prox_entry *e, const dlv_gate_buf *v,
                     dlv_gate_buf *out, const prox_args *a)
{
  const void *pv = a->null_arg == 1 ? NULL : v->at;
  void *po = a->null_arg == 2 ? NULL : out->at;
  ptrdiff_t iv = a->zero_inc == 1 ? 0 : v->inc;
  ptrdiff_t io = a->zero_inc == 2 ? 0 : out->inc;
  const dlv_backend *b = dlv_gate_backend();
  return e->is_float ? b->prox_group_s(v->n, pv, iv, (float)a->tau, po, io)
                     : b->prox_group_d(v->n, pv, iv, a->tau, po, io);
}


/* The status prox_group.h promises: DLV_EDOM also when ||v|| rounds to
 * an infinity in the dtype; *either is set when N is so close to the
 * overflow threshold that DLV_OK is right as well (within the nrm2 bound). */
static int prox_status(const prox_entry *e, const prox_args *a, size_t n,
                       mpfr_srcptr nrm, int ref_status, int *either)
{
  *either = 0;
  if (a->null_arg || a->zero_inc || !(a->tau >= 0.0 && isfinite(a->tau)))
    return DLV_EINVAL;
  if (ref_status != DLV_OK || n == 0)
    return ref_status;
  double big = e->is_float ? FLT_MAX : DBL_MAX;
  int p = e->is_float ? FLT_MANT_DIG : DBL_MANT_DIG;
  double beta = e->is_float ? dlv_bound_nrm2_s(n).rel : dlv_bound_nrm2_d(n).rel;
  /* the threshold max + half an ulp */
  double half_ulp = ldexp(1.0, (e->is_float ? FLT_MAX_EXP : DBL_MAX_EXP) - p - 1);
  mpfr_t thr, lo, hi;
  mpfr_inits2(2 * p + 8, thr, lo, hi, (mpfr_ptr)0);
  mpfr_set_d(thr, big, MPFR_RNDN);
  mpfr_add_d(thr, thr, half_ulp, MPFR_RNDN);
  mpfr_mul_d(lo, nrm, 1.0 - beta, MPFR_RNDD);
  mpfr_mul_d(hi, nrm, 1.0 + beta, MPFR_RNDU);
  int over = mpfr_cmp(lo, thr) >= 0;
  *either = !over && mpfr_cmp(hi, thr) >= 0;
  mpfr_clears(thr, lo, hi, (mpfr_ptr)0);
  return over ? DLV_EDOM : DLV_OK;
}

static void compare_prox(dlv_gate_case *c, const prox_entry *e,
                         const dlv_gate_buf *out, const double *vd,
                         mpfr_t *exact, double nrm, const prox_args *a)
{
  size_t n = out->n;
  dlv_bound_prox b = dlv_bound_prox_group_norm(n, nrm, e->is_float);
  if (a->exact_norm)
    b = e->is_float ? dlv_bound_prox_exact_norm_s()
                    : dlv_bound_prox_exact_norm_d();
  for (size_t i = 0; i < n && !dlv_gate_failed(c); i++) {
    double got = dlv_gate_buf_get(out, i);
    if (mpfr_zero_p(exact[i]) && !mpfr_signbit(exact[i]) && got == 0.0 &&
        signbit(got))
      dlv_gate_fail(c, "out[%zu] = -0, the zero branch writes +0", i);
    dlv_gate_cmp_mp(c, "out", i, got, exact[i],
                    (dlv_bound){b.rel, b.v * fabs(vd[i]) + b.abs}, e->is_float);
  }
}

/* Whether the kernel's own norm of v (dlv_nrm2_*) is the exact one. */
static int norm_is_exact(const prox_entry *e, const dlv_gate_buf *v,
                         double nrm)
{
  if (e->is_float) {
    float r;
    return dlv_nrm2_s(v->n, v->at, v->inc, &r) == DLV_OK && r == nrm;
  }
  double r;
  return dlv_nrm2_d(v->n, v->at, v->inc, &r) == DLV_OK && r == nrm;
}

/* The norm's limits (nrm2's, contract.h): each block of the first
 * blocking constant gets its own class (so that blocks take the unscaled
 * and the scaled paths side by side), then one element sits at a limit
 * exactly or one ulp either side (a block-sum limit L at sqrt(L), exact:
 * L is an even power of two). */
static void fill_limit(dlv_gate_case *c, const prox_entry *e,
                       dlv_gate_buf *v, size_t block)
{
  static const int classes[] = {-1,          DLV_GV_UNIT, DLV_GV_WIDE,
                                DLV_GV_SUBNORMAL, DLV_GV_UNIT, DLV_GV_UNIT,
                                DLV_GV_UNIT};
  int k = 0, big = 0; /* k >= 4: unit values times 2^big (scaled path) */
  for (size_t i = 0; i < v->n; i++) {
    if (i % block == 0) {
      k = (int)dlv_gate_draw(c, 7);
      big = k < 4 ? 0
                  : (e->is_float ? 40 : 470) + (int)dlv_gate_draw(c, 30);
    }
    double x = classes[k] < 0 ? 0.0 : dlv_gate_value(c, classes[k], e->is_float);
    dlv_gate_buf_set(v, i, ldexp(x, big));
  }
  size_t nl = dlv_contract_nlimits(e->k);
  const dlv_contract_limit *lim =
      &e->k->limits[dlv_gate_enum(c, (unsigned)nl)];
  double at = strcmp(lim->name, "xmax") == 0 ? lim->value : sqrt(lim->value);
  int which;
  double x = dlv_gate_limit(c, at, e->is_float, &which);
  size_t pos = (size_t)dlv_gate_draw(c, v->n);
  dlv_gate_buf_set(v, pos, dlv_gate_draw(c, 2) ? -x : x);
  dlv_gate_note(c, "blocks of classes; limit %s %s at %zu (%a)", lim->name,
                which == 0 ? "exactly" : which < 0 ? "minus one ulp"
                                                   : "plus one ulp",
                pos, x);
}

/* Fills v for the scenario; returns the threshold-scenario exact norm (or
 * -1). */
static double fill_v(dlv_gate_case *c, const prox_entry *e, unsigned kind,
                     dlv_gate_buf *v, size_t block)
{
  if (kind == PX_THRESHOLD)
    return place_tuple(c, e, v);
  if (kind == PX_LIMIT) {
    fill_limit(c, e, v, block);
    return -1.0;
  }
  if (kind == PX_CLASS && dlv_gate_enum(c, 5) == 0) {
    for (size_t i = 0; i < v->n; i++) /* the zero vector: N = 0 */
      dlv_gate_buf_set(v, i, dlv_gate_draw(c, 2) ? -0.0 : 0.0);
    dlv_gate_note(c, "v = 0");
    return -1.0;
  }
  int vclass = dlv_gate_vclass(c);
  dlv_gate_buf_fill(c, v, vclass);
  dlv_gate_note(c, "values %s", dlv_gate_vclass_name(vclass));
  if (kind == PX_SPECIAL)
    special_values(c, v);
  if (kind == PX_ARGS) /* the argument's DLV_EINVAL first (prox_group.h) */
    dlv_gate_note(c, "v %s", dlv_gate_buf_spoil(c, v));
  return -1.0;
}

/* The status, then the output (or its being untouched on error). */
static void compare_call(dlv_gate_case *c, const prox_entry *e,
                         const dlv_gate_buf *out, int status, int want,
                         const double *vd, mpfr_t *exact, double nd,
                         const prox_args *a)
{
  if (dlv_gate_cmp_status(c, "status", status, want)) {
    if (status == DLV_OK)
      compare_prox(c, e, out, vd, exact, nd, a);
    else
      dlv_gate_buf_unchanged(c, out, "out on error");
  }
}

/* prox_group of a vector of the stride-magnitude class, out at the same
 * stride: the exact result, or a refusal the contract or the backend
 * allows (dlv_gate_refusal). */
static void prox_huge(dlv_gate_case *c, const void *ctx, dlv_gate_huge h)
{
  const prox_entry *e = ctx;
  dlv_gate_buf v, out;
  dlv_gate_buf_make(c, &v, e->elem, h.n, h.inc);
  int readable = dlv_gate_buf_readable(&v);
  if (readable)
    dlv_gate_buf_fill(c, &v, DLV_GV_UNIT);
  dlv_gate_buf_freeze(c, &v);
  dlv_gate_buf_make(c, &out, e->elem, h.n, h.inc);
  dlv_gate_buf_freeze(c, &out);
  const dlv_gate_buf *vec[] = {&v, &out}, *outs[] = {&out};
  if (!dlv_gate_huge_runnable(c, DLV_BK_PROX_GROUP, e->is_float, vec, 2))
    return;
  size_t n = readable ? h.n : 0; /* the reference's length */
  double *vd = readable ? contiguous(c, &v) : dlv_gate_alloc(c, sizeof *vd);
  mpfr_t nrm, *exact = dlv_mp_vec_alloc(n + 1, dlv_mp_prec());
  mpfr_init2(nrm, dlv_mp_prec());
  int ref_nrm = dlv_ref_nrm2(n, vd, 1, nrm);
  double nd = mpfr_get_d(nrm, MPFR_RNDN);
  prox_args a = {e->is_float ? (float)(nd / 2) : nd / 2, 0, 0, 0};
  int either, ref = dlv_ref_prox_group(n, vd, 1, a.tau, exact);
  int want = prox_status(e, &a, n, nrm, ref_nrm != DLV_OK ? ref_nrm : ref,
                         &either);
  if (dlv_gate_has_caps(DLV_BK_PROX_GROUP, e->is_float,
                        dlv_gate_io_caps(&v, &out, want))) {
    int status = call_prox(e, &v, &out, &a);
    if (!dlv_gate_refusal(c, DLV_BK_PROX_GROUP, e->is_float, status, vec, 2,
                          outs, 1))
      compare_call(c, e, &out, status, want, vd, exact, nd, &a);
  }
  dlv_mp_vec_free(exact, n + 1);
  mpfr_clear(nrm);
  dlv_gate_buf_guards_ok(c, &out, "out");
  dlv_gate_buf_unchanged(c, &v, "v");
}

/* prox_group on a declared-limit probe's vectors v, out (same stride),
 * tau = 1 (dlv_gate_probe_limits). */
static int probe_prox(const void *ctx, size_t n, ptrdiff_t inc,
                      void *const *vec)
{
  const prox_entry *e = ctx;
  const dlv_backend *b = dlv_gate_backend();
  return e->is_float ? b->prox_group_s(n, vec[0], inc, 1.0f, vec[1], inc)
                     : b->prox_group_d(n, vec[0], inc, 1.0, vec[1], inc);
}

/* stride.h's span limit at its edge (dlv_gate_each_span_edge), on
 * dlverify's own kernels: v (argument 0) or out (argument 1) at the edge,
 * the other vector at stride 1, and a bad tau, whose DLV_EINVAL
 * prox_group.h orders after both spans' checks: at the edge the call
 * returns it, one past it DLV_EBADLEN; nothing read past the one element
 * each buffer holds, nothing written. */
typedef struct {
  const prox_entry *e;
  double tau;
  dlv_gate_buf v, out;
} span_ctx;

static int span_call(const void *ctx, int arg, dlv_gate_span s, int *later)
{
  const span_ctx *k = ctx;
  ptrdiff_t iv = arg == 0 ? s.inc : 1, io = arg == 0 ? 1 : s.inc;
  *later = DLV_EINVAL;
  return k->e->is_float
             ? dlv_prox_group_s(s.n, k->v.at, iv, (float)k->tau, k->out.at, io)
             : dlv_prox_group_d(s.n, k->v.at, iv, k->tau, k->out.at, io);
}

static void prox_span_edges(dlv_gate_case *c, const prox_entry *e)
{
  if (!dlv_gate_builtin_only(c))
    return;
  static const double taus[] = {-1.0, INFINITY, NAN};
  span_ctx k = {.e = e, .tau = taus[dlv_gate_draw(c, 3)]};
  dlv_gate_buf_make(c, &k.v, e->elem, 1, 1);
  dlv_gate_buf_fill(c, &k.v, DLV_GV_UNIT);
  dlv_gate_buf_make(c, &k.out, e->elem, 1, 1);
  dlv_gate_buf_freeze(c, &k.v);
  dlv_gate_buf_freeze(c, &k.out);
  dlv_gate_held held[] = {{&k.out, "out on error"}, {&k.v, "v"}};
  dlv_gate_each_span_edge(c, e->k->flags, 2, span_call, &k, held, 2);
}

static void prox_case(dlv_gate_case *c, const prox_entry *e)
{
  unsigned kind = dlv_gate_enum(c, PX_NKINDS);
  if (kind == PX_ARGS && dlv_gate_enum(c, 4) == 3) {
    prox_span_edges(c, e);
    return;
  }
  if (kind == PX_HUGE &&
      dlv_gate_periodic(c, DLV_GATE_HUGE_PERIOD, 2 * PX_NKINDS)) {
    dlv_gate_each_huge(c, e->k->flags, DLV_BK_PROX_GROUP, e->is_float,
                       prox_huge, e);
    dlv_gate_probe_limits(c, e->k->flags, DLV_BK_PROX_GROUP, e->is_float, 2,
                          probe_prox, e);
    return;
  }
  if (kind == PX_HUGE)
    kind = PX_CLASS; /* the class runs once per period */
  size_t blocks[DLV_CONTRACT_MAX_BLOCKS];
  size_t nb = dlv_contract_block_sizes(e->k, blocks);
  size_t nmax = 4 * (nb ? blocks[0] : 64);
  size_t n = dlv_gate_extent(c, blocks, nb, kind == PX_CLASS ? 0 : 4, nmax);
  ptrdiff_t inc = dlv_gate_stride(c, e->k->flags);
  dlv_gate_buf v, own;
  dlv_gate_buf_make(c, &v, e->elem, n, inc);
  dlv_gate_note(c, "n %zu, incv %td", n, inc);
  double tuple_norm = fill_v(c, e, kind, &v, nb ? blocks[0] : 64);
  dlv_gate_buf_freeze(c, &v);
  double *vd = contiguous(c, &v);
  mpfr_t nrm;
  mpfr_init2(nrm, dlv_mp_prec());
  int ref_nrm = dlv_ref_nrm2(n, vd, 1, nrm);
  double nd = mpfr_get_d(nrm, MPFR_RNDN);
  prox_args a = {draw_tau(c, e, nd), 0, 0, 0};
  if (kind == PX_THRESHOLD) {
    int which;
    a.tau = dlv_gate_limit(c, tuple_norm, e->is_float, &which);
    a.exact_norm = norm_is_exact(e, &v, tuple_norm);
    dlv_gate_note(c, "tau = ||v|| %s%s",
                  which == 0 ? "exactly" : which < 0 ? "minus one ulp" : "plus one ulp",
                  a.exact_norm ? " (computed norm exact)" : "");
  } else if (kind == PX_ARGS) {
    spoil_prox(c, &a);
  }
  dlv_gate_note(c, "tau %a", a.tau);
  dlv_gate_buf *out =
      dlv_gate_vec_output(c, e->k->flags, &v, &own, e->elem, "out");
  mpfr_t *exact = dlv_mp_vec_alloc(n + 1, dlv_mp_prec());
  if (exact == NULL)
    abort();
  int either;
  int ref = a.tau >= 0.0 && isfinite(a.tau)
                ? dlv_ref_prox_group(n, vd, 1, a.tau, exact)
                : DLV_EINVAL;
  int want = prox_status(e, &a, n, nrm, ref_nrm != DLV_OK ? ref_nrm : ref,
                         &either);
  if (!dlv_gate_supports(c, DLV_BK_PROX_GROUP, e->is_float,
                         dlv_gate_io_caps(&v, out, want))) {
    dlv_mp_vec_free(exact, n + 1);
    mpfr_clear(nrm);
    return;
  }
  int status = call_prox(e, &v, out, &a);
  if (either && status == DLV_EDOM)
    want = DLV_EDOM;
  compare_call(c, e, out, status, want, vd, exact, nd, &a);
  dlv_mp_vec_free(exact, n + 1);
  mpfr_clear(nrm);
  dlv_gate_buf_guards_ok(c, out, "out");
  if (out != &v)
    dlv_gate_buf_unchanged(c, &v, "v");
}

static void prox_group_d(dlv_gate_case *c)
{
  prox_entry e = entry_of("dlv_prox_group_d", 0);
  prox_case(c, &e);
}

static void prox_group_s(dlv_gate_case *c)
{
  prox_entry e = entry_of("dlv_prox_group_s", 1);
  prox_case(c, &e);
}

/* ---- dlv_prox_grad_d ------------------------------------------------------ */

/* l(theta) = sum_i a_i (theta_i - c_i)^2 / 2, a_i in 1..4; its gradient
 * a_i (theta_i - c_i) in double.  fail_at: the call (1-based) that returns
 * DLV_EDOM, 0 for none. */
typedef struct {
  size_t n;
  const double *a, *c;
  unsigned long calls, fail_at;
} quad_loss;

static int quad(const double *theta, double *value, double *grad, void *ctx)
{
  quad_loss *q = ctx;
  if (++q->calls == q->fail_at)
    return DLV_EDOM;
  double s = 0.0;
  for (size_t i = 0; i < q->n; i++) {
    double d = theta[i] - q->c[i];
    if (grad != NULL)
      grad[i] = q->a[i] * d;
    s += q->a[i] * d * d;
  }
  if (value != NULL)
    *value = 0.5 * s;
  return DLV_OK;
}

/* One run: theta (n, guarded) from theta0, info in a guarded byte zone. */
typedef struct {
  dlv_gate_buf theta, info;
  int status;
  dlv_pg_info got;
} pg_run;

static void pg_call(dlv_gate_case *c, size_t n, quad_loss *q, double lambda,
                    const dlv_pg_opts *o, const double *theta0, pg_run *r)
{
  dlv_gate_buf_make(c, &r->theta, sizeof(double), n ? n : 1, 1);
  for (size_t i = 0; i < n; i++)
    dlv_gate_buf_set(&r->theta, i, theta0[i]);
  dlv_gate_buf_make(c, &r->info, 1, sizeof(dlv_pg_info), 1);
  double *work = dlv_gate_alloc(c, (3 * n + 1) * sizeof *work);
  r->status = dlv_prox_grad_d(n, quad, q, lambda, o, r->theta.at, work,
                              r->info.at);
  memcpy(&r->got, r->info.at, sizeof r->got);
  dlv_gate_buf_guards_ok(c, &r->theta, "theta");
  dlv_gate_buf_guards_ok(c, &r->info, "info");
}

/* The info of a run against the stopping rule: converged exactly when
 * gmap <= tol scale; not converged only after max_iter steps. */
static void check_rule(dlv_gate_case *c, const dlv_pg_info *in,
                       const dlv_pg_opts *o)
{
  int fired = in->gmap <= o->tol * in->scale;
  if (in->converged != fired)
    dlv_gate_fail(c, "converged %d, but gmap %a <= tol %a * scale %a is %d",
                  in->converged, in->gmap, o->tol, in->scale, fired);
  else if (in->iters < 1 || in->iters > o->max_iter ||
           (!in->converged && in->iters != o->max_iter))
    dlv_gate_fail(c, "iters %zu with max_iter %zu, converged %d", in->iters,
                  o->max_iter, in->converged);
}

/* One step from x (doubles) against MPFR: theta^ (the kernel's one-step
 * result) and its info. */
static void compare_step(dlv_gate_case *c, quad_loss *q, double lambda,
                         double t, const double *x, const pg_run *one)
{
  size_t n = q->n;
  mpfr_prec_t prec = dlv_mp_prec();
  double *g = dlv_gate_alloc(c, (n + 1) * sizeof *g);
  quad(x, NULL, g, &(quad_loss){n, q->a, q->c, 0, 0});
  mpfr_t *y = dlv_mp_vec_alloc(n, prec), *p = dlv_mp_vec_alloc(n, prec);
  mpfr_t tmp, gn;
  mpfr_inits2(prec, tmp, gn, (mpfr_ptr)0);
  for (size_t i = 0; i < n; i++) { /* y = x - t g^, exact */
    mpfr_set_d(y[i], g[i], MPFR_RNDN);
    mpfr_mul_d(y[i], y[i], -t, MPFR_RNDN);
    mpfr_add_d(y[i], y[i], x[i], MPFR_RNDN);
  }
  dlv_ref_prox_group_mp(n, y, t * lambda, p);
  /* theta^: elementwise within pg_elem */
  double dn = 0.0, en = 0.0;
  for (size_t i = 0; i < n; i++) {
    double d = dlv_bound_pg_delta(fabs(mpfr_get_d(y[i], MPFR_RNDU)));
    dn += d * d;
  }
  dn = sqrt(dn) * (1.0 + 0x1p-40);
  double ynorm = 0.0;
  for (size_t i = 0; i < n; i++) {
    double yi = mpfr_get_d(y[i], MPFR_RNDN);
    ynorm = hypot(ynorm, yi);
  }
  dlv_bound_prox b = dlv_bound_prox_group_norm(n, ynorm * (1.0 - 0x1p-40), 0);
  for (size_t i = 0; i < n; i++) {
    double ya = fabs(mpfr_get_d(y[i], MPFR_RNDU));
    double ei = dlv_bound_pg_elem(b, dn, ya, dlv_bound_pg_delta(ya),
                                  fabs(mpfr_get_d(p[i], MPFR_RNDU)));
    en = hypot(en, ei);
    if (!dlv_gate_failed(c))
      dlv_gate_cmp_mp(c, "theta", i, dlv_gate_buf_get(&one->theta, i), p[i],
                      (dlv_bound){0.0, ei}, 0);
  }
  /* scale = ||g^|| + lambda */
  dlv_ref_nrm2(n, g, 1, gn);
  mpfr_add_d(gn, gn, lambda, MPFR_RNDN);
  dlv_gate_cmp_mp(c, "info.scale", 0, one->got.scale, gn,
                  dlv_bound_pg_scale(n), 0);
  /* gmap = ||x - P(y)|| / t */
  for (size_t i = 0; i < n; i++) {
    mpfr_d_sub(p[i], x[i], p[i], MPFR_RNDN);
    mpfr_sqr(p[i], p[i], MPFR_RNDN);
  }
  dlv_mp_sum(tmp, p, n);
  mpfr_sqrt(tmp, tmp, MPFR_RNDN);
  mpfr_div_d(tmp, tmp, t, MPFR_RNDN);
  dlv_gate_cmp_mp(c, "info.gmap", 0, one->got.gmap, tmp,
                  dlv_bound_pg_gmap(n, en * (1.0 + 0x1p-40), t), 0);
  mpfr_clears(tmp, gn, (mpfr_ptr)0);
  dlv_mp_vec_free(y, n);
  dlv_mp_vec_free(p, n);
}

static int same_info(const dlv_pg_info *a, const dlv_pg_info *b)
{
  return a->converged == b->converged &&
         memcmp(&a->gmap, &b->gmap, sizeof a->gmap) == 0 &&
         memcmp(&a->scale, &b->scale, sizeof a->scale) == 0;
}

/* K steps = K - 1 steps, then one (bitwise); the one step against MPFR. */
static void pg_check_run(dlv_gate_case *c, quad_loss *q, double lambda,
                         const dlv_pg_opts *o, const double *theta0)
{
  size_t n = q->n;
  pg_run all, before, one;
  pg_call(c, n, q, lambda, o, theta0, &all);
  if (!dlv_gate_cmp_status(c, "status", all.status, DLV_OK))
    return;
  check_rule(c, &all.got, o);
  if (dlv_gate_failed(c))
    return;
  size_t j = all.got.iters;
  const double *x = theta0;
  if (j > 1) {
    dlv_pg_opts ob = *o;
    ob.max_iter = j - 1;
    pg_call(c, n, q, lambda, &ob, theta0, &before);
    if (before.got.iters != j - 1 || before.got.converged)
      dlv_gate_fail(c, "%zu steps converged or stopped early (iters %zu), "
                       "but %zu steps did not", j - 1, before.got.iters, j);
    x = contiguous(c, &before.theta);
  }
  dlv_pg_opts o1 = *o;
  o1.max_iter = 1;
  pg_call(c, n, q, lambda, &o1, x, &one);
  for (size_t i = 0; i < n && !dlv_gate_failed(c); i++)
    dlv_gate_cmp_same(c, "theta (K steps vs K-1 steps and one)", i,
                      dlv_gate_buf_get(&all.theta, i),
                      dlv_gate_buf_get(&one.theta, i));
  if (!dlv_gate_failed(c) && !same_info(&all.got, &one.got))
    dlv_gate_fail(c, "info of the last step differs: gmap %a / %a, scale "
                     "%a / %a", all.got.gmap, one.got.gmap, all.got.scale,
                  one.got.scale);
  if (!dlv_gate_failed(c))
    compare_step(c, q, lambda, o->step, x, &one);
}

/* The argument errors of prox_group.h, one at a time. */
static void pg_check_args(dlv_gate_case *c, quad_loss *q, double lambda,
                          const dlv_pg_opts *o, const double *theta0)
{
  size_t n = q->n;
  dlv_pg_opts ob = *o;
  unsigned k = dlv_gate_enum(c, 14);
  static const char *const what[] = {
      "NULL loss", "NULL opts", "NULL theta", "NULL work", "NULL info",
      "n = 0",     "lambda < 0", "lambda Inf", "lambda NaN", "step 0",
      "step < 0",  "step Inf",  "tol < 0",    "max_iter 0"};
  dlv_gate_note(c, "argument: %s", what[k]);
  lambda = k == 6 ? -0x1p-1074 : k == 7 ? INFINITY : k == 8 ? NAN : lambda;
  ob.step = k == 9 ? 0.0 : k == 10 ? -ob.step : k == 11 ? INFINITY : ob.step;
  ob.tol = k == 12 ? -0x1p-1074 : ob.tol;
  ob.max_iter = k == 13 ? 0 : ob.max_iter;
  dlv_gate_buf th, info;
  dlv_gate_buf_make(c, &th, sizeof(double), n, 1);
  for (size_t i = 0; i < n; i++)
    dlv_gate_buf_set(&th, i, theta0[i]);
  dlv_gate_buf_make(c, &info, 1, sizeof(dlv_pg_info), 1);
  dlv_gate_buf_freeze(c, &th);
  dlv_gate_buf_freeze(c, &info);
  double *work = dlv_gate_alloc(c, (3 * n + 1) * sizeof *work);
  int status = dlv_prox_grad_d(k == 5 ? 0 : n, k == 0 ? NULL : quad, q,
                               lambda, k == 1 ? NULL : &ob,
                               k == 2 ? NULL : th.at, k == 3 ? NULL : work,
                               k == 4 ? NULL : info.at);
  dlv_gate_cmp_status(c, "status", status, k == 5 ? DLV_EBADLEN : DLV_EINVAL);
  dlv_gate_buf_unchanged(c, &th, "theta on error");
  dlv_gate_buf_unchanged(c, &info, "info on error");
}

/* A loss that fails at call f: its status is returned, theta untouched. */
static void pg_check_loss_error(dlv_gate_case *c, quad_loss *q, double lambda,
                                const dlv_pg_opts *o, const double *theta0)
{
  q->fail_at = 1 + dlv_gate_draw(c, o->max_iter < 4 ? o->max_iter : 4);
  dlv_gate_note(c, "loss fails at call %lu", q->fail_at);
  pg_run r;
  dlv_gate_buf th;
  pg_call(c, q->n, q, lambda, o, theta0, &r);
  (void)th;
  if (q->calls < q->fail_at) /* converged before */
    return;
  dlv_gate_cmp_status(c, "status", r.status, DLV_EDOM);
  for (size_t i = 0; i < q->n && !dlv_gate_failed(c); i++)
    dlv_gate_cmp_same(c, "theta on error", i, dlv_gate_buf_get(&r.theta, i),
                      theta0[i]);
}

static void prox_grad_d(dlv_gate_case *c)
{
  if (!dlv_gate_builtin_only(c))
    return;
  unsigned kind = dlv_gate_enum(c, 4); /* 0, 1 runs; 2 args; 3 loss error */
  /* biased to small, up to past two blocks of the norm (nrm2) */
  size_t n = dlv_gate_extent(c, NULL, 0, 1, 2 * DLV_NRM2_BLOCK + 64);
  double *a = dlv_gate_alloc(c, n * sizeof *a);
  double *cc = dlv_gate_alloc(c, n * sizeof *cc);
  double *theta0 = dlv_gate_alloc(c, n * sizeof *theta0);
  double g0 = 0.0;
  for (size_t i = 0; i < n; i++) {
    a[i] = 1.0 + (double)dlv_gate_draw(c, 4);
    cc[i] = dlv_gate_value(c, DLV_GV_UNIT, 0);
    theta0[i] = dlv_gate_value(c, DLV_GV_UNIT, 0);
    g0 = hypot(g0, a[i] * cc[i]);
  }
  static const double lam_f[] = {0.0, 0.25, 0.9, 1.5};
  double lambda = lam_f[dlv_gate_enum(c, 4)] * g0; /* 1.5: minimizer 0 */
  static const double tols[] = {0x1p-40, 0.0, 0x1p-10, 1.0};
  static const size_t iters[] = {1, 2, 3, 17, 1000};
  dlv_pg_opts o = {dlv_gate_enum(c, 2) ? 0.125 : 0.25, /* <= 1/L, L <= 4 */
                   tols[dlv_gate_enum(c, 4)], iters[dlv_gate_enum(c, 5)]};
  dlv_gate_note(c, "n %zu, lambda %a, step %g, tol %a, max_iter %zu", n,
                lambda, o.step, o.tol, o.max_iter);
  quad_loss q = {n, a, cc, 0, 0};
  if (kind == 2)
    pg_check_args(c, &q, lambda, &o, theta0);
  else if (kind == 3)
    pg_check_loss_error(c, &q, lambda, &o, theta0);
  else
    pg_check_run(c, &q, lambda, &o, theta0);
}

/* ---- dlv_l2reg_grad_d ----------------------------------------------------- */

/* Data where c theta_i alone overflows and grad_i cancels most of it:
 * theta_i = s 2^1022 (1 + f), c = 4 (so |c theta_i| >= 2^1024), grad_i =
 * -s 2^1023 (1 + f'), f, f' in [0, 1): the exact entry 2^1023 s (1 + 2f -
 * f') is finite for about three entries in four (the others overflow,
 * and the comparator then accepts Inf).  Returns c. */
static double fill_overflowing_term(dlv_gate_case *c, dlv_gate_buf *g,
                                    dlv_gate_buf *th)
{
  for (size_t i = 0; i < g->n; i++) {
    double s = dlv_gate_draw(c, 2) ? -1.0 : 1.0;
    double f = ldexp((double)dlv_gate_draw(c, (uint64_t)1 << 52), -52);
    double f2 = ldexp((double)dlv_gate_draw(c, (uint64_t)1 << 52), -52);
    dlv_gate_buf_set(th, i, s * 0x1p1022 * (1.0 + f));
    dlv_gate_buf_set(g, i, -s * 0x1p1023 * (1.0 + f2));
  }
  dlv_gate_note(c, "c theta_i overflows alone, grad_i cancels it");
  return 4.0;
}

static void l2reg_grad_d(dlv_gate_case *c)
{
  if (!dlv_gate_builtin_only(c))
    return;
  unsigned kind = dlv_gate_enum(c, 3); /* 0 values; 1 overflow; 2 args */
  size_t n = dlv_gate_extent(c, NULL, 0, 1, 300);
  int vclass = dlv_gate_vclass(c);
  dlv_gate_buf g, th, own;
  dlv_gate_buf_make(c, &g, sizeof(double), n, 1);
  dlv_gate_buf_make(c, &th, sizeof(double), n, 1);
  dlv_gate_buf_fill(c, &g, vclass);
  dlv_gate_buf_fill(c, &th, vclass);
  static const double cs[] = {1.0, 0.0, -0.5, 0x1p-1074, 0x1p1000};
  double cv = dlv_gate_enum(c, 6) == 5 ? dlv_gate_value(c, DLV_GV_MIXED, 0)
                                       : cs[dlv_gate_draw(c, 5)];
  if (kind == 1)
    cv = fill_overflowing_term(c, &g, &th);
  int in_place = (dlv_contract_find("dlv_l2reg_grad_d")->flags &
                  DLV_CONTRACT_IN_PLACE) &&
                 dlv_gate_enum(c, 2) == 1;
  unsigned bad = kind == 2 ? 1 + dlv_gate_enum(c, 6) : 0;
  cv = bad == 1 ? INFINITY : bad == 2 ? NAN : cv;
  dlv_gate_note(c, "n %zu, values %s, c %a%s, argument error %u", n,
                dlv_gate_vclass_name(vclass), cv, in_place ? ", in place" : "",
                bad);
  double *gd = contiguous(c, &g), *td = contiguous(c, &th);
  dlv_gate_buf_freeze(c, &th);
  dlv_gate_buf *out = &g;
  if (!in_place) {
    dlv_gate_buf_make(c, &own, sizeof(double), n, 1);
    dlv_gate_buf_freeze(c, &own);
    dlv_gate_buf_freeze(c, &g);
    out = &own;
  } else {
    dlv_gate_buf_freeze(c, &g);
  }
  int status = dlv_l2reg_grad_d(bad == 6 ? 0 : n, bad == 3 ? NULL : g.at,
                                bad == 4 ? NULL : th.at, cv,
                                bad == 5 ? NULL : out->at);
  int want = bad == 6 ? DLV_EBADLEN : bad ? DLV_EINVAL : DLV_OK;
  if (dlv_gate_cmp_status(c, "status", status, want) && want == DLV_OK) {
    mpfr_t x;
    mpfr_init2(x, dlv_mp_prec());
    for (size_t i = 0; i < n && !dlv_gate_failed(c); i++) {
      mpfr_set_d(x, td[i], MPFR_RNDN);
      mpfr_mul_d(x, x, cv, MPFR_RNDN); /* exact at >= 256 bits */
      double ct = fabs(mpfr_get_d(x, MPFR_RNDU));
      mpfr_add_d(x, x, gd[i], MPFR_RNDN);
      dlv_gate_cmp_mp(c, "out", i, dlv_gate_buf_get(out, i), x,
                      dlv_bound_l2reg_elem(ct), 0);
    }
    mpfr_clear(x);
  } else if (want != DLV_OK) {
    dlv_gate_buf_unchanged(c, out, "out on error");
  }
  dlv_gate_buf_guards_ok(c, out, "out");
  dlv_gate_buf_unchanged(c, &th, "theta");
  if (!in_place)
    dlv_gate_buf_unchanged(c, &g, "grad");
}

static const dlv_gate_entry entries[] = {
    {"dlv_prox_group_d", prox_group_d},
    {"dlv_prox_group_s", prox_group_s},
    {"dlv_prox_grad_d", prox_grad_d},
    {"dlv_l2reg_grad_d", l2reg_grad_d},
};

/* prox_group's contract repeats the norm's limits (nrm2.h). */
const dlv_gate_family dlv_gate_prox = {
    "prox", entries, sizeof entries / sizeof entries[0], .via_backend = 1,
    .limit_models = dlv_gate_nrm2_limit_models,
    .n_limit_models = DLV_GATE_N_NRM2_LIMIT_MODELS};
