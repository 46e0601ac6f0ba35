/* conv3d_lowp.c: conv3d with bf16 or fp16 operands and float accumulation
 * (conv3d_lowp.h states the orders, storage and rounding).
 *
 * bf16: the three passes are one "pair GEMM" on packed operands,
 *   out[r][c] = chain over taps t, then pairs j < np, of
 *               vdpbf16ps(A pair at a + rowbase[r] + tapoff[t] + astep j,
 *                         B pair bp[(t np + j) ocp + c]),
 * A read as 32-bit words (the even element low: vdpbf16ps's element 0;
 * forward and input gradient: pairs of adjacent channels, astep = 2;
 * filter gradient: pair words packed along t, astep = 2 C'), B packed with
 * the pairs interleaved and its channels padded with zeros to a whole
 * number of tiles.  The packing writes every pattern of its buffers (the
 * buffers are reused between calls, not zeroed).  The input gradient reads
 * G unpadded: its rows are grouped by live class (the rows whose taps read
 * G are the same) and no tile spans two classes, so a tile runs exactly
 * its rows' live taps (class_tiles, tile_rows).  Every element's chain
 * is the same whichever path or thread computes it. */
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conv3d.h"
#include "conv3d_lowp.h"
#include "dlv_status.h"
#include "lowp.h"
#include "parallel.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define LP_HAVE_AVX512 1
#else
#define LP_HAVE_AVX512 0
#endif

_Static_assert(DLV_CONV3D_LOWP_PAIR == 2, "vdpbf16ps takes pairs");
_Static_assert(DLV_CONV3D_LOWP_LANES == 16, "one zmm of float lanes");

/* The taps a tile runs: the box lo <= i < hi of the tap grid (pgemm.tn),
 * in the order of the flat index tap = (i0 tn[1] + i1) tn[2] + i2. */
typedef struct {
  size_t lo[3], hi[3];
} tapbox;

typedef struct {
  size_t lo, hi;
} span;

/* A live class of the input gradient's rows: the positions (b, x, y, t)
 * of G1 with b in `batches` (a block of them: class_batches) and x, y, t
 * in s[0] x s[1] x s[2], in grid order (t fastest), rows start, start +
 * 1, ..; live: the taps that read G for every one of them (the others
 * read G's zero padding). */
typedef struct {
  size_t start;
  span batches, s[3];
  tapbox live;
} rowclass;

/* A row tile of the input gradient: n rows of class k, the first row r0
 * (tiles never span two classes). */
typedef struct {
  size_t r0, n, k;
} classtile;

typedef struct {
  const uint16_t *a;     /* A operand (bf16 patterns) */
  /* row r reads A at a + rowbase[r] (m entries; negative: an input
   * gradient's row at G's border, whose live taps' offsets bring it
   * inside G) and writes out + rowout[r] (rowout NULL: out + r oc) */
  const ptrdiff_t *rowbase;
  const size_t *rowout;
  const ptrdiff_t *tapoff; /* ntaps entries */
  size_t ntaps, np;      /* the reduction: ntaps x np pairs */
  size_t astep;          /* A: patterns from one pair to the next */
  const uint32_t *bp;    /* packed B: ntaps np rows of ocp pair words */
  size_t oc, ocp;        /* output channels, padded to a multiple of nr */
  float *out;            /* output rows of oc, row-major */
  size_t m, mr, nr;      /* rows, tile rows, tile channels */
  size_t nb;             /* taps per chunk of the reduction */
  size_t tn[3];          /* the taps as a grid: tn[0] tn[1] tn[2] = ntaps */
  /* Rows by live class (input gradient; else cls NULL): A is G itself,
   * unpadded; G1's row (b, x, y, t) reads its class's live taps (i0, i1,
   * i2) at G's point (x + i0 - (tn[0] - 1), ..), which lies in G
   * (class_row_tables).  The row tiles: ctile[0 .. ntiles - 1] (else
   * ctile NULL: row tile rt is rows rt mr .. rt mr + mr - 1, fewer at the
   * end). */
  const rowclass *cls;
  size_t ncls;
  const classtile *ctile;
  size_t ntiles;
  /* 1: the AVX512 tiles store the output with non-temporal (streaming)
   * stores, past the caches (stream_output says when) */
  int stream;
  /* threads: the parallel region's (dlv_get_threads() when the pass
   * began).  The copies of the packed operands (lp_copies): slot s of
   * the region reads A at a + s copy_a and B at bp + s copy_b; copy_b 0:
   * one copy, which the threads pack together; copy_a 0: A read in place
   * or made before the region */
  size_t threads, copy_a, copy_b;
} pgemm;

/* The n rows of one row tile: row i reads tap t's A at a + base[i] +
 * tapoff[t] and writes out[i]. */
enum { LP_MR_MAX = DLV_CONV3D_LOWP_MR_NARROW };
_Static_assert(DLV_CONV3D_LOWP_MR_WIDE <= LP_MR_MAX, "tile rows fit");

typedef struct {
  size_t n;
  const ptrdiff_t *base; /* n entries of pgemm.rowbase */
  float *out[LP_MR_MAX];
} tilerows;

static uint32_t word_at(const uint16_t *p)
{
  uint32_t w;
  memcpy(&w, p, sizeof w); /* little endian: p[0] low, the even element */
  return w;
}

static uint32_t pair_word(uint16_t even, uint16_t odd)
{
  return (uint32_t)even | (uint32_t)odd << 16;
}

/* ---- the portable path: the measured model, element by element ---------- */

/* Flat index of tap (i0, i1, i2). */
static size_t tap_index(const pgemm *g, size_t i0, size_t i1, size_t i2)
{
  return (i0 * g->tn[1] + i1) * g->tn[2] + i2;
}

static float chain_portable(const pgemm *g, const tilerows *tr, size_t i,
                            size_t c, const tapbox *x, float acc)
{
  for (size_t i0 = x->lo[0]; i0 < x->hi[0]; i0++)
    for (size_t i1 = x->lo[1]; i1 < x->hi[1]; i1++)
      for (size_t i2 = x->lo[2]; i2 < x->hi[2]; i2++) {
        size_t tap = tap_index(g, i0, i1, i2);
        const uint16_t *ap = g->a + (tr->base[i] + g->tapoff[tap]);
        const uint32_t *b = g->bp + tap * g->np * g->ocp + c;
        for (size_t j = 0; j < g->np; j++) {
          uint32_t aw = word_at(ap + g->astep * j), bw = b[j * g->ocp];
          acc = dlv_bf16_dot2_model(acc, (dlv_bf16){(uint16_t)aw},
                                    (dlv_bf16){(uint16_t)bw},
                                    (dlv_bf16){(uint16_t)(aw >> 16)},
                                    (dlv_bf16){(uint16_t)(bw >> 16)});
        }
      }
  return acc;
}

static void tile_portable(const pgemm *g, const tilerows *tr, size_t c0,
                          const tapbox *x, int first)
{
  size_t c1 = c0 + g->nr < g->oc ? c0 + g->nr : g->oc;
  for (size_t i = 0; i < tr->n; i++)
    for (size_t c = c0; c < c1; c++) {
      float *o = tr->out[i] + c;
      *o = chain_portable(g, tr, i, c, x, first ? 0.0f : *o);
    }
}

/* ---- the AVX512-BF16 path -------------------------------------------------- */

#if LP_HAVE_AVX512
#define LP_TARGET __attribute__((target("avx512f,avx512bw,avx512bf16")))

/* The lanes of channels c .. c+15 that exist. */
LP_TARGET static __mmask16 lane_mask(const pgemm *g, size_t c)
{
  size_t left = c < g->oc ? g->oc - c : 0;
  return left >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << left) - 1u);
}

/* Stores x to the lanes of channels c .. c+15 that exist, at o; streamed
 * (g->stream): every vector is whole or empty (oc a multiple of 16), o
 * 64-byte aligned. */
LP_TARGET static inline void store_lanes(const pgemm *g, float *o, size_t c,
                                         __m512 x)
{
  if (!g->stream)
    _mm512_mask_storeu_ps(o, lane_mask(g, c), x);
  else if (c < g->oc)
    _mm512_stream_ps(o, x);
}

/* Stores the tile's accumulators acc[r][v] (MR rows, NV vectors) to
 * channels c0 + 16 v of tr's output rows (store_lanes); streamed with
 * every vector whole, g read once: a store through float * may alias g,
 * and re-reading it at each store cost 0.7-1.2% of S1's input gradient
 * (same-process A/B). */
#define store_tile(g, tr, c0, MR, NV, acc)                                   \
  do {                                                                       \
    if ((g)->stream && (c0) + 16 * (NV) <= (g)->oc) {                        \
      _Pragma("GCC unroll 16") for (int r_ = 0; r_ < MR; r_++)               \
          _Pragma("GCC unroll 4") for (int v_ = 0; v_ < NV; v_++)            \
              _mm512_stream_ps((tr)->out[r_] + (c0) + 16 * v_, acc[r_][v_]); \
    } else {                                                                 \
      _Pragma("GCC unroll 16") for (int r_ = 0; r_ < MR; r_++)               \
          _Pragma("GCC unroll 4") for (int v_ = 0; v_ < NV; v_++)            \
              store_lanes(g, (tr)->out[r_] + (c0) + 16 * v_, (c0) + 16 * v_, \
                          acc[r_][v_]);                                      \
    }                                                                        \
  } while (0)

