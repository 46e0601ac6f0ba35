/* check.c: the cmocka-facing harness (see check.h). */
#include <ctype.h>
#include <errno.h>
#include <fenv.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gsl/gsl_version.h>

#include "check.h"
#include "dlv_status.h"
#include "mp.h"
#include "run_meta.h"
#include "ulp.h"

static struct {
  fexcept_t flags; /* the exception flags found at dlv_check_begin */
  unsigned csr;    /* the control bits found: rounding, FTZ, DAZ */
  char claim[16];
  unsigned long seed;
  gsl_rng *rng;
  dlv_rows rows;
  int verbose;
  const char *const *relies_on; /* NULL-terminated kernel names, or NULL */
  const char *test;   /* the DLV_UNIT_TEST running, NULL between tests */
  size_t test_failed; /* rows of that test that were not ok */
  const char *expected;   /* dlv_run_check: the verdict to assert */
  char verdict_test[32];  /* dlv_run_check: "<claim>_verdict" */
} g;

const char *dlv_claim(void) { return g.claim; }
unsigned long dlv_seed(void) { return g.seed; }
const dlv_rows *dlv_recorded(void) { return &g.rows; }

/* DLV_SEED through the one parser of each DLV_* variable (env.h), which
 * validates them all here, at the group's setup: a malformed value is a
 * usage error (exit 2), never silently replaced. */
#include "env.h"
static unsigned long seed_from_env(void) { return dlv_env_get()->seed; }

/* The floating-point control state a kernel must not change: the rounding
 * mode and, on x86-64, MXCSR's flush-to-zero and denormals-are-zero bits
 * (which would silently break every subnormal bound). */
static unsigned control_bits(void)
{
  unsigned bits = (unsigned)fegetround();
#if defined(__x86_64__)
  unsigned csr;
  __asm__ volatile("stmxcsr %0" : "=m"(csr));
  bits |= (csr & 0x8040u) << 8; /* FTZ (bit 15) and DAZ (bit 6) */
#endif
  return bits;
}

int dlv_check_begin(const char *claim)
{
  dlv_copy_text(g.claim, sizeof g.claim, claim);
  g.seed = seed_from_env();
  g.rng = gsl_rng_alloc(gsl_rng_mt19937);
  g.verbose = getenv("DLV_VERBOSE") != NULL;
  if (g.rng == NULL)
    return -1;
  printf("%s: DLV_SEED=%lu (include this in bug reports)%s\n", claim, g.seed,
         dlv_quick() ? ", quick mode (DLV_QUICK)" : "");
  fflush(stdout);
  fegetexceptflag(&g.flags, FE_ALL_EXCEPT);
  g.csr = control_bits();
  if (fegetround() != FE_TONEAREST) {
    fprintf(stderr, "%s: the rounding mode is not to-nearest\n", claim);
    return -1;
  }
  return 0;
}

int dlv_quick(void) { return dlv_env_get()->quick; }

size_t dlv_cap_n(size_t n)
{
  return dlv_quick() && n > DLV_QUICK_MAX_N ? DLV_QUICK_MAX_N : n;
}

gsl_rng *dlv_rng(const char *test)
{
  unsigned long h = 1469598103934665603UL; /* FNV-1a of the test name */
  for (const char *p = test; *p; p++)
    h = (h ^ (unsigned char)*p) * 1099511628211UL;
  gsl_rng_set(g.rng, g.seed * 0x9E3779B97F4A7C15UL ^ h);
  return g.rng;
}

/* Writes dir/<claim><suffix> with write via a temporary name and a rename,
 * so a reader never sees a half-written file. */
static int write_atomic(const char *dir, const char *suffix,
                        int (*write)(FILE *f))
{
  char path[4096], tmp[4200];
  snprintf(path, sizeof path, "%s/%s%s", dir, g.claim, suffix);
  snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
  FILE *f = fopen(tmp, "wb");
  if (f == NULL) {
    fprintf(stderr, "%s: %s\n", tmp, strerror(errno));
    return -1;
  }
  int bad = write(f) != 0;
  if ((fclose(f) != 0) | bad || rename(tmp, path) != 0) {
    fprintf(stderr, "%s: %s\n", path, strerror(errno ? errno : EIO));
    remove(tmp);
    return -1;
  }
  return 0;
}

static int write_rows(FILE *f)
{
  dlv_csv_header(f);
  for (size_t i = 0; i < g.rows.n; i++)
    dlv_csv_row(f, &g.rows.rows[i]);
  return ferror(f) ? -1 : 0;
}

