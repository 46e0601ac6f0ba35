/* ulp.h: units in the last place, the yardstick of every "ulps" column.
 *
 * ulp(x) follows glibc's libm-test convention: 2^(ilogb(x) - p + 1) for a
 * normal x, and the subnormal spacing 2^(emin - p + 1) for 0 and subnormals
 * (p = 53, emin = -1022 for double; p = 24, emin = -126 for float).  It is
 * tested by checks/t_ulp.c, as glibc's check_ulp tests its own. */
#ifndef DLV_ULP_H
#define DLV_ULP_H

#include <stddef.h>
#include <stdint.h>

#include <mpfr.h>

double dlv_ulp_d(double x);
double dlv_ulp_s(float x);

/* Number of representable values strictly crossed going from a to b,
 * |ord(a) - ord(b)| with ord monotonic and ord(-0) = ord(+0); UINT64_MAX if
 * either is NaN. */
uint64_t dlv_ulps_between_d(double a, double b);
uint64_t dlv_ulps_between_s(float a, float b);

/* |value - exact| / ulp(exact rounded to the format), for an exact MPFR
 * value; digits is 53 or 24.  0 when both are the same infinity, +Inf for
 * any other non-finite disagreement. */
double dlv_ulp_error(double value, mpfr_srcptr exact, int digits);

/* |value - exact| as a double rounded upward (never understates), and +Inf
 * when one of them is not finite unless both are the same infinity or
 * both NaN (then 0). */
double dlv_abs_error(double value, mpfr_srcptr exact);

/* The worst element of a comparison, the one rule every claim check
 * uses (issue 16): ratio err/bound, 0 when err = 0 whatever the bound (a
 * zero bound included); the first NaN ratio is the worst and is kept.
 * Start from DLV_WORST_INIT. */
typedef struct {
  size_t i;
  double ratio, err, bound;
} dlv_worst;
#define DLV_WORST_INIT {0, -1.0, 0.0, 0.0}

/* Element i with its err and bound; returns 1 once the worst ratio is NaN
 * (the caller may stop comparing). */
int dlv_worst_add(dlv_worst *w, size_t i, double err, double bound);

/* The overflow rule, the one definition the claim checks (dlv_expect_mp)
 * and the kernel gate (dlv_gate_cmp_mp) use: whether got, an infinity, is
 * right for exact within bound (the error bound at |exact|, as the caller
 * evaluates it): got has exact's sign, and exact is that infinity or
 * |exact| + bound reaches the format's overflow threshold for round to
 * nearest, max finite + half an ulp = (2^(p+1) - 1) 2^(emax - p - 1)
 * (digits p = 53 or 24).  0 for a finite got or a NaN exact. */
int dlv_infinity_allowed(double got, mpfr_srcptr exact, double bound,
                         int digits);

#endif
