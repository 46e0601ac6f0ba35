/* backend_load.c: the loader (see backend_load.h).  Compile-time
 * definitions from CMake: DLV_BACKEND_PLUGIN_DIR (where the plugins are
 * built) and DLV_BACKEND_PLUGIN_LIST (their names, comma-separated string
 * literals, possibly empty). */
#include <dlfcn.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "backend_load.h"

/* RTLD_LOCAL keeps a plugin's symbols out of the global scope; but the
 * program itself links OpenBLAS (the kernels' GEMM), and the global scope
 * is searched first: without RTLD_DEEPBIND the BLIS plugin's cblas_* (and
 * BLIS's own internal dgemm_ calls) would bind to OpenBLAS.  DEEPBIND puts
 * the plugin's own scope (it and its libraries) first.  The sanitizers'
 * runtimes refuse DEEPBIND: there a plugin must detect the interposition
 * itself (cblas_backend.c does, with dladdr). */
#ifdef DLV_BACKEND_NO_DEEPBIND
#define DLV_BACKEND_DLOPEN_FLAGS (RTLD_NOW | RTLD_LOCAL)
#else
#define DLV_BACKEND_DLOPEN_FLAGS (RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND)
#endif

static const char *const names[] = {"builtin", DLV_BACKEND_PLUGIN_LIST};

const char *const *dlv_backend_names(size_t *n)
{
  *n = sizeof names / sizeof names[0];
  return names;
}

const char *dlv_backend_op_name(int op)
{
  static const char *const ops[] = {"nrm2",       "nrm2_grad",
                                    "conv3d_fwd", "conv3d_bwd_filter",
                                    "conv3d_bwd_input", "adam_step",
                                    "prox_group", "loss_quadratic",
                                    "loss_logistic", "closs_quadratic",
                                    "closs_logistic", "closs_tanhnet",
                                    "closs_norm", "hvp_step", "hvp_cstep",
                                    "hvp_central", "linesearch_step"};
  _Static_assert(sizeof ops / sizeof ops[0] == DLV_BK_NOPS, "op names");
  return op >= 0 && op < DLV_BK_NOPS ? ops[op] : "unknown";
}

const char *dlv_backend_dtype_name(int dtype)
{
  return dtype == DLV_BK_DOUBLE  ? "double"
         : dtype == DLV_BK_FLOAT ? "float"
                                 : "unknown";
}

/* Whether the ABI 2 entry point of op (double only) is non-NULL. */
static int entry_present_v2(const dlv_backend *b, int op)
{
  switch (op) {
  case DLV_BK_LOSS_QUADRATIC: return b->loss_quadratic_d != NULL;
  case DLV_BK_LOSS_LOGISTIC: return b->loss_logistic_d != NULL;
  case DLV_BK_CLOSS_QUADRATIC:
    return b->closs_quadratic_d != NULL && b->closs_quadratic_z != NULL;
  case DLV_BK_CLOSS_LOGISTIC:
    return b->closs_logistic_d != NULL && b->closs_logistic_z != NULL;
  case DLV_BK_CLOSS_TANHNET:
    return b->closs_tanhnet_d != NULL && b->closs_tanhnet_z != NULL;
  case DLV_BK_CLOSS_NORM:
    return b->closs_norm_d != NULL && b->closs_norm_z != NULL;
  case DLV_BK_HVP_STEP: return b->hvp_step_d != NULL;
  case DLV_BK_HVP_CSTEP: return b->hvp_cstep_d != NULL;
  case DLV_BK_HVP_CENTRAL: return b->hvp_central_d != NULL;
  default: return b->linesearch_step_d != NULL;
  }
}

/* Whether the entry point of (op, dtype) is non-NULL (an ABI 2 operation
 * has no float entry point). */
static int entry_present(const dlv_backend *b, int op, int dtype)
{
  int d = dtype == DLV_BK_DOUBLE;
  if (op >= DLV_BK_NOPS_V1)
    return d && entry_present_v2(b, op);
  switch (op) {
  case DLV_BK_NRM2:
    return d ? b->nrm2_d != NULL : b->nrm2_s != NULL;
  case DLV_BK_NRM2_GRAD:
    return d ? b->nrm2_grad_d != NULL : b->nrm2_grad_s != NULL;
  case DLV_BK_ADAM_STEP:
    return d ? b->adam_step_d != NULL : b->adam_step_s != NULL;
  case DLV_BK_PROX_GROUP:
    return d ? b->prox_group_d != NULL : b->prox_group_s != NULL;
  default: /* the three conv3d passes, in enum order */
    return d ? b->conv3d_d[op - DLV_BK_CONV3D_FWD] != NULL
             : b->conv3d_s[op - DLV_BK_CONV3D_FWD] != NULL;
  }
}

static int conv3d_provided(const dlv_backend *b)
{
  for (int op = DLV_BK_CONV3D_FWD; op <= DLV_BK_CONV3D_BWD_INPUT; op++)
    for (int t = 0; t < DLV_BK_NDTYPES; t++)
      if (dlv_backend_support(b, op, t) & DLV_BK_PROVIDED)
        return 1;
  return 0;
}

static int invalid(char *err, size_t errlen, const char *fmt, const char *a,
                   const char *b)
{
  snprintf(err, errlen, fmt, a, b);
  return 1;
}

