/* hvp.h: Hessian-vector products of a dlv_closs loss and the exact line
 * search step of a quadratic (claim P5).
 *
 * Step convention shared by both HVP kernels: with a relative step h in
 * (0, 1], the absolute step is the power of two
 *     t = 2^(ilogb(h) + ilogb(s) - ilogb(||v||)),  s = ||Theta|| (1 at 0),
 * within a factor 4 of h s / ||v||, so the perturbation t v has norm about
 * h ||Theta|| and dividing by t is exact.  dlv_hvp_step_d returns it.
 *
 *   dlv_hvp_cstep_d    Hv = Im grad l(Theta + i t v) / t   (complex step: no
 *                    subtraction, so h may go down to 1e-150 and below until
 *                    the imaginary parts become subnormal; eval_z must be
 *                    analytic);
 *   dlv_hvp_central_d  Hv = (grad l(Theta + t v) - grad l(Theta - t v)) / 2t
 *                    (for contrast: truncation O(t^2) against rounding
 *                    O(u / t), the V-shaped error curve).
 *
 * Both return DLV_EINVAL (NULL pointer or callback, h not in (0, 1]),
 * DLV_EBADLEN (n = 0), DLV_ENAN (NaN in theta, v or the result), DLV_EDOM
 * (t outside the exponent range of double), DLV_ENOMEM, or the loss's own
 * status; hv is untouched on error.  v = 0 gives hv = 0 once the arguments
 * and the NaN scan have passed (a NaN in theta with v = 0 is DLV_ENAN).
 * The central difference evaluates the gradient only at Theta +- t v, so where the
 * Hessian does not exist at Theta itself but the gradient does at both
 * points (the norm at Theta = 0) it returns DLV_OK and the difference
 * quotient; the complex step returns the loss's status there.  Work arrays are
 * allocated per call. */
#ifndef DLV_HVP_H
#define DLV_HVP_H

#include <float.h>
#include <stddef.h>

#include "closs.h"

/* The documented limits (contract.c reads them): h in (0, DLV_HVP_H_MAX];
 * the step t is a power of two in [DLV_HVP_T_MIN, DLV_HVP_T_MAX] (the
 * exponent range of double, subnormals included), DLV_EDOM outside. */
#define DLV_HVP_H_MAX 1.0
#define DLV_HVP_T_MIN DBL_TRUE_MIN
#define DLV_HVP_T_MAX 0x1p1023

int dlv_hvp_step_d(size_t n, const double *theta, const double *v, double h,
                 double *t);
int dlv_hvp_cstep_d(const dlv_closs *loss, const double *theta, const double *v,
                  double h, double *hv);
int dlv_hvp_central_d(const dlv_closs *loss, const double *theta,
                    const double *v, double h, double *hv);

/* The exact line search step of a quadratic along -g,
 *     lambda = ||g||^2 / (g . Hg),
 * the minimizer of l(Theta - lambda g) = l - lambda ||g||^2
 * + lambda^2 (g . Hg) / 2.  hg_err >= 0 bounds the 2-norm of the error of
 * hg (0 when hg is exact).  The step exists only when g . Hg > 0; it is
 * trusted only when the computed g . Hg exceeds its own error bound
 *     E = gamma_n sum |g_i hg_i| + ||g|| hg_err (1 + gamma_n)
 *         + n 2^-1072 / (s_g s_h)
 * (dot-product rounding, Higham (3.5); the error of hg by Cauchy-Schwarz;
 * products that underflow once g and hg are scaled by the powers of two
 * s_g, s_h that bring their largest entries near 1).  E is evaluated in
 * double times 1 + 2 gamma_{n+6}, which covers the n + 6 roundings of its
 * own evaluation, so: DLV_EDOM when the computed g . Hg <= E, a step when
 * it exceeds E (1 + 4 gamma_{n+6}), either in between (below E the sign
 * of g . Hg is unknown: e.g. l = ||Theta||, where g . Hg = 0 exactly and
 * the computed value is rounding noise).  Also DLV_EDOM when lambda would overflow, so
 * the result is never negative, infinite or NaN.  DLV_EINVAL for NULL or a
 * negative or NaN hg_err, DLV_EBADLEN for n = 0, DLV_ENAN for a NaN in g or
 * hg.  *lambda is untouched on error. */
int dlv_linesearch_step_d(size_t n, const double *g, const double *hg,
                        double hg_err, double *lambda);

#endif
