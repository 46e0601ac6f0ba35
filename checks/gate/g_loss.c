/* g_loss.c: gate family loss: the losses of kernels/loss.h
 * (dlv_loss_quadratic_d, dlv_loss_logistic_d) against their MPFR twins
 * (reference/ref_quadratic.h, ref_logistic.h), and each loss of
 * kernels/closs.h, its _d and _z entry points together, against the MPFR
 * dual numbers of reference/ref_hvp.h.  Every output is compared: the
 * value and every gradient entry of the real path; at a real point the
 * real parts of the _z value and gradient (within the same rounding
 * bound) and their imaginary parts (exactly 0); at Theta + i t v the
 * imaginary parts divided by t against the directional derivative
 * grad l . v and against Hv, and the whole complex value and gradient
 * (Re and Im) against the exact complex ones of reference/ref_closs_z.h.
 * Contract dimensions: sizes (tanh network k up to kmax, kmax + 1
 * rejected), value classes, labels +-1, extreme
 * margins (softplus without overflow), the norm at Theta = 0 (DLV_EDOM
 * with a gradient), NaN in theta (real or imaginary part: DLV_ENAN), NULL
 * and empty arguments, either output NULL, outputs untouched on error and
 * when not asked for, guard zones around every output, inputs unchanged.
 * Bounds: the P5 model of checks/bounds.h (gamma_K R for the real path,
 * hvp_cstep and cstep_value_trunc for the complex step, closs_z for the
 * complex value and gradient) with the underflow terms
 * logistic_underflow(_z) and quadratic_underflow_*.  Every entry point is
 * called through the backend under test (dlv_gate_backend; ABI 2
 * operations DLV_BK_LOSS_* and DLV_BK_CLOSS_*, double only); a case whose
 * expected status is an error needs the status protocol. */
#include <complex.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "closs.h"
#include "dlv_cmplx.h"
#include "dlv_status.h"
#include "gate.h"
#include "loss.h"
#include "loss_gate.h"
#include "mp.h"
#include "ref_closs_z.h"
#include "ref_logistic.h"
#include "ref_quadratic.h"

/* ---- outputs: value and gradient, each maybe not asked for ------------ */

typedef struct {
  dlv_gate_buf value, grad;
  int has_value, has_grad; /* 0: NULL is passed */
  int is_complex;
} outputs;

/* Which outputs are asked for: k = 0, 1 both, 2 the value alone, 3 the
 * gradient alone; k < 0: drawn. */
static void outputs_make_as(dlv_gate_case *c, outputs *o, size_t n,
                            int is_complex, int k)
{
  if (k < 0)
    k = (int)dlv_gate_draw(c, 4);
  o->has_value = k != 3;
  o->has_grad = k != 2;
  o->is_complex = is_complex;
  size_t elem = is_complex ? sizeof(double complex) : sizeof(double);
  dlv_gate_buf_make(c, &o->value, elem, 1, 1);
  dlv_gate_buf_make(c, &o->grad, elem, n ? n : 1, 1);
  dlv_gate_buf_freeze(c, &o->value);
  dlv_gate_buf_freeze(c, &o->grad);
  if (k >= 2)
    dlv_gate_note(c, "%s %s NULL", is_complex ? "_z" : "_d",
                  k == 2 ? "grad" : "value");
}

static void outputs_make(dlv_gate_case *c, outputs *o, size_t n,
                         int is_complex)
{
  outputs_make_as(c, o, n, is_complex, -1);
}

static void *value_arg(const outputs *o)
{
  return o->has_value ? o->value.at : NULL;
}

static void *grad_arg(const outputs *o)
{
  return o->has_grad ? o->grad.at : NULL;
}

/* Guards always; an output not asked for, or any output after an error,
 * must be untouched. */
static void outputs_check(dlv_gate_case *c, const outputs *o, int status)
{
  dlv_gate_buf_guards_ok(c, &o->value, "value");
  dlv_gate_buf_guards_ok(c, &o->grad, "grad");
  if (status != DLV_OK || !o->has_value)
    dlv_gate_buf_unchanged(c, &o->value, "value (not written)");
  if (status != DLV_OK || !o->has_grad)
    dlv_gate_buf_unchanged(c, &o->grad, "grad (not written)");
}

static double complex zat(const dlv_gate_buf *b, size_t i)
{
  return ((const double complex *)b->at)[i];
}

/* ---- exact values ------------------------------------------------------- */

typedef struct {
  mpfr_t value, dir;       /* l and grad l . v */
  mpfr_t *grad, *hv;       /* n each */
  size_t n;
} exact_t;

static void exact_init(exact_t *e, size_t n)
{
  mpfr_inits2(dlv_mp_prec(), e->value, e->dir, (mpfr_ptr)0);
  e->n = n;
  e->grad = dlv_mp_vec_alloc(n, dlv_mp_prec());
  e->hv = dlv_mp_vec_alloc(n, dlv_mp_prec());
  if (e->grad == NULL || e->hv == NULL)
    abort();
}

