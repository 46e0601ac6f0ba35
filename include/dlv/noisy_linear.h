/* noisy_linear.h: a linear layer with additive Gaussian weight noise, its
 * plain test-time twin, a dropout layer for contrast, and the seeded
 * generator that draws the noise (claim P2).
 *
 * Conventions shared by every layer here:
 * - W is m x n, row-major and contiguous (W_ij = w[i * n + j]); so are the
 *   noise E and its float twin; x has n entries, z and y have m;
 * - z = (W + E) x is the ReLU input (the quantity the claim is about) and
 *   y = ReLU(z) = max(z, 0) the output; z is required, y may be NULL;
 * - each z_i is one dot product in the layer's own precision (float layers
 *   accumulate in float), with eight partial sums; every term passes through
 *   at most one addition w + e, one product and n - 1 additions, so
 *   |z_i - exact| <= gamma_{n+1} sum_j |w_ij + e_ij| |x_j| plus underflow
 *   (bounds.h, dlv_bound_p2_dot);
 * - argument errors (DLV_EINVAL, DLV_EBADLEN when m n overflows) are found
 *   before anything is written, in this order: m n (DLV_EBADLEN), then
 *   the layer's w, x, z, then the call's own arguments (e, the generator,
 *   the mask, p: DLV_EINVAL), the first one found returned; a NaN in z
 *   (from a NaN input, Inf - Inf or 0 Inf) returns DLV_ENAN with z written and y untouched, so that the
 *   NaN is never hidden by max(NaN, 0) = 0;
 * - the bound assumes that nothing overflows: when some |w_ij + e_ij| or
 *   (1 + gamma_{n+1}) G reaches the overflow threshold of the layer's
 *   precision, z_i may be +-Inf or NaN (then DLV_ENAN), never a finite
 *   value outside the bound (an infinity never becomes finite again).
 *
 * Noise: E_ij ~ N(0, 1) i.i.d. from dlv_noise_rng, xoshiro256** (Blackman
 * and Vigna, 2018) seeded through splitmix64, turned into Gaussians by
 * Marsaglia's polar method; dropout masks are Bernoulli(p), keep = 1.  The
 * generator has no global state and needs no GSL (kernels link OpenBLAS and
 * libm only); the checks test its law (mean, variance, Kolmogorov-Smirnov),
 * checks/t_streams.c its seeding (known answers) and the independence of
 * successive draws, and the gate (family noisy) every call's stream. */
#ifndef DLV_NOISY_LINEAR_H
#define DLV_NOISY_LINEAR_H

#include <stddef.h>
#include <stdint.h>

/* Each dot product runs over DLV_LINEAR_LANES partial sums.  Blocking
 * constants of dlv_linear_d, dlv_linear_s, dlv_noisy_linear_d,
 * dlv_noisy_linear_s, dlv_noisy_linear_train_d, dlv_noisy_linear_train_s,
 * dlv_dropout_linear_d, dlv_dropout_linear_s, dlv_dropout_linear_train_d,
 * dlv_dropout_linear_train_s: DLV_LINEAR_LANES. */
#define DLV_LINEAR_LANES 8

/* Gaussians are drawn in pairs (the polar method gives two): an odd count
 * draws a whole pair and discards its second value.  Blocking constants
 * of dlv_noise_gaussian_d, dlv_noise_gaussian_s, dlv_noisy_linear_train_d,
 * dlv_noisy_linear_train_s: DLV_NOISE_PAIR. */
#define DLV_NOISE_PAIR 2

typedef struct {
  uint64_t s[4]; /* xoshiro256** state, never all zero */
} dlv_noise_rng;

/* Seeds g from any 64-bit seed (splitmix64 expands it to the state). */
void dlv_noise_rng_seed(dlv_noise_rng *g, uint64_t seed);
/* A uniform double in [0, 1), multiples of 2^-53. */
double dlv_noise_uniform(dlv_noise_rng *g);
/* e[0..n) ~ N(0, 1) i.i.d.; the float version rounds each double draw. */
int dlv_noise_gaussian_d(dlv_noise_rng *g, size_t n, double *e);
int dlv_noise_gaussian_s(dlv_noise_rng *g, size_t n, float *e);
/* mask[0..n) ~ Bernoulli(p): 1 (keep) with probability p, else 0.
 * DLV_EINVAL unless 0 <= p <= 1. */
int dlv_noise_bernoulli(dlv_noise_rng *g, size_t n, double p,
                        unsigned char *mask);

/* Train mode, noise passed in: z = (W + E) x, y = ReLU(z). */
int dlv_noisy_linear_d(size_t m, size_t n, const double *w, const double *e,
                       const double *x, double *z, double *y);
int dlv_noisy_linear_s(size_t m, size_t n, const float *w, const float *e,
                       const float *x, float *z, float *y);

/* Train mode, noise drawn inside: fills e (m n entries, the caller's
 * workspace, so the caller sees the noise used) from g, then as above. */
int dlv_noisy_linear_train_d(size_t m, size_t n, const double *w,
                             const double *x, dlv_noise_rng *g, double *e,
                             double *z, double *y);
int dlv_noisy_linear_train_s(size_t m, size_t n, const float *w,
                             const float *x, dlv_noise_rng *g, float *e,
                             float *z, float *y);

/* Test mode: z = W x with the unscaled W, y = ReLU(z). */
int dlv_linear_d(size_t m, size_t n, const double *w, const double *x,
                 double *z, double *y);
int dlv_linear_s(size_t m, size_t n, const float *w, const float *x,
                 float *z, float *y);

/* Dropout on the inputs (keep probability p), mask passed in:
 * z_i = sum_j [mask_j != 0] W_ij x_j, y = ReLU(z).  Its expectation over
 * the mask is p W x, so dropout needs the test-time scale p. */
int dlv_dropout_linear_d(size_t m, size_t n, const double *w,
                         const unsigned char *mask, const double *x,
                         double *z, double *y);
int dlv_dropout_linear_s(size_t m, size_t n, const float *w,
                         const unsigned char *mask, const float *x,
                         float *z, float *y);

/* Dropout, mask (n entries, caller's workspace) drawn inside from g. */
int dlv_dropout_linear_train_d(size_t m, size_t n, const double *w,
                               const double *x, double p, dlv_noise_rng *g,
                               unsigned char *mask, double *z, double *y);
int dlv_dropout_linear_train_s(size_t m, size_t n, const float *w,
                               const float *x, double p, dlv_noise_rng *g,
                               unsigned char *mask, float *z, float *y);

#endif
