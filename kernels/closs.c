/* closs.c: the losses of closs.h, instantiated from closs_generic.inc for
 * double and for double complex. */
#include <complex.h>
#include <math.h>
#include <stdint.h>

#include "closs.h"
#include "dlv_cmplx.h"
#include "dlv_status.h"

size_t dlv_tanhnet_size(const dlv_tanhnet *p)
{
  if (p->k == 0 || p->d == 0 || p->k > DLV_TANHNET_MAXK ||
      p->d > (SIZE_MAX - 1) / p->k - 2)
    return 0;
  return p->k * (p->d + 2) + 1;
}

/* ---- double ---- */
#define CL_T double
#define CL_FN(name) name##_d
#define CL_PUB(name) dlv_closs_##name##_d
#define CL_EXP exp
#define CL_LOG1P log1p
#define CL_TANH tanh
#define CL_SQRT sqrt
#define CL_RE(z) (z)
#define CL_IM(z) 0.0
#include "closs_generic.inc"
#undef CL_T
#undef CL_FN
#undef CL_PUB
#undef CL_EXP
#undef CL_LOG1P
#undef CL_TANH
#undef CL_SQRT
#undef CL_RE
#undef CL_IM

/* ---- double complex ---- */

/* log(1 + w), analytic (the principal branch), without forming 1 + w:
 * Re = log|1 + w| = log1p(a (2 + a) + b^2) / 2, Im = arg(1 + w) =
 * atan2(b, 1 + a), w = a + i b; only reached with |w| <= 1 (see
 * softplus).  clog(1 + w) lost the low bits of a small w when 1 + w was
 * rounded, so the real part of the logistic value was off by u against
 * values near w (found by the gate, which compares the _z value). */
static double complex clog1p_z(double complex w)
{
  double a = creal(w), b = cimag(w);
  return CMPLX(0.5 * log1p(a * (2.0 + a) + b * b), atan2(b, 1.0 + a));
}

#define CL_T double complex
#define CL_FN(name) name##_z
#define CL_PUB(name) dlv_closs_##name##_z
#define CL_EXP cexp
#define CL_LOG1P clog1p_z
#define CL_TANH ctanh
#define CL_SQRT csqrt
#define CL_RE(z) creal(z)
#define CL_IM(z) cimag(z)
#include "closs_generic.inc"

dlv_closs dlv_closs_of_quadratic(const dlv_quadratic *q)
{
  return (dlv_closs){q ? q->n : 0, q, quadratic_fn_d, quadratic_fn_z};
}

dlv_closs dlv_closs_of_logistic(const dlv_logistic *p)
{
  return (dlv_closs){p ? p->n : 0, p, logistic_fn_d, logistic_fn_z};
}

dlv_closs dlv_closs_of_tanhnet(const dlv_tanhnet *p)
{
  return (dlv_closs){p ? dlv_tanhnet_size(p) : 0, p, tanhnet_fn_d,
                     tanhnet_fn_z};
}

dlv_closs dlv_closs_of_norm(size_t n)
{
  return (dlv_closs){n, NULL, norm_fn_d, norm_fn_z};
}
