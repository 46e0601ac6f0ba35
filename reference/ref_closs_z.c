/* ref_closs_z.c: the complex loss values of closs.h in MPFR (see
 * ref_closs_z.h). */
#include <stdlib.h>

#include "dlv_status.h"
#include "ref_closs_z.h"

/* A complex number as two MPFR reals. */
typedef struct {
  mpfr_t re, im;
} cmp;

/* Scratch: four reals, all at the working precision. */
typedef struct {
  mpfr_t s[4];
} scratch;

static void cmp_init(cmp *x, mpfr_prec_t prec)
{
  mpfr_inits2(prec, x->re, x->im, (mpfr_ptr)0);
  mpfr_set_zero(x->re, 1);
  mpfr_set_zero(x->im, 1);
}

static void cmp_clear(cmp *x) { mpfr_clears(x->re, x->im, (mpfr_ptr)0); }

static void cmp_add(cmp *r, const cmp *x, const cmp *y)
{
  mpfr_add(r->re, x->re, y->re, MPFR_RNDN);
  mpfr_add(r->im, x->im, y->im, MPFR_RNDN);
}

/* r += x c for a double constant c. */
static void cmp_fma_d(cmp *r, const cmp *x, double c, scratch *w)
{
  mpfr_mul_d(w->s[0], x->re, c, MPFR_RNDN);
  mpfr_add(r->re, r->re, w->s[0], MPFR_RNDN);
  mpfr_mul_d(w->s[0], x->im, c, MPFR_RNDN);
  mpfr_add(r->im, r->im, w->s[0], MPFR_RNDN);
}

/* r += x y. */
static void cmp_add_mul(cmp *r, const cmp *x, const cmp *y, scratch *w)
{
  mpfr_mul(w->s[0], x->re, y->re, MPFR_RNDN);
  mpfr_mul(w->s[1], x->im, y->im, MPFR_RNDN);
  mpfr_sub(w->s[0], w->s[0], w->s[1], MPFR_RNDN);
  mpfr_mul(w->s[1], x->re, y->im, MPFR_RNDN);
  mpfr_mul(w->s[2], x->im, y->re, MPFR_RNDN);
  mpfr_add(w->s[1], w->s[1], w->s[2], MPFR_RNDN);
  mpfr_add(r->re, r->re, w->s[0], MPFR_RNDN);
  mpfr_add(r->im, r->im, w->s[1], MPFR_RNDN);
}

/* r = softplus(u) = log(1 + e^u), the closed form of ref_closs_z.h;
 * r must not alias u. */
static void cmp_softplus(cmp *r, const cmp *u, scratch *w)
{
  mpfr_ptr e = w->s[0], cb = w->s[1], sb = w->s[2], q = w->s[3];
  int pos = mpfr_sgn(u->re) > 0;
  mpfr_abs(e, u->re, MPFR_RNDN);
  mpfr_neg(e, e, MPFR_RNDN);
  mpfr_exp(e, e, MPFR_RNDN); /* e^-|a|, 0 on MPFR underflow */
  mpfr_sin_cos(sb, cb, u->im, MPFR_RNDN);
  mpfr_mul(cb, cb, e, MPFR_RNDN); /* e cos b */
  mpfr_mul(sb, sb, e, MPFR_RNDN); /* e sin b */
  mpfr_sqr(q, e, MPFR_RNDN);
  mpfr_mul_2ui(r->re, cb, 1, MPFR_RNDN);
  mpfr_add(q, q, r->re, MPFR_RNDN); /* 2 e cos b + e^2 */
  mpfr_log1p(q, q, MPFR_RNDN);
  mpfr_div_2ui(q, q, 1, MPFR_RNDN);
  if (pos)
    mpfr_add(r->re, u->re, q, MPFR_RNDN);
  else
    mpfr_set(r->re, q, MPFR_RNDN);
  mpfr_add_ui(cb, cb, 1, MPFR_RNDN);
  if (pos)
    mpfr_neg(sb, sb, MPFR_RNDN);
  mpfr_atan2(r->im, sb, cb, MPFR_RNDN);
  if (pos)
    mpfr_add(r->im, r->im, u->im, MPFR_RNDN);
}

/* r = tanh z = (T (1 + tau^2) + i tau S) / (1 + T^2 tau^2); r must not
 * alias z. */
