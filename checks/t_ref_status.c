/* t_ref_status.c: the MPFR twins refuse what their kernels refuse.  A
 * twin's header gives its statuses as its kernel's (the headers in
 * reference/), so every argument error and special value below is put to
 * the twin and to its kernel, and the two statuses must agree: the
 * Adam step (t = 0 in the bias-corrected form, eps 0 or negative or NaN,
 * beta 1 or negative, lr NaN or infinite, a form bit that does not exist),
 * the prox operator on an MPFR vector (tau negative, infinite or NaN; a
 * NaN or an infinity in v), the 3D convolutions (each extent 0; the
 * kernels' sizes say DLV_EBADLEN), the line search (n = 0: DLV_EBADLEN).
 * Found so: the Adam twin took a NaN or infinite lr and an infinite eps,
 * the line search's twin answered n = 0 with DLV_EINVAL.  The twins'
 * own domains where no kernel has the call: the bias correction at t = 0
 * or b outside [0, 1), the Adam twin's forms beyond its two.  Also the
 * norms and their gradients (double and bf16: NULL, stride 0, NaN, Inf,
 * both, zeros), the double-input prox (NULL, stride 0) and the linear
 * layers (NULL, m n overflowing). */
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>

#include <cmocka.h>
#include <mpfr.h>

#include "adam.h"
#include "conv3d.h"
#include "dlv_status.h"
#include "hvp.h"
#include "loss.h"
#include "lowp.h"
#include "noisy_linear.h"
#include "nrm2.h"
#include "prox_group.h"
#include "ref_adam.h"
#include "ref_conv3d.h"
#include "ref_hvp.h"
#include "ref_logistic.h"
#include "ref_quadratic.h"
#include "ref_lowp.h"
#include "ref_noisy_linear.h"
#include "ref_nrm2.h"
#include "ref_prox_group.h"

enum { PREC = 128 };

static void agree(const char *what, int twin, int kernel, int want)
{
  if (twin != kernel || twin != want)
    fail_msg("%s: twin %d, kernel %d, expected %d", what, twin, kernel, want);
}

typedef struct {
  const char *what;
  double lr, b1, b2, eps;
  unsigned long t;
  int form;
} adam_args;

/* One element (theta 1, m 0, v 0, g 1) through both steps. */
static void adam_pair(const adam_args *a)
{
  double th = 1.0, m = 0.0, v = 0.0, g = 1.0;
  mpfr_t mt, mm, mv, mg;
  mpfr_inits2(PREC, mt, mm, mv, mg, (mpfr_ptr)0);
  mpfr_set_d(mt, th, MPFR_RNDN);
  mpfr_set_d(mm, m, MPFR_RNDN);
  mpfr_set_d(mv, v, MPFR_RNDN);
  mpfr_set_d(mg, g, MPFR_RNDN);
  int twin = dlv_ref_adam_step(1, &mt, &mm, &mv, &mg, a->lr, a->b1, a->b2,
                               a->eps, a->t, a->form);
  int kernel = dlv_adam_step_d(1, &th, &m, &v, &g, a->lr, a->b1, a->b2,
                               a->eps, a->t, a->form);
  agree(a->what, twin, kernel, DLV_EINVAL);
  mpfr_clears(mt, mm, mv, mg, (mpfr_ptr)0);
}

static void adam_twin_refuses_as_the_kernel(void **state)
{
  (void)state;
  const adam_args bad[] = {
      {"t = 0, bias-corrected", 1e-3, 0.9, 0.999, 1e-8, 0, 1},
      {"eps = 0", 1e-3, 0.9, 0.999, 0.0, 1, 0},
      {"eps < 0", 1e-3, 0.9, 0.999, -1e-8, 1, 0},
      {"eps NaN", 1e-3, 0.9, 0.999, NAN, 1, 1},
      {"eps infinite", 1e-3, 0.9, 0.999, INFINITY, 1, 0},
      {"beta1 = 1", 1e-3, 1.0, 0.999, 1e-8, 1, 0},
      {"beta2 = 1", 1e-3, 0.9, 1.0, 1e-8, 1, 1},
      {"beta1 < 0", 1e-3, -0.5, 0.999, 1e-8, 1, 0},
      {"lr NaN", NAN, 0.9, 0.999, 1e-8, 1, 0},
      {"lr infinite", INFINITY, 0.9, 0.999, 1e-8, 1, 1},
      {"a form bit that does not exist", 1e-3, 0.9, 0.999, 1e-8, 1, 4}};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    adam_pair(&bad[i]);
}