/* The first tap of box x's offset (x not empty). */
static size_t box_offset(const pgemm *g, const tapbox *x)
{
  return g->tapoff[tap_index(g, x->lo[0], x->lo[1], x->lo[2])];
}

static int box_empty(const tapbox *x)
{
  return x->lo[0] >= x->hi[0] || x->lo[1] >= x->hi[1] || x->lo[2] >= x->hi[2];
}

/* The AVX512 tiles prefetch the next tap's A lines (prefetch_next_tap)
 * when a tap runs at least LP_PREFETCH_PAIRS pair steps.  The hardware
 * prefetchers follow B and each row's line within a tap, not the jump of
 * the 14 rows to the next tap's lines: prefetched one tap ahead, S1's
 * input gradient ran 1.5-2.3% faster (1 thread) and 1.6-2.0% (2
 * threads), S2's filter gradient (7 pairs a tap) 1.4%, S3's input
 * gradient 0.9%, the other passes within +-1% (same-process A/B, bitwise
 * equal); on every tap, S1's filter gradient (3 pairs a tap) was 5.3%
 * slower.  The next tap exactly (the box's order) gained less (0.2-0.9%
 * at S1's input gradient: its carries cost what the border classes'
 * prefetches gain), and so did prefetching the next row tile's first
 * tap as well (0.6-1.2%). */
enum { LP_PREFETCH_PAIRS = 4 };

/* Prefetches into L1 the first A line that each of the nrows rows
 * (pointers at tap offset off0) reads at the tap after `tap` in flat
 * order: the next tap of the box but at its ends (a hint: addresses are
 * formed as integers, and a prefetch never faults).  The offset is
 * formed as the tap loop forms its own: a signed form made GCC keep 45
 * more stack slots in tile_14x2 and S1's filter gradient 4-6% slower. */
LP_TARGET static inline void prefetch_next_tap(const pgemm *g, size_t tap,
                                               size_t off0,
                                               const uint16_t *const *row,
                                               int nrows)
{
  size_t next = tap + 1 < g->ntaps ? tap + 1 : tap;
  size_t off = g->tapoff[next] - off0;
  for (int r = 0; r < nrows; r++)
    _mm_prefetch((const char *)((uintptr_t)row[r] + 2 * off), _MM_HINT_T0);
}

/* One tile of the MR rows of tr (tr->n == MR) x NV vectors; accumulators
 * start at +0 (first chunk) or at the stored partial chain (later chunks:
 * float, no rounding).  Every row reads every tap of x in A, from a row
 * pointer set once (at x's first tap, the lowest offset) plus the tap's
 * offset. */
#define LP_TILE(MR, NV, NAME)                                                \
  LP_TARGET static void NAME(const pgemm *g, const tilerows *tr, size_t c0, \
                             const tapbox *x, int first)                     \
  {                                                                          \
    __m512 acc[MR][NV];                                                      \
    _Pragma("GCC unroll 16") for (int r = 0; r < MR; r++)                    \
    {                                                                        \
      float *o = tr->out[r] + c0;                                            \
      _Pragma("GCC unroll 4") for (int v = 0; v < NV; v++) acc[r][v] =       \
          first ? _mm512_setzero_ps()                                        \
                : _mm512_maskz_loadu_ps(lane_mask(g, c0 + 16 * v),           \
                                        o + 16 * v);                         \
    }                                                                        \
    size_t off0 = box_empty(x) ? 0 : box_offset(g, x);                       \
    const uint16_t *row[MR];                                                 \
    _Pragma("GCC unroll 16") for (int r = 0; r < MR; r++) row[r] =           \
        g->a + (tr->base[r] + (ptrdiff_t)off0);                              \
    for (size_t i0 = x->lo[0]; i0 < x->hi[0]; i0++)                          \
      for (size_t i1 = x->lo[1]; i1 < x->hi[1]; i1++)                        \
        for (size_t i2 = x->lo[2]; i2 < x->hi[2]; i2++) {                    \
      size_t tap = tap_index(g, i0, i1, i2);                                 \
      size_t off = g->tapoff[tap] - off0;                                    \
      const uint32_t *b = g->bp + tap * g->np * g->ocp + c0;                 \
      if (g->np >= LP_PREFETCH_PAIRS)                                        \
        prefetch_next_tap(g, tap, off0, row, MR);                            \
      for (size_t j = 0; j < g->np; j++, b += g->ocp, off += g->astep) {     \
        __m512i bv[NV];                                                      \
        _Pragma("GCC unroll 4") for (int v = 0; v < NV; v++) bv[v] =         \
            _mm512_loadu_si512(b + 16 * v);                                  \
        _Pragma("GCC unroll 16") for (int r = 0; r < MR; r++)                \
        {                                                                    \
          __m512i a =                                                        \
              _mm512_set1_epi32((int)word_at(row[r] + off));                 \
          _Pragma("GCC unroll 4") for (int v = 0; v < NV; v++) acc[r][v] =   \
              _mm512_dpbf16_ps(acc[r][v], (__m512bh)a, (__m512bh)bv[v]);     \
        }                                                                    \
      }                                                                      \
    }                                                                        \
    store_tile(g, tr, c0, MR, NV, acc);                                      \
  }

/* The wide tiles (NV 4) of 1 .. 6 rows and the narrow ones (NV 2) of 1 ..
 * 14: a short row tile (the last one; the input gradient's last of each
 * class) runs only its rows. */
#define LP_WIDE(MR) LP_TILE(MR, 4, tile_##MR##x4)
#define LP_NARROW(MR) LP_TILE(MR, 2, tile_##MR##x2)
LP_WIDE(1) LP_WIDE(2) LP_WIDE(3) LP_WIDE(4) LP_WIDE(5) LP_WIDE(6)
LP_NARROW(1) LP_NARROW(2) LP_NARROW(3) LP_NARROW(4) LP_NARROW(5)
LP_NARROW(6) LP_NARROW(7) LP_NARROW(8) LP_NARROW(9) LP_NARROW(10)
LP_NARROW(11) LP_NARROW(12) LP_NARROW(13) LP_NARROW(14)

_Static_assert(DLV_CONV3D_LOWP_MR_WIDE == 6 && DLV_CONV3D_LOWP_NV_WIDE == 4,
               "tile_6x4 is the widest wide tile");
_Static_assert(DLV_CONV3D_LOWP_MR_NARROW == 14 &&
                   DLV_CONV3D_LOWP_NV_NARROW == 2,
               "tile_14x2 is the tallest narrow tile");

typedef void avx_tile_fn(const pgemm *g, const tilerows *tr, size_t c0,
                         const tapbox *x, int first);

/* The tile of tr's rows (1 <= tr->n <= g->mr). */
static void tile_avx(const pgemm *g, const tilerows *tr, size_t c0,
                     const tapbox *x, int first)
{
  static avx_tile_fn *const wide[DLV_CONV3D_LOWP_MR_WIDE] = {
      tile_1x4, tile_2x4, tile_3x4, tile_4x4, tile_5x4, tile_6x4};
  static avx_tile_fn *const narrow[DLV_CONV3D_LOWP_MR_NARROW] = {
      tile_1x2,  tile_2x2,  tile_3x2,  tile_4x2,  tile_5x2,
      tile_6x2,  tile_7x2,  tile_8x2,  tile_9x2,  tile_10x2,
      tile_11x2, tile_12x2, tile_13x2, tile_14x2};
  int is_wide = g->nr == DLV_CONV3D_LOWP_NV_WIDE * DLV_CONV3D_LOWP_LANES;
  avx_tile_fn *tile = is_wide ? wide[tr->n - 1] : narrow[tr->n - 1];
  tile(g, tr, c0, x, first);
}
#endif

/* Orders this thread's streaming stores before what it does next (its
 * part of the parallel region's join). */
static void stream_fence(const pgemm *g)
{
#if LP_HAVE_AVX512
  if (g->stream)
    _mm_sfence();
#else
  (void)g;
#endif
}

typedef void tile_fn(const pgemm *g, const tilerows *tr, size_t c0,
                     const tapbox *x, int first);

static tile_fn *tile_for_isa(void)
{
#if LP_HAVE_AVX512
  if (dlv_lowp_isa() == DLV_LOWP_ISA_AVX512BF16)
    return tile_avx;
#endif
  return tile_portable;
}

static size_t span_len(span s)
{
  return s.hi - s.lo;
}

/* Row tile rt's rows and the taps it runs (x: chunk k's, or its class's
 * live taps). */
static void tile_rows(const pgemm *g, size_t rt, tilerows *tr, tapbox *x)
{
  size_t r0;
  if (g->ctile != NULL) {
    const classtile *t = &g->ctile[rt];
    r0 = t->r0, tr->n = t->n;
    *x = g->cls[t->k].live;
  } else {
    r0 = rt * g->mr;
    tr->n = g->m - r0 < g->mr ? g->m - r0 : g->mr;
  }
  tr->base = g->rowbase + r0;
  for (size_t i = 0; i < tr->n; i++) {
    tr->out[i] = g->out + (g->rowout != NULL ? g->rowout[r0 + i]
                                             : (r0 + i) * g->oc);
  }
}

/* The largest magnitude field |x[i]| (sign cleared) of n patterns: a
 * reduction the compiler vectorizes (the scan reads every operand once;
 * a branch per element cost 14% of the S2 filter gradient). */
static uint16_t max_magnitude(const uint16_t *x, size_t n)
{
  uint16_t m = 0;
  for (size_t i = 0; i < n; i++) {
    uint16_t a = x[i] & 0x7fffu;
    m = a > m ? a : m;
  }
  return m;
}

