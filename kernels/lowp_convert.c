/* lowp_convert.c: bf16/fp16 conversions, the vdpbf16ps model and the
 * choice of code path (see lowp.h).  Rounding uses the current rounding
 * mode, which must be the default (to nearest, ties to even). */
#include <float.h>
#include <math.h>
#include <stdatomic.h>
#include <string.h>

#include "bf16_inline.h"
#include "cpu_isa.h"
#include "lowp.h"

static uint32_t float_bits(float f)
{
  uint32_t b;
  memcpy(&b, &f, sizeof b);
  return b;
}

static float bits_float(uint32_t b)
{
  float f;
  memcpy(&f, &b, sizeof f);
  return f;
}

float dlv_bf16_to_float(dlv_bf16 x)
{
  return dlv_bf16_bits_to_float(x.bits);
}

/* binary16: sign, 5 exponent bits (bias 15), 10 fraction bits. */
float dlv_fp16_to_float(dlv_fp16 x)
{
  uint32_t sign = (uint32_t)(x.bits & 0x8000u) << 16;
  uint32_t expo = (x.bits >> 10) & 0x1fu, frac = x.bits & 0x3ffu;
  if (expo == 0) { /* zero or subnormal: frac 2^-24, exact in float */
    float mag = (float)frac * 0x1p-24f;
    return bits_float(sign | float_bits(mag));
  }
  if (expo == 0x1f) /* Inf or NaN: the fraction's bits kept */
    return bits_float(sign | 0x7f800000u | frac << 13);
  return bits_float(sign | (expo - 15u + 127u) << 23 | frac << 13);
}

double dlv_round_to_format(double x, int p, int emin, int emax)
{
  if (x == 0.0 || !isfinite(x))
    return x;
  int e;
  frexp(x, &e); /* |x| in [2^(e-1), 2^e) */
  int expo = e - 1 < emin ? emin : e - 1;
  int q = expo - (p - 1); /* the quantum: 2^q is the spacing at x */
  /* exact power-of-two scalings; nearbyint rounds to nearest even */
  double r = ldexp(nearbyint(ldexp(x, -q)), q);
  double max = ldexp(2.0 - ldexp(1.0, 1 - p), emax);
  return fabs(r) > max ? copysign(INFINITY, x) : r;
}

dlv_bf16 dlv_bf16_from_float(float x)
{
  return (dlv_bf16){dlv_bf16_bits_from_float(x)};
}

dlv_bf16 dlv_bf16_from_double(double x)
{
  if (isnan(x))
    return dlv_bf16_from_float((float)x);
  /* the rounded value is a bf16, hence exactly a float */
  float r = (float)dlv_round_to_format(x, DLV_BF16_PREC, -126, 127);
  return (dlv_bf16){(uint16_t)(float_bits(r) >> 16)};
}

/* Encodes r, already a binary16 value (or +-Inf). */
static dlv_fp16 fp16_encode(double r)
{
  uint16_t sign = signbit(r) ? 0x8000u : 0u;
  double a = fabs(r);
  if (isinf(a))
    return (dlv_fp16){(uint16_t)(sign | 0x7c00u)};
  if (a < DLV_FP16_MIN_NORMAL)
    return (dlv_fp16){(uint16_t)(sign | (uint16_t)(a * 0x1p24))};
  int e;
  double f = frexp(a, &e); /* a = f 2^e, f in [1/2, 1) */
  uint16_t frac = (uint16_t)((2.0 * f - 1.0) * 1024.0);
  return (dlv_fp16){(uint16_t)(sign | (uint16_t)((e - 1 + 15) << 10) | frac)};
}

dlv_fp16 dlv_fp16_from_double(double x)
{
  if (isnan(x))
    return (dlv_fp16){(uint16_t)((signbit(x) ? 0x8000u : 0u) | 0x7e00u)};
  return fp16_encode(dlv_round_to_format(x, DLV_FP16_PREC, -14, 15));
}

dlv_fp16 dlv_fp16_from_float(float x)
{
  return dlv_fp16_from_double((double)x); /* float -> double is exact */
}

/* ---- the vdpbf16ps model ------------------------------------------------ */

static float daz(float x)
{
  return fabsf(x) < FLT_MIN ? copysignf(0.0f, x) : x;
}

/* FTZ of a result; fabsf(NaN) < FLT_MIN is false, so NaN passes. */
static float ftz(float x) { return daz(x); }

float dlv_dot2_model_f32(float acc, float a0, float b0, float a1, float b1)
{
  /* fmaf: the product exact, one rounding to nearest even */
  float t = ftz(fmaf(daz(a1), daz(b1), daz(acc)));
  return ftz(fmaf(daz(a0), daz(b0), t));
}

float dlv_bf16_dot2_model(float acc, dlv_bf16 a0, dlv_bf16 b0, dlv_bf16 a1,
                          dlv_bf16 b1)
{
  return dlv_dot2_model_f32(acc, dlv_bf16_to_float(a0), dlv_bf16_to_float(b0),
                            dlv_bf16_to_float(a1), dlv_bf16_to_float(b1));
}

/* ---- code path ------------------------------------------------------------ */

/* -1: not yet detected (cpu_isa.h: 0 portable, 1 AVX512-BF16). */
static atomic_int isa_in_use = -1;

int dlv_lowp_isa(void)
{
  return dlv__isa_get(&isa_in_use, dlv__cpu_has_avx512bf16);
}

int dlv_lowp_set_isa(int isa)
{
  return dlv__isa_set(&isa_in_use, isa == DLV_LOWP_ISA_AVX512BF16,
                      dlv__cpu_has_avx512bf16);
}
