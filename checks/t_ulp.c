/* t_ulp.c: tests of the yardsticks themselves (as glibc's check_ulp tests
 * its ulp()): ulp, ulp distance, errors against MPFR, the CSV round trip and
 * the verdict rules.  Exact expectations only. */
#include <fenv.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "ulp.h"

static void ulp_of_known_values(void **state)
{
  (void)state;
  assert_true(dlv_ulp_d(1.0) == 0x1p-52);
  assert_true(dlv_ulp_d(-1.0) == 0x1p-52);
  assert_true(dlv_ulp_d(nextafter(2.0, 0.0)) == 0x1p-52);
  assert_true(dlv_ulp_d(2.0) == 0x1p-51);
  assert_true(dlv_ulp_d(0.0) == 0x1p-1074);
  assert_true(dlv_ulp_d(0x1p-1074) == 0x1p-1074);
  assert_true(dlv_ulp_d(DBL_MIN) == 0x1p-1074);
  assert_true(dlv_ulp_d(DBL_MAX) == 0x1p971);
  assert_true(isnan(dlv_ulp_d(INFINITY)) && isnan(dlv_ulp_d(NAN)));
  assert_true(dlv_ulp_s(1.0f) == 0x1p-23);
  assert_true(dlv_ulp_s(0.0f) == 0x1p-149);
  assert_true(dlv_ulp_s(FLT_MAX) == 0x1p104);
}

static void ulps_between_counts_representables(void **state)
{
  (void)state;
  assert_true(dlv_ulps_between_d(1.0, nextafter(1.0, 2.0)) == 1);
  assert_true(dlv_ulps_between_d(nextafter(1.0, 2.0), 1.0) == 1);
  assert_true(dlv_ulps_between_d(-0.0, 0.0) == 0);
  assert_true(dlv_ulps_between_d(-0x1p-1074, 0x1p-1074) == 2);
  assert_true(dlv_ulps_between_d(1.0, 2.0) == 1ULL << 52);
  assert_true(dlv_ulps_between_d(DBL_MAX, INFINITY) == 1);
  assert_true(dlv_ulps_between_d(1.0, NAN) == UINT64_MAX);
  assert_true(dlv_ulps_between_s(1.0f, nextafterf(1.0f, 0.0f)) == 1);
  assert_true(dlv_ulps_between_s(-0x1p-149f, 0x1p-149f) == 2);
}

static void errors_against_mpfr(void **state)
{
  (void)state;
  mpfr_t x;
  mpfr_init2(x, 256);
  mpfr_set_d(x, 1.0, MPFR_RNDN);
  mpfr_add_d(x, x, 0x1p-54, MPFR_RNDN); /* 1 + ulp/4 */
  assert_true(dlv_abs_error(1.0, x) == 0x1p-54);
  assert_true(dlv_ulp_error(1.0, x, DBL_MANT_DIG) == 0.25);
  assert_true(dlv_ulp_error(nextafter(1.0, 2.0), x, DBL_MANT_DIG) == 0.75);
  assert_true(dlv_ulp_error(1.0, x, FLT_MANT_DIG) == 0x1p-31);
  mpfr_set_inf(x, 1);
  assert_true(dlv_abs_error(INFINITY, x) == 0.0);
  assert_true(isinf(dlv_abs_error(-INFINITY, x)));
  assert_true(isinf(dlv_abs_error(DBL_MAX, x)));
  mpfr_set_nan(x);
  assert_true(dlv_abs_error(NAN, x) == 0.0);
  assert_true(isinf(dlv_abs_error(0.0, x)));
  mpfr_clear(x);
}

/* dlv_abs_error's contract (ulp.h): the smallest double >= |value -
 * exact|, never an understatement.  Differences that need more than 53
 * bits, on either side of value: err must be >= the difference and its
 * predecessor below it. */
static void abs_error_rounds_up(void **state)
{
  (void)state;
  mpfr_t x, d;
  mpfr_inits2(256, x, d, (mpfr_ptr)0);
  mpfr_set_d(x, 1.0, MPFR_RNDN);
  mpfr_add_d(x, x, 0x1p-54, MPFR_RNDN);
  mpfr_add_d(x, x, 0x1p-120, MPFR_RNDN); /* 1 + 2^-54 + 2^-120 */
  assert_true(dlv_abs_error(1.0, x) == 0x1p-54 + 0x1p-106);
  uint64_t seed = 12345;
  for (int i = 0; i < 2000; i++) {
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    double value = ldexp((double)(seed >> 11) * 0x1p-53 + 0.5,
                         (int)(seed % 200) - 100);
    double tail = (double)((seed >> 20) & 0xfffff) * 0x1p-20;
    /* x = value -+ (1 + tail + 2^-70) 2^-k ulp: 71 significant bits */
    mpfr_set_d(x, value, MPFR_RNDN);
    mpfr_set_d(d, 1.0 + tail, MPFR_RNDN);
    mpfr_add_d(d, d, 0x1p-70, MPFR_RNDN);
    mpfr_mul_2si(d, d, ilogb(value) - 52 - (int)(seed % 7), MPFR_RNDN);
    if (seed & 1)
      mpfr_neg(d, d, MPFR_RNDN);
    mpfr_add(x, x, d, MPFR_RNDN);
    double err = dlv_abs_error(value, x);
    mpfr_abs(d, d, MPFR_RNDN); /* |value - x|, exact at 256 bits */
    assert_true(mpfr_cmp_d(d, err) <= 0);
    assert_true(mpfr_cmp_d(d, nextafter(err, 0.0)) > 0);
  }
  mpfr_clears(x, d, (mpfr_ptr)0);
}

