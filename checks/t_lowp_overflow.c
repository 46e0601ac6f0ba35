/* t_lowp_overflow.c: what claim P4a's overflow point becomes in low
 * precision (issue 18, a nearby sense), on exact data: the fp16 norm
 * computed in fp16 arithmetic (dlv_nrm2_fp16_naive) overflows at a norm of
 * 256 (the sum of squares reaches 65536 >= 65520 = 65504 + half an ulp)
 * and stagnates once a partial sum's half ulp reaches the next square
 * (ones: the sum stops at 2048, where ulp = 2), while the scaled kernel
 * (dlv_nrm2_fp16, float lanes) is exact on these data; bf16 in bf16
 * arithmetic overflows at 2^64 and stops summing ones at 256.  The
 * wrappers and the derived threshold are shared with the P4a check, which
 * records the threshold rows as evidence (checks/claims/p4a_norm_grad/
 * lowp_norm.h, low_precision.c). */
#include <stdio.h>

#include "claims/p4a_norm_grad/lowp_norm.h"

static float naive16(size_t n, const dlv_fp16 *x)
{
  return lowp_naive(&lowp_fp16, n, &x->bits);
}

static float scaled16(size_t n, const dlv_fp16 *x)
{
  return lowp_scaled(&lowp_fp16, n, &x->bits);
}

static void fp16_overflow_at_256(void **state)
{
  (void)state;
  uint16_t t = lowp_overflow_threshold(&lowp_fp16);
  assert_true(lowp_decode(&lowp_fp16, t) == 256.0);
  dlv_fp16 one[1] = {{t}}, below[1] = {{(uint16_t)(t - 1)}};
  dlv_fp16 four[4];
  for (int i = 0; i < 4; i++)
    four[i] = dlv_fp16_from_double(128.0);
  print_message("fp16 [256]: naive %g, scaled %g\n", naive16(1, one),
                scaled16(1, one));
  print_message("fp16 [255.875]: naive %g, scaled %g\n", naive16(1, below),
                scaled16(1, below));
  print_message("fp16 [128 x 4] (norm 256): naive %g, scaled %g\n",
                naive16(4, four), scaled16(4, four));
  assert_true(isinf(naive16(1, one)) && scaled16(1, one) == 256.0f);
  assert_true(naive16(1, below) == 255.875f);
  assert_true(isinf(naive16(4, four)) && scaled16(4, four) == 256.0f);
}

static void format_sums_stagnate(void **state)
{
  (void)state;
  enum { N = 4096 };
  static dlv_fp16 h[N];
  static dlv_bf16 b[N];
  for (size_t i = 0; i < N; i++) {
    h[i] = dlv_fp16_from_double(1.0);
    b[i] = dlv_bf16_from_double(1.0);
  }
  float rb = lowp_naive(&lowp_bf16, N, &b->bits);
  float sb = lowp_scaled(&lowp_bf16, N, &b->bits);
  print_message("%d ones: fp16 naive %g (sqrt 2048 = %g), bf16 naive %g "
                "(sqrt 256 = 16), scaled %g and %g (exact 64)\n",
                N, naive16(N, h), sqrt(2048.0), rb, scaled16(N, h), sb);
  /* the rounded sqrt of the stalled sums: 45.25 (fp16), 16 (bf16) */
  assert_true(naive16(N, h) == (float)dlv_round_to_format(sqrt(2048.0), 11,
                                                           -14, 15));
  assert_true(rb == 16.0f);
  assert_true(scaled16(N, h) == 64.0f && sb == 64.0f);
  uint16_t t = lowp_overflow_threshold(&lowp_bf16);
  assert_true(lowp_decode(&lowp_bf16, t) == 0x1p64);
  dlv_bf16 big[1] = {{t}}, less[1] = {{(uint16_t)(t - 1)}};
  rb = lowp_naive(&lowp_bf16, 1, &big->bits);
  sb = lowp_scaled(&lowp_bf16, 1, &big->bits);
  print_message("bf16 [2^64]: naive %g, scaled %a\n", rb, sb);
  assert_true(isinf(rb) && sb == 0x1p64f);
  assert_true(lowp_naive(&lowp_bf16, 1, &less->bits) == 0x1.fep63f);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(fp16_overflow_at_256),
      cmocka_unit_test(format_sums_stagnate),
  };
  return cmocka_run_group_tests_name("harness", tests, NULL, NULL);
}
