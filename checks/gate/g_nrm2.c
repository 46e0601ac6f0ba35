/* g_nrm2.c: gate family nrm2: dlv_nrm2_{d,s} and dlv_nrm2_grad_{d,s}
 * against their MPFR twins (reference/ref_nrm2.h) over the contract of
 * kernels/nrm2.h: every stride class (input and output strides apart,
 * in place), every tail length modulo the block and lane counts and
 * extents across them, each documented limit exactly and one ulp either
 * side (the unscaled block-sum range and the largest finite entry), the
 * special values, and every value class.  Bounds: dlv_bound_nrm2_* and
 * dlv_bound_nrm2_grad_* (checks/bounds.h).  The kernels are called through
 * the backend under test (dlv_gate_backend): a case needing a stride class,
 * in place or the status protocol the backend lacks is skipped. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "contract.h"
#include "dlv_status.h"
#include "gate.h"
#include "mp.h"
#include "nrm2.h" /* the blocking constants (kernels via the backend) */
#include "ref_nrm2.h"

/* What a case sets up: the entry, its dtype and contract. */
typedef struct {
  const dlv_contract *k;
  int is_float;
  size_t elem;
} nrm2_entry;

static nrm2_entry entry_of(const char *name, int is_float)
{
  return (nrm2_entry){dlv_contract_find(name), is_float,
                      is_float ? sizeof(float) : sizeof(double)};
}

/* Data scenarios: values of one class; a documented limit placed at one
 * element (others 0, so a block's sum of squares sits exactly at, just
 * below or just above it); special values (an Inf, a NaN, both). */
enum { DATA_CLASS, DATA_LIMIT, DATA_SPECIAL, DATA_HUGE, DATA_NSCENARIOS };

static void fill_limit(dlv_gate_case *c, const nrm2_entry *e,
                       dlv_gate_buf *x)
{
  size_t nl = dlv_contract_nlimits(e->k);
  const dlv_contract_limit *lim = &e->k->limits[dlv_gate_enum(c, (unsigned)nl)];
  /* a block-sum limit L is reached by one entry sqrt(L) (exact: L is an
   * even power of two); the entry limit xmax by the entry itself */
  double at = strcmp(lim->name, "xmax") == 0 ? lim->value : sqrt(lim->value);
  int which;
  double v = dlv_gate_limit(c, at, e->is_float, &which);
  size_t pos = (size_t)dlv_gate_draw(c, x->n);
  for (size_t i = 0; i < x->n; i++)
    dlv_gate_buf_set(x, i, 0.0);
  dlv_gate_buf_set(x, pos, dlv_gate_draw(c, 2) ? -v : v);
  dlv_gate_note(c, "limit %s %s one ulp (%a) at %zu", lim->name,
                which == 0 ? "exactly, not" : which < 0 ? "minus" : "plus", v,
                pos);
}

/* One special value or two (NaN and an Inf), or every element +-0 (the
 * norm 0: the gradient's DLV_EDOM at n >= 1, not only at n = 0). */
static void fill_special(dlv_gate_case *c, dlv_gate_buf *x)
{
  static const char *const kinds[] = {"Inf", "NaN", "Inf and NaN", "-Inf",
                                      "every element +-0"};
  unsigned k = dlv_gate_enum(c, 5);
  dlv_gate_buf_fill(c, x, DLV_GV_UNIT);
  if (k == 4) {
    for (size_t i = 0; i < x->n; i++)
      dlv_gate_buf_set(x, i, dlv_gate_draw(c, 2) ? -0.0 : 0.0);
    dlv_gate_note(c, "special: %s", kinds[k]);
    return;
  }
  size_t a = (size_t)dlv_gate_draw(c, x->n), b = (size_t)dlv_gate_draw(c, x->n);
  if (k == 1)
    dlv_gate_buf_set_nan(c, x, a);
  else
    dlv_gate_buf_set(x, a, k == 3 ? -INFINITY : INFINITY);
  if (k == 2 && b != a)
    dlv_gate_buf_set_nan(c, x, b);
  dlv_gate_note(c, "special: %s", kinds[k]);
}

