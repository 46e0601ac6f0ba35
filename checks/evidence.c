/* evidence.c: evidence rows, CSV in and out, verdicts (see evidence.h). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evidence.h"

/* Columns: 16 before the kernel and variant columns were added, 18 before
 * the key column, 19 before the backend column, 20 now. */
enum { NFIELDS_OLD = 16, NFIELDS_KV = 18, NFIELDS_KEY = 19, NFIELDS = 20,
       FIELD_MAX = DLV_CSV_FIELD_MAX };

static const char *const role_names[] = {"accuracy", "claim", "nearby",
                                         "erratum"};

const char *dlv_role_name(enum dlv_role role)
{
  return (unsigned)role < 4 ? role_names[role] : "unknown";
}

int dlv_rows_push(dlv_rows *rows, const dlv_row *row)
{
  if (rows->n == rows->cap) {
    size_t cap = rows->cap ? 2 * rows->cap : 64;
    dlv_row *p = realloc(rows->rows, cap * sizeof *p);
    if (p == NULL)
      return -1;
    rows->rows = p;
    rows->cap = cap;
  }
  rows->rows[rows->n++] = *row;
  return 0;
}

void dlv_derive_qid(char *qid, size_t size, const char *quantity)
{
  size_t n = 0;
  int gap = 0;
  for (const char *q = quantity; *q && n + 2 < size; q++) {
    char c = *q;
    int letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (!letter) {
      gap = n > 0;
      continue;
    }
    if (gap)
      qid[n++] = '-';
    qid[n++] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    gap = 0;
  }
  qid[n] = '\0';
}

void dlv_row_set_key(dlv_row *r, const char *qid)
{
  char derived[sizeof r->quantity];
  if (qid == NULL) {
    dlv_derive_qid(derived, sizeof derived, r->quantity);
    qid = derived;
  }
  char key[sizeof r->key + 1];
  snprintf(key, sizeof key, "%s/%s/%s/%s", r->claim, r->check,
           dlv_role_name(r->role), qid);
  dlv_copy_text(r->key, sizeof r->key, key);
}

const char *dlv_row_qid(const dlv_row *r)
{
  const char *slash = strrchr(r->key, '/');
  return slash ? slash + 1 : r->key;
}

int dlv_qid_in(const dlv_row *r, const char *any)
{
  const char *qid = dlv_row_qid(r);
  size_t len = strlen(qid);
  while (*any) {
    size_t n = strcspn(any, "|");
    if (n == len && strncmp(any, qid, n) == 0)
      return 1;
    any += n + (any[n] == '|');
  }
  return 0;
}

void dlv_rows_free(dlv_rows *rows)
{
  free(rows->rows);
  *rows = (dlv_rows){NULL, 0, 0};
}

void dlv_csv_header(FILE *f)
{
  fputs("claim,check,dtype,shape,seed,quantity,value,reference,err,"
        "bound_name,bound,ratio,ulps,role,holds,ok,kernel,variant,key,"
        "backend\r\n",
        f);
}

void dlv_csv_field(FILE *f, const char *s)
{
  if (strpbrk(s, ",\"\r\n") == NULL) {
    fputs(s, f);
    return;
  }
  fputc('"', f);
  for (; *s; s++) {
    if (*s == '"')
      fputc('"', f);
    fputc(*s, f);
  }
  fputc('"', f);
}

static void csv_number(FILE *f, double v)
{
  fputc(',', f);
  fprintf(f, "%.17g", v);
}

static void csv_text(FILE *f, const char *s)
{
  fputc(',', f);
  dlv_csv_field(f, s);
}

