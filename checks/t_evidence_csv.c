/* t_evidence_csv.c: the evidence CSV keeps every field whole: kernel,
 * variant and key columns round trip, files without kernel and variant
 * read as "-", files without a key get the derived one, fields are
 * quoted as RFC 4180 says, long texts
 * survive, and a text too long for its row field is a malformed file,
 * never a truncated row. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "evidence.h"

static dlv_row sample_row(void)
{
  dlv_row r;
  memset(&r, 0, sizeof r);
  dlv_copy_text(r.claim, sizeof r.claim, "P3");
  dlv_copy_text(r.check, sizeof r.check, "t_check");
  dlv_copy_text(r.dtype, sizeof r.dtype, "float");
  dlv_copy_text(r.quantity, sizeof r.quantity, "fwd, worst \"element\"");
  dlv_copy_text(r.bound_name, sizeof r.bound_name, "conv3d_dot");
  r.value = 0.1;
  r.bound = 1e-7;
  r.ok = r.holds = 1;
  return r;
}

/* Reads text (a whole CSV file) into rows; returns dlv_csv_read's status. */
static int read_text(const char *text, dlv_rows *rows)
{
  FILE *f = tmpfile();
  assert_non_null(f);
  fputs(text, f);
  rewind(f);
  char err[128];
  int status = dlv_csv_read(f, rows, err, sizeof err);
  fclose(f);
  return status;
}

/* Writes one row and reads it back. */
static dlv_row round_trip(const dlv_row *w)
{
  char *buf = NULL;
  size_t len = 0;
  FILE *m = open_memstream(&buf, &len);
  assert_non_null(m);
  dlv_csv_header(m);
  dlv_csv_row(m, w);
  fclose(m);
  dlv_rows rows = {0};
  assert_int_equal(read_text(buf, &rows), 0);
  assert_int_equal(rows.n, 1);
  dlv_row r = rows.rows[0];
  dlv_rows_free(&rows);
  free(buf);
  return r;
}

static void kernel_variant_round_trip(void **state)
{
  (void)state;
  dlv_row w = sample_row();
  dlv_copy_text(w.kernel, sizeof w.kernel, "conv3d_fwd");
  dlv_copy_text(w.variant, sizeof w.variant, "per_position");
  memset(w.shape, 'x', sizeof w.shape - 1); /* the longest shape */
  w.shape[sizeof w.shape - 1] = '\0';
  dlv_row r = round_trip(&w);
  assert_string_equal(r.kernel, "conv3d_fwd");
  assert_string_equal(r.variant, "per_position");
  assert_string_equal(r.shape, w.shape);
  assert_string_equal(r.quantity, w.quantity);
}

/* A row whose every field differs from every other of its type: each
 * column is written and read in its own place (the flags in both mixed
 * states: holds without ok, ok without holds). */
static dlv_row distinct_row(int holds)
{
  dlv_row r = sample_row();
  dlv_copy_text(r.shape, sizeof r.shape, "n=7");
  dlv_copy_text(r.kernel, sizeof r.kernel, "nrm2");
  dlv_copy_text(r.variant, sizeof r.variant, "fast");
  dlv_copy_text(r.backend, sizeof r.backend, "openblas");
  r.seed = 4242;
  r.value = 0x1.123456789abcdp-3;
  r.reference = -0x1.fedcba9876543p+2;
  r.err = 0x1p-60;
  r.bound = 0x1.8p-55;
  r.ratio = r.err / r.bound;
  r.ulps = 3.0;
  r.role = DLV_ROLE_NEARBY;
  r.holds = holds;
  r.ok = !holds;
  dlv_row_set_key(&r, "q-distinct");
  return r;
}

