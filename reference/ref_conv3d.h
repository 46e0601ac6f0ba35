/* ref_conv3d.h: MPFR twins of include/dlv/conv3d.h (same names, same argument
 * order; data as double, which holds every float exactly).
 *
 * Same convention as the kernels: L1 (B, H+U-1, W+V-1, T+Z-1, C'),
 * F (U, V, Z, C', C), L2 (B, H, W, T, C), channels last, contiguous;
 * L2[b,x,y,t,c] = sum_{u,v,z,c'} F[u,v,z,c',c] L1[b,x+u,y+v,t+z,c'].
 * Every output element is the exact sum of its products (each exact at 106
 * bits) rounded once, by mpfr_sum, to the precision of that element.
 *
 * The shape is the kernels' own dlv_conv3d_shape (include/dlv/, the shared
 * vocabulary), so a reference call mirrors its kernel's arguments. */
#ifndef DLV_REF_CONV3D_H
#define DLV_REF_CONV3D_H

#include <stddef.h>

#include <mpfr.h>

#include "dlv_conv3d_shape.h"

/* l2 has B H W T C elements. */
int dlv_ref_conv3d_fwd(const dlv_conv3d_shape *s, const double *l1,
                       const double *f, mpfr_t *l2);
/* gf has U V Z C' C elements. */
int dlv_ref_conv3d_bwd_filter(const dlv_conv3d_shape *s,
                              const double *l1, const double *g2, mpfr_t *gf);
/* g1 has B (H+U-1) (W+V-1) (T+Z-1) C' elements. */
int dlv_ref_conv3d_bwd_input(const dlv_conv3d_shape *s, const double *f,
                             const double *g2, mpfr_t *g1);

#endif
