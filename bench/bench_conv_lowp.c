/* bench_conv_lowp.c: conv3d with bf16 and fp16 operands (conv3d_lowp.h,
 * float outputs) on the shapes S1-S3, three passes, in ONE round robin per
 * pass with:
 *   f32_fast     the project's float FAST (dlv_conv3d_*_s) on the same
 *                values (the bf16 data as floats);
 *   bf16         dlv_conv3d_*_bf16 (vdpbf16ps tiles);
 *   fp16         dlv_conv3d_*_fp16 (F16C conversion + float FAST);
 *   onednn_bf16  oneDNN 2.6's bf16 convolution (bf16 src/weights/diff_dst,
 *                f32 output as ours) in its preferred layouts, when built
 *                with oneDNN; onednn_bf16_user in our layouts;
 *   dp_peak      the vdpbf16ps peak loop (all threads of the run, 24
 *                independent chains: 12 measured 10 % slower): each row's limit, in the same round
 *                robin (so a loaded machine lowers limit and rate alike);
 *                on 2 or more threads also on 1 thread: the ratio is the
 *                CPUs' worth the round robin had (this VM's 2 vCPUs at
 *                times give one core's throughput: then the 2-thread
 *                figures measure the load, and the rows say so).
 * Ratios: each row against f32_fast and onednn_bf16 (peer median / row
 * median; > 1: the row is faster).  Issue 18's targets: bf16 >= 1.6x
 * f32_fast and >= 1.0x onednn_bf16 on S1-S3, every pass.
 * Check (before timing): every output element against the certified
 * reference (reference/cert_conv3d.h) on the exact input values (bf16
 * subnormals read as 0, the kernel's DAZ), within the derived bound
 * (checks/bounds/low_precision.h) plus the reference's own a-posteriori
 * bound: bf16 dlv_bound_conv3d_bf16, fp16 and f32_fast
 * dlv_bound_conv3d_fp16 (P3's float bound); oneDNN's order is not ours:
 * its bound counts two roundings per product (any chain of pair steps),
 * dlv_bound_conv3d_bf16 with R = 2 K. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <immintrin.h>

#include "bench.h"
#include "bounds/low_precision.h"
#include "cert_conv3d.h"
#include "conv3d.h"
#include "conv3d_lowp.h"
#include "conv3d_shapes.h"
#include "threads.h"
#ifdef DLV_HAVE_DNNL
#include "bench_dnnl.h"
#endif

enum { L_F32, L_BF16, L_FP16, L_DNNL, L_DNNL_USER, NL };
static const char *const lname[] = {"f32_fast", "bf16", "fp16", "onednn_bf16",
                                    "onednn_bf16_user"};

/* ---- the vdpbf16ps peak ---------------------------------------------------- */

struct dp_peak {
  long iters;
  int threads; /* 0: the run's */
  double flops, sink;
};

/* 24 independent chains of vdpbf16ps: 16 lanes x 2 products x 2 flops. */
__attribute__((target("avx512f,avx512bw,avx512bf16"))) static double
dp_thread(long iters, double *sink)
{
  __m512 acc[24];
  for (int i = 0; i < 24; i++)
    acc[i] = _mm512_set1_ps((float)i);
  __m512i a = _mm512_set1_epi32(0x3f803f80); /* (1, 1) */
  __m512i b = _mm512_set1_epi32(0x00010001); /* subnormals: read as 0 */
  for (long k = 0; k < iters; k++) {
    __asm__ volatile("" : "+v"(a), "+v"(b));
#pragma GCC unroll 24
    for (int i = 0; i < 24; i++)
      acc[i] = _mm512_dpbf16_ps(acc[i], (__m512bh)a, (__m512bh)b);
  }
  __m512 s = acc[0];
  for (int i = 1; i < 24; i++)
    s = _mm512_add_ps(s, acc[i]);
  *sink = _mm512_reduce_add_ps(s);
  return 24.0 * 64.0 * (double)iters;
}

static void dp_peak_run(void *p)
{
  struct dp_peak *a = p;
  double flops = 0.0, sink = 0.0;
  long iters = a->iters;
  int nt = a->threads > 0 ? a->threads : dlv_get_threads();
#pragma omp parallel num_threads(nt) reduction(+ : flops, sink)
  {
    double s;
    flops += dp_thread(iters, &s);
    sink += s;
  }
  a->flops = flops, a->sink = sink;
}

/* ---- data and calls -------------------------------------------------------- */

