/* g_conv3d.c: gate family conv3d: dlv_conv3d_{fwd,bwd_filter,bwd_input}_
 * {d,s} over the contract of kernels/conv3d.h.  Each case samples:
 *  - the variant (DIRECT, PER_POSITION, IM2COL, FAST, enumerated);
 *  - the shape from FAST's blocking constants of that pass and dimension
 *    (dlv_conv3d_blocking): one constant is the case's target, and the
 *    extent it applies to (the output's channels, the tile rows: positions
 *    or (z, c') rows, the filter gradient's chunk of positions, the tile
 *    counts split between threads) is every tail length modulo it and 0-3
 *    whole blocks across it; the other extents small and random; for the
 *    input gradient also filters larger than the output, where FAST leaves
 *    its padded-G path, and shapes where that padded G (plus the flipped
 *    filter's panels) is the binding term of FAST's workspace;
 *  - the thread count 1-3, and a second run at another count, compared bit
 *    for bit (the results do not depend on it, conv3d.h);
 *  - a value class for each operand (dlv_gate_vclass);
 *  - a workspace of exactly dlv_conv3d_work_size elements;
 *  - one case in 8: a documented error (extent 0, an element count above
 *    INT_MAX, a short workspace, each NULL, bad variant): the status, and
 *    nothing written (outputs and workspace frozen).
 * Guard zones around both outputs and the workspace; inputs unchanged.
 * Every element of the output is compared:
 *  - with the MPFR twin (reference/ref_conv3d.h) on small cases, within
 *    P3's bound dlv_bound_conv3d_dot(K, u, eta, S) (checks/bounds.h), S the
 *    certified upper bound on sum |a b| (reference/cert_conv3d.h);
 *  - with the certified fast reference on larger ones: within the same
 *    bound plus that reference's own a-posteriori error bound err:
 *    |got - exact| <= B and |exact - val| <= err give |got - val| <= B +
 *    err (nothing else is added);
 *  - bit for bit when both operands are small integers and S <= 2^p (every
 *    sum exact: any order gives the exact value, +0 for a zero).
 *  Elements whose certified S exceeds the largest finite number of the
 *  dtype are outside the contract (an intermediate may overflow) and are
 *  not compared (counted in the note).
 * FAST's code path is the process's (conv3d.h): ctest runs the family as
 * gate_conv3d (AVX-512 where the CPU has it) and gate_conv3d_generic
 * (DLV_ISA=generic); every note names the path.
 * Long mode: also the bench's shapes S1-S3 (checks/conv3d_shapes.h), one
 * case in 64 cycling through them, against the certified reference.
 * The kernels, their workspace size, variants and thread count come from
 * the backend under test (dlv_gate_backend): error cases need its status
 * protocol; without thread invariance both runs are compared with the
 * reference and differing bits are an observation, not a failure. */
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "backend_load.h"
#include "cert_conv3d.h"
#include "check.h"
#include "contract.h"
#include "conv3d.h"
#include "conv3d_shapes.h"
#include "dlv_status.h"
#include "gate.h"
#include "gate_conv3d.h"
#include "mp.h"
#include "ref_conv3d.h"
#include "threads.h"

/* Products (B H W T U V Z C' C, the same for the three passes) of a case:
 * at most PRODUCTS_* (quick, long); MPFR up to MP_PRODUCTS_*, the
 * certified reference beyond. */
#define PRODUCTS_QUICK 400000.0
#define PRODUCTS_LONG 4000000.0
#define MP_PRODUCTS_QUICK 20000.0
#define MP_PRODUCTS_LONG 60000.0
/* Data above this many elements come from a pool of drawn values (each
 * element picks one by a hash of its index), so that the recorded choices
 * stay few. */
#define POOL 4096
/* Cases per cycle of targets with no blocking constant: random shapes,
 * or (input gradient) filters larger than the output. */
#define NO_TARGET 8

typedef struct {
  const char *name;
  int pass;
  int is_float;
} conv_entry;

/* One case: the shape, the call and its buffers; a and b are the pass's
 * inputs in the entry's argument order, out and out2 its output at two
 * thread counts. */
typedef struct {
  const conv_entry *e;
  dlv_conv3d_shape s;
  int variant;
  size_t na, nb, nout;
  /* the workspace the call needs (dlv_conv3d_work_size); work holds need
   * elements or more (conv3d.h: a call may be given a larger one) */
  size_t need;
  dlv_gate_buf a, b, out, out2, work;
  int vca, vcb;
} conv_case;

static size_t elem_of(const conv_entry *e)
{
  return e->is_float ? sizeof(float) : sizeof(double);
}

static double products(const dlv_conv3d_shape *s)
{
  return (double)s->b * s->h * s->w * s->t * s->u * s->v * s->z * s->cp *
         s->c;
}

/* ---- shapes ---------------------------------------------------------------- */

/* The extents by index, in dlv_conv3d_shape's order. */
enum { X_B, X_H, X_W, X_T, X_C, X_CP, X_U, X_V, X_Z, X_N };

static size_t *ext(dlv_conv3d_shape *s, int i)
{
  size_t *all[X_N] = {&s->b, &s->h, &s->w, &s->t, &s->c,
                      &s->cp, &s->u, &s->v, &s->z};
  return all[i];
}

/* Small random extents: batch up to 3, positions up to 6, channels up to
 * 9, filter taps up to 4 (2 more in long mode). */
static void draw_base(dlv_gate_case *c, dlv_conv3d_shape *s)
{
  static const size_t cap[X_N] = {3, 6, 6, 6, 9, 9, 4, 4, 4};
  size_t grow = dlv_gate_long(c) ? 2 : 0;
  for (int i = 0; i < X_N; i++)
    *ext(s, i) = dlv_gate_extent(c, NULL, 0, 1, cap[i] + grow);
}

/* The extent carrying a count of positions (forward, filter gradient's
 * chunk: B H W T; input gradient: B and the interior (H - U + 1) ... of
 * each axis): set to n, the others at 1 or left random. */
static void carry_positions(dlv_gate_case *c, const conv_entry *e,
                            dlv_conv3d_shape *s, size_t n, int *fixed)
{
  int which = (int)dlv_gate_enum(c, 4); /* b, h, w, t */
  int alone = (int)dlv_gate_draw(c, 2) == 0;
  for (int i = X_B; i <= X_T; i++)
    if (alone && i != which)
      *ext(s, i) = 1;
  if (e->pass == DLV_CONV3D_BWD_INPUT && which != X_B) {
    size_t taps = *ext(s, X_U + which - X_H); /* u, v or z of that axis */
    *ext(s, which) = n + taps - 1;
    fixed[X_U + which - X_H] = 1;
  } else {
    *ext(s, which) = n;
  }
  fixed[which] = 1;
  if (alone)
    for (int i = X_B; i <= X_T; i++)
      fixed[i] = 1;
}

