/* ref_closs_z.h: the complex value of each loss of include/dlv/closs.h at
 * a complex point, and its gradient, in MPFR: the analytic continuation
 * the _z entry points compute (complex-step path), Re and Im both.
 *
 * The functions are continued from the real axis as the kernels continue
 * them: softplus(u) = log(1 + e^u) on the strip |Im u| < pi (principal
 * log, which is analytic there: 1 + e^u is never on the closed negative
 * axis), tanh, and the principal square root (csqrt).  Closed forms in
 * real MPFR, branch-free in the value of the point (zeta = a + i b):
 *   Re softplus = max(a, 0) + 1/2 log1p(2 e^-|a| cos b + e^-2|a|),
 *   Im softplus = atan2(e^a sin b, 1 + e^a cos b)           (a <= 0),
 *               = b + atan2(-e^-a sin b, 1 + e^-a cos b)     (a > 0),
 * (the same function: both continuous on the strip, equal on the axis; the
 * second never overflows), sigmoid as 1 / (1 + e^-u) or e^u / (1 + e^u)
 * by the sign of Re u, tanh(a + i b) = (T (1 + tau^2) + i tau S) /
 * (1 + T^2 tau^2), T = tanh a, tau = tan b, S = sech^2 a (no 1 - T^2
 * cancellation), and sqrt by |s| and half-angle formulas.  Every operation
 * rounds once at the outputs' precision + 64 bits. */
#ifndef DLV_REF_CLOSS_Z_H
#define DLV_REF_CLOSS_Z_H

#include <mpfr.h>

#include "ref_hvp.h"

/* The loss at the point z_j = re[j] + i im[j] (exact doubles) and, when
 * grad_re and grad_im are not NULL, its gradient (n entries each, at
 * their own precisions), rounded to the precision of value_re and
 * value_im.  The gradient is the kernels' formula continued: A z + b,
 * (1/m) sum -y_i sigmoid(-y_i x_i' z) x_i, backpropagation with
 * 1 - tanh^2, z / sqrt(sum z_j^2).  Returns DLV_EINVAL for a bad problem
 * or one gradient pointer NULL, DLV_ENOMEM. */
int dlv_ref_closs_z(const dlv_ref_loss *loss, const double *re,
                    const double *im, mpfr_ptr value_re, mpfr_ptr value_im,
                    mpfr_t *grad_re, mpfr_t *grad_im);

#endif
