/* bench_backends.c: bench times what dlverify verifies (issue 17, item 6).
 * The backends dlverify's gate runs through (include/dlv/dlv_backend.h,
 * loaded by backends/backend_load.c: builtin, every plugin built here, or
 * the list of DLV_BENCH_BACKENDS, names or paths) are timed through the
 * same table, one round robin per operation and dtype, so each is quoted
 * beside the others as a speed ratio against the builtin's first variant.
 * Operations: the norm (2^20 elements quick, 2^24 full) and conv3d's three
 * passes on one mid shape, every variant each backend declares.  Every
 * result is checked before it is timed: the norm against a long double sum
 * within dlv_bound_nrm2_{d,s} (plus the sum's own gamma_n(2^-64)); a
 * conv3d output against the builtin's direct variant within twice
 * dlv_bound_conv3d_dot (both within it of the exact value; data in
 * [-1, 1], so each element's absolute sum is at most K).  A backend that
 * lacks an operation has no row there.  A wrong result of dlverify's own
 * kernels is WRONG (the bench fails); one of another backend is FINDING:
 * a fact about that library, which the gate reports as well (e.g. BLIS
 * 0.9.0's cblas_snrm2, accumulated in float: the gate's --xfail), shown
 * and kept, not a failure of dlverify.  Ratios (bench_emit: peer median /
 * row median, > 1 faster) are against the builtin's last variant, its
 * production one (conv3d: fast). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend_load.h"
#include "bench.h"
#include "bounds.h"
#include "claims/p3_conv3d/bounds.h"
#include "conv3d.h"
#include "dlv_status.h"

#define MAX_BACKENDS 8
#define MAX_RUNS 32 /* backend x variant entries of one round robin */

/* One timed entry: a backend's op in one dtype and variant. */
struct bk_arg {
  const dlv_backend *b;
  int op, is_float, variant;
  const dlv_conv3d_shape *s;
  size_t n;                   /* norm: elements */
  const void *a, *bb;         /* inputs (norm: x in a) */
  void *out, *work;
  size_t work_len;
  int status;
  double result;              /* norm */
};

static void run_bk(void *p)
{
  struct bk_arg *a = p;
  const dlv_backend *b = a->b;
  if (a->op == DLV_BK_NRM2) {
    float r = 0.0f;
    a->status = a->is_float ? b->nrm2_s(a->n, a->a, 1, &r)
                            : b->nrm2_d(a->n, a->a, 1, &a->result);
    if (a->is_float)
      a->result = r;
    return;
  }
  int pass = a->op - DLV_BK_CONV3D_FWD;
  a->status = a->is_float ? b->conv3d_s[pass](a->s, a->variant, a->a, a->bb,
                                              a->out, a->work, a->work_len)
                          : b->conv3d_d[pass](a->s, a->variant, a->a, a->bb,
                                              a->out, a->work, a->work_len);
}

/* The backends to time: the builtin first (the ratios' reference), then
 * DLV_BENCH_BACKENDS (comma-separated names or paths) or every other
 * built-in one; those that do not load are named and left out. */
static size_t load_backends(const dlv_backend **out)
{
  size_t n = 1, nnames;
  out[0] = dlv_backend_builtin();
  const char *const *names = dlv_backend_names(&nnames);
  const char *env = getenv("DLV_BENCH_BACKENDS");
  static char list[2048];
  snprintf(list, sizeof list, "%s", env ? env : "");
  const char *given[MAX_BACKENDS];
  size_t ngiven = 0;
  for (char *t = strtok(list, ","); t && ngiven < MAX_BACKENDS;
       t = strtok(NULL, ","))
    given[ngiven++] = t;
  size_t count = env ? ngiven : nnames;
  for (size_t i = 0; i < count && n < MAX_BACKENDS; i++) {
    const char *name = env ? given[i] : names[i];
    if (strcmp(name, "builtin") == 0)
      continue;
    char err[512];
    const dlv_backend *b = dlv_backend_load(name, err, sizeof err);
    if (b == NULL)
      printf("backend %s not timed: %s\n", name, err);
    else
      out[n++] = b;
  }
  return n;
}

static void fill(void *p, int is_float, size_t n, unsigned seed)
{
  srand(seed);
  for (size_t i = 0; i < n; i++) {
    double v = 2.0 * rand() / RAND_MAX - 1.0;
    if (is_float)
      ((float *)p)[i] = (float)v;
    else
      ((double *)p)[i] = v;
  }
}

static double get(const void *p, int is_float, size_t i)
{
  return is_float ? ((const float *)p)[i] : ((const double *)p)[i];
}

/* The check column: "ok", else WRONG for the builtin, FINDING for
 * another backend. */
static const char *verdict(int ok, const dlv_backend *b)
{
  return ok ? "ok" : b == dlv_backend_builtin() ? "WRONG" : "FINDING";
}

