/* ref_hvp.c: gradients and exact Hessian-vector products in MPFR dual
 * numbers (see ref_hvp.h). */
#include <stdint.h>
#include <stdlib.h>

#include "dlv_status.h"
#include "mp.h"
#include "ref_hvp.h"

/* A dual number: the value a and its derivative a' along v. */
typedef struct {
  mpfr_t a, da;
} dual;

/* Scratch of the dual evaluation: n parameters, n gradient entries and a
 * few temporaries, all at precision prec. */
enum { NTMP = 8 };
typedef struct {
  mpfr_prec_t prec;
  size_t n;
  dual *th, *g, *t; /* parameters, gradient, temporaries */
  mpfr_t s, value;  /* scalar scratch and the loss value */
} work;

static void dual_init(dual *x, mpfr_prec_t prec)
{
  mpfr_inits2(prec, x->a, x->da, (mpfr_ptr)0);
  mpfr_set_zero(x->a, 1);
  mpfr_set_zero(x->da, 1);
}

static void dual_clear(dual *x) { mpfr_clears(x->a, x->da, (mpfr_ptr)0); }

static void dual_set(dual *r, const dual *x)
{
  mpfr_set(r->a, x->a, MPFR_RNDN);
  mpfr_set(r->da, x->da, MPFR_RNDN);
}

static void dual_set_d(dual *r, double c)
{
  mpfr_set_d(r->a, c, MPFR_RNDN);
  mpfr_set_zero(r->da, 1);
}

static void dual_add(dual *r, const dual *x, const dual *y)
{
  mpfr_add(r->a, x->a, y->a, MPFR_RNDN);
  mpfr_add(r->da, x->da, y->da, MPFR_RNDN);
}

/* r = x c for a double constant c. */
static void dual_mul_d(dual *r, const dual *x, double c)
{
  mpfr_mul_d(r->a, x->a, c, MPFR_RNDN);
  mpfr_mul_d(r->da, x->da, c, MPFR_RNDN);
}

/* r += x c. */
static void dual_fma_d(dual *r, const dual *x, double c, mpfr_ptr s)
{
  mpfr_mul_d(s, x->a, c, MPFR_RNDN);
  mpfr_add(r->a, r->a, s, MPFR_RNDN);
  mpfr_mul_d(s, x->da, c, MPFR_RNDN);
  mpfr_add(r->da, r->da, s, MPFR_RNDN);
}

/* r = x y, (x y)' = x y' + x' y; r must not alias x or y. */
static void dual_mul(dual *r, const dual *x, const dual *y, mpfr_ptr s)
{
  mpfr_mul(r->a, x->a, y->a, MPFR_RNDN);
  mpfr_mul(r->da, x->a, y->da, MPFR_RNDN);
  mpfr_mul(s, x->da, y->a, MPFR_RNDN);
  mpfr_add(r->da, r->da, s, MPFR_RNDN);
}

/* r = x / y, (x / y)' = (x' - r y') / y; r must not alias x or y. */
static void dual_div(dual *r, const dual *x, const dual *y, mpfr_ptr s)
{
  mpfr_div(r->a, x->a, y->a, MPFR_RNDN);
  mpfr_mul(s, r->a, y->da, MPFR_RNDN);
  mpfr_sub(r->da, x->da, s, MPFR_RNDN);
  mpfr_div(r->da, r->da, y->a, MPFR_RNDN);
}

/* r = tanh x, r' = (1 - r^2) x'. */
static void dual_tanh(dual *r, const dual *x, mpfr_ptr s)
{
  mpfr_tanh(r->a, x->a, MPFR_RNDN);
  mpfr_sqr(s, r->a, MPFR_RNDN);
  mpfr_ui_sub(s, 1, s, MPFR_RNDN);
  mpfr_mul(r->da, s, x->da, MPFR_RNDN);
}

/* r = sigmoid x = 1 / (1 + e^-x), r' = r (1 - r) x'. */
static void dual_sigmoid(dual *r, const dual *x, mpfr_ptr s)
{
  mpfr_neg(s, x->a, MPFR_RNDN);
  mpfr_exp(s, s, MPFR_RNDN);
  mpfr_add_ui(s, s, 1, MPFR_RNDN);
  mpfr_ui_div(r->a, 1, s, MPFR_RNDN);
  mpfr_ui_sub(s, 1, r->a, MPFR_RNDN);
  mpfr_mul(s, s, r->a, MPFR_RNDN);
  mpfr_mul(r->da, s, x->da, MPFR_RNDN);
}

/* r = sqrt x, r' = x' / (2 r). */
static void dual_sqrt(dual *r, const dual *x)
{
  mpfr_sqrt(r->a, x->a, MPFR_RNDN);
  mpfr_div(r->da, x->da, r->a, MPFR_RNDN);
  mpfr_div_2ui(r->da, r->da, 1, MPFR_RNDN);
}

