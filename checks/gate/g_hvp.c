/* g_hvp.c: gate family hvp: dlv_hvp_step_d, dlv_hvp_cstep_d, dlv_hvp_central_d
 * and dlv_linesearch_step_d (kernels/hvp.h) against MPFR: the norms of
 * reference/ref_nrm2.h for the step t (a power of two whose exponent is
 * the documented one for some norm the nrm2 kernel may return), the dual
 * numbers of reference/ref_hvp.h for Hv, dlv_ref_linesearch_step for
 * lambda.  Contract dimensions: h at its limit h_max = 1 and one ulp
 * either side, t at t_min and t_max and one binade either side, h tiny
 * enough that t leaves the exponent range (DLV_EDOM), v = 0 (Hv = 0; the
 * step alone: DLV_EDOM), Theta = 0 (s = 1; the norm's own DLV_EDOM), NaN
 * in Theta or v (DLV_ENAN), NULL arguments and callbacks, h = 0 or NaN,
 * the four losses with tanh networks up to kmax hidden units (kmax + 1:
 * n = 0, DLV_EBADLEN); for the line search, g . Hg at its rounding bound
 * and one ulp of hg_err either side, value classes of g and hg apart
 * (lambda overflowing or vanishing: DLV_EDOM), hg_err -0, negative, NaN
 * and +Inf, g = 0, negative curvature.  Outputs untouched on error,
 * guard zones around every output, inputs unchanged.  Bounds: hvp_cstep,
 * hvp_central, hvp_trunc (checks/bounds.h, P5) with the magnitudes of
 * checks/closs_mag.h; linesearch (linesearch_rel and subnormal lambda).
 * The four entry points are called through the backend under test
 * (dlv_gate_backend; ABI 2 operations DLV_BK_HVP_*, DLV_BK_LINESEARCH_STEP,
 * double only); the cases' own helpers take the step t of the contract
 * from dlverify's dlv_hvp_step_d (hvp.h defines t; a backend's HVP must
 * use it).  A case other than plain data, or expecting an error status,
 * needs the status protocol. */
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "contract.h"
#include "dlv_cmplx.h"
#include "dlv_status.h"
#include "gate.h"
#include "hvp.h"
#include "loss_gate.h"
#include "mp.h"
#include "nrm2.h"
#include "ref_hvp.h"
#include "ref_nrm2.h"

/* Whether the backend runs op: a plain data case (no error status
 * expected) needs the entry alone, any other the status protocol too. */
static int backend_runs(dlv_gate_case *c, int op, int plain)
{
  return dlv_gate_supports(c, op, 0, plain ? 0u : DLV_BK_STATUS);
}

/* A one-element output, frozen. */
static double *scalar_out(dlv_gate_case *c, dlv_gate_buf *b)
{
  double *at = dlv_gate_buf_make(c, b, sizeof(double), 1, 1);
  dlv_gate_buf_freeze(c, b);
  return at;
}

/* Sets every element of a frozen input and freezes it again. */
static void refill(dlv_gate_case *c, dlv_gate_buf *b, double value)
{
  for (size_t i = 0; i < b->n; i++)
    dlv_gate_buf_set(b, i, value);
  dlv_gate_buf_freeze(c, b);
}

/* ---- dlv_hvp_step_d ---------------------------------------------------------- */

/* [*lo, *hi]: the ilogb of every value the nrm2 kernel may return for x
 * (within dlv_bound_nrm2_d of the exact norm); *may_inf when it may
 * overflow.  x = 0 gives lo = hi = INT_MIN. */
static void norm_exponents(size_t n, const double *x, int *lo, int *hi,
                           int *may_inf)
{
  mpfr_t nx, a;
  mpfr_inits2(dlv_mp_prec(), nx, a, (mpfr_ptr)0);
  dlv_ref_nrm2(n, x, 1, nx);
  *may_inf = 0;
  if (mpfr_zero_p(nx)) {
    *lo = *hi = INT_MIN;
  } else {
    dlv_bound b = dlv_bound_nrm2_d(n);
    mpfr_mul_d(a, nx, 1.0 - b.rel, MPFR_RNDD);
    mpfr_sub_d(a, a, b.abs, MPFR_RNDD);
    *lo = mpfr_cmp_d(a, DBL_TRUE_MIN) <= 0 ? ilogb(DBL_TRUE_MIN)
                                           : (int)mpfr_get_exp(a) - 1;
    mpfr_mul_d(a, nx, 1.0 + b.rel, MPFR_RNDU);
    mpfr_add_d(a, a, b.abs, MPFR_RNDU);
    *hi = (int)mpfr_get_exp(a) - 1;
    *may_inf = *hi > DBL_MAX_EXP - 1;
  }
  mpfr_clears(nx, a, (mpfr_ptr)0);
}

/* The status and t of the step kernel against the exponents it may
 * take: t = 2^e, e = ilogb(h) + ilogb(s) - ilogb(||v||), s = ||Theta||
 * (1 at 0); DLV_OK when every possible e is in [ilogb t_min, ilogb t_max],
 * DLV_EDOM when none is (or v = 0), either in between. */
static void check_step(dlv_gate_case *c, size_t n, const double *theta,
                       const double *v, double h, int status, double t)
{
  int tl, th, vl, vh, tinf, vinf;
  norm_exponents(n, theta, &tl, &th, &tinf);
  norm_exponents(n, v, &vl, &vh, &vinf);
  if (tl == INT_MIN)
    tl = th = 0; /* s = 1 at Theta = 0 */
  if (vl == INT_MIN) {
    dlv_gate_cmp_status(c, "status (v = 0)", status, DLV_EDOM);
    return;
  }
  int e_lo = ilogb(h) + tl - vh, e_hi = ilogb(h) + th - vl;
  int emin = ilogb(DLV_HVP_T_MIN), emax = ilogb(DLV_HVP_T_MAX);
  int surely_in = e_lo >= emin && e_hi <= emax && !tinf && !vinf;
  int surely_out = e_hi < emin || e_lo > emax;
  dlv_gate_note(c, "e in [%d, %d]", e_lo, e_hi);
  if (surely_in || surely_out) {
    if (!dlv_gate_cmp_status(c, "status", status,
                             surely_in ? DLV_OK : DLV_EDOM))
      return;
  } else if (status != DLV_OK && status != DLV_EDOM) {
    dlv_gate_cmp_status(c, "status (OK or EDOM)", status, DLV_EDOM);
    return;
  }
  if (status != DLV_OK)
    return;
  int e;
  double m = frexp(t, &e);
  if (m != 0.5 || e - 1 < (e_lo > emin ? e_lo : emin) ||
      e - 1 > (e_hi < emax ? e_hi : emax))
    dlv_gate_fail(c, "t = %a: not 2^e with e in [%d, %d]", t, e_lo, e_hi);
  else
    dlv_gate_cmp_same(c, "t", 0, t, t);
}

