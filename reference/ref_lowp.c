/* ref_lowp.c: MPFR twins of the low-precision kernels (see ref_lowp.h). */
#include <math.h>
#include <stdlib.h>

#include "dlv_status.h"
#include "mp.h"
#include "ref_lowp.h"
#include "ref_nrm2.h"
#include "stride.h"

/* Field layout and exponent range of a format. */
typedef struct {
  int frac_bits, exp_bits, prec, emin, emax;
} lowp_format;

static lowp_format format_of(int fmt)
{
  return fmt == DLV_REF_BF16 ? (lowp_format){7, 8, 8, -126, 127}
                             : (lowp_format){10, 5, 11, -14, 15};
}

double dlv_ref_lowp_decode(uint16_t bits, int fmt)
{
  lowp_format f = format_of(fmt);
  unsigned frac = bits & ((1u << f.frac_bits) - 1u);
  unsigned ef = (bits >> f.frac_bits) & ((1u << f.exp_bits) - 1u);
  double sign = bits & 0x8000u ? -1.0 : 1.0;
  if (ef == (1u << f.exp_bits) - 1u)
    return frac ? NAN : sign * INFINITY;
  if (ef == 0) /* subnormal: frac 2^(emin - frac_bits) */
    return sign * ldexp((double)frac, f.emin - f.frac_bits);
  return sign * ldexp((double)(frac | 1u << f.frac_bits),
                      (int)ef - (f.emax) - f.frac_bits);
}

/* Bit pattern of a value of the format (or +-Inf). */
static uint16_t encode(double r, lowp_format f)
{
  uint16_t sign = signbit(r) ? 0x8000u : 0u;
  uint16_t inf = (uint16_t)(((1u << f.exp_bits) - 1u) << f.frac_bits);
  double a = fabs(r);
  if (isinf(a))
    return sign | inf;
  if (a < ldexp(1.0, f.emin)) /* subnormal: field 0 */
    return sign | (uint16_t)ldexp(a, f.frac_bits - f.emin);
  int e = ilogb(a);
  uint16_t frac = (uint16_t)(ldexp(a, f.frac_bits - e) - ldexp(1.0, f.frac_bits));
  return sign | (uint16_t)((e + f.emax) << f.frac_bits) | frac;
}

uint16_t dlv_ref_lowp_round(mpfr_srcptr x, int fmt)
{
  lowp_format f = format_of(fmt);
  if (mpfr_nan_p(x))
    return (uint16_t)((mpfr_signbit(x) ? 0x8000u : 0u) |
                      (((1u << f.exp_bits) - 1u) << f.frac_bits) |
                      (1u << (f.frac_bits - 1)));
  /* MPFR's exponents: x = m 2^e with m in [1/2, 1), so the format's normal
   * range [2^emin, 2^(emax+1)) is e in [emin + 1, emax + 1], and with
   * subnormals the smallest exponent is emin + 1 - (prec - 1). */
  mpfr_exp_t old_min = mpfr_get_emin(), old_max = mpfr_get_emax();
  mpfr_t r;
  mpfr_init2(r, f.prec);
  int inex = mpfr_set(r, x, MPFR_RNDN);
  mpfr_set_emin(f.emin + 2 - f.prec);
  mpfr_set_emax(f.emax + 1);
  inex = mpfr_check_range(r, inex, MPFR_RNDN);
  mpfr_subnormalize(r, inex, MPFR_RNDN);
  double d = mpfr_get_d(r, MPFR_RNDN); /* exact */
  mpfr_set_emin(old_min);
  mpfr_set_emax(old_max);
  mpfr_clear(r);
  return encode(d, f);
}

/* x decoded into a contiguous double array (NULL on allocation failure). */
static double *decode_all(size_t n, const uint16_t *x, ptrdiff_t inc, int fmt)
{
  double *d = malloc((n + 1) * sizeof *d);
  for (size_t i = 0; d != NULL && i < n; i++)
    d[i] = dlv_ref_lowp_decode(x[dlv_stride_offset(n, inc, i)], fmt);
  return d;
}

int dlv_ref_lowp_nrm2(size_t n, const uint16_t *x, ptrdiff_t inc, int fmt,
                      mpfr_ptr result)
{
  double *d = decode_all(n, x, inc, fmt);
  if (d == NULL)
    return DLV_ENOMEM;
  int status = dlv_ref_nrm2(n, d, 1, result);
  free(d);
  return status;
}

int dlv_ref_lowp_nrm2_grad(size_t n, const uint16_t *x, ptrdiff_t inc,
                           int fmt, mpfr_t *g)
{
  double *d = decode_all(n, x, inc, fmt);
  if (d == NULL)
    return DLV_ENOMEM;
  int status = dlv_ref_nrm2_grad(n, d, 1, g);
  free(d);
  return status;
}

/* t = round_fmt(t), in place, exact value kept in t. */
static void round_in_place(mpfr_t t, int fmt)
{
  mpfr_set_d(t, dlv_ref_lowp_decode(dlv_ref_lowp_round(t, fmt), fmt),
             MPFR_RNDN);
}

int dlv_ref_lowp_nrm2_naive(size_t n, const uint16_t *x, ptrdiff_t inc,
                            int fmt, double *result)
{
  mpfr_t probe;
  mpfr_init2(probe, 64);
  int status = dlv_ref_lowp_nrm2(n, x, inc, fmt, probe); /* special values */
  int inf = mpfr_inf_p(probe);
  mpfr_clear(probe);
  if (status != DLV_OK || inf) {
    *result = INFINITY;
    return status;
  }
  mpfr_t acc, sq;
  mpfr_inits2(DLV_MP_PREC_MIN, acc, sq, (mpfr_ptr)0);
  mpfr_set_zero(acc, 1);
  for (size_t i = 0; i < n; i++) {
    double xi = dlv_ref_lowp_decode(x[dlv_stride_offset(n, inc, i)], fmt);
    mpfr_set_d(sq, xi, MPFR_RNDN);
    mpfr_sqr(sq, sq, MPFR_RNDN); /* exact at 256 bits */
    round_in_place(sq, fmt);
    /* rounded at 256 bits (a bf16 sum can need more), then to the format:
     * innocuous double rounding (256 >= 2 p + 2) */
    mpfr_add(acc, acc, sq, MPFR_RNDN);
    round_in_place(acc, fmt);
  }
  mpfr_sqrt(acc, acc, MPFR_RNDN);
  *result = dlv_ref_lowp_decode(dlv_ref_lowp_round(acc, fmt), fmt);
  mpfr_clears(acc, sq, (mpfr_ptr)0);
  return DLV_OK;
}

uint16_t dlv_ref_lowp_round_d(double x, int fmt)
{
  mpfr_t t;
  mpfr_init2(t, 64);
  mpfr_set_d(t, x, MPFR_RNDN); /* exact: 53 <= 64 bits */
  if (isnan(x)) /* mpfr_set_d leaves a NaN's sign unspecified */
    mpfr_setsign(t, t, signbit(x) != 0, MPFR_RNDN);
  uint16_t b = dlv_ref_lowp_round(t, fmt);
  mpfr_clear(t);
  return b;
}
