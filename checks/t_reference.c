/* t_reference.c: the MPFR helpers and the twins whose stated exactness
 * rests on them (mp.h, ref_nrm2.h, ref_prox_group.h, ref_noisy_linear.h),
 * on data whose exact results are known: products of doubles exact (at
 * 106 bits; at 53 the cases below lose their low bits), squares of an MPFR
 * vector exact at twice its precision, the noisy term (w + e) x exact
 * (107 bits for operands of one binade, more when w and e lie apart), one
 * rounding of a sum at the output's precision, BLAS strides of either
 * sign, the norm's special values.  Every reference the checks
 * compare kernels with is built on these; a reference error smaller than
 * the kernels' bounds would pass every kernel comparison, so it is tested
 * here, exactly. */
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>

#include <cmocka.h>
#include <mpfr.h>

#include "dlv_status.h"
#include "mp.h"
#include "ref_adam.h"
#include "ref_hvp.h"
#include "ref_noisy_linear.h"
#include "ref_nrm2.h"
#include "ref_prox_group.h"
#include "ref_lowp.h"
#include "stride.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* out equals the number `want` (MPFR's syntax, exact at 1000 bits). */
static void assert_mp_is(mpfr_srcptr out, const char *want)
{
  mpfr_t w;
  mpfr_init2(w, 1000);
  assert_int_equal(mpfr_set_str(w, want, 0, MPFR_RNDN), 0);
  if (mpfr_cmp(out, w) != 0) {
    mpfr_printf("got %Ra, expected %Ra\n", out, w);
    fail();
  }
  mpfr_clear(w);
}

static void dot_of(mpfr_prec_t prec, size_t n, const double *x,
                   ptrdiff_t incx, const double *y, ptrdiff_t incy,
                   const char *want)
{
  mpfr_t out;
  mpfr_init2(out, prec);
  assert_int_equal(dlv_mp_dot(out, n, x, incx, y, incy), DLV_OK);
  assert_mp_is(out, want);
  mpfr_clear(out);
}

/* (2^27 + 1)^2 = 2^54 + 2^28 + 1 needs 55 bits; (1 + 2^-52)(1 - 2^-52) -
 * 1 = -2^-104 is all in the product's low bits. */
static void dot_products_exact(void **state)
{
  (void)state;
  const double a = 0x1p27 + 1.0;
  dot_of(DLV_MP_PREC_MIN, 1, &a, 1, &a, 1, "0x40000010000001");
  const double x[] = {1.0 + 0x1p-52, -1.0}, y[] = {1.0 - 0x1p-52, 1.0};
  dot_of(DLV_MP_PREC_MIN, 2, x, 1, y, 1, "-0x1p-104");
}

/* 1 + 2^-300: rounded once to 256 bits it is 1; at 400 bits exact. */
static void dot_rounds_once_at_out_precision(void **state)
{
  (void)state;
  const double x[] = {1.0, 0x1p-300}, y[] = {1.0, 1.0};
  dot_of(256, 2, x, 1, y, 1, "1");
  mpfr_t out;
  mpfr_init2(out, 400);
  assert_int_equal(dlv_mp_dot(out, 2, x, 1, y, 1), DLV_OK);
  mpfr_sub_ui(out, out, 1, MPFR_RNDN); /* exact at 400 bits */
  assert_mp_is(out, "0x1p-300");
  mpfr_clear(out);
  /* 2^200 + 1 - 2^200: exact, whatever the order */
  const double z[] = {0x1p200, 1.0, -0x1p200}, ones[] = {1.0, 1.0, 1.0};
  dot_of(53, 3, z, 1, ones, 1, "1");
}

/* BLAS strides: element i of a negative stride is x[(n - 1 - i)|inc|]. */
static void dot_strides(void **state)
{
  (void)state;
  const double x[] = {1.0, 7.0, 2.0}, y[] = {10.0, 1000.0};
  dot_of(DLV_MP_PREC_MIN, 2, x, 2, y, 1, "2010");
  dot_of(DLV_MP_PREC_MIN, 2, x, -2, y, 1, "1020");
  dot_of(DLV_MP_PREC_MIN, 2, x, -2, y, -1, "2010");
  dot_of(DLV_MP_PREC_MIN, 2, x, 1, y, -1, "1070");
  dot_of(DLV_MP_PREC_MIN, 0, x, 1, y, 1, "0");
}

