/* parallel.c: the thread setting (threads.h) and the fork-join loop
 * (parallel.h). */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "parallel.h"

static int kernel_threads = 1;

void dlv_set_threads(int n)
{
  kernel_threads = n < 1 ? 1 : n > DLV_THREADS_MAX ? DLV_THREADS_MAX : n;
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

/* ---- the pool -------------------------------------------------------------
 * Workers started on first use and kept for the process, so that a call
 * does not pay for creating and joining threads (25-100 us each on this
 * VM, against 0.6-1.3 ms for a small convolution on 2 threads).  One call
 * at a time uses the pool (pool_owner); a concurrent call from another
 * user thread starts threads of its own, as before the pool.
 * Under `mu`: a job is published (pool_job); up to `want` workers join
 * it (joined counts them, active those not yet finished); once the
 * caller has taken its own last range it closes the job (want = joined:
 * a worker still asleep is not waited for) and waits until active is 0,
 * so no worker touches the job after the call returns.
 * The workers are kept off the CPU the caller runs on (at each call their
 * affinity is set to the caller's CPUs but the one it runs on).
 * Linux wakes a thread on its waker's CPU when it sees no cache shared
 * with an idle one (this VM reports no cache topology), and the caller
 * then keeps that CPU busy with its own ranges: after 5 ms idle, a
 * worker joined 1.8-2.8 ms after being woken (median) against 0.11-0.14
 * ms kept off, and S1's 2-thread bf16 passes were no faster than 1
 * thread (forward 1.25 ms against 1.30; kept off: 0.88). */
static pthread_mutex_t pool_owner = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t work_cv = PTHREAD_COND_INITIALIZER;
static pthread_cond_t done_cv = PTHREAD_COND_INITIALIZER;
static struct par_job *pool_job;
static size_t started, want, joined;
/* changed under mu; read by the caller's spin (spin_until) without it */
static atomic_size_t active;
/* jobs published so far (under mu): a worker's spin watches it */
static atomic_uint pool_gen;
static pthread_t workers[DLV_THREADS_MAX]; /* the started ones */
static cpu_set_t workers_cpus; /* workers[0 .. masked - 1] run on these */
static size_t masked;

/* Spinning before sleeping.  A thread asleep on a condition variable
 * wakes late on this VM when its vCPU has gone idle: a worker joined a
 * call 8-14 us after the caller's broadcast back to back and 73 us
 * (median) in the bench's round robin; the caller paid the broadcast's
 * wake-up (8 us) before its own first range.  So a worker that finishes
 * a job, and the caller waiting for the workers, first poll for up to
 * POOL_SPIN_NS, yielding the CPU between polls (a thread of another
 * program that wants it gets it). */
enum { POOL_SPIN_NS = 100000, POLLS_PER_CLOCK = 64 };

static long long spin_clock_ns(void)
{
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (long long)t.tv_sec * 1000000000 + t.tv_nsec;
}

/* Under mu, released while it polls and held again on return: polls
 * done(arg) for up to POOL_SPIN_NS; returns done(arg) asked again under
 * mu (what done reads changes under mu only, so a 0 then stays 0 until
 * the caller waits on its condition variable: no wake-up is lost). */
static int spin_until(int (*done)(const void *), const void *arg)
{
  pthread_mutex_unlock(&mu);
  long long t0 = spin_clock_ns();
  for (unsigned i = 1; !done(arg); i++) {
    if (i % POLLS_PER_CLOCK == 0 && spin_clock_ns() - t0 > POOL_SPIN_NS)
      break;
    sched_yield();
  }
  pthread_mutex_lock(&mu);
  return done(arg);
}

static int job_published(const void *gen_seen)
{
  return atomic_load_explicit(&pool_gen, memory_order_acquire) !=
         *(const unsigned *)gen_seen;
}

static int workers_finished(const void *unused)
{
  (void)unused;
  return atomic_load_explicit(&active, memory_order_acquire) == 0;
}

static void *worker(void *unused)
{
  (void)unused;
  pthread_mutex_lock(&mu);
  for (;;) {
    while (pool_job == NULL || joined >= want) {
      unsigned seen = atomic_load_explicit(&pool_gen, memory_order_relaxed);
      if (!spin_until(job_published, &seen))
        pthread_cond_wait(&work_cv, &mu);
    }
    struct par_job *j = pool_job;
    joined++;
    atomic_fetch_add(&active, 1);
    pthread_mutex_unlock(&mu);
    take_ranges(j);
    pthread_mutex_lock(&mu);
    if (atomic_fetch_sub(&active, 1) == 1)
      pthread_cond_signal(&done_cv);
  }
  return NULL;
}

/* Under mu: sets the workers' CPUs to this thread's but the one it runs
 * on (all of them when it may run on one only, or its CPU is unknown);
 * a worker whose setting fails is set again at the next call. */
static void keep_off_caller_cpu(void)
{
  cpu_set_t cpus;
  if (sched_getaffinity(0, sizeof cpus, &cpus) != 0)
    return;
  int cpu = sched_getcpu();
  if (cpu >= 0 && CPU_COUNT(&cpus) >= 2 && CPU_ISSET(cpu, &cpus))
    CPU_CLR(cpu, &cpus);
  size_t from = CPU_EQUAL(&cpus, &workers_cpus) ? masked : 0;
  workers_cpus = cpus, masked = started;
  for (size_t i = from; i < started; i++)
    if (pthread_setaffinity_np(workers[i], sizeof cpus, &cpus) != 0)
      masked = 0;
}

/* A forked child has none of the parent's workers. */
static void forget_workers(void)
{
  started = masked = 0;
  CPU_ZERO(&workers_cpus);
  pool_job = NULL;
  want = joined = 0;
  atomic_store(&active, 0);
  pthread_mutex_init(&pool_owner, NULL);
  pthread_mutex_init(&mu, NULL);
  pthread_cond_init(&work_cv, NULL);
  pthread_cond_init(&done_cv, NULL);
}

static pthread_once_t atfork_once = PTHREAD_ONCE_INIT;
static void register_atfork(void)
{
  pthread_atfork(NULL, NULL, forget_workers);
}

/* Runs the job on the caller and up to helpers pool workers (started
 * now when fewer exist; fewer when a thread cannot be created). */
static void run_on_pool(struct par_job *job, size_t helpers)
{
  pthread_once(&atfork_once, register_atfork);
  pthread_mutex_lock(&mu);
  while (started < helpers) {
    pthread_t t;
    if (pthread_create(&t, NULL, worker, NULL) != 0)
      break;
    pthread_detach(t);
    workers[started++] = t;
  }
  keep_off_caller_cpu();
  pool_job = job;
  want = helpers < started ? helpers : started;
  joined = 0;
  atomic_fetch_add_explicit(&pool_gen, 1, memory_order_release);
  pthread_cond_broadcast(&work_cv);
  pthread_mutex_unlock(&mu);
  take_ranges(job);
  pthread_mutex_lock(&mu);
  want = joined; /* closed: latecomers stay asleep */
  pool_job = NULL;
  if (!spin_until(workers_finished, NULL))
    while (atomic_load(&active) > 0)
      pthread_cond_wait(&done_cv, &mu);
  pthread_mutex_unlock(&mu);
}

/* Runs the job on the caller and helpers threads of its own. */
static void run_on_new_threads(struct par_job *job, size_t helpers)
{
  pthread_t th[DLV_THREADS_MAX];
  int ok[DLV_THREADS_MAX] = {0};
  for (size_t i = 0; i < helpers; i++)
    ok[i] = pthread_create(&th[i], NULL, take_ranges, job) == 0;
  take_ranges(job);
  for (size_t i = 0; i < helpers; i++)
    if (ok[i])
      pthread_join(th[i], NULL);
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
  if (pthread_mutex_trylock(&pool_owner) == 0) {
    run_on_pool(&job, nt - 1);
    pthread_mutex_unlock(&pool_owner);
  } else {
    run_on_new_threads(&job, nt - 1);
  }
}

/* ---- jitter (parallel.h) -------------------------------------------------- */

static int jitter_on;
static pthread_once_t jitter_once = PTHREAD_ONCE_INIT;

static void read_jitter_setting(void)
{
  const char *v = getenv("DLV_THREAD_JITTER");
  jitter_on = v != NULL && strcmp(v, "1") == 0;
}

/* The next draw of the shared sequence (jitter on). */
static unsigned jitter_draw(void)
{
  static atomic_uint draws;
  return (atomic_fetch_add(&draws, 1) + 1) * 2654435761u;
}

static int jitter_enabled(void)
{
  pthread_once(&jitter_once, read_jitter_setting);
  return jitter_on;
}

void dlv_parallel_jitter(void)
{
  if (!jitter_enabled())
    return;
  unsigned r = jitter_draw();
  if (r >> 30 == 0) /* one time in four */
    nanosleep(&(struct timespec){0, (long)((r >> 20) & 63) * 1000}, NULL);
}

void dlv_parallel_jitter_hold(void)
{
  if (jitter_enabled() && jitter_draw() >> 31 == 0)
    nanosleep(&(struct timespec){0, 300000}, NULL);
}

size_t dlv_parallel_jitter_pick(size_t n)
{
  if (!jitter_enabled() || n < 2)
    return 0;
  return (size_t)(jitter_draw() >> 16) % n;
}
