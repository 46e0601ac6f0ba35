/* bench_targets.c: issue 10's and 18's targets, read back from the CSV of
 * the run that just finished (every figure compared within one run, or
 * with bench --runs within each run, then over the runs), each printed as
 * met or as the gap. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

enum { F_KERNEL, F_VARIANT, F_PASS, F_DTYPE, F_SHAPE, F_THREADS, F_MEDIAN,
       F_BEST, F_RATE, F_UNIT, F_LIMIT, F_FRAC, F_CHECK, F_RATIOS, F_CORE,
       NF };

struct rec {
  char *f[NF];
};

struct table {
  struct rec *r;
  size_t n;
};

static void split(char *line, struct rec *r)
{
  line[strcspn(line, "\r\n")] = '\0';
  for (int i = 0; i < NF; i++) {
    r->f[i] = line;
    char *comma = line ? strchr(line, ',') : NULL;
    if (comma)
      *comma = '\0';
    line = comma ? comma + 1 : NULL;
    if (r->f[i] == NULL)
      r->f[i] = "";
  }
}

static struct table load(const char *path)
{
  struct table t = {NULL, 0};
  FILE *f = fopen(path, "r");
  char line[4096];
  if (f == NULL)
    return t;
  while (fgets(line, sizeof line, f)) {
    struct rec *nr = realloc(t.r, (t.n + 1) * sizeof *nr);
    if (nr == NULL)
      break;
    t.r = nr;
    char *copy = strdup(line);
    if (copy == NULL)
      break;
    split(copy, &t.r[t.n++]);
  }
  fclose(f);
  return t;
}

/* A record's key fields (NULL: any value). */
struct key {
  const char *kernel, *variant, *pass, *dtype, *shape, *threads;
};

/* The run-th record (from 0) matching every non-NULL field of k, or
 * NULL.  bench --runs N writes each record once a run, runs in order, so
 * the run-th match of any key is that run's. */
static const struct rec *find_run(const struct table *t, const struct key *k,
                                  int run)
{
  const char *want[] = {k->kernel, k->variant, k->pass,
                        k->dtype,  k->shape,   k->threads};
  for (size_t i = 1; i < t->n; i++) {
    int ok = 1;
    for (int f = 0; f < 6 && ok; f++)
      ok = want[f] == NULL || strcmp(t->r[i].f[f], want[f]) == 0;
    if (ok && run-- == 0)
      return &t->r[i];
  }
  return NULL;
}

static const struct rec *find(const struct table *t, const struct key *k)
{
  return find_run(t, k, 0);
}

/* The ratio to `peer` in the record's ratio list (name=value entries
 * separated by ';': a name matches whole, not as the prefix or suffix of
 * another peer's), or -1. */
static double ratio_to(const struct rec *r, const char *peer)
{
  size_t n = strlen(peer);
  for (const char *p = r->f[F_RATIOS]; p != NULL;
       p = strchr(p, ';'), p = p ? p + 1 : NULL)
    if (strncmp(p, peer, n) == 0 && p[n] == '=')
      return atof(p + n + 1);
  return -1.0;
}

/* What a target compares with its goal, from one run's records. */
enum measure {
  M_FRAC,      /* the row's fraction of its limit */
  M_RATIO,     /* the row's ratio to peer (its ratio list) */
  M_BEST_OVER, /* peer_row's best time over the row's */
  M_MEDIAN     /* the row's median */
};

struct target {
  const char *what;
  struct key row;
  enum measure m;
  const char *peer;    /* M_RATIO */
  struct key peer_row; /* M_BEST_OVER */
  double goal;
  int higher; /* 1: the goal is a least value, 0: a most */
};

/* Run `run`'s value of g into *v (-1: that run has no such figure: no
 * ratio to the peer, or for M_BEST_OVER no peer record or no best time);
 * returns 0 when the run has no record of g's row (no more runs). */
static int measure(const struct table *t, const struct target *g, int run,
                   double *v)
{
  const struct rec *r = find_run(t, &g->row, run);
  if (r == NULL)
    return 0;
  switch (g->m) {
  case M_FRAC:
    *v = atof(r->f[F_FRAC]);
    return 1;
  case M_RATIO:
    *v = ratio_to(r, g->peer);
    return 1;
  case M_MEDIAN:
    *v = atof(r->f[F_MEDIAN]);
    return 1;
  case M_BEST_OVER: {
    const struct rec *p = find_run(t, &g->peer_row, run);
    *v = p != NULL && atof(r->f[F_BEST]) > 0
             ? atof(p->f[F_BEST]) / atof(r->f[F_BEST])
             : -1.0;
    return 1;
  }
  }
  return 0;
}