/* A vector with one nonzero entry 1.5 2^a at a drawn place: its norm is
 * 1.5 2^a, far enough inside its binade that every norm within the nrm2
 * bound has ilogb a. */
static double *one_hot(dlv_gate_case *c, dlv_gate_buf *b, size_t n, int a)
{
  double *x = dlv_gate_buf_make(c, b, sizeof(double), n, 1);
  for (size_t i = 0; i < n; i++)
    x[i] = 0.0;
  x[dlv_gate_draw(c, n)] = ldexp(1.5, a);
  dlv_gate_buf_freeze(c, b);
  return x;
}

/* t at a documented limit (t_min or t_max) exactly, one binade below or
 * above: Theta and v one-hot, h = 1.5 2^hc, so e = hc + a - b exactly. */
static double step_limit_case(dlv_gate_case *c, size_t n, dlv_gate_buf *tb,
                              dlv_gate_buf *vb, unsigned sub)
{
  const dlv_contract *k = dlv_contract_find("dlv_hvp_step_d");
  int upper = sub >= 3, which = (int)(sub % 3) - 1;
  double lim = dlv_contract_limit_value(k, upper ? "t_max" : "t_min");
  int target = ilogb(lim) + which; /* one binade: t is a power of two */
  int hc = -(int)dlv_gate_draw(c, 60);
  int a = upper ? 120 + (int)dlv_gate_draw(c, 400)
                : -60 - (int)dlv_gate_draw(c, 400);
  one_hot(c, tb, n, a); /* ilogb(h) + a - b = target, all normal */
  one_hot(c, vb, n, hc - 1 + a - target);
  dlv_gate_note(c, "t at %s %+d binade", upper ? "t_max" : "t_min", which);
  return ldexp(1.5, hc - 1); /* h < 1 */
}

/* Arguments the step rejects or answers with a status of its own. */
static double step_special(dlv_gate_case *c, unsigned k, dlv_gate_buf *tb,
                           dlv_gate_buf *vb, const double **th,
                           const double **v, double **t, int *want)
{
  static const char *const kinds[] = {"h = 0", "h < 0", "h NaN",
                                      "theta NULL", "v NULL", "t NULL",
                                      "NaN in theta", "NaN in v",
                                      "Inf in v"};
  dlv_gate_note(c, "%s", kinds[k]);
  *want = k < 6 ? DLV_EINVAL : k < 8 ? DLV_ENAN : DLV_EDOM;
  *th = k == 3 ? NULL : *th;
  *v = k == 4 ? NULL : *v;
  *t = k == 5 ? NULL : *t;
  if (k >= 6) {
    dlv_gate_buf *b = k == 6 ? tb : vb;
    size_t at = (size_t)dlv_gate_draw(c, b->n);
    if (k == 8)
      dlv_gate_buf_set(b, at, INFINITY);
    else
      dlv_gate_buf_set_nan(c, b, at);
    dlv_gate_buf_freeze(c, b);
  }
  return k == 0 ? 0.0 : k == 1 ? -0.5 : k == 2 ? NAN : 0.5;
}

/* Scenarios: data (twice); h at h_max -1 ulp, exactly, +1 ulp; t at t_min
 * and t_max, each -1, 0, +1 binade; v = 0, Theta = 0; nine kinds of
 * special argument. */
enum { ST_DATA, ST_H_LIMIT, ST_T_LIMIT, ST_ZERO, ST_SPECIAL, ST_NSCENARIOS };
static const unsigned step_subcases[ST_NSCENARIOS] = {2, 3, 6, 2, 9};

static void hvp_step(dlv_gate_case *c)
{
  unsigned sub;
  int scenario = dlv_lg_scenario(c, step_subcases, ST_NSCENARIOS, &sub);
  size_t n = dlv_gate_extent(c, NULL, 0, 1, 16);
  int vclass = dlv_gate_vclass(c);
  if (vclass == DLV_GV_HUGE || vclass == DLV_GV_MIXED)
    vclass = DLV_GV_WIDE; /* the norms stay finite */
  dlv_gate_buf tb, vb, out;
  const double *th = dlv_lg_input(c, &tb, n, vclass);
  const double *v = dlv_lg_input(c, &vb, n, (int)dlv_gate_draw(c, 4));
  double *t = scalar_out(c, &out);
  double h = ldexp(0.5 + (double)dlv_gate_draw(c, 1u << 20) * 0x1p-21,
                   -(int)dlv_gate_draw(c, 1074)); /* in (0, 1) */
  int want = -1;
  if (scenario == ST_H_LIMIT) {
    h = dlv_lg_limit(DLV_HVP_H_MAX, (int)sub - 1);
    want = sub == 2 ? DLV_EINVAL : -1;
  } else if (scenario == ST_T_LIMIT) {
    h = step_limit_case(c, n, &tb, &vb, sub);
    th = tb.at;
    v = vb.at;
  } else if (scenario == ST_ZERO) {
    refill(c, sub ? &vb : &tb, 0.0);
    dlv_gate_note(c, "%s = 0", sub ? "v" : "theta");
  } else if (scenario == ST_SPECIAL) {
    h = step_special(c, sub, &tb, &vb, &th, &v, &t, &want);
  }
  dlv_gate_note(c, "n %zu, h %a", n, h);
  if (!backend_runs(c, DLV_BK_HVP_STEP, scenario == ST_DATA && want < 0))
    return;
  int status = dlv_gate_backend()->hvp_step_d(n, th, v, h, t);
  if (want >= 0)
    dlv_gate_cmp_status(c, "status", status, want);
  else
    check_step(c, n, th, v, h, status, dlv_gate_buf_get(&out, 0));
  if (status != DLV_OK)
    dlv_gate_buf_unchanged(c, &out, "t on error");
  dlv_gate_buf_guards_ok(c, &out, "t");
  dlv_gate_buf_unchanged(c, &tb, "theta");
  dlv_gate_buf_unchanged(c, &vb, "v");
}

/* ---- dlv_hvp_cstep_d, dlv_hvp_central_d ---------------------------------------- */

typedef int (*hvp_fn)(const dlv_closs *, const double *, const double *,
                      double, double *);

/* A relative step h whose t lies below a quarter of the Cauchy disc:
 * h = 2^-e from the range of the method, halved further as needed. */
