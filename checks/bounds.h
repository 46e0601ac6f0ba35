/* bounds.h: every error bound dlverify gates on, each named after the
 * analysis it comes from and defined here once.  A bound is never widened to
 * make a check pass: a failing check is a finding about the kernel, the
 * bound or the reference.
 *
 * Notation (Higham, Accuracy and Stability of Numerical Algorithms, 2nd ed.):
 * u is the unit roundoff (2^-53 double, 2^-24 float); gamma_n = n u/(1 - n u)
 * bounds the relative error of n chained roundings, |theta_n| <= gamma_n
 * (Lemma 3.1).  A bound is a pair (rel, abs): |computed - exact| <=
 * rel |exact| + abs, the abs term covering underflow to subnormals. */
#ifndef DLV_BOUNDS_H
#define DLV_BOUNDS_H

#include <math.h>
#include <stddef.h>

/* M_PI is POSIX/XSI, not ISO C: an installed user compiling with -std=c11
 * and no feature macro gets it here (glibc's value, pi rounded to double). */
#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

#define DLV_U_DOUBLE 0x1p-53
#define DLV_U_FLOAT 0x1p-24
/* The error of one rounding that underflows is at most half the smallest
 * subnormal (IEEE 754 gradual underflow, round to nearest).  For double,
 * 2^-1075 is not representable, so the bound uses 2^-1074. */
#define DLV_ETA_DOUBLE 0x1p-1074
#define DLV_ETA_FLOAT 0x1p-150

typedef struct {
  double rel; /* bound on the relative part */
  double abs; /* bound on the absolute part (underflow) */
} dlv_bound;

/* The bound's value for an exact result of magnitude |exact|. */
static inline double dlv_bound_at(dlv_bound b, double exact_abs)
{
  return b.rel * exact_abs + b.abs;
}

/* gamma_n = n u / (1 - n u); +Inf when n u >= 1 (no bound exists). */
static inline double dlv_gamma(double n, double u)
{
  return n * u < 1.0 ? n * u / (1.0 - n * u) : INFINITY;
}

/* Relative error of sqrt(S (1 + theta)) (1 + delta), |theta| <= g,
 * |delta| <= u: max(sqrt(1 + g)(1 + u) - 1, 1 - sqrt(1 - g)(1 - u)),
 * evaluated with log1p/expm1 so that the bound itself is accurate. */
static inline double dlv_sqrt_of_perturbed_rel(double g, double u)
{
  double up = expm1(0.5 * log1p(g) + log1p(u));
  double down = -expm1(0.5 * log1p(-g) + log1p(-u));
  return up > down ? up : down;
}

/* ---- Monte Carlo ---------------------------------------------------- */
/* Two-sided z for confidence intervals: P(|Z| > 5) = 5.7e-7 per comparison
 * under the null; checks correct it for their number of comparisons. */
#define DLV_MC_Z 5.0
/* One check program's family-wise false-failure probability
 * alpha = P(|Z| > DLV_MC_Z) = erfc(5/sqrt 2) = 5.7e-7, split evenly
 * (Bonferroni) over its k statistical comparisons: alpha/k each. */
#define DLV_MC_ALPHA_EACH(k) (erfc(DLV_MC_Z / sqrt(2.0)) / (double)(k))

/* ---- P4a: Euclidean norm and its gradient (kernels/nrm2.c) ---------- */

/* nrm2_d: the sum of n squares passes each term through at most n
 * roundings (one product, n - 1 additions), gamma_n; squares that underflow
 * add at most n 2^-1074 to a block sum that is >= 2^-102 (see nrm2.c), i.e.
 * n 2^-972 relative; sqrt adds u; a subnormal norm one more rounding. */
static inline dlv_bound dlv_bound_nrm2_d(size_t n)
{
  double g = dlv_gamma((double)n, DLV_U_DOUBLE) + (double)n * 0x1p-972;
  return (dlv_bound){dlv_sqrt_of_perturbed_rel(g, DLV_U_DOUBLE),
                     DLV_ETA_DOUBLE};
}

/* nrm2_s: float squares are exact in double and cannot under- or overflow,
 * so the double norm has sqrt_of_perturbed_rel(gamma_n(u_d), u_d); one
 * rounding to float (relative u_s, or absolute 2^-150 if subnormal). */
static inline dlv_bound dlv_bound_nrm2_s(size_t n)
{
  double rd = dlv_sqrt_of_perturbed_rel(dlv_gamma((double)n, DLV_U_DOUBLE),
                                        DLV_U_DOUBLE);
  return (dlv_bound){expm1(log1p(rd) + log1p(DLV_U_FLOAT)), DLV_ETA_FLOAT};
}

/* nrm2_grad_d: g_i = (x_i 2^-e)(1/r), r = sqrt(s) with relative error beta
 * (nrm2_d without its final scaling): (1 + u)^2 / (1 - beta) - 1.  The
 * exact scaling x_i 2^-e can underflow (2^-1075) and 1/r <= 1 then, plus
 * the product's own underflow: 2^-1074 in all. */
static inline dlv_bound dlv_bound_nrm2_grad_d(size_t n)
{
  double beta = dlv_bound_nrm2_d(n).rel;
  double rel = expm1(2.0 * log1p(DLV_U_DOUBLE) - log1p(-beta));
  return (dlv_bound){rel, 2.0 * DLV_ETA_DOUBLE};
}

/* nrm2_grad_s: the double quotient x_i / sqrt(s) as in nrm2_grad_d (no
 * underflow possible in double), then one rounding to float. */
static inline dlv_bound dlv_bound_nrm2_grad_s(size_t n)
{
  double beta = dlv_sqrt_of_perturbed_rel(
      dlv_gamma((double)n, DLV_U_DOUBLE), DLV_U_DOUBLE);
  double rd = expm1(2.0 * log1p(DLV_U_DOUBLE) - log1p(-beta));
  return (dlv_bound){expm1(log1p(rd) + log1p(DLV_U_FLOAT)), DLV_ETA_FLOAT};
}

/* Complex step through the analytic twin of the norm (checks/p4a): with y
 * scaled so that max|y_i| is in [1, 2), z = y + i h e_j, h = 2^-DLV_CSTEP_BITS,
 * S = sum z_i^2 has Re S = sum y_i^2 (1 + theta_n) - h^2 (relative
 * h^2 <= 2^-80) and Im S = 2 h y_j exactly (or underflowing, 2^-1075);
 * dlv_csqrt_small_imag returns Im sqrt(S) = Im S / (2 sqrt(Re S)) with
 * truncation (Im S / Re S)^2 <= 2^-78 and two roundings.  Dividing by h is
 * exact.  So rel <= (1 + u)^2 (1 + 2^-78) / sqrt(1 - gamma_n - 2^-80) - 1,
 * abs <= 2^-1075 2^40 = 2^-1035 (we use 2^-1030). */
#define DLV_CSTEP_BITS 40
static inline dlv_bound dlv_bound_cstep_nrm2(size_t n)
{
  double g = dlv_gamma((double)n, DLV_U_DOUBLE) + 0x1p-80;
  double rel = expm1(2.0 * log1p(DLV_U_DOUBLE) + log1p(0x1p-78) -
                     0.5 * log1p(-g));
  return (dlv_bound){rel, 0x1p-1030};
}

/* A minimizer is accepted from an independent solver when its
 * central-difference gradient (gsl_deriv_central, step-size optimal for
 * O(h^2) truncation and O(u/h) rounding, i.e. error ~ u^(2/3)) is below
 * sqrt(u) relative to the problem's scale.  This judges the solver, not the
 * claim; the claim's residual is then gated by what the solver reached. */
