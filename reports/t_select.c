/* t_select.c: select.h's worst-row rule on rows made here: dlv_worst_ratio
 * gives the selected row of largest err/bound among those that must hold
 * (accuracy and claim rows), a NaN ratio being the largest (the first of
 * several NaNs), and ignores rows that need not hold (nearby, erratum) and
 * rows the filter leaves out; NULL when none is left.  (The reports'
 * recount, t_report_recount, meets no NaN in a real run's evidence.)
 * Each threshold select.h names is sampled at its tie and one
 * representable step either side: a row's ulps mean something when its
 * bound is at most DLV_ULPS_SCALE (2^20) ulps, and an err/bound is shown
 * with six digits unless they would put it on the other side of 1. */
#include <math.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
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

/* An accuracy row of the given bound, err and ulps. */
static dlv_row ulps_row(double bound, double err, double ulps)
{
  dlv_row r;
  memset(&r, 0, sizeof r);
  r.role = DLV_ROLE_ACCURACY;
  r.bound = bound;
  r.err = err;
  r.ulps = ulps;
  return r;
}

/* The bound in ulps, ulps * bound/err, at 2^20 exactly and one step
 * either side, reached through ulps and through bound/err (2, 1/4): at
 * most 2^20 is meaningful ("at most", the tie included), above is not. */
static void ulps_scale_at_its_edge(void **state)
{
  (void)state;
  const double scale[][2] = {{1.0, 1.0}, {2.0, 1.0}, {1.0, 4.0}};
  for (size_t i = 0; i < sizeof scale / sizeof *scale; i++) {
    double bound = scale[i][0], err = scale[i][1];
    double tie = DLV_ULPS_SCALE / (bound / err);
    dlv_row at = ulps_row(bound, err, tie);
    dlv_row below = ulps_row(bound, err, nextafter(tie, 0.0));
    dlv_row above = ulps_row(bound, err, nextafter(tie, INFINITY));
    assert_true(at.ulps * (at.bound / at.err) == DLV_ULPS_SCALE);
    if (!dlv_ulps_meaningful(&at))
      fail_msg("bound of exactly 2^20 ulps (bound %g, err %g) not "
               "meaningful; README: at most 2^20 ulps", bound, err);
    assert_true(dlv_ulps_meaningful(&below));
    if (dlv_ulps_meaningful(&above))
      fail_msg("bound just above 2^20 ulps taken as meaningful");
  }
}

/* err 0 leaves the ulps meaningful whatever they are; an infinite or NaN
 * bound or ulps, or a row that need not hold, never is. */
static void ulps_other_conditions(void **state)
{
  (void)state;
  dlv_row zero = ulps_row(1.0, 0.0, 1e300);
  assert_true(dlv_ulps_meaningful(&zero));
  dlv_row inf_bound = ulps_row(INFINITY, 1.0, 1.0);
  dlv_row nan_ulps = ulps_row(1.0, 1.0, NAN);
  dlv_row inf_ulps = ulps_row(1.0, 0.0, INFINITY);
  dlv_row nearby = ulps_row(1.0, 1.0, 1.0);
  nearby.role = DLV_ROLE_NEARBY;
  assert_false(dlv_ulps_meaningful(&inf_bound));
  assert_false(dlv_ulps_meaningful(&nan_ulps));
  assert_false(dlv_ulps_meaningful(&inf_ulps));
  assert_false(dlv_ulps_meaningful(&nearby));
}

/* dlv_worst_ulps takes the row at exactly 2^20 ulps, and skips one just
 * above however many ulps it has. */
static void worst_ulps_takes_the_tie(void **state)
{
  (void)state;
  dlv_row buf[3] = {ulps_row(1.0, 1.0, 3.0),
                    ulps_row(1.0, 1.0, DLV_ULPS_SCALE),
                    ulps_row(1.0, 1.0, nextafter(DLV_ULPS_SCALE, 1e300))};
  dlv_rows rows = {buf, 3, 3};
  dlv_filter f = {0};
  const dlv_row *w = dlv_worst_ulps(&rows, &f);
  assert_non_null(w);
  if (w != &buf[1])
    fail_msg("worst ulps row is %ld, want 1 (exactly 2^20 ulps)",
             (long)(w - buf));
}

/* ratio printed with dlv_ratio_format, read back. */
static double shown(double ratio, char *text, size_t size)
{
  snprintf(text, size, dlv_ratio_format(ratio), ratio);
  return strtod(text, NULL);
}

/* Whatever the ratio, the text shown stays on its side of 1: above 1 is
 * never shown as 1 or less, below 1 never as 1 or more, 1 is "1".  Ratios
 * at 1, one step either side, and where six digits round to 1 or not. */
static void ratio_shown_on_its_side_of_one(void **state)
{
  (void)state;
  const double ratio[] = {1.0, nextafter(1.0, 2.0), nextafter(1.0, 0.0),
                          1.0 + 1e-15, 0.9999999999999999, 1.0000005,
                          0.9999995, 1.000001, 0.999999, 0.5, 2.0};
  for (size_t i = 0; i < sizeof ratio / sizeof *ratio; i++) {
    char text[64];
    double s = shown(ratio[i], text, sizeof text);
    if ((s > 1.0) != (ratio[i] > 1.0) || (s < 1.0) != (ratio[i] < 1.0))
      fail_msg("ratio %.17g shown as \"%s\": other side of 1", ratio[i],
               text);
  }
}

/* Six digits whenever they keep the side of 1 (1 itself, 1.00001,
 * 0.999999, NaN...), seventeen only when they do not (1.000001 is "1"
 * in six significant digits). */
static void ratio_six_digits_when_they_suffice(void **state)
{
  (void)state;
  const double six[] = {1.0, 1.00001, 0.999999, 0.5, 2.0, 0.0, NAN,
                        INFINITY};
  for (size_t i = 0; i < sizeof six / sizeof *six; i++)
    if (strcmp(dlv_ratio_format(six[i]), "%.6g") != 0)
      fail_msg("ratio %.17g formatted \"%s\", want \"%%.6g\"", six[i],
               dlv_ratio_format(six[i]));
  const double more[] = {nextafter(1.0, 2.0), nextafter(1.0, 0.0),
                         1.000001, 1.0000005, 0.9999995};
  for (size_t i = 0; i < sizeof more / sizeof *more; i++)
    if (strcmp(dlv_ratio_format(more[i]), "%.17g") != 0)
      fail_msg("ratio %.17g formatted \"%s\", want \"%%.17g\"", more[i],
               dlv_ratio_format(more[i]));
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(largest_ratio),
      cmocka_unit_test(nan_is_the_worst),
      cmocka_unit_test(rows_that_need_not_hold_are_ignored),
      cmocka_unit_test(ulps_scale_at_its_edge),
      cmocka_unit_test(ulps_other_conditions),
      cmocka_unit_test(worst_ulps_takes_the_tie),
      cmocka_unit_test(ratio_shown_on_its_side_of_one),
      cmocka_unit_test(ratio_six_digits_when_they_suffice),
  };
  return cmocka_run_group_tests_name("select", tests, NULL, NULL);
}
