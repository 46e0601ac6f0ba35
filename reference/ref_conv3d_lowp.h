/* ref_conv3d_lowp.h: MPFR twin of include/dlv/conv3d_lowp.h.  The bf16 or
 * fp16 patterns are decoded exactly (ref_lowp.h, from their fields), with
 * the kernel's conversion modelled where it converts: the bf16 kernel
 * reads a subnormal input as 0 (vdpbf16ps's DAZ, daz = 1); fp16 inputs
 * are converted exactly (daz = 0).  Then each output element is the exact
 * sum of its products rounded once (ref_conv3d.h's twins).  With absolute
 * = 1 every decoded value is replaced by its magnitude: the result is
 * S = sum |a b|, the scale of the error bound. */
#ifndef DLV_REF_CONV3D_LOWP_H
#define DLV_REF_CONV3D_LOWP_H

#include <stddef.h>
#include <stdint.h>

#include <mpfr.h>

#include "ref_conv3d.h"

/* Passes in conv3d.h's order (DLV_CONV3D_FWD, _BWD_FILTER, _BWD_INPUT). */
enum { DLV_REF_CONV3D_FWD, DLV_REF_CONV3D_BWD_FILTER,
       DLV_REF_CONV3D_BWD_INPUT };

typedef struct {
  int fmt;      /* DLV_REF_BF16 or DLV_REF_FP16 */
  int daz;      /* subnormal inputs read as 0 */
  int absolute; /* |a|, |b|: S instead of the value */
} dlv_ref_lowp_read;

/* a, b: the pass's operands in the kernel's order (forward L1, F; filter
 * gradient L1, G; input gradient F, G) with na, nb patterns; out as
 * ref_conv3d.h.  Statuses as ref_conv3d.h (DLV_ENOMEM also for the decoded
 * copies). */
int dlv_ref_lowp_conv3d(int pass, const dlv_conv3d_shape *s,
                        const uint16_t *a, size_t na, const uint16_t *b,
                        size_t nb, dlv_ref_lowp_read rd, mpfr_t *out);

#endif
