/* conv3d_lowp.h: the 3D convolution of claim P3 and its two gradients with
 * bf16 or fp16 operands and float accumulation (issue 18).
 *
 * Layout, shape and index convention: conv3d.h (dlv_conv3d_shape; L1, F,
 * G = L2.grad channels last, row-major, contiguous).  Operands are bf16 or
 * fp16 (lowp.h); EVERY OUTPUT IS STORED IN FLOAT: it is the float
 * accumulator itself, with no final rounding to the input format (the
 * caller rounds it with dlv_bf16_from_float when it wants bf16).
 * Outputs are overwritten.
 *
 * bf16 (kernels/conv3d_lowp.c).  Each output element is ONE chain of
 * vdpbf16ps steps on a float accumulator started at +0, in an order fixed
 * by the shape alone, two products per step (the model of lowp.h: the odd
 * element of a pair first, each FMA rounded once to nearest even, products
 * exact; subnormal bf16 inputs read as 0 and subnormal partial sums
 * flushed to 0, whatever MXCSR says):
 *   forward         pairs (c'even, c'odd) of input channels, for each tap
 *                   (u, v, z) in order: U V Z ceil(C'/2) steps;
 *   input gradient  the forward of G zero-padded by (U-1, V-1, Z-1) on
 *                   each side with the flipped filter: pairs of output
 *                   channels c for each tap: U V Z ceil(C/2) steps, those
 *                   of the taps that miss the element adding exact zeros
 *                   (those steps are skipped: a register tile holds
 *                   positions of one live class, those whose x, y and t
 *                   coordinates give the same live taps, and runs only
 *                   these; skipped steps would only add zeros, so at
 *                   most the sign of a zero result differs from the full
 *                   chain; both paths skip alike);
 *   filter gradient pairs (t even, t odd) of output times, for each
 *                   (b, x, y) in order: B H W ceil(T/2) steps.
 * An odd count pairs the last element with a zero (the filter gradient at
 * an odd T: a zero G time, times L1 at that time, zero past T1, so the
 * product's zero takes that L1 value's sign).  The AVX512-BF16 path
 * (vdpbf16ps, register tiles of MR positions or rows x NV vectors of 16
 * channels) is chosen at run time (dlv_lowp_isa); the portable path runs
 * dlv_bf16_dot2_model in the same order: the two give the same bits.
 *
 * fp16.  This CPU has no AVX512_FP16: the operands are converted exactly
 * to float (vcvtph2ps, F16C) and the float FAST convolution of conv3d.h
 * (dlv_conv3d_*_s, float FMAs) computes the result; products of fp16
 * values are exact in float, subnormal fp16 inputs are exact normal floats.
 * Its order is FAST's (conv3d.h), its error bound P3's float bound.
 *
 * Threads: up to dlv_get_threads() (threads.h); results do not depend on
 * the count (each element's sum runs in a fixed order: one thread sums
 * it, or in the filter gradient its chunks of NB lines may run on several
 * threads, one after the other).
 *
 * Statuses (dlv_status.h), nothing written on error: DLV_EINVAL for a NULL
 * pointer; DLV_EBADLEN for a shape dlv_conv3d_sizes refuses (an extent 0
 * or above INT_MAX / 2, a count above INT_MAX); DLV_ENAN when an operand
 * holds a NaN, else DLV_EDOM when one holds an Inf (finite operands
 * only: an Inf times a zero of the padding would invent NaNs); DLV_ENOMEM
 * when the packed operands cannot be allocated (a NaN or an Inf is still
 * reported as such).  The packing buffers (bf16: packed operands; fp16:
 * the converted operands and FAST's workspace) are kept for the next
 * call, one per role, the largest recently needed (fresh memory
 * page-faults on first touch, which cost more than a pass on a VM); they
 * stay allocated until the process ends.  The bf16 input gradient's plan
 * (its rows by live class, as tiles and row tables: a function of the
 * shape alone) is kept with the shape it was made for and made again
 * only when a call has another shape; concurrent calls never share one.
 * On T >= 2 threads the bf16
 * filter gradient packs its operands once per thread when the T copies
 * take at most 64 MiB (S1: 2.6 MB a copy, S3: 23 MB) and can be
 * allocated, else once.  Finite operands may still overflow float: the
 * element is then +-Inf (or NaN when both signs overflow).
 * Bounds: checks/bounds/low_precision.h (dlv_bound_conv3d_bf16,
 * dlv_bound_conv3d_fp16). */
#ifndef DLV_CONV3D_LOWP_H
#define DLV_CONV3D_LOWP_H

#include <stddef.h>

#include "dlv_conv3d_shape.h"
#include "lowp.h"

