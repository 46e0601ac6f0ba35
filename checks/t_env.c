/* t_env.c: the one parser of each DLV_* variable accepts exactly what
 * env.h documents; in particular "no" and "false" never turn quick mode
 * on, and a precision with trailing text is rejected, not read as its
 * leading digits.  A variable's effect (dlv_env_effect) is found by its
 * exact name: every known name, alone or as NAME=value, has its own
 * effect; a near miss (a prefix of a known name, a known name plus a
 * suffix, another case) has none. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>

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

/* 1 when name is exactly one of the known names (the test's oracle). */
static int known(const char *name)
{
  for (size_t i = 0; i < dlv_n_env_vars; i++)
    if (strcmp(dlv_env_vars[i].name, name) == 0)
      return 1;
  return 0;
}

/* name, alone and as name=1, must have no effect (unless it is known). */
static void no_effect(const char *name)
{
  char nv[96];
  snprintf(nv, sizeof nv, "%s=1", name);
  if (known(name))
    return;
  if (dlv_env_effect(name) != NULL || dlv_env_effect(nv) != NULL)
    fail_msg("near-miss name \"%s\" given the effect \"%s\"", name,
             dlv_env_effect(nv) ? dlv_env_effect(nv) : dlv_env_effect(name));
}

static void known_names_have_their_effect(void **state)
{
  (void)state;
  for (size_t i = 0; i < dlv_n_env_vars; i++) {
    const char *name = dlv_env_vars[i].name;
    char nv[96];
    snprintf(nv, sizeof nv, "%s=some=value", name);
    assert_ptr_equal(dlv_env_effect(name), dlv_env_vars[i].effect);
    assert_ptr_equal(dlv_env_effect(nv), dlv_env_vars[i].effect);
  }
}

/* Every proper prefix of each known name (the empty one included), the
 * name plus a suffix, and the name in lower case or with one letter
 * lowered. */
static void near_miss_names_have_no_effect(void **state)
{
  (void)state;
  for (size_t i = 0; i < dlv_n_env_vars; i++) {
    const char *name = dlv_env_vars[i].name;
    char miss[96];
    for (size_t len = strlen(name); len-- > 0;) { /* longest first */
      snprintf(miss, sizeof miss, "%.*s", (int)len, name);
      no_effect(miss);
    }
    const char *suffix[] = {"X", "_", "S", "1", " "};
    for (size_t k = 0; k < sizeof suffix / sizeof *suffix; k++) {
      snprintf(miss, sizeof miss, "%s%s", name, suffix[k]);
      no_effect(miss);
    }
    snprintf(miss, sizeof miss, "%s", name);
    for (char *c = miss; *c; c++)
      *c = (char)tolower((unsigned char)*c);
    no_effect(miss);
    snprintf(miss, sizeof miss, "%s", name);
    char *last = miss + strlen(miss) - 1;
    *last = (char)tolower((unsigned char)*last);
    no_effect(miss);
  }
  no_effect("DLV_SEE"); /* spelled out: round 26's witness */
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(seed_values),
      cmocka_unit_test(quick_values),
      cmocka_unit_test(prec_values),
      cmocka_unit_test(known_names_have_their_effect),
      cmocka_unit_test(near_miss_names_have_no_effect),
  };
  return cmocka_run_group_tests_name("env", tests, NULL, NULL);
}
