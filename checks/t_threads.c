/* t_threads.c: the kernels' threads (kernels/parallel.c) seen through a
 * threaded kernel, dlv_adam_step_d over several DLV_ADAM_BLOCK blocks:
 *  - 1, 2 and 3 threads give the same bits (threads.h);
 *  - the setting's clamps: below 1 counts as 1, above DLV_THREADS_MAX as
 *    DLV_THREADS_MAX;
 *  - two user threads calling it at once (one takes the pool of workers,
 *    the other starts threads of its own) each get the same bits as a
 *    call alone; so do two calling the bf16 input gradient at once on
 *    two shapes (it keeps a plan for the last shape between calls);
 *  - a forked child, whose parent's workers do not exist in it, still
 *    completes a threaded call (an alarm turns a hang into a failure);
 *  - the pool's workers run off the caller's CPU (parallel.c), seen
 *    through dlv_parallel_for itself (the kernels' internal loop);
 *  - dlv_parallel_for's ranges: every index of every n up to 300 run
 *    once, on 1-3 threads, the ranges as parallel.h states. */
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "adam.h"
#include "conv3d.h"
#include "conv3d_lowp.h"
#include "dlv_status.h"
#include "threads.h"
#include "../kernels/parallel.h"

/* ThreadSanitizer (gcc's macro, clang's feature) cannot start threads in
 * the child of a multi-threaded fork. */
#if defined(__SANITIZE_THREAD__)
#define UNDER_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define UNDER_TSAN 1
#endif
#endif

enum { N = 3 * DLV_ADAM_BLOCK + 17, ROUNDS = 40, CHILD_SECONDS = 60 };

typedef struct {
  double *theta, *m, *v, *g;
} state;

static void state_init(state *s)
{
  s->theta = malloc(N * sizeof(double));
  s->m = malloc(N * sizeof(double));
  s->v = malloc(N * sizeof(double));
  s->g = malloc(N * sizeof(double));
  assert_non_null(s->theta && s->m && s->v && s->g);
  for (size_t i = 0; i < N; i++) {
    s->theta[i] = 1.0 / (double)(i + 1);
    s->m[i] = 0.0;
    s->v[i] = 0.0;
    s->g[i] = (double)(i % 97) - 48.0;
  }
}

static void state_free(state *s)
{
  free(s->theta);
  free(s->m);
  free(s->v);
  free(s->g);
}

/* A digest of theta's bytes (FNV-1a), read from the end: compared after
 * every step, so that a call returning while a worker still writes its
 * last range (the vector's end, most likely) shows at any step. */
static uint64_t digest(const double *x)
{
  const unsigned char *b = (const unsigned char *)x;
  uint64_t h = 14695981039346656037u;
  for (size_t i = N * sizeof(double); i-- > 0;)
    h = (h ^ b[i]) * 1099511628211u;
  return h;
}

/* ROUNDS steps on a fresh state, each step's digest into out; the status
 * of the first failed step, else DLV_OK. */
static int steps(uint64_t out[ROUNDS])
{
  state s;
  state_init(&s);
  int status = DLV_OK;
  for (unsigned long t = 1; t <= ROUNDS && status == DLV_OK; t++) {
    status = dlv_adam_step_d(N, s.theta, s.m, s.v, s.g, 1e-3, 0.9, 0.999,
                             1e-8, t, DLV_ADAM_BIAS_CORRECTED);
    out[t - 1] = digest(s.theta);
  }
  state_free(&s);
  return status;
}

static const uint64_t *reference(void)
{
  static uint64_t ref[ROUNDS];
  static int done;
  if (!done) {
    dlv_set_threads(1);
    assert_int_equal(steps(ref), DLV_OK);
    done = 1;
  }
  return ref;
}

static void same_bits_at_any_thread_count(void **unused)
{
  (void)unused;
  uint64_t got[ROUNDS];
  for (int t = 1; t <= 3; t++) {
    dlv_set_threads(t);
    assert_int_equal(steps(got), DLV_OK);
    assert_memory_equal(got, reference(), sizeof got);
  }
}

/* The setting outside its range (threads.h): below 1 counts as 1 (the
 * same bits as 1 thread), above DLV_THREADS_MAX as DLV_THREADS_MAX. */
static void setting_outside_its_range(void **unused)
{
  (void)unused;
  static const int low[] = {0, -1, INT_MIN};
  uint64_t got[ROUNDS];
  for (size_t i = 0; i < sizeof low / sizeof low[0]; i++) {
    dlv_set_threads(low[i]);
    assert_int_equal(dlv_get_threads(), 1);
    assert_int_equal(steps(got), DLV_OK);
    assert_memory_equal(got, reference(), sizeof got);
  }
  static const int high[] = {DLV_THREADS_MAX + 1, INT_MAX};
  for (size_t i = 0; i < sizeof high / sizeof high[0]; i++) {
    dlv_set_threads(high[i]);
    assert_int_equal(dlv_get_threads(), DLV_THREADS_MAX);
  }
  dlv_set_threads(DLV_THREADS_MAX);
  assert_int_equal(dlv_get_threads(), DLV_THREADS_MAX);
  dlv_set_threads(1);
}