/* Draws the extent, the stride and the data of x (frozen: an input).
 * Returns DATA_HUGE, with nothing made, for the stride-magnitude class
 * (its cases make their own vectors, gate.h). */
static int make_input(dlv_gate_case *c, const nrm2_entry *e, dlv_gate_buf *x,
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
  size_t n = dlv_gate_extent(c, blocks, nb, scenario == DATA_CLASS ? min_n : 1,
                             4 * DLV_NRM2_BLOCK);
  ptrdiff_t inc = dlv_gate_stride(c, e->k->flags);
  dlv_gate_buf_make(c, x, e->elem, n, inc);
  if (scenario == DATA_LIMIT) {
    fill_limit(c, e, x);
  } else if (scenario == DATA_SPECIAL) {
    fill_special(c, x);
  } else {
    int vclass = dlv_gate_vclass(c);
    dlv_gate_buf_fill(c, x, vclass);
    dlv_gate_note(c, "values %s", dlv_gate_vclass_name(vclass));
  }
  dlv_gate_note(c, "n %zu, incx %td", n, inc);
  dlv_gate_buf_freeze(c, x);
  return scenario;
}

/* A vector of the stride-magnitude class: unit values where readable. */
static void make_huge(dlv_gate_case *c, const nrm2_entry *e, dlv_gate_buf *x,
                      dlv_gate_huge v)
{
  dlv_gate_buf_make(c, x, e->elem, v.n, v.inc);
  if (dlv_gate_buf_readable(x))
    dlv_gate_buf_fill(c, x, DLV_GV_UNIT);
  dlv_gate_buf_freeze(c, x);
}

/* x as a contiguous double array (every float is a double), for the
 * reference, which is thus independent of the stride convention. */
static double *contiguous(dlv_gate_case *c, const dlv_gate_buf *x)
{
  double *d = dlv_gate_alloc(c, (x->n + 1) * sizeof *d);
  for (size_t i = 0; i < x->n; i++)
    d[i] = dlv_gate_buf_get(x, i);
  return d;
}

/* ---- dlv_nrm2 ------------------------------------------------------------ */

static int call_nrm2(const nrm2_entry *e, const dlv_gate_buf *x, void *res)
{
  const dlv_backend *b = dlv_gate_backend();
  return e->is_float ? b->nrm2_s(x->n, x->at, x->inc, res)
                     : b->nrm2_d(x->n, x->at, x->inc, res);
}

/* Whether x holds a NaN. */
static int has_nan(const dlv_gate_buf *x)
{
  for (size_t i = 0; i < x->n; i++)
    if (isnan(dlv_gate_buf_get(x, i)))
      return 1;
  return 0;
}

/* A backend without the status protocol returns DLV_OK and a value.  With
 * a NaN in x, IEEE propagation (NaN) and hypot's convention (+Inf beside
 * an Inf, dlverify's contract) are both accepted; the case is noted. */
static int compare_ieee(dlv_gate_case *c, const dlv_gate_buf *x,
                        const dlv_gate_buf *res, int status, int want)
{
  double got = dlv_gate_buf_get(res, 0);
  if (!has_nan(x) || (want == DLV_OK && !isnan(got)))
    return 0; /* compared as usual */
  dlv_gate_note(c, "no status protocol: NaN in x accepts NaN");
  if (isnan(got) && want == DLV_OK)
    dlv_gate_observe(c, "NaN for a NaN beside an Inf (hypot's convention, "
                        "and dlverify's: +Inf), n %zu", x->n);
  if (dlv_gate_cmp_status(c, "status (no status protocol)", status, DLV_OK))
    dlv_gate_cmp_same(c, "norm of a NaN input", 0, got, NAN);
  return 1;
}

/* The result and status of the norm of x against the reference's (want,
 * exact). */
