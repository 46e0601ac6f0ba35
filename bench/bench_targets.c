/* bench_targets.c: issue 10's targets, read back from the CSV of the run
 * that just finished (so every figure compared comes from the same run),
 * each printed as met or as the gap. */
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

/* The record matching every non-NULL key, or NULL. */
static const struct rec *find(const struct table *t, const char *kernel,
                              const char *variant, const char *pass,
                              const char *dtype, const char *shape,
                              const char *threads)
{
  const char *key[] = {kernel, variant, pass, dtype, shape, threads};
  for (size_t i = 1; i < t->n; i++) {
    int ok = 1;
    for (int k = 0; k < 6 && ok; k++)
      ok = key[k] == NULL || strcmp(t->r[i].f[k], key[k]) == 0;
    if (ok)
      return &t->r[i];
  }
  return NULL;
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

static int report(const char *what, double value, double goal, int higher)
{
  int met = value >= 0 && (higher ? value >= goal : value <= goal);
  printf("  %-58s %8.2f  (goal %s %.2f)  %s\n", what, value,
         higher ? ">=" : "<=", goal, value < 0 ? "not measured"
                                    : met     ? "met"
                                              : "GAP");
  return met;
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
      const struct rec *f = find(t, "conv3d", "fast", passes[p], "float",
                                 shape_names[s], "1");
      const struct rec *d = find(t, "conv3d", "fast", passes[p], "double",
                                 shape_names[s], "1");
      if (f == NULL && d == NULL)
        continue;
      if (f) {
        snprintf(what, sizeof what, "conv3d fast %s float %.2s: / oneDNN",
                 passes[p], shape_names[s]);
        report(what, ratio_to(f, "onednn_any"), 0.9, 1);
        snprintf(what, sizeof what, "conv3d fast %s float %.2s: of FP32 peak",
                 passes[p], shape_names[s]);
        report(what, atof(f->f[F_FRAC]), 0.75, 1);
      }
      if (d) {
        snprintf(what, sizeof what, "conv3d fast %s double %.2s: of FP64 peak",
                 passes[p], shape_names[s]);
        report(what, atof(d->f[F_FRAC]), 0.70, 1);
      }
      /* scaling: fast at 2 threads against fast_1thread, timed in the
       * same round robin of the 2-thread run */
      for (int dt = 0; dt < 2 && s > 0; dt++) {
        const char *dtype = dt ? "double" : "float";
        const struct rec *two = find(t, "conv3d", "fast", passes[p], dtype,
                                     shape_names[s], "2");
        const struct rec *one = find(t, "conv3d", "fast_1thread", passes[p],
                                     dtype, shape_names[s], "2");
        if (two) {
          snprintf(what, sizeof what, "conv3d fast %s %s %.2s: 2 / 1 threads",
                   passes[p], dtype, shape_names[s]);
          report(what, ratio_to(two, "fast_1thread"), 1.8, 1);
        }
        /* the same from the best repetitions: on a shared VM the second
         * CPU is taken away now and then, which moves medians by up to
         * 30% and the best by about 5% (perf-anchors.md) */
        if (two && one && atof(two->f[F_BEST]) > 0) {
          snprintf(what, sizeof what,
                   "conv3d fast %s %s %.2s: 2 / 1 threads (best)",
                   passes[p], dtype, shape_names[s]);
          report(what, atof(one->f[F_BEST]) / atof(two->f[F_BEST]), 1.8, 1);
        }
      }
    }
}

/* Issue 18: bf16 conv3d >= 1.6x the float FAST and >= 1.0x oneDNN's bf16
 * convolution, every shape and pass, from the medians of the round robin
 * and from the best repetitions (bench_conv_lowp.c's rows). */
static void lowp_report(const struct rec *b, const struct rec *peer,
                        const char *peer_name, const char *what,
                        double goal)
{
  char line[128];
  snprintf(line, sizeof line, "%s / %s", what, peer_name);
  report(line, ratio_to(b, peer_name), goal, 1);
  if (peer == NULL || atof(b->f[F_BEST]) <= 0)
    return;
  snprintf(line, sizeof line, "%s / %s (best)", what, peer_name);
  report(line, atof(peer->f[F_BEST]) / atof(b->f[F_BEST]), goal, 1);
}

