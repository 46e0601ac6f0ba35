/* g_noisy.c: gate family noisy: every entry point of kernels/noisy_linear.h
 * over its contract.
 *
 * The generator (dlv_noise_rng_seed, dlv_noise_uniform, dlv_noise_gaussian_*,
 * dlv_noise_bernoulli) against a model written here from the published
 * algorithms (Vigna's splitmix64.c and xoshiro256starstar.c, Marsaglia's
 * polar method), independent of the kernel's code: states and uniforms
 * bitwise, Bernoulli masks exactly (U_i < p), Gaussians within
 * dlv_bound_polar_rel of the exact u sqrt(-2 ln R / R) (MPFR); the state
 * after each call equals the model's after drawing as many values (an odd
 * Gaussian count draws a whole pair).  Seeds 0, 1, 2^64 - 1 and drawn ones;
 * counts over every tail modulo the pair; p at both limits exactly and one
 * ulp either side, interior and NaN.  Every decision at its boundary:
 * p at a draw U_j of the call's own stream (the model's) and one ulp
 * either side (U < p), and states constructed (the output function
 * inverted) so that the first polar pair lies on an edge of the
 * acceptance 0 < r2 < 1 or just beside it (polar_edges: the origin and
 * r2 = 2^-104, r2 = 1 exactly and rounded to 1 from either side, r2 =
 * 1 + 2^-52 and 1 - 2^-53).  The train variants' noise and masks against
 * the same model, from the same starts.
 *
 * The layers (noisy, plain, dropout, each given its noise or mask or
 * drawing it inside, float and double) against their MPFR twins
 * (reference/ref_noisy_linear.h) within dlv_bound_p2_dot, for m and n over
 * every tail modulo DLV_LINEAR_LANES and across it (and the pair, for the
 * noise of m n entries), every value class, special values (NaN, +-Inf,
 * Inf - Inf), masks with any nonzero byte as keep, y NULL, NULL pointers
 * for empty arrays, and each argument error alone (a NULL pointer, m n
 * overflowing: outputs and state untouched).  Every output is compared:
 * z row by row; y = ReLU(z) bitwise, or untouched when the status is
 * DLV_ENAN (which it is exactly when some z_i is NaN); e and mask of the
 * train variants bitwise against the generator replayed from the same
 * state, and the state after the call against the replay's.  Rows whose
 * intermediates overflow (the header's rule) may be +-Inf or NaN, never a
 * finite value outside the bound.  Guard zones around every output. */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "contract.h"
#include "dlv_status.h"
#include "gate.h"
#include "mp.h"
#include "noisy_linear.h"
#include "ref_noisy_linear.h"

typedef struct {
  const dlv_contract *k;
  int is_float;
  size_t elem;
} noisy_entry;

static noisy_entry entry_of(const char *name, int is_float)
{
  return (noisy_entry){dlv_contract_find(name), is_float,
                       is_float ? sizeof(float) : sizeof(double)};
}

/* ---- the model generator --------------------------------------------------- */

typedef struct {
  uint64_t s[4];
} model_rng;

/* splitmix64's output function of its state after the increment. */
static uint64_t mix64(uint64_t z)
{
  z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
  z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
  return z ^ (z >> 31);
}

static void model_seed(model_rng *m, uint64_t seed)
{
  for (int i = 0; i < 4; i++)
    m->s[i] = mix64(seed += UINT64_C(0x9E3779B97F4A7C15));
}

static uint64_t rotate_left(uint64_t x, unsigned k)
{
  return x << k | x >> (64u - k);
}

/* xoshiro256** 1.0: output rotl(s1 5, 7) 9, then the linear step. */
static uint64_t model_next(model_rng *m)
{
  uint64_t a = m->s[0], b = m->s[1], c = m->s[2], d = m->s[3];
  uint64_t out = rotate_left(b * 5u, 7) * 9u;
  c ^= a, d ^= b;
  m->s[0] = a ^ d, m->s[1] = b ^ c, m->s[2] = c ^ (b << 17);
  m->s[3] = rotate_left(d, 45);
  return out;
}

static double model_uniform(model_rng *m)
{
  return ldexp((double)(model_next(m) >> 11), -53);
}

/* The next polar pair: the exact outputs a = u f, b = v f, f =
 * sqrt(-2 ln R / R), R = u^2 + v^2 exact (u, v exact doubles); a draw is
 * rejected as the kernel rejects it, on fl(u^2 + v^2) outside (0, 1) (an
 * exact-R test would differ on a set of probability below 2^-50).
 * Returns |ln R|. */
static double model_polar(model_rng *m, mpfr_t a, mpfr_t b)
{
  double u, v, r2;
  do {
    u = 2.0 * model_uniform(m) - 1.0;
    v = 2.0 * model_uniform(m) - 1.0;
    r2 = u * u + v * v;
  } while (!(r2 > 0.0 && r2 < 1.0));
  mpfr_t r, f;
  mpfr_inits2(mpfr_get_prec(a) + 64, r, f, (mpfr_ptr)0);
  mpfr_set_d(r, u, MPFR_RNDN);
  mpfr_sqr(r, r, MPFR_RNDN);
  mpfr_set_d(f, v, MPFR_RNDN);
  mpfr_fma(r, f, f, r, MPFR_RNDN); /* R = u^2 + v^2 (exact at this prec) */
  mpfr_log(f, r, MPFR_RNDN);
  double ln_r = fabs(mpfr_get_d(f, MPFR_RNDN));
  mpfr_mul_si(f, f, -2, MPFR_RNDN);
  mpfr_div(f, f, r, MPFR_RNDN);
  mpfr_sqrt(f, f, MPFR_RNDN);
  mpfr_mul_d(a, f, u, MPFR_RNDN);
  mpfr_mul_d(b, f, v, MPFR_RNDN);
  mpfr_clears(r, f, (mpfr_ptr)0);
  return ln_r;
}

/* ---- shared pieces ------------------------------------------------------- */

