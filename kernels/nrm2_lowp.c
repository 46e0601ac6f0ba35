/* nrm2_lowp.c: the Euclidean norm and its gradient for bf16 and fp16
 * vectors, overflow-safe (block scaling, float lanes, double across
 * blocks), and the naive format-arithmetic norm kept to show the overflow.
 * Algorithm and error model: lowp.h; bounds: checks/bounds_lowp.h.
 *
 * Two code paths give bitwise the same result: the AVX512-BF16 path sums
 * the scaled bf16 squares with vdpbf16ps (and converts fp16 with vcvtph2ps
 * and sums its squares with deinterleaved float FMAs); the portable path runs dlv_dot2_model_f32, the measured
 * model of that instruction, in the same order (lane l of a step of
 * DLV_LOWP_NRM2_STEP entries takes entries 2l + 1, then 2l). */
#include <limits.h>
#include <math.h>
#include <string.h>

#include "dlv_status.h"
#include "lowp.h"
#include "stride.h"
#include "strided.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define LOWP_HAVE_AVX512 1
#else
#define LOWP_HAVE_AVX512 0
#endif

_Static_assert(DLV_LOWP_NRM2_BLOCK % DLV_LOWP_NRM2_STEP == 0,
               "a block is a whole number of lane steps");
_Static_assert(DLV_LOWP_NRM2_LANES == 16, "one zmm of float lanes");

enum { FMT_BF16, FMT_FP16 };

/* A strided vector of 16-bit values of one format. */
typedef struct {
  const uint16_t *x; /* lowest address (BLAS strides, stride.h) */
  ptrdiff_t inc;
  int fmt;
  size_t n;
} src16;

static uint16_t bits_at(const src16 *s, size_t i)
{
  return s->x[dlv_stride_offset(s->n, s->inc, i)];
}

static float to_float(int fmt, uint16_t b)
{
  return fmt == FMT_BF16 ? dlv_bf16_to_float((dlv_bf16){b})
                         : dlv_fp16_to_float((dlv_fp16){b});
}

/* +Inf's bits; for the magnitude bits (sign cleared) of both formats the
 * integer order is the numeric order and every NaN lies above +Inf. */
static uint16_t inf_bits(int fmt) { return fmt == FMT_BF16 ? 0x7f80u : 0x7c00u; }

typedef struct {
  int inf, nan;
} specials;

static specials scan_specials(const src16 *s, size_t n)
{
  const uint16_t inf = inf_bits(s->fmt);
  specials sp = {0, 0};
  for (size_t i = 0; i < n; i++) {
    uint16_t a = bits_at(s, i) & 0x7fffu;
    sp.inf |= a == inf;
    sp.nan |= a > inf;
  }
  return sp;
}

/* ---- one block -------------------------------------------------------------
 * Loads m entries from i0 into h (patterns) and exactly into y as floats,
 * zero-padded to a whole number of lane steps; returns E with 2^E <= max|x_i| < 2^(E+1), or
 * INT_MIN when the block is all zeros.  No Inf or NaN (scanned before). */
static void convert_block(int fmt, const uint16_t *h, float *y, size_t padded);

static int block_load(const src16 *s, size_t i0, size_t m, uint16_t *h,
                      float *y, size_t padded)
{
  uint16_t top = 0;
  for (size_t i = 0; i < m; i++) {
    h[i] = bits_at(s, i0 + i);
    top = (h[i] & 0x7fffu) > top ? (h[i] & 0x7fffu) : top;
  }
  for (size_t i = m; i < padded; i++)
    h[i] = 0; /* +0 in both formats */
  convert_block(s->fmt, h, y, padded);
  if (top == 0)
    return INT_MIN;
  int e;
  frexpf(to_float(s->fmt, top), &e);
  return e - 1;
}

/* y *= 2^-E in two exact power-of-two factors (2^-E alone may not be a
 * float: E in [-133, 127]); the largest entry lands in [1, 2), and only
 * entries below 2^-126 of it can lose bits (their squares are flushed). */
static void block_scale(float *y, size_t m, int E)
{
  int half = -E / 2;
  float hi = ldexpf(1.0f, half), lo = ldexpf(1.0f, -E - half);
  for (size_t i = 0; i < m; i++)
    y[i] = (y[i] * hi) * lo;
}

/* The lanes added by a pairwise tree (depth log2 LANES). */
static float lanes_tree(float *lane)
{
  for (size_t w = DLV_LOWP_NRM2_LANES / 2; w >= 1; w /= 2)
    for (size_t l = 0; l < w; l++)
      lane[l] += lane[l + w];
  return lane[0];
}

static float block_sum_portable(const float *y, size_t padded)
{
  float lane[DLV_LOWP_NRM2_LANES] = {0};
  for (size_t c = 0; c < padded; c += DLV_LOWP_NRM2_STEP)
    for (size_t l = 0; l < DLV_LOWP_NRM2_LANES; l++) {
      float y0 = y[c + 2 * l], y1 = y[c + 2 * l + 1];
      lane[l] = dlv_dot2_model_f32(lane[l], y0, y0, y1, y1);
    }
  return lanes_tree(lane);
}

