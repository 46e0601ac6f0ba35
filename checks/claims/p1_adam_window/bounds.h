/* claims/p1_adam_window/bounds.h: claim P1, Adam, EMA and backward window. */
#ifndef DLV_BOUNDS_P1_ADAM_H
#define DLV_BOUNDS_P1_ADAM_H

#include <float.h>

#include <dlv/adam.h> /* the public header, in the build tree and installed */
#include "../../bounds/gauges.h"

/* ---- P1 ------------------------------------------------------------- */
/* Adam, EMA and backward window (kernels/adam.c; rounding model there).
 * Model of one rounding: fl(x) = x (1 + delta) + e, |delta| <= u, |e| <=
 * eta (eta only when the result underflows; sums of subnormals are exact).
 * The bounds are evaluated on the data: absolute errors, with the exact
 * (MPFR) values rounded to double.  That rounding, and the bound's own
 * evaluation in double (< 64 operations, relative < 2^-46), are covered by
 * the factor DLV_P1_EVAL_SLACK on every returned bound. */
#define DLV_P1_EVAL_SLACK (1.0 + 0x1p-40)

/* Accuracy of glibc's log and expm1 in double: 1 ulp, the maximum known
 * error listed for x86_64 in glibc's sysdeps/x86_64/fpu/libm-test-ulps (not
 * a proof; the check also measures 1 - b^t directly).  One ulp is at most
 * 2u relative. */
#define DLV_P1_LIBM_ULPS 1.0
#define DLV_P1_LIBM_REL (DLV_P1_LIBM_ULPS * 2.0 * DLV_U_DOUBLE)

/* (1 + a)(1 + b) - 1 evaluated without losing a, b below 2^-53 (1 + u
 * rounds to 1 in double). */
static inline double dlv_p1_compose(double a, double b)
{
  return expm1(log1p(a) + log1p(b));
}

/* adam_bc: relative error of -expm1(t log(b)) against 1 - b^t (b the
 * stored value, double arithmetic).  log(b) carries lambda =
 * DLV_P1_LIBM_REL, the product by t one more u, and the conversion of t
 * to double one more when t > 2^53 (not exact there):
 * y^ = y (1 + eps_y), eps_y = (1 + lambda)(1 + u)(1 + u_t) - 1.
 * f(y) = 1 - e^y has
 * |f(y^) - f(y)| <= |y| eps_y e^(y (1 - eps_y)), i.e. relative
 * eps_y kappa e^(|y| eps_y) with the condition number
 * kappa = |y| / (e^|y| - 1) <= 1: no amplification at small t (the naive
 * 1 - pow(b, t) has kappa = b^t / (1 - b^t), about 1/(t(1 - b)): 500 at
 * t = 2, b = 0.999).  expm1 adds lambda.  b = 0 gives exactly 1. */
static inline double dlv_bound_adam_bc_rel(double b, unsigned long t)
{
  if (b == 0.0)
    return 0.0;
  double lambda = DLV_P1_LIBM_REL, u = DLV_U_DOUBLE;
  double ay = fabs((double)t * log(b));
  double u_t = t > (1ul << 53) ? u : 0.0;
  double eps_y = dlv_p1_compose(dlv_p1_compose(lambda, u), u_t);
  /* kappa e^(|y| eps_y) = |y| e^(-|y| (1 - eps_y)) / (1 - e^-|y|), in the
   * form that neither overflows nor gives 0 * Inf at huge t (|y| > 709) */
  double amp = ay > 0.0 ? ay * exp(-ay * (1.0 - eps_y)) / -expm1(-ay) : 1.0;
  return dlv_p1_compose(eps_y * amp, lambda) * DLV_P1_EVAL_SLACK;
}

/* What the elementwise Adam bound needs: the element arithmetic (u, eta),
 * the stored hyperparameters, the relative errors of the computed scalars
 * c = fl(1 - b) (0 when b >= 1/2 by Sterbenz, or b = 0), s1 = lr/bc1 and
 * r2 = 1/sqrt(bc2), and their exact values (magnitudes only). */
