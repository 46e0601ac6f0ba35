/* dlv_cmplx.h: C11's CMPLX for compilers whose <complex.h> lacks it (clang
 * 14 with glibc).  Builds the value through the layout C11 guarantees
 * (6.2.5p13: a complex is an array of two reals), so an infinite or NaN
 * part survives, unlike x + I * y. */
#ifndef DLV_CMPLX_H
#define DLV_CMPLX_H

#include <complex.h>

#ifndef CMPLX
static inline double complex dlv__cmplx(double re, double im)
{
  union {
    double complex z;
    double part[2];
  } u = {.part = {re, im}};
  return u.z;
}
#define CMPLX(x, y) dlv__cmplx((x), (y))
#endif

#endif
