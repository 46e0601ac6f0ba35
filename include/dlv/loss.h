/* loss.h: smooth losses l(theta) with their gradients, in double.
 *
 * Quadratic:  l = 1/2 theta' A theta + b' theta, A (n x n, row-major,
 *             symmetric; only what the caller passes is used), b (n).
 * Logistic:   l = (1/m) sum_i softplus(-y_i a_i' theta), rows a_i of the
 *             m x n row-major matrix X, labels y_i in {-1, +1};
 *             softplus(z) = log(1 + e^z), evaluated without overflow.
 * Each function writes the value to *value (if not NULL) and the gradient to
 * grad (if not NULL), and returns a dlv_status code. */
#ifndef DLV_LOSS_H
#define DLV_LOSS_H

#include <stddef.h>

typedef struct {
  size_t n;
  const double *a; /* n x n, row-major, symmetric */
  const double *b; /* n */
} dlv_quadratic;

typedef struct {
  size_t m, n;
  const double *x; /* m x n, row-major */
  const double *y; /* m labels, each -1 or +1 */
} dlv_logistic;

int dlv_loss_quadratic_d(const dlv_quadratic *q, const double *theta,
                         double *value, double *grad);
int dlv_loss_logistic_d(const dlv_logistic *p, const double *theta,
                        double *value, double *grad);

#endif