static void *caller(void *out)
{
  return (void *)(long)steps(out);
}

static void concurrent_callers_get_same_bits(void **unused)
{
  (void)unused;
  uint64_t a[ROUNDS], b[ROUNDS];
  dlv_set_threads(2);
  pthread_t ta, tb;
  assert_int_equal(pthread_create(&ta, NULL, caller, a), 0);
  assert_int_equal(pthread_create(&tb, NULL, caller, b), 0);
  void *ra, *rb;
  pthread_join(ta, &ra);
  pthread_join(tb, &rb);
  assert_int_equal((long)ra, DLV_OK);
  assert_int_equal((long)rb, DLV_OK);
  assert_memory_equal(a, reference(), sizeof a);
  assert_memory_equal(b, reference(), sizeof b);
}

/* One user thread's bf16 input gradient calls on its own shape. */
typedef struct {
  dlv_conv3d_shape s;
  dlv_bf16 *f, *g2;
  float *out, *alone; /* a call's output; that of a call alone */
  size_t n_out;
} lp_caller;

enum { LP_ROUNDS = 30 };

static void lp_caller_init(lp_caller *c, dlv_conv3d_shape s)
{
  size_t n_l1, n_f, n_l2;
  assert_int_equal(dlv_conv3d_sizes(&s, &n_l1, &n_f, &n_l2), DLV_OK);
  *c = (lp_caller){.s = s, .f = malloc(n_f * sizeof *c->f),
                   .g2 = malloc(n_l2 * sizeof *c->g2),
                   .out = malloc(n_l1 * sizeof(float)),
                   .alone = malloc(n_l1 * sizeof(float)), .n_out = n_l1};
  assert_non_null(c->f && c->g2 && c->out && c->alone);
  for (size_t i = 0; i < n_f; i++) /* +-(1 + k/128): exact bf16 */
    c->f[i].bits = (uint16_t)((i % 3 ? 0x3f80u : 0xbf80u) + i * 37 % 127);
  for (size_t i = 0; i < n_l2; i++)
    c->g2[i].bits = (uint16_t)((i % 5 ? 0x3f80u : 0xbf80u) + i * 53 % 127);
  assert_int_equal(dlv_conv3d_bwd_input_bf16(&s, c->f, c->g2, c->alone),
                   DLV_OK);
}

static void lp_caller_free(lp_caller *c)
{
  free(c->f), free(c->g2), free(c->out), free(c->alone);
}

/* LP_ROUNDS calls; returns how many failed or differed from alone. */
static void *lp_calls(void *arg)
{
  lp_caller *c = arg;
  long bad = 0;
  for (int r = 0; r < LP_ROUNDS; r++)
    bad += dlv_conv3d_bwd_input_bf16(&c->s, c->f, c->g2, c->out) != DLV_OK ||
           memcmp(c->out, c->alone, c->n_out * sizeof(float)) != 0;
  return (void *)bad;
}

static void concurrent_lowp_plans_get_same_bits(void **unused)
{
  (void)unused;
  lp_caller a, b;
  dlv_set_threads(2);
  lp_caller_init(&a, (dlv_conv3d_shape){2, 5, 4, 3, 6, 5, 3, 3, 2});
  lp_caller_init(&b, (dlv_conv3d_shape){1, 4, 6, 5, 5, 7, 2, 3, 3});
  pthread_t ta, tb;
  assert_int_equal(pthread_create(&ta, NULL, lp_calls, &a), 0);
  assert_int_equal(pthread_create(&tb, NULL, lp_calls, &b), 0);
  void *ra, *rb;
  pthread_join(ta, &ra);
  pthread_join(tb, &rb);
  dlv_set_threads(1);
  assert_int_equal((long)ra, 0);
  assert_int_equal((long)rb, 0);
  lp_caller_free(&a);
  lp_caller_free(&b);
}

static void forked_child_completes(void **unused)
{
  (void)unused;
#ifdef UNDER_TSAN
  skip();
#endif
  uint64_t got[ROUNDS];
  dlv_set_threads(2);
  assert_int_equal(steps(got), DLV_OK); /* the parent's workers exist */
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    alarm(CHILD_SECONDS);
    int ok = steps(got) == DLV_OK &&
             memcmp(got, reference(), sizeof got) == 0;
    _exit(ok ? 0 : 1);
  }
  int status;
  assert_int_equal(waitpid(pid, &status, 0), pid);
  assert_true(WIFEXITED(status));
  assert_int_equal(WEXITSTATUS(status), 0);
}

/* ---- dlv_parallel_for's ranges (parallel.h) ------------------------------- */

enum { COVER_N_MAX = 300 };

/* Every index's visits, and the ranges fn was called with. */
typedef struct {
  size_t n, grain;
  atomic_int visits[COVER_N_MAX];
  atomic_int calls, bad_range; /* bad_range: a range not as parallel.h says */
} cover_probe;

