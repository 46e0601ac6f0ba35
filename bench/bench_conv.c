/* bench_conv.c: conv3d, three passes, float and double, the shapes of
 * issue 10 (channels last; output extents are the input's minus 2, so the
 * flop counts match research/perf-anchors.md):
 *   S1 B 8, input 16x16x8,  C' = C = 32;  S2 B 4, input 32x32x16, 64 -> 64;
 *   S3 B 1, input 56x56x16, C' 64 -> C 128;  filter 3x3x3.
 * Variants: the project's direct and per_position (S1 only, not in
 * --quick: they are slow), im2col (lowering + one OpenBLAS GEMM: the
 * im2col+OpenBLAS peer), fast; oneDNN (float) in its preferred layout and
 * forced to ours, when found at configure time.
 *
 * Check before timing: the defining sum of 256 sampled output elements
 * (plus the first and last), in long double, each within P3's bound
 * gamma_K sum|a||b| (checks/bounds.h) plus the long double sum's own
 * gamma_K(2^-64) sum|a||b|.
 *
 * Verification time (after timing each pass): fast's output verified
 * element by element against the certified reference
 * (reference/cert_conv3d.h: exact products summed in double for float
 * data, a compensated sum for double data, each with an a-posteriori
 * error bound; one thread), each element within P3's bound gamma_K S plus
 * that reference's own bound, as the gate does, in a workspace kept
 * across runs; timed in alternation with fast at 1 thread (after a
 * warm-up run of each in the same buffers), 3 to 7 runs of each: wall
 * medians, wall bests and process CPU medians, and their ratios (target:
 * at most 10x), beside MPFR's time (reference/ref_conv3d.h) extrapolated
 * from a sub-shape (B = 1, H = W = T = 2) by the number of products.  A
 * table of these closes the conv3d section. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"
#include "bounds.h"
#include "cert_conv3d.h"
#include "conv3d.h"
#include "conv3d_shapes.h"
#include "mp.h"
#include "ref_conv3d.h"
#ifdef DLV_HAVE_DNNL
#include "bench_dnnl.h"
#endif

#define shapes dlv_conv3d_bench_shapes /* conv3d_shapes.h */

enum { V_DIRECT, V_PERPOS, V_IM2COL, V_FAST, V_FAST1, V_DNNL_ANY,
       V_DNNL_USER, NV };
/* fast_1thread: the fast variant limited to one of its threads, in the
 * multi-thread runs only: timed in the same round robin as fast, it gives
 * the thread scaling of the same run. */
static const char *const vname[] = {"direct",     "per_position",
                                    "im2col",     "fast",
                                    "fast_1thread", "onednn_any",
                                    "onednn_user"};

/* ---- typed access ------------------------------------------------------- */

static inline double at(const void *p, int f32, size_t i)
{
  return f32 ? (double)((const float *)p)[i] : ((const double *)p)[i];
}

static void fill(void *p, int f32, size_t n, uint64_t *state)
{
  for (size_t i = 0; i < n; i++) {
    *state = *state * 6364136223846793005ULL + 1442695040888963407ULL;
    double v = (double)(*state >> 11) * 0x1p-53 * 2.0 - 1.0;
    if (f32)
      ((float *)p)[i] = (float)v;
    else
      ((double *)p)[i] = v;
  }
}

/* ---- the defining sums, one element ------------------------------------- */

struct ex {
  const dlv_conv3d_shape *s;
  size_t h1, w1, t1;
  int f32;
};

static size_t i_l1(const struct ex *e, size_t b, size_t x, size_t y,
                   size_t t, size_t cp)
{
  return (((b * e->h1 + x) * e->w1 + y) * e->t1 + t) * e->s->cp + cp;
}

static size_t i_f(const struct ex *e, size_t u, size_t v, size_t z,
                  size_t cp, size_t c)
{
  const dlv_conv3d_shape *s = e->s;
  return (((u * s->v + v) * s->z + z) * s->cp + cp) * s->c + c;
}

