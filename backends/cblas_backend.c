/* cblas_backend.c: a CBLAS as a backend: its nrm2 for the norm (and the
 * gradient x / nrm2(x)), and conv3d as im2col + its GEMM.  Built once per
 * library (DLV_BK_OPENBLAS or DLV_BK_BLIS defined), each as its own
 * plugin dlv_backend_<name>.so linked against that library alone: both
 * export the same cblas_* names, and the loader's RTLD_LOCAL keeps them
 * apart.
 *
 * Support, as the BLAS standard states it: nrm2 takes incx > 0 only (the
 * reference BLAS returns 0 for incx <= 0), no dlverify status protocol (a
 * BLAS returns a value, NaN or Inf in, whatever out), but the arguments
 * checked as the contract says (DLV_BK_ARGS: NULL pointers, a zero
 * stride, a short workspace, a refused shape).  No gradient of the
 * norm (a BLAS has none; x / nrm2(x) would be this file's algorithm, not
 * the library's, and wrong where ||x|| overflows and x / ||x|| does not).
 * Lengths and strides beyond INT_MAX are refused (DLV_EBADLEN), as
 * declared in the table's limits (ABI 3).  conv3d: one algorithm
 * (variant 0), dimensions up to INT_MAX.
 *
 * The plugin checks that its cblas_* calls reach its own library (dladdr):
 * when the program already holds another BLAS in its global scope and the
 * plugin was not opened with RTLD_DEEPBIND, the entry point returns NULL
 * rather than verify the wrong library under this one's name. */
#include <dlfcn.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cblas.h>

#include "conv3d_shape_rule.h"
#include "dlv_backend.h"
#include "dlv_status.h"

#if defined(DLV_BK_OPENBLAS)
#define BK_NAME "openblas"
#define BK_LIBRARY "libopenblas"
char *openblas_get_config(void);
void openblas_set_num_threads(int n);
static const char *library_version(void) { return openblas_get_config(); }
static int set_threads(int n)
{
  openblas_set_num_threads(n);
  return 0;
}
#elif defined(DLV_BK_BLIS)
#define BK_NAME "blis"
#define BK_LIBRARY "libblis"
const char *bli_info_get_version_str(void);
void bli_thread_set_num_threads(int64_t n);
int bli_arch_query_id(void); /* arch_t, an enum */
const char *bli_arch_string(int id);
/* "0.9.0 zen3": the release and the configuration (the kernels) BLIS
 * chose for this CPU, on which its findings can depend (CMakeLists.txt,
 * DLV_BACKEND_ARGS_blis). */
static const char *library_version(void)
{
  static char v[64];
  if (v[0] == '\0')
    snprintf(v, sizeof v, "%s %s", bli_info_get_version_str(),
             bli_arch_string(bli_arch_query_id()));
  return v;
}
/* More threads than online CPUs are refused (returns 1, the count is
 * unchanged): BLIS 0.9.0's busy-waiting barriers then make a small GEMM
 * about 10^5 times slower (measured: 20x8x30 dgemm, 8 us at 1 thread,
 * 640 ms at 3 threads on 2 CPUs). */
static int set_threads(int n)
{
  if (n > sysconf(_SC_NPROCESSORS_ONLN))
    return 1;
  bli_thread_set_num_threads(n);
  return 0;
}
#else
#error "define DLV_BK_OPENBLAS or DLV_BK_BLIS"
#endif

/* A checked shape with the lowering's extents: M = B H W T rows of
 * K = U V Z C' columns. */
typedef struct {
  dlv_conv3d_shape s;
  size_t m, k, w1, t1, n_l1;
} geom;

/* Offset in L1 of the (u, v, z) = 0 corner of output position p. */
static size_t l1_offset(const geom *g, size_t p)
{
  size_t t = p % g->s.t, y = p / g->s.t % g->s.w, x = p / g->s.t / g->s.w;
  size_t b = x / g->s.h, h1 = g->s.h + g->s.u - 1;
  x %= g->s.h;
  return (((b * h1 + x) * g->w1 + y) * g->t1 + t) * g->s.cp;
}

/* The lowering's geometry.  The shape rule bounds by INT_MAX every element
 * count the lowering forms (M and K divide the lowered matrix's, M K, which
 * the rule bounds as conv3d.h does): CBLAS takes int sizes. */
