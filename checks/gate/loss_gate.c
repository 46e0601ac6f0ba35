/* loss_gate.c: problems and bounds shared by the gate families loss and
 * hvp (see loss_gate.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "closs_mag.h"
#include "contract.h"
#include "loss_gate.h"

int dlv_lg_vclass(dlv_gate_case *c)
{
  static const int classes[] = {DLV_GV_EXACT, DLV_GV_UNIT, DLV_GV_WIDE};
  return classes[dlv_gate_enum(c, 3)];
}

double *dlv_lg_input(dlv_gate_case *c, dlv_gate_buf *b, size_t n,
                     int vclass)
{
  double *at = dlv_gate_buf_make(c, b, sizeof(double), n ? n : 1, 1);
  dlv_gate_buf_fill(c, b, vclass);
  dlv_gate_buf_freeze(c, b);
  return at;
}

/* Labels +-1 (logistic); frozen like the data. */
static double *labels(dlv_gate_case *c, dlv_gate_buf *b, size_t m)
{
  double *at = dlv_gate_buf_make(c, b, sizeof(double), m, 1);
  for (size_t i = 0; i < m; i++)
    at[i] = dlv_gate_draw(c, 2) ? -1.0 : 1.0;
  dlv_gate_buf_freeze(c, b);
  return at;
}

/* A symmetric n x n matrix of the class (the upper triangle mirrored). */
static double *symmetric(dlv_gate_case *c, dlv_gate_buf *b, size_t n,
                         int vclass)
{
  double *a = dlv_gate_buf_make(c, b, sizeof(double), n * n, 1);
  for (size_t i = 0; i < n; i++)
    for (size_t j = i; j < n; j++)
      a[i * n + j] = a[j * n + i] = dlv_gate_value(c, vclass, 0);
  dlv_gate_buf_freeze(c, b);
  return a;
}

size_t dlv_lg_tanhnet_k(dlv_gate_case *c, int which)
{
  if (which < -1 || which > 1)
    return 1 + (size_t)dlv_gate_draw(c, 3);
  const dlv_contract *k = dlv_contract_find("dlv_closs_tanhnet");
  size_t kmax = (size_t)dlv_contract_limit_value(k, "kmax");
  dlv_gate_note(c, "k at kmax %+d", which); /* one ulp of k is one */
  return which < 0 ? kmax - 1 : kmax + (size_t)which;
}

int dlv_lg_scenario(dlv_gate_case *c, const unsigned *counts, size_t n,
                    unsigned *sub)
{
  unsigned total = 0;
  for (size_t i = 0; i < n; i++)
    total += counts[i];
  unsigned k = dlv_gate_enum(c, total);
  for (size_t i = 0; i < n; i++) {
    if (k < counts[i]) {
      *sub = k;
      return (int)i;
    }
    k -= counts[i];
  }
  *sub = 0;
  return 0;
}

double dlv_lg_limit(double limit, int which)
{
  return which == 0 ? limit : nextafter(limit, which < 0 ? -INFINITY : INFINITY);
}

static size_t size_in(dlv_gate_case *c, size_t lo, size_t hi)
{
  return dlv_gate_extent(c, NULL, 0, lo, hi);
}

static void draw_quadratic(dlv_gate_case *c, dlv_lg_problem *p, int vclass)
{
  size_t n = size_in(c, 1, 12);
  const double *a = symmetric(c, &p->a, n, vclass);
  const double *b = dlv_lg_input(c, &p->b, n, vclass);
  p->n = n;
  p->q = (dlv_quadratic){n, a, b};
  p->loss = dlv_closs_of_quadratic(&p->q);
  p->ref = dlv_ref_loss_of_quadratic(&p->q);
  dlv_gate_note(c, "quadratic n %zu", n);
}

static void draw_logistic(dlv_gate_case *c, dlv_lg_problem *p, int vclass)
{
  size_t m = size_in(c, 1, 10), n = size_in(c, 1, 8);
  const double *x = dlv_lg_input(c, &p->x, m * n, vclass);
  const double *y = labels(c, &p->y, m);
  p->n = n;
  p->lg = (dlv_logistic){m, n, x, y};
  p->loss = dlv_closs_of_logistic(&p->lg);
  p->ref = dlv_ref_loss_of_logistic(&p->lg);
  dlv_gate_note(c, "logistic m %zu n %zu", m, n);
}

static void draw_tanhnet(dlv_gate_case *c, dlv_lg_problem *p, int vclass,
                         size_t k)
{
  size_t m = size_in(c, 1, 5), d = size_in(c, 1, 4);
  const double *x = dlv_lg_input(c, &p->x, m * d, vclass);
  const double *y = dlv_lg_input(c, &p->y, m, vclass);
  p->net = (dlv_tanhnet){m, d, k, x, y};
  /* n from the contract, not from dlv_tanhnet_size (under test) */
  const dlv_contract *kc = dlv_contract_find("dlv_closs_tanhnet");
  p->rejected = (double)k > dlv_contract_limit_value(kc, "kmax");
  p->n = k * (d + 2) + 1;
  p->loss = dlv_closs_of_tanhnet(&p->net);
  p->ref = dlv_ref_loss_of_tanhnet(&p->net);
  dlv_gate_note(c, "tanhnet m %zu d %zu k %zu", m, d, k);
}