static dlv_row make_row(const char *claim, enum dlv_role role, int holds)
{
  dlv_row r;
  memset(&r, 0, sizeof r);
  dlv_copy_text(r.claim, sizeof r.claim, claim);
  dlv_copy_text(r.check, sizeof r.check, "t");
  dlv_copy_text(r.quantity, sizeof r.quantity, "a \"quoted\", field\r\nx");
  r.err = holds ? 1.0 : 3.0;
  r.bound = 2.0;
  r.ratio = r.err / r.bound;
  r.value = 0.1;
  r.role = role;
  r.holds = holds;
  r.ok = 1;
  return r;
}

/* The verdict rules of evidence.h, one precedence level at a time. */
static void verdict_rules(void **state)
{
  (void)state;
  dlv_rows rows = {0};
  assert_string_equal(dlv_verdict(&rows, "X"), DLV_VERDICT_INCONCLUSIVE);
  dlv_row r = make_row("X", DLV_ROLE_CLAIM, 1);
  dlv_rows_push(&rows, &r);
  assert_string_equal(dlv_verdict(&rows, "X"), DLV_VERDICT_CONFIRMED);
  r = make_row("X", DLV_ROLE_ERRATUM, 0);
  dlv_rows_push(&rows, &r);
  assert_string_equal(dlv_verdict(&rows, "X"), DLV_VERDICT_ERRATUM);
  r = make_row("X", DLV_ROLE_NEARBY, 0);
  dlv_rows_push(&rows, &r);
  assert_string_equal(dlv_verdict(&rows, "X"), DLV_VERDICT_QUALIFIED);
  r = make_row("X", DLV_ROLE_CLAIM, 0);
  dlv_rows_push(&rows, &r);
  assert_string_equal(dlv_verdict(&rows, "X"), DLV_VERDICT_REFUTED);
  r = make_row("X", DLV_ROLE_ACCURACY, 0);
  dlv_rows_push(&rows, &r);
  assert_string_equal(dlv_verdict(&rows, "X"), DLV_VERDICT_INCONCLUSIVE);
  assert_string_equal(dlv_verdict(&rows, "Y"), DLV_VERDICT_INCONCLUSIVE);
  dlv_rows_free(&rows);
}

/* Rows survive a write and a read bit for bit, quoting included. */
static void csv_round_trip(void **state)
{
  (void)state;
  FILE *f = tmpfile();
  assert_non_null(f);
  dlv_row w = make_row("P9", DLV_ROLE_NEARBY, 0);
  w.value = 0x1.999999999999ap-4;
  w.ulps = NAN;
  dlv_csv_header(f);
  dlv_csv_row(f, &w);
  rewind(f);
  dlv_rows rows = {0};
  char err[128];
  assert_int_equal(dlv_csv_read(f, &rows, err, sizeof err), 0);
  assert_int_equal(rows.n, 1);
  const dlv_row *r = &rows.rows[0];
  assert_string_equal(r->quantity, w.quantity);
  assert_true(r->value == w.value && isnan(r->ulps));
  assert_int_equal(r->role, DLV_ROLE_NEARBY);
  dlv_rows_free(&rows);
  fclose(f);
  f = tmpfile();
  fputs("claim,check\r\nP1,\"unclosed\r\n", f);
  rewind(f);
  assert_int_equal(dlv_csv_read(f, &rows, err, sizeof err), -1);
  fclose(f);
}

/* dlv_check_end fails when the floating-point control state changed
 * between begin and end (as a kernel setting FTZ or the rounding mode
 * would), and restores the exception flags it found. */