/* The output's channels (C; C' for the input gradient). */
static int channel_extent(const conv_entry *e)
{
  return e->pass == DLV_CONV3D_BWD_INPUT ? X_CP : X_C;
}

/* Filters larger than the output (H = W = T = 1, taps 2-4, C' 1-2): the
 * padded G exceeds DLV_CONV3D_FAST_PAD_CAP times IM2COL's, FAST's input
 * gradient takes IM2COL's path. */
static void large_filter(dlv_gate_case *c, dlv_conv3d_shape *s, int *fixed)
{
  s->h = s->w = s->t = 1;
  s->u = 2 + (size_t)dlv_gate_draw(c, 3);
  s->v = 2 + (size_t)dlv_gate_draw(c, 3);
  s->z = 2 + (size_t)dlv_gate_draw(c, 3);
  s->cp = 1 + (size_t)dlv_gate_draw(c, 2);
  for (int i = 0; i < X_N; i++)
    fixed[i] = i != X_B && i != X_C;
  dlv_gate_note(c, "filter larger than the output");
}

/* FAST's tile for a pass whose output has oc channels, as conv3d.h
 * states it (NV_WIDE vectors of VW lanes and MR_WIDE rows from NV_WIDE VW
 * channels on, else NV_NARROW and MR_NARROW), written apart from
 * dlv_conv3d_fast_tile, which check_tile_rule holds to it. */
static void documented_tile(size_t oc, int is_float, size_t *nr, size_t *mr)
{
  size_t vw = is_float ? DLV_CONV3D_FAST_LANES_S : DLV_CONV3D_FAST_LANES_D;
  size_t wide_from = (size_t)DLV_CONV3D_FAST_NV_WIDE * vw;
  *nr = oc < wide_from ? DLV_CONV3D_FAST_NV_NARROW * vw : wide_from;
  *mr = oc < wide_from ? DLV_CONV3D_FAST_MR_NARROW : DLV_CONV3D_FAST_MR_WIDE;
}

/* The input gradient's own FAST workspace (the padded G plus the flipped
 * filter's panels P(U V Z C, C'), conv3d.h) as the binding term of
 * dlv_conv3d_work_size, with C' past one single-channel tile: C = 1,
 * U = V = Z = 1, C' in [NR + 1, 3 NR] and at least NR C' positions, NR
 * the widest tile FAST gives one output channel (both dtypes: the size is
 * asked without one), so that G outgrows the forward's panels P(K, C) =
 * NR C' and the flipped panels take 2 or 3 tiles where C's take one.  A
 * panel count sized on the wrong channels then overruns the workspace
 * (its page guard); smaller shapes leave the forward's term binding.
 * The case runs FAST (returns 1). */
static int binding_pad(dlv_gate_case *c, dlv_conv3d_shape *s, int *fixed)
{
  size_t nr = 0;
  for (int is_float = 0; is_float <= 1; is_float++) {
    size_t w, mr;
    documented_tile(1, is_float, &w, &mr);
    nr = w > nr ? w : nr;
  }
  s->c = s->u = s->v = s->z = s->b = s->w = 1;
  s->cp = nr + 1 + (size_t)dlv_gate_draw(c, 2 * nr);
  s->h = 1 + (size_t)dlv_gate_draw(c, 2);
  s->t = (nr * s->cp + (size_t)dlv_gate_draw(c, nr)) / s->h + 1;
  for (int i = 0; i < X_N; i++)
    fixed[i] = 1;
  dlv_gate_note(c, "FAST input gradient workspace binding (padded G)");
  return 1;
}

/* A tile height applies only with its tile width: the output's channels
 * are drawn so that FAST picks the tile of height mr (wide tiles from
 * nr_wide channels on, narrow ones below). */
static void channels_for_mr(dlv_gate_case *c, const conv_entry *e,
                            const dlv_conv3d_blocks *bl, size_t mr,
                            dlv_conv3d_shape *s, int *fixed)
{
  size_t wide = dlv_conv3d_block_value(bl, "nr_wide"), nr, got;
  size_t oc = 1 + (size_t)dlv_gate_draw(c, wide - 1); /* narrow */
  documented_tile(oc, e->is_float, &nr, &got);
  if (got != mr)
    oc += wide - 1; /* from wide - 1 + 1 = wide on: the wide tile */
  *ext(s, channel_extent(e)) = oc;
  fixed[channel_extent(e)] = 1;
}

/* The case's target, enumerated over every (blocking constant, tail)
 * pair of the pass, plus NO_TARGET slots without one: the sum of the
 * constants plus NO_TARGET cases take every tail length modulo every
 * constant once.
 * Returns the block (NULL: none) and sets *n = q b + r, q in 0-3 whole
 * blocks across it (b for r = q = 0). */
static const dlv_conv3d_block *draw_target(dlv_gate_case *c,
                                           const dlv_conv3d_blocks *bl,
                                           size_t *n)
{
  size_t total = NO_TARGET;
  for (int k = 0; k < bl->n; k++)
    total += bl->b[k].value;
  size_t pick = dlv_gate_enum(c, (unsigned)total);
  for (int k = 0; k < bl->n; k++) {
    size_t b = bl->b[k].value;
    if (pick < b) {
      *n = (size_t)dlv_gate_draw(c, 4) * b + pick;
      *n = *n ? *n : b;
      return &bl->b[k];
    }
    pick -= b;
  }
  return NULL;
}

/* One blocking constant of the pass sets its extent to a tail modulo it
 * plus 0-3 whole blocks.  Returns 1 when the shape is meant for FAST. */
static int target_block(dlv_gate_case *c, const conv_entry *e,
                        dlv_conv3d_shape *s, int *fixed)
{
  dlv_conv3d_blocks bl;
  size_t n;
  dlv_conv3d_blocking(DLV_CONV3D_FAST, e->pass, e->is_float, &bl);
  const dlv_conv3d_block *b = draw_target(c, &bl, &n);
  if (b == NULL) { /* no block: a plain random shape, or (input gradient,
                    * alternately) a filter larger than the output or
                    * FAST's padded G binding its workspace */
    if (e->pass != DLV_CONV3D_BWD_INPUT)
      return 0;
    if (dlv_gate_enum(c, 2))
      return binding_pad(c, s, fixed);
    large_filter(c, s, fixed);
    return 0;
  }
  dlv_gate_note(c, "%s %zu: extent %zu", b->name, b->value, n);
  if (b->dim == DLV_CONV3D_DIM_CHANNELS) {
    *ext(s, channel_extent(e)) = n;
    fixed[channel_extent(e)] = 1;
    return 0;
  }
  if (strncmp(b->name, "mr_", 3) == 0)
    channels_for_mr(c, e, &bl, b->value, s, fixed);
  if (b->dim == DLV_CONV3D_DIM_ROWS) { /* Z C' */
    int on_z = (int)dlv_gate_draw(c, 2);
    s->z = on_z ? n : 1;
    s->cp = on_z ? 1 : n;
    fixed[X_Z] = fixed[X_CP] = 1;
  } else {
    carry_positions(c, e, s, n, fixed);
  }
  return 0;
}

