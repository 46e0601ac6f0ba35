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
/* ---- P2 ------------------------------------------------------------- */
/* ---- P3 ------------------------------------------------------------- */
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

static inline double dlv_bound_prox_at(dlv_bound_prox b, double v_abs,
                                       double exact_abs)
{
  return b.v * v_abs + b.rel * exact_abs + b.abs;
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

/* ---- Monte Carlo ---------------------------------------------------- */
/* Two-sided z for confidence intervals: P(|Z| > 5) = 5.7e-7 per comparison
 * under the null; checks correct it for their number of comparisons. */
#define DLV_MC_Z 5.0

#endif