void dlv_csv_row(FILE *f, const dlv_row *r)
{
  dlv_csv_field(f, r->claim);
  csv_text(f, r->check);
  csv_text(f, r->dtype);
  csv_text(f, r->shape);
  fprintf(f, ",%lu", r->seed);
  csv_text(f, r->quantity);
  csv_number(f, r->value);
  csv_number(f, r->reference);
  csv_number(f, r->err);
  csv_text(f, r->bound_name);
  csv_number(f, r->bound);
  csv_number(f, r->ratio);
  csv_number(f, r->ulps);
  csv_text(f, dlv_role_name(r->role));
  fprintf(f, ",%d,%d", r->holds, r->ok);
  csv_text(f, *r->kernel ? r->kernel : "-");
  csv_text(f, *r->variant ? r->variant : "-");
  csv_text(f, r->key);
  csv_text(f, *r->backend ? r->backend : "-");
  fputs("\r\n", f);
}

int dlv_csv_read_record(FILE *f, char (*fields)[DLV_CSV_FIELD_MAX], int max)
{
  int nf = 0, c = fgetc(f);
  if (c == EOF)
    return 0;
  int too_long = 0;
  for (;;) {
    size_t len = 0;
    int quoted = c == '"';
    if (quoted)
      c = fgetc(f);
    for (;; c = fgetc(f)) {
      if (c == EOF && quoted)
        return -1;
      if (quoted && c == '"') {
        c = fgetc(f);
        if (c != '"') {
          quoted = 0;
          if (c == ',' || c == '\r' || c == '\n' || c == EOF)
            break;
          return -1;
        }
      } else if (!quoted && (c == ',' || c == '\r' || c == '\n' || c == EOF))
        break;
      if (nf < max && len + 1 < FIELD_MAX)
        fields[nf][len++] = (char)c;
      else if (nf < max)
        too_long = 1; /* reported, never truncated */
    }
    if (nf < max)
      fields[nf][len] = '\0';
    nf++;
    if (c != ',') {
      if (c == '\r' && (c = fgetc(f)) != '\n' && c != EOF)
        ungetc(c, f);
      return too_long ? -2 : nf;
    }
    c = fgetc(f);
  }
}

static int parse_double(const char *s, double *v)
{
  char *end;
  errno = 0;
  *v = strtod(s, &end);
  return *s != '\0' && *end == '\0' ? 0 : -1;
}

static int parse_role(const char *s, enum dlv_role *role)
{
  for (unsigned i = 0; i < 4; i++)
    if (strcmp(s, role_names[i]) == 0) {
      *role = (enum dlv_role)i;
      return 0;
    }
  return -1;
}

void dlv_copy_text(char *dst, size_t size, const char *src)
{
  size_t n = strlen(src);
  if (n >= size) {
    fprintf(stderr, "dlv_copy_text: \"%.60s...\" (%zu bytes) does not fit "
                    "its %zu-byte field\n", src, n, size);
    abort();
  }
  memcpy(dst, src, n + 1);
}

/* Copies a CSV field into a row field; -1 when it does not fit. */
static int copy_field(char *dst, size_t size, const char *src)
{
  size_t n = strlen(src);
  if (n >= size)
    return -1;
  memcpy(dst, src, n + 1);
  return 0;
}

/* The text fields of a record (nf of them: NFIELDS_OLD, NFIELDS_KV,
 * NFIELDS_KEY or NFIELDS; a record without a key gets the derived one, one
 * without a backend "-"); -1 when one does not fit its row field. */
static int texts_from_fields(char fld[NFIELDS][FIELD_MAX], int nf, dlv_row *r)
{
  int bad = copy_field(r->claim, sizeof r->claim, fld[0]) |
            copy_field(r->check, sizeof r->check, fld[1]) |
            copy_field(r->dtype, sizeof r->dtype, fld[2]) |
            copy_field(r->shape, sizeof r->shape, fld[3]) |
            copy_field(r->quantity, sizeof r->quantity, fld[5]) |
            copy_field(r->bound_name, sizeof r->bound_name, fld[9]);
  const char *kernel = nf >= NFIELDS_KV ? fld[16] : "-";
  const char *variant = nf >= NFIELDS_KV ? fld[17] : "-";
  const char *backend = nf == NFIELDS ? fld[19] : "-";
  *r->key = '\0';
  return bad | copy_field(r->kernel, sizeof r->kernel, kernel) |
         copy_field(r->variant, sizeof r->variant, variant) |
         (nf >= NFIELDS_KEY ? copy_field(r->key, sizeof r->key, fld[18]) : 0) |
         copy_field(r->backend, sizeof r->backend, backend);
}

