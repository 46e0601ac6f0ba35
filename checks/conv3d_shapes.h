/* conv3d_shapes.h: what bench/bench_conv.c (timing, verification time) and
 * the gate (checks/gate/g_conv3d.c) share about conv3d: the number of
 * terms K of an output element and the extent bf16 pairs them along, and
 * the bench's shapes S1-S3 (issue 10;
 * channels last, output extents the input's minus 2), which the gate's
 * long mode verifies element by element against the certified reference:
 *   S1 B 8, input 16x16x8,  C' = C = 32;  S2 B 4, input 32x32x16, 64 -> 64;
 *   S3 B 1, input 56x56x16, C' 64 -> C 128;  filter 3x3x3. */
#ifndef DLV_CONV3D_SHAPES_H
#define DLV_CONV3D_SHAPES_H

#include <stdlib.h>

#include "bounds/low_precision.h"
#include "cert_conv3d.h"
#include "conv3d.h"
#include "dlv_status.h"
#include "ref_conv3d.h"
#include "ref_lowp.h"

/* Along one axis, the filter taps covering input index i of an output of
 * extent n with k taps (those with 0 <= i - tap < n). */
static inline size_t dlv_conv3d_axis_taps(size_t i, size_t n, size_t k)
{
  size_t lo = i + 1 > n ? i + 1 - n : 0, hi = i + 1 < k ? i + 1 : k;
  return hi - lo;
}

/* K, the number of products of output element i of `pass`: U V Z C'
 * (forward), B H W T (filter gradient), taps C (input gradient, taps the
 * filter positions covering the element). */
static inline double dlv_conv3d_terms(const dlv_conv3d_shape *s, int pass,
                                      size_t i)
{
  if (pass == DLV_CONV3D_FWD)
    return (double)(s->u * s->v * s->z * s->cp);
  if (pass == DLV_CONV3D_BWD_FILTER)
    return (double)(s->b * s->h * s->w * s->t);
  size_t h1 = s->h + s->u - 1, w1 = s->w + s->v - 1, t1 = s->t + s->z - 1;
  size_t r = i / s->cp, t = r % t1, y = r / t1 % w1, x = r / t1 / w1 % h1;
  return (double)(dlv_conv3d_axis_taps(x, s->h, s->u) *
                  dlv_conv3d_axis_taps(y, s->w, s->v) *
                  dlv_conv3d_axis_taps(t, s->t, s->z) * s->c);
}

/* The extent a bf16 pass pairs its products along (conv3d_lowp.h: pairs
 * of adjacent channels of L1 in the forward, C'; of G's channels in the
 * input gradient, C; in the filter gradient, pair words packed along t,
 * T): what dlv_conv3d_bf16_roundings counts steps over. */
static inline size_t dlv_conv3d_bf16_paired(const dlv_conv3d_shape *s,
                                            int pass)
{
  if (pass == DLV_CONV3D_FWD)
    return s->cp;
  return pass == DLV_CONV3D_BWD_FILTER ? s->t : s->c;
}

/* The derived bound of output element i of `pass` of the bf16 kernel
 * (bf16 1: dlv_bound_conv3d_bf16 over the roundings of its K terms paired
 * along dlv_conv3d_bf16_paired) or of the fp16 one (bf16 0:
 * dlv_bound_conv3d_fp16 over K), S = abs_sum: the one composition the
 * gate, P3's low-precision rows and the bench's check all use. */
static inline double dlv_conv3d_lowp_elem_bound(const dlv_conv3d_shape *s,
                                                int pass, int bf16, size_t i,
                                                double abs_sum)
{
  double terms = dlv_conv3d_terms(s, pass, i);
  if (!bf16)
    return dlv_bound_conv3d_fp16(terms, abs_sum);
  return dlv_bound_conv3d_bf16(
      dlv_conv3d_bf16_roundings(terms, dlv_conv3d_bf16_paired(s, pass)),
      abs_sum);
}

/* The largest rounding count R of an element of `pass` (bf16 1: the
 * roundings of its K terms paired along dlv_conv3d_bf16_paired) or its
 * largest K (fp16 0: the float FAST convolution): the R an adjoint bound
 * of the whole pass takes.  A shape dlv_conv3d_sizes refuses is the
 * caller's defect (no row may carry a bound for it): abort, as
 * dlv_p3_cstep_bound does. */
static inline double dlv_conv3d_lowp_pass_rounds(const dlv_conv3d_shape *s,
                                                 int pass, int bf16)
{
  size_t n1, nf, n2;
  if (dlv_conv3d_sizes(s, &n1, &nf, &n2) != DLV_OK)
    abort();
  size_t n = pass == DLV_CONV3D_FWD ? n2 : pass == DLV_CONV3D_BWD_FILTER ? nf
                                                                       : n1;
  double most = 0.0;
  for (size_t i = 0; i < n; i++) {
    double t = dlv_conv3d_terms(s, pass, i);
    if (bf16)
      t = dlv_conv3d_bf16_roundings(t, dlv_conv3d_bf16_paired(s, pass));
    most = t > most ? t : most;
  }
  return most;
}