static size_t i_l2(const struct ex *e, size_t b, size_t x, size_t y,
                   size_t t, size_t c)
{
  const dlv_conv3d_shape *s = e->s;
  return (((b * s->h + x) * s->w + y) * s->t + t) * s->c + c;
}

/* Element idx of pass `pass` on (a, b): the exact-ish value (long double),
 * sum |a||b| and the number of products K. */
static void element(const struct ex *e, int pass, const void *a,
                    const void *b, size_t idx, long double *val,
                    long double *abs_sum, double *k)
{
  const dlv_conv3d_shape *s = e->s;
  long double v = 0, as = 0;
  size_t n = 0;
#define TERM(p, q)                                                            \
  do {                                                                        \
    long double t_ = (long double)(p) * (q);                                  \
    v += t_;                                                                  \
    as += fabsl(t_);                                                          \
    n++;                                                                      \
  } while (0)
  if (pass == DLV_CONV3D_FWD) { /* a = L1, b = F */
    size_t c = idx % s->c, r = idx / s->c;
    size_t t = r % s->t, y = r / s->t % s->w, x = r / s->t / s->w % s->h,
           bb = r / s->t / s->w / s->h;
    for (size_t u = 0; u < s->u; u++)
      for (size_t vv = 0; vv < s->v; vv++)
        for (size_t z = 0; z < s->z; z++)
          for (size_t cp = 0; cp < s->cp; cp++)
            TERM(at(b, e->f32, i_f(e, u, vv, z, cp, c)),
                 at(a, e->f32, i_l1(e, bb, x + u, y + vv, t + z, cp)));
  } else if (pass == DLV_CONV3D_BWD_FILTER) { /* a = L1, b = G */
    size_t c = idx % s->c, r = idx / s->c;
    size_t cp = r % s->cp, z = r / s->cp % s->z, vv = r / s->cp / s->z % s->v,
           u = r / s->cp / s->z / s->v;
    for (size_t bb = 0; bb < s->b; bb++)
      for (size_t x = 0; x < s->h; x++)
        for (size_t y = 0; y < s->w; y++)
          for (size_t t = 0; t < s->t; t++)
            TERM(at(b, e->f32, i_l2(e, bb, x, y, t, c)),
                 at(a, e->f32, i_l1(e, bb, x + u, y + vv, t + z, cp)));
  } else { /* a = F, b = G; element of L1.grad */
    size_t cp = idx % s->cp, r = idx / s->cp;
    size_t k3 = r % e->t1, j = r / e->t1 % e->w1, i = r / e->t1 / e->w1 % e->h1,
           bb = r / e->t1 / e->w1 / e->h1;
    for (size_t u = 0; u < s->u; u++)
      for (size_t vv = 0; vv < s->v; vv++)
        for (size_t z = 0; z < s->z; z++) {
          if (i < u || j < vv || k3 < z || i - u >= s->h || j - vv >= s->w ||
              k3 - z >= s->t)
            continue;
          for (size_t c = 0; c < s->c; c++)
            TERM(at(b, e->f32, i_l2(e, bb, i - u, j - vv, k3 - z, c)),
                 at(a, e->f32, i_f(e, u, vv, z, cp, c)));
        }
  }
#undef TERM
  *val = v;
  *abs_sum = as;
  *k = (double)n;
}

/* "ok" when every sampled element is within its bound, else "WRONG" with
 * the worst err/bound. */
static void spot_check(const struct ex *e, int pass, const void *a,
                       const void *b, const void *out, size_t n_out,
                       char *verdict, size_t len)
{
  double u = e->f32 ? DLV_U_FLOAT : DLV_U_DOUBLE;
  double eta = e->f32 ? DLV_ETA_FLOAT : DLV_ETA_DOUBLE;
  double worst = 0.0;
  uint64_t st = 0x9e3779b97f4a7c15ULL + (uint64_t)pass;
  for (int i = 0; i < 258; i++) {
    st = st * 6364136223846793005ULL + 1442695040888963407ULL;
    size_t idx = i == 0 ? 0 : i == 1 ? n_out - 1 : (size_t)(st >> 17) % n_out;
    long double v, as;
    double k;
    element(e, pass, a, b, idx, &v, &as, &k);
    double bound = dlv_bound_conv3d_dot(k, u, eta, (double)as) +
                   dlv_gamma(k, 0x1p-64) * (double)as;
    worst = bench_worse(worst, fabs(at(out, e->f32, idx) - (double)v) / bound);
  }
  if (worst <= 1.0)
    snprintf(verdict, len, "ok");
  else
    snprintf(verdict, len, "WRONG(%.2g)", worst);
}