static void exact_clear(exact_t *e)
{
  mpfr_clears(e->value, e->dir, (mpfr_ptr)0);
  dlv_mp_vec_free(e->grad, e->n);
  dlv_mp_vec_free(e->hv, e->n);
}

/* The dual-number reference at theta along v (v may be NULL), and
 * grad l . v in e->dir. */
static int exact_closs(exact_t *e, const dlv_lg_problem *p,
                       const double *theta, const double *v)
{
  size_t n = p->n;
  mpfr_t *th = dlv_mp_vec_alloc(n, 64), *vv = dlv_mp_vec_alloc(n, 64);
  mpfr_t *terms = dlv_mp_vec_alloc(n, dlv_mp_prec() + 64);
  if (th == NULL || vv == NULL || terms == NULL)
    abort();
  for (size_t j = 0; j < n; j++) {
    mpfr_set_d(th[j], theta[j], MPFR_RNDN); /* exact */
    mpfr_set_d(vv[j], v ? v[j] : 0.0, MPFR_RNDN);
  }
  int status = dlv_ref_closs(&p->ref, th, vv, e->value, e->grad, e->hv);
  for (size_t j = 0; status == DLV_OK && j < n; j++)
    mpfr_mul_d(terms[j], e->grad[j], v ? v[j] : 0.0, MPFR_RNDN);
  if (status == DLV_OK)
    status = dlv_mp_sum(e->dir, terms, n);
  dlv_mp_vec_free(th, n);
  dlv_mp_vec_free(vv, n);
  dlv_mp_vec_free(terms, n);
  return status;
}

/* Value and gradient of the real path (real parts of a complex output)
 * against the exact ones within the bounds. */
static void compare_real(dlv_gate_case *c, const outputs *o,
                         const exact_t *e, const double *bound,
                         double vbound)
{
  const char *tag = o->is_complex ? "Re " : "";
  char what[32];
  if (o->has_value) {
    double got = o->is_complex ? creal(zat(&o->value, 0))
                               : dlv_gate_buf_get(&o->value, 0);
    snprintf(what, sizeof what, "%svalue", tag);
    dlv_gate_cmp_mp(c, what, 0, got, e->value, (dlv_bound){0.0, vbound}, 0);
  }
  snprintf(what, sizeof what, "%sgrad", tag);
  for (size_t j = 0; o->has_grad && j < e->n && !dlv_gate_failed(c); j++) {
    double got = o->is_complex ? creal(zat(&o->grad, j))
                               : dlv_gate_buf_get(&o->grad, j);
    dlv_gate_cmp_mp(c, what, j, got, e->grad[j], (dlv_bound){0.0, bound[j]},
                    0);
  }
}

/* The imaginary parts of a complex output: exactly 0 at a real point. */
static void compare_imag_zero(dlv_gate_case *c, const outputs *o, size_t n)
{
  dlv_bound exact = {0.0, 0.0};
  if (o->has_value)
    dlv_gate_cmp_d(c, "Im value at a real point", 0,
                   cimag(zat(&o->value, 0)), 0.0, exact, 0);
  for (size_t j = 0; o->has_grad && j < n; j++)
    dlv_gate_cmp_d(c, "Im grad at a real point", j, cimag(zat(&o->grad, j)),
                   0.0, exact, 0);
}

/* Im x / t, and the harness's own rounding of it: t a power of two, so
 * exact unless the quotient lands in the subnormal range, where it
 * rounds by at most half of 2^-1074 (held as 2^-1074: half is no
 * double); 0 elsewhere, so no kernel error hides behind it. */
static double im_over_t(double complex x, double t, double *rounding)
{
  double q = cimag(x) / t;
  *rounding = fabs(q) < DBL_MIN ? DLV_ETA_DOUBLE : 0.0;
  return q;
}

/* Im / t of the complex step against grad . v and Hv. */
static void compare_cstep(dlv_gate_case *c, const outputs *o,
                          const exact_t *e, double t, const double *bound,
                          double vbound)
{
  double rounding, q;
  if (o->has_value) {
    q = im_over_t(zat(&o->value, 0), t, &rounding);
    dlv_gate_cmp_mp(c, "Im value / t vs grad.v", 0, q, e->dir,
                    (dlv_bound){0.0, vbound + rounding}, 0);
  }
  for (size_t j = 0; o->has_grad && j < e->n && !dlv_gate_failed(c); j++) {
    q = im_over_t(zat(&o->grad, j), t, &rounding);
    dlv_gate_cmp_mp(c, "Im grad / t vs Hv", j, q, e->hv[j],
                    (dlv_bound){0.0, bound[j] + rounding}, 0);
  }
}

/* Re and Im of a complex output against the exact ones. */
static void compare_parts(dlv_gate_case *c, const char *what, size_t i,
                          double complex got, mpfr_srcptr re,
                          mpfr_srcptr im, double bound)
{
  char tag[64];
  dlv_bound b = {0.0, bound};
  snprintf(tag, sizeof tag, "Re %s at theta + i t v", what);
  dlv_gate_cmp_mp(c, tag, i, creal(got), re, b, 0);
  snprintf(tag, sizeof tag, "Im %s at theta + i t v", what);
  dlv_gate_cmp_mp(c, tag, i, cimag(got), im, b, 0);
}