typedef struct {
  double u, eta, b1, b2, eps;
  double c1_rel, c2_rel;
  /* s1 in long double: lr / bc1 may lie beyond double's range (adam.c
   * then forms it in the wider type), and an infinite s1 would make every
   * theta' bound infinite, the comparison empty */
  long double s1;
  double s1_rel, r2, r2_rel;
  /* the wider recomputation of small elements (adam.h, adam.c): the unit
   * roundoff of W (float: double, double: long double); DLV_ADAM_LOW_*;
   * whether eps < DLV_ADAM_EPS_BIG_* r2^ holds (1), fails (0) or cannot
   * be decided from r2 and r2_rel (-1) */
  double u_w, low;
  int eps_small;
  /* whether s1^ = fl(lr / bc1^) overflows the dtype (1: adam.c then
   * redoes every element in W), cannot (0), or may (-1) */
  int s1_wide;
} dlv_adam_ctx;

/* Absolute errors carried by one element (inputs or outputs). */
typedef struct {
  double theta, m, v, g;
} dlv_adam_err;

/* Exact values of one element: old state, gradient, new state. */
typedef struct {
  double m0, v0, g, m1, v1, theta1;
} dlv_adam_exact;

static inline double dlv_p1_c_rel(double b, double u)
{
  return b >= 0.5 || b == 0.0 ? 0.0 : u;
}

/* The scalars of the bias-corrected form (see dlv_adam_ctx_make). */
static inline void dlv_p1_corrected_scalars(dlv_adam_ctx *cp, int is_float,
                                            double lr, double b1, double b2,
                                            unsigned long t)
{
  double ud = DLV_U_DOUBLE;
  dlv_adam_ctx c = *cp;
  double beta1 = dlv_bound_adam_bc_rel(b1, t);
  double beta2 = dlv_bound_adam_bc_rel(b2, t);
  c.s1 = fabsl((long double)lr) /
         (b1 == 0.0 ? 1.0L : (long double)-expm1((double)t * log(b1)));
  c.r2 = 1.0 / sqrt(b2 == 0.0 ? 1.0 : -expm1((double)t * log(b2)));
  c.s1_rel = expm1(log1p(ud) - log1p(-beta1));
  c.r2_rel = expm1(log1p(ud) - log1p(-ud) - 0.5 * log1p(-beta2));
  if (is_float) {
    c.s1_rel = dlv_p1_compose(c.s1_rel, DLV_U_FLOAT);
    c.r2_rel = dlv_p1_compose(c.r2_rel, DLV_U_FLOAT);
  }
  *cp = c;
}

/* The context of the double (is_float = 0) or float kernel.  Scalars of the
 * bias-corrected form: s1^ = fl(lr / bc1^) has (1 + u)/(1 - beta1) - 1;
 * r2^ = fl(1/fl(sqrt(bc2^))) has (1 + u)/((1 - u) sqrt(1 - beta2)) - 1
 * (u of double); the float kernel rounds each to float once more. */
