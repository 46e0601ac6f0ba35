/* merge.c: several reports' evidence as one (see merge.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "baseline.h"
#include "gate_report.h"
#include "merge.h"

#define MAX_SHARDS (1UL << 20)

/* A gate row's "shard=I/N MODE" (the first words of its shape). */
typedef struct {
  unsigned long i, n;
  char mode[16];
} shard_of_row;

static int parse_shard(const dlv_row *r, shard_of_row *s)
{
  const char *p = strstr(r->shape, "shard=");
  return p != NULL &&
                 sscanf(p, "shard=%lu/%lu %15s", &s->i, &s->n, s->mode) == 3
             ? 0
             : -1;
}

/* 1 when rows (before index end) hold a row of claim. */
static int has_claim(const dlv_rows *rows, size_t end, const char *claim)
{
  for (size_t i = 0; i < end; i++)
    if (strcmp(rows->rows[i].claim, claim) == 0)
      return 1;
  return 0;
}

/* The same entry and shard as r in rows[0..end). */
static const dlv_row *same_shard(const dlv_rows *rows, size_t end,
                                 const dlv_row *r, const shard_of_row *s)
{
  for (size_t i = 0; i < end; i++) {
    shard_of_row t;
    const dlv_row *q = &rows->rows[i];
    if (dlv_is_gate_row(q) && strcmp(q->check, r->check) == 0 &&
        parse_shard(q, &t) == 0 && t.i == s->i && t.n == s->n)
      return q;
  }
  return NULL;
}

/* Checks a gate row against the gate rows merged before it: its shard
 * parses, the count and mode agree, the shard is new.  0, or 2. */
static int check_gate_row(const dlv_rows *rows, size_t end, const dlv_row *r,
                          shard_of_row *first, const char *dir, char *err,
                          size_t errlen)
{
  shard_of_row s;
  if (parse_shard(r, &s) != 0 || s.n == 0 || s.i >= s.n || s.n > MAX_SHARDS) {
    snprintf(err, errlen, "%s: gate row %s: no shard=I/N MODE in '%s'", dir,
             r->check, r->shape);
    return 2;
  }
  if (first->n == 0)
    *first = s;
  if (s.n != first->n || strcmp(s.mode, first->mode) != 0) {
    snprintf(err, errlen, "%s: gate shards of %lu %s and of %lu %s cannot "
             "be merged", dir, s.n, s.mode, first->n, first->mode);
    return 2;
  }
  if (same_shard(rows, end, r, &s) != NULL) {
    snprintf(err, errlen, "%s: shard %lu/%lu of %s is in two reports", dir,
             s.i, s.n, r->check);
    return 2;
  }
  return 0;
}

/* Appends report k's rows (read into got) that the merge takes; the
 * claims held by the reports before it (rows[0..before)) are skipped. */
static int take_rows(dlv_rows *rows, const dlv_rows *got, size_t before,
                     shard_of_row *first, const char *dir, char *err,
                     size_t errlen)
{
  for (size_t i = 0; i < got->n; i++) {
    const dlv_row *r = &got->rows[i];
    if (rows->n > 0 && r->seed != rows->rows[0].seed) {
      snprintf(err, errlen, "%s: seed %lu, another report's is %lu", dir,
               r->seed, rows->rows[0].seed);
      return 2;
    }
    if (dlv_is_gate_row(r)) {
      int status = check_gate_row(rows, rows->n, r, first, dir, err, errlen);
      if (status != 0)
        return status;
    } else if (has_claim(rows, before, r->claim)) {
      continue;
    }
    if (dlv_rows_push(rows, r) != 0) {
      snprintf(err, errlen, "out of memory");
      return 3;
    }
  }
  return 0;
}

/* A failed gate row for each shard of which no row was merged. */
static int note_missing_shards(dlv_rows *rows, const shard_of_row *first,
                               char *err, size_t errlen)
{
  if (first->n == 0)
    return 0;
  unsigned char *seen = calloc(first->n, 1);
  if (seen == NULL) {
    snprintf(err, errlen, "out of memory");
    return 3;
  }
  for (size_t i = 0; i < rows->n; i++) {
    shard_of_row s;
    if (dlv_is_gate_row(&rows->rows[i]) &&
        parse_shard(&rows->rows[i], &s) == 0)
      seen[s.i] = 1;
  }
  int status = 0;
  for (unsigned long i = 0; i < first->n && status == 0; i++) {
    char shard[64];
    snprintf(shard, sizeof shard, "shard=%lu/%lu %s", i, first->n,
             first->mode);
    if (!seen[i] && dlv_gate_add_failure(rows, rows->rows[0].seed, shard,
                                         "missing: no merged report holds it",
                                         "every shard merged (0: missing)"))
      status = 3;
  }
  free(seen);
  if (status)
    snprintf(err, errlen, "out of memory");
  return status;
}

int dlv_merge_reports(char *const *dirs, size_t n, dlv_rows *rows, char *err,
                      size_t errlen)
{
  shard_of_row first = {0, 0, ""};
  int status = 0;
  for (size_t k = 0; k < n && status == 0; k++) {
    dlv_rows got = {0};
    char why[4400];
    if (dlv_report_rows(dirs[k], &got, why, sizeof why) != 0) {
      snprintf(err, errlen, "--merge: %s", why);
      status = 2;
    } else {
      status = take_rows(rows, &got, rows->n, &first, dirs[k], err, errlen);
    }
    dlv_rows_free(&got);
  }
  return status ? status : note_missing_shards(rows, &first, err, errlen);
}
