/* adam.c: fused Adam step, EMA and O(1) backward-window mean (see adam.h).
 *
 * Rounding model (what checks/bounds.h, section P1, counts): per element,
 *   m' = fl(fl(b1 m) + fl(c1 g)),               c1 = fl(1 - b1)
 *   v' = fl(fl(b2 v) + fl(c2 fl(g g))),         c2 = fl(1 - b2)
 *   d  = fl(fl(fl(sqrt(v')) r2) + eps)
 *   theta' = fl(theta - fl(s1 fl(m' / d)))
 * c1, c2 are exact when b >= 1/2 (Sterbenz).  The scalars s1 = lr / bc1
 * and r2 = 1 / sqrt(bc2) are formed once per step in double.
 * An element whose v' or |m'| is below low (DLV_ADAM_LOW_*, or 0 when
 * eps >= DLV_ADAM_EPS_BIG_* r2) and not all zero (g = m = v = 0) is left
 * by the main loop with its old theta, m and -|v| (the sign bit marks it:
 * v >= 0 otherwise) and redone by adam_low: m', v' as above (same bits),
 * and theta' from the same formulas evaluated in the wider type W
 * (float: double, double: long double) on the dtype's c1, c2, s1, r2,
 * rounded once to the dtype at the end; no product of two dtype values
 * underflows or overflows in W.  Where s1 itself lies beyond the dtype's
 * range (lr / bc1 overflows it: a huge lr with a small bc1), every element
 * is redone so, with s1 = lr / bc1 formed in W (a dtype s1 of +-Inf would
 * make Inf of a finite s1 m'/d and NaN of m' = 0). */
#include <float.h>
#include <math.h>
#include <stdatomic.h>

#include "adam.h"
#include "adam_internal.h"
#include "bf16_inline.h"
#include "dlv_status.h"
#include "parallel.h"

/* ---- argument checks -------------------------------------------------- */

static int beta_ok(double b) { return b >= 0.0 && b < 1.0; }

static int hyper_ok(double lr, double b1, double b2, double eps,
                    unsigned long t, int form)
{
  if (!isfinite(lr) || !beta_ok(b1) || !beta_ok(b2))
    return 0;
  if (!(eps > 0.0) || !isfinite(eps))
    return 0;
  if (form & ~(DLV_ADAM_BIAS_CORRECTED | DLV_ADAM_ONE_PASS))
    return 0;
  return !(form & DLV_ADAM_BIAS_CORRECTED) || t >= 1;
}

/* Admissibility of a gradient element: a number with |x| <= xmax (both
 * comparisons are false for a NaN; & not &&: no branch, so the loop
 * vectorizes). */
#define ADMISSIBLE(x, xmax) (((x) <= (xmax)) & ((x) >= -(xmax)))

/* DLV_OK when every x_i is admissible; DLV_ENAN for a NaN (it dominates),
 * DLV_EDOM for an infinity or a larger magnitude. */
#define DEFINE_SCAN(suffix, type)                                            \
  static int scan_##suffix(size_t n, const type *x, type xmax)               \
  {                                                                          \
    int big = 0, nan = 0;                                                    \
    for (size_t i = 0; i < n; i++) {                                         \
      type a = x[i] < 0 ? -x[i] : x[i];                                      \
      big |= a > xmax;                                                       \
      nan |= a != a;                                                         \
    }                                                                        \
    return nan ? DLV_ENAN : big ? DLV_EDOM : DLV_OK;                         \
  }
DEFINE_SCAN(d, double)
DEFINE_SCAN(s, float)

/* ---- bias correction and per-step scalars ----------------------------- */

int dlv_adam_bias_correction_d(double b, unsigned long t, double *bc)
{
  if (bc == NULL || !beta_ok(b) || t < 1)
    return DLV_EINVAL;
  /* 1 - b^t = -expm1(y), y = t log(b) < 0 for b > 0; -expm1 has relative
   * condition number |y| / (e^|y| - 1) <= 1: no cancellation at small t,
   * unlike 1 - pow(b, t). */
  *bc = b == 0.0 ? 1.0 : -expm1((double)t * log(b));
  return DLV_OK;
}

