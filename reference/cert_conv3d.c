/* cert_conv3d.c: the certified fast reference (see cert_conv3d.h).  Written
 * from the definition like ref_conv3d.c, no code shared with the kernels.
 * Every pass is out[m][c] = sum_k x_m[k] y_k[c] with c the output's
 * channels (contiguous): the Dot2 state of LANES consecutive channels of
 * up to P outputs m is kept in local arrays that the compiler vectorizes
 * and keeps in registers (one TwoProduct and TwoSum per lane and term),
 * over runs of terms k where x and y advance by fixed strides.  The
 * channel operand is copied with its rows padded to a multiple of LANES
 * (zeros: the padding lanes are computed and dropped).
 *
 * Error of one element (u = 2^-53, gamma_m = m u / (1 - m u), n the number
 * of products, eta = 2^-1075 half the smallest subnormal):
 *  - abs_sum: sp accumulates |a_i| |b_i| by fma (the product exact inside,
 *    one rounding per step: relative u, or absolute eta when subnormal), so
 *    S = sum |a_i b_i| <= (sp + n eta) / (1 - gamma_n) =: S'.
 *  - TwoProduct: p_i = fl(a_i b_i), e_i = fl(a_i b_i - p_i) by one fma.
 *    a_i b_i - p_i has at most 53 significant bits; it is representable
 *    unless its last bit lies below 2^-1074, so |a_i b_i - p_i - e_i| <=
 *    eta (0 without underflow: Ogita-Rump-Oishi, Thm 3.4), and
 *    |e_i| <= u |a_i b_i| + eta.
 *  - TwoSum is error-free, also with underflow (subnormal sums are exact):
 *    after the loop hi + sum q_i = sum p_i exactly, and |q_i| <= u |hi_i|
 *    with |hi_i| <= (1 + u)^n sum_k |p_k| <= (1 + u)^(n+1) S + 2 n eta.
 *    Hence exact = hi + L + E, L = sum (q_i + e_i) (2n terms),
 *    |E| <= n eta, and A = sum (|q_i| + |e_i|) <= (n + 1) u (1 +
 *    gamma_(n+1)) S' + 2 n eta (for n u <= 1/2).
 *  - lo = fl(lo + fl(q_i + e_i)): every term passes through at most 2n
 *    roundings, |lo - L| <= gamma_2n A.
 *  - val = fl(hi + lo): |val - (hi + lo)| <= u |hi + lo| <= u |val| / (1 - u).
 *  So err = u |val| / (1 - u) + gamma_2n A + n eta: Ogita-Rump-Oishi's
 *  u |s| + gamma_n^2 sum |a b| (Prop. 5.5) with underflow accounted for;
 *  the second term is about 2 n^2 u^2 S, far below any kernel's gamma_K S.
 * Both formulas are evaluated in double with at most 14 roundings of
 * nonnegative terms, each at most a factor (1 + u) or, in the subnormal
 * range, an absolute 2^-1075: the results are multiplied by
 * 1 + 2^-48 > (1 + u)^15 and get 2^-1073 added (at most 4 underflowing
 * roundings; an addition of subnormals is exact).  n eta is
 * over-approximated by n 2^-1074 (2^-1075 is not a double). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cert_conv3d.h"
#include "dlv_status.h"

#define U_D 0x1p-53
#define ETA_UP 0x1p-1074
#define ROUNDING_UP (1.0 + 0x1p-48)

/* Lanes of one block, and outputs of one block (forward: consecutive t;
 * filter gradient: consecutive (z, c') rows; input gradient: one). */
#define LANES 8
#define P_MAX 4 /* run_chunks lists its P_MAX pointers */

/* Dot2 state of LANES lanes of one output: hi + lo, and sp for S. */
struct lanes {
  double hi[LANES], lo[LANES], sp[LANES];
};

/* Lane j gets the term x * y[j]; ax = |x|. */
static inline __attribute__((always_inline)) void
step(struct lanes *restrict a, double x, double ax, const double *restrict y)
{
  for (int j = 0; j < LANES; j++) {
    double p = x * y[j], e = fma(x, y[j], -p); /* TwoProduct */
    double s = a->hi[j] + p, z = s - a->hi[j]; /* TwoSum */
    double q = (a->hi[j] - (s - z)) + (p - z);
    a->hi[j] = s;
    a->lo[j] += q + e;
    a->sp[j] = fma(ax, fabs(y[j]), a->sp[j]);
  }
}