static void sum_rounds_once(void **state)
{
  (void)state;
  mpfr_t *t = dlv_mp_vec_alloc(3, 300);
  assert_non_null(t);
  mpfr_set_d(t[0], 0x1p200, MPFR_RNDN);
  mpfr_set_d(t[1], 1.0, MPFR_RNDN);
  mpfr_set_d(t[2], -0x1p200, MPFR_RNDN);
  mpfr_t out;
  mpfr_init2(out, 53);
  assert_int_equal(dlv_mp_sum(out, t, 3), DLV_OK);
  assert_mp_is(out, "1");
  mpfr_clear(out);
  dlv_mp_vec_free(t, 3);
}

static void nrm2_of(size_t n, const double *x, ptrdiff_t incx,
                    const char *want)
{
  mpfr_t out;
  mpfr_init2(out, DLV_MP_PREC_MIN);
  assert_int_equal(dlv_ref_nrm2(n, x, incx, out), DLV_OK);
  assert_mp_is(out, want);
  mpfr_clear(out);
}

/* Exact norms: an odd square of 55 bits, Pythagorean pairs far outside
 * double's range of squares, a negative stride. */
static void nrm2_exact(void **state)
{
  (void)state;
  const double a = 0x1p27 + 1.0;
  nrm2_of(1, &a, 1, "0x8000001");
  const double big[] = {3 * 0x1p600, -4 * 0x1p600};
  nrm2_of(2, big, 1, "0x5p600");
  const double tiny[] = {3 * 0x1p-1070, 0.0, 4 * 0x1p-1070};
  nrm2_of(2, tiny, -2, "0x5p-1070");
}

static void nrm2_special_values(void **state)
{
  (void)state;
  mpfr_t out;
  mpfr_init2(out, DLV_MP_PREC_MIN);
  const double inf_nan[] = {NAN, -INFINITY}, nan1[] = {1.0, NAN};
  assert_int_equal(dlv_ref_nrm2(2, inf_nan, 1, out), DLV_OK);
  assert_true(mpfr_inf_p(out) && mpfr_sgn(out) > 0);
  assert_int_equal(dlv_ref_nrm2(2, nan1, 1, out), DLV_ENAN);
  mpfr_clear(out);
}

/* g = x / ||x||, correctly rounded at g's precision: (3, -4) / 5. */
static void nrm2_grad_exact(void **state)
{
  (void)state;
  const double x[] = {3.0, -4.0}, zero[] = {0.0, -0.0};
  mpfr_t *g = dlv_mp_vec_alloc(2, 300);
  assert_non_null(g);
  assert_int_equal(dlv_ref_nrm2_grad(2, x, 1, g), DLV_OK);
  mpfr_t w;
  mpfr_init2(w, 300);
  const char *want[] = {"0.6", "-0.8"};
  for (size_t i = 0; i < COUNT(want); i++) {
    mpfr_set_str(w, want[i], 10, MPFR_RNDN);
    assert_int_equal(mpfr_cmp(g[i], w), 0);
  }
  assert_int_equal(dlv_ref_nrm2_grad(2, zero, 1, g), DLV_EDOM);
  mpfr_clear(w);
  dlv_mp_vec_free(g, 2);
}

/* A double of full precision, exponent in [-20, 20], either sign. */
static double sweep_double(uint64_t *s)
{
  *s = *s * 6364136223846793005u + 1442695040888963407u;
  uint64_t r = *s;
  double m = 1.0 + (double)(r >> 12) * 0x1p-52;
  return ((r >> 11) & 1 ? -m : m) * ldexp(1.0, (int)((r >> 5) % 41) - 20);
}

/* got (53 bits) is wide (1000 bits) rounded once to nearest. */
static int rounded_once(mpfr_srcptr got, mpfr_srcptr wide)
{
  mpfr_t r;
  mpfr_init2(r, 53);
  mpfr_set(r, wide, MPFR_RNDN);
  int same = mpfr_equal_p(r, got);
  mpfr_clear(r);
  return same;
}

