/* g_adam.c: gate family adam: dlv_adam_bias_correction_d, dlv_adam_step_{d,s},
 * dlv_ema_{d,s} and the backward window dlv_window_{init,push}_{d,s}
 * against their MPFR twins (reference/ref_adam.h) over the contract of
 * kernels/adam.h (dlv_adam_step through the backend under test; the EMA,
 * window and bias correction are no backend operations: builtin only):
 * - Adam: both forms, with and without DLV_ADAM_ONE_PASS; t = 0 (exam
 *   form only), 1, 2, large, beyond 2^53 and ULONG_MAX; beta = 0, 1/2, the
 *   largest value below 1, small ones (1 - b inexact) and the limit 1 and
 *   one ulp either side; eps from the smallest subnormal to 2^100; lr zero,
 *   negative, large; the gradient limit DLV_ADAM_GMAX_* exactly and one
 *   ulp either side, NaN and infinities; the small elements of adam.h
 *   (tiny g whose g^2 underflows, often with v = 0 and a tiny eps; v' at
 *   DLV_ADAM_LOW_* exactly or one ulp either side; eps at
 *   DLV_ADAM_EPS_BIG_* r2 exactly, one ulp either side and at
 *   DLV_ADAM_EPS_BIG_* alone, r2 >= 2 in most such cases, with tiny g);
 *   states no run reaches but the contract admits (free_states: v zero or
 *   subnormal beside |m| near gmax, or near the format's largest at
 *   lr = 0);
 *   at lr = 0 (+0 and -0) theta' bitwise theta on every admissible
 *   element (adam.h), in every case and schedule, and in a case kind of
 *   its own on every path of adam.c (adam_paths_case: the main loop, the
 *   all-zero exemption, the wider-type redo of low elements, small
 *   elements left on the main loop by eps >= DLV_ADAM_EPS_BIG_* r2), each
 *   reached by construction and checked against adam.h's switch, with
 *   theta +0, -0, the least subnormal either sign, subnormal, unit, the
 *   largest finite and wide;
 *   extents at the tails 0, 1, 2, b/2,
 *   b-2, b-1 of DLV_ADAM_BLOCK and up to three blocks beyond; 1 to 3
 *   threads.  Every element of theta', m', v' is compared with MPFR within
 *   dlv_bound_adam_elem; the other schedule (two passes / one pass, another
 *   thread count) must give the same bits; on a bad gradient the two-pass
 *   step leaves the state untouched and the one-pass step gives, on every
 *   admissible element, the bits of the two-pass step.  To afford MPFR at
 *   2^18 elements the data repeat with a period P that no power of two
 *   divides (each residue is one MPFR evaluation; elements of a residue
 *   whose bits equal its first element's share its verdict).
 * - EMA: the same hyperparameter and value classes, x at the largest
 *   finite value and one ulp above (an infinity), within dlv_bound_ema_elem.
 * - window: k = 1, 2, 3, small, medium, DLV_WINDOW_KMAX - 1, DLV_WINDOW_KMAX,
 *   and k = 0, KMAX + 1 rejected; q k + r pushes (several block refreshes);
 *   |x| at DLV_WINDOW_XMAX and one ulp either side; NaN and infinities
 *   rejected with the state untouched; the mean after every push against
 *   the exact mean (an exact MPFR running sum) within
 *   dlv_bound_window_mean.
 * - bias correction: b over [0, 1) and the limit, t from 1 to ULONG_MAX,
 *   within dlv_bound_adam_bc_rel. */
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adam.h"
#include "contract.h"
#include "dlv_status.h"
#include "gate.h"
#include "mp.h"
#include "ref_adam.h"
#include "threads.h"
#include "ulp.h"

/* What a case sets up: the entry, its dtype and contract. */
typedef struct {
  const dlv_contract *k;
  int is_float;
  size_t elem;
} adam_entry;

static adam_entry entry_of(const char *name, int is_float)
{
  return (adam_entry){dlv_contract_find(name), is_float,
                      is_float ? sizeof(float) : sizeof(double)};
}

static double to_dtype(int is_float, double x)
{
  return is_float ? (double)(float)x : x;
}

/* x scaled by a power of two into (lim/2, lim] when |x| > lim (exact for
 * normal x and lim), so that a class of values meets a limit. */
static double fit(double x, double lim)
{
  if (!(fabs(x) > lim))
    return x;
  int ex, el;
  frexp(x, &ex);
  frexp(lim, &el);
  double y = ldexp(x, el - ex);
  return fabs(y) > lim ? ldexp(y, -1) : y;
}

/* The largest value below 1 of the dtype. */
static double below_one(int is_float)
{
  return is_float ? (double)nextafterf(1.0f, 0.0f) : nextafter(1.0, 0.0);
}

static double smallest_subnormal(int is_float)
{
  return is_float ? 0x1p-149 : 0x1p-1074;
}

/* An admissible beta, enumerated: 0, 1/2, 0.9 and 0.999 (stored), the
 * largest below 1, a small one (1 - b inexact), one at random in (0, 1). */
static double draw_beta(dlv_gate_case *c, int is_float)
{
  switch (dlv_gate_enum(c, 7)) {
  case 0:
    return 0.0;
  case 1:
    return 0.5;
  case 2:
    return to_dtype(is_float, 0.9);
  case 3:
    return to_dtype(is_float, 0.999);
  case 4:
    return below_one(is_float);
  case 5:
    return ldexp(1.0 + (double)dlv_gate_draw(c, 1u << 20),
                 -21 - (int)dlv_gate_draw(c, 60));
  default:
    return to_dtype(is_float,
                    (double)(dlv_gate_draw(c, (1ull << 53) - 1) + 1) *
                        0x1p-53);
  }
}

/* A beta at the documented limit 1 exactly or one ulp either side (only
 * one ulp below is admissible). */
static double beta_at_limit(dlv_gate_case *c, const adam_entry *e)
{
  int which;
  double b = dlv_gate_limit(c, dlv_contract_limit_value(e->k, "beta_max"),
                            e->is_float, &which);
  dlv_gate_note(c, "beta at the limit 1 %s", which == 0  ? "exactly"
                                             : which < 0 ? "minus one ulp"
                                                         : "plus one ulp");
  return b;
}

/* |x| <= xmax for an admissible element (NaN fails both comparisons). */
static int admissible(double x, double xmax) { return x <= xmax && x >= -xmax; }

/* ---- dlv_adam_bias_correction_d -------------------------------------------- */

static unsigned long draw_t(dlv_gate_case *c)
{
  switch (dlv_gate_enum(c, 6)) {
  case 0:
    return 1;
  case 1:
    return 2;
  case 2:
    return 3 + (unsigned long)dlv_gate_draw(c, 1000);
  case 3:
    return 1 + (unsigned long)dlv_gate_draw(c, 1ull << 40);
  case 4:
    return (1ul << 53) + 1; /* (double)t inexact */
  default:
    return ULONG_MAX;
  }
}

static void bias_correction(dlv_gate_case *c)
{
  if (!dlv_gate_builtin_only(c))
    return;
  adam_entry e = entry_of("dlv_adam_bias_correction_d", 0);
  unsigned kind = dlv_gate_enum(c, 4); /* 0, 1: admissible; 2 limit; 3 args */
  double b = kind == 2 ? beta_at_limit(c, &e) : draw_beta(c, 0);
  unsigned long t = draw_t(c);
  int null_out = 0;
  if (kind == 3) {
    unsigned which = dlv_gate_enum(c, 4);
    b = which == 0 ? -smallest_subnormal(0) : which == 1 ? NAN : b;
    t = which == 2 ? 0 : t;
    null_out = which == 3;
  }
  dlv_gate_note(c, "b %a, t %lu%s", b, t, null_out ? ", bc NULL" : "");
  dlv_gate_buf out;
  dlv_gate_buf_make(c, &out, sizeof(double), 1, 1);
  dlv_gate_buf_freeze(c, &out);
  int status = dlv_adam_bias_correction_d(b, t, null_out ? NULL : out.at);
  int ok = b >= 0.0 && b < 1.0 && t >= 1 && !null_out;
  if (dlv_gate_cmp_status(c, "status", status, ok ? DLV_OK : DLV_EINVAL)) {
    if (ok) {
      mpfr_t exact;
      mpfr_init2(exact, dlv_mp_prec());
      dlv_ref_adam_bias_correction(b, t, exact);
      dlv_gate_cmp_mp(c, "bc", 0, dlv_gate_buf_get(&out, 0), exact,
                      (dlv_bound){dlv_bound_adam_bc_rel(b, t), 0.0}, 0);
      mpfr_clear(exact);
    } else {
      dlv_gate_buf_unchanged(c, &out, "bc on error");
    }
  }
  dlv_gate_buf_guards_ok(c, &out, "bc");
}

/* ---- Adam step: hyperparameters ------------------------------------------- */

typedef struct {
  double lr, b1, b2, eps;
  unsigned long t;
  int form;
  int null_arg; /* 0: none; 1..4: theta, m, v, grad passed as NULL */
} hyper;

static double draw_eps(dlv_gate_case *c, int is_float)
{
  switch (dlv_gate_enum(c, 5)) {
  case 0:
    return to_dtype(is_float, 1e-8);
  case 1:
    return smallest_subnormal(is_float);
  case 2:
    return 1.0;
  case 3:
    return 0x1p100;
  default:
    return to_dtype(is_float, dlv_gate_value(c, DLV_GV_WIDE, is_float) *
                                  (dlv_gate_draw(c, 2) ? -1 : 1));
  }
}

/* Drawn, not enumerated: an enumerated lr (case index mod 7) would meet
 * the data kinds (index mod 4) in fixed pairs only.  The largest finite
 * (either sign): s1 = lr / bc1 then overflows the dtype wherever bc1 < 1
 * (adam.c forms it in the wider type). */