/* Fills *r from the fields of a record; -1 on a malformed field. */
static int row_from_fields(char fld[NFIELDS][FIELD_MAX], int nf, dlv_row *r)
{
  char *end;
  if (texts_from_fields(fld, nf, r) != 0)
    return -1;
  r->seed = strtoul(fld[4], &end, 10);
  if (*fld[4] == '\0' || *end != '\0')
    return -1;
  if (parse_double(fld[6], &r->value) || parse_double(fld[7], &r->reference) ||
      parse_double(fld[8], &r->err) || parse_double(fld[10], &r->bound) ||
      parse_double(fld[11], &r->ratio) || parse_double(fld[12], &r->ulps) ||
      parse_role(fld[13], &r->role))
    return -1;
  r->holds = strcmp(fld[14], "1") == 0;
  r->ok = strcmp(fld[15], "1") == 0;
  if (*r->key == '\0')
    dlv_row_set_key(r, NULL);
  return (r->holds || strcmp(fld[14], "0") == 0) &&
                 (r->ok || strcmp(fld[15], "0") == 0)
             ? 0
             : -1;
}

int dlv_csv_read(FILE *f, dlv_rows *rows, char *err, size_t errlen)
{
  static char fields[NFIELDS][FIELD_MAX];
  int ncols = dlv_csv_read_record(f, fields, NFIELDS);
  if ((ncols != NFIELDS && ncols != NFIELDS_KEY && ncols != NFIELDS_KV &&
       ncols != NFIELDS_OLD) ||
      strcmp(fields[0], "claim") != 0) {
    snprintf(err, errlen, "line 1: not an evidence header");
    return -1;
  }
  for (size_t line = 2;; line++) {
    int nf = dlv_csv_read_record(f, fields, NFIELDS);
    if (nf == 0)
      return 0;
    dlv_row r;
    if (nf != ncols || row_from_fields(fields, nf, &r) != 0) {
      snprintf(err, errlen, "record %zu: malformed evidence row%s", line,
               nf == -2 ? " (a field too long)" : "");
      return -1;
    }
    if (dlv_rows_push(rows, &r) != 0) {
      snprintf(err, errlen, "out of memory");
      return -1;
    }
  }
}

int dlv_kernel_measured(const dlv_rows *rows, const char *claim,
                           const char *kernel)
{
  for (size_t i = 0; i < rows->n; i++) {
    const dlv_row *r = &rows->rows[i];
    if (r->role == DLV_ROLE_ACCURACY && strcmp(r->claim, claim) == 0 &&
        strcmp(r->kernel, kernel) == 0)
      return 1;
  }
  return 0;
}

/* The first kernel of relies_on with no accuracy row, or NULL. */
static const char *unmeasured_kernel(const dlv_rows *rows, const char *claim,
                                     const char *const *relies_on)
{
  for (; relies_on != NULL && *relies_on != NULL; relies_on++)
    if (!dlv_kernel_measured(rows, claim, *relies_on))
      return *relies_on;
  return NULL;
}

const dlv_verdict_info dlv_verdicts[DLV_N_VERDICTS] = {
    [DLV_V_INCONCLUSIVE] = {DLV_VERDICT_INCONCLUSIVE,
                            "a kernel, reference or solver failed, or "
                            "nothing was measured"},
    [DLV_V_REFUTED] = {DLV_VERDICT_REFUTED, "it fails"},
    [DLV_V_QUALIFIED] = {DLV_VERDICT_QUALIFIED,
                         "it holds as stated and fails in a nearby sense"},
    [DLV_V_ERRATUM] = {DLV_VERDICT_ERRATUM,
                       "it holds; the printed derivation, indices or code "
                       "are shown wrong"},
    [DLV_V_CONFIRMED] = {DLV_VERDICT_CONFIRMED, "the printed answer holds"},
};

