/* closs_mag.c: magnitudes and Cauchy discs of the P5 model (see
 * closs_mag.h and checks/bounds.h, P5 section). */
#include <math.h>
#include <stdlib.h>

#include "bounds.h"
#include "closs.h"
#include "closs_mag.h"

/* ---- magnitudes ---------------------------------------------------------- */

static void mag_quadratic(const dlv_quadratic *p, const double *th,
                          const double *w, double *mr, double *mi, double *vr,
                          double *vi)
{
  *vr = *vi = 0.0;
  for (size_t i = 0; i < p->n; i++) {
    double r = 0.0, s = 0.0;
    for (size_t j = 0; j < p->n; j++) {
      r += fabs(p->a[i * p->n + j] * th[j]);
      s += fabs(p->a[i * p->n + j] * w[j]);
    }
    mr[i] = r + fabs(p->b[i]);
    mi[i] = s;
    /* value term theta_i (ai / 2 + b_i): (R, I) of a product */
    double rc = 0.5 * r + fabs(p->b[i]);
    *vr += fabs(th[i]) * rc;
    *vi += w[i] * rc + fabs(th[i]) * 0.5 * s;
  }
}

static double softplus(double z)
{
  return (z > 0.0 ? z : 0.0) + log1p(exp(-fabs(z)));
}

/* closs_mag.h.  sigma(-z) and softplus(-z) grow as z falls: their
 * supremum is at z = zy - delta; sigma' falls with |z|: at |z| = max(0,
 * |zy| - delta). */
dlv_logistic_sens dlv_closs_logistic_sens(double zy, double big_s, size_t n)
{
  double delta = 2.0 * dlv_gamma((double)n, DLV_U_DOUBLE) * big_s;
  dlv_logistic_sens s;
  s.s0 = 1.0 / (1.0 + exp(zy - delta));
  double far = fabs(zy) - delta, e = exp(-far);
  s.s1 = far <= 0.0 ? 0.25 : e / ((1.0 + e) * (1.0 + e));
  s.sp = softplus(delta - zy);
  return s;
}

/* A margin error within gamma_n S moves sigma by s1 gamma_n S and
 * sigma (1 - sigma) by s1 gamma_n S as well; softplus by s0 gamma_n S. */
static void mag_logistic(const dlv_logistic *p, const double *th,
                         const double *w, double *mr, double *mi, double *vr,
                         double *vi)
{
  const size_t n = p->n, m = p->m;
  for (size_t j = 0; j < n; j++)
    mr[j] = mi[j] = 0.0;
  *vr = *vi = 0.0;
  for (size_t i = 0; i < m; i++) {
    const double *xi = p->x + i * n;
    double q = 0.0, pv = 0.0, margin = 0.0;
    for (size_t j = 0; j < n; j++) {
      q += fabs(xi[j] * th[j]);
      pv += fabs(xi[j] * w[j]);
      margin += xi[j] * th[j];
    }
    dlv_logistic_sens s = dlv_closs_logistic_sens(p->y[i] * margin, q, n);
    for (size_t j = 0; j < n; j++) {
      mr[j] += fabs(xi[j]) * (s.s0 + s.s1 * q) / (double)m;
      mi[j] += fabs(xi[j]) * s.s1 * (1.0 + q) * pv / (double)m;
    }
    *vr += (s.sp + s.s0 * q) / (double)m;
    *vi += (s.s0 + s.s1 * q) * pv / (double)m;
  }
}

/* x 2^k for x >= 0, rounded upward (a magnitude must not fall below its
 * definition) or downward (a radius must not exceed its own): exact
 * unless the product lands in the subnormal range. */
static double times_pow2_up(double x, int k)
{
  double r = ldexp(x, k);
  return ldexp(r, -k) < x ? nextafter(r, INFINITY) : r;
}

static double times_pow2_down(double x, int k)
{
  double r = ldexp(x, k);
  return ldexp(r, -k) > x ? nextafter(r, 0.0) : r;
}

/* max |x_i| (0 when n = 0). */
static double largest_abs(const double *x, size_t n)
{
  double big = 0.0;
  for (size_t i = 0; i < n; i++)
    big = fmax(big, fabs(x[i]));
  return big;
}

