/* bench.h: shared pieces of the bench program (see bench.c). */
#ifndef DLV_BENCH_H
#define DLV_BENCH_H

#include <stddef.h>
#include <stdio.h>

/* A multi-thread peak loop below this many times its 1-thread rate: the
 * run's CPUs were shared (this VM's 2 vCPUs at times give one core's
 * throughput), so its multi-thread figures measure the load. */
#define BENCH_CPUS_SHARED 1.5

/* bench --runs N: the whole run repeated N times (each thread count a
 * fresh process each time), the targets judged from the runs' median. */
enum { BENCH_MAX_RUNS = 99 };

/* One child run: a thread count, pinned to CPUs 0 .. threads-1. */
struct bench_ctx {
  int threads;
  int quick;
  FILE *csv;
  const char *blas_core;
  /* machine limits of this run (filled by bench_machine) */
  double peak_f64, peak_f32; /* FMA peak, GFLOP/s, best of the repeats */
  double bw_read, bw_update; /* GB/s, median */
};

/* Median and best seconds of `reps` timed calls after one warm-up. */
struct timing {
  double median, best;
  int reps;
};

typedef void (*bench_fn)(void *arg);

/* Round robin: a warm-up call of each f[i](args[i]), then repetitions in
 * which each is called once in turn (at least 5, at most 41, as many as
 * fit in about budget seconds), so that a change of load on a shared
 * machine hits every entry alike and their ratios stay meaningful.  (At
 * most 11, the S1 bf16 rows' ratios, rounds of about 12 ms, moved by
 * 3-6% between runs of the same build: medians of 11 single calls.)  A
 * budget under 1 s (--quick: a smoke run, CI's) takes at most 11: 41
 * made CI's bench step 28 s longer. */
void bench_time_rr(const bench_fn *f, void *const *args, int n,
                   double budget, struct timing *out);

/* The FMA-peak loop as a round-robin entry (all threads of the run, 16
 * chains each, `iters` iterations); flops is set by the call. */
struct peak_arg {
  int f32;
  long iters;
  double flops, sink;
};
void bench_peak_run(void *peak_arg);

double bench_now(void);
/* Warm-up call, then at least 5 (at most 11) timed calls: as many as fit
 * in about budget seconds. */
/* qsort's comparison of doubles, ascending. */
int bench_cmp_double(const void *a, const void *b);
struct timing bench_time(bench_fn f, void *arg, double budget);

/* One result line.  rate = work / median in `unit` (GFLOP/s or GB/s);
 * frac = rate / limit (limit 0: not applicable). */
struct bench_row {
  char kernel[24], variant[32], pass[16], dtype[8], shape[40];
  double median_s, best_s, rate, limit;
  const char *unit;
  char check[64];
  char ratios[200];
};

/* Sets r's median_s and best_s from t. */
void bench_row_time(struct bench_row *r, const struct timing *t);

/* The distribution-free interval of a median (the sign test's): sorts
 * x[0 .. n-1] and sets [*lo, *hi] to the order statistics x_(k) and
 * x_(n+1-k) (1-based), k the largest with P(Bin(n, 1/2) < k) <= 0.025:
 * when the x are drawn independently from one distribution, the interval
 * holds its median with probability at least 95%.  Returns 0, setting
 * nothing, when no k >= 1 qualifies (n < 6). */
int bench_median_interval(double *x, int n, double *lo, double *hi);

/* Fills ratios of each row against the rows of the group whose variant is
 * in peers[] (speed ratio: peer median / row median, > 1 means the row is
 * faster), then prints the rows and appends them to the CSV. */
void bench_emit(const struct bench_ctx *ctx, struct bench_row *rows, int n,
                const char *const *peers, int npeers);
void bench_table_header(const char *title);
/* Whether name is an item of the comma-separated list (NULL: all). */
int bench_listed(const char *list, const char *name);

void bench_machine(struct bench_ctx *ctx);
/* The median round trip of a cache line between two threads of the run,
 * ns: how far apart the CPUs are (on this VM it changes between windows,
 * and with it what moving packed operands between the cores costs); -1
 * when the run has one thread. */
double bench_core_round_trip_ns(void);
void bench_norm(struct bench_ctx *ctx);
void bench_conv(struct bench_ctx *ctx);
/* conv3d bf16/fp16 beside float FAST and oneDNN bf16 (issue 18) */
void bench_conv_lowp(struct bench_ctx *ctx);
/* bench --self-check: the conv3d bf16/fp16 rows' check against outputs
 * just within and just beyond each kind's bound, and NaNs; returns the
 * number of wrong verdicts (printed). */
int bench_conv_lowp_self_check(void);
void bench_adam(struct bench_ctx *ctx); /* when include/dlv/adam.h exists */
/* Every backend dlverify verifies, through its table (bench_backends.c). */
void bench_backends(struct bench_ctx *ctx);
/* Reads the finished run's CSV back and prints each of issue 10's
 * targets as met or as the gap, then the results that failed their check;
 * returns how many failed (-1: the CSV cannot be read). */
int bench_targets(const char *csv_path);

/* Aligned, zeroed allocation that exits on failure (a bench, not a
 * library: nothing to recover). */
void *bench_alloc(size_t bytes);
/* The worse of the err/bound so far and a new one r: the larger, and a NaN
 * (an element no bound holds) kept once seen, wherever it comes. */
double bench_worse(double worst, double r);

#endif
