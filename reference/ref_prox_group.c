/* ref_prox_group.c: block soft-thresholding in MPFR (see ref_prox_group.h). */
#include <math.h>

#include "dlv_status.h"
#include "mp.h"
#include "ref_nrm2.h"
#include "ref_prox_group.h"
#include "stride.h"

/* out_i = s v_i, s = max(0, 1 - tau/N) = (N - tau)/N for N > tau, given
 * N = ||v|| at the working precision; v_i from vd (doubles, BLAS stride incv)
 * or, when vd is NULL, from vm. */
static void shrink(size_t n, const double *vd, ptrdiff_t incv, mpfr_t *vm,
                   double tau, mpfr_srcptr nrm, mpfr_t *out)
{
  mpfr_t s;
  mpfr_init2(s, mpfr_get_prec(nrm));
  if (mpfr_cmp_d(nrm, tau) <= 0) {
    mpfr_set_zero(s, 1);
  } else {
    mpfr_sub_d(s, nrm, tau, MPFR_RNDN);
    mpfr_div(s, s, nrm, MPFR_RNDN);
  }
  for (size_t i = 0; i < n; i++) {
    if (mpfr_zero_p(s))
      mpfr_set_zero(out[i], 1); /* +0, as the kernel */
    else if (vd != NULL)
      mpfr_mul_d(out[i], s, vd[dlv_stride_offset(n, incv, i)], MPFR_RNDN);
    else
      mpfr_mul(out[i], s, vm[i], MPFR_RNDN);
  }
  mpfr_clear(s);
}

int dlv_ref_prox_group(size_t n, const double *v, ptrdiff_t incv, double tau,
                       mpfr_t *out)
{
  if ((n > 0 && (v == NULL || out == NULL)) || incv == 0 ||
      !(tau >= 0.0 && isfinite(tau)))
    return DLV_EINVAL;
  if (n == 0)
    return DLV_OK;
  mpfr_t nrm;
  mpfr_init2(nrm, mpfr_get_prec(out[0]) + 64);
  int status = dlv_ref_nrm2(n, v, incv, nrm);
  if (status == DLV_OK && mpfr_inf_p(nrm))
    status = DLV_EDOM;
  if (status == DLV_OK)
    shrink(n, v, incv, NULL, tau, nrm, out);
  mpfr_clear(nrm);
  return status;
}

int dlv_ref_prox_group_mp(size_t n, mpfr_t *v, double tau, mpfr_t *out)
{
  if ((n > 0 && (v == NULL || out == NULL)) || !(tau >= 0.0 && isfinite(tau)))
    return DLV_EINVAL;
  if (n == 0)
    return DLV_OK;
  mpfr_prec_t prec = mpfr_get_prec(out[0]) + 64;
  mpfr_t nrm;
  mpfr_init2(nrm, prec);
  mpfr_t *sq = dlv_mp_vec_alloc(n, 2 * mpfr_get_prec(v[0]));
  int status = sq == NULL ? DLV_ENOMEM : DLV_OK;
  for (size_t i = 0; status == DLV_OK && i < n; i++) {
    if (mpfr_nan_p(v[i]))
      status = DLV_ENAN;
    mpfr_sqr(sq[i], v[i], MPFR_RNDN); /* exact */
  }
  for (size_t i = 0; status == DLV_OK && i < n; i++)
    if (mpfr_inf_p(v[i]))
      status = DLV_EDOM;
  if (status == DLV_OK) {
    dlv_mp_sum(nrm, sq, n);
    mpfr_sqrt(nrm, nrm, MPFR_RNDN);
    shrink(n, NULL, 1, v, tau, nrm, out);
  }
  if (sq != NULL)
    dlv_mp_vec_free(sq, n);
  mpfr_clear(nrm);
  return status;
}
