/* claims/p5_line_search/bounds.h: claim P5, Hessian-vector products and line search. */
#ifndef DLV_BOUNDS_P5_HVP_H
#define DLV_BOUNDS_P5_HVP_H

#include "../../bounds/gauges.h"

/* ---- P5 ------------------------------------------------------------- */
/* Hessian-vector products and the exact line search (kernels/hvp.c,
 * kernels/closs_generic.inc; checks/claims/p5_line_search/).
 *
 * Rounding of the complex step.  Im grad l(Theta + i t v) / t is computed by
 * the same operations as the gradient, each on (Re, Im) pairs; to first
 * order in u the imaginary parts carry the forward-mode derivative, and
 * each rounding perturbs the quantity it produces by at most u relative.
 * The checks compute, for every intermediate q, magnitudes R_q >= |Re q|
 * and I_q >= |Im q| / t of the same computation with every term taken in
 * absolute value (a subtraction becomes a sum, a function's argument error
 * is carried by |f''/f'| times the argument's magnitude); the computed
 * gradient entry j then has |error| <= gamma_K R_j and the complex-step
 * entry |error| <= gamma_K I_j, K the largest number of roundings on any
 * path from an input to entry j (Higham, sec. 3.1 and 3.3, applied to the
 * pairs).  K per loss, counting a glibc complex function (cexp, ctanh,
 * csqrt, each built from exp/sin/cos/sinh/cosh/sqrt of at most 1 ulp and a
 * few products) as 16 roundings and gcc's complex product (Im = ad + bc)
 * as 2 and quotient (libgcc __divdc3, Smith's method) as 6: */
/* quadratic: Im (A z)_i = sum_j a_ij (t v_j), n products and additions. */
#define DLV_P5_K_QUADRATIC(n) ((double)(n) + 1.0)
/* A product of two computed quantities counts both their paths (Higham
 * 3.1: (1 + theta_j)(1 + theta_k) = 1 + theta_(j+k)), not the longer one:
 * the tanh network's a a and (c w2)(1 - a a) and its value's r r were
 * first counted as one path, and the logistic's 1 + e not at all (found
 * while deriving dlv_bound_closs_z, whose _Z counts below are these plus
 * 1).
 * logistic (the operations of closs_generic.inc at z = -y_i x_i'(Theta +
 * i t v), a = Re z, b = Im z, E = e^-|a| <= 1): Im margin n (a product, n
 * - 1 additions); sigma = 1 / (1 + e), e = cexp(-z) (a >= 0), or e / (1
 * + e), e = cexp(z) (a < 0), by __divdc3 (|c| >= |d|, c = fl(1 + Re e),
 * d = Im e): to first order Im sigma = -+Im e / c^2 (the derivative has
 * the divisor squared, Re errors enter the imaginary part), so in units
 * of |Im sigma| (count = sum of |weight| x roundings, as the norm's):
 * Im e (margin n, cexp's Im 16) 1; cexp's Re 16 at 2 E / (1 + E) <= 1;
 * 1 + Re e's rounding at 2 (a >= 0) or 1 - E (a < 0); the quotient's
 * ratio and division 1 each (a >= 0: 1 ratio and 0 - it exact) or E
 * each and a ratio, b - it 1 (a < 0), denom's addition 1 (its product
 * Im e ratio rounds an O(t^2) term: dropped): n + 21 + 32 E / (1 + E),
 * or n + 20 + E + 32 E / (1 + E), both n + 37 at E = 1 (a -> 0);
 * times -y_i / m 1, times x_ij 1, the accumulation m - 1 (0 + the first
 * is exact): n + m + 38.  The margin's Re error (gamma_n Q absolute)
 * reaches Im sigma through sigma'' <= sigma': I's q term carries it.
 * Checked: t_closs_worst emulates these operations, worst case gamma_K I
 * within 2^-10 at a -> 0 for (n, m) up to 1000 (the former n + m + 25,
 * which counted 1 / (1 + e) as a product of the divisor's path once, was
 * exceeded 1.01 to 1.48 times). */
