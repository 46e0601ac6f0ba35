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

/* The fields a metadata file may hold, each at most once; the first three
 * are required. */
static const char *const meta_fields[] = {"seed", "quick", "mpfr_prec",
                                          "mpfr_version", "gsl_version"};
enum { META_REQUIRED = 3 };

/* Sets the field of m named name; returns its index in meta_fields, -1
 * for another name (ignored: a later version's field), -2 when its value
 * is not valid. */
static int set_field(dlv_run_meta *m, const char *name, const char *value)
{
  long v;
  int k = 0;
  while (k < (int)(sizeof meta_fields / sizeof *meta_fields) &&
         strcmp(name, meta_fields[k]) != 0)
    k++;
  switch (k) {
  case 0: {
    char *end;
    m->seed = strtoul(value, &end, 10);
    return *value != '\0' && *end == '\0' ? k : -2;
  }
  case 1:
    if (parse_number(value, 0, 1, &v) != 0)
      return -2;
    m->quick = (int)v;
    return k;
  case 2:
    return parse_number(value, 2, 1L << 30, &m->mpfr_prec) == 0 ? k : -2;
  case 3:
  case 4: {
    char *dst = k == 3 ? m->mpfr_lib : m->gsl_lib;
    if (strlen(value) >= sizeof m->mpfr_lib)
      return -2;
    strcpy(dst, value);
    return k;
  }
  default: return -1;
  }
}

int dlv_meta_read(FILE *f, dlv_run_meta *m, char *err, size_t errlen)
{
  static char fld[2][DLV_CSV_FIELD_MAX];
  memset(m, 0, sizeof *m);
  if (dlv_csv_read_record(f, fld, 2) != 2 || strcmp(fld[0], "name") != 0) {
    snprintf(err, errlen, "line 1: not a metadata header");
    return -1;
  }
  unsigned seen = 0;
  int nf;
  for (size_t line = 2; (nf = dlv_csv_read_record(f, fld, 2)) != 0; line++) {
    int k = nf == 2 ? set_field(m, fld[0], fld[1]) : -2;
    if (k == -2 || (k >= 0 && (seen >> k & 1u))) {
      snprintf(err, errlen, "record %zu: malformed metadata%s", line,
               k >= 0 ? " (a field given twice)" : "");
      return -1;
    }
    seen |= k >= 0 ? 1u << k : 0u;
  }
  if ((seen & ((1u << META_REQUIRED) - 1u)) != (1u << META_REQUIRED) - 1u) {
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
