/* cert_conv3d.h: a certified fast reference of the 3D convolution and its
 * gradients (the passes of ref_conv3d.h, same shape and layout), for shapes
 * MPFR cannot afford element by element (the bench's S1-S3).
 *
 * Every output element is a dot product of K terms a_i b_i, computed in
 * double (data as double) by one of three methods (cert_conv3d.c derives
 * each certificate):
 *  - EXACT when every input is a float: a float product is exact in
 *    double, so the products are summed by fma in double; err =
 *    gamma_(K-1) S' (u = 2^-53), about 2^-29 of a float kernel's
 *    gamma_K S bound;
 *  - SPLIT for double data: a first pass gives S', then a sum h kept in
 *    one binade (from 1.5 Sigma, Sigma the power of two above 4 S') whose
 *    rounding errors fma recovers exactly and sums in lo; err = u |val| /
 *    (1 - u) + E_split, E_split about 4 K^2 u^2 S;
 *  - DOT2 (Ogita, Rump and Oishi, SIAM J. Sci. Comput. 26(6), 2005, Alg.
 *    5.3: TwoProduct by fma, TwoSum) where SPLIT's Sigma would overflow
 *    (S' > 2^1017); err = u |val| / (1 - u) + about 2 K^2 u^2 S.
 *
 * With each element come two certified numbers, computed from that
 * element's own val and sum |a_i| |b_i| (derivation in cert_conv3d.c):
 * err, with |val - exact| <= err, and abs_sum, with sum |a_i b_i| <=
 * abs_sum (the S of P3's bound gamma_K S).  Both hold
 * whatever the data, including underflow; an overflow anywhere (only
 * possible with |data| near DBL_MAX) makes err or abs_sum +Inf or NaN,
 * which a caller must read as "no certificate".
 *
 * The shape is the kernels' own dlv_conv3d_shape (through ref_conv3d.h). */
#ifndef DLV_CERT_CONV3D_H
#define DLV_CERT_CONV3D_H

#include <stddef.h>

#include "ref_conv3d.h"

/* One pass's results: arrays of the output's element count. */
typedef struct {
  double *val;     /* the computed sum */
  double *err;     /* |val - exact| <= err */
  double *abs_sum; /* sum |a_i b_i| <= abs_sum */
} dlv_cert_out;

/* Scratch memory a caller may keep between calls (the channel operand's
 * panels, the filter gradient's chunk and sums, the transposed filter),
 * so that repeated calls neither allocate nor touch fresh pages: start
 * it zeroed (dlv_cert_work w = {0}), pass it to any number of calls, of
 * any pass and shape, one call at a time (it grows to the largest need;
 * its contents are rewritten by every call), release it with
 * dlv_cert_work_free.  Results do not depend on it. */
typedef struct {
  void *base;
  size_t bytes;
} dlv_cert_work;

void dlv_cert_work_free(dlv_cert_work *w);

/* L2 (B H W T C elements) from L1 and F.  DLV_EINVAL on NULL,
 * DLV_EBADLEN on an extent 0, DLV_ENOMEM.  The _w forms take a
 * workspace (NULL: one allocated and released inside the call). */
int dlv_cert_conv3d_fwd(const dlv_conv3d_shape *s, const double *l1,
                        const double *f, const dlv_cert_out *out);
int dlv_cert_conv3d_fwd_w(const dlv_conv3d_shape *s, const double *l1,
                          const double *f, const dlv_cert_out *out,
                          dlv_cert_work *work);
/* F.grad (U V Z C' C elements) from L1 and G. */
int dlv_cert_conv3d_bwd_filter(const dlv_conv3d_shape *s,
                               const double *l1, const double *g2,
                               const dlv_cert_out *out);
int dlv_cert_conv3d_bwd_filter_w(const dlv_conv3d_shape *s,
                                 const double *l1, const double *g2,
                                 const dlv_cert_out *out,
                                 dlv_cert_work *work);
/* L1.grad (B (H+U-1) (W+V-1) (T+Z-1) C' elements) from F and G. */
int dlv_cert_conv3d_bwd_input(const dlv_conv3d_shape *s, const double *f,
                              const double *g2, const dlv_cert_out *out);
int dlv_cert_conv3d_bwd_input_w(const dlv_conv3d_shape *s, const double *f,
                                const double *g2, const dlv_cert_out *out,
                                dlv_cert_work *work);

#endif