enum { MAX_RUNS = BENCH_MAX_RUNS };

/* The median of x[0 .. n-1] (n >= 1; sorts x). */
static double median_of(double *x, int n)
{
  qsort(x, (size_t)n, sizeof *x, bench_cmp_double);
  return n % 2 ? x[n / 2] : 0.5 * (x[n / 2 - 1] + x[n / 2]);
}

/* Whether [lo, hi] holds values on both sides of g's goal: some meet it
 * (>= goal, or <= when lower is better), some do not. */
static int straddles(const struct target *g, double lo, double hi)
{
  return g->higher ? lo < g->goal && g->goal <= hi
                   : lo <= g->goal && g->goal < hi;
}

/* Prints target g as met or as the gap: one run's figure, or with two or
 * more runs their median and how far the runs agree (bench_median_interval's
 * 95% interval from 6 runs, their range below), "unresolved" when that
 * straddles the goal; a NaN in any run: NaN, the gap.  Runs without the
 * figure are left out; an M_BEST_OVER target without any figure is not
 * printed.  Returns 1 when met. */
static int report(const struct table *t, const struct target *g)
{
  double vals[MAX_RUNS], v;
  int n = 0, nan_seen = 0;
  for (int run = 0; run < MAX_RUNS && measure(t, g, run, &v); run++)
    if (isnan(v))
      nan_seen = 1;
    else if (v >= 0)
      vals[n++] = v;
  if (n == 0 && !nan_seen && g->m == M_BEST_OVER)
    return 0;
  double value = nan_seen ? NAN : n > 0 ? median_of(vals, n) : -1.0;
  int measured = nan_seen || n > 0;
  int met = g->higher ? value >= g->goal : value <= g->goal; /* NaN: 0 */
  printf("  %-58s %8.2f  (goal %s %.2f)  %s", g->what, value,
         g->higher ? ">=" : "<=", g->goal, !measured ? "not measured"
                                           : met      ? "met"
                                                      : "GAP");
  if (!nan_seen && n >= 2) {
    double lo = vals[0], hi = vals[n - 1]; /* sorted: the range */
    int interval = bench_median_interval(vals, n, &lo, &hi);
    printf("  (%d runs, %s %.3f..%.3f%s)", n, interval ? "95%" : "range", lo,
           hi, straddles(g, lo, hi) ? ": unresolved" : "");
  }
  printf("\n");
  return measured && met;
}

static const char *const shape_names[] = {"S1 8x16x16x8 32->32",
                                          "S2 4x32x32x16 64->64",
                                          "S3 1x56x56x16 64->128"};
static const char *const passes[] = {"fwd", "bwd_filter", "bwd_input"};

static void conv_targets(const struct table *t)
{
  char what[128];
  for (int s = 0; s < 3; s++)
    for (int p = 0; p < 3; p++) {
      struct key f = {"conv3d", "fast", passes[p], "float", shape_names[s],
                      "1"};
      struct key d = f;
      d.dtype = "double";
      if (find(t, &f) == NULL && find(t, &d) == NULL)
        continue;
      if (find(t, &f)) {
        snprintf(what, sizeof what, "conv3d fast %s float %.2s: / oneDNN",
                 passes[p], shape_names[s]);
        report(t, &(struct target){what, f, M_RATIO, "onednn_any", {0},
                                   0.9, 1});
        snprintf(what, sizeof what, "conv3d fast %s float %.2s: of FP32 peak",
                 passes[p], shape_names[s]);
        report(t, &(struct target){what, f, M_FRAC, NULL, {0}, 0.75, 1});
      }
      if (find(t, &d)) {
        snprintf(what, sizeof what, "conv3d fast %s double %.2s: of FP64 peak",
                 passes[p], shape_names[s]);
        report(t, &(struct target){what, d, M_FRAC, NULL, {0}, 0.70, 1});
      }
      /* scaling: fast at 2 threads against fast_1thread, timed in the
       * same round robin of the 2-thread run */
      for (int dt = 0; dt < 2 && s > 0; dt++) {
        struct key two = {"conv3d", "fast", passes[p],
                          dt ? "double" : "float", shape_names[s], "2"};
        struct key one = two;
        one.variant = "fast_1thread";
        if (find(t, &two) == NULL)
          continue;
        snprintf(what, sizeof what, "conv3d fast %s %s %.2s: 2 / 1 threads",
                 passes[p], two.dtype, shape_names[s]);
        report(t, &(struct target){what, two, M_RATIO, "fast_1thread", {0},
                                   1.8, 1});
        /* the same from the best repetitions: on a shared VM the second
         * CPU is taken away now and then, which moves medians by up to
         * 30% and the best by about 5% (perf-anchors.md) */
        snprintf(what, sizeof what,
                 "conv3d fast %s %s %.2s: 2 / 1 threads (best)", passes[p],
                 two.dtype, shape_names[s]);
        report(t, &(struct target){what, two, M_BEST_OVER, NULL, one, 1.8,
                                   1});
      }
    }
}