/* The twin's own domain: forms 0 and 1 only (ref_adam.h; the kernel's
 * DLV_ADAM_ONE_PASS is a schedule, not a formula); the bias correction
 * 1 - b^t for t >= 1 and b in [0, 1). */
static void adam_twin_domain(void **state)
{
  (void)state;
  mpfr_t x, bc;
  mpfr_inits2(PREC, x, bc, (mpfr_ptr)0);
  mpfr_set_d(x, 1.0, MPFR_RNDN);
  for (int form = 2; form <= 3; form++)
    assert_int_equal(dlv_ref_adam_step(1, &x, &x, &x, &x, 1e-3, 0.9, 0.999,
                                       1e-8, 1, form),
                     DLV_EINVAL);
  const double bs[] = {0.9, 1.0, -0.1, NAN};
  const unsigned long ts[] = {0, 1, 1, 1};
  for (size_t i = 0; i < sizeof bs / sizeof bs[0]; i++) {
    mpfr_set_d(bc, 7.0, MPFR_RNDN);
    if (dlv_ref_adam_bias_correction(bs[i], ts[i], bc) != DLV_EINVAL)
      fail_msg("bias correction b %g t %lu accepted", bs[i], ts[i]);
    assert_true(mpfr_cmp_d(bc, 7.0) == 0); /* untouched */
  }
  assert_int_equal(dlv_ref_adam_bias_correction(0.5, 2, bc), DLV_OK);
  assert_true(mpfr_cmp_d(bc, 0.75) == 0);
  mpfr_clears(x, bc, (mpfr_ptr)0);
}

/* dlv_ref_prox_group_mp against dlv_prox_group_d on the same v. */
static void prox_pair(const char *what, double v0, double v1, double tau,
                      int want)
{
  double v[2] = {v0, v1}, out[2];
  mpfr_t mv[2], mo[2];
  for (int i = 0; i < 2; i++) {
    mpfr_inits2(PREC, mv[i], mo[i], (mpfr_ptr)0);
    mpfr_set_d(mv[i], v[i], MPFR_RNDN);
  }
  agree(what, dlv_ref_prox_group_mp(2, mv, tau, mo),
        dlv_prox_group_d(2, v, 1, tau, out, 1), want);
  for (int i = 0; i < 2; i++)
    mpfr_clears(mv[i], mo[i], (mpfr_ptr)0);
}

static void prox_twin_refuses_as_the_kernel(void **state)
{
  (void)state;
  prox_pair("tau < 0", 1.0, 2.0, -0.5, DLV_EINVAL);
  prox_pair("tau infinite", 1.0, 2.0, INFINITY, DLV_EINVAL);
  prox_pair("tau NaN", 1.0, 2.0, NAN, DLV_EINVAL);
  prox_pair("a NaN in v", 1.0, NAN, 0.5, DLV_ENAN);
  prox_pair("an infinity in v", -INFINITY, 1.0, 0.5, DLV_EDOM);
}

