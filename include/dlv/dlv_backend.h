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
 * of a field changes.  Versions only append: version 2 added the losses
 * and the Hessian-vector products (the members after the "ABI 2" mark
 * below), version 3 the declared refusals (`limits`, after "ABI 3"); an
 * older table is the prefix of a newer one.  The loader accepts versions
 * 1 to 3: an older table is copied into a zeroed version-3 table, so every
 * operation it predates is "not provided" (its cases skipped, counted,
 * never passed) and it declares no limits.  Any other version is
 * refused.
 *
 * Declared refusals (ABI 3).  dlverify's own contract takes any length n
 * and any nonzero stride inc with (n - 1)|inc| <= PTRDIFF_MAX (stride.h;
 * beyond: DLV_EBADLEN, which every backend must return, having read
 * nothing).  A backend built on a narrower API (CBLAS takes int) declares
 * per operation and dtype the largest n and the largest |inc| of any
 * vector argument it takes (dlv_bk_limits; 0: no limit of its own).
 * Beyond a declared limit it MAY return DLV_EBADLEN, before reading any
 * element and with every output untouched; within every declared limit a
 * refusal is a failure.  Either way a result it returns must be exact
 * within the bound: a truncated stride is a wrong number, not a refusal.
 * Meaningful for the strided operations (nrm2, nrm2_grad, prox_group). */
#ifndef DLV_BACKEND_H
#define DLV_BACKEND_H

#include <stddef.h>

#include "closs.h" /* dlv_quadratic, dlv_logistic, dlv_tanhnet, dlv_closs */
#include "dlv_conv3d_shape.h"

#define DLV_BACKEND_ABI_VERSION 3
#define DLV_BACKEND_ABI_MIN_VERSION 1 /* the oldest table still loaded */
#define DLV_BACKEND_ENTRY_SYMBOL "dlv_backend_entry"
/* The longest name (evidence rows carry it in a column). */
#define DLV_BACKEND_NAME_MAX 31
#define DLV_BACKEND_NAME_MAX_TEXT "31"

/* The operations; each has a double and a float entry point. */
enum dlv_backend_op {
  DLV_BK_NRM2,              /* dlv_nrm2_{d,s} */
  DLV_BK_NRM2_GRAD,         /* dlv_nrm2_grad_{d,s} */
  DLV_BK_CONV3D_FWD,        /* dlv_conv3d_fwd_{d,s} */
  DLV_BK_CONV3D_BWD_FILTER, /* dlv_conv3d_bwd_filter_{d,s} */
  DLV_BK_CONV3D_BWD_INPUT,  /* dlv_conv3d_bwd_input_{d,s} */
  DLV_BK_ADAM_STEP,         /* dlv_adam_step_{d,s} */
  DLV_BK_PROX_GROUP,        /* dlv_prox_group_{d,s} */
  DLV_BK_NOPS_V1,           /* ABI 1 ends here; ABI 2 appends: */
  /* The losses and Hessian-vector products exist in double only (loss.h,
   * closs.h, hvp.h): their float support must stay 0. */
  DLV_BK_LOSS_QUADRATIC = DLV_BK_NOPS_V1, /* dlv_loss_quadratic_d */
  DLV_BK_LOSS_LOGISTIC,     /* dlv_loss_logistic_d */
  /* closs: "provided" means both the real (_d) and the complex (_z)
   * evaluation, the holomorphic extension the complex step needs */
  DLV_BK_CLOSS_QUADRATIC,   /* dlv_closs_quadratic_{d,z} */
  DLV_BK_CLOSS_LOGISTIC,    /* dlv_closs_logistic_{d,z} */
  DLV_BK_CLOSS_TANHNET,     /* dlv_closs_tanhnet_{d,z} */
  DLV_BK_CLOSS_NORM,        /* dlv_closs_norm_{d,z} */
  DLV_BK_HVP_STEP,          /* dlv_hvp_step_d */
  DLV_BK_HVP_CSTEP,         /* dlv_hvp_cstep_d */
  DLV_BK_HVP_CENTRAL,       /* dlv_hvp_central_d */
  DLV_BK_LINESEARCH_STEP,   /* dlv_linesearch_step_d */
  DLV_BK_NOPS
};
#define DLV_BK_NOPS_V2 (DLV_BK_NOPS - DLV_BK_NOPS_V1)
enum dlv_backend_dtype { DLV_BK_DOUBLE, DLV_BK_FLOAT, DLV_BK_NDTYPES };

/* What an entry point supports (dlv_backend_support(b, op, dtype)).  0: not provided
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
   * (and, for the norm, the IEEE value of a NaN or Inf input: +Inf for an
   * Inf, NaN for a NaN, and for a NaN beside an Inf either, IEEE
   * propagation or hypot's convention). */
  DLV_BK_STATUS = 1u << 5,
  /* Results independent of the thread count (checked bitwise). */
  DLV_BK_THREAD_INVARIANT = 1u << 6,
  /* Checks its arguments as the contract says, whatever it does with
   * NaN and Inf: DLV_EINVAL for a NULL pointer, a zero stride or a bad
   * variant, DLV_EBADLEN for an extent, element count or workspace the
   * contract refuses, with the outputs untouched.  Implied by
   * DLV_BK_STATUS (dlv_backend_support).  A table of ABI 1 to 3 may set
   * it: older dlverify builds ignore the bit. */
  DLV_BK_ARGS = 1u << 7
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

