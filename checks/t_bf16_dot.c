/* t_bf16_dot.c: vdpbf16ps (_mm512_dpbf16_ps) as measured on this machine,
 * against its model dlv_bf16_dot2_model (kernels/lowp.h):
 *   t = FTZ(RNE(DAZ(acc) + a1 b1)), out = FTZ(RNE(t + a0 b0)),
 * each step fused (exact product), RNE whatever MXCSR says, bf16 and
 * accumulator subnormals read as 0, subnormal results flushed.
 * 1. designed exact cases, each exposing one fact, with the instruction's
 *    measured output; for each fact a rival model (one rounding of the whole
 *    sum, even element first, the pair summed first, round toward zero, no
 *    DAZ, no FTZ) that the instruction refutes on its case;
 * 2. the model against the instruction, bitwise, on adversarial random
 *    lanes (close exponents for cancellation and ties, subnormals,
 *    products beyond float's range, Inf and NaN), with MXCSR set to round
 *    toward zero with FTZ/DAZ off, to show the instruction ignores it.
 * 3. the kernels that emulate it on their portable path (the bf16 and
 *    fp16 norms and gradients, nrm2_lowp.c) against their AVX512-BF16
 *    path, bitwise, on a fixed sweep of vectors whose entries span 13
 *    binades, so that the order of a pair's two steps shows (about 4% of
 *    such vectors tell the orders apart), and the bf16 conv3d (its
 *    portable tiles against its vdpbf16ps tiles, conv3d_lowp.c), three
 *    passes on fixed shapes across its tile edges, odd channel counts and
 *    its input gradient's row classes: agreement is the kernels' contract
 *    (lowp.h, conv3d_lowp.h), not a sample's luck.
 * Skipped, with a message, when the CPU lacks AVX512_BF16. */
#include <fenv.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "conv3d.h"
#include "conv3d_lowp.h"
#include "dlv_status.h"
#include "lowp.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define HAVE_X86 1
#else
#define HAVE_X86 0
#endif

static dlv_bf16 bf(float x) { return dlv_bf16_from_float(x); }

static uint32_t bits(float f)
{
  uint32_t b;
  memcpy(&b, &f, sizeof b);
  return b;
}

static int same(float a, float b)
{
  return (isnan(a) && isnan(b)) || bits(a) == bits(b);
}

#if HAVE_X86
/* 16 lanes: out[l] = vdpbf16ps(acc[l], a[2l..2l+1], b[2l..2l+1]). */
__attribute__((target("avx512f,avx512bw,avx512bf16"))) static void
instruction(const float *acc, const dlv_bf16 *a, const dlv_bf16 *b,
            float *out)
{
  __m512bh va = (__m512bh)_mm512_loadu_si512(a);
  __m512bh vb = (__m512bh)_mm512_loadu_si512(b);
  _mm512_storeu_ps(out, _mm512_dpbf16_ps(_mm512_loadu_ps(acc), va, vb));
}
#endif

static int cpu_ok(void)
{
  if (dlv_lowp_set_isa(DLV_LOWP_ISA_AVX512BF16) != DLV_LOWP_ISA_AVX512BF16) {
    print_message("SKIP: this CPU has no AVX512_BF16 (vdpbf16ps); the "
                  "model cannot be compared with the instruction here\n");
    return 0;
  }
  return HAVE_X86;
}

/* One lane through the instruction (lane 0; the others zero). */
static float dp(float acc, float a0, float b0, float a1, float b1)
{
  float accv[16] = {acc}, out[16];
  dlv_bf16 a[32] = {bf(a0), bf(a1)}, b[32] = {bf(b0), bf(b1)};
#if HAVE_X86
  instruction(accv, a, b, out);
#else
  (void)accv, (void)a, (void)b, out[0] = NAN;
#endif
  return out[0];
}

/* ---- rival models (each differs from the model in one fact) -------------- */
static float daz(float x) { return fabsf(x) < FLT_MIN ? copysignf(0.0f, x) : x; }

