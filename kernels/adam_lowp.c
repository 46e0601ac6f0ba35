/* adam_lowp.c: the Adam step with bf16 parameters (see lowp.h).
 *
 * Both entries run the float step's update loop on a bf16 gradient (job
 * b of adam_internal.h: g read exactly, theta' also stored rounded to
 * bf16, the step's scalars formed once per call).  So the float part has
 * adam.c's rounding model and bound, and each bf16 output adds one
 * rounding to bf16 (RNE).  The master-weight step runs in one pass over
 * its float master weights and moments; the pure-bf16 step reads theta,
 * m and v exactly into float buffers a chunk of DLV_LOWP_ADAM_CHUNK
 * elements at a time and rounds m' and v' back.  The gradient is scanned
 * over all n elements before any is stepped, so a bad gradient writes
 * nothing.  The scan and the master-weight step run on the kernels'
 * threads (dlv_set_threads), over whole chunks; conversions are inline
 * bit operations (bf16_inline.h) so that the loops vectorize. */
#include <stdatomic.h>
#include <stdint.h>

#include "adam.h"
#include "adam_internal.h"
#include "bf16_inline.h"
#include "dlv_status.h"
#include "lowp.h"
#include "parallel.h"

/* The hyperparameters, passed through to job b. */
typedef struct {
  float lr, beta1, beta2, eps;
  unsigned long t;
  int form;
} adam_hyper;

/* Job b for h: DLV_OK, or DLV_EINVAL for hyperparameters adam.h
 * refuses (checked as the float step checks them, one definition). */
static int step_job(struct adam_job_b *job, const adam_hyper *h)
{
  return dlv__adam_job_b(job, h->lr, h->beta1, h->beta2, h->eps, h->t,
                         h->form);
}

/* The chunks of DLV_LOWP_ADAM_CHUNK elements of n (the last one shorter). */
static size_t chunk_count(size_t n)
{
  return (n + DLV_LOWP_ADAM_CHUNK - 1) / DLV_LOWP_ADAM_CHUNK;
}

/* The elements [*i0, *i1) of chunks [lo, hi) of n elements. */
static void chunk_range(size_t lo, size_t hi, size_t n, size_t *i0,
                        size_t *i1)
{
  size_t end = hi * DLV_LOWP_ADAM_CHUNK;
  *i0 = lo * DLV_LOWP_ADAM_CHUNK;
  *i1 = end < n ? end : n;
}

/* The status of a gradient whose largest magnitude pattern (sign
 * cleared) is most: DLV_OK when every g_i is finite with |g_i| <=
 * DLV_ADAM_GMAX_S (adam.h's limit for float), DLV_ENAN when some g_i is
 * a NaN, else DLV_EDOM.  With the sign cleared, magnitudes are ordered as
 * their patterns, NaNs above +Inf's; 2^63 is a bf16 value, so its
 * pattern is exact. */
static int magnitude_status(uint16_t most)
{
  const uint16_t inf = 0x7f80u;
  const uint16_t gmax = dlv_bf16_bits_from_float(DLV_ADAM_GMAX_S);
  return most > inf ? DLV_ENAN : most > gmax ? DLV_EDOM : DLV_OK;
}

enum { SEEN_NAN = 1u, SEEN_BIG = 2u };

/* The gradient's scan, on the kernels' threads over whole chunks of
 * DLV_LOWP_ADAM_CHUNK patterns, DLV_LOWP_ADAM_RANGES ranges a thread;
 * each range ORs its status bit in (a max reduction on 16-bit lanes,
 * which the compiler vectorizes). */
struct scan_job {
  size_t n;
  const dlv_bf16 *grad;
  atomic_uint seen; /* SEEN_NAN, SEEN_BIG: some range found one */
};

static void scan_chunks(void *arg, size_t lo, size_t hi)
{
  struct scan_job *j = arg;
  size_t i0, i1;
  chunk_range(lo, hi, j->n, &i0, &i1);
  uint16_t most = 0;
  for (size_t i = i0; i < i1; i++) {
    uint16_t a = j->grad[i].bits & 0x7fffu;
    most = a > most ? a : most;
  }
  int status = magnitude_status(most);
  if (status != DLV_OK)
    atomic_fetch_or(&j->seen, status == DLV_ENAN ? SEEN_NAN : SEEN_BIG);
}