static dual *dual_vec(size_t n, mpfr_prec_t prec)
{
  dual *v = malloc((n ? n : 1) * sizeof *v);
  for (size_t i = 0; v != NULL && i < n; i++)
    dual_init(&v[i], prec);
  return v;
}

static void dual_vec_free(dual *v, size_t n)
{
  for (size_t i = 0; v != NULL && i < n; i++)
    dual_clear(&v[i]);
  free(v);
}

/* ---- the losses, gradient as dual: g.a = grad l, g.da = H v ---------- */

static void quadratic(const dlv_quadratic *p, work *w)
{
  dual *ai = &w->t[0];
  mpfr_set_zero(w->value, 1);
  for (size_t i = 0; i < p->n; i++) {
    dual_set_d(ai, 0.0);
    for (size_t j = 0; j < p->n; j++)
      dual_fma_d(ai, &w->th[j], p->a[i * p->n + j], w->s);
    mpfr_add_d(w->g[i].a, ai->a, p->b[i], MPFR_RNDN);
    mpfr_set(w->g[i].da, ai->da, MPFR_RNDN);
    /* value += theta_i (ai / 2 + b_i) */
    mpfr_div_2ui(w->s, ai->a, 1, MPFR_RNDN);
    mpfr_add_d(w->s, w->s, p->b[i], MPFR_RNDN);
    mpfr_mul(w->s, w->s, w->th[i].a, MPFR_RNDN);
    mpfr_add(w->value, w->value, w->s, MPFR_RNDN);
  }
}

/* log(1 + e^z) added to value, as max(z, 0) + log1p(e^-|z|): MPFR's
 * exponent range ends near 2^30, so e^z overflows for margins beyond
 * 7.4e8, which doubles reach (found by the gate: the value was +Inf). */
static void add_softplus(mpfr_ptr value, mpfr_srcptr z, mpfr_ptr s)
{
  mpfr_abs(s, z, MPFR_RNDN);
  mpfr_neg(s, s, MPFR_RNDN);
  mpfr_exp(s, s, MPFR_RNDN);
  mpfr_log1p(s, s, MPFR_RNDN);
  mpfr_add(value, value, s, MPFR_RNDN);
  if (mpfr_sgn(z) > 0)
    mpfr_add(value, value, z, MPFR_RNDN);
}

static void logistic(const dlv_logistic *p, work *w)
{
  dual *margin = &w->t[0], *sg = &w->t[1];
  mpfr_set_zero(w->value, 1);
  for (size_t i = 0; i < p->m; i++) {
    const double *xi = p->x + i * p->n;
    dual_set_d(margin, 0.0);
    for (size_t j = 0; j < p->n; j++)
      dual_fma_d(margin, &w->th[j], xi[j], w->s);
    dual_mul_d(margin, margin, -p->y[i]); /* -y_i x_i' theta */
    add_softplus(w->value, margin->a, w->s);
    dual_sigmoid(sg, margin, w->s);
    dual_mul_d(sg, sg, -p->y[i]);
    for (size_t j = 0; j < p->n; j++)
      dual_fma_d(&w->g[j], sg, xi[j], w->s);
  }
  for (size_t j = 0; j < p->n; j++) {
    mpfr_div_ui(w->g[j].a, w->g[j].a, (unsigned long)p->m, MPFR_RNDN);
    mpfr_div_ui(w->g[j].da, w->g[j].da, (unsigned long)p->m, MPFR_RNDN);
  }
  mpfr_div_ui(w->value, w->value, (unsigned long)p->m, MPFR_RNDN);
}

/* One sample of the tanh network: forward, then backpropagation of
 * c = r / m into the gradient; act holds k duals. */
