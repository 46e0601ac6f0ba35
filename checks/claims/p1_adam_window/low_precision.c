/* low_precision.c: what claim P1 becomes in bf16 (issue 18, a nearby
 * sense), a test of the P1 check: an EMA held in bf16 with beta1 = 1 - 1/k
 * stops moving once its update is below half the gap to m's neighbour
 * (derivation and measurements in bf16_ema.h, shared with the harness test
 * t_bf16_ema).  Rows (dtype bf16, role nearby, expected to hold: they say
 * what a practitioner must know and leave the verdict, about the
 * mathematics, as it is):
 *  - bf16-stall-k: per start m = M 2^-7 (M = 128 .. 255), decay and
 *    growth, the first k where the kernel's own EMA (the m of
 *    dlv_adam_step_pure_bf16) stays, measured, against the float model of
 *    the kernel's roundings (exact equality);
 *  - bf16-stall-k-closed: the closed form 2M (+1) (4M decaying from a power
 *    of two) against that model, within one (a tie broken by the rounding
 *    of the stored beta1); bf16-stall-k-closed-tight: one is attained;
 *  - bf16-ema-const-gap: the EMA of the constant 1 stalls short of it; the
 *    relative gap 1 - m_inf measured against the smallest stall point
 *    (exact), at beta1 = 0.9 (k = 10), k = 100, 256 and 0.999 (k = 1000);
 *    for every k <= 256 the stall point equals the derived one and the gap
 *    lies in [k 2^-9 - 2^-8, k 2^-9];
 *  - bf16-master-*: the float master-weight step (dlv_adam_step_bf16, m in
 *    float) moves where the pure one stays, and its EMA of 1 stalls within
 *    2^-24 / (1 - beta1) of it. */
#include <math.h>
#include <stdio.h>

#include "bf16_ema.h"
#include "check.h"
#include "low_precision.h"

/* A nearby row of dtype bf16 (no kernel column: like P3's nearby rows, the
 * quantity names the kernel). */
static struct dlv_meas nearby(const char *shape, const char *quantity,
                              const char *bound_name, const char *key)
{
  struct dlv_meas m = {"bf16", shape, quantity, bound_name, DLV_ROLE_NEARBY};
  m.key = key;
  return m;
}

/* The measured stall k against the float model is exact (integers, the
 * model computed exactly): its bound must stay below one step of k, so a
 * k one off fails; the power row below holds it under half a step.
 * Likewise the stall point's gap 1 - m against the derived one (bf16
 * values in [1/2, 1): one step is a bf16 ulp there, 2^-8). */
#define STALL_K_EXACT 0.0
#define STALL_GAP_EXACT 0.0
#define BF16_ULP_HALF_TO_ONE 0x1p-8

/* The closed form's own definition, computed (bf16_ema.h): with beta1 =
 * 1 - 1/k exactly, m = M 2^-7 stays once its update m/k is below half the
 * gap to its neighbour that way (2^-7, or 2^-8 below a power of two), or
 * at exactly half when m's significand M is even (ties to even): 2 m <
 * k gap, or equal with M even, all in integers times 2^-8. */
static double exact_rational_stall_k(unsigned M, int up)
{
  unsigned gap = !up && M == BF16_EMA_M_LO ? 1u : 2u; /* in 2^-8 */
  for (unsigned k = 2; k <= BF16_EMA_K_MAX; k++)
    if (4u * M < k * gap || (4u * M == k * gap && M % 2 == 0))
      return k;
  return 0.0;
}

/* One start: measured k* and the closed form, each against the float
 * model, and the closed form against its definition; returns the closed
 * form's distance from the model. */