/* A run of n terms: output p < P gets xs[p][k dx] y_p[k dy + j] in lane
 * j, k < n, with y_p = y (NY = 1: the outputs share the channel operand)
 * or y + p LANES (NY = P: the outputs are P chunks of lanes of one
 * element, sharing x).  The state is copied in and out, so that it stays
 * in registers during the run. */
static inline __attribute__((always_inline)) void
run(const int P, const int NY, size_t n, const double *const *xs, size_t dx,
    const double *y, size_t dy, struct lanes *acc)
{
  struct lanes r[P_MAX];
  const double *x[P_MAX];
  memcpy(r, acc, (size_t)P * sizeof *r);
  memcpy(x, xs, (size_t)P * sizeof *x);
  for (size_t k = 0; k < n; k++, y += dy)
#pragma GCC unroll 4
    for (int p = 0; p < P; p++) {
      double xv = x[p][k * dx];
      step(&r[p], xv, fabs(xv), y + (NY > 1 ? p * LANES : 0));
    }
  memcpy(acc, r, (size_t)P * sizeof *r);
}

/* The instances: blocks of outputs, blocks of lane chunks, single
 * outputs.  Each step's LANES lanes are one basic block that gcc
 * vectorizes (SLP); its loop vectorizer would instead vectorize the run
 * across terms k (with permutations, 5x slower), so it is off here. */
#if defined(__clang__) /* no per-function optimize attribute */
#define SLP_ONLY __attribute__((noinline))
#else
#define SLP_ONLY __attribute__((noinline, optimize("no-tree-loop-vectorize")))
#endif
static SLP_ONLY void run_p(size_t n, const double *const *xs, size_t dx,
                           const double *y, size_t dy, struct lanes *acc)
{
  run(P_MAX, 1, n, xs, dx, y, dy, acc);
}

static SLP_ONLY void run_chunks(size_t n, const double *x, size_t dx,
                                const double *y, size_t dy,
                                struct lanes *acc)
{
  const double *xs[P_MAX] = {x, x, x, x};
  run(P_MAX, P_MAX, n, xs, dx, y, dy, acc);
}

static SLP_ONLY void run_1(size_t n, const double *x, size_t dx,
                           const double *y, size_t dy, struct lanes *acc)
{
  run(1, 1, n, &x, dx, y, dy, acc);
}

/* A run for np <= P_MAX outputs. */
static void run_np(size_t np, size_t n, const double *const *xs, size_t dx,
                   const double *y, size_t dy, struct lanes *acc)
{
  if (np == P_MAX)
    run_p(n, xs, dx, y, dy, acc);
  else
    for (size_t p = 0; p < np; p++)
      run_1(n, xs[p], dx, y, dy, &acc[p]);
}

static double gamma_of(double m) { return m * U_D / (1.0 - m * U_D); }

/* Lane j of a, a sum of n products, into element i of out. */
static void lane_finish(const struct lanes *a, int j, double n,
                        const dlv_cert_out *out, size_t i)
{
  double val = a->hi[j] + a->lo[j], under = n * ETA_UP;
  double s_up = (a->sp[j] + under) / (1.0 - gamma_of(n)) * ROUNDING_UP +
                2 * ETA_UP;
  double terms = (n + 1.0) * U_D * (1.0 + gamma_of(n + 1.0)) * s_up +
                 2.0 * under; /* A, the error terms' magnitudes */
  out->val[i] = val;
  out->abs_sum[i] = s_up;
  out->err[i] = (U_D * fabs(val) / (1.0 - U_D) + gamma_of(2.0 * n) * terms +
                 under) * ROUNDING_UP +
                2 * ETA_UP;
}

/* Output p of a block of np, lane j, to element first + p stride + c0 + j
 * of out: channel c0 + p cstep + j (cstep 0: the outputs are elements,
 * LANES: they are chunks of one element's lanes) when below nc.  Each is
 * a sum of n products. */