/* A seed: 0, 1, 2^64 - 1 (kinds 0..2), or drawn (kind 3). */
static uint64_t seed_of_kind(dlv_gate_case *c, unsigned k)
{
  static const uint64_t special[] = {0, 1, UINT64_MAX};
  uint64_t seed = k < 3 ? special[k] : dlv_gate_draw(c, UINT64_MAX);
  dlv_gate_note(c, "seed %#llx", (unsigned long long)seed);
  return seed;
}

static uint64_t draw_seed(dlv_gate_case *c)
{
  return seed_of_kind(c, dlv_gate_enum(c, 4));
}

/* ---- constructed states: the decisions' boundaries ----------------------- */

/* a^-1 modulo 2^64 for an odd a (Newton: a a = 1 mod 8, and each step
 * doubles the correct low bits, 3 -> 96 >= 64 in five). */
static uint64_t inverse_odd(uint64_t a)
{
  uint64_t x = a;
  for (int i = 0; i < 5; i++)
    x *= 2u - a * x;
  return x;
}

/* The word s1 whose xoshiro256** output rotl(s1 5, 7) 9 is out. */
static uint64_t output_preimage(uint64_t out)
{
  return rotate_left(out * inverse_odd(9u), 57) * inverse_odd(5u);
}

/* A state whose first two uniforms are a 2^-53 and b 2^-53 (a, b < 2^53):
 * the first output reads s1, the second s1 ^ s2 ^ s0 (model_next).  s0,
 * s3 and the outputs' low 11 bits (which the uniform drops) are drawn, s3
 * odd: never the zero state.  Fails the case unless the model draws a, b. */
static int state_for_uniforms(dlv_gate_case *c, uint64_t a, uint64_t b,
                              model_rng *m)
{
  uint64_t low = dlv_gate_draw(c, 1u << 11);
  m->s[0] = dlv_gate_draw(c, UINT64_MAX);
  m->s[1] = output_preimage(a << 11 | low);
  m->s[2] = m->s[0] ^ m->s[1] ^ output_preimage(b << 11 | low);
  m->s[3] = dlv_gate_draw(c, UINT64_MAX) | 1u;
  model_rng r = *m;
  double u0 = model_uniform(&r), u1 = model_uniform(&r);
  if (u0 != ldexp((double)a, -53) || u1 != ldexp((double)b, -53))
    return dlv_gate_fail(c, "constructed state: uniforms %a, %a, not %a, %a",
                         u0, u1, ldexp((double)a, -53), ldexp((double)b, -53));
  return 1;
}

/* Points (u, v) = (i, j) 2^-52 of the polar method's grid (u = 2 U - 1)
 * on and beside the edges of its acceptance 0 < r2 < 1, r2 = fl(fl(u^2) +
 * fl(v^2)) (the model's rule), with the r2 they give: the origin and the
 * least r2 above it; r2 = 1 exactly, rounded to 1 from above and from
 * below; the neighbours of 1 outside and inside. */
#define GRID_ONE ((int64_t)1 << 52) /* i = -GRID_ONE: u = -1 */
static const struct polar_edge {
  int64_t i, j;
  double r2;
  const char *what;
} polar_edges[] = {
    {0, 0, 0.0, "the origin: r2 = 0, rejected"},
    {0, 1, 0x1p-104, "r2 = 2^-104, the least above 0: accepted"},
    {-GRID_ONE, 0, 1.0, "u = -1: r2 = 1 exactly, rejected"},
    {-GRID_ONE, 1, 1.0, "r2 = 1 + 2^-104 rounded to 1: rejected"},
    {-GRID_ONE + 1, 3 << 25, 1.0, "r2 = 1 + 2^-54 rounded to 1: rejected"},
    {-GRID_ONE, 1 << 26, 1.0 + 0x1p-52, "r2 = 1 + 2^-52: rejected"},
    {-GRID_ONE + 1, 82190694, 1.0 - 0x1p-53,
     "r2 = 1 - 2^-53, the largest below 1: accepted"},
};
#define N_POLAR_EDGES (sizeof polar_edges / sizeof polar_edges[0])

/* -i when that stays on the grid of [-1, 1), chosen by a draw. */
static int64_t maybe_negate(dlv_gate_case *c, int64_t i)
{
  return dlv_gate_draw(c, 2) && i != -GRID_ONE ? -i : i;
}

/* A state whose first pair is edge k, up to the symmetries that keep it
 * on the grid (u and v swapped, negated); fails the case unless the
 * model's r2 of the pair is the edge's. */
static void state_on_edge(dlv_gate_case *c, size_t k, model_rng *m)
{
  const struct polar_edge *p = &polar_edges[k];
  int64_t i = maybe_negate(c, p->i), j = maybe_negate(c, p->j);
  if (dlv_gate_draw(c, 2)) {
    int64_t t = i;
    i = j, j = t;
  }
  dlv_gate_note(c, "first pair on the edge %s: (u, v) = (%lld, %lld) 2^-52",
                p->what, (long long)i, (long long)j);
  double u = ldexp((double)i, -52), v = ldexp((double)j, -52);
  if (u * u + v * v != p->r2)
    dlv_gate_fail(c, "edge %zu: r2 = %a, not %a", k, u * u + v * v, p->r2);
  else
    state_for_uniforms(c, (uint64_t)(i + GRID_ONE),
                       (uint64_t)(j + GRID_ONE), m);
}

/* Where a stream starts: a seed (the kernel seeds with dlv_noise_rng_seed,
 * the model with model_seed), or a constructed state (set word by word in
 * both). */
typedef struct {
  int seeded;
  uint64_t seed;
  model_rng m; /* the model's state at the start */
} stream_start;

static stream_start start_seeded(uint64_t seed)
{
  stream_start s = {1, seed, {{0}}};
  model_seed(&s.m, seed);
  return s;
}

/* Start kinds of a Gaussian stream: 0..3 draw_seed's seeds, then one per
 * polar edge (its first pair on the edge). */
#define START_KINDS (4 + (unsigned)N_POLAR_EDGES)

static stream_start start_of_kind(dlv_gate_case *c, unsigned kind)
{
  if (kind < 4)
    return start_seeded(seed_of_kind(c, kind));
  stream_start s = {0, 0, {{0}}};
  state_on_edge(c, kind - 4, &s.m);
  return s;
}

