/* bounds/p4_prox.h: claims P4b and P4c, prox and stationarity. */
#ifndef DLV_BOUNDS_P4_PROX_H
#define DLV_BOUNDS_P4_PROX_H

#include "gauges.h"
#include "nrm2.h"

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
                     nb.abs * (1.0 + DLV_U_DOUBLE), 0};
}

/* pg_gmap: info.gmap = nrm2(D^)/t, D^_i = fl(x_i - theta^_i) (relative
 * u), t a power of two; exact G = ||x - P(y)|| / t, and
 * | ||x - theta^|| - t G | <= ||E|| (E the pg_elem bounds):
 *   |gmap^ - G| <= r G + ((r + 1) ||E|| + abs) / t, r = beta (1 + u) + u. */
static inline dlv_bound dlv_bound_pg_gmap(size_t n, double e_norm, double t)
{
  dlv_bound nb = dlv_bound_nrm2_d(n);
  double r = nb.rel * (1.0 + DLV_U_DOUBLE) + DLV_U_DOUBLE;
  return (dlv_bound){r, ((r + 1.0) * e_norm + nb.abs) / t * (1.0 + 0x1p-40),
                     0};
}

/* l2reg_elem: out_i = fl(g_i + fl(c theta_i)) = (g + c theta (1 + d1) + e1)
 * (1 + d2) (a sum that underflows is exact): |out_i - exact_i| <=
 * u |exact_i| + u (1 + u) |c theta_i| + 2 eta (eta (1 + u) for e1). */