static double draw_lr(dlv_gate_case *c, int is_float)
{
  static const double lrs[] = {1e-3, 0.0, -1e-3, 1.0, 0x1p40, -0.0};
  unsigned k = (unsigned)dlv_gate_draw(c, 7);
  if (k == 6)
    return (is_float ? FLT_MAX : DBL_MAX) * (dlv_gate_draw(c, 2) ? -1 : 1);
  return to_dtype(is_float, lrs[k]);
}

/* One argument made inadmissible (adam.h's conventions), the others as
 * drawn; returns its description. */
static const char *spoil_argument(dlv_gate_case *c, const adam_entry *e,
                                  hyper *h)
{
  switch (dlv_gate_enum(c, 15)) {
  case 0:
    h->b1 = beta_at_limit(c, e);
    return "beta1 at its limit";
  case 1:
    h->b2 = beta_at_limit(c, e);
    return "beta2 at its limit";
  case 2:
    h->b1 = -smallest_subnormal(e->is_float);
    return "beta1 negative";
  case 3:
    h->b2 = NAN;
    return "beta2 NaN";
  case 4:
    h->eps = 0.0;
    return "eps 0";
  case 5:
    h->eps = -fabs(h->eps);
    return "eps negative";
  case 6:
    h->eps = INFINITY;
    return "eps Inf";
  case 7:
    h->eps = NAN;
    return "eps NaN";
  case 8:
    h->lr = -INFINITY;
    return "lr -Inf";
  case 9:
    h->lr = NAN;
    return "lr NaN";
  case 10:
    h->t = 0;
    return "t 0";
  case 11:
    h->form |= 4;
    return "a form bit that does not exist";
  default:
    h->null_arg = 1 + (int)dlv_gate_draw(c, 4);
    return "a NULL array";
  }
}

static hyper draw_hyper(dlv_gate_case *c, const adam_entry *e)
{
  hyper h;
  h.form = (int)dlv_gate_enum(c, 4); /* exam, corrected, each one-pass */
  h.b1 = draw_beta(c, e->is_float);
  h.b2 = draw_beta(c, e->is_float);
  h.eps = fabs(draw_eps(c, e->is_float));
  h.lr = draw_lr(c, e->is_float);
  h.t = dlv_gate_enum(c, 7) == 0 ? 0 : draw_t(c); /* 0: exam form only */
  h.null_arg = 0;
  if (fabs(h.lr) == (e->is_float ? FLT_MAX : DBL_MAX) &&
      dlv_gate_draw(c, 4) != 0) {
    /* the largest lr: in three cases of four made to overflow s1 =
     * lr / bc1 (bias-corrected, t <= 3, b1 >= 1/2: bc1 <= 7/8) */
    h.form |= DLV_ADAM_BIAS_CORRECTED;
    h.t = 1 + (unsigned long)dlv_gate_draw(c, 3);
    h.b1 = h.b1 < 0.5 ? 0.5 : h.b1;
  }
  return h;
}

/* The status adam.h promises for these arguments (gradient aside). */
static int hyper_status(const hyper *h, size_t n)
{
  int bad = !isfinite(h->lr) || !(h->b1 >= 0.0 && h->b1 < 1.0) ||
            !(h->b2 >= 0.0 && h->b2 < 1.0) || !(h->eps > 0.0) ||
            !isfinite(h->eps) ||
            (h->form & ~(DLV_ADAM_BIAS_CORRECTED | DLV_ADAM_ONE_PASS)) ||
            ((h->form & DLV_ADAM_BIAS_CORRECTED) && h->t < 1) ||
            (n > 0 && h->null_arg != 0);
  return bad ? DLV_EINVAL : DLV_OK;
}

/* The status of a gradient scan: NaN dominates, then |g| > gmax. */
static int grad_status(const double *g, size_t n, double gmax)
{
  int nan = 0, big = 0;
  for (size_t i = 0; i < n; i++) {
    nan |= isnan(g[i]);
    big |= !isnan(g[i]) && !admissible(g[i], gmax);
  }
  return nan ? DLV_ENAN : big ? DLV_EDOM : DLV_OK;
}

/* ---- Adam step: data ------------------------------------------------------ */

/* One period of the data (P elements; element i of the arrays is element
 * i mod P of the period). */
typedef struct {
  size_t n, P;
  double *theta, *m, *v, *g;
} period;

/* A state a run of the kernel can reach: |m| <= gmax, 0 <= v <= gmax^2,
 * and |m| <= 2^27 sqrt(v) + tiny (v = 0 only when every g^2 underflowed,
 * so m is then below the square root of the underflow threshold). */
static void draw_state(dlv_gate_case *c, const adam_entry *e, int vclass,
                       double gmax, period *d, size_t i)
{
  int f = e->is_float;
  double tiny = f ? 0x1p-75 : 0x1p-537;
  d->theta[i] = dlv_gate_value(c, vclass, f);
  d->v[i] = fit(fabs(dlv_gate_value(c, vclass, f)), gmax * gmax);
  double mcap = 0x1p27 * sqrt(d->v[i]) + tiny;
  d->m[i] = to_dtype(f, fit(fit(dlv_gate_value(c, vclass, f), gmax), mcap));
  d->g[i] = fit(dlv_gate_value(c, vclass, f), gmax);
}

/* States no run from admissible gradients reaches but the contract admits
 * (adam.h: the state is not scanned; v >= 0, |m| <= gmax, and any finite
 * m when lr = 0): in about half the residues v zero or subnormal and |m|
 * near gmax (near the format's largest when lr = 0), so that m'/d is
 * huge (theta' an infinity where the exact value is beyond the range)
 * and, at lr = 0, overflows while theta must stay bitwise unchanged (no
 * 0 times infinity).  |theta| <= 2^64: then s1 m'/d lies beyond the
 * range exactly when theta' does, up to far less than the bound. */
static void free_states(dlv_gate_case *c, const adam_entry *e, double gmax,
                        double lr, period *d)
{
  int f = e->is_float;
  double top = lr == 0.0 ? (f ? FLT_MAX : DBL_MAX) : gmax;
  for (size_t i = 0; i < d->P; i++) {
    if (dlv_gate_draw(c, 2))
      continue;
    double m = ldexp(top, -(int)dlv_gate_draw(c, 8));
    d->m[i] = to_dtype(f, dlv_gate_draw(c, 2) ? -m : m);
    d->v[i] = dlv_gate_draw(c, 2) ? 0.0
                                  : smallest_subnormal(f) *
                                        (double)(1 + dlv_gate_draw(c, 4));
    d->theta[i] = to_dtype(f, fit(d->theta[i], 0x1p64));
  }
  dlv_gate_note(c, "free states: |m| near %s, v zero or subnormal",
                lr == 0.0 ? "the largest" : "gmax");
}

enum { DATA_CLASS, DATA_LIMIT, DATA_SPECIAL, DATA_ARGS, DATA_NKINDS };

/* A gradient element at the limit gmax exactly or one ulp either side. */
static void grad_at_limit(dlv_gate_case *c, const adam_entry *e,
                          const char *limit, period *d)
{
  int which;
  double gmax = dlv_contract_limit_value(e->k, limit);
  double x = dlv_gate_limit(c, gmax, e->is_float, &which);
  size_t pos = (size_t)dlv_gate_draw(c, d->P);
  d->g[pos] = dlv_gate_draw(c, 2) ? -x : x;
  dlv_gate_note(c, "g at residue %zu: limit %s %s (%a)", pos, limit,
                which == 0 ? "exactly" : which < 0 ? "minus one ulp"
                                                   : "plus one ulp",
                d->g[pos]);
}

static void grad_special(dlv_gate_case *c, const adam_entry *e, period *d)
{
  static const char *const kinds[] = {"NaN", "Inf", "-Inf",
                                      "NaN and a huge value"};
  unsigned k = dlv_gate_enum(c, 4);
  size_t a = (size_t)dlv_gate_draw(c, d->P), b = (size_t)dlv_gate_draw(c, d->P);
  d->g[a] = k == 0 || k == 3 ? dlv_gate_nan(c) : k == 1 ? INFINITY : -INFINITY;
  if (k == 3 && b != a)
    d->g[b] = e->is_float ? 0x1p100 : 0x1p600;
  dlv_gate_note(c, "g special: %s at residues %zu, %zu", kinds[k], a, b);
}

/* Which limit a DATA_LIMIT case samples: the gradient limit, tiny
 * gradients (g^2 below the normal range), v' at DLV_ADAM_LOW_* or eps at
 * DLV_ADAM_EPS_BIG_* r2 (adam.h: where the update moves to the wider
 * type). */
enum { LIM_GMAX, LIM_TINY_G, LIM_LOW, LIM_EPS_BIG, LIM_NKINDS };

static double low_of(const adam_entry *e)
{
  return dlv_contract_limit_value(e->k, "low");
}

/* A value of the dtype in binades lo .. hi (2^lo <= |x| < 2^(hi+1),
 * before the rounding to the dtype), random sign and bits. */
static double in_binades(dlv_gate_case *c, int is_float, int lo, int hi)
{
  int ex = lo + (int)dlv_gate_draw(c, (uint64_t)(hi - lo + 1));
  double x = ldexp(1.0 + (double)dlv_gate_draw(c, 1ull << 52) * 0x1p-52, ex);
  x = to_dtype(is_float, x);
  return dlv_gate_draw(c, 2) ? -x : x;
}

/* A gradient whose square underflows (float: |g| in [2^-149, 2^-60],
 * double: [2^-1074, 2^-500]). */
static double tiny_grad(dlv_gate_case *c, int is_float)
{
  return is_float ? in_binades(c, 1, -149, -60)
                  : in_binades(c, 0, -1074, -500);
}

/* A subnormal of the dtype (k times the smallest, k < 2^20), either sign. */
static double subnormal_grad(dlv_gate_case *c, int is_float)
{
  double x = smallest_subnormal(is_float) *
             (double)(1 + dlv_gate_draw(c, 1u << 20));
  return dlv_gate_draw(c, 2) ? -x : x;
}