/* The twins stated to round once at their output's precision (dlv_mp_dot
 * and dlv_mp_sum under it; dlv_ref_nrm2_grad, whose norm carries 64 guard
 * bits) give at 53 bits exactly their 1000-bit value rounded to nearest
 * once, on a fixed sweep of 400 vectors whose exact results are rarely
 * representable (40 binades, both signs): a rounding toward zero, a
 * guard dropped (two roundings) or a sum rounded twice shows on a large
 * share of them (at 256 bits and more, where the checks run them, it
 * would stay far below every kernel bound, so only here).  The guard
 * leaves a chance of about 2^-63 per value that a result within 2^-64 of
 * a midpoint rounds otherwise: none in this sweep. */
static void twins_round_once_at_53_bits(void **state)
{
  (void)state;
  enum { VECTORS = 400, NMAX = 12 };
  uint64_t s = 0x3c6ef372fe94f82bu;
  mpfr_t *g53 = dlv_mp_vec_alloc(NMAX, 53), *g1k = dlv_mp_vec_alloc(NMAX, 1000);
  mpfr_t d53, d1k;
  mpfr_inits2(53, d53, (mpfr_ptr)0);
  mpfr_inits2(1000, d1k, (mpfr_ptr)0);
  unsigned long dots = 0, grads = 0;
  for (int v = 0; v < VECTORS; v++) {
    size_t n = 1 + (size_t)v % NMAX;
    double x[NMAX], y[NMAX];
    for (size_t i = 0; i < n; i++)
      x[i] = sweep_double(&s), y[i] = sweep_double(&s);
    assert_int_equal(dlv_mp_dot(d53, n, x, 1, y, 1), DLV_OK);
    assert_int_equal(dlv_mp_dot(d1k, n, x, 1, y, 1), DLV_OK);
    dots += !rounded_once(d53, d1k);
    assert_int_equal(dlv_ref_nrm2_grad(n, x, 1, g53), DLV_OK);
    assert_int_equal(dlv_ref_nrm2_grad(n, x, 1, g1k), DLV_OK);
    for (size_t i = 0; i < n; i++)
      grads += !rounded_once(g53[i], g1k[i]);
  }
  print_message("%d vectors: %lu dot products and %lu gradient entries "
                "not rounded once\n", VECTORS, dots, grads);
  assert_int_equal(dots, 0);
  assert_int_equal(grads, 0);
  mpfr_clears(d53, d1k, (mpfr_ptr)0);
  dlv_mp_vec_free(g53, NMAX);
  dlv_mp_vec_free(g1k, NMAX);
}

/* The prox of tau = 1 at v = 2^27 + 1 given at 53 bits: its square needs
 * 55, ||v|| = v exactly, and out = (1 - 1 / v) v = 2^27. */
static void prox_group_mp_squares_exact(void **state)
{
  (void)state;
  mpfr_t *v = dlv_mp_vec_alloc(1, 53), *out = dlv_mp_vec_alloc(1, 200);
  assert_true(v != NULL && out != NULL);
  mpfr_set_d(v[0], 0x1p27 + 1.0, MPFR_RNDN);
  assert_int_equal(dlv_ref_prox_group_mp(1, v, 1.0, out), DLV_OK);
  assert_mp_is(out[0], "0x1p27");
  dlv_mp_vec_free(v, 1);
  dlv_mp_vec_free(out, 1);
}

/* out (2 entries, precision P) is the prox of v = (v0, v1) at tau = c
 * given N = ||v|| (n, at 2000 bits): +0 when N <= tau, else (1 - tau/N)
 * v_i within 2^-(P-4) of each entry. */