static float rival_one_rounding(float acc, float a0, float b0, float a1, float b1)
{ /* exact in double for the designed data */
  return daz((float)((double)daz(acc) + (double)a1 * b1 + (double)a0 * b0));
}
static float rival_even_first(float acc, float a0, float b0, float a1, float b1)
{
  return daz(fmaf(a1, b1, daz(fmaf(a0, b0, daz(acc)))));
}
static float rival_pair_first(float acc, float a0, float b0, float a1, float b1)
{
  return daz(daz(acc) + (float)((double)a0 * b0 + (double)a1 * b1));
}
static float rival_rtz(float acc, float a0, float b0, float a1, float b1)
{
  fesetround(FE_TOWARDZERO);
  volatile float r = dlv_dot2_model_f32(acc, a0, b0, a1, b1);
  fesetround(FE_TONEAREST);
  return r;
}
static float rival_no_daz(float acc, float a0, float b0, float a1, float b1)
{
  return daz(fmaf(a0, b0, daz(fmaf(a1, b1, acc))));
}
static float rival_no_ftz(float acc, float a0, float b0, float a1, float b1)
{
  return fmaf(daz(a0), daz(b0), fmaf(daz(a1), daz(b1), daz(acc)));
}

typedef float (*rival_fn)(float, float, float, float, float);

typedef struct {
  const char *fact;
  float acc, a0, b0, a1, b1;
  float measured; /* what vdpbf16ps gave on this machine */
  rival_fn rival;
  const char *rival_name;
} designed;

static const designed cases[] = {
    {"two roundings: 1 + 2^-24 + 2^-24 (one rounding: 1 + 2^-23)", 1.0f,
     0x1p-24f, 1.0f, 0x1p-24f, 1.0f, 1.0f, rival_one_rounding, "one rounding"},
    {"odd element first: (1 + 2^-30) - 1 = 0 (even first: 2^-30)", 1.0f,
     -1.0f, 1.0f, 0x1p-30f, 1.0f, 0.0f, rival_even_first, "even first"},
    {"acc + a1 b1 first, not acc + (pair): (2^-30 + 1) - 1 = 0", 0x1p-30f,
     -1.0f, 1.0f, 1.0f, 1.0f, 0.0f, rival_pair_first, "pair summed first"},
    {"round to nearest: 1 + 3 2^-25 -> 1 + 2^-23", 1.0f, 0x1.8p-24f, 1.0f,
     0.0f, 0.0f, 0x1.000002p0f, rival_rtz, "round toward zero"},
    {"ties to even: 1 + 2^-23 + 2^-24 -> 1 + 2^-22", 0x1.000002p0f, 0.0f, 0.0f,
     0x1p-24f, 1.0f, 0x1.000004p0f, rival_rtz, "round toward zero"},
    {"bf16 subnormal input is 0: 2^-130 2^10 -> 0", 0.0f, 0x1p-130f, 0x1p10f,
     0.0f, 0.0f, 0.0f, rival_no_daz, "no DAZ"},
    {"subnormal accumulator is 0: 2^-130 + 2^-126 -> 2^-126", 0x1p-130f,
     0.0f, 0.0f, 0x1p-126f, 1.0f, 0x1p-126f, rival_no_daz, "no DAZ"},
    {"subnormal step result flushed: 0 + 2^-127, then + 2^-126", 0.0f,
     0x1p-63f, 0x1p-63f, 0x1p-64f, 0x1p-63f, 0x1p-126f, rival_no_ftz,
     "no FTZ"},
    {"fused: a subnormal product kept when the sum is normal", 0x1p-126f,
     0x1p-64f, 0x1p-63f, 0.0f, 0.0f, 0x1.8p-126f, NULL, NULL},
    {"fused: product beyond float's range: 0 - 2^200 + 2^200 = -Inf (not NaN)",
     0.0f, 0x1p100f, 0x1p100f, -0x1p100f, 0x1p100f, -INFINITY, NULL, NULL},
    {"tininess after rounding: 2^-126 - 2^-152 -> 2^-126", 0x1p-126f, 0.0f,
     0.0f, -0x1p-76f, 0x1p-76f, 0x1p-126f, NULL, NULL},
};