static void compare_nrm2(dlv_gate_case *c, const nrm2_entry *e,
                         const dlv_gate_buf *x, const dlv_gate_buf *res,
                         int status, int want, mpfr_srcptr exact)
{
  unsigned caps =
      dlv_backend_support(dlv_gate_backend(), DLV_BK_NRM2, e->is_float);
  if (!(caps & DLV_BK_STATUS) && compare_ieee(c, x, res, status, want))
    return;
  if (!dlv_gate_cmp_status(c, "status", status, want))
    return;
  if (status == DLV_OK)
    dlv_gate_cmp_mp(c, "norm", 0, dlv_gate_buf_get(res, 0), exact,
                    e->is_float ? dlv_bound_nrm2_s(x->n)
                                : dlv_bound_nrm2_d(x->n),
                    e->is_float);
  else
    dlv_gate_buf_unchanged(c, res, "result on error");
}

/* The status and result of the call against the reference's. */
static void check_nrm2(dlv_gate_case *c, const nrm2_entry *e,
                       const dlv_gate_buf *x, const dlv_gate_buf *res,
                       int status)
{
  mpfr_t exact;
  mpfr_init2(exact, dlv_mp_prec());
  int want = dlv_ref_nrm2(x->n, contiguous(c, x), 1, exact);
  compare_nrm2(c, e, x, res, status, want, exact);
  mpfr_clear(exact);
}

/* The norm of a vector of the stride-magnitude class: the exact result,
 * or a refusal the contract or the backend allows (dlv_gate_refusal). */
static void nrm2_huge(dlv_gate_case *c, const void *ctx, dlv_gate_huge v)
{
  const nrm2_entry *e = ctx;
  dlv_gate_buf x, res;
  make_huge(c, e, &x, v);
  const dlv_gate_buf *vec[] = {&x}, *out[] = {&res};
  if (!dlv_gate_huge_runnable(c, DLV_BK_NRM2, e->is_float, vec, 1))
    return;
  dlv_gate_buf_make(c, &res, e->elem, 1, 1);
  dlv_gate_buf_freeze(c, &res);
  int status = call_nrm2(e, &x, res.at);
  if (!dlv_gate_refusal(c, DLV_BK_NRM2, e->is_float, status, vec, 1, out, 1))
    check_nrm2(c, e, &x, &res, status);
  dlv_gate_buf_guards_ok(c, &res, "result");
  dlv_gate_buf_unchanged(c, &x, "x");
}

/* The norm on a declared-limit probe's vector (dlv_gate_probe_limits). */
static int probe_nrm2(const void *ctx, size_t n, ptrdiff_t inc,
                      void *const *vec)
{
  const nrm2_entry *e = ctx;
  const dlv_backend *b = dlv_gate_backend();
  double rd;
  float rs;
  return e->is_float ? b->nrm2_s(n, vec[0], inc, &rs)
                     : b->nrm2_d(n, vec[0], inc, &rd);
}

/* ---- arguments the contract refuses (nrm2.h, stride.h) ---------------- */

/* One case in ARG_PERIOD is an argument error. */
enum { ARG_PERIOD = 8 };

static int call_args(const nrm2_entry *e, int grad, size_t n, const void *x,
                     ptrdiff_t incx, void *out, ptrdiff_t incg)
{
  const dlv_backend *b = dlv_gate_backend();
  if (grad)
    return e->is_float ? b->nrm2_grad_s(n, x, incx, out, incg)
                       : b->nrm2_grad_d(n, x, incx, out, incg);
  return e->is_float ? b->nrm2_s(n, x, incx, out)
                     : b->nrm2_d(n, x, incx, out);
}

typedef struct {
  const nrm2_entry *e;
  int grad;
} arg_ctx;

static int call_vec(const void *ctx, size_t n, const void *x, ptrdiff_t incx,
                    void *out, ptrdiff_t incg)
{
  const arg_ctx *k = ctx;
  return call_args(k->e, k->grad, n, x, incx, out, incg);
}