/* s1 = lr / bc1, bc1 = 1 - b1^t, r2 = 1 / sqrt(1 - b2^t); (lr, 1, 1) for
 * the exam. */
static void step_scalars(double lr, double b1, double b2, unsigned long t,
                         int form, double *s1, double *bc1, double *r2)
{
  *s1 = lr;
  *bc1 = 1.0;
  *r2 = 1.0;
  if (form != DLV_ADAM_BIAS_CORRECTED)
    return;
  double bc2 = 1.0;
  dlv_adam_bias_correction_d(b1, t, bc1); /* arguments checked by caller */
  dlv_adam_bias_correction_d(b2, t, &bc2);
  *s1 = lr / *bc1;
  *r2 = 1.0 / sqrt(bc2);
}

/* ---- fused loops (one definition for both types) ---------------------- */

/* The EMA update of one element: b a + c x, two products and a sum. */
#define EMA1(b, c, a, x) ((b) * (a) + (c) * (x))

/* The job of one Adam call: adam_internal.h. */

#define DEFINE_ADAM_LOOP(suffix, type, sqrtfn, fabsfn, W, sqrtw, low_c,      \
                         eps_big_c, gtype, gval, put16)                      \
  /* The elements of [lo, hi) the main loop marked (v < 0: see the top of  \
   * the file), redone with theta' evaluated in W; b1, b2, c1, c2 as the    \
   * main loop has them. */                                                  \
  static void adam_low_##suffix(const struct adam_job_##suffix *j,           \
                                size_t lo, size_t hi, type b1, type b2,      \
                                type c1, type c2)                            \
  {                                                                          \
    for (size_t i = lo; i < hi; i++) {                                       \
      if (!signbit(j->v[i]))                                                 \
        continue;                                                            \
      type gi = gval(j->g[i]), m0 = j->m[i], v0 = -j->v[i];                  \
      W mw = EMA1((W)b1, (W)c1, (W)m0, (W)gi);                               \
      W vw = EMA1((W)b2, (W)c2, (W)v0, (W)gi * (W)gi);                       \
      W dw = sqrtw(vw) * (W)j->r2 + (W)j->eps;                               \
      j->m[i] = EMA1(b1, c1, m0, gi);                                        \
      j->v[i] = EMA1(b2, c2, v0, gi * gi);                                   \
      if (j->s1 != 0)                                                        \
        j->theta[i] = (type)((W)j->theta[i] - j->s1w * (mw / dw));           \
      put16(j->theta16, i, j->theta[i]);                                     \
    }                                                                        \
  }                                                                          \
                                                                             \
  /* Elements [lo, hi): returns nonzero when some g_i is not admissible. */  \
  static int adam_loop_##suffix(const struct adam_job_##suffix *j,           \
                                size_t lo, size_t hi)                        \
  {                                                                          \
    type *restrict theta = j->theta, *restrict m = j->m,                     \
                   *restrict v = j->v;                                       \
    const gtype *restrict g = j->g;                                          \
    dlv_bf16 *restrict theta16 = j->theta16;                                 \
    const type b1 = j->b1, b2 = j->b2, c1 = 1 - b1, c2 = 1 - b2;             \
    const type eps = j->eps, s1 = j->s1, r2 = j->r2, gmax = j->gmax;         \
    const type low = eps < (eps_big_c) * r2 ? (low_c) : 0;                   \
    int bad = 0, any_low = 0;                                                \
    for (size_t i = lo; i < hi; i++) {                                       \
      type gi = gval(g[i]), m0 = m[i], v0 = v[i];                            \
      bad |= !ADMISSIBLE(gi, gmax);                                          \
      type mi = EMA1(b1, c1, m0, gi);                                        \
      type vi = EMA1(b2, c2, v0, gi * gi);                                   \
      type d = sqrtfn(vi) * r2 + eps;                                        \
      int is_low = j->s1_wide | (((vi < low) | ((mi < low) & (mi > -low))) & \
                                  !((gi == 0) & (m0 == 0) & (v0 == 0)));     \
      any_low |= is_low;                                                     \
      m[i] = is_low ? m0 : mi;                                               \
      v[i] = is_low ? -fabsfn(v0) : vi;                                      \
      /* lr = 0 leaves theta as it is, also when m'/d overflows */          \
      theta[i] = s1 == 0 || is_low ? theta[i] : theta[i] - s1 * (mi / d);    \
      put16(theta16, i, theta[i]);                                           \
    }                                                                        \
    if (any_low)                                                             \
      adam_low_##suffix(j, lo, hi, b1, b2, c1, c2);                          \
    return bad;                                                              \
  }

