/* t_lowp_convert.c: the bf16/fp16 conversions of kernels/lowp.h against
 * the MPFR twin's decoding and rounding (reference/ref_lowp.h), on every
 * bit pattern, every midpoint between neighbours and one float/double
 * either side of it, and random doubles over the whole range; and the
 * fact the bounds use: a product of two bf16 or two fp16 values is exact
 * in float unless it leaves float's range (every pair of significands). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "lowp.h"
#include "ref_lowp.h"

static int same_bits_or_nan(double a, double b)
{
  if (isnan(a) || isnan(b))
    return isnan(a) && isnan(b);
  return a == b && signbit(a) == signbit(b);
}

static double kernel_decode(uint16_t b, int fmt)
{
  return fmt == DLV_REF_BF16 ? dlv_bf16_to_float((dlv_bf16){b})
                             : dlv_fp16_to_float((dlv_fp16){b});
}

static uint16_t kernel_from_double(double x, int fmt)
{
  return fmt == DLV_REF_BF16 ? dlv_bf16_from_double(x).bits
                             : dlv_fp16_from_double(x).bits;
}

static uint16_t kernel_from_float(float x, int fmt)
{
  return fmt == DLV_REF_BF16 ? dlv_bf16_from_float(x).bits
                             : dlv_fp16_from_float(x).bits;
}

static void every_pattern_decodes_exactly(void **state)
{
  (void)state;
  for (int fmt = 0; fmt < 2; fmt++)
    for (uint32_t b = 0; b < 65536; b++) {
      double k = kernel_decode((uint16_t)b, fmt);
      double r = dlv_ref_lowp_decode((uint16_t)b, fmt);
      if (!same_bits_or_nan(k, r))
        fail_msg("fmt %d bits %04x: kernel %a, twin %a", fmt, b, k, r);
      if (!isnan(k) && kernel_from_double(k, fmt) != b)
        fail_msg("fmt %d bits %04x does not round-trip", fmt, b);
      if (!isnan(k) && kernel_from_float((float)k, fmt) != b)
        fail_msg("fmt %d bits %04x does not round-trip from float", fmt, b);
    }
}

/* Midpoints of neighbours b, b + 1 (positive finite, and the overflow
 * threshold max + half ulp), and one double and one float either side. */
static void midpoints_round_to_nearest_even(void **state)
{
  (void)state;
  unsigned long tested = 0;
  for (int fmt = 0; fmt < 2; fmt++) {
    uint16_t inf = fmt == DLV_REF_BF16 ? 0x7f80u : 0x7c00u;
    for (uint32_t b = 0; b < inf; b++) {
      double lo = dlv_ref_lowp_decode((uint16_t)b, fmt);
      double hi = b + 1 < inf ? dlv_ref_lowp_decode((uint16_t)(b + 1), fmt)
                              : 2.0 * lo - dlv_ref_lowp_decode((uint16_t)(b - 1), fmt);
      double mid = 0.5 * (lo + hi); /* exact: p + 1 bits */
      double probes[] = {mid, nextafter(mid, 0.0), nextafter(mid, INFINITY),
                         nextafterf((float)mid, 0.0f),
                         nextafterf((float)mid, INFINITY)};
      for (int s = 0; s < 2; s++)
        for (size_t k = 0; k < sizeof probes / sizeof probes[0]; k++) {
          double x = s ? -probes[k] : probes[k];
          uint16_t want = dlv_ref_lowp_round_d(x, fmt);
          if (kernel_from_double(x, fmt) != want)
            fail_msg("fmt %d from double %a: kernel %04x, twin %04x", fmt, x,
                     kernel_from_double(x, fmt), want);
          if ((double)(float)x == x && kernel_from_float((float)x, fmt) != want)
            fail_msg("fmt %d from float %a: kernel %04x, twin %04x", fmt, x,
                     kernel_from_float((float)x, fmt), want);
          tested++;
        }
    }
  }
  print_message("%lu midpoint probes agree with MPFR\n", tested);
}

