/* conv3d.c: 3D convolution, forward and both backward passes, four variants
 * (see conv3d.h for the convention).  The type-independent part (extents,
 * argument checks, workspace sizes, blocking constants, FAST's run-time
 * choice of code path) is here, indexing in conv3d_internal.h; the
 * portable loops and GEMM calls are in conv3d_tmpl.h, instantiated for
 * double and float below; FAST's AVX-512 micro-kernels in conv3d_avx512.c
 * (its own target flags).
 *
 * Error model (bounds derived in checks/bounds.h, P3): each output element
 * is a sum of K products, formed by one multiplication and at most K - 1
 * additions along any path of the summation tree (the direct loops, a GEMM
 * dot product, or a GEMM dot product of C terms then up to taps - 1 col2im
 * additions), so |computed - exact| <= gamma_K sum |a||b|, with K = U V Z C'
 * (forward), B H W T (filter gradient), taps C (input gradient, taps = the
 * number of filter positions covering the element).  FAST's AVX-512 path
 * forms each element as one FMA chain (fewer roundings: the same bound). */
#include <limits.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>

#include <cblas.h>

#include "conv3d.h"
#include "conv3d_internal.h"
#include "cpu_isa.h"
#include "dlv_status.h"

/* a * b into *out unless the product exceeds INT_MAX (then 0). */
static int mul_le_int(size_t a, size_t b, size_t *out)
{
  if (a != 0 && b > (size_t)INT_MAX / a)
    return 0;
  *out = a * b;
  return 1;
}

/* The product of n extents, at most INT_MAX; 0 on overflow. */
static int count(const size_t *e, int n, size_t *out)
{
  size_t p = 1;
  for (int i = 0; i < n; i++)
    if (!mul_le_int(p, e[i], &p))
      return 0;
  *out = p;
  return 1;
}

/* Fills d from s: DLV_EBADLEN when an extent is 0 or a count (operands,
 * the im2col matrix) exceeds INT_MAX. */
static int make_dims(const dlv_conv3d_shape *s, struct dims *d)
{
  if (s == NULL)
    return DLV_EINVAL;
  const size_t all[9] = {s->b, s->h, s->w, s->t, s->c,
                         s->cp, s->u, s->v, s->z};
  for (int i = 0; i < 9; i++)
    if (all[i] == 0 || all[i] > (size_t)INT_MAX / 2)
      return DLV_EBADLEN;
  *d = (struct dims){s->b, s->h, s->w, s->t, s->c, s->cp, s->u, s->v, s->z,
                     s->h + s->u - 1, s->w + s->v - 1, s->t + s->z - 1};
  const size_t l1[5] = {d->b, d->h1, d->w1, d->t1, d->cp};
  const size_t f[5] = {d->u, d->v, d->z, d->cp, d->c};
  const size_t l2[5] = {d->b, d->h, d->w, d->t, d->c};
  const size_t k[4] = {d->u, d->v, d->z, d->cp};
  const size_t n[4] = {d->b, d->h, d->w, d->t};
  size_t nk;
  if (!count(l1, 5, &d->n_l1) || !count(f, 5, &d->n_f) ||
      !count(l2, 5, &d->n_l2) || !count(k, 4, &d->k) || !count(n, 4, &d->n) ||
      !mul_le_int(d->n, d->k, &nk))
    return DLV_EBADLEN;
  return DLV_OK;
}

/* ---- FAST's code path: run-time dispatch (conv3d.h, cpu_isa.h) ---- */

/* 1 when this build has conv3d_avx512.c and the CPU runs it. */
static int avx512_available(void)
{
  return DLV_CONV3D_HAVE_AVX512 && dlv__cpu_has_avx512();
}

/* -1: not yet chosen (cpu_isa.h: 0 generic, 1 AVX-512). */
static atomic_int isa_in_use = -1;

int dlv_conv3d_isa(void)
{
  return dlv__isa_get(&isa_in_use, avx512_available);
}

int dlv_conv3d_set_isa(int isa)
{
  return dlv__isa_set(&isa_in_use, isa == DLV_CONV3D_ISA_AVX512,
                      avx512_available);
}

const char *dlv_conv3d_isa_name(int isa)
{
  return isa == DLV_CONV3D_ISA_AVX512    ? "avx512"
         : isa == DLV_CONV3D_ISA_GENERIC ? "generic"
                                         : "unknown";
}

/* 1 when FAST runs its own AVX-512 passes now (else it computes as
 * IM2COL, with IM2COL's workspace). */
static int fast_simd(void)
{
  return dlv_conv3d_isa() == DLV_CONV3D_ISA_AVX512;
}