static void assert_same_row(const dlv_row *r, const dlv_row *w)
{
  assert_string_equal(r->claim, w->claim);
  assert_string_equal(r->check, w->check);
  assert_string_equal(r->dtype, w->dtype);
  assert_string_equal(r->shape, w->shape);
  assert_true(r->seed == w->seed);
  assert_string_equal(r->quantity, w->quantity);
  const double got[] = {r->value, r->reference, r->err, r->bound, r->ratio,
                        r->ulps};
  const double want[] = {w->value, w->reference, w->err, w->bound, w->ratio,
                         w->ulps};
  for (size_t i = 0; i < sizeof got / sizeof got[0]; i++)
    assert_memory_equal(&got[i], &want[i], sizeof got[i]); /* bitwise */
  assert_string_equal(r->bound_name, w->bound_name);
  assert_int_equal(r->role, w->role);
  assert_int_equal(r->holds, w->holds);
  assert_int_equal(r->ok, w->ok);
  assert_string_equal(r->kernel, w->kernel);
  assert_string_equal(r->variant, w->variant);
  assert_string_equal(r->key, w->key);
  assert_string_equal(r->backend, w->backend);
}

static void every_field_round_trips(void **state)
{
  (void)state;
  for (int holds = 0; holds <= 1; holds++) {
    dlv_row w = distinct_row(holds);
    dlv_row r = round_trip(&w);
    assert_same_row(&r, &w);
  }
}

/* dlv_csv_field writes RFC 4180: a field holding a comma, a double quote,
 * CR or LF inside double quotes with each quote doubled, any other field
 * as it is; and each such text, as a row's quantity, reads back whole. */
static void csv_field_quotes_per_rfc4180(void **state)
{
  (void)state;
  const char *const cases[][2] = {
      {"abc", "abc"},           {"", ""},
      {"a,b", "\"a,b\""},       {"say \"x\"", "\"say \"\"x\"\"\""},
      {"\"q\" start", "\"\"\"q\"\" start\""}, {"a\nb", "\"a\nb\""},
      {"a\rb", "\"a\rb\""},     {"\"", "\"\"\"\""}};
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    assert_non_null(m);
    dlv_csv_field(m, cases[i][0]);
    fclose(m);
    if (strcmp(buf, cases[i][1]) != 0)
      fail_msg("field '%s' written as '%s', RFC 4180: '%s'", cases[i][0], buf,
               cases[i][1]);
    free(buf);
    dlv_row w = sample_row();
    dlv_copy_text(w.quantity, sizeof w.quantity, cases[i][0]);
    dlv_row r = round_trip(&w);
    assert_string_equal(r.quantity, cases[i][0]);
  }
}

/* A row that names no kernel is written with "-", and so is read. */
static void no_kernel_is_dash(void **state)
{
  (void)state;
  dlv_row w = sample_row();
  dlv_row r = round_trip(&w);
  assert_string_equal(r.kernel, "-");
  assert_string_equal(r.variant, "-");
}

static const char old_header[] =
    "claim,check,dtype,shape,seed,quantity,value,reference,err,bound_name,"
    "bound,ratio,ulps,role,holds,ok\r\n";

/* Files written before the kernel and variant columns are read. */
static void old_format_reads_dash(void **state)
{
  (void)state;
  char text[512];
  snprintf(text, sizeof text, "%sP1,c,double,n=1,7,q,1,1,0,b,1,0,0,"
                              "accuracy,1,1\r\n", old_header);
  dlv_rows rows = {0};
  assert_int_equal(read_text(text, &rows), 0);
  assert_int_equal(rows.n, 1);
  assert_string_equal(rows.rows[0].kernel, "-");
  dlv_rows_free(&rows);
  /* a record with a column count other than its header's is malformed */
  snprintf(text, sizeof text, "%sP1,c,double,n=1,7,q,1,1,0,b,1,0,0,"
                              "accuracy,1,1,nrm2,fast\r\n", old_header);
  assert_int_equal(read_text(text, &rows), -1);
  dlv_rows_free(&rows);
}

/* Every earlier format (16, 18 and 19 columns) read right after a file
 * of the full format, in the same process: a column the file lacks is
 * "-" or derived, never the last file's value (the reader keeps its
 * fields between records and files). */