static void block_finish(const struct lanes *acc, size_t np, size_t c0,
                         size_t cstep, size_t nc, double n,
                         const dlv_cert_out *out, size_t first, size_t stride)
{
  for (size_t p = 0; p < np; p++)
    for (size_t j = 0; j < LANES && c0 + p * cstep + j < nc; j++)
      lane_finish(&acc[p], (int)j, n, out, first + p * stride + c0 + j);
}

/* The (rows, nc) matrix src with rows padded to ld = nc rounded up to
 * LANES, zeros beyond nc; NULL on ENOMEM. */
static double *pad_rows(const double *src, size_t rows, size_t nc,
                        size_t *ld)
{
  *ld = (nc + LANES - 1) / LANES * LANES;
  double *d = calloc(rows * *ld + 1, sizeof *d);
  for (size_t r = 0; d != NULL && r < rows; r++)
    memcpy(d + r * *ld, src + r * nc, nc * sizeof *d);
  return d;
}

/* Extents of L1. */
struct geo {
  const dlv_ref_conv3d_shape *s;
  size_t h1, w1, t1;
};

static size_t at_l1(const struct geo *g, size_t b, size_t x, size_t y,
                    size_t t, size_t cp)
{
  return (((b * g->h1 + x) * g->w1 + y) * g->t1 + t) * g->s->cp + cp;
}

static int check_args(const dlv_ref_conv3d_shape *s, const void *a,
                      const void *b, const dlv_cert_out *out, struct geo *g)
{
  if (s == NULL || a == NULL || b == NULL || out == NULL ||
      out->val == NULL || out->err == NULL || out->abs_sum == NULL)
    return DLV_EINVAL;
  if (!s->b || !s->h || !s->w || !s->t || !s->c || !s->cp || !s->u ||
      !s->v || !s->z)
    return DLV_EBADLEN;
  *g = (struct geo){s, s->h + s->u - 1, s->w + s->v - 1, s->t + s->z - 1};
  return DLV_OK;
}

/* Forward: outputs are np consecutive positions n0 .. (in (b, x, y, t)
 * order, so consecutive rows of L2); terms the (u, v) runs of Z C'
 * elements, contiguous in L1 (from each position's patch row) and in F's
 * rows. */
static void fwd_block(const struct geo *g, const double *l1,
                      const double *fp, size_t ld, size_t n0, size_t np,
                      const dlv_cert_out *out)
{
  const dlv_ref_conv3d_shape *s = g->s;
  size_t run_len = s->z * s->cp, origin[P_MAX];
  for (size_t p = 0; p < np; p++) { /* each position's patch origin */
    size_t n = n0 + p, t = n % s->t, y = n / s->t % s->w,
           x = n / s->t / s->w % s->h, b = n / s->t / s->w / s->h;
    origin[p] = at_l1(g, b, x, y, t, 0);
  }
  double n_terms = (double)(s->u * s->v * run_len);
  for (size_t c0 = 0; c0 < s->c; c0 += LANES) {
    struct lanes acc[P_MAX];
    memset(acc, 0, sizeof acc);
    for (size_t u = 0; u < s->u; u++)
      for (size_t v = 0; v < s->v; v++) {
        const double *xs[P_MAX];
        size_t shift = at_l1(g, 0, u, v, 0, 0);
        for (size_t p = 0; p < np; p++)
          xs[p] = l1 + origin[p] + shift;
        run_np(np, run_len, xs, 1, fp + (u * s->v + v) * run_len * ld + c0,
               ld, acc);
      }
    block_finish(acc, np, c0, 0, s->c, n_terms, out, n0 * s->c, s->c);
  }
}