static inline dlv_adam_ctx dlv_adam_ctx_make(int is_float, double lr,
                                             double b1, double b2, double eps,
                                             unsigned long t, int corrected)
{
  double ud = DLV_U_DOUBLE, u = is_float ? DLV_U_FLOAT : ud;
  dlv_adam_ctx c = {u, is_float ? DLV_ETA_FLOAT : DLV_ETA_DOUBLE, b1, b2,
                    eps, dlv_p1_c_rel(b1, u), dlv_p1_c_rel(b2, u),
                    fabs(lr), 0.0, 1.0, 0.0,
                    is_float ? ud : 0.5 * (double)LDBL_EPSILON,
                    is_float ? DLV_ADAM_LOW_S : DLV_ADAM_LOW_D, 0, 0};
  if (corrected)
    dlv_p1_corrected_scalars(&c, is_float, lr, b1, b2, t);
  double big = is_float ? DLV_ADAM_EPS_BIG_S : DLV_ADAM_EPS_BIG_D;
  c.eps_small = eps < big * c.r2 * (1.0 - c.r2_rel)     ? 1
                : eps >= big * c.r2 * (1.0 + c.r2_rel) ? 0
                                                       : -1;
  /* s1^ within s1 (1 +- s1_rel); it rounds to an infinity at or above
   * the dtype's largest finite + half its ulp, which max (1 + u) exceeds */
  long double max = is_float ? FLT_MAX : DBL_MAX;
  c.s1_wide = c.s1 * (1.0L - c.s1_rel) > max * (1.0L + u) ? 1
              : c.s1 * (1.0L + c.s1_rel) < max        ? 0
                                                      : -1;
  return c;
}

/* ema: a' = fl(fl(b a^) + fl(c^ x^)), a^ = a + e_a, x^ = x + e_x:
 * a'^ - a' = b e_a + (1 - b) e_x + b a^ ((1 + d1)(1 + d3) - 1)
 *            + (1 - b) x^ ((1 + c_rel)(1 + d2)(1 + d3) - 1) + two e's,
 * so |.| <= b e_a + (1-b) e_x + gamma_2 b (|a| + e_a)
 *           + ((1 + c_rel)(1 + u)^2 - 1)(1 - b)(|x| + e_x) + 3 eta. */
/* A long double rounded up to double (an error bound stays a bound). */
static inline double dlv_p1_up(long double e)
{
  double r = (double)e;
  return r < e ? nextafter(r, INFINITY) : r;
}

/* The ema bound below in long double, without the slack factor: the
 * Adam bound's wider path has errors below double's range. */
static inline long double dlv_p1_ema_ld(double u, double eta, double b,
                                        double c_rel, long double a,
                                        long double x, long double e_a,
                                        long double e_x)
{
  long double gx = dlv_p1_compose(c_rel, dlv_gamma(2, u));
  long double q = 1.0L - b;
  /* b = 0: fl(0 a^) = 0 exactly for any finite a^, so the terms in b are
   * 0, not 0 times an unbounded e_a (NaN); likewise (1 - b) = 0 */
  long double from_a =
      b == 0.0 ? 0.0L : b * e_a + dlv_gamma(2, u) * b * (fabsl(a) + e_a);
  long double from_x = q == 0.0L ? 0.0L : q * e_x + gx * q * (fabsl(x) + e_x);
  return from_a + from_x + 3.0L * eta;
}

static inline double dlv_bound_ema_elem(double u, double eta, double b,
                                        double c_rel, double a, double x,
                                        double e_a, double e_x)
{
  return dlv_p1_up(dlv_p1_ema_ld(u, eta, b, c_rel, a, x, e_a, e_x) *
                   DLV_P1_EVAL_SLACK);
}

/* Which path adam.c takes for theta' of an element that is not all zero:
 * 0 the main loop, 1 the recomputation in W (s1^ beyond the dtype, or
 * v'^ < low or |m'^| < low with eps < DLV_ADAM_EPS_BIG_* r2^), -1
 * undecided (m'^, v'^ within their error bounds e.m, e.v of the exact m',
 * v'; s1^ near the dtype's largest). */
static inline int dlv_p1_adam_path(const dlv_adam_ctx *c,
                                   const dlv_adam_exact *x, dlv_adam_err e)
{
  double am = fabs(x->m1), low = c->low;
  int surely_low = x->v1 + e.v < low || am + e.m < low;
  int surely_not = x->v1 - e.v >= low && am - e.m >= low;
  if (c->s1_wide == 1)
    return 1;
  int low_path = c->eps_small == 0 || surely_not ? 0
                 : c->eps_small == 1 && surely_low ? 1
                                                   : -1;
  return c->s1_wide == 0 || low_path == 1 ? low_path : -1;
}