#define DLV_SOLVER_STATIONARITY 0x1p-26

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
  double s1, s1_rel, r2, r2_rel;
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
                    fabs(lr), 0.0, 1.0, 0.0};
  if (!corrected)
    return c;
  double beta1 = dlv_bound_adam_bc_rel(b1, t);
  double beta2 = dlv_bound_adam_bc_rel(b2, t);
  c.s1 = fabs(lr) / (b1 == 0.0 ? 1.0 : -expm1((double)t * log(b1)));
  c.r2 = 1.0 / sqrt(b2 == 0.0 ? 1.0 : -expm1((double)t * log(b2)));
  c.s1_rel = expm1(log1p(ud) - log1p(-beta1));
  c.r2_rel = expm1(log1p(ud) - log1p(-ud) - 0.5 * log1p(-beta2));
  if (is_float) {
    c.s1_rel = dlv_p1_compose(c.s1_rel, DLV_U_FLOAT);
    c.r2_rel = dlv_p1_compose(c.r2_rel, DLV_U_FLOAT);
  }
  return c;
}

/* ema: a' = fl(fl(b a^) + fl(c^ x^)), a^ = a + e_a, x^ = x + e_x:
 * a'^ - a' = b e_a + (1 - b) e_x + b a^ ((1 + d1)(1 + d3) - 1)
 *            + (1 - b) x^ ((1 + c_rel)(1 + d2)(1 + d3) - 1) + two e's,
 * so |.| <= b e_a + (1-b) e_x + gamma_2 b (|a| + e_a)
 *           + ((1 + c_rel)(1 + u)^2 - 1)(1 - b)(|x| + e_x) + 3 eta. */
static inline double dlv_bound_ema_elem(double u, double eta, double b,
                                        double c_rel, double a, double x,
                                        double e_a, double e_x)
{
  double gx = dlv_p1_compose(c_rel, dlv_gamma(2, u));
  double q = 1.0 - b;
  return (b * e_a + q * e_x + dlv_gamma(2, u) * b * (fabs(a) + e_a) +
          gx * q * (fabs(x) + e_x) + 3.0 * eta) *
         DLV_P1_EVAL_SLACK;
}

/* adam_d / adam_s: one element of the step, propagating input errors `in`
 * (all 0 for a single step from exact inputs).  With M, V, Q = sqrt(V),
 * P = Q r2, D = P + eps, W = M/D, step = s1 W exact:
 *   e_m  ema bound on m;  e_v  ema bound on v with x = g^2, whose input
 *        error is e_g (2|g| + e_g) plus the rounding of g g (u, eta);
 *   e_sq = |sqrt(v^) - Q| <= min(sqrt(e_v), e_v / Q);
 *   e_q  = e_sq + u (Q + e_sq)                         (sqrt rounding)
 *   e_p  = r2 (1 + r2_rel) e_q + P r2_rel, then + u (P + .)
 *   e_d  = e_p + u (D + e_p)                  (P, eps >= 0: no cancellation)
 *   e_w  = (e_m + |W| e_d) / (D - e_d), then + u (|W| + .) + eta
 *   e_s  = s1 (1 + s1_rel) e_w + |step| s1_rel, then + u (|step| + .) + eta
 *   e_theta' = e_theta + e_s + u (|theta'| + e_theta + e_s).
 * The gradient error term covers bias correction through s1_rel, r2_rel;
 * cancellation in m' (b1 m against (1 - b1) g) and in theta - step is
 * covered by the absolute form (gauges |b1 m| + |(1 - b1) g|, |theta'|). */
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
  e_g2 += u * (g * g + e_g2) + eta;
  out.v = dlv_bound_ema_elem(u, eta, c->b2, c->c2_rel, x->v0, g * g, in.v,
                             e_g2);
  double q = sqrt(fabs(x->v1)), p = q * c->r2, d = p + c->eps;
  double w = fabs(x->m1) / d, step = c->s1 * w;
  double e_sq = sqrt(out.v);
  if (q > 0.0 && out.v / q < e_sq)
    e_sq = out.v / q;
  double e_q = e_sq + u * (q + e_sq);
  double e_p = c->r2 * (1.0 + c->r2_rel) * e_q + p * c->r2_rel;
  e_p += u * (p + e_p);
  double e_d = e_p + u * (d + e_p);
  double e_w = e_d < d ? (out.m + w * e_d) / (d - e_d) : INFINITY;
  e_w += u * (w + e_w) + eta;
  /* s1 = 0 (lr = 0): the step fl(0 W^) is exactly 0 for any finite W^ (an
   * infinite W^ gives a NaN theta', which fails against the finite exact
   * value anyway), so e_s = 0, not 0 times an unbounded e_w */
  double e_s = 0.0;
  if (c->s1 != 0.0) {
    e_s = c->s1 * (1.0 + c->s1_rel) * e_w + step * c->s1_rel;
    e_s += u * (step + e_s) + eta;
  }
  out.theta = in.theta + e_s + u * (fabs(x->theta1) + in.theta + e_s);
  out.theta *= DLV_P1_EVAL_SLACK;
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

/* ---- P2 ------------------------------------------------------------- */
/* Claim P2 (kernels/noisy_linear.c, checks/p2_weight_noise.c). */

/* p2_dot: one ReLU input z_i = sum_j (w_ij + e_ij) x_j in precision u.
 * Each term passes through the addition w + e (noisy layer only), one
 * product and at most n - 1 additions of the eight-way sum, so (Higham
 * (3.5)) |z - exact| <= gamma_k G, k = n + 1 (noisy) or n (plain, dropout),
 * with the gauge G = sum_j |w_ij + e_ij| |x_j| (dropped terms count 0).
 * A product that underflows adds at most eta, a sum of two floating-point
 * numbers that underflows is exact (Hauser), and an error eta carried
 * through later additions grows by at most 1 + gamma_n <= 2: abs = 2 n eta.
 * ReLU is exact and 1-Lipschitz, so y = ReLU(z) has the same bound.  NB:
 * rel multiplies the gauge G, not |z| (the check evaluates rel G + abs). */
static inline dlv_bound dlv_bound_p2_dot(size_t n, int noisy, double u,
                                         double eta)
{
  return (dlv_bound){dlv_gamma((double)n + (noisy ? 1.0 : 0.0), u),
                     2.0 * (double)n * eta};
}

/* Monte Carlo.  One run's family-wise false-failure probability is
 * alpha = P(|Z| > DLV_MC_Z) = erfc(5/sqrt 2) = 5.7e-7, split evenly
 * (Bonferroni) over the run's k statistical comparisons: alpha/k each, so a
 * sweep over 200 seeds fails spuriously with probability <= 1.2e-4. */
#define DLV_P2_ALPHA_EACH(k) DLV_MC_ALPHA_EACH(k)

/* p2_t_ci: the mean of N i.i.d. Gaussian samples with sample standard
 * deviation sd; (mean - mu) sqrt(N)/sd is Student t with N - 1 degrees of
 * freedom (exactly), so |mean - mu| <= q sd/sqrt(N) fails with probability
 * alpha_each when q is the t quantile at 1 - alpha_each/2 (GSL, in the
 * check).  The ratio estimator c = sum a_i m_i / sum a_i^2 of m such means
 * with a common variance has sd/sqrt(N sum a_i^2), pooled sd, t with
 * m (N - 1) degrees of freedom. */
static inline double dlv_p2_t_halfwidth(double q, double sd, double count)
{
  return q * sd / sqrt(count);
}

/* p2_chi2_ci: N Gaussian samples with variance sigma2 have sample variance
 * S2 with nu S2/sigma2 ~ chi-square(nu), nu = N - 1 (or N when the mean is
 * known).  With q_lo, q_hi its quantiles at alpha_each/2 and
 * 1 - alpha_each/2, the row err = |S2 - sigma2| is bounded by the distance
 * from sigma2 to the end of the acceptance interval on S2's side, so the row
 * holds iff q_lo <= nu S2/sigma2 <= q_hi. */
static inline double dlv_p2_chi2_bound(double s2, double sigma2, double nu,
                                       double q_lo, double q_hi)
{
  return s2 >= sigma2 ? sigma2 * (q_hi / nu - 1.0)
                      : sigma2 * (1.0 - q_lo / nu);
}

/* p2_gauss_conc: Gaussian concentration (Tsirelson-Ibragimov-Sudakov): an
 * L-Lipschitz function f of a standard Gaussian vector has
 * P(|f - E f| >= r) <= 2 exp(-r^2 / (2 L^2)).  The mean over N draws of
 * ReLU(a + e_k . x) is (||x||/sqrt N)-Lipschitz in (e_1, ..., e_N), so
 * r = L sqrt(2 log(2/alpha_each)) with L = ||x||/sqrt(N); no normal
 * approximation is involved. */