static void earlier_formats_after_a_full_one(void **state)
{
  (void)state;
  static const char *const headers[] = {
      "claim,check,dtype,shape,seed,quantity,value,reference,err,"
      "bound_name,bound,ratio,ulps,role,holds,ok\r\n",
      "claim,check,dtype,shape,seed,quantity,value,reference,err,"
      "bound_name,bound,ratio,ulps,role,holds,ok,kernel,variant\r\n",
      "claim,check,dtype,shape,seed,quantity,value,reference,err,"
      "bound_name,bound,ratio,ulps,role,holds,ok,kernel,variant,key\r\n"};
  static const char *const tails[] = {"", ",-,-", ",-,-,P1/c/nearby/q"};
  for (size_t i = 0; i < sizeof headers / sizeof *headers; i++) {
    dlv_row w = distinct_row(1);
    dlv_copy_text(w.backend, sizeof w.backend, "full-format-backend");
    dlv_row full = round_trip(&w);
    assert_string_equal(full.backend, "full-format-backend");
    char text[1024];
    snprintf(text, sizeof text, "%sP1,c,double,n=1,7,q,1,1,0,b,1,0,0,"
                                "nearby,1,1%s\r\n", headers[i], tails[i]);
    dlv_rows rows = {0};
    assert_int_equal(read_text(text, &rows), 0);
    assert_string_equal(rows.rows[0].backend, "-");
    assert_string_equal(rows.rows[0].kernel, "-");
    assert_string_equal(rows.rows[0].variant, "-");
    assert_string_equal(rows.rows[0].key, "P1/c/nearby/q");
    dlv_rows_free(&rows);
  }
}

/* The key: claim/check/role/qid, the qid given or derived from the
 * quantity (letters only, lower case); kept by the CSV, derived for a file
 * written before the column; the report's join (dlv_qid_in) is exact. */
static void key_round_trip_and_derived(void **state)
{
  (void)state;
  dlv_row w = sample_row();
  dlv_row_set_key(&w, NULL);
  assert_string_equal(w.key, "P3/t_check/accuracy/fwd-worst-element");
  dlv_row_set_key(&w, "h-central");
  assert_string_equal(round_trip(&w).key, "P3/t_check/accuracy/h-central");
  assert_string_equal(dlv_row_qid(&w), "h-central");
  assert_true(dlv_qid_in(&w, "x|h-central"));
  assert_false(dlv_qid_in(&w, "h-central-full|h|central"));
  char qid[64];
  dlv_derive_qid(qid, sizeof qid, " 12 of 864 differ: ||g||^2 (MPFR) ");
  assert_string_equal(qid, "of-differ-g-mpfr");
  char text[512];
  snprintf(text, sizeof text, "%sP1,c,double,n=1,7,EMA impulse 2,1,1,0,b,"
                              "1,0,0,nearby,1,1\r\n", old_header);
  dlv_rows rows = {0};
  assert_int_equal(read_text(text, &rows), 0);
  assert_string_equal(rows.rows[0].key, "P1/c/nearby/ema-impulse");
  dlv_rows_free(&rows);
}

/* A shape longer than its field, or than a CSV field, is an error. */
static void too_long_is_an_error(void **state)
{
  (void)state;
  for (size_t n = sizeof(((dlv_row *)0)->shape); n <= 2 * DLV_CSV_FIELD_MAX;
       n += DLV_CSV_FIELD_MAX) {
    char *text = malloc(n + 512);
    assert_non_null(text);
    int len = sprintf(text, "%s", old_header);
    len += sprintf(text + len, "P1,c,double,");
    memset(text + len, 's', n);
    sprintf(text + len + n, ",7,q,1,1,0,b,1,0,0,accuracy,1,1\r\n");
    dlv_rows rows = {0};
    assert_int_equal(read_text(text, &rows), -1);
    assert_int_equal(rows.n, 0);
    dlv_rows_free(&rows);
    free(text);
  }
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(kernel_variant_round_trip),
      cmocka_unit_test(every_field_round_trips),
      cmocka_unit_test(csv_field_quotes_per_rfc4180),
      cmocka_unit_test(no_kernel_is_dash),
      cmocka_unit_test(old_format_reads_dash),
      cmocka_unit_test(earlier_formats_after_a_full_one),
      cmocka_unit_test(too_long_is_an_error),
      cmocka_unit_test(key_round_trip_and_derived),
  };
  return cmocka_run_group_tests_name("evidence_csv", tests, NULL, NULL);
}
