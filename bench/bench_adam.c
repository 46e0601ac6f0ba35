/* bench_adam.c: one Adam step (kernels/adam.h, claim P1) on 2^25
 * parameters, float and double, at the in-place update bandwidth of the
 * same run.  Traffic counted as 7 N sizeof (read theta, m, v, g; write
 * theta, m, v).  Compiled when kernels/adam.h exists (bench/CMakeLists.txt).
 * The limit is the in-place update theta += s g (two reads, one write,
 * 3 N sizeof bytes: the STREAM "update" pattern) on the same arrays, timed
 * in the same round robin as the step.
 *
 * Check before timing: the warm-up step (t = 1, bias-corrected form) is
 * compared at 256 sampled elements with the same update evaluated in long
 * double from the saved state, each within P1's elementwise bound
 * dlv_bound_adam_elem (checks/bounds.h) plus 2^-60 of the magnitudes for
 * the long double evaluation itself. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adam.h"
#include "bench.h"
#include "bounds.h"

enum { SAMPLES = 256 };

struct adam_arg {
  int f32;
  size_t n;
  void *theta, *m, *v, *g;
  unsigned long t;
  int status;
};

static const double LR = 1e-3, B1 = 0.9, B2 = 0.999, EPS = 1e-8;

static void run_adam(void *p)
{
  struct adam_arg *a = p;
  a->t++;
  if (a->f32)
    a->status = dlv_adam_step_s(a->n, a->theta, a->m, a->v, a->g, (float)LR,
                                (float)B1, (float)B2, (float)EPS, a->t,
                                DLV_ADAM_BIAS_CORRECTED);
  else
    a->status = dlv_adam_step_d(a->n, a->theta, a->m, a->v, a->g, LR, B1,
                                B2, EPS, a->t, DLV_ADAM_BIAS_CORRECTED);
}

/* The bandwidth probe: theta += 2^-20 g, this thread only (the kernel is
 * single-threaded). */
static void run_update(void *p)
{
  struct adam_arg *a = p;
  if (a->f32) {
    float *x = a->theta;
    const float *g = a->g;
    for (size_t i = 0; i < a->n; i++)
      x[i] += 0x1p-20f * g[i];
  } else {
    double *x = a->theta;
    const double *g = a->g;
    for (size_t i = 0; i < a->n; i++)
      x[i] += 0x1p-20 * g[i];
  }
}

static double get(const void *p, int f32, size_t i)
{
  return f32 ? (double)((const float *)p)[i] : ((const double *)p)[i];
}

static void set(void *p, int f32, size_t i, double x)
{
  if (f32)
    ((float *)p)[i] = (float)x;
  else
    ((double *)p)[i] = x;
}

/* "ok" when the first step (t = 1) matches at the sampled elements. */
static void check_first_step(struct adam_arg *a, char *verdict, size_t len)
{
  size_t idx[SAMPLES];
  double th0[SAMPLES], m0[SAMPLES], v0[SAMPLES];
  uint64_t st = 7;
  for (int k = 0; k < SAMPLES; k++) {
    st = st * 6364136223846793005ULL + 1442695040888963407ULL;
    idx[k] = (size_t)(st >> 20) % a->n;
    th0[k] = get(a->theta, a->f32, idx[k]);
    m0[k] = get(a->m, a->f32, idx[k]);
    v0[k] = get(a->v, a->f32, idx[k]);
  }
  run_adam(a); /* t = 1 */
  /* the hyperparameters as the kernel stores them */
  double b1 = a->f32 ? (float)B1 : B1, b2 = a->f32 ? (float)B2 : B2;
  double eps = a->f32 ? (float)EPS : EPS, lr = a->f32 ? (float)LR : LR;
  dlv_adam_ctx c = dlv_adam_ctx_make(a->f32, lr, b1, b2, eps, 1, 1);
  double worst = 0.0;
  for (int k = 0; k < SAMPLES; k++) {
    long double g = get(a->g, a->f32, idx[k]);
    long double m1 = b1 * (long double)m0[k] + (1.0L - b1) * g;
    long double v1 = b2 * (long double)v0[k] + (1.0L - b2) * g * g;
    long double step = (long double)lr / (1.0L - b1) * m1 /
                       (sqrtl(v1) / sqrtl(1.0L - b2) + eps);
    long double th1 = th0[k] - step;
    dlv_adam_exact x = {m0[k], v0[k], (double)g, (double)m1, (double)v1,
                        (double)th1};
    dlv_adam_err e = dlv_bound_adam_elem(&c, &x, (dlv_adam_err){0});
    double got[3] = {get(a->theta, a->f32, idx[k]), get(a->m, a->f32, idx[k]),
                     get(a->v, a->f32, idx[k])};
    long double want[3] = {th1, m1, v1}; /* not rounded to double */
    double bound[3] = {e.theta, e.m, e.v};
    for (int q = 0; q < 3; q++) {
      long double tol =
          bound[q] + 0x1p-60 * (fabsl(want[q]) + fabs(th0[k]));
      double r = (double)(fabsl(got[q] - want[q]) / tol);
      if (!(r <= worst))
        worst = r;
    }
  }
  if (a->status != 0)
    snprintf(verdict, len, "status %d", a->status);
  else if (worst <= 1.0)
    snprintf(verdict, len, "ok");
  else
    snprintf(verdict, len, "WRONG(%.2g)", worst);
}

void bench_adam(struct bench_ctx *ctx)
{
  (void)ctx; /* limits are measured beside the step */
  size_t n = (size_t)1 << 25;
  struct bench_row rows[2];
  bench_table_header("Adam step (bias-corrected), 2^25 parameters, one "
                     "thread; limit: theta += s g beside it");
  for (int f32 = 1; f32 >= 0; f32--) {
    size_t es = f32 ? sizeof(float) : sizeof(double);
    struct adam_arg a = {f32, n, bench_alloc(n * es), bench_alloc(n * es),
                         bench_alloc(n * es), bench_alloc(n * es), 0, 0};
    uint64_t st = 99;
    for (size_t i = 0; i < n; i++) {
      st = st * 6364136223846793005ULL + 1442695040888963407ULL;
      double r = (double)(st >> 11) * 0x1p-53;
      set(a.theta, f32, i, 2.0 * r - 1.0);
      set(a.g, f32, i, 1.0 - 2.0 * r * r);
      set(a.m, f32, i, 0.01 * (r - 0.5));
      set(a.v, f32, i, 1e-4 * r);
    }
    struct bench_row *r = &rows[1 - f32];
    memset(r, 0, sizeof *r);
    snprintf(r->kernel, sizeof r->kernel, "adam");
    snprintf(r->variant, sizeof r->variant, "dlv_adam_step");
    snprintf(r->pass, sizeof r->pass, "step");
    snprintf(r->dtype, sizeof r->dtype, "%s", f32 ? "float" : "double");
    snprintf(r->shape, sizeof r->shape, "2^25");
    check_first_step(&a, r->check, sizeof r->check);
    bench_fn fns[2] = {run_adam, run_update};
    void *args[2] = {&a, &a};
    struct timing t[2];
    bench_time_rr(fns, args, 2, 2.0, t);
    r->median_s = t[0].median;
    r->best_s = t[0].best;
    r->rate = 7.0 * (double)(n * es) / t[0].median / 1e9;
    r->unit = "GB/s";
    r->limit = 3.0 * (double)(n * es) / t[1].median / 1e9;
    free(a.theta);
    free(a.m);
    free(a.v);
    free(a.g);
  }
  bench_emit(ctx, rows, 2, NULL, 0);
}
