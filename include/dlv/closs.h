/* closs.h: smooth losses written once for real and complex arithmetic
 * (claim P5), so that Hessian-vector products can be taken by complex step:
 * Hv = Im grad l(Theta + i t v) / t.
 *
 * Each loss has a _d (double) and a _z (double complex) entry point built
 * from one generic source (closs_generic.inc); the _z path uses analytic
 * operations only (no cabs, conj, fabs, fmax, hypot, and no comparison of a
 * perturbed value), so it is the holomorphic extension of the _d path.
 *
 *   quadratic  1/2 Theta' A Theta + b' Theta          (dlv_quadratic, loss.h)
 *   logistic   (1/m) sum_i log(1 + exp(-y_i x_i' Theta)) (dlv_logistic)
 *   tanhnet    (1/2m) sum_i (w2' tanh(W1 x_i + b1) + b2 - y_i)^2
 *   norm       ||Theta|| = sqrt(sum Theta_i^2), safe from overflow and
 *              underflow for every finite real Theta (scaled by an exact
 *              power of two, as nrm2; closs_generic.inc): +Inf only when
 *              ||Theta|| exceeds DBL_MAX; a complex Theta is scaled by
 *              its largest real or imaginary part.  Its accuracy is
 *              promised where sum Re^2 - sum Im^2 > 2^-40 sum |z_j|^2
 *              (the complex step's points: |Im| well below the real
 *              part's norm; checks/closs_mag.c); elsewhere the
 *              principal square root may sit on its branch cut, where
 *              no bound holds (a rounding may flip the sign of Im)
 *
 * Every entry point writes the value to *value and the gradient to grad
 * (either may be NULL) and returns a dlv_status code: DLV_EINVAL for a NULL
 * problem or theta, DLV_EBADLEN for empty sizes, DLV_ENAN for a NaN in
 * theta, DLV_EDOM for the norm's gradient at Theta = 0 (real parts all 0)
 * and for the norm at an infinite real or imaginary part (after a NaN's
 * DLV_ENAN).  Outputs are untouched on error.
 *
 * Range: the quadratic, logistic and tanh network are evaluated as written,
 * without scaling (as loss.h's): an intermediate beyond DBL_MAX makes an
 * output infinite or NaN with DLV_OK.  With |Theta_i|, |Im Theta_i| and
 * every problem entry at most 2^300 and sizes below 2^24, no intermediate
 * overflows (products below 2^900 summed fewer than 2^24 times).  The norm
 * alone is scaled (above). */
#ifndef DLV_CLOSS_H
#define DLV_CLOSS_H

#include <complex.h>
#include <stddef.h>

#include "loss.h"

/* A one-hidden-layer tanh network with squared loss: m samples x_i (rows
 * of the m x d row-major x), targets y_i, k hidden units (k <= MAXK).
 * Theta = (W1 as k x d row-major, b1 (k), w2 (k), b2), n = k (d + 2) + 1. */
#define DLV_TANHNET_MAXK 16
typedef struct {
  size_t m, d, k;
  const double *x; /* m x d, row-major */
  const double *y; /* m targets */
} dlv_tanhnet;

/* n = k (d + 2) + 1, or 0 when k or d is 0, k > MAXK, or n overflows. */
size_t dlv_tanhnet_size(const dlv_tanhnet *p);

int dlv_closs_quadratic_d(const dlv_quadratic *q, const double *theta,
                          double *value, double *grad);
int dlv_closs_quadratic_z(const dlv_quadratic *q,
                          const double complex *theta,
                          double complex *value, double complex *grad);
int dlv_closs_logistic_d(const dlv_logistic *p, const double *theta,
                         double *value, double *grad);
int dlv_closs_logistic_z(const dlv_logistic *p, const double complex *theta,
                         double complex *value, double complex *grad);
int dlv_closs_tanhnet_d(const dlv_tanhnet *p, const double *theta,
                        double *value, double *grad);
int dlv_closs_tanhnet_z(const dlv_tanhnet *p, const double complex *theta,
                        double complex *value, double complex *grad);
int dlv_closs_norm_d(size_t n, const double *theta, double *value,
                     double *grad);
int dlv_closs_norm_z(size_t n, const double complex *theta,
                     double complex *value, double complex *grad);

/* A loss as the HVP kernels see it: n parameters, the problem data, and a
 * real and a complex evaluation with the signature of the entry points
 * above (plus n).  eval_z must be analytic for the complex step to hold;
 * a user may plug in any pair (the checks plug in a non-analytic one). */
typedef int (*dlv_closs_d_fn)(const void *params, size_t n,
                              const double *theta, double *value,
                              double *grad);
typedef int (*dlv_closs_z_fn)(const void *params, size_t n,
                              const double complex *theta,
                              double complex *value, double complex *grad);
typedef struct {
  size_t n;
  const void *params;
  dlv_closs_d_fn eval_d;
  dlv_closs_z_fn eval_z;
} dlv_closs;

/* The built-in losses as dlv_closs (the problem must outlive the result). */
dlv_closs dlv_closs_of_quadratic(const dlv_quadratic *q);
dlv_closs dlv_closs_of_logistic(const dlv_logistic *p);
dlv_closs dlv_closs_of_tanhnet(const dlv_tanhnet *p);
dlv_closs dlv_closs_of_norm(size_t n);

#endif