void dlv_conv3d_fast_tile(size_t oc, int is_float, size_t *nr, size_t *mr)
{
  size_t vw = is_float ? DLV_CONV3D_FAST_LANES_S : DLV_CONV3D_FAST_LANES_D;
  int wide = oc >= DLV_CONV3D_FAST_NV_WIDE * vw;
  *nr = (wide ? DLV_CONV3D_FAST_NV_WIDE : DLV_CONV3D_FAST_NV_NARROW) * vw;
  *mr = wide ? DLV_CONV3D_FAST_MR_WIDE : DLV_CONV3D_FAST_MR_NARROW;
}

/* FAST's panels for oc output channels and a reduction of k: ceil(oc/nr)
 * panels of k x nr (dlv_conv3d_fast_tile); the larger of float's and
 * double's count, since the size is asked without a type. */
static size_t panel_elems(size_t k, size_t oc)
{
  size_t most = 0;
  for (int is_float = 0; is_float <= 1; is_float++) {
    size_t nr, mr;
    dlv_conv3d_fast_tile(oc, is_float, &nr, &mr);
    size_t e = (oc + nr - 1) / nr * nr * k;
    most = e > most ? e : most;
  }
  return most;
}

/* The input-gradient workspace of FAST's own path (G zero-padded by the
 * filter extents, then the flipped filter's panels), or 0 when it would
 * be unreasonable: a padded G more than DLV_CONV3D_FAST_PAD_CAP times
 * what IM2COL or the operands take (filters much larger than the output,
 * many channels), or beyond size_t.  (The panels are at most K (C' + 63)
 * elements.)
 * FAST then computes the input gradient as IM2COL does. */
static size_t fast_pad_elems(const struct dims *d)
{
  const size_t e[5] = {d->b, d->h + 2 * (d->u - 1), d->w + 2 * (d->v - 1),
                       d->t + 2 * (d->z - 1), d->c};
  size_t pad = 1, kf = d->u * d->v * d->z * d->c; /* kf <= n_f */
  for (int i = 0; i < 5; i++)
    if (__builtin_mul_overflow(pad, e[i], &pad))
      return 0;
  size_t need = pad + panel_elems(kf, d->cp);
  size_t ops = d->n_l1 + d->n_l2 + d->n_f, im2col = d->n * d->k;
  size_t cap = DLV_CONV3D_FAST_PAD_CAP * (im2col > ops ? im2col : ops);
  return need >= pad && pad <= cap ? need : 0;
}

/* FAST's workspace, enough for every pass: the forward's filter panels,
 * and the input gradient's (its own path or IM2COL's). */
static size_t fast_work_elems(const struct dims *d)
{
  size_t fwd = panel_elems(d->k, d->c), bwd = fast_pad_elems(d);
  if (bwd == 0)
    bwd = d->n * d->k;
  return fwd > bwd ? fwd : bwd;
}

/* The workspace of `variant`; simd: FAST runs its AVX-512 passes. */
static size_t work_elems(const struct dims *d, int variant, int simd)
{
  switch (variant) {
  case DLV_CONV3D_PER_POSITION:
    return d->b * d->k;
  case DLV_CONV3D_IM2COL:
    return d->n * d->k;
  case DLV_CONV3D_FAST:
    return simd ? fast_work_elems(d) : d->n * d->k;
  default:
    return 0;
  }
}

int dlv_conv3d_sizes(const dlv_conv3d_shape *s, size_t *n_l1, size_t *n_f,
                     size_t *n_l2)
{
  struct dims d;
  int status = make_dims(s, &d);
  if (status != DLV_OK)
    return status;
  if (n_l1)
    *n_l1 = d.n_l1;
  if (n_f)
    *n_f = d.n_f;
  if (n_l2)
    *n_l2 = d.n_l2;
  return DLV_OK;
}

static int valid_variant(int variant)
{
  return variant >= 0 && variant < DLV_CONV3D_NVARIANTS;
}

int dlv_conv3d_work_size(const dlv_conv3d_shape *s, int variant, int pass,
                         size_t *n)
{
  struct dims d;
  if (n == NULL || !valid_variant(variant) || pass < 0 ||
      pass >= DLV_CONV3D_NPASSES)
    return DLV_EINVAL;
  int status = make_dims(s, &d);
  if (status == DLV_OK)
    *n = work_elems(&d, variant, fast_simd());
  return status;
}

/* The one argument check of every public entry: inputs a, b and output out
 * non-NULL, a known variant, a valid shape, a long enough workspace (for
 * FAST's path `simd`, read once per call by the entry). */
