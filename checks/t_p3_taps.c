/* t_p3_taps.c: the K of each conv3d pass (dlv_conv3d_terms,
 * conv3d_shapes.h: P3's rows, its low-precision rows and the gate take it)
 * and P3's bounds that take it from the shape (claims/p3_conv3d/taps.h),
 * against the count by definition: the MPFR reference of a pass on
 * all-ones operands has, in element e, the number of products element e
 * sums.  Shapes with every output extent below, equal to and above the
 * filter's, so the input gradient's taps are cut at both ends of each
 * axis. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "bound_twins.h"
#include "claims/p3_conv3d/taps.h"
#include "conv3d_shapes.h"
#include "dlv_status.h"
#include "mp.h"

/* b, h, w, t, c, c', u, v, z */
static const dlv_conv3d_shape shapes[] = {
    {1, 1, 1, 1, 1, 1, 1, 1, 1}, {1, 2, 3, 2, 2, 3, 3, 2, 3},
    {2, 4, 3, 3, 3, 2, 2, 3, 1}, {1, 3, 1, 5, 1, 2, 3, 2, 4},
    {2, 5, 4, 3, 2, 2, 3, 3, 3},
};
static const int passes[] = {DLV_CONV3D_FWD, DLV_CONV3D_BWD_FILTER,
                             DLV_CONV3D_BWD_INPUT};

/* counts[e] = element e of the pass on all-ones operands; returns n. */
static size_t count_products(const dlv_conv3d_shape *s, int pass,
                             double **counts)
{
  size_t n1, nf, n2;
  assert_int_equal(dlv_conv3d_sizes(s, &n1, &nf, &n2), DLV_OK);
  size_t most = n1 > nf ? n1 : nf, n = pass == DLV_CONV3D_FWD ? n2
                                      : pass == DLV_CONV3D_BWD_FILTER ? nf
                                                                      : n1;
  most = most > n2 ? most : n2;
  double *ones = malloc(most * sizeof *ones);
  mpfr_t *out = dlv_mp_vec_alloc(n, MP_BITS);
  *counts = malloc(n * sizeof **counts);
  assert_true(ones != NULL && out != NULL && *counts != NULL);
  for (size_t i = 0; i < most; i++)
    ones[i] = 1.0;
  assert_int_equal(dlv_conv3d_mp_pass(pass, s, ones, ones, out), DLV_OK);
  for (size_t e = 0; e < n; e++)
    (*counts)[e] = mpfr_get_d(out[e], MPFR_RNDN);
  dlv_mp_vec_free(out, n);
  free(ones);
  return n;
}

/* Every filter tap covers some position in the middle of each axis. */
static int interior_exists(const dlv_conv3d_shape *s)
{
  return s->h >= s->u && s->w >= s->v && s->t >= s->z;
}

/* axis_taps(i, n, k): the taps j in [0, k) with i - j an output position
 * in [0, n), counted one by one. */
static void taps_axis_by_counting(void **state)
{
  (void)state;
  for (size_t n = 1; n <= 6; n++)
    for (size_t k = 1; k <= 6; k++)
      for (size_t i = 0; i < n + k - 1; i++) {
        size_t count = 0;
        for (size_t j = 0; j < k; j++)
          count += j <= i && i - j < n;
        assert_int_equal(dlv_conv3d_axis_taps(i, n, k), count);
      }
}

/* terms is the count in every element; k_max the largest count (an upper
 * bound of it for the input gradient when no position is interior). */
static void k_by_counting(void **state)
{
  (void)state;
  for (size_t i = 0; i < COUNT(shapes); i++)
    for (size_t j = 0; j < COUNT(passes); j++) {
      double *counts, most = 0.0;
      size_t n = count_products(&shapes[i], passes[j], &counts);
      for (size_t e = 0; e < n; e++) {
        if (dlv_conv3d_terms(&shapes[i], passes[j], e) != counts[e])
          fail_msg("shape %zu pass %d element %zu: terms %g, count %g", i,
                   passes[j], e, dlv_conv3d_terms(&shapes[i], passes[j], e),
                   counts[e]);
        most = counts[e] > most ? counts[e] : most;
      }
      double km = dlv_p3_k_max(&shapes[i], passes[j]);
      assert_true(km >= most);
      if (passes[j] != DLV_CONV3D_BWD_INPUT || interior_exists(&shapes[i]))
        assert_true(km == most);
      free(counts);
    }
}

/* The largest count of a pass, by definition. */
static double max_count(const dlv_conv3d_shape *s, int pass)
{
  double *counts, most = 0.0;
  size_t n = count_products(s, pass, &counts);
  for (size_t e = 0; e < n; e++)
    most = counts[e] > most ? counts[e] : most;
  free(counts);
  return most;
}

/* The bounds taking K from the shape use the forward's K and the pass's
 * (shapes where the forward's and the backward passes' K differ, and k_max
 * is attained); an element's bound takes its own K, and two runs get twice
 * one run's bound, in every element. */