static int geometry(const dlv_conv3d_shape *s, geom *g)
{
  if (!dlv_bk_conv3d_shape_ok(s))
    return 0;
  g->s = *s;
  g->w1 = s->w + s->v - 1;
  g->t1 = s->t + s->z - 1;
  g->m = s->b * s->h * s->w * s->t;
  g->k = s->u * s->v * s->z * s->cp;
  g->n_l1 = s->b * (s->h + s->u - 1) * g->w1 * g->t1 * s->cp;
  return 1;
}

static int work_size(const dlv_conv3d_shape *s, int variant, int pass,
                     size_t *n)
{
  geom g;
  if (s == NULL || n == NULL || variant != 0 || pass < 0 || pass > 2)
    return DLV_EINVAL;
  if (!geometry(s, &g))
    return DLV_EBADLEN;
  *n = g.m * g.k;
  return DLV_OK;
}

static int conv_args(const dlv_conv3d_shape *s, int variant, const void *a,
                     const void *b, const void *out, const void *work,
                     size_t work_len, geom *g)
{
  if (s == NULL || a == NULL || b == NULL || out == NULL || work == NULL ||
      variant != 0)
    return DLV_EINVAL;
  if (!geometry(s, g) || work_len < g->m * g->k)
    return DLV_EBADLEN;
  return DLV_OK;
}

#define REAL double
#define SUF d
#define GEMM cblas_dgemm
#define NRM2 cblas_dnrm2
#include "cblas_conv.inc"
#undef REAL
#undef SUF
#undef GEMM
#undef NRM2
#define REAL float
#define SUF s
#define GEMM cblas_sgemm
#define NRM2 cblas_snrm2
#include "cblas_conv.inc"

static const char *variant_name(int variant)
{
  return variant == 0 ? "im2col_gemm" : "unknown";
}

#define NRM2_CAPS (DLV_BK_PROVIDED | DLV_BK_STRIDES | DLV_BK_ARGS)
/* CBLAS takes int lengths and strides: beyond INT_MAX the norm returns
 * DLV_EBADLEN (declared refusal, dlv_backend.h), never a cast. */
#define NRM2_LIMITS {INT_MAX, INT_MAX}
#define CONV_CAPS (DLV_BK_PROVIDED | DLV_BK_ARGS)

/* Whether cblas_dgemm and cblas_snrm2, as this plugin calls them, are
 * defined by BK_LIBRARY (not interposed by another BLAS); says why not. */
static int bound_to_own_library(void)
{
  void *const calls[] = {(void *)(size_t)cblas_dgemm,
                         (void *)(size_t)cblas_snrm2};
  for (size_t i = 0; i < sizeof calls / sizeof calls[0]; i++) {
    Dl_info info;
    if (dladdr(calls[i], &info) == 0 || info.dli_fname == NULL ||
        strstr(info.dli_fname, BK_LIBRARY) == NULL) {
      fprintf(stderr,
              "dlv_backend_%s: its cblas_* resolve to %s, not %s (load it "
              "with RTLD_DEEPBIND)\n",
              BK_NAME, info.dli_fname ? info.dli_fname : "?", BK_LIBRARY);
      return 0;
    }
  }
  return 1;
}

const dlv_backend *dlv_backend_entry(void);
const dlv_backend *dlv_backend_entry(void)
{
  static dlv_backend b = {
      .abi_version = DLV_BACKEND_ABI_VERSION,
      .name = BK_NAME,
      .support =
          {
              [DLV_BK_NRM2] = {NRM2_CAPS, NRM2_CAPS},
              [DLV_BK_CONV3D_FWD] = {CONV_CAPS, CONV_CAPS},
              [DLV_BK_CONV3D_BWD_FILTER] = {CONV_CAPS, CONV_CAPS},
              [DLV_BK_CONV3D_BWD_INPUT] = {CONV_CAPS, CONV_CAPS},
          },
      .limits = {[DLV_BK_NRM2] = {NRM2_LIMITS, NRM2_LIMITS}},
      .n_conv3d_variants = 1,
      .conv3d_variant_name = variant_name,
      .set_threads = set_threads,
      .nrm2_d = nrm2_d,
      .nrm2_s = nrm2_s,
      .conv3d_d = {conv_fwd_d, conv_bwd_filter_d, conv_bwd_input_d},
      .conv3d_s = {conv_fwd_s, conv_bwd_filter_s, conv_bwd_input_s},
      .conv3d_work_size = work_size,
  };
  b.version = library_version();
  return bound_to_own_library() ? &b : NULL;
}