/* Issue 18: bf16 conv3d >= 1.6x the float FAST and >= 1.0x oneDNN's bf16
 * convolution, every shape and pass, from the medians of the round robin
 * and from the best repetitions (bench_conv_lowp.c's rows). */
static void lowp_report(const struct table *t, const struct key *b,
                        const char *peer, const char *what, double goal)
{
  char line[128];
  struct key pk = *b;
  pk.variant = peer;
  pk.dtype = strcmp(peer, "f32_fast") == 0 ? "float" : "bf16";
  snprintf(line, sizeof line, "%s / %s", what, peer);
  report(t, &(struct target){line, *b, M_RATIO, peer, {0}, goal, 1});
  snprintf(line, sizeof line, "%s / %s (best)", what, peer);
  report(t, &(struct target){line, *b, M_BEST_OVER, NULL, pk, goal, 1});
}

/* The fewest CPUs' worth a round robin of row k had over the runs (its
 * check's " cpus " figure), or -1 when no run says. */
static double fewest_cpus(const struct table *t, const struct key *k)
{
  double least = -1.0;
  const struct rec *r;
  for (int run = 0; (r = find_run(t, k, run)) != NULL; run++) {
    const char *cpus = strstr(r->f[F_CHECK], " cpus "); /* its pass's */
    double c = cpus != NULL ? atof(cpus + 6) : -1.0;
    if (c >= 0 && (least < 0 || c < least))
      least = c;
  }
  return least;
}

static void lowp_conv_targets(const struct table *t)
{
  for (int th = 1; th <= 2; th++)
    for (int s = 0; s < 3; s++)
      for (int p = 0; p < 3; p++) {
        char threads[4], what[96];
        snprintf(threads, sizeof threads, "%d", th);
        struct key b = {"conv3d", "bf16", passes[p], "bf16", shape_names[s],
                        threads};
        if (find(t, &b) == NULL)
          continue;
        snprintf(what, sizeof what, "conv3d bf16 %s %.2s, %d thr",
                 passes[p], shape_names[s], th);
        lowp_report(t, &b, "f32_fast", what, 1.6);
        lowp_report(t, &b, "onednn_bf16", what, 1.0);
        double cpus = fewest_cpus(t, &b);
        if (cpus >= 0 && cpus < BENCH_CPUS_SHARED)
          printf(find_run(t, &b, 1) != NULL
                     ? "    (a run's round robin had %.2f CPUs' worth: that "
                       "run's ratios measure the load)\n"
                     : "    (this round robin had %.2f CPUs' worth: the "
                       "ratios above measure the load)\n",
                 cpus);
      }
}

/* The number of runs in t: how many records share the first one's key. */
static int runs_in(const struct table *t)
{
  if (t->n < 2)
    return 0;
  const struct rec *first = &t->r[1];
  struct key k = {first->f[F_KERNEL], first->f[F_VARIANT], first->f[F_PASS],
                  first->f[F_DTYPE],  first->f[F_SHAPE],   first->f[F_THREADS]};
  int runs = 0;
  while (runs < MAX_RUNS && find_run(t, &k, runs) != NULL)
    runs++;
  return runs;
}

/* The CPUs' worth the 2-thread runs got: their FMA peak (float, best)
 * over the 1-thread one's, the lowest over the runs; -1 when no run has
 * both. */
static double cpus_available(const struct table *t)
{
  struct key one = {"machine", "fma_peak", NULL, "float", NULL, "1"};
  struct key two = one;
  two.threads = "2";
  double least = -1.0;
  for (int run = 0; find_run(t, &one, run) && find_run(t, &two, run); run++) {
    /* check reads "best N" */
    double p1 = atof(find_run(t, &one, run)->f[F_CHECK] + 5);
    double p2 = atof(find_run(t, &two, run)->f[F_CHECK] + 5);
    if (p1 > 0 && (least < 0 || p2 / p1 < least))
      least = p2 / p1;
  }
  return least;
}

/* Prints every result whose check failed (WRONG, a kernel status, or a
 * --suite command FAILED); returns how many. */