static void cmp_tanh(cmp *r, const cmp *z, scratch *w)
{
  mpfr_ptr tt = w->s[0], tau = w->s[1], sh = w->s[2], d = w->s[3];
  mpfr_tanh(tt, z->re, MPFR_RNDN);
  mpfr_tan(tau, z->im, MPFR_RNDN);
  mpfr_sech(sh, z->re, MPFR_RNDN);
  mpfr_sqr(sh, sh, MPFR_RNDN);
  mpfr_mul(d, tt, tau, MPFR_RNDN);
  mpfr_sqr(d, d, MPFR_RNDN);
  mpfr_add_ui(d, d, 1, MPFR_RNDN); /* 1 + T^2 tau^2 */
  mpfr_mul(r->im, tau, sh, MPFR_RNDN);
  mpfr_div(r->im, r->im, d, MPFR_RNDN);
  mpfr_sqr(sh, tau, MPFR_RNDN);
  mpfr_add_ui(sh, sh, 1, MPFR_RNDN);
  mpfr_mul(r->re, tt, sh, MPFR_RNDN);
  mpfr_div(r->re, r->re, d, MPFR_RNDN);
}

/* r = the principal sqrt s (csqrt): with h = |s|, for Re s >= 0
 * Re = sqrt((h + Re s) / 2), Im = Im s / (2 Re); otherwise Im =
 * +-sqrt((h - Re s) / 2) (the sign of Im s) and Re = Im s / (2 Im). */
static void cmp_sqrt(cmp *r, const cmp *s, scratch *w)
{
  mpfr_ptr h = w->s[0], big = w->s[1];
  int right = mpfr_sgn(s->re) >= 0;
  mpfr_hypot(h, s->re, s->im, MPFR_RNDN);
  if (right)
    mpfr_add(big, h, s->re, MPFR_RNDN);
  else
    mpfr_sub(big, h, s->re, MPFR_RNDN);
  mpfr_div_2ui(big, big, 1, MPFR_RNDN);
  mpfr_sqrt(big, big, MPFR_RNDN);
  if (!right)
    mpfr_setsign(big, big, mpfr_signbit(s->im), MPFR_RNDN);
  mpfr_ptr small = right ? r->im : r->re;
  if (mpfr_zero_p(big))
    mpfr_set_zero(small, 1);
  else {
    mpfr_div(small, s->im, big, MPFR_RNDN);
    mpfr_div_2ui(small, small, 1, MPFR_RNDN);
  }
  mpfr_set(right ? r->re : r->im, big, MPFR_RNDN);
}

/* Working state: the point z[0..n), one accumulator and two temporaries. */
typedef struct {
  const dlv_ref_loss *p;
  cmp *z, acc, t0, t1;
  scratch w;
} work;

/* 1/2 z' A z + b' z. */
static void value_quadratic(work *k)
{
  const size_t n = k->p->n;
  for (size_t i = 0; i < n; i++) {
    mpfr_set_zero(k->t0.re, 1);
    mpfr_set_zero(k->t0.im, 1);
    for (size_t j = 0; j < n; j++)
      cmp_fma_d(&k->t0, &k->z[j], k->p->a[i * n + j], &k->w);
    mpfr_div_2ui(k->t0.re, k->t0.re, 1, MPFR_RNDN);
    mpfr_div_2ui(k->t0.im, k->t0.im, 1, MPFR_RNDN);
    mpfr_add_d(k->t0.re, k->t0.re, k->p->b[i], MPFR_RNDN);
    cmp_add_mul(&k->acc, &k->z[i], &k->t0, &k->w);
  }
}

/* (1/m) sum_i softplus(-y_i x_i' z). */
static void value_logistic(work *k)
{
  const size_t n = k->p->n, m = k->p->m;
  for (size_t i = 0; i < m; i++) {
    mpfr_set_zero(k->t0.re, 1);
    mpfr_set_zero(k->t0.im, 1);
    for (size_t j = 0; j < n; j++)
      cmp_fma_d(&k->t0, &k->z[j], -k->p->y[i] * k->p->x[i * n + j],
                &k->w); /* -y_i x_ij: exact (y = +-1) */
    cmp_softplus(&k->t1, &k->t0, &k->w);
    cmp_add(&k->acc, &k->acc, &k->t1);
  }
  mpfr_div_ui(k->acc.re, k->acc.re, (unsigned long)m, MPFR_RNDN);
  mpfr_div_ui(k->acc.im, k->acc.im, (unsigned long)m, MPFR_RNDN);
}

