/* t_env.c: the one parser of each DLV_* variable accepts exactly what
 * env.h documents; in particular "no" and "false" never turn quick mode
 * on, and a precision with trailing text is rejected, not read as its
 * leading digits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "env.h"

static void seed_values(void **state)
{
  (void)state;
  char err[160];
  unsigned long v;
  assert_int_equal(dlv_env_parse_seed(NULL, &v, err, sizeof err), 0);
  assert_true(v == DLV_DEFAULT_SEED);
  assert_int_equal(dlv_env_parse_seed("", &v, err, sizeof err), 0);
  assert_true(v == DLV_DEFAULT_SEED);
  assert_int_equal(dlv_env_parse_seed("0", &v, err, sizeof err), 0);
  assert_true(v == 0);
  assert_int_equal(dlv_env_parse_seed("18446744073709551615", &v, err,
                                      sizeof err), 0);
  const char *bad[] = {"abc", "-1", "+1", " 7", "7 ", "12abc", "0x10",
                       "18446744073709551616"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
    assert_int_equal(dlv_env_parse_seed(bad[i], &v, err, sizeof err), -1);
}

static void quick_values(void **state)
{
  (void)state;
  char err[160];
  int v = -1;
  assert_int_equal(dlv_env_parse_quick(NULL, &v, err, sizeof err), 0);
  assert_int_equal(v, 0);
  assert_int_equal(dlv_env_parse_quick("0", &v, err, sizeof err), 0);
  assert_int_equal(v, 0);
  assert_int_equal(dlv_env_parse_quick("1", &v, err, sizeof err), 0);
  assert_int_equal(v, 1);
  const char *bad[] = {"no", "false", "yes", "true", "2", "01", " 1"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    assert_int_equal(dlv_env_parse_quick(bad[i], &v, err, sizeof err), -1);
    assert_int_equal(v, 0); /* never on by accident */
  }
}

static void prec_values(void **state)
{
  (void)state;
  char err[160];
  long v;
  assert_int_equal(dlv_env_parse_prec(NULL, &v, err, sizeof err), 0);
  assert_int_equal(v, DLV_PREC_MIN);
  assert_int_equal(dlv_env_parse_prec("512", &v, err, sizeof err), 0);
  assert_int_equal(v, 512);
  /* each end of [DLV_PREC_MIN, DLV_PREC_MAX] taken, one past it refused */
  const long edge[] = {DLV_PREC_MIN, DLV_PREC_MAX};
  for (size_t i = 0; i < 2; i++) {
    char text[32];
    snprintf(text, sizeof text, "%ld", edge[i]);
    assert_int_equal(dlv_env_parse_prec(text, &v, err, sizeof err), 0);
    assert_int_equal(v, edge[i]);
    snprintf(text, sizeof text, "%ld", i == 0 ? edge[i] - 1 : edge[i] + 1);
    assert_int_equal(dlv_env_parse_prec(text, &v, err, sizeof err), -1);
  }
  const char *bad[] = {"2000000", "65536abc", "-512", "abc", "1e3"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
    assert_int_equal(dlv_env_parse_prec(bad[i], &v, err, sizeof err), -1);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(seed_values),
      cmocka_unit_test(quick_values),
      cmocka_unit_test(prec_values),
  };
  return cmocka_run_group_tests_name("env", tests, NULL, NULL);
}
