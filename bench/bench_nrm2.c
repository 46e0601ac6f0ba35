/* bench_nrm2.c: the norm kernel beside its peers in one run.
 *
 * Peers: OpenBLAS cblas_dnrm2 (whatever core it picked on this CPU) and the
 * naive sqrt(sum x^2) loop (fast and unsafe: overflows past 1e154).  Each
 * result is checked against the naive one on benign data before it is timed
 * (a fast kernel that is wrong is reported as wrong, not fast).  Median of 7
 * runs after a warm-up; figures in GB/s (8 n bytes read) and as ratios. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <cblas.h>

#include "nrm2.h"

static double now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static double naive(size_t n, const double *x)
{
  double s = 0.0;
  for (size_t i = 0; i < n; i++)
    s += x[i] * x[i];
  return sqrt(s);
}

static double run_dlv(size_t n, const double *x)
{
  double r = NAN;
  dlv_nrm2_d(n, x, 1, &r);
  return r;
}

static double run_openblas(size_t n, const double *x)
{
  return cblas_dnrm2((int)n, x, 1);
}

typedef double (*norm_fn)(size_t, const double *);

/* Median seconds of `reps` timed calls after one warm-up. */
static double median_time(norm_fn f, size_t n, const double *x, int reps,
                          double *result)
{
  double t[16];
  *result = f(n, x);
  for (int r = 0; r < reps; r++) {
    double t0 = now();
    volatile double v = f(n, x);
    (void)v;
    t[r] = now() - t0;
  }
  qsort(t, (size_t)reps, sizeof t[0], cmp_double);
  return t[reps / 2];
}

int main(void)
{
  const size_t n = (size_t)1 << 24;
  double *x = malloc(n * sizeof *x);
  if (x == NULL)
    return 1;
  srand(1);
  for (size_t i = 0; i < n; i++)
    x[i] = 2.0 * rand() / RAND_MAX - 1.0;
  struct {
    const char *name;
    norm_fn f;
  } peers[] = {{"dlv_nrm2_d (scaled, one pass)", run_dlv},
               {"OpenBLAS cblas_dnrm2", run_openblas},
               {"naive sqrt(sum x^2) (unsafe)", naive}};
  double expect = naive(n, x), base = 0.0;
  printf("nrm2, n = 2^24 doubles (128 MiB), 1 thread, median of 7\n");
  printf("%-32s %10s %8s %10s %s\n", "kernel", "ms", "GB/s", "vs dlv",
         "result check");
  for (size_t k = 0; k < sizeof peers / sizeof peers[0]; k++) {
    double result;
    double t = median_time(peers[k].f, n, x, 7, &result);
    if (k == 0)
      base = t;
    int right = fabs(result - expect) <= 1e-12 * expect;
    printf("%-32s %10.2f %8.2f %9.2fx %s\n", peers[k].name, 1e3 * t,
           8.0 * (double)n / t / 1e9, base / t, right ? "ok" : "WRONG");
  }
  free(x);
  return 0;
}
