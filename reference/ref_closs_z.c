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

static void cmp_zero(cmp *r)
{
  mpfr_set_zero(r->re, 1);
  mpfr_set_zero(r->im, 1);
}

/* r = x / y = x conj(y) / |y|^2; r may alias x or y. */
static void cmp_div(cmp *r, const cmp *x, const cmp *y, scratch *w)
{
  mpfr_ptr nrm = w->s[0], pr = w->s[1], pi = w->s[2], s = w->s[3];
  mpfr_sqr(nrm, y->re, MPFR_RNDN);
  mpfr_sqr(s, y->im, MPFR_RNDN);
  mpfr_add(nrm, nrm, s, MPFR_RNDN);
  mpfr_mul(pr, x->re, y->re, MPFR_RNDN);
  mpfr_mul(s, x->im, y->im, MPFR_RNDN);
  mpfr_add(pr, pr, s, MPFR_RNDN);
  mpfr_mul(pi, x->im, y->re, MPFR_RNDN);
  mpfr_mul(s, x->re, y->im, MPFR_RNDN);
  mpfr_sub(pi, pi, s, MPFR_RNDN);
  mpfr_div(r->re, pr, nrm, MPFR_RNDN);
  mpfr_div(r->im, pi, nrm, MPFR_RNDN);
}

/* r = sigmoid(u) = 1 / (1 + e^-u) for Re u >= 0, e^u / (1 + e^u)
 * otherwise (p = e^-|Re u| e^(-+i Im u) never overflows); num and den
 * are temporaries; r must not alias u. */