/* Halves the largest free extent until the case's products fit. */
static void fit_budget(dlv_conv3d_shape *s, const int *fixed, double budget)
{
  while (products(s) > budget) {
    int big = -1;
    for (int i = 0; i < X_N; i++)
      if (!fixed[i] && *ext(s, i) > 1 && (big < 0 || *ext(s, i) > *ext(s, big)))
        big = i;
    if (big < 0)
      return;
    *ext(s, big) /= 2;
  }
}

/* Long mode: one case in 64 is S1, S2 or S3. */
static int bench_shape(dlv_gate_case *c, dlv_conv3d_shape *s)
{
  if (!dlv_gate_long(c))
    return 0;
  unsigned k = dlv_gate_enum(c, 64);
  if (k >= DLV_CONV3D_NBENCH_SHAPES)
    return 0;
  *s = dlv_conv3d_bench_shapes[k].s;
  dlv_gate_note(c, "%s", dlv_conv3d_bench_shapes[k].name);
  return 1;
}

/* The case's shape; returns 1 when it is meant for FAST. */
static int draw_shape(dlv_gate_case *c, const conv_entry *e,
                      dlv_conv3d_shape *s)
{
  if (bench_shape(c, s))
    return 0;
  int fixed[X_N] = {0};
  draw_base(c, s);
  int fast = target_block(c, e, s, fixed);
  /* DLV_QUICK (valgrind) caps the products at DLV_QUICK_MAX_N */
  fit_budget(s, fixed,
             (double)dlv_cap_n(dlv_gate_long(c) ? (size_t)PRODUCTS_LONG
                                                : (size_t)PRODUCTS_QUICK));
  return fast;
}

/* ---- data ------------------------------------------------------------------ */

static uint64_t mix(uint64_t z)
{
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
  return z ^ (z >> 31);
}

/* Values of the class: drawn one by one, or for large buffers from a pool
 * of POOL drawn values picked by a hash of (drawn salt, index). */
static void fill(dlv_gate_case *c, dlv_gate_buf *x, int vclass, int is_float)
{
  if (x->n <= POOL) {
    dlv_gate_buf_fill(c, x, vclass);
    return;
  }
  double pool[POOL];
  for (size_t i = 0; i < POOL; i++)
    pool[i] = dlv_gate_value(c, vclass, is_float);
  uint64_t salt = dlv_gate_draw(c, UINT64_MAX);
  for (size_t i = 0; i < x->n; i++)
    dlv_gate_buf_set(x, i, pool[mix(salt + i * 0x9E3779B97F4A7C15u) % POOL]);
}

/* Element counts of the pass's inputs and output. */
static void counts(const conv_entry *e, const dlv_conv3d_shape *s,
                   size_t *na, size_t *nb, size_t *nout)
{
  size_t n1, nf, n2;
  dlv_conv3d_sizes(s, &n1, &nf, &n2);
  *na = e->pass == DLV_CONV3D_BWD_INPUT ? nf : n1;
  *nb = e->pass == DLV_CONV3D_FWD ? nf : n2;
  *nout = e->pass == DLV_CONV3D_FWD          ? n2
          : e->pass == DLV_CONV3D_BWD_FILTER ? nf
                                             : n1;
}

/* P(k, oc) of conv3d.h: ceil(oc / NR) NR k, NR the tile width FAST gives
 * oc channels, the larger over the two data types. */
static size_t fast_panels(size_t k, size_t oc)
{
  size_t most = 0;
  for (int is_float = 0; is_float <= 1; is_float++) {
    size_t nr, mr;
    documented_tile(oc, is_float, &nr, &mr);
    size_t p = (oc + nr - 1) / nr * nr * k;
    most = p > most ? p : most;
  }
  return most;
}

/* FAST's input-gradient need on its AVX-512 path, as conv3d.h states it:
 * the padded G plus P(U V Z C, C') while that G is at most
 * DLV_CONV3D_FAST_PAD_CAP times the larger of B H W T K and the operands'
 * total (and fits a size_t), else IM2COL's B H W T K. */
static size_t fast_input_need(const dlv_conv3d_shape *s, size_t lowered)
{
  size_t pad, cap;
  size_t panels = fast_panels(s->u * s->v * s->z * s->c, s->cp);
  if (!dlv_conv3d_padded_g(s, &pad, &cap) || pad > cap ||
      pad > SIZE_MAX - panels)
    return lowered;
  return pad + panels;
}

/* dlv_conv3d_work_size as conv3d.h states it, written apart from
 * kernels/conv3d.c, for a shape the contract admits. */
static size_t documented_work(const dlv_conv3d_shape *s, int variant)
{
  size_t k = s->u * s->v * s->z * s->cp, bk = s->b * k;
  size_t lowered = bk * s->h * s->w * s->t; /* <= INT_MAX (conv3d.h) */
  switch (variant) {
  case DLV_CONV3D_DIRECT:
    return 0;
  case DLV_CONV3D_PER_POSITION:
    return bk;
  case DLV_CONV3D_IM2COL:
    return lowered;
  default:
    if (dlv_conv3d_isa() == DLV_CONV3D_ISA_GENERIC)
      return lowered;
    size_t fwd = fast_panels(k, s->c), bwd = fast_input_need(s, lowered);
    return fwd > bwd ? fwd : bwd;
  }
}

/* dlv_conv3d_fast_tile gives conv3d.h's tile for every channel count up
 * to twice past the wide tile's threshold, in the entry's dtype (every
 * case: the threshold itself is no drawn shape's to find). */
static void check_tile_rule(dlv_gate_case *c, const conv_entry *e)
{
  size_t vw = e->is_float ? DLV_CONV3D_FAST_LANES_S : DLV_CONV3D_FAST_LANES_D;
  for (size_t oc = 1; oc <= 2 * DLV_CONV3D_FAST_NV_WIDE * vw + 1; oc++) {
    size_t nr, mr, want_nr, want_mr;
    dlv_conv3d_fast_tile(oc, e->is_float, &nr, &mr);
    documented_tile(oc, e->is_float, &want_nr, &want_mr);
    if (nr != want_nr || mr != want_mr) {
      dlv_gate_fail(c, "dlv_conv3d_fast_tile(%zu): %zu x %zu, conv3d.h's "
                    "tile %zu x %zu", oc, mr, nr, want_mr, want_nr);
      return;
    }
  }
}