int dlv_cert_conv3d_fwd(const dlv_ref_conv3d_shape *s, const double *l1,
                        const double *f, const dlv_cert_out *out)
{
  struct geo g;
  int status = check_args(s, l1, f, out, &g);
  size_t ld;
  double *fp = status == DLV_OK ? pad_rows(f, s->u * s->v * s->z * s->cp,
                                           s->c, &ld)
                                : NULL;
  if (status != DLV_OK || fp == NULL)
    return status != DLV_OK ? status : DLV_ENOMEM;
  size_t n = s->b * s->h * s->w * s->t;
  for (size_t n0 = 0; n0 < n; n0 += P_MAX)
    fwd_block(&g, l1, fp, ld, n0, n - n0 < P_MAX ? n - n0 : P_MAX, out);
  free(fp);
  return DLV_OK;
}

/* Filter gradient, one (u, v) at a time: F.grad[(u, v, j)][c] = sum_n
 * X[n][j] G[n][c], X[n][j] = L1[position n + (u, v)][j] for j in the
 * (z, c') run.  Positions go in chunks of BF_NB: the chunk's X is gathered
 * (its rows are contiguous runs of L1) so that runs of terms have fixed
 * strides, and it stays in cache while every (rows, lanes) block of the
 * (u, v) sums over the chunk; the Dot2 states of the (u, v) live in
 * memory between chunks. */
#define BF_NB 256

struct bf_job {
  const struct geo *g;
  const double *l1;
  double *gp;            /* G with rows padded to ld */
  size_t ld, run_len, nchunks;
  double *xc;            /* BF_NB x run_len */
  struct lanes *state;   /* [chunk of lanes][j] */
};

/* X of the positions n0 .. n0 + np for (u, v). */
static void bf_gather(const struct bf_job *jb, size_t u, size_t v, size_t n0,
                      size_t np)
{
  const dlv_ref_conv3d_shape *s = jb->g->s;
  for (size_t i = 0; i < np; i++) {
    size_t n = n0 + i, t = n % s->t, y = n / s->t % s->w,
           x = n / s->t / s->w % s->h, b = n / s->t / s->w / s->h;
    memcpy(jb->xc + i * jb->run_len,
           jb->l1 + at_l1(jb->g, b, x + u, y + v, t, 0),
           jb->run_len * sizeof *jb->xc);
  }
}

static void bf_uv(const struct bf_job *jb, size_t u, size_t v,
                  const dlv_cert_out *out)
{
  const dlv_ref_conv3d_shape *s = jb->g->s;
  size_t n = s->b * s->h * s->w * s->t, rl = jb->run_len;
  memset(jb->state, 0, jb->nchunks * rl * sizeof *jb->state);
  for (size_t n0 = 0; n0 < n; n0 += BF_NB) {
    size_t np = n - n0 < BF_NB ? n - n0 : BF_NB;
    bf_gather(jb, u, v, n0, np);
    for (size_t ch = 0; ch < jb->nchunks; ch++)
      for (size_t j0 = 0; j0 < rl; j0 += P_MAX) {
        const double *xs[P_MAX];
        size_t nr = rl - j0 < P_MAX ? rl - j0 : P_MAX;
        for (size_t p = 0; p < nr; p++)
          xs[p] = jb->xc + j0 + p;
        run_np(nr, np, xs, rl, jb->gp + n0 * jb->ld + ch * LANES, jb->ld,
               jb->state + ch * rl + j0);
      }
  }
  size_t first = (u * s->v + v) * rl * s->c;
  for (size_t ch = 0; ch < jb->nchunks; ch++)
    block_finish(jb->state + ch * rl, rl, ch * LANES, 0, s->c, (double)n, out,
                 first, s->c);
}

int dlv_cert_conv3d_bwd_filter(const dlv_ref_conv3d_shape *s,
                               const double *l1, const double *g2,
                               const dlv_cert_out *out)
{
  struct geo g;
  int status = check_args(s, l1, g2, out, &g);
  if (status != DLV_OK)
    return status;
  struct bf_job jb = {&g, l1, NULL, 0, s->z * s->cp, 0, NULL, NULL};
  jb.gp = pad_rows(g2, s->b * s->h * s->w * s->t, s->c, &jb.ld);
  jb.nchunks = jb.ld / LANES;
  jb.xc = malloc(BF_NB * jb.run_len * sizeof *jb.xc);
  jb.state = malloc(jb.nchunks * jb.run_len * sizeof *jb.state);
  if (jb.gp && jb.xc && jb.state)
    for (size_t u = 0; u < s->u; u++)
      for (size_t v = 0; v < s->v; v++)
        bf_uv(&jb, u, v, out);
  else
    status = DLV_ENOMEM;
  free(jb.gp);
  free(jb.xc);
  free(jb.state);
  return status;
}

