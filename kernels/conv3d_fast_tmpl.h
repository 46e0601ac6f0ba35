/* conv3d_fast_tmpl.h: FAST's AVX-512 passes, the typed half of
 * conv3d_avx512.c (compiled with -mavx512f -mavx512bw -mavx512vl -mfma
 * whatever the rest of the build uses), included once per data type with
 * REAL (element type), SUF (name suffix d or s), VREAL, VMASK, VW (lanes)
 * and the vector operations VZERO, VLOAD, VMLOAD, VSTORE, VMSTORE, VSET1,
 * VFMA defined.  Not a public header.
 *
 * Only the three entries at the end (dlv__conv3d_avx512_*, declared in
 * conv3d_internal.h) are external; conv3d.c calls them when
 * dlv_conv3d_isa() is DLV_CONV3D_ISA_AVX512.  Every function here assumes
 * its arguments were checked by the public entry in conv3d.c. */

#define CAT_(a, b) a##_##b
#define CAT(a, b) CAT_(a, b)
#define FN(name) CAT(name, SUF)
/* ---- FAST (AVX-512): register-blocked micro-kernels on the channels-last
 * layout, no lowering.
 *
 * Forward.  Output rows are positions n = (b, x, y, t) (L2 viewed as
 * (N, C)); the patch of position n is, for each (u, v), a contiguous run of
 * Z C' elements of L1.  A tile of MR positions times NR = NV vectors of
 * output channels is held in MR x NV vector registers over the whole
 * reduction (k = (u, v, z, c') in F's order): each step loads NV vectors
 * of the packed filter panel and broadcasts one L1 element per row.  Every
 * output element is therefore one FMA chain over its K products in F's
 * order: error gamma_K S as for the other variants, and the order depends
 * on the shape only (not on the tiling of positions or on the thread
 * count).
 *
 * Input gradient.  The gather form of the same sum: L1.grad is the forward
 * convolution of G, zero-padded by U-1, V-1, Z-1 on each side, with the
 * filter flipped in (u, v, z) and transposed in (c', c).  Positions are
 * tiled by classes that share the taps reaching real data (struct fgeom),
 * and only those taps are summed: each element is one FMA chain over its
 * taps C real products (P3's K), in the flipped filter's order.
 *
 * Filter gradient.  F.grad viewed as (U V Z C', C): a tile of MR
 * consecutive rows k (inside one (u, v) run) times NR channels, reduced
 * over positions n in chunks of DLV_CONV3D_FAST_NB; between chunks the
 * partial sums go through F.grad in memory (the same chain, continued).
 * Tasks (tiles) are split between threads; a tile belongs to one thread.
 *
 * Panels: the filter is packed once per call into ceil(C/NR) panels of
 * K x NR elements, zero-padded beyond C, so the micro-kernel loads whole
 * vectors; outputs beyond C are masked off. */

/* The constants of conv3d.h, short: the tiles are MR_W x NV_W (wide) or
 * MR_N x NV_N (narrow) registers; MR_MAX and NV_MAX size the arrays. */
#define MR_W DLV_CONV3D_FAST_MR_WIDE
#define NV_W DLV_CONV3D_FAST_NV_WIDE
#define MR_N DLV_CONV3D_FAST_MR_NARROW
#define NV_N DLV_CONV3D_FAST_NV_NARROW
#define MR_MAX (MR_W > MR_N ? MR_W : MR_N)
#define NV_MAX (NV_W > NV_N ? NV_W : NV_N)

/* The first min(m, VW) lanes. */
#define MASK_OF(m)                                                            \
  ((VMASK)((m) >= VW ? (VMASK)~(VMASK)0 : (VMASK)((1u << (m)) - 1u)))

/* Lane masks of the NV vectors of a tile with ncols valid columns. */
#define TILE_MASKS(NV, mk, ncols)                                             \
  for (int v_ = 0; v_ < (NV); v_++) {                                        \
    size_t c_ = (size_t)v_ * VW;                                              \
    mk[v_] = c_ >= (ncols) ? (VMASK)0 : MASK_OF((ncols) - c_);               \
  }