/* The whole complex value and gradient at the point z (Re and Im)
 * against the exact complex ones of reference/ref_closs_z.h, within
 * closs_z: outputs the complex step uses only through Im / t, here
 * compared in full (the real part at a point off the axis is no real
 * value). */
static void compare_cz(dlv_gate_case *c, const outputs *o,
                       const dlv_lg_problem *p, const double complex *z)
{
  const size_t n = p->n;
  double *re = dlv_gate_alloc(c, 3 * n * sizeof *re), *im = re + n;
  double *bound = im + n, vbound;
  for (size_t j = 0; j < n; j++) {
    re[j] = creal(z[j]);
    im[j] = cimag(z[j]);
  }
  mpfr_t vre, vim;
  mpfr_inits2(dlv_mp_prec(), vre, vim, (mpfr_ptr)0);
  mpfr_t *gre = dlv_mp_vec_alloc(n, dlv_mp_prec());
  mpfr_t *gim = dlv_mp_vec_alloc(n, dlv_mp_prec());
  if (gre == NULL || gim == NULL)
    abort();
  if (dlv_ref_closs_z(&p->ref, re, im, vre, vim, gre, gim) != DLV_OK)
    dlv_gate_fail(c, "complex reference failed");
  dlv_lg_cz_bounds(p, re, im, bound, &vbound);
  if (o->has_value)
    compare_parts(c, "value", 0, zat(&o->value, 0), vre, vim, vbound);
  for (size_t j = 0; o->has_grad && j < n && !dlv_gate_failed(c); j++)
    compare_parts(c, "grad", j, zat(&o->grad, j), gre[j], gim[j], bound[j]);
  mpfr_clears(vre, vim, (mpfr_ptr)0);
  dlv_mp_vec_free(gre, n);
  dlv_mp_vec_free(gim, n);
}

/* ---- theta ---------------------------------------------------------------- */

/* Parameters of the class; for extreme margins, entries of magnitude
 * 2^900 to 2^1000 (with exact data |x| <= 15 and n <= 8 every margin
 * stays below 2^1008: finite, and |margin| far beyond where e^|z|
 * overflows). */
static double *draw_theta(dlv_gate_case *c, dlv_gate_buf *b, size_t n,
                          int vclass, int extreme)
{
  double *th = dlv_gate_buf_make(c, b, sizeof(double), n, 1);
  for (size_t j = 0; j < n; j++) {
    double v = dlv_gate_value(c, vclass, 0);
    if (extreme)
      v = ldexp(1.0 + (double)dlv_gate_draw(c, 1u << 20) * 0x1p-20,
                900 + (int)dlv_gate_draw(c, 100)) *
          (dlv_gate_draw(c, 2) ? -1.0 : 1.0);
    th[j] = v;
  }
  dlv_gate_buf_freeze(c, b);
  return th;
}

/* A complex copy theta + i t v (v NULL: a real point), frozen. */
static double complex *complex_point(dlv_gate_case *c, dlv_gate_buf *b,
                                     const double *theta, const double *v,
                                     double t, size_t n)
{
  double complex *z =
      dlv_gate_buf_make(c, b, sizeof(double complex), n, 1);
  for (size_t j = 0; j < n; j++)
    z[j] = CMPLX(theta[j], v ? t * v[j] : 0.0);
  dlv_gate_buf_freeze(c, b);
  return z;
}

/* ---- arguments the contract rejects ------------------------------------- */

/* NULL problem, theta or data, or an empty size (tanh network: m, d or k;
 * logistic: m or n).  Returns the expected status; *null_problem is set
 * when the problem pointer itself is to be NULL. */
static int broken_args(dlv_gate_case *c, dlv_lg_problem *p, unsigned k,
                       const double **theta, int *null_problem)
{
  static const char *const kinds[] = {"problem NULL", "theta NULL",
                                      "data NULL", "size 0"};
  int which = (int)dlv_gate_draw(c, 3);
  dlv_gate_note(c, "%s (%d)", kinds[k], which);
  *null_problem = k == 0 && p->kind != DLV_REF_NORM;
  if (k == 1 || (p->kind == DLV_REF_NORM && k != 3)) {
    *theta = NULL;
    return DLV_EINVAL;
  }
  if (k == 2) {
    int first = which == 0;
    p->q.a = first ? NULL : p->q.a;
    p->q.b = first ? p->q.b : NULL;
    p->lg.x = first ? NULL : p->lg.x;
    p->lg.y = first ? p->lg.y : NULL;
    p->net.x = first ? NULL : p->net.x;
    p->net.y = first ? p->net.y : NULL;
  } else if (k == 3) {
    p->q.n = p->loss.n = 0;
    p->lg.m = which == 0 ? 0 : p->lg.m;
    p->lg.n = which != 0 ? 0 : p->lg.n;
    p->net.m = which == 0 ? 0 : p->net.m;
    p->net.d = which == 1 ? 0 : p->net.d;
    p->net.k = which == 2 ? 0 : p->net.k;
    return DLV_EBADLEN;
  }
  return DLV_EINVAL;
}