/* The run as this check ran it (run_meta.h): what the report shows. */
static int write_meta(FILE *f)
{
  dlv_run_meta m = {g.seed, dlv_quick(), (long)dlv_mp_prec(), "", ""};
  snprintf(m.mpfr_lib, sizeof m.mpfr_lib, "%s", mpfr_get_version());
  snprintf(m.gsl_lib, sizeof m.gsl_lib, "%s", GSL_VERSION);
  return dlv_meta_write(f, &m);
}

/* Writes the rows to dir/<claim>.csv and the run's metadata to
 * dir/<claim>.meta, each whole or not at all. */
static int write_evidence(const char *dir)
{
  if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
    fprintf(stderr, "%s: cannot create evidence directory: %s\n", dir,
            strerror(errno));
    return -1;
  }
  return write_atomic(dir, ".csv", write_rows) |
         write_atomic(dir, ".meta", write_meta);
}

static void note_stopped_test(void);

void dlv_check_relies_on(const char *const *relies_on)
{
  g.relies_on = relies_on;
}

/* The backend column of the rows (dlv_check_set_backend). */
static const char *row_backend;

void dlv_check_set_backend(const char *name)
{
  row_backend = name;
}

int dlv_check_end(void)
{
  note_stopped_test();
  const char *dir = getenv("DLV_EVIDENCE_DIR");
  int status = dir != NULL && *dir != '\0' ? write_evidence(dir) : 0;
  if (control_bits() != g.csr) {
    fprintf(stderr, "%s: a kernel changed the floating-point control state "
                    "(rounding mode, FTZ or DAZ): %#x, was %#x\n",
            g.claim, control_bits(), g.csr);
    status = -1;
  }
  fesetexceptflag(&g.flags, FE_ALL_EXCEPT); /* restore the flags found */
  dlv_rows_free(&g.rows);
  gsl_rng_free(g.rng);
  g.rng = NULL;
  g.relies_on = NULL;
  return status;
}

static void print_row(FILE *f, const dlv_row *r)
{
  fprintf(f,
          "%s %s %s %s [%s] kernel=%s variant=%s: value=%.17g (%a) "
          "reference=%.17g (%a) err=%.3g bound=%.3g (%s) ratio=%.3g "
          "ulps=%.3g holds=%d seed=%lu\n",
          r->claim, r->check, r->dtype, r->shape, r->quantity, r->kernel,
          r->variant, r->value, r->value, r->reference, r->reference, r->err,
          r->bound, r->bound_name, r->ratio, r->ulps, r->holds, r->seed);
}

/* A row was not ok: inside a DLV_UNIT_TEST the test goes on and fails at
 * its end (dlv_run_test); anywhere else it fails at once. */
static void note_failed_row(const char *file, int line)
{
  if (g.test != NULL)
    g.test_failed++;
  else
    _fail(file, line);
}

/* A DLV_UNIT_TEST that did not reach its end (a failed assert or status
 * left it through cmocka's longjmp) leaves g.test set: record that as a
 * failed accuracy row, since the rows it would have recorded are missing
 * and the verdict cannot rest on the others alone. */
static void note_stopped_test(void)
{
  if (g.test == NULL)
    return;
  const char *test = g.test;
  struct dlv_meas m = {"-", "-",
                       "test ran to its end (0: stopped by a failed assert "
                       "or status, later rows missing)",
                       "runs to completion"};
  /* g.test stays set while recording, so the row does not fail the test
   * now running (cmocka already failed the stopped one). */
  dlv_expect_row(__FILE__, __LINE__, test, &m, 0.0, 1.0, INFINITY, 0.0, NAN);
  g.test = NULL;
  g.test_failed = 0;
}

void dlv_run_test(void **state)
{
  const struct dlv_test *t = *state;
  note_stopped_test();
  g.test = t->name;
  g.test_failed = 0;
  t->fn(state);
  size_t failed = g.test_failed;
  g.test = NULL;
  g.test_failed = 0;
  if (failed > 0)
    fail_msg("%zu row%s of this test not ok (every row recorded; see above)",
             failed, failed == 1 ? "" : "s");
}

