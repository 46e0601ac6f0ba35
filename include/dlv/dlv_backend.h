/* dlv_backend.h: the backend interface: how dlverify verifies kernels it
 * did not write (issue 17).
 *
 * A backend is a table of entry points with the SAME signatures as
 * dlverify's own kernels (kernels/nrm2.h, conv3d.h, adam.h, prox_group.h;
 * the conventions, statuses and layouts stated there are the contract),
 * plus what the backend supports.  dlverify runs its contract-driven cases
 * (the gate, checks/gate/) through the table and compares every output
 * with its MPFR reference under the same derived bounds as for its own
 * kernels; a case the backend does not support (a dtype, a pass, a stride
 * class, in place, the status protocol) is counted as skipped, never as
 * passed.
 *
 * An external backend is a shared library exporting one symbol:
 *
 *   const dlv_backend *dlv_backend_entry(void);
 *
 * returning a table with abi_version == DLV_BACKEND_ABI_VERSION (see
 * examples/naive_backend.c).  It is loaded with dlopen(RTLD_NOW |
 * RTLD_LOCAL): its symbols (e.g. a BLAS's cblas_*) stay private, so two
 * backends exporting the same names can be verified in one process.
 * Verify it with
 *
 *   dlv_gate --backend /path/to/libmine.so
 *
 * The version is bumped whenever the layout of dlv_backend or the meaning
 * of a field changes; a loader refuses any other version. */
#ifndef DLV_BACKEND_H
#define DLV_BACKEND_H

#include <stddef.h>

#include "dlv_conv3d_shape.h"

#define DLV_BACKEND_ABI_VERSION 1
#define DLV_BACKEND_ENTRY_SYMBOL "dlv_backend_entry"

/* The operations; each has a double and a float entry point. */
enum dlv_backend_op {
  DLV_BK_NRM2,              /* dlv_nrm2_{d,s} */
  DLV_BK_NRM2_GRAD,         /* dlv_nrm2_grad_{d,s} */
  DLV_BK_CONV3D_FWD,        /* dlv_conv3d_fwd_{d,s} */
  DLV_BK_CONV3D_BWD_FILTER, /* dlv_conv3d_bwd_filter_{d,s} */
  DLV_BK_CONV3D_BWD_INPUT,  /* dlv_conv3d_bwd_input_{d,s} */
  DLV_BK_ADAM_STEP,         /* dlv_adam_step_{d,s} */
  DLV_BK_PROX_GROUP,        /* dlv_prox_group_{d,s} */
  DLV_BK_NOPS
};
enum dlv_backend_dtype { DLV_BK_DOUBLE, DLV_BK_FLOAT, DLV_BK_NDTYPES };

/* What an entry point supports (support[op][dtype]).  0: not provided
 * (its pointer is ignored and may be NULL).  Every case needing a
 * capability the entry lacks is skipped. */
enum dlv_backend_caps {
  DLV_BK_PROVIDED = 1u << 0,   /* the entry point exists (non-NULL) */
  DLV_BK_STRIDES = 1u << 1,    /* positive strides other than 1 */
  DLV_BK_NEG_STRIDES = 1u << 2, /* negative strides (BLAS's: stride.h) */
  DLV_BK_DISTINCT = 1u << 3,   /* output stride != input stride */
  DLV_BK_IN_PLACE = 1u << 4,   /* the output may be the input */
  /* Follows dlverify's status protocol: the documented DLV_E* status on
   * bad input (NaN, Inf, bad length, ...) with the outputs untouched.
   * Without it, only cases whose reference status is DLV_OK are checked
   * (and, for the norm, the IEEE value of a NaN or Inf input). */
  DLV_BK_STATUS = 1u << 5,
  /* Results independent of the thread count (checked bitwise). */
  DLV_BK_THREAD_INVARIANT = 1u << 6
};

typedef int (*dlv_bk_nrm2_d)(size_t n, const double *x, ptrdiff_t incx,
                             double *result);
typedef int (*dlv_bk_nrm2_s)(size_t n, const float *x, ptrdiff_t incx,
                             float *result);
typedef int (*dlv_bk_nrm2_grad_d)(size_t n, const double *x, ptrdiff_t incx,
                                  double *g, ptrdiff_t incg);
typedef int (*dlv_bk_nrm2_grad_s)(size_t n, const float *x, ptrdiff_t incx,
                                  float *g, ptrdiff_t incg);
/* conv3d: (shape, variant, a, b, out, work, work_len) with (a, b, out) =
 * (L1, F, L2), (L1, G, F.grad), (F, G, L1.grad) for the three passes. */
typedef int (*dlv_bk_conv3d_d)(const dlv_conv3d_shape *s, int variant,
                               const double *a, const double *b,
                               double *out, double *work, size_t work_len);
typedef int (*dlv_bk_conv3d_s)(const dlv_conv3d_shape *s, int variant,
                               const float *a, const float *b, float *out,
                               float *work, size_t work_len);
typedef int (*dlv_bk_conv3d_work)(const dlv_conv3d_shape *s, int variant,
                                  int pass, size_t *n);
typedef int (*dlv_bk_adam_d)(size_t n, double *theta, double *m, double *v,
                             const double *grad, double lr, double beta1,
                             double beta2, double eps, unsigned long t,
                             int form);
typedef int (*dlv_bk_adam_s)(size_t n, float *theta, float *m, float *v,
                             const float *grad, float lr, float beta1,
                             float beta2, float eps, unsigned long t,
                             int form);
typedef int (*dlv_bk_prox_d)(size_t n, const double *v, ptrdiff_t incv,
                             double tau, double *out, ptrdiff_t incout);
typedef int (*dlv_bk_prox_s)(size_t n, const float *v, ptrdiff_t incv,
                             float tau, float *out, ptrdiff_t incout);

typedef struct dlv_backend {
  int abi_version;     /* DLV_BACKEND_ABI_VERSION */
  const char *name;    /* short, no spaces: "openblas" */
  const char *version; /* the implementation's own, e.g. "0.3.21" */
  unsigned support[DLV_BK_NOPS][DLV_BK_NDTYPES]; /* dlv_backend_caps */
  /* conv3d: the variants the backend distinguishes ([0, n_conv3d_variants);
   * dlverify's own: direct, per-position, im2col, fast) and their names. */
  int n_conv3d_variants;
  const char *(*conv3d_variant_name)(int variant);
  /* Sets the thread count of the implementation (NULL: not settable);
   * returns 0 on success. */
  int (*set_threads)(int n);

  dlv_bk_nrm2_d nrm2_d;
  dlv_bk_nrm2_s nrm2_s;
  dlv_bk_nrm2_grad_d nrm2_grad_d;
  dlv_bk_nrm2_grad_s nrm2_grad_s;
  /* indexed by enum dlv_conv3d_pass: fwd, bwd_filter, bwd_input */
  dlv_bk_conv3d_d conv3d_d[3];
  dlv_bk_conv3d_s conv3d_s[3];
  dlv_bk_conv3d_work conv3d_work_size; /* elements of workspace per call */
  dlv_bk_adam_d adam_step_d;
  dlv_bk_adam_s adam_step_s;
  dlv_bk_prox_d prox_group_d;
  dlv_bk_prox_s prox_group_s;
} dlv_backend;

typedef const dlv_backend *(*dlv_backend_entry_fn)(void);

#endif