#define DLV_P5_K_LOGISTIC(n, m) ((double)(n) + (double)(m) + 38.0)
/* The tanh network's counts already sum both paths of every product and
 * carry ctanh's argument in I (1 + 2 R_z), and it divides by no computed
 * complex; the quadratic is linear: their counts stand. */
/* tanh network: a_h has d + 17 (preactivation d + 1, ctanh 16), c = r/m
 * has d + k + 21 (w2 a 2, output k, residual 1, / m 1), c w2 d + k + 23,
 * 1 - a a 2 (d + 17) + 3, (c w2)(1 - a a) the sum of both and 2, times x
 * 1, the accumulation over m samples m: 3 d + k + m + 63. */
#define DLV_P5_K_TANHNET(d, k, m)                                            \
  (3.0 * (double)(d) + (double)(k) + (double)(m) + 63.0)
/* norm (the operations of closs_generic.inc at z = Theta + i t w): the
 * squares z_i z_i (2 roundings on each part's path: a product, then the
 * difference or sum), n - 1 additions (0 + p_0 is exact), so Re s and
 * Im s carry n + 1 each; r = csqrt(s), 16 on each part; g_j = z_j / r by
 * __divdc3 (|Re r| >= |Im r|): ratio = Im r / Re r, denom = Im r ratio +
 * Re r, Im g_j = (t w_j - Theta_j ratio) / denom.  Re s enters the
 * imaginary parts (the coupling of Re errors into Im, f''/f' of the
 * root): Im r = Im s / (2 Re r) with Re r = sqrt(Re s) to first order in
 * t, so a relative error e of Re s is e/2 in Re r and -e/2 in Im r.  A
 * count is the sum of |exponent| x roundings over every factor (1 +
 * delta) of a term (a quotient or product counts both operands' paths;
 * a root halves its argument's; within gamma_K for K >= 1, since
 * (1 - u)^K >= 1 - K u).  I_j's two terms:
 *   A = t w_j / denom: Re r once ((n + 1)/2 + 16), the subtraction, the
 *       division, denom's addition: (n + 1)/2 + 19;
 *   B = Theta_j Im r / Re r^2: Im s n + 1, Re s (n + 1)/2 through the root
 *       and (n + 1)/2 twice through Re r (ratio and denom), csqrt's Im 16
 *       and its Re 16 twice, ratio, times Theta_j, the subtraction, the
 *       division, denom's addition 5: 2.5 (n + 1) + 48 + 5 = 2.5 n + 55.5.
 * denom's product Im r ratio rounds a term (Im r / Re r)^2 = O(t^2) of
 * denom, dropped as I_j drops every t^2 term (__divdc3's sixth rounding:
 * at a complex point, _Z below, it counts).  Checked: t_closs_worst
 * emulates these operations with every rounding (1 +- u), signs chosen
 * to push one way, and reaches gamma_K I_j within 2^-10 for n >= 2 (the
 * former n + 23, which left Re s out of the imaginary part and counted
 * csqrt once, was exceeded 2.4 to 2.5 times at n = 2 .. 1000). */
#define DLV_P5_K_NORM(n) (2.5 * (double)(n) + 55.5)

/* The value's path (the gate compares the loss value too):
 * quadratic: (A z)_i n, + b_i 1, z_i times it 2 (complex product), the sum
 * n: 2n + 3; logistic: Im softplus = Im z + atan2(Im e, c) (a >= 0,
 * e = cexp(-z)) or atan2(Im e, c) (a < 0, e = cexp(z)), c = fl(1 + Re e)
 * (clog1p_z), to first order b / (1 + E) or E b / (1 + E): the sum's
 * terms b and E b / (1 + E) cancel in part, so in units of the result
 * Im z (margin n) 1, cexp's Im 16 at E, its Re 16 at E^2 / (1 + E) (a >=
 * 0) or E / (1 + E) <= 1/2, c's rounding at E, atan2 16 (counted as a
 * complex function) at E, z + it 1: n + 42 (a >= 0), n + 41 (a < 0) at
 * E = 1; the sum m - 1 (0 + the first exact), / m 1: n + m + 42 (was
 * n + m + 35, Re e and the cancellation left out: t_closs_worst's worst
 * case exceeded it 1.006 to 1.19 times); tanh network: preactivation
 * d + 1, ctanh 16, w2 a 2, output k + 1, residual 1 (r: d + k + 21), r r
 * both paths and 2,
 * the sum m, / 2m 1: 2 d + 2 k + m + 45; norm: Im r = Im s / (2 Re r)
 * (DLV_P5_K_NORM): Im s n + 1, Re s (n + 1)/2 through the root, csqrt's
 * Im 16: 1.5 n + 17.5 (was n + 17, Re s left out: the worst case of
 * t_closs_worst exceeded it 1.06 to 1.49 times at n = 1 .. 1000). */