/* ---- the real entry points of loss.h -------------------------------------- */

static int loss_d_call(const dlv_lg_problem *p, int null_problem,
                       const double *theta, double *value, double *grad)
{
  const dlv_backend *b = dlv_gate_backend();
  if (p->kind == DLV_REF_QUADRATIC)
    return b->loss_quadratic_d(null_problem ? NULL : &p->q, theta, value,
                               grad);
  return b->loss_logistic_d(null_problem ? NULL : &p->lg, theta, value,
                            grad);
}

static int loss_d_exact(const dlv_lg_problem *p, const double *theta,
                        exact_t *e)
{
  if (p->kind == DLV_REF_QUADRATIC)
    return dlv_ref_loss_quadratic(&p->q, theta, e->value, e->grad);
  return dlv_ref_loss_logistic(&p->lg, theta, e->value, e->grad);
}

/* Scenarios: data of a class (twice as often), the extreme twice
 * (logistic: margins beyond 2^900, then separable labels, every margin
 * at least 16: the value a sum of terms below e^-16, as for the closs
 * logistic; quadratic: subnormal data both times), the four kinds of
 * rejected argument. */
enum { LOSS_DATA, LOSS_EXTREME, LOSS_ERROR, LOSS_NSCENARIOS };
static const unsigned loss_subcases[LOSS_NSCENARIOS] = {2, 2, 4};

/* dlv_bound_logistic_value for the real kernel at theta: S, P and L at
 * its margins, computed as it computes them (made upper bounds by
 * DLV_P5_MAG_SLACK: each is within a few u of its own value), plus the
 * underflow of e^-|z|. */
static double logistic_value_bound(const dlv_logistic *lg,
                                   const double *theta)
{
  double s = 0.0, sp = 0.0, l = 0.0;
  for (size_t i = 0; i < lg->m; i++) {
    const double *xi = lg->x + i * lg->n;
    double margin = 0.0;
    for (size_t j = 0; j < lg->n; j++) {
      margin += xi[j] * theta[j];
      s += fabs(xi[j] * theta[j]);
    }
    double z = -lg->y[i] * margin, li = log1p(exp(-fabs(z)));
    sp += (z > 0.0 ? z : 0.0) + li;
    l += li;
  }
  return dlv_bound_logistic_value(lg->m, lg->n, s * DLV_P5_MAG_SLACK,
                                  sp * DLV_P5_MAG_SLACK,
                                  l * DLV_P5_MAG_SLACK) +
         dlv_bound_logistic_underflow(lg->m, 0.0, 1, 1.0);
}

static void loss_d_case(dlv_gate_case *c, int kind)
{
  unsigned sub;
  int scenario = dlv_lg_scenario(c, loss_subcases, LOSS_NSCENARIOS, &sub);
  int vclass = dlv_lg_vclass(c);
  if (kind == DLV_REF_QUADRATIC && scenario == LOSS_EXTREME)
    vclass = DLV_GV_SUBNORMAL;
  int logistic_special = kind == DLV_REF_LOGISTIC && scenario == LOSS_EXTREME;
  int extreme = logistic_special && sub == 0;
  dlv_lg_problem p;
  dlv_lg_problem_draw(c, &p, kind, extreme ? DLV_GV_EXACT : vclass, 0);
  dlv_gate_buf tb;
  const double *theta = draw_theta(c, &tb, p.n, vclass, extreme);
  if (logistic_special && !extreme)
    dlv_lg_separable(c, &p, (double *)theta, &tb);
  outputs o;
  outputs_make(c, &o, p.n, 0);
  int want = DLV_OK, null_problem = 0;
  if (scenario == LOSS_ERROR)
    want = broken_args(c, &p, sub, &theta, &null_problem);
  int op = kind == DLV_REF_QUADRATIC ? DLV_BK_LOSS_QUADRATIC
                                     : DLV_BK_LOSS_LOGISTIC;
  if (!dlv_gate_supports(c, op, 0, want != DLV_OK ? DLV_BK_STATUS : 0u))
    return;
  int status =
      loss_d_call(&p, null_problem, theta, value_arg(&o), grad_arg(&o));
  if (dlv_gate_cmp_status(c, "status", status, want) && status == DLV_OK) {
    exact_t e;
    exact_init(&e, p.n);
    double *bound = dlv_gate_alloc(c, p.n * sizeof *bound), vbound;
    if (loss_d_exact(&p, theta, &e) != DLV_OK)
      dlv_gate_fail(c, "reference failed");
    dlv_lg_real_bounds(&p, theta, bound, &vbound);
    if (kind == DLV_REF_LOGISTIC) /* both hold: the tighter one */
      vbound = fmin(vbound, logistic_value_bound(&p.lg, theta));
    compare_real(c, &o, &e, bound, vbound);
    exact_clear(&e);
  }
  outputs_check(c, &o, status);
  dlv_gate_buf_unchanged(c, &tb, "theta");
}