/* Edge shape i of check_pad_cap_edge: B = 1, H, W, T, C, C' in 1 ..
 * EDGE_SMALL, U, V, Z in 1 .. EDGE_TAPS. */
enum { EDGE_SMALL = 3, EDGE_TAPS = 4 };
enum { EDGE_SHAPES = EDGE_SMALL * EDGE_SMALL * EDGE_SMALL * EDGE_SMALL *
                     EDGE_SMALL * EDGE_TAPS * EDGE_TAPS * EDGE_TAPS };

static void edge_shape(size_t i, dlv_conv3d_shape *s)
{
  size_t *small[5] = {&s->h, &s->w, &s->t, &s->c, &s->cp};
  size_t *taps[3] = {&s->u, &s->v, &s->z};
  s->b = 1;
  for (int d = 0; d < 5; d++, i /= EDGE_SMALL)
    *small[d] = 1 + i % EDGE_SMALL;
  for (int d = 0; d < 3; d++, i /= EDGE_TAPS)
    *taps[d] = 1 + i % EDGE_TAPS;
}

/* DLV_CONV3D_FAST_PAD_CAP, a limit of the contract table, probed at its
 * edge: FAST's workspace against conv3d.h's formula on every edge shape
 * (74 of them have a padded G exactly at the cap, most of the rest below
 * or past it).  A drawn shape lands on the cap too rarely to find the
 * switch moved by one there (a blind round's survivor: `pad < cap` took
 * IM2COL's path at the cap). */
static void check_pad_cap_edge(dlv_gate_case *c)
{
  size_t at_cap = 0;
  for (size_t i = 0; i < EDGE_SHAPES; i++) {
    dlv_conv3d_shape s;
    edge_shape(i, &s);
    size_t pad, cap, got = 0;
    at_cap += dlv_conv3d_padded_g(&s, &pad, &cap) && pad == cap;
    size_t want = documented_work(&s, DLV_CONV3D_FAST);
    if (dlv_conv3d_work_size(&s, DLV_CONV3D_FAST, DLV_CONV3D_BWD_INPUT,
                             &got) != DLV_OK ||
        got != want) {
      dlv_gate_fail(c, "pad cap edge: B H W T %zu %zu %zu %zu, C C' %zu "
                    "%zu, U V Z %zu %zu %zu: FAST workspace %zu, conv3d.h's "
                    "%zu (padded G %zu, cap %zu)", s.b, s.h, s.w, s.t, s.c,
                    s.cp, s.u, s.v, s.z, got, want, pad, cap);
      return;
    }
  }
  if (at_cap == 0)
    dlv_gate_fail(c, "pad cap edge: no shape with its padded G at the cap");
}

/* Under the builtin backend, the workspace size and FAST's tile are the
 * documented ones (the input gradient's: at the padded G's cap too). */
static void check_work_size(dlv_gate_case *c, const conv_case *k)
{
  if (dlv_gate_backend() != dlv_backend_builtin())
    return;
  check_tile_rule(c, k->e);
  if (k->e->pass == DLV_CONV3D_BWD_INPUT)
    check_pad_cap_edge(c);
  size_t want = documented_work(&k->s, k->variant);
  if (k->need != want)
    dlv_gate_fail(c, "dlv_conv3d_work_size %zu, conv3d.h's formula %zu",
                  k->need, want);
}

/* Builds the case's buffers: inputs filled and frozen, outputs and the
 * workspace all sentinel; the workspace exactly dlv_conv3d_work_size
 * elements, one more, or up to 4096 more (enumerated). */
static void make_buffers(dlv_gate_case *c, conv_case *k)
{
  size_t el = elem_of(k->e), nw = 0;
  counts(k->e, &k->s, &k->na, &k->nb, &k->nout);
  dlv_gate_backend()->conv3d_work_size(&k->s, k->variant, k->e->pass, &nw);
  k->need = nw;
  unsigned spare = dlv_gate_enum(c, 3);
  nw += spare == 0 ? 0 : spare == 1 ? 1 : 2 + (size_t)dlv_gate_draw(c, 4095);
  dlv_gate_buf_make(c, &k->a, el, k->na, 1);
  dlv_gate_buf_make(c, &k->b, el, k->nb, 1);
  dlv_gate_buf_make(c, &k->out, el, k->nout, 1);
  dlv_gate_buf_make(c, &k->out2, el, k->nout, 1);
  dlv_gate_buf_make(c, &k->work, el, nw, 1);
  fill(c, &k->a, k->vca, k->e->is_float);
  fill(c, &k->b, k->vcb, k->e->is_float);
  dlv_gate_buf_freeze(c, &k->a);
  dlv_gate_buf_freeze(c, &k->b);
  dlv_gate_buf_freeze(c, &k->out);
  dlv_gate_buf_freeze(c, &k->work);
}

/* ---- the call ---------------------------------------------------------------- */

/* The raw call through the backend: any pointer may be NULL. */
static int call(const conv_entry *e, const dlv_conv3d_shape *s, int variant,
                const void *a, const void *b, void *out, void *work,
                size_t work_len)
{
  const dlv_backend *bk = dlv_gate_backend();
  if (e->is_float)
    return bk->conv3d_s[e->pass](s, variant, a, b, out, work, work_len);
  return bk->conv3d_d[e->pass](s, variant, a, b, out, work, work_len);
}

static void set_threads(int n)
{
  if (dlv_gate_backend()->set_threads != NULL)
    dlv_gate_backend()->set_threads(n);
}

static int call_case(const conv_case *k, dlv_gate_buf *out, int threads)
{
  set_threads(threads);
  int status = call(k->e, &k->s, k->variant, k->a.at, k->b.at, out->at,
                    k->work.at, k->work.n);
  set_threads(1);
  return status;
}

/* The backend's capabilities for the case's entry. */
static unsigned caps_of(const conv_entry *e)
{
  return dlv_backend_support(dlv_gate_backend(), DLV_BK_CONV3D_FWD + e->pass,
                             e->is_float);
}

/* ---- references ------------------------------------------------------------ */

/* A buffer as doubles (every float is a double). */
static double *as_doubles(dlv_gate_case *c, const dlv_gate_buf *x)
{
  double *d = dlv_gate_alloc(c, (x->n + 1) * sizeof *d);
  for (size_t i = 0; i < x->n; i++)
    d[i] = dlv_gate_buf_get(x, i);
  return d;
}

/* ---- comparison ------------------------------------------------------------ */