static double step_in_disc(dlv_gate_case *c, const dlv_lg_problem *p,
                           const double *th, const double *v, int central)
{
  double h = ldexp(1.0, -(central ? 5 + (int)dlv_gate_draw(c, 25)
                                  : 1 + (int)dlv_gate_draw(c, 150)));
  double limit = dlv_lg_step_below_disc(p, th, v), t;
  while (dlv_hvp_step_d(p->n, th, v, h, &t) == DLV_OK && t > limit &&
         h > 0x1p-1000)
    h *= 0.5;
  return h;
}

/* The largest ilogb |x_j| (INT_MIN when x = 0). */
static int max_exponent(size_t n, const double *x)
{
  int m = INT_MIN;
  for (size_t j = 0; j < n; j++)
    if (x[j] != 0.0 && ilogb(x[j]) > m)
      m = ilogb(x[j]);
  return m;
}

/* t above t_max, enumerated against below (step_below_range): with h = 1,
 * v rescaled so that ilogb ||Theta|| - ilogb ||v|| >= 1026 (max exponents
 * mt of Theta, mv of v: ilogb ||v|| <= mv + L, L = ceil(log2 sqrt n) + 1),
 * v's largest element kept normal or subnormal, not 0.  Returns h, or 0
 * when Theta is too small for that (the caller then goes below). */
static double step_above_range(dlv_gate_case *c, size_t n, const double *th,
                               dlv_gate_buf *vb)
{
  int mt = max_exponent(n, th), L = 1;
  while (((size_t)1 << (2 * (L - 1))) < n)
    L++;
  mt = mt == INT_MIN ? 0 : mt; /* s = 1 at Theta = 0 */
  double *v = dlv_gate_alloc(c, n * sizeof *v);
  for (size_t j = 0; j < n; j++)
    v[j] = dlv_gate_buf_get(vb, j);
  int mv = max_exponent(n, v), target = mt - L - 1026;
  if (mv == INT_MIN || target < -1070)
    return 0.0;
  for (size_t j = 0; j < n; j++)
    dlv_gate_buf_set(vb, j, ldexp(v[j], target - mv));
  dlv_gate_buf_freeze(c, vb);
  dlv_gate_note(c, "t above t_max (max exponents: Theta %d, v %d)", mt,
                target);
  return DLV_HVP_H_MAX;
}

/* v rescaled so that ||v|| > 8 max(||Theta||, 1): with h = t_min the step
 * falls below t_min (DLV_EDOM); or above t_max (step_above_range). */
static double step_out_of_range(dlv_gate_case *c, size_t n, const double *th,
                                dlv_gate_buf *vb)
{
  double st = 0.0, sv = 0.0;
  for (size_t j = 0; j < n; j++) {
    st += th[j] * th[j];
    sv += dlv_gate_buf_get(vb, j) * dlv_gate_buf_get(vb, j);
  }
  if (sv == 0.0)
    refill(c, vb, 1.0), sv = (double)n;
  double h = dlv_gate_enum(c, 2) ? step_above_range(c, n, th, vb) : 0.0;
  if (h != 0.0)
    return h;
  int shift = ilogb(fmax(sqrt(st), 1.0)) - ilogb(sqrt(sv)) + 4;
  for (size_t j = 0; j < n; j++)
    dlv_gate_buf_set(vb, j, ldexp(dlv_gate_buf_get(vb, j), shift));
  dlv_gate_buf_freeze(c, vb);
  dlv_gate_note(c, "t below t_min");
  return DLV_HVP_T_MIN;
}

/* The norm with v = -+Theta and h = 1: t = 1 exactly (the same computed
 * norms), so the central difference evaluates the gradient at Theta + t v
 * or Theta - t v = 0, where the loss answers DLV_EDOM: the HVP kernel
 * returns the loss's own status (hvp.h), whichever point failed.  Other
 * losses and the complex step: -1 (compared as usual). */
static int point_at_zero(dlv_gate_case *c, const dlv_lg_problem *p,
                         dlv_gate_buf *tb, dlv_gate_buf *vb, double *h,
                         int central)
{
  if (p->kind != DLV_REF_NORM || !central)
    return -1;
  if (dlv_lg_all_zero(p->n, tb->at))
    refill(c, tb, 1.0);
  double sign = dlv_gate_draw(c, 2) ? 1.0 : -1.0; /* -1: Theta + t v = 0 */
  for (size_t j = 0; j < p->n; j++)
    dlv_gate_buf_set(vb, j, sign * dlv_gate_buf_get(tb, j));
  dlv_gate_buf_freeze(c, vb);
  *h = DLV_HVP_H_MAX;
  return DLV_EDOM;
}

/* A NaN in v beside an Inf (the norm of v is then +Inf, not DLV_ENAN):
 * still DLV_ENAN (hvp.h: NaN in v). */
static int nan_beside_inf(dlv_gate_case *c, dlv_gate_buf *vb)
{
  size_t at = (size_t)dlv_gate_draw(c, vb->n);
  dlv_gate_buf_set_nan(c, vb, at);
  if (vb->n > 1)
    dlv_gate_buf_set(vb, (at + 1) % vb->n,
                     dlv_gate_draw(c, 2) ? -INFINITY : INFINITY);
  dlv_gate_buf_freeze(c, vb);
  return DLV_ENAN;
}

/* A user loss (hvp.h: any pair of callbacks) whose gradient holds a NaN
 * at `at` wherever it is evaluated: the result is NaN there, so the HVP
 * kernels must answer DLV_ENAN and leave hv untouched. */
typedef struct {
  dlv_closs inner;
  size_t at;
  double nan; /* drawn over the NaN range (dlv_gate_nan) */
} nan_loss;

static int nan_loss_d(const void *params, size_t n, const double *theta,
                      double *value, double *grad)
{
  const nan_loss *l = params;
  int status = l->inner.eval_d(l->inner.params, n, theta, value, grad);
  if (status == DLV_OK && grad != NULL)
    grad[l->at] = l->nan;
  return status;
}

static int nan_loss_z(const void *params, size_t n,
                      const double complex *theta, double complex *value,
                      double complex *grad)
{
  const nan_loss *l = params;
  int status = l->inner.eval_z(l->inner.params, n, theta, value, grad);
  if (status == DLV_OK && grad != NULL)
    grad[l->at] = CMPLX(l->nan, l->nan);
  return status;
}