static void designed_cases_expose_each_fact(void **state)
{
  (void)state;
  if (!cpu_ok())
    skip();
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    const designed *d = &cases[i];
    float got = dp(d->acc, d->a0, d->b0, d->a1, d->b1);
    float model = dlv_dot2_model_f32(d->acc, d->a0, d->b0, d->a1, d->b1);
    print_message("%-70s vdpbf16ps %a model %a", d->fact, got, model);
    if (d->rival != NULL) {
      float r = d->rival(d->acc, d->a0, d->b0, d->a1, d->b1);
      print_message(" rival (%s) %a", d->rival_name, r);
      assert_false(same(r, got)); /* the measurement refutes the rival */
    }
    print_message("\n");
    assert_true(same(got, d->measured));
    assert_true(same(model, got));
  }
}

/* Random bf16 with exponents near `center` (spread 2^spread binades),
 * occasionally subnormal, zero, Inf or NaN. */
static float random_bf16(uint64_t *s, int center, int spread)
{
  *s = *s * 6364136223846793005u + 1442695040888963407u;
  uint64_t r = *s >> 16;
  int kind = (int)(r % 64);
  float sign = (r >> 6) & 1 ? -1.0f : 1.0f;
  float mant = 1.0f + (float)((r >> 7) & 127) / 128.0f;
  if (kind == 0)
    return sign * 0.0f;
  if (kind == 1)
    return sign * INFINITY;
  if (kind == 2)
    return NAN;
  if (kind < 8) /* subnormal bf16 */
    return sign * ldexpf((float)((r >> 7) & 127), -133);
  int e = center + (int)((r >> 14) % (unsigned)(2 * spread + 1)) - spread;
  e = e > 127 ? 127 : e < -126 ? -126 : e;
  return sign * ldexpf(mant, e);
}

static float random_acc(uint64_t *s, int center, int spread)
{
  *s = *s * 6364136223846793005u + 1442695040888963407u;
  float hi = random_bf16(s, center, spread);
  return isfinite(hi) ? hi * (1.0f + (float)(*s >> 40) * 0x1p-24f * 0x1p-8f * 255.0f)
                      : hi;
}

static void model_matches_instruction_on_random_lanes(void **state)
{
  (void)state;
  if (!cpu_ok())
    skip();
  /* MXCSR: round toward zero; the instruction must ignore it (the model
   * evaluates at the default mode below) */
  uint64_t s = 0x51a2b3c4d5e6f708u ^ dlv_seed();
  unsigned long lanes = 0, mismatches = 0;
  const int centers[] = {0, -63, 64, -126, 120, -100};
  for (int round = 0; round < 24000; round++) {
    int c = centers[round % 6], spread = 1 + round % 12;
    float acc[16], out[16];
    dlv_bf16 a[32], b[32];
    for (int l = 0; l < 16; l++) {
      acc[l] = random_acc(&s, 2 * c, 2 * spread);
      for (int k = 0; k < 2; k++) {
        a[2 * l + k] = bf(random_bf16(&s, c, spread));
        b[2 * l + k] = bf(random_bf16(&s, c, spread));
      }
    }
#if HAVE_X86
    fesetround(FE_TOWARDZERO);
    instruction(acc, a, b, out);
    fesetround(FE_TONEAREST);
#endif
    for (int l = 0; l < 16; l++, lanes++) {
      float m = dlv_bf16_dot2_model(acc[l], a[2 * l], b[2 * l], a[2 * l + 1],
                                    b[2 * l + 1]);
      if (!same(m, out[l]) && mismatches++ < 5)
        print_message("lane: acc %a a0 %a b0 %a a1 %a b1 %a: vdpbf16ps %a, "
                      "model %a\n",
                      acc[l], dlv_bf16_to_float(a[2 * l]),
                      dlv_bf16_to_float(b[2 * l]),
                      dlv_bf16_to_float(a[2 * l + 1]),
                      dlv_bf16_to_float(b[2 * l + 1]), out[l], m);
    }
  }
  print_message("%lu random lanes (MXCSR toward zero): %lu mismatches\n",
                lanes, mismatches);
  assert_int_equal(mismatches, 0);
}