/* out[r][...] of the MR x NV tile acc, rows r < nrows, lanes by mk (all
 * stores masked: the loops have constant trip counts and unroll fully, so
 * the accumulators stay in registers). */
#define STORE_TILE(MR, NV, acc, mk, out, ldo, nrows)                         \
  for (int r_ = 0; r_ < (MR); r_++)                                          \
    if ((size_t)r_ < (nrows))                                                 \
      for (int v_ = 0; v_ < (NV); v_++)                                      \
        VMSTORE((out) + r_ * (ldo) + v_ * VW, mk[v_], acc[r_][v_]);

/* The reduction window of a tile: filter taps u in [u0, u1), v in
 * [v0, v1) and, inside each (u, v) run of kj elements (z, c'), j in
 * [j0, j1).  Taps outside it read only zero padding for every row of the
 * tile, so leaving them out is exact (their products are zeros, and adding
 * a zero to a sum that started at +0 never changes it). */
struct FN(win) {
  size_t u0, u1, v0, v1, j0, j1;
};

/* Forward micro-kernel, MR rows x NV vectors.  Row r reads the input at
 * rows[r] (its patch origin) + u su + v sv + j and writes outs[r][0 ..
 * ncols); the packed panel row of (u, v, j) is at ((u nv + v) kj + j) NR,
 * nv the filter's V extent.  Rows r >= nrows are computed (they repeat a
 * real row) but not stored. */
static inline __attribute__((always_inline)) void
FN(mk_fwd)(const int MR, const int NV, const REAL *const *rows,
           REAL *const *outs, size_t nrows, size_t ncols, size_t su,
           size_t sv, size_t nv, size_t kj, const struct FN(win) *w,
           const REAL *panel)
{
  VREAL acc[MR_MAX][NV_MAX];
  for (int r = 0; r < MR; r++)
    for (int v = 0; v < NV; v++)
      acc[r][v] = VZERO();
  for (size_t u = w->u0; u < w->u1; u++)
    for (size_t y = w->v0; y < w->v1; y++) {
      const REAL *fp = panel + ((u * nv + y) * kj + w->j0) * (NV * VW);
      const REAL *q[MR_MAX];
      for (int r = 0; r < MR; r++)
        q[r] = rows[r] + u * su + y * sv;
      for (size_t j = w->j0; j < w->j1; j++, fp += NV * VW) {
        VREAL bv[NV_MAX];
        for (int v = 0; v < NV; v++)
          bv[v] = VLOAD(fp + v * VW);
        for (int r = 0; r < MR; r++) {
          VREAL a = VSET1(q[r][j]);
          for (int v = 0; v < NV; v++)
            acc[r][v] = VFMA(a, bv[v], acc[r][v]);
        }
      }
    }
  VMASK mk[NV_MAX];
  TILE_MASKS(NV, mk, ncols);
  for (int r = 0; r < MR; r++)
    if ((size_t)r < nrows)
      for (int v = 0; v < NV; v++)
        VMSTORE(outs[r] + v * VW, mk[v], acc[r][v]);
}

/* Filter-gradient micro-kernel: MR consecutive rows of F.grad (viewed as
 * (U V Z C', C)) inside one (u, v) run, NV vectors of channels (ncols
 * valid); reduces positions i < np, whose L1 elements for these rows start
 * at l1 + pos[i], with G rows g + i ldg; starts from out unless `first`.
 * Each configuration is a separate (not inlined) function: inlined
 * together, gcc spilled the accumulators. */
