/* g_conv3d_lowp.c: gate family conv3d_lowp: dlv_conv3d_{fwd,bwd_filter,
 * bwd_input}_{bf16,fp16} (include/dlv/conv3d_lowp.h) over their contract.
 * Each case samples:
 *  - the shape: one dimension is the case's target (enumerated): the
 *    output's channels across the tile widths, the tile rows (positions,
 *    or (u,v,z,c') rows of the filter gradient) across the tile heights
 *    (half of them with a wide tile's channels: every height of both
 *    tiles runs),
 *    the paired extent (C', T or C) odd and even, the filter gradient's
 *    (b,x,y) lines across two or more chunks (a full chunk, then a full
 *    or a partial one) with its rows across the tile heights, two to
 *    eight row tiles (each row tile runs every chunk in order, whichever
 *    threads run them: the work queue's dependencies; the tiles cut into
 *    one share a thread, evenly or not), or (forward, input gradient: one
 *    chunk) rows enough for four to eight narrow row tiles, which the
 *    work queue hands out in pieces of one tile that the threads take in
 *    turn (with scheduling jitter): a thread's next tile is then often
 *    not the one after its last, inside one live class of the input
 *    gradient too; one such case in four of the bf16 input
 *    gradient takes three batches instead, each of about half, just
 *    under or just over class_rows rows (blocks of two batches and one,
 *    or three of one: its classes' blocks); every tail modulo the
 *    contract's blocking constants (dlv_gate_extent); the other extents
 *    small;
 *  - the data (enumerated): a value class per operand drawn on the
 *    format's fields (the bf16 subnormals the kernel reads as 0 included),
 *    exact data (small integers: every sum exact, so the output must be
 *    the exact value bit for bit: a term dropped or counted twice shows
 *    even where the bound would hide it), rounding-heavy data (every step
 *    of a chain rounds up by almost half an ulp: the tightness of the
 *    bound), or a documented error (NULL, an
 *    extent 0, a NaN, an Inf, a NaN and an Inf together in either scan
 *    order: its status, nothing written);
 *  - a call before the case's own on a neighbour shape (one extent one
 *    more or one less, zero data): what a kernel keeps between calls for
 *    a shape (the bf16 input gradient's plan) must not serve another;
 *  - the thread count 1-3, rerun at another count: bitwise the same; and
 *    the other code path (portable / AVX512-BF16): bitwise the same.
 * Every output element against the MPFR twin (reference/ref_conv3d_lowp.h,
 * inputs read as the kernel reads them) within dlv_bound_conv3d_bf16 or
 * dlv_bound_conv3d_fp16 (checks/bounds/low_precision.h), S = sum |a b|
 * from the same twin on magnitudes; elements whose S exceeds FLT_MAX are
 * outside the contract (a partial sum may overflow) and only counted.
 * Guard zones around the output; inputs unchanged. */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bounds/low_precision.h"
#include "contract.h"
#include "conv3d.h"
#include "conv3d_lowp.h"
#include "conv3d_shapes.h"
#include "dlv_status.h"
#include "gate.h"
#include "gate_conv3d.h"
#include "gate_lowp.h"
#include "mp.h"
#include "ref_conv3d_lowp.h"
#include "ref_lowp.h"
#include "threads.h"

/* Products of a case at most this (MPFR twin, twice). */
#define LP_PRODUCTS_MAX 60000.0

typedef struct {
  const char *entry;
  int pass; /* DLV_CONV3D_* */
  int fmt;  /* DLV_REF_* */
} lp_entry;

typedef struct {
  const lp_entry *e;
  const dlv_contract *k;
  dlv_conv3d_shape s;
  dlv_gate_buf a, b, out;
  size_t na, nb, nout;
  int exact_data; /* both operands of the value class "exact" */
} lp_case;

/* ---- shapes --------------------------------------------------------------- */

enum { T_CHANNELS, T_ROWS, T_PAIRED, T_CHUNK, T_NTARGETS };

/* An extent across the named blocking constants of the entry. */
static size_t extent_across(dlv_gate_case *c, const dlv_contract *k,
                            const char *const *names, size_t max_n)
{
  size_t b[DLV_CONTRACT_MAX_BLOCKS], n = 0;
  for (size_t i = 0; i < dlv_contract_nblocks(k); i++)
    for (const char *const *nm = names; *nm != NULL; nm++)
      if (strcmp(k->blocks[i].name, *nm) == 0)
        b[n++] = k->blocks[i].value;
  return dlv_gate_extent(c, b, n, 1, max_n);
}

