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
 * terms, which the checks' problems avoid.
 *
 * A loss is described to the reference as to the kernels: by the kernels'
 * own problem structs (include/dlv/loss.h, closs.h).  dlv_ref_loss is the
 * twin of dlv_closs: the kernels' struct carries evaluation functions, which
 * the reference cannot call, so this one carries the kind instead;
 * dlv_ref_loss_of_<kind> mirrors dlv_closs_of_<kind>. */
#ifndef DLV_REF_HVP_H
#define DLV_REF_HVP_H

#include <stddef.h>

#include <mpfr.h>

#include "closs.h"

enum dlv_ref_loss_kind {
  DLV_REF_QUADRATIC, /* 1/2 Theta' A Theta + b' Theta (dlv_quadratic) */
  DLV_REF_LOGISTIC,  /* (1/m) sum softplus(-y_i x_i' Theta) (dlv_logistic) */
  DLV_REF_TANHNET,   /* (1/2m) sum (w2' tanh(W1 x_i + b1) + b2 - y_i)^2
                        (dlv_tanhnet; n = k (d + 2) + 1) */
  DLV_REF_NORM       /* ||Theta|| (n alone, as dlv_closs_of_norm) */
};

typedef struct {
  enum dlv_ref_loss_kind kind;
  size_t n; /* number of parameters, as dlv_closs.n */
  union {   /* the problem, by kind (NULL for the norm) */
    const dlv_quadratic *quadratic;
    const dlv_logistic *logistic;
    const dlv_tanhnet *tanhnet;
  };
} dlv_ref_loss;

/* The twins of dlv_closs_of_quadratic, _logistic, _tanhnet, _norm (the
 * problem must outlive the result; n is 0 for a NULL problem, and for a
 * network whose k (d + 2) + 1 overflows). */
dlv_ref_loss dlv_ref_loss_of_quadratic(const dlv_quadratic *q);
dlv_ref_loss dlv_ref_loss_of_logistic(const dlv_logistic *p);
dlv_ref_loss dlv_ref_loss_of_tanhnet(const dlv_tanhnet *p);
dlv_ref_loss dlv_ref_loss_of_norm(size_t n);

/* 1 when the problem has its arrays, m > 0, and n agrees with the problem
 * (the reference's entries return DLV_EINVAL otherwise). */
int dlv_ref_loss_valid(const dlv_ref_loss *p);

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
 * once more; DLV_EDOM when g . hg <= 0 (no minimum along -g), DLV_EINVAL
 * for NULL, DLV_EBADLEN for n = 0 (the kernel's). */
int dlv_ref_linesearch_step(size_t n, const double *g, mpfr_t *hg,
                            mpfr_ptr lambda);

#endif