static void assert_prox_is(mpfr_t *out, mpfr_prec_t P, const double *v,
                           double c, mpfr_srcptr n, const char *twin)
{
  mpfr_t want, d;
  mpfr_inits2(2000, want, d, (mpfr_ptr)0);
  for (int i = 0; i < 2; i++) {
    if (mpfr_cmp_d(n, c) <= 0) {
      assert_true(mpfr_zero_p(out[i]) && mpfr_signbit(out[i]) == 0);
      continue;
    }
    mpfr_d_div(want, c, n, MPFR_RNDN);
    mpfr_ui_sub(want, 1, want, MPFR_RNDN);
    mpfr_mul_d(want, want, v[i], MPFR_RNDN);
    mpfr_sub(d, out[i], want, MPFR_RNDN);
    mpfr_div(d, d, want, MPFR_RNDN);
    mpfr_abs(d, d, MPFR_RNDN);
    if (mpfr_zero_p(out[i]) || mpfr_cmp_ui_2exp(d, 1, -(long)(P - 4)) > 0) {
      mpfr_printf("%s at (%a, %a), tau %a: entry %d %.20Rg, want %.20Rg\n",
                  twin, v[0], v[1], c, i, out[i], want);
      fail();
    }
  }
  mpfr_clears(want, d, (mpfr_ptr)0);
}

/* The prox twins at the threshold: v a Pythagorean tuple (a, b, c) with b
 * one ulp up or down (or not), tau = c, so ||v|| - tau is about an ulp of
 * b or exactly 0 (assert_prox_is).  With ||v|| at 53 bits, the +ulp case
 * is off by 25% (tuple 3, 4, 5) or 0. */
static void prox_group_at_threshold(void **state)
{
  (void)state;
  const double tuples[][3] = {{3, 4, 5}, {5, 12, 13}, {20, 21, 29},
                              {0x1p-600 * 3, 0x1p-600 * 4, 0x1p-600 * 5}};
  const mpfr_prec_t P = 200;
  mpfr_t *out = dlv_mp_vec_alloc(2, P), *vm = dlv_mp_vec_alloc(2, 53);
  mpfr_t n;
  mpfr_init2(n, 2000);
  assert_true(out != NULL && vm != NULL);
  for (size_t k = 0; k < COUNT(tuples); k++)
    for (int dir = -1; dir <= 1; dir++) {
      double c = tuples[k][2];
      double v[2] = {tuples[k][0], tuples[k][1]};
      v[1] = dir == 0 ? v[1] : nextafter(v[1], dir * INFINITY);
      mpfr_set_d(vm[0], v[0], MPFR_RNDN);
      mpfr_set_d(vm[1], v[1], MPFR_RNDN);
      mpfr_hypot(n, vm[0], vm[1], MPFR_RNDN); /* N */
      assert_int_equal(dlv_ref_prox_group(2, v, 1, c, out), DLV_OK);
      assert_prox_is(out, P, v, c, n, "dlv_ref_prox_group");
      assert_int_equal(dlv_ref_prox_group_mp(2, vm, c, out), DLV_OK);
      assert_prox_is(out, P, v, c, n, "dlv_ref_prox_group_mp");
    }
  mpfr_clear(n);
  dlv_mp_vec_free(vm, 2);
  dlv_mp_vec_free(out, 2);
}

/* dlv_ref_noisy_term(w, e, x) equals sum_i 2^pow2[i] sign[i]. */
/* ---- strided twins read the elements the stride names ------------------ */

/* A strided twin (stride.h's BLAS convention) gives bitwise the same
 * results on a vector laid out at stride inc, other slots holding junk,
 * as on its contiguous copy: for every twin that takes a stride (the
 * dot product, the norm and its gradient, the prox, the bf16 norms). */
static const ptrdiff_t twin_incs[] = {2, 3, -1, -2, -3};
static const size_t twin_ns[] = {1, 2, 3, 5};
enum { TWIN_NMAX = 5, TWIN_SPAN = TWIN_NMAX * 3 };

/* xs at stride inc into buf (TWIN_SPAN slots, the others junk). */
static void lay_out(size_t n, const double *xs, ptrdiff_t inc, double *buf)
{
  for (size_t k = 0; k < TWIN_SPAN; k++)
    buf[k] = 1e3 + (double)k;
  for (size_t i = 0; i < n; i++)
    buf[dlv_stride_offset(n, inc, i)] = xs[i];
}

static void assert_vec_same(size_t n, mpfr_t *a, mpfr_t *b, const char *what,
                            ptrdiff_t inc)
{
  for (size_t i = 0; i < n; i++)
    if (!mpfr_equal_p(a[i], b[i])) {
      print_error("%s: n %zu, inc %td: entry %zu differs from the contiguous "
                  "copy's\n", what, n, inc, i);
      fail();
    }
}

