/* conv3d_shapes.h: the bench's conv3d shapes S1-S3 (issue 10; channels
 * last, output extents the input's minus 2), shared by bench/bench_conv.c
 * (timing) and the gate's long mode (checks/gate/g_conv3d.c: every element
 * of every pass verified against the certified reference):
 *   S1 B 8, input 16x16x8,  C' = C = 32;  S2 B 4, input 32x32x16, 64 -> 64;
 *   S3 B 1, input 56x56x16, C' 64 -> C 128;  filter 3x3x3. */
#ifndef DLV_CONV3D_SHAPES_H
#define DLV_CONV3D_SHAPES_H

#include "conv3d.h"

#define DLV_CONV3D_NBENCH_SHAPES 3

struct dlv_conv3d_bench_shape {
  const char *name;
  dlv_conv3d_shape s;
};

static const struct dlv_conv3d_bench_shape
    dlv_conv3d_bench_shapes[DLV_CONV3D_NBENCH_SHAPES] = {
        {"S1 8x16x16x8 32->32", {8, 14, 14, 6, 32, 32, 3, 3, 3}},
        {"S2 4x32x32x16 64->64", {4, 30, 30, 14, 64, 64, 3, 3, 3}},
        {"S3 1x56x56x16 64->128", {1, 54, 54, 14, 128, 64, 3, 3, 3}},
};

#endif