static inline double dlv_p2_gauss_conc_halfwidth(double lip, double alpha)
{
  return lip * sqrt(2.0 * log(2.0 / alpha));
}

/* p2_hoeffding: McDiarmid's bounded-difference inequality: when changing
 * the k-th independent input moves f by at most c_k,
 * P(|f - E f| >= r) <= 2 exp(-2 r^2 / sum c_k^2), so
 * r = sqrt(sum c_k^2 log(2/alpha_each) / 2).  With f the fraction of ones
 * among n Bernoulli draws (c_k = 1/n), or the Dvoretzky-Kiefer-Wolfowitz
 * inequality with Massart's constant for the Kolmogorov-Smirnov distance
 * sup |F_n - F| (sum c_k^2 = 1/n again), this is exact for every n. */
static inline double dlv_p2_hoeffding_halfwidth(double sum_c2, double alpha)
{
  return sqrt(sum_c2 * log(2.0 / alpha) / 2.0);
}

/* p2_mc_rounding: the Monte Carlo statistics are formed from computed
 * samples in double.  A computed sample z_k is within gamma_{n+1} G_k of
 * the exact one (p2_dot) and |z_k| <= G_k; their mean (N - 1 additions, one
 * division) is then within (gamma_{n+1} + gamma_N (1 + gamma_{n+1})) Gbar
 * <= gamma_{n+N+1} Gbar of the exact samples' mean (Lemma 3.3).  Gbar is
 * itself computed in double (relative error gamma_{n+N+1}), which doubles
 * the chain: gamma_{2(n+N+1)} Gbar.  The same holds for ReLU outputs. */
static inline double dlv_p2_mean_rounding(size_t n, double count,
                                          double gauge_mean)
{
  return dlv_gamma(2.0 * ((double)n + count + 1.0), DLV_U_DOUBLE) *
         gauge_mean;
}

/* p2_var_rounding: the two-pass sample variance S2 of N samples each within
 * delta of the exact ones: deviations move by <= 2 delta, so nu S2 moves by
 * <= 4 delta sum |d_k| + 4 N delta^2 <= 4 delta sqrt(N nu S2) + 4 N delta^2
 * (Cauchy-Schwarz); forming S2 (a subtraction, a square, N - 1 additions,
 * one division) adds gamma_{N+2} S2. */
static inline double dlv_p2_var_rounding(double s2, double delta,
                                         double count, double nu)
{
  return 4.0 * delta * sqrt(count * s2 / nu) +
         4.0 * count * delta * delta / nu +
         dlv_gamma(count + 2.0, DLV_U_DOUBLE) * s2;
}

/* p2_ratio_rounding: c = sum a_i m_i / sum a_i^2 over m outputs, where
 * a_i are the test-time layer's outputs (within da_i of exact, p2_dot) and
 * m_i Monte Carlo means (within r_i of the exact samples' means,
 * p2_mc_rounding).  Perturbing the data moves the numerator by at most
 * num_err = sum (|a_i| r_i + (|m_i| + r_i) da_i) and the denominator D by
 * den_err = sum (2 |a_i| + da_i) da_i (the check forms both sums); forming
 * the sums adds gamma_m sum |a_i m_i| and gamma_m D; so
 * |c - c_exact| <= (N_e + |c| D_e) / (D - D_e) + u |c|, with N_e and D_e
 * the two totals. */
static inline double dlv_p2_ratio_rounding(double num_err, double den_err,
                                           double sum_abs_am, double c,
                                           double d, size_t m)
{
  double g = dlv_gamma((double)m, DLV_U_DOUBLE);
  double ne = num_err + g * sum_abs_am, de = den_err + g * d;
  return (ne + fabs(c) * de) / (d - de) + DLV_U_DOUBLE * fabs(c);
}

/* ---- random streams (kernels/noisy_linear.c; checks/t_streams.c) ---- */

/* libm's log is taken to be within 1 ulp (2u relative): glibc's documented
 * maximum for log on x86-64 (its manual's table of known errors). */
#define DLV_LIBM_LOG_ULPS 1.0

/* polar_rel: one output of Marsaglia's polar method computed in precision
 * u from exact u_, v_ (multiples of 2^-52): r = fl(fl(u_^2) + fl(v_^2)) =
 * R (1 + t), |t| <= gamma_2; log r = (ln R + ln(1 + t)) (1 + l), |l| <=
 * 2u DLV_LIBM_LOG_ULPS, so the log's relative error is
 * e1 = (1 + 2u L)(1 + gamma'/|ln R|) - 1, gamma' = gamma_2/(1 - gamma_2)
 * bounding |ln(1 + t)|; then one division (by r, itself R (1 + t)), a
 * square root and a product: the output is u_ sqrt(-2 ln R / R) times
 * sqrt((1 + e1)(1 + d)/(1 + t)) (1 + d')(1 + d''), |d| <= u.  The bound is
 * the larger deviation of that factor from 1.  |ln R| = (a^2 + b^2)/2 for
 * the exact pair (a, b), since a^2 + b^2 = -2 ln R. */
static inline double dlv_bound_polar_rel(double ln_r_abs, double u)
{
  double g2 = dlv_gamma(2.0, u), gp = g2 / (1.0 - g2);
  double l = 2.0 * u * DLV_LIBM_LOG_ULPS;
  double e1 = (1.0 + l) * (1.0 + gp / ln_r_abs) - 1.0;
  double up = sqrt((1.0 + e1) * (1.0 + u) / (1.0 - g2)) * (1.0 + u) *
                  (1.0 + u) - 1.0;
  double down = 1.0 - sqrt((1.0 - e1) * (1.0 - u) / (1.0 + g2)) *
                          (1.0 - u) * (1.0 - u);
  return up > down ? up : down;
}

/* Sample model of the stream tests: the double generator's draws are
 * N(0, 1) samples g (the model every P2 law test makes); the float
 * generator's draws are x = fl(g) = g (1 + d), |d| <= rho = 2^-24 with no
 * underflow (a polar draw is 0 or at least 2^-78 in magnitude).  Each
 * statistic below is bounded for the g and then moved by at most the
 * perturbation rho can cause, computed from the x. */

/* mc_pair_z: for n disjoint pairs (a_j, b_j) of independent N(0, 1)
 * samples, Z = sum a_j b_j / sqrt(sum a_j^2) is exactly N(0, 1) (given a,
 * sum a_j b_j is N(0, sum a_j^2)): |Z| <= q with q = Phi^-1(1 - alpha/2).
 * From x = g (1 + d): the numerator moves by at most e S, S = sum |a_j b_j|
 * of the x, e = ((1 + rho)/(1 - rho))^2 - 1; the root of the denominator
 * by a factor within [1/(1 + rho), 1/(1 - rho)], i.e. Z by at most
 * 2 rho/(1 - rho) of its size; forming the sums in double adds gamma_{n+2}
 * of S and of the numerator.  slack = ((e + g) S + (|N| + (e + g) S)
 * (2 rho/(1 - rho) + g)) / D, N and D the computed numerator and root. */
static inline double dlv_mc_pair_z_slack(double rho, size_t n, double s_abs,
                                         double num, double den)
{
  double e = ((1.0 + rho) / (1.0 - rho)) * ((1.0 + rho) / (1.0 - rho)) - 1.0;
  double g = dlv_gamma((double)n + 2.0, DLV_U_DOUBLE);
  double moved = (e + g) * s_abs;
  return (moved + (fabs(num) + moved) * (2.0 * rho / (1.0 - rho) + g)) / den;
}

/* mc_bin_shift: probability a sample changes bin when g becomes
 * x = g (1 + d), bins cut at 0 (never crossed: the sign is kept) and at
 * +-b, |b| <= 1: x crosses b only when |g| lies within b [1/(1 + rho),
 * 1/(1 - rho)], of probability at most 2 phi_max b 2 rho/(1 - rho) per cut,
 * phi_max = 1/sqrt(2 pi); a bin has two cuts, a cell of two samples four. */
