/* parallel.h: the kernels' internal fork-join loop (not installed API).
 *
 * dlv_parallel_for(n, fn, arg) calls fn(arg, lo, hi) on one contiguous
 * range of [0, n) per thread: at most dlv_get_threads() ranges and at most
 * n, split as evenly as integers allow; the caller runs the first range.
 * A thread that cannot be created leaves its range to the caller, so every
 * index is visited exactly once whatever happens.  Returns after all
 * ranges are done. */
#ifndef DLV_PARALLEL_H
#define DLV_PARALLEL_H

#include <stddef.h>

#include "threads.h"

typedef void dlv_range_fn(void *arg, size_t lo, size_t hi);

void dlv_parallel_for(size_t n, dlv_range_fn *fn, void *arg);

#endif
