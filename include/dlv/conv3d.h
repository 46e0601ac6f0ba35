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
 *   FAST          AVX-512 register-blocked micro-kernels on the
 *                 channels-last layout, no lowering (kernels/
 *                 conv3d_avx512.c): the forward and, on G zero-padded, the
 *                 input gradient as MR positions x NV vectors of channels
 *                 per tile; the filter gradient as MR rows of F.grad x NV
 *                 vectors, reduced over positions in chunks of
 *                 DLV_CONV3D_FAST_NB.  Chosen at run time (dlv_conv3d_isa
 *                 below): on a CPU without AVX-512 (or forced generic, or
 *                 for the input gradient when the padded G would be too
 *                 large, see DLV_CONV3D_FAST_PAD_CAP) FAST computes as
 *                 IM2COL.  Its blocking constants are below and
 *                 dlv_conv3d_blocking.
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
 * variant gives DLV_EINVAL; an extent 0 or above INT_MAX / 2 (the input's
 * extents h + u - 1 .. stay in an int), an element count (of an operand or
 * of the lowered matrix B H W T x U V Z C', IM2COL's workspace, whatever
 * the variant) above INT_MAX (OpenBLAS's 32-bit dimensions) or a
 * workspace shorter than dlv_conv3d_work_size gives DLV_EBADLEN.  On error
 * nothing is written.  Inputs, outputs and workspace must not overlap. */
#ifndef DLV_CONV3D_H
#define DLV_CONV3D_H

#include <stddef.h>

#include "dlv_conv3d_shape.h"
#include "threads.h"

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

/* FAST's AVX-512 path uses up to dlv_get_threads() threads (threads.h);
 * its results do not depend on that number: every output element is summed
 * by one thread in an order fixed by the shape alone, ONE FMA chain on a
 * float or double accumulator started at +0 over its products: forward,
 * taps (u, v, z) in order, c' ascending within a tap; input gradient, the
 * taps reaching the element in the flipped filter's order (the last tap
 * first), c ascending within a tap; filter gradient, positions (b, x, y, t)
 * in order (chunks of DLV_CONV3D_FAST_NB positions continue the chain
 * through memory).  Its generic path runs as IM2COL, on OpenBLAS's
 * threads, in OpenBLAS's order (see Determinism above). */

/* FAST's code path, chosen at run time.  The AVX-512 micro-kernels are
 * compiled in every x86-64 build (their own source, their own target
 * flags: a portable build without -march=native has them too) and run
 * when the CPU has AVX512F, AVX512BW, AVX512VL and FMA:
 * dlv_conv3d_isa() is then DLV_CONV3D_ISA_AVX512, else
 * DLV_CONV3D_ISA_GENERIC (FAST computes as IM2COL, in portable C and
 * OpenBLAS).  The environment variable DLV_ISA=generic, read once at the
 * first query or call, starts every dispatching kernel (this one and
 * lowp.h's) on its portable path; DLV_ISA unset, empty or "native": the
 * CPU's best; any other value: the CPU's best, after one line on stderr
 * naming it (DLV_ISA is read only on a CPU with a path beyond the
 * portable one).  dlv_conv3d_set_isa forces a path (a request the CPU or
 * the build cannot serve gives GENERIC) and returns the path now in use.  Both paths
 * meet the same contract and error bound; they may round differently.
 * Not thread-safe: set the path before calling the kernels, and query
 * dlv_conv3d_work_size after setting it (the two paths need different
 * workspaces). */
enum { DLV_CONV3D_ISA_GENERIC = 0, DLV_CONV3D_ISA_AVX512 = 1 };
int dlv_conv3d_isa(void);
int dlv_conv3d_set_isa(int isa);
/* "generic", "avx512"; "unknown" for another value. */
const char *dlv_conv3d_isa_name(int isa);

/* FAST's blocking constants (AVX-512 path; conv3d_fast_tmpl.h uses these
 * very names).  A tile is MR rows x NV vectors of VW lanes (NR = NV VW output
 * channels): NV_WIDE vectors and MR_WIDE rows when the pass's output has
 * at least NV_WIDE VW channels (C, or C' for the input gradient), else
 * NV_NARROW and MR_NARROW.  Rows are output positions (forward, input
 * gradient: positions of one class of taps, the interior of each axis
 * being one class) or rows (z, c') of one (u, v) run of F.grad (filter
 * gradient, whose last Z C' mod MR rows are done one at a time). */
enum {
  DLV_CONV3D_FAST_LANES_D = 8,   /* VW, double */
  DLV_CONV3D_FAST_LANES_S = 16,  /* VW, float */
  DLV_CONV3D_FAST_NV_WIDE = 4,   /* vectors per tile, wide tiles */
  DLV_CONV3D_FAST_MR_WIDE = 6,   /* rows per tile, wide tiles */
  DLV_CONV3D_FAST_NV_NARROW = 2, /* vectors per tile, narrow tiles */
  DLV_CONV3D_FAST_MR_NARROW = 12, /* rows per tile, narrow tiles */
  DLV_CONV3D_FAST_NB = 128,      /* filter gradient: positions per chunk */
  DLV_CONV3D_FAST_TILE_RANGES = 16, /* forward, input gradient: tile
                                     * ranges per thread */
  DLV_CONV3D_FAST_BF_RANGES = 1, /* filter gradient: ranges per thread */
  DLV_CONV3D_FAST_PAD_RANGES = 4, /* input gradient: padding slab ranges
                                   * per thread */
  DLV_CONV3D_FAST_PAD_CAP = 2    /* input gradient: padded G used while at
                                  * most this times max(B H W T K, n_l1 +
                                  * n_f + n_l2) elements */
};

/* What an extent a blocking constant applies to (per pass):
 *   CHANNELS   the output's channels: C (forward, filter gradient) or C'
 *              (input gradient); tails modulo VW and NR;
 *   POSITIONS  forward: B H W T; input gradient: B (H-U+1)(W-V+1)(T-Z+1),
 *              the interior class (border classes have B times fewer);
 *              tails modulo MR;
 *   ROWS       filter gradient: Z C', one (u, v) run; tails modulo MR;
 *   CHUNK      filter gradient: B H W T, reduced in chunks of FAST_NB;
 *   THREADS    tile or slab counts split between threads (ranges). */
enum dlv_conv3d_dim {
  DLV_CONV3D_DIM_CHANNELS,
  DLV_CONV3D_DIM_POSITIONS,
  DLV_CONV3D_DIM_ROWS,
  DLV_CONV3D_DIM_CHUNK,
  DLV_CONV3D_DIM_THREADS
};

#define DLV_CONV3D_MAX_BLOCKS 12
typedef struct {
  const char *name; /* "lanes", "nr_wide", "mr_narrow", "nb", ... */
  int dim;          /* enum dlv_conv3d_dim */
  size_t value;
} dlv_conv3d_block;

typedef struct {
  int simd; /* 1 when FAST runs its AVX-512 path now (dlv_conv3d_isa) */
  int n;    /* blocks in use */
  dlv_conv3d_block b[DLV_CONV3D_MAX_BLOCKS];
} dlv_conv3d_blocks;

/* The blocking constants of `variant` for `pass` and data type (is_float
 * 1: float), per dimension: n = 0 for DIRECT, PER_POSITION and IM2COL
 * (OpenBLAS's own blocking is not ours).  FAST's are listed on either
 * code path (simd = 0: the generic path, FAST then computes as IM2COL), so
 * that tests sample the same shapes on both.
 * DLV_EINVAL for a bad variant or pass or out == NULL. */
int dlv_conv3d_blocking(int variant, int pass, int is_float,
                        dlv_conv3d_blocks *out);
/* The value of the block named `name` in bl, 0 when absent. */
size_t dlv_conv3d_block_value(const dlv_conv3d_blocks *bl, const char *name);
/* FAST's tile for a pass whose output has oc channels: *nr channels
 * (NV VW) and *mr rows, as the kernel picks them. */
void dlv_conv3d_fast_tile(size_t oc, int is_float, size_t *nr, size_t *mr);

const char *dlv_conv3d_variant_name(int variant);
const char *dlv_conv3d_pass_name(int pass);

/* Element counts of L1, F and L2 (any pointer may be NULL); DLV_EBADLEN for
 * an extent 0 or above INT_MAX / 2 or a count (of L1, F, L2 or the lowered
 * matrix, B H W T x U V Z C') above INT_MAX, DLV_EINVAL for s == NULL. */
int dlv_conv3d_sizes(const dlv_conv3d_shape *s, size_t *n_l1, size_t *n_f,
                     size_t *n_l2);

/* Workspace a call needs, in elements of its data type, the same for the
 * three passes (a call of any pass may be given the largest):
 *   DIRECT        0;
 *   PER_POSITION  B K (K = U V Z C', one slice of the lowered matrix);
 *   IM2COL        B H W T K (the lowered matrix);
 *   FAST          AVX-512 path: the largest of the forward's filter panels
 *                 P(K, C) and the input gradient's need: the padded G,
 *                 B (H+2(U-1)) (W+2(V-1)) (T+2(Z-1)) C, plus the flipped
 *                 filter's panels P(U V Z C, C'), when that G is at most
 *                 DLV_CONV3D_FAST_PAD_CAP times the larger of B H W T K
 *                 and the operands' total, else B H W T K (IM2COL's path).
 *                 P(k, oc) = ceil(oc / NR) NR k with NR the tile width of
 *                 oc channels (dlv_conv3d_blocking), the larger over the
 *                 two data types.  Generic path: as IM2COL.  The size
 *                 is that of the path in use when asked (dlv_conv3d_isa).
 * On the AVX-512 path FAST's filter gradient uses no workspace (it
 * accepts one). */
int dlv_conv3d_work_size(const dlv_conv3d_shape *s, int variant, int pass,
                         size_t *n);

/* The three passes in double (above).  FAST's AVX-512 path uses up to
 * dlv_get_threads() threads; its results do not depend on the count. */
int dlv_conv3d_fwd_d(const dlv_conv3d_shape *s, int variant,
                     const double *l1, const double *f, double *l2,
                     double *work, size_t work_len);
int dlv_conv3d_bwd_filter_d(const dlv_conv3d_shape *s, int variant,
                            const double *l1, const double *g2, double *gf,
                            double *work, size_t work_len);
int dlv_conv3d_bwd_input_d(const dlv_conv3d_shape *s, int variant,
                           const double *f, const double *g2, double *g1,
                           double *work, size_t work_len);

/* The three passes in float, as in double: FAST's AVX-512 path uses up to
 * dlv_get_threads() threads; its results do not depend on the count. */
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