static inline __attribute__((always_inline)) void
FN(mk_bf)(const int MR, const int NV, const REAL *l1, const size_t *pos,
          size_t np, const REAL *g, size_t ldg, size_t ncols, REAL *out,
          size_t ldo, int first)
{
  VREAL acc[MR_MAX][NV_MAX];
  VMASK mk[NV_MAX];
  TILE_MASKS(NV, mk, ncols);
  for (int r = 0; r < MR; r++)
    for (int v = 0; v < NV; v++)
      acc[r][v] = first ? VZERO()
                        : VMLOAD(mk[v], out + r * ldo + (size_t)v * VW);
  for (size_t i = 0; i < np; i++) {
    const REAL *a = l1 + pos[i], *gr = g + i * ldg;
    VREAL bv[NV_MAX];
    for (int v = 0; v < NV; v++)
      bv[v] = VMLOAD(mk[v], gr + v * VW);
    for (int r = 0; r < MR; r++) {
      VREAL av = VSET1(a[r]);
      for (int v = 0; v < NV; v++)
        acc[r][v] = VFMA(av, bv[v], acc[r][v]);
    }
  }
  STORE_TILE(MR, NV, acc, mk, out, ldo, (size_t)MR);
}

#define MK_BF(NAME, MR, NV)                                                   \
  static __attribute__((noinline)) void FN(NAME)(                           \
      const REAL *l1, const size_t *pos, size_t np, const REAL *g,            \
      size_t ldg, size_t ncols, REAL *out, size_t ldo, int first)             \
  {                                                                           \
    FN(mk_bf)(MR, NV, l1, pos, np, g, ldg, ncols, out, ldo, first);           \
  }
MK_BF(mk_bf_wide, MR_W, NV_W)
MK_BF(mk_bf_narrow, MR_N, NV_N)
MK_BF(mk_bf_1_wide, 1, NV_W)
MK_BF(mk_bf_1_narrow, 1, NV_N)
#undef MK_BF

/* The forward problem the fast kernel solves, also for the input gradient
 * (on zero-padded G with the flipped filter).  Output positions are
 * grouped into classes by the taps that reach real (not padding) input:
 * along each axis, position i of an output extent n with k taps and p
 * padding before the real data (p = k - 1 or 0) reaches taps
 * [max(0, p - i), min(k - 1, p + real - 1 - i)], real = n - 2p + k - 1 the
 * real extent.  The interior positions share the full range and form one
 * class; each border position is its own.  Without padding there is one
 * class.  A tile is MR positions of one class, which share one window. */
struct FN(fgeom) {
  const REAL *in;             /* input, (B, ih, iw, it, ic) */
  size_t ih, iw, it, ic;
  size_t b, h, w, t;          /* output extents; channels oc */
  size_t u, v, z, oc;
  int padded;                 /* input padded by u-1, v-1, z-1 each side */
  const REAL *panels;         /* ceil(oc / NR) panels of K x NR */
  size_t nr;                  /* NR of the panels (NV VW) */
  REAL *out;                  /* (B, h, w, t, oc) */
};

/* One axis: output extent n, k taps.  Class c covers positions [*i0, *i1)
 * reaching taps [*k0, *k1). */
struct FN(axis) {
  size_t n, k;
  int padded;
};

static size_t FN(axis_classes)(const struct FN(axis) *a)
{
  if (!a->padded)
    return 1;
  size_t real = a->n + 1 - a->k; /* n = real + k - 1 */
  size_t mid = real >= a->k ? real - a->k + 1 : 0; /* interior positions */
  return mid ? a->n - mid + 1 : a->n;
}

static void FN(axis_class)(const struct FN(axis) *a, size_t c, size_t *i0,
                           size_t *i1, size_t *k0, size_t *k1)
{
  if (!a->padded) {
    *i0 = 0, *i1 = a->n, *k0 = 0, *k1 = a->k;
    return;
  }
  size_t p = a->k - 1, real = a->n + 1 - a->k;
  size_t mid = real >= a->k ? real - a->k + 1 : 0;
  if (mid && c == p) /* the interior [p, p + mid) */
    *i0 = p, *i1 = p + mid;
  else
    *i0 = mid && c > p ? c + mid - 1 : c, *i1 = *i0 + 1;
  size_t i = *i0;
  *k0 = p > i ? p - i : 0;
  *k1 = (p + real - 1 - i < a->k - 1 ? p + real - 1 - i : a->k - 1) + 1;
}

