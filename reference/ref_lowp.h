/* ref_lowp.h: MPFR twins of kernels/lowp.h (issue 18).  Independent of
 * the kernels: bf16/fp16 bit patterns are decoded here from their fields,
 * and roundings to a format are MPFR's own (precision p, exponent range,
 * mpfr_subnormalize), modelled exactly where the kernel rounds.
 *
 * Formats: DLV_REF_BF16 (p 8, emin -126, emax 127) and DLV_REF_FP16
 * (p 11, emin -14, emax 15); vectors are arrays of bit patterns at BLAS
 * strides, element i at x[dlv_stride_offset(n, inc, i)] (stride.h). */
#ifndef DLV_REF_LOWP_H
#define DLV_REF_LOWP_H

#include <stddef.h>
#include <stdint.h>

#include <mpfr.h>

enum { DLV_REF_BF16 = 0, DLV_REF_FP16 = 1 };

/* The exact value of a bit pattern (every bf16/fp16 value is a double). */
double dlv_ref_lowp_decode(uint16_t bits, int fmt);
/* x rounded to nearest even in the format (gradual underflow, overflow to
 * +-Inf, NaN to a quiet NaN), as a bit pattern. */
uint16_t dlv_ref_lowp_round(mpfr_srcptr x, int fmt);
/* The same for a double (read exactly; a NaN keeps its sign). */
uint16_t dlv_ref_lowp_round_d(double x, int fmt);

/* ||x|| and x / ||x|| exactly (at the precision of the outputs): the
 * values decoded, then ref_nrm2.h's twins (same special values). */
int dlv_ref_lowp_nrm2(size_t n, const uint16_t *x, ptrdiff_t inc, int fmt,
                      mpfr_ptr result);
int dlv_ref_lowp_nrm2_grad(size_t n, const uint16_t *x, ptrdiff_t inc,
                           int fmt, mpfr_t *g);
/* The naive norm of lowp.h: left to right, each square, each partial sum
 * and the final sqrt rounded to the format; *result its exact value (a
 * format value or +Inf).  Statuses as dlv_ref_lowp_nrm2. */
int dlv_ref_lowp_nrm2_naive(size_t n, const uint16_t *x, ptrdiff_t inc,
                            int fmt, double *result);

#endif