/* The entry's block `name` (0 when it has none). */
static size_t block_value(const dlv_contract *k, const char *name)
{
  for (size_t i = 0; i < dlv_contract_nblocks(k); i++)
    if (strcmp(k->blocks[i].name, name) == 0)
      return k->blocks[i].value;
  return 0;
}

static void small_shape(dlv_gate_case *c, dlv_conv3d_shape *s)
{
  size_t *ext[] = {&s->b, &s->h, &s->w, &s->t, &s->c, &s->cp};
  for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++)
    *ext[i] = 1 + (size_t)dlv_gate_draw(c, 2);
  s->u = 1 + (size_t)dlv_gate_draw(c, 3);
  s->v = 1 + (size_t)dlv_gate_draw(c, 2);
  s->z = 1 + (size_t)dlv_gate_draw(c, 3);
}

static size_t *out_channels(int pass, dlv_conv3d_shape *s)
{
  return pass == DLV_CONV3D_BWD_INPUT ? &s->cp : &s->c;
}

static size_t *paired(int pass, dlv_conv3d_shape *s)
{
  return pass == DLV_CONV3D_FWD        ? &s->cp
         : pass == DLV_CONV3D_BWD_INPUT ? &s->c
                                        : &s->t;
}

/* The rows of the pass's tiles made equal to n (the others 1). */
static void set_rows(int pass, dlv_conv3d_shape *s, size_t n)
{
  if (pass == DLV_CONV3D_BWD_FILTER) {
    s->u = s->v = s->z = 1, s->cp = n;
    return;
  }
  s->b = s->h = s->w = 1;
  s->t = n;
  if (pass != DLV_CONV3D_BWD_INPUT)
    return;
  /* rows B h1 w1 t1 = T + Z - 1 */
  s->u = s->v = 1;
  if (n >= s->z)
    s->t = n - s->z + 1;
  else
    s->z = 1;
}

static double products(const dlv_conv3d_shape *s)
{
  return (double)s->b * s->h * s->w * s->t * s->c * s->cp * s->u * s->v *
         s->z;
}

/* The input gradient's blocks of batches (conv3d_lowp.h: CLASS_ROWS):
 * B 3, rows a batch (positions of L1, along t) just over half the
 * constant (blocks of two batches, then one), just under it (the same)
 * or just over it (three blocks of one); C = C' = 1, Z 1 or 2: at most
 * 0.1 M products. */
static void batch_blocks(dlv_gate_case *c, lp_case *k)
{
  size_t rows = block_value(k->k, "class_rows");
  size_t by = 1 + (size_t)dlv_gate_draw(c, 3);
  unsigned which = (unsigned)dlv_gate_draw(c, 3);
  size_t t1 = which == 0 ? rows / 2 + by : which == 1 ? rows - by : rows + by;
  dlv_conv3d_shape *s = &k->s;
  *s = (dlv_conv3d_shape){.b = 3, .h = 1, .w = 1, .c = 1, .cp = 1, .u = 1,
                          .v = 1, .z = 1 + (size_t)dlv_gate_draw(c, 2)};
  s->t = t1 - s->z + 1;
}

static void draw_shape(dlv_gate_case *c, lp_case *k)
{
  static const char *const chans[] = {"nr_wide", "nr_narrow", "lanes", NULL};
  static const char *const rows[] = {"mr_wide", "mr_narrow", NULL};
  static const char *const pair[] = {"pair", NULL};
  static const char *const chunk[] = {"nb", NULL};
  dlv_conv3d_shape *s = &k->s;
  int pass = k->e->pass;
  small_shape(c, s);
  int blocks = 0; /* batch_blocks' shape */
  unsigned target = dlv_gate_enum(c, T_NTARGETS);
  if (target == T_CHANNELS)
    *out_channels(pass, s) = extent_across(c, k->k, chans, 140);
  else if (target == T_ROWS) { /* the wide tiles' heights too */
    set_rows(pass, s, extent_across(c, k->k, rows, 40));
    if (dlv_gate_draw(c, 2))
      *out_channels(pass, s) = block_value(k->k, "nr_wide");
  }
  else if (target == T_PAIRED)
    *paired(pass, s) = extent_across(c, k->k, pair, 9);
  else if (block_value(k->k, "class_rows") > 0 &&
           dlv_gate_draw(c, 4) == 0)
    blocks = 1, batch_blocks(c, k);
  else if (pass != DLV_CONV3D_BWD_FILTER) { /* one chunk: tiles split */
    size_t mr = block_value(k->k, "mr_narrow");
    set_rows(pass, s, mr * (4 + (size_t)dlv_gate_draw(c, 5)) +
                          (size_t)dlv_gate_draw(c, mr));
  } else { /* two or more chunks over two to eight row tiles (about n
          * rows u v z c'): the work queue's order, and its shares (one
          * a thread) of row tiles that do not divide evenly */
    size_t tiles = 2 + (size_t)dlv_gate_draw(c, 4);
    size_t n = block_value(k->k, "mr_narrow") * tiles +
               extent_across(c, k->k, rows, 40);
    size_t taps = s->u * s->v * s->z;
    s->cp = n > taps ? n / taps : 1;
    size_t nb = block_value(k->k, "nb"), lines = extent_across(c, k->k,
                                                                chunk, 200);
    s->b = s->w = 1, s->h = lines > nb ? lines : lines + nb;
  }
  /* bounded cost: shrink the filter, then the batch (the batch blocks'
   * shape has its own bound) */
  size_t *shrink[] = {&s->u, &s->z, &s->v, &s->b};
  for (size_t i = 0; i < 4 && !blocks; i++)
    while (products(s) > LP_PRODUCTS_MAX && *shrink[i] > 1)
      (*shrink[i])--;
  dlv_gate_note(c, "target %s; B %zu H %zu W %zu T %zu C %zu C' %zu U %zu "
                   "V %zu Z %zu",
                blocks ? "batch blocks"
                       : (const char *[]){"channels", "rows", "paired",
                                          pass == DLV_CONV3D_BWD_FILTER
                                              ? "chunk"
                                              : "split"}[target],
                s->b, s->h, s->w, s->t, s->c, s->cp, s->u, s->v, s->z);
}

