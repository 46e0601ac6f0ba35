/* noisy_linear.c: noisy, plain and dropout linear layers with ReLU, and the
 * noise generator (see noisy_linear.h for conventions and error model).
 *
 * Every layer is one loop over rows i computing z_i as a dot product with
 * eight partial sums, ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7));
 * the three layers differ only in the term of the sum, so the loops are
 * written once (ROW_SUM) and instantiated per term and per precision. */
#include <math.h>
#include <stdint.h>

#include "dlv_status.h"
#include "noisy_linear.h"

/* ---- generator ---------------------------------------------------------- */

static uint64_t splitmix64(uint64_t *x)
{
  uint64_t z = (*x += 0x9E3779B97F4A7C15u);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
  return z ^ (z >> 31);
}

static inline uint64_t rotl(uint64_t x, int k)
{
  return (x << k) | (x >> (64 - k));
}

/* xoshiro256** 1.0 (public domain reference by Blackman and Vigna). */
static inline uint64_t next(dlv_noise_rng *g)
{
  uint64_t *s = g->s;
  uint64_t result = rotl(s[1] * 5, 7) * 9;
  uint64_t t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 45);
  return result;
}

void dlv_noise_rng_seed(dlv_noise_rng *g, uint64_t seed)
{
  /* splitmix64 never yields four zero words in a row from one seed. */
  for (int i = 0; i < 4; i++)
    g->s[i] = splitmix64(&seed);
}

double dlv_noise_uniform(dlv_noise_rng *g)
{
  return (double)(next(g) >> 11) * 0x1p-53;
}

/* Two independent N(0, 1) draws (Marsaglia's polar method): (u, v) uniform
 * in the unit disc minus the origin, r2 = u^2 + v^2, then u f and v f with
 * f = sqrt(-2 log(r2) / r2).  u and v are multiples of 2^-52 in (-1, 1). */
static void gaussian_pair(dlv_noise_rng *g, double *a, double *b)
{
  double u, v, r2;
  do {
    u = 2.0 * dlv_noise_uniform(g) - 1.0;
    v = 2.0 * dlv_noise_uniform(g) - 1.0;
    r2 = u * u + v * v;
  } while (r2 >= 1.0 || r2 == 0.0);
  double f = sqrt(-2.0 * log(r2) / r2);
  *a = u * f;
  *b = v * f;
}

int dlv_noise_gaussian_d(dlv_noise_rng *g, size_t n, double *e)
{
  if (g == NULL || (e == NULL && n > 0))
    return DLV_EINVAL;
  double a, b;
  size_t i = 0;
  for (; i + DLV_NOISE_PAIR <= n; i += DLV_NOISE_PAIR)
    gaussian_pair(g, &e[i], &e[i + 1]);
  if (i < n) { /* odd n: the pair's second draw is discarded */
    gaussian_pair(g, &a, &b);
    e[i] = a;
  }
  return DLV_OK;
}

int dlv_noise_gaussian_s(dlv_noise_rng *g, size_t n, float *e)
{
  if (g == NULL || (e == NULL && n > 0))
    return DLV_EINVAL;
  double a, b;
  for (size_t i = 0; i < n; i += DLV_NOISE_PAIR) {
    gaussian_pair(g, &a, &b);
    e[i] = (float)a;
    if (i + 1 < n)
      e[i + 1] = (float)b;
  }
  return DLV_OK;
}

int dlv_noise_bernoulli(dlv_noise_rng *g, size_t n, double p,
                        unsigned char *mask)
{
  if (g == NULL || (mask == NULL && n > 0) || !(p >= 0.0 && p <= 1.0))
    return DLV_EINVAL;
  /* P(U < p) = p exactly when p is a multiple of 2^-53 (U uniform on the
   * multiples of 2^-53 in [0, 1)), within 2^-53 otherwise. */
  for (size_t i = 0; i < n; i++)
    mask[i] = dlv_noise_uniform(g) < p;
  return DLV_OK;
}

/* ---- rows --------------------------------------------------------------- */

/* Sums TERM(j) for j in [0, n) with DLV_LINEAR_LANES = 8 partial sums, in
 * type T (the pairwise combination below is written for eight). */