/* A pass's two operands, na and nb patterns of the format whose exponent
 * field mask is exp (above it NaNs, at it +-Inf). */
typedef struct {
  const uint16_t *a, *b;
  size_t na, nb;
  uint16_t exp;
} operands;

/* A NaN in either operand: DLV_ENAN; else an Inf: DLV_EDOM. */
static int operands_ok(const operands *o)
{
  uint16_t ma = max_magnitude(o->a, o->na), mb = max_magnitude(o->b, o->nb);
  uint16_t m = ma > mb ? ma : mb;
  return m > o->exp ? DLV_ENAN : m == o->exp ? DLV_EDOM : DLV_OK;
}

/* The reduction's work queue.  Item (k, rt) = row tile rt over chunk k
 * of the reduction (taps k nb .. k nb + nb - 1), every channel tile.  The
 * row tiles are cut into one share per thread (contiguous tiles); a
 * share's items are handed out in chunk-major order, a piece of up to
 * `grain` row tiles of one chunk at a time (piece_len), from the share's
 * own counter: first to its owner, then to any thread that has run out
 * of its own.  Item
 * (k, rt) starts once done[rt] == k (row tile rt has run chunks 0 .. k -
 * 1) and sets done[rt] = k + 1: each tile's chain runs its chunks in
 * order whichever threads run them.  The threads work on one chunk at
 * about the same time, so its packed operands come from memory once per
 * thread and stay in cache across its row tiles.  (Ranges of row tiles
 * each running every chunk re-read all of the packed B and their part of
 * A once per range: about 1 ms a range at S2's filter gradient, which
 * made 2 threads with 8 ranges each slower than 1.)  Waits cannot
 * deadlock: within a share, the earliest unfinished item's predecessor
 * was handed out before it, so it is finished or running. */
/* A packing loop run first, in the same parallel region (one fork-join a
 * call: starting threads cost 25 us each on a quiet 2-core VM, 0.4-0.6 ms
 * when the other vCPU is busy, against S1 passes of about 1 ms): fn(arg,
 * copy, lo, hi) over [0, n) writes indices lo .. hi - 1 of copy `copy` of
 * its packed operand (pgemm.copy_a, copy_b); one copy: in pieces of grain
 * indices, by every thread. */
typedef void pack_fn(const void *arg, size_t copy, size_t lo, size_t hi);

typedef struct {
  pack_fn *fn;
  const void *arg;
  size_t n, grain;
} pack_phase;

enum { MAX_PHASES = 2 };

/* The row tiles one thread owns, tiles t0 .. t1 - 1, handed out chunk by
 * chunk in pieces (piece_len) from its own counter (on a cache line of
 * its own); any thread may take them, the owner first.  Item chunk k,
 * tile t0 + i is number k (t1 - t0) + i. */
typedef struct {
  _Alignas(64) atomic_size_t next; /* first item not handed out */
  size_t t0, t1;
} tile_share;

enum { MAX_SHARES = 64 };

typedef struct {
  const pgemm *g;
  tile_fn *tile;
  size_t nchunks, grain; /* grain: the longest piece, in row tiles */
  size_t taper;          /* piece_len: twice the threads */
  pack_phase phase[MAX_PHASES]; /* packing: pieces before all */
  size_t nphases, pack_pieces;
  atomic_size_t packed;   /* packing pieces finished */
  atomic_size_t pack_next; /* first packing piece not handed out */
  size_t nshares;
  tile_share share[MAX_SHARES];
  atomic_size_t *done; /* row tiles: chunks finished */
  /* the operands' scan (pgemm_worker): its result, then scanned = 1 */
  const operands *scan;
  int scan_status;
  atomic_size_t scanned;
} pgemm_queue;

enum { SPIN_NS = 50000, SLEEP_NS = 20000, SPINS_PER_CLOCK = 64 };

static long long now_ns(void)
{
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (long long)t.tv_sec * 1000000000 + t.tv_nsec;
}

/* Waits until *count reaches k: spins for up to 50 us, then sleeps 20 us
 * at a time.  The thread that holds the work waited for may have been
 * descheduled, possibly onto this thread's CPU when the other is busy:
 * spinning, even with sched_yield, then held it off for whole time slices
 * (S1 filter gradient, 2 threads, other vCPU busy: 12 ms a call against
 * 1.5 ms on 1 thread); sleeping lets it run.  But a sleep of 20 us lasts
 * 50-100 on this VM, and most waits are shorter than that (a packing
 * piece, a row tile's previous chunk): S1's input gradient on 2 threads
 * spent 45-65 us a call asleep waiting for the packing after 64 spins
 * (rdtsc around the wait), 1 us spinning for up to 50 us. */
static void wait_for(atomic_size_t *count, size_t k)
{
  long long t0 = 0;
  for (unsigned spin = 0;
       atomic_load_explicit(count, memory_order_acquire) < k; spin++) {
    if (spin % SPINS_PER_CLOCK != 0)
      continue;
    long long t = now_ns();
    if (t0 == 0)
      t0 = t;
    else if (t - t0 >= SPIN_NS)
      nanosleep(&(struct timespec){0, SLEEP_NS}, NULL);
  }
}

/* Packing piece i (i < pack_pieces). */
static void run_pack_piece(pgemm_queue *q, size_t i)
{
  const pack_phase *ph = q->phase;
  for (; i >= (ph->n + ph->grain - 1) / ph->grain; ph++)
    i -= (ph->n + ph->grain - 1) / ph->grain;
  size_t lo = i * ph->grain;
  size_t hi = ph->n - lo < ph->grain ? ph->n : lo + ph->grain;
  ph->fn(ph->arg, 0, lo, hi);
  atomic_fetch_add_explicit(&q->packed, 1, memory_order_release);
}

/* Row tile rt over chunk k, every channel tile, on g (this thread's copy
 * of the packed operands). */
static void run_item(const pgemm_queue *q, const pgemm *g, size_t k,
                     size_t rt)
{
  size_t t0 = k * g->nb, t1 = t0 + g->nb < g->ntaps ? t0 + g->nb : g->ntaps;
  /* a chunked reduction is a flat run of taps (tn = 1, 1, ntaps) */
  tapbox x = {{0, 0, t0}, {g->tn[0], g->tn[1], t1}};
  tilerows tr;
  tile_rows(g, rt, &tr, &x);
  for (size_t c0 = 0; c0 < g->oc; c0 += g->nr)
    q->tile(g, &tr, c0, &x, k == 0);
}

/* The length of the piece that starts at item pos of a share (len row
 * tiles a chunk, total items): grain row tiles, fewer near the share's
 * end, down to one (at most a taper-th of the items left: guided
 * scheduling), and never past the end of pos's chunk.  (With pieces of
 * grain tiles, S1's forward on 2 threads ended 40 us apart, median, with
 * pieces of 80 us; guided, 6-8% faster, the filter gradient 3-4%, the
 * input gradient 1-2%, S2 and S3's passes 2-5%: same process,
 * alternating.) */
static size_t piece_len(const pgemm_queue *q, size_t len, size_t total,
                        size_t pos)
{
  size_t left = (total - pos) / q->taper;
  size_t n = left < 1 ? 1 : left < q->grain ? left : q->grain;
  size_t chunk_left = len - pos % len;
  return n < chunk_left ? n : chunk_left;
}

/* Takes the next piece (chunk k, tiles rt0 .. rt1 - 1) of share sh; 0
 * when it has none left.  Items are handed out in chunk-major order. */
static int take_piece(pgemm_queue *q, tile_share *sh, size_t *k, size_t *rt0,
                      size_t *rt1)
{
  size_t len = sh->t1 - sh->t0, total = q->nchunks * len, n;
  size_t pos = atomic_load_explicit(&sh->next, memory_order_relaxed);
  do {
    if (pos >= total)
      return 0;
    n = piece_len(q, len, total, pos);
  } while (!atomic_compare_exchange_weak(&sh->next, &pos, pos + n));
  dlv_parallel_jitter();
  *k = pos / len;
  *rt0 = sh->t0 + pos % len;
  *rt1 = *rt0 + n;
  return 1;
}

/* Runs the pieces of share sh on g (this thread's) until none is left. */
static void run_share(pgemm_queue *q, const pgemm *g, tile_share *sh)
{
  size_t k, rt0, rt1;
  while (take_piece(q, sh, &k, &rt0, &rt1))
    for (size_t rt = rt0; rt < rt1; rt++) {
      wait_for(&q->done[rt], k);
      run_item(q, g, k, rt);
      atomic_store_explicit(&q->done[rt], k + 1, memory_order_release);
    }
}

/* Slot 0 scans the operands (q->scan) and publishes the result (in the
 * scheduling test mode, late one time in two, as after a long scan:
 * every other thread must wait for it before its tiles). */
static void scan_operands(pgemm_queue *q)
{
  dlv_parallel_jitter_hold();
  q->scan_status = operands_ok(q->scan);
  atomic_store_explicit(&q->scanned, 1, memory_order_release);
}

/* Whether a share has items not yet handed out. */
static int items_left(pgemm_queue *q)
{
  for (size_t j = 0; j < q->nshares; j++) {
    const tile_share *sh = &q->share[j];
    if (atomic_load_explicit(&sh->next, memory_order_relaxed) <
        q->nchunks * (sh->t1 - sh->t0))
      return 1;
  }
  return 0;
}

