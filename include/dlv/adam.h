/* adam.h: the Adam step, the exponential moving average (EMA) it is built
 * on, and a backward-window average (claim P1).
 *
 * Adam, elementwise, one fused pass over theta, m, v, grad (in place):
 *   m'     = b1 m + (1 - b1) g
 *   v'     = b2 v + (1 - b2) g^2
 *   theta' = theta - s1 m' / (sqrt(v') r2 + eps)
 * form DLV_ADAM_EXAM (the exam's update, no bias correction): s1 = lr,
 * r2 = 1; form DLV_ADAM_BIAS_CORRECTED (Kingma and Ba's Algorithm 1 as
 * torch.optim.Adam computes it): s1 = lr / (1 - b1^t), r2 = 1/sqrt(1 - b2^t),
 * t >= 1 the number of gradients seen including this one.  The factors
 * 1 - b^t come from dlv_adam_bias_correction_d, free of cancellation.
 *
 * Conventions:
 * - arrays are contiguous and must not overlap; the float versions compute
 *   in float, with the per-step scalars s1, r2 computed in double;
 * - hyperparameters: lr finite, b1 and b2 in [0, 1), eps > 0 and finite
 *   (eps = 0 is rejected: it would give 0/0 at g = v = 0), form 0 or 1, and
 *   t >= 1 for the bias-corrected form (ignored otherwise);
 * - grad is scanned once before anything is written: a NaN gives DLV_ENAN,
 *   an infinity or |g| > DLV_ADAM_GMAX_D (2^511; float 2^63, so that g^2
 *   and v' cannot overflow) gives DLV_EDOM, and all arrays are untouched;
 * - with DLV_ADAM_ONE_PASS in form, grad is checked in the update's own
 *   pass instead (7 N element transfers instead of 8 N: grad is read once,
 *   not twice).  The same status is returned, but on a bad gradient the
 *   step has been applied to every element: elements with an admissible
 *   g_i hold what the two-pass step gives (bitwise), the others hold what
 *   the arithmetic gave (possibly an infinity or a NaN).  For callers that
 *   discard the state on error (restart from a checkpoint);
 * - the step uses up to dlv_get_threads() threads (threads.h), in blocks
 *   of 2^16 elements; the result does not depend on the thread count;
 * - m, v and theta are the optimizer's state and are not scanned: m and v
 *   produced by these kernels from admissible gradients stay finite with
 *   |m| <= DLV_ADAM_GMAX_* and v >= 0 (a negative v is outside the
 *   contract); for such states (any v >= 0 with |m| <= DLV_ADAM_GMAX_*,
 *   reached or not) theta' is an infinity only when the exact s1 m'/d or
 *   the exact theta' lies beyond the format's range (also where s1 =
 *   lr / (1 - b1^t) itself overflows the format: the step is then taken
 *   in the wider type below, with s1 formed there), and for every finite
 *   state lr = 0 leaves theta bitwise unchanged (no 0 times infinity);
 * - accuracy near underflow: m' and v' are stored in the dtype, so a g_i
 *   with g_i^2 below the normal range is lost from the stored v' (and a
 *   tiny m' rounds to a subnormal), but the update does not inherit that
 *   loss: an element with v' or |m'| below DLV_ADAM_LOW_* (computed in the
 *   dtype) has its update recomputed from the old state in a wider type
 *   (float: double; double: long double, whose exponent range no product
 *   of doubles leaves), as long as eps < DLV_ADAM_EPS_BIG_* r2 (beyond,
 *   eps dominates d and the dtype's own underflow costs less than 2^-30
 *   of d).  Such elements cost a scalar pass over their block; an element
 *   with g = m = v = 0 (all zero: exact either way) does not.  Every
 *   admissible element is so within dlv_bound_adam_elem of the exact step.
 *
 * Error bounds: checks/bounds.h, section P1 (dlv_bound_adam_elem). */
#ifndef DLV_ADAM_H
#define DLV_ADAM_H

#include <stddef.h>

/* form: the update, DLV_ADAM_EXAM or DLV_ADAM_BIAS_CORRECTED, optionally
 * | DLV_ADAM_ONE_PASS (see above). */
enum dlv_adam_form {
  DLV_ADAM_EXAM = 0,
  DLV_ADAM_BIAS_CORRECTED = 1,
  DLV_ADAM_ONE_PASS = 2
};