/* What the comparison of one case needs. */
typedef struct {
  const conv_case *k;
  dlv_cert_out cert;
  mpfr_t *exact; /* NULL: the certified reference is the reference */
  int exact_data; /* both operands small integers */
  size_t skipped; /* elements beyond the no-overflow precondition */
  double worst;   /* worst |got - val| / tolerance on the fast path */
  size_t worst_i;
} cmp_ctx;

static double tolerance(const cmp_ctx *x, size_t i)
{
  const conv_entry *e = x->k->e;
  double u = e->is_float ? DLV_U_FLOAT : DLV_U_DOUBLE;
  double eta = e->is_float ? DLV_ETA_FLOAT : DLV_ETA_DOUBLE;
  double k = dlv_conv3d_terms(&x->k->s, e->pass, i);
  double b = dlv_bound_conv3d_dot(k, u, eta, x->cert.abs_sum[i]);
  return x->exact ? b : b + x->cert.err[i];
}

/* Element i against the certified value within tol: decided in double
 * when clearly inside, otherwise (and for the worst element) by the
 * gate's comparator. */
static void cmp_cert(dlv_gate_case *c, cmp_ctx *x, size_t i, double got,
                     double tol)
{
  double d = fabs(got - x->cert.val[i]);
  if (d <= tol * (1.0 - 0x1p-50)) {
    if (d / tol > x->worst)
      x->worst = d / tol, x->worst_i = i;
    return;
  }
  dlv_gate_cmp_d(c, "out", i, got, x->cert.val[i], (dlv_bound){0, tol},
                 x->k->e->is_float);
}

static void cmp_element(dlv_gate_case *c, cmp_ctx *x, size_t i)
{
  const conv_entry *e = x->k->e;
  double got = dlv_gate_buf_get(&x->k->out, i);
  double fmax = e->is_float ? FLT_MAX : DBL_MAX;
  double s = x->cert.abs_sum[i];
  if (!(s <= fmax)) { /* outside the contract: may overflow */
    x->skipped++;
    return;
  }
  if (x->exact_data && dlv_gate_conv3d_sum_exact(s, e->is_float)) {
    double want = x->exact ? mpfr_get_d(x->exact[i], MPFR_RNDN)
                           : x->cert.val[i];
    dlv_gate_cmp_same(c, "out (exact data)", i, got, want + 0.0);
    return;
  }
  double tol = tolerance(x, i);
  if (x->exact)
    dlv_gate_cmp_mp(c, "out", i, got, x->exact[i], (dlv_bound){0, tol},
                    e->is_float);
  else
    cmp_cert(c, x, i, got, tol);
}

/* Every element of the output, against the MPFR twin (small cases) or
 * the certified reference. */
static void compare_output(dlv_gate_case *c, const conv_case *k)
{
  double *a = as_doubles(c, &k->a), *b = as_doubles(c, &k->b);
  double *buf = dlv_gate_alloc(c, 3 * (k->nout + 1) * sizeof *buf);
  cmp_ctx x = {k, {buf, buf + k->nout + 1, buf + 2 * (k->nout + 1)},
               NULL, k->vca == DLV_GV_EXACT && k->vcb == DLV_GV_EXACT,
               0, 0.0, 0};
  if (dlv_conv3d_cert_pass(k->e->pass, &k->s, a, b, &x.cert) != DLV_OK) {
    dlv_gate_fail(c, "certified reference failed");
    return;
  }
  double mp_max = dlv_gate_long(c) ? MP_PRODUCTS_LONG : MP_PRODUCTS_QUICK;
  if (products(&k->s) <= mp_max) {
    x.exact = dlv_mp_vec_alloc(k->nout, dlv_mp_prec());
    if (x.exact == NULL ||
        dlv_conv3d_mp_pass(k->e->pass, &k->s, a, b, x.exact) != DLV_OK)
      abort();
  }
  for (size_t i = 0; i < k->nout && !dlv_gate_failed(c); i++)
    cmp_element(c, &x, i);
  if (!x.exact && !dlv_gate_failed(c) && x.worst > 0) /* the worst, noted */
    dlv_gate_cmp_d(c, "out", x.worst_i, dlv_gate_buf_get(&k->out, x.worst_i),
                   x.cert.val[x.worst_i],
                   (dlv_bound){0, tolerance(&x, x.worst_i)},
                   k->e->is_float);
  if (x.exact)
    dlv_mp_vec_free(x.exact, k->nout);
  dlv_gate_note(c, "reference %s%s", x.exact ? "MPFR" : "certified",
                x.exact_data ? ", exact data" : "");
  if (x.skipped)
    dlv_gate_note(c, "%zu elements with sum|ab| beyond the format", x.skipped);
}

/* The two runs agree bit for bit (a backend declaring thread invariance);
 * otherwise the second run is compared with the reference too, and
 * elements differing between the runs are an observation. */
static void compare_runs(dlv_gate_case *c, const conv_case *k, int t1, int t2)
{
  if (caps_of(k->e) & DLV_BK_THREAD_INVARIANT) {
    for (size_t i = 0; i < k->nout && !dlv_gate_failed(c); i++)
      dlv_gate_cmp_same(c, "out at the second thread count", i,
                        dlv_gate_buf_get(&k->out2, i),
                        dlv_gate_buf_get(&k->out, i));
    return;
  }
  conv_case second = *k;
  second.out = k->out2;
  compare_output(c, &second);
  size_t differ = 0;
  for (size_t i = 0; i < k->nout; i++) {
    double x = dlv_gate_buf_get(&k->out, i), y = dlv_gate_buf_get(&k->out2, i);
    differ += memcmp(&x, &y, sizeof x) != 0;
  }
  if (differ > 0 && t1 != t2)
    dlv_gate_observe(c, "%zu of %zu elements differ between %d and %d "
                        "threads, both runs within the bound",
                     differ, k->nout, t1, t2);
}

/* ---- FAST's documented chain -------------------------------------------------- */

/* Whether FAST computes this case as its own chains (conv3d.h): the
 * builtin backend, the AVX-512 path, and for the input gradient the
 * padded-G path (past DLV_CONV3D_FAST_PAD_CAP it computes as IM2COL, in
 * OpenBLAS's order). */
static int fast_chain_case(const conv_case *k)
{
  if (dlv_gate_backend() != dlv_backend_builtin() ||
      k->variant != DLV_CONV3D_FAST ||
      dlv_conv3d_isa() != DLV_CONV3D_ISA_AVX512)
    return 0;
  if (k->e->pass != DLV_CONV3D_BWD_INPUT)
    return 1;
  const dlv_conv3d_shape *s = &k->s;
  size_t lowered = s->b * s->h * s->w * s->t * s->u * s->v * s->z * s->cp;
  return fast_input_need(s, lowered) != lowered;
}

