/* cert_conv3d.c: the certified fast reference (see cert_conv3d.h).  Written
 * from the definition like ref_conv3d.c, no code shared with the kernels.
 * Every pass is out[m][c] = sum_k x_m[k] y_k[c] with c the output's
 * channels (contiguous): a tile of MR outputs m (MR_MAX, or 1 for tails)
 * times NV vectors of LANES consecutive channels keeps its sums in local
 * arrays that gcc vectorizes (SLP) and keeps in registers, over runs of
 * terms k where x and y advance by fixed strides.  x is read in place
 * (|x| taken on the fly); y is copied once into panels of TILE_W channels
 * with their absolute values (struct operand), zeros beyond the channel
 * count (the padding lanes are computed and dropped).  Positions go in
 * blocks, so that a run's rows of y stay in cache for every tile of the
 * block.
 *
 * Notation: u = 2^-53, gamma_m = m u / (1 - m u), n the number of
 * products of the element, S = sum |a_i b_i|, eta = 2^-1075 (half the
 * smallest subnormal; over-approximated by ETA_UP = 2^-1074, as 2^-1075
 * is not a double).
 *
 * abs_sum (every method): sp accumulates |a_i| |b_i| by fma (the product
 * exact inside, one rounding per step: relative u, or absolute eta when
 * subnormal), so S <= (sp + n eta) / (1 - gamma_n) =: S'.
 *
 * Method EXACT (every input is a float): a product of two floats is exact
 * in double (24 + 24 significant bits; exponents in [-298, 256], far from
 * double's underflow and overflow), so s = fma(a_i, b_i, s) is recursive
 * summation of exact terms, starting from an exact first one, and its sums
 * are multiples of 2^-298 (never subnormal):
 *    |s - exact| <= gamma_(n-1) S <= gamma_(n-1) S' =: err_exact.
 *
 * Method SPLIT (double data), two passes over the terms: the first gives
 * sp, hence S'; then Sigma = the power of two >= 4 S' (at least 2^-1000),
 * and h starts at h_0 = 1.5 Sigma: h_k = fl(a_k b_k + h_(k-1)) by one
 * fma, d_k = h_(k-1) - h_k, r_k = fl(a_k b_k + d_k) by one fma, lo = sum
 * r_k in double.  Invariant (induction on k, n u <= 1/16): h_k is in
 * (Sigma, 2 Sigma), a binade of spacing 2 u Sigma, since the exact
 * a_k b_k + h_(k-1) = h_0 + P_k - sum_(i<k) rho_i, |P_k| <= S <= Sigma/4
 * (P_k the exact partial sum) and |rho_i| <= u Sigma, lies in
 * [1.1875 Sigma, 1.8125 Sigma].  Hence:
 *  - d_k is exact (two doubles of that binade), so rho_k = a_k b_k - (h_k
 *    - h_(k-1)) = a_k b_k + d_k, the rounding error of h_k, |rho_k| <=
 *    u Sigma, and |r_k - rho_k| <= u^2 Sigma + eta, |r_k| <= u Sigma
 *    (1 + u) + eta;
 *  - hi = h_n - h_0 is exact (Sterbenz), exact = hi + sum rho_k;
 *  - |lo - sum r_k| <= gamma_(n-1) sum |r_k| (additions that underflow
 *    are exact);
 *  - val = fl(hi + lo): |val - (hi + lo)| <= u |val| / (1 - u).
 *  So err_split = u |val| / (1 - u) + E_split(n, Sigma),
 *     E_split = gamma_(n-1) n (u Sigma (1 + u) + eta) + n (u^2 Sigma + eta),
 *  about 4 n^2 u^2 S beyond u |val|: the same form as Dot2's certificate
 *  (Ogita-Rump-Oishi, Prop. 5.5: u |s| + gamma_n^2 S), at 2 fma and 2
 *  additions per term plus the first pass's fma instead of Dot2's 10
 *  operations.
 *
 * Method DOT2 (a tile whose Sigma would leave the double range: S' >
 * 2^1018 or not finite, or n u > 1/16): Ogita, Rump and Oishi's Dot2
 * (SIAM J. Sci. Comput. 26(6), 2005, Alg. 5.3), as follows.
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
 *  - val = fl(hi + lo): |val - (hi + lo)| <= u |val| / (1 - u).
 *  So err_dot2 = u |val| / (1 - u) + gamma_2n A + n eta.
 * Every formula is evaluated in double with at most 14 roundings of
 * nonnegative terms, each at most a factor (1 + u) or, in the subnormal
 * range, an absolute 2^-1075: the results are multiplied by
 * 1 + 2^-48 > (1 + u)^15 and get 2^-1073 added (at most 4 underflowing
 * roundings; an addition of subnormals is exact). */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cert_conv3d.h"