/* An argument error (dlv_gate_vec_arg_error); needs a backend that checks
 * its arguments (DLV_BK_ARGS). */
static void arg_error_case(dlv_gate_case *c, const nrm2_entry *e, int grad)
{
  int op = grad ? DLV_BK_NRM2_GRAD : DLV_BK_NRM2;
  if (!dlv_gate_supports(c, op, e->is_float, DLV_BK_ARGS))
    return;
  arg_ctx k = {e, grad};
  dlv_gate_vec_arg_error(c, e->elem, e->elem, grad, call_vec, &k);
}

/* stride.h's span limit at its edge (dlv_gate_each_span_edge), on the
 * builtin kernels: x (argument 0) with a NULL result, or for the gradient
 * g's stride 0, checked after x's span; the gradient's g (argument 1)
 * one past its edge only (its span is checked last: an admitted g has
 * no later argument error, and the kernel then moves g to its element 0,
 * an address only a vector that exists may have). */
typedef struct {
  const nrm2_entry *e;
  int grad;
  dlv_gate_buf x, g;
} span_ctx;

static int span_call(const void *ctx, int arg, dlv_gate_span s, int *later)
{
  const span_ctx *k = ctx;
  if (arg == 1 && s.admitted) {
    *later = -1;
    return DLV_OK;
  }
  *later = DLV_EINVAL;
  if (arg == 0)
    return call_args(k->e, k->grad, s.n, k->x.at, s.inc,
                     k->grad ? k->g.at : NULL, 0);
  return call_args(k->e, 1, s.n, k->x.at, 1, k->g.at, s.inc);
}

static void span_case(dlv_gate_case *c, const nrm2_entry *e, int grad)
{
  if (!dlv_gate_builtin_only(c))
    return;
  span_ctx k = {.e = e, .grad = grad};
  dlv_gate_buf_make(c, &k.x, e->elem, 1, 1);
  dlv_gate_buf_fill(c, &k.x, DLV_GV_UNIT);
  dlv_gate_buf_make(c, &k.g, e->elem, 1, 1);
  dlv_gate_buf_freeze(c, &k.x);
  dlv_gate_buf_freeze(c, &k.g);
  dlv_gate_held held[] = {{&k.g, "g"}, {&k.x, "x"}};
  dlv_gate_each_span_edge(c, e->k->flags, grad ? 2 : 1, span_call, &k, held,
                          2);
}

/* One case in ARG_PERIOD is an argument error, one such case in four the
 * span at its edge. */
static void arg_case(dlv_gate_case *c, const nrm2_entry *e, int grad)
{
  if (dlv_gate_enum(c, 4) == 0)
    span_case(c, e, grad);
  else
    arg_error_case(c, e, grad);
}

static void nrm2_case(dlv_gate_case *c, const nrm2_entry *e)
{
  dlv_gate_buf x, res;
  if (dlv_gate_enum(c, ARG_PERIOD) == 0) {
    arg_case(c, e, 0);
    return;
  }
  if (make_input(c, e, &x, 0) == DATA_HUGE) {
    dlv_gate_each_huge(c, e->k->flags, DLV_BK_NRM2, e->is_float, nrm2_huge,
                       e);
    dlv_gate_probe_limits(c, e->k->flags, DLV_BK_NRM2, e->is_float, 1,
                          probe_nrm2, e);
    return;
  }
  if (!dlv_gate_supports(c, DLV_BK_NRM2, e->is_float,
                         dlv_gate_stride_caps(x.inc)))
    return;
  dlv_gate_buf_make(c, &res, e->elem, 1, 1);
  dlv_gate_buf_freeze(c, &res);
  int status = call_nrm2(e, &x, res.at);
  check_nrm2(c, e, &x, &res, status);
  dlv_gate_buf_guards_ok(c, &res, "result");
  dlv_gate_buf_unchanged(c, &x, "x");
}