/* The generator's state in a guarded buffer (four words) at the start. */
static dlv_noise_rng *make_state(dlv_gate_case *c, dlv_gate_buf *st,
                                 const stream_start *s)
{
  dlv_noise_rng *g = dlv_gate_buf_make(c, st, sizeof(uint64_t), 4, 1);
  if (s->seeded)
    dlv_noise_rng_seed(g, s->seed);
  else
    memcpy(g->s, s->m.s, sizeof g->s);
  return g;
}

static int cmp_state(dlv_gate_case *c, const dlv_noise_rng *got,
                     const uint64_t want[4], const char *what)
{
  for (int i = 0; i < 4; i++)
    if (got->s[i] != want[i])
      return dlv_gate_fail(c, "%s: state word %d = %#llx, expected %#llx",
                           what, i, (unsigned long long)got->s[i],
                           (unsigned long long)want[i]);
  return 1;
}

/* A count: every tail modulo each blocking constant of the entry and
 * across it (dlv_gate_extent), plus a drawn number of whole blocks of the
 * largest constant (0 first, so shrinking removes them), at most max_n. */
static size_t draw_count(dlv_gate_case *c, const dlv_contract *k,
                         size_t min_n, size_t max_n)
{
  size_t blocks[DLV_CONTRACT_MAX_BLOCKS], b = 1;
  size_t nb = dlv_contract_block_sizes(k, blocks);
  for (size_t i = 0; i < nb; i++)
    b = blocks[i] > b ? blocks[i] : b;
  size_t n = dlv_gate_extent(c, blocks, nb, min_n, max_n);
  size_t room = n < max_n ? (max_n - n) / b : 0;
  return n + b * (size_t)dlv_gate_draw(c, room + 1);
}

/* ---- dlv_noise_rng_seed, dlv_noise_uniform ------------------------------- */

static void seed_case(dlv_gate_case *c)
{
  stream_start s = start_seeded(draw_seed(c));
  dlv_gate_buf st;
  dlv_noise_rng *g = make_state(c, &st, &s);
  cmp_state(c, g, s.m.s, "state after seeding");
  dlv_gate_buf_guards_ok(c, &st, "state");
}

static void uniform_case(dlv_gate_case *c)
{
  stream_start s = start_seeded(draw_seed(c));
  size_t k = 1 + (size_t)dlv_gate_draw(c, dlv_gate_long(c) ? 4096 : 64);
  dlv_gate_note(c, "%zu draws", k);
  dlv_gate_buf st;
  dlv_noise_rng *g = make_state(c, &st, &s);
  model_rng m = s.m;
  for (size_t i = 0; i < k && !dlv_gate_failed(c); i++)
    dlv_gate_cmp_same(c, "uniform", i, dlv_noise_uniform(g),
                      model_uniform(&m));
  cmp_state(c, g, m.s, "state after the draws");
  dlv_gate_buf_guards_ok(c, &st, "state");
}

/* ---- dlv_noise_gaussian_* ----------------------------------------------- */

/* e[0..n) against the model's pairs (the last pair's second value dropped
 * for odd n); the state against the model's. */
static void compare_gaussians(dlv_gate_case *c, const noisy_entry *e,
                              const dlv_gate_buf *out, const dlv_noise_rng *g,
                              const model_rng *start)
{
  model_rng m = *start;
  mpfr_t pair[2];
  mpfr_inits2(dlv_mp_prec(), pair[0], pair[1], (mpfr_ptr)0);
  for (size_t i = 0; i < out->n && !dlv_gate_failed(c); i += 2) {
    double rel = dlv_bound_polar_rel(model_polar(&m, pair[0], pair[1]),
                                     DLV_U_DOUBLE);
    if (e->is_float) /* the double draw rounded to float */
      rel = (1.0 + rel) * (1.0 + DLV_U_FLOAT) - 1.0;
    for (size_t k = 0; k < 2 && i + k < out->n; k++)
      dlv_gate_cmp_mp(c, "e", i + k, dlv_gate_buf_get(out, i + k), pair[k],
                      (dlv_bound){rel, 0.0}, e->is_float);
  }
  mpfr_clears(pair[0], pair[1], (mpfr_ptr)0);
  if (!dlv_gate_failed(c))
    cmp_state(c, g, m.s, "state after the draws");
}

/* The header: the float version rounds each double draw, so e_s[i] is
 * (float) e_d[i] bitwise from the same state (`before`). */
static void compare_rounded_double(dlv_gate_case *c, const dlv_gate_buf *out,
                                   const dlv_noise_rng *before)
{
  dlv_noise_rng r = *before;
  double *d = dlv_gate_alloc(c, (out->n + 1) * sizeof *d);
  dlv_noise_gaussian_d(&r, out->n, d);
  for (size_t i = 0; i < out->n && !dlv_gate_failed(c); i++)
    dlv_gate_cmp_same(c, "e (vs the double draw rounded)", i,
                      dlv_gate_buf_get(out, i), (float)d[i]);
}

enum { ARGS_OK, ARGS_NULL_RNG, ARGS_NULL_OUT, ARGS_NKINDS };

/* One enumeration for the start and the argument errors, so that every
 * start (each polar edge among them) meets valid arguments in every run;
 * a start on an edge draws at least one pair (n >= 1). */