static void bounds_take_each_pass_k(void **state)
{
  (void)state;
  const double us[] = {DLV_U_DOUBLE, DLV_U_FLOAT};
  for (size_t i = 0; i < COUNT(shapes); i++) {
    const dlv_conv3d_shape *s = &shapes[i];
    if (!interior_exists(s))
      continue;
    double kf = max_count(s, DLV_CONV3D_FWD);
    for (size_t j = 1; j < COUNT(passes); j++)
      for (size_t k = 0; k < COUNT(us); k++) {
        double kb = max_count(s, passes[j]);
        assert_true(dlv_p3_adjoint_bound(s, passes[j], us[k], 2.5) ==
                    dlv_bound_conv3d_adjoint(kf, kb, us[k], 2.5));
        assert_true(dlv_p3_grad_formula_bound(s, passes[j], us[k], 2.5) ==
                    dlv_bound_conv3d_grad_formula(kf, kb, us[k], 2.5));
      }
    for (size_t j = 0; j < COUNT(passes); j++) {
      double *counts;
      size_t n = count_products(s, passes[j], &counts);
      for (size_t e = 0; e < n; e++) {
        double one = dlv_bound_conv3d_dot(counts[e], DLV_U_DOUBLE,
                                          DLV_ETA_DOUBLE, 3.0);
        assert_true(dlv_p3_element_bound(s, passes[j], e, DLV_U_DOUBLE,
                                         DLV_ETA_DOUBLE, 3.0) == one);
        assert_true(dlv_p3_two_runs_bound(s, passes[j], e, DLV_U_DOUBLE,
                                          DLV_ETA_DOUBLE, 3.0) == 2.0 * one);
      }
      free(counts);
    }
  }
}

/* The complex step's bound takes the forward's K and N, the number of
 * the forward's outputs (the loss sums their squares), both counted
 * here by definition, on every shape. */
static void cstep_bound_takes_forward_k_and_n(void **state)
{
  (void)state;
  for (size_t i = 0; i < COUNT(shapes); i++) {
    double *counts;
    size_t n = count_products(&shapes[i], DLV_CONV3D_FWD, &counts);
    double kf = max_count(&shapes[i], DLV_CONV3D_FWD);
    if (dlv_p3_cstep_bound(&shapes[i], 2.5) !=
        dlv_bound_conv3d_cstep(kf, (double)n, 2.5))
      fail_msg("shape %zu: cstep bound %g, with K %g N %zu: %g", i,
               dlv_p3_cstep_bound(&shapes[i], 2.5), kf, n,
               dlv_bound_conv3d_cstep(kf, (double)n, 2.5));
    free(counts);
  }
}

/* The low-precision adjoint's R per pass: the largest over the elements
 * of the count by definition (fp16) or of its bf16 roundings, two per
 * step of two products along the pass's paired extent as conv3d_lowp.h
 * states it (forward C', filter gradient T, input gradient C; an odd
 * last product padded). */
static void lowp_pass_rounds_by_counting(void **state)
{
  (void)state;
  for (size_t i = 0; i < COUNT(shapes); i++)
    for (size_t j = 0; j < COUNT(passes); j++) {
      const dlv_conv3d_shape *s = &shapes[i];
      size_t paired = passes[j] == DLV_CONV3D_FWD          ? s->cp
                      : passes[j] == DLV_CONV3D_BWD_FILTER ? s->t
                                                           : s->c;
      double *counts, k = 0.0, r = 0.0;
      size_t n = count_products(s, passes[j], &counts);
      for (size_t e = 0; e < n; e++) {
        double steps = 0.0;
        for (size_t q = 0; q < paired; q += 2)
          steps += 1.0;
        k = fmax(k, counts[e]);
        r = fmax(r, 2.0 * steps * counts[e] / (double)paired);
      }
      assert_true(dlv_conv3d_lowp_pass_rounds(s, passes[j], 0) == k);
      assert_true(dlv_conv3d_lowp_pass_rounds(s, passes[j], 1) == r);
      free(counts);
    }
}

/* The test shapes can tell the passes apart: some shape has K_fwd, K_filter
 * and K_input's maximum all different, and some shape has the three
 * tensors' sizes all different (N of another tensor would show). */
static void shapes_tell_passes_apart(void **state)
{
  (void)state;
  int apart = 0;
  for (size_t i = 0; i < COUNT(shapes); i++) {
    double kf = max_count(&shapes[i], DLV_CONV3D_FWD);
    double kw = max_count(&shapes[i], DLV_CONV3D_BWD_FILTER);
    double ki = max_count(&shapes[i], DLV_CONV3D_BWD_INPUT);
    apart |= interior_exists(&shapes[i]) && kf != kw && kf != ki && kw != ki;
  }
  assert_true(apart);
  int sizes_apart = 0;
  for (size_t i = 0; i < COUNT(shapes); i++) {
    size_t n1, nf, n2;
    assert_int_equal(dlv_conv3d_sizes(&shapes[i], &n1, &nf, &n2), DLV_OK);
    sizes_apart |= n1 != nf && n1 != n2 && nf != n2;
  }
  assert_true(sizes_apart);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(taps_axis_by_counting),
      cmocka_unit_test(k_by_counting),
      cmocka_unit_test(bounds_take_each_pass_k),
      cmocka_unit_test(cstep_bound_takes_forward_k_and_n),
      cmocka_unit_test(lowp_pass_rounds_by_counting),
      cmocka_unit_test(shapes_tell_passes_apart),
  };
  return cmocka_run_group_tests_name("p3_taps", tests, NULL, NULL);
}
