/* blas_strides.c (CTest gate_blas_strides, label gate): the strided
 * kernels follow BLAS's stride convention (include/dlv/stride.h), with
 * OpenBLAS itself as the oracle of where element i lives: cblas_dcopy /
 * cblas_scopy scatter a contiguous vector to stride inc (gaps left NaN, so
 * an element read from a wrong place gives DLV_ENAN or a NaN), the kernel runs on the strided data, and its
 * strided output is gathered back with cblas_?copy.  Every element is then
 * compared with the MPFR reference of the contiguous input within the
 * kernel's derived bound: a kernel that addresses a negative stride from
 * the other end reads or writes the elements reversed, far outside it.
 * Cases: n across one nrm2 block (DLV_NRM2_BLOCK), input and output
 * strides of both signs, each stride class of the contract (1, -1, k, -k). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <cblas.h>
#include <gsl/gsl_rng.h>

#include "check.h"
#include "dlv_status.h"
#include "mp.h"
#include "nrm2.h"
#include "prox_group.h"
#include "ref_nrm2.h"
#include "ref_prox_group.h"
#include "ulp.h"

typedef struct {
  ptrdiff_t incx, incout;
} strides;

static const strides cases[] = {{-1, 1}, {1, -1}, {-3, -2}, {-2, 3}, {2, 1}};
static const size_t sizes[] = {1, 2, 5, DLV_NRM2_BLOCK + 37};
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static size_t span(size_t n, ptrdiff_t inc)
{
  return (n - 1) * (size_t)(inc < 0 ? -inc : inc) + 1;
}

/* The bound b at the exact value's magnitude. */
static double at_exact(dlv_bound b, mpfr_srcptr exact)
{
  return dlv_bound_at(b, fabs(mpfr_get_d(exact, MPFR_RNDN)));
}

static double prox_at_exact(dlv_bound_prox b, double v, mpfr_srcptr exact)
{
  return dlv_bound_prox_at(b, fabs(v), fabs(mpfr_get_d(exact, MPFR_RNDZ)));
}

/* |got - exact| <= bound, printed with the case when not. */
static void expect_within(const char *what, size_t n, strides s, size_t i,
                          double got, mpfr_srcptr exact, double bound)
{
  double err = dlv_abs_error(got, exact);
  if (!(err <= bound)) {
    print_error("%s n=%zu incx=%td incout=%td element %zu: got %a, "
                "exact %a, err %g > bound %g (ratio %g)\n",
                what, n, s.incx, s.incout, i, got,
                mpfr_get_d(exact, MPFR_RNDN), err, bound, err / bound);
    fail();
  }
}

/* The exact norm, gradient and prox of x[0..n-1], tau about ||x||/2 and a
 * float (so the float and double kernels get the same tau). */
typedef struct {
  mpfr_t norm;
  mpfr_t *grad, *prox;
  double tau;
} exact_results;

static void exact_of(size_t n, const double *x, exact_results *e)
{
  mpfr_init2(e->norm, dlv_mp_prec());
  e->grad = dlv_mp_vec_alloc(n, dlv_mp_prec());
  e->prox = dlv_mp_vec_alloc(n, dlv_mp_prec());
  assert_non_null(e->grad);
  assert_non_null(e->prox);
  assert_int_equal(dlv_ref_nrm2(n, x, 1, e->norm), DLV_OK);
  assert_int_equal(dlv_ref_nrm2_grad(n, x, 1, e->grad), DLV_OK);
  e->tau = (float)(mpfr_get_d(e->norm, MPFR_RNDN) / 2.0);
  assert_int_equal(dlv_ref_prox_group(n, x, 1, e->tau, e->prox), DLV_OK);
}

static void exact_free(size_t n, exact_results *e)
{
  mpfr_clear(e->norm);
  dlv_mp_vec_free(e->grad, n);
  dlv_mp_vec_free(e->prox, n);
}

/* One case for the kernels of one dtype T (suffix S: d or s, COPY its
 * cblas_?copy): norm, gradient and prox on x stored at s.incx from the
 * contiguous xc, outputs at s.incout, every element against the exact
 * results within its bound.  Buffers start all NaN, gaps included. */
#define DEFINE_STRIDED_CASE(T, S, COPY)                                       \
  static T *nan_buffer_##S(size_t n, ptrdiff_t inc)                           \
  {                                                                           \
    T *p = malloc(span(n, inc) * sizeof *p);                                  \
    assert_non_null(p);                                                       \
    for (size_t i = 0; i < span(n, inc); i++)                                 \
      p[i] = NAN;                                                             \
    return p;                                                                 \
  }                                                                           \
                                                                              \
  static void case_##S(size_t n, strides s, const T *xc,                      \
                       const exact_results *e)                                \
  {                                                                           \
    T *x = nan_buffer_##S(n, s.incx), *out = nan_buffer_##S(n, s.incout);     \
    T *got = malloc(n * sizeof *got), r = NAN;                                \
    assert_non_null(got);                                                     \
    COPY((int)n, xc, 1, x, (int)s.incx);                                      \
    assert_int_equal(dlv_nrm2_##S(n, x, s.incx, &r), DLV_OK);                 \
    expect_within("dlv_nrm2_" #S, n, s, 0, r, e->norm,                        \
                  at_exact(dlv_bound_nrm2_##S(n), e->norm));                  \
    assert_int_equal(dlv_nrm2_grad_##S(n, x, s.incx, out, s.incout), DLV_OK); \
    COPY((int)n, out, (int)s.incout, got, 1);                                 \
    for (size_t i = 0; i < n; i++)                                            \
      expect_within("dlv_nrm2_grad_" #S, n, s, i, got[i], e->grad[i],         \
                    at_exact(dlv_bound_nrm2_grad_##S(n), e->grad[i]));        \
    assert_int_equal(                                                         \
        dlv_prox_group_##S(n, x, s.incx, (T)e->tau, out, s.incout), DLV_OK);  \
    COPY((int)n, out, (int)s.incout, got, 1);                                 \
    for (size_t i = 0; i < n; i++)                                            \
      expect_within("dlv_prox_group_" #S, n, s, i, got[i], e->prox[i],        \
                    prox_at_exact(dlv_bound_prox_group_##S(n), xc[i],         \
                                  e->prox[i]));                               \
    free(got);                                                                \
    free(out);                                                                \
    free(x);                                                                  \
  }

DEFINE_STRIDED_CASE(double, d, cblas_dcopy)
DEFINE_STRIDED_CASE(float, s, cblas_scopy)

/* Every size and stride case, float data (exact in double too). */
static void strided_kernels_follow_blas(void **state)
{
  (void)state;
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  assert_non_null(rng);
  gsl_rng_set(rng, 20261130UL); /* any seed: the test is about placement */
  for (size_t k = 0; k < COUNT(sizes); k++) {
    size_t n = sizes[k];
    float *xf = malloc(n * sizeof *xf);
    double *xd = malloc(n * sizeof *xd);
    assert_non_null(xf);
    assert_non_null(xd);
    for (size_t i = 0; i < n; i++) {
      xf[i] = (float)(2.0 * gsl_rng_uniform_pos(rng) - 1.0);
      xd[i] = xf[i];
    }
    exact_results e;
    exact_of(n, xd, &e);
    for (size_t c = 0; c < COUNT(cases); c++) {
      case_d(n, cases[c], xd, &e);
      case_s(n, cases[c], xf, &e);
    }
    exact_free(n, &e);
    free(xd);
    free(xf);
  }
  gsl_rng_free(rng);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(strided_kernels_follow_blas)};
  return cmocka_run_group_tests(tests, NULL, NULL);
}
