/* bench_machine.c: the limits every kernel is measured against, in the
 * same run: FMA peak per thread count (16 independent vector FMA chains
 * per thread, more than latency x throughput = 4 x 2), the read bandwidth
 * (sum of 2^25 doubles, the norm's data size) and the in-place update
 * bandwidth (b += s c, two reads and one write, no hidden write-allocate
 * traffic: the access pattern of Adam). */
#include <math.h>
#include <omp.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__AVX512F__)
#include <immintrin.h>
#endif

#include "bench.h"

enum { PEAK_ITERS = 20000000, PEAK_CHAINS = 16 };

#if defined(__AVX512F__)
/* Flops of one thread's loop; the result is kept live through *sink. */
static double peak_f64_thread(long iters, double *sink)
{
  __m512d acc[PEAK_CHAINS];
  __m512d a = _mm512_set1_pd(1.0 - 0x1p-30), b = _mm512_set1_pd(0x1p-40);
  for (int i = 0; i < PEAK_CHAINS; i++)
    acc[i] = _mm512_set1_pd((double)i);
  for (long it = 0; it < iters; it++)
    for (int i = 0; i < PEAK_CHAINS; i++)
      acc[i] = _mm512_fmadd_pd(acc[i], a, b);
  for (int i = 1; i < PEAK_CHAINS; i++)
    acc[0] = _mm512_add_pd(acc[0], acc[i]);
  *sink = _mm512_reduce_add_pd(acc[0]);
  return 2.0 * 8 * PEAK_CHAINS * (double)iters;
}

static double peak_f32_thread(long iters, double *sink)
{
  __m512 acc[PEAK_CHAINS];
  __m512 a = _mm512_set1_ps(1.0f - 0x1p-20f), b = _mm512_set1_ps(0x1p-30f);
  for (int i = 0; i < PEAK_CHAINS; i++)
    acc[i] = _mm512_set1_ps((float)i);
  for (long it = 0; it < iters; it++)
    for (int i = 0; i < PEAK_CHAINS; i++)
      acc[i] = _mm512_fmadd_ps(acc[i], a, b);
  for (int i = 1; i < PEAK_CHAINS; i++)
    acc[0] = _mm512_add_ps(acc[0], acc[i]);
  *sink = _mm512_reduce_add_ps(acc[0]);
  return 2.0 * 16 * PEAK_CHAINS * (double)iters;
}
#else
/* Portable fallback (no AVX-512 at compile time, e.g. DLV_NATIVE=OFF):
 * 16 x 8 multiply-add chains the compiler vectorises to whatever the
 * target has, so the "peak" is that of the instruction set compiled for
 * (fma() would be a library call without hardware FMA). */
static double peak_f64_thread(long iters, double *sink)
{
  double acc[PEAK_CHAINS * 8];
  for (int i = 0; i < PEAK_CHAINS * 8; i++)
    acc[i] = i;
  for (long it = 0; it < iters; it++)
    for (int i = 0; i < PEAK_CHAINS * 8; i++)
      acc[i] = acc[i] * (1.0 - 0x1p-30) + 0x1p-40;
  *sink = acc[0] + acc[PEAK_CHAINS * 8 - 1];
  return 2.0 * 8 * PEAK_CHAINS * (double)iters;
}

static double peak_f32_thread(long iters, double *sink)
{
  float acc[PEAK_CHAINS * 16];
  for (int i = 0; i < PEAK_CHAINS * 16; i++)
    acc[i] = (float)i;
  for (long it = 0; it < iters; it++)
    for (int i = 0; i < PEAK_CHAINS * 16; i++)
      acc[i] = acc[i] * (1.0f - 0x1p-20f) + 0x1p-30f;
  *sink = acc[0] + acc[PEAK_CHAINS * 16 - 1];
  return 2.0 * 16 * PEAK_CHAINS * (double)iters;
}
#endif

void bench_peak_run(void *p)
{
  struct peak_arg *a = p;
  double flops = 0.0, sink = 0.0;
  long iters = a->iters;
#pragma omp parallel reduction(+ : flops, sink)
  {
    double s;
    flops += a->f32 ? peak_f32_thread(iters, &s) : peak_f64_thread(iters, &s);
    sink += s;
  }
  a->flops = flops;
  a->sink = sink;
}

/* ---- the cores' distance ------------------------------------------------ */

enum { TRIP_ROUNDS = 20000, TRIP_REPEATS = 5 };
#define TRIP_MAX_S 0.05 /* a repeat's time limit (CPUs shared: slow trips) */

/* Thread 0's half: sends round i (ball 2i -> 2i + 1) once the line is
 * back; stops after `rounds` or TRIP_MAX_S, then writes -1.  Returns the
 * rounds done, *t their seconds. */
static long trips_lead(atomic_long *ball, long rounds, double *t)
{
  double t0 = omp_get_wtime();
  long i = 0;
  for (; i < rounds; i++) {
    while (atomic_load_explicit(ball, memory_order_acquire) != 2 * i)
      ;
    if (i % 16 == 0 && omp_get_wtime() - t0 > TRIP_MAX_S)
      break;
    atomic_store_explicit(ball, 2 * i + 1, memory_order_release);
  }
  while (atomic_load_explicit(ball, memory_order_acquire) != 2 * i)
    ;
  *t = omp_get_wtime() - t0;
  atomic_store_explicit(ball, -1, memory_order_release);
  return i;
}