/* F with (c', c) swapped, rows padded: ft[(u, v, z, c)][c'], so that an
 * input-gradient element's terms run over contiguous c'. */
static double *transpose_filter(const dlv_ref_conv3d_shape *s,
                                const double *f, size_t *ld)
{
  size_t taps = s->u * s->v * s->z, plane = s->cp * s->c;
  double *t = malloc((taps * plane + 1) * sizeof *t);
  for (size_t k = 0; t != NULL && k < taps; k++)
    for (size_t cp = 0; cp < s->cp; cp++)
      for (size_t c = 0; c < s->c; c++)
        t[k * plane + c * s->cp + cp] = f[k * plane + cp * s->c + c];
  double *ft = t ? pad_rows(t, taps * s->c, s->cp, ld) : NULL;
  free(t);
  return ft;
}

/* Along one axis, the taps reaching input index i: [*lo, *hi). */
static void taps_of(size_t i, size_t out_n, size_t k, size_t *lo, size_t *hi)
{
  *lo = i + 1 > out_n ? i + 1 - out_n : 0; /* i - tap < out_n */
  *hi = i + 1 < k ? i + 1 : k;             /* tap <= i */
}

/* Input gradient at (b, x, y, t): terms (u, v, z) covering it, each a run
 * of C terms (contiguous in G's row and along F^T's rows); channels in
 * blocks of P_MAX chunks of LANES (independent sums, for the pipeline),
 * the rest chunk by chunk. */
static void bi_element(const struct geo *g, const double *ft, size_t ld,
                       const double *g2, size_t b, size_t x, size_t y,
                       size_t t, const dlv_cert_out *out)
{
  const dlv_ref_conv3d_shape *s = g->s;
  size_t u0, u1, v0, v1, z0, z1, c0 = 0, block = P_MAX * LANES;
  taps_of(x, s->h, s->u, &u0, &u1);
  taps_of(y, s->w, s->v, &v0, &v1);
  taps_of(t, s->t, s->z, &z0, &z1);
  double n = (double)((u1 - u0) * (v1 - v0) * (z1 - z0) * s->c);
  while (c0 < s->cp) {
    int whole = c0 + block <= ld; /* ld: C' padded to LANES */
    struct lanes acc[P_MAX];
    memset(acc, 0, sizeof acc);
    for (size_t u = u0; u < u1; u++)
      for (size_t v = v0; v < v1; v++)
        for (size_t z = z0; z < z1; z++) {
          const double *gr =
              g2 + (((b * s->h + x - u) * s->w + y - v) * s->t + t - z) * s->c;
          const double *fr = ft + ((u * s->v + v) * s->z + z) * s->c * ld + c0;
          if (whole)
            run_chunks(s->c, gr, 1, fr, ld, acc);
          else
            run_1(s->c, gr, 1, fr, ld, acc);
        }
    block_finish(acc, whole ? P_MAX : 1, c0, LANES, s->cp, n, out,
                 at_l1(g, b, x, y, t, 0), LANES);
    c0 += whole ? block : LANES;
  }
}

int dlv_cert_conv3d_bwd_input(const dlv_ref_conv3d_shape *s, const double *f,
                              const double *g2, const dlv_cert_out *out)
{
  struct geo g;
  int status = check_args(s, f, g2, out, &g);
  size_t ld;
  double *ft = status == DLV_OK ? transpose_filter(s, f, &ld) : NULL;
  if (status != DLV_OK || ft == NULL)
    return status != DLV_OK ? status : DLV_ENOMEM;
  for (size_t b = 0; b < s->b; b++)
    for (size_t x = 0; x < g.h1; x++)
      for (size_t y = 0; y < g.w1; y++)
        for (size_t t = 0; t < g.t1; t++)
          bi_element(&g, ft, ld, g2, b, x, y, t, out);
  free(ft);
  return DLV_OK;
}
