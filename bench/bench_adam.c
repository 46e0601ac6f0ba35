/* bench_adam.c: one Adam step (include/dlv/adam.h, claim P1) on 2^25
 * parameters, float and double, on the run's threads, at the in-place
 * update bandwidth of the same run.  Variants: both forms (exam,
 * bias-corrected), each with the default schedule (2pass: grad scanned,
 * then the update) and DLV_ADAM_ONE_PASS (1pass).  Traffic counted as
 * 7 N sizeof for all (read theta, m, v, g; write theta, m, v: what one
 * step must move), so the rates compare times; 2pass really moves 8 N.
 * Compiled when include/dlv/adam.h exists (bench/CMakeLists.txt).
 * The limit is the in-place update theta += s g (two reads, one write,
 * 3 N sizeof bytes: the STREAM "update" pattern) on the same arrays and
 * threads, timed in the same round robin as the step.
 *
 * Check before timing: each variant runs a first step (t = 1) on fresh
 * state, compared at the first and last elements, both sides of every
 * block boundary of the kernel's split and 256 random elements with the
 * same update (the variant's form) evaluated in long
 * double from the saved state, each within P1's elementwise bound
 * dlv_bound_adam_elem (checks/bounds.h) plus 2^-60 of the magnitudes for
 * the long double evaluation itself.
 *
 * The float table adds dlv_adam_step_bf16 (lowp.h, issue 18): bf16 theta
 * and gradient, float master weights and moments.  Its rate counts the
 * bytes it really moves, BF16_MASTER_BYTES = 30 an element: g read twice
 * (the scan before any write, then the step) 4, master, m, v read and
 * written 24, theta written 2 (a store-only stream: the caches also read
 * its lines first, 2 more bytes that the limit's pattern does not have);
 * its check is the float step's on the master weights (g read exactly
 * from bf16) and theta = bf16(master) at the same elements. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adam.h"
#include "bench.h"
#include "bounds.h"
#include "lowp.h"

/* BLOCK: the Adam kernel's block (adam.h); RANDOM samples besides the
 * block boundaries; MAX_SAMPLES covers 2^25 elements. */
enum { BLOCK = 1 << 16, RANDOM = 256, MAX_SAMPLES = 2 + 2 * 512 + RANDOM };

/* Bytes a bf16 master-weight step moves per element (above). */
enum { BF16_MASTER_BYTES = 30 };

struct adam_arg {
  int f32;
  size_t n;
  void *theta, *m, *v, *g; /* theta: the master weights of the bf16 step */
  dlv_bf16 *theta16, *g16; /* the bf16 step's (NULL: the float step) */
  unsigned long t;
  int form; /* dlv_adam_form bits */
  int status;
};

static const double LR = 1e-3, B1 = 0.9, B2 = 0.999, EPS = 1e-8;

static void run_adam(void *p)
{
  struct adam_arg *a = p;
  a->t++;
  if (a->theta16 != NULL)
    a->status = dlv_adam_step_bf16(a->n, a->theta16, a->theta, a->m, a->v,
                                   a->g16, (float)LR, (float)B1, (float)B2,
                                   (float)EPS, a->t, a->form);
  else if (a->f32)
    a->status = dlv_adam_step_s(a->n, a->theta, a->m, a->v, a->g, (float)LR,
                                (float)B1, (float)B2, (float)EPS, a->t,
                                a->form);
  else
    a->status = dlv_adam_step_d(a->n, a->theta, a->m, a->v, a->g, LR, B1,
                                B2, EPS, a->t, a->form);
}

/* The bandwidth probe: theta += 2^-20 g on all threads of the run, each
 * on one contiguous range (as the kernel splits its blocks). */