#define DLV_P5_K_QUADRATIC_VALUE(n) (2.0 * (double)(n) + 3.0)
#define DLV_P5_K_LOGISTIC_VALUE(n, m) ((double)(n) + (double)(m) + 42.0)
#define DLV_P5_K_TANHNET_VALUE(d, k, m)                                      \
  (2.0 * (double)(d) + 2.0 * (double)(k) + (double)(m) + 45.0)
#define DLV_P5_K_NORM_VALUE(n) (1.5 * (double)(n) + 17.5)

/* The magnitudes are themselves computed in double with fewer than 2^10
 * roundings per entry; multiplying them by 1 + 2^-40 makes them upper
 * bounds. */
#define DLV_P5_MAG_SLACK (1.0 + 0x1p-40)

/* Truncation of the complex step and of the central difference (Cauchy's
 * estimate).  phi(s) = grad_j l(Theta + s v) is analytic with |phi| <= mc
 * on the complex disc |s| <= R (R and mc derived per loss in the check:
 * sigmoid and tanh are bounded by 1 on the strips |Im| <= pi/2 and pi/4,
 * the norm's sum of squares stays in Re > 0.56 ||Theta||^2 for
 * R = ||Theta|| / (5 ||v||)), so |phi^(k)(0)| <= k! mc / R^k and both
 *   Im phi(i t) / t - phi'(0) = sum_{k odd >= 3} phi^(k)(0) Im(i^k) t^(k-1)/k!
 *   (phi(t) - phi(-t)) / 2t - phi'(0) = sum_{k odd >= 3} phi^(k)(0) t^(k-1)/k!
 * are at most (mc / R) q / (1 - q), q = (t / R)^2.  +Inf when t >= R. */
static inline double dlv_bound_hvp_trunc(double mc, double radius, double t)
{
  if (mc == 0.0)
    return 0.0; /* linear gradient: no truncation at all */
  double q = (t / radius) * (t / radius);
  return q < 1.0 ? mc / radius * q / (1.0 - q) : INFINITY;
}

/* cstep_value_trunc: the value's complex step Im l(Theta + i t v) / t
 * against the directional derivative grad l . v.  psi(s) = l(Theta + s v)
 * has psi'(s) = grad l(Theta + s v) . v, at most m1 = sum_j mc_j |v_j| on
 * the disc, so |psi^(k)(0)| <= (k - 1)! m1 / R^(k-1) and the odd terms
 * k >= 3 of Im psi(i t) / t - psi'(0) sum to at most m1 q / (1 - q),
 * q = (t / R)^2.  +Inf when t >= R. */
static inline double dlv_bound_cstep_value_trunc(double m1, double radius,
                                                 double t)
{
  if (m1 == 0.0)
    return 0.0; /* a linear value: no truncation at all */
  double q = (t / radius) * (t / radius);
  return q < 1.0 ? m1 * q / (1.0 - q) : INFINITY;
}

/* logistic_underflow: e^-|z| underflows (margins beyond 745, reached by any
 * value class: 15 x 15 x 4 already): the exponential, sigma / m and each
 * product w_i x_ij may each land in the subnormals, adding at most
 * 2^-1074 absolute (IEEE gradual underflow); carried by the factors after
 * them, entry j gets sum_i (|x_ij| (1 + 1/m) + 1) 2^-1074 and the value
 * (log1p of the exponential, then / m) 2 2^-1074, each times (1 +
 * gamma_{m+1}) for the sums; divided by t for a complex step (the
 * imaginary parts underflow the same way).  xsum = sum_i |x_ij| (0 for the
 * value: then m is replaced by the value's 2). */
