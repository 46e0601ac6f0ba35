/* lowp_p3_conv3d.h: P3 in low precision (issue 18), a test of the P3 check
 * (checks/lowp_p3_conv3d.c, linked into p3_conv3d). */
#ifndef DLV_LOWP_P3_CONV3D_H
#define DLV_LOWP_P3_CONV3D_H

void p3_lowp_adjoint(void **state);

#endif
