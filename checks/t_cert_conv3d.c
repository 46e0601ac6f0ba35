/* t_cert_conv3d.c: the certified fast reference (reference/cert_conv3d.h)
 * against the MPFR reference (reference/ref_conv3d.h) on small shapes,
 * every element of every pass: |val - exact| <= err and sum |a b| <=
 * abs_sum, the exact values from MPFR (>= 256 bits).  Data classes, and
 * the method of cert_conv3d.c each reaches: full precision in [-1, 1]
 * (cancellation between mixed signs; SPLIT), exponents over +-60 binades
 * (SPLIT), subnormal products (the underflow terms; SPLIT at its smallest
 * Sigma), float data (EXACT), one operand float and the other double
 * (SPLIT), products near 2^1010 (SPLIT's Sigma out of range: DOT2), and
 * small integers (EXACT; then every sum is exact: val must equal the
 * exact value), and float data but for one element of one operand (L1,
 * F, G in turn), the last or a random one (SPLIT: one double anywhere
 * takes EXACT's premise away).  For the classes that reach SPLIT or DOT2
 * the certificate must also have the size cert_conv3d.h states for them,
 * u |val| / (1 - u) + about 4 K^2 u^2 S (SPLIT; DOT2 half that): err <=
 * 2 u |val| + 64 K^2 u^2 abs_sum + 4 K eta, a margin of 8 on the K^2 term
 * (Sigma <= 8 S') and of 4 on the underflow terms; EXACT's gamma_(K-1) S,
 * about K u S, exceeds it once K >= 3 and the terms cancel.
 * Shapes put channel counts on both sides of the vector widths.  Every
 * call is made twice, without a workspace and with one kept across all
 * shapes, passes and classes (grown, then reused with stale contents):
 * the two results must agree bit for bit.
 * Every certificate is also at least its derivation (the method's formula
 * in cert_conv3d.c, for the element's own K, evaluated at 300 bits): the
 * file evaluates it in double and multiplies by ROUNDING_UP to cover its
 * roundings, so a factor or a Sigma left smaller shows here even where
 * the data's error stays far inside it (derived_err).
 * Prints the worst |val - exact| / err seen (how tight the certificate
 * is). */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "cert_conv3d.h"
#include "check.h"
#include "conv3d_shapes.h"
#include "dlv_status.h"
#include "mp.h"
#include "ref_conv3d.h"

enum { CL_UNIT, CL_WIDE, CL_SUBNORMAL, CL_FLOAT, CL_MIXED, CL_HUGE,
       CL_EXACT, CL_PATCHY, CL_N };
static const char *const class_name[] = {"unit",  "wide",  "subnormal",
                                         "float", "mixed", "huge",
                                         "exact", "patchy"};

static uint64_t rng_state;

static uint64_t next_u64(void)
{
  uint64_t z = (rng_state += 0x9E3779B97F4A7C15u);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
  return z ^ (z >> 31);
}

/* A value of class cl; operand 0 or 1 (subnormal: one operand tiny, the
 * other moderate, so that products land in and below the subnormals). */
static double value(int cl, int operand)
{
  double m = (double)(next_u64() >> 11) * 0x1p-53 * 2.0 - 1.0;
  switch (cl) {
  case CL_WIDE:
    return ldexp(m, (int)(next_u64() % 121) - 60);
  case CL_SUBNORMAL:
    return operand == 0 ? ldexp(m, -1000 - (int)(next_u64() % 40))
                        : ldexp(m, -(int)(next_u64() % 40));
  case CL_FLOAT:
  case CL_PATCHY: /* check_shape sets the doubles */
    return (float)m;
  case CL_MIXED:
    return operand == 0 ? (float)m : m;
  case CL_HUGE:
    return ldexp(m, 503 + (int)(next_u64() % 4));
  case CL_EXACT:
    return (double)((int)(next_u64() % 31) - 15);
  default:
    return m;
  }
}

typedef int (*cert_fn)(const dlv_conv3d_shape *, const double *,
                       const double *, const dlv_cert_out *);
typedef int (*cert_w_fn)(const dlv_conv3d_shape *, const double *,
                         const double *, const dlv_cert_out *,
                         dlv_cert_work *);
typedef int (*ref_fn)(const dlv_conv3d_shape *, const double *,
                      const double *, mpfr_t *);

struct pass_def {
  const char *name;
  cert_fn cert;
  cert_w_fn cert_w;
  ref_fn ref;
};

static const struct pass_def passes[] = {
    {"fwd", dlv_cert_conv3d_fwd, dlv_cert_conv3d_fwd_w, dlv_ref_conv3d_fwd},
    {"bwd_filter", dlv_cert_conv3d_bwd_filter, dlv_cert_conv3d_bwd_filter_w,
     dlv_ref_conv3d_bwd_filter},
    {"bwd_input", dlv_cert_conv3d_bwd_input, dlv_cert_conv3d_bwd_input_w,
     dlv_ref_conv3d_bwd_input},
};

