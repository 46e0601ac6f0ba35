/* t_select.c: select.h's worst-row rule on rows made here: dlv_worst_ratio
 * gives the selected row of largest err/bound among those that must hold
 * (accuracy and claim rows), a NaN ratio being the largest (the first of
 * several NaNs), and ignores rows that need not hold (nearby, erratum) and
 * rows the filter leaves out; NULL when none is left.  (The reports'
 * recount, t_report_recount, meets no NaN in a real run's evidence.) */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "select.h"

/* Rows of claim P1, role r[i] and err/bound ratio[i]. */
static dlv_rows make_rows(const int *role, const double *ratio, size_t n)
{
  static dlv_row buf[8];
  assert_true(n <= sizeof buf / sizeof buf[0]);
  memset(buf, 0, sizeof buf);
  for (size_t i = 0; i < n; i++) {
    dlv_copy_text(buf[i].claim, sizeof buf[i].claim, "P1");
    buf[i].role = role[i];
    buf[i].ratio = ratio[i];
  }
  return (dlv_rows){buf, n, n};
}

/* The index dlv_worst_ratio picks (-1: none). */
static long worst(const int *role, const double *ratio, size_t n,
                  const char *claim)
{
  dlv_rows rows = make_rows(role, ratio, n);
  dlv_filter f = {.claim = claim};
  const dlv_row *w = dlv_worst_ratio(&rows, &f);
  return w == NULL ? -1 : (long)(w - rows.rows);
}

enum { A = DLV_ROLE_ACCURACY, C = DLV_ROLE_CLAIM, N = DLV_ROLE_NEARBY,
       E = DLV_ROLE_ERRATUM };

static void largest_ratio(void **state)
{
  (void)state;
  const int role[] = {A, C, A};
  const double ratio[] = {0.5, 0.9, 0.7};
  assert_int_equal(worst(role, ratio, 3, NULL), 1);
}

static void nan_is_the_worst(void **state)
{
  (void)state;
  const int role[] = {A, A, A, C};
  const double at_end[] = {0.5, 0.9, 0.7, NAN};
  assert_int_equal(worst(role, at_end, 4, NULL), 3);
  const double first[] = {NAN, 0.9, 2.0, 0.1};
  assert_int_equal(worst(role, first, 4, NULL), 0);
  const double two[] = {0.5, NAN, 3.0, NAN};
  assert_int_equal(worst(role, two, 4, NULL), 1);
}

static void rows_that_need_not_hold_are_ignored(void **state)
{
  (void)state;
  const int role[] = {A, N, E, C};
  const double ratio[] = {0.5, 9.0, NAN, 0.25};
  assert_int_equal(worst(role, ratio, 4, NULL), 0);
  const int none_hold[] = {N, E};
  assert_int_equal(worst(none_hold, ratio + 1, 2, NULL), -1);
  assert_int_equal(worst(role, ratio, 4, "P3"), -1); /* filtered out */
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(largest_ratio),
      cmocka_unit_test(nan_is_the_worst),
      cmocka_unit_test(rows_that_need_not_hold_are_ignored),
  };
  return cmocka_run_group_tests_name("select", tests, NULL, NULL);
}