/* Each extent 0: the kernels' sizes refuse the shape; so must each twin. */
static void conv3d_twins_refuse_as_the_kernels(void **state)
{
  (void)state;
  double in[64] = {0};
  mpfr_t out[64];
  for (int i = 0; i < 64; i++)
    mpfr_init2(out[i], PREC);
  for (int k = 0; k < 9; k++) {
    size_t e[9] = {1, 2, 1, 2, 1, 1, 1, 1, 2};
    e[k] = 0;
    dlv_conv3d_shape s = {e[0], e[1], e[2], e[3], e[4], e[5], e[6], e[7], e[8]};
    size_t a, b, c;
    int kernel = dlv_conv3d_sizes(&s, &a, &b, &c);
    agree("forward, an extent 0", dlv_ref_conv3d_fwd(&s, in, in, out), kernel,
          DLV_EBADLEN);
    agree("filter gradient, an extent 0",
          dlv_ref_conv3d_bwd_filter(&s, in, in, out), kernel, DLV_EBADLEN);
    agree("input gradient, an extent 0",
          dlv_ref_conv3d_bwd_input(&s, in, in, out), kernel, DLV_EBADLEN);
  }
  for (int i = 0; i < 64; i++)
    mpfr_clear(out[i]);
}

static void linesearch_twin_refuses_as_the_kernel(void **state)
{
  (void)state;
  double g[1] = {1.0}, hg[1] = {1.0}, lambda;
  mpfr_t mhg[1], ml;
  mpfr_inits2(PREC, mhg[0], ml, (mpfr_ptr)0);
  mpfr_set_d(mhg[0], 1.0, MPFR_RNDN);
  agree("n = 0", dlv_ref_linesearch_step(0, g, mhg, ml),
        dlv_linesearch_step_d(0, g, hg, 0.0, &lambda), DLV_EBADLEN);
  mpfr_clears(mhg[0], ml, (mpfr_ptr)0);
}

/* The norm and its gradient, double and bf16, on special vectors and bad
 * arguments: the twin's status is the kernel's. */
static void norm_twins_refuse_as_the_kernels(void **state)
{
  (void)state;
  const double xs[][2] = {{NAN, 1.0}, {INFINITY, 1.0}, {INFINITY, NAN},
                          {NAN, -INFINITY}, {0.0, -0.0}, {3.0, 4.0}};
  mpfr_t r, g[2];
  mpfr_inits2(PREC, r, g[0], g[1], (mpfr_ptr)0);
  for (size_t i = 0; i < sizeof xs / sizeof xs[0]; i++) {
    double res, gd[2];
    float rf;
    dlv_bf16 xb[2] = {dlv_bf16_from_double(xs[i][0]),
                      dlv_bf16_from_double(xs[i][1])},
             gb[2];
    uint16_t pb[2] = {xb[0].bits, xb[1].bits};
    int k = dlv_nrm2_d(2, xs[i], 1, &res);
    agree("nrm2", dlv_ref_nrm2(2, xs[i], 1, r), k, k);
    k = dlv_nrm2_grad_d(2, xs[i], 1, gd, 1);
    agree("nrm2_grad", dlv_ref_nrm2_grad(2, xs[i], 1, g), k, k);
    k = dlv_nrm2_bf16(2, xb, 1, &rf);
    agree("nrm2 bf16", dlv_ref_lowp_nrm2(2, pb, 1, DLV_REF_BF16, r), k, k);
    k = dlv_nrm2_grad_bf16(2, xb, 1, gb, 1);
    agree("nrm2_grad bf16",
          dlv_ref_lowp_nrm2_grad(2, pb, 1, DLV_REF_BF16, g), k, k);
  }
  const double one[2] = {1.0, 2.0};
  double res, gd[2];
  agree("nrm2, x NULL", dlv_ref_nrm2(2, NULL, 1, r),
        dlv_nrm2_d(2, NULL, 1, &res), DLV_EINVAL);
  agree("nrm2, stride 0", dlv_ref_nrm2(2, one, 0, r),
        dlv_nrm2_d(2, one, 0, &res), DLV_EINVAL);
  agree("nrm2_grad, stride 0", dlv_ref_nrm2_grad(2, one, 0, g),
        dlv_nrm2_grad_d(2, one, 0, gd, 1), DLV_EINVAL);
  agree("nrm2_grad, n = 0", dlv_ref_nrm2_grad(0, one, 1, g),
        dlv_nrm2_grad_d(0, one, 1, gd, 1), DLV_EDOM);
  mpfr_clears(r, g[0], g[1], (mpfr_ptr)0);
}