/* (1/2m) sum_i (w2' tanh(W1 x_i + b1) + b2 - y_i)^2: r the residual, a
 * one activation, t0 its preactivation. */
static void value_tanhnet(work *k, cmp *r, cmp *a)
{
  const dlv_ref_loss *p = k->p;
  const size_t d = p->d, h_n = p->k, m = p->m;
  const cmp *w1 = k->z, *b1 = w1 + h_n * d, *w2 = b1 + h_n, *b2 = w2 + h_n;
  for (size_t i = 0; i < m; i++) {
    mpfr_set(r->re, b2->re, MPFR_RNDN);
    mpfr_set(r->im, b2->im, MPFR_RNDN);
    mpfr_sub_d(r->re, r->re, p->y[i], MPFR_RNDN);
    for (size_t h = 0; h < h_n; h++) {
      mpfr_set(k->t0.re, b1[h].re, MPFR_RNDN);
      mpfr_set(k->t0.im, b1[h].im, MPFR_RNDN);
      for (size_t j = 0; j < d; j++)
        cmp_fma_d(&k->t0, &w1[h * d + j], p->x[i * d + j], &k->w);
      cmp_tanh(a, &k->t0, &k->w);
      cmp_add_mul(r, &w2[h], a, &k->w);
    }
    cmp_add_mul(&k->acc, r, r, &k->w);
  }
  mpfr_div_ui(k->acc.re, k->acc.re, 2ul * (unsigned long)m, MPFR_RNDN);
  mpfr_div_ui(k->acc.im, k->acc.im, 2ul * (unsigned long)m, MPFR_RNDN);
}

/* sqrt(sum z_j^2), the principal root. */
static void value_norm(work *k)
{
  for (size_t j = 0; j < k->p->n; j++)
    cmp_add_mul(&k->t0, &k->z[j], &k->z[j], &k->w);
  cmp_sqrt(&k->acc, &k->t0, &k->w);
}

static int evaluate(work *k)
{
  const dlv_ref_loss *p = k->p;
  switch (p->kind) {
  case DLV_REF_QUADRATIC:
    if (p->a == NULL || p->b == NULL)
      return DLV_EINVAL;
    value_quadratic(k);
    return DLV_OK;
  case DLV_REF_LOGISTIC:
    if (p->x == NULL || p->y == NULL || p->m == 0)
      return DLV_EINVAL;
    value_logistic(k);
    return DLV_OK;
  case DLV_REF_TANHNET:
    if (p->x == NULL || p->y == NULL || p->m == 0)
      return DLV_EINVAL;
    value_tanhnet(k, &k->t1, &k->z[p->n]);
    return DLV_OK;
  case DLV_REF_NORM: value_norm(k); return DLV_OK;
  }
  return DLV_EINVAL;
}

int dlv_ref_closs_value_z(const dlv_ref_loss *loss, const double *re,
                          const double *im, mpfr_ptr value_re,
                          mpfr_ptr value_im)
{
  if (loss == NULL || re == NULL || im == NULL || loss->n == 0)
    return DLV_EINVAL;
  mpfr_prec_t prec = mpfr_get_prec(value_re);
  if (mpfr_get_prec(value_im) > prec)
    prec = mpfr_get_prec(value_im);
  prec += 64;
  const size_t n = loss->n;
  work k = {.p = loss, .z = malloc((n + 1) * sizeof *k.z)}; /* + a tanh */
  if (k.z == NULL)
    return DLV_ENOMEM;
  for (size_t j = 0; j <= n; j++) {
    cmp_init(&k.z[j], prec);
    if (j < n) {
      mpfr_set_d(k.z[j].re, re[j], MPFR_RNDN); /* exact */
      mpfr_set_d(k.z[j].im, im[j], MPFR_RNDN);
    }
  }
  cmp_init(&k.acc, prec);
  cmp_init(&k.t0, prec);
  cmp_init(&k.t1, prec);
  for (int i = 0; i < 4; i++)
    mpfr_init2(k.w.s[i], prec);
  int status = evaluate(&k);
  mpfr_set(value_re, k.acc.re, MPFR_RNDN);
  mpfr_set(value_im, k.acc.im, MPFR_RNDN);
  for (int i = 0; i < 4; i++)
    mpfr_clear(k.w.s[i]);
  cmp_clear(&k.t1);
  cmp_clear(&k.t0);
  cmp_clear(&k.acc);
  for (size_t j = 0; j <= n; j++)
    cmp_clear(&k.z[j]);
  free(k.z);
  return status;
}