/* A class of positions: the product of one class per axis, over b. */
struct FN(pclass) {
  size_t x0, x1, y0, y1, t0, t1; /* position ranges */
  struct FN(win) w;
  size_t npos;
};

static void FN(get_class)(const struct FN(fgeom) *g, size_t cx, size_t cy,
                          size_t ct, struct FN(pclass) *pc)
{
  struct FN(axis) ax = {g->h, g->u, g->padded}, ay = {g->w, g->v, g->padded},
                  at = {g->t, g->z, g->padded};
  size_t z0, z1;
  FN(axis_class)(&ax, cx, &pc->x0, &pc->x1, &pc->w.u0, &pc->w.u1);
  FN(axis_class)(&ay, cy, &pc->y0, &pc->y1, &pc->w.v0, &pc->w.v1);
  FN(axis_class)(&at, ct, &pc->t0, &pc->t1, &z0, &z1);
  pc->w.j0 = z0 * g->ic;
  pc->w.j1 = z1 * g->ic;
  pc->npos = g->b * (pc->x1 - pc->x0) * (pc->y1 - pc->y0) * (pc->t1 - pc->t0);
}

/* A position of a class, stepped through the class in (b, x, y, t)
 * order without divisions. */
struct FN(cursor) {
  size_t b, x, y, t;
};

static void FN(cursor_at)(const struct FN(pclass) *pc, size_t p,
                          struct FN(cursor) *q)
{
  size_t nt = pc->t1 - pc->t0, ny = pc->y1 - pc->y0, nx = pc->x1 - pc->x0;
  *q = (struct FN(cursor)){p / nt / ny / nx, pc->x0 + p / nt / ny % nx,
                           pc->y0 + p / nt % ny, pc->t0 + p % nt};
}

static void FN(cursor_step)(const struct FN(pclass) *pc, struct FN(cursor) *q)
{
  if (++q->t < pc->t1)
    return;
  q->t = pc->t0;
  if (++q->y < pc->y1)
    return;
  q->y = pc->y0;
  if (++q->x < pc->x1)
    return;
  q->x = pc->x0;
  q->b++;
}

/* The cursor's patch origin and output row. */
static void FN(cursor_ptrs)(const struct FN(fgeom) *g,
                            const struct FN(cursor) *q, const REAL **row,
                            REAL **out)
{
  *row = g->in + (((q->b * g->ih + q->x) * g->iw + q->y) * g->it + q->t) *
                     g->ic;
  *out = g->out + (((q->b * g->h + q->x) * g->w + q->y) * g->t + q->t) *
                      g->oc;
}

static size_t FN(fast_mr)(const struct FN(fgeom) *g)
{
  size_t nr, mr;
  dlv_conv3d_fast_tile(g->oc, VW == DLV_CONV3D_FAST_LANES_S, &nr, &mr);
  return mr;
}

/* Calls fn(g, pc, first tile of the class, tiles of the class) for every
 * class, in a fixed order; returns the total number of tiles. */
static size_t FN(for_classes)(const struct FN(fgeom) *g,
                              void (*fn)(const struct FN(fgeom) *,
                                         const struct FN(pclass) *, size_t,
                                         size_t, void *),
                              void *arg)
{
  struct FN(axis) ax = {g->h, g->u, g->padded}, ay = {g->w, g->v, g->padded},
                  at = {g->t, g->z, g->padded};
  size_t mr = FN(fast_mr)(g), tiles = 0;
  for (size_t cx = 0; cx < FN(axis_classes)(&ax); cx++)
    for (size_t cy = 0; cy < FN(axis_classes)(&ay); cy++)
      for (size_t ct = 0; ct < FN(axis_classes)(&at); ct++) {
        struct FN(pclass) pc;
        FN(get_class)(g, cx, cy, ct, &pc);
        size_t nt = (pc.npos + mr - 1) / mr;
        if (fn)
          fn(g, &pc, tiles, nt, arg);
        tiles += nt;
      }
  return tiles;
}

/* The tiles [lo, hi) of the global numbering, for one channel tile. */
struct FN(trange) {
  size_t lo, hi, ct;
};

