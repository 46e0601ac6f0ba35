/* t_closs_mag.c: the P5 magnitudes (closs_mag.h) against MPFR twins of
 * their definitions (bounds.h, P5 section, and the comments of
 * closs_mag.c), written from those definitions, for every loss kind of
 * dlv_ref_loss (quadratic, logistic, tanh network, norm), on small
 * problems (several n, m, d, k) at random and edge points (Theta = 0, a
 * zero direction, large margins and saturated tanh units, a tiny Theta
 * with a large direction, directions of one sign).
 *
 * The rule, for each output of dlv_closs_magnitudes (mr, mi, vr, vi),
 * dlv_closs_magnitudes_z (M, mg) and dlv_closs_cauchy_disc (R, mc):
 *   sound: output >= lo, the definition's value at MP_BITS;
 *   tight: output <= hi DLV_P5_MAG_SLACK (1 + TIGHT), so that an inflated
 *          or doubled term fails as a dropped one does.
 * lo = hi where the definition can be evaluated exactly.  Where it takes
 * a supremum over the margins or preactivations the kernel's rounding may
 * reach, or a rounding margin of the double code (the logistic's delta,
 * the norm's L, the strips' edges), lo takes it over what must be covered
 * (the exact point within its rounding) and hi over what the definition,
 * evaluated in double, may reach: both ends are stated where they are
 * formed.  The Cauchy disc's mc is also held above |grad_j| (MPFR,
 * ref_closs_z.h) on 16 points of the circle |s| = R (by the maximum
 * principle, the disc's maximum is on it).
 *
 * TIGHT = 2^-42: the double evaluation of a magnitude has fewer than 2^10
 * roundings on any path (bounds.h, DLV_P5_MAG_SLACK), within (1 + u)^1024
 * - 1 < 2^-43 of its exact value at the same arguments; the few libm
 * calls per term (exp, log1p, tanh, sqrt, each within 1 ulp) and the
 * rounding of their arguments (at most 2^7 u relative at the test points'
 * sizes, margins and preactivations below 2^7) add less than 2^-43 more.
 *
 * The logistic sensitivities (dlv_closs_logistic_sens) are held over
 * every margin z with |z - zy| <= 2 gamma_n S (both ends, and points
 * between), up to the function's own rounding: at most 8 operations (exp,
 * log1p, +, *, /), each within 2u relative, so within a factor 1 + 16u.
 * With S up to 1e6 the interval is up to 1e-9 wide, a million ulps of the
 * sensitivities: a supremum taken over half of it falls short by far
 * more than that factor. */
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "bound_twins.h"
#include "closs_mag.h"
#include "mp.h"
#include "noisy_linear.h"
#include "ref_closs_z.h"

#define TIGHT 0x1p-42
enum { SENS_POINTS = 9, MAXN = 32, MAXX = 128, CIRCLE = 16 };
enum side { LO, HI }; /* what must be covered; what the definition reaches */

/* The kind, the sizes and the point under test, for the messages. */
static char where[160];

/* ---- the logistic sensitivities ---------------------------------------- */

/* sigma(-z), sigma(z)(1 - sigma(z)) and softplus(-z) at z (MPFR). */
static void logistic_at(mpfr_srcptr z, mpfr_ptr s_neg, mpfr_ptr dsig,
                        mpfr_ptr sp)
{
  mpfr_t e;
  mpfr_init2(e, MP_BITS);
  mpfr_neg(e, z, MPFR_RNDN);
  mpfr_exp(e, e, MPFR_RNDN);               /* e^-z */
  mpfr_log1p(sp, e, MPFR_RNDN);            /* softplus(-z) = log(1 + e^-z) */
  mpfr_exp(e, z, MPFR_RNDN);               /* e^z */
  mpfr_add_ui(s_neg, e, 1, MPFR_RNDN);
  mpfr_ui_div(s_neg, 1, s_neg, MPFR_RNDN); /* sigma(-z) = 1/(1 + e^z) */
  mpfr_ui_sub(dsig, 1, s_neg, MPFR_RNDN);  /* sigma(z) */
  mpfr_mul(dsig, dsig, s_neg, MPFR_RNDN);
  mpfr_clear(e);
}

/* got * (1 + 16u) >= want, else a failure naming what. */
static void at_least(double got, mpfr_srcptr want, const char *what,
                     double zy, double big_s, size_t n, mpfr_srcptr z)
{
  if (mpfr_cmp_d(want, got * (1.0 + 16.0 * DLV_U_DOUBLE)) > 0) {
    mpfr_printf("%s: %a at zy %g, S %g, n %zu, below its value %.20Rg at "
                "z = %.20Rg\n",
                what, got, zy, big_s, n, want, z);
    fail();
  }
}

static void logistic_sens_covers_the_margins(void **state)
{
  (void)state;
  const double zys[] = {-40, -5, -1, -1e-3, 0, 1e-3, 1, 5, 40};
  const double bigs[] = {1, 1e3, 1e6};
  const size_t ns[] = {2, 5, 50};
  mpfr_t z, s_neg, dsig, sp;
  mpfr_inits2(MP_BITS, z, s_neg, dsig, sp, (mpfr_ptr)0);
  for (size_t a = 0; a < COUNT(zys); a++)
    for (size_t b = 0; b < COUNT(bigs); b++)
      for (size_t c = 0; c < COUNT(ns); c++) {
        double zy = zys[a], big_s = bigs[b];
        double delta = 2.0 * dlv_gamma((double)ns[c], DLV_U_DOUBLE) * big_s;
        dlv_logistic_sens s = dlv_closs_logistic_sens(zy, big_s, ns[c]);
        for (int k = 0; k < SENS_POINTS; k++) { /* zy - delta .. + delta */
          mpfr_set_d(z, delta, MPFR_RNDN);
          mpfr_mul_si(z, z, 2 * k - (SENS_POINTS - 1), MPFR_RNDN);
          mpfr_div_ui(z, z, SENS_POINTS - 1, MPFR_RNDN);
          mpfr_add_d(z, z, zy, MPFR_RNDN);
          logistic_at(z, s_neg, dsig, sp);
          at_least(s.s0, s_neg, "s0 (sigma(-z))", zy, big_s, ns[c], z);
          at_least(s.s1, dsig, "s1 (sigma')", zy, big_s, ns[c], z);
          at_least(s.sp, sp, "sp (softplus(-z))", zy, big_s, ns[c], z);
        }
      }
  mpfr_clears(z, s_neg, dsig, sp, (mpfr_ptr)0);
}

/* ---- the comparison ---------------------------------------------------- */

/* lo <= got <= hi DLV_P5_MAG_SLACK (1 + TIGHT), that bound rounded up to
 * a double (hi may be +Inf: no tightness claimed there; a magnitude that
 * lands in the subnormal range, rounded upward, may sit one spacing above
 * its definition, and one whose definition exceeds DBL_MAX is +Inf); j is
 * the entry, SCALAR for the value. */
#define SCALAR ((size_t)-1)
static void assert_bracketed(double got, mpfr_srcptr lo, mpfr_srcptr hi,
                             const char *what, size_t j)
{
  mpfr_t top;
  mpfr_init2(top, MP_BITS);
  mpfr_mul_d(top, hi, DLV_P5_MAG_SLACK, MPFR_RNDN);
  mp_times_one_plus(top, TIGHT);
  int below = isnan(got) || mpfr_cmp_d(lo, got) > 0;
  int above = !below && got > mpfr_get_d(top, MPFR_RNDU);
  char entry[32] = "";
  if (j != SCALAR)
    snprintf(entry, sizeof entry, "[%zu]", j);
  if (below || above)
    print_error("%s: %s%s = %.17g %s its definition %.17g%s\n", where,
                what, entry, got, below ? "below" : "above",
                mpfr_get_d(below ? lo : hi, MPFR_RNDN),
                below ? " (unsound)"
                      : " x DLV_P5_MAG_SLACK (1 + 2^-42) (inflated)");
  mpfr_clear(top);
  if (below || above)
    fail();
}

/* ---- MPFR arithmetic on the definitions' terms ------------------------- */

/* r += x y (doubles: the product is exact at MP_BITS). */
static void add_prod(mpfr_ptr r, double x, double y)
{
  mpfr_t t;
  mpfr_init2(t, MP_BITS);
  mpfr_set_d(t, x, MPFR_RNDN);
  mpfr_mul_d(t, t, y, MPFR_RNDN);
  mpfr_add(r, r, t, MPFR_RNDN);
  mpfr_clear(t);
}

/* r += |x y|. */
static void add_abs_prod(mpfr_ptr r, double x, double y)
{
  add_prod(r, fabs(x), fabs(y));
}