static int wrong_results(const struct table *t)
{
  int wrong = 0;
  for (size_t i = 1; i < t->n; i++) {
    const char *check = t->r[i].f[F_CHECK];
    if (strncmp(check, "WRONG", 5) != 0 && strncmp(check, "status", 6) != 0 &&
        strcmp(check, "FAILED") != 0)
      continue;
    if (wrong++ == 0)
      printf("\n==== results that failed their check ====\n");
    printf("  %s %s %s %s %s, %s threads: %s\n", t->r[i].f[F_KERNEL],
           t->r[i].f[F_VARIANT], t->r[i].f[F_PASS], t->r[i].f[F_DTYPE],
           t->r[i].f[F_SHAPE], t->r[i].f[F_THREADS], check);
  }
  return wrong;
}

/* Adam's goal (issues 10 and 18): a step at the update bandwidth, at
 * least ADAM_GOAL of it for the bytes the row counts (bench_adam.c). */
#define ADAM_GOAL 0.9

/* The Adam row (variant, dtype, th threads) against ADAM_GOAL, when the
 * run has it. */
static void adam_target(const struct table *t, const char *variant,
                        const char *dtype, int th)
{
  char threads[4], what[96];
  snprintf(threads, sizeof threads, "%d", th);
  struct key r = {"adam", variant, NULL, dtype, NULL, threads};
  if (find(t, &r) == NULL)
    return;
  snprintf(what, sizeof what, "adam %s 2^25 %s, %d thread%s: of update bw",
           variant, dtype, th, th > 1 ? "s" : "");
  report(t, &(struct target){what, r, M_FRAC, NULL, {0}, ADAM_GOAL, 1});
}

int bench_targets(const char *csv_path)
{
  struct table t = load(csv_path);
  if (t.n == 0) {
    fprintf(stderr, "bench: cannot read %s\n", csv_path);
    return -1;
  }
  int runs = runs_in(&t);
  if (runs > 1)
    printf("\n==== issue 10 targets (medians of %d runs) ====\n", runs);
  else
    printf("\n==== issue 10 targets (figures from this run) ====\n");
  double cpus = cpus_available(&t);
  if (cpus >= 0 && cpus < BENCH_CPUS_SHARED)
    printf("  note: the 2-thread FMA peak was %.2fx the 1-thread one: the "
           "machine gave %s\n  about %.1f CPUs, so the 2 / 1 thread "
           "ratios below measure the load, not the kernels\n", cpus,
           runs > 1 ? "a run" : "this run", cpus);
  for (int th = 1; th <= 2; th++) {
    char threads[4], what[96];
    snprintf(threads, sizeof threads, "%d", th);
    struct key r = {"nrm2", "dlv_nrm2_d", "norm", "double", NULL, threads};
    if (find(&t, &r) == NULL)
      continue;
    snprintf(what, sizeof what, "nrm2 2^25, %d thread%s: of read bandwidth",
             th, th > 1 ? "s" : "");
    report(&t, &(struct target){what, r, M_FRAC, NULL, {0}, 0.8, 1});
    snprintf(what, sizeof what, "nrm2 2^25, %d thread%s: / cblas_dnrm2", th,
             th > 1 ? "s" : "");
    report(&t, &(struct target){what, r, M_RATIO, "cblas_dnrm2", {0}, 1.0, 1});
  }
  static const char *const adam_variants[] = {
      "corrected_1pass", "exam_1pass", "corrected_2pass", "exam_2pass"};
  for (int th = 1; th <= 2; th++)
    for (int dt = 0; dt < 2; dt++)
      for (size_t k = 0; k < sizeof adam_variants / sizeof *adam_variants;
           k++)
        adam_target(&t, adam_variants[k], dt ? "double" : "float", th);
  conv_targets(&t);
  printf("\n==== issue 18 targets (conv3d bf16, Adam bf16) ====\n");
  lowp_conv_targets(&t);
  for (int th = 1; th <= 2; th++)
    adam_target(&t, "bf16_master_2pass", "float", th);
  struct key c = {"suite", "ctest -j2 (every test)", NULL, NULL, NULL, NULL};
  struct key v = {"suite", "dlverify (all claims)", NULL, NULL, NULL, NULL};
  if (find(&t, &c))
    report(&t, &(struct target){"whole ctest, seconds", c, M_MEDIAN, NULL,
                                {0}, 120.0, 0});
  if (find(&t, &v))
    report(&t, &(struct target){"dlverify over every claim, seconds", v,
                                M_MEDIAN, NULL, {0}, 60.0, 0});
  int wrong = wrong_results(&t);
  for (size_t i = 0; i < t.n; i++)
    free(t.r[i].f[0]);
  free(t.r);
  return wrong;
}