/* ---- data ------------------------------------------------------------------ */

static uint16_t *pat(const dlv_gate_buf *x) { return (uint16_t *)x->at; }

/* Rounding-heavy data (dlv_conv3d_lowp_rounding_heavy, conv3d_shapes.h):
 * the tightness of the bound. */
static void fill_rounding(dlv_gate_case *c, lp_case *k)
{
  dlv_conv3d_lowp_rounding_heavy(&k->s, k->e->pass, k->e->fmt, pat(&k->a),
                                 k->na, pat(&k->b), k->nb);
  dlv_gate_note(c, "rounding-heavy data");
}

static void fill_classes(dlv_gate_case *c, lp_case *k, int va, int vb)
{
  k->exact_data = va == DLV_GV_EXACT && vb == DLV_GV_EXACT;
  for (size_t i = 0; i < k->na; i++)
    pat(&k->a)[i] = dlv_gate_lowp_value(c, va, k->e->fmt);
  for (size_t i = 0; i < k->nb; i++)
    pat(&k->b)[i] = dlv_gate_lowp_value(c, vb, k->e->fmt);
  dlv_gate_note(c, "values %s, %s", dlv_gate_vclass_name(va),
                dlv_gate_vclass_name(vb));
}

static void operand_sizes(lp_case *k)
{
  size_t n1, nf, n2;
  dlv_conv3d_sizes(&k->s, &n1, &nf, &n2);
  int pass = k->e->pass;
  k->na = pass == DLV_CONV3D_BWD_INPUT ? nf : n1;
  k->nb = pass == DLV_CONV3D_FWD ? nf : n2;
  k->nout = pass == DLV_CONV3D_FWD ? n2 : pass == DLV_CONV3D_BWD_FILTER ? nf
                                                                        : n1;
}

static void make_buffers(dlv_gate_case *c, lp_case *k)
{
  operand_sizes(k);
  dlv_gate_buf_make(c, &k->a, sizeof(uint16_t), k->na, 1);
  dlv_gate_buf_make(c, &k->b, sizeof(uint16_t), k->nb, 1);
  dlv_gate_buf_make(c, &k->out, sizeof(float), k->nout, 1);
}

/* ---- calls ---------------------------------------------------------------- */

static int call(const lp_case *k, const dlv_conv3d_shape *s, const void *a,
                const void *b, float *out)
{
  int bf = k->e->fmt == DLV_REF_BF16;
  switch (k->e->pass) {
  case DLV_CONV3D_FWD:
    return bf ? dlv_conv3d_fwd_bf16(s, a, b, out)
              : dlv_conv3d_fwd_fp16(s, a, b, out);
  case DLV_CONV3D_BWD_FILTER:
    return bf ? dlv_conv3d_bwd_filter_bf16(s, a, b, out)
              : dlv_conv3d_bwd_filter_fp16(s, a, b, out);
  default:
    return bf ? dlv_conv3d_bwd_input_bf16(s, a, b, out)
              : dlv_conv3d_bwd_input_fp16(s, a, b, out);
  }
}

/* A call on a neighbour of k's shape (one extent, drawn, one more or,
 * above 1, one less; zero operands), before the case's own: a kernel may
 * keep what it made for a shape between calls (the bf16 input
 * gradient's plan, keyed by the shape), and the case's call must not
 * take what was made for a shape one extent away. */
