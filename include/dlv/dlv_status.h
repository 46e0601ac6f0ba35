/* dlv_status.h: the status codes dlverify kernels and references return.
 * Shared vocabulary (include/), so reference/ need not include kernels/.
 *
 * Convention (after GSL's gsl_errno.h and libuv): a public kernel returns one
 * of these codes and never aborts.  On any code other than DLV_OK the kernel
 * has written nothing to its outputs, unless its header says otherwise.
 * Order: a kernel checks its arguments (pointers, sizes, strides, flags,
 * hyperparameters: DLV_EINVAL, DLV_EBADLEN) before it reads its data
 * (DLV_EDOM, DLV_ENAN from the values), and returns the first error it
 * finds.  Among argument errors the order is the header's where it states
 * one: strided vectors are checked in argument order, each one's pointer
 * and stride (DLV_EINVAL) before its span (DLV_EBADLEN; stride.h), and
 * prox_group.h gives its own. */
#ifndef DLV_STATUS_H
#define DLV_STATUS_H

enum dlv_status {
  DLV_OK = 0,      /* success */
  DLV_EINVAL = 1,  /* bad argument: NULL pointer, zero stride, bad flag */
  DLV_EBADLEN = 2, /* sizes do not conform, or an element count overflows */
  DLV_EDOM = 3,    /* outside the domain: norm gradient at 0, g.Hg <= 0 */
  DLV_ENAN = 4,    /* NaN in an input where the result would be undefined */
  DLV_ENOMEM = 5   /* allocation failed */
};

/* A static English sentence describing `status`; never NULL. */
const char *dlv_strerror(int status);

#endif