/* Entry i of sweep vector v: +-(1 + k/128) 2^-j, j in [0, 12]. */
static float sweep_value(uint64_t *s)
{
  *s = *s * 6364136223846793005u + 1442695040888963407u;
  uint64_t r = *s >> 16;
  float mant = 1.0f + (float)(r & 127) / 128.0f;
  return ((r >> 7) & 1 ? -1.0f : 1.0f) * ldexpf(mant, -(int)((r >> 8) % 13));
}

/* The norm and the gradient of x on the current path: the norm's bits,
 * then g's patterns, in out (1 + n words). */
static void norm_and_grad(int fp16, const uint16_t *x, size_t n,
                          uint32_t *out)
{
  float r = NAN;
  uint16_t g[64];
  int st = fp16 ? dlv_nrm2_fp16(n, (const dlv_fp16 *)x, 1, &r)
                : dlv_nrm2_bf16(n, (const dlv_bf16 *)x, 1, &r);
  int sg = fp16 ? dlv_nrm2_grad_fp16(n, (const dlv_fp16 *)x, 1,
                                     (dlv_fp16 *)g, 1)
                : dlv_nrm2_grad_bf16(n, (const dlv_bf16 *)x, 1,
                                     (dlv_bf16 *)g, 1);
  assert_int_equal(st, DLV_OK);
  assert_int_equal(sg, DLV_OK);
  memcpy(&out[0], &r, sizeof r);
  for (size_t i = 0; i < n; i++)
    out[1 + i] = g[i];
}

static void emulating_kernels_match_the_instruction_path(void **state)
{
  (void)state;
  if (!cpu_ok())
    skip();
  enum { N = 64, VECTORS = 2000 };
  uint64_t s = 0x2f6b1c0de5a49377u; /* a fixed sweep */
  unsigned long differ = 0;
  for (int v = 0; v < VECTORS; v++)
    for (int fp16 = 0; fp16 < 2; fp16++) {
      uint16_t x[N];
      uint32_t fast[1 + N], port[1 + N];
      for (size_t i = 0; i < N; i++) {
        float f = sweep_value(&s);
        x[i] = fp16 ? dlv_fp16_from_float(f).bits : bf(f).bits;
      }
      dlv_lowp_set_isa(DLV_LOWP_ISA_AVX512BF16);
      norm_and_grad(fp16, x, N, fast);
      dlv_lowp_set_isa(DLV_LOWP_ISA_PORTABLE);
      norm_and_grad(fp16, x, N, port);
      if (memcmp(fast, port, sizeof fast) != 0 && differ++ < 5)
        print_message("sweep vector %d (%s): the paths differ\n", v,
                      fp16 ? "fp16" : "bf16");
    }
  dlv_lowp_set_isa(DLV_LOWP_ISA_AVX512BF16);
  print_message("%d vectors of %d entries, bf16 and fp16, norm and "
                "gradient: %lu differ between the paths\n",
                VECTORS, N, differ);
  assert_int_equal(differ, 0);
}

/* The three passes of the bf16 conv3d on the current path, outputs one
 * after another in out (n2 + nf + n1 floats). */
static void conv3d_passes(const dlv_conv3d_shape *s, const dlv_bf16 *l1,
                          const dlv_bf16 *f, const dlv_bf16 *g, size_t n1,
                          size_t nf, size_t n2, float *out)
{
  assert_int_equal(dlv_conv3d_fwd_bf16(s, l1, f, out), DLV_OK);
  assert_int_equal(dlv_conv3d_bwd_filter_bf16(s, l1, g, out + n2), DLV_OK);
  assert_int_equal(dlv_conv3d_bwd_input_bf16(s, f, g, out + n2 + nf),
                   DLV_OK);
  (void)n1;
}