static void tanhnet_sample(const dlv_tanhnet *p, work *w, const double *xi,
                           double yi, dual *act)
{
  const size_t k = p->k, d = p->d;
  const dual *w1 = w->th, *b1 = w->th + k * d, *w2 = b1 + k, *b2 = w2 + k;
  dual *out = &w->t[0], *z = &w->t[1], *c = &w->t[2], *dz = &w->t[3],
       *q = &w->t[4], *pr = &w->t[5];
  dual_set(out, b2);
  for (size_t h = 0; h < k; h++) {
    dual_set(z, &b1[h]);
    for (size_t j = 0; j < d; j++)
      dual_fma_d(z, &w1[h * d + j], xi[j], w->s);
    dual_tanh(&act[h], z, w->s);
    dual_mul(pr, &w2[h], &act[h], w->s);
    dual_add(out, out, pr);
  }
  mpfr_sub_d(out->a, out->a, yi, MPFR_RNDN); /* r = out - y_i */
  mpfr_sqr(w->s, out->a, MPFR_RNDN);
  mpfr_add(w->value, w->value, w->s, MPFR_RNDN);
  dual_set(c, out);
  mpfr_div_ui(c->a, c->a, (unsigned long)p->m, MPFR_RNDN);
  mpfr_div_ui(c->da, c->da, (unsigned long)p->m, MPFR_RNDN);
  dual_add(&w->g[k * (d + 2)], &w->g[k * (d + 2)], c);
  for (size_t h = 0; h < k; h++) {
    dual_mul(pr, c, &act[h], w->s);
    dual_add(&w->g[k * (d + 1) + h], &w->g[k * (d + 1) + h], pr);
    dual_mul(q, &act[h], &act[h], w->s); /* 1 - a^2 */
    mpfr_ui_sub(q->a, 1, q->a, MPFR_RNDN);
    mpfr_neg(q->da, q->da, MPFR_RNDN);
    dual_mul(pr, c, &w2[h], w->s);
    dual_mul(dz, pr, q, w->s);
    dual_add(&w->g[k * d + h], &w->g[k * d + h], dz);
    for (size_t j = 0; j < d; j++)
      dual_fma_d(&w->g[h * d + j], dz, xi[j], w->s);
  }
}

static int tanhnet(const dlv_tanhnet *p, work *w)
{
  dual *act = dual_vec(p->k, w->prec);
  if (act == NULL)
    return DLV_ENOMEM;
  mpfr_set_zero(w->value, 1);
  for (size_t i = 0; i < p->m; i++)
    tanhnet_sample(p, w, p->x + i * p->d, p->y[i], act);
  mpfr_div_ui(w->value, w->value, 2 * (unsigned long)p->m, MPFR_RNDN);
  dual_vec_free(act, p->k);
  return DLV_OK;
}

static int norm(const dlv_ref_loss *p, work *w)
{
  dual *s = &w->t[0], *r = &w->t[1], *sq = &w->t[2];
  dual_set_d(s, 0.0);
  for (size_t i = 0; i < p->n; i++) {
    dual_mul(sq, &w->th[i], &w->th[i], w->s);
    dual_add(s, s, sq);
  }
  if (mpfr_zero_p(s->a))
    return DLV_EDOM;
  dual_sqrt(r, s);
  mpfr_set(w->value, r->a, MPFR_RNDN);
  for (size_t i = 0; i < p->n; i++)
    dual_div(&w->g[i], &w->th[i], r, w->s);
  return DLV_OK;
}

/* n = k (d + 2) + 1 parameters, or 0 (as dlv_tanhnet_size: k or d 0, k
 * above DLV_TANHNET_MAXK, or an overflowing count). */
static size_t tanhnet_size(const dlv_tanhnet *p)
{
  if (p->k == 0 || p->d == 0 || p->k > DLV_TANHNET_MAXK ||
      p->d > (SIZE_MAX - 1) / p->k - 2)
    return 0;
  return p->k * (p->d + 2) + 1;
}

dlv_ref_loss dlv_ref_loss_of_quadratic(const dlv_quadratic *q)
{
  return (dlv_ref_loss){DLV_REF_QUADRATIC, q != NULL ? q->n : 0,
                        .quadratic = q};
}

dlv_ref_loss dlv_ref_loss_of_logistic(const dlv_logistic *p)
{
  return (dlv_ref_loss){DLV_REF_LOGISTIC, p != NULL ? p->n : 0,
                        .logistic = p};
}

dlv_ref_loss dlv_ref_loss_of_tanhnet(const dlv_tanhnet *p)
{
  return (dlv_ref_loss){DLV_REF_TANHNET, p != NULL ? tanhnet_size(p) : 0,
                        .tanhnet = p};
}

dlv_ref_loss dlv_ref_loss_of_norm(size_t n)
{
  return (dlv_ref_loss){DLV_REF_NORM, n, .quadratic = NULL};
}

int dlv_ref_loss_valid(const dlv_ref_loss *p)
{
  switch (p->kind) {
  case DLV_REF_QUADRATIC:
    return p->quadratic != NULL && p->quadratic->a != NULL &&
           p->quadratic->b != NULL && p->n == p->quadratic->n;
  case DLV_REF_LOGISTIC:
    return p->logistic != NULL && p->logistic->x != NULL &&
           p->logistic->y != NULL && p->logistic->m > 0 &&
           p->n == p->logistic->n;
  case DLV_REF_TANHNET:
    return p->tanhnet != NULL && p->tanhnet->x != NULL &&
           p->tanhnet->y != NULL && p->tanhnet->m > 0 &&
           p->n == tanhnet_size(p->tanhnet);
  case DLV_REF_NORM: return 1;
  }
  return 0;
}

