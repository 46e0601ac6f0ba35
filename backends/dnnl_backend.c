/* dnnl_backend.c: oneDNN's conv3d (f32; oneDNN 2.6 has no f64 convolution)
 * as a backend, every pass, in two layouts (the variants):
 *   0 "ndhwc":   dlverify's channels-last layouts forced on the primitive;
 *   1 "blocked": oneDNN picks its preferred (blocked) layouts; inputs are
 *                reordered into them and the output back (reorders exact).
 * The primitives are bench/bench_dnnl.c's (one definition for bench and
 * gate).  Each call creates and runs one primitive: this verifies, it does
 * not time.  Threads: oneDNN's OpenMP runtime (omp_set_num_threads). */
#include <omp.h>
#include <stdio.h>

#include <dnnl.h>

#include "bench_dnnl.h"
#include "conv3d_shape_rule.h"
#include "dlv_backend.h"
#include "dlv_status.h"

static int conv(int pass, const dlv_conv3d_shape *s, int variant,
                const float *a, const float *b, float *out)
{
  if (s == NULL || a == NULL || b == NULL || out == NULL ||
      (variant != 0 && variant != 1))
    return DLV_EINVAL;
  if (!dlv_bk_conv3d_shape_ok(s)) /* conv3d.h's rule, not oneDNN's 64 bits */
    return DLV_EBADLEN;
  char why[256];
  struct bdnnl *p = bdnnl_create(s, pass, variant, a, b, why, sizeof why);
  if (p == NULL) { /* oneDNN refused the primitive (or memory ran out) */
    fprintf(stderr, "dnnl backend: %s\n", why);
    return DLV_EINVAL;
  }
  bdnnl_run(p);
  bdnnl_result(p, out);
  bdnnl_free(p);
  return DLV_OK;
}

static int fwd(const dlv_conv3d_shape *s, int variant, const float *l1,
               const float *f, float *l2, float *work, size_t work_len)
{
  (void)work, (void)work_len;
  return conv(DLV_CONV3D_FWD, s, variant, l1, f, l2);
}

static int bwd_filter(const dlv_conv3d_shape *s, int variant,
                      const float *l1, const float *g2, float *gf,
                      float *work, size_t work_len)
{
  (void)work, (void)work_len;
  return conv(DLV_CONV3D_BWD_FILTER, s, variant, l1, g2, gf);
}

static int bwd_input(const dlv_conv3d_shape *s, int variant, const float *f,
                     const float *g2, float *g1, float *work, size_t work_len)
{
  (void)work, (void)work_len;
  return conv(DLV_CONV3D_BWD_INPUT, s, variant, f, g2, g1);
}

static int work_size(const dlv_conv3d_shape *s, int variant, int pass,
                     size_t *n)
{
  if (s == NULL || n == NULL || (variant != 0 && variant != 1) || pass < 0 ||
      pass >= DLV_CONV3D_NPASSES)
    return DLV_EINVAL;
  if (!dlv_bk_conv3d_shape_ok(s))
    return DLV_EBADLEN; /* *n untouched on error (dlv_status.h) */
  *n = 0;
  return DLV_OK;
}

static const char *variant_name(int variant)
{
  return variant == 0 ? "ndhwc" : variant == 1 ? "blocked" : "unknown";
}

static int set_threads(int n)
{
  omp_set_num_threads(n);
  return 0;
}

const dlv_backend *dlv_backend_entry(void);
const dlv_backend *dlv_backend_entry(void)
{
  static char version[64];
  static dlv_backend b = {
      .abi_version = DLV_BACKEND_ABI_VERSION,
      .name = "dnnl",
      .version = version,
      .support =
          {
              [DLV_BK_CONV3D_FWD] = {0, DLV_BK_PROVIDED | DLV_BK_ARGS},
              [DLV_BK_CONV3D_BWD_FILTER] = {0, DLV_BK_PROVIDED | DLV_BK_ARGS},
              [DLV_BK_CONV3D_BWD_INPUT] = {0, DLV_BK_PROVIDED | DLV_BK_ARGS},
          },
      .n_conv3d_variants = 2,
      .conv3d_variant_name = variant_name,
      .set_threads = set_threads,
      .conv3d_s = {fwd, bwd_filter, bwd_input},
      .conv3d_work_size = work_size,
  };
  const dnnl_version_t *v = dnnl_version();
  snprintf(version, sizeof version, "oneDNN %d.%d.%d", v->major, v->minor,
           v->patch);
  return &b;
}