/* One step of the chain: fma in the entry's dtype. */
static double chain_step(int is_float, double acc, double a, double b)
{
  return is_float ? (double)fmaf((float)a, (float)b, (float)acc)
                  : fma(a, b, acc);
}

/* Element i of the pass as conv3d.h's FAST chain: one FMA per product on
 * an accumulator started at +0, forward taps (u, v, z) in order, c'
 * ascending; input gradient the taps reaching the element, the last tap
 * first, c ascending; filter gradient positions (b, x, y, t) in order.
 * a, b: the pass's inputs in the entry's argument order. */
static double fast_chain(const conv_case *k, const double *a, const double *b,
                         size_t i)
{
  const dlv_conv3d_shape *s = &k->s;
  int f = k->e->is_float;
  size_t h1 = s->h + s->u - 1, w1 = s->w + s->v - 1, t1 = s->t + s->z - 1;
  double acc = 0.0;
  if (k->e->pass == DLV_CONV3D_FWD) { /* a = L1, b = F */
    size_t c = i % s->c, n = i / s->c, t = n % s->t, y = n / s->t % s->w,
           x = n / s->t / s->w % s->h, bb = n / s->t / s->w / s->h;
    for (size_t u = 0; u < s->u; u++)
      for (size_t v = 0; v < s->v; v++)
        for (size_t z = 0; z < s->z; z++)
          for (size_t cp = 0; cp < s->cp; cp++)
            acc = chain_step(
                f, acc,
                a[(((bb * h1 + x + u) * w1 + y + v) * t1 + t + z) * s->cp + cp],
                b[(((u * s->v + v) * s->z + z) * s->cp + cp) * s->c + c]);
  } else if (k->e->pass == DLV_CONV3D_BWD_FILTER) { /* a = L1, b = G */
    size_t c = i % s->c, cp = i / s->c % s->cp, z = i / s->c / s->cp % s->z,
           v = i / s->c / s->cp / s->z % s->v,
           u = i / s->c / s->cp / s->z / s->v;
    for (size_t bb = 0; bb < s->b; bb++)
      for (size_t x = 0; x < s->h; x++)
        for (size_t y = 0; y < s->w; y++)
          for (size_t t = 0; t < s->t; t++)
            acc = chain_step(
                f, acc,
                a[(((bb * h1 + x + u) * w1 + y + v) * t1 + t + z) * s->cp + cp],
                b[(((bb * s->h + x) * s->w + y) * s->t + t) * s->c + c]);
  } else { /* a = F, b = G; element (b, x1, y1, t1, c') of L1.grad */
    size_t cp = i % s->cp, n = i / s->cp, tt = n % t1, yy = n / t1 % w1,
           xx = n / t1 / w1 % h1, bb = n / t1 / w1 / h1;
    for (size_t u = s->u; u-- > 0;)
      for (size_t v = s->v; v-- > 0;)
        for (size_t z = s->z; z-- > 0;) {
          if (xx < u || xx - u >= s->h || yy < v || yy - v >= s->w ||
              tt < z || tt - z >= s->t)
            continue; /* a dead tap: FAST skips it too */
          size_t g0 = (((bb * s->h + xx - u) * s->w + yy - v) * s->t + tt - z) *
                      s->c;
          size_t f0 = (((u * s->v + v) * s->z + z) * s->cp + cp) * s->c;
          for (size_t c = 0; c < s->c; c++)
            acc = chain_step(f, acc, b[g0 + c], a[f0 + c]);
        }
  }
  return acc;
}

/* FAST's output bit for bit the documented chain (zeros' signs
 * included: FAST skips a dead tap as the model does), on the cases it
 * computes as its own chains: a summation order or a product rounded
 * apart from its sum (no FMA) shows here though the bound holds. */
static void compare_chain(dlv_gate_case *c, const conv_case *k)
{
  if (!fast_chain_case(k))
    return;
  double *a = as_doubles(c, &k->a), *b = as_doubles(c, &k->b);
  for (size_t i = 0; i < k->nout && !dlv_gate_failed(c); i++)
    dlv_gate_cmp_same(c, "out vs the documented FMA chain", i,
                      dlv_gate_buf_get(&k->out, i), fast_chain(k, a, b, i));
  dlv_gate_note(c, "FAST's documented chain: bit for bit");
}

/* ---- documented errors ----------------------------------------------------- */

enum {
  ERR_EXTENT0, ERR_COUNT, ERR_EXTENT_MAX, ERR_SHORT_WORK, ERR_NULL_WORK,
  ERR_NULL_A, ERR_NULL_B, ERR_NULL_OUT, ERR_NULL_SHAPE, ERR_VARIANT, ERR_N
};
static const char *const err_name[ERR_N] = {
    "extent 0", "element count above INT_MAX", "extent above INT_MAX / 2",
    "workspace one short", "workspace NULL", "first input NULL",
    "second input NULL", "output NULL", "shape NULL", "bad variant"};

/* Applies error kind `kind` to the arguments; returns the status the
 * header documents for it. */
static int corrupt(dlv_gate_case *c, int kind, dlv_conv3d_shape *s,
                   int *variant, const void **a, const void **b, void **out,
                   void **work, size_t *work_len)
{
  switch (kind) {
  case ERR_EXTENT0:
    *ext(s, (int)dlv_gate_draw(c, X_N)) = 0;
    return DLV_EBADLEN;
  case ERR_COUNT:
    dlv_gate_conv3d_count_overflow(c, s);
    return DLV_EBADLEN;
  case ERR_EXTENT_MAX:
    /* in half the cases every other extent 1, so that no count exceeds
     * INT_MAX and only the extent limit refuses the shape */
    if (dlv_gate_draw(c, 2))
      *s = (dlv_conv3d_shape){1, 1, 1, 1, 1, 1, 1, 1, 1};
    *ext(s, (int)dlv_gate_draw(c, X_N)) = (size_t)INT_MAX / 2 + 1;
    return DLV_EBADLEN;
  case ERR_SHORT_WORK:
    if (*work_len == 0)
      return DLV_OK; /* DIRECT needs none: nothing to shorten */
    (*work_len)--;
    return DLV_EBADLEN;
  case ERR_NULL_WORK:
    /* a NULL workspace the call needs is DLV_EINVAL whatever its length:
     * the NULL pointer is checked before the length.  Here a short one
     * (0 .. need - 1); null_work_lengths tries 0 and the need itself */
    *work = NULL;
    if (*work_len == 0)
      return DLV_OK; /* DIRECT needs none */
    *work_len = (size_t)dlv_gate_draw(c, *work_len);
    return DLV_EINVAL;
  case ERR_NULL_A:
    *a = NULL;
    return DLV_EINVAL;
  case ERR_NULL_B:
    *b = NULL;
    return DLV_EINVAL;
  case ERR_NULL_OUT:
    *out = NULL;
    return DLV_EINVAL;
  case ERR_NULL_SHAPE:
    return DLV_EINVAL; /* applied by the caller */
  default:
    *variant = dlv_gate_draw(c, 2) ? dlv_gate_backend()->n_conv3d_variants
                                   : -1;
    return DLV_EINVAL;
  }
}