/* r = |re| + |im|: the modulus bound bounds.h (closs_z) takes as input. */
static void modulus(mpfr_ptr r, double re, double im)
{
  mpfr_set_d(r, fabs(re), MPFR_RNDN);
  mpfr_add_d(r, r, fabs(im), MPFR_RNDN);
}

/* r = min(1, e^x). */
static void exp_capped(mpfr_ptr r, mpfr_srcptr x)
{
  mpfr_exp(r, x, MPFR_RNDN);
  if (mpfr_cmp_ui(r, 1) > 0)
    mpfr_set_ui(r, 1, MPFR_RNDN);
}

/* ---- (R, I) pairs and the rules of bounds.h ---------------------------- */

typedef struct {
  mpfr_t r, i;
} pair;

static void pair_set(pair *p, double r, double i)
{
  mpfr_set_d(p->r, fabs(r), MPFR_RNDN);
  mpfr_set_d(p->i, fabs(i), MPFR_RNDN);
}

static void pair_init(pair *p)
{
  mpfr_inits2(MP_BITS, p->r, p->i, (mpfr_ptr)0);
  pair_set(p, 0.0, 0.0);
}

static void pair_clear(pair *p) { mpfr_clears(p->r, p->i, (mpfr_ptr)0); }

/* A sum adds magnitudes. */
static void pair_add(pair *s, const pair *x)
{
  mpfr_add(s->r, s->r, x->r, MPFR_RNDN);
  mpfr_add(s->i, s->i, x->i, MPFR_RNDN);
}

/* out = x y by the product rule (R_x R_y, R_x I_y + I_x R_y); out may be
 * x or y. */
static void pair_mul(pair *out, const pair *x, const pair *y)
{
  mpfr_t r, i, t;
  mpfr_inits2(MP_BITS, r, i, t, (mpfr_ptr)0);
  mpfr_mul(r, x->r, y->r, MPFR_RNDN);
  mpfr_mul(i, x->r, y->i, MPFR_RNDN);
  mpfr_mul(t, x->i, y->r, MPFR_RNDN);
  mpfr_add(out->i, i, t, MPFR_RNDN);
  mpfr_set(out->r, r, MPFR_RNDN);
  mpfr_clears(r, i, t, (mpfr_ptr)0);
}

/* s += x y. */
static void pair_add_mul(pair *s, const pair *x, const pair *y)
{
  pair t;
  pair_init(&t);
  pair_mul(&t, x, y);
  pair_add(s, &t);
  pair_clear(&t);
}

static void pair_div_ui(pair *p, unsigned long m)
{
  mpfr_div_ui(p->r, p->r, m, MPFR_RNDN);
  mpfr_div_ui(p->i, p->i, m, MPFR_RNDN);
}

/* The definitions' values at one point: (R_j, I_j) of each gradient entry
 * and of the value. */
typedef struct {
  size_t n;
  pair g[MAXN], v;
} mags;

static void mags_init(mags *o, size_t n)
{
  o->n = n;
  for (size_t j = 0; j < n; j++)
    pair_init(&o->g[j]);
  pair_init(&o->v);
}

static void mags_clear(mags *o)
{
  for (size_t j = 0; j < o->n; j++)
    pair_clear(&o->g[j]);
  pair_clear(&o->v);
}

/* ---- the definitions at a real point (dlv_closs_magnitudes) ------------ */

/* quadratic: (A Theta)_i sums |a_ij| (|Theta_j|, |w_j|); the gradient
 * entry adds |b_i|; the value sums Theta_i (a_i Theta / 2 + b_i) by the
 * product rule. */
static void twin_quadratic(const dlv_quadratic *p, const double *th,
                           const double *w, mags *o)
{
  pair ai, c, t;
  pair_init(&ai);
  pair_init(&c);
  pair_init(&t);
  for (size_t i = 0; i < p->n; i++) {
    pair_set(&ai, 0.0, 0.0);
    for (size_t j = 0; j < p->n; j++) {
      pair_set(&c, p->a[i * p->n + j], 0.0);
      pair_set(&t, th[j], w[j]);
      pair_add_mul(&ai, &c, &t);
    }
    pair_set(&c, p->b[i], 0.0);
    pair_add(&o->g[i], &ai);
    pair_add(&o->g[i], &c);
    mpfr_div_2ui(ai.r, ai.r, 1, MPFR_RNDN);
    mpfr_div_2ui(ai.i, ai.i, 1, MPFR_RNDN);
    pair_add(&c, &ai);
    pair_set(&t, th[i], w[i]);
    pair_add_mul(&o->v, &t, &c);
  }
  pair_clear(&ai);
  pair_clear(&c);
  pair_clear(&t);
}

/* The sensitivities' suprema (closs_mag.h) over the margins |z - c| <=
 * h: sigma(-z) and softplus(-z) fall as z grows (taken at c - h), sigma'
 * falls with |z| (taken at max(0, |c| - h)). */
static void sens_sup(mpfr_srcptr c, mpfr_srcptr h, mpfr_ptr s0,
                     mpfr_ptr s1, mpfr_ptr sp)
{
  mpfr_t z, t;
  mpfr_inits2(MP_BITS, z, t, (mpfr_ptr)0);
  mpfr_sub(z, c, h, MPFR_RNDN);
  logistic_at(z, s0, t, sp);
  mpfr_abs(z, c, MPFR_RNDN);
  mpfr_sub(z, z, h, MPFR_RNDN);
  if (mpfr_sgn(z) < 0)
    mpfr_set_zero(z, 1);
  logistic_at(z, t, s1, t);
  mpfr_clears(z, t, (mpfr_ptr)0);
}

/* f of an argument with magnitudes (R, I) = (q, pv): R = f0 + f1 q (the
 * argument's error carried by |f'| <= f1), I = f1 pv (1 + q) (and by
 * |f''| <= f1: |f''/f'| q, bounds.h). */
static void pair_of_function(pair *out, mpfr_srcptr f0, mpfr_srcptr f1,
                             mpfr_srcptr q, mpfr_srcptr pv)
{
  mpfr_mul(out->r, f1, q, MPFR_RNDN);
  mpfr_add(out->r, out->r, f0, MPFR_RNDN);
  mpfr_add_ui(out->i, q, 1, MPFR_RNDN);
  mpfr_mul(out->i, out->i, f1, MPFR_RNDN);
  mpfr_mul(out->i, out->i, pv, MPFR_RNDN);
}

/* The margin of sample i: z = y_i x_i' Theta exactly, Q = sum |x_ij
 * Theta_j|, P = sum |x_ij w_j|, and the half-width h of the margins the
 * sensitivities cover: the kernel's computed margin lies within gamma_n Q
 * of z (lo); the double code's zy, S and delta = 2 gamma_n S reach at
 * most gamma_n Q + 2 gamma_n Q (1 + gamma_n) < 4 gamma_n Q (hi). */
static void margin(const dlv_logistic *p, size_t i, const double *th,
                   const double *w, enum side side, mpfr_ptr z, mpfr_ptr q,
                   mpfr_ptr pv, mpfr_ptr h)
{
  const double *xi = p->x + i * p->n;
  mpfr_set_zero(z, 1);
  mpfr_set_zero(q, 1);
  mpfr_set_zero(pv, 1);
  for (size_t j = 0; j < p->n; j++) {
    add_prod(z, xi[j], th[j]);
    add_abs_prod(q, xi[j], th[j]);
    add_abs_prod(pv, xi[j], w[j]);
  }
  mpfr_mul_d(z, z, p->y[i], MPFR_RNDN);
  mp_gamma(h, (double)p->n, DLV_U_DOUBLE);
  mpfr_mul(h, h, q, MPFR_RNDN);
  mpfr_mul_ui(h, h, side == HI ? 4 : 1, MPFR_RNDN);
}

/* logistic: gradient entry j = -(1/m) sum_i y_i x_ij sigma(-z_i): |x_ij|
 * times sigma(-z) of the margin (f0 = s0, f1 = s1: |sigma''| <=
 * |sigma'|); the value (1/m) sum softplus(-z_i) (f0 = sp, |softplus'| <=
 * s0, |softplus''| <= s1): R = sp + s0 Q, I = (s0 + s1 Q) P. */
