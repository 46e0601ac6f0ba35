/* bad_backend.c: plugins the loader must refuse, with a clear message
 * (CTests backend_load_*): built with BAD_ABI, a table of another ABI
 * version; with BAD_NULL, a table declaring an entry it does not fill;
 * otherwise no dlv_backend_entry at all.  Built with OLD_V1, a plugin the
 * loader must accept: a version-1 table (ABI 1 ends before support_v2),
 * followed in memory by 0xFF bytes where ABI 2's members would be, so a
 * loader reading past the version-1 table sees every ABI 2 operation
 * "provided" with garbage pointers (and refuses it, or crashes). */
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