static int nan_gradient(dlv_gate_case *c, dlv_lg_problem *p,
                        dlv_gate_buf *tb, dlv_gate_buf *vb)
{
  if (dlv_lg_all_zero(p->n, vb->at)) /* v = 0 answers without the loss */
    refill(c, vb, 1.0);
  if (dlv_lg_all_zero(p->n, tb->at)) /* the norm's own DLV_EDOM there */
    refill(c, tb, 1.0);
  nan_loss *l = dlv_gate_alloc(c, sizeof *l);
  l->inner = p->loss;
  l->at = (size_t)dlv_gate_draw(c, p->n);
  l->nan = dlv_gate_nan(c);
  p->loss = (dlv_closs){p->n, l, nan_loss_d, nan_loss_z};
  return DLV_ENAN;
}

/* Arguments rejected, or answered by a status: returns the expected one
 * (-1: compare as usual). */
static int hvp_special(dlv_gate_case *c, unsigned k, dlv_lg_problem *p,
                       dlv_gate_buf *tb, dlv_gate_buf *vb, double *h,
                       const dlv_closs **loss, double **hv, int central)
{
  static const char *const kinds[] = {
      "NaN in theta", "NaN in v", "h = 0", "h NaN", "loss NULL", "hv NULL",
      "callback NULL", "theta = 0", "a point Theta -+ t v at 0",
      "NaN beside an Inf in v", "NaN in the loss's gradient"};
  dlv_gate_note(c, "%s", kinds[k]);
  if (k == 8)
    return point_at_zero(c, p, tb, vb, h, central);
  if (k == 9)
    return nan_beside_inf(c, vb);
  if (k == 10)
    return nan_gradient(c, p, tb, vb);
  if (k <= 1) {
    dlv_gate_buf *b = k == 0 ? tb : vb;
    dlv_gate_buf_set_nan(c, b, (size_t)dlv_gate_draw(c, b->n));
    dlv_gate_buf_freeze(c, b);
    if (k == 0 && dlv_gate_draw(c, 2)) { /* v = 0 answers only after */
      refill(c, vb, 0.0);
      dlv_gate_note(c, "and v = 0");
    }
    return DLV_ENAN;
  }
  *h = k == 2 ? 0.0 : k == 3 ? NAN : *h;
  *loss = k == 4 ? NULL : *loss;
  *hv = k == 5 ? NULL : *hv;
  if (k == 6) {
    if (dlv_gate_draw(c, 2))
      p->loss.eval_d = NULL;
    else
      p->loss.eval_z = NULL;
  }
  if (k <= 6)
    return DLV_EINVAL;
  refill(c, tb, 0.0);
  return -1; /* see norm_at_zero */
}

/* The norm at Theta = 0, v != 0: the complex step returns the loss's
 * DLV_EDOM; the central difference evaluates only at +-t v, where the
 * gradient exists, and returns DLV_OK (hvp.h; no Hv to compare with). */
static int norm_at_zero(const dlv_lg_problem *p, const double *th,
                        const double *v, int central)
{
  if (p->kind != DLV_REF_NORM || !dlv_lg_all_zero(p->n, th) || dlv_lg_all_zero(p->n, v))
    return -1;
  return central ? DLV_OK : DLV_EDOM;
}

/* Scenarios: data (twice); h at h_max -1 ulp, exactly, +1 ulp (a
 * quadratic: no truncation even at h = 1); t below t_min; v = 0; eleven
 * kinds of special argument (with a point of the central difference at
 * 0, a NaN beside an Inf in v, a user loss whose gradient holds a NaN);
 * a tanh network with k = kmax - 1, kmax,
 * kmax + 1 (n = 0: DLV_EBADLEN). */
enum { HV_DATA, HV_H_LIMIT, HV_T_RANGE, HV_ZERO_V, HV_SPECIAL, HV_KMAX,
       HV_NSCENARIOS };
static const unsigned hvp_subcases[HV_NSCENARIOS] = {2, 3, 1, 1, 11, 3};

/* hv against MPFR's Hv within the method's bound at the kernel's t. */
static void compare_hv(dlv_gate_case *c, const dlv_lg_problem *p,
                       const double *th, const double *v, double h,
                       const double *hv, int central)
{
  size_t n = p->n;
  double t, *bound = dlv_gate_alloc(c, n * sizeof *bound);
  if (dlv_hvp_step_d(n, th, v, h, &t) != DLV_OK) {
    dlv_gate_fail(c, "no step for a case that returned DLV_OK");
    return;
  }
  if (central)
    dlv_lg_central_bounds(p, th, v, t, bound);
  else
    dlv_lg_cstep_bounds(p, th, v, t, bound, &(double){0.0});
  mpfr_t *hx = dlv_mp_vec_alloc(n, dlv_mp_prec());
  if (hx == NULL || dlv_ref_hvp(&p->ref, th, v, NULL, hx) != DLV_OK)
    dlv_gate_fail(c, "reference failed");
  for (size_t j = 0; hx != NULL && j < n && !dlv_gate_failed(c); j++)
    dlv_gate_cmp_mp(c, "hv", j, hv[j], hx[j], (dlv_bound){0.0, bound[j]}, 0);
  dlv_mp_vec_free(hx, hx ? n : 0);
}

