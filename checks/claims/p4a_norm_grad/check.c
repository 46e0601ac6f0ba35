/* check.c: claim P4a, the gradient of ||Theta|| is Theta/||Theta||: the
 * tests, registered in the order they run, and the expected verdict.
 *
 * Senses measured (CLAIMS.md, P4a):
 * - accuracy: the one-pass scaled norm kernel and its gradient against MPFR
 *   (n from 1 to 1e6, magnitudes 1e-300 to 1e300, float and double, strides),
 *   an extreme-value table, Pythagorean tuples whose norm is exact, and the
 *   defined errors at Theta = 0, NaN and Inf;
 * - claim: the formula Theta/||Theta|| (in MPFR) against the derivative of
 *   the norm measured two independent ways, GSL's central difference (gated
 *   by its own error estimate) and the complex step through an analytic twin;
 *   and the stationarity condition grad l = -lambda Theta/||Theta|| at
 *   minimizers of l + lambda ||Theta|| found by GSL's BFGS driven by
 *   central-difference gradients (so the solver never uses the formula).
 * Topic files: accuracy.c, claim_derivatives.c, claim_stationarity.c; what
 * they share: p4a.h. */
#include "check.h"
#include "p4a.h"

int main(void)
{
  /* The kernels the claim and nearby rows are computed with, each
   * measured by accuracy rows of this check. */
  static const char *const relies_on[] = {"nrm2", "nrm2_grad",
                                          "loss_quadratic", "loss_logistic",
                                          NULL};
  const struct CMUnitTest tests[] = {
      DLV_UNIT_TEST(p4a_nrm2_d_random),
      DLV_UNIT_TEST(p4a_nrm2_d_mixed_magnitudes),
      DLV_UNIT_TEST(p4a_nrm2_s_random),
      DLV_UNIT_TEST(p4a_nrm2_extremes),
      DLV_UNIT_TEST(p4a_nrm2_block_paths),
      DLV_UNIT_TEST(p4a_nrm2_pythagorean),
      DLV_UNIT_TEST(p4a_grad_vs_mpfr),
      DLV_UNIT_TEST(p4a_grad_defined_errors),
      DLV_UNIT_TEST(p4a_claim_derivatives),
      DLV_UNIT_TEST(p4a_series_step),
      DLV_UNIT_TEST(p4a_stationarity_quadratic),
      DLV_UNIT_TEST(p4a_stationarity_logistic),
      DLV_UNIT_TEST(p4a_lowp_overflow),
      DLV_UNIT_TEST(p4a_lowp_tightness),
  };
  return dlv_run_check("P4a", relies_on, DLV_VERDICT_CONFIRMED, tests,
                       sizeof tests / sizeof tests[0]);
}