static void counts(const dlv_conv3d_shape *s, size_t n[3])
{
  n[0] = s->b * (s->h + s->u - 1) * (s->w + s->v - 1) * (s->t + s->z - 1) *
         s->cp;                                /* L1 */
  n[1] = s->u * s->v * s->z * s->cp * s->c;    /* F */
  n[2] = s->b * s->h * s->w * s->t * s->c;     /* L2, G */
}

static double worst_ratio[CL_N]; /* worst |val - exact| / err */
static dlv_cert_work work;       /* kept across every call */

/* The pass once more, in the kept workspace: the same bits as out. */
static void same_with_work(int p, const dlv_conv3d_shape *s, const double *a,
                           const double *b, const dlv_cert_out *out,
                           size_t nout)
{
  double *buf = malloc(3 * nout * sizeof *buf);
  assert_non_null(buf);
  dlv_cert_out w = {buf, buf + nout, buf + 2 * nout};
  assert_int_equal(passes[p].cert_w(s, a, b, &w, &work), DLV_OK);
  assert_memory_equal(out->val, w.val, nout * sizeof *buf);
  assert_memory_equal(out->err, w.err, nout * sizeof *buf);
  assert_memory_equal(out->abs_sum, w.abs_sum, nout * sizeof *buf);
  free(buf);
}

/* Whether pass p on data of class cl takes SPLIT or DOT2 (not EXACT;
 * subnormal data is left out: there SPLIT's Sigma stops at its floor).
 * Pass p reads every operand but operand 2 - p (fwd: L1, F; bwd_filter:
 * L1, G; bwd_input: F, G). */
static int takes_split(int cl, int p, int patched)
{
  if (cl == CL_PATCHY)
    return patched != 2 - p;
  return cl != CL_FLOAT && cl != CL_EXACT && cl != CL_SUBNORMAL;
}

/* The reduction length K of pass p. */
static double reduction_len(const dlv_conv3d_shape *s, int p)
{
  size_t taps = s->u * s->v * s->z;
  return (double)(p == 0 ? taps * s->cp
                  : p == 1 ? s->b * s->h * s->w * s->t
                           : taps * s->c);
}

/* The size cert_conv3d.h states for SPLIT's and DOT2's certificate, with
 * the margins of the file's comment. */
static double split_size(double k, double val, double abs_sum)
{
  return 2 * 0x1p-53 * fabs(val) + 64 * k * k * 0x1p-106 * abs_sum +
         4 * k * 0x1p-1074;
}

/* The method of cert_conv3d.c that pass p takes on class cl. */
enum { M_EXACT, M_SPLIT, M_DOT2 };
static int method_of(int cl, int p, int patched)
{
  if (cl == CL_HUGE)
    return M_DOT2;
  if (cl == CL_FLOAT || cl == CL_EXACT || (cl == CL_PATCHY && patched == 2 - p))
    return M_EXACT;
  return M_SPLIT;
}

/* gamma_m = m u / (1 - m u), u = 2^-53, into g (exact enough at its
 * precision, 300 bits). */
static void mp_gamma(mpfr_ptr g, double m)
{
  mpfr_set_d(g, m, MPFR_RNDN);
  mpfr_mul_2si(g, g, -53, MPFR_RNDN);
  mpfr_ui_sub(g, 1, g, MPFR_RNDN);
  mpfr_ui_div(g, 1, g, MPFR_RNDN);
  mpfr_mul_d(g, g, m, MPFR_RNDN);
  mpfr_mul_2si(g, g, -53, MPFR_RNDN);
}

/* The certificate the derivation in cert_conv3d.c gives method m for an
 * element of k products with value val and S' = s_up, evaluated at 300
 * bits, into e: EXACT gamma_(k-1) S'; SPLIT u |val| / (1 - u) +
 * gamma_(k-1) k (u Sigma (1 + u) + eta) + k (u^2 Sigma + eta), Sigma the
 * least power of two >= 4 S' (at least 2^-1000); DOT2 u |val| / (1 - u)
 * + gamma_2k ((k + 1) u (1 + gamma_(k+1)) S' + 2 k eta) + k eta;
 * eta = 2^-1075.  (Its constant terms 2 ETA_UP are left out.) */