#include "dlv_status.h"

#define U_D 0x1p-53
#define ETA_UP 0x1p-1074
#define ROUNDING_UP (1.0 + 0x1p-48)
#define SIGMA_MIN 0x1p-1000 /* keeps h and its spacing normal */
#define SIGMA_MAX 0x1p1020  /* 2 Sigma stays finite */

/* A tile: MR outputs (MR_MAX, or 1 for the tails) times NV vectors of
 * LANES channels, TILE_W channels in all. */
#define LANES 8
#define NV 2
#define TILE_W (NV * LANES)
#define MR_MAX 4

enum method { M_EXACT, M_ABS, M_SPLIT, M_DOT2 };

/* The sums of LANES lanes of one output.  EXACT: v the sum; SPLIT: v is
 * h, w is lo; DOT2: v is hi, w is lo; sp (every method but SPLIT, which
 * keeps the first pass's) the sum of |a| |b|. */
struct acc {
  double v[LANES], w[LANES], sp[LANES];
};

/* Lane j gets the term x * y[j]; ax = |x|, ay = |y|. */
static inline __attribute__((always_inline)) void
step(const int M, struct acc *restrict a, double x, double ax,
     const double *restrict y, const double *restrict ay)
{
  for (int j = 0; j < LANES; j++) {
    if (M == M_EXACT)
      a->v[j] = fma(x, y[j], a->v[j]);
    if (M == M_SPLIT) {
      double h = fma(x, y[j], a->v[j]), d = a->v[j] - h;
      a->v[j] = h;
      a->w[j] += fma(x, y[j], d);
    }
    if (M == M_DOT2) {
      double p = x * y[j], e = fma(x, y[j], -p); /* TwoProduct */
      double s = a->v[j] + p, z = s - a->v[j];   /* TwoSum */
      double q = (a->v[j] - (s - z)) + (p - z);
      a->v[j] = s;
      a->w[j] += q + e;
    }
    if (M != M_SPLIT)
      a->sp[j] = fma(ax, ay[j], a->sp[j]);
  }
}

/* A run of n terms for a tile of MR outputs: output p gets xs[p][k dx] y[k
 * dy + v LANES + j] in lane j of its vector v, for k < n; |x| is at
 * |y| at y + yabs.  acc[p ald + v]: the tile's sums, copied in
 * and out so that they stay in registers during the run. */
static inline __attribute__((always_inline)) void
run(const int M, const int MR, size_t n, const double *const *xs, size_t dx,
    const double *y, size_t dy, size_t yabs, struct acc *acc, size_t ald)
{
  struct acc r[MR_MAX][NV];
  const double *x[MR_MAX];
  for (int p = 0; p < MR; p++) {
    x[p] = xs[p];
    for (int v = 0; v < NV; v++)
      r[p][v] = acc[p * ald + v];
  }
  for (size_t k = 0; k < n; k++, y += dy)
#pragma GCC unroll 4
    for (int p = 0; p < MR; p++) {
      double xv = x[p][k * dx], ax = fabs(xv);
#pragma GCC unroll 2
      for (int v = 0; v < NV; v++)
        step(M, &r[p][v], xv, ax, y + v * LANES, y + yabs + v * LANES);
    }
  for (int p = 0; p < MR; p++)
    for (int v = 0; v < NV; v++)
      acc[p * ald + v] = r[p][v];
}

/* The instances, one per method and tile height.  Each step's LANES lanes
 * are one basic block that gcc vectorizes (SLP); its loop vectorizer would
 * instead vectorize the run across terms k (with permutations, 5x
 * slower), so it is off here. */
#if defined(__clang__) /* no per-function optimize attribute */
#define SLP_ONLY __attribute__((noinline))
#else
#define SLP_ONLY __attribute__((noinline, optimize("no-tree-loop-vectorize")))
#endif
#define RUN_ARGS                                                              \
  size_t n, const double *const *xs, size_t dx, const double *y, size_t dy, \
      size_t yabs, struct acc *acc, size_t ald
#define RUN_PASS n, xs, dx, y, dy, yabs, acc, ald
#define INSTANCE(M, MR)                                                       \
  static SLP_ONLY void run_##M##_##MR(RUN_ARGS)                              \
  {                                                                           \
    run(M, MR, RUN_PASS);                                                     \
  }
INSTANCE(M_EXACT, 4)
INSTANCE(M_EXACT, 1)
INSTANCE(M_ABS, 4)
INSTANCE(M_ABS, 1)
INSTANCE(M_SPLIT, 4)
INSTANCE(M_SPLIT, 1)
INSTANCE(M_DOT2, 4)
INSTANCE(M_DOT2, 1)

