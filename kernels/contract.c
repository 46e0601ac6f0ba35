/* contract.c: the contract table (see contract.h).  Every value comes from
 * the macro the kernel itself uses. */
#include <float.h>
#include <math.h>
#include <string.h>

#include "adam.h"
#include "closs.h"
#include "contract.h"
#include "conv3d.h"
#include "conv3d_lowp.h"
#include "hvp.h"
#include "lowp.h"
#include "noisy_linear.h"
#include "nrm2.h"

/* A blocking constant and its source text: the kernel's own named
 * constants, multiplied (the gate checks the text; contract.h). */
#define BLOCK(name, expr) {name, expr, #expr}

/* Stride rules, named once. */
#define VEC_IN (DLV_CONTRACT_STRIDED | DLV_CONTRACT_NEG_STRIDE)
#define VEC_IN_OUT                                                           \
  (VEC_IN | DLV_CONTRACT_DISTINCT_STRIDES | DLV_CONTRACT_IN_PLACE)

#define NRM2_BLOCKS                                                          \
  {BLOCK("block", DLV_NRM2_BLOCK), BLOCK("lanes", DLV_NRM2_LANES)}
#define NRM2_LIMITS(xmax)                                                    \
  {{"plain_min", DLV_NRM2_PLAIN_MIN,                                         \
    "smallest block sum of squares kept unscaled"},                          \
   {"plain_max", DLV_NRM2_PLAIN_MAX,                                         \
    "largest block sum of squares kept unscaled"},                           \
   {"xmax", xmax, "largest finite entry (safe from overflow)"}}
#define ADAM_LIMITS(gmax)                                                    \
  {{"gmax", gmax, "largest admissible |g| (above: DLV_EDOM)"},               \
   {"beta_max", 1.0, "beta1, beta2 < 1 (1 rejected)"}}
/* the float and double steps also name where an element's update moves
 * to the wider type (adam.h) */
#define ADAM_STEP_LIMITS(gmax, low, eps_big)                                 \
  {{"gmax", gmax, "largest admissible |g| (above: DLV_EDOM)"},               \
   {"beta_max", 1.0, "beta1, beta2 < 1 (1 rejected)"},                       \
   {"low", low, "v' or |m'| below: update recomputed in the wider type"},    \
   {"eps_big", eps_big, "eps >= eps_big r2: no wider recomputation"}}
#define LOWP_NRM2_BLOCKS                                                     \
  {BLOCK("block", DLV_LOWP_NRM2_BLOCK),                                      \
   BLOCK("step", DLV_LOWP_NRM2_STEP),                                        \
   BLOCK("lanes", DLV_LOWP_NRM2_LANES)}
#define LOWP_NRM2_LIMITS(xmax)                                               \
  {{"xmax", xmax, "largest finite entry (one ulp above: Inf)"}}
#define CONVERT_LIMITS(xmax)                                                 \
  {{"xmax", xmax, "largest finite (max + half an ulp and beyond: Inf)"}}
#define LOWP_NAIVE_LIMITS(xmax, xovf)                                        \
  {{"xmax", xmax, "largest finite entry (one ulp above: Inf)"},              \
   {"xovf", xovf, "smallest entry whose square overflows the format"}}
#define LINEAR_BLOCKS {BLOCK("lanes", DLV_LINEAR_LANES)}
/* conv3d FAST (conv3d.h; dlv_conv3d_blocking has all of them, per pass
 * and dimension): lanes and tile width on the channels, tile heights on
 * the positions or rows, the filter gradient's chunk of positions. */
#define CONV3D_TILE(lanes)                                                   \
  BLOCK("lanes", lanes),                                                     \
      BLOCK("nr_wide", DLV_CONV3D_FAST_NV_WIDE * (lanes)),                   \
      BLOCK("nr_narrow", DLV_CONV3D_FAST_NV_NARROW * (lanes)),               \
      BLOCK("mr_wide", DLV_CONV3D_FAST_MR_WIDE),                             \
      BLOCK("mr_narrow", DLV_CONV3D_FAST_MR_NARROW)