void dlv_expect_row(const char *file, int line, const char *test,
                    const struct dlv_meas *m, double value, double reference,
                    double err, double bound, double ulps)
{
  dlv_row r;
  memset(&r, 0, sizeof r);
  dlv_copy_text(r.claim, sizeof r.claim, g.claim);
  dlv_copy_text(r.check, sizeof r.check, test);
  dlv_copy_text(r.dtype, sizeof r.dtype, m->dtype ? m->dtype : "-");
  dlv_copy_text(r.shape, sizeof r.shape, m->shape ? m->shape : "-");
  dlv_copy_text(r.quantity, sizeof r.quantity, m->quantity);
  dlv_copy_text(r.bound_name, sizeof r.bound_name, m->bound_name);
  dlv_copy_text(r.kernel, sizeof r.kernel, m->kernel ? m->kernel : "-");
  dlv_copy_text(r.variant, sizeof r.variant, m->variant ? m->variant : "-");
  dlv_copy_text(r.backend, sizeof r.backend,
                row_backend ? row_backend : DLV_BACKEND_CLAIMS);
  r.seed = g.seed;
  r.value = value;
  r.reference = reference;
  r.err = err;
  r.bound = bound;
  r.ratio = err == 0.0 ? 0.0 : err / bound;
  r.ulps = ulps;
  r.role = m->role;
  r.holds = err <= bound; /* false for a NaN err or bound */
  r.ok = r.holds != (m->expect_fail != 0);
  dlv_row_set_key(&r, m->key);
  if (dlv_rows_push(&g.rows, &r) != 0) {
    print_error("ERROR: out of memory recording evidence\n");
    _fail(file, line);
  }
  if (g.verbose)
    print_row(stdout, &r);
  if (!r.ok) {
    print_error("ERROR: %s expected %s; repro: DLV_SEED=%lu\n",
                r.holds ? "the statement held but was" : "err > bound;",
                r.holds ? "to fail" : "must hold", g.seed);
    print_row(stderr, &r);
    note_failed_row(file, line);
  }
}

/* The count a shape names as `key` ("n=" or "m=", at its start or after a
 * blank), or 0. */
static size_t shape_count(const char *shape, const char *key)
{
  size_t len = strlen(key);
  for (const char *s = shape; s != NULL && *s; s = strchr(s, ' ')) {
    s += *s == ' ';
    if (strncmp(s, key, len) == 0)
      return (size_t)strtoull(s + len, NULL, 10);
  }
  return 0;
}

void dlv_expect_within(const char *file, int line, const char *test,
                       const struct dlv_meas *m, double value,
                       double reference, double err, dlv_bound_sampled b)
{
  size_t n = shape_count(m->shape, "n="), ns = shape_count(m->shape, "m=");
  int misapplied = b.b.n != n || b.m != ns;
  if (misapplied)
    print_error("%s:%d: %s: bound %s derived for n=%zu m=%zu on a row of "
                "shape '%s': the row fails (bound NaN)\n",
                file, line, test, m->bound_name, b.b.n, b.m, m->shape);
  double bound = misapplied ? NAN : dlv_bound_at(b.b, fabs(reference));
  dlv_expect_row(file, line, test, m, value, reference, err, bound, NAN);
}

void dlv_expect_mp(const char *file, int line, const char *test,
                   const struct dlv_meas *m, double value, mpfr_srcptr exact,
                   dlv_bound b, int digits)
{
  size_t shape_n = shape_count(m->shape, "n=");
  int misapplied = b.n != 0 && shape_n != 0 && b.n != shape_n;
  if (misapplied)
    print_error("%s:%d: %s: bound %s derived for n=%zu on a row of shape "
                "'%s': the row fails (bound NaN)\n",
                file, line, test, m->bound_name, b.n, m->shape);
  double reference = digits == FLT_MANT_DIG ? mpfr_get_flt(exact, MPFR_RNDN)
                                            : mpfr_get_d(exact, MPFR_RNDN);
  /* The bound is evaluated at |exact| rounded toward zero, so an exact
   * value beyond the format's range never makes the bound infinite. */
  double bound = misapplied ? NAN
                 : mpfr_number_p(exact)
                     ? dlv_bound_at(b, fabs(mpfr_get_d(exact, MPFR_RNDZ)))
                     : 0.0;
  double err = dlv_infinity_allowed(value, exact, bound, digits)
                   ? 0.0
                   : dlv_abs_error(value, exact);
  dlv_expect_row(file, line, test, m, value, reference, err, bound,
                 err == 0.0 ? 0.0 : dlv_ulp_error(value, exact, digits));
}

void dlv_expect_same(const char *file, int line, const char *test,
                     const struct dlv_meas *m, double value, double expected)
{
  int same = isnan(value) ? isnan(expected)
                          : memcmp(&value, &expected, sizeof value) == 0;
  /* The measured error is kept when it is one: |value - expected| > 0;
   * values that differ with no numeric difference (+0 and -0, a NaN and a
   * number) get +Inf. */
  double diff = fabs(value - expected);
  double err = same ? 0.0 : diff > 0.0 ? diff : INFINITY;
  dlv_expect_row(file, line, test, m, value, expected, err, 0.0,
                 same ? 0.0 : (double)dlv_ulps_between_d(value, expected));
}

void dlv_expect_true(const char *file, int line, const char *test,
                     const struct dlv_meas *m, double value, double reference,
                     int condition)
{
  dlv_expect_row(file, line, test, m, value, reference,
                 condition ? 0.0 : INFINITY, 0.0, NAN);
}

