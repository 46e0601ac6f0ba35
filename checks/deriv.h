/* deriv.h: derivatives for checking derivatives.
 *
 * Central differences come from GSL (gsl_deriv_central: 5-point rule with
 * one Richardson step, returning an error estimate that the checks gate on
 * and whose honesty they test).  Complex-step derivatives Im f(x + i h)/h
 * have no subtractive cancellation; f must be analytic (no cabs, fabs,
 * fmax, conj, hypot or comparisons on perturbed values) and h a power of
 * two, so that dividing by h is exact. */
#ifndef DLV_DERIV_H
#define DLV_DERIV_H

#include "dlv_cmplx.h" /* <complex.h>, and CMPLX where it lacks it */

typedef double (*dlv_real_fn)(double t, void *params);
typedef double complex (*dlv_complex_fn)(double complex t, void *params);

/* f'(x) with step h; returns GSL's status, fills result and abserr. */
int dlv_deriv_central(dlv_real_fn f, void *params, double x, double h,
                      double *result, double *abserr);

/* Im f(x + i h) / h; h must be a power of two. */
double dlv_deriv_cstep(dlv_complex_fn f, void *params, double x, double h);

/* The power of two 2^(ilogb(scale) - bits), a step `bits` binary orders
 * below scale (scale > 0 and finite). */
double dlv_pow2_step(double scale, int bits);

/* Principal square root of z = a + i b for a > 0 and |b| <= 2^-30 a:
 * sqrt(a) + i b / (2 sqrt(a)).  Relative truncation error of either part at
 * most (b/a)^2 (sqrt(a + i b) = sqrt(a)(1 + i q/2 + q^2/8 + ...), q = b/a);
 * two roundings in the imaginary part.  Used by analytic twins; the caller
 * guarantees the precondition. */
double complex dlv_csqrt_small_imag(double complex z);

#endif