#define CONV3D_FWD_BLOCKS(lanes) {CONV3D_TILE(lanes)}
#define CONV3D_BF_BLOCKS(lanes)                                              \
  {CONV3D_TILE(lanes), BLOCK("nb", DLV_CONV3D_FAST_NB)}
/* the input gradient's padded G: a cap on its size, a switch of path */
#define CONV3D_BI_BLOCKS(lanes)                                              \
  {CONV3D_TILE(lanes), BLOCK("pad_cap", DLV_CONV3D_FAST_PAD_CAP)}
/* conv3d bf16 (conv3d_lowp.h): the pair of a vdpbf16ps step (tails: the
 * paired extent odd or even), the lanes and both tiles' channels, both
 * tile heights on the rows; the filter gradient's chunk of (b,x,y) lines.
 * fp16 runs the float FAST (CONV3D_*_BLOCKS of LANES_S). */
#define CONV3D_LOWP_TILE                                                     \
  BLOCK("pair", DLV_CONV3D_LOWP_PAIR),                                       \
      BLOCK("lanes", DLV_CONV3D_LOWP_LANES),                                 \
      BLOCK("nr_wide", DLV_CONV3D_LOWP_NV_WIDE * DLV_CONV3D_LOWP_LANES),     \
      BLOCK("nr_narrow", DLV_CONV3D_LOWP_NV_NARROW * DLV_CONV3D_LOWP_LANES), \
      BLOCK("mr_wide", DLV_CONV3D_LOWP_MR_WIDE),                             \
      BLOCK("mr_narrow", DLV_CONV3D_LOWP_MR_NARROW)
/* the bf16 Adam steps' chunks, and the elements past which a thread's
 * range holds several chunks (one thread; T threads: T times as many) */
#define LOWP_ADAM_BLOCKS                                                     \
  {BLOCK("chunk", DLV_LOWP_ADAM_CHUNK),                                      \
   BLOCK("ranges", DLV_LOWP_ADAM_RANGES * DLV_LOWP_ADAM_CHUNK)}
#define CONV3D_LOWP_FWD_BLOCKS {CONV3D_LOWP_TILE}
#define CONV3D_LOWP_BF_BLOCKS                                                \
  {CONV3D_LOWP_TILE, BLOCK("nb", DLV_CONV3D_LOWP_NB)}
/* the input gradient's blocks of batches (rows of each) */
#define CONV3D_LOWP_BI_BLOCKS                                                \
  {CONV3D_LOWP_TILE, BLOCK("class_rows", DLV_CONV3D_LOWP_CLASS_ROWS)}
/* the noise of a train layer is drawn in pairs over all m n entries */
#define NOISY_TRAIN_BLOCKS                                                   \
  {BLOCK("lanes", DLV_LINEAR_LANES), BLOCK("pair", DLV_NOISE_PAIR)}
#define KEEP_LIMITS                                                          \
  {{"p_min", 0.0, "keep probability >= 0 (below: DLV_EINVAL)"},              \
   {"p_max", 1.0, "keep probability <= 1 (above: DLV_EINVAL)"}}
/* The EMA scans x for NaN and infinities only (adam.h): its largest
 * admissible |x| is the largest finite number of its type. */
#define EMA_LIMITS(xmax)                                                     \
  {{"xmax", xmax, "largest admissible |x| (above: DLV_EDOM)"},               \
   {"beta_max", 1.0, "beta < 1 (1 rejected)"}}
/* The float window takes every finite float when DLV_WINDOW_XMAX exceeds
 * FLT_MAX (it does: 2^1000). */
#define WINDOW_LIMITS(xmax)                                                  \
  {{"kmax", (double)DLV_WINDOW_KMAX, "largest window length"},               \
   {"xmax", xmax, "largest admissible |x|"}}
#define WINDOW_XMAX_S                                                        \
  (DLV_WINDOW_XMAX < FLT_MAX ? DLV_WINDOW_XMAX : FLT_MAX)
#define HVP_LIMITS                                                           \
  {{"h_max", DLV_HVP_H_MAX, "relative step h in (0, h_max]"},               \
   {"t_min", DLV_HVP_T_MIN, "smallest step t (below: DLV_EDOM)"},            \
   {"t_max", DLV_HVP_T_MAX, "largest step t (above: DLV_EDOM)"}}

