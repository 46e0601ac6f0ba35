/* adam_internal.h: the Adam step's job (adam.c), and the loop of the
 * bf16 master-weight step (adam_lowp.c) (internal, not installed).
 *
 * A job holds one step's scalars (set once per step: the hyperparameters
 * checked as adam.h says, s1 and r2 formed in double) and the arrays it
 * updates.  Job b is the float step (same rounding model, the wider
 * recomputation near underflow included: the top of adam.c) on a bf16
 * gradient, read exactly, that also stores each theta' rounded to bf16
 * (RNE); its theta, m and v are float. */
#ifndef DLV_ADAM_INTERNAL_H
#define DLV_ADAM_INTERNAL_H

#include <stdatomic.h>
#include <stddef.h>

#include "lowp.h"

/* One Adam call's operands (g of type gtype), split between threads in
 * blocks of DLV_ADAM_BLOCK elements (a block is one thread's; the update
 * is elementwise, so the result does not depend on the split).  bad
 * collects, over the threads, whether some g_i was not admissible
 * (|g_i| <= gmax fails). */
#define DLV_ADAM_JOB(suffix, type, gtype, W)                                 \
  struct adam_job_##suffix {                                                 \
    size_t n;                                                                \
    type *theta, *m, *v;                                                     \
    const gtype *g;                                                          \
    dlv_bf16 *theta16; /* job b: theta' rounded to bf16; else unused */      \
    type b1, b2, eps, s1, r2, gmax;                                          \
    W s1w;        /* s1 in W: (W)s1, or lr / bc1 where s1 overflows */      \
    int s1_wide;  /* s1 beyond the dtype: every element redone in W */      \
    int scan_only;   /* scan g (status), write nothing */                    \
    atomic_int bad;  /* some g_i not admissible */                           \
    atomic_int nan;  /* some g_i NaN (scan_only) */                          \
  };
DLV_ADAM_JOB(d, double, double, long double)
DLV_ADAM_JOB(s, float, float, double)
DLV_ADAM_JOB(b, float, dlv_bf16, double)

/* Checks the hyperparameters (adam.h: DLV_EINVAL) and sets job b's
 * scalars for one step. */
int dlv__adam_job_b(struct adam_job_b *job, float lr, float beta1,
                    float beta2, float eps, unsigned long t, int form);

/* Job b's update of elements 0 .. n-1 of theta, m, v by g (every g_i
 * admissible: scanned by the caller), theta16[i] = bf16(theta'[i]), on
 * this thread. */
void dlv__adam_update_b(struct adam_job_b *job, size_t n, float *theta,
                        float *m, float *v, const dlv_bf16 *g,
                        dlv_bf16 *theta16);

#endif