static void hvp_case(dlv_gate_case *c, int central)
{
  unsigned sub;
  int scenario = dlv_lg_scenario(c, hvp_subcases, HV_NSCENARIOS, &sub);
  int kind = (int)dlv_gate_enum(c, 4);
  kind = scenario == HV_H_LIMIT ? DLV_REF_QUADRATIC
         : scenario == HV_KMAX  ? DLV_REF_TANHNET
                                : kind;
  int vclass = dlv_lg_vclass(c);
  size_t k = 0;
  if (kind == DLV_REF_TANHNET)
    k = dlv_lg_tanhnet_k(c, scenario == HV_KMAX ? (int)sub - 1 : 2);
  dlv_lg_problem p;
  dlv_lg_problem_draw(c, &p, kind, vclass, k);
  size_t n = p.n;
  dlv_gate_buf tb, vb, out;
  const double *th = dlv_lg_input(c, &tb, n, vclass);
  const double *v = dlv_lg_input(c, &vb, n, vclass);
  double *hv = dlv_gate_buf_make(c, &out, sizeof(double), n, 1);
  dlv_gate_buf_freeze(c, &out);
  const dlv_closs *loss = &p.loss;
  int want = p.rejected ? DLV_EBADLEN : -1; /* k above kmax */
  double h = p.rejected ? 0.5 : step_in_disc(c, &p, th, v, central);
  if (scenario == HV_H_LIMIT) {
    h = dlv_lg_limit(DLV_HVP_H_MAX, (int)sub - 1);
    want = sub == 2 ? DLV_EINVAL : want;
  } else if (scenario == HV_T_RANGE) {
    h = step_out_of_range(c, n, th, &vb);
    want = p.rejected ? want : DLV_EDOM;
  } else if (scenario == HV_ZERO_V) {
    refill(c, &vb, 0.0);
    dlv_gate_note(c, "v = 0");
  } else if (scenario == HV_SPECIAL && !p.rejected) {
    want = hvp_special(c, sub, &p, &tb, &vb, &h, &loss, &hv, central);
  }
  if (want < 0)
    want = norm_at_zero(&p, th, v, central);
  dlv_gate_note(c, "h %a", h);
  if (!backend_runs(c, central ? DLV_BK_HVP_CENTRAL : DLV_BK_HVP_CSTEP,
                    scenario == HV_DATA && want < 0))
    return;
  const dlv_backend *b = dlv_gate_backend();
  hvp_fn fn = central ? b->hvp_central_d : b->hvp_cstep_d;
  int status = fn(loss, th, v, h, hv);
  if (want >= 0) {
    dlv_gate_cmp_status(c, "status", status, want);
  } else if (dlv_gate_cmp_status(c, "status", status, DLV_OK)) {
    if (dlv_lg_all_zero(n, v)) /* documented: v = 0 gives hv = 0 */
      for (size_t j = 0; j < n; j++)
        dlv_gate_cmp_d(c, "hv (v = 0)", j, dlv_gate_buf_get(&out, j), 0.0,
                       (dlv_bound){0.0, 0.0}, 0);
    else
      compare_hv(c, &p, th, v, h, out.at, central);
  }
  if (status != DLV_OK)
    dlv_gate_buf_unchanged(c, &out, "hv on error");
  dlv_gate_buf_guards_ok(c, &out, "hv");
  dlv_gate_buf_unchanged(c, &tb, "theta");
  dlv_gate_buf_unchanged(c, &vb, "v");
}

static void hvp_cstep(dlv_gate_case *c) { hvp_case(c, 0); }

static void hvp_central(dlv_gate_case *c) { hvp_case(c, 1); }

/* ---- dlv_linesearch_step_d --------------------------------------------------- */

/* What the contract of hvp.h says of one call, computed in MPFR from the
 * double g and hg (no underflow: g and hg may both be subnormal): the
 * documented bound E, the exact g . hg (D), the bound rd on the error of
 * the kernel's computed g . hg (0 when it is exact), lambda. */
typedef struct {
  mpfr_t d, e, rd, lambda;
} ls_exact;

/* k such that 2^k brings max |x_i| near 1, as the kernel scales (hvp.h;
 * k <= 1023 so that 2^k is finite); 0 for an all-zero x, which the kernel
 * rejects with DLV_EDOM before scaling (ilogb(0) is INT_MIN: UBSan in CI
 * found -INT_MIN here with DLV_SEED=20261128). */
static int scale_exponent(size_t n, const double *x)
{
  double m = 0.0;
  for (size_t i = 0; i < n; i++)
    m = fmax(m, fabs(x[i]));
  if (m == 0.0)
    return 0;
  int k = -ilogb(m);
  return k > 1023 ? 1023 : k;
}

static void ls_exact_init(ls_exact *x, size_t n, const double *g,
                          const double *hg, double hg_err, int exact_dot)
{
  mpfr_prec_t prec = dlv_mp_prec() + 64;
  mpfr_inits2(prec, x->d, x->e, x->rd, x->lambda, (mpfr_ptr)0);
  mpfr_t gg, gam, t, under;
  mpfr_inits2(prec, gg, gam, t, under, (mpfr_ptr)0);
  dlv_mp_dot(x->d, n, g, 1, hg, 1);
  dlv_mp_dot(gg, n, g, 1, g, 1);
  mpfr_set_zero(x->e, 1); /* M = sum |g_i hg_i| first */
  for (size_t i = 0; i < n; i++) {
    mpfr_set_d(t, g[i], MPFR_RNDN);
    mpfr_mul_d(t, t, hg[i], MPFR_RNDN);
    mpfr_abs(t, t, MPFR_RNDN);
    mpfr_add(x->e, x->e, t, MPFR_RNDN);
  }
  mpfr_set_d(gam, (double)n * DLV_U_DOUBLE, MPFR_RNDN); /* gamma_n */
  mpfr_ui_sub(t, 1, gam, MPFR_RNDN);
  mpfr_div(gam, gam, t, MPFR_RNDN);
  mpfr_mul(x->e, x->e, gam, MPFR_RNDN); /* gamma_n M */
  mpfr_set_ui(under, (unsigned long)n, MPFR_RNDN); /* n 2^-1072 / s_g s_h */
  mpfr_mul_2si(under, under,
               -1072 - scale_exponent(n, g) - scale_exponent(n, hg),
               MPFR_RNDN);
  mpfr_add(x->rd, x->e, under, MPFR_RNDU);
  if (exact_dot)
    mpfr_set_zero(x->rd, 1);
  mpfr_sqrt(t, gg, MPFR_RNDN); /* ||g|| hg_err (1 + gamma_n) */
  mpfr_mul_d(t, t, hg_err, MPFR_RNDN);
  mpfr_add_ui(gam, gam, 1, MPFR_RNDN);
  mpfr_mul(t, t, gam, MPFR_RNDN);
  mpfr_add(x->e, x->e, t, MPFR_RNDN);
  mpfr_add(x->e, x->e, under, MPFR_RNDN);
  if (mpfr_sgn(x->d) > 0)
    mpfr_div(x->lambda, gg, x->d, MPFR_RNDN);
  mpfr_clears(gg, gam, t, under, (mpfr_ptr)0);
}

static void ls_exact_clear(ls_exact *x)
{
  mpfr_clears(x->d, x->e, x->rd, x->lambda, (mpfr_ptr)0);
}

/* 1 when the computed g . hg surely exceeds E (1 + 4 gamma_{n+6}) (a step
 * if lambda is in range), -1 when it surely does not exceed E (DLV_EDOM),
 * 0 otherwise (hvp.h), with the computed g . hg within rd of D. */
static int ls_guard(const ls_exact *x, size_t n)
{
  mpfr_t a, b;
  mpfr_inits2(mpfr_get_prec(x->d), a, b, (mpfr_ptr)0);
  mpfr_add(a, x->d, x->rd, MPFR_RNDU);
  int verdict = mpfr_cmp(a, x->e) <= 0 ? -1 : 0;
  mpfr_sub(a, x->d, x->rd, MPFR_RNDD);
  mpfr_mul_d(b, x->e,
             (1.0 + 4.0 * dlv_gamma((double)n + 6.0, DLV_U_DOUBLE)) *
                 (1.0 + 4.0 * DLV_U_DOUBLE),
             MPFR_RNDU);
  if (verdict == 0 && mpfr_cmp(a, b) > 0)
    verdict = 1;
  mpfr_clears(a, b, (mpfr_ptr)0);
  return verdict;
}

