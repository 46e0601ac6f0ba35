/* bad_backend.c: plugins the loader must refuse, with a clear message
 * (CTests backend_load_*): built with BAD_ABI, a table of another ABI
 * version; with BAD_NULL, a table declaring an entry it does not fill;
 * otherwise no dlv_backend_entry at all.  Built with OLD_V1, a plugin the
 * loader must accept: a version-1 table (ABI 1 ends before support_v2),
 * followed in memory by 0xFF bytes where ABI 2's members would be, so a
 * loader reading past the version-1 table sees every ABI 2 operation
 * "provided" with garbage pointers (and refuses it, or crashes).  Built
 * with OLD_V2, another plugin the loader must accept: a version-2 table
 * (ABI 2 ends before limits) with a plain norm that never refuses,
 * followed in memory by declared limits of 1 (ABI 3's members): a loader
 * reading past the version-2 table lets the gate pass vectors beyond them
 * (lengths up to SIZE_MAX on unreadable buffers) to a norm that reads
 * them, which faults.  It also declares one ABI 2 operation, the
 * quadratic loss, which the upgraded table must keep (t_backend_validate
 * inspects it; the gate never runs it: it refuses every call).  Built
 * with UNRESOLVED, a valid table whose norm calls a function defined
 * nowhere: the loader must refuse it at load, naming the symbol. */
#include <stddef.h>
#include <string.h>

#include "dlv_backend.h"

#ifdef OLD_V1
const dlv_backend *dlv_backend_entry(void);
const dlv_backend *dlv_backend_entry(void)
{
  static union {
    dlv_backend b;
    unsigned char bytes[sizeof(dlv_backend)];
  } t;
  static const dlv_backend v1 = {.abi_version = 1, .name = "old_v1",
                                 .version = "1"};
  memset(t.bytes, 0xFF, sizeof t.bytes);
  memcpy(t.bytes, &v1, offsetof(dlv_backend, support_v2));
  return &t.b;
}
#define DLV_BAD_DONE
#endif

#ifdef OLD_V2
#include <math.h>
#include <stdint.h>
#include "stride.h"
/* sqrt(sum x_i^2): exact enough for the cases the test replays (zeros);
 * spans beyond PTRDIFF_MAX refused, as every backend owes (stride.h). */
static int plain_nrm2(size_t n, const double *x, ptrdiff_t incx, double *r)
{
  size_t step = incx < 0 ? (size_t)0 - (size_t)incx : (size_t)incx;
  if (n > 1 && (size_t)PTRDIFF_MAX / step < n - 1)
    return 2; /* DLV_EBADLEN */
  double s = 0;
  x += dlv_stride_first(n, incx);
  for (size_t i = 0; i < n; i++)
    s += x[(ptrdiff_t)i * incx] * x[(ptrdiff_t)i * incx];
  *r = sqrt(s);
  return 0;
}

/* Present for the loader only: refuses (DLV_EINVAL). */
static int no_loss(const dlv_quadratic *q, const double *theta, double *value,
                   double *grad)
{
  (void)q, (void)theta, (void)value, (void)grad;
  return 1;
}

const dlv_backend *dlv_backend_entry(void);
const dlv_backend *dlv_backend_entry(void)
{
  static dlv_backend t = {
      .abi_version = 2, .name = "old_v2", .version = "2",
      .support = {[DLV_BK_NRM2] = {DLV_BK_PROVIDED | DLV_BK_STRIDES, 0}},
      .nrm2_d = plain_nrm2,
      .support_v2 = {[DLV_BK_LOSS_QUADRATIC - DLV_BK_NOPS_V1] =
                         {DLV_BK_PROVIDED, 0}},
      .loss_quadratic_d = no_loss,
      .limits = {[DLV_BK_NRM2] = {{1, 1}, {1, 1}}}}; /* past ABI 2 */
  return &t;
}
#define DLV_BAD_DONE
#endif

#ifdef UNRESOLVED
/* Defined nowhere: the plugin links (a shared object may leave symbols
 * undefined) and a loader that binds lazily would load it and fault at
 * the first call; bound at load (RTLD_NOW), it is refused there. */
int dlv_bad_nowhere_defined(size_t n);

static int nrm2_calls_nowhere(size_t n, const double *x, ptrdiff_t incx,
                              double *r)
{
  (void)x, (void)incx;
  *r = (double)dlv_bad_nowhere_defined(n);
  return 0;
}

const dlv_backend *dlv_backend_entry(void);
const dlv_backend *dlv_backend_entry(void)
{
  static const dlv_backend t = {
      .abi_version = DLV_BACKEND_ABI_VERSION, .name = "unresolved",
      .version = "0", .support = {[DLV_BK_NRM2] = {DLV_BK_PROVIDED, 0}},
      .nrm2_d = nrm2_calls_nowhere};
  return &t;
}
#define DLV_BAD_DONE
#endif

#ifdef DLV_BAD_DONE
#elif defined(BAD_ABI) || defined(BAD_NULL)
const dlv_backend *dlv_backend_entry(void);
const dlv_backend *dlv_backend_entry(void)
{
#ifdef BAD_ABI
  static const dlv_backend b = {.abi_version = DLV_BACKEND_ABI_VERSION + 1,
                                .name = "bad_abi", .version = "0"};
#else
  static const dlv_backend b = {
      .abi_version = DLV_BACKEND_ABI_VERSION, .name = "bad_null",
      .version = "0", .support = {[DLV_BK_NRM2] = {DLV_BK_PROVIDED, 0}}};
#endif
  return &b;
}
#else
int dlv_backend_entry_misspelt(void);
int dlv_backend_entry_misspelt(void)
{
  return 0;
}
#endif
