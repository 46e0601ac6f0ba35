/* low_precision.h: P3 in low precision (issue 18), a test of the P3 check
 * (checks/claims/p3_conv3d/low_precision.c, part of the P3 check). */
#ifndef DLV_LOWP_P3_CONV3D_H
#define DLV_LOWP_P3_CONV3D_H

void p3_lowp_adjoint(void **state);

#endif