static void loss_quadratic_d(dlv_gate_case *c)
{
  loss_d_case(c, DLV_REF_QUADRATIC);
}

/* Softplus swept over its whole range, not sampled: one sample, one
 * feature (x = 1, y = -1: the margin's softplus is softplus(theta)) at
 * theta = k/8 for |k| <= 8 * 48 (every regime of log(1 + e^z), e^z from
 * 2^-70 to 2^70) and at +-2^e, e = -60 .. 12; each value against MPFR's
 * log1p(e^z) within dlv_bound_logistic_value.  A scalar nonlinearity is
 * checked on a grid, as libm tests do: a shortcut or a branch threshold
 * anywhere in the range lands on some point (a cut-off of log1p(e^-z) at
 * z > 30 is 10 ulps off at z = 31). */
static void softplus_sweep(dlv_gate_case *c)
{
  static const double x[1] = {1.0}, y[1] = {-1.0};
  const dlv_logistic lg = {1, 1, x, y};
  mpfr_t e;
  mpfr_init2(e, dlv_mp_prec());
  dlv_gate_note(c, "softplus sweep: m 1 n 1, x 1, y -1, theta on a grid");
  enum { GRID = 8 * 48, POW2 = 73 }; /* k/8 for |k| <= GRID; 2^-60..2^12 */
  for (int k = -(GRID + POW2); k <= GRID + POW2 && !dlv_gate_failed(c); k++) {
    int grid = abs(k) <= GRID;
    double th = grid ? k / 8.0
                     : (k < 0 ? -1.0 : 1.0) * ldexp(1.0, abs(k) - GRID - 61);
    double v;
    if (dlv_loss_logistic_d(&lg, &th, &v, NULL) != DLV_OK) {
      dlv_gate_fail(c, "status not DLV_OK at theta %a", th);
      break;
    }
    mpfr_set_d(e, th, MPFR_RNDN); /* softplus(theta) = log1p(e^theta) */
    mpfr_exp(e, e, MPFR_RNDN);
    mpfr_log1p(e, e, MPFR_RNDN);
    dlv_gate_cmp_mp(c, "softplus sweep value", (size_t)(k + GRID + POW2),
                    v, e, (dlv_bound){0.0, logistic_value_bound(&lg, &th)},
                    0);
  }
  mpfr_clear(e);
}

static void loss_logistic_d(dlv_gate_case *c)
{
  if (dlv_gate_enum(c, 32) == 0) {
    if (dlv_gate_builtin_only(c))
      softplus_sweep(c);
    return;
  }
  loss_d_case(c, DLV_REF_LOGISTIC);
}

/* ---- closs.h: _d and _z of one loss together ---------------------------- */

/* The backend's _d and _z entry points of the problem's loss. */
static int closs_d(const dlv_lg_problem *p, int null_problem,
                   const double *th, double *value, double *grad)
{
  const dlv_backend *b = dlv_gate_backend();
  switch (p->kind) {
  case DLV_REF_QUADRATIC:
    return b->closs_quadratic_d(null_problem ? NULL : &p->q, th, value,
                                grad);
  case DLV_REF_LOGISTIC:
    return b->closs_logistic_d(null_problem ? NULL : &p->lg, th, value,
                               grad);
  case DLV_REF_TANHNET:
    return b->closs_tanhnet_d(null_problem ? NULL : &p->net, th, value,
                              grad);
  default: return b->closs_norm_d(p->loss.n, th, value, grad);
  }
}

static int closs_z(const dlv_lg_problem *p, int null_problem,
                   const double complex *th, double complex *value,
                   double complex *grad)
{
  const dlv_backend *b = dlv_gate_backend();
  switch (p->kind) {
  case DLV_REF_QUADRATIC:
    return b->closs_quadratic_z(null_problem ? NULL : &p->q, th, value,
                                grad);
  case DLV_REF_LOGISTIC:
    return b->closs_logistic_z(null_problem ? NULL : &p->lg, th, value,
                               grad);
  case DLV_REF_TANHNET:
    return b->closs_tanhnet_z(null_problem ? NULL : &p->net, th, value,
                              grad);
  default: return b->closs_norm_z(p->loss.n, th, value, grad);
  }
}

/* The backend operation of a closs kind (enum dlv_ref_loss order). */
static int closs_op(int kind)
{
  switch (kind) {
  case DLV_REF_QUADRATIC: return DLV_BK_CLOSS_QUADRATIC;
  case DLV_REF_LOGISTIC: return DLV_BK_CLOSS_LOGISTIC;
  case DLV_REF_TANHNET: return DLV_BK_CLOSS_TANHNET;
  default: return DLV_BK_CLOSS_NORM;
  }
}

