/* ref_conv3d.c: MPFR reference of the 3D convolution and its gradients (see
 * ref_conv3d.h).  Written from the definition, one output element at a
 * time, gathering its terms: no code is shared with the kernels. */
#include <stdlib.h>

#include "dlv_status.h"
#include "mp.h"
#include "ref_conv3d.h"

/* Extents of L1 and the terms buffer. */
struct ref {
  const dlv_conv3d_shape *s;
  size_t h1, w1, t1;
  mpfr_t *terms; /* DLV_MP_PREC_PRODUCT bits: products are exact */
  size_t cap;
};

static size_t idx_l1(const struct ref *r, size_t b, size_t x, size_t y,
                     size_t t, size_t cp)
{
  return (((b * r->h1 + x) * r->w1 + y) * r->t1 + t) * r->s->cp + cp;
}

static size_t idx_f(const dlv_conv3d_shape *s, size_t u, size_t v,
                    size_t z, size_t cp, size_t c)
{
  return (((u * s->v + v) * s->z + z) * s->cp + cp) * s->c + c;
}

static size_t idx_l2(const dlv_conv3d_shape *s, size_t b, size_t x,
                     size_t y, size_t t, size_t c)
{
  return (((b * s->h + x) * s->w + y) * s->t + t) * s->c + c;
}

/* Sets up r with room for cap terms; DLV_EINVAL / DLV_ENOMEM. */
static int ref_init(struct ref *r, const dlv_conv3d_shape *s,
                    const void *a, const void *b, const void *out, size_t cap)
{
  r->terms = NULL;
  if (s == NULL || a == NULL || b == NULL || out == NULL)
    return DLV_EINVAL;
  if (!s->b || !s->h || !s->w || !s->t || !s->c || !s->cp || !s->u ||
      !s->v || !s->z)
    return DLV_EBADLEN;
  *r = (struct ref){s, s->h + s->u - 1, s->w + s->v - 1, s->t + s->z - 1,
                    NULL, cap};
  r->terms = dlv_mp_vec_alloc(cap, DLV_MP_PREC_PRODUCT);
  return r->terms ? DLV_OK : DLV_ENOMEM;
}

/* terms[i] = a b, exact. */
static void term(struct ref *r, size_t i, double a, double b)
{
  mpfr_set_d(r->terms[i], a, MPFR_RNDN);
  mpfr_mul_d(r->terms[i], r->terms[i], b, MPFR_RNDN);
}

int dlv_ref_conv3d_fwd(const dlv_conv3d_shape *s, const double *l1,
                       const double *f, mpfr_t *l2)
{
  struct ref r = {0};
  int status = ref_init(&r, s, l1, f, l2, s ? s->u * s->v * s->z * s->cp : 0);
  for (size_t b = 0; status == DLV_OK && b < s->b; b++)
    for (size_t x = 0; x < s->h; x++)
      for (size_t y = 0; y < s->w; y++)
        for (size_t t = 0; t < s->t; t++)
          for (size_t c = 0; c < s->c && status == DLV_OK; c++) {
            size_t n = 0;
            for (size_t u = 0; u < s->u; u++)
              for (size_t v = 0; v < s->v; v++)
                for (size_t z = 0; z < s->z; z++)
                  for (size_t cp = 0; cp < s->cp; cp++)
                    term(&r, n++, f[idx_f(s, u, v, z, cp, c)],
                         l1[idx_l1(&r, b, x + u, y + v, t + z, cp)]);
            status = dlv_mp_sum(l2[idx_l2(s, b, x, y, t, c)], r.terms, n);
          }
  if (r.terms)
    dlv_mp_vec_free(r.terms, r.cap);
  return status;
}

int dlv_ref_conv3d_bwd_filter(const dlv_conv3d_shape *s,
                              const double *l1, const double *g2, mpfr_t *gf)
{
  struct ref r = {0};
  int status =
      ref_init(&r, s, l1, g2, gf, s ? s->b * s->h * s->w * s->t : 0);
  for (size_t u = 0; status == DLV_OK && u < s->u; u++)
    for (size_t v = 0; v < s->v; v++)
      for (size_t z = 0; z < s->z; z++)
        for (size_t cp = 0; cp < s->cp; cp++)
          for (size_t c = 0; c < s->c && status == DLV_OK; c++) {
            size_t n = 0;
            for (size_t b = 0; b < s->b; b++)
              for (size_t x = 0; x < s->h; x++)
                for (size_t y = 0; y < s->w; y++)
                  for (size_t t = 0; t < s->t; t++)
                    term(&r, n++, g2[idx_l2(s, b, x, y, t, c)],
                         l1[idx_l1(&r, b, x + u, y + v, t + z, cp)]);
            status = dlv_mp_sum(gf[idx_f(s, u, v, z, cp, c)], r.terms, n);
          }
  if (r.terms)
    dlv_mp_vec_free(r.terms, r.cap);
  return status;
}

/* The input gradient gathered per element (the kernels scatter):
 * L1.grad[b,i,j,k,c'] = sum over (u,v,z,c) with x = i - u in [0, H),
 * y = j - v in [0, W), t = k - z in [0, T) of G[b,x,y,t,c] F[u,v,z,c',c]. */
int dlv_ref_conv3d_bwd_input(const dlv_conv3d_shape *s, const double *f,
                             const double *g2, mpfr_t *g1)
{
  struct ref r = {0};
  int status =
      ref_init(&r, s, f, g2, g1, s ? s->u * s->v * s->z * s->c : 0);
  for (size_t b = 0; status == DLV_OK && b < s->b; b++)
    for (size_t i = 0; i < r.h1; i++)
      for (size_t j = 0; j < r.w1; j++)
        for (size_t k = 0; k < r.t1; k++)
          for (size_t cp = 0; cp < s->cp && status == DLV_OK; cp++) {
            size_t n = 0;
            for (size_t u = 0; u < s->u; u++)
              for (size_t v = 0; v < s->v; v++)
                for (size_t z = 0; z < s->z; z++)
                  for (size_t c = 0; c < s->c; c++) {
                    if (i < u || i - u >= s->h || j < v || j - v >= s->w ||
                        k < z || k - z >= s->t)
                      continue;
                    term(&r, n++, g2[idx_l2(s, b, i - u, j - v, k - z, c)],
                         f[idx_f(s, u, v, z, cp, c)]);
                  }
            status = dlv_mp_sum(g1[idx_l1(&r, b, i, j, k, cp)], r.terms, n);
          }
  if (r.terms)
    dlv_mp_vec_free(r.terms, r.cap);
  return status;
}