#if LOWP_HAVE_AVX512
/* Scaled bf16 entries are bf16 values when normal (RNE conversion exact);
 * the others become 0 or subnormal bf16, which vdpbf16ps reads as 0, as
 * the model's DAZ does with the subnormal float. */
__attribute__((target("avx512f,avx512bw,avx512bf16"))) static float
block_sum_bf16_avx(const float *y, size_t padded)
{
  __m512 acc = _mm512_setzero_ps();
  for (size_t c = 0; c < padded; c += DLV_LOWP_NRM2_STEP) {
    __m512bh v = _mm512_cvtne2ps_pbh(_mm512_loadu_ps(y + c + 16),
                                     _mm512_loadu_ps(y + c));
    acc = _mm512_dpbf16_ps(acc, v, v);
  }
  float lane[DLV_LOWP_NRM2_LANES];
  _mm512_storeu_ps(lane, acc);
  return lanes_tree(lane);
}

/* fp16: lane l takes entry 2l + 1, then 2l (the model's order); the
 * squares are exact normal floats, so an FMA is one rounding as there. */
__attribute__((target("avx512f"))) static float
block_sum_f32_avx(const float *y, size_t padded)
{
  const __m512i odd = _mm512_set_epi32(31, 29, 27, 25, 23, 21, 19, 17, 15,
                                       13, 11, 9, 7, 5, 3, 1);
  const __m512i even = _mm512_set_epi32(30, 28, 26, 24, 22, 20, 18, 16, 14,
                                        12, 10, 8, 6, 4, 2, 0);
  __m512 acc = _mm512_setzero_ps();
  for (size_t c = 0; c < padded; c += DLV_LOWP_NRM2_STEP) {
    __m512 a = _mm512_loadu_ps(y + c), b = _mm512_loadu_ps(y + c + 16);
    __m512 o = _mm512_permutex2var_ps(a, odd, b);
    __m512 e = _mm512_permutex2var_ps(a, even, b);
    acc = _mm512_fmadd_ps(o, o, acc);
    acc = _mm512_fmadd_ps(e, e, acc);
  }
  float lane[DLV_LOWP_NRM2_LANES];
  _mm512_storeu_ps(lane, acc);
  return lanes_tree(lane);
}
#endif

#if LOWP_HAVE_AVX512
/* fp16 -> float with vcvtph2ps, 16 at a time (exact, as the C decoder). */
__attribute__((target("avx512f"))) static void
fp16_to_float_avx(const uint16_t *h, float *y, size_t padded)
{
  for (size_t i = 0; i < padded; i += 16)
    _mm512_storeu_ps(y + i,
                     _mm512_cvtph_ps(_mm256_loadu_si256((const void *)(h + i))));
}
#endif

/* The block's patterns as floats (exact); padded is a multiple of 16. */
static void convert_block(int fmt, const uint16_t *h, float *y, size_t padded)
{
#if LOWP_HAVE_AVX512
  if (fmt == FMT_FP16 && dlv_lowp_isa() == DLV_LOWP_ISA_AVX512BF16) {
    fp16_to_float_avx(h, y, padded);
    return;
  }
#endif
  for (size_t i = 0; i < padded; i++)
    y[i] = to_float(fmt, h[i]);
}

static float block_sum(int fmt, const float *y, size_t padded)
{
#if LOWP_HAVE_AVX512
  if (dlv_lowp_isa() == DLV_LOWP_ISA_AVX512BF16)
    return fmt == FMT_BF16 ? block_sum_bf16_avx(y, padded)
                           : block_sum_f32_avx(y, padded);
#else
  (void)fmt;
#endif
  return block_sum_portable(y, padded);
}

/* sum x_i^2 as a double: block sums 2^(2E) s_b (exact in double) added
 * left to right.  No Inf or NaN in x. */
static double sum_squares(const src16 *s, size_t n)
{
  uint16_t h[DLV_LOWP_NRM2_BLOCK];
  float y[DLV_LOWP_NRM2_BLOCK];
  double total = 0.0;
  for (size_t i0 = 0; i0 < n; i0 += DLV_LOWP_NRM2_BLOCK) {
    size_t m = n - i0 < DLV_LOWP_NRM2_BLOCK ? n - i0 : DLV_LOWP_NRM2_BLOCK;
    size_t padded = (m + DLV_LOWP_NRM2_STEP - 1) / DLV_LOWP_NRM2_STEP *
                    DLV_LOWP_NRM2_STEP;
    int E = block_load(s, i0, m, h, y, padded);
    if (E == INT_MIN)
      continue;
    block_scale(y, padded, E);
    total += ldexp((double)block_sum(s->fmt, y, padded), 2 * E);
  }
  return total;
}

/* ||x|| in double before its rounding to float: +Inf with an Inf in x,
 * DLV_ENAN with a NaN alone. */