/* The exponent of top (0 when top = 0): a vector whose largest magnitude
 * is top, scaled by 2^-e, has its largest entry in [1, 2). */
static int exponent_of(double top) { return top > 0.0 ? ilogb(top) : 0; }

/* The exponent of the largest |x_i| (exponent_of). */
static int scale_exponent(const double *x, size_t n)
{
  return exponent_of(largest_abs(x, n));
}

/* ||x|| = q 2^e (returned q, *e = scale_exponent), as the kernel scales
 * Theta (closs_generic.inc): the sum of squares neither overflows nor
 * loses its largest terms to underflow; in the normal range the scalings
 * are exact.  x = 0: q = 0. */
static double scaled_norm(const double *x, size_t n, int *e)
{
  double s = 0.0;
  *e = scale_exponent(x, n);
  for (size_t i = 0; i < n; i++) {
    double xs = ldexp(x[i], -*e);
    s += xs * xs;
  }
  return sqrt(s);
}

/* Theta scaled by 2^-e and w by 2^-f, each as scaled_norm scales it: the
 * ratios are scale-free (mi_i = (w_i + x_i ir / q) / q 2^-e, ir = sum
 * |x_i w_i| / q, written in the scaled w and put back by 2^(f - e)), and in
 * the normal range every figure is bitwise the unscaled formula's. */
static void mag_norm(const dlv_ref_loss *p, const double *th,
                     const double *w, double *mr, double *mi, double *vr,
                     double *vi)
{
  int e, f = scale_exponent(w, p->n);
  double q = scaled_norm(th, p->n, &e), tw = 0.0;
  for (size_t i = 0; i < p->n; i++)
    tw += fabs(ldexp(th[i], -e) * ldexp(w[i], -f));
  double ir = tw / q; /* Im of the norm, per t, times 2^-f */
  for (size_t i = 0; i < p->n; i++) {
    double x = fabs(ldexp(th[i], -e));
    mr[i] = x / q;
    mi[i] = times_pow2_up((ldexp(w[i], -f) + x * ir / q) / q, f - e);
  }
  *vr = fmin(times_pow2_up(q, e), DBL_MAX); /* beyond: the value is Inf */
  *vi = times_pow2_up(ir, f);
}

/* tanh'(z) = 1 - tanh(z)^2 = 4 e^-2|z| / (1 + e^-2|z|)^2, accurate where
 * tanh(z) rounds to +-1 and 1 - tanh^2 would give 0 (found by the gate:
 * the imaginary part of ctanh is e sech^2 z, not 0, for |z| > 19). */
static double sech2(double z)
{
  double e = exp(-2.0 * fabs(z));
  return 4.0 * e / ((1.0 + e) * (1.0 + e));
}

/* Per sample: (R, I) pairs through the forward pass and backpropagation
 * of the tanh network, the rules of bounds.h (a sum adds magnitudes, a
 * product (R_x R_y, R_x I_y + I_x R_y), 1 - a^2 has R = 1 + A^2); the
 * activation a = tanh z has R_a = |a| + R_z (its argument's error carried
 * by |tanh'| <= 1) + 1 (ctanh's own roundings, on quantities of modulus
 * <= 1) and I_a = sech^2 z (1 + 2 R_z) I_z (the argument's error carried
 * by |tanh''/tanh'| = 2|tanh| <= 2); the value r^2 / 2m adds (R_r^2,
 * 2 R_r I_r) / 2m. */