typedef int (*dlv_bk_loss_quadratic_d)(const dlv_quadratic *q,
                                       const double *theta, double *value,
                                       double *grad);
typedef int (*dlv_bk_loss_logistic_d)(const dlv_logistic *p,
                                      const double *theta, double *value,
                                      double *grad);
/* The closs pairs (closs.h): a real and a complex evaluation each. */
typedef int (*dlv_bk_closs_quadratic_d)(const dlv_quadratic *q,
                                        const double *theta, double *value,
                                        double *grad);
typedef int (*dlv_bk_closs_quadratic_z)(const dlv_quadratic *q,
                                        const double complex *theta,
                                        double complex *value,
                                        double complex *grad);
typedef int (*dlv_bk_closs_logistic_z)(const dlv_logistic *p,
                                       const double complex *theta,
                                       double complex *value,
                                       double complex *grad);
typedef int (*dlv_bk_closs_tanhnet_d)(const dlv_tanhnet *p,
                                      const double *theta, double *value,
                                      double *grad);
typedef int (*dlv_bk_closs_tanhnet_z)(const dlv_tanhnet *p,
                                      const double complex *theta,
                                      double complex *value,
                                      double complex *grad);
typedef int (*dlv_bk_closs_norm_d)(size_t n, const double *theta,
                                   double *value, double *grad);
typedef int (*dlv_bk_closs_norm_z)(size_t n, const double complex *theta,
                                   double complex *value,
                                   double complex *grad);
typedef int (*dlv_bk_hvp_step_d)(size_t n, const double *theta,
                                 const double *v, double h, double *t);
typedef int (*dlv_bk_hvp_d)(const dlv_closs *loss, const double *theta,
                            const double *v, double h, double *hv);
typedef int (*dlv_bk_linesearch_d)(size_t n, const double *g,
                                   const double *hg, double hg_err,
                                   double *lambda);

/* The declared limits of one operation and dtype (0: none). */
typedef struct {
  size_t max_n;   /* the largest length n taken */
  size_t max_inc; /* the largest |inc| of any vector argument taken */
} dlv_bk_limits;

typedef struct dlv_backend {
  int abi_version;     /* DLV_BACKEND_ABI_VERSION */
  const char *name;    /* at most DLV_BACKEND_NAME_MAX characters, no
                        * space, comma or quote: "openblas" */
  const char *version; /* the implementation's own, e.g. "0.3.21" */
  /* the ABI 1 operations; the others in support_v2 */
  unsigned support[DLV_BK_NOPS_V1][DLV_BK_NDTYPES]; /* dlv_backend_caps */
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

  /* ---- ABI 2 (absent from a version-1 table: read as zero) ---- */
  unsigned support_v2[DLV_BK_NOPS_V2][DLV_BK_NDTYPES]; /* op - NOPS_V1 */
  dlv_bk_loss_quadratic_d loss_quadratic_d;
  dlv_bk_loss_logistic_d loss_logistic_d;
  dlv_bk_closs_quadratic_d closs_quadratic_d;
  dlv_bk_closs_quadratic_z closs_quadratic_z;
  dlv_bk_loss_logistic_d closs_logistic_d;
  dlv_bk_closs_logistic_z closs_logistic_z;
  dlv_bk_closs_tanhnet_d closs_tanhnet_d;
  dlv_bk_closs_tanhnet_z closs_tanhnet_z;
  dlv_bk_closs_norm_d closs_norm_d;
  dlv_bk_closs_norm_z closs_norm_z;
  dlv_bk_hvp_step_d hvp_step_d;
  dlv_bk_hvp_d hvp_cstep_d;
  dlv_bk_hvp_d hvp_central_d;
  dlv_bk_linesearch_d linesearch_step_d;

  /* ---- ABI 3 (absent from older tables: read as zero, no limits) ---- */
  dlv_bk_limits limits[DLV_BK_NOPS][DLV_BK_NDTYPES]; /* declared refusals */
} dlv_backend;

/* The capabilities of (op, dtype) in b, whichever array holds them. */
static inline unsigned dlv_backend_support(const dlv_backend *b, int op,
                                           int dtype)
{
  unsigned caps = op < DLV_BK_NOPS_V1
                      ? b->support[op][dtype]
                      : b->support_v2[op - DLV_BK_NOPS_V1][dtype];
  return caps & DLV_BK_STATUS ? caps | DLV_BK_ARGS : caps;
}

/* The declared limits of (op, dtype) in b. */
static inline dlv_bk_limits dlv_backend_limits(const dlv_backend *b, int op,
                                               int dtype)
{
  return b->limits[op][dtype];
}

typedef const dlv_backend *(*dlv_backend_entry_fn)(void);

#endif