static void FN(class_tiles)(const struct FN(fgeom) *g,
                            const struct FN(pclass) *pc, size_t first,
                            size_t ntiles, void *arg)
{
  const struct FN(trange) *tr = arg;
  size_t mr = FN(fast_mr)(g), k = g->u * g->v * g->z * g->ic;
  size_t c0 = tr->ct * g->nr;
  size_t ncols = g->oc - c0 < g->nr ? g->oc - c0 : g->nr;
  const REAL *panel = g->panels + tr->ct * k * g->nr;
  if (tr->hi <= first || tr->lo >= first + ntiles)
    return; /* no tile of this class is in the range */
  size_t a = tr->lo > first ? tr->lo - first : 0;
  size_t b = tr->hi < first + ntiles ? tr->hi - first : ntiles;
  struct FN(cursor) q;
  FN(cursor_at)(pc, a * mr, &q);
  for (size_t tile = a; tile < b; tile++) {
    size_t p0 = tile * mr, nrows = pc->npos - p0 < mr ? pc->npos - p0 : mr;
    const REAL *rows[MR_MAX];
    REAL *outs[MR_MAX];
    for (size_t r = 0; r < mr; r++) { /* short tile: repeat the last row */
      if (r < nrows) {
        FN(cursor_ptrs)(g, &q, &rows[r], &outs[r]);
        outs[r] += c0;
        FN(cursor_step)(pc, &q);
      } else {
        rows[r] = rows[r - 1];
        outs[r] = outs[r - 1];
      }
    }
    size_t sv = g->it * g->ic, su = g->iw * sv, kj = g->z * g->ic;
    if (mr == MR_W)
      FN(mk_fwd)(MR_W, NV_W, rows, outs, nrows, ncols, su, sv, g->v, kj,
                 &pc->w, panel);
    else
      FN(mk_fwd)(MR_N, NV_N, rows, outs, nrows, ncols, su, sv, g->v, kj,
                 &pc->w, panel);
  }
}

/* A thread's tiles [lo, hi); channel tiles outside, so that one K x NR
 * panel stays in L2 while the tiles stream past it. */
static void FN(fast_fwd_range)(void *arg, size_t lo, size_t hi)
{
  const struct FN(fgeom) *g = arg;
  size_t nct = (g->oc + g->nr - 1) / g->nr;
  for (size_t ct = 0; ct < nct; ct++) {
    struct FN(trange) tr = {lo, hi, ct};
    FN(for_classes)(g, FN(class_tiles), &tr);
  }
}

static void FN(fast_fwd_geom)(struct FN(fgeom) *g)
{
  /* several ranges per thread: tiles of different classes differ in cost */
  dlv_parallel_for(FN(for_classes)(g, NULL, NULL),
                   DLV_CONV3D_FAST_TILE_RANGES, FN(fast_fwd_range), g);
}

/* NR for oc output channels (dlv_conv3d_fast_tile). */
static size_t FN(fast_nr)(size_t oc)
{
  size_t nr, mr;
  dlv_conv3d_fast_tile(oc, VW == DLV_CONV3D_FAST_LANES_S, &nr, &mr);
  return nr;
}

/* Packs the (K, oc) matrix src (leading dimension ld) into panels. */
static void FN(pack_panels)(size_t k, size_t oc, size_t nr,
                            const REAL *src, size_t ld, REAL *panels)
{
  size_t nct = (oc + nr - 1) / nr;
  for (size_t ct = 0; ct < nct; ct++)
    for (size_t kk = 0; kk < k; kk++)
      for (size_t j = 0; j < nr; j++) {
        size_t c = ct * nr + j;
        panels[(ct * k + kk) * nr + j] = c < oc ? src[kk * ld + c] : 0;
      }
}

void FN(dlv__conv3d_avx512_fwd)(const struct dims *d, const REAL *l1,
                                const REAL *f, REAL *l2, REAL *work)
{
  size_t nr = FN(fast_nr)(d->c);
  FN(pack_panels)(d->k, d->c, nr, f, d->c, work);
  struct FN(fgeom) g = {l1,   d->h1, d->w1, d->t1, d->cp, d->b, d->h, d->w,
                        d->t, d->u,  d->v,  d->z,  d->c,  0,    work, nr,
                        l2};
  FN(fast_fwd_geom)(&g);
}