static void mag_tanhnet_sample(const dlv_tanhnet *p, const double *th,
                               const double *w, const double *xi, double yi,
                               double *mr, double *mi, double *vr, double *vi)
{
  const size_t k = p->k, d = p->d;
  const double m = (double)p->m;
  const double *w1 = th, *b1 = th + k * d, *w2 = b1 + k, *b2 = w2 + k;
  const double *v1 = w, *vb1 = w + k * d, *vw2 = vb1 + k, *vb2 = vw2 + k;
  double ra[DLV_TANHNET_MAXK], ia[DLV_TANHNET_MAXK];
  double rout = fabs(*b2), iout = *vb2;
  for (size_t h = 0; h < k; h++) {
    double z = b1[h], rz = fabs(b1[h]), iz = vb1[h];
    for (size_t j = 0; j < d; j++) {
      z += w1[h * d + j] * xi[j];
      rz += fabs(w1[h * d + j] * xi[j]);
      iz += v1[h * d + j] * fabs(xi[j]);
    }
    double a = tanh(z);
    ra[h] = fabs(a) + rz + 1.0;
    ia[h] = sech2(z) * (1.0 + 2.0 * rz) * iz;
    rout += fabs(w2[h]) * ra[h];
    iout += fabs(w2[h]) * ia[h] + vw2[h] * ra[h];
  }
  double rr = rout + fabs(yi);
  *vr += rr * rr / (2.0 * m);
  *vi += rr * iout / m;
  double rc = rr / m, ic = iout / m;
  mr[k * (d + 2)] += rc;
  mi[k * (d + 2)] += ic;
  for (size_t h = 0; h < k; h++) {
    mr[k * (d + 1) + h] += rc * ra[h];
    mi[k * (d + 1) + h] += rc * ia[h] + ic * ra[h];
    double rq = 1.0 + ra[h] * ra[h], iq = 2.0 * ra[h] * ia[h];
    double rp = rc * fabs(w2[h]), ip = rc * vw2[h] + ic * fabs(w2[h]);
    double rdz = rp * rq, idz = rp * iq + ip * rq;
    mr[k * d + h] += rdz;
    mi[k * d + h] += idz;
    for (size_t j = 0; j < d; j++) {
      mr[h * d + j] += rdz * fabs(xi[j]);
      mi[h * d + j] += idz * fabs(xi[j]);
    }
  }
}

static void mag_tanhnet(const dlv_ref_loss *loss, const double *th,
                        const double *w, double *mr, double *mi, double *vr,
                        double *vi)
{
  const dlv_tanhnet *p = loss->tanhnet;
  for (size_t j = 0; j < loss->n; j++)
    mr[j] = mi[j] = 0.0;
  *vr = *vi = 0.0;
  for (size_t i = 0; i < p->m; i++)
    mag_tanhnet_sample(p, th, w, p->x + i * p->d, p->y[i], mr, mi, vr, vi);
}

void dlv_closs_magnitudes(const dlv_ref_loss *p, const double *theta,
                          const double *w, double *mr, double *mi, double *vr,
                          double *vi)
{
  double *aw = malloc((p->n ? p->n : 1) * sizeof *aw);
  if (aw == NULL)
    abort();
  for (size_t j = 0; j < p->n; j++)
    aw[j] = fabs(w[j]);
  switch (p->kind) {
  case DLV_REF_QUADRATIC: mag_quadratic(p->quadratic, theta, aw, mr, mi, vr, vi); break;
  case DLV_REF_LOGISTIC: mag_logistic(p->logistic, theta, aw, mr, mi, vr, vi); break;
  case DLV_REF_TANHNET: mag_tanhnet(p, theta, aw, mr, mi, vr, vi); break;
  case DLV_REF_NORM: mag_norm(p, theta, aw, mr, mi, vr, vi); break;
  }
  free(aw);
  for (size_t j = 0; j < p->n; j++) {
    mr[j] *= DLV_P5_MAG_SLACK;
    mi[j] *= DLV_P5_MAG_SLACK;
  }
  *vr *= DLV_P5_MAG_SLACK;
  *vi *= DLV_P5_MAG_SLACK;
}

/* ---- magnitudes at a complex point (bounds.h: closs_z) ---------------- */

/* |z_j| <= |Re z_j| + |Im z_j|. */
static double modulus(const double *re, const double *im, size_t j)
{
  return fabs(re[j]) + fabs(im[j]);
}

/* The value sum_i |z_i| (G_i / 2 + |b_i|) and the gradient entries G_i +
 * |b_i|, G_i = sum_j |a_ij| |z_j|, as the real path's. */
static double cmag_quadratic(const dlv_quadratic *p, const double *re,
                             const double *im, double *mg)
{
  double v = 0.0;
  for (size_t i = 0; i < p->n; i++) {
    double r = 0.0;
    for (size_t j = 0; j < p->n; j++)
      r += fabs(p->a[i * p->n + j]) * modulus(re, im, j);
    v += modulus(re, im, i) * (0.5 * r + fabs(p->b[i]));
    if (mg != NULL)
      mg[i] = r + fabs(p->b[i]);
  }
  return v;
}

