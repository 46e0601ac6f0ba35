/* p4_problems.h: the logistic-regression problem shared by the P4b and
 * P4c checks (header only, static inline): LM samples of LN Gaussian
 * features, labels from a noisy linear model (not separable). */
#ifndef DLV_P4_PROBLEMS_H
#define DLV_P4_PROBLEMS_H

#include <math.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "loss.h"

enum { LM = 40, LN = 4 };

/* l = logistic regression on LM samples of LN features. */
struct logi {
  double x[LM * LN], y[LM];
};

static inline int logi_loss(const double *theta, double *value,
                            double *grad, void *ctx)
{
  const struct logi *p = ctx;
  dlv_logistic d = {LM, LN, p->x, p->y};
  return dlv_loss_logistic_d(&d, theta, value, grad);
}

/* Gaussian features, labels from a noisy linear model (not separable);
 * t = 2^-k <= 4 m / ||X||_F^2 <= 1/L (the Hessian is below X'X/(4m)). */
static inline void logi_data(gsl_rng *r, struct logi *p, double *step)
{
  double w[LN], fro = 0.0;
  for (size_t j = 0; j < LN; j++)
    w[j] = gsl_ran_gaussian(r, 1.0);
  for (size_t i = 0; i < LM; i++) {
    double s = gsl_ran_gaussian(r, 1.0);
    for (size_t j = 0; j < LN; j++) {
      double v = gsl_ran_gaussian(r, 1.0);
      p->x[i * LN + j] = v;
      fro += v * v;
      s += v * w[j];
    }
    p->y[i] = s >= 0.0 ? 1.0 : -1.0;
  }
  *step = ldexp(1.0, ilogb(4.0 * LM / fro) - 1);
}

#endif