/* The kinds of a tiny-gradient residue (adam.h's small elements):
 * - TINY_V0: g tiny, v = 0 (v' is only (1 - b2) g^2) and m tiny too (a
 *   reachable state);
 * - TINY_LOW_M: a subnormal g, m = theta = 0 and v with fl(b2 v) about
 *   4 low, so that m' lies below the low limit beside a normal v' and d
 *   is small: the update -s1 m'/d is a normal number whose every bit the
 *   wider type must get right (adam.h: such elements are redone there);
 * - TINY_SQUARE: g whose square underflows to zero in the dtype (not in
 *   the wider type), v = m = theta = 0, and |g| at least eps/4 where eps
 *   allows: d = sqrt(v') r2 + eps is then not eps alone, and the update
 *   is all of theta';
 * - TINY_AS_DRAWN: g tiny, the rest as drawn. */
enum { TINY_V0, TINY_LOW_M, TINY_SQUARE, TINY_AS_DRAWN, TINY_NKINDS };

/* The largest binade e of g whose square underflows to zero in the dtype
 * (round to nearest): g^2 < 2^(2e+2) <= half the smallest subnormal. */
static int square_underflow_exponent(int is_float)
{
  return is_float ? -76 : -539;
}

/* A TINY_SQUARE gradient for this eps: |g| in binades ilogb(eps) - 2 ..
 * e (e of square_underflow_exponent; binade e alone when eps is too large
 * for that). */
static double square_underflow_grad(dlv_gate_case *c, int is_float,
                                    double eps)
{
  int hi = square_underflow_exponent(is_float);
  int lo = ilogb(eps) - 2, sub = is_float ? -149 : -1074;
  return in_binades(c, is_float, lo < sub ? sub : lo > hi ? hi : lo, hi);
}

/* Tiny gradients at half the residues: residue i takes kind
 * (s + i) mod 2 TINY_NKINDS (s at random; kinds from TINY_NKINDS on leave
 * the residue as drawn), so that every 2 TINY_NKINDS consecutive residues
 * hold each kind once, whatever the draws. */
static void tiny_grads(dlv_gate_case *c, const adam_entry *e,
                       const hyper *h, period *d)
{
  int f = e->is_float;
  double tiny = f ? 0x1p-75 : 0x1p-537;
  size_t s = (size_t)dlv_gate_draw(c, 2 * TINY_NKINDS);
  for (size_t i = 0; i < d->P; i++) {
    unsigned kind = (unsigned)((s + i) % (2 * TINY_NKINDS));
    if (kind >= TINY_NKINDS)
      continue;
    d->g[i] = tiny_grad(c, f);
    if (kind == TINY_V0) {
      d->v[i] = 0.0;
      d->m[i] = to_dtype(f, fit(d->m[i], tiny));
    } else if (kind == TINY_LOW_M) {
      d->g[i] = subnormal_grad(c, f);
      d->m[i] = d->theta[i] = 0.0;
      double v = 4.0 * low_of(e);
      d->v[i] = to_dtype(f, h->b2 > 0.0 ? v / h->b2 : v);
    } else if (kind == TINY_SQUARE) {
      d->g[i] = square_underflow_grad(c, f, h->eps);
      d->m[i] = d->theta[i] = d->v[i] = 0.0;
    }
  }
  dlv_gate_note(c, "tiny g at half the residues, kinds from %zu", s);
}

/* x in the dtype one ulp toward dir. */
static double dtype_step(int is_float, double x, double dir)
{
  return is_float ? (double)nextafterf((float)x, (float)dir)
                  : nextafter(x, dir);
}

/* The dtype's product fl(b v). */
static double dtype_mul(int is_float, double b, double v)
{
  return is_float ? (double)((float)b * (float)v) : b * v;
}

/* v' of one element at DLV_ADAM_LOW_* exactly or one ulp either side, or
 * (one case in two) 1 to 24 binades below it (float; double: 1 to 60),
 * where the update must already be the wider type's: v with fl(b2 v) on
 * the target (searched a few ulps around target / b2; the
 * note says when it is not hit, e.g. b2 = 0), g = 0 at the limit and
 * below it a g whose square is near the target; m up to the reachable cap
 * 2^27 sqrt(v) and, one case in two, theta = 0 (the step is then all of
 * theta', so an error of the step is not hidden under u |theta|). */
static void v_at_low(dlv_gate_case *c, const adam_entry *e, double b2,
                     period *d)
{
  int f = e->is_float, which;
  double target = dlv_gate_limit(c, low_of(e), f, &which);
  int below = dlv_gate_draw(c, 2) ? 1 + (int)dlv_gate_draw(c, f ? 24 : 60) : 0;
  target = ldexp(target, -below);
  size_t pos = (size_t)dlv_gate_draw(c, d->P);
  double v = b2 > 0.0 ? to_dtype(f, target / b2) : target;
  for (int k = 0; k < 8 && b2 > 0.0 && dtype_mul(f, b2, v) != target; k++)
    v = dtype_step(f, v, dtype_mul(f, b2, v) < target ? INFINITY : 0.0);
  /* below the limit, a g with g^2 about target times 2^-k (subnormal in
   * part of the band): its underflow is what the wider type must not lose */
  d->g[pos] = below ? to_dtype(f, ldexp(sqrt(target), -(int)dlv_gate_draw(c, 16)))
                    : 0.0;
  d->v[pos] = v;
  double frac = (double)(1 + dlv_gate_draw(c, 1u << 20)) * 0x1p-20;
  d->m[pos] = to_dtype(f, ldexp(sqrt(v) * frac, (int)dlv_gate_draw(c, 28)) *
                              (dlv_gate_draw(c, 2) ? -1 : 1));
  if (dlv_gate_draw(c, 2))
    d->theta[pos] = 0.0;
  dlv_gate_note(c, "v' at residue %zu: DLV_ADAM_LOW %s, 2^-%d%s", pos,
                which == 0 ? "exactly" : which < 0 ? "minus one ulp"
                                                   : "plus one ulp",
                below, dtype_mul(f, b2, v) == target ? "" : " (not hit)");
}

/* The kernel's r2 in the dtype (adam.c's step_scalars). */
static double kernel_r2(const adam_entry *e, const hyper *h)
{
  double bc2 = 1.0;
  if (h->form & DLV_ADAM_BIAS_CORRECTED)
    dlv_adam_bias_correction_d(h->b2, h->t, &bc2);
  return to_dtype(e->is_float, 1.0 / sqrt(bc2));
}

/* The hyperparameters of a limit case: eps at DLV_ADAM_EPS_BIG_* r2 for
 * LIM_EPS_BIG (the case then runs it, one ulp either side and
 * DLV_ADAM_EPS_BIG_* alone: eps_big_probes), lr nonzero, and in three cases of four the
 * bias-corrected form at t = 1 with b2 >= 3/4, so that r2 >= 2: the limit
 * is a product,
 * and a probe at r2 = 1 cannot tell EPS_BIG r2 from EPS_BIG; a tiny eps (2^k, k from the
 * smallest subnormal to 2 binades above DLV_ADAM_EPS_BIG_*, or in one
 * case of two to the binade square_underflow_exponent) for LIM_TINY_G,
 * and in one case of two for LIM_LOW, so that the wider type applies;
 * and for every limit but the gradient's a nonzero lr (a drawn zero
 * becomes 1e-3): those cases test the update of the small elements,
 * which lr = 0 leaves out (other cases draw lr = 0). */
static void limit_hyper(dlv_gate_case *c, const adam_entry *e,
                        unsigned lim, hyper *h)
{
  int f = e->is_float;
  double big = dlv_contract_limit_value(e->k, "eps_big");
  if (h->lr == 0.0 && lim != LIM_GMAX)
    h->lr = to_dtype(f, 1e-3);
  if (lim == LIM_EPS_BIG) {
    if (dlv_gate_draw(c, 4) != 0) {
      h->form |= DLV_ADAM_BIAS_CORRECTED;
      h->t = 1;
      h->b2 = to_dtype(f, 1.0 - ldexp(1.0, -2 - (int)dlv_gate_draw(c, 20)));
    }
    h->eps = to_dtype(f, big * kernel_r2(e, h));
    dlv_gate_note(c, "eps at DLV_ADAM_EPS_BIG r2 (r2 %a)", kernel_r2(e, h));
    return;
  }
  if (lim == LIM_TINY_G || (lim == LIM_LOW && dlv_gate_draw(c, 2))) {
    /* tiny gradients with eps below the big limit: the low limit in
     * force (adam.h), so that the elements it moves to the wider type
     * are those tiny_grads makes */
    int lo = f ? -149 : -1074, hi = ilogb(big) + 2;
    if (lim == LIM_TINY_G && dlv_gate_draw(c, 2))
      hi = square_underflow_exponent(f); /* TINY_SQUARE's g^2 not lost in d */
    h->eps = ldexp(1.0, lo + (int)dlv_gate_draw(c, (uint64_t)(hi - lo + 1)));
  }
}

