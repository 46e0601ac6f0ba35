/* ref_prox_group.h: MPFR twin of dlv_prox_group_d / _s (kernels/
 * prox_group.h): same name stem, same argument order, inputs as double
 * (which holds every float exactly).
 *
 * out_i = max(0, 1 - tau/N) v_i with N = ||v|| at the precision of out[0]
 * plus 64 bits (squares exact, one rounding for the sum, one for the
 * square root), so every out_i has relative error about 2^-(prec - 2);
 * exactly +0 when N <= tau, decided at that precision (it is decided
 * exactly whenever N is exact, e.g. for Pythagorean tuples).  Status as the
 * kernel's: DLV_EINVAL (tau negative or not finite, NULL), DLV_ENAN (NaN in
 * v), DLV_EDOM (an infinity in v). */
#ifndef DLV_REF_PROX_GROUP_H
#define DLV_REF_PROX_GROUP_H

#include <stddef.h>

#include <mpfr.h>

int dlv_ref_prox_group(size_t n, const double *v, ptrdiff_t incv, double tau,
                       mpfr_t *out);

/* The same for an MPFR vector v (contiguous, all of one precision; e.g. a
 * gradient step x - t g computed exactly): the squares are exact at twice
 * v's precision and summed with one rounding. */
int dlv_ref_prox_group_mp(size_t n, mpfr_t *v, double tau, mpfr_t *out);

#endif
