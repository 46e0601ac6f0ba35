/* stride.h: the stride convention of every strided vector argument, BLAS's.
 *
 * A vector of n elements at stride inc (inc != 0) is passed as a pointer x
 * to its LOWEST address, as in BLAS and CBLAS:
 *   inc > 0: element i is x[i * inc];
 *   inc < 0: element i is x[(n - 1 - i) * |inc|] (element 0 is the last in
 *            memory).
 * Either way the vector spans x[0 .. (n - 1) |inc|].  So dlv_nrm2_d(n, x,
 * -1, &r) reads the same numbers as with +1, and dlv_nrm2_grad_d(n, x, 1,
 * g, -1) writes the gradient reversed into g[0 .. n - 1].
 *
 * dlv_stride_first(n, inc) is the offset of element 0 from x, and
 * dlv_stride_offset(n, inc, i) that of element i; both fit ptrdiff_t when
 * (n - 1) |inc| does, which every kernel checks first (DLV_EBADLEN). */
#ifndef DLV_STRIDE_H
#define DLV_STRIDE_H

#include <stddef.h>

static inline ptrdiff_t dlv_stride_first(size_t n, ptrdiff_t inc)
{
  return inc < 0 && n > 1 ? (ptrdiff_t)(n - 1) * -inc : 0;
}

static inline ptrdiff_t dlv_stride_offset(size_t n, ptrdiff_t inc, size_t i)
{
  return dlv_stride_first(n, inc) + (ptrdiff_t)i * inc;
}

#endif
