/* hvp.c: complex-step and central-difference Hessian-vector products and
 * the exact line search step (see hvp.h). */
#include "dlv_cmplx.h"
#include <math.h>
#include <stdlib.h>

#include "dlv_status.h"
#include "hvp.h"
#include "nrm2.h"

/* gamma_n = n u / (1 - n u), u = 2^-53 (checks/bounds.h, dlv_gamma). */
static double gamma_d(size_t n)
{
  double nu = (double)n * 0x1p-53;
  return nu / (1.0 - nu);
}

static int any_nan(size_t n, const double *x)
{
  for (size_t i = 0; i < n; i++)
    if (isnan(x[i]))
      return 1;
  return 0;
}

int dlv_hvp_step_d(size_t n, const double *theta, const double *v, double h,
                 double *t)
{
  if (theta == NULL || v == NULL || t == NULL ||
      !(h > 0.0 && h <= DLV_HVP_H_MAX))
    return DLV_EINVAL;
  double nt, nv;
  int status = dlv_nrm2_d(n, theta, 1, &nt);
  if (status == DLV_OK)
    status = dlv_nrm2_d(n, v, 1, &nv);
  if (status != DLV_OK)
    return status;
  if (!isfinite(nt) || !isfinite(nv) || nv == 0.0)
    return DLV_EDOM;
  int e = ilogb(h) + (nt > 0.0 ? ilogb(nt) : 0) - ilogb(nv);
  if (e < ilogb(DLV_HVP_T_MIN) || e > ilogb(DLV_HVP_T_MAX))
    return DLV_EDOM;
  *t = ldexp(1.0, e);
  return DLV_OK;
}

/* What both HVP kernels do first: check the arguments, then either answer
 * at once (v = 0: hv = 0, *done set) or find the step *t. */
static int hvp_begin(const dlv_closs *loss, const double *theta,
                     const double *v, double h, double *hv, double *t,
                     int *done)
{
  *done = 1;
  if (loss == NULL || loss->eval_d == NULL || loss->eval_z == NULL ||
      theta == NULL || v == NULL || hv == NULL ||
      !(h > 0.0 && h <= DLV_HVP_H_MAX))
    return DLV_EINVAL;
  if (loss->n == 0)
    return DLV_EBADLEN;
  if (any_nan(loss->n, theta) || any_nan(loss->n, v))
    return DLV_ENAN;
  int zero = 1;
  for (size_t i = 0; i < loss->n; i++)
    zero &= v[i] == 0.0;
  if (zero) {
    for (size_t i = 0; i < loss->n; i++)
      hv[i] = 0.0;
    return DLV_OK;
  }
  *done = 0;
  return dlv_hvp_step_d(loss->n, theta, v, h, t);
}

/* Copies the n results to hv unless one is NaN. */
static int publish(size_t n, const double *r, double *hv)
{
  if (any_nan(n, r))
    return DLV_ENAN;
  for (size_t i = 0; i < n; i++)
    hv[i] = r[i];
  return DLV_OK;
}

int dlv_hvp_cstep_d(const dlv_closs *loss, const double *theta, const double *v,
                  double h, double *hv)
{
  double t;
  int done, status = hvp_begin(loss, theta, v, h, hv, &t, &done);
  if (done || status != DLV_OK)
    return status;
  const size_t n = loss->n;
  double complex *z = malloc(2 * n * sizeof *z);
  double *r = malloc(n * sizeof *r);
  if (z == NULL || r == NULL) {
    free(z);
    free(r);
    return DLV_ENOMEM;
  }
  double complex *gz = z + n;
  /* Theta + i t v: t is a power of two, so t v_j is exact unless it
   * underflows. */
  for (size_t j = 0; j < n; j++)
    z[j] = CMPLX(theta[j], t * v[j]);
  status = loss->eval_z(loss->params, n, z, NULL, gz);
  if (status == DLV_OK) {
    for (size_t j = 0; j < n; j++)
      r[j] = cimag(gz[j]) / t; /* exact: t is a power of two */
    status = publish(n, r, hv);
  }
  free(r);
  free(z);
  return status;
}

