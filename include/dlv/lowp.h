/* lowp.h: low precision (issue 18, first part): bf16 and fp16 storage,
 * exact and correctly rounded conversions, the Euclidean norm and its
 * gradient for bf16 and fp16 vectors, and the Adam step with bf16
 * parameters.
 *
 * Formats (storage only; arithmetic is in float or double):
 * - bf16: 1 sign, 8 exponent, 7 fraction bits: precision p = 8, unit
 *   roundoff u = 2^-8, the exponent range of float (largest finite
 *   0x1.fep127, smallest normal 2^-126, smallest subnormal 2^-133);
 * - fp16 (IEEE binary16): p = 11, u = 2^-11, largest finite 65504,
 *   smallest normal 2^-14, smallest subnormal 2^-24.
 * Every bf16 and fp16 value is exactly a float; the product of two of them
 * has at most 16 (bf16) or 22 (fp16) significant bits, so it is exact in
 * float unless it leaves float's exponent range.
 *
 * This machine (AMD EPYC, Zen 4) has AVX512_BF16 (vdpbf16ps) and F16C but
 * NOT AVX512_FP16, so fp16 data are converted to float (vcvtph2ps when
 * compiled for it) and summed with float arithmetic.  Kernels choose their
 * AVX512-BF16 path at run time (dlv_lowp_isa) and give bitwise the same
 * results on the portable path: the portable path emulates vdpbf16ps
 * (dlv_bf16_dot2_model).
 *
 * Conventions: element i of a strided vector is x[i * inc] (inc != 0, may
 * be negative), as in nrm2.h; statuses are dlv_status.h's and outputs are
 * untouched on error. */
#ifndef DLV_LOWP_H
#define DLV_LOWP_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
  uint16_t bits;
} dlv_bf16;

typedef struct {
  uint16_t bits;
} dlv_fp16;

#define DLV_BF16_MAX 0x1.fep127
#define DLV_BF16_MIN_NORMAL 0x1p-126
#define DLV_BF16_MIN_SUB 0x1p-133
#define DLV_BF16_PREC 8
#define DLV_FP16_MAX 65504.0
#define DLV_FP16_MIN_NORMAL 0x1p-14
#define DLV_FP16_MIN_SUB 0x1p-24
#define DLV_FP16_PREC 11

/* ---- conversions --------------------------------------------------------
 * To float: exact (NaN stays NaN with its payload's top bits).  From float
 * or double: rounded once to nearest, ties to even, with gradual underflow
 * to the format's subnormals and overflow to +-Inf (a value at or beyond
 * max + half an ulp); a NaN gives a quiet NaN of the same sign.  From
 * double there is no double rounding: double -> float -> bf16 would round
 * twice: 0x1.01000004p0 is above the midpoint 0x1.01p0 of 1 and 0x1.02p0,
 * so it rounds to 0x1.02p0; through float it becomes the tie 0x1.01p0
 * first, then 1 (to even). */
float dlv_bf16_to_float(dlv_bf16 x);
float dlv_fp16_to_float(dlv_fp16 x);
dlv_bf16 dlv_bf16_from_float(float x);
dlv_bf16 dlv_bf16_from_double(double x);
dlv_fp16 dlv_fp16_from_float(float x);
dlv_fp16 dlv_fp16_from_double(double x);
/* x rounded to nearest-even with p significant bits, smallest normal
 * 2^emin (subnormals below, spacing 2^(emin - p + 1)) and largest finite
 * (2 - 2^(1-p)) 2^emax; +-Inf beyond (the rounding model of the
 * conversions above: p = 8, emin = -126, emax = 127 for bf16; 11, -14, 15
 * for fp16).  Exact for every double x. */
double dlv_round_to_format(double x, int p, int emin, int emax);

/* ---- vdpbf16ps ------------------------------------------------------------
 * The model of one lane of vdpbf16ps (_mm512_dpbf16_ps), as measured on
 * this machine (checks/t_bf16_dot.c tests it against the instruction):
 *   t   = FTZ(RNE(DAZ(acc) + DAZ(a1) DAZ(b1)))     odd element first
 *   out = FTZ(RNE(t + DAZ(a0) DAZ(b0)))
 * each step a fused multiply-add (the product exact, even beyond float's
 * range), rounded to nearest even whatever MXCSR says; DAZ: a subnormal
 * bf16 input or accumulator reads as zero of its sign; FTZ: a subnormal
 * result becomes zero of its sign. */
