/* ref_hvp.h: MPFR twins of include/dlv/hvp.h and the losses of
 * include/dlv/closs.h (claim P5).
 *
 * The gradient and the exact Hessian-vector product Hv of each loss are
 * computed together in dual numbers (a, a') over MPFR: the gradient is the
 * analytic one, and its derivative along v is the analytic Hessian applied
 * to v (the R-operator), with no step and no truncation.  Every operation
 * rounds once at the working precision (the outputs' precision + 64 bits,
 * outputs at least 256 bits in the checks), so the results are correct to
 * far below double precision unless Hv itself cancels below 2^-250 of its
 * terms, which the checks' problems avoid.  The reference cannot include
 * kernels/, so the problem is described by its own struct, field for field
 * the union of dlv_quadratic, dlv_logistic, dlv_tanhnet and the norm. */
#ifndef DLV_REF_HVP_H
#define DLV_REF_HVP_H

#include <stddef.h>

#include <mpfr.h>

enum dlv_ref_loss_kind {
  DLV_REF_QUADRATIC, /* 1/2 Theta' A Theta + b' Theta: n, a, b */
  DLV_REF_LOGISTIC,  /* (1/m) sum softplus(-y_i x_i' Theta): m, n, x, y */
  DLV_REF_TANHNET,   /* (1/2m) sum (w2' tanh(W1 x_i + b1) + b2 - y_i)^2:
                        m, d, k, x, y; n = k (d + 2) + 1 */
  DLV_REF_NORM       /* ||Theta||: n */
};

typedef struct {
  enum dlv_ref_loss_kind kind;
  size_t n;          /* number of parameters */
  size_t m, d, k;    /* samples, inputs of the network, hidden units */
  const double *a;   /* n x n row-major, symmetric (quadratic) */
  const double *b;   /* n (quadratic) */
  const double *x;   /* m x n (logistic) or m x d (tanhnet), row-major */
  const double *y;   /* m labels (+-1) or targets */
} dlv_ref_loss;

/* At the exact point theta[0..n) (MPFR): the loss value (if value is not
 * NULL), the gradient (if grad is not NULL) and Hv (if v and hv are not
 * NULL).  Returns DLV_EDOM for the norm at Theta = 0, DLV_EINVAL for a bad
 * problem, DLV_ENOMEM. */
int dlv_ref_closs(const dlv_ref_loss *loss, mpfr_t *theta, mpfr_t *v,
                  mpfr_ptr value, mpfr_t *grad, mpfr_t *hv);

/* The same at a point and direction given in double (converted exactly). */
int dlv_ref_hvp(const dlv_ref_loss *loss, const double *theta,
                const double *v, mpfr_t *grad, mpfr_t *hv);

/* lambda = ||g||^2 / (g . hg) for the double g and the exact hg, rounded
 * once more; DLV_EDOM when g . hg <= 0 (no minimum along -g). */
int dlv_ref_linesearch_step(size_t n, const double *g, mpfr_t *hg,
                            mpfr_ptr lambda);

#endif
