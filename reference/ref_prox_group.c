/* ref_prox_group.c: block soft-thresholding in MPFR (see ref_prox_group.h). */
#include <math.h>

#include "dlv_status.h"
#include "ref_nrm2.h"
#include "ref_prox_group.h"
#include "stride.h"

int dlv_ref_prox_group(size_t n, const double *v, ptrdiff_t incv, double tau,
                       mpfr_t *out)
{
  if ((n > 0 && (v == NULL || out == NULL)) || incv == 0 ||
      !(tau >= 0.0 && isfinite(tau)))
    return DLV_EINVAL;
  if (n == 0)
    return DLV_OK;
  mpfr_t nrm, s;
  mpfr_inits2(mpfr_get_prec(out[0]) + 64, nrm, s, (mpfr_ptr)0);
  int status = dlv_ref_nrm2(n, v, incv, nrm);
  if (status == DLV_OK && mpfr_inf_p(nrm))
    status = DLV_EDOM;
  if (status == DLV_OK) {
    if (mpfr_cmp_d(nrm, tau) <= 0) {
      mpfr_set_zero(s, 1);
    } else { /* s = (N - tau)/N */
      mpfr_sub_d(s, nrm, tau, MPFR_RNDN);
      mpfr_div(s, s, nrm, MPFR_RNDN);
    }
    for (size_t i = 0; i < n; i++) {
      if (mpfr_zero_p(s))
        mpfr_set_zero(out[i], 1); /* +0, as the kernel */
      else
        mpfr_mul_d(out[i], s, v[dlv_stride_offset(n, incv, i)], MPFR_RNDN);
    }
  }
  mpfr_clears(nrm, s, (mpfr_ptr)0);
  return status;
}