/* A range must start at a multiple of grain and hold grain indices, the
 * last one (ending at n) fewer. */
static void cover_range(void *arg, size_t lo, size_t hi)
{
  cover_probe *p = arg;
  atomic_fetch_add(&p->calls, 1);
  size_t want_hi = p->n - lo < p->grain ? p->n : lo + p->grain;
  if (lo % p->grain != 0 || lo >= hi || hi != want_hi)
    atomic_store(&p->bad_range, 1);
  for (size_t i = lo; i < hi && i < p->n; i++)
    atomic_fetch_add(&p->visits[i], 1);
}

/* Every n up to COVER_N_MAX, every per_thread up to 9, 1-3 threads (and
 * the jitter of the scheduling test mode, when set): each index visited
 * once, ceil(n / grain) calls (one on one thread), each range as
 * parallel.h states (a remainder merged into the range before it, and
 * handed out again, ran twice: an Adam element stepped twice on 2 threads
 * from 49 blocks on). */
static void parallel_for_visits_each_index_once(void **unused)
{
  (void)unused;
  static cover_probe p; /* 1.2 KB of counters, reused */
  for (int threads = 1; threads <= 3; threads++) {
    dlv_set_threads(threads);
    for (size_t n = 0; n <= COVER_N_MAX; n++)
      for (size_t per = 1; per <= 9; per++) {
        size_t t = (size_t)threads < n ? (size_t)threads : n;
        p.n = n; /* one thread: one range */
        p.grain = t <= 1 ? (n > 0 ? n : 1) : (n + t * per - 1) / (t * per);
        for (size_t i = 0; i < COVER_N_MAX; i++)
          atomic_init(&p.visits[i], 0);
        atomic_init(&p.calls, 0);
        atomic_init(&p.bad_range, 0);
        dlv_parallel_for(n, per, cover_range, &p);
        for (size_t i = 0; i < n; i++)
          if (atomic_load(&p.visits[i]) != 1)
            fail_msg("%d threads, n %zu, per_thread %zu: index %zu run %d "
                     "times", threads, n, per, i, atomic_load(&p.visits[i]));
        assert_int_equal(atomic_load(&p.bad_range), 0);
        assert_int_equal(atomic_load(&p.calls),
                         (int)((n + p.grain - 1) / p.grain));
      }
  }
  dlv_set_threads(1);
}

/* ---- the workers' CPUs ---------------------------------------------------- */

typedef struct {
  pthread_t caller;
  atomic_int entered; /* threads in a range */
  cpu_set_t worker_mask;
  atomic_int worker_seen;
} cpu_probe;

/* Each range waits (at most 2 s) until two threads are in one, so
 * that a worker joins; a worker records its affinity. */
static void probe_range(void *arg, size_t lo, size_t hi)
{
  (void)lo, (void)hi;
  cpu_probe *p = arg;
  atomic_fetch_add(&p->entered, 1);
  if (!pthread_equal(pthread_self(), p->caller) &&
      sched_getaffinity(0, sizeof p->worker_mask, &p->worker_mask) == 0)
    atomic_store(&p->worker_seen, 1);
  struct timespec t0, t;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  do
    clock_gettime(CLOCK_MONOTONIC, &t);
  while (atomic_load(&p->entered) < 2 && t.tv_sec - t0.tv_sec < 2);
}

static void workers_run_off_the_callers_cpu(void **unused)
{
  (void)unused;
#ifdef DLV_UNDER_VALGRIND
  skip(); /* one thread at a time, on whichever CPU: no placement to see */
#endif
  cpu_set_t mine;
  assert_int_equal(sched_getaffinity(0, sizeof mine, &mine), 0);
  if (CPU_COUNT(&mine) < 2)
    skip(); /* one CPU allowed: the workers share it */
  dlv_set_threads(2);
  if (sched_getcpu() < 0)
    skip(); /* the CPU a thread runs on is unknown: nothing to keep off */
  for (int tries = 0; tries < 20; tries++) {
    cpu_probe p = {.caller = pthread_self()};
    int before = sched_getcpu();
    dlv_parallel_for(2, 1, probe_range, &p);
    if (!atomic_load(&p.worker_seen))
      continue; /* no worker joined: try again */
    assert_int_equal(CPU_COUNT(&p.worker_mask), CPU_COUNT(&mine) - 1);
    /* the caller may have moved between reading its CPU and the call */
    if (sched_getcpu() == before && !CPU_ISSET(before, &p.worker_mask))
      return;
  }
  fail_msg("no call whose worker was kept off the caller's CPU");
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(same_bits_at_any_thread_count),
      cmocka_unit_test(setting_outside_its_range),
      cmocka_unit_test(concurrent_callers_get_same_bits),
      cmocka_unit_test(concurrent_lowp_plans_get_same_bits),
      cmocka_unit_test(forked_child_completes),
      cmocka_unit_test(workers_run_off_the_callers_cpu),
      cmocka_unit_test(parallel_for_visits_each_index_once),
  };
  return cmocka_run_group_tests_name("harness", tests, NULL, NULL);
}