static void nrm2_d(dlv_gate_case *c)
{
  nrm2_entry e = entry_of("dlv_nrm2_d", 0);
  nrm2_case(c, &e);
}

static void nrm2_s(dlv_gate_case *c)
{
  nrm2_entry e = entry_of("dlv_nrm2_s", 1);
  nrm2_case(c, &e);
}

/* ---- dlv_nrm2_grad ------------------------------------------------------- */

static int call_grad(const nrm2_entry *e, const dlv_gate_buf *x,
                     dlv_gate_buf *g)
{
  const dlv_backend *b = dlv_gate_backend();
  return e->is_float ? b->nrm2_grad_s(x->n, x->at, x->inc, g->at, g->inc)
                     : b->nrm2_grad_d(x->n, x->at, x->inc, g->at, g->inc);
}

static void compare_grad(dlv_gate_case *c, const nrm2_entry *e,
                         const dlv_gate_buf *g, mpfr_t *exact)
{
  dlv_bound b = e->is_float ? dlv_bound_nrm2_grad_s(g->n)
                            : dlv_bound_nrm2_grad_d(g->n);
  for (size_t i = 0; i < g->n && !dlv_gate_failed(c); i++)
    dlv_gate_cmp_mp(c, "g", i, dlv_gate_buf_get(g, i), exact[i], b,
                    e->is_float);
}

/* The gradient of a vector of the stride-magnitude class, g at the same
 * stride (its truncation is sampled too). */
static void grad_huge(dlv_gate_case *c, const void *ctx, dlv_gate_huge v)
{
  const nrm2_entry *e = ctx;
  dlv_gate_buf x, g;
  make_huge(c, e, &x, v);
  dlv_gate_buf_make(c, &g, e->elem, v.n, v.inc);
  dlv_gate_buf_freeze(c, &g);
  const dlv_gate_buf *vec[] = {&x, &g}, *out[] = {&g};
  if (!dlv_gate_huge_runnable(c, DLV_BK_NRM2_GRAD, e->is_float, vec, 2))
    return;
  mpfr_t *exact = NULL;
  int want = DLV_OK;
  if (dlv_gate_buf_readable(&x)) {
    exact = dlv_mp_vec_alloc(x.n + 1, dlv_mp_prec());
    want = dlv_ref_nrm2_grad(x.n, contiguous(c, &x), 1, exact);
  }
  if (want != DLV_OK && !dlv_gate_has_caps(DLV_BK_NRM2_GRAD, e->is_float,
                                           DLV_BK_STATUS))
    want = -1; /* a backend without the status protocol: not compared */
  int status = want < 0 ? DLV_OK : call_grad(e, &x, &g);
  if (want >= 0 &&
      !dlv_gate_refusal(c, DLV_BK_NRM2_GRAD, e->is_float, status, vec, 2, out,
                        1) &&
      dlv_gate_cmp_status(c, "status", status, want)) {
    if (status == DLV_OK)
      compare_grad(c, e, &g, exact);
    else
      dlv_gate_buf_unchanged(c, &g, "g on error");
  }
  if (exact != NULL)
    dlv_mp_vec_free(exact, x.n + 1);
  dlv_gate_buf_guards_ok(c, &g, "g");
  dlv_gate_buf_unchanged(c, &x, "x");
}

/* The gradient on a declared-limit probe's vectors x, g (same stride). */
static int probe_grad(const void *ctx, size_t n, ptrdiff_t inc,
                      void *const *vec)
{
  const nrm2_entry *e = ctx;
  const dlv_backend *b = dlv_gate_backend();
  return e->is_float ? b->nrm2_grad_s(n, vec[0], inc, vec[1], inc)
                     : b->nrm2_grad_d(n, vec[0], inc, vec[1], inc);
}