/* One copy of the packed operands for all threads: takes packing pieces
 * until none is left, then waits for them all. */
static void pack_together(pgemm_queue *q)
{
  for (;;) {
    size_t piece = atomic_fetch_add(&q->pack_next, 1);
    dlv_parallel_jitter();
    if (piece >= q->pack_pieces)
      break;
    run_pack_piece(q, piece);
  }
  wait_for(&q->packed, q->pack_pieces);
}

/* Whether the scan has finished and found an operand not finite. */
static int scan_failed(pgemm_queue *q)
{
  return atomic_load_explicit(&q->scanned, memory_order_acquire) != 0 &&
         q->scan_status != DLV_OK;
}

/* A copy per thread: packs copy `copy` whole, phase by phase, unless
 * every item has been handed out (the slot has no work: a worker that
 * joined late, or the caller running a slot no worker took) or the scan
 * has failed (no tile will run).  A slot that stops early takes no item:
 * items_left only turns false, and the scan's result only fails the
 * call. */
static void pack_own_copy(pgemm_queue *q, size_t copy)
{
  for (size_t i = 0; i < q->nphases; i++) {
    if (!items_left(q) || scan_failed(q))
      return;
    q->phase[i].fn(q->phase[i].arg, copy, 0, q->phase[i].n);
  }
}

/* Slot `slot` (one per thread): slot 0 scans the operands first (the
 * caller's, unless a worker takes the first slot before it); then each
 * packs (pack_together, or its own copy, which its tiles then read),
 * waits for the scan, and unless an operand is not finite (nothing is
 * written) runs its own share (slot mod nshares) and then the others'.
 * The scan on one thread overlaps the other threads' wake and their
 * packing (it ran on the caller before the fork: S1 on 2 threads, same
 * process alternating, operands cold or after 3 ms asleep, the forward
 * is 1-3% faster, the filter gradient 2-4%, the input gradient 1-2%;
 * split into pieces of the packing, no faster than on slot 0 alone in
 * the same runs, and slower in the bench's round robin at 228961b:
 * entry).  A row tile's chunks run on
 * its owner's thread unless another one has run out of work: its
 * partial sums stay in that core's cache (2 threads sharing the tiles
 * chunk by chunk passed them between the cores: S1's filter gradient
 * was no faster on 2 threads than on 1). */
static void pgemm_worker(void *arg, size_t slot, size_t hi)
{
  (void)hi; /* one slot per range: dlv_parallel_for(threads, 1, ..); should
              * the thread count drop during the call, a range holds
              * several slots and slot `slot` does their work */
  pgemm_queue *q = arg;
  if (slot == 0)
    scan_operands(q);
  pgemm mine = *q->g; /* this slot's copy of the packed operands */
  if (q->g->copy_b == 0)
    pack_together(q);
  else {
    mine.a += slot * q->g->copy_a, mine.bp += slot * q->g->copy_b;
    pack_own_copy(q, slot);
  }
  wait_for(&q->scanned, 1);
  if (q->scan_status != DLV_OK)
    return;
  for (size_t i = 0; i < q->nshares; i++)
    run_share(q, &mine, &q->share[(slot + i) % q->nshares]);
  stream_fence(q->g);
}

/* The tile of an output with oc channels (conv3d_lowp.h). */
static void pick_tile(pgemm *g)
{
  int wide = g->oc >= DLV_CONV3D_LOWP_NV_WIDE * DLV_CONV3D_LOWP_LANES;
  g->nr = (size_t)(wide ? DLV_CONV3D_LOWP_NV_WIDE : DLV_CONV3D_LOWP_NV_NARROW) *
          DLV_CONV3D_LOWP_LANES;
  g->mr = wide ? DLV_CONV3D_LOWP_MR_WIDE : DLV_CONV3D_LOWP_MR_NARROW;
  g->ocp = (g->oc + g->nr - 1) / g->nr * g->nr;
  g->ntiles = (g->m + g->mr - 1) / g->mr;
}

/* Whether g's tiles stream their output (non-temporal stores: no read
 * for ownership of output lines, no eviction of the operands): on the
 * AVX512-BF16 path, when each output element is stored once (one chunk
 * of the reduction: the tile never reloads it), the output 64-byte
 * aligned and its rows whole vectors (oc a multiple of 16, so every
 * stored line is whole).  At S1's input gradient (2 MB of output, caches
 * cold as in the bench's round robin) the tiles took 1.39-1.40 ms
 * instead of 1.59-1.63 (best of 40); warm, no change. */
static int stream_output(const pgemm *g)
{
  return tile_for_isa() != tile_portable && g->nb >= g->ntaps &&
         g->oc % DLV_CONV3D_LOWP_LANES == 0 && (uintptr_t)g->out % 64 == 0;
}

/* Scans the operands (DLV_ENAN, DLV_EDOM: nothing written) and runs the
 * nphases (<= MAX_PHASES) packing loops (fn, arg, n of each set;
 * independent of each other), then g, on up to g->threads threads;
 * done: row tiles entries.  Returns the scan's status. */
static int pgemm_run(const pgemm *g, atomic_size_t *done,
                     const pack_phase *phases, size_t nphases,
                     const operands *scan)
{
  size_t ntiles = g->ntiles;
  size_t nt = g->threads;
  size_t per_chunk = nt * DLV_CONV3D_LOWP_RANGES;
  pgemm gs = *g;
  gs.stream = stream_output(g);
  pgemm_queue q = {.g = &gs, .tile = tile_for_isa(),
                   .nchunks = (g->ntaps + g->nb - 1) / g->nb,
                   .grain = (ntiles + per_chunk - 1) / per_chunk,
                   .nphases = nphases, .done = done, .taper = 2 * nt,
                   .scan = scan};
  /* shares keep partial sums on one core; with one chunk there are none,
   * and one share hands the light border tiles of the input gradient out
   * last, which evens the threads' ends (S2's input gradient, 2 threads:
   * 3.5% faster than 2 shares, same-process A/B) */
  q.nshares = nt < ntiles ? nt : ntiles;
  q.nshares = q.nshares < MAX_SHARES ? q.nshares : MAX_SHARES;
  /* the scheduling test mode makes about one call in two one share: the
   * threads then take each row tile's chunks in turn */
  if (q.nchunks == 1 || dlv_parallel_jitter_pick(2) == 1)
    q.nshares = 1;
  for (size_t j = 0; j < q.nshares; j++) {
    tile_share *sh = &q.share[j];
    sh->t0 = ntiles * j / q.nshares, sh->t1 = ntiles * (j + 1) / q.nshares;
    atomic_init(&sh->next, 0);
  }
  for (size_t i = 0; i < nphases; i++) {
    q.phase[i] = phases[i];
    /* pieces as the fork-join loop cuts ranges (parallel.h) */
    size_t n = phases[i].n;
    q.phase[i].grain = n > per_chunk ? (n + per_chunk - 1) / per_chunk : 1;
    q.pack_pieces += (n + q.phase[i].grain - 1) / q.phase[i].grain;
  }
  atomic_init(&q.packed, 0);
  atomic_init(&q.pack_next, 0);
  for (size_t rt = 0; rt < ntiles; rt++)
    atomic_init(&done[rt], 0);
  atomic_init(&q.scanned, 0);
  dlv_parallel_for(nt, 1, pgemm_worker, &q);
  return q.scan_status;
}

/* ---- shapes and packing ------------------------------------------------------ */

typedef struct {
  dlv_conv3d_shape s;
  size_t b, h, w, t, c, cp, u, v, z;
  size_t h1, w1, t1;
  size_t n_l1, n_f, n_l2;
} dims;

static int make_dims(const dlv_conv3d_shape *s, dims *d)
{
  int st = dlv_conv3d_sizes(s, &d->n_l1, &d->n_f, &d->n_l2);
  if (st != DLV_OK)
    return st;
  d->s = *s;
  d->b = s->b, d->h = s->h, d->w = s->w, d->t = s->t, d->c = s->c;
  d->cp = s->cp, d->u = s->u, d->v = s->v, d->z = s->z;
  d->h1 = s->h + s->u - 1, d->w1 = s->w + s->v - 1, d->t1 = s->t + s->z - 1;
  return DLV_OK;
}

/* ---- packing buffers kept between calls ------------------------------------ *
 * Fresh memory costs a page fault per 4 KiB on first touch: on this VM that
 * cost more than the pass itself (S2 filter gradient, 1 thread: 42 ms with
 * reused memory, 122 ms with fresh memory every call).  So each buffer role
 * has a slot holding the last block given back; a call takes the slot's
 * block (atomic exchange: concurrent calls never share one; the one that
 * finds the slot empty allocates) and gives it back at the end (a block
 * already there is freed; after a failed allocation the call frees what
 * it took instead: memory is short, and a retry with less must not find
 * the larger blocks still held).  At most one block per role stays allocated
 * between calls, the largest recently needed; its contents are
 * unspecified when taken, but for what its key says (buf_key). */
enum {
  BUF_A, BUF_B, BUF_ROWS, BUF_TAPS, BUF_PLAN, BUF_DONE, BUF_F1, BUF_F2,
  BUF_WORK, NBUF
};

static _Atomic(unsigned char *) buf_slot[NBUF];

/* a block: its capacity in bytes and its key, then the data */
enum { BUF_HEAD = 128 };

/* What a block's data were made for (the input gradient's plan: its
 * shape): made 0 in a block just allocated; kept while the block is
 * taken and given back. */
