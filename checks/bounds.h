/* bounds.h: every error bound dlverify gates on, each named after the
 * analysis it comes from and defined here once.  A bound is never widened to
 * make a check pass: a failing check is a finding about the kernel, the
 * bound or the reference.
 *
 * Notation (Higham, Accuracy and Stability of Numerical Algorithms, 2nd ed.):
 * u is the unit roundoff (2^-53 double, 2^-24 float); gamma_n = n u/(1 - n u)
 * bounds the relative error of n chained roundings, |theta_n| <= gamma_n
 * (Lemma 3.1).  A bound is a pair (rel, abs): |computed - exact| <=
 * rel |exact| + abs, the abs term covering underflow to subnormals.
 *
 * This umbrella includes every part (checks/bounds/): gauges.h (u, eta,
 * gamma_n, dlv_bound), stats.h (generic Monte Carlo statistics), one header
 * per claim or kernel family.  Tested by checks/t_bounds.c. */
#ifndef DLV_BOUNDS_H
#define DLV_BOUNDS_H

#include "bounds/gauges.h"
#include "bounds/stats.h"
#include "bounds/nrm2.h"
#include "claims/p1_adam_window/bounds.h"
#include "claims/p2_weight_noise/bounds.h"
#include "bounds/streams.h"
#include "claims/p3_conv3d/bounds.h"
#include "bounds/p4_prox.h"
#include "claims/p5_line_search/bounds.h"
#include "bounds/low_precision.h"

#endif
