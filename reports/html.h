/* html.h: the pieces of the report page shared by its parts: escaped
 * text, number cells, and the anchor of a row's group.
 *
 * Rows are shown grouped by (claim, check, quantity, dtype, bound name,
 * role, kernel, variant), each group by its worst row (largest err/bound);
 * a group's table row has the id "g<i>", i the index of the group's first
 * row in the run's rows, so any row can be linked to the line showing it. */
#ifndef DLV_HTML_H
#define DLV_HTML_H

#include <stdio.h>

#include "evidence.h"

void html_text(FILE *f, const char *s);
void html_cell(FILE *f, const char *s);
/* A number cell: printed with fmt, all 17 digits in the tooltip. */
void html_num(FILE *f, double v, const char *fmt);

int dlv_same_group(const dlv_row *a, const dlv_row *b);
/* The index of the first row of r's group in rows. */
size_t dlv_group_anchor(const dlv_rows *rows, const dlv_row *r);

/* A number cell for row r's figure v (err/bound or ulps) with "%.6g" and a
 * link to the line showing r; "-" when r is NULL. */
void html_row_num(FILE *f, const dlv_rows *rows, const dlv_row *r, double v);

/* The cells value, reference (printed with value_fmt), err, bound, bound
 * name and err/bound (%.6g) of r. */
void html_measure_cells(FILE *f, const dlv_row *r, const char *value_fmt);

/* The kernel cell: "kernel variant", or "-". */
void html_kernel_cell(FILE *f, const dlv_row *r);

/* The ulps cell of r: the number where ulps mean something
 * (dlv_ulps_meaningful), else "-" with the reason in the tooltip. */
void html_ulps(FILE *f, const dlv_row *r);

/* The CSS class of a verdict word. */
const char *dlv_verdict_class(const char *verdict);

/* The failed-rows table: its header (13 columns), and the rows of claim
 * that are not ok, at most max (0: all), each linked to its group; returns
 * how many failed rows the claim has. */
#define DLV_FAILED_COLUMNS 13
void html_failed_header(FILE *f);
size_t html_failed_rows(FILE *f, const dlv_rows *rows, const char *claim,
                        size_t max);

/* "check [shape] quantity" of r, escaped. */
void html_row_name(FILE *f, const dlv_row *r);

#endif