static void random_doubles_round_once(void **state)
{
  (void)state;
  uint64_t s = 0x9e3779b97f4a7c15u ^ dlv_seed();
  for (int i = 0; i < 400000; i++) {
    s = s * 6364136223846793005u + 1442695040888963407u;
    int fmt = (int)(s >> 63);
    double m = (double)(s >> 11) * 0x1p-53 + 0.5; /* [0.5, 1.5) */
    int e = (int)((s >> 1) % 300) - 160;
    double x = ldexp((s & 1) ? -m : m, e);
    uint16_t want = dlv_ref_lowp_round_d(x, fmt);
    if (kernel_from_double(x, fmt) != want)
      fail_msg("fmt %d from double %a: kernel %04x, twin %04x", fmt, x,
               kernel_from_double(x, fmt), want);
  }
  /* the double-rounding example of lowp.h */
  assert_int_equal(dlv_bf16_from_double(0x1.01000004p0).bits, 0x3f81);
  assert_int_equal(dlv_bf16_from_float((float)0x1.01000004p0).bits, 0x3f80);
}

/* A NaN of either sign: the twin's pattern (ref_lowp.h: a quiet NaN of
 * the sign) is the kernel's for the default NaN (lowp.h: a quiet NaN of the
 * same sign), from an MPFR NaN and from a double; and it is quiet (a
 * signalling pattern would turn a NaN the kernel keeps into one a
 * consumer may trap on). */
static void nan_rounds_to_the_kernels_quiet_nan(void **state)
{
  (void)state;
  mpfr_t t;
  mpfr_init2(t, 64);
  for (int fmt = 0; fmt < 2; fmt++)
    for (int neg = 0; neg < 2; neg++) {
      double x = neg ? -NAN : NAN;
      uint16_t kern = kernel_from_double(x, fmt);
      unsigned fbits = fmt == DLV_REF_BF16 ? 7 : 10;
      uint16_t quiet = (uint16_t)(1u << (fbits - 1));
      uint16_t sign = neg ? 0x8000u : 0u;
      mpfr_set_nan(t);
      mpfr_setsign(t, t, neg, MPFR_RNDN);
      uint16_t from_mpfr = dlv_ref_lowp_round(t, fmt);
      uint16_t from_double = dlv_ref_lowp_round_d(x, fmt);
      if (from_mpfr != kern || from_double != kern)
        fail_msg("fmt %d NaN sign %d: twin %04x (from a double %04x), "
                 "kernel %04x", fmt, neg, from_mpfr, from_double, kern);
      if (!(kern & quiet) || (kern & 0x8000u) != sign)
        fail_msg("fmt %d NaN sign %d: %04x is not a quiet NaN of its sign",
                 fmt, neg, kern);
    }
  mpfr_clear(t);
}

/* Products of two p-bit significands (every pair) are exact in float:
 * checked against the double product, which is exact (2p <= 22 bits). */
static void products_exact_in_float(void **state)
{
  (void)state;
  const int prec[2] = {DLV_BF16_PREC, DLV_FP16_PREC};
  for (int fmt = 0; fmt < 2; fmt++) {
    uint32_t top = 1u << (prec[fmt] - 1);
    for (uint32_t a = top; a < 2 * top; a++)
      for (uint32_t b = top; b < 2 * top; b++) {
        float fa = ldexpf((float)a, 1 - prec[fmt]);
        float fb = ldexpf((float)b, 1 - prec[fmt]);
        volatile float prod = fa * fb;
        if ((double)prod != (double)fa * (double)fb)
          fail_msg("fmt %d: %a * %a inexact in float", fmt, fa, fb);
      }
  }
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(every_pattern_decodes_exactly),
      cmocka_unit_test(midpoints_round_to_nearest_even),
      cmocka_unit_test(random_doubles_round_once),
      cmocka_unit_test(nan_rounds_to_the_kernels_quiet_nan),
      cmocka_unit_test(products_exact_in_float),
  };
  return cmocka_run_group_tests_name("harness", tests, NULL, NULL);
}
