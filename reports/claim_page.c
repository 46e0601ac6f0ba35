/* claim_page.c: one claim's section of the page (see claim_page.h): the
 * verdict and its explanation, the exam's question and printed answer,
 * failed rows, plots, the senses measured (claim and nearby rows), the
 * caveat, the errata and, folded, the accuracy rows. */
#include <stdlib.h>
#include <string.h>

#include "claim_page.h"
#include "html.h"

struct claim_ctx {
  const dlv_rows *rows;
  const dlv_plots *plots;
};

static int in_claim(const dlv_row *r, const char *id)
{
  return strcmp(r->claim, id) == 0;
}

/* ---- per claim: groups of rows ------------------------------------------ */

/* Rows of one group (html.h), shown by the worst. */
struct group {
  const dlv_row *first, *worst;
  size_t first_index; /* of first in the run's rows: the anchor g<i> */
  size_t count, not_ok, holding;
};

static void group_add(struct group *g, const dlv_row *r)
{
  g->count++;
  g->not_ok += !r->ok;
  g->holding += r->holds != 0;
  if (g->worst == NULL || !(r->ratio <= g->worst->ratio))
    g->worst = r; /* a NaN ratio is the worst */
}

/* The groups of claim id, in order of first appearance; *ng set. */
static struct group *make_groups(const dlv_rows *rows, const char *id,
                                 size_t *ng)
{
  struct group *g = calloc(rows->n ? rows->n : 1, sizeof *g);
  *ng = 0;
  for (size_t i = 0; g != NULL && i < rows->n; i++) {
    const dlv_row *x = &rows->rows[i];
    if (!in_claim(x, id))
      continue;
    size_t k = 0;
    while (k < *ng && !dlv_same_group(g[k].first, x))
      k++;
    if (k == *ng) {
      g[k].first = x;
      g[k].first_index = i;
      ++*ng;
    }
    group_add(&g[k], x);
  }
  return g;
}

static void html_group_header(FILE *f)
{
  fputs("<tr><th>quantity</th><th>check</th><th>kernel</th><th>dtype</th>"
        "<th>role</th><th>rows</th><th>holding</th><th>worst row's shape"
        "</th><th>value</th><th>reference</th><th>err</th><th>bound</th>"
        "<th>bound name</th><th>err/bound</th><th>ulps</th><th>ok</th>"
        "</tr>\n",
        f);
}

/* One group: counts, then its worst row's numbers; the anchor g<i> only
 * where with_id (a group shown twice is linked to its first table). */
static void html_group_row(FILE *f, const struct group *g, int with_id)
{
  const dlv_row *w = g->worst;
  if (with_id)
    fprintf(f, "<tr id=\"g%zu\"", g->first_index);
  else
    fputs("<tr", f);
  fprintf(f, "%s>", g->not_ok ? " class=\"fail\"" : "");
  html_cell(f, w->quantity);
  html_cell(f, w->check);
  html_kernel_cell(f, w);
  html_cell(f, w->dtype);
  html_cell(f, dlv_role_name(w->role));
  fprintf(f, "<td class=\"num\">%zu</td><td class=\"num\">%zu</td>",
          g->count, g->holding);
  html_cell(f, w->shape);
  html_measure_cells(f, w, "%.6g");
  html_ulps(f, w);
  fprintf(f, "<td>%s</td></tr>\n", g->not_ok ? "FAILED" : "ok");
}

/* The table of the groups whose role is in the mask (1 << role) and, if
 * only is not NULL, whose key's qid is one of its ids (dlv_qid_in; such a
 * table repeats groups shown elsewhere, so its rows carry no anchor). */
static size_t html_groups(FILE *f, const struct group *g, size_t ng,
                          unsigned roles, const char *only, const char *cls)
{
  size_t shown = 0;
  for (size_t k = 0; k < ng; k++) {
    if (!(roles & (1u << g[k].first->role)) ||
        (only && !dlv_qid_in(g[k].first, only)))
      continue;
    if (shown++ == 0) {
      fprintf(f, "<table class=\"%s\">\n", cls);
      html_group_header(f);
    }
    html_group_row(f, &g[k], only == NULL);
  }
  if (shown)
    fputs("</table>\n", f);
  return shown;
}

/* ---- per claim: the verdict explained ------------------------------------ */

struct tally {
  size_t total[4], held[4];
  const dlv_row *worst_claim; /* largest err/bound among claim rows */
};

static struct tally tally(const dlv_rows *rows, const char *id)
{
  struct tally t = {{0}, {0}, NULL};
  for (size_t i = 0; i < rows->n; i++) {
    const dlv_row *x = &rows->rows[i];
    if (!in_claim(x, id))
      continue;
    t.total[x->role]++;
    t.held[x->role] += x->holds != 0;
    if (x->role == DLV_ROLE_CLAIM &&
        (t.worst_claim == NULL || !(x->ratio <= t.worst_claim->ratio)))
      t.worst_claim = x;
  }
  return t;
}