static int evaluate(const dlv_ref_loss *p, work *w)
{
  switch (p->kind) {
  case DLV_REF_QUADRATIC: quadratic(p->quadratic, w); return DLV_OK;
  case DLV_REF_LOGISTIC: logistic(p->logistic, w); return DLV_OK;
  case DLV_REF_TANHNET: return tanhnet(p->tanhnet, w);
  case DLV_REF_NORM: return norm(p, w);
  }
  return DLV_EINVAL;
}

static void work_free(work *w)
{
  dual_vec_free(w->th, w->n);
  dual_vec_free(w->g, w->n);
  dual_vec_free(w->t, NTMP);
  mpfr_clears(w->s, w->value, (mpfr_ptr)0);
}

static int work_init(work *w, size_t n, mpfr_prec_t prec)
{
  w->prec = prec;
  w->n = n;
  w->th = dual_vec(n, prec);
  w->g = dual_vec(n, prec);
  w->t = dual_vec(NTMP, prec);
  mpfr_inits2(prec, w->s, w->value, (mpfr_ptr)0);
  if (w->th == NULL || w->g == NULL || w->t == NULL) {
    work_free(w);
    return DLV_ENOMEM;
  }
  return DLV_OK;
}

int dlv_ref_closs(const dlv_ref_loss *loss, mpfr_t *theta, mpfr_t *v,
                  mpfr_ptr value, mpfr_t *grad, mpfr_t *hv)
{
  if (loss == NULL || theta == NULL || loss->n == 0 ||
      !dlv_ref_loss_valid(loss))
    return DLV_EINVAL;
  mpfr_prec_t out = value ? mpfr_get_prec(value)
                          : grad ? mpfr_get_prec(grad[0])
                                 : hv ? mpfr_get_prec(hv[0]) : DLV_MP_PREC_MIN;
  work w;
  if (work_init(&w, loss->n, out + 64) != DLV_OK)
    return DLV_ENOMEM;
  for (size_t j = 0; j < loss->n; j++) {
    mpfr_set(w.th[j].a, theta[j], MPFR_RNDN);
    if (v != NULL)
      mpfr_set(w.th[j].da, v[j], MPFR_RNDN);
  }
  int status = evaluate(loss, &w);
  for (size_t j = 0; status == DLV_OK && j < loss->n; j++) {
    if (grad != NULL)
      mpfr_set(grad[j], w.g[j].a, MPFR_RNDN);
    if (hv != NULL && v != NULL)
      mpfr_set(hv[j], w.g[j].da, MPFR_RNDN);
  }
  if (status == DLV_OK && value != NULL)
    mpfr_set(value, w.value, MPFR_RNDN);
  work_free(&w);
  return status;
}

int dlv_ref_hvp(const dlv_ref_loss *loss, const double *theta,
                const double *v, mpfr_t *grad, mpfr_t *hv)
{
  if (loss == NULL || theta == NULL || loss->n == 0)
    return DLV_EINVAL;
  size_t n = loss->n;
  mpfr_t *th = dlv_mp_vec_alloc(n, 64), *vv = dlv_mp_vec_alloc(n, 64);
  int status = th && vv ? DLV_OK : DLV_ENOMEM;
  for (size_t j = 0; status == DLV_OK && j < n; j++) {
    mpfr_set_d(th[j], theta[j], MPFR_RNDN); /* exact at 64 bits */
    mpfr_set_d(vv[j], v ? v[j] : 0.0, MPFR_RNDN);
  }
  if (status == DLV_OK)
    status = dlv_ref_closs(loss, th, v ? vv : NULL, NULL, grad, hv);
  dlv_mp_vec_free(th, th ? n : 0);
  dlv_mp_vec_free(vv, vv ? n : 0);
  return status;
}

int dlv_ref_linesearch_step(size_t n, const double *g, mpfr_t *hg,
                            mpfr_ptr lambda)
{
  if (g == NULL || hg == NULL || lambda == NULL)
    return DLV_EINVAL;
  if (n == 0)
    return DLV_EBADLEN; /* as the kernel (hvp.h) */
  mpfr_prec_t prec = mpfr_get_prec(lambda) + 64;
  mpfr_t gg, ghg, t;
  mpfr_inits2(prec, gg, ghg, t, (mpfr_ptr)0);
  int status = dlv_mp_dot(gg, n, g, 1, g, 1);
  mpfr_set_zero(ghg, 1);
  for (size_t i = 0; i < n; i++) {
    mpfr_mul_d(t, hg[i], g[i], MPFR_RNDN);
    mpfr_add(ghg, ghg, t, MPFR_RNDN);
  }
  if (status == DLV_OK && mpfr_sgn(ghg) <= 0)
    status = DLV_EDOM;
  if (status == DLV_OK)
    mpfr_div(lambda, gg, ghg, MPFR_RNDN);
  mpfr_clears(gg, ghg, t, (mpfr_ptr)0);
  return status;
}