static void cmp_sigmoid(cmp *r, const cmp *u, cmp *num, cmp *den,
                        scratch *w)
{
  int pos = mpfr_sgn(u->re) >= 0;
  mpfr_ptr e = w->s[0];
  mpfr_abs(e, u->re, MPFR_RNDN);
  mpfr_neg(e, e, MPFR_RNDN);
  mpfr_exp(e, e, MPFR_RNDN);
  mpfr_sin_cos(num->im, num->re, u->im, MPFR_RNDN);
  mpfr_mul(num->re, num->re, e, MPFR_RNDN);
  mpfr_mul(num->im, num->im, e, MPFR_RNDN);
  if (pos)
    mpfr_neg(num->im, num->im, MPFR_RNDN); /* p = e^-u */
  mpfr_add_ui(den->re, num->re, 1, MPFR_RNDN);
  mpfr_set(den->im, num->im, MPFR_RNDN);
  if (pos) {
    mpfr_set_ui(num->re, 1, MPFR_RNDN);
    mpfr_set_zero(num->im, 1);
  }
  cmp_div(r, num, den, w);
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

/* Working state: the point z[0..n), the gradient g[0..n) (NULL: not
 * asked for), the tanh network's activations act[0..k), one accumulator
 * and four temporaries. */
typedef struct {
  const dlv_ref_loss *p;
  cmp *z, *g, *act, acc, t0, t1, t2, t3;
  scratch w;
} work;

/* 1/2 z' A z + b' z. */
static void value_quadratic(work *k)
{
  const dlv_quadratic *q = k->p->quadratic;
  const size_t n = q->n;
  for (size_t i = 0; i < n; i++) {
    mpfr_set_zero(k->t0.re, 1);
    mpfr_set_zero(k->t0.im, 1);
    for (size_t j = 0; j < n; j++)
      cmp_fma_d(&k->t0, &k->z[j], q->a[i * n + j], &k->w);
    if (k->g != NULL) { /* (A z)_i + b_i */
      cmp_add(&k->g[i], &k->g[i], &k->t0);
      mpfr_add_d(k->g[i].re, k->g[i].re, q->b[i], MPFR_RNDN);
    }
    mpfr_div_2ui(k->t0.re, k->t0.re, 1, MPFR_RNDN);
    mpfr_div_2ui(k->t0.im, k->t0.im, 1, MPFR_RNDN);
    mpfr_add_d(k->t0.re, k->t0.re, q->b[i], MPFR_RNDN);
    cmp_add_mul(&k->acc, &k->z[i], &k->t0, &k->w);
  }
}

static void cmp_div_ui(cmp *r, unsigned long d)
{
  mpfr_div_ui(r->re, r->re, d, MPFR_RNDN);
  mpfr_div_ui(r->im, r->im, d, MPFR_RNDN);
}

/* (1/m) sum_i softplus(u_i), u_i = -y_i x_i' z, and its gradient
 * (1/m) sum_i -y_i sigmoid(u_i) x_i. */
static void value_logistic(work *k)
{
  const dlv_logistic *lg = k->p->logistic;
  const size_t n = lg->n, m = lg->m;
  for (size_t i = 0; i < m; i++) {
    const double *xi = lg->x + i * n, yi = lg->y[i];
    cmp_zero(&k->t0);
    for (size_t j = 0; j < n; j++) /* -y_i x_ij: exact (y = +-1) */
      cmp_fma_d(&k->t0, &k->z[j], -yi * xi[j], &k->w);
    cmp_softplus(&k->t1, &k->t0, &k->w);
    cmp_add(&k->acc, &k->acc, &k->t1);
    if (k->g == NULL)
      continue;
    cmp_sigmoid(&k->t1, &k->t0, &k->t2, &k->t3, &k->w);
    for (size_t j = 0; j < n; j++)
      cmp_fma_d(&k->g[j], &k->t1, -yi * xi[j], &k->w);
  }
  cmp_div_ui(&k->acc, (unsigned long)m);
  for (size_t j = 0; k->g != NULL && j < n; j++)
    cmp_div_ui(&k->g[j], (unsigned long)m);
}

/* Backpropagation of sample i (c = r / m in t1, activations in act):
 * g[b2] += c, g[w2_h] += c a_h, dz = c w2_h (1 - a_h^2) to g[b1_h] and,
 * times x_ij, to g[W1_hj]. */
static void backprop_tanhnet(work *k, const double *xi)
{
  const size_t d = k->p->tanhnet->d, h_n = k->p->tanhnet->k;
  const size_t ob1 = h_n * d, ow2 = ob1 + h_n, ob2 = ow2 + h_n;
  cmp *c = &k->t1, *q = &k->t0, *cw = &k->t2, *dz = &k->t3;
  cmp_add(&k->g[ob2], &k->g[ob2], c);
  for (size_t h = 0; h < h_n; h++) {
    cmp_add_mul(&k->g[ow2 + h], c, &k->act[h], &k->w);
    cmp_zero(q);
    cmp_add_mul(q, &k->act[h], &k->act[h], &k->w);
    mpfr_ui_sub(q->re, 1, q->re, MPFR_RNDN);
    mpfr_neg(q->im, q->im, MPFR_RNDN); /* 1 - a_h^2 */
    cmp_zero(cw);
    cmp_add_mul(cw, c, &k->z[ow2 + h], &k->w);
    cmp_zero(dz);
    cmp_add_mul(dz, cw, q, &k->w);
    cmp_add(&k->g[ob1 + h], &k->g[ob1 + h], dz);
    for (size_t j = 0; j < d; j++)
      cmp_fma_d(&k->g[h * d + j], dz, xi[j], &k->w);
  }
}

/* (1/2m) sum_i (w2' tanh(W1 x_i + b1) + b2 - y_i)^2 and its gradient:
 * t1 the residual r, t0 a preactivation. */
static void value_tanhnet(work *k)
{
  const dlv_tanhnet *p = k->p->tanhnet;
  const size_t d = p->d, h_n = p->k, m = p->m;
  const cmp *w1 = k->z, *b1 = w1 + h_n * d, *w2 = b1 + h_n, *b2 = w2 + h_n;
  cmp *r = &k->t1;
  for (size_t i = 0; i < m; i++) {
    const double *xi = p->x + i * d;
    mpfr_sub_d(r->re, b2->re, p->y[i], MPFR_RNDN);
    mpfr_set(r->im, b2->im, MPFR_RNDN);
    for (size_t h = 0; h < h_n; h++) {
      mpfr_set(k->t0.re, b1[h].re, MPFR_RNDN);
      mpfr_set(k->t0.im, b1[h].im, MPFR_RNDN);
      for (size_t j = 0; j < d; j++)
        cmp_fma_d(&k->t0, &w1[h * d + j], xi[j], &k->w);
      cmp_tanh(&k->act[h], &k->t0, &k->w);
      cmp_add_mul(r, &w2[h], &k->act[h], &k->w);
    }
    cmp_add_mul(&k->acc, r, r, &k->w);
    if (k->g == NULL)
      continue;
    cmp_div_ui(r, (unsigned long)m); /* c = r / m */
    backprop_tanhnet(k, xi);
  }
  cmp_div_ui(&k->acc, 2ul * (unsigned long)m);
}

/* sqrt(sum z_j^2), the principal root, and its gradient z / sqrt. */
static void value_norm(work *k)
{
  for (size_t j = 0; j < k->p->n; j++)
    cmp_add_mul(&k->t0, &k->z[j], &k->z[j], &k->w);
  cmp_sqrt(&k->acc, &k->t0, &k->w);
  for (size_t j = 0; k->g != NULL && j < k->p->n; j++)
    cmp_div(&k->g[j], &k->z[j], &k->acc, &k->w);
}

static int evaluate(work *k)
{
  switch (k->p->kind) {
  case DLV_REF_QUADRATIC: value_quadratic(k); return DLV_OK;
  case DLV_REF_LOGISTIC: value_logistic(k); return DLV_OK;
  case DLV_REF_TANHNET: value_tanhnet(k); return DLV_OK;
  case DLV_REF_NORM: value_norm(k); return DLV_OK;
  }
  return DLV_EINVAL;
}

/* The cmp numbers of a work: the point, the gradient and the network's
 * activations. */
static size_t cmp_count(const dlv_ref_loss *p)
{
  return 2 * p->n + (p->kind == DLV_REF_TANHNET ? p->tanhnet->k : 0);
}

/* cmp arrays and temporaries at precision prec; the point set from
 * (re, im), exactly. */
static int work_init(work *k, const double *re, const double *im,
                     int with_grad, mpfr_prec_t prec)
{
  const size_t n = k->p->n, total = cmp_count(k->p);
  k->z = malloc((total ? total : 1) * sizeof *k->z);
  if (k->z == NULL)
    return DLV_ENOMEM;
  for (size_t j = 0; j < total; j++)
    cmp_init(&k->z[j], prec);
  for (size_t j = 0; j < n; j++) {
    mpfr_set_d(k->z[j].re, re[j], MPFR_RNDN);
    mpfr_set_d(k->z[j].im, im[j], MPFR_RNDN);
  }
  k->g = with_grad ? k->z + n : NULL;
  k->act = k->z + 2 * n;
  cmp *t[] = {&k->acc, &k->t0, &k->t1, &k->t2, &k->t3};
  for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
    cmp_init(t[i], prec);
  for (int i = 0; i < 4; i++)
    mpfr_init2(k->w.s[i], prec);
  return DLV_OK;
}

static void work_clear(work *k)
{
  const size_t total = cmp_count(k->p);
  for (size_t j = 0; j < total; j++)
    cmp_clear(&k->z[j]);
  free(k->z);
  cmp *t[] = {&k->acc, &k->t0, &k->t1, &k->t2, &k->t3};
  for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
    cmp_clear(t[i]);
  for (int i = 0; i < 4; i++)
    mpfr_clear(k->w.s[i]);
}

int dlv_ref_closs_z(const dlv_ref_loss *loss, const double *re,
                    const double *im, mpfr_ptr value_re, mpfr_ptr value_im,
                    mpfr_t *grad_re, mpfr_t *grad_im)
{
  if (loss == NULL || re == NULL || im == NULL || loss->n == 0 ||
      !dlv_ref_loss_valid(loss) || (grad_re == NULL) != (grad_im == NULL))
    return DLV_EINVAL;
  mpfr_prec_t prec = mpfr_get_prec(value_re);
  if (mpfr_get_prec(value_im) > prec)
    prec = mpfr_get_prec(value_im);
  work k = {.p = loss};
  int status = work_init(&k, re, im, grad_re != NULL, prec + 64);
  if (status != DLV_OK)
    return status;
  status = evaluate(&k);
  mpfr_set(value_re, k.acc.re, MPFR_RNDN);
  mpfr_set(value_im, k.acc.im, MPFR_RNDN);
  for (size_t j = 0; k.g != NULL && j < loss->n; j++) {
    mpfr_set(grad_re[j], k.g[j].re, MPFR_RNDN);
    mpfr_set(grad_im[j], k.g[j].im, MPFR_RNDN);
  }
  work_clear(&k);
  return status;
}
