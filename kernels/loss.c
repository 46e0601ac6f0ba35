/* loss.c: quadratic and logistic-regression losses (see loss.h). */
#include <math.h>

#include "dlv_status.h"
#include "loss.h"

int dlv_loss_quadratic_d(const dlv_quadratic *q, const double *theta,
                         double *value, double *grad)
{
  if (q == NULL || theta == NULL || q->a == NULL || q->b == NULL)
    return DLV_EINVAL;
  if (q->n == 0)
    return DLV_EBADLEN;
  double v = 0.0;
  for (size_t i = 0; i < q->n; i++) {
    double ai = 0.0; /* (A theta)_i */
    for (size_t j = 0; j < q->n; j++)
      ai += q->a[i * q->n + j] * theta[j];
    v += theta[i] * (0.5 * ai + q->b[i]);
    if (grad != NULL)
      grad[i] = ai + q->b[i];
  }
  if (value != NULL)
    *value = v;
  return DLV_OK;
}

/* log(1 + e^z) = max(z, 0) + log1p(e^-|z|): no overflow for any z. */
static double softplus(double z)
{
  return (z > 0.0 ? z : 0.0) + log1p(exp(-fabs(z)));
}

/* 1 / (1 + e^-z) without overflow. */
static double sigmoid(double z)
{
  if (z >= 0.0)
    return 1.0 / (1.0 + exp(-z));
  double e = exp(z);
  return e / (1.0 + e);
}

int dlv_loss_logistic_d(const dlv_logistic *p, const double *theta,
                        double *value, double *grad)
{
  if (p == NULL || theta == NULL || p->x == NULL || p->y == NULL)
    return DLV_EINVAL;
  if (p->m == 0 || p->n == 0)
    return DLV_EBADLEN;
  double v = 0.0;
  if (grad != NULL)
    for (size_t j = 0; j < p->n; j++)
      grad[j] = 0.0;
  for (size_t i = 0; i < p->m; i++) {
    const double *xi = p->x + i * p->n;
    double margin = 0.0;
    for (size_t j = 0; j < p->n; j++)
      margin += xi[j] * theta[j];
    margin *= p->y[i];
    v += softplus(-margin);
    if (grad != NULL) {
      double w = -p->y[i] * sigmoid(-margin) / (double)p->m;
      for (size_t j = 0; j < p->n; j++)
        grad[j] += w * xi[j];
    }
  }
  if (value != NULL)
    *value = v / (double)p->m;
  return DLV_OK;
}
