/* t_closs_mag.c: the P5 magnitudes' building blocks against their
 * contracts (closs_mag.h), exactly where a contract is exact.
 *
 * The logistic sensitivities: over every margin z with |z - zy| <= 2
 * gamma_n S (checked at both ends, zy and points between, in MPFR at 200
 * bits), s0 >= sigma(-z), s1 >= sigma(z)(1 - sigma(z)), sp >=
 * softplus(-z), up to the function's own rounding: at most 8 operations
 * (exp, log1p, +, *, /), each within 2u relative, so within a factor
 * 1 + 16u.  With S up to 1e6 the interval is up to 1e-9 wide, a million
 * ulps of the sensitivities: a supremum taken over half of it falls short
 * by far more than that factor. */
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>

#include <cmocka.h>
#include <mpfr.h>

#include "bounds.h"
#include "closs_mag.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

enum { PREC = 200, POINTS = 9 };

/* sigma(-z), sigma(z)(1 - sigma(z)) and softplus(-z) at z (MPFR). */
static void logistic_at(mpfr_srcptr z, mpfr_ptr s_neg, mpfr_ptr dsig,
                        mpfr_ptr sp)
{
  mpfr_t e;
  mpfr_init2(e, PREC);
  mpfr_neg(e, z, MPFR_RNDN);
  mpfr_exp(e, e, MPFR_RNDN);               /* e^-z */
  mpfr_log1p(sp, e, MPFR_RNDN);            /* softplus(-z) = log(1 + e^-z) */
  mpfr_exp(e, z, MPFR_RNDN);               /* e^z */
  mpfr_add_ui(s_neg, e, 1, MPFR_RNDN);
  mpfr_ui_div(s_neg, 1, s_neg, MPFR_RNDN); /* sigma(-z) = 1/(1 + e^z) */
  mpfr_ui_sub(dsig, 1, s_neg, MPFR_RNDN);  /* sigma(z) */
  mpfr_mul(dsig, dsig, s_neg, MPFR_RNDN);
  mpfr_clear(e);
}

/* got * (1 + 16u) >= want, else a failure naming what. */
static void at_least(double got, mpfr_srcptr want, const char *what,
                     double zy, double big_s, size_t n, mpfr_srcptr z)
{
  if (mpfr_cmp_d(want, got * (1.0 + 16.0 * DLV_U_DOUBLE)) > 0) {
    mpfr_printf("%s: %a at zy %g, S %g, n %zu, below its value %.20Rg at "
                "z = %.20Rg\n",
                what, got, zy, big_s, n, want, z);
    fail();
  }
}

static void logistic_sens_covers_the_margins(void **state)
{
  (void)state;
  const double zys[] = {-40, -5, -1, -1e-3, 0, 1e-3, 1, 5, 40};
  const double bigs[] = {1, 1e3, 1e6};
  const size_t ns[] = {2, 5, 50};
  mpfr_t z, s_neg, dsig, sp;
  mpfr_inits2(PREC, z, s_neg, dsig, sp, (mpfr_ptr)0);
  for (size_t a = 0; a < COUNT(zys); a++)
    for (size_t b = 0; b < COUNT(bigs); b++)
      for (size_t c = 0; c < COUNT(ns); c++) {
        double zy = zys[a], big_s = bigs[b];
        double delta = 2.0 * dlv_gamma((double)ns[c], DLV_U_DOUBLE) * big_s;
        dlv_logistic_sens s = dlv_closs_logistic_sens(zy, big_s, ns[c]);
        for (int k = 0; k < POINTS; k++) { /* zy - delta .. zy + delta */
          mpfr_set_d(z, delta, MPFR_RNDN);
          mpfr_mul_si(z, z, 2 * k - (POINTS - 1), MPFR_RNDN);
          mpfr_div_ui(z, z, POINTS - 1, MPFR_RNDN);
          mpfr_add_d(z, z, zy, MPFR_RNDN);
          logistic_at(z, s_neg, dsig, sp);
          at_least(s.s0, s_neg, "s0 (sigma(-z))", zy, big_s, ns[c], z);
          at_least(s.s1, dsig, "s1 (sigma')", zy, big_s, ns[c], z);
          at_least(s.sp, sp, "sp (softplus(-z))", zy, big_s, ns[c], z);
        }
      }
  mpfr_clears(z, s_neg, dsig, sp, (mpfr_ptr)0);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(logistic_sens_covers_the_margins),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
