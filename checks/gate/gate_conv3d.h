/* gate_conv3d.h: shared by the gate families conv3d and conv3d_lowp: the
 * shapes every conv3d entry point must refuse with DLV_EBADLEN
 * (include/dlv/conv3d.h: an extent 0 or above INT_MAX / 2, a count of
 * elements above INT_MAX), and when exact data must give an exact sum. */
#ifndef DLV_GATE_CONV3D_H
#define DLV_GATE_CONV3D_H

#include <limits.h>
#include <stdint.h>

#include "conv3d.h"
#include "gate.h"

_Static_assert(SIZE_MAX / 2 >= UINT32_MAX,
               "the wrapping shape needs a 64-bit size_t");

/* A count above INT_MAX, one of three in turn: B C = 2^31 (L2's count is
 * INT_MAX + 1); B = H = W = T = 2^16, each extent admissible, whose L1
 * count B H W T C = 2^64 wraps to 0 in a size_t (a test on the wrapped
 * product lets it through); or the lowered matrix's, B H W T x U V Z C' =
 * 2^16 x 2^15 = 2^31, every operand's count far below INT_MAX. */
static inline void dlv_gate_conv3d_count_overflow(dlv_gate_case *c,
                                                  dlv_conv3d_shape *s)
{
  switch (dlv_gate_enum(c, 3)) {
  case 0:
    *s = (dlv_conv3d_shape){1u << 16, 1, 1, 1, 1u << 15, 1, 1, 1, 1};
    dlv_gate_note(c, "error: B C = 2^31");
    break;
  case 1:
    *s = (dlv_conv3d_shape){1u << 16, 1u << 16, 1u << 16, 1u << 16, 1, 1,
                            1, 1, 1};
    dlv_gate_note(c, "error: B H W T = 2^64 (wraps to 0)");
    break;
  default:
    *s = (dlv_conv3d_shape){1, 64, 32, 32, 1, 1, 32, 32, 32};
    dlv_gate_note(c, "error: B H W T x U V Z C' = 2^31");
  }
}

/* One shape the contract refuses, one of three in turn: an extent 0, an
 * extent INT_MAX / 2 + 1, a count above INT_MAX (the extent drawn). */
static inline void dlv_gate_conv3d_bad_shape(dlv_gate_case *c,
                                             dlv_conv3d_shape *s)
{
  size_t *ext[] = {&s->b, &s->h, &s->w, &s->t, &s->c,
                   &s->cp, &s->u, &s->v, &s->z};
  unsigned which = (unsigned)dlv_gate_draw(c, 9);
  switch (dlv_gate_enum(c, 3)) {
  case 0:
    *ext[which] = 0;
    dlv_gate_note(c, "error: extent %u is 0", which);
    break;
  case 1:
    *ext[which] = (size_t)INT_MAX / 2 + 1;
    dlv_gate_note(c, "error: extent %u is INT_MAX / 2 + 1", which);
    break;
  default:
    dlv_gate_conv3d_count_overflow(c, s);
  }
}

/* Exact data: every operand an integer (the value class "exact").  Every
 * product is then an integer, and so is every partial sum of them in any
 * order, of magnitude at most S = sum |a b|.  With S <= 2^p (p the
 * accumulator's significand bits: 24 for float, 53 for double) every one
 * of them is representable, so every rounding is exact and the result is
 * the exact sum, bit for bit (+0 for a zero: a sum that starts from +0
 * never becomes -0 by adding exact terms). */
static inline int dlv_gate_conv3d_sum_exact(double abs_sum, int is_float)
{
  return abs_sum <= (is_float ? 0x1p24 : 0x1p53);
}

#endif