static inline double dlv_mc_cell_shift(double rho, int cuts)
{
  return (double)cuts * 4.0 * rho / (1.0 - rho) / sqrt(2.0 * M_PI);
}

/* mc_cdf_shift: sup_t |P(x <= t) - Phi(t)| <= sup_t P(|g| between
 * |t|/(1 + rho) and |t|/(1 - rho)) <= 2 rho/(1 - rho) max_t |t| phi(t) =
 * 2 rho/(1 - rho) phi(1). */
static inline double dlv_mc_cdf_shift(double rho)
{
  return 2.0 * rho / (1.0 - rho) * exp(-0.5) / sqrt(2.0 * M_PI);
}

/* mc_turning_points: among n i.i.d. continuous samples the number T of
 * turning points (x_{i-1} < x_i > x_{i+1} or >, <; runs up and down
 * number T + 1) has E T = 2 (n - 2)/3 exactly; changing one sample moves T
 * by at most 3 (the points i - 1, i, i + 1), so McDiarmid gives
 * |T - E T| <= sqrt(9 n log(2/alpha)/2).  For x = g (1 + d) the order of a
 * successive pair can change only when |g1 - g2| <= k (|g1| + |g2|),
 * k = 2 rho/(1 - rho), i.e. |D| <= k |S| with D = g1 - g2, S = g1 + g2
 * independent N(0, 2): probability <= 2k/pi; each change moves T by at most
 * 2, which shifts E T by at most 2 (n - 1) 2k/pi. */
static inline double dlv_mc_turning_points_halfwidth(size_t n, double rho,
                                                     double alpha)
{
  double k = 2.0 * rho / (1.0 - rho);
  return sqrt(9.0 * (double)n * log(2.0 / alpha) / 2.0) +
         2.0 * (double)(n - 1) * 2.0 * k / M_PI;
}

/* mc_chi2_lm: X ~ chi-square(nu) (Laurent and Massart 2000, Lemma 1):
 * P(X - nu >= 2 sqrt(nu x) + 2x) <= e^-x and P(nu - X >= 2 sqrt(nu x))
 * <= e^-x; with x = log(2/alpha) both sides together fail with probability
 * at most alpha, for every nu (no quantile routine: GSL's
 * gsl_cdf_chisq_Qinv returns 0.549 nu for nu = 2^20 at 2.7e-9, whose upper
 * tail probability is 1).  For S2 = X/nu the half-width on S2's side of 1
 * (s2 >= 1: upper). */
static inline double dlv_mc_chi2_halfwidth(double s2, double nu, double alpha)
{
  double x = log(2.0 / alpha);
  return 2.0 * sqrt(x / nu) + (s2 >= 1.0 ? 2.0 * x / nu : 0.0);
}

/* mc_bin_cdf: the bin probabilities Phi(b) are computed with libm's erfc
 * (a few ulps): 1e-15 absolute covers them. */
#define DLV_MC_CDF_ABS 1e-15

/* ---- P3 ------------------------------------------------------------- */
/* P3 (kernels/conv3d.c).  Every element of every pass is a dot product of K
 * terms a_i b_i: forward K = U V Z C', filter gradient K = B H W T, input
 * gradient K = taps C (taps = filter positions covering the element, at
 * most U V Z).  Whatever the order of summation (direct loops, a GEMM's
 * blocked and FMA-fused dot products, a C-term GEMM dot product followed by
 * taps - 1 col2im additions: C + taps - 1 <= taps C), each product passes
 * through one multiplication and at most K - 1 additions, so (Higham, eq.
 * 3.5) |computed - exact| <= gamma_K S, S = sum |a_i b_i|, in the kernel's
 * own precision u.  Underflow: with fl(ab) = ab(1 + d) + e, |e| <= eta, and
 * exact subnormal additions, the K products add (1 + gamma_K) K eta <=
 * 2 K eta.  S is computed as the MPFR reference of the same pass on |a|,
 * |b|, rounded upward. */
static inline double dlv_bound_conv3d_dot(double k, double u, double eta,
                                          double abs_sum)
{
  return dlv_gamma(k, u) * abs_sum + 2.0 * k * eta;
}

/* Adjoint (dot-product) test: with G the probe, every one of
 * <conv(L1,F), G>, <L1, dL1(G,F)>, <F, dF(L1,G)> equals the triple sum
 * S = sum G F L1; each inner product is formed exactly (MPFR) from the
 * kernel's output, whose element errors are gamma_K times the element's
 * absolute sum, and those absolute sums weighted by |G|, |L1| or |F| all
 * add up to T = sum |G||F||L1|.  Two computed forms differ by at most
 * (gamma_Ka + gamma_Kb) T, K the largest K of each pass; data are drawn
 * with |x| >= 2^-4 (no product underflows).  The difference of the two
 * exact inner products is formed in MPFR, without rounding. */
static inline double dlv_bound_conv3d_adjoint(double ka, double kb, double u,
                                              double t_abs)
{
  return (dlv_gamma(ka, u) + dlv_gamma(kb, u)) * t_abs;
}

/* conv3d_mp_adjoint: the same identity on the reference path, every pass
 * from the MPFR references (exact products, correctly rounded sums at >= 256
 * bits) and the inner products in MPFR 64 bits wider: a few dozen
 * roundings of relative 2^-256 on terms adding up to T in magnitude, so
 * the two sides agree to far better than 2^-200 T, which is far below any
 * double-precision effect. */
#define DLV_P3_MPFR_REL 0x1p-200

/* Gradient of l = |conv(L1,F)|^2 / 2 along a direction d (of L1 or F),
 * formula side: y^ = fwd (error gamma_Kf A_i, A = conv of absolute values),
 * g^ = bwd(y^) (error gamma_Kb), D^ = <g^, d> formed exactly and rounded
 * once.  By adjointness, |D^ - D| <= ((1+gamma_Kf)(1+gamma_Kb)(1+u_d) - 1)
 * S_AB with S_AB = sum_i A_i B_i, B the conv of |d| with the other
 * operand's absolute values.  No underflow (data |x| >= 2^-4). */
static inline double dlv_bound_conv3d_grad_formula(double kf, double kb,
                                                   double u, double s_ab)
{
  return expm1(log1p(dlv_gamma(kf, u)) + log1p(dlv_gamma(kb, u)) +
               log1p(DLV_U_DOUBLE)) * s_ab;
}

/* Complex step Im l(x + i h d)/h with l quadratic: no truncation error.
 * Re and Im of the complex forward conv (a real filter times a complex
 * input needs no cross terms, C11 Annex G) carry gamma_Kf A_i and
 * gamma_Kf h B_i; Im z^2 = a b + b a, two roundings; the sum over N
 * outputs N - 1 more; h = 2^-20 is exact: ((1 + gamma_Kf)^2
 * (1 + gamma_(N+1)) - 1) S_AB, in double. */
static inline double dlv_bound_conv3d_cstep(double kf, double n,
                                            double s_ab)
{
  return expm1(2.0 * log1p(dlv_gamma(kf, DLV_U_DOUBLE)) +
               log1p(dlv_gamma(n + 1.0, DLV_U_DOUBLE))) * s_ab;
}
/* ---- P4b, P4c ------------------------------------------------------- */