void dlv_lg_problem_draw(dlv_gate_case *c, dlv_lg_problem *p, int kind,
                         int vclass, size_t k)
{
  memset(p, 0, sizeof *p);
  p->kind = kind;
  dlv_gate_note(c, "data %s", dlv_gate_vclass_name(vclass));
  switch (kind) {
  case DLV_REF_QUADRATIC: draw_quadratic(c, p, vclass); break;
  case DLV_REF_LOGISTIC: draw_logistic(c, p, vclass); break;
  case DLV_REF_TANHNET: draw_tanhnet(c, p, vclass, k); break;
  default:
    p->n = size_in(c, 1, 16);
    p->loss = dlv_closs_of_norm(p->n);
    p->ref = dlv_ref_loss_of_norm(p->n);
    dlv_gate_note(c, "norm n %zu", p->n);
  }
}

/* ---- bounds --------------------------------------------------------------- */

/* sum_i |x_ij| of the logistic's column j. */
static double column_abs_sum(const dlv_lg_problem *p, size_t j)
{
  double s = 0.0;
  for (size_t i = 0; i < p->lg.m; i++)
    s += fabs(p->lg.x[i * p->n + j]);
  return s;
}

static double theta_max(const double *theta, size_t n)
{
  double tmax = 0.0;
  for (size_t i = 0; i < n; i++)
    tmax = fmax(tmax, fabs(theta[i]));
  return tmax;
}

/* The underflow terms (bounds.h) of gradient entry j, or of the value when
 * j == n, divided by t (1 for the real path). */
static double underflow(const dlv_lg_problem *p, const double *theta,
                        size_t j, double t)
{
  size_t n = p->n;
  if (p->kind == DLV_REF_LOGISTIC)
    return dlv_bound_logistic_underflow(
        p->lg.m, j < n ? column_abs_sum(p, j) : 0.0, j == n, t);
  if (p->kind == DLV_REF_NORM) /* ||Theta|| <= sqrt(n) max |Theta_i| */
    return dlv_bound_closs_norm_underflow(
               n, j < n ? 1.0
                        : fmin(sqrt((double)n) * theta_max(theta, n),
                               DBL_MAX)) /
           t;
  if (p->kind != DLV_REF_QUADRATIC)
    return 0.0;
  if (j < n)
    return dlv_bound_quadratic_underflow_grad(n) / t;
  return dlv_bound_quadratic_underflow_value(n, theta_max(theta, n)) / t;
}

void dlv_lg_real_bounds(const dlv_lg_problem *p, const double *theta,
                        double *bound, double *vbound)
{
  size_t n = p->n;
  double *mr = malloc(2 * n * sizeof *mr), vr, vi;
  if (mr == NULL)
    abort();
  dlv_closs_magnitudes(&p->ref, theta, theta, mr, mr + n, &vr, &vi);
  double gk = dlv_gamma(dlv_closs_k(&p->ref), DLV_U_DOUBLE);
  for (size_t j = 0; j < n; j++)
    bound[j] = gk * mr[j] + underflow(p, theta, j, 1.0);
  *vbound = dlv_gamma(dlv_closs_k_value(&p->ref), DLV_U_DOUBLE) * vr +
            underflow(p, theta, n, 1.0);
  free(mr);
}

void dlv_lg_cstep_bounds(const dlv_lg_problem *p, const double *theta,
                         const double *v, double t, double *bound,
                         double *vbound)
{
  size_t n = p->n;
  double *mr = malloc(3 * n * sizeof *mr), vr, vi;
  if (mr == NULL)
    abort();
  double *mi = mr + n, *mc = mr + 2 * n;
  dlv_closs_magnitudes(&p->ref, theta, v, mr, mi, &vr, &vi);
  double radius = dlv_closs_cauchy_disc(&p->ref, theta, v, mc);
  double k = dlv_closs_k(&p->ref), m1 = 0.0;
  for (size_t j = 0; j < n; j++) {
    bound[j] = dlv_bound_hvp_cstep(k, mi[j],
                                   dlv_bound_hvp_trunc(mc[j], radius, t)) +
               underflow(p, theta, j, t);
    m1 += mc[j] * fabs(v[j]);
  }
  *vbound = dlv_gamma(dlv_closs_k_value(&p->ref), DLV_U_DOUBLE) * vi +
            dlv_bound_cstep_value_trunc(m1 * DLV_P5_MAG_SLACK, radius, t) +
            underflow(p, theta, n, t);
  free(mr);
}

