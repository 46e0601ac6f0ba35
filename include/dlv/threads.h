/* threads.h: how many threads the multithreaded kernels may use.
 *
 * One process-wide setting (default 1; values below 1 count as 1, values
 * above DLV_THREADS_MAX as DLV_THREADS_MAX; dlv_get_threads returns the
 * count in force), read by
 * the FAST conv3d variant and the Adam step.  Like
 * openblas_set_num_threads: set it before calls, not during them.  No
 * kernel's result depends on it: work is cut into ranges of outputs,
 * handed to whichever thread is free, and every output element is
 * computed inside one range in an order fixed by the problem alone.
 * Worker threads are started at the first call that needs them and kept
 * for the process (one call at a time uses them; a call made meanwhile
 * from another thread starts threads of its own; a forked child starts
 * its own).  They inherit the CPU affinity of the thread that started
 * them: a caller bound to one CPU (OpenMP's OMP_PROC_BIND binds the main
 * thread) gets no speed-up. */
#ifndef DLV_THREADS_H
#define DLV_THREADS_H

#define DLV_THREADS_MAX 64

void dlv_set_threads(int n);
int dlv_get_threads(void);

#endif