static void twin_logistic(const dlv_logistic *p, const double *th,
                          const double *w, enum side side, mags *o)
{
  mpfr_t z, q, pv, h, s0, s1, sp;
  mpfr_inits2(MP_BITS, z, q, pv, h, s0, s1, sp, (mpfr_ptr)0);
  pair sig, x;
  pair_init(&sig);
  pair_init(&x);
  for (size_t i = 0; i < p->m; i++) {
    margin(p, i, th, w, side, z, q, pv, h);
    sens_sup(z, h, s0, s1, sp);
    pair_of_function(&sig, s0, s1, q, pv);
    for (size_t j = 0; j < p->n; j++) {
      pair_set(&x, p->x[i * p->n + j], 0.0);
      pair_add_mul(&o->g[j], &x, &sig);
    }
    mpfr_mul(x.r, s0, q, MPFR_RNDN); /* the value's term */
    mpfr_add(x.r, x.r, sp, MPFR_RNDN);
    mpfr_mul(x.i, s1, q, MPFR_RNDN);
    mpfr_add(x.i, x.i, s0, MPFR_RNDN);
    mpfr_mul(x.i, x.i, pv, MPFR_RNDN);
    pair_add(&o->v, &x);
  }
  for (size_t j = 0; j < p->n; j++)
    pair_div_ui(&o->g[j], p->m);
  pair_div_ui(&o->v, p->m);
  pair_clear(&sig);
  pair_clear(&x);
  mpfr_clears(z, q, pv, h, s0, s1, sp, (mpfr_ptr)0);
}

/* The tanh network's parameter layout (closs.h): W1 (k x d), b1, w2, b2. */
typedef struct {
  size_t w1, b1, w2, b2;
} tanh_layout;

static tanh_layout layout_of(const dlv_tanhnet *p)
{
  size_t kd = p->k * p->d;
  return (tanh_layout){0, kd, kd + p->k, kd + 2 * p->k};
}

/* Unit h of sample i: the activation a = tanh z, z = b1_h + sum_j W1_hj
 * x_ij, (R_z, I_z) by the sum and product rules; R_a = |tanh z| + R_z (the
 * argument's error carried by |tanh'| <= 1) + 1 (ctanh's own roundings,
 * on quantities of modulus <= 1); I_a = sech^2 z I_z (1 + 2 R_z) (|tanh''
 * / tanh'| = 2 |tanh| <= 2).  lo takes |tanh| and sech^2 at the exact z;
 * hi at the computed z's reach, within gamma_(d+1) R_z of it (|tanh| at
 * |z| + that, sech^2 at max(0, |z| - that)). */
static void twin_activation(const dlv_tanhnet *p, const double *th,
                            const double *w, size_t i, size_t h,
                            enum side side, pair *a, pair *zp)
{
  tanh_layout o = layout_of(p);
  const double *xi = p->x + i * p->d;
  mpfr_t z, e, t;
  mpfr_inits2(MP_BITS, z, e, t, (mpfr_ptr)0);
  pair x;
  pair_init(&x);
  pair_set(zp, th[o.b1 + h], w[o.b1 + h]);
  mpfr_set_d(z, th[o.b1 + h], MPFR_RNDN);
  for (size_t j = 0; j < p->d; j++) {
    pair_set(&x, xi[j], 0.0);
    pair_set(a, th[h * p->d + j], w[h * p->d + j]);
    pair_add_mul(zp, a, &x);
    add_prod(z, th[h * p->d + j], xi[j]);
  }
  mpfr_abs(z, z, MPFR_RNDN);
  mp_gamma(e, (double)p->d + 1.0, DLV_U_DOUBLE);
  mpfr_mul(e, e, zp->r, MPFR_RNDN);
  mpfr_add(t, z, e, MPFR_RNDN); /* |z| for |tanh| */
  mpfr_tanh(a->r, side == HI ? t : z, MPFR_RNDN);
  mpfr_add(a->r, a->r, zp->r, MPFR_RNDN);
  mpfr_add_ui(a->r, a->r, 1, MPFR_RNDN);
  mpfr_sub(t, z, e, MPFR_RNDN); /* |z| for sech^2 */
  if (side == LO)
    mpfr_set(t, z, MPFR_RNDN);
  else if (mpfr_sgn(t) < 0)
    mpfr_set_zero(t, 1);
  mpfr_sech(t, t, MPFR_RNDN);
  mpfr_sqr(t, t, MPFR_RNDN);
  mpfr_mul_2ui(e, zp->r, 1, MPFR_RNDN);
  mpfr_add_ui(e, e, 1, MPFR_RNDN);
  mpfr_mul(t, t, e, MPFR_RNDN);
  mpfr_mul(a->i, t, zp->i, MPFR_RNDN);
  pair_clear(&x);
  mpfr_clears(z, e, t, (mpfr_ptr)0);
}

/* Backpropagation of sample i with c = r / m: b2 gets c, w2_h gets c a_h,
 * b1_h gets dz = (c w2_h)(1 - a_h^2) (1 - a^2 a sum with the constant 1:
 * (1 + R_a^2, 2 R_a I_a)), W1_hj gets dz x_ij. */
static void twin_backprop(const dlv_tanhnet *p, const double *th,
                          const double *w, size_t i, const pair *c,
                          const pair *a, mags *o)
{
  tanh_layout l = layout_of(p);
  pair q, dz, x;
  pair_init(&q);
  pair_init(&dz);
  pair_init(&x);
  pair_add(&o->g[l.b2], c);
  for (size_t h = 0; h < p->k; h++) {
    pair_add_mul(&o->g[l.w2 + h], c, &a[h]);
    pair_mul(&q, &a[h], &a[h]);
    mpfr_add_ui(q.r, q.r, 1, MPFR_RNDN);
    pair_set(&x, th[l.w2 + h], w[l.w2 + h]);
    pair_mul(&dz, c, &x);
    pair_mul(&dz, &dz, &q);
    pair_add(&o->g[l.b1 + h], &dz);
    for (size_t j = 0; j < p->d; j++) {
      pair_set(&x, p->x[i * p->d + j], 0.0);
      pair_add_mul(&o->g[h * p->d + j], &dz, &x);
    }
  }
  pair_clear(&q);
  pair_clear(&dz);
  pair_clear(&x);
}

/* tanh network, per sample: out = b2 + sum_h w2_h a_h, r = out - y_i
 * (R_r = R_out + |y_i|), the value r^2 / 2m by the product rule, then
 * the backpropagation of c = r / m. */
static void twin_tanhnet(const dlv_tanhnet *p, const double *th,
                         const double *w, enum side side, mags *o)
{
  tanh_layout l = layout_of(p);
  pair a[DLV_TANHNET_MAXK], r, x, z;
  for (size_t h = 0; h < p->k; h++)
    pair_init(&a[h]);
  pair_init(&r);
  pair_init(&x);
  pair_init(&z);
  for (size_t i = 0; i < p->m; i++) {
    pair_set(&r, th[l.b2], w[l.b2]);
    for (size_t h = 0; h < p->k; h++) {
      twin_activation(p, th, w, i, h, side, &a[h], &z);
      pair_set(&x, th[l.w2 + h], w[l.w2 + h]);
      pair_add_mul(&r, &x, &a[h]);
    }
    mpfr_add_d(r.r, r.r, fabs(p->y[i]), MPFR_RNDN);
    pair_mul(&x, &r, &r);
    pair_div_ui(&x, 2 * p->m);
    pair_add(&o->v, &x);
    pair_div_ui(&r, p->m);
    twin_backprop(p, th, w, i, &r, a, o);
  }
  for (size_t h = 0; h < p->k; h++)
    pair_clear(&a[h]);
  pair_clear(&r);
  pair_clear(&x);
  pair_clear(&z);
}

/* norm: s = sum Theta_j^2 (product rule: (S, 2 sum |Theta_j w_j|)), r =
 * sqrt s (R = sqrt S, I = I_s / (2 sqrt S), |sqrt'| I_s), the gradient
 * Theta_j / r by the quotient rule of a divisor free of cancellation
 * (R_x / R_r, I_x / R_r + R_x I_r / R_r^2).  s and r, sums of squares, err
 * relatively: their errors are carried by K's count, not by these
 * magnitudes. */
static void twin_norm(size_t n, const double *th, const double *w, mags *o)
{
  pair x;
  pair_init(&x);
  for (size_t j = 0; j < n; j++) {
    pair_set(&x, th[j], w[j]);
    pair_add_mul(&o->v, &x, &x);
  }
  mpfr_sqrt(o->v.r, o->v.r, MPFR_RNDN);
  mpfr_div(o->v.i, o->v.i, o->v.r, MPFR_RNDN);
  mpfr_div_2ui(o->v.i, o->v.i, 1, MPFR_RNDN);
  for (size_t j = 0; j < n; j++) {
    pair_set(&x, th[j], w[j]);
    mpfr_div(o->g[j].r, x.r, o->v.r, MPFR_RNDN);
    mpfr_div(o->g[j].i, x.i, o->v.r, MPFR_RNDN);
    mpfr_mul(x.r, x.r, o->v.i, MPFR_RNDN);
    mpfr_div(x.r, x.r, o->v.r, MPFR_RNDN);
    mpfr_div(x.r, x.r, o->v.r, MPFR_RNDN);
    mpfr_add(o->g[j].i, o->g[j].i, x.r, MPFR_RNDN);
  }
  pair_clear(&x);
}

