/* bench.c: the kernels at the machine's limits, beside their peers, in one
 * run (issue 10).
 *
 *   bench [--quick] [--csv FILE] [--threads N] [--keep-blas-core] [--suite]
 *         [--conv V1,V2,..] [--shapes 1,2,3] [--no-norm]
 *         [--backends B1,B2,..] [--only-backends] [--only-lowp] [--runs N]
 *   bench --targets FILE     (issue 10's targets from an earlier CSV)
 *
 * The CSV goes to the build directory by default (build/bench.csv), where
 * dlverify's report shows it.
 *
 * --conv, --shapes and --no-norm (no norm, no Adam) narrow the run
 * (development); they reach the children as DLV_BENCH_CONV,
 * DLV_BENCH_SHAPES, DLV_BENCH_NO_NORM.  Last, every backend dlverify
 * verifies (the builtin, then each plugin built here, or the builtin and
 * --backends B1,B2,.., names or paths: DLV_BENCH_BACKENDS) is timed
 * through the backend table beside the others (bench_backends.c);
 * --only-backends (DLV_BENCH_ONLY_BACKENDS) runs that part alone;
 * --only-lowp (DLV_BENCH_ONLY_LOWP) the bf16/fp16 conv3d table alone.
 * The parent process prepares the CSV and runs one child per thread count
 * (1, then 2 when the process may use two CPUs), each re-executed with its
 * CPU affinity set to the first n CPUs it may use (inherited by every
 * thread: OpenMP's,
 * OpenBLAS's, the fast conv3d's) and OMP_NUM_THREADS, OPENBLAS_NUM_THREADS
 * in its environment: these must be in place before OpenMP and OpenBLAS
 * start their threads, which happens before main.  OMP_PROC_BIND is left
 * unset on purpose: it binds the main thread to one CPU, and threads it
 * creates afterwards (the fast conv3d's) would inherit that one CPU.
 * Idle threads must sleep, not spin, or the round robin measures one
 * kernel against the previous one's leftovers: OMP_WAIT_POLICY=passive,
 * and OPENBLAS_THREAD_TIMEOUT=4 (OpenBLAS's workers otherwise poll for
 * 2^28 cycles, about 0.1 s, after every call: measured, with 2 threads
 * the fast conv3d right after an OpenBLAS GEMM ran at 1.0x its 1-thread
 * speed, and the FMA-peak loop at 1.36x; with the timeout, 1.43x and
 * 2.0x).
 * Before that, when OpenBLAS has picked a generic core on a CPU that runs a
 * faster one (kernels/blas_setup.h), the program re-executes itself with
 * OPENBLAS_CORETYPE set, and says so (--keep-blas-core measures the
 * default choice instead).
 *
 * Each child measures the machine's limits (FMA peak, read and in-place
 * update bandwidth), then each kernel next to its peers: every result is
 * checked before it is timed (a fast kernel that is wrong is reported as
 * wrong, not fast), timing is the median of at least 5 calls after a
 * warm-up.  --suite also times the whole ctest and dlverify.
 *
 * --runs N (1 to 99) repeats the children N times, 1 and 2 threads in
 * turn, every run's rows in the one CSV.  A round robin cancels a change
 * of load between its rounds, but not what holds for a whole run (a
 * process's memory placement, the host's load and its placement of the
 * two vCPUs): S1's bf16 input gradient on 2 threads, same build, ten runs
 * one after another: 0.95-1.02 of oneDNN's, each run's per-round ratios
 * within +-0.01 of its own median.  So the targets take each figure's
 * median over the runs and say how far the runs agree: from 6 runs a
 * distribution-free 95% interval of that median (bench_median_interval),
 * below 6 their range, "unresolved" when it holds the goal.
 *
 * Exit status: 0, 1 when a child failed or a result failed its check (a
 * kernel is wrong: listed after the targets), 2 for a usage error or an
 * unreadable --targets CSV.  A target not met is a figure, not a failure. */