struct lp_data {
  const dlv_conv3d_shape *s;
  size_t n1, nf, n2, nw;
  float *l1, *f, *g; /* the exact values of the bf16 data */
  dlv_bf16 *bl1, *bf, *bg;
  dlv_fp16 *hl1, *hf, *hg;
  float *work;
};

struct lp_call {
  const struct lp_data *d;
  int pass, kind, status;
  float *out;
#ifdef DLV_HAVE_DNNL
  struct bdnnl *dnnl;
#endif
};

static void run_lp(void *p)
{
  struct lp_call *c = p;
  const struct lp_data *d = c->d;
  const dlv_conv3d_shape *s = d->s;
  int bi = c->pass == DLV_CONV3D_BWD_INPUT, fw = c->pass == DLV_CONV3D_FWD;
#ifdef DLV_HAVE_DNNL
  if (c->dnnl) {
    bdnnl_run(c->dnnl);
    return;
  }
#endif
  if (c->kind == L_F32) {
    const float *a = bi ? d->f : d->l1, *b = fw ? d->f : d->g;
    c->status = fw ? dlv_conv3d_fwd_s(s, DLV_CONV3D_FAST, a, b, c->out,
                                      d->work, d->nw)
                : bi ? dlv_conv3d_bwd_input_s(s, DLV_CONV3D_FAST, a, b, c->out,
                                              d->work, d->nw)
                     : dlv_conv3d_bwd_filter_s(s, DLV_CONV3D_FAST, a, b,
                                               c->out, d->work, d->nw);
  } else if (c->kind == L_BF16) {
    const dlv_bf16 *a = bi ? d->bf : d->bl1, *b = fw ? d->bf : d->bg;
    c->status = fw   ? dlv_conv3d_fwd_bf16(s, a, b, c->out)
                : bi ? dlv_conv3d_bwd_input_bf16(s, a, b, c->out)
                     : dlv_conv3d_bwd_filter_bf16(s, a, b, c->out);
  } else {
    const dlv_fp16 *a = bi ? d->hf : d->hl1, *b = fw ? d->hf : d->hg;
    c->status = fw   ? dlv_conv3d_fwd_fp16(s, a, b, c->out)
                : bi ? dlv_conv3d_bwd_input_fp16(s, a, b, c->out)
                     : dlv_conv3d_bwd_filter_fp16(s, a, b, c->out);
  }
}

/* bf16 values in [-1, 1] (a subnormal never occurs: |x| >= 2^-32), the
 * same values as floats and as fp16 (8 significant bits: exact in fp16
 * when |x| >= 2^-14; smaller ones are drawn as 0). */
static void fill(struct lp_data *d, float *x, dlv_bf16 *b, dlv_fp16 *h,
                 size_t n, uint64_t *st)
{
  for (size_t i = 0; i < n; i++) {
    *st = *st * 6364136223846793005ULL + 1442695040888963407ULL;
    double v = (double)(*st >> 11) * 0x1p-53 * 2.0 - 1.0;
    v = fabs(v) < 0x1p-14 ? 0.0 : v;
    b[i] = dlv_bf16_from_double(v);
    x[i] = dlv_bf16_to_float(b[i]);
    h[i] = dlv_fp16_from_float(x[i]);
  }
  (void)d;
}

static void data_make(struct lp_data *d, const dlv_conv3d_shape *s)
{
  d->s = s;
  dlv_conv3d_sizes(s, &d->n1, &d->nf, &d->n2);
  d->nw = 0;
  for (int p = 0; p < DLV_CONV3D_NPASSES; p++) {
    size_t w;
    if (dlv_conv3d_work_size(s, DLV_CONV3D_FAST, p, &w) == 0 && w > d->nw)
      d->nw = w;
  }
  size_t n[3] = {d->n1, d->nf, d->n2};
  float **x[3] = {&d->l1, &d->f, &d->g};
  dlv_bf16 **b[3] = {&d->bl1, &d->bf, &d->bg};
  dlv_fp16 **h[3] = {&d->hl1, &d->hf, &d->hg};
  uint64_t st = 42;
  for (int i = 0; i < 3; i++) {
    *x[i] = bench_alloc(n[i] * sizeof(float));
    *b[i] = bench_alloc(n[i] * sizeof(dlv_bf16));
    *h[i] = bench_alloc(n[i] * sizeof(dlv_fp16));
    fill(d, *x[i], *b[i], *h[i], n[i], &st);
  }
  d->work = bench_alloc((d->nw + 1) * sizeof(float));
}