static void twin_real(const dlv_ref_loss *p, const double *th,
                      const double *w, enum side side, mags *o)
{
  switch (p->kind) {
  case DLV_REF_QUADRATIC: twin_quadratic(p->quadratic, th, w, o); break;
  case DLV_REF_LOGISTIC: twin_logistic(p->logistic, th, w, side, o); break;
  case DLV_REF_TANHNET: twin_tanhnet(p->tanhnet, th, w, side, o); break;
  case DLV_REF_NORM: twin_norm(p->n, th, w, o); break;
  }
}

/* ---- the definitions at a complex point (dlv_closs_magnitudes_z) ------ */

/* The outputs of a _z definition; inf: the model does not hold (lo: must
 * be +Inf; hi: may be). */
typedef struct {
  int inf;
  mpfr_t m, g[MAXN];
} zmags;

static void zmags_init(zmags *o)
{
  o->inf = 0;
  mpfr_init2(o->m, MP_BITS);
  mpfr_set_zero(o->m, 1);
  for (size_t j = 0; j < MAXN; j++) {
    mpfr_init2(o->g[j], MP_BITS);
    mpfr_set_zero(o->g[j], 1);
  }
}

static void zmags_clear(zmags *o)
{
  mpfr_clear(o->m);
  for (size_t j = 0; j < MAXN; j++)
    mpfr_clear(o->g[j]);
}

/* quadratic: G_i = sum_j |a_ij| |z_j|; the value sum_i |z_i| (G_i / 2 +
 * |b_i|), the gradient entries G_i + |b_i|. */
static void twin_z_quadratic(const dlv_quadratic *p, const double *re,
                             const double *im, zmags *o)
{
  mpfr_t gi, t;
  mpfr_inits2(MP_BITS, gi, t, (mpfr_ptr)0);
  for (size_t i = 0; i < p->n; i++) {
    mpfr_set_zero(gi, 1);
    for (size_t j = 0; j < p->n; j++) {
      modulus(t, re[j], im[j]);
      mpfr_mul_d(t, t, fabs(p->a[i * p->n + j]), MPFR_RNDN);
      mpfr_add(gi, gi, t, MPFR_RNDN);
    }
    mpfr_add_d(o->g[i], gi, fabs(p->b[i]), MPFR_RNDN);
    mpfr_div_2ui(gi, gi, 1, MPFR_RNDN);
    mpfr_add_d(gi, gi, fabs(p->b[i]), MPFR_RNDN);
    modulus(t, re[i], im[i]);
    mpfr_mul(t, t, gi, MPFR_RNDN);
    mpfr_add(o->m, o->m, t, MPFR_RNDN);
  }
  mpfr_clears(gi, t, (mpfr_ptr)0);
}

/* Whether b widened by its relative reach, b (1 + rel), reaches the
 * strip's edge pi / 2^shift (tmp: scratch, may be rel); clears b and
 * tmp (the callers' locals). */
static int widened_reaches_and_clear(mpfr_ptr b, mpfr_srcptr rel,
                                     mpfr_ptr tmp, unsigned shift)
{
  mpfr_mul(tmp, b, rel, MPFR_RNDN);
  mpfr_add(b, b, tmp, MPFR_RNDN);
  mpfr_const_pi(tmp, MPFR_RNDN);
  mpfr_div_2ui(tmp, tmp, shift, MPFR_RNDN);
  int reaches = mpfr_cmp(b, tmp) >= 0;
  mpfr_clears(b, tmp, (mpfr_ptr)0);
  return reaches;
}

/* Sample i of the logistic at a complex point: Q = sum |x_ij| |z_j|, a =
 * -y_i sum x_ij Re z_j, b = sum |x_ij Im z_j| (exact); the computed a and
 * b lie within gamma_n of theirs (lo), the double code's reach a's within
 * 4 gamma_n Q and b's within 4 gamma_n b (hi).  Returns 1 when b so
 * widened reaches pi/2. */
static int z_margin(const dlv_logistic *p, size_t i, const double *re,
                    const double *im, enum side side, mpfr_ptr a,
                    mpfr_ptr q, mpfr_ptr delta)
{
  const double *xi = p->x + i * p->n;
  mpfr_t b, t;
  mpfr_inits2(MP_BITS, b, t, (mpfr_ptr)0);
  mpfr_set_zero(a, 1);
  mpfr_set_zero(q, 1);
  mpfr_set_zero(b, 1);
  for (size_t j = 0; j < p->n; j++) {
    modulus(t, re[j], im[j]);
    mpfr_mul_d(t, t, fabs(xi[j]), MPFR_RNDN);
    mpfr_add(q, q, t, MPFR_RNDN);
    add_prod(a, xi[j], re[j]);
    add_abs_prod(b, xi[j], im[j]);
  }
  mpfr_mul_d(a, a, -p->y[i], MPFR_RNDN);
  mp_gamma(delta, (double)p->n, DLV_U_DOUBLE);
  mpfr_mul_ui(delta, delta, side == HI ? 4 : 1, MPFR_RNDN);
  int reaches = widened_reaches_and_clear(b, delta, t, 1);
  mpfr_mul(delta, delta, q, MPFR_RNDN);
  return reaches;
}

/* logistic (comment of cmag_logistic): W = min(1, e^(delta - |a|)),
 * M_i = 2 Q + 7 W where a > -delta, W Q + 7 W otherwise; the gradient
 * entry j sums |x_ij| (S0 + W Q), S0 = min(1, e^(a + delta)); both / m. */
static void twin_z_logistic(const dlv_logistic *p, const double *re,
                            const double *im, enum side side, zmags *o)
{
  mpfr_t a, q, delta, w, s0, t;
  mpfr_inits2(MP_BITS, a, q, delta, w, s0, t, (mpfr_ptr)0);
  for (size_t i = 0; i < p->m; i++) {
    o->inf |= z_margin(p, i, re, im, side, a, q, delta);
    mpfr_abs(t, a, MPFR_RNDN);
    mpfr_sub(t, delta, t, MPFR_RNDN);
    exp_capped(w, t);
    mpfr_neg(t, delta, MPFR_RNDN);
    int plus = mpfr_cmp(a, t) > 0;
    mpfr_mul(t, w, q, MPFR_RNDN);
    if (plus)
      mpfr_mul_2ui(t, q, 1, MPFR_RNDN);
    mpfr_add(o->m, o->m, t, MPFR_RNDN);
    mpfr_mul_ui(t, w, 7, MPFR_RNDN);
    mpfr_add(o->m, o->m, t, MPFR_RNDN);
    mpfr_add(t, a, delta, MPFR_RNDN);
    exp_capped(s0, t);
    mpfr_mul(t, w, q, MPFR_RNDN);
    mpfr_add(t, t, s0, MPFR_RNDN);
    for (size_t j = 0; j < p->n; j++) {
      mpfr_mul_d(s0, t, fabs(p->x[i * p->n + j]), MPFR_RNDN);
      mpfr_add(o->g[j], o->g[j], s0, MPFR_RNDN);
    }
  }
  mpfr_div_ui(o->m, o->m, p->m, MPFR_RNDN);
  for (size_t j = 0; j < p->n; j++)
    mpfr_div_ui(o->g[j], o->g[j], p->m, MPFR_RNDN);
  mpfr_clears(a, q, delta, w, s0, t, (mpfr_ptr)0);
}

/* Unit h of sample i at a complex point: A_h = 1 + 2 P_h, P_h = |b1_h| +
 * sum_j |W1_hj| |x_ij| (moduli); returns 1 when B_h = |Im b1_h| + sum_j
 * |Im W1_hj x_ij|, widened by the computed preactivation's gamma_d (lo) or
 * by the code's 2^-20 and its own rounding (2^-19, hi), reaches pi/4. */
static int z_activation(const dlv_tanhnet *p, const double *re,
                        const double *im, size_t i, size_t h,
                        enum side side, mpfr_ptr act)
{
  tanh_layout l = layout_of(p);
  const double *xi = p->x + i * p->d;
  mpfr_t b, t;
  mpfr_inits2(MP_BITS, b, t, (mpfr_ptr)0);
  modulus(act, re[l.b1 + h], im[l.b1 + h]);
  mpfr_set_d(b, fabs(im[l.b1 + h]), MPFR_RNDN);
  for (size_t j = 0; j < p->d; j++) {
    modulus(t, re[h * p->d + j], im[h * p->d + j]);
    mpfr_mul_d(t, t, fabs(xi[j]), MPFR_RNDN);
    mpfr_add(act, act, t, MPFR_RNDN);
    add_abs_prod(b, im[h * p->d + j], xi[j]);
  }
  mpfr_mul_2ui(act, act, 1, MPFR_RNDN);
  mpfr_add_ui(act, act, 1, MPFR_RNDN);
  if (side == HI)
    mpfr_set_d(t, 0x1p-19, MPFR_RNDN);
  else
    mp_gamma(t, (double)p->d, DLV_U_DOUBLE);
  return widened_reaches_and_clear(b, t, t, 2);
}