typedef struct {
  int made;
  dlv_conv3d_shape shape;
} buf_key;

_Static_assert(sizeof(size_t) + sizeof(buf_key) <= BUF_HEAD,
               "a block's head holds its capacity and key");

static buf_key *buf_key_of(void *p)
{
  return (buf_key *)((unsigned char *)p - BUF_HEAD + sizeof(size_t));
}

/* A buffer of at least bytes bytes, 64-byte aligned, or NULL. */
static void *buf_take(int role, size_t bytes)
{
  unsigned char *blk = atomic_exchange(&buf_slot[role], NULL);
  size_t cap;
  if (blk != NULL) {
    memcpy(&cap, blk, sizeof cap);
    if (cap >= bytes)
      return blk + BUF_HEAD;
    free(blk);
  }
  cap = (bytes + BUF_HEAD - 1) / BUF_HEAD * BUF_HEAD;
  blk = aligned_alloc(BUF_HEAD, BUF_HEAD + cap);
  if (blk == NULL)
    return NULL;
  memcpy(blk, &cap, sizeof cap);
  *buf_key_of(blk + BUF_HEAD) = (buf_key){0};
  return blk + BUF_HEAD;
}

/* Gives block p of `role` back (keep 0: frees it). */
static void buf_give(int role, void *p, int keep)
{
  if (p == NULL)
    return;
  unsigned char *blk = (unsigned char *)p - BUF_HEAD;
  free(keep ? atomic_exchange(&buf_slot[role], blk) : blk);
}

/* The buffers of one bf16 call (given back together). */
typedef struct {
  uint16_t *a;
  uint32_t *bp;
  ptrdiff_t *rowbase;  /* forward, filter gradient: row bases, else NULL */
  ptrdiff_t *tapoff;
  unsigned char *plan; /* input gradient: its plan (plan_parts), else NULL */
  atomic_size_t *done; /* the work queue's count per row tile */
} packed;

/* The input gradient's plan: its live classes and an end mark
 * (live_classes), row tiles (class_tiles) and row tables
 * (class_row_tables), a function of the shape alone, in one block whose
 * key holds the shape it was made for: a call on the shape the block was
 * made for uses it as it is (making it took 1.4% of S1's input gradient,
 * 41K of 2.8M TSC ticks, most of it writing the 256 KB of row tables). */
typedef struct {
  rowclass *cls;
  classtile *ctile;
  ptrdiff_t *rowbase;
  size_t *rowout;
} plan_view;

/* The parts of a plan of ncls classes, at most max_tiles row tiles and m
 * rows at blk (NULL: none), each at a 64-byte multiple; returns the
 * plan's bytes. */
static size_t plan_parts(unsigned char *blk, size_t ncls, size_t max_tiles,
                         size_t m, plan_view *v)
{
  size_t len[4] = {(ncls + 1) * sizeof *v->cls, max_tiles * sizeof *v->ctile,
                   m * sizeof *v->rowbase, m * sizeof *v->rowout};
  void *at[4];
  size_t off = 0;
  for (int i = 0; i < 4; i++) {
    at[i] = blk != NULL ? blk + off : NULL;
    off += (len[i] + 63) / 64 * 64;
  }
  *v = (plan_view){at[0], at[1], at[2], at[3]};
  return off;
}

/* Gives p's buffers back (keep: buf_give). */
static void packed_free(packed *p, int keep)
{
  buf_give(BUF_A, p->a, keep);
  buf_give(BUF_B, p->bp, keep);
  buf_give(BUF_ROWS, p->rowbase, keep);
  buf_give(BUF_TAPS, p->tapoff, keep);
  buf_give(BUF_PLAN, p->plan, keep);
  buf_give(BUF_DONE, p->done, keep);
}

/* The status of a pass whose buffers could not be allocated: the
 * operands' scan first, as when they could (DLV_ENAN, DLV_EDOM), else
 * DLV_ENOMEM. */
static int alloc_failed(const operands *o)
{
  int st = operands_ok(o);
  return st != DLV_OK ? st : DLV_ENOMEM;
}

/* Sets g's copies of the packed operands (pgemm.copy_a, copy_b), of A's
 * a_packed patterns packed in the parallel region and of B: one per
 * thread when A is packed there (a_packed > 0), there are two or more
 * threads and the copies take at most LP_COPIES_BYTES in all; else one
 * for all threads.  Each thread then packs the whole operands (on 2
 * threads twice the packing's work) and its tiles read only what it
 * wrote: with one copy, a thread's tiles read the half the other core
 * packed, and the packing's stores find the lines the other core read in
 * the last call (S1's filter gradient on 2 threads, the cores 450-500 ns
 * apart, separate processes alternating: 1.14-1.38 ms with one copy,
 * 0.82-1.08 with two; S2 2-5% faster, S3 5-8%).  B alone is small: with
 * copies of it, the forward was no faster and the input gradient 1-2%
 * slower (each thread waits for its own packing). */
enum { LP_COPIES_BYTES = 64 << 20 };

static void lp_copies(pgemm *g, size_t a_packed)
{
  size_t a = (a_packed + 31) / 32 * 32; /* 64-byte multiples */
  size_t b = g->ntaps * g->np * g->ocp;
  size_t bytes = a * sizeof(uint16_t) + b * sizeof(uint32_t);
  int each = a_packed > 0 && g->threads >= 2 &&
             bytes <= LP_COPIES_BYTES / g->threads;
  g->copy_a = each ? a : 0, g->copy_b = each ? b : 0;
}

/* Takes p's buffers for g (g->m, mr, ntiles, ntaps, np, ocp, threads and
 * the copies set): an A of na patterns (or its copies), B (or its
 * copies), and row bases (ncls 0) or the plan of ncls row classes,
 * contents unspecified (the packing writes every pattern) but for the
 * plan's (its key). */
static int packed_alloc(packed *p, const pgemm *g, size_t na, size_t ncls)
{
  int by_class = ncls > 0;
  /* the classes' row tiles: at most one short tile per class more */
  size_t tiles = g->ntiles + ncls;
  plan_view none;
  size_t plan_len = plan_parts(NULL, ncls, tiles, g->m, &none);
  size_t copies = g->copy_b != 0 ? g->threads : 1;
  size_t a_len = g->copy_a != 0 ? copies * g->copy_a : na;
  size_t b_len = copies * g->ntaps * g->np * g->ocp;
  *p = (packed){
      .a = buf_take(BUF_A, (a_len + 1) * sizeof *p->a),
      .bp = buf_take(BUF_B, b_len * sizeof *p->bp),
      .rowbase = by_class ? NULL
                          : buf_take(BUF_ROWS, g->m * sizeof *p->rowbase),
      .tapoff = buf_take(BUF_TAPS, g->ntaps * sizeof *p->tapoff),
      .plan = by_class ? buf_take(BUF_PLAN, plan_len) : NULL,
      .done = buf_take(BUF_DONE, tiles * sizeof *p->done)};
  if (p->a && p->bp && p->tapoff && p->done &&
      (by_class ? p->plan != NULL : p->rowbase != NULL))
    return DLV_OK;
  packed_free(p, 0);
  return DLV_ENOMEM;
}

static void attach(pgemm *g, const packed *p)
{
  g->a = p->a, g->bp = p->bp, g->rowbase = p->rowbase, g->tapoff = p->tapoff;
}

/* ---- packing: pair words, every pattern written ------------------------- */

/* Word i of out (i < n) = pair_word(even[i], odd[i]), odd NULL: zeros;
 * then zero words up to n_out (a tile's padding channels).  Written with
 * memcpy or vector stores: the kernels read them through word_at or as
 * uint32_t (B). */
static void interleave_scalar(const uint16_t *even, const uint16_t *odd,
                              size_t n, size_t n_out, void *out)
{
  for (size_t i = 0; i < n_out; i++) {
    uint32_t w = i >= n ? 0 : pair_word(even[i], odd ? odd[i] : 0);
    memcpy((char *)out + 4 * i, &w, sizeof w);
  }
}

#if LP_HAVE_AVX512
LP_TARGET static void interleave_avx(const uint16_t *even,
                                     const uint16_t *odd, size_t n,
                                     size_t n_out, void *out)
{
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    __m512i e = _mm512_cvtepu16_epi32(
        _mm256_loadu_si256((const __m256i *)(even + i)));
    if (odd != NULL)
      e = _mm512_or_si512(
          e, _mm512_slli_epi32(_mm512_cvtepu16_epi32(_mm256_loadu_si256(
                                   (const __m256i *)(odd + i))),
                               16));
    _mm512_storeu_si512((char *)out + 4 * i, e);
  }
  interleave_scalar(even + i, odd ? odd + i : NULL, n - i, n_out - i,
                    (char *)out + 4 * i);
}
#endif

typedef void interleave_fn(const uint16_t *even, const uint16_t *odd,
                           size_t n, size_t n_out, void *out);

static interleave_fn *interleave_for_isa(void)
{
#if LP_HAVE_AVX512
  if (dlv_lowp_isa() == DLV_LOWP_ISA_AVX512BF16)
    return interleave_avx;
#endif
  return interleave_scalar;
}

/* B of the forward and the filter gradient: for each of ntaps taps
 * (tap_stride patterns apart in a), np pairs of rows of a (rows patterns
 * apart, n patterns each; rows >= nrows read as zeros) interleaved into
 * ocp words. */
typedef struct {
  const uint16_t *a;
  size_t tap_stride, rows, nrows, n;
  const pgemm *g;
  uint32_t *bp;
  interleave_fn *il;
} pack_b_job;

