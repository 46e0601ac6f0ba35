/* run_meta.c: the run's metadata file (see run_meta.h). */
#include <stdlib.h>
#include <string.h>

#include "evidence.h"
#include "run_meta.h"

int dlv_meta_write(FILE *f, const dlv_run_meta *m)
{
  fprintf(f, "name,value\r\nseed,%lu\r\nquick,%d\r\nmpfr_prec,%ld\r\n",
          m->seed, m->quick, m->mpfr_prec);
  fputs("mpfr_version,", f);
  dlv_csv_field(f, m->mpfr_lib);
  fputs("\r\ngsl_version,", f);
  dlv_csv_field(f, m->gsl_lib);
  fputs("\r\n", f);
  return ferror(f) ? -1 : 0;
}

/* A whole decimal number in [min, max]; 0, or -1. */
static int parse_number(const char *s, long min, long max, long *v)
{
  char *end;
  long x = strtol(s, &end, 10);
  if (*s == '\0' || *end != '\0' || x < min || x > max)
    return -1;
  *v = x;
  return 0;
}

/* Sets the field of m named name; 1 when it is a required one, 0 when
 * not, -1 when its value is not valid. */
static int set_field(dlv_run_meta *m, const char *name, const char *value)
{
  long v;
  if (strcmp(name, "seed") == 0) {
    char *end;
    m->seed = strtoul(value, &end, 10);
    return *value != '\0' && *end == '\0' ? 1 : -1;
  }
  if (strcmp(name, "quick") == 0) {
    if (parse_number(value, 0, 1, &v) != 0)
      return -1;
    m->quick = (int)v;
    return 1;
  }
  if (strcmp(name, "mpfr_prec") == 0)
    return parse_number(value, 2, 1L << 30, &m->mpfr_prec) == 0 ? 1 : -1;
  char *dst = strcmp(name, "mpfr_version") == 0  ? m->mpfr_lib
              : strcmp(name, "gsl_version") == 0 ? m->gsl_lib
                                                 : NULL;
  if (dst != NULL && strlen(value) >= sizeof m->mpfr_lib)
    return -1;
  if (dst != NULL)
    strcpy(dst, value);
  return 0;
}

int dlv_meta_read(FILE *f, dlv_run_meta *m, char *err, size_t errlen)
{
  static char fld[2][DLV_CSV_FIELD_MAX];
  memset(m, 0, sizeof *m);
  if (dlv_csv_read_record(f, fld, 2) != 2 || strcmp(fld[0], "name") != 0) {
    snprintf(err, errlen, "line 1: not a metadata header");
    return -1;
  }
  int required = 0, nf;
  for (size_t line = 2; (nf = dlv_csv_read_record(f, fld, 2)) != 0; line++) {
    int got = nf == 2 ? set_field(m, fld[0], fld[1]) : -1;
    if (got < 0) {
      snprintf(err, errlen, "record %zu: malformed metadata", line);
      return -1;
    }
    required += got;
  }
  if (required != 3) {
    snprintf(err, errlen, "seed, quick or mpfr_prec missing");
    return -1;
  }
  return 0;
}

int dlv_meta_same(const dlv_run_meta *a, const dlv_run_meta *b)
{
  return a->seed == b->seed && a->quick == b->quick &&
         a->mpfr_prec == b->mpfr_prec &&
         strcmp(a->mpfr_lib, b->mpfr_lib) == 0 &&
         strcmp(a->gsl_lib, b->gsl_lib) == 0;
}
