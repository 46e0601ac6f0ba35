/* limits_backend.c: a plugin declaring limits on every strided operation,
 * the gate's declared-limit probe's own test (gate.h,
 * dlv_gate_probe_limits; CTests backend_limits_*).  Its double norm, norm
 * gradient and group prox take n <= LIM_N and |inc| <= LIM_INC (positive
 * and negative strides) and refuse beyond (DLV_EBADLEN) before reading:
 * the stride-magnitude class it is run on (gate.h) lies beyond both, so
 * every call there is refused, and the probe sees each edge.  Within the
 * limits an entry reads its vector first (the probe's acceptance) and
 * computes plainly: no case compares its results (it is run on the
 * stride-magnitude class alone).
 *
 * Built with LIMITS_OFF=1, it declares one more than it takes (max_n =
 * LIM_N + 1, max_inc = LIM_INC + 1): the probe must report the refusal at
 * the declared limit. */
#include <math.h>
#include <stddef.h>

#include "dlv_backend.h"
#include "dlv_status.h"
#include "stride.h"

#define LIM_N ((size_t)1 << 20)
#define LIM_INC ((size_t)1 << 20)
#ifndef LIMITS_OFF
#define LIMITS_OFF 0
#endif

/* Whether a vector of n elements at stride inc lies beyond the limits. */
static int refused(size_t n, ptrdiff_t inc)
{
  size_t step = inc < 0 ? (size_t)0 - (size_t)inc : (size_t)inc;
  return n > LIM_N || step > LIM_INC;
}

/* sqrt(sum x_i^2), unscaled. */
static double plain_norm(size_t n, const double *x, ptrdiff_t inc)
{
  double s = 0;
  x += dlv_stride_first(n, inc);
  for (size_t i = 0; i < n; i++)
    s += x[(ptrdiff_t)i * inc] * x[(ptrdiff_t)i * inc];
  return sqrt(s);
}

static int nrm2_d(size_t n, const double *x, ptrdiff_t incx, double *r)
{
  if ((n > 0 && x == NULL) || r == NULL || incx == 0)
    return DLV_EINVAL;
  if (refused(n, incx))
    return DLV_EBADLEN;
  *r = plain_norm(n, x, incx);
  return DLV_OK;
}

static int grad_d(size_t n, const double *x, ptrdiff_t incx, double *g,
                  ptrdiff_t incg)
{
  if ((n > 0 && (x == NULL || g == NULL)) || incx == 0 || incg == 0)
    return DLV_EINVAL;
  if (refused(n, incx) || refused(n, incg))
    return DLV_EBADLEN;
  double nrm = plain_norm(n, x, incx);
  if (nrm == 0)
    return DLV_EDOM;
  x += dlv_stride_first(n, incx);
  g += dlv_stride_first(n, incg);
  for (size_t i = 0; i < n; i++)
    g[(ptrdiff_t)i * incg] = x[(ptrdiff_t)i * incx] / nrm;
  return DLV_OK;
}

static int prox_d(size_t n, const double *v, ptrdiff_t incv, double tau,
                  double *out, ptrdiff_t incout)
{
  if ((n > 0 && (v == NULL || out == NULL)) || incv == 0 || incout == 0 ||
      !(tau >= 0))
    return DLV_EINVAL;
  if (refused(n, incv) || refused(n, incout))
    return DLV_EBADLEN;
  double nrm = plain_norm(n, v, incv);
  double f = nrm > tau ? 1 - tau / nrm : 0;
  v += dlv_stride_first(n, incv);
  out += dlv_stride_first(n, incout);
  for (size_t i = 0; i < n; i++)
    out[(ptrdiff_t)i * incout] = v[(ptrdiff_t)i * incv] * f;
  return DLV_OK;
}

#define CAPS                                                                 \
  (DLV_BK_PROVIDED | DLV_BK_STRIDES | DLV_BK_NEG_STRIDES | DLV_BK_DISTINCT)
/* what it declares: its limits, or (LIMITS_OFF) one more */
#define DECLARED {LIM_N + LIMITS_OFF, LIM_INC + LIMITS_OFF}

const dlv_backend *dlv_backend_entry(void);
const dlv_backend *dlv_backend_entry(void)
{
  static const dlv_backend t = {
      .abi_version = DLV_BACKEND_ABI_VERSION,
      .name = LIMITS_OFF ? "limits_off" : "limits",
      .version = "1",
      .support = {[DLV_BK_NRM2] = {CAPS, 0},
                  [DLV_BK_NRM2_GRAD] = {CAPS, 0},
                  [DLV_BK_PROX_GROUP] = {CAPS, 0}},
      .nrm2_d = nrm2_d,
      .nrm2_grad_d = grad_d,
      .prox_group_d = prox_d,
      .limits = {[DLV_BK_NRM2] = {DECLARED, {0, 0}},
                 [DLV_BK_NRM2_GRAD] = {DECLARED, {0, 0}},
                 [DLV_BK_PROX_GROUP] = {DECLARED, {0, 0}}}};
  return &t;
}