/* Block soft-thresholding (kernels/prox_group.c): out_i = s v_i with
 * s = max(0, 1 - tau/N), N = ||v||.  The kernel computes N^ = N (1 + d),
 * |d| <= beta (the nrm2 bound), returns +0 when N^ <= tau, else
 * s^ = fl(fl(N^ - tau) / N^) and out_i = fl(s^ v_i).  With
 * e = beta / (1 - beta) >= |1 - N/N^|:
 * - s' = 1 - tau/N^ differs from s by (tau/N)(1 - N/N^); the nonzero branch
 *   has tau < N^ <= N (1 + beta), so |s' - s| <= (1 + beta) e; the zero
 *   branch has s <= 1 - N^/N <= beta <= (1 + beta) e, whether or not the
 *   exact answer is 0 (an input within rounding of the threshold may land
 *   on either side, and both sides are within the bound);
 * - s^ = s' (1 + th_2), out_i = s^ v_i (1 + th_1), so
 *   |out_i - s v_i| <= |v_i| ((1 + beta) e + gamma_3 s') and
 *   s' |v_i| <= |s v_i| + (1 + beta) e |v_i|.
 * Hence |out_i - exact_i| <= c_v |v_i| + gamma_3 |exact_i| + abs with
 * c_v = (1 + beta) e (1 + gamma_3): the error is measured against |v_i|
 * because the prox is 1-Lipschitz and s is ill-conditioned at the
 * threshold (relative error of s near N = tau is unbounded, absolute error
 * is not).  abs = one underflowing product (2^-1074); inputs keep ||v||
 * normal so the nrm2 absolute term does not arise.
 * Float: N^ from dlv_nrm2_s (beta_s), s^ and s^ v_i in double, then one
 * rounding to float: c_v (1 + u_s), gamma_3 (1 + u_s) + u_s, abs 2^-150. */
typedef struct {
  double v;   /* coefficient of |v_i| */
  double rel; /* coefficient of |exact_i| */
  double abs; /* underflow */
} dlv_bound_prox;

static inline dlv_bound_prox dlv__bound_prox(double beta)
{
  double e = beta / (1.0 - beta);
  double g3 = dlv_gamma(3.0, DLV_U_DOUBLE);
  return (dlv_bound_prox){(1.0 + beta) * e * (1.0 + g3), g3, DLV_ETA_DOUBLE};
}

static inline dlv_bound_prox dlv_bound_prox_group_d(size_t n)
{
  return dlv__bound_prox(dlv_bound_nrm2_d(n).rel);
}

static inline dlv_bound_prox dlv_bound_prox_group_s(size_t n)
{
  dlv_bound_prox b = dlv__bound_prox(dlv_bound_nrm2_s(n).rel);
  return (dlv_bound_prox){b.v * (1.0 + DLV_U_FLOAT),
                          b.rel * (1.0 + DLV_U_FLOAT) + DLV_U_FLOAT,
                          DLV_ETA_FLOAT};
}

/* The same when the computed norm is exact, N^ = N (the caller measures
 * it, e.g. Pythagorean tuples, whose squares, sum and root are exact):
 * beta = e = 0, so the zero branch is taken exactly when s = 0 (out = +0,
 * no error) and the other has s^ = s (1 + th_2), out_i = s^ v_i (1 + th_1):
 * |out_i - exact_i| <= gamma_3 |exact_i| + abs, no |v_i| term.  This is
 * what (N - tau) / N buys over 1 - tau/N, whose rounded quotient leaves an
 * absolute error u in s however small s is. */
static inline dlv_bound_prox dlv_bound_prox_exact_norm_d(void)
{
  return dlv__bound_prox(0.0);
}

static inline double dlv_bound_prox_at(dlv_bound_prox b, double v_abs,
                                       double exact_abs)
{
  return b.v * v_abs + b.rel * exact_abs + b.abs;
}

/* prox_exact_norm_s: the float kernel with an exact computed norm: s^ and
 * s^ v_i in double (gamma_3 of double), then one rounding to float:
 * rel = gamma_3 (1 + u_s) + u_s, abs 2^-150 (dlv_bound_prox_group_s with
 * beta = 0). */
static inline dlv_bound_prox dlv_bound_prox_exact_norm_s(void)
{
  dlv_bound_prox b = dlv__bound_prox(0.0);
  return (dlv_bound_prox){0.0, b.rel * (1.0 + DLV_U_FLOAT) + DLV_U_FLOAT,
                          DLV_ETA_FLOAT};
}

/* prox_group_norm: dlv_bound_prox_group_* for any ||v|| = nrm, a
 * subnormal one included: the norm's absolute error term (nrm2's abs)
 * becomes relative, beta = rel + abs / nrm.  When beta >= 1/2 the
 * analysis gives nothing better than |out_i| <= |v_i| (s^ <= 1) and
 * |exact_i| <= |v_i|: |out_i - exact_i| <= 2 |v_i|. */
static inline dlv_bound_prox dlv_bound_prox_group_norm(size_t n, double nrm,
                                                       int is_float)
{
  dlv_bound nb = is_float ? dlv_bound_nrm2_s(n) : dlv_bound_nrm2_d(n);
  double beta = nb.rel + (nrm > 0.0 ? nb.abs / nrm : INFINITY);
  double eta = is_float ? DLV_ETA_FLOAT : DLV_ETA_DOUBLE;
  if (!(beta < 0.5))
    return (dlv_bound_prox){2.0, 0.0, eta};
  dlv_bound_prox b = dlv__bound_prox(beta);
  if (!is_float)
    return b;
  return (dlv_bound_prox){b.v * (1.0 + DLV_U_FLOAT),
                          b.rel * (1.0 + DLV_U_FLOAT) + DLV_U_FLOAT, eta};
}

/* pg_step: one step of dlv_prox_grad_d from x given the loss's computed
 * gradient g^ (the kernel's input): y = x - t g^ exactly, y^ =
 * fl(x - fl(t g^)) with t a power of two (t g^ exact or underflowing:
 * eta), so |y^_i - y_i| <= delta_i = eta + u (|y_i| + eta).  The prox is
 * 1-Lipschitz, so |P(y^)_i - P(y)_i| <= ||delta||, and the kernel's prox
 * of y^ adds b (the prox bound at y^, |y^_i| <= |y_i| + delta_i,
 * |P(y^)_i| <= |P(y)_i| + ||delta||):
 *   |theta^_i - P(y)_i| <= ||delta|| + b.v (|y_i| + delta_i)
 *                          + b.rel (|P(y)_i| + ||delta||) + b.abs. */
static inline double dlv_bound_pg_delta(double y_abs)
{
  return DLV_ETA_DOUBLE + DLV_U_DOUBLE * (y_abs + DLV_ETA_DOUBLE);
}

static inline double dlv_bound_pg_elem(dlv_bound_prox b, double delta_norm,
                                       double y_abs, double delta,
                                       double exact_abs)
{
  return (delta_norm + b.v * (y_abs + delta) +
          b.rel * (exact_abs + delta_norm) + b.abs) *
         (1.0 + 0x1p-40); /* the bound's own evaluation (< 16 ops) */
}

/* pg_scale: info.scale = fl(N^ + lambda), N^ = nrm2(g^) within beta N +
 * abs: |scale^ - (N + lambda)| <= (beta + u (1 + beta)) (N + lambda) + abs
 * (1 + u). */
static inline dlv_bound dlv_bound_pg_scale(size_t n)
{
  dlv_bound nb = dlv_bound_nrm2_d(n);
  return (dlv_bound){nb.rel + DLV_U_DOUBLE * (1.0 + nb.rel),
                     nb.abs * (1.0 + DLV_U_DOUBLE)};
}

/* pg_gmap: info.gmap = nrm2(D^)/t, D^_i = fl(x_i - theta^_i) (relative
 * u), t a power of two; exact G = ||x - P(y)|| / t, and
 * | ||x - theta^|| - t G | <= ||E|| (E the pg_elem bounds):
 *   |gmap^ - G| <= r G + ((r + 1) ||E|| + abs) / t, r = beta (1 + u) + u. */
static inline dlv_bound dlv_bound_pg_gmap(size_t n, double e_norm, double t)
{
  dlv_bound nb = dlv_bound_nrm2_d(n);
  double r = nb.rel * (1.0 + DLV_U_DOUBLE) + DLV_U_DOUBLE;
  return (dlv_bound){r, ((r + 1.0) * e_norm + nb.abs) / t * (1.0 + 0x1p-40)};
}

/* l2reg_elem: out_i = fl(g_i + fl(c theta_i)) = (g + c theta (1 + d1) + e1)
 * (1 + d2) (a sum that underflows is exact): |out_i - exact_i| <=
 * u |exact_i| + u (1 + u) |c theta_i| + 2 eta (eta (1 + u) for e1). */
static inline dlv_bound dlv_bound_l2reg_elem(double ctheta_abs)
{
  const double u = DLV_U_DOUBLE;
  return (dlv_bound){u, u * (1.0 + u) * ctheta_abs + 2.0 * DLV_ETA_DOUBLE};
}

