/* bf16_inline.h: the bf16 conversions of lowp.h as inline functions on
 * the bits, for the kernels' element loops (internal, not installed).  The
 * public dlv_bf16_to_float and dlv_bf16_from_float (lowp_convert.c) are
 * these; a loop that calls the public functions pays a call per element
 * and is not vectorized. */
#ifndef DLV_BF16_INLINE_H
#define DLV_BF16_INLINE_H

#include <stdint.h>
#include <string.h>

/* bf16 is the high half of a float: widening is exact. */
static inline float dlv_bf16_bits_to_float(uint16_t bits)
{
  uint32_t b = (uint32_t)bits << 16;
  float f;
  memcpy(&f, &b, sizeof f);
  return f;
}

/* Round to nearest even on the bits: adding 0x7fff plus the lowest kept
 * bit carries into the kept half exactly when the dropped half is above
 * the midpoint, or at it with an odd kept half; a carry out of the
 * fraction raises the exponent (FLT_MAX's neighbourhood becomes Inf).  A
 * NaN keeps its sign and high payload bits and is made quiet. */
static inline uint16_t dlv_bf16_bits_from_float(float x)
{
  uint32_t b;
  memcpy(&b, &x, sizeof b);
  if ((b & 0x7fffffffu) > 0x7f800000u) /* NaN */
    return (uint16_t)((b >> 16) | 0x0040u);
  b += 0x7fffu + ((b >> 16) & 1u);
  return (uint16_t)(b >> 16);
}

#endif
