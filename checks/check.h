/* check.h: the comparison harness every claim check uses (cmocka).
 *
 * A check file is one cmocka group for one claim, run by dlv_run_check:
 *   group setup     dlv_check_begin("P4a") reads DLV_SEED, prints it;
 *   each test       registered with DLV_UNIT_TEST, measures, and records
 *                   every measurement with one of the DLV_EXPECT_* macros,
 *                   which append an evidence row and, when the row is not
 *                   ok, print it (err, bound, ratio, both values in %.17g
 *                   and %a, the seed) and mark the test failed; the test
 *                   goes on, so every later row is recorded too, and fails
 *                   at its end.  A wrong status where DLV_OK was expected
 *                   (DLV_EXPECT_STATUS) or a failed cmocka assert stops the
 *                   test at once: its outputs mean nothing; the next test
 *                   then records a failed accuracy row "stopped early";
 *   last test       added by dlv_run_check: records a failed accuracy row
 *                   for each relied-on kernel the check did not measure,
 *                   then asserts the verdict computed from the rows;
 *   group teardown  dlv_check_end() writes $DLV_EVIDENCE_DIR/<claim>.csv
 *                   through a temporary file and a rename.
 * The kernels a check relies on are the kernels its claim and nearby rows
 * are computed with; the check must measure each one's accuracy on its own
 * data (accuracy rows with m.kernel set), so that a kernel fault makes the
 * verdict INCONCLUSIVE (dlv_verdict_relying) instead of moving the claim.
 * cmocka 1.1.5's float asserts are not used anywhere (see README). */
#ifndef DLV_CHECK_H
#define DLV_CHECK_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>

#include <cmocka.h>
#include <gsl/gsl_rng.h>
#include <mpfr.h>

#include "bounds.h"
#include "evidence.h"

/* What a measurement is; every string is copied into the row. */
struct dlv_meas {
  const char *dtype;      /* "double", "float" or "-" */
  const char *shape;      /* "n=1000", "B=2,H=3,..." */
  const char *quantity;   /* what was measured, e.g. "nrm2 vs MPFR" */
  const char *bound_name; /* the bound from bounds.h, e.g. "nrm2_d" */
  enum dlv_role role;     /* default: accuracy */
  int expect_fail;        /* nearby/erratum: the statement should not hold */
  const char *kernel;     /* the kernel measured, without dtype suffix
                           * ("nrm2", "conv3d_fwd"); NULL: "-" (none) */
  const char *variant;    /* the kernel's variant ("fast"); NULL: "-" */
  const char *key;        /* the quantity's id in the row's key, no '/'
                           * ("h-central"): what the report's plots and
                           * caveats select; NULL: derived from quantity
                           * (evidence.h, dlv_derive_qid) */
};

/* One test of a claim check: a cmocka entry running f through the
 * harness (rows recorded after a failed one; the test fails at its end).
 * Use it in a block-scope array (the compound literal lives as long as
 * the block). */
