/* taps.h: the P3 bounds that take K, the number of products an output
 * element sums, from the shape (dlv_conv3d_terms, conv3d_shapes.h), so
 * that no call site chooses a pass's K.  Tested with dlv_conv3d_terms by
 * checks/t_p3_taps.c against the count by definition: the MPFR reference
 * of each pass on all-ones operands, whose element e is its number of
 * products. */
#ifndef DLV_P3_TAPS_H
#define DLV_P3_TAPS_H

#include <math.h>
#include <stdlib.h>

#include "bounds.h"
#include "conv3d.h"
#include "conv3d_shapes.h"
#include "dlv_status.h"

/* The largest K of a pass, an upper bound for the input gradient (U V Z C,
 * reached where every filter tap covers the position: H >= U, W >= V,
 * T >= Z). */
static inline double dlv_p3_k_max(const dlv_conv3d_shape *s, int pass)
{
  if (pass != DLV_CONV3D_BWD_INPUT)
    return dlv_conv3d_terms(s, pass, 0);
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

/* The complex step of l = |conv(L1, F)|^2 / 2 (dlv_bound_conv3d_cstep):
 * the forward's K, and N the forward's number of outputs (the loss sums
 * N squares).  A shape dlv_conv3d_sizes refuses is the caller's defect
 * (no row may carry a bound for it): abort. */
static inline double dlv_p3_cstep_bound(const dlv_conv3d_shape *s,
                                        double sab)
{
  size_t n1, nf, n2;
  if (dlv_conv3d_sizes(s, &n1, &nf, &n2) != DLV_OK)
    abort();
  return dlv_bound_conv3d_cstep(dlv_p3_k_max(s, DLV_CONV3D_FWD), (double)n2,
                                sab);
}

/* Element e of a pass against its exact value: dlv_bound_conv3d_dot with
 * the element's own K (an edge element of the input gradient sums fewer
 * products than the pass's largest K). */
static inline double dlv_p3_element_bound(const dlv_conv3d_shape *s,
                                          int pass, size_t e, double u,
                                          double eta, double sum)
{
  return dlv_bound_conv3d_dot(dlv_conv3d_terms(s, pass, e), u, eta, sum);
}

/* Two runs of the same pass that may sum in different orders (1 vs 2
 * OpenBLAS threads): each within gamma_K S of the exact element, so
 * within twice that of each other. */
static inline double dlv_p3_two_runs_bound(const dlv_conv3d_shape *s,
                                           int pass, size_t e, double u,
                                           double eta, double sum)
{
  return 2.0 * dlv_p3_element_bound(s, pass, e, u, eta, sum);
}

#endif