int dlv_hvp_central_d(const dlv_closs *loss, const double *theta,
                    const double *v, double h, double *hv)
{
  double t;
  int done, status = hvp_begin(loss, theta, v, h, hv, &t, &done);
  if (done || status != DLV_OK)
    return status;
  const size_t n = loss->n;
  double *w = malloc(4 * n * sizeof *w);
  if (w == NULL)
    return DLV_ENOMEM;
  double *gp = w + n, *gm = w + 2 * n, *r = w + 3 * n;
  for (size_t j = 0; j < n; j++)
    w[j] = theta[j] + t * v[j];
  status = loss->eval_d(loss->params, n, w, NULL, gp);
  for (size_t j = 0; j < n; j++)
    w[j] = theta[j] - t * v[j];
  if (status == DLV_OK)
    status = loss->eval_d(loss->params, n, w, NULL, gm);
  if (status == DLV_OK) {
    for (size_t j = 0; j < n; j++)
      r[j] = (gp[j] - gm[j]) / (2.0 * t); /* exact division by 2t */
    status = publish(n, r, hv);
  }
  free(w);
  return status;
}

/* max_i |x_i| (NaN-free input). */
static double max_abs(size_t n, const double *x)
{
  double m = 0.0;
  for (size_t i = 0; i < n; i++)
    m = fabs(x[i]) > m ? fabs(x[i]) : m;
  return m;
}

int dlv_linesearch_step_d(size_t n, const double *g, const double *hg,
                        double hg_err, double *lambda)
{
  if (g == NULL || hg == NULL || lambda == NULL || !(hg_err >= 0.0))
    return DLV_EINVAL;
  if (n == 0)
    return DLV_EBADLEN;
  if (any_nan(n, g) || any_nan(n, hg))
    return DLV_ENAN;
  /* lambda(g, Hg) = lambda(g sg, Hg sh) sh/sg for powers of two sg, sh, so
   * g and Hg are scaled (exactly) to magnitudes near 1 first: ||g||^2 and
   * g.Hg can then neither underflow nor overflow (found by fuzzing: with
   * g ~ 1e-236, ||g||^2 underflowed to 0 and the step came out 0). */
  double gmax = max_abs(n, g), hmax = max_abs(n, hg);
  if (!isfinite(gmax) || !isfinite(hmax) || gmax == 0.0 || hmax == 0.0)
    return DLV_EDOM;
  int kg = -ilogb(gmax), kh = -ilogb(hmax);
  kg = kg > 1023 ? 1023 : kg; /* 2^k must stay finite for subnormal maxima */
  kh = kh > 1023 ? 1023 : kh;
  double sg = ldexp(1.0, kg), sh = ldexp(1.0, kh);
  double gg = 0.0, ghg = 0.0, mag = 0.0;
  for (size_t i = 0; i < n; i++) {
    double gi = g[i] * sg, hi = hg[i] * sh; /* exact but for underflow */
    gg += gi * gi;
    ghg += gi * hi;
    mag += fabs(gi * hi);
  }
  /* The bound on |computed g.Hg - g.Hg| (scaled); n 2^-1072 covers entries
   * that underflowed when scaled (each below 2^-1074 against maxima >= 1),
   * the factor 1 + 2 gamma_{n+6} the at most n + 6 roundings of this
   * expression itself (mag and gg are sums of n terms: the former factor
   * 1 + 2^-50 fell short of them from n = 8 on, found while deriving the
   * gate's limit cases). */
  double err = (gamma_d(n) * mag + sqrt(gg) * hg_err * sh *
                                       (1.0 + gamma_d(n)) +
                (double)n * 0x1p-1072) *
               (1.0 + 2.0 * gamma_d(n + 6));
  if (!(ghg > err))
    return DLV_EDOM;
  /* lambda = lambda' 2^(kh - kg), lambda' the quotient of the scaled sums
   * formed from their mantissas, so that only the final ldexp can
   * overflow or underflow (found by the gate: with the maxima of g and Hg
   * at different places, the scaled quotient overflowed although lambda
   * ~ 2^1010 is finite). */
  int eg, eh;
  double mg = frexp(gg, &eg), mh = frexp(ghg, &eh);
  double step = ldexp(mg / mh, eg - eh + kh - kg);
  if (!isfinite(step) || step == 0.0)
    return DLV_EDOM;
  *lambda = step;
  return DLV_OK;
}