static void gaussian_case(dlv_gate_case *c, const noisy_entry *e)
{
  unsigned kind = dlv_gate_enum(c, START_KINDS + ARGS_NKINDS - 1);
  int args = kind < START_KINDS ? ARGS_OK
                                : (int)(kind - START_KINDS) + ARGS_NULL_RNG;
  stream_start start = start_of_kind(c, kind < START_KINDS ? kind : 3);
  size_t n = draw_count(c, e->k, args == ARGS_NULL_OUT || !start.seeded,
                        dlv_gate_long(c) ? 4096 : 64);
  dlv_gate_note(c, "n %zu%s", n,
                args == ARGS_NULL_RNG   ? ", rng NULL"
                : args == ARGS_NULL_OUT ? ", e NULL"
                                        : "");
  dlv_gate_buf st, out;
  dlv_noise_rng *g = make_state(c, &st, &start), before = *g;
  void *at = dlv_gate_buf_make(c, &out, e->elem, n, 1);
  dlv_gate_buf_freeze(c, &st);
  dlv_gate_buf_freeze(c, &out);
  dlv_noise_rng *pass_g = args == ARGS_NULL_RNG ? NULL : g;
  void *pass_e = args == ARGS_NULL_OUT ? NULL : at;
  int status = e->is_float ? dlv_noise_gaussian_s(pass_g, n, pass_e)
                           : dlv_noise_gaussian_d(pass_g, n, pass_e);
  if (dlv_gate_cmp_status(c, "status", status,
                          args == ARGS_OK ? DLV_OK : DLV_EINVAL)) {
    if (status == DLV_OK) {
      compare_gaussians(c, e, &out, g, &start.m);
      if (e->is_float)
        compare_rounded_double(c, &out, &before);
    } else {
      dlv_gate_buf_unchanged(c, &out, "e on error");
      dlv_gate_buf_unchanged(c, &st, "state on error");
    }
  }
  dlv_gate_buf_guards_ok(c, &out, "e");
  dlv_gate_buf_guards_ok(c, &st, "state");
}

static void gaussian_d(dlv_gate_case *c)
{
  noisy_entry e = entry_of("dlv_noise_gaussian_d", 0);
  gaussian_case(c, &e);
}

static void gaussian_s(dlv_gate_case *c)
{
  noisy_entry e = entry_of("dlv_noise_gaussian_s", 1);
  gaussian_case(c, &e);
}

/* ---- dlv_noise_bernoulli -------------------------------------------------- */

/* The keep probability's domain as noisy_linear.h documents it: p in
 * [0, 1]; anything else (NaN included) is DLV_EINVAL.  The one rule the
 * families' expected statuses use. */
static int keep_valid(double p)
{
  return p >= 0.0 && p <= 1.0;
}

/* p on the decision U_j < p of a draw j < n (U_j the model's, from a
 * copy of the start; j = 0 when n = 0): U_j itself (side 0: drop), one
 * ulp below (-1: drop; negative, an argument error, when U_j = 0) or
 * above (+1: keep). */
static double keep_at_draw(dlv_gate_case *c, const model_rng *start,
                           size_t n, int side)
{
  size_t j = n > 0 ? (size_t)dlv_gate_draw(c, n) : 0;
  model_rng r = *start;
  double u = model_uniform(&r);
  for (size_t i = 0; i < j; i++)
    u = model_uniform(&r);
  dlv_gate_note(c, "p = U_%zu = %a %+d ulp", j, u, side);
  return side == 0 ? u : nextafter(u, side < 0 ? -1.0 : 2.0);
}

/* A keep probability for a call drawing n values from `start`: a limit
 * of the entry (0 or 1) exactly or one ulp either side, an interior value,
 * NaN, or one of the call's own draws U_j exactly or one ulp either side
 * (keep_at_draw: the boundary of U < p), each side enumerated. */
enum { KEEP_LIMIT, KEEP_INTERIOR, KEEP_NAN, KEEP_AT_DRAW, KEEP_NKINDS = 6 };

static double draw_keep(dlv_gate_case *c, const dlv_contract *k,
                        const model_rng *start, size_t n)
{
  unsigned kind = dlv_gate_enum(c, KEEP_NKINDS);
  double p;
  if (kind >= KEEP_AT_DRAW) {
    p = keep_at_draw(c, start, n, (int)(kind - KEEP_AT_DRAW) - 1);
  } else if (kind == KEEP_LIMIT) {
    const dlv_contract_limit *lim =
        &k->limits[dlv_gate_enum(c, (unsigned)dlv_contract_nlimits(k))];
    int which;
    p = dlv_gate_limit(c, lim->value, 0, &which);
    dlv_gate_note(c, "p = %s %+d ulp", lim->name, which);
  } else if (kind == KEEP_INTERIOR) {
    p = ldexp((double)(1 + dlv_gate_draw(c, (UINT64_C(1) << 53) - 1)), -53);
    if (dlv_gate_draw(c, 2)) /* not a multiple of 2^-53 */
      p = nextafter(p, 0.0);
  } else {
    p = NAN;
  }
  dlv_gate_note(c, "p %a", p);
  return p;
}

static void compare_mask(dlv_gate_case *c, const dlv_gate_buf *mask, double p,
                         model_rng *m)
{
  const unsigned char *at = mask->at;
  for (size_t i = 0; i < mask->n; i++) {
    unsigned char want = model_uniform(m) < p;
    if (at[i] != want) {
      dlv_gate_fail(c, "mask[%zu] = %u, expected %u (U < p)", i, at[i], want);
      return;
    }
  }
}

static void bernoulli(dlv_gate_case *c)
{
  const dlv_contract *k = dlv_contract_find("dlv_noise_bernoulli");
  stream_start start = start_seeded(draw_seed(c));
  size_t n = (size_t)dlv_gate_draw(c, dlv_gate_long(c) ? 4096 : 64);
  double p = draw_keep(c, k, &start.m, n);
  int null_rng = dlv_gate_enum(c, 4) == 3;
  dlv_gate_note(c, "n %zu%s", n, null_rng ? ", rng NULL" : "");
  dlv_gate_buf st, mask;
  dlv_noise_rng *g = make_state(c, &st, &start);
  dlv_gate_buf_make(c, &mask, 1, n, 1);
  dlv_gate_buf_freeze(c, &st);
  dlv_gate_buf_freeze(c, &mask);
  int status = dlv_noise_bernoulli(null_rng ? NULL : g, n, p, mask.at);
  int valid = !null_rng && keep_valid(p);
  if (dlv_gate_cmp_status(c, "status", status, valid ? DLV_OK : DLV_EINVAL)) {
    if (status == DLV_OK) {
      model_rng m = start.m;
      compare_mask(c, &mask, p, &m);
      cmp_state(c, g, m.s, "state after the draws");
    } else {
      dlv_gate_buf_unchanged(c, &mask, "mask on error");
      dlv_gate_buf_unchanged(c, &st, "state on error");
    }
  }
  dlv_gate_buf_guards_ok(c, &mask, "mask");
  dlv_gate_buf_guards_ok(c, &st, "state");
}