/* What one closs case calls with: theta (a frozen real input, maybe with
 * a NaN or NULL), the expected statuses of _d and _z. */
typedef struct {
  dlv_lg_problem p;
  dlv_gate_buf tb;
  const double *theta;
  size_t n; /* parameters, also when the sizes are rejected */
  int null_problem;
  double special; /* what closs_call places at nan_at: NaN, or +-Inf */
  /* the norm's NaN beside an infinite part (closs.h: DLV_ENAN first):
   * closs_call places inf (+-Inf) at inf_at too (n: none) */
  size_t inf_at;
  double inf;
} closs_setup;

/* Calls _d at theta and _z at theta + i t v (v NULL: a real point);
 * s->special (a NaN, or the norm's +-Inf) placed by nan_at (n: none) goes
 * to the real part of theta, or to the real or imaginary part of the
 * complex point. */
static void closs_call(dlv_gate_case *c, closs_setup *s, const double *v,
                       double t, int want_d, int want_z, size_t nan_at)
{
  outputs od, oz;
  outputs_make(c, &od, s->n, 0);
  outputs_make(c, &oz, s->n, 1);
  dlv_gate_buf zb;
  double complex *z = NULL;
  if (s->theta != NULL) {
    z = complex_point(c, &zb, s->theta, v, t, s->n);
    if (nan_at < s->n) {
      int imag = (int)dlv_gate_draw(c, 2);
      z[nan_at] = imag ? CMPLX(creal(z[nan_at]), s->special)
                       : CMPLX(s->special, cimag(z[nan_at]));
      dlv_gate_note(c, "%g in %s part of z_%zu", s->special,
                    imag ? "imaginary" : "real", nan_at);
      if (s->inf_at < s->n && s->inf_at != nan_at) {
        z[s->inf_at] = CMPLX(s->inf, cimag(z[s->inf_at]));
        dlv_gate_note(c, "and %g in the real part of z_%zu", s->inf,
                      s->inf_at);
      }
      dlv_gate_buf_freeze(c, &zb);
    }
  }
  int sd = v == NULL ? closs_d(&s->p, s->null_problem, s->theta,
                               value_arg(&od), grad_arg(&od))
                     : want_d;
  int sz = closs_z(&s->p, s->null_problem, z, value_arg(&oz), grad_arg(&oz));
  int ok = dlv_gate_cmp_status(c, "_d status", sd, want_d);
  ok = dlv_gate_cmp_status(c, "_z status", sz, want_z) && ok;
  if (ok && sz == DLV_OK && sd == DLV_OK) {
    exact_t e;
    exact_init(&e, s->n);
    double *bound = dlv_gate_alloc(c, s->n * sizeof *bound), vbound;
    if (exact_closs(&e, &s->p, s->theta, v) != DLV_OK)
      dlv_gate_fail(c, "reference failed");
    if (v == NULL) {
      dlv_lg_real_bounds(&s->p, s->theta, bound, &vbound);
      compare_real(c, &od, &e, bound, vbound);
      compare_real(c, &oz, &e, bound, vbound);
      compare_imag_zero(c, &oz, s->n);
    } else {
      dlv_lg_cstep_bounds(&s->p, s->theta, v, t, bound, &vbound);
      compare_cstep(c, &oz, &e, t, bound, vbound);
      compare_cz(c, &oz, &s->p, z);
    }
    exact_clear(&e);
  }
  outputs_check(c, &od, sd);
  outputs_check(c, &oz, sz);
  if (z != NULL)
    dlv_gate_buf_unchanged(c, &zb, "theta (complex)");
}

/* The direction the complex point carries: the kernel is given the
 * imaginary parts fl(t v_j), which at data near the subnormal range may
 * have lost bits of t v_j (t a power of two: t v_j is exact otherwise);
 * v_j becomes fl(t v_j) / t (exact), so the references differentiate
 * along the direction the kernel was given. */
static void passed_direction(dlv_gate_case *c, dlv_gate_buf *vb, double *v,
                             size_t n, double t)
{
  int moved = 0;
  for (size_t j = 0; j < n; j++) {
    double given = (t * v[j]) / t;
    moved |= given != v[j];
    v[j] = given;
  }
  if (moved) {
    dlv_gate_buf_freeze(c, vb);
    dlv_gate_note(c, "v rounded to fl(t v) / t");
  }
}

/* How many binades below the step 2^top to go, at most `want`: no
 * further than keeps t max|v_j| in the normal range where 2^top does
 * (data near the subnormal range: the imaginary parts would otherwise be
 * rounded to nothing, passed_direction), never below t = 2^-1074. */
static int normal_binades(const double *v, size_t n, int top, int want)
{
  double vmax = 0.0;
  for (size_t j = 0; j < n; j++)
    vmax = fmax(vmax, fabs(v[j]));
  int floor = vmax > 0.0 ? DBL_MIN_EXP - 1 - ilogb(vmax) : -1074;
  floor = floor < -1074 ? -1074 : floor;
  int room = top > floor ? top - floor : 0;
  return want < room ? want : room;
}

