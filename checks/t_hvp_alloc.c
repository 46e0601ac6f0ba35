/* t_hvp_alloc.c: the HVP kernels' allocation contract (include/dlv/hvp.h:
 * "work arrays are allocated per call"; DLV_ENOMEM, hv untouched on
 * error).  In a forked child under an address-space limit (RLIMIT_AS)
 * with room for less than one work array, both kernels on the norm loss
 * (n = 2^22: the complex step's work is 40 n bytes, the central
 * difference's 32 n) must return DLV_ENOMEM and leave hv as it was; then,
 * the limit lifted in a second child, both return DLV_OK (the data are
 * admissible, so the status came from the allocation).  Skipped under the
 * sanitizers and valgrind, whose own memory an address-space limit
 * breaks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "as_limit.h"
#include "check.h"
#include "closs.h"
#include "dlv_status.h"
#include "hvp.h"

enum { N = 1 << 22 };
#define ROOM 8e6 /* bytes: below either kernel's work (32 N = 134 MB) */
#define SENTINEL 0x5a

typedef struct {
  double *theta, *v, *hv;
} arrays;

static int make(arrays *a)
{
  a->theta = malloc(N * sizeof *a->theta);
  a->v = malloc(N * sizeof *a->v);
  a->hv = malloc(N * sizeof *a->hv);
  if (!a->theta || !a->v || !a->hv)
    return 0;
  for (size_t i = 0; i < N; i++) {
    a->theta[i] = 1.0 + (double)(i % 7);
    a->v[i] = (double)(i % 5) - 2.0;
  }
  memset(a->hv, SENTINEL, N * sizeof *a->hv);
  return 1;
}

static int hv_untouched(const double *hv)
{
  for (size_t i = 0; i < N * sizeof *hv; i++)
    if (((const unsigned char *)hv)[i] != SENTINEL)
      return 0;
  return 1;
}

/* Child: 0 when both kernels answer `want` (DLV_ENOMEM under the limit,
 * hv untouched; DLV_OK without it); 2 set-up, 3 status, 4 hv written. */
static int child(const void *arg)
{
  int limited = *(const int *)arg;
  arrays a;
  if (!make(&a))
    return 2;
  dlv_closs loss = dlv_closs_of_norm(N);
  if (limited && !dlv_limit_address_space(ROOM))
    return 2;
  int want = limited ? DLV_ENOMEM : DLV_OK;
  for (int central = 0; central < 2; central++) {
    int st = central ? dlv_hvp_central_d(&loss, a.theta, a.v, 0.5, a.hv)
                     : dlv_hvp_cstep_d(&loss, a.theta, a.v, 0.5, a.hv);
    if (st != want) {
      fprintf(stderr, "%s: status %d, expected %d\n",
              central ? "central" : "cstep", st, want);
      return 3;
    }
    if (limited && !hv_untouched(a.hv))
      return 4;
  }
  return 0;
}

static void allocation_contract(void **unused)
{
  (void)unused;
  if (DLV_AS_LIMIT_UNAVAILABLE)
    skip(); /* their own memory: an address-space limit breaks them */
  const int off = 0, on = 1;
  assert_int_equal(dlv_in_child(child, &off), 0);
  assert_int_equal(dlv_in_child(child, &on), 0);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(allocation_contract),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