static void strided_twins_read_their_elements(void **state)
{
  (void)state;
  const mpfr_prec_t P = 200;
  double xs[TWIN_NMAX] = {3.0, -0.5, 4.0, 0x1.8p-3, -12.0};
  double ys[TWIN_NMAX] = {0.25, 7.0, -1.0, 3.0, 0x1p-4};
  mpfr_t s, c;
  mpfr_inits2(P, s, c, (mpfr_ptr)0);
  for (size_t a = 0; a < sizeof twin_ns / sizeof *twin_ns; a++)
    for (size_t b = 0; b < sizeof twin_incs / sizeof *twin_incs; b++) {
      size_t n = twin_ns[a];
      ptrdiff_t inc = twin_incs[b];
      double xb[TWIN_SPAN], yb[TWIN_SPAN];
      lay_out(n, xs, inc, xb);
      lay_out(n, ys, -inc, yb);
      assert_int_equal(dlv_mp_dot(s, n, xb, inc, yb, -inc), DLV_OK);
      assert_int_equal(dlv_mp_dot(c, n, xs, 1, ys, 1), DLV_OK);
      assert_true(mpfr_equal_p(s, c));
      assert_int_equal(dlv_ref_nrm2(n, xb, inc, s), DLV_OK);
      assert_int_equal(dlv_ref_nrm2(n, xs, 1, c), DLV_OK);
      assert_true(mpfr_equal_p(s, c));
      mpfr_t *gs = dlv_mp_vec_alloc(n, P), *gc = dlv_mp_vec_alloc(n, P);
      assert_int_equal(dlv_ref_nrm2_grad(n, xb, inc, gs), DLV_OK);
      assert_int_equal(dlv_ref_nrm2_grad(n, xs, 1, gc), DLV_OK);
      assert_vec_same(n, gs, gc, "ref_nrm2_grad", inc);
      for (int t = 0; t < 2; t++) { /* tau below and above ||x|| */
        double tau = t ? 100.0 : 0.75;
        assert_int_equal(dlv_ref_prox_group(n, xb, inc, tau, gs), DLV_OK);
        assert_int_equal(dlv_ref_prox_group(n, xs, 1, tau, gc), DLV_OK);
        assert_vec_same(n, gs, gc, "ref_prox_group", inc);
      }
      uint16_t hb[TWIN_SPAN], hs[TWIN_NMAX];
      for (size_t k = 0; k < TWIN_SPAN; k++)
        hb[k] = (uint16_t)(0x4000u + 37u * k); /* junk, finite in both */
      for (size_t i = 0; i < n; i++) {
        hs[i] = (uint16_t)(0x3c00u + 0x123u * i) ^ (i % 2 ? 0x8000u : 0u);
        hb[dlv_stride_offset(n, inc, i)] = hs[i];
      }
      for (int fmt = DLV_REF_BF16; fmt <= DLV_REF_FP16; fmt++) {
        assert_int_equal(dlv_ref_lowp_nrm2(n, hb, inc, fmt, s), DLV_OK);
        assert_int_equal(dlv_ref_lowp_nrm2(n, hs, 1, fmt, c), DLV_OK);
        assert_true(mpfr_equal_p(s, c));
        assert_int_equal(dlv_ref_lowp_nrm2_grad(n, hb, inc, fmt, gs), DLV_OK);
        assert_int_equal(dlv_ref_lowp_nrm2_grad(n, hs, 1, fmt, gc), DLV_OK);
        assert_vec_same(n, gs, gc, "ref_lowp_nrm2_grad", inc);
        double ns, nc;
        assert_int_equal(dlv_ref_lowp_nrm2_naive(n, hb, inc, fmt, &ns), DLV_OK);
        assert_int_equal(dlv_ref_lowp_nrm2_naive(n, hs, 1, fmt, &nc), DLV_OK);
        assert_true(ns == nc);
      }
      dlv_mp_vec_free(gs, n);
      dlv_mp_vec_free(gc, n);
    }
  mpfr_clears(s, c, (mpfr_ptr)0);
}