/* ---- the layers -------------------------------------------------------- */

enum layer_kind { NOISY, PLAIN, DROPOUT };

typedef struct {
  noisy_entry e;
  enum layer_kind kind;
  int train;
} layer_entry;

/* One case: the buffers (w m x n, x n, e m x n or mask n, given or
 * written, z and y m, the generator's state) and what is passed. */
typedef struct {
  size_t m, n, m_call, n_call; /* the shape and the shape passed */
  dlv_gate_buf w, x, e, mask, z, y, st;
  const void *pw, *px;
  void *pe, *pmask, *pz, *py;
  dlv_noise_rng *pg;
  dlv_noise_rng before; /* the state the call gets */
  double p;
  stream_start start; /* the train variants' stream */
} layer_case;

/* The call of the entry in type T (suffix d or s). */
#define DEFINE_CALL(T, sfx)                                                  \
  static int call_##sfx(const layer_entry *L, const layer_case *k)          \
  {                                                                          \
    size_t m = k->m_call, n = k->n_call;                                     \
    const T *w = k->pw, *x = k->px;                                          \
    switch (L->kind) {                                                       \
    case NOISY:                                                              \
      return L->train ? dlv_noisy_linear_train_##sfx(m, n, w, x, k->pg,      \
                                                     k->pe, k->pz, k->py)    \
                      : dlv_noisy_linear_##sfx(m, n, w, k->pe, x, k->pz,     \
                                               k->py);                       \
    case PLAIN:                                                              \
      return dlv_linear_##sfx(m, n, w, x, k->pz, k->py);                     \
    default:                                                                 \
      return L->train                                                        \
                 ? dlv_dropout_linear_train_##sfx(m, n, w, x, k->p, k->pg,   \
                                                  k->pmask, k->pz, k->py)    \
                 : dlv_dropout_linear_##sfx(m, n, w, k->pmask, x, k->pz,     \
                                            k->py);                          \
    }                                                                        \
  }

DEFINE_CALL(double, d)
DEFINE_CALL(float, s)

/* Data scenarios: values of one class; one special value (NaN, +-Inf, or
 * Inf in w against -Inf in e); one argument error. */
enum { DATA_CLASS, DATA_SPECIAL, DATA_ARGS, DATA_NSCENARIOS };

/* Mask bytes: 0 drops, any other byte keeps (1, 2, 255). */
static void fill_mask(dlv_gate_case *c, dlv_gate_buf *mask)
{
  static const unsigned char bytes[] = {0, 1, 2, 255};
  unsigned char *at = mask->at;
  for (size_t j = 0; j < mask->n; j++)
    at[j] = bytes[dlv_gate_draw(c, 4)];
}

/* One special value: NaN, Inf or -Inf in w, x or the given noise, or
 * Inf - Inf: Inf in w and -Inf at the same place of e (noisy layer) or in
 * another column of the same row of w. */
static void put_special(dlv_gate_case *c, const layer_entry *L,
                        layer_case *k)
{
  static const char *const kinds[] = {"NaN", "Inf", "-Inf", "Inf - Inf"};
  unsigned kind = dlv_gate_enum(c, 4);
  int noise_in = L->kind == NOISY && !L->train;
  if (k->w.n == 0)
    return;
  if (kind == 3) {
    size_t at = (size_t)dlv_gate_draw(c, k->w.n);
    size_t other = at - at % k->n + (size_t)dlv_gate_draw(c, k->n);
    dlv_gate_buf_set(&k->w, at, INFINITY);
    if (noise_in)
      dlv_gate_buf_set(&k->e, at, -INFINITY);
    else if (other != at)
      dlv_gate_buf_set(&k->w, other, -INFINITY);
    dlv_gate_note(c, "special Inf - Inf at w[%zu]", at);
    return;
  }
  unsigned where = (unsigned)dlv_gate_draw(c, noise_in ? 3 : 2);
  dlv_gate_buf *b = where == 0 ? &k->w : where == 1 ? &k->x : &k->e;
  size_t at = (size_t)dlv_gate_draw(c, b->n);
  if (kind == 0)
    dlv_gate_buf_set_nan(c, b, at);
  else
    dlv_gate_buf_set(b, at, kind == 2 ? -INFINITY : INFINITY);
  dlv_gate_note(c, "special %s in %s[%zu]", kinds[kind],
                where == 0 ? "w" : where == 1 ? "x" : "e", at);
}

/* The inputs: w, x and the given noise or mask, frozen. */
static void make_inputs(dlv_gate_case *c, const layer_entry *L, layer_case *k,
                        int scenario)
{
  size_t elem = L->e.elem;
  dlv_gate_buf_make(c, &k->w, elem, k->m * k->n, 1);
  dlv_gate_buf_make(c, &k->x, elem, k->n, 1);
  int vclass = scenario == DATA_CLASS ? dlv_gate_vclass(c) : DLV_GV_UNIT;
  dlv_gate_note(c, "values %s", dlv_gate_vclass_name(vclass));
  dlv_gate_buf_fill(c, &k->w, vclass);
  dlv_gate_buf_fill(c, &k->x, vclass);
  if (L->kind == NOISY && !L->train) {
    dlv_gate_buf_make(c, &k->e, elem, k->m * k->n, 1);
    dlv_gate_buf_fill(c, &k->e, vclass);
  }
  if (L->kind == DROPOUT && !L->train) {
    dlv_gate_buf_make(c, &k->mask, 1, k->n, 1);
    fill_mask(c, &k->mask);
  }
  if (scenario == DATA_SPECIAL)
    put_special(c, L, k);
  dlv_gate_buf_freeze(c, &k->w);
  dlv_gate_buf_freeze(c, &k->x);
  if (L->kind == NOISY && !L->train)
    dlv_gate_buf_freeze(c, &k->e);
  if (L->kind == DROPOUT && !L->train)
    dlv_gate_buf_freeze(c, &k->mask);
}