static void call_neighbour(dlv_gate_case *c, const lp_case *k)
{
  static const char *const names[] = {"B", "H", "W", "T", "C",
                                      "C'", "U", "V", "Z"};
  lp_case n = *k;
  size_t *extent[] = {&n.s.b, &n.s.h, &n.s.w, &n.s.t, &n.s.c,
                      &n.s.cp, &n.s.u, &n.s.v, &n.s.z};
  unsigned which = (unsigned)dlv_gate_draw(c, 9);
  size_t *e = extent[which];
  *e = *e > 1 && dlv_gate_draw(c, 2) ? *e - 1 : *e + 1;
  dlv_gate_note(c, "after a call with %s %zu", names[which], *e);
  operand_sizes(&n);
  void *a = calloc(n.na, sizeof(uint16_t)), *b = calloc(n.nb, sizeof(uint16_t));
  float *out = malloc(n.nout * sizeof *out);
  if (a == NULL || b == NULL || out == NULL)
    abort();
  call(&n, &n.s, a, b, out);
  free(a), free(b), free(out);
}

/* A rerun (at another thread count, or on the other path) into a fresh
 * buffer: same status, same bits. */
static void rerun_same(dlv_gate_case *c, const lp_case *k, int status,
                       const char *what)
{
  float *again = dlv_gate_alloc(c, (k->nout + 1) * sizeof *again);
  int st = call(k, &k->s, k->a.at, k->b.at, again);
  if (!dlv_gate_cmp_status(c, what, st, status) || status != DLV_OK)
    return;
  for (size_t i = 0; i < k->nout && !dlv_gate_failed(c); i++)
    dlv_gate_cmp_same(c, what, i, again[i], dlv_gate_buf_get(&k->out, i));
}

/* fp16 (conv3d_lowp.h: "its order is FAST's"): the output bit for bit
 * that of the float FAST pass on the operands decoded by the twin (exact),
 * with a workspace of dlv_conv3d_work_size.  The float FAST is held to
 * conv3d.h's documented chain by gate_conv3d. */
static void fp16_is_fast(dlv_gate_case *c, const lp_case *k)
{
  float *fa = dlv_gate_alloc(c, (k->na + 1) * sizeof *fa);
  float *fb = dlv_gate_alloc(c, (k->nb + 1) * sizeof *fb);
  float *want = dlv_gate_alloc(c, (k->nout + 1) * sizeof *want);
  for (size_t i = 0; i < k->na; i++)
    fa[i] = (float)dlv_ref_lowp_decode(pat(&k->a)[i], DLV_REF_FP16);
  for (size_t i = 0; i < k->nb; i++)
    fb[i] = (float)dlv_ref_lowp_decode(pat(&k->b)[i], DLV_REF_FP16);
  size_t nw = 0;
  int pass = k->e->pass, v = DLV_CONV3D_FAST;
  int st = dlv_conv3d_work_size(&k->s, v, pass, &nw);
  float *w = dlv_gate_alloc(c, (nw + 1) * sizeof *w);
  if (st == DLV_OK)
    st = pass == DLV_CONV3D_FWD
             ? dlv_conv3d_fwd_s(&k->s, v, fa, fb, want, w, nw)
         : pass == DLV_CONV3D_BWD_FILTER
             ? dlv_conv3d_bwd_filter_s(&k->s, v, fa, fb, want, w, nw)
             : dlv_conv3d_bwd_input_s(&k->s, v, fa, fb, want, w, nw);
  if (!dlv_gate_cmp_status(c, "float FAST on the decoded operands", st,
                           DLV_OK))
    return;
  for (size_t i = 0; i < k->nout && !dlv_gate_failed(c); i++)
    dlv_gate_cmp_same(c, "fp16 against float FAST", i,
                      dlv_gate_buf_get(&k->out, i), want[i]);
}

/* ---- bf16: the documented chain, bit for bit ------------------------------
 * conv3d_lowp.h: each output element is one chain of vdpbf16ps steps from
 * +0, two products per step (dlv_bf16_dot2_model, the odd element first),
 * in the order the header gives per pass; an odd count pairs the last
 * element with +0.  Written here from the header alone, element by
 * element.  The input gradient's tiles skip taps that miss all their rows
 * (adding exact zeros), so only the sign of a zero may differ there. */

/* Extents: the output G (h, w, t) and the input L1 (h + u - 1, ...). */
typedef struct {
  size_t b, h, w, t, c, cp, u, v, z, h1, w1, t1;
} chain_dims;

static chain_dims chain_dims_of(const dlv_conv3d_shape *s)
{
  return (chain_dims){s->b, s->h, s->w, s->t, s->c, s->cp, s->u, s->v, s->z,
                      s->h + s->u - 1, s->w + s->v - 1, s->t + s->z - 1};
}

