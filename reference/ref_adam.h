/* ref_adam.h: MPFR twins of include/dlv/adam.h (claim P1) and the closed forms
 * of the EMA and the backward window that the claim's nearby senses use.
 *
 * Conventions: hyperparameters are the stored values (b1 = fl(0.9), not the
 * decimal 0.9), passed as double (every float converts exactly); state and
 * gradients are MPFR numbers so that a trajectory stays in MPFR.  Every
 * operation is rounded at the precision of its output plus 64 bits, so a
 * result at >= 256 bits carries a relative error far below 2^-240.
 * `form` is 0 for the exam's update, 1 for the bias-corrected one (the
 * values of enum dlv_adam_form). */
#ifndef DLV_REF_ADAM_H
#define DLV_REF_ADAM_H

#include <stddef.h>

#include <mpfr.h>

/* bc = 1 - b^t. */
int dlv_ref_adam_bias_correction(double b, unsigned long t, mpfr_ptr bc);

/* One Adam step in place on MPFR state (see adam.h for the formula). */
int dlv_ref_adam_step(size_t n, mpfr_t *theta, mpfr_t *m, mpfr_t *v,
                      mpfr_t *grad, double lr, double beta1, double beta2,
                      double eps, unsigned long t, int form);

/* avg_i = b avg_i + (1 - b) x_i in place (dlv_ema_d / _s); x must not
 * alias avg.  The kernel's statuses: b outside [0, 1) DLV_EINVAL; a NaN in
 * x DLV_ENAN, else an infinity DLV_EDOM, avg untouched. */
int dlv_ref_ema(size_t n, mpfr_t *avg, mpfr_t *x, double b);

/* grad_i = a_i (theta_i - c_i): the gradient of the test objective
 * sum_i a_i (theta_i - c_i)^2 / 2. */
int dlv_ref_quadratic_grad(size_t n, const double *a, const double *c,
                           mpfr_t *theta, mpfr_t *grad);

/* steps t0 .. t0 + T - 1 of Adam on the test objective above, from the
 * MPFR state (theta, m, v), in place. */
int dlv_ref_adam_trajectory(size_t n, const double *a, const double *c,
                            unsigned long t0, unsigned long T, mpfr_t *theta,
                            mpfr_t *m, mpfr_t *v, double lr, double beta1,
                            double beta2, double eps, int form);

/* w = (1 - b) b^(i - 1): the EMA's weight on the point i steps back. */
int dlv_ref_ema_weight(double b, unsigned long i, mpfr_ptr w);

/* mean = (1/k) sum_{i<k} x_i. */
int dlv_ref_window_mean(size_t k, const double *x, mpfr_ptr mean);

/* Closed forms for the EMA with weight b on the past, started at 0, after
 * t points (t = 0 means t -> infinity):
 *   mean age  sum_{i<=t} i (1-b) b^(i-1) = (1 - b^t)/(1 - b) - t b^t
 *   variance  sum_{i<=t} ((1-b) b^(i-1))^2 = (1-b)(1 - b^(2t))/(1 + b)
 *             (per unit noise variance)
 *   lag       t - (avg of the ramp x_s = s, s = 0 .. t-1) = (1-b^t)/(1-b)
 * and for the window of k (full): mean age = lag = (k+1)/2, variance 1/k. */
int dlv_ref_ema_mean_age(double b, unsigned long t, mpfr_ptr age);
int dlv_ref_ema_variance(double b, unsigned long t, mpfr_ptr var);
int dlv_ref_ema_lag(double b, unsigned long t, mpfr_ptr lag);
int dlv_ref_window_mean_age(size_t k, mpfr_ptr age);
int dlv_ref_window_variance(size_t k, mpfr_ptr var);

#endif