/* Rounding-heavy operands of `pass` for the format fmt (DLV_REF_BF16 /
 * _FP16), a and b in the kernel's order (conv3d_lowp.h): the data that
 * show a bound's tightness.  The "ones" operand is all 1, the other all t
 * except the first product of each chain, `big`: after it the float
 * accumulator sits in [big, 2 big), t is just above half its ulp, so each
 * later step rounds up by almost half an ulp (bf16: the first product of
 * a chain is the odd element of its first pair).  The chains' first
 * products, in the documented orders:
 *   forward: ones L1, big at F[tap 0, c' first];
 *   input gradient: ones G, big at F[last tap, c first] (flipped first);
 *   filter gradient: ones L1, big at G[(0,0,0), t first]. */
static inline void dlv_conv3d_lowp_rounding_heavy(const dlv_conv3d_shape *s,
                                                  int pass, int fmt,
                                                  uint16_t *a, size_t na,
                                                  uint16_t *b, size_t nb)
{
  int bf = fmt == DLV_REF_BF16;
  double big = bf ? 1.0 : 0x1p10, t = bf ? 0x1.02p-24 : 0x1.004p-14;
  int ones_is_a = pass != DLV_CONV3D_BWD_INPUT;
  uint16_t *ones = ones_is_a ? a : b, *other = ones_is_a ? b : a;
  size_t n_ones = ones_is_a ? na : nb, n_other = ones_is_a ? nb : na;
  for (size_t i = 0; i < n_ones; i++)
    ones[i] = dlv_ref_lowp_round_d(1.0, fmt);
  for (size_t i = 0; i < n_other; i++)
    other[i] = dlv_ref_lowp_round_d(t, fmt);
  size_t len = dlv_conv3d_bf16_paired(s, pass);
  size_t first = bf && len > 1 ? 1 : 0;
  size_t taps = s->u * s->v * s->z;
  size_t out_channels = pass == DLV_CONV3D_BWD_INPUT ? s->cp : s->c;
  for (size_t oc = 0; oc < out_channels; oc++) {
    size_t at = pass == DLV_CONV3D_BWD_INPUT ? ((taps - 1) * s->cp + oc) * s->c + first
                                             : first * s->c + oc;
    other[at] = dlv_ref_lowp_round_d(big, fmt);
  }
}

/* Pass `pass` of the certified reference (cert_conv3d.h; _w: in a
 * workspace the caller keeps, or NULL) and of the MPFR twin
 * (ref_conv3d.h), a and b its inputs in the kernel's order. */
static inline int dlv_conv3d_cert_pass_w(int pass, const dlv_conv3d_shape *s,
                                         const double *a, const double *b,
                                         const dlv_cert_out *out,
                                         dlv_cert_work *work)
{
  if (pass == DLV_CONV3D_FWD)
    return dlv_cert_conv3d_fwd_w(s, a, b, out, work);
  if (pass == DLV_CONV3D_BWD_FILTER)
    return dlv_cert_conv3d_bwd_filter_w(s, a, b, out, work);
  return dlv_cert_conv3d_bwd_input_w(s, a, b, out, work);
}

static inline int dlv_conv3d_cert_pass(int pass, const dlv_conv3d_shape *s,
                                       const double *a, const double *b,
                                       const dlv_cert_out *out)
{
  return dlv_conv3d_cert_pass_w(pass, s, a, b, out, NULL);
}

static inline int dlv_conv3d_mp_pass(int pass, const dlv_conv3d_shape *s,
                                     const double *a, const double *b,
                                     mpfr_t *out)
{
  if (pass == DLV_CONV3D_FWD)
    return dlv_ref_conv3d_fwd(s, a, b, out);
  if (pass == DLV_CONV3D_BWD_FILTER)
    return dlv_ref_conv3d_bwd_filter(s, a, b, out);
  return dlv_ref_conv3d_bwd_input(s, a, b, out);
}

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

/* FAST's input gradient's padded G, B (H+2(U-1)) (W+2(V-1)) (T+2(Z-1)) C
 * (conv3d.h), and its cap, DLV_CONV3D_FAST_PAD_CAP times the larger of
 * B H W T K (IM2COL's lowered matrix, K = U V Z C') and the operands'
 * total; 0 when that G does not fit a size_t. */
static inline int dlv_conv3d_padded_g(const dlv_conv3d_shape *s, size_t *pad,
                                      size_t *cap)
{
  size_t n1, nf, n2;
  dlv_conv3d_sizes(s, &n1, &nf, &n2);
  const size_t e[5] = {s->b, s->h + 2 * (s->u - 1), s->w + 2 * (s->v - 1),
                       s->t + 2 * (s->z - 1), s->c};
  int fits = 1;
  *pad = 1;
  for (int i = 0; i < 5; i++)
    fits &= !__builtin_mul_overflow(*pad, e[i], pad);
  size_t lowered = s->b * s->h * s->w * s->t * s->u * s->v * s->z * s->cp;
  size_t ops = n1 + nf + n2, big = lowered > ops ? lowered : ops;
  *cap = DLV_CONV3D_FAST_PAD_CAP * big; /* big <= 3 INT_MAX */
  return fits;
}

/* Whether FAST's AVX-512 input gradient runs its own chains on the padded
 * G (conv3d.h) rather than IM2COL's (past the cap, in OpenBLAS's order). */
static inline int dlv_conv3d_fast_pads_g(const dlv_conv3d_shape *s)
{
  size_t pad, cap;
  return dlv_conv3d_padded_g(s, &pad, &cap) && pad <= cap;
}

#endif
