/* conv3d_tmpl.h: the typed half of conv3d.c, included once per data type
 * with REAL (element type), ACC (accumulator type of the direct loops, the
 * same as REAL), SUF (name suffix d or s) and GEMM (cblas_dgemm or
 * cblas_sgemm) defined.  Not a public header.
 *
 * Portable C (no intrinsics): DIRECT, PER_POSITION, IM2COL and the public
 * entries, which hand FAST to its AVX-512 passes (conv3d_avx512.c,
 * conv3d_fast_tmpl.h) when dlv_conv3d_isa() is DLV_CONV3D_ISA_AVX512 and
 * compute it as IM2COL otherwise.
 *
 * Every function here assumes its arguments were checked by the public
 * entry (struct dims valid, pointers non-NULL, workspace long enough). */

#define CAT_(a, b) a##_##b
#define CAT(a, b) CAT_(a, b)
#define FN(name) CAT(name, SUF)

/* Copies the (U, V, Z, C') patch of L1 at (b, x, y, t) to dst, contiguous:
 * one row of the lowered matrix.  Each (u, v) row of the patch is Z C'
 * contiguous elements of L1. */
static void FN(gather_patch)(const struct dims *d, const REAL *l1, size_t b,
                             size_t x, size_t y, size_t t, REAL *dst)
{
  size_t run = d->z * d->cp;
  for (size_t u = 0; u < d->u; u++)
    for (size_t v = 0; v < d->v; v++) {
      const REAL *src = l1 + l1_at(d, b, x + u, y + v, t, 0);
      memcpy(dst + (u * d->v + v) * run, src, run * sizeof *dst);
    }
}

/* The adjoint of gather_patch: adds the patch src into g1 at (b, x, y, t). */
static void FN(scatter_patch)(const struct dims *d, const REAL *src, size_t b,
                              size_t x, size_t y, size_t t, REAL *g1)
{
  size_t run = d->z * d->cp;
  for (size_t u = 0; u < d->u; u++)
    for (size_t v = 0; v < d->v; v++) {
      REAL *dst = g1 + l1_at(d, b, x + u, y + v, t, 0);
      const REAL *p = src + (u * d->v + v) * run;
      for (size_t i = 0; i < run; i++)
        dst[i] += p[i];
    }
}

/* ---- DIRECT: the += loops; a local accumulator per output element sums in
 * the printed order (u, v, z, c' for L2; b, x, y, t for F.grad), which is
 * what += into a zeroed element computes. */

static void FN(direct_fwd)(const struct dims *d, const REAL *l1,
                           const REAL *f, REAL *l2)
{
  for (size_t b = 0; b < d->b; b++)
    for (size_t x = 0; x < d->h; x++)
      for (size_t y = 0; y < d->w; y++)
        for (size_t t = 0; t < d->t; t++)
          for (size_t c = 0; c < d->c; c++) {
            ACC acc = 0;
            for (size_t u = 0; u < d->u; u++)
              for (size_t v = 0; v < d->v; v++)
                for (size_t z = 0; z < d->z; z++)
                  for (size_t cp = 0; cp < d->cp; cp++)
                    acc += f[f_at(d, u, v, z, cp, c)] *
                           l1[l1_at(d, b, x + u, y + v, t + z, cp)];
            l2[l2_at(d, b, x, y, t, c)] = (REAL)acc;
          }
}

static void FN(direct_bwd_filter)(const struct dims *d, const REAL *l1,
                                  const REAL *g2, REAL *gf)
{
  for (size_t u = 0; u < d->u; u++)
    for (size_t v = 0; v < d->v; v++)
      for (size_t z = 0; z < d->z; z++)
        for (size_t cp = 0; cp < d->cp; cp++)
          for (size_t c = 0; c < d->c; c++) {
            ACC acc = 0;
            for (size_t b = 0; b < d->b; b++)
              for (size_t x = 0; x < d->h; x++)
                for (size_t y = 0; y < d->w; y++)
                  for (size_t t = 0; t < d->t; t++)
                    acc += g2[l2_at(d, b, x, y, t, c)] *
                           l1[l1_at(d, b, x + u, y + v, t + z, cp)];
            gf[f_at(d, u, v, z, cp, c)] = (REAL)acc;
          }
}

/* The scatter form, exactly as printed (corrected): every term is added
 * into L1.grad in memory, in the order of the loops. */