/* A run for a tile of mr outputs (MR_MAX or 1) by method m. */
static void run_tile(int m, int mr, RUN_ARGS)
{
  typedef void (*run_fn)(RUN_ARGS);
  static const run_fn fns[4][2] = {
      {run_M_EXACT_1, run_M_EXACT_4}, {run_M_ABS_1, run_M_ABS_4},
      {run_M_SPLIT_1, run_M_SPLIT_4}, {run_M_DOT2_1, run_M_DOT2_4}};
  _Static_assert(MR_MAX == 4, "run_tile lists the instances");
  fns[m][mr == MR_MAX](RUN_PASS);
}

/* ---- the certificates ------------------------------------------------------ */

static double gamma_of(double m) { return m * U_D / (1.0 - m * U_D); }

/* The factors of the certificates of an element of n products, computed
 * once per tile (rounding accounted for in ROUNDING_UP, see above). */
struct cert_k {
  double n, under, abs_k; /* S' = (sp + under) abs_k + 2 ETA_UP */
  double exact_k;         /* err_exact = exact_k S' + 2 ETA_UP */
  double split_a, split_b; /* E_split = split_a Sigma + split_b */
  double dot2_a, dot2_b;   /* gamma_2n A = dot2_a S' + dot2_b */
};

static struct cert_k cert_k_of(double n)
{
  double g1 = gamma_of(n - 1.0), g2 = gamma_of(2.0 * n);
  struct cert_k k = {n, n * ETA_UP, ROUNDING_UP / (1.0 - gamma_of(n))};
  k.exact_k = g1 * ROUNDING_UP;
  k.split_a = g1 * n * U_D * (1.0 + U_D) + n * U_D * U_D;
  k.split_b = g1 * n * ETA_UP + n * ETA_UP;
  k.dot2_a = g2 * (n + 1.0) * U_D * (1.0 + gamma_of(n + 1.0));
  k.dot2_b = g2 * 2.0 * k.under;
  return k;
}

/* S' >= sum |a_i b_i| from sp. */
static double abs_sum_up(const struct cert_k *k, double sp)
{
  return (sp + k->under) * k->abs_k + 2 * ETA_UP;
}

/* SPLIT's Sigma for S' (n u <= 1/16 checked by the caller): the power of
 * two above 4 S', at least SIGMA_MIN; 0 when it would exceed SIGMA_MAX
 * or S' is not finite. */
static double split_sigma(double s_up)
{
  if (!(s_up <= SIGMA_MAX / 8))
    return 0.0;
  double x = 4.0 * s_up, p;
  if (!(x > SIGMA_MIN))
    return SIGMA_MIN;
  uint64_t bits;
  memcpy(&bits, &x, sizeof bits);
  bits &= 0x7ff0000000000000u; /* the power of two <= x (x is normal) */
  memcpy(&p, &bits, sizeof p);
  return 2.0 * p;
}

/* Whether SPLIT applies to an element with sum sp. */
static int split_ok(const struct cert_k *k, double sp)
{
  return k->n * U_D <= 1.0 / 16 && split_sigma(abs_sum_up(k, sp)) > 0;
}

/* |val - exact| <= the result (see the derivations above). */
static double err_exact(const struct cert_k *k, double s_up)
{
  return k->exact_k * s_up + 2 * ETA_UP;
}

static double err_split(const struct cert_k *k, double sigma, double val)
{
  return (U_D * fabs(val) / (1.0 - U_D) + k->split_a * sigma + k->split_b) *
             ROUNDING_UP +
         2 * ETA_UP;
}

static double err_dot2(const struct cert_k *k, double s_up, double val)
{
  return (U_D * fabs(val) / (1.0 - U_D) + k->dot2_a * s_up + k->dot2_b +
          k->under) * ROUNDING_UP +
         2 * ETA_UP;
}

/* Lane j of a (method m) into element i of out. */
static void lane_finish(int m, const struct cert_k *k, const struct acc *a,
                        int j, const dlv_cert_out *out, size_t i)
{
  double s_up = abs_sum_up(k, a->sp[j]), val;
  if (m == M_EXACT) {
    val = a->v[j];
    out->err[i] = err_exact(k, s_up);
  } else if (m == M_SPLIT) {
    double sigma = split_sigma(s_up);
    val = (a->v[j] - 1.5 * sigma) + a->w[j];
    out->err[i] = err_split(k, sigma, val);
  } else {
    val = a->v[j] + a->w[j];
    out->err[i] = err_dot2(k, s_up, val);
  }
  out->val[i] = val;
  out->abs_sum[i] = s_up;
}

/* ---- tiles: method choice, passes, results --------------------------------- */

/* A tile: `rows` outputs, `width` vectors of LANES channels each, sums at
 * acc[p ald + v] (p < rows, v < width), every output a sum of n
 * products.  visit calls run_tile(m, ...) for every run of terms of the
 * tile (described by ctx). */