static double stall_k_rows(const char *test, unsigned M, int up)
{
  float m0 = ldexpf((float)M, -7);
  double km = bf16_ema_stall_k(m0, up, BF16_EMA_MEASURED);
  double kd = bf16_ema_stall_k(m0, up, BF16_EMA_DERIVED_FLOAT);
  double kc = bf16_ema_closed_form_k(M, up);
  char shape[48];
  snprintf(shape, sizeof shape, "%s M=%u", up ? "growth" : "decay", M);
  struct dlv_meas m = nearby(
      shape, "k where the pure-bf16 Adam's m stops moving from M 2^-7 vs "
             "the float model",
      "bf16_ema_stall_k (exact: float model, ties to even)", "bf16-stall-k");
  dlv_expect_row(__FILE__, __LINE__, test, &m, km, kd, fabs(km - kd),
                 STALL_K_EXACT, NAN);
  m = nearby(shape, "closed-form stall k 2M (+1) vs the float model",
             "bf16_ema_closed_form (a tie moved by beta1's rounding: 1)",
             "bf16-stall-k-closed");
  dlv_expect_row(__FILE__, __LINE__, test, &m, kc, kd, fabs(kc - kd),
                 BF16_EMA_CLOSED_FORM_SLACK, NAN);
  double ke = exact_rational_stall_k(M, up);
  m = nearby(shape, "closed-form stall k vs its definition (beta1 = 1 - 1/k "
                    "exactly, ties to even)",
             "exact (integers)", "bf16-stall-k-closed-def");
  dlv_expect_row(__FILE__, __LINE__, test, &m, kc, ke, fabs(kc - ke),
                 STALL_K_EXACT, NAN);
  return fabs(kc - kd);
}

/* Every start's rows, then the closed form's slack shown tight: the
 * largest distance over the starts equals it. */
void p1_lowp_stall_k(void **state)
{
  (void)state;
  double worst = 0.0;
  for (int up = 0; up < 2; up++)
    for (unsigned M = BF16_EMA_M_LO; M < BF16_EMA_M_HI; M++)
      worst = fmax(worst, stall_k_rows(__func__, M, up));
  struct dlv_meas m = nearby(
      "every start", "closed form's largest distance from the float model "
                     "vs its slack (tight)",
      "bf16_ema_closed_form (a tie moved by beta1's rounding: 1)",
      "bf16-stall-k-closed-tight");
  dlv_expect_same(__FILE__, __LINE__, __func__, &m, worst,
                  BF16_EMA_CLOSED_FORM_SLACK);
  m = nearby("every start",
             "power: the measured stall k rows' bound vs half a step of k",
             "below one step: a k one off fails", "bf16-stall-k-power");
  dlv_expect_row(__FILE__, __LINE__, __func__, &m, STALL_K_EXACT, 0.5,
                 STALL_K_EXACT, 0.5, NAN);
  m = nearby("every k",
             "power: the stall gap rows' bound vs half a bf16 ulp of [1/2, 1)",
             "below one step: a stall point one ulp off fails",
             "bf16-ema-const-gap-power");
  dlv_expect_row(__FILE__, __LINE__, __func__, &m, STALL_GAP_EXACT,
                 BF16_ULP_HALF_TO_ONE / 2.0, STALL_GAP_EXACT,
                 BF16_ULP_HALF_TO_ONE / 2.0, NAN);
}

/* Over k = 2 .. 256: the stall points that differ from the derived one,
 * and the gaps outside [k 2^-9 - 2^-8, k 2^-9] (largest distance). */