/* |m'| (an upper bound) and v' of the exact step, in long double: the
 * exact values rounded to double lose v' below 2^-1074 (g^2 of a tiny g)
 * and precision in a subnormal m'.  Below 2^-1000 they are recomputed
 * from the old state: v' = b2 v + (1 - b2) g^2 (no cancellation: relative
 * error below 2^-60, inside DLV_P1_EVAL_SLACK), |m'| <= |b1 m + (1 - b1)
 * g| + 2^-60 (|b1 m| + |(1 - b1) g|) + 2^-1074 (its cancellation and the
 * rounding of the given m' covered absolutely). */
static inline void dlv_p1_exact_mv(const dlv_adam_ctx *c,
                                   const dlv_adam_exact *x, long double *am,
                                   long double *v1)
{
  long double b1 = c->b1, b2 = c->b2, g = x->g;
  *v1 = fabs(x->v1);
  if (*v1 < 0x1p-1000)
    *v1 = b2 * x->v0 + (1.0L - b2) * g * g;
  *am = fabs(x->m1);
  if (*am < 0x1p-1000) {
    long double a = b1 * x->m0, b = (1.0L - b1) * g;
    *am = fabsl(a + b) + 0x1p-60L * (fabsl(a) + fabsl(b)) + 0x1p-1074L;
  }
}

/* The error of theta' from m'^ and v'^ carrying e_m and e_v, in an
 * arithmetic with unit roundoff u and underflow eta.  With M, V,
 * Q = sqrt(V), P = Q r2, D = P + eps, W = M/D, step = s1 W exact:
 *   e_sq = |sqrt(v^) - Q| <= min(sqrt(e_v), e_v / Q);
 *   e_q  = e_sq + u (Q + e_sq)                         (sqrt rounding)
 *   e_p  = r2 (1 + r2_rel) e_q + P r2_rel, then + u (P + .)
 *   e_d  = e_p + u (D + e_p)                  (P, eps >= 0: no cancellation)
 *   e_w  = (e_m + |W| e_d) / (D - e_d), then + u (|W| + .) + eta
 *   e_s  = s1 (1 + s1_rel) e_w + |step| s1_rel, then + u (|step| + .) + eta
 *   e_theta' = e_theta + e_s + u (|theta'| + e_theta + e_s).
 * The gradient error term covers bias correction through s1_rel, r2_rel;
 * cancellation in theta - step is covered by the absolute form (gauge
 * |theta'|).  Evaluated in long double (the small elements' m', v', d
 * lie below double's range) and rounded up to double; no slack factor
 * (the caller applies it). */
static inline double dlv_p1_update_err(const dlv_adam_ctx *c,
                                       const dlv_adam_exact *x, double u,
                                       double eta, long double e_m,
                                       long double e_v, double in_theta)
{
  long double am, v1;
  dlv_p1_exact_mv(c, x, &am, &v1);
  long double q = sqrtl(v1), p = q * c->r2, d = p + c->eps;
  long double w = am / d, step = c->s1 * w;
  long double e_sq = sqrtl(e_v);
  if (q > 0.0L && e_v / q < e_sq)
    e_sq = e_v / q;
  long double e_q = e_sq + u * (q + e_sq);
  long double e_p = c->r2 * (1.0L + c->r2_rel) * e_q + p * c->r2_rel;
  e_p += u * (p + e_p);
  long double e_d = e_p + u * (d + e_p);
  long double e_w = e_d < d ? (e_m + w * e_d) / (d - e_d) : INFINITY;
  e_w += u * (w + e_w) + eta;
  /* s1 = 0 (lr = 0): the step fl(0 W^) is exactly 0 for any finite W^ (an
   * infinite W^ gives a NaN theta', which fails against the finite exact
   * value anyway), so e_s = 0, not 0 times an unbounded e_w */
  long double e_s = 0.0L;
  if (c->s1 != 0.0) {
    /* s1_rel = 0: s1 is exact, no term in |step| */
    e_s = c->s1 * (1.0L + c->s1_rel) * e_w +
          (c->s1_rel == 0.0 ? 0.0L : step * c->s1_rel);
    e_s += u * (step + e_s) + eta;
  }
  return dlv_p1_up(in_theta + e_s +
                   u * (fabs(x->theta1) + in_theta + e_s));
}