/* Proximal-gradient solver (kernels/prox_group.c).  Like
 * DLV_SOLVER_STATIONARITY this is an acceptance level for a solver, not a
 * bound on a claim.  The stopping rule is ||G_t|| <= tol (||grad l|| +
 * lambda), G_t(theta) = (theta - theta+)/t, and the checks ask for tol =
 * 2^-40.  In exact arithmetic the returned theta+ then has ||grad l(theta+)
 * + lambda theta+ / ||theta+|| || <= (1 + t L) ||G_t|| <= 2^-39 scale
 * (t <= 1/L).  Rounding makes the step land Delta away from the exact prox
 * of the computed point, ||Delta|| <= about (n/2 + 4) u ||theta||, which
 * moves grad F by at most (L + 2 lambda/||theta+||) ||Delta||: relative to
 * scale = ||grad l|| + lambda, about (n + 8) u (L ||theta|| / scale + 2),
 * i.e. 2^-44 or less when L ||theta|| / scale <= 100 (an estimate for the
 * well-conditioned problems the checks build, not a proof for all).  The
 * exact (MPFR) residual at theta+ is accepted at 2^-36, 8 times the
 * exact-arithmetic guarantee: a solver that stops early or mis-steps
 * exceeds it by orders of magnitude (measured: at most 0.062 of it over
 * 150 seeds). */
#define DLV_PG_TOL 0x1p-40
#define DLV_PG_STATIONARITY 0x1p-36

/* L2-stationarity residual r = grad l + c theta in double: g^ from a loss
 * kernel with its own entrywise bound |g^_j - g_j| <= gerr_j, then
 * dlv_l2reg_grad_d, r^_j = fl(g^_j + fl(c^ theta_j)), with c = w lambda /
 * (k N) for exact powers of two w, k and N^ = dlv_nrm2_d(theta):
 * c^ = fl(w lambda / (k N^)) has relative error e_c = (1 + u)/(1 - beta)
 * - 1.  Writing r^ - r = (g^ - g)(1 + d2) + (c^ (1 + d1) - c) theta
 * (1 + d2) + d2 r and |r_j| <= |g_j| + |c theta_j|, |g_j| <= gabs_j +
 * gerr_j (gabs_j = |g^_j| or any upper bound of |g_j|):
 *   |r^_j - r_j| <= (1 + u) gerr_j + u (gabs_j + gerr_j)
 *                   + ((1 + e_c)(1 + u)^2 - 1 + u) |c theta_j|,
 * where r uses the exact c.  The check compares ||r^|| (nrm2, relative
 * beta) with ||r|| (MPFR) + ||entry bounds||; the bound's own evaluation in
 * double is covered by a factor 1 + gamma_{n+4}.
 * Quadratic gradient (dlv_loss_quadratic_d): n products and n additions,
 * gerr_j = gamma_{n+1} S_j with S_j = sum_k |a_jk theta_k| + |b_j| >=
 * |g_j|, so gabs_j = S_j may be passed. */
static inline double dlv_bound_l2_resid_entry(size_t n, double gerr,
                                              double gabs, double ctheta)
{
  const double u = DLV_U_DOUBLE;
  double beta = dlv_bound_nrm2_d(n).rel;
  double ec = (1.0 + u) / (1.0 - beta) - 1.0;
  return (1.0 + u) * gerr + u * (gabs + gerr) +
         ((1.0 + ec) * (1.0 + u) * (1.0 + u) - 1.0 + u) * fabs(ctheta);
}

/* dlv_l2reg_grad_d on its own inputs g, theta, c: r^_j = fl(g_j + fl(c
 * theta_j)) = (g_j + c theta_j (1 + d1))(1 + d2) (or one rounding, if the
 * compiler contracts it to an FMA), so |r^_j - (g_j + c theta_j)| <= u |c
 * theta_j| + u (|g_j| + (1 + u) |c theta_j|) <= gamma_2 (|g_j| + |c
 * theta_j|), plus 2^-1074 for a product that underflows.  The bound is
 * evaluated in double from |g_j| and fl(|c theta_j|): two more roundings,
 * and gamma_2 (1 + u)^2 <= gamma_3. */
static inline double dlv_bound_l2reg_grad_entry(double g_abs,
                                                double ctheta_abs)
{
  return dlv_gamma(3.0, DLV_U_DOUBLE) * (g_abs + ctheta_abs) + DLV_ETA_DOUBLE;
}

/* Logistic gradient (dlv_loss_logistic_d), entry j, m samples, n features:
 * the margin z_i = sum_k x_ik theta_k has |z^_i - z_i| <= gamma_n S_i,
 * S_i = sum_k |x_ik theta_k|, moving sigma by at most gamma_n S_i / 4
 * (|sigma'| <= 1/4); sigma at the computed margin costs exp (glibc: < 1
 * ulp, relative 2u; margins |z| < 700 so no underflow), one addition and
 * one division, at most 6u (e / (1 + e) branch), and w_i = -y_i sigma/m one
 * more: gamma_7; the sum over i of w_i x_ij passes m + 1 roundings.  With
 * sigma <= 1:
 *   gerr_j <= (1 + gamma_{m+8}) (gamma_n T1_j / 4 + gamma_{m+8} T2_j) / m,
 * T1_j = sum_i |x_ij| S_i, T2_j = sum_i |x_ij|. */
static inline double dlv_bound_logistic_grad_entry(size_t m, size_t n,
                                                   double t1, double t2)
{
  double gm = dlv_gamma((double)m + 8.0, DLV_U_DOUBLE);
  return (1.0 + gm) *
         (0.25 * dlv_gamma((double)n, DLV_U_DOUBLE) * t1 + gm * t2) /
         (double)m;
}

/* One-sided directional derivative of F = l + lambda ||theta|| at 0 for a
 * quadratic l (l(0) = 0, so F^(0) = 0 exactly), along a double vector d:
 * D(h) = F^(h d)/h with h a power of two (h d exact), and the Richardson
 * combination R = 2 D(h/2) - D(h), which for a quadratic equals
 * F'(0; d) = b.d + lambda ||d|| exactly in exact arithmetic (the h d'Ad/2
 * term cancels): never a difference across the kink.  F^ = fl(l^ + fl(
 * lambda N^)): l^ = sum_i theta_i (a_i/2 + b_i) passes each term through
 * n (a_i) + 1 (+ b_i) + 1 (x theta_i) + n (the sum) + 1 (+ lambda N^)
 * roundings, gamma_{2n+3} on S_l(theta) = sum_i |theta_i|(sum_j |a_ij
 * theta_j|/2 + |b_i|); lambda N^ has (1 + beta)(1 + u)^2 - 1.  With theta =
 * h d, S_l/h = S1 + h S2 (S1 = sum|b_i d_i|, S2 = sum|d_i a_ij d_j|/2), so
 *   |D^(h) - D(h)| <= eps(h) = gamma_{2n+3} (S1 + h S2) + ((1 + beta)
 *                   (1 + u)^2 - 1) lambda ||d||,
 * and |R^ - R| <= E = (2 eps(h/2) + eps(h)) (1 + u) + u |R^| / (1 - u). */
static inline double dlv_bound_onesided_eps(size_t n, double s1, double s2,
                                            double lambda_nd, double h)
{
  double beta = dlv_bound_nrm2_d(n).rel;
  double cb = expm1(log1p(beta) + 2.0 * log1p(DLV_U_DOUBLE));
  return dlv_gamma(2.0 * (double)n + 3.0, DLV_U_DOUBLE) * (s1 + h * s2) +
         cb * lambda_nd;
}

static inline double dlv_bound_onesided(size_t n, double s1, double s2,
                                        double lambda_nd, double h,
                                        double r_hat)
{
  double e = 2.0 * dlv_bound_onesided_eps(n, s1, s2, lambda_nd, 0.5 * h) +
             dlv_bound_onesided_eps(n, s1, s2, lambda_nd, h);
  return e * (1.0 + DLV_U_DOUBLE) +
         DLV_U_DOUBLE * fabs(r_hat) / (1.0 - DLV_U_DOUBLE);
}