#define WORK_COUNT_SENTINEL ((size_t)0x5eed5eed5eed5eedull)

/* The backend's work size of (s, variant, pass): its status, and in *n
 * the count, which starts at a sentinel so that a refusal that writes it
 * shows (dlv_status.h: nothing written on error; work_size_written). */
static int work_size_probe(const dlv_conv3d_shape *s, int variant, int pass,
                           size_t *n)
{
  *n = WORK_COUNT_SENTINEL;
  return dlv_gate_backend()->conv3d_work_size(s, variant, pass, n);
}

/* Whether a work-size call that returned ws wrote the count n anyway. */
static int work_size_written(int ws, size_t n)
{
  return ws != DLV_OK && n != WORK_COUNT_SENTINEL;
}

/* The backend's work size of (s, variant, pass) against the status
 * `want`; on an error the count must be left as it was. */
static void work_size_status(dlv_gate_case *c, const char *what,
                             const dlv_conv3d_shape *s, int variant, int pass,
                             int want)
{
  size_t n;
  int ws = work_size_probe(s, variant, pass, &n);
  if (dlv_gate_cmp_status(c, what, ws, want) && work_size_written(ws, n))
    dlv_gate_fail(c, "%s: status %d, but the count was written (%zu)", what,
                  ws, n);
}

/* A backend providing the pass without DLV_BK_ARGS: its statuses are not
 * judged, but whatever it refuses it must refuse writing nothing
 * (dlv_status.h): the work size of a shape conv3d.h refuses (an extent 0,
 * each in turn), if refused, leaves the count as it was. */
static void undeclared_refusals(dlv_gate_case *c, const conv_entry *e)
{
  int dtype = e->is_float ? DLV_BK_FLOAT : DLV_BK_DOUBLE;
  if (!(dlv_backend_support(dlv_gate_backend(), DLV_BK_CONV3D_FWD + e->pass,
                            dtype) &
        DLV_BK_PROVIDED))
    return;
  for (int i = 0; i < X_N; i++) {
    dlv_conv3d_shape s = {2, 2, 2, 2, 1, 1, 1, 2, 2};
    *ext(&s, i) = 0;
    size_t n;
    int ws = work_size_probe(&s, 0, e->pass, &n);
    if (work_size_written(ws, n)) {
      dlv_gate_fail(c, "work size of an extent 0 (extent %d) refused with "
                    "status %d, but the count was written (%zu)", i, ws, n);
      return;
    }
  }
}

/* The limits themselves are within the contract: a shape with one extent
 * INT_MAX / 2, in half the cases another one 2 (a count up to INT_MAX - 1,
 * the largest a product of such extents reaches: INT_MAX is prime), every
 * other 1, is sized (a call would need gigabytes of operands). */
static void extent_limit_sized(dlv_gate_case *c, int variant, int pass)
{
  dlv_conv3d_shape s = {1, 1, 1, 1, 1, 1, 1, 1, 1};
  int which = (int)dlv_gate_draw(c, X_N);
  int twice = (which + 1 + (int)dlv_gate_draw(c, X_N - 1)) % X_N;
  if (dlv_gate_draw(c, 2))
    *ext(&s, twice) = 2;
  *ext(&s, which) = (size_t)INT_MAX / 2;
  dlv_gate_note(c, "extent %d at the limit INT_MAX / 2, extent %d %zu, the "
                   "others 1", which, twice, *ext(&s, twice));
  work_size_status(c, "work size at the extent limit", &s, variant, pass,
                   DLV_OK);
}

/* The work size's own argument errors, the call's counterparts: a NULL
 * shape, the unknown variant the call got, a pass out of range, a NULL
 * count: DLV_EINVAL (good is a variant the backend has). */
static void work_size_einval(dlv_gate_case *c, int kind,
                             const dlv_conv3d_shape *s, int variant,
                             int good, int pass)
{
  if (kind == ERR_NULL_SHAPE)
    work_size_status(c, "work size of a NULL shape", NULL, good, pass,
                     DLV_EINVAL);
  if (kind != ERR_VARIANT)
    return;
  int bad_pass = dlv_gate_draw(c, 2) ? -1 : DLV_CONV3D_NPASSES;
  work_size_status(c, "work size of the unknown variant", s, variant, pass,
                   DLV_EINVAL);
  work_size_status(c, "work size of a pass out of range", s, good, bad_pass,
                   DLV_EINVAL);
  dlv_gate_cmp_status(c, "work size into NULL",
                      dlv_gate_backend()->conv3d_work_size(s, good, pass, NULL),
                      DLV_EINVAL);
}

/* A NULL workspace the call needs (k->need > 0) with the lengths 0 (no
 * workspace at all) and the exact need: DLV_EINVAL either way. */
static void null_work_lengths(dlv_gate_case *c, const conv_case *k)
{
  const size_t lens[2] = {0, k->need};
  for (int i = 0; i < 2 && k->need > 0; i++)
    dlv_gate_cmp_status(c, i == 0 ? "NULL workspace of length 0"
                                  : "NULL workspace of the needed length",
                        call(k->e, &k->s, k->variant, k->a.at, k->b.at,
                             k->out.at, NULL, lens[i]),
                        DLV_EINVAL);
}

/* Every count shape (gate_conv3d.h), not only the case's: the call and
 * the work size refuse each with DLV_EBADLEN (one case in 80 draws a
 * count error: drawn alone, a shape could go unsampled in a run). */
static void every_count_shape(dlv_gate_case *c, const conv_case *k)
{
  for (unsigned i = 0; i < DLV_GATE_CONV3D_NCOUNT; i++) {
    dlv_conv3d_shape s;
    const char *what = dlv_gate_conv3d_count_shape(i, &s);
    if (!dlv_gate_cmp_status(c, what,
                             call(k->e, &s, k->variant, k->a.at, k->b.at,
                                  k->out.at, k->work.at, k->work.n),
                             DLV_EBADLEN))
      return;
    work_size_status(c, what, &s, k->variant, k->e->pass, DLV_EBADLEN);
  }
}

