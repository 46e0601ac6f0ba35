/* t_run_meta.c: the run's metadata file (run_meta.h) round trips, a
 * missing required field, a bad number or a bad header is an error, and
 * unknown names are skipped. */
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
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(round_trip),
      cmocka_unit_test(bad_files_are_errors),
  };
  return cmocka_run_group_tests_name("run_meta", tests, NULL, NULL);
}