/* The L2-regularized problem solved from scratch, (A + lambda' I) x = -b
 * in MPFR, against the group-lasso minimizer theta* from the solver: with
 * the exact lambda' = lambda/||theta*||, (A + lambda' I) theta* + b =
 * grad F(theta*) = rho exactly, so theta* - x = (A + lambda' I)^-1 rho and
 * ||theta* - x|| <= ||rho|| / (mu + lambda'), mu <= lambda_min(A) known by
 * construction (A = M'M/8 + I/2 with integer M, exact in double: mu =
 * 1/2).  The MPFR elimination at >= 256 bits adds far less than
 * 2^-200 ||x|| for n <= 10 and condition <= 10^6; that term is added. */
static inline double dlv_bound_l2_from_scratch(double rho_norm, double mu,
                                               double lambda_p,
                                               double x_norm)
{
  /* lambda_p is passed rounded down; (1 + gamma_3) covers this
   * expression's own roundings (sum, division, product). */
  return rho_norm / (mu + lambda_p) *
             (1.0 + dlv_gamma(3.0, DLV_U_DOUBLE)) +
         0x1p-200 * x_norm;
}

/* The same from scratch for a convex loss without closed form (logistic):
 * x from an independent solver (GSL BFGS) for G = l + (lambda'/2)||.||^2,
 * which is lambda'-strongly convex, so ||x - theta*|| <= ||grad G(x) -
 * grad G(theta*)|| / lambda' <= (rho_x + rho) / lambda', with rho =
 * ||grad G(theta*)|| = ||grad F(theta*)|| and rho_x = ||grad G(x)||, both
 * exact (MPFR) and rounded up; mu = 0 in dlv_bound_l2_from_scratch. */
/* ---- P5 ------------------------------------------------------------- */
/* Hessian-vector products and the exact line search (kernels/hvp.c,
 * kernels/closs_generic.inc; checks/p5_line_search.c).
 *
 * Rounding of the complex step.  Im grad l(Theta + i t v) / t is computed by
 * the same operations as the gradient, each on (Re, Im) pairs; to first
 * order in u the imaginary parts carry the forward-mode derivative, and
 * each rounding perturbs the quantity it produces by at most u relative.
 * The checks compute, for every intermediate q, magnitudes R_q >= |Re q|
 * and I_q >= |Im q| / t of the same computation with every term taken in
 * absolute value (a subtraction becomes a sum, a function's argument error
 * is carried by |f''/f'| times the argument's magnitude); the computed
 * gradient entry j then has |error| <= gamma_K R_j and the complex-step
 * entry |error| <= gamma_K I_j, K the largest number of roundings on any
 * path from an input to entry j (Higham, sec. 3.1 and 3.3, applied to the
 * pairs).  K per loss, counting a glibc complex function (cexp, ctanh,
 * csqrt, each built from exp/sin/cos/sinh/cosh/sqrt of at most 1 ulp and a
 * few products) as 16 roundings and gcc's complex product (Im = ad + bc)
 * as 2 and quotient (libgcc __divdc3, Smith's method) as 6: */
/* quadratic: Im (A z)_i = sum_j a_ij (t v_j), n products and additions. */
#define DLV_P5_K_QUADRATIC(n) ((double)(n) + 1.0)
/* logistic: margin n, sigmoid 16 + 6, times -y_i/m 1, times x_ij 1, the
 * accumulation over m samples m. */
#define DLV_P5_K_LOGISTIC(n, m) ((double)(n) + (double)(m) + 24.0)
/* tanh network: preactivation d + 1, ctanh 16, w2 a 2, output k + 1,
 * residual and /m 2, c w2 2, a a 2, (c w2)(1 - a^2) 2, times x 1, the
 * accumulation over m samples m. */
#define DLV_P5_K_TANHNET(d, k, m)                                            \
  ((double)(d) + (double)(k) + (double)(m) + 32.0)
/* norm: squares 2 each and n - 1 additions, csqrt 16, quotient 6. */
#define DLV_P5_K_NORM(n) ((double)(n) + 24.0)

/* The value's path (the gate compares the loss value too):
 * quadratic: (A z)_i n, + b_i 1, z_i times it 2 (complex product), the sum
 * n: 2n + 3; logistic: margin n, cexp 16, 1 + w 1, clog 16, z + it 1, the
 * sum m, / m 1: n + m + 35; tanh network: preactivation d + 1, ctanh 16,
 * w2 a 2, output k + 1, residual 1, r r 2, the sum m, / 2m 1:
 * d + k + m + 24; norm: squares 2, n - 1 additions, csqrt 16: n + 18. */
#define DLV_P5_K_QUADRATIC_VALUE(n) (2.0 * (double)(n) + 3.0)
#define DLV_P5_K_LOGISTIC_VALUE(n, m) ((double)(n) + (double)(m) + 35.0)
#define DLV_P5_K_TANHNET_VALUE(d, k, m)                                      \
  ((double)(d) + (double)(k) + (double)(m) + 24.0)
#define DLV_P5_K_NORM_VALUE(n) ((double)(n) + 18.0)

/* The magnitudes are themselves computed in double with fewer than 2^10
 * roundings per entry; multiplying them by 1 + 2^-40 makes them upper
 * bounds. */
#define DLV_P5_MAG_SLACK (1.0 + 0x1p-40)

/* Truncation of the complex step and of the central difference (Cauchy's
 * estimate).  phi(s) = grad_j l(Theta + s v) is analytic with |phi| <= mc
 * on the complex disc |s| <= R (R and mc derived per loss in the check:
 * sigmoid and tanh are bounded by 1 on the strips |Im| <= pi/2 and pi/4,
 * the norm's sum of squares stays in Re > 0.56 ||Theta||^2 for
 * R = ||Theta|| / (5 ||v||)), so |phi^(k)(0)| <= k! mc / R^k and both
 *   Im phi(i t) / t - phi'(0) = sum_{k odd >= 3} phi^(k)(0) Im(i^k) t^(k-1)/k!
 *   (phi(t) - phi(-t)) / 2t - phi'(0) = sum_{k odd >= 3} phi^(k)(0) t^(k-1)/k!
 * are at most (mc / R) q / (1 - q), q = (t / R)^2.  +Inf when t >= R. */
static inline double dlv_bound_hvp_trunc(double mc, double radius, double t)
{
  if (mc == 0.0)
    return 0.0; /* linear gradient: no truncation at all */
  double q = (t / radius) * (t / radius);
  return q < 1.0 ? mc / radius * q / (1.0 - q) : INFINITY;
}

/* cstep_value_trunc: the value's complex step Im l(Theta + i t v) / t
 * against the directional derivative grad l . v.  psi(s) = l(Theta + s v)
 * has psi'(s) = grad l(Theta + s v) . v, at most m1 = sum_j mc_j |v_j| on
 * the disc, so |psi^(k)(0)| <= (k - 1)! m1 / R^(k-1) and the odd terms
 * k >= 3 of Im psi(i t) / t - psi'(0) sum to at most m1 q / (1 - q),
 * q = (t / R)^2.  +Inf when t >= R. */
static inline double dlv_bound_cstep_value_trunc(double m1, double radius,
                                                 double t)
{
  if (m1 == 0.0)
    return 0.0; /* a linear value: no truncation at all */
  double q = (t / radius) * (t / radius);
  return q < 1.0 ? m1 * q / (1.0 - q) : INFINITY;
}

/* logistic_underflow: e^-|z| underflows (margins beyond 745, reached by any
 * value class: 15 x 15 x 4 already): the exponential, sigma / m and each
 * product w_i x_ij may each land in the subnormals, adding at most
 * 2^-1074 absolute (IEEE gradual underflow); carried by the factors after
 * them, entry j gets sum_i (|x_ij| (1 + 1/m) + 1) 2^-1074 and the value
 * (log1p of the exponential, then / m) 2 2^-1074, each times (1 +
 * gamma_{m+1}) for the sums; divided by t for a complex step (the
 * imaginary parts underflow the same way).  xsum = sum_i |x_ij| (0 for the
 * value: then m is replaced by the value's 2). */