static void conv3d_paths_agree(void **state)
{
  (void)state;
  if (!cpu_ok())
    skip();
  /* B H W T C' C U V Z: channels on both sides of 16, 32 and 64 (the
   * tiles' widths), odd ones (a padded pair), rows past a tile of 14 */
  static const dlv_conv3d_shape shapes[] = {
      {2, 3, 4, 5, 3, 5, 2, 3, 2},   {1, 4, 4, 3, 33, 17, 3, 3, 3},
      {2, 2, 3, 6, 64, 65, 3, 2, 3}, {1, 5, 3, 4, 7, 9, 2, 3, 2},
      {3, 2, 2, 2, 16, 32, 1, 1, 1}, {1, 6, 5, 4, 2, 1, 3, 3, 3}};
  uint64_t st = 0x7d1c9e5b3a2f4061u;
  unsigned long differ = 0;
  for (size_t k = 0; k < sizeof shapes / sizeof *shapes; k++) {
    const dlv_conv3d_shape *s = &shapes[k];
    size_t n1, nf, n2;
    assert_int_equal(dlv_conv3d_sizes(s, &n1, &nf, &n2), DLV_OK);
    size_t nall = n1 + nf + n2;
    dlv_bf16 *x = malloc(nall * sizeof *x);
    float *fast = malloc(nall * sizeof *fast),
          *port = malloc(nall * sizeof *port);
    assert_true(x && fast && port);
    for (size_t i = 0; i < nall; i++)
      x[i] = bf(sweep_value(&st));
    const dlv_bf16 *l1 = x, *f = x + n1, *g = x + n1 + nf;
    dlv_lowp_set_isa(DLV_LOWP_ISA_AVX512BF16);
    conv3d_passes(s, l1, f, g, n1, nf, n2, fast);
    dlv_lowp_set_isa(DLV_LOWP_ISA_PORTABLE);
    conv3d_passes(s, l1, f, g, n1, nf, n2, port);
    if (memcmp(fast, port, nall * sizeof *fast) != 0 && differ++ < 3)
      print_message("shape %zu: the paths differ\n", k);
    free(x);
    free(fast);
    free(port);
  }
  dlv_lowp_set_isa(DLV_LOWP_ISA_AVX512BF16);
  print_message("bf16 conv3d, %zu shapes, 3 passes: %lu differ between the "
                "paths\n", sizeof shapes / sizeof *shapes, differ);
  assert_int_equal(differ, 0);
}

/* lowp.h: dlv_lowp_set_isa(DLV_LOWP_ISA_AVX512BF16) takes that path where
 * the CPU has it; any other value the portable one; the path in use is
 * returned and then reported by dlv_lowp_isa. */
static void set_isa_values(void **state)
{
  (void)state;
  int dflt = dlv_lowp_isa();
  const int others[] = {DLV_LOWP_ISA_PORTABLE, -1, 2, INT_MAX, INT_MIN};
  for (size_t i = 0; i < sizeof others / sizeof others[0]; i++) {
    if (dlv_lowp_set_isa(others[i]) != DLV_LOWP_ISA_PORTABLE ||
        dlv_lowp_isa() != DLV_LOWP_ISA_PORTABLE)
      fail_msg("dlv_lowp_set_isa(%d) did not select the portable path",
               others[i]);
  }
  int got = dlv_lowp_set_isa(DLV_LOWP_ISA_AVX512BF16);
  assert_true(got == DLV_LOWP_ISA_PORTABLE || got == DLV_LOWP_ISA_AVX512BF16);
  assert_int_equal(dlv_lowp_isa(), got);
  dlv_lowp_set_isa(dflt);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(set_isa_values),
      cmocka_unit_test(designed_cases_expose_each_fact),
      cmocka_unit_test(model_matches_instruction_on_random_lanes),
      cmocka_unit_test(emulating_kernels_match_the_instruction_path),
      cmocka_unit_test(conv3d_paths_agree),
  };
  int status = cmocka_run_group_tests_name("harness", tests, NULL, NULL);
  dlv_lowp_set_isa(DLV_LOWP_ISA_AVX512BF16);
  return status;
}