static int scan_grad(size_t n, const dlv_bf16 *grad)
{
  struct scan_job j = {.n = n, .grad = grad};
  atomic_init(&j.seen, 0u);
  dlv_parallel_for(chunk_count(n), DLV_LOWP_ADAM_RANGES, scan_chunks, &j);
  unsigned seen = atomic_load(&j.seen);
  return seen & SEEN_NAN ? DLV_ENAN : seen & SEEN_BIG ? DLV_EDOM : DLV_OK;
}

/* Arguments shared by both entries, then the gradient's scan. */
static int check_args(size_t n, const void *theta, const void *m,
                      const void *v, const dlv_bf16 *grad,
                      const adam_hyper *h)
{
  struct adam_job_b job;
  if (h->form & DLV_ADAM_ONE_PASS)
    return DLV_EINVAL;
  if (n > 0 && (!theta || !m || !v || !grad))
    return DLV_EINVAL;
  int status = step_job(&job, h);
  return status != DLV_OK ? status : scan_grad(n, grad);
}

static void read_bf16(size_t k, const dlv_bf16 *src, float *dst)
{
  for (size_t i = 0; i < k; i++)
    dst[i] = dlv_bf16_bits_to_float(src[i].bits);
}

static void write_bf16(size_t k, const float *src, dlv_bf16 *dst)
{
  for (size_t i = 0; i < k; i++)
    dst[i].bits = dlv_bf16_bits_from_float(src[i]);
}

/* The step with float master weights, threaded over whole chunks (each
 * element's result depends on that element alone: any thread count gives
 * the same bits), DLV_LOWP_ADAM_RANGES ranges a thread, so that a slowed
 * thread takes fewer. */
struct master_job {
  size_t n;
  dlv_bf16 *theta;
  float *master, *m, *v;
  const dlv_bf16 *grad;
  adam_hyper h;
};

/* Chunks [lo, hi) of DLV_LOWP_ADAM_CHUNK elements, in one pass. */
static void master_chunks(void *arg, size_t lo, size_t hi)
{
  const struct master_job *j = arg;
  size_t i0, i1;
  chunk_range(lo, hi, j->n, &i0, &i1);
  struct adam_job_b step;
  (void)step_job(&step, &j->h); /* checked by the entry */
  dlv__adam_update_b(&step, i1 - i0, j->master + i0, j->m + i0, j->v + i0,
                     j->grad + i0, j->theta + i0);
}

int dlv_adam_step_bf16(size_t n, dlv_bf16 *theta, float *master, float *m,
                       float *v, const dlv_bf16 *grad, float lr, float beta1,
                       float beta2, float eps, unsigned long t, int form)
{
  adam_hyper h = {lr, beta1, beta2, eps, t, form};
  if (n > 0 && master == NULL) /* an argument: before the gradient's scan */
    return DLV_EINVAL;
  int status = check_args(n, theta, m, v, grad, &h);
  if (status != DLV_OK)
    return status;
  struct master_job j = {n, theta, master, m, v, grad, h};
  dlv_parallel_for(chunk_count(n), DLV_LOWP_ADAM_RANGES, master_chunks,
                   &j);
  return DLV_OK;
}

int dlv_adam_step_pure_bf16(size_t n, dlv_bf16 *theta, dlv_bf16 *m,
                            dlv_bf16 *v, const dlv_bf16 *grad, float lr,
                            float beta1, float beta2, float eps,
                            unsigned long t, int form)
{
  adam_hyper h = {lr, beta1, beta2, eps, t, form};
  int status = check_args(n, theta, m, v, grad, &h);
  if (status != DLV_OK)
    return status;
  float th[DLV_LOWP_ADAM_CHUNK], mf[DLV_LOWP_ADAM_CHUNK],
      vf[DLV_LOWP_ADAM_CHUNK];
  struct adam_job_b step;
  (void)step_job(&step, &h); /* checked above */
  for (size_t i0 = 0; i0 < n; i0 += DLV_LOWP_ADAM_CHUNK) {
    size_t k = n - i0 < DLV_LOWP_ADAM_CHUNK ? n - i0 : DLV_LOWP_ADAM_CHUNK;
    read_bf16(k, theta + i0, th);
    read_bf16(k, m + i0, mf);
    read_bf16(k, v + i0, vf);
    dlv__adam_update_b(&step, k, th, mf, vf, grad + i0, theta + i0);
    write_bf16(k, mf, m + i0);
    write_bf16(k, vf, v + i0);
  }
  return DLV_OK;
}
