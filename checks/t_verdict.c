/* t_verdict.c: harness self-tests of the verdict with relied-on kernels
 * (dlv_verdict_relying, evidence.c) and of recording in check.c: a test
 * that records a failed row goes on and records the rows after it, fails
 * at its end, and a test stopped by a wrong status leaves a failed
 * accuracy row "stopped early".
 *
 * main first runs small inner cmocka groups whose tests fail on purpose
 * (their ERROR lines in the output are expected), keeping what they
 * recorded, then the group "verdict" that asserts on it. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "dlv_status.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ---- dlv_verdict_relying on synthetic rows ------------------------------ */

/* A row of claim "X" in `role` measuring `kernel` (NULL: none). */
static dlv_row row(enum dlv_role role, const char *kernel, int holds)
{
  dlv_row r;
  memset(&r, 0, sizeof r);
  dlv_copy_text(r.claim, sizeof r.claim, "X");
  dlv_copy_text(r.check, sizeof r.check, "t");
  dlv_copy_text(r.kernel, sizeof r.kernel, kernel ? kernel : "-");
  dlv_copy_text(r.variant, sizeof r.variant, "-");
  r.err = holds ? 1.0 : 3.0;
  r.bound = 2.0;
  r.ratio = r.err / r.bound;
  r.role = role;
  r.holds = holds;
  r.ok = holds;
  return r;
}

static void push(dlv_rows *rows, enum dlv_role role, const char *kernel,
                 int holds)
{
  dlv_row r = row(role, kernel, holds);
  assert_int_equal(dlv_rows_push(rows, &r), 0);
}

static const char *const nrm2_prox[] = {"nrm2", "prox_group", NULL};

/* rows: nrm2 and prox_group accurate, one claim row holding. */
static void base_rows(dlv_rows *rows)
{
  push(rows, DLV_ROLE_ACCURACY, "nrm2", 1);
  push(rows, DLV_ROLE_ACCURACY, "prox_group", 1);
  push(rows, DLV_ROLE_CLAIM, NULL, 1);
}

static const char *verdict_of(const dlv_rows *rows)
{
  return dlv_verdict_relying(rows, "X", nrm2_prox);
}

/* A failed accuracy row of a relied-on kernel makes the claim INCONCLUSIVE
 * whatever else failed: never REFUTED, QUALIFIED or WITH-ERRATUM; the
 * reason names the kernel. */
static void failed_kernel_inconclusive(void **state)
{
  (void)state;
  static const enum dlv_role others[] = {DLV_ROLE_CLAIM, DLV_ROLE_NEARBY,
                                         DLV_ROLE_ERRATUM};
  for (size_t i = 0; i <= COUNT(others); i++) {
    dlv_rows rows = {0};
    base_rows(&rows);
    if (i < COUNT(others))
      push(&rows, others[i], "nrm2", 0); /* the fault shows in that row */
    push(&rows, DLV_ROLE_ACCURACY, "nrm2", 0);
    assert_string_equal(verdict_of(&rows), DLV_VERDICT_INCONCLUSIVE);
    char why[256];
    dlv_verdict_reason(&rows, "X", nrm2_prox, why, sizeof why);
    assert_non_null(strstr(why, "kernel(s) nrm2 "));
    dlv_rows_free(&rows);
  }
}

/* A relied-on kernel with no accuracy row of this claim: INCONCLUSIVE,
 * even when another claim measured it or a claim row carries its name. */
static void unmeasured_kernel_inconclusive(void **state)
{
  (void)state;
  dlv_rows rows = {0};
  push(&rows, DLV_ROLE_ACCURACY, "nrm2", 1);
  push(&rows, DLV_ROLE_CLAIM, "prox_group", 1);
  dlv_row other = row(DLV_ROLE_ACCURACY, "prox_group", 1);
  dlv_copy_text(other.claim, sizeof other.claim, "Y");
  assert_int_equal(dlv_rows_push(&rows, &other), 0);
  assert_string_equal(verdict_of(&rows), DLV_VERDICT_INCONCLUSIVE);
  assert_string_equal(dlv_verdict(&rows, "X"), DLV_VERDICT_CONFIRMED);
  assert_false(dlv_kernel_measured(&rows, "X", "prox_group"));
  assert_true(dlv_kernel_measured(&rows, "Y", "prox_group"));
  char why[256];
  dlv_verdict_reason(&rows, "X", nrm2_prox, why, sizeof why);
  assert_string_equal(why,
                      "kernel prox_group is relied on but has no accuracy row");
  dlv_rows_free(&rows);
}