/* The period: P = n for small n, else 37..100 (no power of two). */
static period make_period(dlv_gate_case *c, const adam_entry *e, size_t n,
                          unsigned kind, unsigned lim, const hyper *h)
{
  const char *limit = "gmax";
  period d = {n, n, NULL, NULL, NULL, NULL};
  if (n > 64) {
    d.P = 37 + (size_t)dlv_gate_draw(c, 64);
    d.P += (d.P & (d.P - 1)) == 0; /* 64 -> 65 */
  }
  size_t bytes = (d.P + 1) * sizeof(double);
  d.theta = dlv_gate_alloc(c, bytes);
  d.m = dlv_gate_alloc(c, bytes);
  d.v = dlv_gate_alloc(c, bytes);
  d.g = dlv_gate_alloc(c, bytes);
  if (d.P == 0)
    return d;
  int vclass = dlv_gate_vclass(c);
  double gmax = dlv_contract_limit_value(e->k, limit);
  for (size_t i = 0; i < d.P; i++)
    draw_state(c, e, vclass, gmax, &d, i);
  dlv_gate_note(c, "n %zu, period %zu, values %s", n, d.P,
                dlv_gate_vclass_name(vclass));
  /* free states first: the limit elements below are set over them */
  if (kind != DATA_ARGS && dlv_gate_draw(c, 2) == 0)
    free_states(c, e, gmax, h->lr, &d);
  if (kind == DATA_LIMIT && lim == LIM_GMAX)
    grad_at_limit(c, e, limit, &d);
  else if (kind == DATA_LIMIT && lim == LIM_LOW)
    v_at_low(c, e, h->b2, &d);
  else if (kind == DATA_LIMIT)
    tiny_grads(c, e, h, &d);
  else if (kind == DATA_SPECIAL || (kind == DATA_ARGS && dlv_gate_draw(c, 2)))
    grad_special(c, e, &d); /* under DATA_ARGS the argument's status wins */
  return d;
}

/* The kernel's arrays: theta, m, v (state, in place) and g (input). */
typedef struct {
  dlv_gate_buf theta, m, v, g;
} adam_bufs;

static void fill_periodic(dlv_gate_buf *b, const double *p, size_t P)
{
  for (size_t i = 0; i < b->n; i++)
    dlv_gate_buf_set(b, i, p[i % P]);
}

/* The arrays of one run; g is frozen (an input), the state only when the
 * run must leave it untouched (freeze_state). */
static void make_bufs(dlv_gate_case *c, const adam_entry *e, const period *d,
                      adam_bufs *b, int freeze_state)
{
  dlv_gate_buf *arrays[] = {&b->g, &b->theta, &b->m, &b->v};
  const double *src[] = {d->g, d->theta, d->m, d->v};
  for (int k = 0; k < 4; k++) {
    dlv_gate_buf_make(c, arrays[k], e->elem, d->n, 1);
    fill_periodic(arrays[k], src[k], d->P ? d->P : 1);
    if (k == 0 || freeze_state)
      dlv_gate_buf_freeze(c, arrays[k]);
  }
}

/* The backend's thread count (capped by --max-threads; a backend without
 * the knob runs as it does). */
static void backend_threads(int n)
{
  const dlv_backend *b = dlv_gate_backend();
  if (b->set_threads != NULL)
    b->set_threads(n < dlv_gate_max_threads() ? n : dlv_gate_max_threads());
}

/* One step through the backend under test (dlv_gate_backend). */
static int run_adam(const adam_entry *e, adam_bufs *b, const hyper *h,
                    int form, int threads)
{
  void *p[4] = {b->theta.at, b->m.at, b->v.at, b->g.at};
  if (h->null_arg)
    p[h->null_arg - 1] = NULL;
  const dlv_backend *bk = dlv_gate_backend();
  int saved = dlv_get_threads();
  backend_threads(threads);
  int status =
      e->is_float
          ? bk->adam_step_s(b->g.n, p[0], p[1], p[2], p[3], (float)h->lr,
                            (float)h->b1, (float)h->b2, (float)h->eps, h->t,
                            form)
          : bk->adam_step_d(b->g.n, p[0], p[1], p[2], p[3], h->lr, h->b1,
                            h->b2, h->eps, h->t, form);
  backend_threads(saved);
  return status;
}

static void guards_of(dlv_gate_case *c, const adam_bufs *b, const char *run)
{
  char name[64];
  snprintf(name, sizeof name, "theta (%s)", run);
  dlv_gate_buf_guards_ok(c, &b->theta, name);
  snprintf(name, sizeof name, "m (%s)", run);
  dlv_gate_buf_guards_ok(c, &b->m, name);
  snprintf(name, sizeof name, "v (%s)", run);
  dlv_gate_buf_guards_ok(c, &b->v, name);
  snprintf(name, sizeof name, "g (%s)", run);
  dlv_gate_buf_unchanged(c, &b->g, name);
}

static void state_unchanged(dlv_gate_case *c, const adam_bufs *b,
                            const char *run)
{
  char name[64];
  snprintf(name, sizeof name, "theta (%s, on error)", run);
  dlv_gate_buf_unchanged(c, &b->theta, name);
  snprintf(name, sizeof name, "m (%s, on error)", run);
  dlv_gate_buf_unchanged(c, &b->m, name);
  snprintf(name, sizeof name, "v (%s, on error)", run);
  dlv_gate_buf_unchanged(c, &b->v, name);
}

/* Element i of a state array is compared only when its residue's gradient
 * is admissible. */
static int residue_ok(const period *d, size_t i, double gmax)
{
  return admissible(d->g[i % d->P], gmax);
}

/* Bitwise: every admissible element of a's state equals b's. */
static void same_state(dlv_gate_case *c, const period *d, double gmax,
                       const adam_bufs *a, const adam_bufs *b,
                       const char *what)
{
  const dlv_gate_buf *xa[] = {&a->theta, &a->m, &a->v};
  const dlv_gate_buf *xb[] = {&b->theta, &b->m, &b->v};
  char name[96];
  for (int k = 0; k < 3; k++) {
    snprintf(name, sizeof name, "%s %s", k == 0 ? "theta" : k == 1 ? "m" : "v",
             what);
    for (size_t i = 0; i < d->n && !dlv_gate_failed(c); i++)
      if (residue_ok(d, i, gmax))
        dlv_gate_cmp_same(c, name, i, dlv_gate_buf_get(xa[k], i),
                          dlv_gate_buf_get(xb[k], i));
  }
}

/* The exact new state of each residue (MPFR) and its bounds. */
typedef struct {
  mpfr_t *theta, *m, *v;
  dlv_adam_err *err;
} adam_exact;

static adam_exact exact_step(dlv_gate_case *c, const adam_entry *e,
                             const period *d, const hyper *h)
{
  size_t P = d->P;
  adam_exact x;
  mpfr_prec_t prec = dlv_mp_prec();
  x.theta = dlv_mp_vec_alloc(P, prec);
  x.m = dlv_mp_vec_alloc(P, prec);
  x.v = dlv_mp_vec_alloc(P, prec);
  mpfr_t *g = dlv_mp_vec_alloc(P, prec);
  if (!x.theta || !x.m || !x.v || !g)
    abort();
  for (size_t i = 0; i < P; i++) {
    mpfr_set_d(x.theta[i], d->theta[i], MPFR_RNDN);
    mpfr_set_d(x.m[i], d->m[i], MPFR_RNDN);
    mpfr_set_d(x.v[i], d->v[i], MPFR_RNDN);
    mpfr_set_d(g[i], d->g[i], MPFR_RNDN);
  }
  int form = h->form & DLV_ADAM_BIAS_CORRECTED;
  dlv_ref_adam_step(P, x.theta, x.m, x.v, g, h->lr, h->b1, h->b2, h->eps,
                    h->t, form);
  dlv_mp_vec_free(g, P);
  dlv_adam_ctx ctx = dlv_adam_ctx_make(e->is_float, h->lr, h->b1, h->b2,
                                       h->eps, h->t, form);
  x.err = dlv_gate_alloc(c, P * sizeof *x.err);
  for (size_t i = 0; i < P; i++) {
    dlv_adam_exact xi = {d->m[i],
                         d->v[i],
                         d->g[i],
                         mpfr_get_d(x.m[i], MPFR_RNDN),
                         mpfr_get_d(x.v[i], MPFR_RNDN),
                         mpfr_get_d(x.theta[i], MPFR_RNDN)};
    x.err[i] = dlv_bound_adam_elem(&ctx, &xi, (dlv_adam_err){0, 0, 0, 0});
  }
  return x;
}

static void exact_free(adam_exact *x, size_t P)
{
  dlv_mp_vec_free(x->theta, P);
  dlv_mp_vec_free(x->m, P);
  dlv_mp_vec_free(x->v, P);
}

/* adam.h: theta' may be an infinity where the exact update s1 m'/d lies
 * beyond the format's range, though the exact theta' need not (theta
 * near the largest finite, of the other sign).  Whether got, an infinity,
 * is that case: exact - theta (the exact -s1 m'/d) beyond the range with
 * got's sign, within bound (dlv_infinity_allowed). */
static int update_overflows(double got, double theta, mpfr_srcptr exact,
                            double bound, int is_float)
{
  if (!isinf(got))
    return 0;
  mpfr_t step;
  mpfr_init2(step, mpfr_get_prec(exact) + 64);
  mpfr_sub_d(step, exact, theta, MPFR_RNDN);
  int allowed = dlv_infinity_allowed(got, step, bound, is_float ? 24 : 53);
  mpfr_clear(step);
  return allowed;
}

/* An infinite bound where the exact value lies in the dtype's range
 * would pass any output: a defect of the bound (P1's, at lr near the
 * largest finite, once summed |theta'| + e in double). */
static int bound_usable(dlv_gate_case *c, const char *name, size_t i,
                        double bound, mpfr_srcptr exact, int is_float)
{
  double ex = mpfr_get_d(exact, MPFR_RNDN);
  double max = is_float ? FLT_MAX : DBL_MAX;
  if (!isinf(bound) || !isfinite(ex) || fabs(ex) > max)
    return 1;
  return dlv_gate_fail(c, "%s[%zu]: bound infinite, exact %.17g in range",
                       name, i, ex);
}

/* One output array against MPFR: element i < P fully; a later element
 * shares the verdict of its residue's first element when their bits agree,
 * and is compared fully otherwise; theta' may be an infinity where the
 * update overflows (update_overflows). */
