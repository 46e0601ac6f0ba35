/* bf16_ema.h: the measurements of what claim P1 becomes in bf16 (issue 18),
 * shared by the P1 check (low_precision.c, evidence rows) and the harness
 * test checks/t_bf16_ema.c (prints and asserts): the kernel's own EMA in
 * bf16 (the m of dlv_adam_step_pure_bf16: the update in float, stored RNE
 * to bf16) and its float twin (the m of dlv_adam_step_bf16, float master
 * weights), against the derivation.
 *
 * Derivation (beta1 = 1 - 1/k, stored as fl(1 - 1/k)): an EMA held in bf16
 * stops moving once its update (1 - beta1)|g - m| is below half the gap
 * to m's neighbour (at exactly half: ties to even).
 * - One step from m = M 2^-7 (M in [128, 255]) with g = 0 (decay, update
 *   -m/k) or g = 2m (growth, +m/k): the gap is 2^-7 both ways except below
 *   M = 128 (2^-8), so the first k where m stays is
 *     k* = 2M (M even), 2M + 1 (M odd); decay from a power of two 4M
 *   (closed form, exact arithmetic on beta1 = 1 - 1/k).  With the stored
 *   beta1 and the kernel's float intermediate fl(fl(b m) + fl(c g))
 *   (adam.h's model, c = 1 - b exact) a tie can move k* by one: the
 *   float model (float_stays) predicts it exactly.
 * - The EMA of the constant 1 from m = 0 moves upward until it lands on a
 *   stall point (a bf16 m whose step rounds back to m); near it the steps
 *   are one gap each, so it stalls at the smallest stall point, which for
 *   k <= 256 lies in [1/2, 1) where 1 - m_inf is within
 *   [k 2^-9 - 2^-8, k 2^-9]: a bias of about k u/2 (u = 2^-8).
 * Functions are static inline (header-only, p4_problems.h's convention):
 * the harness test and the claim check are separate programs. */
#ifndef DLV_P1_BF16_EMA_H
#define DLV_P1_BF16_EMA_H

#include <math.h>

#include "adam.h"
#include "check.h"
#include "dlv_status.h"
#include "lowp.h"

/* The first start and one past the last: m = M 2^-7, M in [128, 256). */
enum { BF16_EMA_M_LO = 128, BF16_EMA_M_HI = 256, BF16_EMA_K_MAX = 4096 };

static inline float bf16_ema_beta(unsigned k) { return 1.0f - 1.0f / (float)k; }

/* One step of the pure-bf16 kernel's EMA: m' from m and g (lr 0, so theta
 * is unchanged; v is not looked at). */
static inline float bf16_ema_step(float m, float g, float beta1)
{
  dlv_bf16 theta = dlv_bf16_from_float(1.0f), mb = dlv_bf16_from_float(m);
  dlv_bf16 v = dlv_bf16_from_float(1.0f), gb = dlv_bf16_from_float(g);
  int status = dlv_adam_step_pure_bf16(1, &theta, &mb, &v, &gb, 0.0f, beta1,
                                       0.5f, 1.0f, 1, DLV_ADAM_EXAM);
  assert_int_equal(status, DLV_OK);
  return dlv_bf16_to_float(mb);
}

/* The same step of the float master-weight kernel (m held in float). */
static inline float bf16_ema_master_step(float m, float g, float beta1)
{
  dlv_bf16 theta = dlv_bf16_from_float(1.0f), gb = dlv_bf16_from_float(g);
  float master = 1.0f, v = 1.0f;
  int status = dlv_adam_step_bf16(1, &theta, &master, &m, &v, &gb, 0.0f,
                                  beta1, 0.5f, 1.0f, 1, DLV_ADAM_EXAM);
  assert_int_equal(status, DLV_OK);
  return m;
}