#define DLV_ADAM_GMAX_D 0x1p511
#define DLV_ADAM_GMAX_S 0x1p63f
/* Below these (v' or |m'| of an element, in the dtype), the update is
 * recomputed in the wider type (see above); float: 3 eta / 2^-110 =
 * 2^-38.4 relative, double: 3 eta / 2^-1000 = 2^-72.4 relative is all
 * the dtype's underflow costs above them. */
#define DLV_ADAM_LOW_D 0x1p-1000
#define DLV_ADAM_LOW_S 0x1p-110f
/* The wider recomputation applies only when eps < DLV_ADAM_EPS_BIG_* r2:
 * beyond, sqrt of the underflow's 3 eta, times r2, is below 2^-34 (float)
 * or 2^-66 (double) of d. */
#define DLV_ADAM_EPS_BIG_D 0x1p-470
#define DLV_ADAM_EPS_BIG_S 0x1p-40f
/* The step is cut into blocks of DLV_ADAM_BLOCK elements, one thread's
 * each.  Blocking constants of dlv_adam_step_d, dlv_adam_step_s:
 * DLV_ADAM_BLOCK. */
#define DLV_ADAM_BLOCK ((size_t)1 << 16)

/* *bc = 1 - b^t as -expm1(t log(b)) (exactly 1 when b = 0); b in [0, 1),
 * t >= 1.  (The "-expm1(t log1p(-b))" would give 1 - (1-b)^t: with
 * log1p the argument must be b - 1, which is what log(b) equals.) */
int dlv_adam_bias_correction_d(double b, unsigned long t, double *bc);

/* One step of the form chosen (above), in place on theta, m, v; up to
 * dlv_get_threads() threads, in blocks of DLV_ADAM_BLOCK elements; the
 * result does not depend on the thread count. */
int dlv_adam_step_d(size_t n, double *theta, double *m, double *v,
                    const double *grad, double lr, double beta1, double beta2,
                    double eps, unsigned long t, int form);
int dlv_adam_step_s(size_t n, float *theta, float *m, float *v,
                    const float *grad, float lr, float beta1, float beta2,
                    float eps, unsigned long t, int form);

/* avg_i = beta avg_i + (1 - beta) x_i, in place; beta in [0, 1); x scanned
 * before anything is written: a NaN gives DLV_ENAN, an infinity DLV_EDOM,
 * both DLV_ENAN, wherever they lie (avg untouched).  Every finite x is
 * admissible (no DLV_ADAM_GMAX_* limit: the largest admissible |x| is
 * DBL_MAX, FLT_MAX); avg must be
 * finite, and a result beyond the format's range is an infinity. */
int dlv_ema_d(size_t n, double *avg, const double *x, double beta);
int dlv_ema_s(size_t n, float *avg, const float *x, float beta);

/* Backward window: the mean of the last min(pushed, k) points, O(1) per
 * push (worst case, not amortized).
 *
 * Drift-free running sum: the window sum is kept as a compensated pair
 * (s, c) updated with TwoSum (Ogita, Rump and Oishi's Sum2: +x_new, then
 * -x_old).  A second pair accumulates the points of the current block of k
 * pushes; when the block is full it holds exactly the current window, and
 * it replaces the running pair.  So the running pair's chain of terms never
 * exceeds 3k (k of the block, 2 per push since), and its error does not
 * grow with the number of pushes (bound: dlv_bound_window_mean_d).
 *
 * The caller owns buf (k slots) and the struct; k in [1, DLV_WINDOW_KMAX].
 * A pushed point must be finite with |x| <= DLV_WINDOW_XMAX (else DLV_EDOM,
 * NaN DLV_ENAN, state untouched).  The float window stores floats and sums
 * in double; its mean is rounded once to float. */
#define DLV_WINDOW_KMAX ((size_t)1 << 20)
#define DLV_WINDOW_XMAX 0x1p1000

typedef struct {
  size_t k, count, head, fill; /* count = min(pushed, k); fill: block */
  double s, c;                 /* window sum = s + c (Sum2 pair) */
  double bs, bc;               /* current block's sum (Sum2 pair) */
} dlv_window_core;

typedef struct {
  dlv_window_core w;
  double *buf;
} dlv_window_d;

typedef struct {
  dlv_window_core w;
  float *buf;
} dlv_window_s;

int dlv_window_init_d(dlv_window_d *win, size_t k, double *buf);
int dlv_window_init_s(dlv_window_s *win, size_t k, float *buf);
/* Pushes x and writes the mean of the window (x included) to *mean. */
int dlv_window_push_d(dlv_window_d *win, double x, double *mean);
int dlv_window_push_s(dlv_window_s *win, float x, float *mean);

#endif
