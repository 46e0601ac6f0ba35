/* loss_gate.h: what the gate families loss and hvp share: a loss problem
 * of one kind (quadratic, logistic, tanh network, norm) drawn from the
 * case's choices, with its data in frozen guarded buffers, the kernel's
 * view (dlv_closs, loss.h structs) and the reference's (dlv_ref_loss) of
 * the same data, and the bounds of checks/bounds.h (P5 model) for every
 * output: value and gradient, real and complex step. */
#ifndef DLV_LOSS_GATE_H
#define DLV_LOSS_GATE_H

#include <stddef.h>

#include "closs.h"
#include "gate.h"
#include "ref_hvp.h"

/* Value classes of the loss families: exact, unit and wide data keep every
 * intermediate of the four losses out of the subnormals (products of two
 * entries stay above 2^-230) except the logistic's exponential, whose
 * underflow has its own bound; extreme margins are a scenario of their
 * own.  Subnormal data is drawn for the quadratic of loss.h only. */
int dlv_lg_vclass(dlv_gate_case *c);

typedef struct {
  enum dlv_ref_loss_kind kind;
  size_t n;               /* parameters */
  int rejected;           /* k above kmax: the kernels answer DLV_EBADLEN */
  dlv_gate_buf a, b, x, y; /* problem data (frozen inputs) */
  dlv_quadratic q;
  dlv_logistic lg;
  dlv_tanhnet net;
  dlv_closs loss;  /* the kernel's view */
  dlv_ref_loss ref; /* the reference's */
} dlv_lg_problem;

/* Draws the sizes and data of a problem of the kind: quadratic n in
 * [1, 12]; logistic m in [1, 10], n in [1, 8], labels +-1; tanh network m
 * in [1, 5], d in [1, 4], k as given (dlv_lg_tanhnet_k); norm n in
 * [1, 16].  vclass: the data's class (labels and targets excepted). */
void dlv_lg_problem_draw(dlv_gate_case *c, dlv_lg_problem *p, int kind,
                         int vclass, size_t k);
/* k of a tanh network: the documented limit kmax (DLV_TANHNET_MAXK, from
 * the contract) exactly (which 0), one below (-1) or one above (+1,
 * rejected); any other which: small (1 to 3). */
size_t dlv_lg_tanhnet_k(dlv_gate_case *c, int which);

/* One enumerated choice over n scenarios, scenario i with counts[i]
 * sub-cases (limit exactly and one ulp either side, kinds of bad
 * argument, ...), flattened so that every (scenario, sub-case) pair comes
 * once in every sum(counts) cases whatever the other choices: returns the
 * scenario and its sub-case in *sub. */
int dlv_lg_scenario(dlv_gate_case *c, const unsigned *counts, size_t n,
                    unsigned *sub);
/* A limit exactly (which 0), one ulp below (-1) or above (+1) in double:
 * dlv_gate_limit with the choice made by dlv_lg_scenario. */
double dlv_lg_limit(double limit, int which);

/* Separable data for a logistic problem (a perfect classifier): theta
 * (n = p->n entries, frozen in tb) scaled by a power of two so that the
 * smallest nonzero |margin| lies in [16, 32), and the labels set to the
 * margins' signs: every softplus(-y_i x_i' theta) is below e^-16 (unless a
 * row is 0), so the value is a sum of small terms e^-|z|, where
 * log(1 + w) must not round 1 + w.  theta and the labels are refrozen. */
void dlv_lg_separable(dlv_gate_case *c, dlv_lg_problem *p, double *theta,
                      dlv_gate_buf *tb);

/* A frozen guarded input of n doubles of a class. */
double *dlv_lg_input(dlv_gate_case *c, dlv_gate_buf *b, size_t n,
                     int vclass);

/* 1 when x[0..n) are all zero (either sign). */
int dlv_lg_all_zero(size_t n, const double *x);

/* Bounds at a real point theta: the gradient entries (bound[j]) and the
 * value (*vbound) of the real path, gamma_K R plus the underflow terms. */
void dlv_lg_real_bounds(const dlv_lg_problem *p, const double *theta,
                        double *bound, double *vbound);
/* Bounds of the complex step at theta + i t v: Im grad / t against Hv
 * (bound[j]) and Im value / t against grad . v (*vbound). */
void dlv_lg_cstep_bounds(const dlv_lg_problem *p, const double *theta,
                         const double *v, double t, double *bound,
                         double *vbound);

/* Bounds of Re and of Im of the _z gradient entries (bound[j]) and value
 * (*vbound) at the complex point z_j = re[j] + i im[j] against the exact
 * complex ones (closs_z in checks/bounds.h, with the underflow terms of
 * the logistic and the quadratic); +Inf where the model does not hold. */
void dlv_lg_cz_bounds(const dlv_lg_problem *p, const double *re,
                      const double *im, double *bound, double *vbound);

/* Bounds of the central difference at step t (R_j the larger at Theta
 * -+ t v). */
void dlv_lg_central_bounds(const dlv_lg_problem *p, const double *theta,
                           const double *v, double t, double *bound);

/* The largest power of two below R / 4 of the Cauchy disc around theta
 * along v (1 for an entire gradient), so that truncation stays below
 * q / (1 - q) with q <= 1/16; 0 when no double is (R < 2^-1072). */
double dlv_lg_step_below_disc(const dlv_lg_problem *p, const double *theta,
                              const double *v);

#endif
