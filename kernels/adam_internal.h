/* adam_internal.h: the parts of the Adam step (adam.c) that the bf16
 * steps (adam_lowp.c) run chunk by chunk (internal, not installed).
 *
 * A job holds one step's scalars (set once per step by dlv__adam_job_s:
 * the hyperparameters checked as adam.h says, s1 and r2 formed in double)
 * and the arrays it updates.  dlv__adam_update_s runs the float step's
 * update loop (the rounding model at the top of adam.c, the wider
 * recomputation near underflow included) on n elements whose gradients
 * the caller has scanned; the step's result is bitwise what
 * dlv_adam_step_s gives on the same elements. */
#ifndef DLV_ADAM_INTERNAL_H
#define DLV_ADAM_INTERNAL_H

#include <stdatomic.h>
#include <stddef.h>

/* One Adam call's operands, split between threads in blocks of
 * DLV_ADAM_BLOCK elements (a block is one thread's; the update is
 * elementwise, so the result does not depend on the split).  bad collects,
 * over the threads, whether some g_i was not admissible (|g_i| <= gmax
 * fails). */
#define DLV_ADAM_JOB(suffix, type, W)                                        \
  struct adam_job_##suffix {                                                 \
    size_t n;                                                                \
    type *theta, *m, *v;                                                     \
    const type *g;                                                           \
    type b1, b2, eps, s1, r2, gmax;                                          \
    W s1w;        /* s1 in W: (W)s1, or lr / bc1 where s1 overflows */      \
    int s1_wide;  /* s1 beyond the dtype: every element redone in W */      \
    int scan_only;   /* scan g (status), write nothing */                    \
    atomic_int bad;  /* some g_i not admissible */                           \
    atomic_int nan;  /* some g_i NaN (scan_only) */                          \
  };
DLV_ADAM_JOB(d, double, long double)
DLV_ADAM_JOB(s, float, double)

/* Checks the hyperparameters (adam.h: DLV_EINVAL) and sets job's scalars
 * for one float step; the arrays are the update's. */
int dlv__adam_job_s(struct adam_job_s *job, float lr, float beta1,
                    float beta2, float eps, unsigned long t, int form);

/* The update of elements 0 .. n-1 of theta, m, v by g (every g_i
 * admissible: scanned by the caller), with job's scalars, on this thread. */
void dlv__adam_update_s(struct adam_job_s *job, size_t n, float *theta,
                        float *m, float *v, const float *g);

#endif