/* Pattern of L1[b, x1, y1, t1, c'], F[u, v, z, c', c], G[b, x, y, t, c]. */
static uint16_t l1_at(const chain_dims *d, const uint16_t *l1, size_t b,
                      size_t x, size_t y, size_t t, size_t cp)
{
  return l1[(((b * d->h1 + x) * d->w1 + y) * d->t1 + t) * d->cp + cp];
}
static uint16_t f_at(const chain_dims *d, const uint16_t *f, size_t u,
                     size_t v, size_t z, size_t cp, size_t c)
{
  return f[(((u * d->v + v) * d->z + z) * d->cp + cp) * d->c + c];
}
static uint16_t g_at(const chain_dims *d, const uint16_t *g, size_t b,
                     size_t x, size_t y, size_t t, size_t c)
{
  return g[(((b * d->h + x) * d->w + y) * d->t + t) * d->c + c];
}

static float step(float acc, uint16_t a0, uint16_t b0, uint16_t a1,
                  uint16_t b1)
{
  return dlv_bf16_dot2_model(acc, (dlv_bf16){a0}, (dlv_bf16){b0},
                             (dlv_bf16){a1}, (dlv_bf16){b1});
}

/* G zero-padded by (U-1, V-1, Z-1): the pattern at padded (x, y, t). */
static uint16_t gpad_at(const chain_dims *d, const uint16_t *g, size_t b,
                        size_t x, size_t y, size_t t, size_t c)
{
  if (x < d->u - 1 || y < d->v - 1 || t < d->z - 1)
    return 0;
  x -= d->u - 1, y -= d->v - 1, t -= d->z - 1;
  return x < d->h && y < d->w && t < d->t ? g_at(d, g, b, x, y, t, c) : 0;
}

/* The forward's chain for one output element (batch b, output channel
 * out): for each tap (u, v, z) in order, pairs (even, odd) of the input's
 * channels.  The input gradient is the forward of G zero-padded (bwd) with
 * the flipped filter F'[u, v, z, c, c'] = F[U-1-u, V-1-v, Z-1-z, c', c]. */
typedef struct {
  const chain_dims *d;
  const uint16_t *in, *f;
  size_t b, out;
  int bwd;
} tap_chain;

static uint16_t tc_in(const tap_chain *k, size_t x, size_t y, size_t t,
                      size_t ch)
{
  return k->bwd ? gpad_at(k->d, k->in, k->b, x, y, t, ch)
                : l1_at(k->d, k->in, k->b, x, y, t, ch);
}

static uint16_t tc_f(const tap_chain *k, size_t u, size_t v, size_t z,
                     size_t ch)
{
  const chain_dims *d = k->d;
  return k->bwd ? f_at(d, k->f, d->u - 1 - u, d->v - 1 - v, d->z - 1 - z,
                       k->out, ch)
                : f_at(d, k->f, u, v, z, ch, k->out);
}

static float chain_taps(const tap_chain *k, size_t nin, size_t x, size_t y,
                        size_t t)
{
  float acc = 0.0f;
  for (size_t u = 0; u < k->d->u; u++)
    for (size_t v = 0; v < k->d->v; v++)
      for (size_t z = 0; z < k->d->z; z++)
        for (size_t p = 0; p < nin; p += 2) {
          int odd = p + 1 < nin;
          acc = step(acc, tc_in(k, x + u, y + v, t + z, p),
                     tc_f(k, u, v, z, p),
                     odd ? tc_in(k, x + u, y + v, t + z, p + 1) : 0,
                     odd ? tc_f(k, u, v, z, p + 1) : 0);
        }
  return acc;
}

/* Filter gradient: for each (b, x, y) in order, pairs (t even, t odd);
 * at an odd T the last pair's odd G time is a zero, its L1 partner L1's
 * time t + 1 + z (zero past T1): the product's sign is that value's. */
static float chain_bwd_filter(const chain_dims *d, const uint16_t *l1,
                              const uint16_t *g, size_t u, size_t v, size_t z,
                              size_t cp, size_t c)
{
  float acc = 0.0f;
  for (size_t b = 0; b < d->b; b++)
    for (size_t x = 0; x < d->h; x++)
      for (size_t y = 0; y < d->w; y++)
        for (size_t t = 0; t < d->t; t += 2) {
          int odd_g = t + 1 < d->t, odd_l1 = t + 1 + z < d->t1;
          acc = step(acc, l1_at(d, l1, b, x + u, y + v, t + z, cp),
                     g_at(d, g, b, x, y, t, c),
                     odd_l1 ? l1_at(d, l1, b, x + u, y + v, t + 1 + z, cp) : 0,
                     odd_g ? g_at(d, g, b, x, y, t + 1, c) : 0);
        }
  return acc;
}