/* Backpropagation of the moduli, rc = R_i / m: b2 gets rc, w2_h rc A_h,
 * b1_h dz = rc |w2_h| (1 + A_h^2), W1_hj dz |x_ij|. */
static void z_backprop(const dlv_tanhnet *p, const double *re,
                       const double *im, size_t i, mpfr_srcptr rc,
                       mpfr_t *act, zmags *o)
{
  tanh_layout l = layout_of(p);
  mpfr_t dz, t;
  mpfr_inits2(MP_BITS, dz, t, (mpfr_ptr)0);
  mpfr_add(o->g[l.b2], o->g[l.b2], rc, MPFR_RNDN);
  for (size_t h = 0; h < p->k; h++) {
    mpfr_mul(t, rc, act[h], MPFR_RNDN);
    mpfr_add(o->g[l.w2 + h], o->g[l.w2 + h], t, MPFR_RNDN);
    mpfr_sqr(dz, act[h], MPFR_RNDN);
    mpfr_add_ui(dz, dz, 1, MPFR_RNDN);
    modulus(t, re[l.w2 + h], im[l.w2 + h]);
    mpfr_mul(dz, dz, t, MPFR_RNDN);
    mpfr_mul(dz, dz, rc, MPFR_RNDN);
    mpfr_add(o->g[l.b1 + h], o->g[l.b1 + h], dz, MPFR_RNDN);
    for (size_t j = 0; j < p->d; j++) {
      mpfr_mul_d(t, dz, fabs(p->x[i * p->d + j]), MPFR_RNDN);
      mpfr_add(o->g[h * p->d + j], o->g[h * p->d + j], t, MPFR_RNDN);
    }
  }
  mpfr_clears(dz, t, (mpfr_ptr)0);
}

/* tanh network (comment of cmag_tanhnet): R_i = |b2| + sum_h |w2_h| A_h +
 * |y_i|, the value sum_i 2 R_i^2 / 2m, the gradient backpropagated. */
static void twin_z_tanhnet(const dlv_tanhnet *p, const double *re,
                           const double *im, enum side side, zmags *o)
{
  tanh_layout l = layout_of(p);
  mpfr_t act[DLV_TANHNET_MAXK], r, t;
  mpfr_inits2(MP_BITS, r, t, (mpfr_ptr)0);
  for (size_t h = 0; h < p->k; h++)
    mpfr_init2(act[h], MP_BITS);
  for (size_t i = 0; i < p->m; i++) {
    modulus(r, re[l.b2], im[l.b2]);
    mpfr_add_d(r, r, fabs(p->y[i]), MPFR_RNDN);
    for (size_t h = 0; h < p->k; h++) {
      o->inf |= z_activation(p, re, im, i, h, side, act[h]);
      modulus(t, re[l.w2 + h], im[l.w2 + h]);
      mpfr_mul(t, t, act[h], MPFR_RNDN);
      mpfr_add(r, r, t, MPFR_RNDN);
    }
    mpfr_sqr(t, r, MPFR_RNDN);
    mpfr_add(o->m, o->m, t, MPFR_RNDN);
    mpfr_div_ui(r, r, p->m, MPFR_RNDN);
    z_backprop(p, re, im, i, r, act, o);
  }
  mpfr_div_ui(o->m, o->m, p->m, MPFR_RNDN);
  for (size_t h = 0; h < p->k; h++)
    mpfr_clear(act[h]);
  mpfr_clears(r, t, (mpfr_ptr)0);
}

/* norm (comment of cmag_norm): S = sum |z_j|^2, L = sum Re^2 - sum Im^2
 * less the error of the computed s, gamma_(n+1) S (lo: the largest L
 * that bounds the computed Re s), or less 2^-39 S (hi: the code's 2^-40 S
 * and its own rounding, gamma_(2n) S < 2^-40 S); +Inf where L <= 0; N =
 * sqrt S + S / (2 sqrt L), the gradient |z_j| (1 / sqrt L + N / L). */
static void twin_z_norm(size_t n, const double *re, const double *im,
                        enum side side, zmags *o)
{
  mpfr_t big, low, t;
  mpfr_inits2(MP_BITS, big, low, t, (mpfr_ptr)0);
  mpfr_set_zero(big, 1);
  mpfr_set_zero(low, 1);
  for (size_t j = 0; j < n; j++) {
    modulus(t, re[j], im[j]);
    mpfr_sqr(t, t, MPFR_RNDN);
    mpfr_add(big, big, t, MPFR_RNDN);
    add_prod(low, re[j], re[j]);
    add_prod(low, -im[j], im[j]);
  }
  if (side == HI)
    mpfr_set_d(t, 0x1p-39, MPFR_RNDN);
  else
    mp_gamma(t, (double)n + 1.0, DLV_U_DOUBLE);
  mpfr_mul(t, t, big, MPFR_RNDN);
  mpfr_sub(low, low, t, MPFR_RNDN);
  o->inf = mpfr_sgn(low) <= 0;
  if (!o->inf) {
    mpfr_sqrt(t, low, MPFR_RNDN);
    mpfr_div(o->m, big, t, MPFR_RNDN);
    mpfr_div_2ui(o->m, o->m, 1, MPFR_RNDN);
    mpfr_sqrt(big, big, MPFR_RNDN);
    mpfr_add(o->m, o->m, big, MPFR_RNDN);
    mpfr_ui_div(t, 1, t, MPFR_RNDN);    /* 1 / sqrt L */
    mpfr_div(low, o->m, low, MPFR_RNDN); /* N / L */
    mpfr_add(low, low, t, MPFR_RNDN);
    for (size_t j = 0; j < n; j++) {
      modulus(t, re[j], im[j]);
      mpfr_mul(o->g[j], t, low, MPFR_RNDN);
    }
  }
  mpfr_clears(big, low, t, (mpfr_ptr)0);
}

static void twin_z(const dlv_ref_loss *p, const double *re,
                   const double *im, enum side side, zmags *o)
{
  switch (p->kind) {
  case DLV_REF_QUADRATIC: twin_z_quadratic(p->quadratic, re, im, o); break;
  case DLV_REF_LOGISTIC:
    twin_z_logistic(p->logistic, re, im, side, o);
    break;
  case DLV_REF_TANHNET: twin_z_tanhnet(p->tanhnet, re, im, side, o); break;
  case DLV_REF_NORM: twin_z_norm(p->n, re, im, side, o); break;
  }
  if (o->inf) {
    mpfr_set_inf(o->m, 1);
    for (size_t j = 0; j < MAXN; j++)
      mpfr_set_inf(o->g[j], 1);
  }
}

/* ---- the Cauchy discs (dlv_closs_cauchy_disc) -------------------------- */

/* The disc's definition: radius (+Inf: entire or polynomial along v) and
 * mc at the radius R the code returned (at s = 0 where R is +Inf). */
typedef struct {
  mpfr_t radius, mc[MAXN];
} disc;

/* The largest |Im| a margin (logistic: sum_j |x_ij v_j|) or a
 * preactivation (tanh: |vb1_h| + sum_j |v1_hj x_ij|) takes per unit of
 * |s|, over the samples (and units). */
static void im_rate(const dlv_ref_loss *p, const double *v, mpfr_ptr worst)
{
  mpfr_t s;
  mpfr_init2(s, MP_BITS);
  mpfr_set_zero(worst, 1);
  int logistic = p->kind == DLV_REF_LOGISTIC;
  const dlv_tanhnet *t = p->tanhnet;
  size_t m = logistic ? p->logistic->m : t->m;
  size_t units = logistic ? 1 : t->k, d = logistic ? p->n : t->d;
  const double *x = logistic ? p->logistic->x : t->x;
  for (size_t i = 0; i < m; i++)
    for (size_t h = 0; h < units; h++) {
      mpfr_set_d(s, logistic ? 0.0 : fabs(v[layout_of(t).b1 + h]),
                 MPFR_RNDN);
      for (size_t j = 0; j < d; j++)
        add_abs_prod(s, x[i * d + j], v[h * d + j]);
      mpfr_max(worst, worst, s, MPFR_RNDN);
    }
  mpfr_clear(s);
}