/* Sample i, u = -y_i x_i' z = a + i b, |u| <= Q = sum_j |x_ij| |z_j|,
 * margin error gamma_n Q; softplus forms w = cexp(-u) (a > 0) or cexp(u),
 * |w| = e^-|a| <= W = e^-(|a| - delta) (delta = 2 gamma_n Q covers the
 * computed a), capped at 1; where W underflows, the term is below 2^-1074
 * computed and exact (logistic_underflow_z).  With |b| < pi/2 (|b| <=
 * sum_j |x_ij Im z_j|, the computed b within gamma_n of that), Re w >= 0
 * and |1 + w| >= 1, so in clog1p_z(w): log1p's condition |w| (2 + |w|) /
 * |1 + w|^2 <= 3 W, cexp's error carried by |1 / (1 + w)| <= W, and
 * |log(1 + w)| <= (1 + pi/2) W: 7 W.  The margin error is carried by
 * |softplus'(u)| = |sigma(u)|, <= 1 (a > 0) or <= W (a <= 0), and a > 0
 * adds u itself (Q): M_i = 2 Q + 7 W (a > -delta), W Q + 7 W otherwise.
 * The gradient: |sigma(u)| <= S0 = min(1, e^(a + delta)) (|1 + e^-u| >= 1
 * and |sigma| = |e^u| / |1 + e^u|), |sigma'| = |sigma(u) sigma(-u)| <=
 * S1 = W, so entry j gets sum_i |x_ij| (S0 + S1 Q) / m (the real path's
 * rule; cexp's error in p = e^-+u is carried by |p| / |1 + p|^2 <= S0). */
static double cmag_logistic(const dlv_logistic *p, const double *re,
                            const double *im, double *mg)
{
  const size_t n = p->n, m = p->m;
  double v = 0.0;
  for (size_t j = 0; mg != NULL && j < n; j++)
    mg[j] = 0.0;
  for (size_t i = 0; i < m; i++) {
    const double *xi = p->x + i * n;
    double q = 0.0, b = 0.0, a = 0.0;
    for (size_t j = 0; j < n; j++) {
      q += fabs(xi[j]) * modulus(re, im, j);
      b += fabs(xi[j] * im[j]);
      a -= p->y[i] * xi[j] * re[j];
    }
    double gn = dlv_gamma((double)n, DLV_U_DOUBLE), delta = 2.0 * gn * q;
    if (!(b * (1.0 + 2.0 * gn) < M_PI / 2.0)) /* the computed Im u too */
      return INFINITY;
    double w = fmin(1.0, exp(delta - fabs(a)));
    v += (a > -delta ? 2.0 * q : w * q) + 7.0 * w;
    double s0 = fmin(1.0, exp(a + delta));
    for (size_t j = 0; mg != NULL && j < n; j++)
      mg[j] += fabs(xi[j]) * (s0 + w * q) / (double)m;
  }
  return v / (double)m;
}

/* Gradient magnitudes of one sample of the tanh network, backpropagated
 * as the kernel does: c = r / m (R_c = R_i / m), b2: R_c, w2_h: R_c A_h,
 * dz = (c w2_h)(1 - a_h^2): R_c |w2_h| (1 + A_h^2) to b1_h and, times
 * |x_ij|, to W1_hj; the activations' magnitudes A_h in act. */
static void cmag_tanhnet_grad(const dlv_tanhnet *p, const double *re,
                              const double *im, const double *xi,
                              const double *act, double rc, double *mg)
{
  const size_t k = p->k, d = p->d;
  const size_t ob1 = k * d, ow2 = ob1 + k, ob2 = ow2 + k;
  mg[ob2] += rc;
  for (size_t h = 0; h < k; h++) {
    double dz = rc * modulus(re, im, ow2 + h) * (1.0 + act[h] * act[h]);
    mg[ow2 + h] += rc * act[h];
    mg[ob1 + h] += dz;
    for (size_t j = 0; j < p->d; j++)
      mg[h * d + j] += dz * fabs(xi[j]);
  }
}