static void pack_b_range(const void *arg, size_t copy, size_t lo, size_t hi)
{
  const pack_b_job *k = arg;
  const pgemm *g = k->g;
  uint32_t *bp = k->bp + copy * g->copy_b;
  for (size_t tap = lo; tap < hi; tap++) {
    const uint16_t *at = k->a + tap * k->tap_stride;
    for (size_t j = 0; j < g->np; j++) {
      const uint16_t *odd = 2 * j + 1 < k->nrows ? at + (2 * j + 1) * k->rows
                                                 : NULL;
      k->il(at + 2 * j * k->rows, odd, k->n, g->ocp,
            bp + (tap * g->np + j) * g->ocp);
    }
  }
}

static pack_b_job pack_b(const pgemm *g, uint32_t *bp, const uint16_t *a,
                         size_t tap_stride, size_t rows, size_t nrows,
                         size_t n)
{
  return (pack_b_job){a, tap_stride, rows, nrows, n, g, bp,
                      interleave_for_isa()};
}

/* Row bases of every point of a (nb, nh, nw, nt) grid inside a (., hh, ww,
 * tt) array of ce channels, and tap offsets of a (ku, kv, kz) window. */
static void grid_bases(ptrdiff_t *out, size_t nb, size_t nh, size_t nw,
                       size_t nt, size_t hh, size_t ww, size_t tt, size_t ce)
{
  size_t i = 0;
  for (size_t b = 0; b < nb; b++)
    for (size_t x = 0; x < nh; x++)
      for (size_t y = 0; y < nw; y++)
        for (size_t t = 0; t < nt; t++)
          out[i++] = (ptrdiff_t)((((b * hh + x) * ww + y) * tt + t) * ce);
}

/* dst = the npos positions of src (c channels each) with ce channels
 * each, a zero channel added when c is odd (ce = c + 1); nothing when
 * c is even (ce = c: src is read in place). */
static void even_channels(uint16_t *dst, const uint16_t *src, size_t npos,
                          size_t c, size_t ce)
{
  for (size_t i = 0; ce != c && i < npos; i++) {
    memcpy(dst + i * ce, src + i * c, c * sizeof *src);
    dst[i * ce + c] = 0;
  }
}

/* Forward: A = L1 with an even channel count ce (a zero channel added
 * when C' is odd), B = F pairs over c'. */
static int fwd_bf16(const dims *d, const operands *o, float *l2)
{
  const uint16_t *l1 = o->a, *f = o->b;
  size_t ce = d->cp + (d->cp & 1);
  pgemm g = {.ntaps = d->u * d->v * d->z, .np = ce / 2, .astep = 2,
             .oc = d->c, .out = l2, .m = d->b * d->h * d->w * d->t,
             .tn = {1, 1, d->u * d->v * d->z}};
  pick_tile(&g);
  g.nb = g.ntaps;
  g.threads = (size_t)dlv_get_threads(); /* one copy: lp_copies */
  /* an even C' reads L1 in place; an odd one from a copy with a zero
   * channel after each position's C' */
  int in_place = ce == d->cp;
  size_t na = in_place ? 0 : d->n_l1 / d->cp * ce;
  packed p;
  if (packed_alloc(&p, &g, na, 0) != DLV_OK)
    return alloc_failed(o);
  even_channels(p.a, l1, d->n_l1 / d->cp, d->cp, ce);
  grid_bases(p.rowbase, d->b, d->h, d->w, d->t, d->h1, d->w1, d->t1, ce);
  grid_bases(p.tapoff, 1, d->u, d->v, d->z, d->h1, d->w1, d->t1, ce);
  pack_b_job kb = pack_b(&g, p.bp, f, d->cp * d->c, d->c, d->cp, d->c);
  attach(&g, &p);
  if (in_place)
    g.a = l1;
  int st = pgemm_run(&g, p.done, &(pack_phase){pack_b_range, &kb, g.ntaps},
                     1, o);
  packed_free(&p, 1);
  return st;
}

/* The classes of the coordinates along one dimension of the input
 * gradient (extent e = g + n - 1, n taps, G's extent g): class 0 the
 * coordinates whose n taps all read G, [n - 1, g) (empty when g <= n - 1),
 * then each other coordinate alone, in increasing order. */
static size_t class_count(size_t n, size_t g)
{
  size_t inner = g > n - 1 ? g - (n - 1) : 0;
  return 1 + g + n - 1 - inner;
}

static span class_span(size_t n, size_t g, size_t k)
{
  size_t a = n - 1, z = g > a ? g : a; /* class 0: [a, z) */
  if (k == 0)
    return (span){a, z};
  size_t c = k - 1 < a ? k - 1 : k - 1 + (z - a);
  return (span){c, c + 1};
}

/* The live taps along one dimension (n taps, G's extent g) of the
 * coordinates of span s (one coordinate, or class 0's, all live). */
static void live_taps(size_t n, size_t g, span s, size_t *lo_out,
                      size_t *hi_out)
{
  size_t at = s.lo;
  /* live: n - 1 - at <= i < n - 1 - at + g */
  size_t lo = at < n - 1 ? n - 1 - at : 0;
  size_t hi = n - 1 + g - at < n ? n - 1 + g - at : n;
  *lo_out = lo, *hi_out = hi;
}

/* The input gradient's rows (positions of G1) by live class: the
 * positions whose live taps are the same box, class by class (x class
 * slowest, then y, then t; each class in grid order; the positions with
 * every tap live first), cls[ncls].start = m (an end mark).  A register
 * tile holds rows of one class (class_tiles) and runs its live box only.
 * In grid order a tile ran the union of its rows' boxes: 0.68 of its
 * steps were live at S1, 0.87 at S2, S3; ordered by time class only,
 * 0.85, 0.99, 0.99; by live class with tiles across class boundaries
 * (reading zeros for a row's dead taps), 0.981, 0.996, 0.997. */
/* The batches of a block of classes (conv3d_lowp.h: CLASS_ROWS): as
 * few as hold CLASS_ROWS rows, all of them at most. */
static size_t class_batches(const dims *d)
{
  size_t per_batch = d->h1 * d->w1 * d->t1;
  size_t n = (DLV_CONV3D_LOWP_CLASS_ROWS + per_batch - 1) / per_batch;
  return n < d->b ? n : d->b;
}

static void live_classes(const dims *d, rowclass *cls)
{
  size_t n[3] = {d->u, d->v, d->z}, gx[3] = {d->h, d->w, d->t};
  size_t cnt[3], k[3], start = 0, block = class_batches(d);
  for (int e = 0; e < 3; e++)
    cnt[e] = class_count(n[e], gx[e]);
  for (size_t b0 = 0; b0 < d->b; b0 += block)
  for (k[0] = 0; k[0] < cnt[0]; k[0]++)
    for (k[1] = 0; k[1] < cnt[1]; k[1]++)
      for (k[2] = 0; k[2] < cnt[2]; k[2]++, cls++) {
        size_t rows = d->b - b0 < block ? d->b - b0 : block;
        cls->start = start;
        cls->batches = (span){b0, b0 + rows};
        for (int e = 0; e < 3; e++) {
          cls->s[e] = class_span(n[e], gx[e], k[e]);
          live_taps(n[e], gx[e], cls->s[e], &cls->live.lo[e],
                    &cls->live.hi[e]);
          rows *= span_len(cls->s[e]);
        }
        start += rows;
      }
  cls->start = start; /* the end mark */
}

/* The input gradient's row tables (pgemm.rowbase, rowout) of the ncls
 * classes cls: row r, point (b, x, y, t) of its class, writes G1's row
 * (b, x, y, t) and reads A from G's point (b, x - (U - 1), y - (V - 1),
 * t - (Z - 1)), outside G at a border (its class's live taps' offsets
 * bring it inside).  A table, not stepped per row: stepping a row tile's
 * rows through its class's box cost 3-4% of S1's input gradient
 * (mispredicted carries).  Rows in a class's grid order (t fastest), a
 * line along t at a time, or along y when the class has one t (half of
 * S1's rows: lines of one row cost as much as the tiles' stepping). */
typedef struct {
  ptrdiff_t *base;
  size_t *out, r;
  ptrdiff_t a_step[2];  /* G's strides of y and t (patterns) */
  size_t out_step[2];   /* G1's strides of y and t (floats) */
} row_writer;

/* Writes n rows from (a, o), each step[k] further than the last. */
static void write_line(row_writer *w, ptrdiff_t a, size_t o, size_t n, int k)
{
  for (size_t i = 0; i < n; i++, w->r++) {
    w->base[w->r] = a + (ptrdiff_t)i * w->a_step[k];
    w->out[w->r] = o + i * w->out_step[k];
  }
}