static int check_call(const dlv_conv3d_shape *s, int variant, int pass,
                      const void *a, const void *b, const void *out,
                      const void *work, size_t work_len, int simd,
                      struct dims *d)
{
  (void)pass; /* every pass needs the same workspace */
  if (a == NULL || b == NULL || out == NULL || !valid_variant(variant))
    return DLV_EINVAL;
  int status = make_dims(s, d);
  if (status != DLV_OK)
    return status;
  size_t need = work_elems(d, variant, simd);
  if (need > 0 && work == NULL)
    return DLV_EINVAL;
  return work_len < need ? DLV_EBADLEN : DLV_OK;
}


const char *dlv_conv3d_variant_name(int variant)
{
  static const char *names[] = {"direct", "per_position", "im2col", "fast"};
  return valid_variant(variant) ? names[variant] : "unknown";
}

const char *dlv_conv3d_pass_name(int pass)
{
  static const char *names[] = {"fwd", "bwd_filter", "bwd_input"};
  return pass >= 0 && pass < DLV_CONV3D_NPASSES ? names[pass] : "unknown";
}

/* ---- FAST's blocking constants, per pass and dimension ---- */

static void add_block(dlv_conv3d_blocks *bl, const char *name, int dim,
                      size_t value)
{
  bl->b[bl->n++] = (dlv_conv3d_block){name, dim, value};
}

/* The tile constants every FAST pass shares (on its output channels and
 * its tile rows, `rows` = POSITIONS or ROWS). */
static void add_tile_blocks(dlv_conv3d_blocks *bl, int is_float, int rows)
{
  size_t vw = is_float ? DLV_CONV3D_FAST_LANES_S : DLV_CONV3D_FAST_LANES_D;
  add_block(bl, "lanes", DLV_CONV3D_DIM_CHANNELS, vw);
  add_block(bl, "nr_narrow", DLV_CONV3D_DIM_CHANNELS,
            DLV_CONV3D_FAST_NV_NARROW * vw);
  add_block(bl, "nr_wide", DLV_CONV3D_DIM_CHANNELS,
            DLV_CONV3D_FAST_NV_WIDE * vw);
  add_block(bl, "mr_narrow", rows, DLV_CONV3D_FAST_MR_NARROW);
  add_block(bl, "mr_wide", rows, DLV_CONV3D_FAST_MR_WIDE);
}

int dlv_conv3d_blocking(int variant, int pass, int is_float,
                        dlv_conv3d_blocks *out)
{
  if (out == NULL || !valid_variant(variant) || pass < 0 ||
      pass >= DLV_CONV3D_NPASSES)
    return DLV_EINVAL;
  *out = (dlv_conv3d_blocks){fast_simd(), 0, {{NULL, 0, 0}}};
  if (variant != DLV_CONV3D_FAST)
    return DLV_OK;
  if (pass == DLV_CONV3D_BWD_FILTER) {
    add_tile_blocks(out, is_float, DLV_CONV3D_DIM_ROWS);
    add_block(out, "nb", DLV_CONV3D_DIM_CHUNK, DLV_CONV3D_FAST_NB);
    add_block(out, "ranges", DLV_CONV3D_DIM_THREADS,
              DLV_CONV3D_FAST_BF_RANGES);
    return DLV_OK;
  }
  add_tile_blocks(out, is_float, DLV_CONV3D_DIM_POSITIONS);
  add_block(out, "ranges", DLV_CONV3D_DIM_THREADS,
            DLV_CONV3D_FAST_TILE_RANGES);
  if (pass == DLV_CONV3D_BWD_INPUT) {
    add_block(out, "pad_ranges", DLV_CONV3D_DIM_THREADS,
              DLV_CONV3D_FAST_PAD_RANGES);
    add_block(out, "pad_cap", DLV_CONV3D_DIM_POSITIONS,
              DLV_CONV3D_FAST_PAD_CAP);
  }
  return DLV_OK;
}

size_t dlv_conv3d_block_value(const dlv_conv3d_blocks *bl, const char *name)
{
  for (int i = 0; bl != NULL && i < bl->n; i++)
    if (strcmp(bl->b[i].name, name) == 0)
      return bl->b[i].value;
  return 0;
}

#define REAL double
#define ACC double
#define SUF d
#define GEMM cblas_dgemm
#include "conv3d_tmpl.h"
#undef REAL
#undef ACC
#undef SUF
#undef GEMM

#define REAL float
#define ACC float
#define SUF s
#define GEMM cblas_sgemm
#include "conv3d_tmpl.h"
#undef REAL
#undef ACC
#undef SUF
#undef GEMM
