/* my_norm.c: an outside project's own kernel, my_normalize (g = x/||x||,
 * the textbook way), verified with an installed dlverify:
 *   - the exact g_i from dlverify's MPFR reference (dlv_ref_nrm2_grad);
 *   - every element within dlverify's derived bound dlv_bound_nrm2_grad_d
 *     (bounds.h: the sum of squares with relative error gamma_n, one
 *     square root, one division; this kernel does exactly that);
 *   - the rows, the verdict and the evidence file from the harness
 *     (check.h; DLV_EVIDENCE_DIR=dir writes dir/MYNORM.csv).
 * dlverify's own dlv_nrm2_grad_d is measured on the same data (an accuracy
 * row: the kernel the claim is compared beside).  Exit status: the number
 * of failed tests (0 when every element is within its bound).
 * Built with -DMY_NORM_BROKEN, the kernel accumulates in float, a plausible
 * bug that the check must catch. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <dlv/check.h>
#include <dlv/dlv.h>
#include <dlv/mp.h>
#include <dlv/ref_nrm2.h>

#ifdef MY_NORM_BROKEN
typedef float my_sum_t;
#else
typedef double my_sum_t;
#endif

/* The kernel under test: g_i = x_i / sqrt(sum_j x_j^2), n >= 1, x != 0. */
static void my_normalize(size_t n, const double *x, double *g)
{
  my_sum_t s = 0;
  for (size_t i = 0; i < n; i++)
    s += x[i] * x[i];
  double r = sqrt((double)s);
  for (size_t i = 0; i < n; i++)
    g[i] = x[i] / r;
}

/* Every element of g against the exact value ref[i] within dlverify's
 * bound for n entries. */
static void expect_elements(const char *kernel, enum dlv_role role,
                            const char *shape, size_t n, const double *g,
                            mpfr_t *ref)
{
  struct dlv_meas m = {"double", shape, "g_i = x_i/||x|| vs MPFR",
                       "nrm2_grad_d", role, 0, kernel, NULL, "g-entry"};
  for (size_t i = 0; i < n; i++)
    DLV_EXPECT_MP(&m, g[i], ref[i], dlv_bound_nrm2_grad_d(n), 53);
}

static void my_normalize_vs_mpfr(void **state)
{
  (void)state;
  static const size_t sizes[] = {1, 7, 100, 1000};
  gsl_rng *rng = dlv_rng(__func__);
  for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
    size_t n = sizes[k];
    double *x = malloc(n * sizeof *x), *g = malloc(n * sizeof *g);
    mpfr_t *ref = dlv_mp_vec_alloc(n, dlv_mp_prec());
    assert_non_null(x);
    assert_non_null(g);
    assert_non_null(ref);
    for (size_t i = 0; i < n; i++)
      x[i] = 2.0 * gsl_rng_uniform_pos(rng) - 1.0;
    char shape[32];
    snprintf(shape, sizeof shape, "n=%zu", n);
    struct dlv_meas st = {"double", shape, "status", "exact status",
                          DLV_ROLE_ACCURACY, 0, NULL, NULL, NULL};
    DLV_EXPECT_STATUS(&st, dlv_ref_nrm2_grad(n, x, 1, ref), DLV_OK);
    my_normalize(n, x, g);
    expect_elements("my_normalize", DLV_ROLE_CLAIM, shape, n, g, ref);
    DLV_EXPECT_STATUS(&st, dlv_nrm2_grad_d(n, x, 1, g, 1), DLV_OK);
    expect_elements("nrm2_grad", DLV_ROLE_ACCURACY, shape, n, g, ref);
    dlv_mp_vec_free(ref, n);
    free(g);
    free(x);
  }
}

int main(void)
{
  static const char *const relies_on[] = {"nrm2_grad", NULL};
  const struct CMUnitTest tests[] = {DLV_UNIT_TEST(my_normalize_vs_mpfr)};
  return dlv_run_check("MYNORM", relies_on, DLV_VERDICT_CONFIRMED, tests,
                       sizeof tests / sizeof tests[0]);
}