/* The outputs (frozen: untouched on error): z, y unless NULL, and for the
 * train variants the state, the noise or mask written, the keep
 * probability. */
static void make_outputs(dlv_gate_case *c, const layer_entry *L,
                         layer_case *k)
{
  size_t elem = L->e.elem;
  dlv_gate_buf_make(c, &k->z, elem, k->m, 1);
  dlv_gate_buf_freeze(c, &k->z);
  k->pz = k->z.at;
  k->py = NULL;
  if (dlv_gate_enum(c, 2) == 0) {
    k->py = dlv_gate_buf_make(c, &k->y, elem, k->m, 1);
    dlv_gate_buf_freeze(c, &k->y);
  } else {
    dlv_gate_note(c, "y NULL");
  }
  if (!L->train)
    return;
  /* the noise's stream from any Gaussian start (a seed or a polar edge),
   * the mask's from a seed */
  k->start = L->kind == NOISY ? start_of_kind(c, dlv_gate_enum(c, START_KINDS))
                              : start_seeded(draw_seed(c));
  k->pg = make_state(c, &k->st, &k->start);
  k->before = *k->pg;
  dlv_gate_buf_freeze(c, &k->st);
  if (L->kind == NOISY) {
    dlv_gate_buf_make(c, &k->e, elem, k->m * k->n, 1);
    dlv_gate_buf_freeze(c, &k->e);
  } else {
    dlv_gate_buf_make(c, &k->mask, 1, k->n, 1);
    dlv_gate_buf_freeze(c, &k->mask);
    k->p = draw_keep(c, L->e.k, &k->start.m, k->n);
  }
}

/* What is passed: the buffers, or NULL for an empty one (allowed). */
static void pass_pointers(dlv_gate_case *c, layer_case *k)
{
  int null_empty = dlv_gate_enum(c, 2) == 1;
  k->pw = null_empty && k->w.n == 0 ? NULL : k->w.at;
  k->px = null_empty && k->x.n == 0 ? NULL : k->x.at;
  k->pe = null_empty && k->e.n == 0 ? NULL : k->e.at;
  k->pmask = null_empty && k->mask.n == 0 ? NULL : k->mask.at;
  if (null_empty && k->m == 0)
    k->pz = k->py = NULL;
  if (null_empty)
    dlv_gate_note(c, "NULL for empty arrays");
}

/* A shape of more than PTRDIFF_MAX bytes (the contract's DLV_EBADLEN),
 * one of three in turn: m one past the largest admissible for the n
 * drawn; m = n = 2^32, whose product wraps to 0 in a 64-bit size_t; m =
 * 2^32 + 1, n = 2^32, whose product wraps to 2^32 (an overflow test on the
 * wrapped m n lets both through). */
_Static_assert(SIZE_MAX / 2 >= UINT32_MAX,
               "the wrapping shapes need a 64-bit size_t");
static void too_many_elements(dlv_gate_case *c, const layer_entry *L,
                              layer_case *k)
{
  const size_t two32 = (size_t)1 << 32;
  switch (dlv_gate_enum(c, 3)) {
  case 0:
    k->m_call = (size_t)PTRDIFF_MAX / L->e.elem / k->n + 1;
    break;
  case 1:
    k->m_call = k->n_call = two32;
    break;
  default:
    k->m_call = two32 + 1;
    k->n_call = two32;
  }
  dlv_gate_note(c, "m %zu, n %zu passed", k->m_call, k->n_call);
}

/* Argument errors, one at a time (m, n >= 1): a NULL pointer, or m n
 * elements beyond PTRDIFF_MAX bytes (too_many_elements); returns the
 * status they must give. */
enum { ERR_W, ERR_X, ERR_Z, ERR_E, ERR_MASK, ERR_RNG, ERR_BADLEN, ERR_N };

static int make_error(dlv_gate_case *c, const layer_entry *L, layer_case *k)
{
  static const char *const names[] = {"w NULL",    "x NULL",  "z NULL",
                                      "e NULL",    "mask NULL", "rng NULL",
                                      "m n too large"};
  unsigned err = dlv_gate_enum(c, ERR_N);
  if ((err == ERR_E && L->kind != NOISY) ||
      (err == ERR_MASK && L->kind != DROPOUT) || (err == ERR_RNG && !L->train))
    err = ERR_BADLEN;
  dlv_gate_note(c, "error: %s", names[err]);
  switch (err) {
  case ERR_W: k->pw = NULL; break;
  case ERR_X: k->px = NULL; break;
  case ERR_Z: k->pz = NULL; break;
  case ERR_E: k->pe = NULL; break;
  case ERR_MASK: k->pmask = NULL; break;
  case ERR_RNG: k->pg = NULL; break;
  default:
    too_many_elements(c, L, k);
    return DLV_EBADLEN;
  }
  return DLV_EINVAL;
}

/* Every output and the state untouched (an error). */
static void all_untouched(dlv_gate_case *c, const layer_entry *L,
                          const layer_case *k)
{
  dlv_gate_buf_unchanged(c, &k->z, "z on error");
  if (k->py != NULL || k->y.lo != NULL)
    dlv_gate_buf_unchanged(c, &k->y, "y on error");
  if (L->train) {
    dlv_gate_buf_unchanged(c, &k->st, "state on error");
    dlv_gate_buf_unchanged(c, L->kind == NOISY ? &k->e : &k->mask,
                           L->kind == NOISY ? "e on error" : "mask on error");
  }
}

/* The train variants: the noise or mask written is the model's draw from
 * the call's start (the stream's definition, at the polar edges and at
 * p = U_j too) and what the generator draws from the state the call got
 * (bitwise), and the state after the call is the generator's after those
 * draws. */
