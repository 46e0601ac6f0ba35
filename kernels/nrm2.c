/* nrm2.c: one-pass, overflow- and underflow-safe Euclidean norm and its
 * gradient, for double and float.
 *
 * Double algorithm.  x is cut into blocks of DLV_NRM2_BLOCK entries, small
 * enough to stay in L1 while each block is read twice (once for its largest
 * magnitude, once to square), so memory is streamed once.  A block whose
 * largest magnitude is amax = m 2^p (1 <= m < 2) is multiplied by the exact
 * power of two 2^k, k = min(-p, 1023), so its scaled entries lie below 2 and
 * its scaled amax lies in [2^-51, 2): squares cannot overflow, and every
 * square that underflows is below 2^-1022 while the block sum is at least
 * 2^-102.  Block sums are kept as pairs (e, s) meaning 2^(2e) s and merged
 * onto the larger exponent with exact power-of-two rescaling.
 *
 * Fast path (the common case, one read of memory at full bandwidth): each
 * block is first summed unscaled, sum fma(x_i, x_i, acc) over 32 independent
 * partial sums.  The sum s is kept when 2^-102 <= s <= 2^960: then no square
 * or partial sum overflowed (each is at most s), every square that
 * underflowed is below 2^-1022 while the block sum is at least 2^-102 (the
 * same situation the scaled path guarantees), and n such block sums add up
 * to at most n 2^960 < DBL_MAX.  A NaN, an Inf, or a block sum outside that
 * range fails the test (NaN compares false) and the block is redone by the
 * scaled path above, from L1.  The kept sums are added in a plain double
 * (exponent 0) and merged with the scaled ones at the end.
 *
 * Error model: every square passes through one multiplication and at most
 * n - 1 additions along its path of the summation tree, so the computed sum
 * is S (1 + theta), |theta| <= gamma_n, plus an absolute n 2^-1074 from
 * underflowed squares (relative at most n 2^-972); sqrt adds one rounding and
 * the final exact scaling one more only if the norm is subnormal. */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "nrm2.h"
#include "strided.h"


/* 2^(2 e) s: a sum of squares held with an exact power-of-two scale. */
typedef struct {
  int e;
  double s;
} scaled_ssq;

/* The largest |x_i| of a block; sets *nan when the block holds a NaN and
 * then *inf when it also holds an infinity (which a NaN hides from the
 * max).  Works on bit patterns: for non-negative doubles the integer order of the
 * bits is the numeric order, and every NaN lies above +Inf, so one integer
 * max (which vectorizes, unlike a NaN-aware float max) finds both. */
static inline double block_amax_d(const double *x, ptrdiff_t inc, size_t m,
                                  int *inf, int *nan)
{
  const uint64_t abs_mask = UINT64_MAX >> 1, inf_bits = 0x7ff0000000000000;
  uint64_t top = 0;
  for (size_t i = 0; i < m; i++) {
    uint64_t b;
    memcpy(&b, &x[(ptrdiff_t)i * inc], sizeof b);
    b &= abs_mask;
    top = b > top ? b : top;
  }
  if (top > inf_bits) { /* rare path: a NaN; look for an Inf behind it */
    *nan = 1;
    for (size_t i = 0; i < m; i++)
      *inf |= isinf(x[(ptrdiff_t)i * inc]) != 0;
    return NAN;
  }
  double amax;
  memcpy(&amax, &top, sizeof amax);
  return amax;
}

/* sum_i (x_i scale)^2 with eight independent partial sums. */
static inline double block_sumsq_d(const double *x, ptrdiff_t inc, size_t m,
                                   double scale)
{
  double acc[8] = {0.0};
  size_t i = 0;
  for (; i + 8 <= m; i += 8)
    for (size_t j = 0; j < 8; j++) {
      double t = x[(ptrdiff_t)(i + j) * inc] * scale;
      acc[j] += t * t;
    }
  for (size_t j = 0; i < m; i++, j++) {
    double t = x[(ptrdiff_t)i * inc] * scale;
    acc[j] += t * t;
  }
  return ((acc[0] + acc[1]) + (acc[2] + acc[3])) +
         ((acc[4] + acc[5]) + (acc[6] + acc[7]));
}


