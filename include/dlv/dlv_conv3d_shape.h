/* dlv_conv3d_shape.h: the extents of a 3D convolution (the layout
 * convention is in kernels/conv3d.h).  Shared vocabulary (include/): the
 * kernels and the backend interface (dlv_backend.h) use the same type. */
#ifndef DLV_CONV3D_SHAPE_H
#define DLV_CONV3D_SHAPE_H

#include <stddef.h>

/* Extents: batch, output extents, output channels, input channels C', and
 * filter extents.  The input's extents are h+u-1, w+v-1, t+z-1. */
typedef struct {
  size_t b, h, w, t, c, cp, u, v, z;
} dlv_conv3d_shape;

#endif
