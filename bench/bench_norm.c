/* bench_norm.c: ||x|| of 2^25 doubles (the P4a kernel, safe from overflow
 * and underflow) beside OpenBLAS cblas_dnrm2 (safe: x87 accumulation) and
 * the naive vectorised sqrt(sum x^2) (fast, unsafe past 1e154: context
 * only).  Each result is checked against a long double sum within P4a's
 * bound before it is timed.  The limit is the read bandwidth of one
 * thread measured on the same data just before (read_sum; the kernels
 * here are single-threaded), not the all-threads figure of bench_machine. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>

#include "bench.h"
#include "bounds.h"
#include "nrm2.h"

struct norm_arg {
  int which;
  size_t n;
  const double *x;
  double *g;
  double result;
};

enum { NORM_READ, NORM_DLV, NORM_OPENBLAS, NORM_NAIVE, NORM_GRAD,
       NORM_KINDS };
static const char *const norm_variant[] = {"read_sum", "dlv_nrm2_d",
                                           "cblas_dnrm2", "naive_unsafe",
                                           "dlv_nrm2_grad_d"};

/* The STREAM read kernel on the same data, this thread only: the limit
 * of a one-pass norm, measured right beside it. */
static double read_sum(size_t n, const double *x)
{
  double s = 0.0;
#pragma omp simd reduction(+ : s)
  for (size_t i = 0; i < n; i++)
    s += x[i];
  return s;
}

static double naive(size_t n, const double *x)
{
  double s = 0.0;
#pragma omp simd reduction(+ : s)
  for (size_t i = 0; i < n; i++)
    s += x[i] * x[i];
  return sqrt(s);
}

static void run_norm(void *p)
{
  struct norm_arg *a = p;
  switch (a->which) {
  case NORM_READ:
    a->result = read_sum(a->n, a->x);
    break;
  case NORM_DLV:
    dlv_nrm2_d(a->n, a->x, 1, &a->result);
    break;
  case NORM_OPENBLAS:
    a->result = cblas_dnrm2((int)a->n, a->x, 1);
    break;
  case NORM_NAIVE:
    a->result = naive(a->n, a->x);
    break;
  default:
    dlv_nrm2_grad_d(a->n, a->x, 1, a->g, 1);
    a->result = a->g[0];
  }
}

void bench_norm(struct bench_ctx *ctx)
{
  size_t n = (size_t)1 << 25;
  double *x = bench_alloc(n * sizeof *x), *g = bench_alloc(n * sizeof *g);
  srand(12345);
  long double ss = 0.0L, sum = 0.0L;
  for (size_t i = 0; i < n; i++) {
    x[i] = 2.0 * rand() / RAND_MAX - 1.0;
    ss += (long double)x[i] * x[i];
    sum += x[i];
  }
  double ref = (double)sqrtl(ss);
  /* the kernel's bound plus the long double sum's own gamma_n(2^-64)
   * (the naive loop is held to the same bound: on these benign data it
   * meets it) */
  double tol = dlv_bound_nrm2_d(n).rel + dlv_gamma((double)n, 0x1p-64);
  struct bench_row rows[NORM_KINDS];
  struct norm_arg args[NORM_KINDS];
  void *argp[NORM_KINDS];
  bench_table_header("Euclidean norm, 2^25 doubles (256 MiB), one thread; "
                     "limit: read_sum on the same data");
  for (int k = 0; k < NORM_KINDS; k++) {
    struct norm_arg a = {k, n, x, g, NAN};
    run_norm(&a);
    args[k] = a;
    argp[k] = &args[k];
    double expect = k == NORM_GRAD ? x[0] / ref : ref;
    double rel = fabs(a.result - expect) / fabs(expect);
    double tol_k = k == NORM_GRAD ? dlv_bound_nrm2_grad_d(n).rel + tol : tol;
    if (k == NORM_READ) /* a sum: gamma_n sum|x_i| absolute */
      rel = fabs(a.result - (double)sum) /
            (dlv_gamma((double)n, DLV_U_DOUBLE) * (double)n), tol_k = 1.0;
    struct bench_row *r = &rows[k];
    memset(r, 0, sizeof *r);
    snprintf(r->kernel, sizeof r->kernel, "nrm2");
    snprintf(r->variant, sizeof r->variant, "%s", norm_variant[k]);
    snprintf(r->pass, sizeof r->pass, k == NORM_GRAD ? "grad" : "norm");
    snprintf(r->dtype, sizeof r->dtype, "double");
    snprintf(r->shape, sizeof r->shape, "2^25");
    snprintf(r->check, sizeof r->check, "%s", rel <= tol_k ? "ok" : "WRONG");
  }
  struct timing t[NORM_KINDS];
  bench_fn fns[NORM_KINDS];
  for (int k = 0; k < NORM_KINDS; k++)
    fns[k] = run_norm;
  bench_time_rr(fns, argp, NORM_KINDS, 3.0, t); /* one round robin */
  for (int k = 0; k < NORM_KINDS; k++) {
    struct bench_row *r = &rows[k];
    bench_row_time(r, &t[k]);
    r->rate = (k == NORM_GRAD ? 16.0 : 8.0) * (double)n / t[k].median / 1e9;
    r->unit = "GB/s";
    r->limit = k == NORM_GRAD || k == NORM_READ ? 0.0 : rows[0].rate;
  }
  const char *const peers[] = {"read_sum", "cblas_dnrm2", "naive_unsafe"};
  bench_emit(ctx, rows, NORM_KINDS, peers, 3);
  free(x);
  free(g);
}
