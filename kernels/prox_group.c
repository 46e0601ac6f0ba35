/* prox_group.c: block soft-thresholding, proximal gradient, and the L2
 * gradient (see prox_group.h for conventions and the error bound). */
#include <math.h>
#include <string.h>

#include "dlv_status.h"
#include "nrm2.h"
#include "prox_group.h"
#include "strided.h"

/* The shrink factor s = (N - tau)/N for N > tau, else 0 (N = ||v|| as
 * computed, finite; tau >= 0 finite).  N - tau and the quotient are the two
 * roundings the bound counts; 1 - tau/N would lose s near the threshold to
 * cancellation. */
static double shrink_factor(double nrm, double tau)
{
  return nrm > tau ? (nrm - tau) / nrm : 0.0;
}

/* Shared argument checks of both precisions. */
static int check_prox_args(size_t n, const void *v, ptrdiff_t incv,
                           double tau, const void *out, ptrdiff_t incout)
{
  int status = dlv__check_vector(n, v, incv);
  if (status == DLV_OK)
    status = dlv__check_vector(n, out, incout);
  if (status == DLV_OK && !(tau >= 0.0 && isfinite(tau)))
    status = DLV_EINVAL;
  return status;
}

int dlv_prox_group_d(size_t n, const double *v, ptrdiff_t incv, double tau,
                     double *out, ptrdiff_t incout)
{
  int status = check_prox_args(n, v, incv, tau, out, incout);
  if (status != DLV_OK || n == 0)
    return status;
  double nrm;
  status = dlv_nrm2_d(n, v, incv, &nrm);
  if (status != DLV_OK)
    return status;
  if (isinf(nrm))
    return DLV_EDOM; /* an infinite entry, or ||v|| > DBL_MAX */
  double s = shrink_factor(nrm, tau);
  v += dlv_stride_first(n, incv); /* element 0 of v (strided.h) */
  out += dlv_stride_first(n, incout);
  for (size_t i = 0; i < n; i++) /* s = 0 writes +0, whatever sign v_i has */
    out[(ptrdiff_t)i * incout] = s == 0.0 ? 0.0 : s * v[(ptrdiff_t)i * incv];
  return DLV_OK;
}

int dlv_prox_group_s(size_t n, const float *v, ptrdiff_t incv, float tau,
                     float *out, ptrdiff_t incout)
{
  int status = check_prox_args(n, v, incv, tau, out, incout);
  if (status != DLV_OK || n == 0)
    return status;
  float nrm;
  status = dlv_nrm2_s(n, v, incv, &nrm);
  if (status != DLV_OK)
    return status;
  if (isinf(nrm))
    return DLV_EDOM; /* an infinite entry, or ||v|| > FLT_MAX */
  double s = shrink_factor(nrm, tau);
  v += dlv_stride_first(n, incv); /* element 0 (strided.h) */
  out += dlv_stride_first(n, incout);
  for (size_t i = 0; i < n; i++)
    out[(ptrdiff_t)i * incout] =
        s == 0.0 ? 0.0f : (float)(s * v[(ptrdiff_t)i * incv]);
  return DLV_OK;
}

static int check_pg_args(size_t n, dlv_loss_fn_d loss, double lambda,
                         const dlv_pg_opts *o, const double *theta,
                         const double *work, const dlv_pg_info *info)
{
  if (loss == NULL || o == NULL || theta == NULL || work == NULL ||
      info == NULL)
    return DLV_EINVAL;
  if (n == 0)
    return DLV_EBADLEN;
  if (!(lambda >= 0.0 && isfinite(lambda)) ||
      !(o->step > 0.0 && isfinite(o->step)) || !(o->tol >= 0.0) ||
      o->max_iter == 0)
    return DLV_EINVAL;
  return DLV_OK;
}

/* One step from x: g = grad l(x), y = prox(x - t g); then g is overwritten
 * with x - y.  Sets *scale = ||grad l(x)|| + lambda and *gmap =
 * ||x - y|| / t. */
static int pg_step(size_t n, dlv_loss_fn_d loss, void *ctx, double lambda,
                   double t, const double *x, double *g, double *y,
                   double *gmap, double *scale)
{
  int status = loss(x, NULL, g, ctx);
  double gn = 0.0, dn = 0.0;
  if (status == DLV_OK)
    status = dlv_nrm2_d(n, g, 1, &gn);
  if (status != DLV_OK)
    return status;
  for (size_t i = 0; i < n; i++)
    y[i] = x[i] - t * g[i];
  status = dlv_prox_group_d(n, y, 1, t * lambda, y, 1);
  for (size_t i = 0; status == DLV_OK && i < n; i++)
    g[i] = x[i] - y[i];
  if (status == DLV_OK)
    status = dlv_nrm2_d(n, g, 1, &dn);
  *gmap = dn / t;
  *scale = gn + lambda;
  return status;
}

int dlv_prox_grad_d(size_t n, dlv_loss_fn_d loss, void *ctx, double lambda,
                    const dlv_pg_opts *opts, double *theta, double *work,
                    dlv_pg_info *info)
{
  int status = check_pg_args(n, loss, lambda, opts, theta, work, info);
  if (status != DLV_OK)
    return status;
  double *x = work, *g = work + n, *y = work + 2 * n;
  memcpy(x, theta, n * sizeof *x);
  dlv_pg_info it = {0, INFINITY, INFINITY, 0};
  while (it.iters < opts->max_iter && !it.converged) {
    status = pg_step(n, loss, ctx, lambda, opts->step, x, g, y, &it.gmap,
                     &it.scale);
    if (status != DLV_OK)
      return status;
    it.iters++;
    it.converged = it.gmap <= opts->tol * it.scale;
    memcpy(x, y, n * sizeof *x); /* invariant: x = theta_{iters} */
  }
  memcpy(theta, x, n * sizeof *theta);
  *info = it;
  return DLV_OK;
}

int dlv_l2reg_grad_d(size_t n, const double *grad, const double *theta,
                     double c, double *out)
{
  if (grad == NULL || theta == NULL || out == NULL || !isfinite(c))
    return DLV_EINVAL;
  if (n == 0)
    return DLV_EBADLEN;
  for (size_t i = 0; i < n; i++)
    out[i] = fma(c, theta[i], grad[i]); /* one rounding: no overflow of c
                                           * theta_i alone (prox_group.h) */
  return DLV_OK;
}