static void class_row_tables(const dims *d, const rowclass *cls, size_t ncls,
                             ptrdiff_t *base, size_t *out)
{
  ptrdiff_t ce = (ptrdiff_t)(d->c + (d->c & 1));
  ptrdiff_t sy = (ptrdiff_t)d->t * ce, sx = (ptrdiff_t)d->w * sy;
  ptrdiff_t sb = (ptrdiff_t)d->h * sx;
  size_t oy = d->t1 * d->cp, ox = d->w1 * oy, ob = d->h1 * ox;
  /* G's point of G1's (0, 0, 0, 0) */
  ptrdiff_t a00 = -((ptrdiff_t)(d->u - 1) * sx + (ptrdiff_t)(d->v - 1) * sy +
                    (ptrdiff_t)(d->z - 1) * ce);
  row_writer w = {base, out, 0, {sy, ce}, {oy, d->cp}};
  for (const rowclass *c = cls; c < cls + ncls; c++) {
    span y = c->s[1], t = c->s[2];
    int along_t = span_len(t) != 1; /* (an empty class: no rows) */
    for (size_t b = c->batches.lo; b < c->batches.hi; b++)
      for (size_t x = c->s[0].lo; x < c->s[0].hi; x++) {
        ptrdiff_t a = a00 + (ptrdiff_t)b * sb + (ptrdiff_t)x * sx +
                      (ptrdiff_t)y.lo * sy + (ptrdiff_t)t.lo * ce;
        size_t o = b * ob + x * ox + y.lo * oy + t.lo * d->cp;
        if (!along_t)
          write_line(&w, a, o, span_len(y), 0);
        else
          for (size_t i = 0; i < span_len(y); i++)
            write_line(&w, a + (ptrdiff_t)i * sy, o + i * oy, span_len(t), 1);
      }
  }
}

static size_t live_class_count(const dims *d)
{
  size_t block = class_batches(d);
  return (d->b + block - 1) / block * class_count(d->u, d->h) *
         class_count(d->v, d->w) * class_count(d->z, d->t);
}

/* The row tiles of the ncls classes cls (and their end mark), class by
 * class: mr rows each, the last of a class fewer, written to t (NULL:
 * only counted); returns their count (at most ceil(m / mr) + ncls). */
static size_t class_tiles(const rowclass *cls, size_t ncls, size_t mr,
                          classtile *t)
{
  size_t n = 0;
  for (size_t k = 0; k < ncls; k++)
    for (size_t r = cls[k].start; r < cls[k + 1].start; r += mr, n++) {
      size_t left = cls[k + 1].start - r;
      if (t != NULL)
        t[n] = (classtile){r, left < mr ? left : mr, k};
    }
  return n;
}

/* Makes the input gradient's plan v for the shape of d unless the block
 * (blk) was made for it (its key). */
static void make_plan(const dims *d, const pgemm *g, unsigned char *blk,
                      const plan_view *v)
{
  buf_key *key = buf_key_of(blk);
  if (key->made && memcmp(&key->shape, &d->s, sizeof d->s) == 0)
    return;
  live_classes(d, v->cls);
  class_row_tables(d, v->cls, g->ncls, v->rowbase, v->rowout);
  class_tiles(v->cls, g->ncls, g->mr, v->ctile);
  *key = (buf_key){1, d->s};
}

/* Rows j < npairs of one tap's B: ocp words each, word cp the pair
 * (ft[cp c + 2 j], ft[cp c + 2 j + 1]) for cp < ncp, zero words after
 * (ft: the tap's filter, ncp rows of c patterns). */
typedef void flip_rows_fn(const uint16_t *ft, size_t c, size_t ncp,
                          size_t npairs, size_t ocp, uint32_t *bt);

static void flip_rows_scalar(const uint16_t *ft, size_t c, size_t ncp,
                             size_t npairs, size_t ocp, uint32_t *bt)
{
  for (size_t j = 0; j < npairs; j++, bt += ocp) {
    for (size_t cp = 0; cp < ncp; cp++)
      bt[cp] = pair_word(ft[cp * c + 2 * j], ft[cp * c + 2 * j + 1]);
    memset(bt + ncp, 0, (ocp - ncp) * sizeof *bt);
  }
}

#if LP_HAVE_AVX512
/* flip_rows_scalar with 16 words a gather (lanes cp >= ncp zero, not
 * read); byte offsets (ocp - 1) c 2 below 2^31 (flip_rows_for).  S1's
 * flip, filter cold: 4.5 us against the scalar loop's 8 (a call with
 * empty tiles and no scan, medians of 201); S1's input gradient 0-0.8%
 * faster on 1 thread, 0.4-0.8% on 2 (same-process A/B, bitwise equal). */
LP_TARGET static void flip_rows_avx(const uint16_t *ft, size_t c, size_t ncp,
                                    size_t npairs, size_t ocp, uint32_t *bt)
{
  const __m512i lane = _mm512_set_epi32(15, 14, 13, 12, 11, 10, 9, 8, 7, 6,
                                        5, 4, 3, 2, 1, 0);
  const __m512i row_bytes = _mm512_set1_epi32((int)(c * sizeof *ft));
  const __m512i rows = _mm512_set1_epi32((int)ncp);
  for (size_t j = 0; j < npairs; j++, bt += ocp) {
    const void *pair0 = ft + 2 * j;
    for (size_t c0 = 0; c0 < ocp; c0 += 16) {
      __m512i cp = _mm512_add_epi32(lane, _mm512_set1_epi32((int)c0));
      __mmask16 live = _mm512_cmplt_epu32_mask(cp, rows);
      __m512i at = _mm512_mullo_epi32(cp, row_bytes);
      _mm512_storeu_si512(bt + c0,
                          _mm512_mask_i32gather_epi32(_mm512_setzero_si512(),
                                                      live, at, pair0, 1));
    }
  }
}
#endif

/* The rows' writer for a filter of c patterns a row and rows of ocp words
 * (a multiple of 16). */
static flip_rows_fn *flip_rows_for(size_t c, size_t ocp)
{
#if LP_HAVE_AVX512
  if (dlv_lowp_isa() == DLV_LOWP_ISA_AVX512BF16 &&
      ocp * c * sizeof(uint16_t) < ((size_t)1 << 31))
    return flip_rows_avx;
#endif
  (void)c, (void)ocp;
  return flip_rows_scalar;
}

/* The input gradient's B: the flipped filter, pairs over c (an odd c's
 * last pair with a zero), channels c' padded with zero words to ocp; one
 * range = taps. */
typedef struct {
  const dims *d;
  const uint16_t *f;
  uint32_t *bp;
  const pgemm *g;
  flip_rows_fn *rows;
} flip_job;

static void flip_range(const void *arg, size_t copy, size_t lo, size_t hi)
{
  const flip_job *k = arg;
  const dims *d = k->d;
  size_t ntap = k->g->ntaps, np = k->g->np, ocp = k->g->ocp;
  for (size_t tap = lo; tap < hi; tap++) {
    const uint16_t *ft = k->f + (ntap - 1 - tap) * d->cp * d->c; /* flipped */
    uint32_t *bt = k->bp + copy * k->g->copy_b + tap * np * ocp;
    k->rows(ft, d->c, d->cp, d->c / 2, ocp, bt);
    if (d->c % 2 != 0) {
      uint32_t *last = bt + (np - 1) * ocp;
      for (size_t cp = 0; cp < d->cp; cp++)
        last[cp] = pair_word(ft[cp * d->c + d->c - 1], 0);
      memset(last + d->cp, 0, (ocp - d->cp) * sizeof *last);
    }
  }
}

/* Input gradient: the forward of G zero-padded by (U-1, V-1, Z-1) on each
 * side, read unpadded: A = G (its channels made even), rows by live class
 * (live_classes), each row tile within one class, running its live taps
 * only (make_plan, tile_rows); B = the flipped filter, pairs over c. */
static int bwd_input_bf16(const dims *d, const operands *o, float *g1)
{
  const uint16_t *f = o->a, *g2 = o->b;
  size_t ce = d->c + (d->c & 1);
  pgemm g = {.ntaps = d->u * d->v * d->z, .np = ce / 2, .astep = 2,
             .oc = d->cp, .out = g1, .m = d->b * d->h1 * d->w1 * d->t1,
             .tn = {d->u, d->v, d->z}};
  pick_tile(&g);
  g.nb = g.ntaps;
  g.threads = (size_t)dlv_get_threads(); /* one copy: lp_copies */
  /* an even C reads G in place, an odd one a copy (even_channels) */
  size_t na = ce == d->c ? 0 : d->n_l2 / d->c * ce;
  g.ncls = live_class_count(d);
  packed p;
  if (packed_alloc(&p, &g, na, g.ncls) != DLV_OK)
    return alloc_failed(o);
  even_channels(p.a, g2, d->n_l2 / d->c, d->c, ce);
  plan_view v;
  plan_parts(p.plan, g.ncls, g.ntiles + g.ncls, g.m, &v);
  make_plan(d, &g, p.plan, &v);
  g.ntiles = class_tiles(v.cls, g.ncls, g.mr, NULL);
  grid_bases(p.tapoff, 1, d->u, d->v, d->z, d->h, d->w, d->t, ce);
  flip_job fj = {d, f, p.bp, &g, flip_rows_for(d->c, g.ocp)};
  attach(&g, &p);
  g.cls = v.cls, g.ctile = v.ctile, g.rowbase = v.rowbase, g.rowout = v.rowout;
  if (na == 0)
    g.a = g2;
  int st = pgemm_run(&g, p.done, &(pack_phase){flip_range, &fj, g.ntaps}, 1,
                     o);
  packed_free(&p, 1);
  return st;
}

/* The filter gradient's A: each (b, x1, y1) line of L1 as pair words
 * along t in two copies, parity q = 0 pairing times (2k, 2k+1) and q = 1
 * (2k+1, 2k+2), k < kp = ceil(T1 / 2), times >= T1 zero: word ((line 2 +
 * q) kp + k) C' + c'.  One range = lines. */
typedef struct {
  const dims *d;
  const uint16_t *l1;
  uint16_t *a;
  size_t kp;
  interleave_fn *il;
  const pgemm *g;
} tpair_job;