static const char *quantity_of(const dlv_row *r) { return r->quantity; }
static const char *kernel_of(const dlv_row *r) { return r->kernel; }

/* The distinct texts field(row) of the rows of role that (do not) hold,
 * at most four, as "a; b; c", each quoted. */
/* The distinct items an explanation names before "; and more". */
enum { EXPLAIN_LIST_MAX = 4 };

static void list_distinct(FILE *f, const dlv_rows *rows, const char *id,
                          enum dlv_role role, int holds,
                          const char *(*field)(const dlv_row *))
{
  const char *seen[EXPLAIN_LIST_MAX];
  size_t n = 0, more = 0;
  for (size_t i = 0; i < rows->n; i++) {
    const dlv_row *x = &rows->rows[i];
    if (!in_claim(x, id) || x->role != role || (x->holds != 0) != holds)
      continue;
    size_t k = 0;
    while (k < n && strcmp(seen[k], field(x)) != 0)
      k++;
    if (k < n)
      continue;
    if (n == EXPLAIN_LIST_MAX) {
      more++;
      continue;
    }
    seen[n++] = field(x);
    fputs(n > 1 ? "; " : "", f);
    fputs("<q>", f);
    html_text(f, field(x));
    fputs("</q>", f);
  }
  if (more)
    fputs("; and more", f);
}

static void list_quantities(FILE *f, const dlv_rows *rows, const char *id,
                            enum dlv_role role, int holds)
{
  list_distinct(f, rows, id, role, holds, quantity_of);
}

/* The first sentence: whether the claim can be judged, and how. */
static void explain_claim(FILE *f, const dlv_rows *rows, const char *id,
                          const struct tally *tl)
{
  const struct tally t = *tl;
  const size_t *T = t.total, *H = t.held;
  if (T[DLV_ROLE_ACCURACY] > H[DLV_ROLE_ACCURACY]) {
    fprintf(f, "%zu of %zu accuracy rows fail, so the claim cannot be "
               "judged: ", T[0] - H[0], T[0]);
    list_quantities(f, rows, id, DLV_ROLE_ACCURACY, 0);
    fputs(". Kernels of the failed rows (\"-\": a reference or solver): ",
          f);
    list_distinct(f, rows, id, DLV_ROLE_ACCURACY, 0, kernel_of);
    fputs(". ", f);
  } else if (T[DLV_ROLE_CLAIM] == 0) {
    fputs("No claim row was recorded, so nothing can be judged. ", f);
  } else if (T[DLV_ROLE_CLAIM] > H[DLV_ROLE_CLAIM]) {
    fprintf(f, "The printed answer fails: %zu of %zu claim rows do not "
               "hold: ", T[1] - H[1], T[1]);
    list_quantities(f, rows, id, DLV_ROLE_CLAIM, 0);
    fputs(". ", f);
  } else {
    fprintf(f, "The printed answer holds in the sense it states: all %zu "
               "claim rows hold", T[1]);
    if (t.worst_claim != NULL)
      fprintf(f, " (worst err/bound %.6g, ", t.worst_claim->ratio);
    if (t.worst_claim != NULL) {
      html_text(f, t.worst_claim->quantity);
      fputs(")", f);
    }
    fprintf(f, ", on kernels, references and solvers whose %zu accuracy "
               "rows all hold. ", T[0]);
  }
}

/* The nearby senses and errata. */
static void explain_others(FILE *f, const dlv_rows *rows, const char *id,
                           const struct tally *t)
{
  const size_t *T = t->total, *H = t->held;
  if (T[DLV_ROLE_NEARBY] > H[DLV_ROLE_NEARBY]) {
    fprintf(f, "It fails in %zu of %zu rows of nearby senses a reader could "
               "assume: ", T[2] - H[2], T[2]);
    list_quantities(f, rows, id, DLV_ROLE_NEARBY, 0);
    fputs(". ", f);
  } else if (T[DLV_ROLE_NEARBY]) {
    fprintf(f, "All %zu rows of nearby senses hold too. ", T[2]);
  }
  if (T[DLV_ROLE_ERRATUM] > H[DLV_ROLE_ERRATUM]) {
    fprintf(f, "The printed text is shown wrong by %zu of %zu erratum rows: ",
            T[3] - H[3], T[3]);
    list_quantities(f, rows, id, DLV_ROLE_ERRATUM, 0);
    fputs(". ", f);
  } else if (T[DLV_ROLE_ERRATUM]) {
    fprintf(f, "All %zu erratum rows hold: the printed text measured "
               "matches the truth. ", T[3]);
  }
}

static void html_explanation(FILE *f, const struct claim_ctx *r,
                             const dlv_claim_result *c)
{
  struct tally t = tally(r->rows, c->info->id);
  fputs("<p class=\"explanation\">", f);
  explain_claim(f, r->rows, c->info->id, &t);
  explain_others(f, r->rows, c->info->id, &t);
  fputs("</p>\n", f);
}

