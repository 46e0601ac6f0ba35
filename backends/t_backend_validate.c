/* t_backend_validate.c: the loader's table check (dlv_backend_validate,
 * backend_load.h) against every rule it states: the ABI version, name and
 * version, the name's length (DLV_BACKEND_NAME_MAX accepted, one more
 * refused) and characters, every (operation, dtype) declared provided
 * with no entry point, conv3d without its sizing members.  The builtin
 * table, which is valid, is the starting point of each case. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "backend_load.h"

static int validate(const dlv_backend *b)
{
  char err[400];
  return dlv_backend_validate(b, err, sizeof err);
}

static void builtin_is_valid(void **state)
{
  (void)state;
  assert_int_equal(validate(dlv_backend_builtin()), 0);
}

static void abi_version_is_this_one(void **state)
{
  (void)state;
  const int versions[] = {0, 1, 2, DLV_BACKEND_ABI_VERSION + 1, -1};
  for (size_t i = 0; i < sizeof versions / sizeof versions[0]; i++) {
    dlv_backend b = *dlv_backend_builtin();
    b.abi_version = versions[i]; /* older tables are upgraded before */
    assert_int_equal(validate(&b), 1);
  }
  assert_int_equal(validate(NULL), 1);
}

/* A name of n characters c. */
static int validate_name(size_t n, char c)
{
  char name[DLV_BACKEND_NAME_MAX + 2];
  memset(name, c, n);
  name[n] = '\0';
  dlv_backend b = *dlv_backend_builtin();
  b.name = name;
  return validate(&b);
}

static void name_length_and_characters(void **state)
{
  (void)state;
  assert_int_equal(validate_name(1, 'n'), 0);
  assert_int_equal(validate_name(DLV_BACKEND_NAME_MAX, 'n'), 0);
  assert_int_equal(validate_name(DLV_BACKEND_NAME_MAX + 1, 'n'), 1);
  assert_int_equal(validate_name(0, 'n'), 1);
  const char bad[] = " ,\"\t\r\n";
  for (size_t i = 0; i < sizeof bad - 1; i++)
    assert_int_equal(validate_name(3, bad[i]), 1);
  dlv_backend b = *dlv_backend_builtin();
  b.version = NULL;
  assert_int_equal(validate(&b), 1);
  b = *dlv_backend_builtin();
  b.name = NULL;
  assert_int_equal(validate(&b), 1);
}

/* A table with no entry point at all that declares (op, dtype) provided:
 * refused, for every operation of every ABI version and both dtypes (an
 * operation with no float entry point cannot provide float). */
static void provided_needs_its_entry_point(void **state)
{
  (void)state;
  for (int op = 0; op < DLV_BK_NOPS; op++)
    for (int t = 0; t < DLV_BK_NDTYPES; t++) {
      dlv_backend b;
      memset(&b, 0, sizeof b);
      b.abi_version = DLV_BACKEND_ABI_VERSION;
      b.name = "empty";
      b.version = "0";
      unsigned *caps = op < DLV_BK_NOPS_V1
                           ? &b.support[op][t]
                           : &b.support_v2[op - DLV_BK_NOPS_V1][t];
      *caps = DLV_BK_PROVIDED;
      if (validate(&b) != 1)
        fail_msg("%s %s provided with a NULL entry point accepted",
                 dlv_backend_op_name(op), dlv_backend_dtype_name(t));
    }
}

static void conv3d_needs_its_sizing(void **state)
{
  (void)state;
  dlv_backend b = *dlv_backend_builtin();
  b.conv3d_work_size = NULL;
  assert_int_equal(validate(&b), 1);
  b = *dlv_backend_builtin();
  b.n_conv3d_variants = 0;
  assert_int_equal(validate(&b), 1);
  b = *dlv_backend_builtin();
  b.conv3d_variant_name = NULL;
  assert_int_equal(validate(&b), 1);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(builtin_is_valid),
      cmocka_unit_test(abi_version_is_this_one),
      cmocka_unit_test(name_length_and_characters),
      cmocka_unit_test(provided_needs_its_entry_point),
      cmocka_unit_test(conv3d_needs_its_sizing),
  };
  return cmocka_run_group_tests_name("backend_validate", tests, NULL, NULL);
}