/* A row named "<backend>:<variant>" in group (kernel, pass, dtype). */
static void name_row(struct bench_row *r, const struct bk_arg *a,
                     const char *kernel, const char *pass, const char *shape)
{
  memset(r, 0, sizeof *r);
  snprintf(r->kernel, sizeof r->kernel, "%s", kernel);
  if (a->op == DLV_BK_NRM2)
    snprintf(r->variant, sizeof r->variant, "%s", a->b->name);
  else
    snprintf(r->variant, sizeof r->variant, "%.15s:%.15s", a->b->name,
             a->b->conv3d_variant_name(a->variant));
  snprintf(r->pass, sizeof r->pass, "%s", pass);
  snprintf(r->dtype, sizeof r->dtype, a->is_float ? "float" : "double");
  snprintf(r->shape, sizeof r->shape, "%s", shape);
}

/* Times the n entries in one round robin and prints them with ratios
 * against the builtin's last entry (its production variant). */
static void time_group(struct bench_ctx *ctx, struct bk_arg *args,
                       struct bench_row *rows, int n, double bytes)
{
  bench_fn fns[MAX_RUNS] = {NULL};
  void *argp[MAX_RUNS] = {NULL};
  struct timing t[MAX_RUNS];
  for (int k = 0; k < n; k++) {
    fns[k] = run_bk;
    argp[k] = &args[k];
  }
  bench_time_rr(fns, argp, n, ctx->quick ? 1.0 : 3.0, t);
  for (int k = 0; k < n; k++) {
    bench_row_time(&rows[k], &t[k]);
    rows[k].rate = bytes / t[k].median / 1e9;
    rows[k].unit = "GB/s";
  }
  int ref = 0;
  while (ref + 1 < n && args[ref + 1].b == dlv_backend_builtin())
    ref++;
  const char *peers[] = {rows[ref].variant};
  bench_emit(ctx, rows, n, peers, 1);
}

static void bench_norm_backends(struct bench_ctx *ctx,
                                const dlv_backend *const *bk, size_t nb,
                                int is_float)
{
  size_t n = (size_t)1 << (ctx->quick ? 20 : 24);
  size_t elem = is_float ? sizeof(float) : sizeof(double);
  void *x = bench_alloc(n * elem);
  fill(x, is_float, n, 4242);
  long double ss = 0.0L;
  for (size_t i = 0; i < n; i++)
    ss += (long double)get(x, is_float, i) * get(x, is_float, i);
  double ref = (double)sqrtl(ss);
  double tol = (is_float ? dlv_bound_nrm2_s(n).rel : dlv_bound_nrm2_d(n).rel) +
               dlv_gamma((double)n, 0x1p-64);
  struct bk_arg args[MAX_RUNS];
  struct bench_row rows[MAX_RUNS];
  int m = 0;
  for (size_t i = 0; i < nb && m < MAX_RUNS; i++) {
    unsigned caps = dlv_backend_support(bk[i], DLV_BK_NRM2,
                                        is_float ? DLV_BK_FLOAT : DLV_BK_DOUBLE);
    if (!(caps & DLV_BK_PROVIDED))
      continue;
    args[m] = (struct bk_arg){.b = bk[i], .op = DLV_BK_NRM2,
                              .is_float = is_float, .n = n, .a = x};
    run_bk(&args[m]);
    name_row(&rows[m], &args[m], "nrm2", "norm",
             ctx->quick ? "2^20" : "2^24");
    double rel = fabs(args[m].result - ref) / ref;
    snprintf(rows[m].check, sizeof rows[m].check, "%s",
             verdict(args[m].status == DLV_OK && rel <= tol, bk[i]));
    m++;
  }
  char title[160];
  snprintf(title, sizeof title, "Backends: the norm, %s, contiguous "
           "(ratios against the builtin)", is_float ? "float" : "double");
  bench_table_header(title);
  if (m > 0)
    time_group(ctx, args, rows, m, (double)(n * elem));
  free(x);
}

/* The conv3d operands of one pass: (a, b) and the output's count. */
struct conv_data {
  const dlv_conv3d_shape *s;
  size_t n_l1, n_f, n_l2;
  void *l1, *f, *l2;
};

static void conv_operands(const struct conv_data *d, int pass, const void **a,
                          const void **b, size_t *n_out, size_t *k)
{
  const dlv_conv3d_shape *s = d->s;
  if (pass == 0) { /* fwd: (L1, F) -> L2 */
    *a = d->l1, *b = d->f, *n_out = d->n_l2;
    *k = s->u * s->v * s->z * s->cp;
  } else if (pass == 1) { /* bwd_filter: (L1, G) -> F.grad */
    *a = d->l1, *b = d->l2, *n_out = d->n_f;
    *k = s->b * s->h * s->w * s->t;
  } else { /* bwd_input: (F, G) -> L1.grad */
    *a = d->f, *b = d->l2, *n_out = d->n_l1;
    *k = s->u * s->v * s->z * s->c;
  }
}