/* Sample i: preactivation h, |z_h| <= P_h, |Im z_h| <= B_h < pi/4, where
 * |tanh| <= 1 and |tanh'| = 1 / (sinh^2 a + cos^2 b) <= 2: the activation
 * has A_h = 1 + 2 P_h; out = b2 + sum w2_h a_h, r = out - y_i, the value
 * r^2 / 2m, R_i = |b2| + sum |w2_h| A_h + |y_i|.  The computed r enters
 * r r twice, so its error counts twice ((1 + theta_K)^2: gamma_2K, within
 * 2 gamma_K (1 + 2^-40) for K < 2^12): sum_i 2 R_i^2 / 2m.  The gradient's
 * repeated factors are counted in K instead (DLV_P5_K_TANHNET_Z). */
static double cmag_tanhnet(const dlv_ref_loss *loss, const double *re,
                           const double *im, double *mg)
{
  const dlv_tanhnet *p = loss->tanhnet;
  const size_t k = p->k, d = p->d;
  const size_t ob1 = k * d, ow2 = ob1 + k, ob2 = ow2 + k;
  double v = 0.0, act[DLV_TANHNET_MAXK];
  for (size_t j = 0; mg != NULL && j < loss->n; j++)
    mg[j] = 0.0;
  for (size_t i = 0; i < p->m; i++) {
    const double *xi = p->x + i * d;
    double r = modulus(re, im, ob2) + fabs(p->y[i]);
    for (size_t h = 0; h < k; h++) {
      double ph = modulus(re, im, ob1 + h), bh = fabs(im[ob1 + h]);
      for (size_t j = 0; j < d; j++) {
        ph += modulus(re, im, h * d + j) * fabs(xi[j]);
        bh += fabs(im[h * d + j] * xi[j]);
      }
      if (!(bh * (1.0 + 0x1p-20) < M_PI / 4.0))
        return INFINITY;
      act[h] = 1.0 + 2.0 * ph;
      r += modulus(re, im, ow2 + h) * act[h];
    }
    v += r * r;
    if (mg != NULL)
      cmag_tanhnet_grad(p, re, im, xi, act, r / (double)p->m, mg);
  }
  return v / (double)p->m;
}

/* (|a| + |b|) c 2^k, c > 0: the sum formed at the entry's own scale (its
 * larger part in [1, 2): no intermediate underflows or overflows), the
 * product scaled back rounded upward. */
static double modulus_times_pow2_up(double a, double b, double c, int k)
{
  double top = fmax(fabs(a), fabs(b));
  if (top == 0.0)
    return 0.0;
  int e = ilogb(top);
  return times_pow2_up((fabs(ldexp(a, -e)) + fabs(ldexp(b, -e))) * c, e + k);
}

/* s = sum z_j^2 within gamma_{n+1} S, S = sum |z_j|^2; |s| >= Re s >= L =
 * sum Re^2 - sum Im^2 (less its own rounding and the error of s); csqrt
 * gives |sqrt s| <= sqrt S and carries the error of s by 1 / (2 sqrt L):
 * N = sqrt S + S / (2 sqrt L).  The gradient z_j / sqrt s:
 * |z_j| / sqrt L + |z_j| N / L (the quotient's error in the divisor).
 * Formed on z scaled by 2^-e, e the exponent of the largest real or
 * imaginary part (as the kernel scales it): S and L are of degree 2, N of
 * degree 1 (returned times 2^e: +Inf beyond DBL_MAX, no bound there), the
 * gradient's figures of degree 0; underflow in the scaled squares moves S
 * and L by at most n 2^-1074 against S >= 1, inside L's 2^-40 S. */
static double cmag_norm(const dlv_ref_loss *p, const double *re,
                        const double *im, double *mg)
{
  double big = 0.0, sre = 0.0, sim = 0.0;
  int e = exponent_of(fmax(largest_abs(re, p->n), largest_abs(im, p->n)));
  for (size_t j = 0; j < p->n; j++) {
    double r = ldexp(re[j], -e), i = ldexp(im[j], -e), z = fabs(r) + fabs(i);
    big += z * z;
    sre += r * r;
    sim += i * i;
  }
  double low = sre - sim - 0x1p-40 * big;
  int held = low > 0.0; /* else no bound: +Inf everywhere */
  double nv = held ? sqrt(big) + big / (2.0 * sqrt(low)) : INFINITY;
  for (size_t j = 0; mg != NULL && j < p->n; j++)
    mg[j] = held ? modulus_times_pow2_up(re[j], im[j],
                                         1.0 / sqrt(low) + nv / low, -e)
                 : INFINITY;
  return times_pow2_up(nv, e);
}