/* G zero-padded by U-1, V-1, Z-1 on each side: gp is (B, ph, pw, pt, C).
 * Split between threads by slabs gp[b, xp] (memory-bound: serial, it was
 * 8% of the pass on S2 and S3, which capped 2 threads below 1.85x). */
struct FN(padjob) {
  const struct dims *d;
  const REAL *g2;
  REAL *gp;
  size_t ph, pw, pt;
};

static void FN(pad_slabs)(void *arg, size_t lo, size_t hi)
{
  const struct FN(padjob) *j = arg;
  const struct dims *d = j->d;
  size_t slab = j->pw * j->pt * d->c, run = d->t * d->c;
  for (size_t r = lo; r < hi; r++) { /* r = b ph + xp */
    REAL *dst = j->gp + r * slab;
    memset(dst, 0, slab * sizeof *dst);
    size_t b = r / j->ph, xp = r % j->ph;
    if (xp < d->u - 1 || xp - (d->u - 1) >= d->h)
      continue; /* a padding slab */
    for (size_t y = 0; y < d->w; y++)
      memcpy(dst + ((y + d->v - 1) * j->pt + d->z - 1) * d->c,
             j->g2 + l2_at(d, b, xp - (d->u - 1), y, 0, 0),
             run * sizeof *dst);
  }
}

/* Input gradient: G zero-padded into work, the flipped and transposed
 * filter packed after it. */
void FN(dlv__conv3d_avx512_bwd_input)(const struct dims *d,
                                      const REAL *f, const REAL *g2,
                                      REAL *g1, REAL *work)
{
  size_t ph = d->h + 2 * (d->u - 1), pw = d->w + 2 * (d->v - 1),
         pt = d->t + 2 * (d->z - 1);
  size_t npad = d->b * ph * pw * pt * d->c;
  REAL *gp = work, *panels = work + npad;
  struct FN(padjob) pj = {d, g2, gp, ph, pw, pt};
  dlv_parallel_for(d->b * ph, DLV_CONV3D_FAST_PAD_RANGES, FN(pad_slabs),
                   &pj);
  /* flipped filter as a (U V Z C, C') matrix: row (u, v, z, c), column c'
   * = F[U-1-u, V-1-v, Z-1-z, c', c]; packed column by column. */
  size_t nr = FN(fast_nr)(d->cp), kf = d->u * d->v * d->z * d->c;
  size_t nct = (d->cp + nr - 1) / nr;
  for (size_t ct = 0; ct < nct; ct++)
    for (size_t u = 0; u < d->u; u++)
      for (size_t v = 0; v < d->v; v++)
        for (size_t z = 0; z < d->z; z++)
          for (size_t c = 0; c < d->c; c++) {
            size_t kk = ((u * d->v + v) * d->z + z) * d->c + c;
            REAL *dst = panels + (ct * kf + kk) * nr;
            for (size_t j = 0; j < nr; j++) {
              size_t cp = ct * nr + j;
              dst[j] = cp < d->cp ? f[f_at(d, d->u - 1 - u, d->v - 1 - v,
                                           d->z - 1 - z, cp, c)]
                                  : 0;
            }
          }
  struct FN(fgeom) g = {gp,   ph,   pw,   pt,    d->c, d->b,   d->h1, d->w1,
                        d->t1, d->u, d->v, d->z, d->cp, 1,     panels, nr,
                        g1};
  FN(fast_fwd_geom)(&g);
}

/* Filter gradient: the task list is (u v, row tile, channel tile). */
struct FN(bfjob) {
  const struct dims *d;
  const REAL *l1, *g2;
  REAL *gf;
  size_t nr, mr, ntr, nct; /* tile sizes; row tiles per run; channel tiles */
};

/* Every task in [lo, hi) over the positions pos[0 .. np) (L1 origins),
 * G rows from g. */