/* Thread 1's half: returns each round (2i + 1 -> 2i + 2) until -1. */
static void trips_follow(atomic_long *ball)
{
  for (long i = 0;; i++) {
    long v;
    while ((v = atomic_load_explicit(ball, memory_order_acquire)) !=
               2 * i + 1 &&
           v != -1)
      ;
    if (v == -1)
      return;
    atomic_store_explicit(ball, 2 * i + 2, memory_order_release);
  }
}

/* Nanoseconds a round trip of one cache line between the two threads of
 * a 2-thread region takes (each waits for the other's write); -1 when
 * the region has one thread. */
static double trip_ns(void)
{
  _Alignas(64) atomic_long ball = 0;
  double t = 0.0;
  long done = 0;
#pragma omp parallel num_threads(2) shared(ball, t, done)
  {
#pragma omp barrier
    if (omp_get_num_threads() < 2)
      t = -1.0; /* one thread: nobody to return the line */
    else if (omp_get_thread_num() == 0)
      done = trips_lead(&ball, TRIP_ROUNDS, &t);
    else
      trips_follow(&ball);
  }
  return t < 0 ? -1.0 : done > 0 ? t / (double)done * 1e9 : t * 1e9;
}

double bench_core_round_trip_ns(void)
{
  double ns[TRIP_REPEATS];
  for (int r = 0; r < TRIP_REPEATS; r++)
    ns[r] = trip_ns();
  qsort(ns, TRIP_REPEATS, sizeof ns[0], bench_cmp_double);
  return ns[TRIP_REPEATS / 2]; /* the median */
}

struct bw_arg {
  size_t n;
  double *x, *y, sum;
  int update;
};

static void run_bw(void *p)
{
  struct bw_arg *a = p;
  size_t n = a->n;
  double *x = a->x, *y = a->y;
  if (a->update) {
#pragma omp parallel for simd schedule(static)
    for (size_t i = 0; i < n; i++)
      y[i] += 0x1p-20 * x[i];
  } else {
    double s = 0.0;
#pragma omp parallel for simd schedule(static) reduction(+ : s)
    for (size_t i = 0; i < n; i++)
      s += x[i];
    a->sum = s;
  }
}

static void row_init(struct bench_row *r, const char *variant,
                     const char *dtype, const char *shape,
                     const struct timing *t, double rate, const char *unit)
{
  memset(r, 0, sizeof *r);
  snprintf(r->kernel, sizeof r->kernel, "machine");
  snprintf(r->variant, sizeof r->variant, "%s", variant);
  snprintf(r->pass, sizeof r->pass, "-");
  snprintf(r->dtype, sizeof r->dtype, "%s", dtype);
  snprintf(r->shape, sizeof r->shape, "%s", shape);
  snprintf(r->check, sizeof r->check, "-");
  bench_row_time(r, t);
  r->rate = rate;
  r->unit = unit;
}

void bench_machine(struct bench_ctx *ctx)
{
  struct bench_row rows[4];
  bench_table_header("machine limits (peak: best of the repeats; "
                     "bandwidth: median)");
  for (int f32 = 0; f32 <= 1; f32++) {
    struct peak_arg a = {f32, PEAK_ITERS, 0.0, 0.0};
    struct timing t = bench_time(bench_peak_run, &a, 2.0); /* 11: best */
    double best = a.flops / t.best / 1e9;
    row_init(&rows[f32], "fma_peak", f32 ? "float" : "double", "16 chains",
             &t, a.flops / t.median / 1e9, "GFLOP/s");
    snprintf(rows[f32].check, sizeof rows[f32].check, "best %.0f", best);
    if (f32)
      ctx->peak_f32 = best;
    else
      ctx->peak_f64 = best;
  }
  size_t n = (size_t)1 << 25;
  struct bw_arg b = {n, bench_alloc(n * sizeof(double)),
                     bench_alloc(n * sizeof(double)), 0.0, 0};
#pragma omp parallel for schedule(static)
  for (size_t i = 0; i < n; i++) /* first touch by the threads that read */
    b.x[i] = b.y[i] = 1.0;
  struct timing t = bench_time(run_bw, &b, 1.0);
  ctx->bw_read = 8.0 * (double)n / t.median / 1e9;
  row_init(&rows[2], "read_bw", "double", "2^25 (256 MiB)", &t, ctx->bw_read,
           "GB/s");
  b.update = 1;
  t = bench_time(run_bw, &b, 1.0);
  ctx->bw_update = 24.0 * (double)n / t.median / 1e9;
  row_init(&rows[3], "update_bw", "double", "2x 2^25 (b+=s*c)", &t,
           ctx->bw_update, "GB/s");
  bench_emit(ctx, rows, 4, NULL, 0);
  free(b.x);
  free(b.y);
}