/* ---- verification time ---------------------------------------------------- */

/* d[0 .. n) = p's n values as doubles. */
static void to_doubles(double *d, const void *p, int f32, size_t n)
{
  for (size_t i = 0; i < n; i++)
    d[i] = at(p, f32, i);
}

static double *as_doubles(const void *p, int f32, size_t n)
{
  double *d = bench_alloc((n + 1) * sizeof *d);
  to_doubles(d, p, f32, n);
  return d;
}

/* The clocks of repeated runs of one thing: wall and process CPU seconds
 * (CPU: what the run itself used, whatever the machine's other load),
 * median and best. */
struct vclock {
  double wall_med, wall_best, cpu_med, cpu_best;
};

static double cpu_now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Two things timed in alternation (the kernel, its verification), so
 * that the machine's other load weighs on both alike: each once as a
 * warm-up (first touch of every buffer's pages), then VREPS timed runs of
 * each, VREPS_LONG when the warm-up of the second took over VLONG_S;
 * clk[i] the clocks of fn[i]. */
#define VREPS 7
#define VREPS_LONG 3
#define VLONG_S 0.25

static void time_pair(void (*const fn[2])(void *), void *const arg[2],
                      struct vclock clk[2])
{
  double w[2][VREPS], c[2][VREPS];
  fn[0](arg[0]);
  double t0 = bench_now();
  fn[1](arg[1]);
  int reps = bench_now() - t0 > VLONG_S ? VREPS_LONG : VREPS;
  for (int r = 0; r < reps; r++)
    for (int i = 0; i < 2; i++) {
      double w0 = bench_now(), c0 = cpu_now();
      fn[i](arg[i]);
      c[i][r] = cpu_now() - c0;
      w[i][r] = bench_now() - w0;
    }
  for (int i = 0; i < 2; i++) {
    qsort(w[i], (size_t)reps, sizeof w[i][0], bench_cmp_double);
    qsort(c[i], (size_t)reps, sizeof c[i][0], bench_cmp_double);
    clk[i] = (struct vclock){w[i][reps / 2], w[i][0], c[i][reps / 2],
                             c[i][0]};
  }
}

/* One verification of every element of out (a pass on inputs a, b of na
 * and nb values): the inputs as doubles (in ad, bd), the certified
 * reference (results in o, scratch memory in work), the comparisons;
 * bad: the number of elements outside P3's bound plus the reference's. */
struct verify {
  const struct ex *e;
  int pass;
  const void *a, *b, *out;
  size_t na, nb, n_out;
  double *ad, *bd;
  dlv_cert_out o;
  dlv_cert_work work;
  size_t bad;
};

static void verify_once(void *arg)
{
  struct verify *v = arg;
  const struct ex *e = v->e;
  to_doubles(v->ad, v->a, e->f32, v->na);
  to_doubles(v->bd, v->b, e->f32, v->nb);
  v->bad = dlv_conv3d_cert_pass_w(v->pass, e->s, v->ad, v->bd, &v->o,
                                  &v->work) == 0 ? 0 : v->n_out;
  double u = e->f32 ? DLV_U_FLOAT : DLV_U_DOUBLE;
  double eta = e->f32 ? DLV_ETA_FLOAT : DLV_ETA_DOUBLE;
  /* K is the same along a row of C' input-gradient channels, and for
   * every element of the other passes. */
  size_t row = v->pass == DLV_CONV3D_BWD_INPUT ? e->s->cp : v->n_out;
  for (size_t i0 = 0; i0 < v->n_out && v->bad == 0; i0 += row) {
    double k = dlv_conv3d_terms(e->s, v->pass, i0);
    for (size_t i = i0; i < i0 + row; i++) {
      double tol = dlv_bound_conv3d_dot(k, u, eta, v->o.abs_sum[i]) +
                   v->o.err[i];
      v->bad += !(fabs(at(v->out, e->f32, i) - v->o.val[i]) <= tol);
    }
  }
}

/* The clocks of the kernel (kernel(karg), which writes out) and of the
 * verification of its output, timed in alternation: buffers and the
 * reference's workspace allocated once, a warm-up run of each (first
 * touch of their pages costs up to 3x the run on the shared VM), then
 * the timed runs; clk[0] the kernel's, clk[1] the verification's; *bad
 * from the last verification. */
static void verify_pass(const struct ex *e, int pass, const void *a,
                        size_t na, const void *b, size_t nb, const void *out,
                        size_t n_out, void (*kernel)(void *), void *karg,
                        struct vclock clk[2], size_t *bad)
{
  double *buf = bench_alloc(3 * n_out * sizeof *buf);
  struct verify v = {e, pass, a, b, out, na, nb, n_out,
                     bench_alloc((na + 1) * sizeof(double)),
                     bench_alloc((nb + 1) * sizeof(double)),
                     {buf, buf + n_out, buf + 2 * n_out}, {NULL, 0}, 0};
  void (*const fn[2])(void *) = {kernel, verify_once};
  void *const arg[2] = {karg, &v};
  time_pair(fn, arg, clk);
  *bad = v.bad;
  dlv_cert_work_free(&v.work);
  free(v.ad);
  free(v.bd);
  free(buf);
}

/* MPFR's seconds for the whole pass, extrapolated by the number of
 * products from the sub-shape B = 1, H = W = T = 2 (data: the first
 * elements of a and b). */
static double mpfr_estimate(const struct ex *e, int pass, const void *a,
                            const void *b)
{
  dlv_conv3d_shape sub = *e->s;
  sub.b = 1, sub.h = sub.w = sub.t = 2;
  size_t n1, nf, n2;
  dlv_conv3d_sizes(&sub, &n1, &nf, &n2);
  size_t na = pass == DLV_CONV3D_BWD_INPUT ? nf : n1;
  size_t nb = pass == DLV_CONV3D_FWD ? nf : n2;
  size_t nout = pass == DLV_CONV3D_FWD          ? n2
                : pass == DLV_CONV3D_BWD_FILTER ? nf
                                                : n1;
  double *ad = as_doubles(a, e->f32, na), *bd = as_doubles(b, e->f32, nb);
  mpfr_t *out = dlv_mp_vec_alloc(nout, dlv_mp_prec());
  double t0 = bench_now();
  dlv_conv3d_mp_pass(pass, &sub, ad, bd, out);
  double t = bench_now() - t0;
  dlv_mp_vec_free(out, nout);
  free(ad);
  free(bd);
  const dlv_conv3d_shape *s = e->s;
  return t * (double)(s->b * s->h * s->w * s->t) / (double)(sub.h * sub.w *
                                                           sub.t);
}

/* ---- one call of a variant ---------------------------------------------- */

struct call {
  const dlv_conv3d_shape *s;
  int f32, pass, variant;
  int threads; /* the fast variant's thread count for this call */
  const void *a, *b;
  void *out, *work;
  size_t work_len;
  int status;
#ifdef DLV_HAVE_DNNL
  struct bdnnl *dnnl;
#endif
};

static void run_call(void *p)
{
  struct call *c = p;
#ifdef DLV_HAVE_DNNL
  if (c->dnnl) {
    bdnnl_run(c->dnnl);
    return;
  }
#endif
  dlv_set_threads(c->threads);
  if (c->f32) {
    int (*k[])(const dlv_conv3d_shape *, int, const float *, const float *,
               float *, float *, size_t) = {dlv_conv3d_fwd_s,
                                            dlv_conv3d_bwd_filter_s,
                                            dlv_conv3d_bwd_input_s};
    c->status = k[c->pass](c->s, c->variant, c->a, c->b, c->out, c->work,
                           c->work_len);
  } else {
    int (*k[])(const dlv_conv3d_shape *, int, const double *,
               const double *, double *, double *, size_t) = {
        dlv_conv3d_fwd_d, dlv_conv3d_bwd_filter_d, dlv_conv3d_bwd_input_d};
    c->status = k[c->pass](c->s, c->variant, c->a, c->b, c->out, c->work,
                           c->work_len);
  }
}

/* The verification times of the run, for the closing table.  Ratios:
 * verification / fast at 1 thread (timed in alternation), of the wall
 * medians, the wall bests and the process CPU medians (the CPU clock,
 * which the machine's other load hardly moves). */
struct vtime {
  const char *shape;
  int pass, f32;
  struct vclock fast, verify;
  double mpfr_s;
  size_t bad;
};
static struct vtime vtimes[DLV_CONV3D_NBENCH_SHAPES * 2 * DLV_CONV3D_NPASSES];
static size_t n_vtimes;

/* Times fast at 1 thread (its output in c->out) in alternation with the
 * verification of that output (1 thread) and prints the verification
 * line. */
static void report_verification(struct call *c, const struct ex *e,
                                size_t na, size_t nb, size_t n_out,
                                const char *shape_name)
{
  struct call one = *c;
  one.threads = 1;
  struct vtime t = {shape_name, c->pass, e->f32};
  struct vclock clk[2];
  verify_pass(e, c->pass, c->a, na, c->b, nb, c->out, n_out, run_call,
              &one, clk, &t.bad);
  dlv_set_threads(c->threads);
  t.fast = clk[0], t.verify = clk[1];
  t.mpfr_s = mpfr_estimate(e, c->pass, c->a, c->b);
  printf("  verify %-10s %-6s %s: certified reference, all %zu elements "
         "%s: median %.4f s = %.1fx fast at 1 thread (%.4f s), best "
         "%.1fx, CPU %.1fx; MPFR (est.) %.0f s = %.0fx\n",
         dlv_conv3d_pass_name(c->pass), e->f32 ? "float" : "double",
         shape_name, n_out, t.bad ? "WRONG" : "ok", t.verify.wall_med,
         t.verify.wall_med / t.fast.wall_med, t.fast.wall_med,
         t.verify.wall_best / t.fast.wall_best,
         t.verify.cpu_med / t.fast.cpu_med, t.mpfr_s,
         t.mpfr_s / t.fast.wall_med);
  if (t.bad)
    printf("  verify: %zu elements outside the bound\n", t.bad);
  if (n_vtimes < sizeof vtimes / sizeof vtimes[0])
    vtimes[n_vtimes++] = t;
}

/* The closing table: every verified pass, kernel and verification at one
 * thread. */
static void print_vtimes(void)
{
  if (n_vtimes == 0)
    return;
  printf("\nconv3d verification, every element against the certified "
         "reference (1 thread) vs fast (1 thread); target <= 10x\n"
         "  %-22s %-10s %-6s %9s %9s %9s %9s %7s %7s %7s %8s %7s\n",
         "shape", "pass", "dtype", "fast med", "fast cpu", "verif med",
         "verif cpu", "x med", "x best", "x cpu", "MPFR s", "MPFR x");
  for (size_t i = 0; i < n_vtimes; i++) {
    const struct vtime *t = &vtimes[i];
    printf("  %-22s %-10s %-6s %9.4f %9.4f %9.4f %9.4f %6.1fx %6.1fx %6.1fx "
           "%8.0f %6.0fx%s\n",
           t->shape, dlv_conv3d_pass_name(t->pass),
           t->f32 ? "float" : "double", t->fast.wall_med, t->fast.cpu_med,
           t->verify.wall_med, t->verify.cpu_med,
           t->verify.wall_med / t->fast.wall_med,
           t->verify.wall_best / t->fast.wall_best,
           t->verify.cpu_med / t->fast.cpu_med, t->mpfr_s,
           t->mpfr_s / t->fast.wall_med, t->bad ? "  WRONG" : "");
  }
  n_vtimes = 0;
}

/* Whether name is an item of the comma-separated list (NULL: all). */
int bench_listed(const char *list, const char *name)
{
  if (list == NULL)
    return 1;
  size_t n = strlen(name);
  for (const char *p = list; p != NULL; p = strchr(p, ','), p = p ? p + 1 : p)
    if (strncmp(p, name, n) == 0 && (p[n] == ',' || p[n] == '\0'))
      return 1;
  return 0;
}

/* Whether variant v is measured in this run for shape index si, dtype. */
static int wanted(const struct bench_ctx *ctx, int v, size_t si, int f32)
{
  if (!bench_listed(getenv("DLV_BENCH_CONV"), vname[v == V_FAST1 ? V_FAST : v]))
    return 0; /* fast_1thread comes with fast */
  if (v == V_DIRECT || v == V_PERPOS)
    return !ctx->quick && si == 0;
  if (v == V_FAST1)
    return ctx->threads > 1;
  if (v == V_DNNL_ANY || v == V_DNNL_USER) {
#ifdef DLV_HAVE_DNNL
    return f32;
#else
    return f32 && 0;
#endif
  }
  return 1;
}

/* Prepares variant v of one (shape, dtype, pass) in *c and runs and
 * checks it once, filling the row's names and check; 0 if unavailable. */
static int prepare(const struct bench_ctx *ctx, struct call *c, int v,
                   const struct ex *e, size_t n_out, const char *shape_name,
                   struct bench_row *r)
{
  memset(r, 0, sizeof *r);
  c->variant = v == V_FAST1 || v >= V_DNNL_ANY ? DLV_CONV3D_FAST : v;
  c->threads = v == V_FAST1 ? 1 : ctx->threads;
  c->status = 0;
  snprintf(r->kernel, sizeof r->kernel, "conv3d");
  snprintf(r->variant, sizeof r->variant, "%s", vname[v]);
  snprintf(r->pass, sizeof r->pass, "%s", dlv_conv3d_pass_name(c->pass));
  snprintf(r->dtype, sizeof r->dtype, "%s", c->f32 ? "float" : "double");
  snprintf(r->shape, sizeof r->shape, "%s", shape_name);
#ifdef DLV_HAVE_DNNL
  c->dnnl = NULL;
  if (v == V_DNNL_ANY || v == V_DNNL_USER) {
    char why[160];
    c->dnnl = bdnnl_create(c->s, c->pass, v == V_DNNL_ANY, c->a, c->b, why,
                           sizeof why);
    if (c->dnnl == NULL) {
      printf("  oneDNN %s %s: %s\n", vname[v], r->pass, why);
      return 0;
    }
    bdnnl_run(c->dnnl);
    bdnnl_result(c->dnnl, c->out);
  } else
#endif
    run_call(c);
  if (c->status != 0)
    snprintf(r->check, sizeof r->check, "status %d", c->status);
  else
    spot_check(e, c->pass, c->a, c->b, c->out, n_out, r->check,
               sizeof r->check);
#ifdef DLV_HAVE_DNNL
  if (c->dnnl) /* which oneDNN implementation ran */
    bdnnl_append_impl(c->dnnl, r->check, sizeof r->check);
#endif
  return 1;
}

/* Times the prepared variants of one pass in one round robin, together
 * with the FMA-peak loop (all threads of the run, about 15 ms): each
 * row's limit is that probe's rate in the same round robin, so the
 * fraction of peak sees the same load as the kernel.  Fills the rows,
 * releases oneDNN's primitives. */
static void time_pass(const struct bench_ctx *ctx, struct call *calls,
                      struct bench_row *rows, int n, double flops)
{
  void *args[NV + 1];
  bench_fn fns[NV + 1];
  struct timing t[NV + 1];
  struct peak_arg probe = {calls[0].f32, 5000000, 0.0, 0.0};
  for (int i = 0; i < n; i++)
    args[i] = &calls[i], fns[i] = run_call;
  args[n] = &probe, fns[n] = bench_peak_run;
  bench_time_rr(fns, args, n + 1, ctx->quick ? 0.5 : 3.0, t);
  double peak = probe.flops / t[n].median / 1e9;
  for (int i = 0; i < n; i++) {
#ifdef DLV_HAVE_DNNL
    bdnnl_free(calls[i].dnnl);
    calls[i].dnnl = NULL;
#endif
    bench_row_time(&rows[i], &t[i]);
    rows[i].rate = flops / t[i].median / 1e9;
    rows[i].unit = "GFLOP/s";
    rows[i].limit = peak;
  }
  dlv_set_threads(ctx->threads);
}

static void bench_shape(const struct bench_ctx *ctx, size_t si, int f32)
{
  const dlv_conv3d_shape *s = &shapes[si].s;
  size_t n1, nf, n2, nw = 0, esz = f32 ? sizeof(float) : sizeof(double);
  dlv_conv3d_sizes(s, &n1, &nf, &n2);
  for (int v = 0; v <= V_FAST; v++)
    for (int p = 0; p < DLV_CONV3D_NPASSES; p++) {
      size_t w;
      if (wanted(ctx, v, si, f32) &&
          dlv_conv3d_work_size(s, v, p, &w) == 0 && w > nw)
        nw = w;
    }
  void *l1 = bench_alloc(n1 * esz), *f = bench_alloc(nf * esz),
       *g = bench_alloc(n2 * esz), *work = bench_alloc(nw * esz);
  size_t nmax = n1 > nf ? n1 : nf;
  nmax = nmax > n2 ? nmax : n2;
  void *out = bench_alloc(nmax * esz);
  uint64_t st = 42;
  fill(l1, f32, n1, &st);
  fill(f, f32, nf, &st);
  fill(g, f32, n2, &st);
  struct ex e = {s, s->h + s->u - 1, s->w + s->v - 1, s->t + s->z - 1, f32};
  double flops = 2.0 * (double)(s->b * s->h * s->w * s->t) *
                 (double)(s->c * s->cp * s->u * s->v * s->z);
  for (int p = 0; p < DLV_CONV3D_NPASSES; p++) {
    struct call proto = {s, f32, p, 0, ctx->threads,
                         p == DLV_CONV3D_BWD_INPUT ? f : l1,
                         p == DLV_CONV3D_FWD ? f : g, out, work, nw};
    size_t n_out = p == DLV_CONV3D_FWD ? n2 : p == DLV_CONV3D_BWD_FILTER ? nf
                                                                        : n1;
    struct bench_row rows[NV];
    struct call calls[NV];
    int nr = 0;
    for (int v = 0; v < NV; v++) {
      calls[nr] = proto;
      if (wanted(ctx, v, si, f32))
        nr += prepare(ctx, &calls[nr], v, &e, n_out, shapes[si].name,
                      &rows[nr]);
    }
    time_pass(ctx, calls, rows, nr, flops);
    for (int i = 0; i < nr; i++)
      if (strcmp(rows[i].variant, "fast") == 0 && rows[i].median_s > 0)
        report_verification(&calls[i], &e, p == DLV_CONV3D_BWD_INPUT ? nf : n1,
                            p == DLV_CONV3D_FWD ? nf : n2, n_out,
                            shapes[si].name);
    const char *const peers[] = {"im2col", "onednn_any", "onednn_user",
                                 "fast", "fast_1thread"};
    bench_emit(ctx, rows, nr, peers, 5);
  }
  free(l1);
  free(f);
  free(g);
  free(work);
  free(out);
}

void bench_conv(struct bench_ctx *ctx)
{
  bench_table_header("conv3d (GFLOP/s; limit: the FMA-peak loop timed in "
                     "the same round robin)");
#ifndef DLV_HAVE_DNNL
  printf("note: built without oneDNN (apt-get install libdnnl-dev and "
         "re-run cmake, DLV_BENCH_DNNL=ON): its rows are skipped\n");
#endif
  size_t nshapes = ctx->quick ? 1 : sizeof shapes / sizeof shapes[0];
  for (size_t si = 0; si < nshapes; si++) {
    char num[8];
    snprintf(num, sizeof num, "%zu", si + 1);
    if (bench_listed(getenv("DLV_BENCH_SHAPES"), num))
      for (int f32 = 1; f32 >= 0; f32--)
        bench_shape(ctx, si, f32);
  }
  print_vtimes();
}