static inline double dlv_bound_logistic_underflow(size_t m, double xsum,
                                                  int value, double t)
{
  double g = 1.0 + dlv_gamma((double)m + 1.0, DLV_U_DOUBLE);
  double k = value ? 2.0 : xsum * (1.0 + 1.0 / (double)m) + (double)m;
  return k * DLV_ETA_DOUBLE * g / t;
}

/* quadratic_underflow_grad / _value: with subnormal data each product
 * a_ij theta_j may underflow, adding at most 2^-1074 (sums of subnormals
 * are exact): n + 1 such errors per gradient entry (the products and
 * + b_i); the value's factor ai / 2 + b_i carries (n + 2) 2^-1074, times
 * |theta_i|, plus its own product's underflow: n (1 + (n + 2) max|theta|)
 * 2^-1074, each times 1 + gamma_{n+1} for the sums. */
static inline double dlv_bound_quadratic_underflow_grad(size_t n)
{
  return ((double)n + 1.0) * DLV_ETA_DOUBLE *
         (1.0 + dlv_gamma((double)n + 1.0, DLV_U_DOUBLE));
}

static inline double dlv_bound_quadratic_underflow_value(size_t n,
                                                         double theta_max)
{
  return (double)n * (1.0 + ((double)n + 2.0) * theta_max) * DLV_ETA_DOUBLE *
         (1.0 + dlv_gamma((double)n + 1.0, DLV_U_DOUBLE));
}

/* hvp_cstep: |computed - exact| for entry j, in the flat stretch (no
 * imaginary part subnormal): rounding gamma_K I_j plus truncation. */
static inline double dlv_bound_hvp_cstep(double k, double mag_i,
                                         double trunc)
{
  return dlv_gamma(k, DLV_U_DOUBLE) * mag_i + trunc;
}

/* hvp_cstep_underflow (quadratic): when t v_j or a product a_ij t v_j
 * underflows, each rounding adds at most 2^-1075 absolute (sums of
 * subnormals are exact), so sum_j (|a_ij| + 1) 2^-1074 (1 + gamma_n), then
 * divided by t: this is where the flat stretch ends. */
static inline double dlv_bound_hvp_cstep_underflow(double sum_abs_a, size_t n,
                                                   double t)
{
  return (sum_abs_a + (double)n) * 0x1p-1074 *
         (1.0 + dlv_gamma((double)n, DLV_U_DOUBLE)) / t;
}

/* hvp_central (the FD error model): with w = fl(Theta +- t v) (t v exact,
 * |w_j - (Theta_j +- t v_j)| <= u (|Theta_j| + t |v_j|)), two gradient
 * evaluations each within gamma_K R_j, the gradient moved by the point's
 * rounding by at most I_j(u (|Theta| + t |v|)) (the Hessian magnitude along
 * that vector), one subtraction (u |result|, below 2 u I_j(|v|)) and an
 * exact division by 2t:
 *   trunc + (gamma_K R_j + u I_j(|Theta| + t |v|)) / t + 2 u I_j(|v|). */
static inline double dlv_bound_hvp_central(double k, double mag_r,
                                           double mag_point, double mag_i,
                                           double trunc, double t)
{
  return trunc + (dlv_gamma(k, DLV_U_DOUBLE) * mag_r +
                  DLV_U_DOUBLE * mag_point) / t +
         2.0 * DLV_U_DOUBLE * mag_i;
}

/* linesearch_rel: lambda = fl(fl(||g||^2) / fl(g . hg)) with ||g||^2
 * within gamma_n relative and |fl(g . hg) - g . Hg| <= e_d (the dot's
 * rounding gamma_n sum |g_i hg_i| plus sum |g_i| err(hg_i) (1 + gamma_n)),
 * so relative to lambda = ||g||^2 / (g . Hg):
 *   (1 + gamma_n)(1 + u) / (1 - e_d / (g . Hg)) - 1   (+Inf if e_d >= g.Hg). */
static inline double dlv_bound_linesearch_rel(size_t n, double ed_over_d)
{
  if (!(ed_over_d < 1.0))
    return INFINITY;
  return expm1(log1p(dlv_gamma((double)n, DLV_U_DOUBLE)) +
               log1p(DLV_U_DOUBLE) - log1p(-ed_over_d));
}

/* Composition of two relative bounds: (1 + a)(1 + b) - 1. */
static inline double dlv_bound_rel_compose(double a, double b)
{
  return a + b + a * b;
}

/* linesearch: the step kernel against the exact ||g||^2 / (g . hg) for its
 * own (double) hg: linesearch_rel for the relative part; the kernel scales
 * g and hg by powers of two and scales the quotient back with ldexp, which
 * rounds a second time when lambda is subnormal: at most 2^-1074 more. */
static inline dlv_bound dlv_bound_linesearch(size_t n, double ed_over_d)
{
  return (dlv_bound){dlv_bound_linesearch_rel(n, ed_over_d), DLV_ETA_DOUBLE};
}

/* linesearch_exact_operands: when ||g||^2 and g . Hg are computed exactly
 * (small integers), lambda = fl(N / D) has one rounding: u relative. */
static inline dlv_bound dlv_bound_linesearch_exact_operands(void)
{
  return (dlv_bound){DLV_U_DOUBLE, 0.0};
}

/* brent_resolution: a minimizer that sees only values phi~ with
 * |phi~ - phi| <= e cannot tell apart points where phi differs by less
 * than 2 e; for phi(l) = phi* + c (l - l*)^2 / 2 those are within
 * r = sqrt(4 e / c) of l*.  GSL's Brent ends with a bracket [a, b] of the
 * requested width around its best point; we accept it within
 * (b - a) + 2 r of l*.  This judges the solver (like
 * DLV_SOLVER_STATIONARITY), not the claim. */
static inline double dlv_bound_brent_resolution(double width, double e,
                                                double curvature)
{
  return width + 2.0 * sqrt(4.0 * e / curvature);
}

/* lambda_gradient_rel: the step is formed with the computed gradient g,
 * |g_i - grad_i l| <= e_i; the minimizer of l(Theta - lambda g) along that
 * g is (g . grad l) / (g . Hg), so ||g||^2 / (g . Hg) differs from it by
 * the factor 1 / (1 + delta), |delta| <= beta = sum |g_i| e_i / ||g||^2:
 * relative beta / (1 - beta). */
static inline double dlv_bound_lambda_gradient_rel(double beta)
{
  return beta < 1.0 ? beta / (1.0 - beta) : INFINITY;
}

/* quadratic_value (phi for Brent): l = sum_i w_i (a_i . w / 2 + b_i) has n
 * roundings in a_i . w, one for + b_i, one product and n summands: within
 * gamma_(2n+2) of V = sum |w_i| (sum_j |a_ij w_j| / 2 + |b_i|); the point
 * w = fl(Theta - lambda g) is within u (1 + u) (|Theta_i| + 2 |lambda g_i|)
 * of the exact one, which moves l by at most S = sum R_i that, R_i >=
 * |grad_i l| (first order). */
static inline double dlv_bound_quadratic_value(size_t n, double v_mag,
                                               double s_point)
{
  return dlv_gamma(2.0 * (double)n + 2.0, DLV_U_DOUBLE) * v_mag +
         DLV_U_DOUBLE * (1.0 + 2.0 * DLV_U_DOUBLE) * s_point;
}

/* hvp_symmetry: u'(Hv) and v'(Hu) from complex steps within the
 * componentwise bounds bu, bv differ from the common exact value by at
 * most sum |u_i| bv_i (and the same for v), plus each dot's rounding
 * gamma_n sum |u_i (Hv)_i|. */
static inline double dlv_bound_hvp_symmetry(size_t n, double ub, double vb,
                                            double dots_abs)
{
  return ub + vb + dlv_gamma((double)n, DLV_U_DOUBLE) * dots_abs;
}

/* mpfr_value: identities evaluated in MPFR at 256 bits or more, a few
 * dozen roundings of relative 2^-256 each on terms of magnitude T: 2^-240 T
 * is far above that and far below any double-precision effect. */
#define DLV_P5_MPFR_REL 0x1p-240




#endif