#define ROW_SUM(T, n, TERM)                                                  \
  do {                                                                       \
    T acc[DLV_LINEAR_LANES] = {0};                                           \
    size_t j = 0;                                                            \
    for (; j + DLV_LINEAR_LANES <= (n); j += DLV_LINEAR_LANES)               \
      for (size_t k = 0; k < DLV_LINEAR_LANES; k++)                          \
        acc[k] += TERM(j + k);                                               \
    for (size_t k = 0; j < (n); j++, k++)                                    \
      acc[k] += TERM(j);                                                     \
    return ((acc[0] + acc[1]) + (acc[2] + acc[3])) +                         \
           ((acc[4] + acc[5]) + (acc[6] + acc[7]));                          \
  } while (0)

#define PLAIN(j) (w[j] * x[j])
#define NOISY(j) ((w[j] + e[j]) * x[j])
#define MASKED(j) (mask[j] ? w[j] * x[j] : 0)

/* One row of each layer, for T = double (suffix d) and float (suffix s):
 * w is the row W_i. (and e the row E_i.), x the input. */
#define DEFINE_ROWS(T, sfx)                                                  \
  static T row_plain_##sfx(size_t n, const T *w, const T *x)                 \
  {                                                                          \
    ROW_SUM(T, n, PLAIN);                                                    \
  }                                                                          \
  static T row_noisy_##sfx(size_t n, const T *w, const T *e, const T *x)     \
  {                                                                          \
    ROW_SUM(T, n, NOISY);                                                    \
  }                                                                          \
  static T row_masked_##sfx(size_t n, const T *w, const unsigned char *mask, \
                            const T *x)                                      \
  {                                                                          \
    ROW_SUM(T, n, MASKED);                                                   \
  }

DEFINE_ROWS(double, d)
DEFINE_ROWS(float, s)

/* ---- layers ------------------------------------------------------------- */

/* p may be NULL only when it addresses no element. */
static int need(const void *p, size_t count)
{
  return p != NULL || count == 0;
}

/* DLV_OK when the shared arguments of a layer are usable: m n elements of
 * size `elem` addressable, w, x, z present. */
static int check_layer(size_t m, size_t n, size_t elem, const void *w,
                       const void *x, const void *z)
{
  if (n > 0 && m > (size_t)PTRDIFF_MAX / elem / n)
    return DLV_EBADLEN;
  if (!need(w, m * n) || !need(x, n) || !need(z, m))
    return DLV_EINVAL;
  return DLV_OK;
}

/* The layer in type T: the row kernel is chosen by which of e (noise) and
 * mask is given (a NULL one is only passed when it addresses nothing, and
 * then every row is the empty sum 0 either way); z is written row by row,
 * then y = ReLU(z) unless z has a NaN. */
#define DEFINE_LAYER(T, sfx)                                                 \
  static int layer_##sfx(size_t m, size_t n, const T *w, const T *e,         \
                         const unsigned char *mask, const T *x, T *z, T *y)  \
  {                                                                          \
    int nan = 0;                                                             \
    for (size_t i = 0; i < m; i++) {                                         \
      const T *wi = w + i * n;                                               \
      T zi = e ? row_noisy_##sfx(n, wi, e + i * n, x)                        \
               : mask ? row_masked_##sfx(n, wi, mask, x)                     \
                      : row_plain_##sfx(n, wi, x);                           \
      nan |= isnan(zi);                                                      \
      z[i] = zi;                                                             \
    }                                                                        \
    if (nan)                                                                 \
      return DLV_ENAN;                                                       \
    for (size_t i = 0; y != NULL && i < m; i++)                              \
      y[i] = z[i] > 0 ? z[i] : 0; /* ReLU; -0 and +0 both give +0 */         \
    return DLV_OK;                                                           \
  }

DEFINE_LAYER(double, d)
DEFINE_LAYER(float, s)