/* Output element i's chain; outputs in their layouts: L2 and L1.grad as
 * [b][x][y][t][channel], F.grad as [u][v][z][c'][c]. */
static float chain_at(const lp_case *k, const chain_dims *d, size_t i)
{
  const uint16_t *a = pat(&k->a), *b = pat(&k->b);
  size_t ch = k->e->pass == DLV_CONV3D_FWD ? d->c : d->cp;
  size_t q = i / ch, r = i % ch;
  if (k->e->pass == DLV_CONV3D_BWD_FILTER) {
    size_t c = i % d->c, cp = i / d->c % d->cp, tap = i / d->c / d->cp;
    size_t z = tap % d->z, v = tap / d->z % d->v, u = tap / d->z / d->v;
    return chain_bwd_filter(d, a, b, u, v, z, cp, c);
  }
  size_t ex = k->e->pass == DLV_CONV3D_FWD ? d->t : d->t1;
  size_t ey = k->e->pass == DLV_CONV3D_FWD ? d->w : d->w1;
  size_t ez = k->e->pass == DLV_CONV3D_FWD ? d->h : d->h1;
  size_t t = q % ex, y = q / ex % ey, x = q / ex / ey % ez;
  size_t bb = q / ex / ey / ez;
  int fwd = k->e->pass == DLV_CONV3D_FWD;
  tap_chain tc = {d, fwd ? a : b, fwd ? b : a, bb, r, !fwd};
  return chain_taps(&tc, fwd ? d->cp : d->c, x, y, t);
}

static void bf16_is_chain(dlv_gate_case *c, const lp_case *k)
{
  chain_dims d = chain_dims_of(&k->s);
  int zero_sign_free = k->e->pass == DLV_CONV3D_BWD_INPUT;
  for (size_t i = 0; i < k->nout && !dlv_gate_failed(c); i++) {
    double got = dlv_gate_buf_get(&k->out, i), want = chain_at(k, &d, i);
    if (zero_sign_free && got == 0.0 && want == 0.0)
      continue;
    dlv_gate_cmp_same(c, "bf16 against the documented chain", i, got, want);
  }
}

static void other_runs(dlv_gate_case *c, const lp_case *k, int status,
                       int threads)
{
  if (k->e->fmt == DLV_REF_FP16)
    fp16_is_fast(c, k);
  else
    bf16_is_chain(c, k);
  int other_threads = 1 + (threads % 3);
  dlv_set_threads(other_threads);
  rerun_same(c, k, status, "at another thread count");
  dlv_set_threads(1);
  int dflt = dlv_lowp_isa();
  if (dlv_lowp_set_isa(!dflt) != dflt)
    rerun_same(c, k, status, "on the other code path");
  dlv_lowp_set_isa(dflt);
}

/* ---- comparison --------------------------------------------------------- */

static mpfr_t *twin(const lp_case *k, int absolute)
{
  mpfr_t *r = dlv_mp_vec_alloc(k->nout, dlv_mp_prec());
  dlv_ref_lowp_read rd = {k->e->fmt, k->e->fmt == DLV_REF_BF16, absolute};
  if (r == NULL || dlv_ref_lowp_conv3d(k->e->pass, &k->s, pat(&k->a), k->na,
                                       pat(&k->b), k->nb, rd, r) != DLV_OK)
    abort();
  return r;
}

static double element_bound(const lp_case *k, size_t i, double abs_sum)
{
  return dlv_conv3d_lowp_elem_bound(&k->s, k->e->pass,
                                    k->e->fmt == DLV_REF_BF16, i, abs_sum);
}

static void compare(dlv_gate_case *c, const lp_case *k)
{
  /* the P3 check and the bench take the paired extent from
   * conv3d_shapes.h: it must be the one this gate builds its cases on */
  dlv_conv3d_shape ks = k->s;
  size_t shared = dlv_conv3d_bf16_paired(&k->s, k->e->pass);
  if (shared != *paired(k->e->pass, &ks)) {
    dlv_gate_fail(c, "dlv_conv3d_bf16_paired (conv3d_shapes.h) gives %zu, "
                     "the extent this pass pairs along is %zu",
                  shared, *paired(k->e->pass, &ks));
    return;
  }
  mpfr_t *exact = twin(k, 0), *abs_sum = twin(k, 1);
  size_t skipped = 0;
  for (size_t i = 0; i < k->nout && !dlv_gate_failed(c); i++) {
    double s = mpfr_get_d(abs_sum[i], MPFR_RNDU);
    if (!(s <= FLT_MAX)) {
      skipped++;
      continue;
    }
    if (k->exact_data && dlv_gate_conv3d_sum_exact(s, 1)) {
      dlv_gate_cmp_same(c, "out (exact data)", i,
                        dlv_gate_buf_get(&k->out, i),
                        mpfr_get_d(exact[i], MPFR_RNDN) + 0.0);
      continue;
    }
    dlv_gate_cmp_mp(c, "out", i, dlv_gate_buf_get(&k->out, i), exact[i],
                    (dlv_bound){0.0, element_bound(k, i, s)}, 1);
  }
  if (skipped)
    dlv_gate_note(c, "%zu elements with S > FLT_MAX not compared", skipped);
  dlv_mp_vec_free(exact, k->nout);
  dlv_mp_vec_free(abs_sum, k->nout);
}

