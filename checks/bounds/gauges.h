/* bounds/gauges.h: the rounding-error gauges every bound is built from
 * (unit roundoffs, underflow eta, gamma_n, the (rel, abs) bound type). */
#ifndef DLV_BOUNDS_GAUGES_H
#define DLV_BOUNDS_GAUGES_H

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
  /* the vector length the bound was derived for, 0: none.  A row whose
   * shape names another length ("n=K") cannot use it: dlv_expect_mp
   * fails such a row (a bound taken at a call site for the wrong n
   * changed no verdict, only the bound) */
  size_t n;
} dlv_bound;

/* A bound on a loss over m samples: b (its n the features) and the m it
 * was derived for, 0 for none; dlv_expect_within holds both to the row's
 * shape. */
typedef struct {
  dlv_bound b;
  size_t m;
} dlv_bound_sampled;

/* The bound's value for an exact result of magnitude |exact|; rel 0 is
 * abs alone, also at an exact beyond double's range (0 Inf would be NaN,
 * and a NaN bound compares as holding). */
static inline double dlv_bound_at(dlv_bound b, double exact_abs)
{
  return b.rel == 0.0 ? b.abs : b.rel * exact_abs + b.abs;
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
  /* g >= 1 (gamma_n = +Inf included): S (1 + theta) may vanish, no
   * relative bound exists; +Inf as in dlv_gamma (log1p(-g) would give NaN) */
  if (g >= 1.0)
    return INFINITY;
  double up = expm1(0.5 * log1p(g) + log1p(u));
  double down = -expm1(0.5 * log1p(-g) + log1p(-u));
  return up > down ? up : down;
}

/* A central difference's power: its own error estimate (GSL's abserr,
 * truncation and round-off) at a step near its best is about u^(2/3) of
 * the derivative's scale (P3: S_AB; P4a: 1, the norm being 1-Lipschitz),
 * and must stay below DLV_FD_POWER_REL times that scale (about u^(1/2),
 * a margin of u^(-1/6), some 460): a step far off its best swells the
 * estimate, and with it the row's bound, until the row could no longer
 * fail (a row of its own says so, in each check that takes one). */
#define DLV_FD_POWER_REL 0x1p-26

#endif