/* The threaded step over a job's blocks (the float and double entries). */
#define DEFINE_ADAM_RUN(suffix)                                              \
  static void adam_blocks_##suffix(void *arg, size_t lo, size_t hi)          \
  {                                                                          \
    struct adam_job_##suffix *j = arg;                                       \
    size_t i0 = lo * DLV_ADAM_BLOCK, i1 = hi * DLV_ADAM_BLOCK;                       \
    i1 = i1 < j->n ? i1 : j->n;                                              \
    if (j->scan_only) {                                                      \
      int status = scan_##suffix(i1 - i0, j->g + i0, j->gmax);               \
      if (status != DLV_OK)                                                  \
        atomic_fetch_or(status == DLV_ENAN ? &j->nan : &j->bad, 1);          \
    } else if (adam_loop_##suffix(j, i0, i1)) {                              \
      atomic_fetch_or(&j->bad, 1);                                           \
    }                                                                        \
  }                                                                          \
                                                                             \
  /* Runs the job over all elements, threaded; the scan's status. */        \
  static int adam_run_##suffix(struct adam_job_##suffix *j, int scan_only)   \
  {                                                                          \
    j->scan_only = scan_only;                                                \
    atomic_init(&j->bad, 0);                                                 \
    atomic_init(&j->nan, 0);                                                 \
    dlv_parallel_for((j->n + DLV_ADAM_BLOCK - 1) / DLV_ADAM_BLOCK, 8,                \
                     adam_blocks_##suffix, j);                               \
    if (atomic_load(&j->nan))                                                \
      return DLV_ENAN;                                                       \
    return atomic_load(&j->bad) ? DLV_EDOM : DLV_OK;                         \
  }

/* W = long double must hold every product of two doubles without
 * rounding to a subnormal or overflowing (x87 extended, binary128). */
_Static_assert(LDBL_MIN_EXP < 2 * DBL_MIN_EXP - 2 * DBL_MANT_DIG - 64 &&
                   LDBL_MAX_EXP > 2 * DBL_MAX_EXP + 64 &&
                   LDBL_MANT_DIG >= 64,
               "adam.c needs a long double wider than double in range");

/* How a loop reads g_i and what it keeps of theta': the float and double
 * steps read g as it is and keep theta' alone; the bf16 master-weight
 * step (job b: adam_internal.h) reads a bf16 g exactly and stores beside
 * the float theta' (the master weight) its bf16 rounding (RNE). */
#define G_AS_IS(x) (x)
#define THETA_ONLY(theta16, i, x) ((void)(theta16))
#define G_FROM_BF16(x) dlv_bf16_bits_to_float((x).bits)
#define THETA_BF16(theta16, i, x) ((theta16)[i].bits = dlv_bf16_bits_from_float(x))
DEFINE_ADAM_LOOP(d, double, sqrt, fabs, long double, sqrtl, DLV_ADAM_LOW_D,
                 DLV_ADAM_EPS_BIG_D, double, G_AS_IS, THETA_ONLY)
DEFINE_ADAM_LOOP(s, float, sqrtf, fabsf, double, sqrt, DLV_ADAM_LOW_S,
                 DLV_ADAM_EPS_BIG_S, float, G_AS_IS, THETA_ONLY)
DEFINE_ADAM_LOOP(b, float, sqrtf, fabsf, double, sqrt, DLV_ADAM_LOW_S,
                 DLV_ADAM_EPS_BIG_S, dlv_bf16, G_FROM_BF16, THETA_BF16)
DEFINE_ADAM_RUN(d)
DEFINE_ADAM_RUN(s)

#define DEFINE_EMA_LOOP(suffix, type)                                        \
  static void ema_loop_##suffix(size_t n, type *restrict avg,                \
                                const type *restrict x, type b)              \
  {                                                                          \
    const type c = 1 - b;                                                    \
    for (size_t i = 0; i < n; i++)                                           \
      avg[i] = EMA1(b, c, avg[i], x[i]);                                     \
  }