int dlv_backend_validate(const dlv_backend *b, char *err, size_t errlen)
{
  if (b == NULL)
    return invalid(err, errlen, "the entry point returned NULL%s%s", "", "");
  if (b->abi_version != DLV_BACKEND_ABI_VERSION) {
    snprintf(err, errlen,
             "ABI version %d, this dlverify needs %d to %d (rebuild the "
             "backend against this include/dlv_backend.h)",
             b->abi_version, DLV_BACKEND_ABI_MIN_VERSION,
             DLV_BACKEND_ABI_VERSION);
    return 1;
  }
  if (b->name == NULL || b->version == NULL || b->name[0] == '\0')
    return invalid(err, errlen, "the table has no name or version%s%s", "",
                   "");
  if (strlen(b->name) > DLV_BACKEND_NAME_MAX ||
      strpbrk(b->name, " ,\"\t\r\n") != NULL)
    return invalid(err, errlen,
                   "the name \"%.80s\" is longer than %s characters or holds "
                   "a space, comma or quote", b->name,
                   DLV_BACKEND_NAME_MAX_TEXT);
  for (int op = 0; op < DLV_BK_NOPS; op++)
    for (int t = 0; t < DLV_BK_NDTYPES; t++)
      if ((dlv_backend_support(b, op, t) & DLV_BK_PROVIDED) &&
          !entry_present(b, op, t))
        return invalid(err, errlen,
                       "%s %s is declared provided but its pointer is NULL",
                       dlv_backend_op_name(op), dlv_backend_dtype_name(t));
  if (conv3d_provided(b) &&
      (b->conv3d_work_size == NULL || b->n_conv3d_variants < 1 ||
       b->conv3d_variant_name == NULL))
    return invalid(err, errlen,
                   "conv3d is provided without conv3d_work_size, "
                   "n_conv3d_variants >= 1 and conv3d_variant_name%s%s",
                   "", "");
  return 0;
}

/* The file a name stands for: a path as given, a plugin name in the
 * plugin directory. */
static void plugin_path(const char *path_or_name, char *path, size_t len)
{
  if (strchr(path_or_name, '/') != NULL)
    snprintf(path, len, "%s", path_or_name);
  else
    snprintf(path, len, "%s/dlv_backend_%s.so", DLV_BACKEND_PLUGIN_DIR,
             path_or_name);
}

static const dlv_backend *open_plugin(const char *path, char *err,
                                      size_t errlen)
{
  void *h = dlopen(path, DLV_BACKEND_DLOPEN_FLAGS);
  if (h == NULL) {
    snprintf(err, errlen, "cannot load %s: %s", path, dlerror());
    return NULL;
  }
  dlerror();
  void *sym = dlsym(h, DLV_BACKEND_ENTRY_SYMBOL);
  if (sym == NULL) {
    snprintf(err, errlen, "%s does not export %s (see include/dlv_backend.h)",
             path, DLV_BACKEND_ENTRY_SYMBOL);
    dlclose(h);
    return NULL;
  }
  dlv_backend_entry_fn entry;
  memcpy(&entry, &sym, sizeof entry); /* object to function pointer */
  const dlv_backend *b = entry();
  if (b == NULL)
    snprintf(err, errlen, "%s: %s returned NULL", path,
             DLV_BACKEND_ENTRY_SYMBOL);
  return b;
}

/* An older table as a version-3 one: its prefix (every member its
 * version has: before support_v2 for version 1, before limits for
 * version 2) copied into a zeroed table, so that the operations it
 * predates are not provided and it declares no limits.  Other versions
 * are returned as they are (validate refuses them).  The copy lives until
 * the process exits, like the plugin. */
static const dlv_backend *upgrade(const dlv_backend *b)
{
  if (b == NULL || (b->abi_version != 1 && b->abi_version != 2))
    return b;
  dlv_backend *v3 = calloc(1, sizeof *v3);
  if (v3 == NULL)
    abort(); /* out of memory while loading: nothing sensible to do */
  memcpy(v3, b, b->abi_version == 1 ? offsetof(dlv_backend, support_v2)
                                    : offsetof(dlv_backend, limits));
  v3->abi_version = DLV_BACKEND_ABI_VERSION;
  return v3;
}

const dlv_backend *dlv_backend_load(const char *path_or_name, char *err,
                                    size_t errlen)
{
  if (path_or_name == NULL || *path_or_name == '\0') {
    snprintf(err, errlen, "empty backend name");
    return NULL;
  }
  if (strcmp(path_or_name, "builtin") == 0)
    return dlv_backend_builtin();
  char path[4096];
  plugin_path(path_or_name, path, sizeof path);
  struct stat st;
  if (stat(path, &st) != 0) {
    snprintf(err, errlen,
             strchr(path_or_name, '/')
                 ? "no such file: %s"
                 : "no such file: %s (backend not built: its library was "
                   "not found at configure time?)",
             path);
    return NULL;
  }
  const dlv_backend *b = upgrade(open_plugin(path, err, errlen));
  char why[400];
  if (b != NULL && dlv_backend_validate(b, why, sizeof why) != 0) {
    snprintf(err, errlen, "%s: %s", path, why);
    return NULL;
  }
  return b;
}