/* The strip radius: |sigma| <= 1 on |Im margin| <= pi/2, |tanh| <= 1 and
 * |sech^2| <= 2 on |Im preactivation| <= pi/4: R = (pi/2 or pi/4) over
 * the largest rate (+Inf for a zero rate). */
static void strip_radius(const dlv_ref_loss *p, const double *v,
                         mpfr_ptr radius)
{
  mpfr_t worst;
  mpfr_init2(worst, MP_BITS);
  im_rate(p, v, worst);
  mpfr_const_pi(radius, MPFR_RNDN);
  mpfr_div_2ui(radius, radius, p->kind == DLV_REF_LOGISTIC ? 1 : 2,
               MPFR_RNDN);
  if (mpfr_zero_p(worst))
    mpfr_set_inf(radius, 1);
  else
    mpfr_div(radius, radius, worst, MPFR_RNDN);
  mpfr_clear(worst);
}

/* logistic: |grad_j| <= (1/m) sum_i |x_ij| |sigma| <= (1/m) sum_i |x_ij|. */
static void disc_logistic(const dlv_logistic *p, disc *o)
{
  for (size_t j = 0; j < p->n; j++) {
    mpfr_set_zero(o->mc[j], 1);
    for (size_t i = 0; i < p->m; i++)
      mpfr_add_d(o->mc[j], o->mc[j], fabs(p->x[i * p->n + j]), MPFR_RNDN);
    mpfr_div_ui(o->mc[j], o->mc[j], p->m, MPFR_RNDN);
  }
}

/* |Theta_j + s v_j| <= |Theta_j| + R |v_j| on the disc. */
static void on_disc(mpfr_ptr r, double th, double v, double radius)
{
  mpfr_set_d(r, fabs(v), MPFR_RNDN);
  mpfr_mul_d(r, r, radius, MPFR_RNDN);
  mpfr_add_d(r, r, fabs(th), MPFR_RNDN);
}

/* tanh network on the disc (|a_h| <= 1, |1 - a_h^2| <= 2): |c_i| <= r_i
 * = (|b2| + sum_h |w2_h| + |y_i|) / m (parameters on the disc); b2 gets
 * r_i, w2_h r_i, b1_h 2 r_i |w2_h|, W1_hj that times |x_ij|. */
static void disc_tanhnet(const dlv_tanhnet *p, const double *th,
                         const double *v, double radius, disc *o)
{
  tanh_layout l = layout_of(p);
  mpfr_t r, t, dz;
  mpfr_inits2(MP_BITS, r, t, dz, (mpfr_ptr)0);
  for (size_t j = 0; j <= l.b2; j++)
    mpfr_set_zero(o->mc[j], 1);
  for (size_t i = 0; i < p->m; i++) {
    on_disc(r, th[l.b2], v[l.b2], radius);
    for (size_t h = 0; h < p->k; h++) {
      on_disc(t, th[l.w2 + h], v[l.w2 + h], radius);
      mpfr_add(r, r, t, MPFR_RNDN);
    }
    mpfr_add_d(r, r, fabs(p->y[i]), MPFR_RNDN);
    mpfr_div_ui(r, r, p->m, MPFR_RNDN);
    mpfr_add(o->mc[l.b2], o->mc[l.b2], r, MPFR_RNDN);
    for (size_t h = 0; h < p->k; h++) {
      mpfr_add(o->mc[l.w2 + h], o->mc[l.w2 + h], r, MPFR_RNDN);
      on_disc(dz, th[l.w2 + h], v[l.w2 + h], radius);
      mpfr_mul(dz, dz, r, MPFR_RNDN);
      mpfr_mul_2ui(dz, dz, 1, MPFR_RNDN);
      mpfr_add(o->mc[l.b1 + h], o->mc[l.b1 + h], dz, MPFR_RNDN);
      for (size_t j = 0; j < p->d; j++) {
        mpfr_mul_d(t, dz, fabs(p->x[i * p->d + j]), MPFR_RNDN);
        mpfr_add(o->mc[h * p->d + j], o->mc[h * p->d + j], t, MPFR_RNDN);
      }
    }
  }
  mpfr_clears(r, t, dz, (mpfr_ptr)0);
}

/* norm (bounds.h): R = ||Theta|| / (5 ||v||) keeps Re s >= 0.56
 * ||Theta||^2 > ||Theta||^2 / 2, so |grad_j| = |Theta_j + s v_j| /
 * sqrt|s| <= sqrt 2 (|Theta_j| + R |v_j|) / ||Theta||; v = 0: the
 * gradient is constant along v (R = +Inf, mc = 0). */
static void disc_norm(size_t n, const double *th, const double *v,
                      double radius, disc *o)
{
  mpfr_t nt, nv, sqrt2;
  mpfr_inits2(MP_BITS, nt, nv, sqrt2, (mpfr_ptr)0);
  mpfr_sqrt_ui(sqrt2, 2, MPFR_RNDN);
  mpfr_set_zero(nt, 1);
  mpfr_set_zero(nv, 1);
  for (size_t j = 0; j < n; j++) {
    add_prod(nt, th[j], th[j]);
    add_prod(nv, v[j], v[j]);
    mpfr_set_zero(o->mc[j], 1);
  }
  mpfr_sqrt(nt, nt, MPFR_RNDN);
  mpfr_sqrt(nv, nv, MPFR_RNDN);
  mpfr_set_inf(o->radius, 1);
  if (!mpfr_zero_p(nv)) {
    mpfr_div(o->radius, nt, nv, MPFR_RNDN);
    mpfr_div_ui(o->radius, o->radius, 5, MPFR_RNDN);
    for (size_t j = 0; j < n; j++) {
      on_disc(o->mc[j], th[j], v[j], radius);
      mpfr_div(o->mc[j], o->mc[j], nt, MPFR_RNDN);
      mpfr_mul(o->mc[j], o->mc[j], sqrt2, MPFR_RNDN);
    }
  }
  mpfr_clears(nt, nv, sqrt2, (mpfr_ptr)0);
}

static void twin_disc(const dlv_ref_loss *p, const double *th,
                      const double *v, double radius, disc *o)
{
  double rr = isinf(radius) ? 0.0 : radius; /* mc at s = 0 for +Inf */
  mpfr_set_inf(o->radius, 1);
  for (size_t j = 0; j < MAXN; j++)
    mpfr_set_zero(o->mc[j], 1);
  switch (p->kind) {
  case DLV_REF_QUADRATIC: break; /* linear in s: entire, mc = 0 */
  case DLV_REF_LOGISTIC:
    strip_radius(p, v, o->radius);
    disc_logistic(p->logistic, o);
    break;
  case DLV_REF_TANHNET:
    strip_radius(p, v, o->radius);
    disc_tanhnet(p->tanhnet, th, v, rr, o);
    break;
  case DLV_REF_NORM: disc_norm(p->n, th, v, rr, o); break;
  }
}

/* ---- the problems and the points --------------------------------------- */

typedef struct {
  enum dlv_ref_loss_kind kind;
  size_t m, n, d, k; /* n: quadratic, logistic, norm; d, k: tanh */
} shape;

static const shape shapes[] = {
    {DLV_REF_QUADRATIC, 0, 1, 0, 0}, {DLV_REF_QUADRATIC, 0, 3, 0, 0},
    {DLV_REF_QUADRATIC, 0, 8, 0, 0}, {DLV_REF_LOGISTIC, 1, 1, 0, 0},
    {DLV_REF_LOGISTIC, 4, 3, 0, 0},  {DLV_REF_LOGISTIC, 9, 6, 0, 0},
    {DLV_REF_TANHNET, 1, 0, 1, 1},   {DLV_REF_TANHNET, 3, 0, 2, 3},
    {DLV_REF_TANHNET, 6, 0, 4, 5},   {DLV_REF_NORM, 0, 1, 0, 0},
    {DLV_REF_NORM, 0, 3, 0, 0},      {DLV_REF_NORM, 0, 10, 0, 0},
};

typedef struct {
  dlv_quadratic q;
  dlv_logistic lg;
  dlv_tanhnet tn;
  double a[MAXX], b[MAXN], x[MAXX], y[MAXN];
  dlv_ref_loss ref;
  char name[64];
} problem;

/* n entries scale * U(-1.5, 1.5), one in five 0. */
static void fill(dlv_noise_rng *g, double *v, size_t n, double scale)
{
  for (size_t j = 0; j < n; j++) {
    double u = dlv_noise_uniform(g);
    v[j] = u < 0.2 ? 0.0 : scale * (3.0 * dlv_noise_uniform(g) - 1.5);
  }
}