static inline dlv_bound dlv_bound_l2reg_elem(double ctheta_abs)
{
  const double u = DLV_U_DOUBLE;
  return (dlv_bound){u, u * (1.0 + u) * ctheta_abs + 2.0 * DLV_ETA_DOUBLE,
                     0};
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
/* P4c's MPFR identities (the objective gain against its expression
 * through the gradient): a few dozen roundings at >= 256 bits, far below
 * any double-precision effect (at most u^2; t_bounds_p4 pins it). */
#define DLV_P4C_MPFR_REL 0x1p-200
#define DLV_PG_TOL 0x1p-40
#define DLV_PG_STATIONARITY 0x1p-36

/* L2-stationarity residual r = grad l + c theta in double: g^ from a loss
 * kernel with its own entrywise bound |g^_j - g_j| <= gerr_j, then
 * dlv_l2reg_grad_d, r^_j = fl(g^_j + fl(c^ theta_j)), with c = w lambda /
 * (k N) for exact powers of two w, k and N^ = dlv_nrm2_d(theta):
 * c^ = fl(w lambda / (k N^)) has relative error e_c = (1 + u)/(1 - beta)
 * - 1.  Writing r^ - r = (g^ - g)(1 + d2) + (c^ (1 + d1) - c) theta
 * (1 + d2) + d2 r and |r_j| <= |g_j| + |c theta_j|, |g_j| <= gabs_j +
 * gerr_j (gabs_j = |g^_j| or any upper bound of |g_j|), the c theta terms
 * add to ((1 + e_c)(1 + u) - 1)(1 + u) + u = (1 + e_c)(1 + u)^2 - 1:
 *   |r^_j - r_j| <= (1 + u) gerr_j + u (gabs_j + gerr_j)
 *                   + ((1 + e_c)(1 + u)^2 - 1) |c theta_j|,
 * where r uses the exact c.  The check compares ||r^|| (nrm2, relative
 * beta) with ||r|| (MPFR) + ||entry bounds||; the bound's own evaluation in
 * double is covered by a factor 1 + gamma_{n+4}.
 * (Until 2026-12 the coefficient was evaluated as (1 + e_c)(1 + u)(1 + u)
 * - 1 + u in double, where 1 + u is 1: about 2u short, the extra u
 * hiding part of it; its twin in t_bounds_p4 found it.)  Quadratic
 * gradient: dlv_bound_quad_grad_entry. */
static inline double dlv_bound_l2_resid_entry(size_t n, double gerr,
                                              double gabs, double ctheta)
{
  const double u = DLV_U_DOUBLE;
  double beta = dlv_bound_nrm2_d(n).rel;
  /* (1 + e_c)(1 + u)^2 - 1 = (1 + u)^3 / (1 - beta) - 1, with log1p and
   * expm1: 1 + u is 1 in double, and the product minus 1 lost 2u */
  double coef = expm1(3.0 * log1p(u) - log1p(-beta));
  return (1.0 + u) * gerr + u * (gabs + gerr) + coef * fabs(ctheta);
}

/* l2_resid_norm: ||r^|| = nrm2(r^) against ||r|| + ||entry bounds||:
 * nrm2's relative beta, and gamma_{n+4} for the evaluation of the entry
 * bounds and their norm in double: (1 + beta)(1 + gamma_{n+4}) - 1. */
static inline double dlv_bound_l2_resid_norm_rel(size_t n)
{
  return expm1(log1p(dlv_bound_nrm2_d(n).rel) +
               log1p(dlv_gamma((double)n + 4.0, DLV_U_DOUBLE)));
}

/* Quadratic gradient (dlv_loss_quadratic_d): g_j = sum_k a_jk theta_k +
 * b_j, each term through one product, n - 1 additions and the addition of
 * b_j: |g^_j - g_j| <= gamma_{n+1} S_j with S_j = sum_k |a_jk theta_k| +
 * |b_j| >= |g_j| (so gabs_j = S_j may be passed as well). */
static inline double dlv_bound_quad_grad_entry(size_t n, double s)
{
  return dlv_gamma((double)n + 1.0, DLV_U_DOUBLE) * s;
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

/* Logistic value (dlv_loss_logistic_d), m samples, n features, the real
 * path: the margin z_i = sum_k x_ik theta_k has |z^_i - z_i| <= gamma_n
 * S_i + n 2^-1074 (1 + gamma_n) (products that underflow), and softplus is
 * 1-Lipschitz.  At the computed margin sp = max(z, 0) + L, L =
 * log1p(e^-|z|): exp and log1p each within 2 ulps (4u: glibc's are within
 * 1), log1p's condition at w >= 0 at most 1, so L^ = L (1 + theta_8); the
 * addition one rounding of sp, the sum m - 1 and / m one more, all on sp:
 * gamma_{m+1} sp_i; the rest carried through the sum and the division
 * (1 + gamma_{m+1}).  The libm errors scale with L alone, not with sp
 * (which at a margin of -31 is 31 where L is 3.4e-14):
 *   err <= (1 + gamma_{m+1}) (gamma_n S + m n 2^-1074 (1 + gamma_n)
 *          + gamma_{m+1} P + gamma_9 L) / m,
 * S = sum_i S_i, P = sum_i sp_i, L = sum_i L_i (at the computed margins);
 * plus dlv_bound_logistic_underflow for an e^-|z| in the subnormals. */
static inline double dlv_bound_logistic_value(size_t m, size_t n, double s,
                                              double p, double l)
{
  double gn = dlv_gamma((double)n, DLV_U_DOUBLE);
  double gm = dlv_gamma((double)m + 1.0, DLV_U_DOUBLE);
  double under = (double)m * (double)n * DLV_ETA_DOUBLE * (1.0 + gn);
  return (1.0 + gm) *
         (gn * s + under + gm * p + dlv_gamma(9.0, DLV_U_DOUBLE) * l) /
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

/* The quadratics of P4b are l = 1/2 theta'A theta + b'theta with A =
 * M'M/8 + DLV_P4_QUAD_MU I, M integer (exact in double): lambda_min(A) >=
 * DLV_P4_QUAD_MU by construction. */
#define DLV_P4_QUAD_MU 0.5

/* ||rho|| / (mu + lambda') with lambda' passed rounded down; (1 +
 * gamma_3) covers this expression's own roundings (sum, division,
 * product). */
static inline double dlv__bound_strongly_convex(double rho_norm, double mu,
                                                double lambda_p)
{
  return rho_norm / (mu + lambda_p) * (1.0 + dlv_gamma(3.0, DLV_U_DOUBLE));
}

/* The L2-regularized problem solved from scratch, (A + lambda' I) x = -b
 * in MPFR, against the group-lasso minimizer theta* from the solver: with
 * the exact lambda' = lambda/||theta*||, (A + lambda' I) theta* + b =
 * grad F(theta*) = rho exactly, so theta* - x = (A + lambda' I)^-1 rho and
 * ||theta* - x|| <= ||rho|| / (mu + lambda'), mu = DLV_P4_QUAD_MU <=
 * lambda_min(A).  The MPFR elimination at >= 256 bits adds far less than
 * 2^-200 ||x|| for n <= 10 and condition <= 10^6; that term is added. */
static inline double dlv_bound_l2_from_scratch_quad(double rho_norm,
                                                    double lambda_p,
                                                    double x_norm)
{
  return dlv__bound_strongly_convex(rho_norm, DLV_P4_QUAD_MU, lambda_p) +
         0x1p-200 * x_norm;
}

/* The same from scratch for a convex loss without closed form (logistic):
 * x from an independent solver (GSL BFGS) for G = l + (lambda'/2)||.||^2,
 * which is lambda'-strongly convex, so ||x - theta*|| <= ||grad G(x) -
 * grad G(theta*)|| / lambda' <= (rho_x + rho) / lambda', with rho =
 * ||grad G(theta*)|| = ||grad F(theta*)|| and rho_x = ||grad G(x)||, both
 * exact (MPFR) and rounded up: mu = 0, and no elimination term. */
static inline double dlv_bound_l2_from_scratch_convex(double rho_sum,
                                                      double lambda_p)
{
  return dlv__bound_strongly_convex(rho_sum, 0.0, lambda_p);
}

#endif
