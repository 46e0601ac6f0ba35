/* bounds/nrm2.h: claim P4a, the Euclidean norm and its gradient. */
#ifndef DLV_BOUNDS_NRM2_H
#define DLV_BOUNDS_NRM2_H

#include "gauges.h"

/* ---- P4a: Euclidean norm and its gradient (kernels/nrm2.c) ---------- */

/* nrm2_d: the sum of n squares passes each term through at most n
 * roundings (one product, n - 1 additions), gamma_n; squares that underflow
 * add at most n 2^-1074 to a block sum that is >= 2^-102 (see nrm2.c), i.e.
 * n 2^-972 relative; sqrt adds u; a subnormal norm one more rounding. */
static inline dlv_bound dlv_bound_nrm2_d(size_t n)
{
  double g = dlv_gamma((double)n, DLV_U_DOUBLE) + (double)n * 0x1p-972;
  return (dlv_bound){dlv_sqrt_of_perturbed_rel(g, DLV_U_DOUBLE),
                     DLV_ETA_DOUBLE, n};
}

/* nrm2_s: float squares are exact in double and cannot under- or overflow,
 * so the double norm has sqrt_of_perturbed_rel(gamma_n(u_d), u_d); one
 * rounding to float (relative u_s, or absolute 2^-150 if subnormal). */
static inline dlv_bound dlv_bound_nrm2_s(size_t n)
{
  double rd = dlv_sqrt_of_perturbed_rel(dlv_gamma((double)n, DLV_U_DOUBLE),
                                        DLV_U_DOUBLE);
  return (dlv_bound){expm1(log1p(rd) + log1p(DLV_U_FLOAT)), DLV_ETA_FLOAT, n};
}

/* nrm2_grad_d: g_i = (x_i 2^-e)(1/r), r = sqrt(s) with relative error beta
 * (nrm2_d without its final scaling): (1 + u)^2 / (1 - beta) - 1.  The
 * exact scaling x_i 2^-e can underflow (2^-1075) and 1/r <= 1 then, plus
 * the product's own underflow: 2^-1074 in all. */
static inline dlv_bound dlv_bound_nrm2_grad_d(size_t n)
{
  double beta = dlv_bound_nrm2_d(n).rel;
  if (beta >= 1.0) /* r may vanish: no relative bound (log1p(-beta) NaN) */
    return (dlv_bound){INFINITY, 2.0 * DLV_ETA_DOUBLE, n};
  double rel = expm1(2.0 * log1p(DLV_U_DOUBLE) - log1p(-beta));
  return (dlv_bound){rel, 2.0 * DLV_ETA_DOUBLE, n};
}

/* nrm2_grad_s: the double quotient x_i / sqrt(s) as in nrm2_grad_d (no
 * underflow possible in double), then one rounding to float. */
static inline dlv_bound dlv_bound_nrm2_grad_s(size_t n)
{
  double beta = dlv_sqrt_of_perturbed_rel(
      dlv_gamma((double)n, DLV_U_DOUBLE), DLV_U_DOUBLE);
  if (beta >= 1.0) /* as in nrm2_grad_d */
    return (dlv_bound){INFINITY, DLV_ETA_FLOAT, n};
  double rd = expm1(2.0 * log1p(DLV_U_DOUBLE) - log1p(-beta));
  return (dlv_bound){expm1(log1p(rd) + log1p(DLV_U_FLOAT)), DLV_ETA_FLOAT, n};
}

/* Complex step through the analytic twin of the norm (checks/claims/p4a_norm_grad): with y
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
  if (g >= 1.0) /* Re S may vanish: no relative bound (log1p(-g) NaN) */
    return (dlv_bound){INFINITY, 0x1p-1030, n};
  double rel = expm1(2.0 * log1p(DLV_U_DOUBLE) + log1p(0x1p-78) -
                     0.5 * log1p(-g));
  return (dlv_bound){rel, 0x1p-1030, n};
}

/* A minimizer is accepted from an independent solver when its
 * central-difference gradient (gsl_deriv_central, step-size optimal for
 * O(h^2) truncation and O(u/h) rounding, i.e. error ~ u^(2/3)) is below
 * sqrt(2u) = 2^-26 relative to the problem's scale.  This judges the
 * solver, not the claim; the claim's residual is then gated by what the
 * solver reached. */
#define DLV_SOLVER_STATIONARITY 0x1p-26

/* stationarity: P4a's claim residual r = grad l + lambda theta/||theta||
 * at a solver's minimizer, relative to the scale ||grad l|| + lambda,
 * given what the solver reached (`reached`: its FD gradient's norm plus
 * the norm of the FD error estimate, relative to the scale): the
 * residual's own rounding in double adds gamma over n + m + 4 terms (n
 * features, m samples of a logistic loss, 0 for a quadratic).  An
 * absolute bound (rel 0) carrying n and m: the row's shape must name
 * them (dlv_expect_within). */
static inline dlv_bound_sampled dlv_bound_stationarity(size_t n, size_t m,
                                                       double reached)
{
  double g = dlv_gamma((double)(n + m + 4), DLV_U_DOUBLE);
  return (dlv_bound_sampled){{0.0, reached + g, n}, m};
}

#endif