/* Derivation in exact arithmetic: does m -+ (1 - beta1) m round back to m? */
static inline int bf16_ema_exact_stays(float m, int up, float beta1)
{
  double d = (1.0 - (double)beta1) * (double)m; /* exact: 24 + 8 bits */
  double next = up ? (double)m + d : (double)m - d; /* exact in double */
  return dlv_bf16_to_float(dlv_bf16_from_double(next)) == m;
}

/* The kernel's roundings (adam.h's model: fl(fl(b m) + fl(c g)) in float,
 * c = 1 - b exact), then RNE to bf16: does the step from m with gradient
 * g leave m unchanged?  (The float rounding can land on a bf16 midpoint,
 * where ties-to-even decides.) */
static inline int bf16_ema_float_stays_g(float m, float g, float beta1)
{
  volatile float bm = beta1 * m, c = 1.0f - beta1;
  volatile float cg = c * g;
  volatile float next = bm + cg;
  return dlv_bf16_to_float(dlv_bf16_from_float(next)) == m;
}

static inline int bf16_ema_float_stays(float m, int up, float beta1)
{
  return bf16_ema_float_stays_g(m, up ? 2.0f * m : 0.0f, beta1);
}

enum { BF16_EMA_MEASURED, BF16_EMA_DERIVED_FLOAT, BF16_EMA_DERIVED_EXACT };

/* The smallest k in [2, BF16_EMA_K_MAX] whose one step from m (growth
 * g = 2m when up, else decay g = 0) leaves m unchanged; 0 if none. */
static inline unsigned bf16_ema_stall_k(float m, int up, int how)
{
  for (unsigned k = 2; k <= BF16_EMA_K_MAX; k++) {
    float b = bf16_ema_beta(k);
    int stays = how == BF16_EMA_MEASURED
                    ? bf16_ema_step(m, up ? 2.0f * m : 0.0f, b) == m
                : how == BF16_EMA_DERIVED_FLOAT
                    ? bf16_ema_float_stays(m, up, b)
                    : bf16_ema_exact_stays(m, up, b);
    if (stays)
      return k;
  }
  return 0;
}

/* How far the closed form below may lie from the float model's k*: a tie
 * broken by the rounding of the stored beta1 moves k* by one step.  A
 * bound, and a tight one: some start is off by exactly this much (15 of
 * the 256; t_bf16_ema and P1's bf16-stall-k-closed rows hold both). */
#define BF16_EMA_CLOSED_FORM_SLACK 1u

/* k* in closed form for m = M 2^-7 (beta1 = 1 - 1/k exactly). */
static inline unsigned bf16_ema_closed_form_k(unsigned M, int up)
{
  if (!up && M == BF16_EMA_M_LO)
    return 4 * M;
  return M % 2 == 0 ? 2 * M : 2 * M + 1;
}

/* Iterates the EMA of the constant 1 from 0 with the pure-bf16 kernel
 * (master = 0) or the float master-weight kernel (master = 1) until it
 * stops moving; NaN if it still moves after 10^6 steps. */
static inline float bf16_ema_stalled_value(unsigned k, int master)
{
  float m = 0.0f, b = bf16_ema_beta(k);
  for (int t = 0; t < 1000000; t++) {
    float next = master ? bf16_ema_master_step(m, 1.0f, b)
                        : bf16_ema_step(m, 1.0f, b);
    if (next == m)
      return m;
    m = next;
  }
  return NAN;
}

/* Derived: the smallest bf16 m in [0, 1] that the float model of the step
 * towards the constant 1 leaves unchanged (the EMA's stall point). */
static inline float bf16_ema_derived_stall(unsigned k)
{
  float b = bf16_ema_beta(k);
  for (unsigned bits = 0; bits <= 0x3f80u; bits++) { /* 0 .. 1.0 */
    float m = dlv_bf16_to_float((dlv_bf16){(uint16_t)bits});
    if (bf16_ema_float_stays_g(m, 1.0f, b))
      return m;
  }
  return NAN;
}

#endif