float dlv_bf16_dot2_model(float acc, dlv_bf16 a0, dlv_bf16 b0, dlv_bf16 a1,
                          dlv_bf16 b1);
/* The same steps on float operands (it is vdpbf16ps's when every operand
 * is a bf16 value; the fp16 norm uses it on scaled fp16 values, whose
 * squares are normal floats, so DAZ and FTZ never act there). */
float dlv_dot2_model_f32(float acc, float a0, float b0, float a1, float b1);

/* Which code path the kernels take: DLV_LOWP_ISA_AVX512BF16 when the CPU
 * has AVX512F, AVX512BW and AVX512_BF16 (and the compiler could build the
 * path) and the environment variable DLV_ISA is not "generic" (read once,
 * as for conv3d.h's FAST), else DLV_LOWP_ISA_PORTABLE.
 * dlv_lowp_set_isa forces a path (a
 * request the CPU cannot serve falls back to portable; any value other
 * than DLV_LOWP_ISA_AVX512BF16 requests portable); it returns the path now
 * in use.  Not thread-safe: set it before calling kernels. */
enum { DLV_LOWP_ISA_PORTABLE = 0, DLV_LOWP_ISA_AVX512BF16 = 1 };
int dlv_lowp_isa(void);
int dlv_lowp_set_isa(int isa);

/* ---- the norm and its gradient ---------------------------------------------
 * Algorithm (nrm2_lowp.c): x is cut into blocks of DLV_LOWP_NRM2_BLOCK
 * entries.  Each block is scaled by the exact power of two that brings its
 * largest magnitude into [1, 2); the scaled entries are squared exactly and
 * summed in FLOAT over DLV_LOWP_NRM2_LANES lanes, two entries per lane and
 * step in vdpbf16ps order (the odd entry of each pair first; each step one
 * rounding, subnormal scaled squares flushed), then the lanes are added by
 * a pairwise tree.  Block sums lie in [1, 4 DLV_LOWP_NRM2_BLOCK): they
 * cannot overflow, and a flushed square is below 2^-126 of a sum >= 1.  The
 * block sums times 2^(2e) are exact in double and summed in double; the
 * norm is sqrt in double, rounded once to float.  Why float within blocks:
 * it is the accumulation vdpbf16ps offers and the mixed-precision case the
 * bounds must cover (gamma_K in float, K = the depth of a lane's chain);
 * why double across blocks: the scaled block sums 2^(2e) s span 2^-266 to
 * 2^258, which only double holds without rescaling.
 *
 * Status: DLV_EINVAL (inc == 0, NULL with n > 0), DLV_EBADLEN; an Inf in x
 * gives +Inf (also beside a NaN), a NaN alone DLV_ENAN (result untouched).
 * Bounds: dlv_bound_lowp_nrm2 (checks/bounds_lowp.h).
 * Blocking constants of dlv_nrm2_bf16, dlv_nrm2_fp16, dlv_nrm2_grad_bf16,
 * dlv_nrm2_grad_fp16: DLV_LOWP_NRM2_BLOCK, DLV_LOWP_NRM2_STEP,
 * DLV_LOWP_NRM2_LANES. */
#define DLV_LOWP_NRM2_BLOCK 256
#define DLV_LOWP_NRM2_LANES 16
/* Entries per step of the lanes (a vdpbf16ps instruction reads 32). */
#define DLV_LOWP_NRM2_STEP (2 * DLV_LOWP_NRM2_LANES)

int dlv_nrm2_bf16(size_t n, const dlv_bf16 *x, ptrdiff_t incx,
                  float *result);
int dlv_nrm2_fp16(size_t n, const dlv_fp16 *x, ptrdiff_t incx,
                  float *result);

/* g_i = x_i / ||x|| in the input's format: x_i / r in double, r the norm
 * above before its rounding to float, then rounded ONCE to bf16/fp16
 * (RNE, from double).  DLV_EDOM at ||x|| = 0 or with an Inf in x,
 * DLV_ENAN with a NaN and no Inf; g untouched on error.  Arguments are
 * checked in order, the first error returned: x (stride.h), then g.  g may be the same
 * array as x, with the same stride (in place).  Bound: dlv_bound_lowp_nrm2_grad. */
