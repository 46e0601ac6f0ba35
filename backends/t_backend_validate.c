/* t_backend_validate.c: the loader's table check (dlv_backend_validate,
 * backend_load.h) against every rule it states: the ABI version, name and
 * version, the name's length (DLV_BACKEND_NAME_MAX accepted, one more
 * refused) and characters, every (operation, dtype) declared provided
 * with no entry point (every pointer NULL, and each alone), conv3d
 * without its sizing members.  The builtin
 * table, which is valid, is the starting point of each case. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
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

/* ABI 2's operations exist in double only (dlv_backend.h): declaring one
 * provided in float is refused, even when its double entry points are
 * there (the builtin's). */
static void abi2_float_is_never_provided(void **state)
{
  (void)state;
  for (int op = DLV_BK_NOPS_V1; op < DLV_BK_NOPS; op++) {
    dlv_backend b = *dlv_backend_builtin();
    b.support_v2[op - DLV_BK_NOPS_V1][DLV_BK_FLOAT] = DLV_BK_PROVIDED;
    if (validate(&b) != 1)
      fail_msg("%s declared provided in float accepted",
               dlv_backend_op_name(op));
  }
}

/* Every entry point of the table, with the (operation, dtype) it serves
 * (dlv_backend.h), listed here apart from the loader's own map. */