static void noisy_term_is(double w, double e, double x, const int *sign,
                          const int *pow2, size_t n)
{
  mpfr_t t, want, p;
  mpfr_init2(t, MPFR_PREC_MIN);
  mpfr_init2(want, 1000);
  mpfr_init2(p, 64);
  dlv_ref_noisy_term(t, w, e, x);
  mpfr_set_zero(want, 1);
  for (size_t i = 0; i < n; i++) {
    mpfr_set_si_2exp(p, sign[i], pow2[i], MPFR_RNDN);
    mpfr_add(want, want, p, MPFR_RNDN); /* exact at 1000 bits */
  }
  if (mpfr_cmp(t, want) != 0) {
    mpfr_printf("noisy term %Ra, expected %Ra\n", t, want);
    fail();
  }
  mpfr_clear(p);
  mpfr_clear(want);
  mpfr_clear(t);
}

/* (w + e) x exact: (1.5 + 2^-52 + 1)(2 - 2^-52) = 5 - 2^-53 - 2^-104 needs
 * 107 bits; w and e 60 binades apart, either way round: (2^-60 + 1 +
 * 2^-52)(1 + 2^-52) = 1 + 2^-51 + 2^-60 + 2^-104 + 2^-112. */
static void noisy_term_exact(void **state)
{
  (void)state;
  const int s1[] = {5, -1, -1}, p1[] = {0, -53, -104};
  noisy_term_is(1.5 + 0x1p-52, 1.0, 2.0 - 0x1p-52, s1, p1, 3);
  const int s2[] = {1, 1, 1, 1, 1}, p2[] = {0, -51, -60, -104, -112};
  noisy_term_is(0x1p-60, 1.0 + 0x1p-52, 1.0 + 0x1p-52, s2, p2, 5);
  noisy_term_is(1.0 + 0x1p-52, 0x1p-60, 1.0 + 0x1p-52, s2, p2, 5);
}

/* |got - want| <= 2^-200 |want|: a closed form against its sum. */
static void assert_mp_near(mpfr_srcptr got, mpfr_srcptr want, const char *what,
                           double b, unsigned long t)
{
  mpfr_t d;
  mpfr_init2(d, 256);
  mpfr_sub(d, got, want, MPFR_RNDN);
  mpfr_div(d, d, want, MPFR_RNDN);
  mpfr_abs(d, d, MPFR_RNDN);
  if (mpfr_cmp_ui_2exp(d, 1, -200) > 0) {
    mpfr_printf("%s b=%g t=%lu: closed form %.30Rg, by definition %.30Rg\n",
                what, b, t, got, want);
    fail();
  }
  mpfr_clear(d);
}

/* The EMA's closed forms (ref_adam.h) against their definitions, summed
 * term by term from dlv_ref_ema_weight (w_i = (1 - b) b^(i-1)): mean age
 * sum i w_i, variance sum w_i^2, lag t - sum w_i (t - i) (the ramp x_s =
 * s); t = 0 (t -> infinity) summed until b^i < 2^-300 (20,000 terms at
 * b = 0.99); and the window's (k+1)/2 and 1/k by their sums. */
