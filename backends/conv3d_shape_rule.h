/* conv3d_shape_rule.h: conv3d.h's rule for a shape, for the plugins (which
 * do not link dlverify's kernels): every extent in 1 .. INT_MAX / 2 and the
 * element counts of L1, F, L2 and of the lowered matrix (B H W T x U V Z C',
 * IM2COL's workspace) at most INT_MAX.  A plugin refuses any other shape
 * with DLV_EBADLEN (its own lowering may refuse more). */
#ifndef DLV_CONV3D_SHAPE_RULE_H
#define DLV_CONV3D_SHAPE_RULE_H

#include <limits.h>
#include <stddef.h>

#include "dlv_conv3d_shape.h"

/* Whether the product of n extents (each at most INT_MAX / 2) is at most
 * INT_MAX. */
static inline int dlv_bk_count_fits(const size_t *e, int n)
{
  size_t p = 1;
  for (int i = 0; i < n; i++) {
    if (p > (size_t)INT_MAX / e[i])
      return 0;
    p *= e[i];
  }
  return 1;
}

static inline int dlv_bk_conv3d_shape_ok(const dlv_conv3d_shape *s)
{
  const size_t all[] = {s->b, s->h, s->w, s->t, s->c, s->cp, s->u, s->v, s->z};
  for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
    if (all[i] == 0 || all[i] > (size_t)INT_MAX / 2)
      return 0;
  const size_t l1[] = {s->b, s->h + s->u - 1, s->w + s->v - 1,
                       s->t + s->z - 1, s->cp};
  const size_t f[] = {s->u, s->v, s->z, s->cp, s->c};
  const size_t l2[] = {s->b, s->h, s->w, s->t, s->c};
  const size_t lowered[] = {s->b, s->h, s->w, s->t, s->u, s->v, s->z, s->cp};
  return dlv_bk_count_fits(l1, 5) && dlv_bk_count_fits(f, 5) &&
         dlv_bk_count_fits(l2, 5) && dlv_bk_count_fits(lowered, 8);
}

#endif