/* A direction of the class and a step t below the Cauchy disc (a power of
 * two: t v is exact but near the subnormal range, passed_direction):
 * every other case within 2^-3 of the largest, where the point is far off
 * the axis (Re l(Theta + i t v) differs from l(Theta) by t^2 v'Hv / 2, and
 * a real part wrong by O(t^2) shows), else anywhere down to 2^-59 of it.
 * NULL when no double step lies inside the disc (extreme classes: the
 * case then calls at the real point). */
static const double *cstep_direction(dlv_gate_case *c, closs_setup *s,
                                     int vclass, int zero, double *t)
{
  dlv_gate_buf vb;
  double *v = dlv_lg_input(c, &vb, s->n, zero ? DLV_GV_EXACT : vclass);
  if (zero) {
    memset(v, 0, s->n * sizeof *v);
    dlv_gate_buf_freeze(c, &vb);
  }
  unsigned binades = dlv_gate_draw(c, 2) ? 4 : 60;
  double step = dlv_lg_step_below_disc(&s->p, s->theta, v);
  if (step == 0.0) {
    dlv_gate_note(c, "no complex step inside the disc: a real point");
    return NULL;
  }
  *t = ldexp(step, -normal_binades(v, s->n, ilogb(step),
                                   (int)dlv_gate_draw(c, binades)));
  dlv_gate_note(c, "complex step t %a%s", *t, zero ? ", v = 0" : "");
  passed_direction(c, &vb, v, s->n, *t);
  return v;
}

/* The norm at Theta = 0 (entries +-0): DLV_EDOM when a gradient is asked
 * for; the value alone is 0 exactly.  The complex path at 0 + i t v: its
 * real parts are all 0, so DLV_EDOM as well (the gradient asked for). */
static void norm_at_zero(dlv_gate_case *c, closs_setup *s, int vclass,
                         int value_only)
{
  double *th = (double *)s->theta;
  for (size_t j = 0; j < s->n; j++)
    th[j] = dlv_gate_draw(c, 2) ? -0.0 : 0.0;
  dlv_gate_buf_freeze(c, &s->tb);
  dlv_gate_note(c, "Theta = 0");
  outputs od;
  outputs_make_as(c, &od, s->n, 0, value_only ? 2 : -1);
  int sd = closs_d(&s->p, 0, th, value_arg(&od), grad_arg(&od));
  if (dlv_gate_cmp_status(c, "_d status at 0", sd,
                          od.has_grad ? DLV_EDOM : DLV_OK) &&
      sd == DLV_OK)
    dlv_gate_cmp_d(c, "norm at 0", 0, dlv_gate_buf_get(&od.value, 0), 0.0,
                   (dlv_bound){0.0, 0.0}, 0);
  outputs_check(c, &od, sd);
  dlv_gate_buf vb, zb, gb;
  const double *v = dlv_lg_input(c, &vb, s->n, vclass);
  const double complex *z = complex_point(c, &zb, th, v, 1.0, s->n);
  double complex *g = dlv_gate_buf_make(c, &gb, sizeof *g, s->n, 1);
  dlv_gate_buf_freeze(c, &gb);
  int sz = dlv_gate_backend()->closs_norm_z(s->n, z, NULL, g);
  dlv_gate_cmp_status(c, "_z status at 0 + i v", sz, DLV_EDOM);
  dlv_gate_buf_unchanged(c, &gb, "grad on error");
}

/* Scenarios: a real point; a complex step; a NaN; the four kinds of
 * rejected argument; the loss's special case twice (logistic: extreme
 * margins, separable labels; norm: Theta = 0; quadratic: v = 0; tanh
 * network: a real point and a complex step); k at kmax - 1, kmax and
 * kmax + 1 (tanh network; the other losses: a real point and a step). */
enum { CL_REAL, CL_CSTEP, CL_NAN, CL_ERROR, CL_SPECIAL, CL_KMAX,
       CL_NSCENARIOS };
static const unsigned closs_subcases[CL_NSCENARIOS] = {1, 1, 1, 4, 2, 3};

