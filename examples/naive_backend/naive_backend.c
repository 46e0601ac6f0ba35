/* naive_backend.c: an out-of-tree dlverify backend, as short as it gets:
 * the norm and conv3d's three passes written as their definitions.
 * Build it against dlverify's include/ (CMakeLists.txt here) and verify:
 *
 *   dlv_gate --backend ./naive_backend.so
 *
 * Only two public headers are needed: dlv_backend.h (the table) and
 * dlv_status.h (the status codes).  Every entry point has the signature
 * of dlverify's own (kernels/nrm2.h, kernels/conv3d.h). */
#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "dlv_backend.h"
#include "dlv_status.h"
#include "stride.h"

/* ---- the norm: max-scaled sum of squares in double --------------------- */

/* The largest |x_i|; *nan set when a NaN is seen. */
static double max_abs(size_t n, double (*get)(const void *, ptrdiff_t),
                      const void *x, ptrdiff_t inc, int *nan)
{
  double m = 0;
  *nan = 0;
  for (size_t i = 0; i < n; i++) {
    double a = fabs(get(x, (ptrdiff_t)i * inc));
    *nan |= isnan(a);
    m = a > m ? a : m;
  }
  return m;
}

/* ||x|| with x scaled by the power of two 2^-e nearest above max |x_i|
 * (exact), so that no square overflows and the largest does not
 * underflow; +Inf if x holds an infinity, NaN if a NaN (and no Inf). */
static double norm(size_t n, double (*get)(const void *, ptrdiff_t),
                   const void *x, ptrdiff_t inc)
{
  int nan, e;
  double m = max_abs(n, get, x, inc, &nan);
  if (isinf(m) || nan || m == 0)
    return isinf(m) ? INFINITY : nan ? NAN : 0.0;
  frexp(m, &e);
  double s = 0;
  for (size_t i = 0; i < n; i++) {
    double y = ldexp(get(x, (ptrdiff_t)i * inc), -e);
    s += y * y;
  }
  return ldexp(sqrt(s), e);
}

static double get_d(const void *x, ptrdiff_t i)
{
  return ((const double *)x)[i];
}

/* Whether (n - 1)|inc| fits ptrdiff_t (stride.h; else DLV_EBADLEN, which
 * every backend owes before reading anything). */
static int span_fits(size_t n, ptrdiff_t inc)
{
  size_t step = inc < 0 ? (size_t)0 - (size_t)inc : (size_t)inc;
  return n <= 1 || (size_t)PTRDIFF_MAX / step >= n - 1;
}

static double get_s(const void *x, ptrdiff_t i)
{
  return ((const float *)x)[i];
}

static int nrm2_d(size_t n, const double *x, ptrdiff_t incx, double *result)
{
  if ((n > 0 && x == NULL) || result == NULL || incx == 0)
    return DLV_EINVAL; /* NULL x only for the empty vector (stride.h) */
  if (!span_fits(n, incx))
    return DLV_EBADLEN;
  if (n == 0) { /* the empty norm; no pointer arithmetic on a NULL x */
    *result = 0;
    return DLV_OK;
  }
  x += dlv_stride_first(n, incx); /* BLAS strides: x[i * incx] from here */
  *result = norm(n, get_d, x, incx);
  return DLV_OK;
}

static int nrm2_s(size_t n, const float *x, ptrdiff_t incx, float *result)
{
  if ((n > 0 && x == NULL) || result == NULL || incx == 0)
    return DLV_EINVAL; /* NULL x only for the empty vector (stride.h) */
  if (!span_fits(n, incx))
    return DLV_EBADLEN;
  if (n == 0) { /* the empty norm; no pointer arithmetic on a NULL x */
    *result = 0;
    return DLV_OK;
  }
  x += dlv_stride_first(n, incx); /* BLAS strides: x[i * incx] from here */
  *result = (float)norm(n, get_s, x, incx); /* one rounding to float */
  return DLV_OK;
}

/* ---- conv3d: the loops of the definition (kernels/conv3d.h) ----------- */

/* Offsets in L1 (B, H1, W1, T1, C'), F (U, V, Z, C', C), L2 (B, H, W, T, C). */
static size_t at_l1(const dlv_conv3d_shape *s, size_t b, size_t x, size_t y,
                    size_t t, size_t cp)
{
  size_t h1 = s->h + s->u - 1, w1 = s->w + s->v - 1, t1 = s->t + s->z - 1;
  return (((b * h1 + x) * w1 + y) * t1 + t) * s->cp + cp;
}

static size_t at_f(const dlv_conv3d_shape *s, size_t u, size_t v, size_t z,
                   size_t cp, size_t c)
{
  return (((u * s->v + v) * s->z + z) * s->cp + cp) * s->c + c;
}

static size_t at_l2(const dlv_conv3d_shape *s, size_t b, size_t x, size_t y,
                    size_t t, size_t c)
{
  return (((b * s->h + x) * s->w + y) * s->t + t) * s->c + c;
}

static int shape_ok(const dlv_conv3d_shape *s)
{
  return s->b && s->h && s->w && s->t && s->c && s->cp && s->u && s->v &&
         s->z;
}

#define REAL double
#define SUF(name) name##_d
#include "naive_conv.inc"
#undef REAL
#undef SUF
#define REAL float
#define SUF(name) name##_s
#include "naive_conv.inc"

static int work_size(const dlv_conv3d_shape *s, int variant, int pass,
                     size_t *n)
{
  if (s == NULL || n == NULL || variant != 0 || pass < 0 || pass > 2)
    return DLV_EINVAL;
  if (!shape_ok(s))
    return DLV_EBADLEN; /* *n untouched on error (dlv_status.h) */
  *n = 0;
  return DLV_OK;
}

static const char *variant_name(int variant)
{
  return variant == 0 ? "naive" : "unknown";
}

/* What it supports: the norm at every stride; conv3d, one algorithm.  No
 * status protocol (no DLV_BK_STATUS): cases with a documented error
 * status are skipped. */
#define NORM (DLV_BK_PROVIDED | DLV_BK_STRIDES | DLV_BK_NEG_STRIDES)
#define CONV DLV_BK_PROVIDED

static const dlv_backend naive = {
    .abi_version = DLV_BACKEND_ABI_VERSION,
    .name = "naive",
    .version = "1.0",
    .support = {[DLV_BK_NRM2] = {NORM, NORM},
                [DLV_BK_CONV3D_FWD] = {CONV, CONV},
                [DLV_BK_CONV3D_BWD_FILTER] = {CONV, CONV},
                [DLV_BK_CONV3D_BWD_INPUT] = {CONV, CONV}},
    .n_conv3d_variants = 1,
    .conv3d_variant_name = variant_name,
    .nrm2_d = nrm2_d,
    .nrm2_s = nrm2_s,
    .conv3d_d = {fwd_d, bwd_filter_d, bwd_input_d},
    .conv3d_s = {fwd_s, bwd_filter_s, bwd_input_s},
    .conv3d_work_size = work_size,
};

const dlv_backend *dlv_backend_entry(void);
const dlv_backend *dlv_backend_entry(void)
{
  return &naive;
}
