/* taps.h: the K of each conv3d pass (the number of products an output
 * element sums) and the P3 bounds that take K from the shape, so that no
 * call site chooses a pass's K.  Tested by checks/t_p3_taps.c against the
 * count by definition: the MPFR reference of each pass on all-ones
 * operands, whose element e is its number of products. */
#ifndef DLV_P3_TAPS_H
#define DLV_P3_TAPS_H

#include "bounds.h"
#include "conv3d.h"

/* Filter positions covering index i of an input axis of extent n + k - 1
 * (n output positions, k filter taps): i - j in [0, n) for tap j in
 * [0, k), i.e. j in [max(0, i + 1 - n), min(i, k - 1)]. */
static inline size_t dlv_p3_taps_axis(size_t i, size_t n, size_t k)
{
  size_t lo = i + 1 > n ? i + 1 - n : 0;
  size_t hi = i < k - 1 ? i : k - 1;
  return hi - lo + 1;
}

/* The number of products in element e of pass `pass` (the K of the
 * bound): U V Z C' (forward), B H W T (filter gradient), or the taps
 * covering the input position times C (input gradient). */
static inline double dlv_p3_k_of(const dlv_conv3d_shape *s, int pass,
                                 size_t e)
{
  if (pass == DLV_CONV3D_FWD)
    return (double)(s->u * s->v * s->z * s->cp);
  if (pass == DLV_CONV3D_BWD_FILTER)
    return (double)(s->b * s->h * s->w * s->t);
  size_t t1 = s->t + s->z - 1, w1 = s->w + s->v - 1, h1 = s->h + s->u - 1;
  size_t r = e / s->cp;
  size_t k = r % t1, j = (r / t1) % w1, i = (r / t1 / w1) % h1;
  return (double)(dlv_p3_taps_axis(i, s->h, s->u) *
                  dlv_p3_taps_axis(j, s->w, s->v) *
                  dlv_p3_taps_axis(k, s->t, s->z) * s->c);
}

/* The largest K of a pass, an upper bound for the input gradient (U V Z C,
 * reached where every filter tap covers the position: H >= U, W >= V,
 * T >= Z). */
static inline double dlv_p3_k_max(const dlv_conv3d_shape *s, int pass)
{
  if (pass != DLV_CONV3D_BWD_INPUT)
    return dlv_p3_k_of(s, pass, 0);
  return (double)(s->u * s->v * s->z * s->c);
}

/* The adjoint identity of a backward pass against the forward one:
 * dlv_bound_conv3d_adjoint with the forward's K and the pass's K. */
static inline double dlv_p3_adjoint_bound(const dlv_conv3d_shape *s,
                                          int pass, double u, double t_abs)
{
  return dlv_bound_conv3d_adjoint(dlv_p3_k_max(s, DLV_CONV3D_FWD),
                                  dlv_p3_k_max(s, pass), u, t_abs);
}

/* The gradient formula <backward(d), .> against the forward's complex
 * step: dlv_bound_conv3d_grad_formula with the forward's K and the
 * backward pass's K. */
static inline double dlv_p3_grad_formula_bound(const dlv_conv3d_shape *s,
                                               int bwd_pass, double u,
                                               double sab)
{
  return dlv_bound_conv3d_grad_formula(dlv_p3_k_max(s, DLV_CONV3D_FWD),
                                       dlv_p3_k_max(s, bwd_pass), u, sab);
}

/* Two runs of the same pass that may sum in different orders (1 vs 2
 * OpenBLAS threads): each within gamma_K S of the exact element, so
 * within twice that of each other. */
static inline double dlv_p3_two_runs_bound(const dlv_conv3d_shape *s,
                                           int pass, size_t e, double u,
                                           double eta, double sum)
{
  return 2.0 * dlv_bound_conv3d_dot(dlv_p3_k_of(s, pass, e), u, eta, sum);
}

#endif
