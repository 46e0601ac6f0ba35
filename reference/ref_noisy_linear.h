/* ref_noisy_linear.h: MPFR twins of include/dlv/noisy_linear.h (same names and
 * argument order; inputs as double, which holds every float exactly), and
 * the closed form of the expected ReLU output under Gaussian noise.
 *
 * Each z_i is formed from exact terms summed by mpfr_sum and rounded once
 * to the precision of z[i]; the noisy layer's term (w_ij + e_ij) x_j is
 * exact (dlv_ref_noisy_term: w + e never rounded), so that an infinite x_j
 * gives +-Inf, not the NaN of w x + e x.  NULL e or
 * mask means no noise / keep everything: dlv_ref_linear is W x.  Argument
 * errors as the double kernels': DLV_EBADLEN when m n overflows, then
 * DLV_EINVAL for a NULL w, x or z. */
#ifndef DLV_REF_NOISY_LINEAR_H
#define DLV_REF_NOISY_LINEAR_H

#include <stddef.h>

#include <mpfr.h>

/* t = (w + e) x exactly; t's precision is set to what that takes (at most
 * 1024 + 1074 + 107 bits). */
void dlv_ref_noisy_term(mpfr_ptr t, double w, double e, double x);

/* z[i] = sum_j (W_ij + E_ij) x_j, i < m (W, E m x n row-major). */
int dlv_ref_noisy_linear(size_t m, size_t n, const double *w,
                         const double *e, const double *x, mpfr_t *z);
/* z[i] = sum_j W_ij x_j. */
int dlv_ref_linear(size_t m, size_t n, const double *w, const double *x,
                   mpfr_t *z);
/* z[i] = sum_j [mask_j != 0] W_ij x_j. */
int dlv_ref_dropout_linear(size_t m, size_t n, const double *w,
                           const unsigned char *mask, const double *x,
                           mpfr_t *z);

/* out = E[ReLU(a + s Z)], Z ~ N(0, 1), s >= 0:
 *   a Phi(a/s) + s phi(a/s),  Phi(t) = erfc(-t/sqrt 2)/2,
 *   phi(t) = exp(-t^2/2)/sqrt(2 pi);  max(a, 0) when s = 0.
 * Intermediates carry 64 guard bits over out's precision.  DLV_EDOM when
 * s < 0, DLV_ENAN for a NaN argument. */
int dlv_ref_relu_gauss_mean(mpfr_ptr out, mpfr_srcptr a, mpfr_srcptr s);

#endif
