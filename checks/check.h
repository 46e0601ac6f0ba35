/* check.h: the comparison harness every claim check uses (cmocka).
 *
 * A check file is one cmocka group for one claim:
 *   group setup     dlv_check_begin("P4a") reads DLV_SEED, prints it;
 *   each test       measures, and records every measurement with one of
 *                   the DLV_EXPECT_* macros, which append an evidence row
 *                   and fail the test (fail_msg-style, with err, bound,
 *                   ratio, both values in %.17g and %a, and the seed) when
 *                   the row is not ok;
 *   last test       DLV_EXPECT_VERDICT computes the verdict from the rows;
 *   group teardown  dlv_check_end() writes $DLV_EVIDENCE_DIR/<claim>.csv
 *                   through a temporary file and a rename.
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
};

int dlv_check_begin(const char *claim);
int dlv_check_end(void);
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
/* The verdict dlv_verdict computes from this group's rows equals expected. */
void dlv_expect_verdict(const char *file, int line, const char *expected);
/* A status code equals the expected one (prints both names); recorded as
 * a row with bound "exact status". */
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