/* With every relied-on kernel measured and accurate, the claim, nearby and
 * erratum rows decide, in the order of evidence.h. */
static void kernels_fine_rows_decide(void **state)
{
  (void)state;
  static const struct {
    enum dlv_role role;
    const char *verdict;
  } cases[] = {
      {DLV_ROLE_CLAIM, DLV_VERDICT_REFUTED},
      {DLV_ROLE_NEARBY, DLV_VERDICT_QUALIFIED},
      {DLV_ROLE_ERRATUM, DLV_VERDICT_ERRATUM},
  };
  for (size_t i = 0; i < COUNT(cases); i++) {
    dlv_rows rows = {0};
    base_rows(&rows);
    assert_string_equal(verdict_of(&rows), DLV_VERDICT_CONFIRMED);
    push(&rows, cases[i].role, "nrm2", 0);
    assert_string_equal(verdict_of(&rows), cases[i].verdict);
    char why[256];
    dlv_verdict_reason(&rows, "X", nrm2_prox, why, sizeof why);
    assert_string_equal(why, "");
    dlv_rows_free(&rows);
  }
  dlv_rows rows = {0};
  push(&rows, DLV_ROLE_ACCURACY, "nrm2", 1);
  push(&rows, DLV_ROLE_ACCURACY, "prox_group", 1);
  assert_string_equal(verdict_of(&rows), DLV_VERDICT_INCONCLUSIVE);
  char why[256];
  dlv_verdict_reason(&rows, "X", nrm2_prox, why, sizeof why);
  assert_string_equal(why, "no claim row");
  dlv_rows_free(&rows);
}

/* The kernel table's data: one line per kernel x variant x dtype of the
 * accuracy rows naming a kernel, with rows, failed and the worst row. */
static void kernel_table_data(void **state)
{
  (void)state;
  dlv_rows rows = {0};
  push(&rows, DLV_ROLE_ACCURACY, "nrm2", 1);       /* 0: double, 0.5 */
  push(&rows, DLV_ROLE_ACCURACY, "prox_group", 1); /* 1 */
  push(&rows, DLV_ROLE_ACCURACY, "nrm2", 0);       /* 2: worst, 1.5 */
  push(&rows, DLV_ROLE_CLAIM, "nrm2", 0);          /* not accuracy */
  push(&rows, DLV_ROLE_ACCURACY, NULL, 0);         /* names no kernel */
  dlv_row f = row(DLV_ROLE_ACCURACY, "nrm2", 1);   /* 5: float */
  dlv_copy_text(f.dtype, sizeof f.dtype, "float");
  assert_int_equal(dlv_rows_push(&rows, &f), 0);
  dlv_row v = row(DLV_ROLE_ACCURACY, "prox_group", 1); /* 6: variant */
  dlv_copy_text(v.variant, sizeof v.variant, "fast");
  assert_int_equal(dlv_rows_push(&rows, &v), 0);
  dlv_kernel_summary k[8];
  assert_int_equal(dlv_summarize_kernels(&rows, k, 8), 4);
  assert_string_equal(k[0].kernel, "nrm2");
  assert_int_equal(k[0].rows, 2);
  assert_int_equal(k[0].failed, 1);
  assert_int_equal(k[0].worst, 2);
  assert_true(k[0].max_ratio == 1.5);
  assert_string_equal(k[1].kernel, "prox_group");
  assert_string_equal(k[1].variant, "-");
  assert_int_equal(k[1].rows, 1);
  assert_string_equal(k[2].dtype, "float");
  assert_int_equal(k[2].worst, 5);
  assert_string_equal(k[3].variant, "fast");
  assert_int_equal(k[3].worst, 6);
  /* out too small: the count is still every distinct line */
  assert_int_equal(dlv_summarize_kernels(&rows, k, 1), 4);
  assert_int_equal(k[0].rows, 2);
  dlv_rows_free(&rows);
}

/* A NaN err/bound is the worst a summary can hold: it wins over the
 * finite rows before it and stays against those after it, in the check's
 * kernel table (rows: ratios 0.5, NaN, 1.5; the report's claim and kernel
 * lines: t_select). */