#include <errno.h>
#include <sched.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cblas.h>

#include "bench.h"
#include "blas_setup.h"
#include "conv3d.h"

#ifndef DLV_BUILD_DIR
#define DLV_BUILD_DIR "."
#endif

double bench_now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int bench_cmp_double(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

struct timing bench_time(bench_fn f, void *arg, double budget)
{
  enum { MIN_REPS = 5, MAX_REPS = 11 };
  double t0 = bench_now();
  f(arg); /* warm-up */
  double warm = bench_now() - t0;
  int reps = warm > 0 ? (int)(budget / warm) : MAX_REPS;
  reps = reps < MIN_REPS ? MIN_REPS : reps > MAX_REPS ? MAX_REPS : reps;
  double t[MAX_REPS];
  for (int r = 0; r < reps; r++) {
    double s = bench_now();
    f(arg);
    t[r] = bench_now() - s;
  }
  qsort(t, (size_t)reps, sizeof t[0], bench_cmp_double);
  return (struct timing){t[reps / 2], t[0], reps};
}

void bench_time_rr(const bench_fn *f, void *const *args, int n,
                   double budget, struct timing *out)
{
  enum { MIN_REPS = 5, MAX_REPS = 41, QUICK_REPS = 11, MAX_N = 16 };
  double warm = 0.0, t[MAX_N][MAX_REPS];
  n = n > MAX_N ? MAX_N : n;
  for (int i = 0; i < n; i++) {
    double t0 = bench_now();
    f[i](args[i]);
    warm += bench_now() - t0;
  }
  int most = budget >= 1.0 ? MAX_REPS : QUICK_REPS; /* bench.h */
  int reps = warm > 0 ? (int)(budget / warm) : most;
  reps = reps < MIN_REPS ? MIN_REPS : reps > most ? most : reps;
  for (int r = 0; r < reps; r++)
    for (int i = 0; i < n; i++) {
      double s = bench_now();
      f[i](args[i]);
      t[i][r] = bench_now() - s;
    }
  for (int i = 0; i < n; i++) {
    qsort(t[i], (size_t)reps, sizeof t[i][0], bench_cmp_double);
    out[i] = (struct timing){t[i][reps / 2], t[i][0], reps};
  }
}

void bench_row_time(struct bench_row *r, const struct timing *t)
{
  r->median_s = t->median, r->best_s = t->best;
}

/* The order statistics for n (k and n + 1 - k, bench.h): k = 1 from n
 * = 6 (coverage 96.9%), 2 at n = 10 (97.9%), 14 at n = 41. */
int bench_median_interval(double *x, int n, double *lo, double *hi)
{
  /* P(B <= i) summed term by term, C(n, i) / 2^n by the recurrence (its
   * rounding moves no k: checked against exact fractions for n <= 99) */
  double at_most = 0.0, term = ldexp(1.0, -n);
  int k = 0;
  for (int i = 0; i < n; i++) {
    at_most += term; /* P(B <= i) */
    if (at_most > 0.025)
      break;
    k = i + 1; /* P(B < k) = P(B <= i) <= 0.025 */
    term = term * (n - i) / (i + 1);
  }
  if (k == 0)
    return 0;
  qsort(x, (size_t)n, sizeof *x, bench_cmp_double);
  *lo = x[k - 1], *hi = x[n - k];
  return 1;
}

double bench_worse(double worst, double r)
{
  return isnan(worst) || r <= worst ? worst : r;
}

void *bench_alloc(size_t bytes)
{
  void *p = NULL;
  if (posix_memalign(&p, 64, bytes ? bytes : 64) != 0) {
    fprintf(stderr, "bench: out of memory (%zu bytes)\n", bytes);
    exit(1);
  }
  memset(p, 0, bytes);
  return p;
}

void bench_table_header(const char *title)
{
  printf("\n%s\n%-10s %-18s %-10s %-6s %-22s %9s %9s %-7s %6s  %-6s %s\n",
         title, "kernel", "variant", "pass", "dtype", "shape", "median_ms",
         "rate", "unit", "limit%", "check", "speed ratio vs peers");
}

void bench_emit(const struct bench_ctx *ctx, struct bench_row *rows, int n,
                const char *const *peers, int npeers)
{
  for (int i = 0; i < n; i++) {
    struct bench_row *r = &rows[i];
    size_t len = 0;
    r->ratios[0] = '\0';
    for (int p = 0; p < npeers; p++)
      for (int j = 0; j < n; j++)
        if (j != i && strcmp(rows[j].variant, peers[p]) == 0 &&
            len < sizeof r->ratios)
          len += (size_t)snprintf(r->ratios + len, sizeof r->ratios - len,
                                  "%s%s=%.2f", len ? ";" : "", peers[p],
                                  rows[j].median_s / r->median_s);
    double frac = r->limit > 0 ? r->rate / r->limit : 0.0;
    char pct[16] = "     -";
    if (r->limit > 0)
      snprintf(pct, sizeof pct, "%5.0f%%", 100.0 * frac);
    printf("%-10s %-18s %-10s %-6s %-22s %9.3f %9.2f %-7s %s  %-6s %s\n",
           r->kernel, r->variant, r->pass, r->dtype, r->shape,
           1e3 * r->median_s, r->rate, r->unit, pct, r->check, r->ratios);
    fprintf(ctx->csv,
            "%s,%s,%s,%s,%s,%d,%.6g,%.6g,%.6g,%s,%.6g,%.4f,%s,%s,%s\n",
            r->kernel, r->variant, r->pass, r->dtype, r->shape, ctx->threads,
            r->median_s, r->best_s, r->rate, r->unit, r->limit, frac,
            r->check, r->ratios, ctx->blas_core);
  }
  fflush(ctx->csv);
  fflush(stdout);
}

/* The first n CPUs of this process's affinity mask, into *set; returns how
 * many there were (fewer than n when the mask is smaller). */
static int first_cpus(int n, cpu_set_t *set)
{
  cpu_set_t allowed;
  CPU_ZERO(set);
  if (sched_getaffinity(0, sizeof allowed, &allowed) != 0)
    return 0;
  int k = 0;
  for (int c = 0; c < CPU_SETSIZE && k < n; c++)
    if (CPU_ISSET(c, &allowed)) {
      CPU_SET(c, set);
      k++;
    }
  return k;
}

/* The CPUs this process may use, as "0,1", into buf. */
static void cpu_list(char *buf, size_t len)
{
  cpu_set_t set;
  size_t used = 0;
  buf[0] = '\0';
  if (sched_getaffinity(0, sizeof set, &set) != 0)
    return;
  for (int c = 0; c < CPU_SETSIZE && used < len; c++)
    if (CPU_ISSET(c, &set))
      used += (size_t)snprintf(buf + used, len - used, "%s%d",
                               used ? "," : "", c);
}

/* ---- the child: one thread count ---------------------------------------- */

static int child(int threads, int quick, const char *csv_path)
{
  dlv_blas_core_info core;
  dlv_blas_core(&core);
  struct bench_ctx ctx = {threads, quick, fopen(csv_path, "a"), core.core};
  if (ctx.csv == NULL) {
    fprintf(stderr, "bench: cannot append to %s: %s\n", csv_path,
            strerror(errno));
    return 1;
  }
  dlv_set_threads(threads);
  char cpus[64];
  cpu_list(cpus, sizeof cpus);
  printf("\n==== %d thread%s (CPUs %s), OpenBLAS core %s%s, conv3d FAST "
         "path %s ====\n", threads, threads > 1 ? "s" : "", cpus, core.core,
         core.forced ? " (OPENBLAS_CORETYPE)" : "",
         dlv_conv3d_isa_name(dlv_conv3d_isa()));
  if (getenv("DLV_BENCH_ONLY_LOWP") != NULL) {
    bench_conv_lowp(&ctx);
    fclose(ctx.csv);
    return 0;
  }
  if (getenv("DLV_BENCH_ONLY_BACKENDS") == NULL) {
    bench_machine(&ctx);
    if (getenv("DLV_BENCH_NO_NORM") == NULL) {
      bench_norm(&ctx);
#ifdef DLV_HAVE_ADAM
      bench_adam(&ctx);
#endif
    }
    bench_conv(&ctx);
    bench_conv_lowp(&ctx);
  }
  bench_backends(&ctx);
  fclose(ctx.csv);
  return 0;
}

/* ---- the parent ---------------------------------------------------------- */

/* Runs this program as a child pinned to the first `threads` CPUs with the
 * thread-count variables set; returns its exit status. */
static int spawn(int threads, int quick, const char *csv_path)
{
  pid_t pid = fork();
  if (pid < 0)
    return -1;
  if (pid == 0) {
    cpu_set_t set;
    first_cpus(threads, &set);
    char n[16];
    snprintf(n, sizeof n, "%d", threads);
    if (sched_setaffinity(0, sizeof set, &set) != 0 ||
        setenv("OMP_NUM_THREADS", n, 1) ||
        setenv("OPENBLAS_NUM_THREADS", n, 1) ||
        unsetenv("OMP_PROC_BIND") || unsetenv("OMP_PLACES") ||
        setenv("OMP_WAIT_POLICY", "passive", 1) ||
        setenv("OPENBLAS_THREAD_TIMEOUT", "4", 1))
      _exit(127);
    char *argv[] = {"bench", "--child", n, quick ? "--quick" : "--full",
                    "--csv", (char *)csv_path, NULL};
    execv("/proc/self/exe", argv);
    _exit(127);
  }
  int status;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR)
      return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Wall time of a shell command, or -1 when it fails. */
static double time_command(const char *cmd)
{
  double t0 = bench_now();
  int rc = system(cmd);
  double t = bench_now() - t0;
  return rc == 0 ? t : -1.0;
}

/* Issue 10, item 5: the suite must gate every change. */
static void suite(const char *csv_path)
{
  FILE *csv = fopen(csv_path, "a");
  const char *cmds[][2] = {
      {"ctest -j2 (every test)",
       "ctest --test-dir " DLV_BUILD_DIR " -j2 > /dev/null 2>&1"},
      {"dlverify (all claims)",
       DLV_BUILD_DIR "/bin/dlverify --out " DLV_BUILD_DIR
                     "/bench-report > /dev/null 2>&1"},
  };
  const double limit[] = {120.0, 60.0};
  printf("\n==== suite wall time (limits: ctest 120 s, dlverify 60 s) ====\n");
  for (int i = 0; i < 2; i++) {
    double t = time_command(cmds[i][1]);
    printf("%-24s %8.1f s  %s\n", cmds[i][0], t,
           t < 0 ? "FAILED" : t <= limit[i] ? "ok" : "OVER LIMIT");
    if (csv)
      fprintf(csv, "suite,%s,-,-,-,2,%.6g,%.6g,%.6g,s,%.6g,%.4f,%s,,\n",
              cmds[i][0], t, t, t, limit[i], t / limit[i],
              t < 0 ? "FAILED" : "ok");
  }
  if (csv)
    fclose(csv);
}

static void usage(void)
{
  fprintf(stderr, "usage: bench [--quick] [--csv FILE] [--threads N] "
                  "[--keep-blas-core] [--suite] [--conv V1,V2,..] "
                  "[--shapes 1,2,3] [--no-norm] [--backends B1,B2,..] "
                  "[--only-backends] [--only-lowp] [--runs N] | --targets "
                  "FILE\n");
}

/* bench_median_interval on the values 1 .. n in a scrambled order: the
 * order statistics k and n + 1 - k worked out by hand from the binomial
 * sums (k = 0: no interval); returns the number of wrong answers. */
static int interval_self_check(void)
{
  static const int want[][2] = {{5, 0}, {6, 1}, {10, 2}, {11, 2},
                                {20, 6}, {41, 14}};
  int bad = 0;
  for (size_t c = 0; c < sizeof want / sizeof *want; c++) {
    int n = want[c][0], k = want[c][1];
    double x[BENCH_MAX_RUNS], lo = 0.0, hi = 0.0;
    for (int i = 0; i < n; i++)
      x[i] = (double)(1 + (i * 7) % n); /* 7 is prime to every n here */
    int got = bench_median_interval(x, n, &lo, &hi);
    if (got != (k > 0) || (k > 0 && (lo != k || hi != n + 1 - k))) {
      printf("bench self-check: the median interval of 1 .. %d gave %d "
             "[%g, %g], expected [%d, %d]\n", n, got, lo, hi, k, n + 1 - k);
      bad++;
    }
  }
  return bad;
}

/* bench --self-check: the checks the rows' verdicts come from, on
 * outputs whose verdict is known (exit status 1 when one is wrong). */
static int self_check(void)
{
  static const double seq[][4] = {{0.5, 2.0, 1.0, 2.0},
                                  {NAN, 2.0, 0.5, NAN},
                                  {1.0, NAN, 0.5, NAN},
                                  {0.5, 1.0, NAN, NAN}};
  int bad = 0;
  for (size_t k = 0; k < sizeof seq / sizeof *seq; k++) {
    double w = 0.0;
    for (int i = 0; i < 3; i++)
      w = bench_worse(w, seq[k][i]);
    if (!(w == seq[k][3] || (isnan(w) && isnan(seq[k][3])))) {
      printf("bench self-check: bench_worse over %g, %g, %g gave %g\n",
             seq[k][0], seq[k][1], seq[k][2], w);
      bad++;
    }
  }
  bad += interval_self_check();
  bad += bench_conv_lowp_self_check();
  printf("bench self-check: %s\n", bad ? "FAILED" : "every verdict right");
  return bad != 0;
}

/* Whether s is a whole number in [lo, hi] (into *out); else says so. */
static int count_arg(const char *s, int lo, int hi, int *out)
{
  char *end;
  long v = strtol(s, &end, 10);
  if (end == s || *end != '\0' || v < lo || v > hi) {
    fprintf(stderr, "bench: \"%s\": expected a whole number from %d to %d\n",
            s, lo, hi);
    return 0;
  }
  *out = (int)v;
  return 1;
}

int main(int argc, char **argv)
{
  int quick = 0, keep = 0, run_suite = 0, only = 0, child_threads = 0;
  int runs = 1;
  /* default: beside the checks, where dlverify's report looks for it */
  const char *csv_path = DLV_BUILD_DIR "/bench.csv";
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--quick") == 0)
      quick = 1;
    else if (strcmp(argv[i], "--full") == 0)
      quick = 0;
    else if (strcmp(argv[i], "--keep-blas-core") == 0)
      keep = 1;
    else if (strcmp(argv[i], "--suite") == 0)
      run_suite = 1;
    else if (strcmp(argv[i], "--self-check") == 0)
      return self_check();
    else if (strcmp(argv[i], "--targets") == 0 && i + 1 < argc) {
      /* of an existing CSV, nothing measured */
      int wrong = bench_targets(argv[++i]);
      return wrong < 0 ? 2 : wrong > 0;
    }
    else if (strcmp(argv[i], "--conv") == 0 && i + 1 < argc)
      setenv("DLV_BENCH_CONV", argv[++i], 1);
    else if (strcmp(argv[i], "--shapes") == 0 && i + 1 < argc)
      setenv("DLV_BENCH_SHAPES", argv[++i], 1);
    else if (strcmp(argv[i], "--backends") == 0 && i + 1 < argc)
      setenv("DLV_BENCH_BACKENDS", argv[++i], 1);
    else if (strcmp(argv[i], "--only-backends") == 0)
      setenv("DLV_BENCH_ONLY_BACKENDS", "1", 1);
    else if (strcmp(argv[i], "--only-lowp") == 0)
      setenv("DLV_BENCH_ONLY_LOWP", "1", 1);
    else if (strcmp(argv[i], "--no-norm") == 0)
      setenv("DLV_BENCH_NO_NORM", "1", 1);
    else if (strcmp(argv[i], "--csv") == 0 && i + 1 < argc)
      csv_path = argv[++i];
    else if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc) {
      if (!count_arg(argv[++i], 1, 2, &only))
        return 2;
    } else if (strcmp(argv[i], "--runs") == 0 && i + 1 < argc) {
      if (!count_arg(argv[++i], 1, BENCH_MAX_RUNS, &runs))
        return 2;
    }
    else if (strcmp(argv[i], "--child") == 0 && i + 1 < argc)
      child_threads = atoi(argv[++i]);
    else {
      usage();
      return 2;
    }
  }
  if (child_threads > 0)
    return child(child_threads, quick, csv_path);

  dlv_blas_core_info core;
  dlv_blas_core(&core);
  printf("OpenBLAS: %s, core %s%s\n", openblas_get_config(), core.core,
         core.forced ? " (set by OPENBLAS_CORETYPE)" : "");
  /* conv3d.h: run-time dispatch; DLV_ISA=generic benches the other path */
  printf("conv3d FAST path: %s (DLV_ISA=%s)\n",
         dlv_conv3d_isa_name(dlv_conv3d_isa()),
         getenv("DLV_ISA") ? getenv("DLV_ISA") : "unset");
  if (core.better != NULL && !keep) {
    printf("OpenBLAS chose its generic %s kernels on a CPU that runs its %s "
           "ones:\nre-executing with OPENBLAS_CORETYPE=%s (--keep-blas-core "
           "to measure the default)\n", core.core, core.better, core.better);
    fflush(stdout);
    dlv_blas_reexec_with_better_core(argv);
    printf("re-execution failed; measuring the default core\n");
  } else if (core.better != NULL) {
    printf("note: OpenBLAS runs its generic %s kernels; export "
           "OPENBLAS_CORETYPE=%s for its faster ones\n", core.core,
           core.better);
  }
  FILE *csv = fopen(csv_path, "w");
  if (csv == NULL) {
    fprintf(stderr, "bench: cannot write %s: %s\n", csv_path, strerror(errno));
    return 1;
  }
  fprintf(csv, "kernel,variant,pass,dtype,shape,threads,median_s,best_s,"
               "rate,unit,limit,frac_limit,check,ratio_vs_peers,blas_core\n");
  fclose(csv);
  cpu_set_t usable;
  int ncpu = first_cpus(2, &usable);
  fflush(stdout); /* before fork: the children must not repeat it */
  int rc = 0;
  /* a failed child leaves its run's rows short, and the targets pair the
   * runs' rows by their order (bench_targets.c): no run after it */
  for (int run = 1; run <= runs && rc == 0; run++) {
    if (runs > 1) {
      printf("\n######## run %d of %d ########\n", run, runs);
      fflush(stdout);
    }
    for (int t = 1; t <= 2; t++)
      if ((only == 0 || only == t) && t <= ncpu)
        rc |= spawn(t, quick, csv_path) != 0;
  }
  if (rc != 0 && runs > 1)
    printf("bench: a child failed: runs after it were not started\n");
  if (run_suite)
    suite(csv_path);
  rc |= bench_targets(csv_path) != 0;
  printf("\nwrote %s\n", csv_path);
  return rc;
}