static const dlv_contract table[] = {
    {"dlv_nrm2_d", "double", VEC_IN, NRM2_LIMITS(DBL_MAX), NRM2_BLOCKS},
    {"dlv_nrm2_s", "float", VEC_IN, NRM2_LIMITS(FLT_MAX), NRM2_BLOCKS},
    {"dlv_nrm2_grad_d", "double", VEC_IN_OUT, NRM2_LIMITS(DBL_MAX),
     NRM2_BLOCKS},
    {"dlv_nrm2_grad_s", "float", VEC_IN_OUT, NRM2_LIMITS(FLT_MAX),
     NRM2_BLOCKS},
    {"dlv_prox_group_d", "double", VEC_IN_OUT, NRM2_LIMITS(DBL_MAX),
     NRM2_BLOCKS},
    {"dlv_prox_group_s", "float", VEC_IN_OUT, NRM2_LIMITS(FLT_MAX),
     NRM2_BLOCKS},
    {"dlv_prox_grad_d", "double", 0, {{NULL}}, {{NULL}}},
    {"dlv_l2reg_grad_d", "double", DLV_CONTRACT_IN_PLACE, {{NULL}},
     {{NULL}}},
    {"dlv_adam_bias_correction_d", "double", 0,
     {{"beta_max", 1.0, "b < 1 (1 rejected)"}}, {{NULL}}},
    {"dlv_adam_step_d", "double", DLV_CONTRACT_THREADED,
     ADAM_STEP_LIMITS(DLV_ADAM_GMAX_D, DLV_ADAM_LOW_D, DLV_ADAM_EPS_BIG_D),
     {BLOCK("block", DLV_ADAM_BLOCK)}},
    {"dlv_adam_step_s", "float", DLV_CONTRACT_THREADED,
     ADAM_STEP_LIMITS(DLV_ADAM_GMAX_S, DLV_ADAM_LOW_S, DLV_ADAM_EPS_BIG_S),
     {BLOCK("block", DLV_ADAM_BLOCK)}},
    {"dlv_ema_d", "double", 0, EMA_LIMITS(DBL_MAX), {{NULL}}},
    {"dlv_ema_s", "float", 0, EMA_LIMITS(FLT_MAX), {{NULL}}},
    /* the window: dlv_window_init_* and dlv_window_push_* together */
    {"dlv_window_d", "double", 0, WINDOW_LIMITS(DLV_WINDOW_XMAX), {{NULL}}},
    {"dlv_window_s", "float", 0, WINDOW_LIMITS(WINDOW_XMAX_S), {{NULL}}},
    {"dlv_noise_rng_seed", "-", DLV_CONTRACT_RANDOM, {{NULL}}, {{NULL}}},
    {"dlv_noise_uniform", "double", DLV_CONTRACT_RANDOM, {{NULL}}, {{NULL}}},
    {"dlv_noise_gaussian_d", "double", DLV_CONTRACT_RANDOM, {{NULL}},
     {BLOCK("pair", DLV_NOISE_PAIR)}},
    {"dlv_noise_gaussian_s", "float", DLV_CONTRACT_RANDOM, {{NULL}},
     {BLOCK("pair", DLV_NOISE_PAIR)}},
    {"dlv_noise_bernoulli", "-", DLV_CONTRACT_RANDOM, KEEP_LIMITS, {{NULL}}},
    {"dlv_noisy_linear_d", "double", 0, {{NULL}}, LINEAR_BLOCKS},
    {"dlv_noisy_linear_s", "float", 0, {{NULL}}, LINEAR_BLOCKS},
    {"dlv_noisy_linear_train_d", "double", DLV_CONTRACT_RANDOM, {{NULL}},
     NOISY_TRAIN_BLOCKS},
    {"dlv_noisy_linear_train_s", "float", DLV_CONTRACT_RANDOM, {{NULL}},
     NOISY_TRAIN_BLOCKS},
    {"dlv_linear_d", "double", 0, {{NULL}}, LINEAR_BLOCKS},
    {"dlv_linear_s", "float", 0, {{NULL}}, LINEAR_BLOCKS},
    {"dlv_dropout_linear_d", "double", 0, {{NULL}}, LINEAR_BLOCKS},
    {"dlv_dropout_linear_s", "float", 0, {{NULL}}, LINEAR_BLOCKS},
    {"dlv_dropout_linear_train_d", "double", DLV_CONTRACT_RANDOM,
     KEEP_LIMITS, LINEAR_BLOCKS},
    {"dlv_dropout_linear_train_s", "float", DLV_CONTRACT_RANDOM,
     KEEP_LIMITS, LINEAR_BLOCKS},
    {"dlv_loss_quadratic_d", "double", 0, {{NULL}}, {{NULL}}},
    {"dlv_loss_logistic_d", "double", 0, {{NULL}}, {{NULL}}},
    /* closs: the _d and _z entry points of each loss together */
    {"dlv_closs_quadratic", "double+complex", 0, {{NULL}}, {{NULL}}},
    {"dlv_closs_logistic", "double+complex", 0, {{NULL}}, {{NULL}}},
    {"dlv_closs_tanhnet", "double+complex", 0,
     {{"kmax", (double)DLV_TANHNET_MAXK, "most hidden units"}}, {{NULL}}},
    {"dlv_closs_norm", "double+complex", 0, {{NULL}}, {{NULL}}},
    {"dlv_hvp_cstep_d", "double", 0, HVP_LIMITS, {{NULL}}},
    {"dlv_hvp_central_d", "double", 0, HVP_LIMITS, {{NULL}}},
    {"dlv_hvp_step_d", "double", 0, HVP_LIMITS, {{NULL}}},
    {"dlv_linesearch_step_d", "double", 0, {{NULL}}, {{NULL}}},
    {"dlv_conv3d_fwd_d", "double", DLV_CONTRACT_THREADED, {{NULL}},
     CONV3D_FWD_BLOCKS(DLV_CONV3D_FAST_LANES_D)},
    {"dlv_conv3d_fwd_s", "float", DLV_CONTRACT_THREADED, {{NULL}},
     CONV3D_FWD_BLOCKS(DLV_CONV3D_FAST_LANES_S)},
    {"dlv_conv3d_bwd_filter_d", "double", DLV_CONTRACT_THREADED, {{NULL}},
     CONV3D_BF_BLOCKS(DLV_CONV3D_FAST_LANES_D)},
    {"dlv_conv3d_bwd_filter_s", "float", DLV_CONTRACT_THREADED, {{NULL}},
     CONV3D_BF_BLOCKS(DLV_CONV3D_FAST_LANES_S)},
    {"dlv_conv3d_bwd_input_d", "double", DLV_CONTRACT_THREADED, {{NULL}},
     CONV3D_BI_BLOCKS(DLV_CONV3D_FAST_LANES_D)},
    {"dlv_conv3d_bwd_input_s", "float", DLV_CONTRACT_THREADED, {{NULL}},
     CONV3D_BI_BLOCKS(DLV_CONV3D_FAST_LANES_S)},
    /* low precision (lowp.h) */
    {"dlv_nrm2_bf16", "bf16", VEC_IN, LOWP_NRM2_LIMITS(DLV_BF16_MAX),
     LOWP_NRM2_BLOCKS},
    {"dlv_nrm2_fp16", "fp16", VEC_IN, LOWP_NRM2_LIMITS(DLV_FP16_MAX),
     LOWP_NRM2_BLOCKS},
    {"dlv_nrm2_grad_bf16", "bf16", VEC_IN_OUT, LOWP_NRM2_LIMITS(DLV_BF16_MAX),
     LOWP_NRM2_BLOCKS},
    {"dlv_nrm2_grad_fp16", "fp16", VEC_IN_OUT, LOWP_NRM2_LIMITS(DLV_FP16_MAX),
     LOWP_NRM2_BLOCKS},
    {"dlv_nrm2_bf16_naive", "bf16", VEC_IN,
     LOWP_NAIVE_LIMITS(DLV_BF16_MAX, DLV_LOWP_NAIVE_XOVF_BF16), {{NULL}}},
    {"dlv_nrm2_fp16_naive", "fp16", VEC_IN,
     LOWP_NAIVE_LIMITS(DLV_FP16_MAX, DLV_LOWP_NAIVE_XOVF_FP16), {{NULL}}},
    {"dlv_adam_step_bf16", "bf16+float", DLV_CONTRACT_THREADED,
     ADAM_LIMITS(DLV_ADAM_GMAX_S), LOWP_ADAM_BLOCKS},
    {"dlv_adam_step_pure_bf16", "bf16", 0, ADAM_LIMITS(DLV_ADAM_GMAX_S),
     LOWP_ADAM_BLOCKS},
    /* conv3d with bf16 / fp16 operands, float outputs (conv3d_lowp.h) */
    {"dlv_conv3d_fwd_bf16", "bf16+float", DLV_CONTRACT_THREADED, {{NULL}},
     CONV3D_LOWP_FWD_BLOCKS},
    {"dlv_conv3d_bwd_filter_bf16", "bf16+float", DLV_CONTRACT_THREADED,
     {{NULL}}, CONV3D_LOWP_BF_BLOCKS},
    {"dlv_conv3d_bwd_input_bf16", "bf16+float", DLV_CONTRACT_THREADED,
     {{NULL}}, CONV3D_LOWP_BI_BLOCKS},
    {"dlv_conv3d_fwd_fp16", "fp16+float", DLV_CONTRACT_THREADED, {{NULL}},
     CONV3D_FWD_BLOCKS(DLV_CONV3D_FAST_LANES_S)},
    {"dlv_conv3d_bwd_filter_fp16", "fp16+float", DLV_CONTRACT_THREADED,
     {{NULL}}, CONV3D_BF_BLOCKS(DLV_CONV3D_FAST_LANES_S)},
    {"dlv_conv3d_bwd_input_fp16", "fp16+float", DLV_CONTRACT_THREADED,
     {{NULL}}, CONV3D_BI_BLOCKS(DLV_CONV3D_FAST_LANES_S)},
    /* conversions (lowp.h): max + half an ulp and beyond round to Inf */
    {"dlv_bf16_to_float", "bf16", 0, {{NULL}}, {{NULL}}},
    {"dlv_fp16_to_float", "fp16", 0, {{NULL}}, {{NULL}}},
    {"dlv_bf16_from_float", "bf16", 0, CONVERT_LIMITS(DLV_BF16_MAX), {{NULL}}},
    {"dlv_fp16_from_float", "fp16", 0, CONVERT_LIMITS(DLV_FP16_MAX), {{NULL}}},
    {"dlv_bf16_from_double", "bf16", 0, CONVERT_LIMITS(DLV_BF16_MAX),
     {{NULL}}},
    {"dlv_fp16_from_double", "fp16", 0, CONVERT_LIMITS(DLV_FP16_MAX),
     {{NULL}}},
    {"dlv_round_to_format", "bf16+fp16", 0, {{NULL}}, {{NULL}}},
};

const dlv_contract *dlv_contracts(size_t *n)
{
  *n = sizeof table / sizeof table[0];
  return table;
}

const dlv_contract *dlv_contract_find(const char *entry)
{
  for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
    if (strcmp(table[i].entry, entry) == 0)
      return &table[i];
  return NULL;
}

size_t dlv_contract_nlimits(const dlv_contract *c)
{
  size_t k = 0;
  while (k < DLV_CONTRACT_MAX_LIMITS && c->limits[k].name != NULL)
    k++;
  return k;
}

size_t dlv_contract_nblocks(const dlv_contract *c)
{
  size_t k = 0;
  while (k < DLV_CONTRACT_MAX_BLOCKS && c->blocks[k].name != NULL)
    k++;
  return k;
}

size_t dlv_contract_block_sizes(const dlv_contract *c, size_t *out)
{
  size_t k = dlv_contract_nblocks(c);
  for (size_t i = 0; i < k; i++)
    out[i] = c->blocks[i].value;
  return k;
}

double dlv_contract_limit_value(const dlv_contract *c, const char *name)
{
  for (size_t i = 0; i < dlv_contract_nlimits(c); i++)
    if (strcmp(c->limits[i].name, name) == 0)
      return c->limits[i].value;
  return NAN;
}