void dlv_expect_floor(const char *file, int line, const char *test,
                      const struct dlv_meas *m, double worst, double floor)
{
  dlv_expect_row(file, line, test, m, worst, floor, floor, worst, NAN);
}

void dlv_expect_verdict(const char *file, int line, const char *expected)
{
  const char *got = dlv_verdict_relying(&g.rows, g.claim, g.relies_on);
  char why[512];
  dlv_verdict_reason(&g.rows, g.claim, g.relies_on, why, sizeof why);
  printf("%s: verdict %s computed from %zu rows%s%s\n", g.claim, got, g.rows.n,
         why[0] ? ": " : "", why);
  if (strcmp(got, expected) != 0) {
    print_error("ERROR: %s verdict %s, expected %s; repro: DLV_SEED=%lu\n",
                g.claim, got, expected, g.seed);
    _fail(file, line);
  }
}

void dlv_expect_status(const char *file, int line, const char *test,
                       const struct dlv_meas *m, int status, int expected)
{
  if (status != expected)
    print_error("ERROR: returned %d (%s), expected %d (%s)\n", status,
                dlv_strerror(status), expected, dlv_strerror(expected));
  dlv_expect_true(file, line, test, m, status, expected, status == expected);
  if (status != expected && expected == DLV_OK)
    _fail(file, line); /* the outputs were not written: stop the test */
}

/* For each relied-on kernel without an accuracy row, a failed accuracy row
 * naming it: the check must measure what its claim rows are computed
 * with, and the CSV then carries the reason for the report. */
static void record_unmeasured_kernels(const char *test)
{
  for (const char *const *k = g.relies_on; k != NULL && *k != NULL; k++) {
    int measured = dlv_kernel_measured(&g.rows, g.claim, *k);
    struct dlv_meas m = {"-", "-",
                         "relied-on kernel: accuracy measured in this check "
                         "(0: no accuracy row)",
                         "measured in the same run"};
    m.kernel = *k;
    if (!measured)
      dlv_expect_true(__FILE__, __LINE__, test, &m, 0.0, 1.0, 0);
  }
}

/* One line per kernel x variant x dtype measured (the kernel table's data):
 * rows, failed rows, and the worst err/bound with its row. */
static void print_kernel_table(void)
{
  enum { MAXK = 64 };
  dlv_kernel_summary k[MAXK];
  size_t n = dlv_summarize_kernels(&g.rows, k, MAXK);
  for (size_t i = 0; i < n && i < MAXK; i++) {
    const dlv_row *w = &g.rows.rows[k[i].worst];
    printf("%s: kernel %s %s %s: %zu rows, %zu failed, worst err/bound "
           "%.6g (%s: %s, %s)\n",
           g.claim, k[i].kernel, k[i].variant, k[i].dtype, k[i].rows,
           k[i].failed, k[i].max_ratio, w->check, w->shape, w->quantity);
  }
  if (n > MAXK)
    printf("%s: %zu more kernel lines not shown\n", g.claim, n - MAXK);
}

/* The last test of every claim check (see check.h). */
static void verdict_test(void **state)
{
  (void)state;
  record_unmeasured_kernels(g.verdict_test);
  print_kernel_table();
  /* A failed verdict assertion leaves this test, but no rows are missing:
   * no "stopped early" row for it (its failed rows are still counted). */
  g.test = NULL;
  DLV_EXPECT_VERDICT(g.expected);
}

static const char *pending_claim;

static int group_setup(void **state)
{
  (void)state;
  return dlv_check_begin(pending_claim);
}

static int group_teardown(void **state)
{
  (void)state;
  return dlv_check_end();
}

int dlv_run_check(const char *claim, const char *const *relies_on,
                  const char *expected, const struct CMUnitTest *tests,
                  size_t n)
{
  struct CMUnitTest *all = malloc((n + 1) * sizeof *all);
  if (all == NULL)
    return -1;
  for (size_t i = 0; i < n; i++) {
    if (tests[i].test_func != dlv_run_test) {
      fprintf(stderr, "%s: test %s is not a DLV_UNIT_TEST\n", claim,
              tests[i].name);
      free(all);
      return -1;
    }
    all[i] = tests[i];
  }
  snprintf(g.verdict_test, sizeof g.verdict_test, "%s_verdict", claim);
  for (char *p = g.verdict_test; *p; p++)
    *p = (char)tolower((unsigned char)*p);
  static struct dlv_test verdict = {NULL, verdict_test};
  verdict.name = g.verdict_test;
  all[n] = (struct CMUnitTest){g.verdict_test, dlv_run_test, NULL, NULL,
                               &verdict};
  pending_claim = claim;
  g.expected = expected;
  dlv_check_relies_on(relies_on);
  int failed = _cmocka_run_group_tests(claim, all, n + 1, group_setup,
                                       group_teardown);
  free(all);
  return failed;
}