static int norm_double(const src16 *s, size_t n, double *r)
{
  int status = dlv__check_vector(n, s->x, s->inc);
  if (status != DLV_OK)
    return status;
  specials sp = scan_specials(s, n);
  if (sp.inf) {
    *r = INFINITY;
    return DLV_OK;
  }
  if (sp.nan)
    return DLV_ENAN;
  *r = sqrt(sum_squares(s, n));
  return DLV_OK;
}

/* The span first (stride.h), then the result pointer, then the values. */
static int norm_float(const src16 *s, size_t n, float *result)
{
  int status = dlv__check_vector(n, s->x, s->inc); /* before result's */
  if (status != DLV_OK)
    return status;
  if (result == NULL)
    return DLV_EINVAL;
  double r;
  status = norm_double(s, n, &r);
  if (status == DLV_OK)
    *result = (float)r;
  return status;
}

int dlv_nrm2_bf16(size_t n, const dlv_bf16 *x, ptrdiff_t incx, float *result)
{
  src16 s = {(const uint16_t *)x, incx, FMT_BF16, n};
  return norm_float(&s, n, result);
}

int dlv_nrm2_fp16(size_t n, const dlv_fp16 *x, ptrdiff_t incx, float *result)
{
  src16 s = {(const uint16_t *)x, incx, FMT_FP16, n};
  return norm_float(&s, n, result);
}

/* ---- gradient ------------------------------------------------------------- */

static uint16_t round_to_fmt_bits(int fmt, double q)
{
  return fmt == FMT_BF16 ? dlv_bf16_from_double(q).bits
                         : dlv_fp16_from_double(q).bits;
}

static int grad(const src16 *s, size_t n, uint16_t *g, ptrdiff_t incg)
{
  int status = dlv__check_vector(n, s->x, s->inc); /* x's errors first */
  if (status == DLV_OK)
    status = dlv__check_vector(n, g, incg);
  if (status != DLV_OK)
    return status;
  double r;
  status = norm_double(s, n, &r);
  if (status != DLV_OK)
    return status;
  if (r == 0.0 || isinf(r))
    return DLV_EDOM;
  /* x_i read before g_i is written: in place is safe */
  for (size_t i = 0; i < n; i++)
    g[dlv_stride_offset(n, incg, i)] =
        round_to_fmt_bits(s->fmt, (double)to_float(s->fmt, bits_at(s, i)) / r);
  return DLV_OK;
}

int dlv_nrm2_grad_bf16(size_t n, const dlv_bf16 *x, ptrdiff_t incx,
                       dlv_bf16 *g, ptrdiff_t incg)
{
  src16 s = {(const uint16_t *)x, incx, FMT_BF16, n};
  return grad(&s, n, (uint16_t *)g, incg);
}

int dlv_nrm2_grad_fp16(size_t n, const dlv_fp16 *x, ptrdiff_t incx,
                       dlv_fp16 *g, ptrdiff_t incg)
{
  src16 s = {(const uint16_t *)x, incx, FMT_FP16, n};
  return grad(&s, n, (uint16_t *)g, incg);
}

/* ---- the naive norm ----------------------------------------------------------
 * Format arithmetic emulated in double: a square of two format values is
 * exact in double, and a sum or sqrt rounded to double then to the format
 * equals the direct rounding (Figueroa 1995: innocuous double rounding
 * when the wider precision is >= 2p + 2; 53 >= 24 for fp16, 18 for bf16). */
static double fmt_round(int fmt, double v)
{
  return fmt == FMT_BF16
             ? dlv_round_to_format(v, DLV_BF16_PREC, -126, 127)
             : dlv_round_to_format(v, DLV_FP16_PREC, -14, 15);
}

static int naive(const src16 *s, size_t n, float *result)
{
  int status = dlv__check_vector(n, s->x, s->inc);
  if (status != DLV_OK || result == NULL)
    return status != DLV_OK ? status : DLV_EINVAL;
  specials sp = scan_specials(s, n);
  if (!sp.inf && sp.nan)
    return DLV_ENAN;
  double acc = 0.0;
  for (size_t i = 0; i < n && !sp.inf; i++) {
    double xi = to_float(s->fmt, bits_at(s, i));
    acc = fmt_round(s->fmt, acc + fmt_round(s->fmt, xi * xi));
  }
  *result = sp.inf ? INFINITY : (float)fmt_round(s->fmt, sqrt(acc));
  return DLV_OK;
}

int dlv_nrm2_bf16_naive(size_t n, const dlv_bf16 *x, ptrdiff_t incx,
                        float *result)
{
  src16 s = {(const uint16_t *)x, incx, FMT_BF16, n};
  return naive(&s, n, result);
}

int dlv_nrm2_fp16_naive(size_t n, const dlv_fp16 *x, ptrdiff_t incx,
                        float *result)
{
  src16 s = {(const uint16_t *)x, incx, FMT_FP16, n};
  return naive(&s, n, result);
}