/* Blocking of the bf16 path (conv3d_lowp.c uses these very names):
 * a tile is MR rows (output positions; filter gradient: rows (u,v,z,c'))
 * x NV vectors of LANES float channels (a short tile, fewer rows: the
 * last one, and the input gradient's last of each live class); WIDE tiles
 * when the output has at least NV_WIDE LANES channels, else NARROW; PAIR
 * products per step; the
 * filter gradient's reduction runs in chunks of NB (b, x, y) lines, each
 * chunk's packed G kept in cache while every row tile goes through it.
 * The input gradient's rows go by live class within blocks of batches,
 * as few batches as hold CLASS_ROWS rows (positions of L1), all of them
 * at most: a block's classes then read only its part of G, which stays
 * in cache, and still hold rows enough for whole tiles (same-process
 * A/B: S2, 16384 rows and 1.6 MB of G a batch, 1.2-2.2% faster with a
 * batch a block than with all four; S1, 2048 rows a batch, 5.7% slower
 * with a batch a block: eight times the classes, more short tiles).
 * Blocking constants of dlv_conv3d_fwd_bf16: DLV_CONV3D_LOWP_PAIR,
 * DLV_CONV3D_LOWP_LANES, DLV_CONV3D_LOWP_NV_WIDE,
 * DLV_CONV3D_LOWP_NV_NARROW, DLV_CONV3D_LOWP_MR_WIDE,
 * DLV_CONV3D_LOWP_MR_NARROW; of dlv_conv3d_bwd_input_bf16: these and
 * DLV_CONV3D_LOWP_CLASS_ROWS.  Blocking constants of
 * dlv_conv3d_bwd_filter_bf16: DLV_CONV3D_LOWP_PAIR, DLV_CONV3D_LOWP_LANES,
 * DLV_CONV3D_LOWP_NV_WIDE, DLV_CONV3D_LOWP_NV_NARROW,
 * DLV_CONV3D_LOWP_MR_WIDE, DLV_CONV3D_LOWP_MR_NARROW, DLV_CONV3D_LOWP_NB.
 * MR_NARROW 14: 28 accumulators, 2 B vectors and a broadcast in the 32
 * zmm registers; against 12 rows, S1's input gradient runs 1171 row tiles
 * instead of 1366 (each with fixed costs: most have 3-18 live taps), 3-4%
 * faster, the forward 1.5% (1 thread, same-run A/B). */
#define DLV_CONV3D_LOWP_LANES 16
#define DLV_CONV3D_LOWP_PAIR 2
#define DLV_CONV3D_LOWP_NV_WIDE 4
#define DLV_CONV3D_LOWP_MR_WIDE 6
#define DLV_CONV3D_LOWP_NV_NARROW 2
#define DLV_CONV3D_LOWP_MR_NARROW 14
#define DLV_CONV3D_LOWP_NB 64
#define DLV_CONV3D_LOWP_CLASS_ROWS 16384
/* Pieces per thread into which each reduction chunk's row tiles are cut
 * for the work queue, the longest (conv3d_lowp.c: each thread owns a
 * share of the row tiles and takes its pieces chunk by chunk, shorter
 * ones near the share's end, then helps with the others' shares; a row
 * tile runs its chunks in order, whichever thread runs them), and ranges
 * per thread of the packing loops (parallel.h). */
#define DLV_CONV3D_LOWP_RANGES 8

/* The three passes on bf16 operands, float outputs (above); up to
 * dlv_get_threads() threads, the result independent of the count. */
int dlv_conv3d_fwd_bf16(const dlv_conv3d_shape *s, const dlv_bf16 *l1,
                        const dlv_bf16 *f, float *l2);
int dlv_conv3d_bwd_filter_bf16(const dlv_conv3d_shape *s, const dlv_bf16 *l1,
                               const dlv_bf16 *g2, float *gf);
int dlv_conv3d_bwd_input_bf16(const dlv_conv3d_shape *s, const dlv_bf16 *f,
                              const dlv_bf16 *g2, float *g1);

/* The three passes on fp16 operands, float outputs (above); up to
 * dlv_get_threads() threads, the result independent of the count. */
int dlv_conv3d_fwd_fp16(const dlv_conv3d_shape *s, const dlv_fp16 *l1,
                        const dlv_fp16 *f, float *l2);
int dlv_conv3d_bwd_filter_fp16(const dlv_conv3d_shape *s, const dlv_fp16 *l1,
                               const dlv_fp16 *g2, float *gf);
int dlv_conv3d_bwd_input_fp16(const dlv_conv3d_shape *s, const dlv_fp16 *f,
                              const dlv_fp16 *g2, float *g1);

#endif