static void nan_ratio_is_the_worst(void **state)
{
  (void)state;
  dlv_rows rows = {0};
  push(&rows, DLV_ROLE_ACCURACY, "nrm2", 1); /* 0.5 */
  dlv_row n = row(DLV_ROLE_ACCURACY, "nrm2", 1);
  n.ratio = NAN;
  n.ok = 0;
  assert_int_equal(dlv_rows_push(&rows, &n), 0);
  push(&rows, DLV_ROLE_ACCURACY, "nrm2", 0); /* 1.5 */
  dlv_kernel_summary k[2];
  assert_int_equal(dlv_summarize_kernels(&rows, k, 2), 1);
  assert_true(isnan(k[0].max_ratio));
  assert_int_equal(k[0].worst, 1);
  dlv_rows_free(&rows);
}

/* Every kernel summary against its definition, computed here row by row
 * over many interleavings of three kernels with ratios from {0, 0.5, 1.5,
 * NaN} (all zero, ties, NaN first or last): its rows and failed counts,
 * and its worst row one of its own, the first of its largest ratio (NaN
 * the largest), whatever rows of other kernels come before. */
static int ratio_above(double a, double b)
{
  return isnan(b) ? 0 : isnan(a) || a > b;
}

static void summaries_follow_their_definition(void **state)
{
  (void)state;
  static const char *const kernels[] = {"nrm2", "prox_group", "adam"};
  static const double ratios[] = {0.0, 0.5, 1.5, NAN};
  unsigned long x = 12345;
  for (int trial = 0; trial < 400; trial++) {
    dlv_rows rows = {0};
    int n = 1 + trial % 9;
    for (int i = 0; i < n; i++) {
      x = x * 6364136223846793005ul + 1442695040888963407ul;
      dlv_row r = row(DLV_ROLE_ACCURACY, kernels[(x >> 33) % 3], 1);
      r.ratio = trial < 100 ? 0.0 : ratios[(x >> 40) % 4];
      r.ok = (x >> 50) % 3 != 0;
      assert_int_equal(dlv_rows_push(&rows, &r), 0);
    }
    dlv_kernel_summary k[4];
    size_t m = dlv_summarize_kernels(&rows, k, 4);
    for (size_t j = 0; j < m; j++) {
      size_t count = 0, failed = 0, worst = 0;
      for (size_t i = 0; i < rows.n; i++) {
        const dlv_row *r = &rows.rows[i];
        if (strcmp(r->kernel, k[j].kernel) != 0)
          continue;
        if (count++ == 0 || ratio_above(r->ratio, rows.rows[worst].ratio))
          worst = i;
        failed += !r->ok;
      }
      assert_int_equal(k[j].rows, count);
      assert_int_equal(k[j].failed, failed);
      assert_int_equal(k[j].worst, worst);
    }
    dlv_rows_free(&rows);
  }
}

/* ---- recording: inner groups that fail on purpose ------------------------ */

static struct {
  int failed;         /* failed tests the inner group reported */
  size_t n;           /* rows it recorded */
  int ok[8];          /* their ok flags */
  char quantity[8][128];
  int reached_end[3]; /* each inner test ran past its failed row */
} rec;

static const struct dlv_meas bad_then_good = {"-", "-", "row", "b"};

/* A failed row, then a good one: both recorded, the test goes on. */
static void records_both(void **state)
{
  (void)state;
  struct dlv_meas m = bad_then_good;
  m.quantity = "failed first";
  DLV_EXPECT_ROW(&m, 3.0, 0.0, 3.0, 2.0, NAN);
  m.quantity = "good second";
  DLV_EXPECT_ROW(&m, 1.0, 0.0, 1.0, 2.0, NAN);
  rec.reached_end[0] = 1;
}

/* A wrong status where DLV_OK was expected stops the test (its outputs
 * would mean nothing). */
static void stops_on_status(void **state)
{
  (void)state;
  struct dlv_meas m = bad_then_good;
  m.quantity = "status";
  DLV_EXPECT_STATUS(&m, DLV_EDOM, DLV_OK);
  rec.reached_end[1] = 1;
}

/* Runs after the stopped test: its start records the "stopped" row. */
static void after_stop(void **state)
{
  (void)state;
  rec.reached_end[2] = 1;
}

static int inner_setup(void **state)
{
  (void)state;
  return dlv_check_begin("T");
}