static void ema_closed_forms_by_definition(void **state)
{
  (void)state;
  const double bs[] = {0.5, 0.9, 1.0 - 1.0 / 3, 0.99};
  const unsigned long ts[] = {1, 2, 6, 30, 0};
  mpfr_t w, age, var, lag, got;
  mpfr_inits2(256, w, age, var, lag, got, (mpfr_ptr)0);
  for (size_t ib = 0; ib < COUNT(bs); ib++)
    for (size_t it = 0; it < COUNT(ts); it++) {
      double b = bs[ib];
      unsigned long t = ts[it];
      unsigned long n = t != 0 ? t : (unsigned long)(300.0 / -log2(b)) + 2;
      mpfr_set_zero(age, 1), mpfr_set_zero(var, 1), mpfr_set_zero(lag, 1);
      for (unsigned long i = 1; i <= n; i++) {
        assert_int_equal(dlv_ref_ema_weight(b, i, w), DLV_OK);
        mpfr_mul_ui(got, w, i, MPFR_RNDN);
        mpfr_add(age, age, got, MPFR_RNDN);
        mpfr_sqr(got, w, MPFR_RNDN);
        mpfr_add(var, var, got, MPFR_RNDN);
        mpfr_mul_ui(got, w, n - i, MPFR_RNDN);
        mpfr_add(lag, lag, got, MPFR_RNDN);
      }
      mpfr_ui_sub(lag, n, lag, MPFR_RNDN);
      assert_int_equal(dlv_ref_ema_mean_age(b, t, got), DLV_OK);
      assert_mp_near(got, age, "EMA mean age", b, t);
      assert_int_equal(dlv_ref_ema_variance(b, t, got), DLV_OK);
      assert_mp_near(got, var, "EMA variance", b, t);
      if (t != 0) { /* the ramp's lag needs a finite t */
        assert_int_equal(dlv_ref_ema_lag(b, t, got), DLV_OK);
        assert_mp_near(got, lag, "EMA lag", b, t);
      }
    }
  for (size_t k = 1; k <= 40; k += 13) {
    mpfr_set_zero(age, 1), mpfr_set_zero(var, 1);
    for (size_t i = 1; i <= k; i++) {
      mpfr_set_ui(w, (unsigned long)i, MPFR_RNDN);
      mpfr_div_ui(w, w, (unsigned long)k, MPFR_RNDN);
      mpfr_add(age, age, w, MPFR_RNDN);
      mpfr_set_ui(w, 1, MPFR_RNDN);
      mpfr_div_ui(w, w, (unsigned long)(k * k), MPFR_RNDN);
      mpfr_add(var, var, w, MPFR_RNDN);
    }
    assert_int_equal(dlv_ref_window_mean_age(k, got), DLV_OK);
    assert_mp_near(got, age, "window mean age", 0.0, k);
    assert_int_equal(dlv_ref_window_variance(k, got), DLV_OK);
    assert_mp_near(got, var, "window variance", 0.0, k);
  }
  mpfr_clears(w, age, var, lag, got, (mpfr_ptr)0);
}

/* dlv_ref_linesearch_step (ref_hvp.h): lambda = ||g||^2 / (g . hg),
 * rounded once; DLV_EDOM when g . hg <= 0: zero curvature (terms that
 * cancel exactly), negative curvature; the output untouched then. */
static void linesearch_step_domain(void **state)
{
  (void)state;
  const double g[2] = {1.0, 1.0};
  const double hgs[][2] = {{1.0, -1.0}, {-1.0, -0.5}, {0.0, -0.0}, {2.0, 2.0}};
  const int want[] = {DLV_EDOM, DLV_EDOM, DLV_EDOM, DLV_OK};
  mpfr_t hg[2], lambda;
  mpfr_inits2(128, hg[0], hg[1], lambda, (mpfr_ptr)0);
  for (size_t k = 0; k < sizeof want / sizeof want[0]; k++) {
    mpfr_set_d(hg[0], hgs[k][0], MPFR_RNDN);
    mpfr_set_d(hg[1], hgs[k][1], MPFR_RNDN);
    mpfr_set_d(lambda, 7.0, MPFR_RNDN); /* a sentinel */
    int st = dlv_ref_linesearch_step(2, g, hg, lambda);
    if (st != want[k])
      fail_msg("g . hg = %g: status %d, expected %d", hgs[k][0] + hgs[k][1],
               st, want[k]);
    assert_true(mpfr_cmp_d(lambda, st == DLV_OK ? 0.5 : 7.0) == 0);
  }
  mpfr_clears(hg[0], hg[1], lambda, (mpfr_ptr)0);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(linesearch_step_domain),
      cmocka_unit_test(dot_products_exact),
      cmocka_unit_test(dot_rounds_once_at_out_precision),
      cmocka_unit_test(dot_strides),
      cmocka_unit_test(sum_rounds_once),
      cmocka_unit_test(nrm2_exact),
      cmocka_unit_test(nrm2_special_values),
      cmocka_unit_test(nrm2_grad_exact),
      cmocka_unit_test(twins_round_once_at_53_bits),
      cmocka_unit_test(prox_group_mp_squares_exact),
      cmocka_unit_test(prox_group_at_threshold),
      cmocka_unit_test(strided_twins_read_their_elements),
      cmocka_unit_test(noisy_term_exact),
      cmocka_unit_test(ema_closed_forms_by_definition),
  };
  return cmocka_run_group_tests_name("reference", tests, NULL, NULL);
}
