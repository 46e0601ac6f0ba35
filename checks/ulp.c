/* ulp.c: ulp, ulp distance and errors against MPFR values (see ulp.h). */
#include <float.h>
#include <math.h>
#include <string.h>

#include "ulp.h"

int dlv_infinity_allowed(double got, mpfr_srcptr exact, double bound,
                         int digits)
{
  if (!isinf(got) || mpfr_nan_p(exact) || (mpfr_sgn(exact) > 0) != (got > 0))
    return 0;
  if (mpfr_inf_p(exact))
    return 1;
  int emax = digits == FLT_MANT_DIG ? FLT_MAX_EXP : DBL_MAX_EXP;
  mpfr_t reach, threshold;
  mpfr_init2(reach, mpfr_get_prec(exact) + 64);
  mpfr_init2(threshold, digits + 1);
  mpfr_abs(reach, exact, MPFR_RNDN);
  mpfr_add_d(reach, reach, bound, MPFR_RNDU);
  mpfr_set_ui_2exp(threshold, (2UL << digits) - 1, emax - digits - 1,
                   MPFR_RNDN);
  int reaches = mpfr_cmp(reach, threshold) >= 0;
  mpfr_clears(reach, threshold, (mpfr_ptr)0);
  return reaches;
}

double dlv_ulp_d(double x)
{
  if (!isfinite(x))
    return NAN;
  if (fabs(x) < DBL_MIN)
    return 0x1p-1074;
  return ldexp(1.0, ilogb(x) - (DBL_MANT_DIG - 1));
}

double dlv_ulp_s(float x)
{
  if (!isfinite(x))
    return NAN;
  if (fabsf(x) < FLT_MIN)
    return 0x1p-149;
  return ldexp(1.0, ilogbf(x) - (FLT_MANT_DIG - 1));
}

/* Map the bit pattern to an integer that orders like the value: negative
 * numbers below positive ones, -0 and +0 both to 0. */
static int64_t ordered_d(double x)
{
  int64_t i;
  memcpy(&i, &x, sizeof i);
  return i < 0 ? -(i & INT64_MAX) : i;
}

static int64_t ordered_s(float x)
{
  int32_t i;
  memcpy(&i, &x, sizeof i);
  return i < 0 ? -(int64_t)(i & INT32_MAX) : i;
}

static uint64_t distance(int64_t a, int64_t b)
{
  return a > b ? (uint64_t)a - (uint64_t)b : (uint64_t)b - (uint64_t)a;
}

uint64_t dlv_ulps_between_d(double a, double b)
{
  if (isnan(a) || isnan(b))
    return UINT64_MAX;
  return distance(ordered_d(a), ordered_d(b));
}

uint64_t dlv_ulps_between_s(float a, float b)
{
  if (isnan(a) || isnan(b))
    return UINT64_MAX;
  return distance(ordered_s(a), ordered_s(b));
}

/* 0 if value and exact are the same special value, +Inf if they disagree
 * and one is not finite, -1 if both are finite numbers. */
static double special_error(double value, mpfr_srcptr exact)
{
  if (isnan(value) || mpfr_nan_p(exact))
    return isnan(value) && mpfr_nan_p(exact) ? 0.0 : INFINITY;
  if (isinf(value) || mpfr_inf_p(exact))
    return isinf(value) && mpfr_inf_p(exact) &&
                   (value > 0) == (mpfr_sgn(exact) > 0)
               ? 0.0
               : INFINITY;
  return -1.0;
}

int dlv_worst_add(dlv_worst *w, size_t i, double err, double bound)
{
  if (isnan(w->ratio))
    return 1;
  double r = err == 0.0 ? 0.0 : err / bound;
  if (!(r <= w->ratio))
    *w = (dlv_worst){i, r, err, bound};
  return isnan(w->ratio);
}

double dlv_abs_error(double value, mpfr_srcptr exact)
{
  double special = special_error(value, exact);
  if (special >= 0.0)
    return special;
  mpfr_t d;
  mpfr_init2(d, mpfr_get_prec(exact) + 64);
  mpfr_set_d(d, value, MPFR_RNDN);
  mpfr_sub(d, d, exact, MPFR_RNDA); /* exact unless the two differ hugely */
  double err = fabs(mpfr_get_d(d, MPFR_RNDA));
  mpfr_clear(d);
  return err;
}

double dlv_ulp_error(double value, mpfr_srcptr exact, int digits)
{
  double special = special_error(value, exact);
  if (special >= 0.0)
    return special;
  double ulp = digits == FLT_MANT_DIG
                   ? dlv_ulp_s(mpfr_get_flt(exact, MPFR_RNDN))
                   : dlv_ulp_d(mpfr_get_d(exact, MPFR_RNDN));
  if (isnan(ulp)) /* exact rounds to an infinity in the format */
    ulp = digits == FLT_MANT_DIG ? dlv_ulp_s(FLT_MAX) : dlv_ulp_d(DBL_MAX);
  return dlv_abs_error(value, exact) / ulp;
}
