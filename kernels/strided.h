/* strided.h: internal argument checks shared by the strided vector kernels.
 * Not part of the public API (prefix dlv__). */
#ifndef DLV_STRIDED_H
#define DLV_STRIDED_H

#include <stddef.h>
#include <stdint.h>

#include "dlv_status.h"
#include "stride.h"

/* Strides follow BLAS (stride.h): the caller's pointer is the lowest
 * address.  An entry point moves it to element 0 once, after
 * dlv__check_vector, with x += dlv_stride_first(n, inc); from there on the
 * code addresses element i as x[i * inc] for either sign of inc. */

/* DLV_OK when a vector of n elements at stride inc can be addressed:
 * inc != 0 and (n - 1) * |inc| fits in ptrdiff_t.  p may be NULL only when
 * n == 0. */
static inline int dlv__check_vector(size_t n, const void *p, ptrdiff_t inc)
{
  if (inc == 0 || (n > 0 && p == NULL))
    return DLV_EINVAL;
  size_t step = inc < 0 ? (size_t)0 - (size_t)inc : (size_t)inc;
  if (n > 1 && (size_t)PTRDIFF_MAX / step < n - 1)
    return DLV_EBADLEN;
  return DLV_OK;
}

#endif