double dlv_closs_magnitudes_z(const dlv_ref_loss *p, const double *re,
                              const double *im, double *mg)
{
  double v = INFINITY;
  switch (p->kind) {
  case DLV_REF_QUADRATIC: v = cmag_quadratic(p->quadratic, re, im, mg); break;
  case DLV_REF_LOGISTIC: v = cmag_logistic(p->logistic, re, im, mg); break;
  case DLV_REF_TANHNET: v = cmag_tanhnet(p, re, im, mg); break;
  case DLV_REF_NORM: v = cmag_norm(p, re, im, mg); break;
  }
  /* +Inf from a model that does not hold makes every figure +Inf; the
   * norm's value magnitude may be +Inf by overflow alone (its gradient's
   * figures are scale-free and finite), so cmag_norm marks its own */
  int failed = isinf(v) && p->kind != DLV_REF_NORM;
  for (size_t j = 0; mg != NULL && j < p->n; j++)
    mg[j] = failed ? INFINITY : mg[j] * DLV_P5_MAG_SLACK;
  return v * DLV_P5_MAG_SLACK;
}

double dlv_closs_k_z(const dlv_ref_loss *p, int value)
{
  if (value)
    return dlv_closs_k_value(p) + 1.0;
  switch (p->kind) {
  case DLV_REF_QUADRATIC: return DLV_P5_K_QUADRATIC_Z(p->n);
  case DLV_REF_LOGISTIC: return DLV_P5_K_LOGISTIC_Z(p->n, p->logistic->m);
  case DLV_REF_TANHNET: return DLV_P5_K_TANHNET_Z(p->tanhnet->d, p->tanhnet->k, p->tanhnet->m);
  case DLV_REF_NORM: return DLV_P5_K_NORM_Z(p->n);
  }
  return INFINITY;
}

/* ---- Cauchy discs ------------------------------------------------------- */

static double tanhnet_disc(const dlv_ref_loss *loss, const double *theta,
                           const double *v, double *mc)
{
  const dlv_tanhnet *p = loss->tanhnet;
  const size_t k = p->k, d = p->d, m = p->m;
  const double *w2 = theta + k * (d + 1), *b2 = w2 + k;
  const double *vb1 = v + k * d, *vw2 = vb1 + k, *vb2 = vw2 + k;
  double worst = 0.0;
  for (size_t i = 0; i < m; i++)
    for (size_t h = 0; h < k; h++) {
      double s = fabs(vb1[h]);
      for (size_t j = 0; j < d; j++)
        s += fabs(v[h * d + j] * p->x[i * d + j]);
      worst = fmax(worst, s);
    }
  double radius = worst > 0.0 ? (M_PI / 4.0) / worst : INFINITY;
  double rr = isinf(radius) ? 0.0 : radius; /* |s| <= R */
  for (size_t j = 0; j < loss->n; j++)
    mc[j] = 0.0;
  for (size_t i = 0; i < m; i++) {
    double out = fabs(*b2) + rr * fabs(*vb2);
    for (size_t h = 0; h < k; h++)
      out += fabs(w2[h]) + rr * fabs(vw2[h]); /* |tanh| <= 1 */
    double r = (out + fabs(p->y[i])) / (double)m;
    mc[k * (d + 2)] += r;
    for (size_t h = 0; h < k; h++) {
      double dz = r * (fabs(w2[h]) + rr * fabs(vw2[h])) * 2.0;
      mc[k * (d + 1) + h] += r;
      mc[k * d + h] += dz;
      for (size_t j = 0; j < d; j++)
        mc[h * d + j] += dz * fabs(p->x[i * d + j]);
    }
  }
  return radius;
}

static double logistic_disc(const dlv_logistic *p, const double *v,
                            double *mc)
{
  const size_t n = p->n;
  double worst = 0.0;
  for (size_t j = 0; j < n; j++)
    mc[j] = 0.0;
  for (size_t i = 0; i < p->m; i++) {
    double s = 0.0;
    for (size_t j = 0; j < n; j++) {
      s += fabs(p->x[i * n + j] * v[j]);
      mc[j] += fabs(p->x[i * n + j]) / (double)p->m;
    }
    worst = fmax(worst, s);
  }
  return worst > 0.0 ? (M_PI / 2.0) / worst : INFINITY;
}