static void grad_case(dlv_gate_case *c, const nrm2_entry *e)
{
  dlv_gate_buf x, own_g;
  if (dlv_gate_enum(c, ARG_PERIOD) == 0) {
    arg_case(c, e, 1);
    return;
  }
  if (make_input(c, e, &x, 0) == DATA_HUGE) {
    dlv_gate_each_huge(c, e->k->flags, DLV_BK_NRM2_GRAD, e->is_float,
                       grad_huge, e);
    dlv_gate_probe_limits(c, e->k->flags, DLV_BK_NRM2_GRAD, e->is_float, 2,
                          probe_grad, e);
    return;
  }
  dlv_gate_buf *g =
      dlv_gate_vec_output(c, e->k->flags, &x, &own_g, e->elem, "g");
  double *xd = contiguous(c, &x);
  mpfr_t *exact = dlv_mp_vec_alloc(x.n, dlv_mp_prec());
  if (exact == NULL)
    abort();
  int want = dlv_ref_nrm2_grad(x.n, xd, 1, exact);
  if (!dlv_gate_supports(c, DLV_BK_NRM2_GRAD, e->is_float,
                         dlv_gate_io_caps(&x, g, want))) {
    dlv_mp_vec_free(exact, x.n);
    return;
  }
  int status = call_grad(e, &x, g);
  if (dlv_gate_cmp_status(c, "status", status, want)) {
    if (status == DLV_OK)
      compare_grad(c, e, g, exact);
    else
      dlv_gate_buf_unchanged(c, g, "g on error");
  }
  dlv_mp_vec_free(exact, x.n);
  dlv_gate_buf_guards_ok(c, g, "g");
  if (g != &x)
    dlv_gate_buf_unchanged(c, &x, "x");
}

static void nrm2_grad_d(dlv_gate_case *c)
{
  nrm2_entry e = entry_of("dlv_nrm2_grad_d", 0);
  grad_case(c, &e);
}

static void nrm2_grad_s(dlv_gate_case *c)
{
  nrm2_entry e = entry_of("dlv_nrm2_grad_s", 1);
  grad_case(c, &e);
}

static const dlv_gate_entry entries[] = {
    {"dlv_nrm2_d", nrm2_d},
    {"dlv_nrm2_s", nrm2_s},
    {"dlv_nrm2_grad_d", nrm2_grad_d},
    {"dlv_nrm2_grad_s", nrm2_grad_s},
};

/* ---- the limits (nrm2.h) ------------------------------------------------- */

/* A block's sum of squares is kept unscaled in [DLV_NRM2_PLAIN_MIN,
 * DLV_NRM2_PLAIN_MAX] (nrm2.h): a switch of the implementation, whose two
 * sides the limit cases sample. */
static int kept_unscaled(double s)
{
  return s >= DLV_NRM2_PLAIN_MIN && s <= DLV_NRM2_PLAIN_MAX;
}

/* Every finite entry is admissible (nrm2.h: safe from overflow). */
const dlv_gate_limit_model
    dlv_gate_nrm2_limit_models[DLV_GATE_N_NRM2_LIMIT_MODELS] = {
    {"plain_min", NULL, kept_unscaled, 0, 1, DLV_GATE_STEP_DOUBLE,
     "block sums kept unscaled [2^-102, 2^960] (nrm2.h)"},
    {"plain_max", NULL, kept_unscaled, 1, 1, DLV_GATE_STEP_DOUBLE,
     "block sums kept unscaled [2^-102, 2^960] (nrm2.h)"},
    {"xmax", "double", dlv_gate_finite_d, 1, 1, DLV_GATE_STEP_DOUBLE,
     "every finite double (nrm2.h)"},
    {"xmax", "float", dlv_gate_finite_s, 1, 1, DLV_GATE_STEP_FLOAT,
     "every finite float (nrm2.h)"},
};

const dlv_gate_family dlv_gate_nrm2 = {
    "nrm2", entries, sizeof entries / sizeof entries[0], .via_backend = 1,
    .limit_models = dlv_gate_nrm2_limit_models,
    .n_limit_models = DLV_GATE_N_NRM2_LIMIT_MODELS};
