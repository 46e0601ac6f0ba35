/* parallel.c: the thread setting (threads.h) and the fork-join loop
 * (parallel.h). */
#include <pthread.h>
#include <stdatomic.h>

#include "parallel.h"

enum { DLV_MAX_THREADS = 64 };

static int kernel_threads = 1;

void dlv_set_threads(int n)
{
  kernel_threads = n < 1 ? 1 : n > DLV_MAX_THREADS ? DLV_MAX_THREADS : n;
}

int dlv_get_threads(void)
{
  return kernel_threads;
}

struct par_job {
  dlv_range_fn *fn;
  void *arg;
  size_t n, grain;
  atomic_size_t next; /* first index not yet handed out */
};

/* Takes ranges until none is left.  next only grows, by grain per range
 * taken; n + threads grain cannot overflow (n <= SIZE_MAX / 2 by the
 * kernels' size checks, grain <= n). */
static void *take_ranges(void *p)
{
  struct par_job *j = p;
  for (;;) {
    size_t lo = atomic_fetch_add(&j->next, j->grain);
    if (lo >= j->n)
      return NULL;
    size_t hi = j->n - lo < j->grain ? j->n : lo + j->grain;
    j->fn(j->arg, lo, hi);
  }
}

void dlv_parallel_for(size_t n, size_t per_thread, dlv_range_fn *fn,
                      void *arg)
{
  size_t nt = (size_t)kernel_threads;
  nt = nt > n ? n : nt;
  if (nt <= 1) {
    if (n > 0)
      fn(arg, 0, n);
    return;
  }
  size_t ranges = nt * (per_thread < 1 ? 1 : per_thread);
  struct par_job job = {fn, arg, n, (n + ranges - 1) / ranges, 0};
  pthread_t th[DLV_MAX_THREADS];
  int started[DLV_MAX_THREADS] = {0};
  for (size_t i = 1; i < nt; i++)
    started[i] = pthread_create(&th[i], NULL, take_ranges, &job) == 0;
  take_ranges(&job);
  for (size_t i = 1; i < nt; i++)
    if (started[i])
      pthread_join(th[i], NULL);
}