static void lowp_conv_targets(const struct table *t)
{
  for (int th = 1; th <= 2; th++)
    for (int s = 0; s < 3; s++)
      for (int p = 0; p < 3; p++) {
        char threads[4], what[96];
        snprintf(threads, sizeof threads, "%d", th);
        const struct rec *b = find(t, "conv3d", "bf16", passes[p], "bf16",
                                   shape_names[s], threads);
        if (b == NULL)
          continue;
        snprintf(what, sizeof what, "conv3d bf16 %s %.2s, %d thr",
                 passes[p], shape_names[s], th);
        lowp_report(b, find(t, "conv3d", "f32_fast", passes[p], "float",
                            shape_names[s], threads),
                    "f32_fast", what, 1.6);
        lowp_report(b, find(t, "conv3d", "onednn_bf16", passes[p], "bf16",
                            shape_names[s], threads),
                    "onednn_bf16", what, 1.0);
        const char *cpus = strstr(b->f[F_CHECK], " cpus "); /* its pass's */
        if (cpus != NULL && atof(cpus + 6) < BENCH_CPUS_SHARED)
          printf("    (this round robin had %.2f CPUs' worth: the ratios "
                 "above measure the load)\n", atof(cpus + 6));
      }
}

/* The CPUs' worth the 2-thread run got: its FMA peak (float, best) over
 * the 1-thread run's; -1 when either is missing. */
static double cpus_available(const struct table *t)
{
  const struct rec *one = find(t, "machine", "fma_peak", NULL, "float", NULL,
                               "1");
  const struct rec *two = find(t, "machine", "fma_peak", NULL, "float", NULL,
                               "2");
  if (one == NULL || two == NULL)
    return -1.0;
  double p1 = atof(one->f[F_CHECK] + 5), p2 = atof(two->f[F_CHECK] + 5);
  return p1 > 0 ? p2 / p1 : -1.0; /* check reads "best N" */
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

int bench_targets(const char *csv_path)
{
  struct table t = load(csv_path);
  if (t.n == 0) {
    fprintf(stderr, "bench: cannot read %s\n", csv_path);
    return -1;
  }
  printf("\n==== issue 10 targets (figures from this run) ====\n");
  double cpus = cpus_available(&t);
  if (cpus >= 0 && cpus < BENCH_CPUS_SHARED)
    printf("  note: the 2-thread FMA peak was %.2fx the 1-thread one: the "
           "machine gave this run\n  about %.1f CPUs, so the 2 / 1 thread "
           "ratios below measure the load, not the kernels\n", cpus, cpus);
  for (int th = 1; th <= 2; th++) {
    char threads[4];
    snprintf(threads, sizeof threads, "%d", th);
    const struct rec *r =
        find(&t, "nrm2", "dlv_nrm2_d", "norm", "double", NULL, threads);
    if (r == NULL)
      continue;
    char what[96];
    snprintf(what, sizeof what, "nrm2 2^25, %d thread%s: of read bandwidth",
             th, th > 1 ? "s" : "");
    report(what, atof(r->f[F_FRAC]), 0.8, 1);
    snprintf(what, sizeof what, "nrm2 2^25, %d thread%s: / cblas_dnrm2", th,
             th > 1 ? "s" : "");
    report(what, ratio_to(r, "cblas_dnrm2"), 1.0, 1);
  }
  static const char *const adam_variants[] = {
      "corrected_1pass", "exam_1pass", "corrected_2pass", "exam_2pass"};
  for (int th = 1; th <= 2; th++)
    for (int dt = 0; dt < 2; dt++)
      for (size_t k = 0; k < sizeof adam_variants / sizeof *adam_variants;
           k++) {
        char threads[4], what[96];
        snprintf(threads, sizeof threads, "%d", th);
        const struct rec *r = find(&t, "adam", adam_variants[k], NULL,
                                   dt ? "double" : "float", NULL, threads);
        if (r == NULL)
          continue;
        snprintf(what, sizeof what, "adam %s 2^25 %s, %d thread%s: of update bw",
                 adam_variants[k], dt ? "double" : "float", th,
                 th > 1 ? "s" : "");
        report(what, atof(r->f[F_FRAC]), 0.9, 1);
      }
  conv_targets(&t);
  printf("\n==== issue 18 targets (conv3d bf16) ====\n");
  lowp_conv_targets(&t);
  const struct rec *c =
      find(&t, "suite", "ctest -j2 (every test)", NULL, NULL, NULL, NULL);
  const struct rec *v = find(&t, "suite", "dlverify (all claims)", NULL,
                             NULL, NULL, NULL);
  if (c)
    report("whole ctest, seconds", atof(c->f[F_MEDIAN]), 120.0, 0);
  if (v)
    report("dlverify over every claim, seconds", atof(v->f[F_MEDIAN]), 60.0,
           0);
  int wrong = wrong_results(&t);
  for (size_t i = 0; i < t.n; i++)
    free(t.r[i].f[0]);
  free(t.r);
  return wrong;
}