/* -1: DLV_EDOM required, 1: a step required, 0: either, from the guard
 * and from lambda's range (overflow, or a step rounded to 0: DLV_EDOM). */
static int ls_verdict(const ls_exact *x, size_t n, double rel)
{
  int guard = ls_guard(x, n);
  if (guard < 0)
    return -1;
  /* lambda in units of 2^-1075 (half the smallest subnormal: below it a
   * step rounds to 0) and of the overflow threshold (max + half an ulp) */
  mpfr_t q;
  mpfr_init2(q, 64);
  mpfr_mul_2si(q, x->lambda, 1075, MPFR_RNDN);
  double low = mpfr_get_d(q, MPFR_RNDN);
  mpfr_div_d(q, x->lambda, DBL_MAX, MPFR_RNDN);
  double high = mpfr_get_d(q, MPFR_RNDN) / (1.0 + DLV_U_DOUBLE);
  mpfr_clear(q);
  double up = 1.0 + 2.0 * rel, down = 1.0 - 2.0 * rel;
  if (high * down > 1.0 || (low * up < 1.0 && guard > 0))
    return -1;
  if (guard == 0 || high * up > 1.0 || low * down < 2.0)
    return 0;
  return 1;
}

/* The call and its checks: status against the verdict, lambda against
 * the exact step within dlv_bound_linesearch (the dot's error rd / D,
 * plus 4 n 2^-1074 relative for squares of g that underflow scaled). */
static void ls_check(dlv_gate_case *c, size_t n, const double *g,
                     const double *hg, double hg_err, int exact_dot,
                     int status, double lambda)
{
  ls_exact x;
  ls_exact_init(&x, n, g, hg, hg_err, exact_dot);
  mpfr_t r;
  mpfr_init2(r, 64);
  mpfr_div(r, x.rd, x.d, MPFR_RNDU);
  double ed = fabs(mpfr_get_d(r, MPFR_RNDU)) + 4.0 * (double)n * 0x1p-1074;
  mpfr_clear(r);
  dlv_bound b = dlv_bound_linesearch(n, ed);
  int verdict = mpfr_sgn(x.d) > 0 ? ls_verdict(&x, n, b.rel) : -1;
  dlv_gate_note(c, "g.hg %a (error below %a), bound E %a, lambda %a: %s",
                mpfr_get_d(x.d, MPFR_RNDN), mpfr_get_d(x.rd, MPFR_RNDU),
                mpfr_get_d(x.e, MPFR_RNDN), mpfr_get_d(x.lambda, MPFR_RNDN),
                verdict < 0 ? "DLV_EDOM" : verdict > 0 ? "a step" : "either");
  if (verdict != 0)
    dlv_gate_cmp_status(c, "status", status, verdict > 0 ? DLV_OK : DLV_EDOM);
  else if (status != DLV_OK)
    dlv_gate_cmp_status(c, "status (OK or EDOM)", status, DLV_EDOM);
  if (!dlv_gate_failed(c) && status == DLV_OK)
    dlv_gate_cmp_mp(c, "lambda", 0, lambda, x.lambda, b, 0);
  ls_exact_clear(&x);
}

/* The relative error of the sum of squares of g (scaled by 2^-ilogb of its
 * largest entry) evaluated left to right in double: how far below ||g||^2
 * a kernel evaluating E as written may land. */
static double squares_drift(size_t n, const double *g)
{
  int k = scale_exponent(n, g);
  double s = 0.0;
  for (size_t i = 0; i < n; i++) {
    double y = ldexp(g[i], k);
    s += y * y;
  }
  mpfr_t exact;
  mpfr_init2(exact, 2200);
  dlv_mp_dot(exact, n, g, 1, g, 1);
  mpfr_mul_2si(exact, exact, 2 * k, MPFR_RNDN);
  mpfr_d_sub(exact, s, exact, MPFR_RNDN);
  mpfr_div_d(exact, exact, s, MPFR_RNDN);
  double drift = mpfr_get_d(exact, MPFR_RNDN);
  mpfr_clear(exact);
  return drift;
}

/* g . Hg exact in any order while ||g||^2 is not (hvp.h's E then carries
 * the roundings of its own evaluation, which grow with n): g holds m
 * pairs (a_j, a_j) against hg (1, -1), a_j of 30 bits in [2^10, 2^11) on
 * the grid 2^-19 (every partial sum of the dot, in any order, lies on it
 * below 2^23 in magnitude: 42 bits, exact), and a last entry d against 1, so g . Hg = d; of 32 draws of
 * the a_j, the one whose squares summed left to right in double fall
 * furthest below ||g||^2 (a rounding of E's evaluation the factor 1 + 2
 * gamma_{n+6} must cover; 1 + 2^-50 does not from n = 8 on; at m ~ 2000
 * pairs the furthest of 32 lies 30-60 u below, one draw about 15 u). */
static void guard_pairs(dlv_gate_case *c, size_t n, double *g, double *hg)
{
  size_t m = (n - 1) / 2;
  double *best = dlv_gate_alloc(c, n * sizeof *best), low = INFINITY;
  for (int draw = 0; draw < 32; draw++) {
    for (size_t j = 0; j < m; j++) {
      double a = ldexp((double)((1u << 29) + dlv_gate_draw(c, 1u << 29)), -19);
      g[2 * j] = g[2 * j + 1] = a;
      hg[2 * j] = 1.0, hg[2 * j + 1] = -1.0;
    }
    g[n - 1] = ldexp((double)(1 + dlv_gate_draw(c, 1u << 20)), -12);
    hg[n - 1] = 1.0;
    double drift = squares_drift(n, g);
    if (drift < low)
      low = drift, memcpy(best, g, n * sizeof *g);
  }
  memcpy(g, best, n * sizeof *g);
  dlv_gate_note(c, "%zu pairs, ||g||^2 summed in double %.1f u off", m,
                low / DLV_U_DOUBLE);
}

/* g . Hg at its documented bound, hg_err set so that E = D (rounded up:
 * DLV_EDOM), one ulp above (DLV_EDOM), one ulp below (either) and 2^-40
 * below (a step).  n = 2: g = (3, 4) 2^s, hg small integers (g . hg, its
 * magnitudes and ||g|| = 5 2^s all exact), every other occurrence with a
 * cancelling g . hg (the bound's gamma_n M, M the sum of the magnitudes,
 * then exceeds the rounding margin of the guard: a bound on the signed
 * sum fails there); larger n: guard_pairs. */