static void compare_replay(dlv_gate_case *c, const layer_entry *L,
                           const layer_case *k)
{
  if (L->kind == NOISY) { /* the model's pairs, polar edges included */
    compare_gaussians(c, &L->e, &k->e, k->pg, &k->start.m);
  } else { /* the model's U_j < p */
    model_rng m = k->start.m;
    compare_mask(c, &k->mask, k->p, &m);
  }
  dlv_noise_rng r = k->before;
  const dlv_gate_buf *out = L->kind == NOISY ? &k->e : &k->mask;
  size_t bytes = out->n * out->elem;
  /* one element more than needed (never 0 bytes), so that the block is
   * aligned for the element type (gate_mem.c aligns to the largest power
   * of two dividing the size: bytes + 1 gave the double generator an odd
   * address, found by UBSan) */
  unsigned char *want = dlv_gate_alloc(c, bytes + out->elem);
  if (L->kind == NOISY && L->e.is_float)
    dlv_noise_gaussian_s(&r, out->n, (float *)want);
  else if (L->kind == NOISY)
    dlv_noise_gaussian_d(&r, out->n, (double *)want);
  else
    dlv_noise_bernoulli(&r, out->n, k->p, want);
  const unsigned char *got = out->at;
  for (size_t b = 0; b < bytes; b++)
    if (got[b] != want[b]) {
      dlv_gate_fail(c, "%s[%zu] differs from the generator's draw from the "
                       "same state",
                    L->kind == NOISY ? "e" : "mask", b / out->elem);
      return;
    }
  cmp_state(c, k->pg, r.s, "state after the call");
}

static double *as_doubles(dlv_gate_case *c, const dlv_gate_buf *b)
{
  double *d = dlv_gate_alloc(c, (b->n + 1) * sizeof *d);
  for (size_t i = 0; i < b->n; i++)
    d[i] = dlv_gate_buf_get(b, i);
  return d;
}

/* The overflow threshold of the layer's precision: max finite + half an
 * ulp = (2^(p+1) - 1) 2^(emax - p - 1). */
static void overflow_threshold(mpfr_t t, int is_float)
{
  int p = is_float ? FLT_MANT_DIG : DBL_MANT_DIG;
  int emax = is_float ? FLT_MAX_EXP : DBL_MAX_EXP;
  mpfr_set_ui_2exp(t, (2UL << p) - 1, emax - p - 1, MPFR_RNDN);
}

/* Row i's gauge G = sum_j [keep_j] |w_ij + e_ij| |x_j| (exact terms,
 * rounded up) and whether an intermediate may overflow (the header's rule:
 * some |w_ij + e_ij| or (1 + rel) G at the threshold). */
typedef struct {
  double gauge;
  int may_overflow;
} row_gauge;

static row_gauge gauge_of(size_t n, const double *w, const double *e,
                          const unsigned char *mask, const double *x,
                          double rel, int is_float)
{
  mpfr_t *t = dlv_mp_vec_alloc(n + 1, MPFR_PREC_MIN);
  mpfr_t g, thr;
  mpfr_inits2(dlv_mp_prec(), g, thr, (mpfr_ptr)0);
  overflow_threshold(thr, is_float);
  int over = 0;
  for (size_t j = 0; j < n; j++) {
    if (mask != NULL && mask[j] == 0)
      continue;
    dlv_ref_noisy_term(t[j], w[j], e != NULL ? e[j] : 0.0, 1.0);
    mpfr_abs(t[j], t[j], MPFR_RNDN);
    over |= mpfr_cmp(t[j], thr) >= 0; /* w + e overflows */
    mpfr_mul_d(t[j], t[j], fabs(x[j]), MPFR_RNDU);
  }
  dlv_mp_sum(g, t, n);
  mpfr_nextabove(g); /* an upper bound on the exact sum */
  mpfr_mul_d(thr, thr, 1.0 / (1.0 + rel), MPFR_RNDD);
  over |= mpfr_cmp(g, thr) >= 0;
  row_gauge r = {mpfr_get_d(g, MPFR_RNDU), over};
  mpfr_clears(g, thr, (mpfr_ptr)0);
  dlv_mp_vec_free(t, n + 1);
  return r;
}

/* z against the reference row by row (NaN exactly where the exact value is
 * NaN; +-Inf or NaN also allowed in a row that may overflow); returns
 * whether some z_i is NaN. */
static int compare_z(dlv_gate_case *c, const layer_entry *L,
                     const layer_case *k, const double *w, const double *e,
                     const unsigned char *mask, const double *x)
{
  mpfr_t *exact = dlv_mp_vec_alloc(k->m + 1, dlv_mp_prec());
  int status = L->kind == NOISY ? dlv_ref_noisy_linear(k->m, k->n, w, e, x,
                                                       exact)
               : L->kind == PLAIN ? dlv_ref_linear(k->m, k->n, w, x, exact)
                                  : dlv_ref_dropout_linear(k->m, k->n, w,
                                                           mask, x, exact);
  if (status != DLV_OK)
    abort();
  int is_float = L->e.is_float, any_nan = 0;
  dlv_bound b = dlv_bound_p2_dot(k->n, L->kind == NOISY,
                                 is_float ? DLV_U_FLOAT : DLV_U_DOUBLE,
                                 is_float ? DLV_ETA_FLOAT : DLV_ETA_DOUBLE);
  for (size_t i = 0; i < k->m; i++) {
    double got = dlv_gate_buf_get(&k->z, i);
    any_nan |= isnan(got);
    row_gauge r = gauge_of(k->n, w + i * k->n, e ? e + i * k->n : NULL,
                           mask, x, b.rel, is_float);
    if (dlv_gate_failed(c) ||
        (mpfr_number_p(exact[i]) && r.may_overflow && !isfinite(got)))
      continue;
    dlv_gate_cmp_mp(c, "z", i, got, exact[i],
                    (dlv_bound){0.0, b.rel * r.gauge + b.abs}, is_float);
  }
  dlv_mp_vec_free(exact, k->m + 1);
  return any_nan;
}

/* y = ReLU(z) bitwise (+0 for z <= 0), or untouched after DLV_ENAN. */
static void compare_y(dlv_gate_case *c, const layer_case *k, int status)
{
  if (k->py == NULL)
    return;
  if (status == DLV_ENAN) {
    dlv_gate_buf_unchanged(c, &k->y, "y after DLV_ENAN");
    return;
  }
  for (size_t i = 0; i < k->m && !dlv_gate_failed(c); i++) {
    double z = dlv_gate_buf_get(&k->z, i);
    dlv_gate_cmp_same(c, "y", i, dlv_gate_buf_get(&k->y, i), z > 0 ? z : 0.0);
  }
}