static void data_free(struct lp_data *d)
{
  void *all[] = {d->l1, d->f, d->g, d->bl1, d->bf, d->bg,
                 d->hl1, d->hf, d->hg, d->work};
  for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
    free(all[i]);
}

/* The number of outputs of `pass`: L2, the filter's gradient or L1's. */
static size_t out_len(const struct lp_data *d, int pass)
{
  return pass == DLV_CONV3D_FWD          ? d->n2
         : pass == DLV_CONV3D_BWD_FILTER ? d->nf
                                         : d->n1;
}

/* ---- the check -------------------------------------------------------------- */

static double *as_doubles(const float *x, size_t n)
{
  double *r = bench_alloc((n + 1) * sizeof *r);
  for (size_t i = 0; i < n; i++)
    r[i] = x[i];
  return r;
}

/* Every element within its bound (plus the certified reference's own):
 * "ok", else "WRONG(worst err/bound)". */
static void check(const struct lp_call *c, const dlv_cert_out *ref,
                  size_t n_out, char *verdict, size_t len)
{
  const dlv_conv3d_shape *s = c->d->s;
  double worst = 0.0;
  for (size_t i = 0; i < n_out; i++) {
    double b;
    if (c->kind == L_BF16 || c->kind == L_F32 || c->kind == L_FP16)
      b = dlv_conv3d_lowp_elem_bound(s, c->pass, c->kind == L_BF16, i,
                                     ref->abs_sum[i]);
    else /* oneDNN: two roundings per product, in any order */
      b = dlv_bound_conv3d_bf16(2.0 * dlv_conv3d_terms(s, c->pass, i),
                                ref->abs_sum[i]);
    worst = bench_worse(worst, fabs((double)c->out[i] - ref->val[i]) /
                                   (b + ref->err[i]));
  }
  snprintf(verdict, len, worst <= 1.0 ? "ok (%.2g)" : "WRONG(%.2g)", worst);
}

static int wanted(int kind)
{
#ifdef DLV_HAVE_DNNL
  return kind >= 0;
#else
  return kind < L_DNNL;
#endif
}

/* Prepares and runs call kind k once, checks it; 0 when unavailable. */
static int prepare(struct lp_call *c, int kind, const dlv_cert_out *ref,
                   size_t n_out, const char *shape, struct bench_row *r)
{
  memset(r, 0, sizeof *r);
  c->kind = kind, c->status = 0;
  snprintf(r->kernel, sizeof r->kernel, "conv3d");
  snprintf(r->variant, sizeof r->variant, "%s", lname[kind]);
  snprintf(r->pass, sizeof r->pass, "%s", dlv_conv3d_pass_name(c->pass));
  snprintf(r->dtype, sizeof r->dtype, "%s",
           kind == L_F32 ? "float" : kind == L_FP16 ? "fp16" : "bf16");
  snprintf(r->shape, sizeof r->shape, "%s", shape);
#ifdef DLV_HAVE_DNNL
  c->dnnl = NULL;
  if (kind >= L_DNNL) {
    const struct lp_data *d = c->d;
    int bi = c->pass == DLV_CONV3D_BWD_INPUT, fw = c->pass == DLV_CONV3D_FWD;
    char why[160];
    c->dnnl = bdnnl_create_typed(d->s, c->pass, kind == L_DNNL, 1,
                                 bi ? (void *)d->bf : (void *)d->bl1,
                                 fw ? (void *)d->bf : (void *)d->bg, why,
                                 sizeof why);
    if (c->dnnl == NULL) {
      printf("  oneDNN bf16 %s: %s\n", r->pass, why);
      return 0;
    }
    bdnnl_run(c->dnnl);
    bdnnl_result(c->dnnl, c->out);
  } else
#endif
    run_lp(c);
  if (c->status != 0)
    snprintf(r->check, sizeof r->check, "status %d", c->status);
  else
    check(c, ref, n_out, r->check, sizeof r->check);
#ifdef DLV_HAVE_DNNL
  if (c->dnnl)
    bdnnl_append_impl(c->dnnl, r->check, sizeof r->check);
#endif
  return 1;
}