static void derived_err(mpfr_ptr e, int m, double k, double val, double s_up)
{
  mpfr_t gm, t, b, eta;
  mpfr_inits2(300, gm, t, b, eta, (mpfr_ptr)0);
  mpfr_set_d(eta, 0x1p-1074, MPFR_RNDN);
  mpfr_div_2ui(eta, eta, 1, MPFR_RNDN);
  mpfr_set_d(e, fabs(val), MPFR_RNDN); /* u |val| / (1 - u) */
  mpfr_div_d(e, e, 0x1p53 - 1.0, MPFR_RNDN);
  if (m == M_EXACT) {
    mp_gamma(e, k - 1.0);
    mpfr_mul_d(e, e, s_up, MPFR_RNDN);
  } else if (m == M_SPLIT) {
    int ex;
    double f = frexp(4.0 * s_up, &ex);
    double sigma = fmax(ldexp(1.0, f == 0.5 ? ex - 1 : ex), 0x1p-1000);
    mpfr_set_d(t, sigma, MPFR_RNDN);
    mpfr_mul_2si(t, t, -53, MPFR_RNDN); /* u Sigma */
    mpfr_mul_2si(b, t, -53, MPFR_RNDN); /* u^2 Sigma */
    mpfr_add(t, t, b, MPFR_RNDN);
    mpfr_add(t, t, eta, MPFR_RNDN); /* u Sigma (1 + u) + eta */
    mpfr_add(b, b, eta, MPFR_RNDN); /* u^2 Sigma + eta */
    mp_gamma(gm, k - 1.0);
    mpfr_mul(t, t, gm, MPFR_RNDN);
    mpfr_add(t, t, b, MPFR_RNDN);
    mpfr_mul_d(t, t, k, MPFR_RNDN);
    mpfr_add(e, e, t, MPFR_RNDN);
  } else {
    mp_gamma(gm, k + 1.0);
    mpfr_add_ui(b, gm, 1, MPFR_RNDN);
    mpfr_mul_d(b, b, (k + 1.0) * 0x1p-53, MPFR_RNDN);
    mpfr_mul_d(b, b, s_up, MPFR_RNDN);
    mpfr_mul_d(t, eta, 2.0 * k, MPFR_RNDN);
    mpfr_add(b, b, t, MPFR_RNDN); /* the bound on A */
    mp_gamma(gm, 2.0 * k);
    mpfr_mul(b, b, gm, MPFR_RNDN);
    mpfr_mul_d(t, eta, k, MPFR_RNDN);
    mpfr_add(b, b, t, MPFR_RNDN);
    mpfr_add(e, e, b, MPFR_RNDN);
  }
  mpfr_clears(gm, t, b, eta, (mpfr_ptr)0);
}

/* Every element of one pass: the certificate holds. */
static void check_pass(const dlv_conv3d_shape *s, int p, int cl,
                       int patched, const double *a, const double *b,
                       size_t na, size_t nb, size_t nout)
{
  int split = takes_split(cl, p, patched), method = method_of(cl, p, patched);
  double *buf = calloc(3 * nout + na + nb, sizeof *buf);
  assert_non_null(buf);
  dlv_cert_out out = {buf, buf + nout, buf + 2 * nout};
  double *aa = buf + 3 * nout, *ab = aa + na;
  for (size_t i = 0; i < na; i++)
    aa[i] = fabs(a[i]);
  for (size_t i = 0; i < nb; i++)
    ab[i] = fabs(b[i]);
  mpfr_t *ex = dlv_mp_vec_alloc(nout, dlv_mp_prec());
  mpfr_t *sabs = dlv_mp_vec_alloc(nout, dlv_mp_prec());
  assert_int_equal(passes[p].cert(s, a, b, &out), DLV_OK);
  same_with_work(p, s, a, b, &out, nout);
  assert_int_equal(passes[p].ref(s, a, b, ex), DLV_OK);
  assert_int_equal(passes[p].ref(s, aa, ab, sabs), DLV_OK);
  mpfr_t diff, derived;
  mpfr_init2(diff, dlv_mp_prec() + 64);
  mpfr_init2(derived, 300);
  for (size_t i = 0; i < nout; i++) {
    mpfr_sub_d(diff, ex[i], out.val[i], MPFR_RNDN);
    mpfr_abs(diff, diff, MPFR_RNDN);
    derived_err(derived, method, dlv_conv3d_terms(s, p, i), out.val[i],
                out.abs_sum[i]);
    if (mpfr_cmp_d(derived, out.err[i]) > 0)
      fail_msg("%s %s element %zu: err %a below its derivation evaluated "
               "exactly, %a (the certificate is not rounded up)",
               passes[p].name, class_name[cl], i, out.err[i],
               mpfr_get_d(derived, MPFR_RNDU));
    int held = mpfr_cmp_d(diff, out.err[i]) <= 0 &&
               mpfr_cmp_d(sabs[i], out.abs_sum[i]) <= 0;
    double d = mpfr_get_d(diff, MPFR_RNDU);
    int sized = !split ||
                out.err[i] <= split_size(reduction_len(s, p), out.val[i],
                                         out.abs_sum[i]);
    if (!held || !sized || (cl == CL_EXACT && d != 0))
      fail_msg("%s %s element %zu: val %a, exact %a, |diff| %.3g, err "
               "%.3g%s; abs_sum %.17g vs exact %.17g",
               passes[p].name, class_name[cl], i, out.val[i],
               mpfr_get_d(ex[i], MPFR_RNDN), d, out.err[i],
               sized ? "" : " (above SPLIT's size)", out.abs_sum[i],
               mpfr_get_d(sabs[i], MPFR_RNDN));
    if (d > 0 && d / out.err[i] > worst_ratio[cl])
      worst_ratio[cl] = d / out.err[i];
  }
  mpfr_clears(diff, derived, (mpfr_ptr)0);
  dlv_mp_vec_free(ex, nout);
  dlv_mp_vec_free(sabs, nout);
  free(buf);
}