static inline double dlv_bound_logistic_underflow(size_t m, double xsum,
                                                  int value, double t)
{
  double g = 1.0 + dlv_gamma((double)m + 1.0, DLV_U_DOUBLE);
  double k = value ? 2.0 : xsum * (1.0 + 1.0 / (double)m) + (double)m;
  return k * DLV_ETA_DOUBLE * g / t;
}

/* quadratic_underflow_grad / _value: with subnormal data each product
 * a_ij theta_j may underflow, adding at most 2^-1074 (sums of subnormals
 * are exact): n + 1 such errors per gradient entry (the products and
 * + b_i); the value's factor ai / 2 + b_i carries (n + 2) 2^-1074, times
 * |theta_i|, plus its own product's underflow: n (1 + (n + 2) max|theta|)
 * 2^-1074, each times 1 + gamma_{n+1} for the sums. */
static inline double dlv_bound_quadratic_underflow_grad(size_t n)
{
  return ((double)n + 1.0) * DLV_ETA_DOUBLE *
         (1.0 + dlv_gamma((double)n + 1.0, DLV_U_DOUBLE));
}

static inline double dlv_bound_quadratic_underflow_value(size_t n,
                                                         double theta_max)
{
  return (double)n * (1.0 + ((double)n + 2.0) * theta_max) * DLV_ETA_DOUBLE *
         (1.0 + dlv_gamma((double)n + 1.0, DLV_U_DOUBLE));
}

/* closs_norm_underflow, for a real Theta: the norm is scaled by an exact
 * power of two, its largest scaled entry in [1, 2) (closs_generic.inc),
 * so its sum s >= 1: a scaled entry or square that underflows errs by at
 * most 2^-1074 in its square, n of them by n 2^-1074 of s, which moves
 * the value by at most n 2^-1074 of ||Theta|| and each gradient entry by
 * n 2^-1074 of |g_j| <= 1; the scaling back into the subnormal range
 * (two factors: one rounding for the value, whose first factor keeps it
 * normal, up to two for a gradient entry) adds at most 2^-1074.  mag: the
 * quantity's magnitude (the value's ||Theta||, or 1 for a gradient
 * entry), finite: for n mag beyond 2^1000, mag 2^-1074 (then normal, so
 * exact) is formed first, so the bound stays finite for every mag up to
 * DBL_MAX; times 1 + gamma_{n+1} for the evaluation. */
static inline double dlv_bound_closs_norm_underflow(size_t n, double mag)
{
  double k = (double)n * mag;
  double units = k < 0x1p1000 ? (1.0 + k) * DLV_ETA_DOUBLE
                              : DLV_ETA_DOUBLE + (double)n * (mag * DLV_ETA_DOUBLE);
  return units * (1.0 + dlv_gamma((double)n + 1.0, DLV_U_DOUBLE));
}

/* closs_z: the value and the gradient of a _z loss at a genuinely
 * complex point z = Theta + i T (T = t v, t not small), Re and Im each
 * against the exact complex ones (reference/ref_closs_z.h).  Rounding
 * analysis in moduli (Higham, sec. 3.3 and 3.6, on complex quantities):
 * for each intermediate q the check computes M_q >= |q| by the rules of
 * the magnitudes (a sum adds them, a product multiplies them, a function
 * f adds to |f| its argument's M times a bound on |f'| over a
 * neighbourhood of the point, e.g. log1p's condition |w| (2 + |w|) /
 * |1 + w|^2 in clog1p_z), with the parameters' moduli |Theta_j| + |T_j|
 * as inputs (dlv_closs_magnitudes_z, checks/closs_mag.h).  A complex sum
 * or a real times complex product errs by at most u of its magnitude in
 * each part, a complex product by gamma_2, a complex function as counted
 * in K; so the computed output's error has modulus at most sqrt 2
 * gamma_K M (the sqrt 2 turns componentwise local errors into moduli
 * once), and each of Re and Im at most that.  K (dlv_closs_k_z) is the
 * value path's (dlv_closs_k_value) plus 1, and for the gradient the
 * DLV_P5_K_*_Z below, each 1 more than its count: that rounding covers a
 * product or ctanh's Im underflowing where M stays above 2^-1000 (tanh
 * network, norm); the logistic and the quadratic carry their underflow in
 * abs (below). */