static void make_problem(problem *p, const shape *s, dlv_noise_rng *g)
{
  const char *names[] = {"quadratic", "logistic", "tanhnet", "norm"};
  fill(g, p->x, MAXX, 1.0);
  fill(g, p->b, MAXN, 1.0);
  for (size_t i = 0; i < MAXN; i++) /* labels +-1, targets any */
    p->y[i] = s->kind == DLV_REF_LOGISTIC ? (p->b[i] < 0 ? -1.0 : 1.0)
                                          : 3.0 * p->b[(i + 1) % MAXN];
  for (size_t i = 0; i < s->n; i++) /* symmetric A */
    for (size_t j = 0; j <= i; j++)
      p->a[i * s->n + j] = p->a[j * s->n + i] = p->x[i * 11 + j];
  p->q = (dlv_quadratic){s->n, p->a, p->b};
  p->lg = (dlv_logistic){s->m, s->n, p->x, p->y};
  p->tn = (dlv_tanhnet){s->m, s->d, s->k, p->x, p->y};
  switch (s->kind) {
  case DLV_REF_QUADRATIC: p->ref = dlv_ref_loss_of_quadratic(&p->q); break;
  case DLV_REF_LOGISTIC: p->ref = dlv_ref_loss_of_logistic(&p->lg); break;
  case DLV_REF_TANHNET: p->ref = dlv_ref_loss_of_tanhnet(&p->tn); break;
  case DLV_REF_NORM: p->ref = dlv_ref_loss_of_norm(s->n); break;
  }
  snprintf(p->name, sizeof p->name, "%s m=%zu n=%zu d=%zu k=%zu",
           names[s->kind], s->m, p->ref.n, s->d, s->k);
  assert_true(p->ref.n <= MAXN && dlv_ref_loss_valid(&p->ref));
}

/* Point k: 0 random; 1 Theta = 0 (the norm: a unit vector, its gradient
 * being undefined at 0); 2 w = 0; 3 Theta x 8 (margins and
 * preactivations up to ~100: saturated units, sigma' near e^-100); 4
 * Theta x 1e-3 with w x 1e3; 5 w of one sign.  The norm alone, safe over
 * the whole range (closs.h), also at the ends of it: Theta x 2^a and w x
 * 2^b, (a, b) from range_ends: sums of squares beyond DBL_MAX unless
 * scaled, values near it, subnormal entries whose squares underflow
 * unless scaled, and Theta and w at opposite ends (figures that land
 * subnormal or beyond DBL_MAX once scaled back, a Cauchy radius that
 * lands subnormal or beyond DBL_MAX). */
static const int range_ends[][2] = {
    {1000, 1000}, {1021, 1021}, {-1062, -1062}, {1000, -1062}, {-1030, 30}};
enum { POINTS = 6, NORM_POINTS = POINTS + COUNT(range_ends) };

static void make_point(const problem *p, int k, dlv_noise_rng *g,
                       double *th, double *w)
{
  size_t n = p->ref.n;
  int zero = 1;
  fill(g, th, n, k == 3 ? 8.0 : k == 4 ? 1e-3 : 1.0);
  fill(g, w, n, k == 4 ? 1e3 : 1.0);
  for (size_t j = 0; j < n; j++) {
    th[j] = k == 1 ? 0.0 : th[j];
    w[j] = k == 2 ? 0.0 : k == 5 ? -fabs(w[j]) : w[j];
    zero &= th[j] == 0.0;
  }
  if (zero && p->ref.kind == DLV_REF_NORM)
    th[0] = 0.75;
  if (k < POINTS)
    return;
  for (size_t j = 0; j < n; j++) {
    th[j] = ldexp(th[j], range_ends[k - POINTS][0]);
    w[j] = ldexp(w[j], range_ends[k - POINTS][1]);
  }
}

typedef void (*point_test)(const dlv_ref_loss *p, const double *th,
                           const double *w);

/* f at every point of every problem, `where` naming them. */
static void for_each_point(const char *test, point_test f)
{
  dlv_noise_rng g;
  dlv_noise_rng_seed(&g, 20260823);
  for (size_t s = 0; s < COUNT(shapes); s++) {
    problem p;
    make_problem(&p, &shapes[s], &g);
    int points = p.ref.kind == DLV_REF_NORM ? NORM_POINTS : POINTS;
    for (int k = 0; k < points; k++) {
      double th[MAXN], w[MAXN];
      make_point(&p, k, &g, th, w);
      snprintf(where, sizeof where, "%s, %s, point %d", test, p.name, k);
      f(&p.ref, th, w);
    }
  }
}

/* ---- the tests ---------------------------------------------------------- */

static void real_point(const dlv_ref_loss *p, const double *th,
                       const double *w)
{
  double mr[MAXN], mi[MAXN], vr, vi;
  dlv_closs_magnitudes(p, th, w, mr, mi, &vr, &vi);
  mags lo, hi;
  mags_init(&lo, p->n);
  mags_init(&hi, p->n);
  twin_real(p, th, w, LO, &lo);
  twin_real(p, th, w, HI, &hi);
  for (size_t j = 0; j < p->n; j++) {
    assert_bracketed(mr[j], lo.g[j].r, hi.g[j].r, "mr", j);
    assert_bracketed(mi[j], lo.g[j].i, hi.g[j].i, "mi", j);
  }
  assert_bracketed(vr, lo.v.r, hi.v.r, "vr", SCALAR);
  assert_bracketed(vi, lo.v.i, hi.v.i, "vi", SCALAR);
  mags_clear(&lo);
  mags_clear(&hi);
}

static void magnitudes_follow_their_definitions(void **state)
{
  (void)state;
  for_each_point("dlv_closs_magnitudes", real_point);
}

/* +Inf exactly where the model may fail (hi), finite where it must hold
 * (lo); a finite M and mg between their definitions' ends. */
/* hi DLV_P5_MAG_SLACK (1 + TIGHT) rounds up beyond DBL_MAX: a magnitude
 * made an upper bound may be +Inf. */
static int beyond_double(mpfr_srcptr hi)
{
  mpfr_t top;
  mpfr_init2(top, MP_BITS);
  mpfr_mul_d(top, hi, DLV_P5_MAG_SLACK, MPFR_RNDN);
  mp_times_one_plus(top, TIGHT);
  int beyond = isinf(mpfr_get_d(top, MPFR_RNDU));
  mpfr_clear(top);
  return beyond;
}

static void z_at(const dlv_ref_loss *p, const double *re, const double *im)
{
  double mg[MAXN];
  double v = dlv_closs_magnitudes_z(p, re, im, mg);
  zmags lo, hi;
  zmags_init(&lo);
  zmags_init(&hi);
  twin_z(p, re, im, LO, &lo);
  twin_z(p, re, im, HI, &hi);
  /* +Inf: where the model fails, or (the norm) where the value's
   * magnitude itself lies beyond DBL_MAX once made an upper bound */
  int bad_inf = isinf(v) ? !hi.inf && !beyond_double(hi.m) : lo.inf;
  if (bad_inf)
    print_error("%s: M = %g where the model %s\n", where, v,
                isinf(v) ? "holds" : "does not hold");
  assert_false(bad_inf);
  assert_true(dlv_closs_magnitudes_z(p, re, im, NULL) == v);
  assert_bracketed(v, lo.m, hi.m, "M", SCALAR);
  for (size_t j = 0; j < p->n; j++)
    assert_bracketed(mg[j], lo.g[j], hi.g[j], "mg", j);
  zmags_clear(&lo);
  zmags_clear(&hi);
}

enum { T_FIXED = 5, T_EDGES = 2 };

/* Whether side's definition fails the model at Theta + i t w. */
static int twin_inf_at(const dlv_ref_loss *p, const double *th,
                       const double *w, double t, enum side side)
{
  double im[MAXN];
  for (size_t j = 0; j < p->n; j++)
    im[j] = t * w[j];
  zmags o;
  zmags_init(&o);
  twin_z(p, th, im, side, &o);
  int inf = o.inf;
  zmags_clear(&o);
  return inf;
}

/* The edge of side's model along t in [0, tmax] (the strips and the
 * norm's Re s > 0 are crossed once as t grows: |Im| grows, Re s falls),
 * to the double: the smallest t where lo fails (there M must be +Inf),
 * the largest where hi holds (there M must be finite); -1 when the
 * model holds on all of it.  Between the two the code may choose; a
 * threshold moved by a gamma, or by a constant, crosses one of them. */
static double model_edge(const dlv_ref_loss *p, const double *th,
                         const double *w, double tmax, enum side side)
{
  double holds = 0.0, fails = tmax;
  if (!twin_inf_at(p, th, w, fails, side))
    return -1.0;
  for (;;) {
    double mid = holds + (fails - holds) / 2.0;
    if (mid <= holds || mid >= fails)
      break;
    *(twin_inf_at(p, th, w, mid, side) ? &fails : &holds) = mid;
  }
  return side == LO ? fails : holds;
}