static void prox_and_layer_twins_refuse_as_the_kernels(void **state)
{
  (void)state;
  double v[2] = {1.0, 2.0}, out[2], z[2];
  mpfr_t mo[2];
  mpfr_inits2(PREC, mo[0], mo[1], (mpfr_ptr)0);
  agree("prox, v NULL", dlv_ref_prox_group(2, NULL, 1, 0.5, mo),
        dlv_prox_group_d(2, NULL, 1, 0.5, out, 1), DLV_EINVAL);
  agree("prox, stride 0", dlv_ref_prox_group(2, v, 0, 0.5, mo),
        dlv_prox_group_d(2, v, 0, 0.5, out, 1), DLV_EINVAL);
  agree("prox, tau NaN", dlv_ref_prox_group(2, v, 1, NAN, mo),
        dlv_prox_group_d(2, v, 1, NAN, out, 1), DLV_EINVAL);
  agree("linear, w NULL", dlv_ref_linear(1, 2, NULL, v, mo),
        dlv_linear_d(1, 2, NULL, v, z, NULL), DLV_EINVAL);
  agree("linear, x NULL", dlv_ref_linear(1, 2, v, NULL, mo),
        dlv_linear_d(1, 2, v, NULL, z, NULL), DLV_EINVAL);
  agree("noisy linear, z NULL", dlv_ref_noisy_linear(1, 2, v, v, v, NULL),
        dlv_noisy_linear_d(1, 2, v, v, v, NULL, NULL), DLV_EINVAL);
  size_t huge = (size_t)1 << 40; /* m n overflows any byte count */
  agree("linear, m n overflowing", dlv_ref_linear(huge, huge, v, v, mo),
        dlv_linear_d(huge, huge, v, v, z, NULL), DLV_EBADLEN);
  mpfr_clears(mo[0], mo[1], (mpfr_ptr)0);
}

/* The EMA: beta outside [0, 1), a NaN, an infinity, both (adam.h). */
static void ema_twin_refuses_as_the_kernel(void **state)
{
  (void)state;
  const double betas[] = {1.0, -0.5, NAN, 0.5, 0.5, 0.5, 0.5};
  const double x1s[] = {1.0, 1.0, 1.0, NAN, INFINITY, NAN, 2.0};
  const double x0s[] = {1.0, 1.0, 1.0, 1.0, 1.0, -INFINITY, 3.0};
  mpfr_t ma[2], mx[2];
  for (int i = 0; i < 2; i++)
    mpfr_inits2(PREC, ma[i], mx[i], (mpfr_ptr)0);
  for (size_t k = 0; k < sizeof betas / sizeof betas[0]; k++) {
    double avg[2] = {0.5, 0.25}, x[2] = {x0s[k], x1s[k]};
    for (int i = 0; i < 2; i++) {
      mpfr_set_d(ma[i], avg[i], MPFR_RNDN);
      mpfr_set_d(mx[i], x[i], MPFR_RNDN);
    }
    int kernel = dlv_ema_d(2, avg, x, betas[k]);
    agree("ema", dlv_ref_ema(2, ma, mx, betas[k]), kernel, kernel);
  }
  for (int i = 0; i < 2; i++)
    mpfr_clears(ma[i], mx[i], (mpfr_ptr)0);
}