typedef void (*visit_fn)(const void *ctx, int m, struct acc *acc, size_t ald);

struct tile {
  size_t rows, width, ald;
  double n;
};

static void acc_zero(const struct tile *t, struct acc *acc)
{
  for (size_t p = 0; p < t->rows; p++)
    memset(acc + p * t->ald, 0, t->width * sizeof *acc);
}

/* Whether SPLIT applies to every lane of the tile (after the pass for
 * sp); if so, h starts at 1.5 Sigma in each. */
static int split_start(const struct tile *t, struct acc *acc)
{
  struct cert_k k = cert_k_of(t->n);
  int split = 1;
  for (size_t p = 0; p < t->rows; p++)
    for (size_t v = 0; v < t->width; v++)
      for (int j = 0; j < LANES; j++) {
        struct acc *a = &acc[p * t->ald + v];
        split &= split_ok(&k, a->sp[j]);
        a->v[j] = 1.5 * split_sigma(abs_sum_up(&k, a->sp[j]));
      }
  return split;
}

/* The sums of a tile: EXACT if exact is set, else SPLIT (after the pass
 * for sp), or DOT2 when SPLIT does not apply to one of its lanes.
 * Returns the method. */
static int tile_sums(visit_fn visit, const void *ctx, int exact,
                     const struct tile *t, struct acc *acc)
{
  acc_zero(t, acc);
  if (exact) {
    visit(ctx, M_EXACT, acc, t->ald);
    return M_EXACT;
  }
  visit(ctx, M_ABS, acc, t->ald);
  if (split_start(t, acc)) {
    visit(ctx, M_SPLIT, acc, t->ald);
    return M_SPLIT;
  }
  acc_zero(t, acc);
  visit(ctx, M_DOT2, acc, t->ald);
  return M_DOT2;
}

/* Output p of the tile, channel c (c < nc), to element first[p] + c of
 * out. */
static void tile_finish(int m, const struct tile *t, const struct acc *acc,
                        const size_t *first, size_t nc,
                        const dlv_cert_out *out)
{
  struct cert_k k = cert_k_of(t->n);
  for (size_t p = 0; p < t->rows; p++)
    for (size_t c = 0; c < t->width * LANES && c < nc; c++)
      lane_finish(m, &k, &acc[p * t->ald + c / LANES], (int)(c % LANES), out,
                  first[p] + c);
}

/* ---- the workspace ---------------------------------------------------------- */

static size_t round_up(size_t n, size_t m) { return (n + m - 1) / m * m; }

void dlv_cert_work_free(dlv_cert_work *w)
{
  if (w == NULL)
    return;
  free(w->base);
  w->base = NULL;
  w->bytes = 0;
}

/* A call's scratch memory: the caller's workspace, or (none given) its
 * own, released by scratch_end. */
struct scratch {
  dlv_cert_work own, *w;
};

/* n parts of bytes[i] each, every one from a 64-byte boundary, at part[i];
 * 0 on ENOMEM.  The workspace only grows (its contents are not kept). */
static int scratch_parts(struct scratch *sc, dlv_cert_work *work, size_t n,
                         const size_t *bytes, void **part)
{
  sc->own = (dlv_cert_work){NULL, 0};
  sc->w = work != NULL ? work : &sc->own;
  size_t total = 64;
  for (size_t i = 0; i < n; i++)
    total += round_up(bytes[i], 64);
  if (sc->w->bytes < total) {
    free(sc->w->base);
    sc->w->base = aligned_alloc(64, total);
    sc->w->bytes = sc->w->base != NULL ? total : 0;
  }
  char *p = sc->w->base;
  for (size_t i = 0; p != NULL && i < n; i++) {
    part[i] = p;
    p += round_up(bytes[i], 64);
  }
  return p != NULL;
}

static void scratch_end(struct scratch *sc) { dlv_cert_work_free(&sc->own); }

/* ---- operands -------------------------------------------------------------- */

/* The channel operand (y): rows of nc values and their absolute values
 * in panels of TILE_W channels (zeros beyond nc), so that a tile's runs
 * read contiguous memory: (r, c) at d[(c / TILE_W) pstep + r dy + c %
 * TILE_W], dy = 2 TILE_W, |.| at + half = TILE_W.  (The broadcast
 * operand x is read in place, |x| taken on the fly.) */
struct operand {
  double *d;
  size_t half, dy, pstep, ld; /* ld: nc rounded up to TILE_W */
};

/* Row r of y from channel c0 (a multiple of TILE_W). */
static const double *y_at(const struct operand *o, size_t r, size_t c0)
{
  return o->d + c0 / TILE_W * o->pstep + r * o->dy;
}