/* The three passes on data of class cl (patchy: the double in L1, F or G
 * as `patched` is 0, 1 or 2). */
static void check_shape(const dlv_conv3d_shape *s, int cl, int patched)
{
  size_t n[3];
  counts(s, n);
  double *l1 = malloc(n[0] * sizeof *l1), *f = malloc(n[1] * sizeof *f),
         *g = malloc(n[2] * sizeof *g);
  assert_true(l1 && f && g);
  for (size_t i = 0; i < n[0]; i++)
    l1[i] = value(cl, 0);
  for (size_t i = 0; i < n[1]; i++)
    f[i] = value(cl, 1);
  for (size_t i = 0; i < n[2]; i++)
    g[i] = value(cl, 1);
  if (cl == CL_PATCHY) { /* one double in operand `patched` alone */
    double *op[] = {l1, f, g};
    size_t at = next_u64() % 2 ? n[patched] - 1 : next_u64() % n[patched];
    op[patched][at] = 1.0 / 3.0;
  }
  check_pass(s, 0, cl, patched, l1, f, n[0], n[1], n[2]);
  check_pass(s, 1, cl, patched, l1, g, n[0], n[2], n[1]);
  check_pass(s, 2, cl, patched, f, g, n[1], n[2], n[0]);
  free(l1);
  free(f);
  free(g);
}

static const dlv_conv3d_shape shapes[] = {
    {1, 1, 1, 1, 1, 1, 1, 1, 1},   {2, 3, 2, 4, 5, 3, 2, 3, 2},
    {1, 2, 3, 2, 17, 9, 3, 2, 2},  {2, 4, 3, 3, 3, 20, 3, 3, 3},
    {1, 2, 2, 5, 33, 2, 1, 2, 4},  {3, 1, 5, 2, 2, 35, 2, 1, 3},
};

static void certificate_holds(void **state)
{
  (void)state;
  rng_state = dlv_seed();
  for (int cl = 0; cl < CL_N; cl++)
    for (size_t k = 0; k < sizeof shapes / sizeof shapes[0]; k++)
      for (int patched = 0; patched < (cl == CL_PATCHY ? 3 : 1); patched++)
        check_shape(&shapes[k], cl, patched);
  for (int cl = 0; cl < CL_N; cl++)
    printf("cert_conv3d: class %-9s worst |val - exact| / err = %.3g over "
           "%zu shapes, 3 passes\n",
           class_name[cl], worst_ratio[cl], sizeof shapes / sizeof shapes[0]);
  dlv_cert_work_free(&work);
}

static void bad_arguments(void **state)
{
  (void)state;
  dlv_conv3d_shape s = {1, 1, 1, 1, 1, 1, 1, 1, 1}, z = s;
  z.cp = 0;
  double a = 1, b = 1, v = 7, e = 7, m = 7;
  dlv_cert_out out = {&v, &e, &m}, none = {NULL, &e, &m};
  dlv_cert_work w = {0};
  assert_int_equal(dlv_cert_conv3d_fwd(NULL, &a, &b, &out), DLV_EINVAL);
  assert_int_equal(dlv_cert_conv3d_bwd_filter(&s, &a, &b, &none),
                   DLV_EINVAL);
  assert_int_equal(dlv_cert_conv3d_bwd_input(&z, &a, &b, &out),
                   DLV_EBADLEN);
  assert_int_equal(dlv_cert_conv3d_fwd_w(&s, NULL, &b, &out, &w), DLV_EINVAL);
  assert_int_equal(dlv_cert_conv3d_bwd_filter_w(&z, &a, &b, &out, &w),
                   DLV_EBADLEN);
  assert_true(w.base == NULL && w.bytes == 0); /* nothing allocated */
  dlv_cert_work_free(&w);
  dlv_cert_work_free(NULL);
  assert_true(v == 7 && e == 7 && m == 7);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(certificate_holds),
      cmocka_unit_test(bad_arguments),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