static void FN(bf_tasks)(const struct FN(bfjob) *jb, size_t lo, size_t hi,
                         size_t *pos, size_t np, const REAL *g, int first)
{
  const struct dims *d = jb->d;
  size_t kj = d->z * d->cp;
  size_t posk[DLV_CONV3D_FAST_NB];
  for (size_t task = lo; task < hi; task++) {
    size_t ct = task % jb->nct, tr = task / jb->nct % jb->ntr,
           uv = task / jb->nct / jb->ntr;
    size_t u = uv / d->v, v = uv % d->v, j0 = tr * jb->mr;
    size_t nrows = kj - j0 < jb->mr ? kj - j0 : jb->mr;
    size_t c0 = ct * jb->nr, ncols = d->c - c0 < jb->nr ? d->c - c0 : jb->nr;
    size_t koff = l1_at(d, 0, u, v, 0, 0) + j0;
    for (size_t i = 0; i < np; i++)
      posk[i] = pos[i] + koff;
    REAL *out = jb->gf + (uv * kj + j0) * d->c + c0;
    if (nrows == jb->mr && jb->mr == MR_W)
      FN(mk_bf_wide)(jb->l1, posk, np, g + c0, d->c, ncols, out, d->c, first);
    else if (nrows == jb->mr)
      FN(mk_bf_narrow)(jb->l1, posk, np, g + c0, d->c, ncols, out, d->c,
                       first);
    else /* the run's last rows, one at a time (rows beyond the run would
          * read past it) */
      for (size_t r = 0; r < nrows; r++, out += d->c) {
        for (size_t i = 0; i < np; i++)
          posk[i] = pos[i] + koff + r;
        if (jb->mr == MR_W)
          FN(mk_bf_1_wide)(jb->l1, posk, np, g + c0, d->c, ncols, out, d->c,
                           first);
        else
          FN(mk_bf_1_narrow)(jb->l1, posk, np, g + c0, d->c, ncols, out,
                             d->c, first);
      }
  }
}

static void FN(fast_bf_range)(void *arg, size_t lo, size_t hi)
{
  const struct FN(bfjob) *jb = arg;
  const struct dims *d = jb->d;
  size_t pos[DLV_CONV3D_FAST_NB];
  for (size_t n0 = 0; n0 < d->n; n0 += DLV_CONV3D_FAST_NB) {
    size_t np =
        d->n - n0 < DLV_CONV3D_FAST_NB ? d->n - n0 : DLV_CONV3D_FAST_NB;
    for (size_t i = 0; i < np; i++) {
      size_t n = n0 + i, t = n % d->t, y = n / d->t % d->w,
             x = n / d->t / d->w % d->h, b = n / d->t / d->w / d->h;
      pos[i] = l1_at(d, b, x, y, t, 0);
    }
    FN(bf_tasks)(jb, lo, hi, pos, np, jb->g2 + n0 * d->c, n0 == 0);
  }
}

void FN(dlv__conv3d_avx512_bwd_filter)(const struct dims *d,
                                       const REAL *l1, const REAL *g2,
                                       REAL *gf)
{
  size_t nr, mr, kj = d->z * d->cp;
  dlv_conv3d_fast_tile(d->c, VW == DLV_CONV3D_FAST_LANES_S, &nr, &mr);
  struct FN(bfjob) jb = {d, l1, g2, gf, nr, mr, (kj + mr - 1) / mr,
                         (d->c + nr - 1) / nr};
  /* one range per thread: each range walks all positions, reading L1 and
   * G again (measured: 4 ranges per thread scaled 1.4-1.8x on 2 threads
   * against 1.5-2.0x) */
  dlv_parallel_for(d->u * d->v * jb.ntr * jb.nct, DLV_CONV3D_FAST_BF_RANGES,
                   FN(fast_bf_range), &jb);
}
#undef MR_W
#undef NV_W
#undef MR_N
#undef NV_N
#undef MR_MAX
#undef NV_MAX

#undef FN
#undef CAT
#undef CAT_