/* sum_i x_i^2 of a contiguous block, unscaled, 32 partial sums (four
 * AVX-512 registers: enough independent FMA chains to hide their latency),
 * each square fused into its addition; summed pairwise at the end. */
static inline double block_sumsq_plain_d(const double *x, size_t m)
{
  double acc[DLV_NRM2_LANES] = {0.0};
  size_t i = 0;
  for (; i + DLV_NRM2_LANES <= m; i += DLV_NRM2_LANES)
    for (size_t j = 0; j < DLV_NRM2_LANES; j++)
      acc[j] = fma(x[i + j], x[i + j], acc[j]);
  for (size_t j = 0; i < m; i++, j++)
    acc[j] = fma(x[i], x[i], acc[j]);
  for (size_t w = DLV_NRM2_LANES / 2; w > 0; w /= 2)
    for (size_t j = 0; j < w; j++)
      acc[j] += acc[j + w];
  return acc[0];
}

/* True when an unscaled block sum s can be kept (see the fast path above);
 * false for NaN. */
static inline int plain_sum_ok(double s)
{
  return s >= DLV_NRM2_PLAIN_MIN && s <= DLV_NRM2_PLAIN_MAX;
}

/* acc += 2^(2 e) s, rescaling onto the larger exponent (exact unless the
 * smaller term underflows, which the error model allows for). */
static void ssq_merge(scaled_ssq *acc, int e, double s)
{
  if (s == 0.0)
    return;
  if (acc->s == 0.0) {
    acc->e = e;
    acc->s = s;
  } else if (e > acc->e) {
    acc->s = ldexp(acc->s, 2 * (acc->e - e)) + s;
    acc->e = e;
  } else {
    acc->s += ldexp(s, 2 * (e - acc->e));
  }
}

/* Sum of squares of x as 2^(2e) s.  Reports Inf and NaN seen in x; the sum
 * is meaningful only when neither was seen. */
static scaled_ssq scaled_sumsq_d(size_t n, const double *x, ptrdiff_t inc,
                                 int *inf, int *nan)
{
  scaled_ssq acc = {0, 0.0};
  double plain = 0.0; /* kept unscaled block sums, exponent 0 */
  *inf = *nan = 0;
  for (size_t i0 = 0; i0 < n; i0 += DLV_NRM2_BLOCK) {
    size_t m = n - i0 < DLV_NRM2_BLOCK ? n - i0 : DLV_NRM2_BLOCK;
    const double *xb = x + (ptrdiff_t)i0 * inc;
    if (inc == 1 && !*inf) {
      double s = block_sumsq_plain_d(xb, m);
      if (plain_sum_ok(s)) {
        plain += s;
        continue;
      }
    }
    double amax = inc == 1 ? block_amax_d(xb, 1, m, inf, nan)
                           : block_amax_d(xb, inc, m, inf, nan);
    if (isinf(amax))
      *inf = 1; /* a NaN in a later block is then ignored: Inf dominates */
    if (amax == 0.0 || *inf || *nan)
      continue;
    int k = -ilogb(amax);
    if (k > DBL_MAX_EXP - 1)
      k = DBL_MAX_EXP - 1; /* amax subnormal: 2^k must stay finite */
    double scale = ldexp(1.0, k);
    double s = inc == 1 ? block_sumsq_d(xb, 1, m, scale)
                        : block_sumsq_d(xb, inc, m, scale);
    ssq_merge(&acc, -k, s);
  }
  ssq_merge(&acc, 0, plain);
  return acc;
}

int dlv_nrm2_d(size_t n, const double *x, ptrdiff_t incx, double *result)
{
  int status = dlv__check_vector(n, x, incx);
  if (status != DLV_OK)
    return status;
  if (result == NULL)
    return DLV_EINVAL;
  if (n == 0) { /* the empty sum; x may be NULL, so no pointer arithmetic */
    *result = 0.0;
    return DLV_OK;
  }
  x += dlv_stride_first(n, incx); /* BLAS strides (strided.h) */
  int inf, nan;
  scaled_ssq acc = scaled_sumsq_d(n, x, incx, &inf, &nan);
  if (inf) {
    *result = INFINITY;
    return DLV_OK;
  }
  if (nan)
    return DLV_ENAN;
  *result = ldexp(sqrt(acc.s), acc.e); /* overflows to +Inf only if ||x|| does */
  return DLV_OK;
}