static void compare_array(dlv_gate_case *c, const adam_entry *e,
                          const period *d, double gmax, const dlv_gate_buf *b,
                          mpfr_t *exact, const dlv_adam_err *err, int which,
                          const char *name)
{
  for (size_t i = 0; i < d->n && !dlv_gate_failed(c); i++) {
    if (!residue_ok(d, i, gmax))
      continue;
    size_t r = i % d->P;
    double got = dlv_gate_buf_get(b, i);
    if (i >= d->P) {
      double first = dlv_gate_buf_get(b, r);
      if (memcmp(&got, &first, sizeof got) == 0)
        continue;
    }
    double bound = which == 0 ? err[r].theta : which == 1 ? err[r].m : err[r].v;
    if (!bound_usable(c, name, i, bound, exact[r], e->is_float))
      return;
    if (which == 0 &&
        update_overflows(got, d->theta[r], exact[r], bound, e->is_float))
      continue;
    dlv_gate_cmp_mp(c, name, i, got, exact[r], (dlv_bound){0.0, bound},
                    e->is_float);
  }
}

static void compare_exact(dlv_gate_case *c, const adam_entry *e,
                          const period *d, double gmax, const adam_bufs *b,
                          const hyper *h)
{
  if (d->P == 0)
    return;
  adam_exact x = exact_step(c, e, d, h);
  compare_array(c, e, d, gmax, &b->theta, x.theta, x.err, 0, "theta'");
  compare_array(c, e, d, gmax, &b->m, x.m, x.err, 1, "m'");
  compare_array(c, e, d, gmax, &b->v, x.v, x.err, 2, "v'");
  exact_free(&x, d->P);
}

/* A bad gradient: the two-pass run (two) must leave the state untouched;
 * the one-pass run (one) must hold, on every admissible element, the bits
 * of the two-pass step with the bad elements of g set to 0. */
static void check_bad_gradient(dlv_gate_case *c, const adam_entry *e,
                               const period *d, double gmax, const adam_bufs *two,
                               const adam_bufs *one, const hyper *h)
{
  state_unchanged(c, two, "two passes");
  period z = *d;
  z.g = dlv_gate_alloc(c, (d->P + 1) * sizeof *z.g);
  for (size_t r = 0; r < d->P; r++)
    z.g[r] = admissible(d->g[r], gmax) ? d->g[r] : 0.0;
  adam_bufs zeroed;
  make_bufs(c, e, &z, &zeroed, 0);
  dlv_gate_cmp_status(c, "status (two passes, bad g set to 0)",
                      run_adam(e, &zeroed, h, h->form & ~DLV_ADAM_ONE_PASS, 1),
                      DLV_OK);
  same_state(c, d, gmax, one, &zeroed, "(one pass vs two passes)");
}

/* Whether the backend promises the same bits whatever the thread count
 * and schedule (one pass or two) of a step. */
static int thread_invariant(const adam_entry *e)
{
  return (dlv_backend_support(dlv_gate_backend(), DLV_BK_ADAM_STEP,
                              e->is_float) &
          DLV_BK_THREAD_INVARIANT) != 0;
}

/* lr = 0 (either zero) leaves theta bitwise unchanged (adam.h: every
 * finite state): theta' of every admissible element against the theta
 * it started from. */
static void theta_kept(dlv_gate_case *c, const period *d, double gmax,
                       const adam_bufs *b, const char *run)
{
  char name[96];
  snprintf(name, sizeof name, "theta' at lr = 0 (%s)", run);
  for (size_t i = 0; i < d->n && !dlv_gate_failed(c); i++)
    if (residue_ok(d, i, gmax))
      dlv_gate_cmp_same(c, name, i, dlv_gate_buf_get(&b->theta, i),
                        d->theta[i % d->P]);
}

/* ---- Adam step: every path of adam.c at lr = 0 --------------------------- */

/* The paths of an element through adam.c, by adam.h's switch: the main
 * loop (PATH_NORMAL); the main loop as an all-zero element (g = m = v = 0,
 * exempt from the redo); the redo in the wider type (v' or |m'| below
 * DLV_ADAM_LOW_*, eps < DLV_ADAM_EPS_BIG_* r2); the main loop for such a
 * small element when eps is at or beyond that (PATH_EPS_BIG). */
enum { PATH_NORMAL, PATH_ZERO, PATH_LOW, PATH_EPS_BIG, PATH_N };
static const char *const path_names[PATH_N] = {"normal", "all zero",
                                                "low (wider redo)",
                                                "small, eps big"};

/* fl(b a + fl(1 - b) x) in the dtype (adam.c's rounding model). */
static double ema_in_dtype(int is_float, double b, double a, double x)
{
  if (is_float) {
    float bf = (float)b;
    return (double)(bf * (float)a + (1.0f - bf) * (float)x);
  }
  return b * a + (1.0 - b) * x;
}

/* The path adam.h's switch sends an element (g, m, v) on. */
static int path_of(const adam_entry *e, const hyper *h, double g, double m,
                   double v)
{
  int f = e->is_float;
  if (g == 0.0 && m == 0.0 && v == 0.0)
    return PATH_ZERO;
  double gg = f ? (double)((float)g * (float)g) : g * g;
  double m1 = ema_in_dtype(f, h->b1, m, g), v1 = ema_in_dtype(f, h->b2, v, gg);
  if (!(v1 < low_of(e) || fabs(m1) < low_of(e)))
    return PATH_NORMAL;
  double big = dlv_contract_limit_value(e->k, "eps_big") * kernel_r2(e, h);
  return h->eps < big ? PATH_LOW : PATH_EPS_BIG;
}

/* The element designs, residue i taking design i mod DESIGN_N: a normal
 * element; all zero; v' small (v = m = 0, g^2 far below the low limit:
 * the witness of f24-adam-low-lr0-negzero); |m'| small beside a normal
 * v' (m = 0, g subnormal, fl(b2 v) about 4 low).  The two small ones take
 * PATH_LOW or PATH_EPS_BIG by eps. */
enum { DESIGN_NORMAL, DESIGN_ZERO, DESIGN_SMALL_V, DESIGN_SMALL_M, DESIGN_N };

/* theta's value classes, residue i taking class (i / DESIGN_N + s) mod
 * THETA_N: +0, -0, the least subnormal either sign, a subnormal, a unit
 * value, the largest finite, a wide value (signs drawn where not fixed). */
#define THETA_N 8

static double theta_of_class(dlv_gate_case *c, int is_float, unsigned k)
{
  double sub = smallest_subnormal(is_float);
  double sign = dlv_gate_draw(c, 2) ? -1.0 : 1.0;
  double top = is_float ? FLT_MAX : DBL_MAX;
  switch (k) {
  case 0: return 0.0;
  case 1: return -0.0;
  case 2: return sub;
  case 3: return -sub;
  case 4: return subnormal_grad(c, is_float);
  case 5: return dlv_gate_value(c, DLV_GV_UNIT, is_float);
  case 6: return sign * top;
  default: return dlv_gate_value(c, DLV_GV_WIDE, is_float);
  }
}

static void design_element(dlv_gate_case *c, const adam_entry *e,
                           const hyper *h, period *d, size_t i, unsigned s)
{
  int f = e->is_float;
  double *g = &d->g[i], *m = &d->m[i], *v = &d->v[i];
  d->theta[i] = theta_of_class(c, f, (unsigned)((i / DESIGN_N + s) % THETA_N));
  *g = *m = *v = 0.0;
  switch (i % DESIGN_N) {
  case DESIGN_NORMAL:
    *g = in_binades(c, f, -4, 4);
    *m = *g / 2;
    *v = to_dtype(f, *g * *g);
    break;
  case DESIGN_SMALL_V:
    *g = in_binades(c, f, f ? -149 : -1074, f ? -60 : -502);
    break;
  case DESIGN_SMALL_M:
    *g = subnormal_grad(c, f);
    *v = to_dtype(f, h->b2 > 0.0 ? 4.0 * low_of(e) / h->b2 : 4.0 * low_of(e));
    break;
  default: /* DESIGN_ZERO */
    break;
  }
}

/* The path design k must take: its own, the small ones by eps. */
static int path_wanted(unsigned k, int eps_big)
{
  if (k == DESIGN_NORMAL || k == DESIGN_ZERO)
    return k == DESIGN_NORMAL ? PATH_NORMAL : PATH_ZERO;
  return eps_big ? PATH_EPS_BIG : PATH_LOW;
}

/* eps below DLV_ADAM_EPS_BIG_* r2 (2^k, k from the least subnormal up to
 * one binade below) or at or beyond it (up to 2^20 times). */
static double eps_of_regime(dlv_gate_case *c, const adam_entry *e,
                            const hyper *h, int eps_big)
{
  int f = e->is_float, sub = f ? -149 : -1074;
  double big = dlv_contract_limit_value(e->k, "eps_big") * kernel_r2(e, h);
  if (eps_big)
    return to_dtype(f, ldexp(big, (int)dlv_gate_draw(c, 21)));
  int top = ilogb(dlv_contract_limit_value(e->k, "eps_big")) - 1;
  return ldexp(1.0, sub + (int)dlv_gate_draw(c, (uint64_t)(top - sub + 1)));
}

/* Fails the case unless every residue takes its design's path (the data
 * reach each path by construction: this checks the construction). */
static int paths_reached(dlv_gate_case *c, const adam_entry *e,
                         const hyper *h, const period *d, int eps_big)
{
  for (size_t i = 0; i < d->P; i++) {
    int got = path_of(e, h, d->g[i], d->m[i], d->v[i]);
    int want = path_wanted((unsigned)(i % DESIGN_N), eps_big);
    if (got != want)
      return dlv_gate_fail(c, "construction: residue %zu takes the path %s, "
                              "not %s",
                           i, path_names[got], path_names[want]);
  }
  return 1;
}

/* One step at lr = lr0 (+0 or -0) with eps of a regime over the designed
 * period: status DLV_OK, theta' bitwise theta, m' and v' against MPFR. */
