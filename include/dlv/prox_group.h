/* prox_group.h: the group-lasso proximal operator (block soft-thresholding),
 * a proximal-gradient solver for l(theta) + lambda ||theta||, and the
 * gradient of the L2-regularized objective (claims P4b and P4c).
 *
 * prox_{tau ||.||}(v) = argmin_x tau ||x|| + ||x - v||^2 / 2
 *                     = max(0, 1 - tau/||v||) v,
 * exactly +0 in every entry when ||v|| <= tau (the sign of v_i is not
 * carried onto the zero).  ||v|| comes from dlv_nrm2_d / dlv_nrm2_s
 * (nrm2.h: its blocking and limits are this kernel's), and the nonzero
 * branch computes s = (||v|| - tau)/||v||, out_i = s v_i (float: s
 * and the product in double, one rounding to float).  Error bound
 * (checks/bounds.h, dlv_bound_prox_group): |out_i - exact_i| <= about
 * (n/2 + 1) u |v_i| + 3 u |exact_i| (the prox is 1-Lipschitz; near the
 * threshold the relative error of the output is unbounded, the absolute
 * error is not).
 *
 * Conventions: strides as in BLAS (stride.h: v points at the lowest
 * address; element i is v[(n - 1 - i) |incv|] when incv < 0; incv != 0);
 * out may alias v with the same stride; on any error nothing is written.
 * Status: DLV_EINVAL for NULL pointers, zero strides, or tau negative or
 * not finite; DLV_EBADLEN when a span (n - 1) |inc| exceeds ptrdiff_t;
 * DLV_ENAN for a NaN in v; DLV_EDOM when v holds an infinity or ||v||
 * overflows the format (the prox is then v minus a finite shift of an
 * infinite vector, which this kernel does not represent).  With several
 * errors at once, the first in this order: v's pointer and stride, v's
 * span, out's, then tau, then the values (stride.h: spans first). */
#ifndef DLV_PROX_GROUP_H
#define DLV_PROX_GROUP_H

#include <stddef.h>

/* The prox of tau ||.|| at v (above); out may alias v with the same
 * stride (in place). */
int dlv_prox_group_d(size_t n, const double *v, ptrdiff_t incv, double tau,
                     double *out, ptrdiff_t incout);
int dlv_prox_group_s(size_t n, const float *v, ptrdiff_t incv, float tau,
                     float *out, ptrdiff_t incout);

/* A smooth loss: writes l(theta) to *value and grad l(theta) to grad (each
 * only when not NULL) and returns a dlv_status code. */
typedef int (*dlv_loss_fn_d)(const double *theta, double *value,
                             double *grad, void *ctx);

typedef struct {
  double step;     /* t, with 0 < t <= 1/L, L a Lipschitz constant of
                      grad l (the descent lemma then holds) */
  double tol;      /* stopping tolerance, relative (see below) */
  size_t max_iter; /* at least 1 */
} dlv_pg_opts;

typedef struct {
  size_t iters;  /* proximal-gradient steps taken */
  double gmap;   /* ||G_t(theta_k)|| at the last step */
  double scale;  /* ||grad l(theta_k)|| + lambda at the last step */
  int converged; /* 1 when the stopping rule fired */
} dlv_pg_info;

/* Proximal gradient (ISTA) for F(theta) = l(theta) + lambda ||theta||:
 *   theta_{k+1} = prox_{t lambda ||.||}(theta_k - t grad l(theta_k)).
 * Stopping rule: stop after the step k at which the gradient mapping
 *   G_t(theta_k) = (theta_k - theta_{k+1}) / t
 * satisfies ||G_t(theta_k)|| <= tol (||grad l(theta_k)|| + lambda), or after
 * max_iter steps (converged = 0).  G_t = 0 exactly at the fixed points of
 * the iteration, which for convex l are the minimizers of F; in exact
 * arithmetic theta_{k+1} satisfies ||grad l(theta_{k+1}) + lambda s|| <=
 * (1 + t L) ||G_t(theta_k)|| for some s in the subdifferential of ||.|| at
 * theta_{k+1}.  When ||theta_k - t grad l(theta_k)|| <= t lambda the step
 * returns exactly 0 (so for convex l with ||grad l(0)|| < lambda the
 * iterates reach the exact minimizer 0 in finitely many steps).
 * theta holds the start on entry and theta_{k+1} of the last step on
 * return (written only on success); work holds 3 n doubles.  Errors:
 * DLV_EINVAL (NULL, lambda < 0 or not finite, step <= 0 or not finite, tol
 * < 0, max_iter = 0), DLV_EBADLEN (n = 0), any status the loss returns,
 * or the prox's status when an iterate leaves the finite numbers. */
int dlv_prox_grad_d(size_t n, dlv_loss_fn_d loss, void *ctx, double lambda,
                    const dlv_pg_opts *opts, double *theta, double *work,
                    dlv_pg_info *info);

/* out_i = grad_i + c theta_i: the gradient of l + (c/2) ||theta||^2 given
 * grad = grad l(theta).  For the L2 problem l + (lambda'/2) ||theta||^2 pass
 * c = lambda'; for l + lambda'' ||theta||^2 pass c = 2 lambda''.  Each
 * entry is rounded once (fma), so it is finite whenever the exact value
 * is, even when c theta_i alone overflows.  out may alias grad.  DLV_EINVAL for NULL or a non-finite c, DLV_EBADLEN for
 * n = 0. */
int dlv_l2reg_grad_d(size_t n, const double *grad, const double *theta,
                     double c, double *out);

#endif