static inline double dlv_bound_closs_z(double k, double mag, double abs)
{
  const double sqrt2_up = 0x1.6a09e667f3bcdp+0; /* sqrt 2 rounded up */
  return sqrt2_up * dlv_gamma(k, DLV_U_DOUBLE) * mag + abs;
}

/* K of the gradient at a complex point, a product of two computed
 * quantities counting both their paths (Higham 3.1: (1 + theta_j)(1 +
 * theta_k) = 1 + theta_(j+k)), plus 1 (above).  quadratic: (A z)_i n,
 * + b_i 1: n + 2; logistic: margin n, cexp 16, 1 + p 1, quotient 6, / m 1,
 * times x_ij 1, the sum m: n + m + 26; tanh network: a_h has d + 17 (the
 * preactivation d + 1, ctanh 16), c = r / m has d + k + 21 (w2 a 2, output
 * k, residual 1, / m 1), dz = (c w2)(1 - a a) has (d + k + 23) + (2 (d +
 * 17) + 3) + 2, times x 1, the sum m: 3 d + k + m + 64; norm: s n + 1,
 * csqrt 16, quotient 6: n + 24.  The norm's coupling of Re s into the
 * root and the quotient's divisor, which DLV_P5_K_NORM must count, is
 * here in the moduli instead: N = sqrt S + S / (2 sqrt L) carries s's
 * error through |sqrt'| = 1 / (2 |sqrt s|), and mg_j's |z_j| N / L the
 * divisor's through |z_j| / |r|^2 (cmag_norm), so each path appears once:
 * s (n + 1) and csqrt (16) on r's error, N; the quotient's own 6 on
 * |z_j| / sqrt L.  The logistic's likewise: in moduli sigma = 1 / (1 + p)
 * carries a relative error of p at |p / (1 + p)| <= 1 and of 1 + p at 1,
 * once (the step's count doubles them because Im sigma / t is the
 * derivative, with (1 + p)^2 for divisor; a complex point bounds sigma
 * itself, Re and Im within its modulus), and clog1p_z's cancellation is
 * a modulus bound of 7 W in cmag_logistic: margin n, cexp 16, 1 + p 1,
 * quotient 6, / m 1, times x_ij 1, the sum m, plus 1: n + m + 26. */
#define DLV_P5_K_QUADRATIC_Z(n) ((double)(n) + 2.0)
#define DLV_P5_K_LOGISTIC_Z(n, m) ((double)(n) + (double)(m) + 26.0)
#define DLV_P5_K_TANHNET_Z(d, k, m)                                          \
  (3.0 * (double)(d) + (double)(k) + (double)(m) + 64.0)
#define DLV_P5_K_NORM_Z(n) ((double)(n) + 24.0)

/* logistic_underflow_z: per sample, cexp's Re and Im may each land in the
 * subnormals (2^-1074 each, carried by |1 / (1 + w)| <= 1), clog1p_z's
 * a (2 + a) and b^2 (2^-1074 each, halved) and atan2's result (2^-1074):
 * 4 2^-1074 per sample and part; summed (1 + gamma_{m+1}) and divided by
 * m, which may underflow once more. */
static inline double dlv_bound_logistic_underflow_z(size_t m)
{
  return DLV_ETA_DOUBLE *
         (4.0 * (1.0 + dlv_gamma((double)m + 1.0, DLV_U_DOUBLE)) + 1.0);
}

/* quadratic_underflow_value_z: the value's products of
 * dlv_bound_quadratic_underflow_value, each part of a complex product
 * being two real products: twice that, at the largest modulus |z_i|. */
static inline double dlv_bound_quadratic_underflow_value_z(size_t n,
                                                           double z_max)
{
  return 2.0 * dlv_bound_quadratic_underflow_value(n, z_max);
}

/* hvp_cstep: |computed - exact| for entry j, in the flat stretch (no
 * imaginary part subnormal): rounding gamma_K I_j plus truncation. */
static inline double dlv_bound_hvp_cstep(double k, double mag_i,
                                         double trunc)
{
  return dlv_gamma(k, DLV_U_DOUBLE) * mag_i + trunc;
}