/* ---- per claim: the section ---------------------------------------------- */

static void html_plots(FILE *f, const struct claim_ctx *r, const char *id)
{
  for (size_t i = 0; i < r->plots->n; i++) {
    const dlv_plot *p = &r->plots->plot[i];
    if (strcmp(p->spec->claim, id) != 0)
      continue;
    fprintf(f, "<figure class=\"plot\" id=\"plot-%s\">\n", p->spec->id);
    if (p->svg != NULL)
      fprintf(f, "%s\n", p->svg);
    else if (*r->plots->skipped)
      fputs("<p class=\"skipped\">Plot skipped: gnuplot is not "
            "available.</p>\n", f);
    fprintf(f, "<figcaption>Figure %s (%zu rows). ", p->spec->id, p->rows);
    html_text(f, p->spec->caption);
    fputs(" ", f);
    html_text(f, p->note);
    fputs("</figcaption>\n</figure>\n", f);
  }
}

/* Heading, verdict explained, the exam's words, the failed rows. */
static void html_claim_head(FILE *f, const struct claim_ctx *r,
                            const dlv_claim_result *c)
{
  const char *id = c->info->id;
  fprintf(f, "<section class=\"claim\" id=\"claim-%s\">\n<h2>%s: ", id, id);
  html_text(f, c->info->title);
  fprintf(f, "</h2>\n<p>Verdict: <span class=\"verdict %s\">%s</span> "
             "(%zu rows, %zu failed)</p>\n",
          dlv_verdict_class(c->verdict), c->verdict, c->checks, c->failed);
  html_explanation(f, r, c);
  fputs("<p>The exam asks:</p>\n<blockquote>", f);
  html_text(f, c->info->question);
  fputs("</blockquote>\n<p>Printed answer:</p>\n<blockquote>", f);
  html_text(f, c->info->answer);
  fputs("</blockquote>\n", f);
  if (c->failed) {
    fputs("<h3>Failed rows</h3>\n<table class=\"failed\">\n", f);
    html_failed_header(f);
    html_failed_rows(f, r->rows, id, 0);
    fputs("</table>\n", f);
  }
}

/* The errata: rows that measure the printed text, and slips without
 * numbers. */
static void html_errata(FILE *f, const struct group *g, size_t ng,
                        const dlv_claim_info *info)
{
  fputs("<h3>Errata</h3>\n", f);
  size_t ne = html_groups(f, g, ng, 1u << DLV_ROLE_ERRATUM, NULL, "errata");
  if (*info->errata) {
    fputs("<p>Printed slips that need no numbers: ", f);
    html_text(f, info->errata);
    fputs("</p>\n", f);
  } else if (ne == 0) {
    fputs("<p>None.</p>\n", f);
  }
}

/* Senses, caveat, errata and the folded accuracy rows. */
static void html_claim_tables(FILE *f, const struct claim_ctx *r,
                              const dlv_claim_result *c)
{
  size_t ng;
  struct group *g = make_groups(r->rows, c->info->id, &ng);
  if (g == NULL) {
    fputs("<p>Out of memory: the rows are not shown.</p>\n", f);
    return;
  }
  fputs("<h3>Senses measured</h3>\n", f);
  if (!html_groups(f, g, ng, 1u << DLV_ROLE_CLAIM | 1u << DLV_ROLE_NEARBY,
                   NULL, "senses"))
    fputs("<p>No claim rows.</p>\n", f);
  if (c->info->caveat != NULL) {
    fputs("<h3>Caveat</h3>\n<p>", f);
    html_text(f, c->info->caveat);
    fputs("</p>\n", f);
    html_groups(f, g, ng, ~0u, c->info->caveat_rows, "caveat");
  }
  html_errata(f, g, ng, c->info);
  struct tally t = tally(r->rows, c->info->id);
  fprintf(f, "<details class=\"accuracy\"><summary>Accuracy: %zu rows "
             "(kernels, references and solvers against their references), "
             "%zu hold</summary>\n",
          t.total[DLV_ROLE_ACCURACY], t.held[DLV_ROLE_ACCURACY]);
  html_groups(f, g, ng, 1u << DLV_ROLE_ACCURACY, NULL, "accuracy");
  fputs("</details>\n", f);
  free(g);
}

static void html_claim(FILE *f, const struct claim_ctx *r,
                       const dlv_claim_result *c)
{
  html_claim_head(f, r, c);
  html_plots(f, r, c->info->id);
  html_claim_tables(f, r, c);
  fputs("</section>\n", f);
}

void dlv_html_claim(FILE *f, const dlv_rows *rows, const dlv_plots *plots,
                    const dlv_claim_result *c)
{
  struct claim_ctx r = {rows, plots};
  html_claim(f, &r, c);
}