typedef struct {
  const char *member;
  size_t offset;
  int op, dtype;
} entry_slot;
#define SLOT(member, op, dtype)                                             \
  {#member, offsetof(dlv_backend, member), op, dtype}
#define D DLV_BK_DOUBLE
#define S DLV_BK_FLOAT
static const entry_slot slots[] = {
    SLOT(nrm2_d, DLV_BK_NRM2, D),
    SLOT(nrm2_s, DLV_BK_NRM2, S),
    SLOT(nrm2_grad_d, DLV_BK_NRM2_GRAD, D),
    SLOT(nrm2_grad_s, DLV_BK_NRM2_GRAD, S),
    SLOT(conv3d_d[0], DLV_BK_CONV3D_FWD, D),
    SLOT(conv3d_d[1], DLV_BK_CONV3D_BWD_FILTER, D),
    SLOT(conv3d_d[2], DLV_BK_CONV3D_BWD_INPUT, D),
    SLOT(conv3d_s[0], DLV_BK_CONV3D_FWD, S),
    SLOT(conv3d_s[1], DLV_BK_CONV3D_BWD_FILTER, S),
    SLOT(conv3d_s[2], DLV_BK_CONV3D_BWD_INPUT, S),
    SLOT(adam_step_d, DLV_BK_ADAM_STEP, D),
    SLOT(adam_step_s, DLV_BK_ADAM_STEP, S),
    SLOT(prox_group_d, DLV_BK_PROX_GROUP, D),
    SLOT(prox_group_s, DLV_BK_PROX_GROUP, S),
    SLOT(loss_quadratic_d, DLV_BK_LOSS_QUADRATIC, D),
    SLOT(loss_logistic_d, DLV_BK_LOSS_LOGISTIC, D),
    SLOT(closs_quadratic_d, DLV_BK_CLOSS_QUADRATIC, D),
    SLOT(closs_quadratic_z, DLV_BK_CLOSS_QUADRATIC, D),
    SLOT(closs_logistic_d, DLV_BK_CLOSS_LOGISTIC, D),
    SLOT(closs_logistic_z, DLV_BK_CLOSS_LOGISTIC, D),
    SLOT(closs_tanhnet_d, DLV_BK_CLOSS_TANHNET, D),
    SLOT(closs_tanhnet_z, DLV_BK_CLOSS_TANHNET, D),
    SLOT(closs_norm_d, DLV_BK_CLOSS_NORM, D),
    SLOT(closs_norm_z, DLV_BK_CLOSS_NORM, D),
    SLOT(hvp_step_d, DLV_BK_HVP_STEP, D),
    SLOT(hvp_cstep_d, DLV_BK_HVP_CSTEP, D),
    SLOT(hvp_central_d, DLV_BK_HVP_CENTRAL, D),
    SLOT(linesearch_step_d, DLV_BK_LINESEARCH_STEP, D),
};
#undef D
#undef S

/* The builtin table (every operation provided) with one entry point made
 * NULL (all bits zero: the null function pointer of every ABI dlverify
 * builds for). */
static dlv_backend builtin_without(const entry_slot *e)
{
  dlv_backend b = *dlv_backend_builtin();
  memset((char *)&b + e->offset, 0, sizeof b.nrm2_d);
  return b;
}

/* Each entry point alone made NULL is refused, and the refusal names its
 * (operation, dtype); declared not provided, the same table is valid.
 * (The table with every pointer NULL, above, cannot tell whether the
 * loader looks at the right member.) */
static void each_entry_point_is_checked_alone(void **state)
{
  (void)state;
  for (size_t i = 0; i < sizeof slots / sizeof slots[0]; i++) {
    const entry_slot *e = &slots[i];
    dlv_backend b = builtin_without(e);
    if (!(dlv_backend_support(&b, e->op, e->dtype) & DLV_BK_PROVIDED))
      fail_msg("the builtin table does not provide %s", e->member);
    char err[400] = "", want[64];
    snprintf(want, sizeof want, "%s %s ", dlv_backend_op_name(e->op),
             dlv_backend_dtype_name(e->dtype));
    int r = dlv_backend_validate(&b, err, sizeof err);
    if (r != 1 || strncmp(err, want, strlen(want)) != 0)
      fail_msg("%s NULL, declared provided: returned %d '%s', not a "
               "refusal naming '%s'", e->member, r, err, want);
    unsigned *caps = e->op < DLV_BK_NOPS_V1
                         ? &b.support[e->op][e->dtype]
                         : &b.support_v2[e->op - DLV_BK_NOPS_V1][e->dtype];
    *caps = 0;
    if (validate(&b) != 0)
      fail_msg("%s NULL, not provided: refused", e->member);
  }
}

/* An ABI 2 plugin (bad_backend.c, OLD_V2) is upgraded keeping what
 * version 2 has, its ABI 2 operations among them (the quadratic loss), and
 * nothing past it (ABI 3's limits read as zero: none declared). */
static const dlv_backend *volatile old_v2; /* the upgraded copy lives until
                                            * exit, like the plugin
                                            * (backend_load.c): kept reachable */

static void abi2_table_keeps_its_operations(void **state)
{
  (void)state;
  char err[400] = "";
  const dlv_backend *b = old_v2 =
      dlv_backend_load(DLV_OLD_V2_PLUGIN, err, sizeof err);
  if (b == NULL)
    fail_msg("%s: %s", DLV_OLD_V2_PLUGIN, err);
  assert_int_equal(b->abi_version, DLV_BACKEND_ABI_VERSION);
  assert_true(dlv_backend_support(b, DLV_BK_NRM2, DLV_BK_DOUBLE) &
              DLV_BK_PROVIDED);
  assert_true(dlv_backend_support(b, DLV_BK_LOSS_QUADRATIC, DLV_BK_DOUBLE) &
              DLV_BK_PROVIDED);
  assert_non_null(b->loss_quadratic_d);
  dlv_bk_limits none = dlv_backend_limits(b, DLV_BK_NRM2, DLV_BK_DOUBLE);
  assert_true(none.max_n == 0 && none.max_inc == 0);
}

/* The builtin table providing, of conv3d, only pass `op` in `dtype`
 * (the other passes and dtype declared not provided), lacking `what`:
 * 0 the sizing, 1 the variants, 2 their names. */
static dlv_backend conv3d_alone_without(int op, int dtype, int what)
{
  dlv_backend b = *dlv_backend_builtin();
  for (int o = DLV_BK_CONV3D_FWD; o <= DLV_BK_CONV3D_BWD_INPUT; o++)
    for (int t = 0; t < DLV_BK_NDTYPES; t++)
      if (o != op || t != dtype)
        b.support[o][t] = 0;
  if (what == 0)
    b.conv3d_work_size = NULL;
  else if (what == 1)
    b.n_conv3d_variants = 0;
  else
    b.conv3d_variant_name = NULL;
  return b;
}

/* conv3d comes with its sizing, at least one variant and their names,
 * whichever one pass and dtype it provides (each alone, each companion
 * missing in turn); with no pass provided none is needed. */
static void conv3d_needs_its_sizing(void **state)
{
  (void)state;
  for (int op = DLV_BK_CONV3D_FWD; op <= DLV_BK_CONV3D_BWD_INPUT; op++)
    for (int t = 0; t < DLV_BK_NDTYPES; t++)
      for (int what = 0; what < 3; what++) {
        dlv_backend b = conv3d_alone_without(op, t, what);
        if (!(dlv_backend_support(&b, op, t) & DLV_BK_PROVIDED))
          fail_msg("the builtin table does not provide %s %s",
                   dlv_backend_op_name(op), dlv_backend_dtype_name(t));
        if (validate(&b) != 1)
          fail_msg("only %s %s provided, companion %d missing: accepted",
                   dlv_backend_op_name(op), dlv_backend_dtype_name(t), what);
        b.support[op][t] = 0;
        if (validate(&b) != 0)
          fail_msg("no conv3d provided, companion %d missing: refused", what);
      }
}

/* dlv_backend_support over every capability set (the 8 bits, all 256
 * combinations), every operation of both arrays (ABI 1's support, ABI
 * 2's support_v2) and both dtypes: the declared bits come back as set,
 * with DLV_BK_ARGS added exactly when DLV_BK_STATUS is declared (its
 * documented implication), and the other operations' entries are not
 * read. */
static void support_reads_its_entry_and_implies_args(void **state)
{
  (void)state;
  static dlv_backend b; /* large: not on the stack */
  for (int op = 0; op < DLV_BK_NOPS; op++)
    for (int t = 0; t < DLV_BK_NDTYPES; t++)
      for (unsigned caps = 0; caps < 256; caps++) {
        memset(&b, 0, sizeof b);
        unsigned *slot = op < DLV_BK_NOPS_V1
                             ? &b.support[op][t]
                             : &b.support_v2[op - DLV_BK_NOPS_V1][t];
        *slot = caps;
        unsigned want = caps & DLV_BK_STATUS ? caps | DLV_BK_ARGS : caps;
        if (dlv_backend_support(&b, op, t) != want)
          fail_msg("op %d dtype %d declared 0x%x: support 0x%x, expected "
                   "0x%x", op, t, caps, dlv_backend_support(&b, op, t), want);
        int other = (op + 1) % DLV_BK_NOPS;
        if (dlv_backend_support(&b, other, t) != 0 ||
            dlv_backend_support(&b, op, 1 - t) != 0)
          fail_msg("op %d dtype %d: another entry reads its bits", op, t);
      }
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(builtin_is_valid),
      cmocka_unit_test(abi_version_is_this_one),
      cmocka_unit_test(name_length_and_characters),
      cmocka_unit_test(provided_needs_its_entry_point),
      cmocka_unit_test(abi2_float_is_never_provided),
      cmocka_unit_test(each_entry_point_is_checked_alone),
      cmocka_unit_test(abi2_table_keeps_its_operations),
      cmocka_unit_test(conv3d_needs_its_sizing),
      cmocka_unit_test(support_reads_its_entry_and_implies_args),
  };
  return cmocka_run_group_tests_name("backend_validate", tests, NULL, NULL);
}