int dlv_nrm2_grad_bf16(size_t n, const dlv_bf16 *x, ptrdiff_t incx,
                       dlv_bf16 *g, ptrdiff_t incg);
int dlv_nrm2_grad_fp16(size_t n, const dlv_fp16 *x, ptrdiff_t incx,
                       dlv_fp16 *g, ptrdiff_t incg);

/* The NAIVE norm, kept to show what goes wrong: the sum of squares
 * computed in the storage format itself (each square and each partial sum
 * rounded to bf16/fp16, left to right, as format-native arithmetic such as
 * AVX512-FP16 would), then sqrt rounded to the format.  fp16 overflows as
 * soon as the sum of squares reaches 65520 (65504 + half an ulp), i.e. at
 * a norm near 256 (bf16: 2^64); it also stagnates once a partial sum's
 * half ulp exceeds the next square.  Same statuses as dlv_nrm2_*; an
 * overflow gives +Inf with DLV_OK (that is the point). */
#define DLV_LOWP_NAIVE_XOVF_BF16 0x1p64 /* smallest x whose square is Inf */
#define DLV_LOWP_NAIVE_XOVF_FP16 256.0
int dlv_nrm2_bf16_naive(size_t n, const dlv_bf16 *x, ptrdiff_t incx,
                        float *result);
int dlv_nrm2_fp16_naive(size_t n, const dlv_fp16 *x, ptrdiff_t incx,
                        float *result);

/* ---- Adam with bf16 parameters -------------------------------------------
 * Mixed precision (the recommended form): master, m, v are float (the
 * optimizer's state), grad and theta bf16.  The step is dlv_adam_step_s's
 * (adam.h: same update, forms, rounding model and limits) applied to
 * master with g = grad read exactly, then theta_i = RNE_bf16(master_i').
 * The arguments are checked first (a NULL array with n > 0, the form,
 * the hyperparameters: DLV_EINVAL), then grad is scanned (NaN:
 * DLV_ENAN; Inf or |g| > DLV_ADAM_GMAX_S: DLV_EDOM); nothing is written
 * on error.  Form DLV_ADAM_EXAM or
 * DLV_ADAM_BIAS_CORRECTED (DLV_ADAM_ONE_PASS: DLV_EINVAL).  Arrays are
 * contiguous and must not overlap.  Up to dlv_get_threads() threads
 * (threads.h); the result does not depend on the count. */
int dlv_adam_step_bf16(size_t n, dlv_bf16 *theta, float *master, float *m,
                       float *v, const dlv_bf16 *grad, float lr, float beta1,
                       float beta2, float eps, unsigned long t, int form);

/* Pure bf16, kept to show what goes wrong: theta, m and v stored in bf16.
 * Each element is read exactly into float, stepped as dlv_adam_step_s
 * does, and theta', m', v' are each rounded once to bf16 (RNE).  An update
 * below half an ulp of theta is lost (theta stagnates), and m, v stop
 * moving once (1 - beta)|g| is below half an ulp of them (checks/
 * t_bf16_ema.c measures where).  Statuses as dlv_adam_step_bf16. */
int dlv_adam_step_pure_bf16(size_t n, dlv_bf16 *theta, dlv_bf16 *m,
                            dlv_bf16 *v, const dlv_bf16 *grad, float lr,
                            float beta1, float beta2, float eps,
                            unsigned long t, int form);

/* Elements per internal chunk of the Adam steps, and ranges of chunks per
 * thread: the gradient's scan (both steps) and the master-weight step cut
 * the chunks into ranges, DLV_LOWP_ADAM_RANGES a thread (parallel.h: one
 * chunk a range up to threads x DLV_LOWP_ADAM_RANGES chunks, several
 * above).  Blocking constants of dlv_adam_step_bf16,
 * dlv_adam_step_pure_bf16: DLV_LOWP_ADAM_CHUNK, DLV_LOWP_ADAM_RANGES. */
#define DLV_LOWP_ADAM_CHUNK 256
#define DLV_LOWP_ADAM_RANGES 8

#endif
