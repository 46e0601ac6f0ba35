/* ref_conv3d_lowp.c: see ref_conv3d_lowp.h. */
#include <math.h>
#include <stdlib.h>

#include "dlv_status.h"
#include "ref_conv3d_lowp.h"
#include "ref_lowp.h"

/* The smallest normal of each format (below: subnormal). */
static double min_normal(int fmt)
{
  return fmt == DLV_REF_BF16 ? 0x1p-126 : 0x1p-14;
}

static double *decoded(const uint16_t *x, size_t n, dlv_ref_lowp_read rd)
{
  double *d = malloc((n ? n : 1) * sizeof *d);
  for (size_t i = 0; d != NULL && i < n; i++) {
    double v = dlv_ref_lowp_decode(x[i], rd.fmt);
    if (rd.daz && fabs(v) < min_normal(rd.fmt))
      v = copysign(0.0, v);
    d[i] = rd.absolute ? fabs(v) : v;
  }
  return d;
}

int dlv_ref_lowp_conv3d(int pass, const dlv_conv3d_shape *s,
                        const uint16_t *a, size_t na, const uint16_t *b,
                        size_t nb, dlv_ref_lowp_read rd, mpfr_t *out)
{
  if (a == NULL || b == NULL)
    return DLV_EINVAL;
  double *da = decoded(a, na, rd), *db = decoded(b, nb, rd);
  int st = DLV_ENOMEM;
  if (da != NULL && db != NULL)
    st = pass == DLV_REF_CONV3D_FWD ? dlv_ref_conv3d_fwd(s, da, db, out)
         : pass == DLV_REF_CONV3D_BWD_FILTER
             ? dlv_ref_conv3d_bwd_filter(s, da, db, out)
             : dlv_ref_conv3d_bwd_input(s, da, db, out);
  free(da);
  free(db);
  return st;
}