DEFINE_EMA_LOOP(d, double)
DEFINE_EMA_LOOP(s, float)

/* ---- public entries ---------------------------------------------------- */

/* Checks the hyperparameters and sets job's scalars (the arrays and n
 * are the caller's). */
#define DEFINE_ADAM_JOB_INIT(suffix, type, wide, gmax_value)                 \
  static int adam_job_init_##suffix(struct adam_job_##suffix *job, type lr,  \
                                    type beta1, type beta2, type eps,        \
                                    unsigned long t, int form)               \
  {                                                                          \
    if (!hyper_ok(lr, beta1, beta2, eps, t, form))                           \
      return DLV_EINVAL;                                                     \
    double s1, bc1, r2;                                                      \
    step_scalars(lr, beta1, beta2, t, form & DLV_ADAM_BIAS_CORRECTED, &s1,   \
                 &bc1, &r2);                                                 \
    int s1_wide = !isfinite((type)s1);                                       \
    job->b1 = beta1, job->b2 = beta2, job->eps = eps;                        \
    job->s1 = (type)s1, job->r2 = (type)r2, job->gmax = gmax_value;          \
    job->s1_wide = s1_wide;                                                  \
    job->s1w = s1_wide ? (wide)lr / (wide)bc1 : (wide)(type)s1;              \
    return DLV_OK;                                                           \
  }
DEFINE_ADAM_JOB_INIT(d, double, long double, DLV_ADAM_GMAX_D)
DEFINE_ADAM_JOB_INIT(s, float, double, DLV_ADAM_GMAX_S)
DEFINE_ADAM_JOB_INIT(b, float, double, DLV_ADAM_GMAX_S)

/* Checks shared by the Adam entries, then the step: two passes (scan g,
 * then update when it is admissible) or, with DLV_ADAM_ONE_PASS, one (the
 * update, then the status; on a bad gradient the exact status comes from
 * a scan of g, which the update left unchanged). */
