/* html.c: shared pieces of the report page (see html.h). */
#include <string.h>

#include "html.h"
#include "select.h"

void html_text(FILE *f, const char *s)
{
  for (; *s; s++)
    switch (*s) {
    case '<': fputs("&lt;", f); break;
    case '>': fputs("&gt;", f); break;
    case '&': fputs("&amp;", f); break;
    case '"': fputs("&quot;", f); break;
    default: fputc(*s, f);
    }
}

void html_cell(FILE *f, const char *s)
{
  fputs("<td>", f);
  html_text(f, s);
  fputs("</td>", f);
}

void html_num(FILE *f, double v, const char *fmt)
{
  fprintf(f, "<td class=\"num\" title=\"%.17g\">", v);
  fprintf(f, fmt, v);
  fputs("</td>", f);
}

int dlv_same_group(const dlv_row *a, const dlv_row *b)
{
  return strcmp(a->claim, b->claim) == 0 && strcmp(a->check, b->check) == 0 &&
         strcmp(a->quantity, b->quantity) == 0 &&
         strcmp(a->dtype, b->dtype) == 0 &&
         strcmp(a->bound_name, b->bound_name) == 0 && a->role == b->role &&
         strcmp(a->kernel, b->kernel) == 0 &&
         strcmp(a->variant, b->variant) == 0 &&
         strcmp(a->backend, b->backend) == 0;
}

size_t dlv_group_anchor(const dlv_rows *rows, const dlv_row *r)
{
  size_t i = 0;
  while (&rows->rows[i] != r && !dlv_same_group(&rows->rows[i], r))
    i++;
  return i;
}

void html_row_name(FILE *f, const dlv_row *r)
{
  html_text(f, r->check);
  fputs(" [", f);
  html_text(f, r->shape);
  fputs("] ", f);
  html_text(f, r->quantity);
}

void html_row_num(FILE *f, const dlv_rows *rows, const dlv_row *r, double v)
{
  if (r == NULL) {
    fputs("<td class=\"num\">-</td>", f);
    return;
  }
  fprintf(f, "<td class=\"num\"><a href=\"#g%zu\" title=\"%.17g: ",
          dlv_group_anchor(rows, r), v);
  html_row_name(f, r);
  fputs("\">", f);
  fprintf(f, dlv_ratio_format(v), v);
  fputs("</a></td>", f);
}

void html_kernel_cell(FILE *f, const dlv_row *r)
{
  fputs("<td>", f);
  html_text(f, r->kernel);
  if (strcmp(r->variant, "-") != 0 && *r->variant) {
    fputc(' ', f);
    html_text(f, r->variant);
  }
  fputs("</td>", f);
}

void html_ulps(FILE *f, const dlv_row *r)
{
  if (dlv_ulps_meaningful(r))
    html_num(f, r->ulps, "%.3g");
  else
    fprintf(f, "<td class=\"num\" title=\"ulps not meaningful here (no "
               "finite bound, or a bound above 2^20 ulps of the "
               "reference): %.17g\">-</td>",
            r->ulps);
}

const char *dlv_verdict_class(const char *v)
{
  static const char *const cls[DLV_N_VERDICTS] = {
      [DLV_V_CONFIRMED] = "confirmed", [DLV_V_ERRATUM] = "erratum",
      [DLV_V_QUALIFIED] = "qualified", [DLV_V_REFUTED] = "refuted",
      [DLV_V_INCONCLUSIVE] = "refuted"};
  enum dlv_verdict_id id = dlv_verdict_id_of(v);
  return id < DLV_N_VERDICTS ? cls[id] : "refuted";
}

void html_measure_cells(FILE *f, const dlv_row *r, const char *value_fmt)
{
  html_num(f, r->value, value_fmt);
  html_num(f, r->reference, value_fmt);
  html_num(f, r->err, "%.6g");
  html_num(f, r->bound, "%.6g");
  html_cell(f, r->bound_name);
  html_num(f, r->ratio, dlv_ratio_format(r->ratio));
}

void html_failed_header(FILE *f)
{
  fputs("<tr><th>role</th><th>check</th><th>kernel</th><th>dtype</th>"
        "<th>shape</th><th>quantity</th><th>value</th><th>reference</th>"
        "<th>err</th><th>bound</th><th>bound name</th><th>err/bound</th>"
        "<th>expected</th></tr>\n",
        f);
}

static void html_failed_row(FILE *f, const dlv_rows *rows, const dlv_row *x)
{
  fprintf(f, "<tr class=\"fail\"><td><a href=\"#g%zu\">%s</a></td>",
          dlv_group_anchor(rows, x), dlv_role_name(x->role));
  html_cell(f, x->check);
  html_kernel_cell(f, x);
  html_cell(f, x->dtype);
  html_cell(f, x->shape);
  html_cell(f, x->quantity);
  html_measure_cells(f, x, "%.17g");
  /* a row is not ok when it held but was expected to fail, or not */
  html_cell(f, x->holds ? "to fail" : "to hold");
  fputs("</tr>\n", f);
}

size_t html_failed_rows(FILE *f, const dlv_rows *rows, const char *claim,
                        size_t max)
{
  size_t k = 0;
  for (size_t i = 0; i < rows->n; i++) {
    const dlv_row *x = &rows->rows[i];
    if (strcmp(x->claim, claim) != 0 || x->ok)
      continue;
    if (max == 0 || k < max)
      html_failed_row(f, rows, x);
    k++;
  }
  return k;
}