static int inner_teardown(void **state)
{
  (void)state;
  const dlv_rows *rows = dlv_recorded();
  rec.n = rows->n;
  for (size_t i = 0; i < rows->n && i < COUNT(rec.ok); i++) {
    rec.ok[i] = rows->rows[i].ok;
    dlv_copy_text(rec.quantity[i], sizeof rec.quantity[i],
                  rows->rows[i].quantity);
  }
  return dlv_check_end();
}

static void run_inner_groups(void)
{
  const struct CMUnitTest inner[] = {
      DLV_UNIT_TEST(records_both),
      DLV_UNIT_TEST(stops_on_status),
      DLV_UNIT_TEST(after_stop),
  };
  printf("t_verdict: the inner group below fails 2 tests on purpose\n");
  rec.failed = cmocka_run_group_tests_name("inner", inner, inner_setup,
                                           inner_teardown);
}

static void failed_row_then_good_row_both_recorded(void **state)
{
  (void)state;
  assert_int_equal(rec.failed, 2); /* records_both and stops_on_status */
  assert_int_equal(rec.n, 4);
  assert_string_equal(rec.quantity[0], "failed first");
  assert_int_equal(rec.ok[0], 0);
  assert_string_equal(rec.quantity[1], "good second");
  assert_int_equal(rec.ok[1], 1);
  assert_int_equal(rec.reached_end[0], 1);
}

static void wrong_status_stops_and_is_recorded(void **state)
{
  (void)state;
  assert_string_equal(rec.quantity[2], "status");
  assert_int_equal(rec.ok[2], 0);
  assert_int_equal(rec.reached_end[1], 0);
  assert_non_null(strstr(rec.quantity[3], "test ran to its end"));
  assert_int_equal(rec.ok[3], 0);
  assert_int_equal(rec.reached_end[2], 1);
}

/* dlv_run_check with a relied-on kernel the check never measures: the
 * verdict test records a failed row for it and fails, whatever verdict
 * was expected; with the kernel measured the same check passes. */
static void claim_row_only(void **state)
{
  (void)state;
  struct dlv_meas m = {"-", "-", "claim", "b", DLV_ROLE_CLAIM, 0};
  DLV_EXPECT_ROW(&m, 1.0, 0.0, 1.0, 2.0, NAN);
}

static void nrm2_accuracy(void **state)
{
  (void)state;
  struct dlv_meas m = {"double", "-", "nrm2 vs MPFR", "b"};
  m.kernel = "nrm2";
  DLV_EXPECT_ROW(&m, 1.0, 0.0, 1.0, 2.0, NAN);
}

static int unmeasured_failed, measured_failed;

static void run_checks_with_relied_kernels(void)
{
  static const char *const nrm2[] = {"nrm2", NULL};
  const struct CMUnitTest unmeasured[] = {DLV_UNIT_TEST(claim_row_only)};
  const struct CMUnitTest measured[] = {DLV_UNIT_TEST(claim_row_only),
                                        DLV_UNIT_TEST(nrm2_accuracy)};
  printf("t_verdict: the check T1 below fails its verdict on purpose\n");
  unmeasured_failed = dlv_run_check("T1", nrm2, DLV_VERDICT_INCONCLUSIVE,
                                    unmeasured, COUNT(unmeasured));
  measured_failed = dlv_run_check("T2", nrm2, DLV_VERDICT_CONFIRMED,
                                  measured, COUNT(measured));
}

static void unmeasured_relied_kernel_fails_the_check(void **state)
{
  (void)state;
  assert_int_equal(unmeasured_failed, 1);
  assert_int_equal(measured_failed, 0);
}

int main(void)
{
  run_inner_groups();
  run_checks_with_relied_kernels();
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(failed_kernel_inconclusive),
      cmocka_unit_test(unmeasured_kernel_inconclusive),
      cmocka_unit_test(kernels_fine_rows_decide),
      cmocka_unit_test(kernel_table_data),
      cmocka_unit_test(nan_ratio_is_the_worst),
      cmocka_unit_test(summaries_follow_their_definition),
      cmocka_unit_test(failed_row_then_good_row_both_recorded),
      cmocka_unit_test(wrong_status_stops_and_is_recorded),
      cmocka_unit_test(unmeasured_relied_kernel_fails_the_check),
  };
  return cmocka_run_group_tests_name("verdict", tests, NULL, NULL);
}