/* At z = Theta + i t w, t from 0 (a real point) to 3 (past every strip),
 * and at the model's edges between (model_edge). */
static void z_point(const dlv_ref_loss *p, const double *th,
                    const double *w)
{
  const double tmax = 3.0;
  double ts[T_FIXED + T_EDGES] = {0.0, 0x1p-20, 0.05, 0.4, tmax};
  ts[T_FIXED] = model_edge(p, th, w, tmax, LO);
  ts[T_FIXED + 1] = model_edge(p, th, w, tmax, HI);
  size_t len = strlen(where);
  for (size_t k = 0; k < COUNT(ts); k++) {
    if (ts[k] < 0.0)
      continue;
    double im[MAXN];
    for (size_t j = 0; j < p->n; j++)
      im[j] = ts[k] * w[j];
    snprintf(where + len, sizeof where - len, ", t=%a%s", ts[k],
             k < T_FIXED ? "" : k == T_FIXED ? " (lo's edge)" : " (hi's edge)");
    z_at(p, th, im);
  }
  where[len] = '\0';
}

static void magnitudes_z_follow_their_definitions(void **state)
{
  (void)state;
  for_each_point("dlv_closs_magnitudes_z", z_point);
}

/* R within its definition's ends: not above it by more than TIGHT (the
 * strips' R may round up by gamma_n: |Im| then reaches pi/2 (1 + 2^-42),
 * where |sigma| <= 1 / cos 2^-41, far inside mc's slack; likewise tanh),
 * not below it over DLV_P5_MAG_SLACK (1 + TIGHT) (the norm's R is made a
 * lower bound by that slack), each end rounded outward to a double (the
 * norm's R rounded down where it lands subnormal, held at DBL_MAX beyond
 * it).  strict (the norm): R not above its definition at all, rounded
 * down: a radius rounded up into the subnormal range (beyond the slack's
 * reach there) fails. */
static void assert_radius(double radius, mpfr_srcptr def, int strict)
{
  mpfr_t lo, hi;
  mpfr_inits2(MP_BITS, lo, hi, (mpfr_ptr)0);
  mpfr_div_d(lo, def, DLV_P5_MAG_SLACK, MPFR_RNDN);
  mpfr_div_d(lo, lo, 1.0 + TIGHT, MPFR_RNDN);
  mpfr_mul_d(hi, def, 1.0 + TIGHT, MPFR_RNDN);
  int bad = mpfr_inf_p(def) ? !isinf(radius)
                            : isnan(radius) ||
                                  radius < mpfr_get_d(lo, MPFR_RNDD) ||
                                  radius > (strict ? mpfr_get_d(def, MPFR_RNDD)
                                                   : mpfr_get_d(hi, MPFR_RNDU));
  if (bad)
    print_error("%s: radius %.17g, its definition %.17g\n", where, radius,
                mpfr_get_d(def, MPFR_RNDN));
  mpfr_clears(lo, hi, (mpfr_ptr)0);
  assert_false(bad);
}

/* |grad_j| (MPFR, ref_closs_z.h) <= mc[j] at s = R e^(i phi) on CIRCLE
 * points (at s = 0 alone for R = +Inf), for each entry whose definition
 * bounds it (mc = 0 claims only a gradient linear in s). */
static void assert_circle(const dlv_ref_loss *p, const double *th,
                          const double *v, double radius, const double *mc,
                          const disc *def)
{
  mpfr_t vre, vim, m;
  mpfr_inits2(MP_BITS, vre, vim, m, (mpfr_ptr)0);
  mpfr_t *gre = dlv_mp_vec_alloc(p->n, MP_BITS);
  mpfr_t *gim = dlv_mp_vec_alloc(p->n, MP_BITS);
  assert_non_null(gre);
  assert_non_null(gim);
  int points = isinf(radius) ? 1 : CIRCLE;
  for (int k = 0; k < points; k++) {
    double phi = 2.0 * M_PI * k / CIRCLE, rr = isinf(radius) ? 0 : radius;
    double re[MAXN], im[MAXN];
    for (size_t j = 0; j < p->n; j++) {
      re[j] = th[j] + rr * cos(phi) * v[j];
      im[j] = rr * sin(phi) * v[j];
    }
    assert_int_equal(dlv_ref_closs_z(p, re, im, vre, vim, gre, gim), 0);
    for (size_t j = 0; j < p->n; j++) {
      mpfr_hypot(m, gre[j], gim[j], MPFR_RNDN);
      if (!mpfr_zero_p(def->mc[j]) && mpfr_cmp_d(m, mc[j]) > 0) {
        print_error("%s: mc[%zu] = %.17g below |grad| %.17g at s = R "
                    "e^(i %g)\n",
                    where, j, mc[j], mpfr_get_d(m, MPFR_RNDN), phi);
        fail();
      }
    }
  }
  dlv_mp_vec_free(gre, p->n);
  dlv_mp_vec_free(gim, p->n);
  mpfr_clears(vre, vim, m, (mpfr_ptr)0);
}

static void disc_point(const dlv_ref_loss *p, const double *th,
                       const double *v)
{
  double mc[MAXN];
  double radius = dlv_closs_cauchy_disc(p, th, v, mc);
  disc def;
  mpfr_init2(def.radius, MP_BITS);
  for (size_t j = 0; j < MAXN; j++)
    mpfr_init2(def.mc[j], MP_BITS);
  twin_disc(p, th, v, radius, &def);
  assert_radius(radius, def.radius, p->kind == DLV_REF_NORM);
  for (size_t j = 0; j < p->n; j++)
    assert_bracketed(mc[j], def.mc[j], def.mc[j], "mc", j);
  assert_circle(p, th, v, radius, mc, &def);
  mpfr_clear(def.radius);
  for (size_t j = 0; j < MAXN; j++)
    mpfr_clear(def.mc[j]);
}

static void cauchy_discs_follow_their_definitions(void **state)
{
  (void)state;
  for_each_point("dlv_closs_cauchy_disc", disc_point);
}

static void assert_count(double got, double want, const char *what)
{
  if (got != want) {
    print_error("%s: %s %g, bounds.h's count %g\n", where, what, got, want);
    fail();
  }
}

/* dlv_closs_k, _k_value and _k_z give each kind's counts of bounds.h
 * (twinned in t_bounds_p3p5) for the problem's own sizes. */
static void k_counts_follow_bounds(void **state)
{
  (void)state;
  dlv_noise_rng g;
  dlv_noise_rng_seed(&g, 1);
  for (size_t s = 0; s < COUNT(shapes); s++) {
    problem p;
    const shape *h = &shapes[s];
    make_problem(&p, h, &g);
    double k[3] = {0.0, 0.0, 0.0};
    switch (h->kind) {
    case DLV_REF_QUADRATIC:
      k[0] = DLV_P5_K_QUADRATIC(h->n);
      k[1] = DLV_P5_K_QUADRATIC_VALUE(h->n);
      k[2] = DLV_P5_K_QUADRATIC_Z(h->n);
      break;
    case DLV_REF_LOGISTIC:
      k[0] = DLV_P5_K_LOGISTIC(h->n, h->m);
      k[1] = DLV_P5_K_LOGISTIC_VALUE(h->n, h->m);
      k[2] = DLV_P5_K_LOGISTIC_Z(h->n, h->m);
      break;
    case DLV_REF_TANHNET:
      k[0] = DLV_P5_K_TANHNET(h->d, h->k, h->m);
      k[1] = DLV_P5_K_TANHNET_VALUE(h->d, h->k, h->m);
      k[2] = DLV_P5_K_TANHNET_Z(h->d, h->k, h->m);
      break;
    case DLV_REF_NORM:
      k[0] = DLV_P5_K_NORM(h->n);
      k[1] = DLV_P5_K_NORM_VALUE(h->n);
      k[2] = DLV_P5_K_NORM_Z(h->n);
      break;
    }
    snprintf(where, sizeof where, "%s", p.name);
    assert_count(dlv_closs_k(&p.ref), k[0], "dlv_closs_k");
    assert_count(dlv_closs_k_value(&p.ref), k[1], "dlv_closs_k_value");
    assert_count(dlv_closs_k_z(&p.ref, 0), k[2], "dlv_closs_k_z (gradient)");
    assert_count(dlv_closs_k_z(&p.ref, 1), k[1] + 1.0,
                 "dlv_closs_k_z (value)");
  }
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(logistic_sens_covers_the_margins),
      cmocka_unit_test(magnitudes_follow_their_definitions),
      cmocka_unit_test(magnitudes_z_follow_their_definitions),
      cmocka_unit_test(cauchy_discs_follow_their_definitions),
      cmocka_unit_test(k_counts_follow_bounds),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
