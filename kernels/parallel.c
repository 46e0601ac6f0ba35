/* parallel.c: the thread setting (threads.h) and the fork-join loop
 * (parallel.h). */
#include <pthread.h>

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

struct par_range {
  dlv_range_fn *fn;
  void *arg;
  size_t lo, hi;
};

static void *par_entry(void *p)
{
  struct par_range *r = p;
  r->fn(r->arg, r->lo, r->hi);
  return NULL;
}

void dlv_parallel_for(size_t n, dlv_range_fn *fn, void *arg)
{
  size_t nt = (size_t)kernel_threads;
  nt = nt > n ? n : nt;
  if (nt <= 1) {
    fn(arg, 0, n);
    return;
  }
  pthread_t th[DLV_MAX_THREADS];
  struct par_range r[DLV_MAX_THREADS];
  int started[DLV_MAX_THREADS] = {0};
  for (size_t i = 0; i < nt; i++)
    r[i] = (struct par_range){fn, arg, n * i / nt, n * (i + 1) / nt};
  for (size_t i = 1; i < nt; i++)
    started[i] = pthread_create(&th[i], NULL, par_entry, &r[i]) == 0;
  fn(arg, r[0].lo, r[0].hi);
  for (size_t i = 1; i < nt; i++) {
    if (started[i])
      pthread_join(th[i], NULL);
    else
      fn(arg, r[i].lo, r[i].hi);
  }
}