static size_t operand_bytes(size_t rows, size_t nc)
{
  return rows * 2 * round_up(nc, TILE_W) * sizeof(double);
}

/* The panels of src (rows of nc) in mem (operand_bytes(rows, nc), 64-byte
 * aligned: whole vectors, no split loads), written in order, every entry
 * (the padding lanes 0). */
static void operand_make(struct operand *o, double *mem, const double *src,
                         size_t rows, size_t nc)
{
  o->d = mem;
  o->ld = round_up(nc, TILE_W);
  o->dy = 2 * TILE_W;
  o->half = TILE_W;
  o->pstep = rows * o->dy;
  double *d = mem;
  for (size_t c0 = 0; c0 < o->ld; c0 += TILE_W)
    for (size_t r = 0; r < rows; r++, d += o->dy)
      for (size_t l = 0; l < TILE_W; l++) {
        double v = c0 + l < nc ? src[r * nc + c0 + l] : 0.0;
        d[l] = v;
        d[l + o->half] = fabs(v);
      }
}

/* Whether every value is a float (method EXACT applies). */
static int all_float(const double *a, size_t n)
{
  int yes = 1;
  for (size_t i = 0; i < n; i++)
    yes &= (double)(float)a[i] == a[i];
  return yes;
}

/* Extents of L1, the shape, and whether both inputs are floats. */
struct geo {
  const dlv_conv3d_shape *s;
  size_t h1, w1, t1;
  int exact;
};

static size_t at_l1(const struct geo *g, size_t b, size_t x, size_t y,
                    size_t t, size_t cp)
{
  return (((b * g->h1 + x) * g->w1 + y) * g->t1 + t) * g->s->cp + cp;
}

/* Rows (positions) of L1 and of L2 = G, rows (u, v, z, c') of F. */
static size_t l1_rows(const struct geo *g)
{
  return g->s->b * g->h1 * g->w1 * g->t1;
}

static size_t l2_rows(const dlv_conv3d_shape *s)
{
  return s->b * s->h * s->w * s->t;
}

static size_t f_rows(const dlv_conv3d_shape *s)
{
  return s->u * s->v * s->z * s->cp;
}

/* The arguments; *g when they are valid (g->exact set by operands). */
static int check_args(const dlv_conv3d_shape *s, const double *a,
                      const double *b, const dlv_cert_out *out,
                      struct geo *g)
{
  if (s == NULL || a == NULL || b == NULL || out == NULL ||
      out->val == NULL || out->err == NULL || out->abs_sum == NULL)
    return DLV_EINVAL;
  if (!s->b || !s->h || !s->w || !s->t || !s->c || !s->cp || !s->u ||
      !s->v || !s->z)
    return DLV_EBADLEN;
  *g = (struct geo){s, s->h + s->u - 1, s->w + s->v - 1, s->t + s->z - 1, 0};
  return DLV_OK;
}

/* g->exact from the broadcast operand (na values) and the channel
 * operand (rb rows of ncb), then the latter's panels in mem
 * (operand_bytes(rb, ncb)). */
static void operands(struct geo *g, const double *pa, size_t na,
                     struct operand *b, double *mem, const double *pb,
                     size_t rb, size_t ncb)
{
  g->exact = all_float(pa, na) && all_float(pb, rb * ncb);
  operand_make(b, mem, pb, rb, ncb);
}

/* ---- forward --------------------------------------------------------------- */

/* A tile of rows <= FB positions (consecutive rows of L2, any (b, x, y,
 * t)) and TILE_W channels from c0: terms the (u, v) runs of Z C'
 * elements, contiguous in L1 (from each position's patch) and in F's
 * rows; for each run, every group of MR_MAX positions (then single ones)
 * in turn, so that the run's rows of F stay in cache. */
#define FB 32

struct fwd_tile {
  const struct geo *g;
  const double *l1;
  const struct operand *f;
  size_t origin[FB], rows, c0;
};

static void fwd_visit(const void *ctx, int m, struct acc *acc, size_t ald)
{
  const struct fwd_tile *t = ctx;
  const dlv_conv3d_shape *s = t->g->s;
  size_t run_len = s->z * s->cp;
  for (size_t u = 0; u < s->u; u++)
    for (size_t v = 0; v < s->v; v++) {
      size_t shift = at_l1(t->g, 0, u, v, 0, 0);
      for (size_t p0 = 0; p0 < t->rows;) {
        size_t mr = t->rows - p0 >= MR_MAX ? MR_MAX : 1;
        const double *xs[MR_MAX];
        for (size_t p = 0; p < mr; p++)
          xs[p] = t->l1 + t->origin[p0 + p] + shift;
        run_tile(m, (int)mr, run_len, xs, 1,
                 y_at(t->f, (u * s->v + v) * run_len, t->c0), t->f->dy,
                 t->f->half, acc + p0 * ald, ald);
        p0 += mr;
      }
    }
}