static void run_update(void *p)
{
  struct adam_arg *a = p;
  if (a->f32) {
    float *x = a->theta;
    const float *g = a->g;
#pragma omp parallel for simd schedule(static)
    for (size_t i = 0; i < a->n; i++)
      x[i] += 0x1p-20f * g[i];
  } else {
    double *x = a->theta;
    const double *g = a->g;
#pragma omp parallel for simd schedule(static)
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

/* The sampled elements: the first and last, both sides of every block
 * boundary of the kernel's split (2^16 elements, adam.h), and RANDOM
 * more; returns how many. */
static size_t sample_indices(size_t n, size_t *idx)
{
  size_t k = 0;
  idx[k++] = 0;
  idx[k++] = n - 1;
  for (size_t b = BLOCK; b < n && k + 2 <= MAX_SAMPLES - RANDOM;
       b += BLOCK) {
    idx[k++] = b - 1;
    idx[k++] = b;
  }
  uint64_t st = 7;
  for (int r = 0; r < RANDOM; r++) {
    st = st * 6364136223846793005ULL + 1442695040888963407ULL;
    idx[k++] = (size_t)(st >> 20) % n;
  }
  return k;
}

/* "ok" when the first step (t = 1, the variant's form and schedule)
 * matches at the sampled elements. */
static void check_first_step(struct adam_arg *a, char *verdict, size_t len)
{
  static size_t idx[MAX_SAMPLES];
  static double th0[MAX_SAMPLES], m0[MAX_SAMPLES], v0[MAX_SAMPLES];
  size_t ns = sample_indices(a->n, idx);
  for (size_t k = 0; k < ns; k++) {
    th0[k] = get(a->theta, a->f32, idx[k]);
    m0[k] = get(a->m, a->f32, idx[k]);
    v0[k] = get(a->v, a->f32, idx[k]);
  }
  run_adam(a); /* t = 1 */
  /* the hyperparameters as the kernel stores them */
  double b1 = a->f32 ? (float)B1 : B1, b2 = a->f32 ? (float)B2 : B2;
  double eps = a->f32 ? (float)EPS : EPS, lr = a->f32 ? (float)LR : LR;
  int corrected = (a->form & DLV_ADAM_BIAS_CORRECTED) != 0;
  long double bc1 = corrected ? 1.0L - b1 : 1.0L;
  long double bc2 = corrected ? 1.0L - b2 : 1.0L;
  dlv_adam_ctx c = dlv_adam_ctx_make(a->f32, lr, b1, b2, eps, 1, corrected);
  double worst = 0.0;
  for (size_t k = 0; k < ns; k++) {
    long double g = get(a->g, a->f32, idx[k]);
    long double m1 = b1 * (long double)m0[k] + (1.0L - b1) * g;
    long double v1 = b2 * (long double)v0[k] + (1.0L - b2) * g * g;
    long double step =
        (long double)lr / bc1 * m1 / (sqrtl(v1) / sqrtl(bc2) + eps);
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
      worst = bench_worse(worst, (double)(fabsl(got[q] - want[q]) / tol));
    }
  }
  if (a->status != 0)
    snprintf(verdict, len, "status %d", a->status);
  else if (worst <= 1.0)
    snprintf(verdict, len, "ok");
  else
    snprintf(verdict, len, "WRONG(%.2g)", worst);
}

/* The step's schedules measured: the default (grad scanned, then the
 * update: 8 N transfers) and DLV_ADAM_ONE_PASS (7 N), for both forms. */
static const struct {
  const char *name;
  int form;
} VARIANTS[] = {
    {"corrected_2pass", DLV_ADAM_BIAS_CORRECTED},
    {"corrected_1pass", DLV_ADAM_BIAS_CORRECTED | DLV_ADAM_ONE_PASS},
    {"exam_2pass", DLV_ADAM_EXAM},
    {"exam_1pass", DLV_ADAM_EXAM | DLV_ADAM_ONE_PASS},
};
enum { NV = sizeof VARIANTS / sizeof VARIANTS[0] };

/* The benchmark's state: theta in [-1, 1), g in (-1, 1], m, v small. */
static void fill_state(struct adam_arg *a)
{
  uint64_t st = 99;
  for (size_t i = 0; i < a->n; i++) {
    st = st * 6364136223846793005ULL + 1442695040888963407ULL;
    double r = (double)(st >> 11) * 0x1p-53;
    set(a->theta, a->f32, i, 2.0 * r - 1.0);
    set(a->g, a->f32, i, 1.0 - 2.0 * r * r);
    set(a->m, a->f32, i, 0.01 * (r - 0.5));
    set(a->v, a->f32, i, 1e-4 * r);
  }
}

/* The bf16 step's operands: g rounded to bf16 (and the float g set to
 * it, exactly), theta = bf16(master). */
static void fill_bf16(struct adam_arg *a)
{
  float *g = a->g, *master = a->theta;
  for (size_t i = 0; i < a->n; i++) {
    a->g16[i] = dlv_bf16_from_float(g[i]);
    g[i] = dlv_bf16_to_float(a->g16[i]);
    a->theta16[i] = dlv_bf16_from_float(master[i]);
  }
}

/* After a checked first step: theta is the master weights rounded once to
 * bf16 at the sampled elements ("ok" kept, else the verdict replaced). */
static void check_bf16_theta(const struct adam_arg *a, char *verdict,
                             size_t len)
{
  static size_t idx[MAX_SAMPLES];
  size_t ns = sample_indices(a->n, idx);
  const float *master = a->theta;
  for (size_t k = 0; k < ns; k++)
    if (a->theta16[idx[k]].bits !=
        dlv_bf16_from_float(master[idx[k]]).bits) {
      snprintf(verdict, len, "WRONG(theta %zu)", idx[k]);
      return;
    }
}

/* The bf16 step's row (float table): its arrays beside the float ones. */
static void add_bf16_variant(struct adam_arg *a, struct bench_row *r)
{
  snprintf(r->variant, sizeof r->variant, "bf16_master_2pass");
  a->form = DLV_ADAM_BIAS_CORRECTED;
  a->theta16 = bench_alloc(a->n * sizeof *a->theta16);
  a->g16 = bench_alloc(a->n * sizeof *a->g16);
  fill_bf16(a);
  check_first_step(a, r->check, sizeof r->check);
  if (strcmp(r->check, "ok") == 0)
    check_bf16_theta(a, r->check, sizeof r->check);
}

/* One dtype: every variant checked (first step, bias-corrected, on fresh
 * state), then all timed in one round robin with the update probe; float
 * adds the bf16 step (row NV).  Returns the number of rows. */
static int bench_adam_dtype(int f32, struct bench_row *rows)
{
  size_t n = (size_t)1 << 25, es = f32 ? sizeof(float) : sizeof(double);
  const int nv = NV + (f32 ? 1 : 0);
  struct adam_arg a[NV + 2];
  a[0] = (struct adam_arg){f32,  n,    bench_alloc(n * es),
                           bench_alloc(n * es), bench_alloc(n * es),
                           bench_alloc(n * es), NULL, NULL, 0, 0, 0};
  bench_fn fns[NV + 2];
  void *args[NV + 2];
  for (int k = 0; k < nv; k++) {
    struct bench_row *r = &rows[k];
    memset(r, 0, sizeof *r);
    snprintf(r->kernel, sizeof r->kernel, "adam");
    snprintf(r->pass, sizeof r->pass, "step");
    snprintf(r->dtype, sizeof r->dtype, "%s", f32 ? "float" : "double");
    snprintf(r->shape, sizeof r->shape, "2^25");
    a[k] = a[0];
    a[k].t = 0; /* a[0] itself has stepped when k > 0 */
    fill_state(&a[k]);
    if (k == NV) {
      add_bf16_variant(&a[k], r);
    } else {
      snprintf(r->variant, sizeof r->variant, "%s", VARIANTS[k].name);
      a[k].form = VARIANTS[k].form;
      check_first_step(&a[k], r->check, sizeof r->check);
    }
    fns[k] = run_adam;
    args[k] = &a[k];
  }
  a[nv] = a[0];
  fns[nv] = run_update;
  args[nv] = &a[nv];
  struct timing t[NV + 2];
  bench_time_rr(fns, args, nv + 1, 4.0, t);
  for (int k = 0; k < nv; k++) {
    bench_row_time(&rows[k], &t[k]);
    double bytes = k == NV ? (double)BF16_MASTER_BYTES * (double)n
                           : 7.0 * (double)(n * es);
    rows[k].rate = bytes / t[k].median / 1e9;
    rows[k].unit = "GB/s";
    rows[k].limit = 3.0 * (double)(n * es) / t[nv].median / 1e9;
    if (a[k].status != 0) /* a timed step failed */
      snprintf(rows[k].check, sizeof rows[k].check, "status %d",
               a[k].status);
  }
  free(a[0].theta);
  free(a[0].m);
  free(a[0].v);
  free(a[0].g);
  if (f32) {
    free(a[NV].theta16);
    free(a[NV].g16);
  }
  return nv;
}

void bench_adam(struct bench_ctx *ctx)
{
  struct bench_row rows[NV + 1];
  char title[256];
  snprintf(title, sizeof title,
           "Adam step, 2^25 parameters, %d thread%s; GB/s counts 7 N "
           "transfers for the float and double variants (2pass moves 8 N), "
           "%d bytes an element for bf16_master_2pass; limit: theta += s g "
           "beside it",
           ctx->threads, ctx->threads > 1 ? "s" : "", BF16_MASTER_BYTES);
  bench_table_header(title);
  static const char *const peers[] = {"corrected_2pass", "corrected_1pass"};
  for (int f32 = 1; f32 >= 0; f32--) {
    int nrows = bench_adam_dtype(f32, rows);
    bench_emit(ctx, rows, nrows, peers, 2);
  }
}