static void closs_case(dlv_gate_case *c, int kind)
{
  unsigned sub;
  int scenario = dlv_lg_scenario(c, closs_subcases, CL_NSCENARIOS, &sub);
  int vclass = dlv_lg_vclass(c);
  /* the norm is safe over the whole range (closs.h): at a real point any
   * class, subnormal, near the largest finite, or mixed */
  if (kind == DLV_REF_NORM && (scenario == CL_REAL || scenario == CL_CSTEP))
    vclass = (int)dlv_gate_enum(c, DLV_GV_NCLASSES);
  size_t k = 0;
  if (kind == DLV_REF_TANHNET)
    k = dlv_lg_tanhnet_k(c, scenario == CL_KMAX ? (int)sub - 1 : 2);
  int extreme = kind == DLV_REF_LOGISTIC && scenario == CL_SPECIAL &&
                sub == 0;
  closs_setup s = {.null_problem = 0, .special = NAN, .inf_at = (size_t)-1};
  dlv_lg_problem_draw(c, &s.p, kind, extreme ? DLV_GV_EXACT : vclass, k);
  s.n = s.p.n;
  s.theta = draw_theta(c, &s.tb, s.n, vclass, extreme);
  if (kind == DLV_REF_LOGISTIC && scenario == CL_SPECIAL && !extreme)
    dlv_lg_separable(c, &s.p, (double *)s.theta, &s.tb);
  int want = s.p.rejected ? DLV_EBADLEN : DLV_OK;
  int norm_zero = kind == DLV_REF_NORM &&
                  (scenario == CL_SPECIAL || dlv_lg_all_zero(s.n, s.theta));
  /* an error status expected: rejected sizes, bad arguments, a NaN, the
   * norm's gradient at 0 */
  int errors = want != DLV_OK || scenario == CL_ERROR ||
               scenario == CL_NAN || norm_zero;
  if (!dlv_gate_supports(c, closs_op(kind), 0,
                         errors ? DLV_BK_STATUS : 0u))
    return;
  double t;
  if (scenario == CL_ERROR) {
    want = broken_args(c, &s.p, sub, &s.theta, &s.null_problem);
    closs_call(c, &s, NULL, 0.0, want, want, s.n);
  } else if (norm_zero) {
    norm_at_zero(c, &s, vclass, scenario == CL_SPECIAL && sub == 1);
  } else if (scenario == CL_NAN) {
    size_t at = (size_t)dlv_gate_draw(c, s.n);
    int code = DLV_ENAN; /* the norm at an infinite part: DLV_EDOM */
    s.special = dlv_gate_nan(c);
    /* the norm: a NaN, an infinity, or a NaN beside an infinity (ENAN) */
    unsigned norm_kind = kind == DLV_REF_NORM ? dlv_gate_enum(c, 3) : 0;
    if (norm_kind == 1) {
      s.special = dlv_gate_draw(c, 2) ? -INFINITY : INFINITY;
      code = DLV_EDOM;
    } else if (norm_kind == 2 && s.n > 1) {
      s.inf_at = (at + 1 + (size_t)dlv_gate_draw(c, s.n - 1)) % s.n;
      s.inf = dlv_gate_draw(c, 2) ? -INFINITY : INFINITY;
    }
    closs_call(c, &s, NULL, 0.0, want, want == DLV_OK ? code : want, at);
    ((double *)s.theta)[at] = s.special;
    if (s.inf_at < s.n)
      ((double *)s.theta)[s.inf_at] = s.inf;
    dlv_gate_buf_freeze(c, &s.tb);
    closs_call(c, &s, NULL, 0.0, want == DLV_OK ? code : want,
               want == DLV_OK ? code : want, s.n);
  } else {
    if (scenario != CL_CSTEP)
      closs_call(c, &s, NULL, 0.0, want, want, s.n);
    if (scenario != CL_REAL && want == DLV_OK) {
      int zero = scenario == CL_SPECIAL && kind == DLV_REF_QUADRATIC;
      const double *v = cstep_direction(c, &s, vclass, zero, &t);
      if (v != NULL || scenario == CL_CSTEP)
        closs_call(c, &s, v, v != NULL ? t : 0.0, DLV_OK, DLV_OK, s.n);
    }
  }
  if (s.theta != NULL)
    dlv_gate_buf_unchanged(c, &s.tb, "theta");
}

static void closs_quadratic(dlv_gate_case *c)
{
  closs_case(c, DLV_REF_QUADRATIC);
}

static void closs_logistic(dlv_gate_case *c)
{
  closs_case(c, DLV_REF_LOGISTIC);
}

static void closs_tanhnet(dlv_gate_case *c)
{
  closs_case(c, DLV_REF_TANHNET);
}

static void closs_norm(dlv_gate_case *c)
{
  closs_case(c, DLV_REF_NORM);
}

static const dlv_gate_entry entries[] = {
    {"dlv_loss_quadratic_d", loss_quadratic_d},
    {"dlv_loss_logistic_d", loss_logistic_d},
    {"dlv_closs_quadratic", closs_quadratic},
    {"dlv_closs_logistic", closs_logistic},
    {"dlv_closs_tanhnet", closs_tanhnet},
    {"dlv_closs_norm", closs_norm},
};

/* The tanh network: k hidden units in [1, 16] (closs.h). */
static int hidden_units(double k) { return k >= 1 && k <= 16; }

static const dlv_gate_limit_model limit_models[] = {
    {"kmax", NULL, hidden_units, 1, 1, DLV_GATE_STEP_UNIT,
     "k in [1, 16] hidden units (closs.h)"},
};

const dlv_gate_family dlv_gate_loss = {
    "loss", entries, sizeof entries / sizeof entries[0], .via_backend = 1,
    .limit_models = limit_models,
    .n_limit_models = sizeof limit_models / sizeof limit_models[0]};