/* Whether out matches the reference output within twice the dot bound. */
static int conv_matches(const void *out, const void *ref, int is_float,
                        size_t n, size_t k)
{
  double u = is_float ? DLV_U_FLOAT : DLV_U_DOUBLE;
  /* the underflow of one product: half the smallest subnormal (float),
   * at most the smallest subnormal (double: half of it is not a double) */
  double eta = is_float ? 0x1p-150 : 0x1p-1074;
  double tol = 2.0 * dlv_bound_conv3d_dot((double)k, u, eta, (double)k);
  for (size_t i = 0; i < n; i++)
    if (!(fabs(get(out, is_float, i) - get(ref, is_float, i)) <= tol))
      return 0;
  return 1;
}

/* Adds the entries of backend b (every variant) for one pass; returns
 * the new count. */
static int add_conv_entries(const dlv_backend *b, const struct conv_data *d,
                            int pass, int is_float, struct bk_arg *args,
                            struct bench_row *rows, int m)
{
  int op = DLV_BK_CONV3D_FWD + pass;
  unsigned caps = dlv_backend_support(b, op, is_float ? DLV_BK_FLOAT
                                                      : DLV_BK_DOUBLE);
  if (!(caps & DLV_BK_PROVIDED))
    return m;
  size_t elem = is_float ? sizeof(float) : sizeof(double), n_out, k;
  const void *a, *bb;
  conv_operands(d, pass, &a, &bb, &n_out, &k);
  for (int v = 0; v < b->n_conv3d_variants && m < MAX_RUNS; v++) {
    size_t wl = 0;
    if (b->conv3d_work_size(d->s, v, pass, &wl) != DLV_OK)
      continue;
    args[m] = (struct bk_arg){.b = b, .op = op, .is_float = is_float,
                              .variant = v, .s = d->s, .a = a, .bb = bb,
                              .out = bench_alloc(n_out * elem + 64),
                              .work = bench_alloc(wl * elem + 64),
                              .work_len = wl};
    run_bk(&args[m]);
    const void *ref = m > 0 ? args[0].out : NULL; /* the builtin's direct */
    name_row(&rows[m], &args[m], "conv3d", dlv_conv3d_pass_name(pass),
             "B2 16^3 C16 C'16 3^3");
    int ok = args[m].status == DLV_OK &&
             (ref == NULL || conv_matches(args[m].out, ref, is_float, n_out, k));
    snprintf(rows[m].check, sizeof rows[m].check, "%s", verdict(ok, b));
    m++;
  }
  return m;
}

static void bench_conv_backends(struct bench_ctx *ctx,
                                const dlv_backend *const *bk, size_t nb,
                                int is_float, int pass)
{
  static const dlv_conv3d_shape shape = {2, 16, 16, 16, 16, 16, 3, 3, 3};
  struct conv_data d = {&shape, 0, 0, 0, NULL, NULL, NULL};
  dlv_conv3d_sizes(&shape, &d.n_l1, &d.n_f, &d.n_l2);
  size_t elem = is_float ? sizeof(float) : sizeof(double);
  d.l1 = bench_alloc(d.n_l1 * elem);
  d.f = bench_alloc(d.n_f * elem);
  d.l2 = bench_alloc(d.n_l2 * elem);
  fill(d.l1, is_float, d.n_l1, 1);
  fill(d.f, is_float, d.n_f, 2);
  fill(d.l2, is_float, d.n_l2, 3);
  struct bk_arg args[MAX_RUNS];
  struct bench_row rows[MAX_RUNS];
  int m = 0;
  for (size_t i = 0; i < nb; i++) /* bk[0] is the builtin: its direct
                                     * variant is the reference */
    m = add_conv_entries(bk[i], &d, pass, is_float, args, rows, m);
  char title[160];
  snprintf(title, sizeof title, "Backends: conv3d %s, %s, every variant "
           "(ratios against the builtin's last variant; checked against "
           "its direct one)", dlv_conv3d_pass_name(pass),
           is_float ? "float" : "double");
  bench_table_header(title);
  if (m > 0) {
    const void *a, *b;
    size_t n_out, k;
    conv_operands(&d, pass, &a, &b, &n_out, &k);
    size_t na = a == d.l1 ? d.n_l1 : d.n_f, nbb = b == d.f ? d.n_f : d.n_l2;
    time_group(ctx, args, rows, m, (double)((na + nbb + n_out) * elem));
  }
  for (int i = 0; i < m; i++) {
    free(args[i].out);
    free(args[i].work);
  }
  free(d.l1);
  free(d.f);
  free(d.l2);
}

void bench_backends(struct bench_ctx *ctx)
{
  const dlv_backend *bk[MAX_BACKENDS];
  size_t nb = load_backends(bk);
  for (size_t i = 0; i < nb; i++)
    if (bk[i]->set_threads != NULL)
      bk[i]->set_threads(ctx->threads);
  for (int is_float = 0; is_float < 2; is_float++) {
    bench_norm_backends(ctx, bk, nb, is_float);
    for (int pass = 0; pass < 3; pass++)
      bench_conv_backends(ctx, bk, nb, is_float, pass);
  }
}
