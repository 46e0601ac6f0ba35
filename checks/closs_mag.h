/* closs_mag.h: the magnitudes and Cauchy discs of the P5 rounding and
 * truncation model (checks/bounds.h, P5 section) for the losses of
 * kernels/closs.h (and loss.h), for a loss described by its reference
 * struct dlv_ref_loss (reference/ref_hvp.h), so that any check (the claim
 * check P5, the gate families loss and hvp) derives its bounds the same way.
 *
 * Magnitudes, at a real point theta and along a direction w (|w| is used):
 *   mr[j] >= the R_j of bounds.h: the computed gradient entry j is within
 *            gamma_K R_j of the exact one (K = dlv_closs_k);
 *   mi[j] >= the I_j(|w|): Im of the complex-step gradient entry j, divided
 *            by t, is within gamma_K I_j of its exact value;
 *   *vr, *vi: the same for the loss value (K = dlv_closs_k_value).
 * Each is multiplied by DLV_P5_MAG_SLACK, so that its own evaluation in
 * double keeps it an upper bound.  Underflow is not in these magnitudes:
 * see dlv_bound_logistic_underflow and dlv_bound_quadratic_underflow_*. */
#ifndef DLV_CLOSS_MAG_H
#define DLV_CLOSS_MAG_H

#include <stddef.h>

#include "ref_hvp.h"

void dlv_closs_magnitudes(const dlv_ref_loss *p, const double *theta,
                          const double *w, double *mr, double *mi, double *vr,
                          double *vi);

/* The magnitudes at the complex point z_j = re[j] + i im[j] (closs_z in
 * bounds.h): returns M of the value, and fills mg[j] (mg not NULL) for
 * gradient entry j; each of Re and Im of the _z output is within
 * dlv_bound_closs_z(dlv_closs_k_z, its magnitude, underflow) of the exact
 * complex one.  +Inf where the model does not hold: a logistic margin
 * with |Im| >= pi/2 (1 + e^u may approach 0), a tanh preactivation with
 * |Im| >= pi/4 (|tanh| unbounded), a norm whose sum of squares has Re s
 * <= 0 near its own size.  Made upper bounds (DLV_P5_MAG_SLACK). */
double dlv_closs_magnitudes_z(const dlv_ref_loss *p, const double *re,
                              const double *im, double *mg);

/* K at a complex point (bounds.h, closs_z): of the value (value != 0) or
 * of the gradient entries. */
double dlv_closs_k_z(const dlv_ref_loss *p, int value);

/* The Cauchy disc of bounds.h (dlv_bound_hvp_trunc) around theta along v:
 * returns its radius R and fills mc[j] >= max |grad_j l(theta + s v)|
 * over |s| <= R (0 when the gradient is linear in s), already made upper
 * bounds.  R is +Inf where the gradient is a polynomial of degree <= 2 in
 * s (the quadratic; the norm and the logistic along v = 0; the tanh
 * network along a v that moves only w2 and b2), whose truncation is 0:
 * mc then bounds it at s = 0 alone. */
double dlv_closs_cauchy_disc(const dlv_ref_loss *p, const double *theta,
                             const double *v, double *mc);

/* The logistic loss's sensitivities at one sample, zy = y x'theta as
 * computed in double here from n products whose magnitudes sum to big_s:
 * upper bounds over every margin z the kernel's evaluation may see, |z -
 * zy| <= 2 gamma_n big_s (the exact margin lies within gamma_n S of zy,
 * and the kernel's computed one within gamma_n S of the exact one), of
 *   s0 >= sigma(-z) = |softplus'(-z)|,
 *   s1 >= sigma(z)(1 - sigma(z)) = |sigma'(z)| (>= |(sigma(1 - sigma))'|),
 *   sp >= softplus(-z),
 * each within a few roundings of the supremum (the magnitudes built on
 * them are made upper bounds by DLV_P5_MAG_SLACK). */
typedef struct {
  double s0, s1, sp;
} dlv_logistic_sens;

dlv_logistic_sens dlv_closs_logistic_sens(double zy, double big_s, size_t n);

/* K of bounds.h: roundings on any path to a gradient entry, and to the
 * value (complex path; the real path has fewer). */
double dlv_closs_k(const dlv_ref_loss *p);
double dlv_closs_k_value(const dlv_ref_loss *p);

#endif