/* adam_d / adam_s: one element of the step, propagating input errors `in`
 * (all 0 for a single step from exact inputs).  e_m, e_v: ema bounds on
 * the stored m', v' (x = g^2, whose input error is e_g (2|g| + e_g) plus
 * the rounding of g g: u, eta).  theta' takes one of two paths (adam.c):
 * the main loop's (dlv_p1_update_err with the dtype's u, eta and the
 * stored m', v') or, for a small element, the recomputation in W
 * (dlv_p1_update_err with W's u_w and eta 0 on W's own m', v', then
 * rounded to the dtype: + u (|theta'| + .) + eta).  The path is decided
 * from the exact m', v' and their error bounds; where they cannot decide
 * it, the larger of both bounds.  An element with g = m = v = 0 exactly
 * keeps theta exactly (m' = v' = 0, d = eps, step 0) on either path. */
static inline dlv_adam_err dlv_bound_adam_elem(const dlv_adam_ctx *c,
                                               const dlv_adam_exact *x,
                                               dlv_adam_err in)
{
  double u = c->u, eta = c->eta, g = fabs(x->g);
  dlv_adam_err out;
  out.g = in.g;
  out.m = dlv_bound_ema_elem(u, eta, c->b1, c->c1_rel, x->m0, x->g, in.m,
                             in.g);
  double e_g2 = in.g * (2.0 * g + in.g);
  out.v = dlv_bound_ema_elem(u, eta, c->b2, c->c2_rel, x->v0, g * g, in.v,
                             e_g2 + u * (g * g + e_g2) + eta);
  int zero = x->g == 0.0 && x->m0 == 0.0 && x->v0 == 0.0 && in.g == 0.0 &&
             in.m == 0.0 && in.v == 0.0;
  if (zero) {
    out.theta = in.theta;
    return out;
  }
  int path = dlv_p1_adam_path(c, x, out);
  double main = path == 1 ? 0.0 : dlv_p1_update_err(c, x, u, eta, out.m,
                                                    out.v, in.theta);
  double wide = 0.0;
  if (path != 0) {
    /* in long double: these errors lie below double's range */
    double uw = c->u_w;
    long double g2 = (long double)g * g, e_g2w = in.g * (2.0L * g + in.g);
    long double e_mw = dlv_p1_ema_ld(uw, 0.0, c->b1, c->c1_rel, x->m0, x->g,
                                     in.m, in.g);
    long double e_vw = dlv_p1_ema_ld(uw, 0.0, c->b2, c->c2_rel, x->v0, g2,
                                     in.v, e_g2w + uw * (g2 + e_g2w));
    long double w = dlv_p1_update_err(c, x, uw, 0.0, e_mw, e_vw, in.theta);
    /* in long double: |theta'| + w may lie beyond double's range */
    wide = dlv_p1_up(w + u * (fabsl(x->theta1) + w) + eta);
  }
  out.theta = (main > wide ? main : wide) * DLV_P1_EVAL_SLACK;
  return out;
}

/* quadratic_grad: the test objective's gradient g^ = fl(a fl(theta^ - c))
 * at theta^ = theta + e_theta: |g^ - a (theta - c)| <= |a| e_theta (1+u)^2
 * + gamma_2 |a| |theta - c| + 2 eta. */