static double guard_limit(dlv_gate_case *c, unsigned k, size_t n, double *g,
                          double *hg)
{
  if (n == 2) {
    int s = (int)dlv_gate_draw(c, 41) - 20;
    g[0] = ldexp(3.0, s);
    g[1] = ldexp(4.0, s);
    hg[0] = (double)dlv_gate_draw(c, 16);
    hg[1] = 1.0 + (double)dlv_gate_draw(c, 15);
    if (dlv_gate_enum(c, 2)) { /* cancelling: M = sum |g_i hg_i| >= 10 D */
      hg[0] = -(8.0 + (double)dlv_gate_draw(c, 8));
      hg[1] = floor(-3.0 * hg[0] / 4.0) + 1.0; /* D = 4 hg_1 + 3 hg_0 in [1, 4] */
    }
  } else
    guard_pairs(c, n, g, hg);
  ls_exact x;
  ls_exact_init(&x, n, g, hg, 0.0, 1);
  mpfr_t h, norm;
  mpfr_inits2(dlv_mp_prec() + 64, h, norm, (mpfr_ptr)0);
  dlv_mp_dot(norm, n, g, 1, g, 1);
  mpfr_sqrt(norm, norm, MPFR_RNDD);
  /* the target E: D, or for the step probe 2^-40 below the step side of
   * hvp.h's guard, D / ((1 + 4 gamma_{n+6}) (1 + 4 u)) (ls_guard's
   * factor), so that a step is required at every n */
  mpfr_set(h, x.d, MPFR_RNDN);
  if (k == 3)
    mpfr_div_d(h, h,
               (1.0 + 4.0 * dlv_gamma((double)n + 6.0, DLV_U_DOUBLE)) *
                   (1.0 + 4.0 * DLV_U_DOUBLE) / (1.0 - 0x1p-40),
               MPFR_RNDD);
  mpfr_sub(h, h, x.e, MPFR_RNDN); /* (E - gamma_n M - under) */
  mpfr_div(h, h, norm, MPFR_RNDN); /* / (||g|| (1 + gamma_n)) */
  mpfr_set_d(norm, (double)n * DLV_U_DOUBLE, MPFR_RNDN); /* 1 + gamma_n */
  mpfr_ui_sub(norm, 1, norm, MPFR_RNDN);
  mpfr_ui_div(norm, 1, norm, MPFR_RNDD); /* 1 + gamma_n = 1 / (1 - n u) */
  mpfr_div(h, h, norm, MPFR_RNDN);
  static const char *const where[] = {"at", "one ulp above", "one ulp below",
                                      "2^-40 below the step threshold"};
  double at = mpfr_get_d(h, MPFR_RNDU);
  double err = k == 0   ? at
               : k == 1 ? nextafter(at, INFINITY)
               : k == 2 ? nextafter(at, 0.0)
                        : mpfr_get_d(h, MPFR_RNDD);
  dlv_gate_note(c, "g.Hg %s its bound: hg_err %a", where[k], err);
  mpfr_clears(h, norm, (mpfr_ptr)0);
  ls_exact_clear(&x);
  return err;
}

/* The largest entries of g and hg at different places, hg's larger:
 * g = (2^a, 2^-b), hg = (2^-c, 2^d) with a ~ 1000 < d ~ 1015 and a + b,
 * c + d > 1030: lambda = ||g||^2 / (g . hg) ~ 2^(a - d + 1030) is finite,
 * while the ratio of the sums scaled to maxima 1 exceeds 2^1030. */
static void maxima_apart(dlv_gate_case *c, double *g, double *hg)
{
  int a = 990 + (int)dlv_gate_draw(c, 20), d = 1010 + (int)dlv_gate_draw(c, 13);
  g[0] = ldexp(1.0, a);
  g[1] = ldexp(1.0 + (double)dlv_gate_draw(c, 256) / 256.0,
               a - 1030 - (int)dlv_gate_draw(c, 30));
  hg[0] = ldexp(1.0, d - 1030 - (int)dlv_gate_draw(c, 30));
  hg[1] = ldexp(1.0 + (double)dlv_gate_draw(c, 256) / 256.0, d);
  dlv_gate_note(c, "maxima of g and hg apart");
}

/* g and hg below 2^-1034 (subnormal, at most 40 significant bits), hg with
 * the signs of g: lambda ~ 1, while 2^-ilogb(max) would exceed 2^1023
 * (the kernel's scales are capped there, hvp.c). */
static void deep_subnormal(dlv_gate_case *c, dlv_gate_buf *gb,
                           dlv_gate_buf *hb)
{
  for (size_t i = 0; i < gb->n; i++) {
    double g = ldexp((double)(1 + dlv_gate_draw(c, (uint64_t)1 << 40)), -1074);
    double h = ldexp((double)(1 + dlv_gate_draw(c, (uint64_t)1 << 40)), -1074);
    g = dlv_gate_draw(c, 2) ? -g : g;
    dlv_gate_buf_set(gb, i, g);
    dlv_gate_buf_set(hb, i, copysign(h, g));
  }
  dlv_gate_buf_freeze(c, gb);
  dlv_gate_buf_freeze(c, hb);
  dlv_gate_note(c, "g and hg below 2^-1034");
}

/* hg of a class with the signs of g (positive curvature) three times in
 * four, else of any sign. */
static void fill_hg(dlv_gate_case *c, dlv_gate_buf *gb, dlv_gate_buf *hb,
                    int vclass)
{
  int same = dlv_gate_draw(c, 4) != 3;
  for (size_t i = 0; i < hb->n; i++) {
    double x = dlv_gate_value(c, vclass, 0);
    dlv_gate_buf_set(hb, i, same ? copysign(x, dlv_gate_buf_get(gb, i)) : x);
  }
  dlv_gate_buf_freeze(c, hb);
}

/* Rejected arguments and special values: the expected status. */
static int ls_special(dlv_gate_case *c, unsigned k, dlv_gate_buf *gb,
                      dlv_gate_buf *hb, size_t *n, const double **g,
                      const double **hg, double **lambda)
{
  static const char *const kinds[] = {
      "g NULL", "hg NULL", "lambda NULL", "n = 0", "NaN in g", "NaN in hg",
      "Inf in g", "g = 0", "hg = -g"};
  dlv_gate_note(c, "%s", kinds[k]);
  *g = k == 0 ? NULL : *g;
  *hg = k == 1 ? NULL : *hg;
  *lambda = k == 2 ? NULL : *lambda;
  *n = k == 3 ? 0 : *n;
  size_t at = (size_t)dlv_gate_draw(c, gb->n);
  if (k == 4 || k == 6)
    dlv_gate_buf_set(gb, at, k == 4 ? NAN : -INFINITY);
  if (k == 5)
    dlv_gate_buf_set(hb, at, NAN);
  if (k == 7)
    refill(c, gb, 0.0);
  for (size_t i = 0; k == 8 && i < hb->n; i++)
    dlv_gate_buf_set(hb, i, -dlv_gate_buf_get(gb, i));
  dlv_gate_buf_freeze(c, gb);
  dlv_gate_buf_freeze(c, hb);
  return k <= 2 ? DLV_EINVAL : k == 3 ? DLV_EBADLEN : k <= 5 ? DLV_ENAN
                                                             : DLV_EDOM;
}