static void paths_run(dlv_gate_case *c, const adam_entry *e, hyper h,
                      const period *d, double lr0, int eps_big, int threads)
{
  double gmax = dlv_contract_limit_value(e->k, "gmax");
  h.lr = lr0;
  h.eps = eps_of_regime(c, e, &h, eps_big);
  if (!paths_reached(c, e, &h, d, eps_big))
    return;
  char run[96];
  snprintf(run, sizeof run, "lr = %s0, eps %a: paths normal, all zero, %s",
           signbit(lr0) ? "-" : "+", h.eps, path_names[path_wanted(
                                                 DESIGN_SMALL_V, eps_big)]);
  adam_bufs b;
  make_bufs(c, e, d, &b, 0);
  int status = run_adam(e, &b, &h, h.form, threads);
  guards_of(c, &b, run);
  if (dlv_gate_cmp_status(c, "status (paths)", status, DLV_OK)) {
    theta_kept(c, d, gmax, &b, run);
    compare_exact(c, e, d, gmax, &b, &h);
  }
}

/* Every path of adam.c (path_of) at lr = +0 and -0, eps on either side of
 * DLV_ADAM_EPS_BIG_* r2: four steps over one designed period (n >= 4,
 * every design present), theta over THETA_N value classes. */
static void adam_paths_case(dlv_gate_case *c, const adam_entry *e)
{
  hyper h = draw_hyper(c, e);
  h.t = h.t == 0 ? 1 : h.t; /* t = 0: the exam form's only */
  size_t n = DESIGN_N + (size_t)dlv_gate_draw(c, 2 * DESIGN_N * THETA_N);
  if (dlv_gate_draw(c, 4) == 0) /* several blocks: the redo per block */
    n += DLV_ADAM_BLOCK * (1 + (size_t)dlv_gate_draw(c, 2));
  int threads = 1 + (int)dlv_gate_draw(c, 3);
  unsigned s = dlv_gate_enum(c, THETA_N);
  period d = make_period(c, e, n, DATA_CLASS, LIM_GMAX, &h);
  for (size_t i = 0; i < d.P; i++)
    design_element(c, e, &h, &d, i, s);
  dlv_gate_note(c, "paths: form %d, b1 %a, b2 %a, t %lu, %d threads, "
                   "theta classes from %u",
                h.form, h.b1, h.b2, h.t, threads, s);
  if (!dlv_gate_supports(c, DLV_BK_ADAM_STEP, e->is_float, 0u))
    return;
  for (int k = 0; k < 4 && !dlv_gate_failed(c); k++)
    paths_run(c, e, h, &d, k % 2 ? -0.0 : 0.0, k / 2, threads);
}

static void eps_big_probes(dlv_gate_case *c, const adam_entry *e,
                           const hyper *h, const period *d, size_t n,
                           int threads);
static void adam_runs(dlv_gate_case *c, const adam_entry *e, const hyper *hp,
                      const period *dp, size_t n, int threads);

static void adam_case(dlv_gate_case *c, const adam_entry *e)
{
  unsigned kind = dlv_gate_enum(c, DATA_NKINDS + 1);
  if (kind == DATA_NKINDS) { /* the paths of adam.c at lr = 0 */
    adam_paths_case(c, e);
    return;
  }
  hyper h = draw_hyper(c, e);
  unsigned lim = kind == DATA_LIMIT ? dlv_gate_enum(c, LIM_NKINDS) : LIM_GMAX;
  if (kind == DATA_ARGS)
    dlv_gate_note(c, "argument: %s", spoil_argument(c, e, &h));
  if (kind == DATA_LIMIT)
    limit_hyper(c, e, lim, &h);
  size_t blocks[DLV_CONTRACT_MAX_BLOCKS];
  size_t nb = dlv_contract_block_sizes(e->k, blocks);
  /* up to 3 blocks and a tail (long mode); in quick mode one case in 4
   * goes up to 2 blocks and a tail, the others to one block and 64 */
  size_t big = dlv_gate_long(c) || dlv_gate_draw(c, 4) == 0;
  size_t nmax = big ? (dlv_gate_long(c) ? 4 : 3) * DLV_ADAM_BLOCK - 1
                    : DLV_ADAM_BLOCK + 64;
  size_t n = dlv_gate_extent(c, blocks, nb, kind == DATA_CLASS ? 0 : 1, nmax);
  int threads = 1 + (int)dlv_gate_enum(c, 3);
  dlv_gate_note(c, "form %d, lr %a, b1 %a, b2 %a, eps %a, t %lu, %d threads",
                h.form, h.lr, h.b1, h.b2, h.eps, h.t, threads);
  period d = make_period(c, e, n, kind, lim, &h);
  if (kind == DATA_LIMIT && lim == LIM_EPS_BIG)
    eps_big_probes(c, e, &h, &d, n, threads);
  else
    adam_runs(c, e, &h, &d, n, threads);
}

/* eps at DLV_ADAM_EPS_BIG_* r2, one ulp below, one ulp above, and at
 * DLV_ADAM_EPS_BIG_* alone (inside the band [EPS_BIG, EPS_BIG r2) that
 * the factor opens, where the wider type must still redo the small
 * elements: a switch that drops r2 errs there by a factor, while one ulp
 * below the limit its error is at most what the limit was set to
 * allow), on the same data: every probe in every such case (one probe
 * per case, drawn, met a misplaced switch in few default runs). */
static void eps_big_probes(dlv_gate_case *c, const adam_entry *e,
                           const hyper *h, const period *d, size_t n,
                           int threads)
{
  static const char *const where[] = {
      "at the limit", "one ulp below the limit", "one ulp above the limit",
      "at DLV_ADAM_EPS_BIG (inside the band)"};
  double at[] = {h->eps, dtype_step(e->is_float, h->eps, -INFINITY),
                 dtype_step(e->is_float, h->eps, INFINITY),
                 dlv_contract_limit_value(e->k, "eps_big")};
  for (size_t k = 0; k < 4 && !dlv_gate_failed(c); k++) {
    hyper p = *h;
    p.eps = at[k];
    dlv_gate_note(c, "eps %s", where[k]);
    adam_runs(c, e, &p, d, n, threads);
  }
}

/* The runs of one case (h, d: its arguments and data): both schedules,
 * their statuses, state and comparisons. */
static void adam_runs(dlv_gate_case *c, const adam_entry *e, const hyper *hp,
                      const period *dp, size_t n, int threads)
{
  hyper h = *hp;
  const period d = *dp;
  double gmax = dlv_contract_limit_value(e->k, "gmax");
  int want = hyper_status(&h, n);
  if (want == DLV_OK)
    want = grad_status(d.g, d.P, gmax);
  if (!dlv_gate_supports(c, DLV_BK_ADAM_STEP, e->is_float,
                         want != DLV_OK ? DLV_BK_STATUS : 0u))
    return;
  adam_bufs first, other;
  make_bufs(c, e, &d, &first, want != DLV_OK);
  make_bufs(c, e, &d, &other, want != DLV_OK);
  int other_form = h.form ^ DLV_ADAM_ONE_PASS;
  int s1 = run_adam(e, &first, &h, h.form, threads);
  int s2 = run_adam(e, &other, &h, other_form, threads % 3 + 1);
  guards_of(c, &first, "first run");
  guards_of(c, &other, "other schedule");
  if (!dlv_gate_cmp_status(c, "status", s1, want) ||
      !dlv_gate_cmp_status(c, "status (other schedule)", s2, want))
    return;
  if (want != DLV_EINVAL && h.lr == 0.0) { /* adam.h: theta bitwise */
    theta_kept(c, &d, gmax, (h.form & DLV_ADAM_ONE_PASS) || want == DLV_OK
                                ? &first : &other, "first run");
    if (want == DLV_OK)
      theta_kept(c, &d, gmax, &other, "other schedule");
  }
  if (want == DLV_EINVAL) {
    state_unchanged(c, &first, "first run");
    state_unchanged(c, &other, "other schedule");
  } else if (want == DLV_OK) {
    if (thread_invariant(e))
      same_state(c, &d, gmax, &first, &other, "(other schedule)");
    else /* each schedule on its own against the reference */
      compare_exact(c, e, &d, gmax, &other, &h);
    compare_exact(c, e, &d, gmax, &first, &h);
  } else {
    int first_is_one = (h.form & DLV_ADAM_ONE_PASS) != 0;
    const adam_bufs *one = first_is_one ? &first : &other;
    compare_exact(c, e, &d, gmax, one, &h);
    check_bad_gradient(c, e, &d, gmax, first_is_one ? &other : &first, one,
                       &h);
  }
}

static void adam_step_d(dlv_gate_case *c)
{
  adam_entry e = entry_of("dlv_adam_step_d", 0);
  adam_case(c, &e);
}

static void adam_step_s(dlv_gate_case *c)
{
  adam_entry e = entry_of("dlv_adam_step_s", 1);
  adam_case(c, &e);
}

/* ---- EMA ------------------------------------------------------------------ */

static int run_ema(const adam_entry *e, size_t n, void *avg, const void *x,
                   double beta)
{
  return e->is_float ? dlv_ema_s(n, avg, x, (float)beta)
                     : dlv_ema_d(n, avg, x, beta);
}

static void compare_ema(dlv_gate_case *c, const adam_entry *e,
                        const dlv_gate_buf *avg, const double *a0,
                        const double *x, double beta)
{
  size_t n = avg->n;
  mpfr_t *ma = dlv_mp_vec_alloc(n, dlv_mp_prec());
  mpfr_t *mx = dlv_mp_vec_alloc(n, dlv_mp_prec());
  if (!ma || !mx)
    abort();
  for (size_t i = 0; i < n; i++) {
    mpfr_set_d(ma[i], a0[i], MPFR_RNDN);
    mpfr_set_d(mx[i], x[i], MPFR_RNDN);
  }
  dlv_ref_ema(n, ma, mx, beta);
  double u = e->is_float ? DLV_U_FLOAT : DLV_U_DOUBLE;
  double eta = e->is_float ? DLV_ETA_FLOAT : DLV_ETA_DOUBLE;
  for (size_t i = 0; i < n && !dlv_gate_failed(c); i++) {
    double b = dlv_bound_ema_elem(u, eta, beta, dlv_p1_c_rel(beta, u), a0[i],
                                  x[i], 0.0, 0.0);
    dlv_gate_cmp_mp(c, "avg'", i, dlv_gate_buf_get(avg, i), ma[i],
                    (dlv_bound){0.0, b}, e->is_float);
  }
  dlv_mp_vec_free(ma, n);
  dlv_mp_vec_free(mx, n);
}

