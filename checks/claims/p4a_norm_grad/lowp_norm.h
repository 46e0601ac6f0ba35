/* lowp_norm.h: the low-precision norms of claim P4a's nearby sense (issue
 * 18), shared by the P4a check (low_precision.c, evidence rows) and the
 * harness test checks/t_lowp_overflow.c (prints and asserts): the naive
 * norm summed in the format itself (dlv_nrm2_{bf16,fp16}_naive) and the
 * scaled kernel (dlv_nrm2_{bf16,fp16}), on bit patterns, and the derived
 * overflow threshold of the naive one.
 *
 * Derivation: the naive norm of one entry x squares it in the format, so
 * it is +Inf iff x^2 >= max + ulp(max)/2 (RNE overflows from the midpoint
 * above max; x^2 and that sum are exact in double: 2p <= 22 bits).  The
 * threshold is the smallest positive format value with that property:
 * fp16 (max 65504, half ulp 16) sqrt(65520) = 255.97..., so 256; bf16
 * (max (2 - 2^-7) 2^127) just below 2^64, so 2^64 (lowp.h's
 * DLV_LOWP_NAIVE_XOVF_*).  Header-only (static inline): the harness test
 * and the claim check are separate programs. */
#ifndef DLV_P4A_LOWP_NORM_H
#define DLV_P4A_LOWP_NORM_H

#include <math.h>
#include <stdint.h>

#include "check.h"
#include "dlv_status.h"
#include "lowp.h"
#include "ref_lowp.h"

typedef struct {
  int fmt;          /* DLV_REF_BF16 / DLV_REF_FP16 */
  const char *name; /* "bf16", "fp16" */
  int p, emax;      /* significant bits, largest exponent */
  uint16_t inf;     /* the pattern of +Inf */
  double xovf;      /* the closed form of the overflow threshold */
} lowp_format;

static const lowp_format lowp_bf16 = {DLV_REF_BF16, "bf16", DLV_BF16_PREC,
                                      127, 0x7f80, DLV_LOWP_NAIVE_XOVF_BF16};
static const lowp_format lowp_fp16 = {DLV_REF_FP16, "fp16", DLV_FP16_PREC,
                                      15, 0x7c00, DLV_LOWP_NAIVE_XOVF_FP16};

static inline double lowp_decode(const lowp_format *f, uint16_t bits)
{
  return dlv_ref_lowp_decode(bits, f->fmt);
}

static inline uint16_t lowp_encode(const lowp_format *f, double v)
{
  return f->fmt == DLV_REF_BF16 ? dlv_bf16_from_double(v).bits
                                : dlv_fp16_from_double(v).bits;
}

/* The norm of n patterns: naive (summed in the format) or scaled. */
static inline float lowp_nrm2(const lowp_format *f, size_t n,
                              const uint16_t *x, int naive)
{
  float r = NAN;
  const void *v = x;
  int status = f->fmt == DLV_REF_BF16
                   ? (naive ? dlv_nrm2_bf16_naive : dlv_nrm2_bf16)(n, v, 1, &r)
                   : (naive ? dlv_nrm2_fp16_naive : dlv_nrm2_fp16)(n, v, 1, &r);
  assert_int_equal(status, DLV_OK);
  return r;
}

static inline float lowp_naive(const lowp_format *f, size_t n,
                               const uint16_t *x)
{
  return lowp_nrm2(f, n, x, 1);
}

static inline float lowp_scaled(const lowp_format *f, size_t n,
                                const uint16_t *x)
{
  return lowp_nrm2(f, n, x, 0);
}

/* Derived: the pattern of the smallest positive format value x with
 * x^2 >= max + ulp(max)/2 (positive patterns ascend with their values). */
static inline uint16_t lowp_overflow_threshold(const lowp_format *f)
{
  double max = ldexp(2.0 - ldexp(1.0, 1 - f->p), f->emax);
  double limit = max + ldexp(1.0, f->emax - f->p); /* exact */
  uint16_t bits = 1;
  while (bits < f->inf &&
         lowp_decode(f, bits) * lowp_decode(f, bits) < limit)
    bits++;
  return bits;
}

#endif
