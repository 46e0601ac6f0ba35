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

/* A count above INT_MAX, one of four in turn, each count's factors all
 * at least 2, so that a rule leaving out any one factor (the count then
 * at most 2^30) lets the shape through:
 * - L2's, B H W T C = 2 2 2 2 2^27 = 2^31;
 * - F's, U V Z C' C = 2 2 2 2^14 2^14 = 2^31;
 * - the lowered matrix's, B H W T x U V Z C' = 2 16^3 x 32^3 8 = 2^31;
 * every other count far below INT_MAX in each;
 * - B = H = W = T = 2^16, each extent admissible, whose L1 count
 *   B H W T C = 2^64 wraps to 0 in a size_t (a test on the wrapped
 *   product lets it through).
 * (L1's count, B (H+U-1) (W+V-1) (T+Z-1) C', is at most the lowered
 * matrix's: h + u - 1 <= h u.) */
enum { DLV_GATE_CONV3D_NCOUNT = 4 };

/* Count shape `which` (0 .. DLV_GATE_CONV3D_NCOUNT - 1, above); its note. */
static inline const char *dlv_gate_conv3d_count_shape(unsigned which,
                                                      dlv_conv3d_shape *s)
{
  /* fields: b, h, w, t, c, cp, u, v, z */
  switch (which) {
  case 0:
    *s = (dlv_conv3d_shape){2, 2, 2, 2, 1u << 27, 1, 1, 1, 1};
    return "B H W T C = 2^31";
  case 1:
    *s = (dlv_conv3d_shape){1, 1, 1, 1, 1u << 14, 1u << 14, 2, 2, 2};
    return "U V Z C' C = 2^31";
  case 2:
    *s = (dlv_conv3d_shape){2, 16, 16, 16, 1, 8, 32, 32, 32};
    return "B H W T x U V Z C' = 2^31";
  default:
    *s = (dlv_conv3d_shape){1u << 16, 1u << 16, 1u << 16, 1u << 16, 1, 1,
                            1, 1, 1};
    return "B H W T = 2^64 (wraps to 0)";
  }
}

static inline void dlv_gate_conv3d_count_overflow(dlv_gate_case *c,
                                                  dlv_conv3d_shape *s)
{
  dlv_gate_note(c, "error: %s",
                dlv_gate_conv3d_count_shape(
                    dlv_gate_enum(c, DLV_GATE_CONV3D_NCOUNT), s));
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