/* x: values of a class, one at the limit xmax or one ulp either side
 * (above: an infinity), or special values. */
static void ema_inputs(dlv_gate_case *c, const adam_entry *e, unsigned kind,
                       double *a0, double *x, size_t n)
{
  int vclass = dlv_gate_vclass(c);
  for (size_t i = 0; i < n; i++) {
    a0[i] = dlv_gate_value(c, vclass, e->is_float);
    x[i] = dlv_gate_value(c, vclass, e->is_float);
  }
  dlv_gate_note(c, "n %zu, values %s", n, dlv_gate_vclass_name(vclass));
  /* DATA_ARGS: one time in two a special value too (the argument's
   * status wins) */
  if (n == 0 || kind == DATA_CLASS ||
      (kind == DATA_ARGS && dlv_gate_draw(c, 2)))
    return;
  size_t pos = (size_t)dlv_gate_draw(c, n);
  if (kind == DATA_LIMIT) {
    int which;
    double lim = dlv_gate_limit(c, dlv_contract_limit_value(e->k, "xmax"),
                                e->is_float, &which);
    x[pos] = dlv_gate_draw(c, 2) ? -lim : lim;
    dlv_gate_note(c, "x[%zu] at the limit xmax %s", pos,
                  which == 0 ? "exactly" : which < 0 ? "minus one ulp"
                                                     : "plus one ulp");
  } else {
    /* a NaN, +-Inf, or a NaN and an infinity (adam.h: DLV_ENAN) */
    unsigned k = dlv_gate_enum(c, 4);
    x[pos] = k == 0 || k == 3 ? dlv_gate_nan(c) : k == 1 ? INFINITY : -INFINITY;
    dlv_gate_note(c, "x[%zu] = %g", pos, x[pos]);
    size_t other = (size_t)dlv_gate_draw(c, n);
    if (k == 3 && other != pos) {
      x[other] = dlv_gate_draw(c, 2) ? -INFINITY : INFINITY;
      dlv_gate_note(c, "x[%zu] = %g", other, x[other]);
    }
  }
}

static void ema_case(dlv_gate_case *c, const adam_entry *e)
{
  if (!dlv_gate_builtin_only(c))
    return;
  unsigned kind = dlv_gate_enum(c, DATA_NKINDS);
  double beta = draw_beta(c, e->is_float);
  size_t n = dlv_gate_extent(c, NULL, 0, kind == DATA_CLASS ? 0 : 1, 300);
  double *a0 = dlv_gate_alloc(c, (n + 1) * sizeof *a0);
  double *x = dlv_gate_alloc(c, (n + 1) * sizeof *x);
  ema_inputs(c, e, kind, a0, x, n);
  int null_arg = 0;
  if (kind == DATA_ARGS) {
    unsigned k = dlv_gate_enum(c, 4);
    beta = k == 0 ? beta_at_limit(c, e) : k == 1 ? -0.5 : k == 2 ? NAN : beta;
    null_arg = k == 3 ? 1 + (int)dlv_gate_draw(c, 2) : 0;
  }
  dlv_gate_note(c, "beta %a%s", beta, null_arg ? ", a NULL array" : "");
  dlv_gate_buf avg, xb;
  dlv_gate_buf_make(c, &avg, e->elem, n, 1);
  dlv_gate_buf_make(c, &xb, e->elem, n, 1);
  for (size_t i = 0; i < n; i++) {
    dlv_gate_buf_set(&avg, i, a0[i]);
    dlv_gate_buf_set(&xb, i, x[i]);
  }
  dlv_gate_buf_freeze(c, &avg);
  dlv_gate_buf_freeze(c, &xb);
  int status = run_ema(e, n, null_arg == 1 ? NULL : avg.at,
                       null_arg == 2 ? NULL : xb.at, beta);
  int want = !(beta >= 0.0 && beta < 1.0) || (n > 0 && null_arg)
                 ? DLV_EINVAL
                 : grad_status(x, n, dlv_contract_limit_value(e->k, "xmax"));
  if (dlv_gate_cmp_status(c, "status", status, want)) {
    if (want == DLV_OK)
      compare_ema(c, e, &avg, a0, x, beta);
    else
      dlv_gate_buf_unchanged(c, &avg, "avg on error");
  }
  dlv_gate_buf_guards_ok(c, &avg, "avg");
  dlv_gate_buf_unchanged(c, &xb, "x");
}

static void ema_d(dlv_gate_case *c)
{
  adam_entry e = entry_of("dlv_ema_d", 0);
  ema_case(c, &e);
}

static void ema_s(dlv_gate_case *c)
{
  adam_entry e = entry_of("dlv_ema_s", 1);
  ema_case(c, &e);
}

/* ---- backward window ------------------------------------------------------ */

/* The window under test, either type. */
typedef struct {
  const adam_entry *e;
  dlv_window_d wd;
  dlv_window_s ws;
  dlv_gate_buf buf, mean;
} window;

static const dlv_window_core *core_of(const window *w)
{
  return w->e->is_float ? &w->ws.w : &w->wd.w;
}

static int window_init(window *w, size_t k, int null_arg)
{
  void *buf = null_arg == 2 ? NULL : w->buf.at;
  if (w->e->is_float)
    return dlv_window_init_s(null_arg == 1 ? NULL : &w->ws, k, buf);
  return dlv_window_init_d(null_arg == 1 ? NULL : &w->wd, k, buf);
}

static int window_push(window *w, double x)
{
  if (w->e->is_float)
    return dlv_window_push_s(&w->ws, (float)x, w->mean.at);
  return dlv_window_push_d(&w->wd, x, w->mean.at);
}

/* The window length: enumerated small and large lengths, the limit
 * DLV_WINDOW_KMAX (exactly, one below, one above) and 0. */
static size_t draw_k(dlv_gate_case *c, size_t kmax)
{
  switch (dlv_gate_enum(c, 9)) {
  case 0:
    return 1;
  case 1:
    return 2;
  case 2:
    return 3;
  case 3:
    return 4 + (size_t)dlv_gate_draw(c, 61);
  case 4:
    return 65 + (size_t)dlv_gate_draw(c, 4000);
  case 5:
    return kmax;
  case 6:
    return kmax - 1;
  case 7:
    return kmax + 1;
  default:
    return 0;
  }
}

/* The exact mean of the last count points: an exact running sum. */
typedef struct {
  mpfr_t sum, mean;
  double *hist; /* every admitted point, in order */
  size_t pushed;
  double maxabs;
} exact_window;

/* The precision that holds every partial sum of the points exactly: from
 * the lowest bit any point has to the top of k times the largest. */
static mpfr_prec_t exact_sum_prec(const double *x, size_t n, size_t k,
                                  int is_float)
{
  int p = is_float ? FLT_MANT_DIG : DBL_MANT_DIG;
  int lowest = is_float ? -149 : -1074, lo = INT_MAX, hi = lowest;
  for (size_t i = 0; i < n; i++) {
    if (x[i] == 0.0 || !isfinite(x[i]))
      continue;
    int e;
    frexp(x[i], &e);
    lo = e - p < lo ? (e - p < lowest ? lowest : e - p) : lo;
    hi = e > hi ? e : hi;
  }
  int bits = lo == INT_MAX ? 2 : hi - lo + 2;
  while (k > 0) {
    bits++;
    k >>= 1;
  }
  return bits + 8;
}

static void exact_window_init(dlv_gate_case *c, exact_window *x,
                              const double *points, size_t pushes, size_t k,
                              int is_float)
{
  mpfr_init2(x->sum, exact_sum_prec(points, pushes, k, is_float));
  mpfr_set_zero(x->sum, 1);
  mpfr_init2(x->mean, dlv_mp_prec());
  x->hist = dlv_gate_alloc(c, (pushes + 1) * sizeof *x->hist);
  x->pushed = 0;
  x->maxabs = 0.0;
}

static void exact_window_push(exact_window *x, size_t k, double v)
{
  mpfr_add_d(x->sum, x->sum, v, MPFR_RNDN); /* exact */
  if (x->pushed >= k)
    mpfr_sub_d(x->sum, x->sum, x->hist[x->pushed - k], MPFR_RNDN);
  x->hist[x->pushed++] = v;
  if (fabs(v) > x->maxabs)
    x->maxabs = fabs(v);
  size_t count = x->pushed < k ? x->pushed : k;
  mpfr_div_ui(x->mean, x->sum, (unsigned long)count, MPFR_RNDN);
}

/* The chain of terms of the running pair after p pushes (adam.h): p
 * before the first block closes, then k (the block) plus 2 per push. */
static size_t window_chain(size_t p, size_t k)
{
  return p < k ? p : k + 2 * (p % k);
}

/* The pushes that test the limits: in the limit scenario a point at xmax
 * (exactly or one ulp either side, per case), in the special one a NaN or
 * an infinity. */
#define WINDOW_EVENTS 3

static double window_event(dlv_gate_case *c, const adam_entry *e,
                           unsigned kind, double xmax, int lim)
{
  if (kind == DATA_LIMIT) {
    double v = lim == 0 ? xmax : dtype_step(e->is_float, xmax, lim * INFINITY);
    return dlv_gate_draw(c, 2) ? -v : v;
  }
  unsigned s = (unsigned)dlv_gate_draw(c, 3);
  return s == 0 ? dlv_gate_nan(c) : s == 1 ? INFINITY : -INFINITY;
}