enum dlv_verdict_id dlv_verdict_id_of(const char *word)
{
  unsigned i = 0;
  while (i < DLV_N_VERDICTS && strcmp(dlv_verdicts[i].word, word) != 0)
    i++;
  return (enum dlv_verdict_id)i;
}

const char *dlv_verdict_relying(const dlv_rows *rows, const char *claim,
                                const char *const *relies_on)
{
  int n_claim = 0, bad[4] = {0, 0, 0, 0};
  for (size_t i = 0; i < rows->n; i++) {
    const dlv_row *r = &rows->rows[i];
    if (strcmp(r->claim, claim) != 0)
      continue;
    n_claim += r->role == DLV_ROLE_CLAIM;
    bad[r->role] += !r->holds;
  }
  /* each verdict's condition; the first that holds, in dlv_verdicts'
   * order, is the verdict */
  const int holds[DLV_N_VERDICTS] = {
      [DLV_V_INCONCLUSIVE] = n_claim == 0 || bad[DLV_ROLE_ACCURACY] ||
                             unmeasured_kernel(rows, claim, relies_on) != NULL,
      [DLV_V_REFUTED] = bad[DLV_ROLE_CLAIM] != 0,
      [DLV_V_QUALIFIED] = bad[DLV_ROLE_NEARBY] != 0,
      [DLV_V_ERRATUM] = bad[DLV_ROLE_ERRATUM] != 0,
      [DLV_V_CONFIRMED] = 1,
  };
  unsigned v = 0;
  while (!holds[v])
    v++;
  return dlv_verdicts[v].word;
}

const char *dlv_verdict(const dlv_rows *rows, const char *claim)
{
  return dlv_verdict_relying(rows, claim, NULL);
}

/* The failed accuracy row of `claim` with the largest err/bound (a NaN
 * ratio counts as the largest), or NULL. */
static const dlv_row *worst_failed_accuracy(const dlv_rows *rows,
                                            const char *claim)
{
  const dlv_row *worst = NULL;
  for (size_t i = 0; i < rows->n; i++) {
    const dlv_row *r = &rows->rows[i];
    if (r->role != DLV_ROLE_ACCURACY || r->holds ||
        strcmp(r->claim, claim) != 0)
      continue;
    if (worst == NULL || isnan(r->ratio) ||
        (!isnan(worst->ratio) && r->ratio > worst->ratio))
      worst = r;
  }
  return worst;
}

/* Appends to buf (size len, terminated) the distinct kernels of the failed
 * accuracy rows of `claim`, ", "-separated, "-" for rows of no kernel. */
static void failed_kernels(const dlv_rows *rows, const char *claim,
                           char *buf, size_t len)
{
  for (size_t i = 0; i < rows->n; i++) {
    const dlv_row *r = &rows->rows[i];
    if (r->role != DLV_ROLE_ACCURACY || r->holds ||
        strcmp(r->claim, claim) != 0)
      continue;
    const char *k = r->kernel[0] != '\0' ? r->kernel : "-";
    int seen = 0;
    for (size_t j = 0; j < i && !seen; j++) {
      const dlv_row *q = &rows->rows[j];
      seen = q->role == DLV_ROLE_ACCURACY && !q->holds &&
             strcmp(q->claim, claim) == 0 &&
             strcmp(q->kernel[0] != '\0' ? q->kernel : "-", k) == 0;
    }
    size_t used = strlen(buf);
    if (!seen && used + 1 < len)
      snprintf(buf + used, len - used, "%s%s", used ? ", " : "", k);
  }
}