int dlv_noisy_linear_d(size_t m, size_t n, const double *w, const double *e,
                       const double *x, double *z, double *y)
{
  int status = check_layer(m, n, sizeof *w, w, x, z);
  if (status == DLV_OK && (e == NULL && m * n > 0))
    status = DLV_EINVAL;
  return status != DLV_OK ? status : layer_d(m, n, w, e, NULL, x, z, y);
}

int dlv_noisy_linear_s(size_t m, size_t n, const float *w, const float *e,
                       const float *x, float *z, float *y)
{
  int status = check_layer(m, n, sizeof *w, w, x, z);
  if (status == DLV_OK && (e == NULL && m * n > 0))
    status = DLV_EINVAL;
  return status != DLV_OK ? status : layer_s(m, n, w, e, NULL, x, z, y);
}

int dlv_noisy_linear_train_d(size_t m, size_t n, const double *w,
                             const double *x, dlv_noise_rng *g, double *e,
                             double *z, double *y)
{
  int status = check_layer(m, n, sizeof *w, w, x, z);
  if (status == DLV_OK && (g == NULL || !need(e, m * n)))
    status = DLV_EINVAL;
  if (status == DLV_OK)
    status = dlv_noise_gaussian_d(g, m * n, e);
  return status != DLV_OK ? status : dlv_noisy_linear_d(m, n, w, e, x, z, y);
}

int dlv_noisy_linear_train_s(size_t m, size_t n, const float *w,
                             const float *x, dlv_noise_rng *g, float *e,
                             float *z, float *y)
{
  int status = check_layer(m, n, sizeof *w, w, x, z);
  if (status == DLV_OK && (g == NULL || !need(e, m * n)))
    status = DLV_EINVAL;
  if (status == DLV_OK)
    status = dlv_noise_gaussian_s(g, m * n, e);
  return status != DLV_OK ? status : dlv_noisy_linear_s(m, n, w, e, x, z, y);
}

int dlv_linear_d(size_t m, size_t n, const double *w, const double *x,
                 double *z, double *y)
{
  int status = check_layer(m, n, sizeof *w, w, x, z);
  return status != DLV_OK ? status : layer_d(m, n, w, NULL, NULL, x, z, y);
}

int dlv_linear_s(size_t m, size_t n, const float *w, const float *x,
                 float *z, float *y)
{
  int status = check_layer(m, n, sizeof *w, w, x, z);
  return status != DLV_OK ? status : layer_s(m, n, w, NULL, NULL, x, z, y);
}

int dlv_dropout_linear_d(size_t m, size_t n, const double *w,
                         const unsigned char *mask, const double *x,
                         double *z, double *y)
{
  int status = check_layer(m, n, sizeof *w, w, x, z);
  if (status == DLV_OK && !need(mask, n))
    status = DLV_EINVAL;
  return status != DLV_OK ? status : layer_d(m, n, w, NULL, mask, x, z, y);
}

int dlv_dropout_linear_s(size_t m, size_t n, const float *w,
                         const unsigned char *mask, const float *x, float *z,
                         float *y)
{
  int status = check_layer(m, n, sizeof *w, w, x, z);
  if (status == DLV_OK && !need(mask, n))
    status = DLV_EINVAL;
  return status != DLV_OK ? status : layer_s(m, n, w, NULL, mask, x, z, y);
}

int dlv_dropout_linear_train_d(size_t m, size_t n, const double *w,
                               const double *x, double p, dlv_noise_rng *g,
                               unsigned char *mask, double *z, double *y)
{
  int status = check_layer(m, n, sizeof *w, w, x, z);
  if (status == DLV_OK)
    status = dlv_noise_bernoulli(g, n, p, mask);
  return status != DLV_OK ? status
                          : dlv_dropout_linear_d(m, n, w, mask, x, z, y);
}

int dlv_dropout_linear_train_s(size_t m, size_t n, const float *w,
                               const float *x, double p, dlv_noise_rng *g,
                               unsigned char *mask, float *z, float *y)
{
  int status = check_layer(m, n, sizeof *w, w, x, z);
  if (status == DLV_OK)
    status = dlv_noise_bernoulli(g, n, p, mask);
  return status != DLV_OK ? status
                          : dlv_dropout_linear_s(m, n, w, mask, x, z, y);
}
