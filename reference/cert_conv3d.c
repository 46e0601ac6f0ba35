/* cert_conv3d.c: the certified fast reference (see cert_conv3d.h).  Written
 * from the definition like ref_conv3d.c, no code shared with the kernels;
 * the inner loops run over the output's channels (contiguous), so that the
 * compiler vectorizes Dot2 across output elements.
 *
 * Error of one element (u = 2^-53, gamma_m = m u / (1 - m u), n the number
 * of products, eta = 2^-1075 half the smallest subnormal):
 *  - TwoProduct: p_i = fl(a_i b_i), e_i = fl(a_i b_i - p_i) by one fma.
 *    a_i b_i - p_i has at most 53 significant bits; it is representable
 *    unless its last bit lies below 2^-1074, so |a_i b_i - p_i - e_i| <=
 *    eta (0 without underflow: Ogita-Rump-Oishi, Thm 3.4).
 *  - TwoSum is error-free, also with underflow (subnormal sums are exact):
 *    after the loop hi + sum q_i = sum p_i exactly.  Hence
 *    exact = hi + L + E, L = sum (q_i + e_i) (2n terms), |E| <= n eta.
 *  - lo = fl(lo + fl(q_i + e_i)): every term passes through at most 2n
 *    roundings, |lo - L| <= gamma_2n A, A = sum (|q_i| + |e_i|); alo sums
 *    those magnitudes in the same tree, alo >= A (1 - gamma_2n).
 *  - val = fl(hi + lo): |val - (hi + lo)| <= u |hi + lo| <= u |val| / (1 - u).
 *  So err = u |val| / (1 - u) + gamma_2n alo / (1 - gamma_2n) + n eta.
 *  - abs_sum: |a_i b_i| <= |p_i| + |e_i| + eta; sp = fl sum of |p_i| >=
 *    (1 - gamma_n) sum |p_i|, so sum |a_i b_i| <= sp / (1 - gamma_n) +
 *    alo / (1 - gamma_2n) + n eta.
 * Both formulas are evaluated in double with at most 8 roundings of
 * nonnegative terms, each at most a factor (1 + u) or, in the subnormal
 * range, an absolute 2^-1075: the results are multiplied by
 * 1 + 2^-48 > (1 + u)^9 and get 2^-1073 added (at most 4 underflowing
 * roundings; an addition of subnormals is exact).  n eta is
 * over-approximated by n 2^-1074 (2^-1075 is not a double).  (The a-priori form of Dot2's
 * bound, u |s| + gamma_n^2 sum |a b| (ORO Prop. 5.5), is of the same
 * order; this one uses the element's own q and e.) */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cert_conv3d.h"
#include "dlv_status.h"

#define U_D 0x1p-53
#define ETA_UP 0x1p-1074
#define ROUNDING_UP (1.0 + 0x1p-48)

/* Dot2 state of n elements (lanes), one array per quantity. */
struct acc {
  double *hi, *lo, *alo, *sp;
  size_t n;
};

static int acc_init(struct acc *a, size_t n)
{
  double *m = calloc(4 * (n ? n : 1), sizeof *m);
  *a = (struct acc){m, m + n, m + 2 * n, m + 3 * n, n};
  return m ? DLV_OK : DLV_ENOMEM;
}

static void acc_free(struct acc *a) { free(a->hi); }

static void acc_zero(struct acc *a)
{
  memset(a->hi, 0, 4 * a->n * sizeof *a->hi);
}

/* Lane j gets the term x * y[j], for every lane. */
static void acc_axpy(struct acc *a, double x, const double *y)
{
  double *restrict hi = a->hi, *restrict lo = a->lo, *restrict alo = a->alo,
                   *restrict sp = a->sp;
  for (size_t j = 0; j < a->n; j++) {
    double p = x * y[j], e = fma(x, y[j], -p); /* TwoProduct */
    double s = hi[j] + p, z = s - hi[j];       /* TwoSum */
    double q = (hi[j] - (s - z)) + (p - z);
    hi[j] = s;
    lo[j] += q + e;
    alo[j] += fabs(q) + fabs(e);
    sp[j] += fabs(p);
  }
}

static double gamma_of(double m) { return m * U_D / (1.0 - m * U_D); }