static void tpair_range(const void *arg, size_t copy, size_t lo, size_t hi)
{
  const tpair_job *k = arg;
  size_t cp = k->d->cp, t1 = k->d->t1;
  uint16_t *a = k->a + copy * k->g->copy_a;
  for (size_t i = lo; i < hi; i++)
    for (size_t q = 0; q < 2; q++)
      for (size_t j = 0; j < k->kp; j++) {
        size_t t = 2 * j + q;
        const uint16_t *e = k->l1 + (i * t1 + t) * cp;
        uint16_t *o = a + 2 * (((i * 2 + q) * k->kp + j) * cp);
        k->il(e, t + 1 < t1 ? e + cp : NULL, t < t1 ? cp : 0, cp, o);
      }
}

/* Filter gradient: A = L1 as pair words along t (tpair_range): row (u, v,
 * z, c') starts at line shift (u, v), copy z mod 2, pair z / 2, channel
 * c'; successive pairs C' words apart; taps (b, x, y); B = G pairs over
 * t. */
static int bwd_filter_bf16(const dims *d, const operands *o, float *gf)
{
  const uint16_t *l1 = o->a, *g2 = o->b;
  size_t lines = d->n_l1 / (d->cp * d->t1); /* (b, x1, y1) */
  size_t kp = (d->t1 + 1) / 2, line = 2 * kp * d->cp; /* words */
  pgemm g = {.ntaps = d->b * d->h * d->w, .np = (d->t + 1) / 2,
             .astep = 2 * d->cp, .oc = d->c, .out = gf,
             .m = d->u * d->v * d->z * d->cp, .nb = DLV_CONV3D_LOWP_NB,
             .tn = {1, 1, d->b * d->h * d->w}};
  pick_tile(&g);
  g.threads = (size_t)dlv_get_threads();
  lp_copies(&g, 2 * lines * line);
  packed p;
  int got = packed_alloc(&p, &g, 2 * lines * line, 0) == DLV_OK;
  if (!got && g.copy_b != 0) { /* one copy needs less */
    g.copy_a = g.copy_b = 0;
    got = packed_alloc(&p, &g, 2 * lines * line, 0) == DLV_OK;
  }
  if (!got)
    return alloc_failed(o);
  tpair_job tj = {d, l1, p.a, kp, interleave_for_isa(), &g};
  size_t r = 0;
  for (size_t u = 0; u < d->u; u++)
    for (size_t v = 0; v < d->v; v++)
      for (size_t z = 0; z < d->z; z++)
        for (size_t cp = 0; cp < d->cp; cp++)
          p.rowbase[r++] = 2 * ((u * d->w1 + v) * line +
                                ((z % 2) * kp + z / 2) * d->cp + cp);
  grid_bases(p.tapoff, d->b, d->h, d->w, 1, d->h1, d->w1, 1, 2 * line);
  pack_b_job kb = pack_b(&g, p.bp, g2, d->t * d->c, d->c, d->t, d->c);
  attach(&g, &p);
  pack_phase packing[] = {{tpair_range, &tj, lines},
                          {pack_b_range, &kb, g.ntaps}};
  int st = pgemm_run(&g, p.done, packing, 2, o);
  packed_free(&p, 1);
  return st;
}

/* ---- entry points ---------------------------------------------------------------- */

#define BF16_EXP 0x7f80u
#define FP16_EXP 0x7c00u

/* A pass: checks that its operands are finite (operands_ok) before it
 * writes anything, then runs. */
typedef int pass_fn(const dims *d, int pass, const operands *o, float *out);

/* An entry point: arguments checked (NULL, extents), then the pass run,
 * which checks that the operands of the format whose exponent mask is
 * exp are finite.  (The bf16 passes scan them on one thread of their
 * parallel region (pgemm_worker).  Split between the threads as pieces
 * of the packing, the scan was 1-2% faster warm but 5-10% slower in the
 * bench's cold round robin than before the fork: S1, 2 threads, forward
 * 0.94-0.95 of oneDNN against 0.99-1.07, input gradient 0.81-0.82
 * against 0.88-0.91.) */
static int entry(const dlv_conv3d_shape *s, int pass, const void *a,
                 const void *b, float *out, uint16_t exp, pass_fn *run)
{
  if (s == NULL || a == NULL || b == NULL || out == NULL)
    return DLV_EINVAL;
  dims d;
  int st = make_dims(s, &d);
  if (st != DLV_OK)
    return st;
  operands o = {a, b, pass == DLV_CONV3D_BWD_INPUT ? d.n_f : d.n_l1,
                pass == DLV_CONV3D_FWD ? d.n_f : d.n_l2, exp};
  return run(&d, pass, &o, out);
}

static int bf16_pass(const dims *d, int pass, const operands *o, float *out)
{
  return pass == DLV_CONV3D_FWD          ? fwd_bf16(d, o, out)
         : pass == DLV_CONV3D_BWD_FILTER ? bwd_filter_bf16(d, o, out)
                                         : bwd_input_bf16(d, o, out);
}

int dlv_conv3d_fwd_bf16(const dlv_conv3d_shape *s, const dlv_bf16 *l1,
                        const dlv_bf16 *f, float *l2)
{
  return entry(s, DLV_CONV3D_FWD, l1, f, l2, BF16_EXP, bf16_pass);
}

int dlv_conv3d_bwd_filter_bf16(const dlv_conv3d_shape *s, const dlv_bf16 *l1,
                               const dlv_bf16 *g2, float *gf)
{
  return entry(s, DLV_CONV3D_BWD_FILTER, l1, g2, gf, BF16_EXP, bf16_pass);
}

int dlv_conv3d_bwd_input_bf16(const dlv_conv3d_shape *s, const dlv_bf16 *f,
                              const dlv_bf16 *g2, float *g1)
{
  return entry(s, DLV_CONV3D_BWD_INPUT, f, g2, g1, BF16_EXP, bf16_pass);
}

/* ---- fp16: exact conversion, then the float FAST convolution --------------- */

#if LP_HAVE_AVX512
__attribute__((target("avx512f"))) static void
fp16_to_float_avx(const uint16_t *h, float *y, size_t n)
{
  size_t i = 0;
  for (; i + 16 <= n; i += 16)
    _mm512_storeu_ps(y + i,
                     _mm512_cvtph_ps(_mm256_loadu_si256((const void *)(h + i))));
  for (; i < n; i++)
    y[i] = dlv_fp16_to_float((dlv_fp16){h[i]});
}
#endif

static void fp16_to_float(const dlv_fp16 *h, float *y, size_t n)
{
#if LP_HAVE_AVX512
  if (dlv_lowp_isa() == DLV_LOWP_ISA_AVX512BF16) {
    fp16_to_float_avx((const uint16_t *)h, y, n);
    return;
  }
#endif
  for (size_t i = 0; i < n; i++)
    y[i] = dlv_fp16_to_float(h[i]);
}

/* The operands checked, converted, then FAST's float pass. */
static int fp16_pass(const dims *d, int pass, const operands *o, float *out)
{
  size_t na = o->na, nb = o->nb;
  const dlv_conv3d_shape *s = &d->s;
  size_t nw;
  int st = operands_ok(o);
  if (st == DLV_OK)
    st = dlv_conv3d_work_size(s, DLV_CONV3D_FAST, pass, &nw);
  if (st != DLV_OK)
    return st;
  float *fa = buf_take(BUF_F1, na * sizeof *fa);
  float *fb = buf_take(BUF_F2, nb * sizeof *fb);
  float *work = buf_take(BUF_WORK, (nw ? nw : 1) * sizeof *work);
  st = fa && fb && work ? DLV_OK : DLV_ENOMEM;
  if (st == DLV_OK) {
    fp16_to_float((const dlv_fp16 *)o->a, fa, na);
    fp16_to_float((const dlv_fp16 *)o->b, fb, nb);
    st = pass == DLV_CONV3D_FWD
             ? dlv_conv3d_fwd_s(s, DLV_CONV3D_FAST, fa, fb, out, work, nw)
         : pass == DLV_CONV3D_BWD_FILTER
             ? dlv_conv3d_bwd_filter_s(s, DLV_CONV3D_FAST, fa, fb, out, work,
                                       nw)
             : dlv_conv3d_bwd_input_s(s, DLV_CONV3D_FAST, fa, fb, out, work,
                                      nw);
  }
  int keep = fa && fb && work;
  buf_give(BUF_F1, fa, keep);
  buf_give(BUF_F2, fb, keep);
  buf_give(BUF_WORK, work, keep);
  return st;
}

int dlv_conv3d_fwd_fp16(const dlv_conv3d_shape *s, const dlv_fp16 *l1,
                        const dlv_fp16 *f, float *l2)
{
  return entry(s, DLV_CONV3D_FWD, l1, f, l2, FP16_EXP, fp16_pass);
}

int dlv_conv3d_bwd_filter_fp16(const dlv_conv3d_shape *s, const dlv_fp16 *l1,
                               const dlv_fp16 *g2, float *gf)
{
  return entry(s, DLV_CONV3D_BWD_FILTER, l1, g2, gf, FP16_EXP, fp16_pass);
}

int dlv_conv3d_bwd_input_fp16(const dlv_conv3d_shape *s, const dlv_fp16 *f,
                              const dlv_fp16 *g2, float *g1)
{
  return entry(s, DLV_CONV3D_BWD_INPUT, f, g2, g1, FP16_EXP, fp16_pass);
}
