/* baseline.h: this run against an earlier report (dlverify --baseline DIR).
 *
 * Rows are matched by a stable key: (claim, check, dtype, shape up to its
 * detail (DLV_SHAPE_DETAIL), quantity, kernel, backend (another library's;
 * dlverify's own rows, "builtin", "reference+builtin" or "-", count as
 * one), variant), the k-th row of a key in this run with the k-th row of
 * that key in the baseline.  A row of this run is
 *   a new failure  when it is not ok and its baseline row was ok or does
 *                  not exist;
 *   grown          when it must hold (accuracy or claim role), has a finite
 *                  bound, was matched, and its err/bound is more than
 *                  DLV_GROWTH times the baseline's (from 0: any error),
 *                  even while still within its bound.
 * Counts are over the rows a dlv_filter selects (per claim, per kernel). */
#ifndef DLV_BASELINE_H
#define DLV_BASELINE_H

#include <stddef.h>

#include "evidence.h"
#include "select.h"

#define DLV_GROWTH 2.0

enum { DLV_NEW_FAILURE = 1, DLV_GROWN = 2 };

typedef struct {
  const char *dir;       /* NULL: no baseline */
  dlv_rows rows;         /* the baseline's evidence rows */
  unsigned char *flag;   /* per row of this run: DLV_NEW_FAILURE | DLV_GROWN */
  const dlv_row **match; /* per row of this run: its baseline row or NULL */
  size_t unmatched;      /* baseline rows with no row in this run */
} dlv_baseline;

/* Appends the rows of DIR/evidence.csv (an earlier report) to rows.
 * Returns 0, or -1 with a message naming the file in err. */
int dlv_report_rows(const char *dir, dlv_rows *rows, char *err,
                    size_t errlen);

/* Reads DIR/evidence.csv.  Returns 0, or -1 with a message in err. */
int dlv_baseline_load(const char *dir, dlv_baseline *b, char *err,
                      size_t errlen);
/* Matches the rows of this run with the baseline's and sets the flags.
 * Returns 0, or -1 when memory runs out. */
int dlv_baseline_compare(dlv_baseline *b, const dlv_rows *now);
/* How many rows of now that f selects carry the flag (0 without a
 * baseline). */
size_t dlv_baseline_count(const dlv_baseline *b, const dlv_rows *now,
                          const dlv_filter *f, unsigned flag);
/* 1 when some baseline row was drawn with another seed than seed (its
 * random data then differ from this run's: ratios are not comparable). */
int dlv_baseline_other_seed(const dlv_baseline *b, unsigned long seed);
void dlv_baseline_free(dlv_baseline *b);

#endif