/* A call that got valid arguments: replayed draws, z, status, y. */
static void verify(dlv_gate_case *c, const layer_entry *L, const layer_case *k,
                   int status)
{
  int bad_p = L->kind == DROPOUT && L->train && !keep_valid(k->p);
  if (bad_p) { /* p outside [0, 1] or NaN: an argument error */
    if (dlv_gate_cmp_status(c, "status", status, DLV_EINVAL))
      all_untouched(c, L, k);
    return;
  }
  if (L->train)
    compare_replay(c, L, k);
  const double *e = L->kind == NOISY ? as_doubles(c, &k->e) : NULL;
  const unsigned char *mask = L->kind == DROPOUT ? k->mask.at : NULL;
  int any_nan = compare_z(c, L, k, as_doubles(c, &k->w), e, mask,
                          as_doubles(c, &k->x));
  if (dlv_gate_cmp_status(c, "status", status,
                          any_nan ? DLV_ENAN : DLV_OK))
    compare_y(c, k, status);
}

static void layer_case_run(dlv_gate_case *c, const layer_entry *L)
{
  layer_case k = {0};
  int scenario = (int)dlv_gate_enum(c, DATA_NSCENARIOS);
  size_t min = scenario == DATA_ARGS, big = dlv_gate_long(c) ? 4 : 1;
  k.m = draw_count(c, L->e.k, min, 24 * big);
  k.n = draw_count(c, L->e.k, min, 64 * big);
  k.m_call = k.m;
  k.n_call = k.n;
  dlv_gate_note(c, "m %zu, n %zu", k.m, k.n);
  make_inputs(c, L, &k, scenario);
  make_outputs(c, L, &k);
  pass_pointers(c, &k);
  int want = scenario == DATA_ARGS ? make_error(c, L, &k) : DLV_OK;
  int status = L->e.is_float ? call_s(L, &k) : call_d(L, &k);
  if (scenario == DATA_ARGS) {
    if (dlv_gate_cmp_status(c, "status", status, want))
      all_untouched(c, L, &k);
  } else {
    verify(c, L, &k, status);
  }
  dlv_gate_buf_unchanged(c, &k.w, "w");
  dlv_gate_buf_unchanged(c, &k.x, "x");
  if (!L->train && L->kind == NOISY)
    dlv_gate_buf_unchanged(c, &k.e, "e");
  if (!L->train && L->kind == DROPOUT)
    dlv_gate_buf_unchanged(c, &k.mask, "mask");
  dlv_gate_buf_guards_ok(c, &k.z, "z");
  if (k.y.lo != NULL)
    dlv_gate_buf_guards_ok(c, &k.y, "y");
  if (L->train) {
    dlv_gate_buf_guards_ok(c, &k.st, "state");
    dlv_gate_buf_guards_ok(c, L->kind == NOISY ? &k.e : &k.mask,
                           L->kind == NOISY ? "e" : "mask");
  }
}

#define LAYER_ENTRY(fn, name, is_float, kind, train)                         \
  static void fn(dlv_gate_case *c)                                           \
  {                                                                          \
    layer_entry L = {entry_of(name, is_float), kind, train};                 \
    layer_case_run(c, &L);                                                   \
  }

LAYER_ENTRY(noisy_d, "dlv_noisy_linear_d", 0, NOISY, 0)
LAYER_ENTRY(noisy_s, "dlv_noisy_linear_s", 1, NOISY, 0)
LAYER_ENTRY(noisy_train_d, "dlv_noisy_linear_train_d", 0, NOISY, 1)
LAYER_ENTRY(noisy_train_s, "dlv_noisy_linear_train_s", 1, NOISY, 1)
LAYER_ENTRY(linear_d, "dlv_linear_d", 0, PLAIN, 0)
LAYER_ENTRY(linear_s, "dlv_linear_s", 1, PLAIN, 0)
LAYER_ENTRY(dropout_d, "dlv_dropout_linear_d", 0, DROPOUT, 0)
LAYER_ENTRY(dropout_s, "dlv_dropout_linear_s", 1, DROPOUT, 0)
LAYER_ENTRY(dropout_train_d, "dlv_dropout_linear_train_d", 0, DROPOUT, 1)
LAYER_ENTRY(dropout_train_s, "dlv_dropout_linear_train_s", 1, DROPOUT, 1)

static const dlv_gate_entry entries[] = {
    {"dlv_noise_rng_seed", seed_case},
    {"dlv_noise_uniform", uniform_case},
    {"dlv_noise_gaussian_d", gaussian_d},
    {"dlv_noise_gaussian_s", gaussian_s},
    {"dlv_noise_bernoulli", bernoulli},
    {"dlv_noisy_linear_d", noisy_d},
    {"dlv_noisy_linear_s", noisy_s},
    {"dlv_noisy_linear_train_d", noisy_train_d},
    {"dlv_noisy_linear_train_s", noisy_train_s},
    {"dlv_linear_d", linear_d},
    {"dlv_linear_s", linear_s},
    {"dlv_dropout_linear_d", dropout_d},
    {"dlv_dropout_linear_s", dropout_s},
    {"dlv_dropout_linear_train_d", dropout_train_d},
    {"dlv_dropout_linear_train_s", dropout_train_s},
};

/* The keep probability's limits sit where keep_valid's [0, 1] ends. */
static const dlv_gate_limit_model limit_models[] = {
    {"p_min", NULL, keep_valid, 0, 1, DLV_GATE_STEP_DOUBLE,
     "p in [0, 1] (noisy_linear.h)"},
    {"p_max", NULL, keep_valid, 1, 1, DLV_GATE_STEP_DOUBLE,
     "p in [0, 1] (noisy_linear.h)"},
};

const dlv_gate_family dlv_gate_noisy = {
    "noisy", entries, sizeof entries / sizeof entries[0],
    .limit_models = limit_models,
    .n_limit_models = sizeof limit_models / sizeof limit_models[0]};