static void const_gap_all_k(const char *test)
{
  double off = 0.0, outside = 0.0;
  for (unsigned k = 2; k <= 256; k++) {
    float stalled = bf16_ema_stalled_value(k, 0);
    double gap = 1.0 - (double)stalled, hi = k * 0x1p-9;
    off += !(stalled == bf16_ema_derived_stall(k));
    outside = fmax(outside, fmax(hi - 0x1p-8 - gap, gap - hi));
  }
  struct dlv_meas m = nearby(
      "k=2..256", "pure-bf16 EMA of 1: stall points unlike the derived one",
      "bf16_ema_stall_point (exact: smallest stall point)",
      "bf16-ema-stall-point-all-k");
  dlv_expect_row(__FILE__, __LINE__, test, &m, off, 0.0, off, 0.0, NAN);
  m = nearby("k=2..256",
             "pure-bf16 EMA of 1: gap 1 - m_inf beyond [k 2^-9 - 2^-8, "
             "k 2^-9], largest",
             "bf16_ema_gap_band (k 2^-9 - 2^-8 <= gap <= k 2^-9)",
             "bf16-ema-gap-band");
  dlv_expect_row(__FILE__, __LINE__, test, &m, outside, 0.0, outside, 0.0,
                 NAN);
}

/* At one k: the pure EMA's relative gap against the derived stall point
 * (exact), and the master-weight EMA's within 2^-24 / (1 - beta1): its
 * float m stalls once |c (1 - m)| <= fl(b m)'s error + half a float ulp,
 * both <= 2^-25 for m in [1/2, 1), c = 1 - b exact. */
static void const_gap_rows(const char *test, unsigned k)
{
  char shape[48];
  float b = bf16_ema_beta(k);
  snprintf(shape, sizeof shape, "k=%u beta1=%.4g", k, (double)b);
  double gap = 1.0 - (double)bf16_ema_stalled_value(k, 0);
  double derived = 1.0 - (double)bf16_ema_derived_stall(k);
  struct dlv_meas m = nearby(
      shape, "relative gap of the pure-bf16 EMA of 1 when it stalls",
      "bf16_ema_stall_point (exact: smallest stall point)",
      "bf16-ema-const-gap");
  dlv_expect_row(__FILE__, __LINE__, test, &m, gap, derived,
                 fabs(gap - derived), STALL_GAP_EXACT, NAN);
  double master = 1.0 - (double)bf16_ema_stalled_value(k, 1);
  m = nearby(shape,
             "relative gap of the float master-weight EMA of 1 when it "
             "stalls",
             "float_ema_stall (gap <= 2^-24 / (1 - beta1))",
             "bf16-master-const-gap");
  dlv_expect_row(__FILE__, __LINE__, test, &m, master, 0.0, master,
                 dlv_bound_float_ema_stall_gap((double)b), NAN);
  print_message("P1 bf16 k %4u (beta1 %.4g): EMA of 1 stalls %.4g short "
                "(derived %.4g, k 2^-9 = %.4g); float master weights: "
                "%.3g\n",
                k, (double)b, gap, derived, k * 0x1p-9, master);
}

/* Where the pure step leaves m = 1 (its measured k*; none found: the row
 * fails), the master-weight step moves it. */
static void master_moves_row(const char *test, int up)
{
  unsigned k = bf16_ema_stall_k(1.0f, up, BF16_EMA_MEASURED);
  float b = bf16_ema_beta(k ? k : BF16_EMA_K_MAX), g = up ? 2.0f : 0.0f;
  float pure = k ? bf16_ema_step(1.0f, g, b) : NAN;
  float master = bf16_ema_master_step(1.0f, g, b);
  char shape[48];
  snprintf(shape, sizeof shape, "%s m=1 k=%u", up ? "growth" : "decay", k);
  struct dlv_meas m = nearby(
      shape, "float master-weight m moves where the pure-bf16 m stays",
      "exact statement", "bf16-master-moves");
  dlv_expect_true(__FILE__, __LINE__, test, &m, master, pure,
                  pure == 1.0f && master != 1.0f);
}

void p1_lowp_const_target(void **state)
{
  (void)state;
  static const unsigned ks[] = {10, 100, 256, 1000};
  const_gap_all_k(__func__);
  for (size_t i = 0; i < sizeof ks / sizeof ks[0]; i++)
    const_gap_rows(__func__, ks[i]);
  master_moves_row(__func__, 0);
  master_moves_row(__func__, 1);
}