static void FN(direct_bwd_input)(const struct dims *d, const REAL *f,
                                 const REAL *g2, REAL *g1)
{
  memset(g1, 0, d->n_l1 * sizeof *g1);
  for (size_t b = 0; b < d->b; b++)
    for (size_t x = 0; x < d->h; x++)
      for (size_t y = 0; y < d->w; y++)
        for (size_t t = 0; t < d->t; t++)
          for (size_t c = 0; c < d->c; c++) {
            REAL g = g2[l2_at(d, b, x, y, t, c)];
            for (size_t u = 0; u < d->u; u++)
              for (size_t v = 0; v < d->v; v++)
                for (size_t z = 0; z < d->z; z++)
                  for (size_t cp = 0; cp < d->cp; cp++)
                    g1[l1_at(d, b, x + u, y + v, t + z, cp)] +=
                        g * f[f_at(d, u, v, z, cp, c)];
          }
}

/* ---- PER_POSITION: the exam's loop over (x, y, t) with one GEMM on the
 * reshaped slice.  work holds the (B, K) slice, K = U V Z C'; L2's and G's
 * (B, C) slices at (x, y, t) are strided matrices with leading dimension
 * H W T C. */

static void FN(gather_slice)(const struct dims *d, const REAL *l1, size_t x,
                             size_t y, size_t t, REAL *a)
{
  for (size_t b = 0; b < d->b; b++)
    FN(gather_patch)(d, l1, b, x, y, t, a + b * d->k);
}

static void FN(per_position_fwd)(const struct dims *d, const REAL *l1,
                                 const REAL *f, REAL *l2, REAL *a)
{
  int ld = (int)(d->h * d->w * d->t * d->c);
  for (size_t x = 0; x < d->h; x++)
    for (size_t y = 0; y < d->w; y++)
      for (size_t t = 0; t < d->t; t++) {
        FN(gather_slice)(d, l1, x, y, t, a);
        /* L2[:, x, y, t, :] = A (B x K) F (K x C) */
        GEMM(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)d->b,
             (int)d->c, (int)d->k, 1, a, (int)d->k, f, (int)d->c, 0,
             l2 + l2_at(d, 0, x, y, t, 0), ld);
      }
}

static void FN(per_position_bwd_filter)(const struct dims *d,
                                        const REAL *l1, const REAL *g2,
                                        REAL *gf, REAL *a)
{
  int ld = (int)(d->h * d->w * d->t * d->c);
  memset(gf, 0, d->n_f * sizeof *gf);
  for (size_t x = 0; x < d->h; x++)
    for (size_t y = 0; y < d->w; y++)
      for (size_t t = 0; t < d->t; t++) {
        FN(gather_slice)(d, l1, x, y, t, a);
        /* F.grad (K x C) += A^T (K x B) G[:, x, y, t, :] (B x C) */
        GEMM(CblasRowMajor, CblasTrans, CblasNoTrans, (int)d->k, (int)d->c,
             (int)d->b, 1, a, (int)d->k, g2 + l2_at(d, 0, x, y, t, 0), ld,
             1, gf, (int)d->c);
      }
}

static void FN(per_position_bwd_input)(const struct dims *d, const REAL *f,
                                       const REAL *g2, REAL *g1, REAL *a)
{
  int ld = (int)(d->h * d->w * d->t * d->c);
  memset(g1, 0, d->n_l1 * sizeof *g1);
  for (size_t x = 0; x < d->h; x++)
    for (size_t y = 0; y < d->w; y++)
      for (size_t t = 0; t < d->t; t++) {
        /* A (B x K) = G[:, x, y, t, :] (B x C) F^T (C x K) */
        GEMM(CblasRowMajor, CblasNoTrans, CblasTrans, (int)d->b, (int)d->k,
             (int)d->c, 1, g2 + l2_at(d, 0, x, y, t, 0), ld, f, (int)d->c,
             0, a, (int)d->k);
        for (size_t b = 0; b < d->b; b++)
          FN(scatter_patch)(d, a + b * d->k, b, x, y, t, g1);
      }
}

/* ---- IM2COL: row n = ((b H + x) W + y) T + t of the (N, K) matrix M is the
 * patch at (b, x, y, t), so L2 viewed as (N, C) is M F. */

static void FN(lower)(const struct dims *d, const REAL *l1, REAL *m)
{
  REAL *row = m;
  for (size_t b = 0; b < d->b; b++)
    for (size_t x = 0; x < d->h; x++)
      for (size_t y = 0; y < d->w; y++)
        for (size_t t = 0; t < d->t; t++, row += d->k)
          FN(gather_patch)(d, l1, b, x, y, t, row);
}

static void FN(im2col_fwd)(const struct dims *d, const REAL *l1,
                           const REAL *f, REAL *l2, REAL *m)
{
  FN(lower)(d, l1, m);
  /* L2 (N x C) = M (N x K) F (K x C) */
  GEMM(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)d->n, (int)d->c,
       (int)d->k, 1, m, (int)d->k, f, (int)d->c, 0, l2, (int)d->c);
}