/* Positions n0 .. n0 + rows, every channel tile. */
static void fwd_positions(const struct geo *g, const double *l1,
                          const struct operand *f, size_t n0, size_t rows,
                          const dlv_cert_out *out)
{
  const dlv_conv3d_shape *s = g->s;
  struct fwd_tile ft = {g, l1, f, {0}, rows, 0};
  struct tile t = {rows, NV, NV, (double)f_rows(s)};
  size_t first[FB];
  for (size_t p = 0; p < rows; p++) { /* each position's patch origin */
    size_t q = n0 + p, tt = q % s->t, y = q / s->t % s->w,
           x = q / s->t / s->w % s->h, b = q / s->t / s->w / s->h;
    ft.origin[p] = at_l1(g, b, x, y, tt, 0);
  }
  for (ft.c0 = 0; ft.c0 < s->c; ft.c0 += TILE_W) {
    struct acc acc[FB * NV];
    for (size_t p = 0; p < rows; p++)
      first[p] = (n0 + p) * s->c + ft.c0;
    int m = tile_sums(fwd_visit, &ft, g->exact, &t, acc);
    tile_finish(m, &t, acc, first, s->c - ft.c0, out);
  }
}

int dlv_cert_conv3d_fwd_w(const dlv_conv3d_shape *s, const double *l1,
                          const double *f, const dlv_cert_out *out,
                          dlv_cert_work *work)
{
  struct geo g;
  struct operand b;
  struct scratch sc;
  int status = check_args(s, l1, f, out, &g);
  if (status != DLV_OK)
    return status;
  size_t bytes[1] = {operand_bytes(f_rows(s), s->c)};
  void *part[1];
  if (!scratch_parts(&sc, work, 1, bytes, part))
    return DLV_ENOMEM;
  operands(&g, l1, l1_rows(&g) * s->cp, &b, part[0], f, f_rows(s), s->c);
  size_t n = l2_rows(s);
  for (size_t n0 = 0; n0 < n; n0 += FB)
    fwd_positions(&g, l1, &b, n0, n - n0 < FB ? n - n0 : FB, out);
  scratch_end(&sc);
  return DLV_OK;
}

int dlv_cert_conv3d_fwd(const dlv_conv3d_shape *s, const double *l1,
                        const double *f, const dlv_cert_out *out)
{
  return dlv_cert_conv3d_fwd_w(s, l1, f, out, NULL);
}

/* ---- filter gradient ------------------------------------------------------- */

/* One (u, v) at a time: F.grad[(u, v, j)][c] = sum_n X[n][j] G[n][c],
 * X[n][j] = L1[position n + (u, v)][j] for j in the (z, c') run (rl
 * rows).  Positions go in chunks of BF_NB: the chunk's X is gathered (its rows are contiguous runs of L1) so that runs of terms
 * have fixed strides, and it stays in cache while every tile of rows and
 * channels of the (u, v) sums over the chunk; the sums of the (u, v) live
 * in memory between chunks. */
#define BF_NB 64

struct bf_job {
  const struct geo *g;
  const double *l1;
  const struct operand *g2;
  size_t u, v, rl;
  double *xc; /* BF_NB x rl */
};

/* X of the positions n0 .. n0 + np for (u, v). */
static void bf_gather(const struct bf_job *jb, size_t n0, size_t np)
{
  const dlv_conv3d_shape *s = jb->g->s;
  for (size_t i = 0; i < np; i++) {
    size_t n = n0 + i, t = n % s->t, y = n / s->t % s->w,
           x = n / s->t / s->w % s->h, b = n / s->t / s->w / s->h;
    memcpy(jb->xc + i * jb->rl,
           jb->l1 + at_l1(jb->g, b, x + jb->u, y + jb->v, t, 0),
           jb->rl * sizeof *jb->xc);
  }
}

static void bf_visit(const void *ctx, int m, struct acc *acc, size_t ald)
{
  const struct bf_job *jb = ctx;
  size_t n = l2_rows(jb->g->s), rl = jb->rl;
  for (size_t n0 = 0; n0 < n; n0 += BF_NB) {
    size_t np = n - n0 < BF_NB ? n - n0 : BF_NB;
    bf_gather(jb, n0, np);
    for (size_t c0 = 0; c0 < jb->g2->ld; c0 += TILE_W)
      for (size_t j0 = 0; j0 < rl;) {
        size_t mr = rl - j0 >= MR_MAX ? MR_MAX : 1;
        const double *xs[MR_MAX];
        for (size_t p = 0; p < mr; p++)
          xs[p] = jb->xc + j0 + p;
        run_tile(m, (int)mr, np, xs, rl, y_at(jb->g2, n0, c0), jb->g2->dy, jb->g2->half,
                 acc + j0 * ald + c0 / LANES, ald);
        j0 += mr;
      }
  }
}

