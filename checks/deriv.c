/* deriv.c: central differences (GSL) and complex steps (see deriv.h). */
#include <math.h>

#include <gsl/gsl_deriv.h>

#include "deriv.h"

struct real_fn_adapter {
  dlv_real_fn f;
  void *params;
};

static double call_real_fn(double t, void *p)
{
  const struct real_fn_adapter *a = p;
  return a->f(t, a->params);
}

int dlv_deriv_central(dlv_real_fn f, void *params, double x, double h,
                      double *result, double *abserr)
{
  struct real_fn_adapter a = {f, params};
  gsl_function gf = {call_real_fn, &a};
  return gsl_deriv_central(&gf, x, h, result, abserr);
}

double dlv_deriv_cstep(dlv_complex_fn f, void *params, double x, double h)
{
  return cimag(f(CMPLX(x, h), params)) / h;
}

double dlv_pow2_step(double scale, int bits)
{
  return ldexp(1.0, ilogb(scale) - bits);
}

double complex dlv_csqrt_small_imag(double complex z)
{
  double r = sqrt(creal(z));
  return CMPLX(r, cimag(z) / (2.0 * r));
}