/* The 3D convolutions' NULL operands and outputs (conv3d.h: DLV_EINVAL). */
static void conv3d_twins_refuse_null_as_the_kernels(void **state)
{
  (void)state;
  dlv_conv3d_shape s = {1, 1, 1, 1, 1, 1, 1, 1, 1};
  double d[1] = {1.0}, out[1];
  mpfr_t mo[1];
  mpfr_init2(mo[0], PREC);
  for (int which = 0; which < 3; which++) {
    const double *a = which == 0 ? NULL : d, *b = which == 1 ? NULL : d;
    mpfr_t *o = which == 2 ? NULL : mo;
    double *ko = which == 2 ? NULL : out;
    agree("forward, a NULL argument", dlv_ref_conv3d_fwd(&s, a, b, o),
          dlv_conv3d_fwd_d(&s, DLV_CONV3D_DIRECT, a, b, ko, NULL, 0),
          DLV_EINVAL);
    agree("filter gradient, a NULL argument",
          dlv_ref_conv3d_bwd_filter(&s, a, b, o),
          dlv_conv3d_bwd_filter_d(&s, DLV_CONV3D_DIRECT, a, b, ko, NULL, 0),
          DLV_EINVAL);
    agree("input gradient, a NULL argument",
          dlv_ref_conv3d_bwd_input(&s, a, b, o),
          dlv_conv3d_bwd_input_d(&s, DLV_CONV3D_DIRECT, a, b, ko, NULL, 0),
          DLV_EINVAL);
  }
  agree("forward, shape NULL", dlv_ref_conv3d_fwd(NULL, d, d, mo),
        dlv_conv3d_fwd_d(NULL, DLV_CONV3D_DIRECT, d, d, out, NULL, 0),
        DLV_EINVAL);
  mpfr_clear(mo[0]);
}

/* The smooth losses: NULL problem, data or theta, n = 0, a NaN in theta,
 * labels other than +-1, m = 0 (loss.h). */
static void loss_twins_refuse_as_the_kernels(void **state)
{
  (void)state;
  const double a[4] = {2, 1, 1, 3}, b[2] = {1, -1}, th[2] = {0.5, -0.25};
  const double thn[2] = {NAN, 1.0}, x[4] = {1, 2, 3, 4};
  const double y[2] = {1, -1}, ybad[2] = {1, 0.5};
  double val, grad[2];
  mpfr_t mv, mg[2];
  mpfr_inits2(PREC, mv, mg[0], mg[1], (mpfr_ptr)0);
  const double *ts[3] = {th, thn, NULL};
  const dlv_quadratic qs[] = {{2, a, b}, {2, NULL, b}, {2, a, NULL}, {0, a, b}};
  for (size_t i = 0; i < 3 * sizeof qs / sizeof qs[0]; i++) {
    int kernel = dlv_loss_quadratic_d(&qs[i / 3], ts[i % 3], &val, grad);
    agree("quadratic", dlv_ref_loss_quadratic(&qs[i / 3], ts[i % 3], mv, mg),
          kernel, kernel);
  }
  agree("quadratic, problem NULL", dlv_ref_loss_quadratic(NULL, th, mv, mg),
        dlv_loss_quadratic_d(NULL, th, &val, grad), DLV_EINVAL);
  const dlv_logistic ps[] = {{2, 2, x, y}, {2, 2, x, ybad}, {0, 2, x, y},
                             {2, 2, NULL, y}, {2, 2, x, NULL}, {2, 0, x, y}};
  for (size_t i = 0; i < 3 * sizeof ps / sizeof ps[0]; i++) {
    int kernel = dlv_loss_logistic_d(&ps[i / 3], ts[i % 3], &val, grad);
    agree("logistic", dlv_ref_loss_logistic(&ps[i / 3], ts[i % 3], mv, mg),
          kernel, kernel);
  }
  mpfr_clears(mv, mg[0], mg[1], (mpfr_ptr)0);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(adam_twin_refuses_as_the_kernel),
      cmocka_unit_test(adam_twin_domain),
      cmocka_unit_test(prox_twin_refuses_as_the_kernel),
      cmocka_unit_test(conv3d_twins_refuse_as_the_kernels),
      cmocka_unit_test(linesearch_twin_refuses_as_the_kernel),
      cmocka_unit_test(norm_twins_refuse_as_the_kernels),
      cmocka_unit_test(prox_and_layer_twins_refuse_as_the_kernels),
      cmocka_unit_test(ema_twin_refuses_as_the_kernel),
      cmocka_unit_test(conv3d_twins_refuse_null_as_the_kernels),
      cmocka_unit_test(loss_twins_refuse_as_the_kernels),
  };
  return cmocka_run_group_tests_name("reference statuses", tests, NULL, NULL);
}
