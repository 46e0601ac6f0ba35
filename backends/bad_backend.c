/* bad_backend.c: plugins the loader must refuse, with a clear message
 * (CTests backend_load_*): built with BAD_ABI, a table of another ABI
 * version; with BAD_NULL, a table declaring an entry it does not fill;
 * otherwise no dlv_backend_entry at all. */
#include "dlv_backend.h"

#if defined(BAD_ABI) || defined(BAD_NULL)
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