static void check_end_detects_fp_state_change(void **state)
{
  (void)state;
  assert_int_equal(dlv_check_begin("T"), 0);
  assert_int_equal(dlv_check_end(), 0);
  assert_int_equal(dlv_check_begin("T"), 0);
  fesetround(FE_UPWARD);
  int status = dlv_check_end();
  fesetround(FE_TONEAREST);
  assert_int_equal(status, -1);
#if defined(__x86_64__)
  assert_int_equal(dlv_check_begin("T"), 0);
  unsigned csr, ftz, readback;
  __asm__ volatile("stmxcsr %0" : "=m"(csr));
  ftz = csr | 0x8000u;
  __asm__ volatile("ldmxcsr %0" : : "m"(ftz));
  __asm__ volatile("stmxcsr %0" : "=m"(readback));
  status = dlv_check_end();
  __asm__ volatile("ldmxcsr %0" : : "m"(csr));
  /* valgrind does not emulate FTZ (the bit reads back clear there), so the
   * check can only be asked to notice what the machine really set. */
  assert_int_equal(status, readback & 0x8000u ? -1 : 0);
#endif
  feclearexcept(FE_ALL_EXCEPT);
  assert_int_equal(dlv_check_begin("T"), 0);
  volatile double tiny = 0x1p-1000;
  volatile double r = tiny * tiny; /* raises underflow and inexact */
  (void)r;
  assert_int_equal(dlv_check_end(), 0);
  assert_int_equal(fetestexcept(FE_UNDERFLOW), 0);
}

/* The overflow rule (dlv_infinity_allowed): the threshold is max finite +
 * half an ulp, reached by |exact| + bound; the sign must match; an exact
 * infinity allows its own; a finite got or a NaN exact never. */
static void overflow_rule(void **state)
{
  (void)state;
  mpfr_t x;
  mpfr_init2(x, 128);
  double half_ulp = ldexp(1.0, DBL_MAX_EXP - DBL_MANT_DIG - 1);
  mpfr_set_d(x, DBL_MAX, MPFR_RNDN);
  mpfr_add_d(x, x, half_ulp / 2, MPFR_RNDN); /* halfway to the threshold */
  assert_false(dlv_infinity_allowed(INFINITY, x, 0.0, DBL_MANT_DIG));
  assert_true(dlv_infinity_allowed(INFINITY, x, half_ulp / 2, DBL_MANT_DIG));
  assert_false(dlv_infinity_allowed(-INFINITY, x, 1e308, DBL_MANT_DIG));
  assert_false(dlv_infinity_allowed(DBL_MAX, x, 1e308, DBL_MANT_DIG));
  mpfr_set_d(x, FLT_MAX, MPFR_RNDN);
  assert_false(dlv_infinity_allowed(INFINITY, x, 0.0, FLT_MANT_DIG));
  assert_true(dlv_infinity_allowed(INFINITY, x, ldexp(1.0, 103),
                                   FLT_MANT_DIG));
  mpfr_set_inf(x, -1);
  assert_true(dlv_infinity_allowed(-INFINITY, x, 0.0, DBL_MANT_DIG));
  mpfr_set_nan(x);
  assert_false(dlv_infinity_allowed(INFINITY, x, INFINITY, DBL_MANT_DIG));
  mpfr_clear(x);
}

/* dlv_worst_add, the one worst-element rule of the claim checks: the
 * largest err/bound wins, err = 0 counts 0 even against a zero bound, the
 * first NaN ratio wins and stays. */
static void worst_element_rule(void **state)
{
  (void)state;
  dlv_worst w = DLV_WORST_INIT;
  assert_int_equal(dlv_worst_add(&w, 0, 0.0, 0.0), 0); /* 0/0 counts 0 */
  assert_true(w.ratio == 0.0 && w.i == 0);
  assert_int_equal(dlv_worst_add(&w, 1, 1.0, 4.0), 0);
  assert_int_equal(dlv_worst_add(&w, 2, 3.0, 4.0), 0);
  assert_int_equal(dlv_worst_add(&w, 3, 2.0, 4.0), 0);
  assert_true(w.i == 2 && w.ratio == 0.75 && w.err == 3.0 && w.bound == 4.0);
  assert_int_equal(dlv_worst_add(&w, 4, 1.0, 0.0), 0); /* Inf ratio */
  assert_true(w.i == 4 && isinf(w.ratio));
  assert_int_equal(dlv_worst_add(&w, 5, NAN, 1.0), 1);
  assert_int_equal(dlv_worst_add(&w, 6, 9.0, 1.0), 1); /* NaN stays */
  assert_true(w.i == 5 && isnan(w.ratio));
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(ulp_of_known_values),
      cmocka_unit_test(ulps_between_counts_representables),
      cmocka_unit_test(errors_against_mpfr),
      cmocka_unit_test(abs_error_rounds_up),
      cmocka_unit_test(verdict_rules),
      cmocka_unit_test(csv_round_trip),
      cmocka_unit_test(check_end_detects_fp_state_change),
      cmocka_unit_test(overflow_rule),
      cmocka_unit_test(worst_element_rule),
  };
  return cmocka_run_group_tests_name("harness", tests, NULL, NULL);
}