/* hg_err at its domain's edges: -0 (accepted as 0), the negative
 * subnormal next to it and NaN (DLV_EINVAL), +Inf (DLV_EDOM). */
static double hg_err_edge(dlv_gate_case *c, unsigned k, int *want)
{
  static const double errs[] = {-0.0, -DBL_TRUE_MIN, NAN, INFINITY};
  *want = k == 0 ? -1 : k == 3 ? DLV_EDOM : DLV_EINVAL;
  dlv_gate_note(c, "hg_err %a", errs[k]);
  return errs[k];
}

/* Scenarios: data (twice); g . Hg at its bound, one ulp of hg_err above
 * and below, 2^-40 below; four edges of hg_err; lambda's range (g
 * subnormal and hg huge, the reverse, the maxima apart, both subnormal:
 * scales up to 2^1023); nine kinds of special argument. */
enum { LS_DATA, LS_GUARD, LS_HG_ERR, LS_RANGE, LS_SPECIAL, LS_NSCENARIOS };
static const unsigned ls_subcases[LS_NSCENARIOS] = {2, 4, 4, 4, 9};

static void linesearch_step(dlv_gate_case *c)
{
  unsigned sub;
  int scenario = dlv_lg_scenario(c, ls_subcases, LS_NSCENARIOS, &sub);
  int gclass = dlv_gate_vclass(c), hclass = gclass;
  unsigned range = scenario == LS_RANGE ? sub : 0;
  if (scenario == LS_RANGE && range != 2) { /* lambda ~ 2^+-2000, or ~ 1 */
    gclass = range == 1 ? DLV_GV_HUGE : DLV_GV_SUBNORMAL;
    hclass = range == 0 ? DLV_GV_HUGE : DLV_GV_SUBNORMAL;
  }
  size_t n = range == 2 ? 2 : dlv_gate_extent(c, NULL, 0, 1, 16);
  if (scenario == LS_GUARD) /* n = 2, or 2m + 1 (guard_pairs) 3 times in 4 */
    n = dlv_gate_draw(c, 4) == 0 ? 2 : 2 * (1024 + dlv_gate_draw(c, 1025)) + 1;
  dlv_gate_buf gb, hb, out;
  const double *g = dlv_lg_input(c, &gb, n, gclass), *hg = hb.at;
  dlv_gate_buf_make(c, &hb, sizeof(double), n, 1);
  hg = hb.at;
  fill_hg(c, &gb, &hb, hclass);
  double *lambda = scalar_out(c, &out);
  double hg_err = dlv_gate_draw(c, 2) ? 0.0
                                      : ldexp((double)dlv_gate_draw(c, 16),
                                              -(int)dlv_gate_draw(c, 60));
  int want = -1;
  if (range == 3) {
    deep_subnormal(c, &gb, &hb);
  } else if (range == 2) {
    maxima_apart(c, gb.at, hb.at);
    dlv_gate_buf_freeze(c, &gb);
    dlv_gate_buf_freeze(c, &hb);
  } else if (scenario == LS_GUARD) {
    hg_err = guard_limit(c, sub, n, gb.at, hb.at);
    dlv_gate_buf_freeze(c, &gb);
    dlv_gate_buf_freeze(c, &hb);
  } else if (scenario == LS_HG_ERR) {
    hg_err = hg_err_edge(c, sub, &want);
  } else if (scenario == LS_SPECIAL) {
    want = ls_special(c, sub, &gb, &hb, &n, &g, &hg, &lambda);
  }
  dlv_gate_note(c, "n %zu, g %s, hg %s, hg_err %a", n,
                dlv_gate_vclass_name(gclass), dlv_gate_vclass_name(hclass),
                hg_err);
  if (!backend_runs(c, DLV_BK_LINESEARCH_STEP,
                    scenario == LS_DATA && want < 0))
    return;
  int status =
      dlv_gate_backend()->linesearch_step_d(n, g, hg, hg_err, lambda);
  if (want >= 0)
    dlv_gate_cmp_status(c, "status", status, want);
  else
    ls_check(c, n, g, hg, isnan(hg_err) ? 0.0 : fmax(hg_err, 0.0),
             scenario == LS_GUARD, status, dlv_gate_buf_get(&out, 0));
  if (status != DLV_OK)
    dlv_gate_buf_unchanged(c, &out, "lambda on error");
  dlv_gate_buf_guards_ok(c, &out, "lambda");
  dlv_gate_buf_unchanged(c, &gb, "g");
  dlv_gate_buf_unchanged(c, &hb, "hg");
}

static const dlv_gate_entry entries[] = {
    {"dlv_hvp_step_d", hvp_step},
    {"dlv_hvp_cstep_d", hvp_cstep},
    {"dlv_hvp_central_d", hvp_central},
    {"dlv_linesearch_step_d", linesearch_step},
};

/* hvp.h: h in (0, 1]; the step t in [2^-1074, 2^1023]. */
static int h_in_domain(double h) { return h > 0 && h <= 1; }
static int t_in_domain(double t) { return t >= 0x1p-1074 && t <= 0x1p1023; }

static const dlv_gate_limit_model limit_models[] = {
    {"h_max", NULL, h_in_domain, 1, 1, DLV_GATE_STEP_DOUBLE,
     "h in (0, 1] (hvp.h)"},
    {"t_min", NULL, t_in_domain, 0, 1, DLV_GATE_STEP_DOUBLE,
     "t in [2^-1074, 2^1023] (hvp.h)"},
    {"t_max", NULL, t_in_domain, 1, 1, DLV_GATE_STEP_DOUBLE,
     "t in [2^-1074, 2^1023] (hvp.h)"},
};

const dlv_gate_family dlv_gate_hvp = {
    "hvp", entries, sizeof entries / sizeof entries[0], .via_backend = 1,
    .limit_models = limit_models,
    .n_limit_models = sizeof limit_models / sizeof limit_models[0]};
