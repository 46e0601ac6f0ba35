/* parallel.h: the kernels' internal fork-join loop (not installed API).
 *
 * dlv_parallel_for(n, per_thread, fn, arg) cuts [0, n) into ranges of
 * ceil(n / (threads per_thread)) indices (the last one shorter), with
 * threads = min(dlv_get_threads(), n), and calls fn(arg, lo, hi) once per
 * range; on one thread (threads <= 1) one range, fn(arg, 0, n) (none when
 * n is 0).  The caller and threads - 1 workers (parallel.c: a pool kept
 * between calls) take the ranges in
 * increasing order from a shared counter, each as soon as it is free: a
 * thread slowed down (another process on its CPU) takes fewer ranges
 * instead of holding the others up.  Which thread runs a range is
 * therefore not fixed: fn must give the same result whichever thread runs
 * it (the kernels' ranges write disjoint outputs, each summed in an order
 * fixed inside the range).  A thread that cannot be created, or a worker
 * still asleep when the caller has taken the last range, only leaves more
 * ranges to the others.  The pool's workers run off the caller's CPU when
 * the caller may run on two or more (their affinity is set to its CPUs
 * but the one it is on).  Returns after every range is done and no worker
 * touches the job any more. */
#ifndef DLV_PARALLEL_H
#define DLV_PARALLEL_H

#include <stddef.h>

#include "threads.h"

typedef void dlv_range_fn(void *arg, size_t lo, size_t hi);

void dlv_parallel_for(size_t n, size_t per_thread, dlv_range_fn *fn,
                      void *arg);

/* A test mode: with DLV_THREAD_JITTER=1 in the environment (read once),
 * a thread that calls this after taking a piece of work sleeps 0-63 us
 * one time in four (a shared pseudo-random sequence), so that the tests
 * see the orders of work a quiet machine rarely shows (a piece started
 * while the one it depends on is still running).  Results must not
 * change: the kernels' ordering (conv3d_lowp.c's work queue waits for a
 * row tile's previous chunk) makes them independent of timing.  Off: a
 * pthread_once check and a branch. */
void dlv_parallel_jitter(void);

/* In the same test mode, a draw in [0, n) from the shared sequence, for a
 * kernel to vary a choice its results must not depend on (conv3d_lowp.c:
 * whether a call splits its row tiles into one share per thread or keeps
 * them in one share); 0 when the mode is off or n < 2. */
size_t dlv_parallel_jitter_pick(size_t n);

/* In the same test mode, sleeps 0.3 ms one time in two: a thread that
 * publishes what the others of its region wait for (conv3d_lowp.c: the
 * operands' scan) calls it before publishing, so that the others reach
 * their wait first, as they rarely do on a quiet machine (their wake
 * takes 10-150 us on this VM, a small case's scan less): a thread that
 * did not wait then runs ahead, and the tests see it. */
void dlv_parallel_jitter_hold(void);

#endif
