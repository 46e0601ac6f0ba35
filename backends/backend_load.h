/* backend_load.h: finding and loading backends (see include/dlv_backend.h).
 *
 * A backend is named by
 *  - "builtin": dlverify's own kernels (the default), linked in;
 *  - a plugin name ("openblas", "blis", "dnnl", "example"): a plugin found
 *    at configure time, built as <plugin dir>/dlv_backend_<name>.so;
 *  - a path (anything holding a '/'): a shared library of the user's.
 * Plugins are opened with dlopen(RTLD_NOW | RTLD_LOCAL) and never closed
 * (their tables stay valid until the process exits). */
#ifndef DLV_BACKEND_LOAD_H
#define DLV_BACKEND_LOAD_H

#include <stddef.h>

#include "dlv_backend.h"

/* dlverify's own kernels: conv3d's variants are the project's four. */
const dlv_backend *dlv_backend_builtin(void);

/* The backend named `path_or_name` (above), checked with
 * dlv_backend_validate; NULL with a sentence in err (a missing file, a
 * missing symbol, a wrong ABI version, an inconsistent table). */
const dlv_backend *dlv_backend_load(const char *path_or_name, char *err,
                                    size_t errlen);

/* 0 when the table is usable: the ABI version is ours, name and version
 * are set, and every provided entry point is non-NULL; else 1 with the
 * reason in err. */
int dlv_backend_validate(const dlv_backend *b, char *err, size_t errlen);

/* The built-in backends present in this build: "builtin" and each plugin
 * found at configure time (a static list; *n gets its length). */
const char *const *dlv_backend_names(size_t *n);

/* The operation's and dtype's names ("conv3d_fwd", "double"). */
const char *dlv_backend_op_name(int op);
const char *dlv_backend_dtype_name(int dtype);

#endif
