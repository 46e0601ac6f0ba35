/* conv3d.h: the 3D convolution of claim P3, its gradients, four variants.
 *
 * Convention (CLAIMS.md, P3; the exam's text is inconsistent, this is the
 * corrected form), channels last, row-major, contiguous:
 *   L1 (B, H+U-1, W+V-1, T+Z-1, C')   input
 *   F  (U, V, Z, C', C)                filter
 *   L2 (B, H, W, T, C)                 output
 *   L2[b,x,y,t,c] = sum_{u,v,z,c'} F[u,v,z,c',c] L1[b,x+u,y+v,t+z,c'].
 * Backward, for G = L2.grad:
 *   F.grad[u,v,z,c',c]         = sum_{b,x,y,t} G[b,x,y,t,c] L1[b,x+u,y+v,t+z,c']
 *   L1.grad[b,x+u,y+v,t+z,c'] += G[b,x,y,t,c] F[u,v,z,c',c]  (over all indices).
 * Every output is overwritten (=, not accumulated into).
 *
 * Variants (same results up to rounding; error bounds in checks/bounds.h,
 * P3 section):
 *   DIRECT        the += loops as printed, indices corrected;
 *   PER_POSITION  the exam's numpy algorithm: one GEMM per output position
 *                 (x, y, t) on the (B, U V Z C') slice of L1;
 *   IM2COL        lowering of L1 to an (B H W T, U V Z C') matrix and one
 *                 GEMM per pass (col2im scatter for the input gradient);
 *   FAST          the fastest variant available; for now IM2COL.
 * The float versions compute in float (float accumulators, SGEMM).
 *
 * Determinism: a call gives bitwise the same result when repeated at a
 * fixed OpenBLAS thread count.  DIRECT uses no BLAS and does not depend on
 * it; the GEMM variants may round differently under another thread count
 * (OpenBLAS 0.3.21 measured: up to a few percent of the elements of the
 * filter and input gradients differ between 1 and 2 threads), always
 * within the error bound.
 *
 * Arguments are checked once at the entry: a NULL pointer or an unknown
 * variant gives DLV_EINVAL; an extent 0, an element count (of an operand or
 * of the workspace) above INT_MAX (OpenBLAS's 32-bit dimensions) or a
 * workspace shorter than dlv_conv3d_work_size gives DLV_EBADLEN.  On error
 * nothing is written.  Inputs, outputs and workspace must not overlap. */
#ifndef DLV_CONV3D_H
#define DLV_CONV3D_H

#include <stddef.h>

#include "threads.h"

/* Extents: batch, output extents, output channels, input channels C', and
 * filter extents.  The input's extents are h+u-1, w+v-1, t+z-1. */
typedef struct {
  size_t b, h, w, t, c, cp, u, v, z;
} dlv_conv3d_shape;

enum dlv_conv3d_variant {
  DLV_CONV3D_DIRECT,
  DLV_CONV3D_PER_POSITION,
  DLV_CONV3D_IM2COL,
  DLV_CONV3D_FAST,
  DLV_CONV3D_NVARIANTS
};

enum dlv_conv3d_pass {
  DLV_CONV3D_FWD,        /* L2 from L1, F */
  DLV_CONV3D_BWD_FILTER, /* F.grad from L1, G */
  DLV_CONV3D_BWD_INPUT,  /* L1.grad from F, G */
  DLV_CONV3D_NPASSES
};

/* FAST uses up to dlv_get_threads() threads (threads.h); its results do
 * not depend on that number: every output element is summed by one thread
 * in an order fixed by the shape alone. */

const char *dlv_conv3d_variant_name(int variant);
const char *dlv_conv3d_pass_name(int pass);

/* Element counts of L1, F and L2 (any pointer may be NULL); DLV_EBADLEN for
 * an extent 0 or a count above INT_MAX, DLV_EINVAL for s == NULL. */
int dlv_conv3d_sizes(const dlv_conv3d_shape *s, size_t *n_l1, size_t *n_f,
                     size_t *n_l2);

/* Workspace a call needs, in elements of its data type (0 for DIRECT;
 * B U V Z C' for PER_POSITION; B H W T U V Z C' for IM2COL and FAST). */
int dlv_conv3d_work_size(const dlv_conv3d_shape *s, int variant, int pass,
                         size_t *n);

int dlv_conv3d_fwd_d(const dlv_conv3d_shape *s, int variant,
                     const double *l1, const double *f, double *l2,
                     double *work, size_t work_len);
int dlv_conv3d_bwd_filter_d(const dlv_conv3d_shape *s, int variant,
                            const double *l1, const double *g2, double *gf,
                            double *work, size_t work_len);
int dlv_conv3d_bwd_input_d(const dlv_conv3d_shape *s, int variant,
                           const double *f, const double *g2, double *g1,
                           double *work, size_t work_len);

int dlv_conv3d_fwd_s(const dlv_conv3d_shape *s, int variant,
                     const float *l1, const float *f, float *l2,
                     float *work, size_t work_len);
int dlv_conv3d_bwd_filter_s(const dlv_conv3d_shape *s, int variant,
                            const float *l1, const float *g2, float *gf,
                            float *work, size_t work_len);
int dlv_conv3d_bwd_input_s(const dlv_conv3d_shape *s, int variant,
                           const float *f, const float *g2, float *g1,
                           float *work, size_t work_len);

#endif
