/* t_status.c: dlv_strerror (dlv_status.h) gives, for every code of enum
 * dlv_status, a non-empty sentence that names the code's meaning as the
 * header's comment states it (one of a few keywords, case-insensitive),
 * and distinct codes get distinct sentences (a sentence copied from the
 * next case is caught whichever it is).  Any other int gives one
 * "unknown" sentence, never NULL, distinct from every known one. */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "dlv_status.h"

/* Each code, with the keywords its header comment justifies (the
 * sentence must contain at least one). */
static const struct {
  int code;
  const char *keys[2];
} codes[] = {
    {DLV_OK, {"success", NULL}},          /* success */
    {DLV_EINVAL, {"argument", NULL}},     /* bad argument */
    {DLV_EBADLEN, {"size", "length"}},    /* sizes do not conform */
    {DLV_EDOM, {"domain", NULL}},         /* outside the domain */
    {DLV_ENAN, {"nan", NULL}},            /* NaN in an input */
    {DLV_ENOMEM, {"memory", "allocat"}},  /* allocation failed */
};
enum { NCODES = sizeof codes / sizeof *codes };

/* Outside the enum: below, just above, and the ends of int. */
static const int others[] = {-1, DLV_ENOMEM + 1, INT_MAX, INT_MIN};
enum { NOTHERS = sizeof others / sizeof *others };

static int names(const char *s, const char *key)
{
  return key != NULL && strcasestr(s, key) != NULL;
}

/* The table is the whole enum: codes 0 .. NCODES - 1, in order. */
static void table_is_the_enum(void **state)
{
  (void)state;
  for (int i = 0; i < NCODES; i++)
    assert_int_equal(codes[i].code, i);
  assert_int_equal(DLV_ENOMEM, NCODES - 1);
}

static void each_code_names_its_meaning(void **state)
{
  (void)state;
  for (int i = 0; i < NCODES; i++) {
    const char *s = dlv_strerror(codes[i].code);
    assert_non_null(s);
    assert_true(s[0] != '\0');
    if (!names(s, codes[i].keys[0]) && !names(s, codes[i].keys[1]))
      fail_msg("dlv_strerror(%d) = \"%s\" names neither \"%s\" nor \"%s\"",
               codes[i].code, s, codes[i].keys[0],
               codes[i].keys[1] ? codes[i].keys[1] : "-");
  }
}

static void distinct_codes_distinct_sentences(void **state)
{
  (void)state;
  for (int i = 0; i < NCODES; i++)
    for (int j = i + 1; j < NCODES; j++)
      if (strcmp(dlv_strerror(codes[i].code), dlv_strerror(codes[j].code)) ==
          0)
        fail_msg("codes %d and %d share \"%s\"", codes[i].code, codes[j].code,
                 dlv_strerror(codes[i].code));
}

static void other_ints_unknown(void **state)
{
  (void)state;
  const char *u = dlv_strerror(others[0]);
  assert_non_null(u);
  assert_true(names(u, "unknown"));
  for (int k = 0; k < NOTHERS; k++) {
    const char *s = dlv_strerror(others[k]);
    assert_non_null(s);
    assert_string_equal(s, u);
  }
  for (int i = 0; i < NCODES; i++)
    assert_string_not_equal(dlv_strerror(codes[i].code), u);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(table_is_the_enum),
      cmocka_unit_test(each_code_names_its_meaning),
      cmocka_unit_test(distinct_codes_distinct_sentences),
      cmocka_unit_test(other_ints_unknown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