int dlv_cert_conv3d_bwd_filter_w(const dlv_conv3d_shape *s,
                                 const double *l1, const double *g2,
                                 const dlv_cert_out *out,
                                 dlv_cert_work *work)
{
  struct geo g;
  struct operand b;
  struct scratch sc;
  int status = check_args(s, l1, g2, out, &g);
  if (status != DLV_OK)
    return status;
  size_t rl = s->z * s->cp, ald = round_up(s->c, TILE_W) / LANES;
  size_t bytes[4] = {operand_bytes(l2_rows(s), s->c),
                     BF_NB * rl * sizeof(double),
                     rl * ald * sizeof(struct acc), rl * sizeof(size_t)};
  void *part[4];
  if (!scratch_parts(&sc, work, 4, bytes, part))
    return DLV_ENOMEM;
  operands(&g, l1, l1_rows(&g) * s->cp, &b, part[0], g2, l2_rows(s), s->c);
  struct bf_job jb = {&g, l1, &b, 0, 0, rl, part[1]};
  struct tile t = {rl, ald, ald, (double)l2_rows(s)};
  struct acc *acc = part[2];
  size_t *first = part[3];
  for (jb.u = 0; jb.u < s->u; jb.u++)
    for (jb.v = 0; jb.v < s->v; jb.v++) {
      for (size_t j = 0; j < t.rows; j++)
        first[j] = ((jb.u * s->v + jb.v) * jb.rl + j) * s->c;
      int m = tile_sums(bf_visit, &jb, g.exact, &t, acc);
      tile_finish(m, &t, acc, first, s->c, out);
    }
  scratch_end(&sc);
  return DLV_OK;
}

int dlv_cert_conv3d_bwd_filter(const dlv_conv3d_shape *s,
                               const double *l1, const double *g2,
                               const dlv_cert_out *out)
{
  return dlv_cert_conv3d_bwd_filter_w(s, l1, g2, out, NULL);
}

/* ---- input gradient -------------------------------------------------------- */

/* t = F with (c', c) swapped: t[(u, v, z, c)][c'], so that an
 * input-gradient element's terms run over contiguous c'. */
static void transpose_filter(const dlv_conv3d_shape *s, const double *f,
                             double *t)
{
  size_t taps = s->u * s->v * s->z, plane = s->cp * s->c;
  for (size_t k = 0; k < taps; k++)
    for (size_t cp = 0; cp < s->cp; cp++)
      for (size_t c = 0; c < s->c; c++)
        t[k * plane + c * s->cp + cp] = f[k * plane + cp * s->c + c];
}

/* Along one axis, the taps reaching input index i: [*lo, *hi). */
static void taps_of(size_t i, size_t out_n, size_t k, size_t *lo, size_t *hi)
{
  *lo = i + 1 > out_n ? i + 1 - out_n : 0; /* i - tap < out_n */
  *hi = i + 1 < k ? i + 1 : k;             /* tap <= i */
}

/* A tile of positions (b, x, y0 + i, t0 + k), i < ny, k < nt (row i nt +
 * k), all reached by the same taps, at most BI positions, and TILE_W
 * channels c' from c0: terms the taps (u, v, z), each a run of C terms
 * (contiguous in G's row and along F^T's rows); for each tap, every group
 * of MR_MAX consecutive positions of the tile (then single ones) in turn,
 * so that the tap's rows of F^T stay in cache. */
#define BI 64

struct bi_tile {
  const struct geo *g;
  const struct operand *ft;
  const double *g2;
  size_t b, x, y0, ny, t0, nt, c0;
  size_t u0, u1, v0, v1, z0, z1;
  /* G's row of tile position q (row q of the tile: (y0 + q / nt, t0 + q %
   * nt)) under tap (u, v, z) is at g_at[q] - ((u W + v) T + z) C (the
   * index is linear in the position and the tap). */
  size_t g_at[BI];
};

static void bi_visit(const void *ctx, int m, struct acc *acc, size_t ald)
{
  const struct bi_tile *t = ctx;
  const dlv_conv3d_shape *s = t->g->s;
  size_t rows = t->ny * t->nt;
  for (size_t u = t->u0; u < t->u1; u++)
    for (size_t v = t->v0; v < t->v1; v++)
      for (size_t z = t->z0; z < t->z1; z++)
        for (size_t q = 0; q < rows;) { /* groups across rows of t */
          size_t mr = rows - q >= MR_MAX ? MR_MAX : 1;
          size_t tap = ((u * s->w + v) * s->t + z) * s->c;
          const double *xs[MR_MAX];
          for (size_t p = 0; p < mr; p++)
            xs[p] = t->g2 + (t->g_at[q + p] - tap);
          run_tile(m, (int)mr, s->c, xs, 1,
                   y_at(t->ft, ((u * s->v + v) * s->z + z) * s->c, t->c0),
                   t->ft->dy, t->ft->half, acc + q * ald, ald);
          q += mr;
        }
}