static void time_pass(const struct bench_ctx *ctx, struct lp_call *calls,
                      struct bench_row *rows, int n, double flops)
{
  void *args[NL + 2];
  bench_fn fns[NL + 2];
  struct timing t[NL + 2];
  struct dp_peak probe = {1000000, 0, 0.0, 0.0};
  struct dp_peak one = {1000000 / ctx->threads, 1, 0.0, 0.0};
  for (int i = 0; i < n; i++)
    args[i] = &calls[i], fns[i] = run_lp;
  args[n] = &probe, fns[n] = dp_peak_run;
  args[n + 1] = &one, fns[n + 1] = dp_peak_run;
  int probes = ctx->threads > 1 ? 2 : 1;
  bench_time_rr(fns, args, n + probes, ctx->quick ? 0.5 : 3.0, t);
  double peak = probe.flops / t[n].median / 1e9;
  /* the rows' limit is the median's; the best repetitions compare with
   * the best of the loop (a loaded machine halves medians alike) */
  double best_peak = probe.flops / t[n].best / 1e9;
  double cpus = probes == 2 ? peak / (one.flops / t[n + 1].median / 1e9)
                            : 1.0;
  printf("  vdpbf16ps peak loop: median %.0f, best %.0f GFLOP/s", peak,
         best_peak);
  if (probes == 2)
    printf(", %.2f times its 1-thread median", cpus);
  printf("; of it (best / best):");
  for (int i = 0; i < n; i++)
    printf(" %s %.2f", lname[calls[i].kind],
           flops / t[i].best / 1e9 / best_peak);
  printf("\n");
  for (int i = 0; i < n; i++) {
#ifdef DLV_HAVE_DNNL
    bdnnl_free(calls[i].dnnl);
    calls[i].dnnl = NULL;
#endif
    bench_row_time(&rows[i], &t[i]);
    rows[i].rate = flops / t[i].median / 1e9;
    rows[i].unit = "GFLOP/s";
    rows[i].limit = peak;
    if (probes == 2) /* read by bench --targets */
      snprintf(rows[i].check + strlen(rows[i].check),
               sizeof rows[i].check - strlen(rows[i].check), " cpus %.2f",
               cpus);
  }
  if (probes == 2 && cpus < BENCH_CPUS_SHARED)
    printf("  note: the %d-thread peak loop ran at %.2f times its 1-thread "
           "rate: this round robin\n  had about %.1f CPUs, so its figures "
           "measure the load, not the kernels' scaling\n",
           ctx->threads, cpus, cpus);
  dlv_set_threads(ctx->threads);
}

static void bench_pass(const struct bench_ctx *ctx, const struct lp_data *d,
                       int pass, const char *shape)
{
  const dlv_conv3d_shape *s = d->s;
  int bi = pass == DLV_CONV3D_BWD_INPUT, fw = pass == DLV_CONV3D_FWD;
  size_t n_out = out_len(d, pass);
  double *a = as_doubles(bi ? d->f : d->l1, bi ? d->nf : d->n1);
  double *b = as_doubles(fw ? d->f : d->g, fw ? d->nf : d->n2);
  double *buf = bench_alloc(3 * (n_out + 1) * sizeof *buf);
  dlv_cert_out ref = {buf, buf + n_out + 1, buf + 2 * (n_out + 1)};
  if (dlv_conv3d_cert_pass(pass, s, a, b, &ref) != 0)
    printf("  certified reference failed: results unchecked\n");
  struct lp_call calls[NL];
  struct bench_row rows[NL];
  /* each row's output 64-byte aligned, as a framework's tensors (the
   * bf16 tiles stream aligned outputs: conv3d_lowp.c, stream_output) */
  size_t stride = (n_out + 16) / 16 * 16; /* floats, > n_out */
  float *outs = bench_alloc(NL * stride * sizeof(float));
  int n = 0;
  for (int k = 0; k < NL; k++) {
    calls[n] = (struct lp_call){.d = d, .pass = pass,
                                .out = outs + (size_t)k * stride};
    if (wanted(k))
      n += prepare(&calls[n], k, &ref, n_out, shape, &rows[n]);
  }
  double flops = 2.0 * (double)(s->b * s->h * s->w * s->t) *
                 (double)(s->c * s->cp * s->u * s->v * s->z);
  time_pass(ctx, calls, rows, n, flops);
  const char *const peers[] = {"f32_fast", "onednn_bf16", "onednn_bf16_user"};
  bench_emit(ctx, rows, n, peers, 3);
  free(a), free(b), free(buf), free(outs);
}

/* ---- the check's own test (bench --self-check) ------------------------------ */

/* The bound each kind's rows are held to, from the derivation in this
 * file's header, written again (as a bound's twin is): ours through the
 * gate's and P3's composition (f32_fast on fp16's float bound), oneDNN's
 * with two roundings per product. */
