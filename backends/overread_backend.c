/* overread_backend.c: a plugin whose double norm reads one element past
 * each end of its vector (a plausible indexing bug), the gate's own test
 * of a crash in a case (CTests backend_crash_*).  The gate puts a page
 * guard at one end of every array: the read there faults, and the gate
 * must fail the case like any other finding (shrunk, with its repro, its
 * row in the matrix, subject to --xfail), not end the entry or the run.
 * Its version string, "1 overreads", is what --xfail ENTRY@WORD is
 * matched against (as a word: "overread" is not in it). */
#include <math.h>
#include <stddef.h>

#include "dlv_backend.h"
#include "dlv_status.h"

/* sqrt(sum x_i^2), unscaled (incx > 0: the strides it declares), after
 * reading the elements just outside x's span (the value read is unused:
 * only the access matters). */
static int nrm2_d(size_t n, const double *x, ptrdiff_t incx, double *r)
{
  if ((n > 0 && x == NULL) || r == NULL || incx <= 0)
    return DLV_EINVAL;
  size_t step = (size_t)incx;
  double s = 0;
  if (n > 0) {
    const volatile double *v = x;
    volatile double sink = v[-1]; /* the bug: a span one element too wide */
    sink = v[(n - 1) * step + 1];
    (void)sink;
  }
  for (size_t i = 0; i < n; i++)
    s += x[i * step] * x[i * step];
  *r = sqrt(s);
  return DLV_OK;
}

const dlv_backend *dlv_backend_entry(void);
const dlv_backend *dlv_backend_entry(void)
{
  static const dlv_backend t = {
      .abi_version = DLV_BACKEND_ABI_VERSION,
      .name = "overread",
      .version = "1 overreads",
      .support = {[DLV_BK_NRM2] = {DLV_BK_PROVIDED | DLV_BK_STRIDES, 0}},
      .nrm2_d = nrm2_d};
  return &t;
}
