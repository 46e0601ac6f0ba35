/* conv3d_internal.h: what conv3d.c (checks, dispatch, the portable
 * variants) shares with conv3d_avx512.c (FAST's AVX-512 micro-kernels,
 * compiled with their own target flags).  Not a public header.
 *
 * Every function declared here assumes its arguments were checked by the
 * public entry in conv3d.c (struct dims valid, pointers non-NULL,
 * workspace of dlv_conv3d_work_size elements). */
#ifndef DLV_CONV3D_INTERNAL_H
#define DLV_CONV3D_INTERNAL_H

#include <stddef.h>

/* 1 where conv3d_avx512.c can be built (x86-64, gcc or clang: per-file
 * -mavx512f ... flags and __builtin_cpu_supports); elsewhere FAST has only
 * its portable path. */
#if defined(__x86_64__) && defined(__GNUC__)
#define DLV_CONV3D_HAVE_AVX512 1
#else
#define DLV_CONV3D_HAVE_AVX512 0
#endif

/* Checked extents and the derived counts every loop uses. */
struct dims {
  size_t b, h, w, t, c, cp, u, v, z; /* as dlv_conv3d_shape */
  size_t h1, w1, t1;                 /* input extents */
  size_t k;                          /* U V Z C': one patch, one GEMM depth */
  size_t n;                          /* B H W T: output positions */
  size_t n_l1, n_f, n_l2;            /* element counts */
};

static inline size_t l1_at(const struct dims *d, size_t b, size_t x,
                           size_t y, size_t t, size_t cp)
{
  return (((b * d->h1 + x) * d->w1 + y) * d->t1 + t) * d->cp + cp;
}

static inline size_t f_at(const struct dims *d, size_t u, size_t v, size_t z,
                          size_t cp, size_t c)
{
  return (((u * d->v + v) * d->z + z) * d->cp + cp) * d->c + c;
}

static inline size_t l2_at(const struct dims *d, size_t b, size_t x,
                           size_t y, size_t t, size_t c)
{
  return (((b * d->h + x) * d->w + y) * d->t + t) * d->c + c;
}

/* FAST's AVX-512 passes (conv3d_avx512.c; call only when
 * dlv_conv3d_isa() is DLV_CONV3D_ISA_AVX512).  The forward uses work for
 * the filter panels; the input gradient for the padded G and the flipped
 * filter's panels (only when that fits FAST's workspace, see
 * fast_pad_elems in conv3d.c); the filter gradient needs none. */
void dlv__conv3d_avx512_fwd_d(const struct dims *d, const double *l1,
                              const double *f, double *l2, double *work);
void dlv__conv3d_avx512_bwd_filter_d(const struct dims *d, const double *l1,
                                     const double *g2, double *gf);
void dlv__conv3d_avx512_bwd_input_d(const struct dims *d, const double *f,
                                    const double *g2, double *g1,
                                    double *work);
void dlv__conv3d_avx512_fwd_s(const struct dims *d, const float *l1,
                              const float *f, float *l2, float *work);
void dlv__conv3d_avx512_bwd_filter_s(const struct dims *d, const float *l1,
                                     const float *g2, float *gf);
void dlv__conv3d_avx512_bwd_input_s(const struct dims *d, const float *f,
                                    const float *g2, float *g1, float *work);

#endif