/* ---- errors --------------------------------------------------------------- */

/* A NaN and an Inf in the operands together: DLV_ENAN whichever the scan
 * meets first and whichever operand holds which.  Enumerated (3, prime to
 * the enumerations of the scenario and the error kind, so that the first
 * error cases take different orders): the NaN in a and the Inf in b, the
 * Inf in a and the NaN in b, both in one operand (which one and their
 * order drawn).  A one-element operand holds one of them, the other goes
 * to the other operand. */
static int nan_and_inf(dlv_gate_case *c, lp_case *k, uint16_t nan,
                       uint16_t inf)
{
  unsigned order = dlv_gate_enum(c, 3);
  dlv_gate_buf *one = dlv_gate_draw(c, 2) ? &k->b : &k->a;
  dlv_gate_buf *first = order < 2 ? &k->a : one;
  dlv_gate_buf *second = order < 2 ? &k->b : one;
  if (second == first && first->n < 2)
    second = first == &k->a ? &k->b : &k->a;
  size_t i = (size_t)dlv_gate_draw(c, first->n - (second == first));
  size_t j = second == first
                 ? i + 1 + (size_t)dlv_gate_draw(c, first->n - 1 - i)
                 : (size_t)dlv_gate_draw(c, second->n);
  int nan_first = order == 0 || (order == 2 && dlv_gate_draw(c, 2));
  pat(first)[i] = nan_first ? nan : inf;
  pat(second)[j] = nan_first ? inf : nan;
  dlv_gate_note(c, "error: %s at %zu, %s at %zu of %s",
                nan_first ? "NaN" : "Inf", i, nan_first ? "Inf" : "NaN", j,
                second == first ? "one operand" : "a and b");
  return DLV_ENAN;
}

/* Beside an argument error, one time in three a NaN and one time in three
 * an infinity in an operand: the argument's status must win (conv3d_lowp.h:
 * DLV_EINVAL and DLV_EBADLEN before DLV_ENAN and DLV_EDOM). */
static void spoil_operand(dlv_gate_case *c, int fmt, dlv_gate_buf *x,
                          size_t at)
{
  static const char *const names[] = {"clean", "a NaN", "an infinity"};
  unsigned k = dlv_gate_enum(c, 3);
  uint16_t inf = fmt == DLV_REF_BF16 ? 0x7f80u : 0x7c00u;
  if (k == 1)
    pat(x)[at] = dlv_gate_lowp_nan(c, fmt);
  else if (k == 2)
    pat(x)[at] = (uint16_t)(inf | (dlv_gate_draw(c, 2) ? 0x8000u : 0u));
  dlv_gate_note(c, "operand %s at %zu", names[k], at);
}

/* A documented error: returns the status the header promises. */
static int make_error(dlv_gate_case *c, lp_case *k, dlv_conv3d_shape *s,
                      const void **a, const void **b, float **out)
{
  int bf = k->e->fmt == DLV_REF_BF16;
  unsigned kind = dlv_gate_enum(c, 5);
  uint16_t inf = bf ? 0x7f80u : 0x7c00u;
  dlv_gate_buf *victim = dlv_gate_draw(c, 2) ? &k->b : &k->a;
  size_t at = (size_t)dlv_gate_draw(c, victim->n);
  switch (kind) {
  case 0: {
    unsigned which = (unsigned)dlv_gate_draw(c, 3);
    *(which == 0 ? a : which == 1 ? b : (const void **)out) = NULL;
    dlv_gate_note(c, "error: NULL argument %u", which);
    spoil_operand(c, k->e->fmt, victim, at);
    return DLV_EINVAL;
  }
  case 1:
    dlv_gate_conv3d_bad_shape(c, s);
    spoil_operand(c, k->e->fmt, victim, at);
    return DLV_EBADLEN;
  case 2:
    pat(victim)[at] = dlv_gate_lowp_nan(c, k->e->fmt);
    dlv_gate_note(c, "error: NaN at %zu of %s", at,
                  victim == &k->a ? "a" : "b");
    return DLV_ENAN;
  case 3:
    pat(victim)[at] = (uint16_t)(inf | (dlv_gate_draw(c, 2) ? 0x8000u : 0u));
    dlv_gate_note(c, "error: Inf at %zu of %s", at,
                  victim == &k->a ? "a" : "b");
    return DLV_EDOM;
  default:
    return nan_and_inf(c, k, dlv_gate_lowp_nan(c, k->e->fmt),
                       (uint16_t)(inf | (dlv_gate_draw(c, 2) ? 0x8000u : 0u)));
  }
}

