/* t_run_meta.c: the run's metadata file (run_meta.h) round trips, a
 * missing required field, a bad number or a bad header is an error, and
 * unknown names are skipped.  dlv_meta_same compares every field: two
 * records equal but in one field (seed, quick, mpfr_prec, mpfr_version,
 * gsl_version) are different runs, whichever is given first. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "run_meta.h"

/* Reads text (read in place) into m; returns dlv_meta_read's status. */
static int read_text(const char *text, dlv_run_meta *m)
{
  char err[128];
  FILE *f = fmemopen((void *)text, strlen(text), "r");
  assert_non_null(f);
  int status = dlv_meta_read(f, m, err, sizeof err);
  fclose(f);
  return status;
}

static void round_trip(void **state)
{
  (void)state;
  dlv_run_meta w = {20261128UL, 1, 320, "4.2.0, with \"quotes\"", "2.7"};
  FILE *f = tmpfile();
  assert_non_null(f);
  assert_int_equal(dlv_meta_write(f, &w), 0);
  rewind(f);
  dlv_run_meta r;
  char err[128];
  assert_int_equal(dlv_meta_read(f, &r, err, sizeof err), 0);
  fclose(f);
  assert_true(dlv_meta_same(&w, &r));
  r.mpfr_prec = 256;
  assert_false(dlv_meta_same(&w, &r));
}

static void bad_files_are_errors(void **state)
{
  (void)state;
  dlv_run_meta m;
  assert_int_equal(read_text("name,value\nseed,7\nquick,0\nmpfr_prec,256\n"
                             "later_field,x\n", &m), 0);
  assert_int_equal(m.mpfr_prec, 256);
  assert_int_equal(read_text("name,value\nseed,7\nquick,0\n", &m), -1);
  assert_int_equal(read_text("name,value\nseed,7\nquick,2\nmpfr_prec,256\n",
                             &m), -1);
  assert_int_equal(read_text("name,value\nseed,x\nquick,0\nmpfr_prec,256\n",
                             &m), -1);
  assert_int_equal(read_text("claim,check\nseed,7\n", &m), -1);
  /* a field given twice, for one missing or not (the tester's file: seed
   * three times passed for seed, quick and mpfr_prec) */
  assert_int_equal(read_text("name,value\nseed,7\nseed,7\nseed,7\n", &m),
                   -1);
  assert_int_equal(read_text("name,value\nseed,7\nquick,0\nmpfr_prec,256\n"
                             "quick,1\n", &m), -1);
  assert_int_equal(read_text("name,value\nseed,7\nquick,0\nmpfr_prec,256\n"
                             "gsl_version,2.7\ngsl_version,2.8\n", &m), -1);
}

/* base with its field number `field` changed to the k-th other value. */
static dlv_run_meta one_field_changed(const dlv_run_meta *base, int field,
                                      int k)
{
  dlv_run_meta m = *base;
  switch (field) {
  case 0: m.seed = k == 0 ? base->seed + 1 : base->seed ^ (1UL << 40); break;
  case 1: m.quick = !base->quick; break;
  case 2: m.mpfr_prec = k == 0 ? base->mpfr_prec + 1 : 1L << 20; break;
  case 3: strcpy(m.mpfr_lib, k == 0 ? "4.2.1" : "4.2"); break;
  default: strcpy(m.gsl_lib, k == 0 ? "2.8" : "2.7.1"); break;
  }
  return m;
}

static void every_field_is_compared(void **state)
{
  (void)state;
  static const char *const name[] = {"seed", "quick", "mpfr_prec",
                                     "mpfr_version", "gsl_version"};
  const dlv_run_meta base[] = {{20261128UL, 0, 256, "4.2.0", "2.7"},
                               {7UL, 1, 320, "4.2.0", "2.7"}};
  for (size_t b = 0; b < 2; b++) {
    dlv_run_meta copy = base[b];
    assert_true(dlv_meta_same(&base[b], &copy));
    for (int field = 0; field < 5; field++)
      for (int k = 0; k < 2; k++) {
        dlv_run_meta m = one_field_changed(&base[b], field, k);
        if (dlv_meta_same(&base[b], &m) || dlv_meta_same(&m, &base[b]))
          fail_msg("records differing only in %s taken as the same run",
                   name[field]);
      }
  }
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(round_trip),
      cmocka_unit_test(bad_files_are_errors),
      cmocka_unit_test(every_field_is_compared),
  };
  return cmocka_run_group_tests_name("run_meta", tests, NULL, NULL);
}
