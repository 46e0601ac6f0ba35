/* hvp.h: Hessian-vector products of a dlv_closs loss and the exact line
 * search step of a quadratic (claim P5).
 *
 * Step convention shared by both HVP kernels: with a relative step h in
 * (0, 1], the absolute step is the power of two
 *     t = 2^(ilogb(h) + ilogb(s) - ilogb(||v||)),  s = ||Theta|| (1 at 0),
 * within a factor 4 of h s / ||v||, so the perturbation t v has norm about
 * h ||Theta|| and dividing by t is exact.  dlv_hvp_step returns it.
 *
 *   dlv_hvp_cstep    Hv = Im grad l(Theta + i t v) / t   (complex step: no
 *                    subtraction, so h may go down to 1e-150 and below until
 *                    the imaginary parts become subnormal; eval_z must be
 *                    analytic);
 *   dlv_hvp_central  Hv = (grad l(Theta + t v) - grad l(Theta - t v)) / 2t
 *                    (for contrast: truncation O(t^2) against rounding
 *                    O(u / t), the V-shaped error curve).
 *
 * Both return DLV_EINVAL (NULL pointer or callback, h not in (0, 1]),
 * DLV_EBADLEN (n = 0), DLV_ENAN (NaN in theta, v or the result), DLV_EDOM
 * (t outside the exponent range of double), DLV_ENOMEM, or the loss's own
 * status; hv is untouched on error.  v = 0 gives hv = 0.  Work arrays are
 * allocated per call. */
#ifndef DLV_HVP_H
#define DLV_HVP_H

#include <stddef.h>

#include "closs.h"

int dlv_hvp_step(size_t n, const double *theta, const double *v, double h,
                 double *t);
int dlv_hvp_cstep(const dlv_closs *loss, const double *theta, const double *v,
                  double h, double *hv);
int dlv_hvp_central(const dlv_closs *loss, const double *theta,
                    const double *v, double h, double *hv);

/* The exact line search step of a quadratic along -g,
 *     lambda = ||g||^2 / (g . Hg),
 * the minimizer of l(Theta - lambda g) = l - lambda ||g||^2
 * + lambda^2 (g . Hg) / 2.  hg_err >= 0 bounds the 2-norm of the error of
 * hg (0 when hg is exact).  The step exists only when g . Hg > 0; it is
 * trusted only when the computed g . Hg exceeds its own error bound
 *     gamma_n sum |g_i hg_i| + ||g|| hg_err (1 + gamma_n)
 * (dot-product rounding, Higham (3.5), plus the error of hg by
 * Cauchy-Schwarz), otherwise its sign is unknown and the status is
 * DLV_EDOM: e.g. l = ||Theta||, where g . Hg = 0 exactly and the computed
 * value is rounding noise.  Also DLV_EDOM when lambda would overflow, so
 * the result is never negative, infinite or NaN.  DLV_EINVAL for NULL or a
 * negative or NaN hg_err, DLV_EBADLEN for n = 0, DLV_ENAN for a NaN in g or
 * hg.  *lambda is untouched on error. */
int dlv_linesearch_step(size_t n, const double *g, const double *hg,
                        double hg_err, double *lambda);

#endif