/* hvp_cstep_underflow (quadratic): when t v_j or a product a_ij t v_j
 * underflows, each rounding adds at most 2^-1075 absolute (sums of
 * subnormals are exact), so sum_j (|a_ij| + 1) 2^-1074 (1 + gamma_n), then
 * divided by t: this is where the flat stretch ends. */
static inline double dlv_bound_hvp_cstep_underflow(double sum_abs_a, size_t n,
                                                   double t)
{
  return (sum_abs_a + (double)n) * 0x1p-1074 *
         (1.0 + dlv_gamma((double)n, DLV_U_DOUBLE)) / t;
}

/* hvp_central (the FD error model): with w = fl(Theta +- t v) (t v exact,
 * |w_j - (Theta_j +- t v_j)| <= u (|Theta_j| + t |v_j|)), two gradient
 * evaluations each within gamma_K R_j, the gradient moved by the point's
 * rounding by at most I_j(u (|Theta| + t |v|)) (the Hessian magnitude along
 * that vector), one subtraction (u |result|, below 2 u I_j(|v|)) and an
 * exact division by 2t:
 *   trunc + (gamma_K R_j + u I_j(|Theta| + t |v|)) / t + 2 u I_j(|v|). */
static inline double dlv_bound_hvp_central(double k, double mag_r,
                                           double mag_point, double mag_i,
                                           double trunc, double t)
{
  return trunc + (dlv_gamma(k, DLV_U_DOUBLE) * mag_r +
                  DLV_U_DOUBLE * mag_point) / t +
         2.0 * DLV_U_DOUBLE * mag_i;
}

/* linesearch_rel: lambda = fl(fl(||g||^2) / fl(g . hg)) with ||g||^2
 * within gamma_n relative and |fl(g . hg) - g . Hg| <= e_d (the dot's
 * rounding gamma_n sum |g_i hg_i| plus sum |g_i| err(hg_i) (1 + gamma_n)),
 * so relative to lambda = ||g||^2 / (g . Hg):
 *   (1 + gamma_n)(1 + u) / (1 - e_d / (g . Hg)) - 1   (+Inf if e_d >= g.Hg). */
static inline double dlv_bound_linesearch_rel(size_t n, double ed_over_d)
{
  if (!(ed_over_d < 1.0))
    return INFINITY;
  return expm1(log1p(dlv_gamma((double)n, DLV_U_DOUBLE)) +
               log1p(DLV_U_DOUBLE) - log1p(-ed_over_d));
}

/* Composition of two relative bounds: (1 + a)(1 + b) - 1. */
static inline double dlv_bound_rel_compose(double a, double b)
{
  return a + b + a * b;
}

/* p5_slope_identity: for a quadratic, phi(lambda) = l(Theta - lambda g)
 * has phi'(lambda) = (g . Hg)(lambda - lambda*), lambda* the minimizer
 * along g, so the claim row's normalized slope phi'(lambda) / ((g . Hg)
 * lambda*) is (lambda - lambda*) / lambda* exactly.  The check evaluates
 * it as fl(fl(phi') / fl(fl(g . Hg) fl(lambda*))) from MPFR values: five
 * roundings to double, gamma_5 relative (no underflow: lambda is a normal
 * double and phi' is taken where the slope is recorded).  The MPFR values
 * come from fewer than 2^20 roundings at P bits on any path, each at most
 * 2^-P relative to a term of phi' = -sum_j g_j grad_j l, whose magnitudes
 * sum to at most `mag`; divided by (g . Hg) lambda* (`scale`): an
 * absolute 2^(20 - P) mag / scale. */
static inline dlv_bound dlv_bound_p5_slope_identity(double mag, double scale,
                                                    long prec)
{
  return (dlv_bound){.rel = dlv_gamma(5.0, DLV_U_DOUBLE),
                     .abs = ldexp(mag / scale, 20 - (int)prec), .n = 0};
}

/* linesearch: the step kernel against the exact ||g||^2 / (g . hg) for its
 * own (double) hg: linesearch_rel for the relative part; the kernel scales
 * g and hg by powers of two and scales the quotient back with ldexp, which
 * rounds a second time when lambda is subnormal: at most 2^-1074 more. */