struct dlv_test {
  const char *name;
  CMUnitTestFunction fn;
};
void dlv_run_test(void **state);
#define DLV_UNIT_TEST(f)                                                     \
  { #f, dlv_run_test, NULL, NULL, &(struct dlv_test){#f, f} }

/* Runs the claim check `claim`: tests[0..n-1] (each a DLV_UNIT_TEST), then
 * the verdict test "<claim>_verdict" asserting that the verdict computed
 * from the rows, relying on the NULL-terminated kernel list relies_on,
 * equals expected.  Returns the number of failed tests (main's status);
 * -1 when a test is not a DLV_UNIT_TEST or memory runs out. */
int dlv_run_check(const char *claim, const char *const *relies_on,
                  const char *expected, const struct CMUnitTest *tests,
                  size_t n);

/* The group fixtures dlv_run_check uses (harness tests call them too):
 * dlv_check_relies_on sets the NULL-terminated list the verdict uses. */
int dlv_check_begin(const char *claim);
void dlv_check_relies_on(const char *const *relies_on);
int dlv_check_end(void);
/* The backend column of the rows recorded from now on (evidence.h): the
 * kernel gate names the backend it runs through; NULL (the default):
 * DLV_BACKEND_CLAIMS, the claim checks' references and builtin kernels.
 * The name must outlive the rows' recording. */
void dlv_check_set_backend(const char *name);
unsigned long dlv_seed(void);
const char *dlv_claim(void);

/* Quick mode (DLV_QUICK=1; used under valgrind and by the seed sweep):
 * the largest problem sizes are capped at DLV_QUICK_MAX_N by dlv_cap_n;
 * every kind of measurement still runs. */
#define DLV_QUICK_MAX_N 10000
int dlv_quick(void);
size_t dlv_cap_n(size_t n);

/* The group's generator, reseeded from the seed and the test's name so a
 * test draws the same numbers whichever tests run before it. */
gsl_rng *dlv_rng(const char *test);

/* Records a row with err, bound and ulps already measured; the row holds
 * when err <= bound (a NaN err never holds). */
void dlv_expect_row(const char *file, int line, const char *test,
                    const struct dlv_meas *m, double value,
                    double reference, double err, double bound,
                    double ulps);
/* A row whose bound carries what it was derived for: the row holds when
 * err <= dlv_bound_at(b.b, |reference|) and b's n and m are the n= and m=
 * the shape names (0 where it names none); a bound taken for other
 * parameters fails the row (bound NaN). */
void dlv_expect_within(const char *file, int line, const char *test,
                       const struct dlv_meas *m, double value,
                       double reference, double err, dlv_bound_sampled b);
/* value against an exact MPFR value with bound b; digits 53 or 24 for ulps. */
void dlv_expect_mp(const char *file, int line, const char *test,
                   const struct dlv_meas *m, double value, mpfr_srcptr exact,
                   dlv_bound b, int digits);
/* Special values compared bitwise (+0 is not -0, any NaN equals any NaN). */
void dlv_expect_same(const char *file, int line, const char *test,
                     const struct dlv_meas *m, double value,
                     double expected);
/* A statement that is true or false: a row with err 0 (true) or +Inf
 * (false) against bound 0; value and reference are recorded as given. */
void dlv_expect_true(const char *file, int line, const char *test,
                     const struct dlv_meas *m, double value,
                     double reference, int condition);
/* A tightness floor: the worst err/bound (worst) that data meant to show
 * a bound's tightness reached is at least floor.  Recorded as value
 * worst, reference floor, err floor, bound worst: it holds when floor <=
 * worst (a NaN worst never holds).  Its err/bound is no error ratio:
 * give it no kernel (m->kernel NULL), so that kernel summaries stay
 * about accuracy. */
void dlv_expect_floor(const char *file, int line, const char *test,
                      const struct dlv_meas *m, double worst, double floor);
/* The verdict dlv_verdict_relying computes from this group's rows (with the
 * relied-on kernels) equals expected; prints it, and why when INCONCLUSIVE.
 * Stops the test at once when it does not. */
void dlv_expect_verdict(const char *file, int line, const char *expected);
/* A status code equals the expected one (prints both names); recorded as
 * a row with bound "exact status".  A status other than an expected DLV_OK
 * stops the test after the row is recorded (the outputs were not
 * written, so nothing after it can be measured). */
void dlv_expect_status(const char *file, int line, const char *test,
                       const struct dlv_meas *m, int status, int expected);

#define DLV_EXPECT_ROW(m, value, ref, err, bound, ulps)                      \
  dlv_expect_row(__FILE__, __LINE__, __func__, (m), (value), (ref), (err),   \
                 (bound), (ulps))
#define DLV_EXPECT_MP(m, value, exact, b, digits)                            \
  dlv_expect_mp(__FILE__, __LINE__, __func__, (m), (value), (exact), (b),    \
                (digits))
#define DLV_EXPECT_SAME(m, value, expected)                                  \
  dlv_expect_same(__FILE__, __LINE__, __func__, (m), (value), (expected))
#define DLV_EXPECT_TRUE(m, value, ref, condition)                            \
  dlv_expect_true(__FILE__, __LINE__, __func__, (m), (value), (ref),         \
                  (condition))
#define DLV_EXPECT_VERDICT(expected)                                         \
  dlv_expect_verdict(__FILE__, __LINE__, (expected))
#define DLV_EXPECT_STATUS(m, status, expected)                               \
  dlv_expect_status(__FILE__, __LINE__, __func__, (m), (status), (expected))

/* The rows recorded so far (for checks that summarize their own rows). */
const dlv_rows *dlv_recorded(void);

#endif