/* The tile's positions, every channel tile. */
static void bi_positions(struct bi_tile *bt, const dlv_cert_out *out)
{
  const dlv_conv3d_shape *s = bt->g->s;
  struct tile t = {bt->ny * bt->nt, NV, NV,
                   (double)((bt->u1 - bt->u0) * (bt->v1 - bt->v0) *
                            (bt->z1 - bt->z0) * s->c)};
  size_t first[BI];
  for (size_t i = 0; i < bt->ny; i++)
    for (size_t k = 0; k < bt->nt; k++)
      bt->g_at[i * bt->nt + k] =
          (((bt->b * s->h + bt->x) * s->w + bt->y0 + i) * s->t + bt->t0 + k) *
          s->c;
  for (bt->c0 = 0; bt->c0 < s->cp; bt->c0 += TILE_W) {
    struct acc acc[BI * NV];
    for (size_t i = 0; i < bt->ny; i++)
      for (size_t k = 0; k < bt->nt; k++)
        first[i * bt->nt + k] =
            at_l1(bt->g, bt->b, bt->x, bt->y0 + i, bt->t0 + k, 0) + bt->c0;
    int m = tile_sums(bi_visit, bt, bt->g->exact, &t, acc);
    tile_finish(m, &t, acc, first, s->cp - bt->c0, out);
  }
}

/* The end of the segment from i of indices reached by the same taps along
 * an axis (output extent n, k taps, input extent n + k - 1). */
static size_t segment_end(size_t i, size_t n, size_t k)
{
  size_t lo, hi, lo2, hi2, e = i + 1;
  taps_of(i, n, k, &lo, &hi);
  for (; e < n + k - 1; e++) {
    taps_of(e, n, k, &lo2, &hi2);
    if (lo2 != lo || hi2 != hi)
      break;
  }
  return e;
}

/* The plane (b, x) of L1.grad: (y, t) in rectangles of segments, each in
 * tiles of at most BI positions. */
static void bi_plane(struct bi_tile *bt, const dlv_cert_out *out)
{
  const dlv_conv3d_shape *s = bt->g->s;
  taps_of(bt->x, s->h, s->u, &bt->u0, &bt->u1);
  for (size_t y = 0; y < bt->g->w1;) {
    size_t ye = segment_end(y, s->w, s->v);
    taps_of(y, s->w, s->v, &bt->v0, &bt->v1);
    for (size_t t = 0; t < bt->g->t1;) {
      size_t te = segment_end(t, s->t, s->z);
      taps_of(t, s->t, s->z, &bt->z0, &bt->z1);
      bt->t0 = t, bt->nt = te - t < BI ? te - t : BI;
      for (bt->y0 = y; bt->y0 < ye; bt->y0 += bt->ny) {
        bt->ny = ye - bt->y0 < BI / bt->nt ? ye - bt->y0 : BI / bt->nt;
        bi_positions(bt, out);
      }
      t += bt->nt;
    }
    y = ye;
  }
}

int dlv_cert_conv3d_bwd_input_w(const dlv_conv3d_shape *s, const double *f,
                                const double *g2, const dlv_cert_out *out,
                                dlv_cert_work *work)
{
  struct geo g;
  struct operand b;
  struct scratch sc;
  int status = check_args(s, f, g2, out, &g);
  if (status != DLV_OK)
    return status;
  size_t ft_rows = s->u * s->v * s->z * s->c;
  size_t bytes[2] = {ft_rows * s->cp * sizeof(double),
                     operand_bytes(ft_rows, s->cp)};
  void *part[2];
  if (!scratch_parts(&sc, work, 2, bytes, part))
    return DLV_ENOMEM;
  transpose_filter(s, f, part[0]);
  operands(&g, g2, l2_rows(s) * s->c, &b, part[1], part[0], ft_rows, s->cp);
  struct bi_tile bt = {&g, &b, g2, 0};
  for (bt.b = 0; bt.b < s->b; bt.b++)
    for (bt.x = 0; bt.x < g.h1; bt.x++)
      bi_plane(&bt, out);
  scratch_end(&sc);
  return DLV_OK;
}

int dlv_cert_conv3d_bwd_input(const dlv_conv3d_shape *s, const double *f,
                              const double *g2, const dlv_cert_out *out)
{
  return dlv_cert_conv3d_bwd_input_w(s, f, g2, out, NULL);
}