void dlv_verdict_reason(const dlv_rows *rows, const char *claim,
                        const char *const *relies_on, char *buf, size_t len)
{
  const char *missing = unmeasured_kernel(rows, claim, relies_on);
  const dlv_row *w = worst_failed_accuracy(rows, claim);
  if (len == 0)
    return;
  buf[0] = '\0';
  if (missing != NULL)
    snprintf(buf, len, "kernel %s is relied on but has no accuracy row",
             missing);
  else if (w != NULL) {
    char kernels[256] = "";
    failed_kernels(rows, claim, kernels, sizeof kernels);
    snprintf(buf, len,
             "failed accuracy rows of kernel(s) %s (worst err/bound %.6g in "
             "%s: %s, %s, kernel %s)",
             kernels, w->ratio, w->check, w->shape, w->quantity,
             w->kernel[0] != '\0' ? w->kernel : "-");
  } else if (strcmp(dlv_verdict_relying(rows, claim, relies_on),
                    DLV_VERDICT_INCONCLUSIVE) == 0)
    snprintf(buf, len, "no claim row");
}

/* Whether err/bound r is worse than the worst so far, w: larger, or NaN
 * (a NaN ratio is a finding, worse than any number; once the worst is NaN
 * it stays NaN). */
static int ratio_worse(double r, double w)
{
  return !isnan(w) && !(r <= w);
}

/* An accuracy row that names a kernel (kernel not empty and not "-"). */
static int kernel_row(const dlv_row *r)
{
  return r->role == DLV_ROLE_ACCURACY && r->kernel[0] != '\0' &&
         strcmp(r->kernel, "-") != 0;
}

static int same_triple(const char *kernel, const char *variant,
                       const char *dtype, const dlv_row *r)
{
  return strcmp(kernel, r->kernel) == 0 && strcmp(variant, r->variant) == 0 &&
         strcmp(dtype, r->dtype) == 0;
}

/* True when a kernel row before row i has row i's kernel x variant x
 * dtype (used only once out[] is full). */
static int triple_seen(const dlv_rows *rows, size_t i)
{
  const dlv_row *r = &rows->rows[i];
  for (size_t q = 0; q < i; q++)
    if (kernel_row(&rows->rows[q]) &&
        same_triple(r->kernel, r->variant, r->dtype, &rows->rows[q]))
      return 1;
  return 0;
}

/* Adds row i to k: counts, and the worst err/bound (NaN is the worst). */
static void kernel_add(dlv_kernel_summary *k, const dlv_rows *rows, size_t i)
{
  const dlv_row *r = &rows->rows[i];
  k->rows++;
  k->failed += !r->ok;
  if (k->rows == 1 || ratio_worse(r->ratio, k->max_ratio)) {
    k->max_ratio = r->ratio;
    k->worst = i;
  }
}

size_t dlv_summarize_kernels(const dlv_rows *rows, dlv_kernel_summary *out,
                             size_t max)
{
  size_t n = 0;
  for (size_t i = 0; i < rows->n; i++) {
    const dlv_row *r = &rows->rows[i];
    if (!kernel_row(r))
      continue;
    size_t j = 0, filled = n < max ? n : max;
    while (j < filled &&
           !same_triple(out[j].kernel, out[j].variant, out[j].dtype, r))
      j++;
    if (j < filled) {
      kernel_add(&out[j], rows, i);
      continue;
    }
    if (n >= max && triple_seen(rows, i))
      continue; /* counted when first seen */
    if (n < max) {
      memset(&out[n], 0, sizeof out[n]);
      dlv_copy_text(out[n].kernel, sizeof out[n].kernel, r->kernel);
      dlv_copy_text(out[n].variant, sizeof out[n].variant, r->variant);
      dlv_copy_text(out[n].dtype, sizeof out[n].dtype, r->dtype);
      kernel_add(&out[n], rows, i);
    }
    n++;
  }
  return n;
}