static inline double dlv_bound_quadratic_grad(double u, double eta,
                                              double a, double diff,
                                              double e_theta)
{
  return (fabs(a) * e_theta * (1.0 + u) * (1.0 + u) +
          dlv_gamma(2, u) * fabs(a * diff) + 2.0 * eta) *
         DLV_P1_EVAL_SLACK;
}

/* beta_stored: b1 = fl(1 - fl(1/k)) in double is within u/k + u (1 - 1/k +
 * u/k) <= u (1 + u) of 1 - 1/k; the float value (float)b1 adds u_float. */
static inline double dlv_bound_beta_stored(int is_float)
{
  double e = DLV_U_DOUBLE * (1.0 + DLV_U_DOUBLE);
  return is_float ? e + DLV_U_FLOAT * (1.0 + e) : e;
}

/* window_mean_d / window_mean_s: the window sum is Ogita, Rump and Oishi's
 * Sum2 (SISC 26(6), 2005, Prop. 4.5) over a chain of N <= 3k terms p_i (the
 * block that reset it, then +x_new, -x_old per push):
 *   |fl(s + c) - S| <= u |S| + gamma_{N-1}^2 sum |p_i|,  sum|p_i| <= N xmax;
 * the mean fl(res / count) adds u (|mean| + .) + eta; the float window
 * rounds the double mean to float (u_float, eta_float). */
static inline double dlv_bound_window_mean(int is_float, size_t count,
                                           size_t chain, double mean_abs,
                                           double xmax)
{
  double u = DLV_U_DOUBLE, S = mean_abs * (double)count;
  double g = dlv_gamma((double)(chain > 1 ? chain - 1 : 1), u);
  double e_s = u * S + g * g * (double)chain * xmax;
  double e = (1.0 + u) * e_s / (double)count + u * mean_abs + DLV_ETA_DOUBLE;
  if (is_float)
    e += DLV_U_FLOAT * (mean_abs + e) + DLV_ETA_FLOAT;
  return e * DLV_P1_EVAL_SLACK;
}

/* ema_path: an EMA run of t steps whose state and inputs stay within
 * xmax in magnitude: by dlv_bound_ema_elem each step adds at most
 * gamma_2 b xmax + gamma_3 (1 - b) xmax + 3 eta <= gamma_3 xmax + 3 eta and
 * the carried error shrinks by b, so e_t <= t (gamma_3 xmax + 3 eta). */
static inline double dlv_bound_ema_path(double t, double u, double eta,
                                        double xmax)
{
  return t * (dlv_gamma(3, u) * xmax + 3.0 * eta) * DLV_P1_EVAL_SLACK;
}

/* mean_age_repr: b' = fl((k-1)/(k+1)) (k-1, k+1 exact) is within u b' of
 * (k-1)/(k+1); the EMA mean age 1/(1 - b') then moves by |db|/((1 - b')
 * (1 - b)) <= u ((k+1)/2)^2 / (1 - u (k+1)/2).  (The check uses double.) */
static inline double dlv_bound_mean_age_repr(double k, double u)
{
  double a = 0.5 * (k + 1.0);
  return u * a * a / (1.0 - u * a) * DLV_P1_EVAL_SLACK;
}

/* Closed forms compared in MPFR: each side takes at most 8 operations at
 * >= 256 bits (plus 64 guard bits), relative error far below 2^-200; two
 * closed forms are "equal" when they agree to 2^-200 relative. */
#define DLV_P1_MP_REL 0x1p-200

/* Monte Carlo comparisons of the check (variance and lag, EMA and window,
 * each against its own closed form and the EMA against the window's: 6 per
 * k, 4 values of k, 24 in all, budgeted as 32): the per-comparison
 * false-failure probability is
 * P(|Z| > DLV_MC_Z) / DLV_P1_MC_COMPARISONS (Bonferroni), so the whole
 * check fails falsely with probability at most P(|Z| > DLV_MC_Z). */
#define DLV_P1_MC_COMPARISONS 32

#endif