#define ADAM_STEP(suffix)                                                    \
  struct adam_job_##suffix job = {                                           \
      .n = n, .theta = theta, .m = m, .v = v, .g = grad};                    \
  if (adam_job_init_##suffix(&job, lr, beta1, beta2, eps, t, form) != DLV_OK)\
    return DLV_EINVAL;                                                       \
  if (n > 0 && (!theta || !m || !v || !grad))                                \
    return DLV_EINVAL;                                                       \
  if (form & DLV_ADAM_ONE_PASS)                                              \
    return adam_run_##suffix(&job, 0) == DLV_OK ? DLV_OK                     \
                                                : adam_run_##suffix(&job, 1);\
  int status = adam_run_##suffix(&job, 1);                                   \
  return status != DLV_OK ? status : (adam_run_##suffix(&job, 0), DLV_OK)

int dlv_adam_step_d(size_t n, double *theta, double *m, double *v,
                    const double *grad, double lr, double beta1, double beta2,
                    double eps, unsigned long t, int form)
{
  ADAM_STEP(d);
}

int dlv_adam_step_s(size_t n, float *theta, float *m, float *v,
                    const float *grad, float lr, float beta1, float beta2,
                    float eps, unsigned long t, int form)
{
  ADAM_STEP(s);
}

int dlv__adam_job_b(struct adam_job_b *job, float lr, float beta1,
                    float beta2, float eps, unsigned long t, int form)
{
  return adam_job_init_b(job, lr, beta1, beta2, eps, t, form);
}

void dlv__adam_update_b(struct adam_job_b *job, size_t n, float *theta,
                        float *m, float *v, const dlv_bf16 *g,
                        dlv_bf16 *theta16)
{
  job->n = n, job->theta = theta, job->m = m, job->v = v, job->g = g;
  job->theta16 = theta16;
  (void)adam_loop_b(job, 0, n);
}

int dlv_ema_d(size_t n, double *avg, const double *x, double beta)
{
  if (!beta_ok(beta) || (n > 0 && (!avg || !x)))
    return DLV_EINVAL;
  int status = scan_d(n, x, DBL_MAX);
  if (status == DLV_OK)
    ema_loop_d(n, avg, x, beta);
  return status;
}

int dlv_ema_s(size_t n, float *avg, const float *x, float beta)
{
  if (!beta_ok(beta) || (n > 0 && (!avg || !x)))
    return DLV_EINVAL;
  int status = scan_s(n, x, FLT_MAX);
  if (status == DLV_OK)
    ema_loop_s(n, avg, x, beta);
  return status;
}

/* ---- backward window ---------------------------------------------------- */

/* (s, c) += x by TwoSum (Knuth): s + x = t + e exactly, e added to c. */
static inline void sum2_add(double *s, double *c, double x)
{
  double t = *s + x;
  double z = t - *s;
  double e = (*s - (t - z)) + (x - z);
  *s = t;
  *c += e;
}

static int core_init(dlv_window_core *w, size_t k, const void *buf)
{
  if (w == NULL || buf == NULL || k < 1 || k > DLV_WINDOW_KMAX)
    return DLV_EINVAL;
  *w = (dlv_window_core){.k = k};
  return DLV_OK;
}

/* Admissibility of a point (see adam.h). */
static int point_status(double x)
{
  if (isnan(x))
    return DLV_ENAN;
  return fabs(x) <= DLV_WINDOW_XMAX ? DLV_OK : DLV_EDOM;
}

/* Adds x, removes x_old when the window was full (has_old), closes the
 * block after k pushes, and returns the window mean in double.
 * Invariant: after the first k pushes, (bs, bc) holds the sum of the
 * `fill` most recent points, so at fill == k it is the whole window. */
static double core_push(dlv_window_core *w, double x, int has_old,
                        double x_old)
{
  sum2_add(&w->s, &w->c, x);
  if (has_old)
    sum2_add(&w->s, &w->c, -x_old);
  else
    w->count++;
  sum2_add(&w->bs, &w->bc, x);
  if (++w->fill == w->k) {
    w->s = w->bs;
    w->c = w->bc;
    w->bs = w->bc = 0.0;
    w->fill = 0;
  }
  w->head = w->head + 1 == w->k ? 0 : w->head + 1;
  return (w->s + w->c) / (double)w->count;
}

int dlv_window_init_d(dlv_window_d *win, size_t k, double *buf)
{
  int status = core_init(win ? &win->w : NULL, k, buf);
  if (status == DLV_OK)
    win->buf = buf;
  return status;
}

int dlv_window_init_s(dlv_window_s *win, size_t k, float *buf)
{
  int status = core_init(win ? &win->w : NULL, k, buf);
  if (status == DLV_OK)
    win->buf = buf;
  return status;
}

int dlv_window_push_d(dlv_window_d *win, double x, double *mean)
{
  if (win == NULL || mean == NULL)
    return DLV_EINVAL;
  int status = point_status(x);
  if (status != DLV_OK)
    return status;
  dlv_window_core *w = &win->w;
  int full = w->count == w->k;
  double old = full ? win->buf[w->head] : 0.0;
  win->buf[w->head] = x;
  *mean = core_push(w, x, full, old);
  return DLV_OK;
}

int dlv_window_push_s(dlv_window_s *win, float x, float *mean)
{
  if (win == NULL || mean == NULL)
    return DLV_EINVAL;
  int status = point_status(x);
  if (status != DLV_OK)
    return status;
  dlv_window_core *w = &win->w;
  int full = w->count == w->k;
  double old = full ? win->buf[w->head] : 0.0;
  win->buf[w->head] = x;
  *mean = (float)core_push(w, x, full, old);
  return DLV_OK;
}