void dlv_lg_cz_bounds(const dlv_lg_problem *p, const double *re,
                      const double *im, double *bound, double *vbound)
{
  double abs = 0.0;
  if (p->kind == DLV_REF_LOGISTIC)
    abs = dlv_bound_logistic_underflow_z(p->lg.m);
  if (p->kind == DLV_REF_QUADRATIC) {
    double zmax = 0.0;
    for (size_t i = 0; i < p->n; i++)
      zmax = fmax(zmax, fabs(re[i]) + fabs(im[i]));
    abs = dlv_bound_quadratic_underflow_value_z(p->n, zmax);
  }
  /* the norm's value: its scaling back into the subnormal range rounds
   * once per part (closs_generic.inc), the scaled squares' underflow is
   * inside gamma_k N (S >= 1): the real path's terms, twice, as the
   * gradient's below (taken at max |re|: the kernel scales by the largest
   * real or imaginary part, the same here, the complex points lying in
   * the Cauchy disc, |Im| = t |v_j| <= ||Theta|| / 20) */
  if (p->kind == DLV_REF_NORM)
    abs = 2.0 * underflow(p, re, p->n, 1.0);
  double vmag = dlv_closs_magnitudes_z(&p->ref, re, im, bound);
  *vbound = dlv_bound_closs_z(dlv_closs_k_z(&p->ref, 1), vmag, abs);
  /* the gradient's underflow: the real path's terms, twice (each part of
   * a complex product is two real products) */
  double kg = dlv_closs_k_z(&p->ref, 0);
  for (size_t j = 0; j < p->n; j++)
    bound[j] = dlv_bound_closs_z(kg, bound[j], 2.0 * underflow(p, re, j, 1.0));
}

double dlv_lg_step_below_disc(const dlv_lg_problem *p, const double *theta,
                              const double *v)
{
  double *mc = malloc((p->n ? p->n : 1) * sizeof *mc);
  if (mc == NULL)
    abort();
  double radius = dlv_closs_cauchy_disc(&p->ref, theta, v, mc);
  free(mc);
  if (isnan(radius))
    abort(); /* a magnitude helper's defect, never a case's answer */
  if (isinf(radius))
    return 1.0;
  int k = ilogb(fmax(radius, DBL_TRUE_MIN)) - 2;
  return k < -1074 ? 0.0 : ldexp(1.0, k);
}

void dlv_lg_central_bounds(const dlv_lg_problem *p, const double *theta,
                           const double *v, double t, double *bound)
{
  size_t n = p->n;
  double *w = malloc(8 * n * sizeof *w), vr, vi;
  if (w == NULL)
    abort();
  double *mr = w + n, *mi = w + 2 * n, *mc = w + 3 * n, *mpt = w + 4 * n,
         *pt = w + 5 * n, *mr_at = w + 6 * n, *unused = w + 7 * n;
  dlv_closs_magnitudes(&p->ref, theta, v, mr, mi, &vr, &vi);
  for (int side = -1; side <= 1; side += 2) { /* R_j at Theta -+ t v */
    for (size_t j = 0; j < n; j++)
      pt[j] = theta[j] + side * t * v[j];
    dlv_closs_magnitudes(&p->ref, pt, v, mr_at, unused, &vr, &vi);
    for (size_t j = 0; j < n; j++)
      mr[j] = fmax(mr[j], mr_at[j]);
  }
  for (size_t j = 0; j < n; j++)
    pt[j] = fabs(theta[j]) + t * fabs(v[j]);
  dlv_closs_magnitudes(&p->ref, theta, pt, mr_at, mpt, &vr, &vi);
  double radius = dlv_closs_cauchy_disc(&p->ref, theta, v, mc);
  double k = dlv_closs_k(&p->ref);
  for (size_t j = 0; j < n; j++)
    bound[j] = dlv_bound_hvp_central(k, mr[j], mpt[j], mi[j],
                                     dlv_bound_hvp_trunc(mc[j], radius, t),
                                     t) +
               underflow(p, theta, j, t);
  free(w);
}

int dlv_lg_all_zero(size_t n, const double *x)
{
  for (size_t i = 0; i < n; i++)
    if (x[i] != 0.0)
      return 0;
  return 1;
}

/* Margin i of the logistic problem at theta, in double. */
static double margin_of(const dlv_lg_problem *p, const double *theta,
                        size_t i)
{
  double z = 0.0;
  for (size_t j = 0; j < p->n; j++)
    z += p->lg.x[i * p->n + j] * theta[j];
  return z;
}

void dlv_lg_separable(dlv_gate_case *c, dlv_lg_problem *p, double *theta,
                      dlv_gate_buf *tb)
{
  double *y = p->y.at, zmin = INFINITY;
  for (size_t i = 0; i < p->lg.m; i++) {
    double z = fabs(margin_of(p, theta, i));
    zmin = z > 0.0 && z < zmin ? z : zmin;
  }
  int shift = isinf(zmin) ? 0 : 4 - ilogb(zmin);
  for (size_t j = 0; j < p->n; j++)
    theta[j] = ldexp(theta[j], shift);
  for (size_t i = 0; i < p->lg.m; i++)
    y[i] = margin_of(p, theta, i) >= 0.0 ? 1.0 : -1.0;
  dlv_gate_buf_freeze(c, tb);
  dlv_gate_buf_freeze(c, &p->y);
  dlv_gate_note(c, "separable: labels agree with the margins, min |z| "
                   "in [16, 32)");
}