static inline dlv_bound dlv_bound_linesearch(size_t n, double ed_over_d)
{
  return (dlv_bound){dlv_bound_linesearch_rel(n, ed_over_d), DLV_ETA_DOUBLE,
                     0};
}

/* linesearch_exact_operands: when ||g||^2 and g . Hg are computed exactly
 * (small integers), lambda = fl(N / D) has one rounding: u relative. */
static inline dlv_bound dlv_bound_linesearch_exact_operands(void)
{
  return (dlv_bound){DLV_U_DOUBLE, 0.0, 0};
}

/* brent_resolution: a minimizer that sees only values phi~ with
 * |phi~ - phi| <= e cannot tell apart points where phi differs by less
 * than 2 e; for phi(l) = phi* + c (l - l*)^2 / 2 those are within
 * r = sqrt(4 e / c) of l*.  GSL's Brent ends with a bracket [a, b] of the
 * requested width around its best point; we accept it within
 * (b - a) + 2 r of l*.  This judges the solver (like
 * DLV_SOLVER_STATIONARITY), not the claim. */
static inline double dlv_bound_brent_resolution(double width, double e,
                                                double curvature)
{
  return width + 2.0 * sqrt(4.0 * e / curvature);
}

/* lambda_gradient_rel: the step is formed with the computed gradient g,
 * |g_i - grad_i l| <= e_i; the minimizer of l(Theta - lambda g) along that
 * g is (g . grad l) / (g . Hg), so ||g||^2 / (g . Hg) differs from it by
 * the factor 1 / (1 + delta), |delta| <= beta = sum |g_i| e_i / ||g||^2:
 * relative beta / (1 - beta). */
static inline double dlv_bound_lambda_gradient_rel(double beta)
{
  return beta < 1.0 ? beta / (1.0 - beta) : INFINITY;
}

/* lambda_rounded_gradient_rel: the claim on the reference path, where g
 * is the exact gradient rounded to double (e_i <= u |g_i|, so beta = u in
 * lambda_gradient_rel) and ||g||^2 / (g . Hg) is evaluated in MPFR and
 * rounded to double once (u). */
static inline double dlv_bound_lambda_rounded_gradient_rel(void)
{
  return dlv_bound_rel_compose(dlv_bound_lambda_gradient_rel(DLV_U_DOUBLE),
                               DLV_U_DOUBLE);
}

/* quadratic_value (phi for Brent): l = sum_i w_i (a_i . w / 2 + b_i) has n
 * roundings in a_i . w, one for + b_i, one product and n summands: within
 * gamma_(2n+2) of V = sum |w_i| (sum_j |a_ij w_j| / 2 + |b_i|); the point
 * w = fl(Theta - lambda g) is within u (1 + u) (|Theta_i| + 2 |lambda g_i|)
 * of the exact one, which moves l by at most S = sum R_i that, R_i >=
 * |grad_i l| (first order).  The code writes 1 + 2u for 1 + u, which is 1
 * in double: the next double up. */
static inline double dlv_bound_quadratic_value(size_t n, double v_mag,
                                               double s_point)
{
  return dlv_gamma(2.0 * (double)n + 2.0, DLV_U_DOUBLE) * v_mag +
         DLV_U_DOUBLE * (1.0 + 2.0 * DLV_U_DOUBLE) * s_point;
}

/* hvp_symmetry: u'(Hv) and v'(Hu) from complex steps within the
 * componentwise bounds bu, bv differ from the common exact value by at
 * most sum |u_i| bv_i (and the same for v), plus each dot's rounding
 * gamma_n sum |u_i (Hv)_i|. */
static inline double dlv_bound_hvp_symmetry(size_t n, double ub, double vb,
                                            double dots_abs)
{
  return ub + vb + dlv_gamma((double)n, DLV_U_DOUBLE) * dots_abs;
}

/* mpfr_value: identities evaluated in MPFR at 256 bits or more, a few
 * dozen roundings of relative 2^-256 each on terms of magnitude T: 2^-240 T
 * is far above that and far below any double-precision effect. */
#define DLV_P5_MPFR_REL 0x1p-240

#endif