static void FN(im2col_bwd_filter)(const struct dims *d, const REAL *l1,
                                  const REAL *g2, REAL *gf, REAL *m)
{
  FN(lower)(d, l1, m);
  /* F.grad (K x C) = M^T (K x N) G (N x C) */
  GEMM(CblasRowMajor, CblasTrans, CblasNoTrans, (int)d->k, (int)d->c,
       (int)d->n, 1, m, (int)d->k, g2, (int)d->c, 0, gf, (int)d->c);
}

static void FN(im2col_bwd_input)(const struct dims *d, const REAL *f,
                                 const REAL *g2, REAL *g1, REAL *m)
{
  /* dM (N x K) = G (N x C) F^T (C x K), then col2im adds each row back. */
  GEMM(CblasRowMajor, CblasNoTrans, CblasTrans, (int)d->n, (int)d->k,
       (int)d->c, 1, g2, (int)d->c, f, (int)d->c, 0, m, (int)d->k);
  memset(g1, 0, d->n_l1 * sizeof *g1);
  const REAL *row = m;
  for (size_t b = 0; b < d->b; b++)
    for (size_t x = 0; x < d->h; x++)
      for (size_t y = 0; y < d->w; y++)
        for (size_t t = 0; t < d->t; t++, row += d->k)
          FN(scatter_patch)(d, row, b, x, y, t, g1);
}


/* ---- public entries: check, then dispatch on the variant and, for FAST,
 * on the code path (read once per call: the workspace checked is the one
 * the path uses). */

int FN(dlv_conv3d_fwd)(const dlv_conv3d_shape *s, int variant,
                       const REAL *l1, const REAL *f, REAL *l2, REAL *work,
                       size_t work_len)
{
  struct dims d;
  int simd = variant == DLV_CONV3D_FAST && fast_simd();
  int status = check_call(s, variant, DLV_CONV3D_FWD, l1, f, l2, work,
                          work_len, simd, &d);
  if (status != DLV_OK)
    return status;
  if (variant == DLV_CONV3D_DIRECT)
    FN(direct_fwd)(&d, l1, f, l2);
  else if (variant == DLV_CONV3D_PER_POSITION)
    FN(per_position_fwd)(&d, l1, f, l2, work);
#if DLV_CONV3D_HAVE_AVX512
  else if (simd)
    FN(dlv__conv3d_avx512_fwd)(&d, l1, f, l2, work);
#endif
  else
    FN(im2col_fwd)(&d, l1, f, l2, work);
  return DLV_OK;
}

int FN(dlv_conv3d_bwd_filter)(const dlv_conv3d_shape *s, int variant,
                              const REAL *l1, const REAL *g2, REAL *gf,
                              REAL *work, size_t work_len)
{
  struct dims d;
  int simd = variant == DLV_CONV3D_FAST && fast_simd();
  int status = check_call(s, variant, DLV_CONV3D_BWD_FILTER, l1, g2, gf,
                          work, work_len, simd, &d);
  if (status != DLV_OK)
    return status;
  if (variant == DLV_CONV3D_DIRECT)
    FN(direct_bwd_filter)(&d, l1, g2, gf);
  else if (variant == DLV_CONV3D_PER_POSITION)
    FN(per_position_bwd_filter)(&d, l1, g2, gf, work);
#if DLV_CONV3D_HAVE_AVX512
  else if (simd)
    FN(dlv__conv3d_avx512_bwd_filter)(&d, l1, g2, gf);
#endif
  else
    FN(im2col_bwd_filter)(&d, l1, g2, gf, work);
  return DLV_OK;
}

int FN(dlv_conv3d_bwd_input)(const dlv_conv3d_shape *s, int variant,
                             const REAL *f, const REAL *g2, REAL *g1,
                             REAL *work, size_t work_len)
{
  struct dims d;
  int simd = variant == DLV_CONV3D_FAST && fast_simd();
  int status = check_call(s, variant, DLV_CONV3D_BWD_INPUT, f, g2, g1, work,
                          work_len, simd, &d);
  if (status != DLV_OK)
    return status;
  if (variant == DLV_CONV3D_DIRECT)
    FN(direct_bwd_input)(&d, f, g2, g1);
  else if (variant == DLV_CONV3D_PER_POSITION)
    FN(per_position_bwd_input)(&d, f, g2, g1, work);
#if DLV_CONV3D_HAVE_AVX512
  else if (simd && fast_pad_elems(&d) > 0)
    FN(dlv__conv3d_avx512_bwd_input)(&d, f, g2, g1, work);
#endif
  else
    FN(im2col_bwd_input)(&d, f, g2, g1, work);
  return DLV_OK;
}

#undef FN
#undef CAT
#undef CAT_
