/* adam.c: fused Adam step, EMA and O(1) backward-window mean (see adam.h).
 *
 * Rounding model (what checks/bounds.h, section P1, counts): per element,
 *   m' = fl(fl(b1 m) + fl(c1 g)),               c1 = fl(1 - b1)
 *   v' = fl(fl(b2 v) + fl(c2 fl(g g))),         c2 = fl(1 - b2)
 *   d  = fl(fl(fl(sqrt(v')) r2) + eps)
 *   theta' = fl(theta - fl(s1 fl(m' / d)))
 * c1, c2 are exact when b >= 1/2 (Sterbenz).  The scalars s1 = lr / bc1
 * and r2 = 1 / sqrt(bc2) are formed once per step in double. */
#include <float.h>
#include <math.h>

#include "adam.h"
#include "dlv_status.h"

/* ---- argument checks -------------------------------------------------- */

static int beta_ok(double b) { return b >= 0.0 && b < 1.0; }

static int hyper_ok(double lr, double b1, double b2, double eps,
                    unsigned long t, int form)
{
  if (!isfinite(lr) || !beta_ok(b1) || !beta_ok(b2))
    return 0;
  if (!(eps > 0.0) || !isfinite(eps))
    return 0;
  if (form == DLV_ADAM_BIAS_CORRECTED)
    return t >= 1;
  return form == DLV_ADAM_EXAM;
}

/* DLV_OK when every x_i is a number with |x_i| <= xmax; DLV_ENAN for a NaN
 * (it dominates), DLV_EDOM for an infinity or a larger magnitude. */
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

int dlv_adam_bias_correction(double b, unsigned long t, double *bc)
{
  if (bc == NULL || !beta_ok(b) || t < 1)
    return DLV_EINVAL;
  /* 1 - b^t = -expm1(y), y = t log(b) < 0 for b > 0; -expm1 has relative
   * condition number |y| / (e^|y| - 1) <= 1: no cancellation at small t,
   * unlike 1 - pow(b, t). */
  *bc = b == 0.0 ? 1.0 : -expm1((double)t * log(b));
  return DLV_OK;
}

/* s1 = lr / (1 - b1^t), r2 = 1 / sqrt(1 - b2^t); (lr, 1) for the exam. */
static void step_scalars(double lr, double b1, double b2, unsigned long t,
                         int form, double *s1, double *r2)
{
  *s1 = lr;
  *r2 = 1.0;
  if (form != DLV_ADAM_BIAS_CORRECTED)
    return;
  double bc1 = 1.0, bc2 = 1.0;
  dlv_adam_bias_correction(b1, t, &bc1); /* arguments checked by caller */
  dlv_adam_bias_correction(b2, t, &bc2);
  *s1 = lr / bc1;
  *r2 = 1.0 / sqrt(bc2);
}

/* ---- fused loops (one definition for both types) ---------------------- */

/* The EMA update of one element: b a + c x, two products and a sum. */
#define EMA1(b, c, a, x) ((b) * (a) + (c) * (x))

#define DEFINE_ADAM_LOOP(suffix, type, sqrtfn)                               \
  static void adam_loop_##suffix(size_t n, type *restrict theta,             \
                                 type *restrict m, type *restrict v,         \
                                 const type *restrict g, type b1, type b2,   \
                                 type eps, type s1, type r2)                 \
  {                                                                          \
    const type c1 = 1 - b1, c2 = 1 - b2;                                     \
    for (size_t i = 0; i < n; i++) {                                         \
      type gi = g[i];                                                        \
      type mi = EMA1(b1, c1, m[i], gi);                                      \
      type vi = EMA1(b2, c2, v[i], gi * gi);                                 \
      type d = sqrtfn(vi) * r2 + eps;                                        \
      m[i] = mi;                                                             \
      v[i] = vi;                                                             \
      theta[i] = theta[i] - s1 * (mi / d);                                   \
    }                                                                        \
  }
DEFINE_ADAM_LOOP(d, double, sqrt)
DEFINE_ADAM_LOOP(s, float, sqrtf)

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

/* Checks shared by the Adam entries; then the gradient scan. */
#define ADAM_ENTRY(suffix, gmax)                                             \
  if (!hyper_ok(lr, beta1, beta2, eps, t, form))                             \
    return DLV_EINVAL;                                                       \
  if (n > 0 && (!theta || !m || !v || !grad))                                \
    return DLV_EINVAL;                                                       \
  int status = scan_##suffix(n, grad, gmax);                                 \
  if (status != DLV_OK)                                                      \
    return status;                                                           \
  double s1, r2;                                                             \
  step_scalars(lr, beta1, beta2, t, form, &s1, &r2)

int dlv_adam_step_d(size_t n, double *theta, double *m, double *v,
                    const double *grad, double lr, double beta1, double beta2,
                    double eps, unsigned long t, int form)
{
  ADAM_ENTRY(d, DLV_ADAM_GMAX_D);
  adam_loop_d(n, theta, m, v, grad, beta1, beta2, eps, s1, r2);
  return DLV_OK;
}

int dlv_adam_step_s(size_t n, float *theta, float *m, float *v,
                    const float *grad, float lr, float beta1, float beta2,
                    float eps, unsigned long t, int form)
{
  ADAM_ENTRY(s, DLV_ADAM_GMAX_S);
  adam_loop_s(n, theta, m, v, grad, beta1, beta2, eps, (float)s1,
              (float)r2);
  return DLV_OK;
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