/* Lane j of a, a sum of n products, into element i of out. */
static void acc_finish(const struct acc *a, size_t j, double n,
                       const dlv_cert_out *out, size_t i)
{
  double val = a->hi[j] + a->lo[j];
  double g2n = gamma_of(2.0 * n), gn = gamma_of(n);
  double lo_part = g2n * a->alo[j] / (1.0 - g2n), under = n * ETA_UP;
  out->val[i] = val;
  out->err[i] =
      (U_D * fabs(val) / (1.0 - U_D) + lo_part + under) * ROUNDING_UP +
      2 * ETA_UP;
  out->abs_sum[i] =
      (a->sp[j] / (1.0 - gn) + a->alo[j] / (1.0 - g2n) + under) *
          ROUNDING_UP +
      2 * ETA_UP;
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

int dlv_cert_conv3d_fwd(const dlv_ref_conv3d_shape *s, const double *l1,
                        const double *f, const dlv_cert_out *out)
{
  struct geo g;
  struct acc a;
  int status = check_args(s, l1, f, out, &g);
  if (status != DLV_OK || (status = acc_init(&a, s->c)) != DLV_OK)
    return status;
  size_t run = s->z * s->cp, n = s->u * s->v * run, i = 0;
  for (size_t b = 0; b < s->b; b++)
    for (size_t x = 0; x < s->h; x++)
      for (size_t y = 0; y < s->w; y++)
        for (size_t t = 0; t < s->t; t++) {
          acc_zero(&a);
          for (size_t u = 0; u < s->u; u++)
            for (size_t v = 0; v < s->v; v++) {
              /* (z, c') runs contiguously in L1's patch row and in F */
              const double *row = l1 + at_l1(&g, b, x + u, y + v, t, 0);
              const double *fr = f + (u * s->v + v) * run * s->c;
              for (size_t j = 0; j < run; j++)
                acc_axpy(&a, row[j], fr + j * s->c);
            }
          for (size_t c = 0; c < s->c; c++)
            acc_finish(&a, c, (double)n, out, i++);
        }
  acc_free(&a);
  return DLV_OK;
}

/* Rows of F.grad summed together over one pass of the positions: their
 * accumulators (rows x C x 4 doubles) stay within about 32 KiB. */
static size_t filter_rows(const dlv_ref_conv3d_shape *s)
{
  size_t r = 1024 / s->c;
  return r < 1 ? 1 : r > s->z * s->cp ? s->z * s->cp : r;
}

int dlv_cert_conv3d_bwd_filter(const dlv_ref_conv3d_shape *s,
                               const double *l1, const double *g2,
                               const dlv_cert_out *out)
{
  struct geo g;
  struct acc a;
  int status = check_args(s, l1, g2, out, &g);
  size_t run = status == DLV_OK ? s->z * s->cp : 0, rows = 0;
  if (status != DLV_OK ||
      (status = acc_init(&a, (rows = filter_rows(s)) * s->c)) != DLV_OK)
    return status;
  size_t n = s->b * s->h * s->w * s->t;
  struct acc lane = a; /* one row's lanes inside a */
  lane.n = s->c;
  for (size_t u = 0; u < s->u; u++)
    for (size_t v = 0; v < s->v; v++)
      for (size_t j0 = 0; j0 < run; j0 += rows) {
        size_t nr = run - j0 < rows ? run - j0 : rows, p = 0;
        acc_zero(&a);
        for (size_t b = 0; b < s->b; b++)
          for (size_t x = 0; x < s->h; x++)
            for (size_t y = 0; y < s->w; y++)
              for (size_t t = 0; t < s->t; t++, p++) {
                const double *in = l1 + at_l1(&g, b, x + u, y + v, t, 0) + j0;
                for (size_t r = 0; r < nr; r++) {
                  size_t off = r * s->c;
                  lane.hi = a.hi + off, lane.lo = a.lo + off;
                  lane.alo = a.alo + off, lane.sp = a.sp + off;
                  acc_axpy(&lane, in[r], g2 + p * s->c);
                }
              }
        size_t first = ((u * s->v + v) * run + j0) * s->c;
        for (size_t e = 0; e < nr * s->c; e++)
          acc_finish(&a, e, (double)n, out, first + e);
      }
  acc_free(&a);
  return DLV_OK;
}

/* F with (c', c) swapped: ft[u, v, z, c, c'], so that an input-gradient
 * element's terms run over contiguous c'. */
static double *transpose_filter(const dlv_ref_conv3d_shape *s,
                                const double *f)
{
  size_t taps = s->u * s->v * s->z, plane = s->cp * s->c;
  double *ft = malloc((taps * plane + 1) * sizeof *ft);
  for (size_t k = 0; ft != NULL && k < taps; k++)
    for (size_t cp = 0; cp < s->cp; cp++)
      for (size_t c = 0; c < s->c; c++)
        ft[k * plane + c * s->cp + cp] = f[k * plane + cp * s->c + c];
  return ft;
}

/* Along one axis, the taps reaching input index i: [*lo, *hi). */
static void taps_of(size_t i, size_t out_n, size_t k, size_t *lo, size_t *hi)
{
  *lo = i + 1 > out_n ? i + 1 - out_n : 0; /* i - tap < out_n */
  *hi = i + 1 < k ? i + 1 : k;             /* tap <= i */
}

int dlv_cert_conv3d_bwd_input(const dlv_ref_conv3d_shape *s, const double *f,
                              const double *g2, const dlv_cert_out *out)
{
  struct geo g;
  struct acc a;
  int status = check_args(s, f, g2, out, &g);
  if (status != DLV_OK || (status = acc_init(&a, s->cp)) != DLV_OK)
    return status;
  double *ft = transpose_filter(s, f);
  if (ft == NULL) {
    acc_free(&a);
    return DLV_ENOMEM;
  }
  size_t i = 0;
  for (size_t b = 0; b < s->b; b++)
    for (size_t x = 0; x < g.h1; x++)
      for (size_t y = 0; y < g.w1; y++)
        for (size_t t = 0; t < g.t1; t++) {
          size_t u0, u1, v0, v1, z0, z1;
          taps_of(x, s->h, s->u, &u0, &u1);
          taps_of(y, s->w, s->v, &v0, &v1);
          taps_of(t, s->t, s->z, &z0, &z1);
          acc_zero(&a);
          for (size_t u = u0; u < u1; u++)
            for (size_t v = v0; v < v1; v++)
              for (size_t z = z0; z < z1; z++) {
                const double *gr =
                    g2 + ((((b * s->h + x - u) * s->w + y - v) * s->t + t - z) *
                          s->c);
                const double *fr =
                    ft + ((u * s->v + v) * s->z + z) * s->c * s->cp;
                for (size_t c = 0; c < s->c; c++)
                  acc_axpy(&a, gr[c], fr + c * s->cp);
              }
          double n = (double)((u1 - u0) * (v1 - v0) * (z1 - z0) * s->c);
          for (size_t cp = 0; cp < s->cp; cp++)
            acc_finish(&a, cp, n, out, i++);
        }
  free(ft);
  acc_free(&a);
  return DLV_OK;
}