static void error_case(dlv_gate_case *c, conv_case *k)
{
  int kind = (int)dlv_gate_enum(c, ERR_N), variant = k->variant;
  dlv_conv3d_shape s = k->s;
  const void *a = k->a.at, *b = k->b.at;
  void *out = k->out.at, *work = k->work.at;
  size_t work_len = k->need; /* the errors shorten the need */
  int want = corrupt(c, kind, &s, &variant, &a, &b, &out, &work, &work_len);
  dlv_gate_note(c, "error: %s", err_name[kind]);
  int got = call(k->e, kind == ERR_NULL_SHAPE ? NULL : &s, variant, a, b, out,
                 work, work_len);
  dlv_gate_cmp_status(c, "status", got, want);
  if (kind == ERR_EXTENT0 || kind == ERR_COUNT || kind == ERR_EXTENT_MAX) {
    /* a shape conv3d.h refuses has no workspace size either: the call
     * alone may refuse it for the small workspace it was given */
    work_size_status(c, "work size status", &s, variant, k->e->pass, want);
  }
  if (kind == ERR_EXTENT_MAX)
    extent_limit_sized(c, variant, k->e->pass);
  work_size_einval(c, kind, &s, variant, k->variant, k->e->pass);
  if (kind == ERR_NULL_WORK)
    null_work_lengths(c, k);
  if (kind == ERR_COUNT)
    every_count_shape(c, k);
  if (want != DLV_OK) {
    dlv_gate_buf_unchanged(c, &k->out, "output on error");
    dlv_gate_buf_unchanged(c, &k->work, "workspace on error");
  }
}

/* ---- the case ---------------------------------------------------------------- */

static void note_case(dlv_gate_case *c, const conv_case *k, int t1, int t2)
{
  const dlv_conv3d_shape *s = &k->s;
  dlv_gate_note(c, "%s (FAST's path %s), shape B %zu H %zu W %zu T %zu "
                   "C %zu C' %zu U %zu V %zu Z %zu, work %zu (need %zu), "
                   "threads %d/%d, values %s x %s",
                dlv_gate_backend()->conv3d_variant_name(k->variant),
                dlv_conv3d_isa_name(dlv_conv3d_isa()), s->b,
                s->h, s->w, s->t,
                s->c, s->cp, s->u, s->v, s->z, k->work.n, k->need, t1, t2,
                dlv_gate_vclass_name(k->vca), dlv_gate_vclass_name(k->vcb));
}

static void check_guards(dlv_gate_case *c, const conv_case *k)
{
  dlv_gate_buf_guards_ok(c, &k->out, "out");
  dlv_gate_buf_guards_ok(c, &k->out2, "out (second run)");
  dlv_gate_buf_guards_ok(c, &k->work, "workspace");
  dlv_gate_buf_unchanged(c, &k->a, "first input");
  dlv_gate_buf_unchanged(c, &k->b, "second input");
}

/* The variant (of the backend's) and both operands' value classes,
 * enumerated together: every combination once per nv x 6 x 6 cases (144
 * for dlverify's four variants). */
static void draw_variant_values(dlv_gate_case *c, conv_case *k)
{
  unsigned nv = (unsigned)dlv_gate_backend()->n_conv3d_variants;
  unsigned combo = dlv_gate_enum(c, nv * DLV_GV_NCLASSES * DLV_GV_NCLASSES);
  k->variant = (int)(combo % nv);
  k->vca = (int)(combo / nv % DLV_GV_NCLASSES);
  k->vcb = (int)(combo / nv / DLV_GV_NCLASSES);
}

static void conv_run(dlv_gate_case *c, const conv_entry *e)
{
  conv_case k = {.e = e};
  int is_error = dlv_gate_enum(c, 8) == 0;
  /* conv3d.h's errors are all about the arguments (no NaN protocol) */
  if (!dlv_gate_supports(c, DLV_BK_CONV3D_FWD + e->pass, e->is_float,
                         is_error ? DLV_BK_ARGS : 0u)) {
    if (is_error)
      undeclared_refusals(c, e);
    return;
  }
  draw_variant_values(c, &k);
  /* a shape meant for FAST runs FAST where the backend is dlverify's */
  if (draw_shape(c, e, &k.s) &&
      dlv_gate_backend()->n_conv3d_variants == DLV_CONV3D_NVARIANTS)
    k.variant = DLV_CONV3D_FAST;
  int t1 = 1 + (int)dlv_gate_enum(c, 3);
  int t2 = 1 + (t1 + (int)dlv_gate_draw(c, 2)) % 3; /* another count */
  t1 = t1 < dlv_gate_max_threads() ? t1 : dlv_gate_max_threads();
  t2 = t2 < dlv_gate_max_threads() ? t2 : dlv_gate_max_threads();
  make_buffers(c, &k);
  note_case(c, &k, t1, t2);
  check_work_size(c, &k);
  if (is_error) {
    error_case(c, &k);
    check_guards(c, &k);
    return;
  }
  if (dlv_gate_cmp_status(c, "status", call_case(&k, &k.out, t1), DLV_OK) &&
      dlv_gate_cmp_status(c, "status (second run)",
                          call_case(&k, &k.out2, t2), DLV_OK)) {
    check_guards(c, &k);
    compare_output(c, &k);
    compare_chain(c, &k);
    compare_runs(c, &k, t1, t2);
  }
}

#define ENTRY(fn, pass, is_float)                                             \
  static void fn(dlv_gate_case *c)                                            \
  {                                                                           \
    static const conv_entry e = {"dlv_conv3d_" #fn, pass, is_float};          \
    conv_run(c, &e);                                                          \
  }
ENTRY(fwd_d, DLV_CONV3D_FWD, 0)
ENTRY(fwd_s, DLV_CONV3D_FWD, 1)
ENTRY(bwd_filter_d, DLV_CONV3D_BWD_FILTER, 0)
ENTRY(bwd_filter_s, DLV_CONV3D_BWD_FILTER, 1)
ENTRY(bwd_input_d, DLV_CONV3D_BWD_INPUT, 0)
ENTRY(bwd_input_s, DLV_CONV3D_BWD_INPUT, 1)
#undef ENTRY

static const dlv_gate_entry entries[] = {
    {"dlv_conv3d_fwd_d", fwd_d},
    {"dlv_conv3d_fwd_s", fwd_s},
    {"dlv_conv3d_bwd_filter_d", bwd_filter_d},
    {"dlv_conv3d_bwd_filter_s", bwd_filter_s},
    {"dlv_conv3d_bwd_input_d", bwd_input_d},
    {"dlv_conv3d_bwd_input_s", bwd_input_s},
};

const dlv_gate_family dlv_gate_conv3d = {
    "conv3d", entries, sizeof entries / sizeof entries[0], .via_backend = 1};