int dlv_nrm2_grad_d(size_t n, const double *x, ptrdiff_t incx, double *g,
                    ptrdiff_t incg)
{
  int status = dlv__check_vector(n, x, incx);
  if (status == DLV_OK)
    status = dlv__check_vector(n, g, incg);
  if (status != DLV_OK)
    return status;
  if (n == 0)
    return DLV_EDOM; /* ||x|| = 0; x and g may be NULL */
  x += dlv_stride_first(n, incx); /* element 0 of x */
  g += dlv_stride_first(n, incg); /* element 0 of g */
  int inf, nan;
  scaled_ssq acc = scaled_sumsq_d(n, x, incx, &inf, &nan);
  if (nan && !inf)
    return DLV_ENAN;
  if (inf || acc.s == 0.0)
    return DLV_EDOM;
  /* ||x|| = 2^e sqrt(s), so g_i = (x_i 2^-e) / sqrt(s): the first product
   * is exact unless it underflows, and sqrt(s) >= 2^-51 cannot overflow
   * 1/sqrt(s). */
  double down = ldexp(1.0, -acc.e);
  double inv = 1.0 / sqrt(acc.s);
  for (size_t i = 0; i < n; i++)
    g[(ptrdiff_t)i * incg] = x[(ptrdiff_t)i * incx] * down * inv;
  return DLV_OK;
}

/* Float: squares of floats are exact in double and cannot overflow or
 * underflow there, so no scaling is needed.  Returns the double sum. */
static double sumsq_s(size_t n, const float *x, ptrdiff_t inc)
{
  double acc[8] = {0.0};
  size_t i = 0;
  for (; i + 8 <= n; i += 8)
    for (size_t j = 0; j < 8; j++) {
      double t = x[(ptrdiff_t)(i + j) * inc];
      acc[j] += t * t;
    }
  for (size_t j = 0; i < n; i++, j++) {
    double t = x[(ptrdiff_t)i * inc];
    acc[j] += t * t;
  }
  return ((acc[0] + acc[1]) + (acc[2] + acc[3])) +
         ((acc[4] + acc[5]) + (acc[6] + acc[7]));
}

/* True when x holds an infinity (checked only on the rare NaN path, so that
 * Inf dominates NaN as in hypot). */
static int has_inf_s(size_t n, const float *x, ptrdiff_t inc)
{
  for (size_t i = 0; i < n; i++)
    if (isinf(x[(ptrdiff_t)i * inc]))
      return 1;
  return 0;
}

int dlv_nrm2_s(size_t n, const float *x, ptrdiff_t incx, float *result)
{
  int status = dlv__check_vector(n, x, incx);
  if (status != DLV_OK)
    return status;
  if (result == NULL)
    return DLV_EINVAL;
  if (n == 0) { /* as dlv_nrm2_d */
    *result = 0.0f;
    return DLV_OK;
  }
  x += dlv_stride_first(n, incx); /* the float x's element 0 */
  double s = sumsq_s(n, x, incx);
  if (isnan(s) && !has_inf_s(n, x, incx))
    return DLV_ENAN;
  *result = isnan(s) ? INFINITY : (float)sqrt(s);
  return DLV_OK;
}

int dlv_nrm2_grad_s(size_t n, const float *x, ptrdiff_t incx, float *g,
                    ptrdiff_t incg)
{
  int status = dlv__check_vector(n, x, incx);
  if (status == DLV_OK)
    status = dlv__check_vector(n, g, incg);
  if (status != DLV_OK)
    return status;
  if (n == 0)
    return DLV_EDOM; /* as dlv_nrm2_grad_d */
  x += dlv_stride_first(n, incx);
  g += dlv_stride_first(n, incg);
  double s = sumsq_s(n, x, incx);
  if (isnan(s))
    return has_inf_s(n, x, incx) ? DLV_EDOM : DLV_ENAN;
  if (isinf(s) || s == 0.0)
    return DLV_EDOM;
  double inv = 1.0 / sqrt(s);
  for (size_t i = 0; i < n; i++)
    g[(ptrdiff_t)i * incg] = (float)(x[(ptrdiff_t)i * incx] * inv);
  return DLV_OK;
}