static double twin_bound(const dlv_conv3d_shape *s, int pass, int kind,
                         size_t i, double abs_sum)
{
  if (kind == L_DNNL || kind == L_DNNL_USER) {
    double k = dlv_conv3d_terms(s, pass, i);
    return dlv_bound_conv3d_bf16(k + k, abs_sum);
  }
  return dlv_conv3d_lowp_elem_bound(s, pass, kind == L_BF16, i, abs_sum);
}

/* check() on outputs at `scale` times each element's bound (err 0, S
 * 2^10), element `odd` at odd_scale (NaN: a NaN there); 1 when its verdict
 * starts with `want`. */
static int verdict_is(const struct lp_call *c, size_t n_out, size_t odd,
                      double scale, double odd_scale, const char *want)
{
  double *val = bench_alloc(3 * (n_out + 1) * sizeof *val);
  dlv_cert_out ref = {val, val + n_out + 1, val + 2 * (n_out + 1)};
  for (size_t i = 0; i < n_out; i++) {
    ref.abs_sum[i] = 0x1p10;
    double b = twin_bound(c->d->s, c->pass, c->kind, i, ref.abs_sum[i]);
    c->out[i] = (float)((i == odd ? odd_scale : scale) * b);
  }
  char verdict[64];
  check(c, &ref, n_out, verdict, sizeof verdict);
  free(val);
  int ok = strncmp(verdict, want, strlen(want)) == 0;
  if (!ok)
    printf("bench self-check: kind %d pass %d, element %zu at %g of its "
           "bound, the others at %g: \"%s\", expected \"%s\"\n",
           c->kind, c->pass, odd, odd_scale, scale, verdict, want);
  return ok;
}

/* The check of every kind and pass: within the bound "ok", one element
 * 2% over "WRONG", a NaN anywhere "WRONG(nan)" (first, middle, last). */
int bench_conv_lowp_self_check(void)
{
  static const dlv_conv3d_shape s = {1, 2, 3, 2, 3, 5, 2, 3, 2};
  struct lp_data d = {.s = &s};
  dlv_conv3d_sizes(&s, &d.n1, &d.nf, &d.n2);
  size_t most = d.n1 > d.nf ? d.n1 : d.nf;
  most = most > d.n2 ? most : d.n2;
  float *out = bench_alloc(most * sizeof *out);
  int bad = 0;
  for (int kind = 0; kind < NL; kind++)
    for (int pass = 0; pass < DLV_CONV3D_NPASSES; pass++) {
      struct lp_call c = {&d, pass, kind, 0, out};
      size_t n = out_len(&d, pass);
      bad += !verdict_is(&c, n, 0, 0.98, 0.98, "ok");
      for (size_t odd = 0; odd < n; odd += n / 2) {
        bad += !verdict_is(&c, n, odd, 0.98, 1.02, "WRONG(1)");
        bad += !verdict_is(&c, n, odd, 0.98, NAN, "WRONG(nan)");
      }
      bad += !verdict_is(&c, n, n - 1, 0.98, NAN, "WRONG(nan)");
    }
  free(out);
  return bad;
}

void bench_conv_lowp(struct bench_ctx *ctx)
{
  if (!__builtin_cpu_supports("avx512bf16")) {
    printf("conv3d bf16: this CPU has no AVX512_BF16: skipped\n");
    return;
  }
  bench_table_header("conv3d bf16/fp16 (GFLOP/s; limit: the vdpbf16ps peak "
                     "loop timed in the same round robin)");
  double trip_ns = ctx->threads > 1 ? bench_core_round_trip_ns() : -1.0;
  if (trip_ns > 0)
    printf("  a cache line's round trip between two threads: %.0f ns (the "
           "cores' distance: the\n  2-thread figures of passes that move "
           "data between the cores depend on it; README)\n",
           trip_ns);
  size_t nshapes = ctx->quick ? 1 : 3;
  for (size_t si = 0; si < nshapes; si++) {
    char num[8];
    snprintf(num, sizeof num, "%zu", si + 1);
    if (!bench_listed(getenv("DLV_BENCH_SHAPES"), num))
      continue;
    struct lp_data d;
    data_make(&d, &dlv_conv3d_bench_shapes[si].s);
    for (int p = 0; p < DLV_CONV3D_NPASSES; p++)
      bench_pass(ctx, &d, p, dlv_conv3d_bench_shapes[si].name);
    data_free(&d);
  }
}