/* bounds.h: R = ||Theta|| / (5 ||v||) (made a lower bound by the slack)
 * keeps Re s >= (1 - 2/5 - 1/25) ||Theta||^2 = 0.56 ||Theta||^2 >
 * ||Theta||^2 / 2 on the disc, so |grad_j| = |Theta_j + s v_j| / sqrt|s|
 * <= sqrt 2 (|Theta_j| + R |v_j|) / ||Theta||.  mc is made an upper bound
 * once, by dlv_closs_cauchy_disc (it was multiplied by the slack here as
 * well, 2^-40 above its definition: found by t_closs_mag's twin). */
static double norm_disc(const dlv_ref_loss *p, const double *theta,
                        const double *v, double *mc)
{
  int et, ev;
  double qt = scaled_norm(theta, p->n, &et), qv = scaled_norm(v, p->n, &ev);
  if (qv == 0.0) { /* the gradient is constant along v = 0 */
    for (size_t j = 0; j < p->n; j++)
      mc[j] = 0.0;
    return INFINITY;
  }
  /* R = ||Theta|| / (5 ||v|| slack), formed from the scaled norms and
   * rounded down where it lands subnormal; a quotient beyond DBL_MAX is
   * held at DBL_MAX (a smaller disc: still a lower bound).  mc_j = sqrt 2
   * (|Theta_j| + R |v_j|) / ||Theta|| at the R returned, written in the
   * scaled entries (R 2^(ev - et) |v_j 2^-ev|): in the normal range
   * bitwise the unscaled formula */
  double ratio = qt / (5.0 * qv * DLV_P5_MAG_SLACK);
  double radius = fmin(times_pow2_down(ratio, et - ev), DBL_MAX);
  double r_scaled = ldexp(radius, ev - et);
  for (size_t j = 0; j < p->n; j++)
    mc[j] = M_SQRT2 *
            (fabs(ldexp(theta[j], -et)) + r_scaled * fabs(ldexp(v[j], -ev))) /
            qt;
  return radius;
}

double dlv_closs_cauchy_disc(const dlv_ref_loss *p, const double *theta,
                             const double *v, double *mc)
{
  double radius = INFINITY;
  switch (p->kind) {
  case DLV_REF_QUADRATIC:
    for (size_t j = 0; j < p->n; j++)
      mc[j] = 0.0;
    break;
  case DLV_REF_LOGISTIC: radius = logistic_disc(p->logistic, v, mc); break;
  case DLV_REF_TANHNET: radius = tanhnet_disc(p, theta, v, mc); break;
  case DLV_REF_NORM: radius = norm_disc(p, theta, v, mc); break;
  }
  for (size_t j = 0; j < p->n; j++)
    mc[j] *= DLV_P5_MAG_SLACK;
  return radius;
}

double dlv_closs_k(const dlv_ref_loss *p)
{
  switch (p->kind) {
  case DLV_REF_QUADRATIC: return DLV_P5_K_QUADRATIC(p->n);
  case DLV_REF_LOGISTIC: return DLV_P5_K_LOGISTIC(p->n, p->logistic->m);
  case DLV_REF_TANHNET: return DLV_P5_K_TANHNET(p->tanhnet->d, p->tanhnet->k, p->tanhnet->m);
  case DLV_REF_NORM: return DLV_P5_K_NORM(p->n);
  }
  return INFINITY;
}

double dlv_closs_k_value(const dlv_ref_loss *p)
{
  switch (p->kind) {
  case DLV_REF_QUADRATIC: return DLV_P5_K_QUADRATIC_VALUE(p->n);
  case DLV_REF_LOGISTIC: return DLV_P5_K_LOGISTIC_VALUE(p->n, p->logistic->m);
  case DLV_REF_TANHNET: return DLV_P5_K_TANHNET_VALUE(p->tanhnet->d, p->tanhnet->k, p->tanhnet->m);
  case DLV_REF_NORM: return DLV_P5_K_NORM_VALUE(p->n);
  }
  return INFINITY;
}