/* ---- the case ------------------------------------------------------------- */

enum { D_CLASS, D_ROUNDING, D_CLASS2, D_EXACT, D_ERROR, D_NSCENARIOS };

static void lp_run(dlv_gate_case *c, const lp_entry *e)
{
  lp_case k = {.e = e, .k = dlv_contract_find(e->entry)};
  draw_shape(c, &k);
  make_buffers(c, &k);
  unsigned scenario = dlv_gate_enum(c, D_NSCENARIOS);
  if (scenario == D_ROUNDING)
    fill_rounding(c, &k);
  else if (scenario == D_EXACT)
    fill_classes(c, &k, DLV_GV_EXACT, DLV_GV_EXACT);
  else {
    int va = dlv_gate_vclass(c); /* drawn in this order */
    fill_classes(c, &k, va, dlv_gate_vclass(c));
  }
  dlv_conv3d_shape s = k.s;
  const void *a = k.a.at, *b = k.b.at;
  float *out = k.out.at;
  int want = scenario == D_ERROR ? make_error(c, &k, &s, &a, &b, &out)
                                 : DLV_OK;
  dlv_gate_buf_freeze(c, &k.a);
  dlv_gate_buf_freeze(c, &k.b);
  if (want != DLV_OK)
    dlv_gate_buf_freeze(c, &k.out);
  call_neighbour(c, &k);
  int threads = 1 + (int)dlv_gate_draw(c, 3);
  dlv_gate_note(c, "threads %d", threads);
  dlv_set_threads(threads);
  int st = call(&k, &s, a, b, out);
  dlv_set_threads(1);
  if (dlv_gate_cmp_status(c, "status", st, want)) {
    if (st == DLV_OK)
      compare(c, &k);
    else
      dlv_gate_buf_unchanged(c, &k.out, "output on error");
  }
  if (want == DLV_OK && !dlv_gate_failed(c))
    other_runs(c, &k, st, threads);
  dlv_gate_buf_guards_ok(c, &k.out, "out");
  dlv_gate_buf_unchanged(c, &k.a, "a");
  dlv_gate_buf_unchanged(c, &k.b, "b");
}

#define LP_ENTRY(name, pass, fmt)                                            \
  static void name(dlv_gate_case *c)                                         \
  {                                                                          \
    static const lp_entry e = {"dlv_" #name, pass, fmt};                     \
    lp_run(c, &e);                                                           \
  }

LP_ENTRY(conv3d_fwd_bf16, DLV_CONV3D_FWD, DLV_REF_BF16)
LP_ENTRY(conv3d_bwd_filter_bf16, DLV_CONV3D_BWD_FILTER, DLV_REF_BF16)
LP_ENTRY(conv3d_bwd_input_bf16, DLV_CONV3D_BWD_INPUT, DLV_REF_BF16)
LP_ENTRY(conv3d_fwd_fp16, DLV_CONV3D_FWD, DLV_REF_FP16)
LP_ENTRY(conv3d_bwd_filter_fp16, DLV_CONV3D_BWD_FILTER, DLV_REF_FP16)
LP_ENTRY(conv3d_bwd_input_fp16, DLV_CONV3D_BWD_INPUT, DLV_REF_FP16)

static const dlv_gate_entry entries[] = {
    {"dlv_conv3d_fwd_bf16", conv3d_fwd_bf16},
    {"dlv_conv3d_bwd_filter_bf16", conv3d_bwd_filter_bf16},
    {"dlv_conv3d_bwd_input_bf16", conv3d_bwd_input_bf16},
    {"dlv_conv3d_fwd_fp16", conv3d_fwd_fp16},
    {"dlv_conv3d_bwd_filter_fp16", conv3d_bwd_filter_fp16},
    {"dlv_conv3d_bwd_input_fp16", conv3d_bwd_input_fp16},
};

const dlv_gate_family dlv_gate_conv3d_lowp = {
    "conv3d_lowp", entries, sizeof entries / sizeof entries[0]};