/* One push: an admissible point is compared with the exact mean; a
 * rejected one must leave the window, its buffer and the mean untouched. */
static void window_step(dlv_gate_case *c, window *w, exact_window *x,
                        size_t k, double v, double xmax)
{
  int want = isnan(v) ? DLV_ENAN : admissible(v, xmax) ? DLV_OK : DLV_EDOM;
  dlv_window_core before = *core_of(w);
  if (want != DLV_OK) {
    dlv_gate_buf_freeze(c, &w->buf);
    dlv_gate_buf_freeze(c, &w->mean);
  }
  int status = window_push(w, v);
  if (!dlv_gate_cmp_status(c, "push status", status, want))
    return;
  if (want != DLV_OK) {
    if (memcmp(&before, core_of(w), sizeof before) != 0)
      dlv_gate_fail(c, "push %zu of %a rejected, but the window changed",
                    x->pushed, v);
    dlv_gate_buf_unchanged(c, &w->buf, "window buffer on error");
    dlv_gate_buf_unchanged(c, &w->mean, "mean on error");
    return;
  }
  exact_window_push(x, k, v);
  size_t count = x->pushed < k ? x->pushed : k;
  double mean_abs = fabs(mpfr_get_d(x->mean, MPFR_RNDN));
  double b = dlv_bound_window_mean(w->e->is_float, count,
                                   window_chain(x->pushed, k), mean_abs,
                                   x->maxabs);
  dlv_gate_cmp_mp(c, "mean after push", x->pushed,
                  dlv_gate_buf_get(&w->mean, 0), x->mean, (dlv_bound){0.0, b},
                  w->e->is_float);
}

/* q k + r pushes, q in 0..3 (in quick mode: for k = kmax 1 in one case of
 * 4 and else 0, 0 for the other windows above 4096), r one of 0, 1, k - 1 or at random (at most 64 for the longest
 * windows in quick mode). */
static size_t draw_pushes(dlv_gate_case *c, size_t k, size_t kmax)
{
  int cap = k > 4096 && !dlv_gate_long(c);
  size_t q = (size_t)dlv_gate_draw(c, cap ? (k == kmax ? 4 : 1) : 4);
  q = cap ? q == 3 : q; /* quick mode: k = kmax crosses a block 1 in 4 */
  unsigned rk = dlv_gate_enum(c, 4);
  size_t r = rk == 0   ? 0
             : rk == 1 ? 1
             : rk == 2 ? k - 1
                       : (size_t)dlv_gate_draw(c, k);
  if (cap && r > 64)
    r = 64;
  size_t p = q * k + r;
  return p == 0 ? 1 : p;
}

static void window_pushes(dlv_gate_case *c, window *w, unsigned kind,
                          size_t k, size_t kmax, double xmax)
{
  size_t pushes = draw_pushes(c, k, kmax);
  int vclass = dlv_gate_vclass(c);
  int lim = (int)dlv_gate_enum(c, 3) - 1; /* limit points: -1, 0, +1 ulp */
  size_t events[WINDOW_EVENTS] = {pushes, pushes, pushes};
  if (kind == DATA_LIMIT || kind == DATA_SPECIAL)
    for (int j = 0; j < WINDOW_EVENTS; j++)
      events[j] = (size_t)dlv_gate_draw(c, pushes);
  dlv_gate_note(c, "%zu pushes, values %s, events at %zu %zu %zu", pushes,
                dlv_gate_vclass_name(vclass), events[0], events[1],
                events[2]);
  double *points = dlv_gate_alloc(c, (pushes + 1) * sizeof *points);
  for (size_t p = 0; p < pushes; p++) {
    int ev = p == events[0] || p == events[1] || p == events[2];
    points[p] = ev ? window_event(c, w->e, kind, xmax, lim)
                   : fit(dlv_gate_value(c, vclass, w->e->is_float), xmax);
  }
  exact_window x;
  exact_window_init(c, &x, points, pushes, k, w->e->is_float);
  for (size_t p = 0; p < pushes && !dlv_gate_failed(c); p++)
    window_step(c, w, &x, k, points[p], xmax);
  mpfr_clears(x.sum, x.mean, (mpfr_ptr)0);
}

static void window_case(dlv_gate_case *c, const adam_entry *e)
{
  if (!dlv_gate_builtin_only(c))
    return;
  size_t kmax = (size_t)dlv_contract_limit_value(e->k, "kmax");
  double xmax = dlv_contract_limit_value(e->k, "xmax");
  unsigned kind = dlv_gate_enum(c, DATA_NKINDS);
  size_t k = draw_k(c, kmax);
  window w = {.e = e};
  dlv_gate_buf_make(c, &w.buf, e->elem, k ? k : 1, 1);
  dlv_gate_buf_make(c, &w.mean, e->elem, 1, 1);
  int null_arg = kind == DATA_ARGS ? 1 + (int)dlv_gate_enum(c, 2) : 0;
  dlv_gate_note(c, "k %zu%s", k, null_arg ? ", a NULL argument" : "");
  int want = k >= 1 && k <= kmax && !null_arg ? DLV_OK : DLV_EINVAL;
  if (dlv_gate_cmp_status(c, "init status", window_init(&w, k, null_arg),
                          want) &&
      want == DLV_OK)
    window_pushes(c, &w, kind, k, kmax, xmax);
  dlv_gate_buf_guards_ok(c, &w.buf, "window buffer");
  dlv_gate_buf_guards_ok(c, &w.mean, "mean");
}

static void window_d(dlv_gate_case *c)
{
  adam_entry e = entry_of("dlv_window_d", 0);
  window_case(c, &e);
}

static void window_s(dlv_gate_case *c)
{
  adam_entry e = entry_of("dlv_window_s", 1);
  window_case(c, &e);
}

static const dlv_gate_entry entries[] = {
    {"dlv_adam_bias_correction_d", bias_correction},
    {"dlv_adam_step_d", adam_step_d},
    {"dlv_adam_step_s", adam_step_s},
    {"dlv_ema_d", ema_d},
    {"dlv_ema_s", ema_s},
    {"dlv_window_d", window_d},
    {"dlv_window_s", window_s},
};

/* ---- the limits (adam.h), as the header documents them ------------------- */

/* beta1, beta2, the EMA's beta and the bias correction's b in [0, 1). */
/* |g| <= 2^511 (double), 2^63 (float); beyond: DLV_EDOM. */
static int grad_in_domain_d(double g) { return fabs(g) <= 0x1p511; }
static int grad_in_domain_s(double g) { return fabs(g) <= 0x1p63; }
/* switches: v' and |m'| at or above DLV_ADAM_LOW_*, eps at or above
 * DLV_ADAM_EPS_BIG_* r2 (as a ratio eps / r2): no wider recomputation */
static int plain_update_d(double x) { return x >= DLV_ADAM_LOW_D; }
static int plain_update_s(double x) { return x >= DLV_ADAM_LOW_S; }
static int eps_big_d(double r) { return r >= DLV_ADAM_EPS_BIG_D; }
static int eps_big_s(double r) { return r >= DLV_ADAM_EPS_BIG_S; }
/* the window: k in [1, 2^20], |x| <= 2^1000 (the float window: every
 * finite float) */
static int window_length(double k) { return k >= 1 && k <= 0x1p20; }
static int window_x_d(double x) { return fabs(x) <= 0x1p1000; }

static const dlv_gate_limit_model limit_models[] = {
    {"beta_max", "double", dlv_gate_beta_in_domain, 1, 0,
     DLV_GATE_STEP_DOUBLE,
     "beta in [0, 1) (adam.h)"},
    {"beta_max", "float", dlv_gate_beta_in_domain, 1, 0,
     DLV_GATE_STEP_FLOAT,
     "beta in [0, 1) (adam.h)"},
    {"gmax", "double", grad_in_domain_d, 1, 1, DLV_GATE_STEP_DOUBLE,
     "|g| <= 2^511 (adam.h)"},
    {"gmax", "float", grad_in_domain_s, 1, 1, DLV_GATE_STEP_FLOAT,
     "|g| <= 2^63 (adam.h)"},
    {"low", "double", plain_update_d, 0, 1, DLV_GATE_STEP_DOUBLE,
     "v', |m'| >= DLV_ADAM_LOW_D: no wider recomputation (adam.h)"},
    {"low", "float", plain_update_s, 0, 1, DLV_GATE_STEP_FLOAT,
     "v', |m'| >= DLV_ADAM_LOW_S: no wider recomputation (adam.h)"},
    {"eps_big", "double", eps_big_d, 0, 1, DLV_GATE_STEP_DOUBLE,
     "eps / r2 >= DLV_ADAM_EPS_BIG_D: no wider recomputation (adam.h)"},
    {"eps_big", "float", eps_big_s, 0, 1, DLV_GATE_STEP_FLOAT,
     "eps / r2 >= DLV_ADAM_EPS_BIG_S: no wider recomputation (adam.h)"},
    {"kmax", NULL, window_length, 1, 1, DLV_GATE_STEP_UNIT,
     "window length k in [1, 2^20] (adam.h)"},
    {"xmax", "dlv_window_d", window_x_d, 1, 1, DLV_GATE_STEP_DOUBLE,
     "|x| <= 2^1000 (adam.h)"},
    {"xmax", "double", dlv_gate_finite_d, 1, 1, DLV_GATE_STEP_DOUBLE,
     "every finite double (adam.h: the EMA)"},
    {"xmax", "float", dlv_gate_finite_s, 1, 1, DLV_GATE_STEP_FLOAT,
     "every finite float (adam.h: the EMA, the float window)"},
};

const dlv_gate_family dlv_gate_adam = {
    "adam", entries, sizeof entries / sizeof entries[0], .via_backend = 1,
    .limit_models = limit_models,
    .n_limit_models = sizeof limit_models / sizeof limit_models[0]};
