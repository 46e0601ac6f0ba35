/* t_recount_figures.c: t_report_recount's figures (the rules in its
 * header comment): each plots/plot-<id>.gp against what plot.h's rules
 * make of the evidence (axes, category tics, series and their order,
 * points and their order, offsets, the y drawn, legend titles, colours),
 * each figure's caption on the page, and the run table's count of the
 * plots drawn.  plot.h's specifications (what to plot) are shared with
 * the program; the selection and every figure are worked out here. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plot.h"
#include "t_recount.h"

enum { FIG_SERIES = 64, FIG_CATS = 64, FIG_TEXT = 200,
       FIG_ENTRIES = 2 * FIG_SERIES };

/* A point: x (on a category axis the category's position plus the
 * series' offset), the data columns a and b, and (expected) the y drawn. */
typedef struct {
  double x, a, b, y;
} fig_point;

typedef struct {
  char title[FIG_TEXT]; /* its legend title, "" when drawn without one */
  char kase[FIG_TEXT];  /* its case and dtype: the key of its colour */
  int layer;
  fig_point *p;
  size_t n;
} fig_series;

/* What plot.h's rules make of the evidence for one specification. */
typedef struct {
  fig_series s[FIG_SERIES];
  int n;
  char cat[FIG_CATS][FIG_TEXT]; /* the category axis, in order */
  int ncat;
  size_t drawn, no_log, outside, other; /* the rows selected, by fate */
  char dtype[16];
  int several_dtypes;
} figure;

/* An entry of the plot command: "$S<k> using 1:<y> with <style>[ lc rgb
 * '<colour>'] title '<title>'" or "... notitle". */
typedef struct {
  int block, titled;
  char y[64], colour[16], title[FIG_TEXT];
} fig_entry;

/* What a script draws. */
typedef struct {
  fig_series s[FIG_SERIES]; /* its data blocks $S0, $S1, ... */
  int n;
  char cat[FIG_CATS][FIG_TEXT]; /* its x tics: labels and positions */
  double at[FIG_CATS];
  int ncat;
  fig_entry e[FIG_ENTRIES];
  int ne;
  int has_xrange, logx, logy;
  double xlo, xhi;
} script;

static void fig_add(fig_series *s, const fig_point *pt)
{
  s->p = recount_realloc(s->p, (s->n + 1) * sizeof *s->p);
  s->p[s->n++] = *pt;
}

static void series_free(fig_series *s, int n)
{
  for (int i = 0; i < n; i++)
    free(s[i].p);
}

/* ---- what the evidence makes ------------------------------------------- */

/* plot.h's x: the number of the shape token "key=number" (a token starts
 * the shape or follows a space), the case being the text before it. */
static int token_x(const char *shape, const char *key, double *x,
                   char *before, size_t size)
{
  size_t k = strlen(key);
  for (const char *t = shape; (t = strstr(t, key)) != NULL; t++) {
    if ((t > shape && t[-1] != ' ') || t[k] != '=')
      continue;
    char *end;
    *x = strtod(t + k + 1, &end);
    if (end == t + k + 1 || (*end && *end != ' '))
      return -1;
    int n = (int)(t - shape);
    while (n > 0 && shape[n - 1] == ' ')
      n--;
    snprintf(before, size, "%.*s", n, shape);
    return 0;
  }
  return -1;
}

/* What becomes of a row a layer selects: not a row of the plot (no x
 * token), drawn, or not drawn (y or x not finite, or too many series or
 * categories; not positive on a log axis; outside the x range shown,
 * in this order). */
enum fate { F_NONE, F_DRAWN, F_OTHER, F_NO_LOG, F_OUTSIDE };

/* Row r as a point of layer l (x 0 on a category axis), and its case. */
static enum fate fig_point_of(const dlv_plot_spec *sp, int l,
                              const dlv_row *r, fig_point *pt, char *cas,
                              size_t size)
{
  memset(pt, 0, sizeof *pt);
  *cas = '\0';
  if (sp->x_key && token_x(r->shape, sp->x_key, &pt->x, cas, size) != 0)
    return F_NONE;
  enum dlv_plot_y y = sp->layer[l].y;
  pt->a = y == DLV_Y_ERR ? r->err : y == DLV_Y_RATIO ? r->ratio : r->value;
  pt->b = y == DLV_Y_DEVIATION ? r->reference : 0.0;
  pt->y = y == DLV_Y_DEVIATION ? pt->a - pt->b : pt->a;
  if (!isfinite(pt->y) || !isfinite(pt->x))
    return F_OTHER;
  if (((sp->log & DLV_LOG_X) && sp->x_key && !(pt->x > 0)) ||
      ((sp->log & DLV_LOG_Y) && !(pt->y > 0)))
    return F_NO_LOG;
  if (sp->x_key && sp->xmax > sp->xmin &&
      (pt->x < sp->xmin || pt->x > sp->xmax))
    return F_OUTSIDE;
  return F_DRAWN;
}

/* The category of r ("<variant> <operation>", plot.h) on the axis, which
 * gets it in order of first row; -1 when the axis is full. */
static int fig_category(figure *f, const dlv_row *r)
{
  char c[FIG_TEXT];
  const char *op = strchr(r->kernel, '_');
  snprintf(c, sizeof c, "%s %s", r->variant, op ? op + 1 : r->kernel);
  int k = 0;
  while (k < f->ncat && strcmp(f->cat[k], c) != 0)
    k++;
  if (k == FIG_CATS)
    return -1;
  if (k == f->ncat)
    snprintf(f->cat[f->ncat++], FIG_TEXT, "%s", c);
  return k;
}

/* The series of (layer, case, dtype), added in order of first point;
 * -1 when there are too many. */
static int fig_series_of(figure *f, int l, const char *cas,
                         const char *dtype)
{
  char kase[FIG_TEXT];
  snprintf(kase, sizeof kase, "%s\n%s", cas, dtype);
  int k = 0;
  while (k < f->n && !(f->s[k].layer == l && !strcmp(f->s[k].kase, kase)))
    k++;
  if (k == FIG_SERIES)
    return -1;
  if (k == f->n) {
    memset(&f->s[k], 0, sizeof f->s[k]);
    f->s[k].layer = l;
    snprintf(f->s[k].kase, FIG_TEXT, "%s", kase);
    f->n++;
  }
  return k;
}

/* Row r as layer l of the figure: its category, then its fate counted
 * and, drawn, its point added to its series. */
static void fig_take(const dlv_plot_spec *sp, int l, const dlv_row *r,
                     figure *f)
{
  fig_point pt;
  char cas[FIG_TEXT];
  int cat = sp->x_key ? 0 : fig_category(f, r);
  enum fate fate = fig_point_of(sp, l, r, &pt, cas, sizeof cas);
  int k = fate == F_DRAWN && cat >= 0 ? fig_series_of(f, l, cas, r->dtype)
                                      : -1;
  if (fate == F_NONE)
    return;
  if (fate == F_DRAWN && (cat < 0 || k < 0))
    fate = F_OTHER;
  f->other += fate == F_OTHER;
  f->no_log += fate == F_NO_LOG;
  f->outside += fate == F_OUTSIDE;
  if (fate != F_DRAWN)
    return;
  if (!sp->x_key)
    pt.x = cat;
  fig_add(&f->s[k], &pt);
  f->drawn++;
  f->several_dtypes |= *f->dtype && strcmp(f->dtype, r->dtype) != 0;
  snprintf(f->dtype, sizeof f->dtype, "%s", r->dtype);
}

/* The legend titles: the layer's label, the case, and the dtype when the
 * figure has several ("rows" when all are empty); a layer with one title
 * titles its first series only. */
static void fig_titles(const dlv_plot_spec *sp, figure *f)
{
  int titled[DLV_PLOT_LAYERS] = {0};
  for (int k = 0; k < f->n; k++) {
    const dlv_plot_layer *ly = &sp->layer[f->s[k].layer];
    char *t = f->s[k].title, cas[FIG_TEXT];
    snprintf(cas, sizeof cas, "%s", f->s[k].kase);
    char *dtype = strchr(cas, '\n');
    *dtype++ = '\0';
    const char *parts[3] = {ly->label, cas, f->several_dtypes ? dtype : ""};
    *t = '\0';
    for (int q = 0; q < 3; q++)
      if (*parts[q])
        snprintf(t + strlen(t), FIG_TEXT - strlen(t), "%s%s",
                 *t ? ", " : "", parts[q]);
    if (!*t)
      snprintf(t, FIG_TEXT, "rows");
    if (ly->one_title)
      snprintf(t, FIG_TEXT, "%s", titled[f->s[k].layer] ? "" : ly->label);
    titled[f->s[k].layer] = 1;
  }
}

/* The figure plot.h's rules make of the evidence: the rows of the plot's
 * claim each layer selects, in row order; series in order of first
 * point; on a category axis each series offset from its categories. */
static void fig_expected(const dlv_plot_spec *sp, const dlv_rows *rows,
                         figure *f)
{
  for (size_t i = 0; i < rows->n; i++) {
    const dlv_row *r = &rows->rows[i];
    if (strcmp(r->claim, sp->claim) != 0)
      continue;
    for (int l = 0; l < DLV_PLOT_LAYERS && sp->layer[l].qid; l++)
      if (!strcmp(dlv_row_qid(r), sp->layer[l].qid) &&
          (!sp->layer[l].check || !strcmp(r->check, sp->layer[l].check)))
        fig_take(sp, l, r, f);
  }
  fig_titles(sp, f);
  for (int k = 0; !sp->x_key && k < f->n; k++)
    for (size_t i = 0; i < f->s[k].n; i++)
      f->s[k].p[i].x += DLV_PLOT_SERIES_STEP * (k - (f->n - 1) / 2.0);
}

/* ---- what a script draws ------------------------------------------------ */

/* A gnuplot single-quoted string at s ('' for '), into out; the text
 * after it. */
static const char *gp_string(const char *s, char *out, size_t size)
{
  size_t n = 0;
  for (s++; *s && !(*s == '\'' && s[1] != '\''); s++) {
    if (*s == '\'')
      s++;
    if (n + 1 < size)
      out[n++] = *s;
  }
  out[n] = '\0';
  return *s ? s + 1 : s;
}

/* "set xtics rotate by -35 ('label' position, ...)": the tics. */
static void read_tics(const char *s, script *g)
{
  while ((s = strchr(s, '\'')) != NULL && g->ncat < FIG_CATS) {
    s = gp_string(s, g->cat[g->ncat], FIG_TEXT);
    char *end;
    g->at[g->ncat++] = strtod(s, &end);
    s = end;
  }
}

/* A line before the data: the axes' settings. */
static void read_setting(const char *line, script *g)
{
  static const char tics[] = "set xtics rotate by -35 (";
  g->logx |= strcmp(line, "set logscale x\n") == 0;
  g->logy |= strcmp(line, "set logscale y\n") == 0;
  if (sscanf(line, "set xrange [%lf:%lf]", &g->xlo, &g->xhi) == 2)
    g->has_xrange++;
  if (strncmp(line, tics, strlen(tics)) == 0)
    read_tics(line + strlen(tics), g);
}

/* A line of the plot command: one entry. */
static void read_entry(const char *line, script *g)
{
  const char *d = strstr(line, "$S");
  if (d == NULL || g->ne == FIG_ENTRIES)
    return;
  fig_entry *e = &g->e[g->ne++];
  memset(e, 0, sizeof *e);
  e->block = atoi(d + 2);
  const char *u = strstr(d, " using 1:");
  const char *w = u ? strstr(u, " with ") : NULL;
  if (w != NULL)
    snprintf(e->y, sizeof e->y, "%.*s", (int)(w - u - 9), u + 9);
  const char *lc = w ? strstr(w, " lc rgb '") : NULL;
  if (lc != NULL)
    snprintf(e->colour, sizeof e->colour, "%.*s",
             (int)strcspn(lc + 9, "'"), lc + 9);
  const char *t = strstr(d, " title '");
  if ((e->titled = t != NULL))
    gp_string(t + 7, e->title, FIG_TEXT);
}

/* The script at path: 0, -1 when it is malformed, -2 when absent. */
static int read_script(const char *path, script *g)
{
  FILE *in = fopen(path, "r");
  if (in == NULL)
    return -2;
  char line[8192];
  int k = -1, in_plot = 0, bad = 0;
  while (!bad && fgets(line, sizeof line, in)) {
    fig_point pt = {0, 0, 0, 0};
    if (k >= 0 && strcmp(line, "EOD\n") == 0) {
      k = -1;
    } else if (k >= 0) {
      bad = sscanf(line, "%lf %lf %lf", &pt.x, &pt.a, &pt.b) != 3;
      fig_add(&g->s[k], &pt);
    } else if (line[0] == '$' && strstr(line, " << EOD")) {
      k = atoi(line + 2);
      bad = k != g->n || k >= FIG_SERIES;
      g->n += !bad;
    } else if ((in_plot |= strncmp(line, "plot ", 5) == 0)) {
      read_entry(line, g);
    } else {
      read_setting(line, g);
    }
  }
  fclose(in);
  return bad || k >= 0 ? -1 : 0;
}

/* ---- the y an entry draws ------------------------------------------------ */

static double column(const fig_point *p, long c)
{
  return c == 1 ? p->x : c == 2 ? p->a : c == 3 ? p->b : NAN;
}

static double gp_sum(const char **s, const fig_point *p);

/* A term of a using expression: (sum), -term, $N (column N), a number. */
static double gp_term(const char **s, const fig_point *p)
{
  const char *t = *s;
  char *end;
  if (*t == '(') {
    *s = t + 1;
    double v = gp_sum(s, p);
    if (**s != ')')
      return NAN;
    ++*s;
    return v;
  }
  if (*t == '-') {
    *s = t + 1;
    return -gp_term(s, p);
  }
  int dollar = *t == '$';
  double v = dollar ? column(p, strtol(t + 1, &end, 10)) : strtod(t, &end);
  *s = end;
  return end == t + dollar ? NAN : v;
}

/* Terms joined by + and -, left to right. */
static double gp_sum(const char **s, const fig_point *p)
{
  double v = gp_term(s, p);
  while (**s == '+' || **s == '-') {
    int minus = *(*s)++ == '-';
    double w = gp_term(s, p);
    v = minus ? v - w : v + w;
  }
  return v;
}

/* The y gnuplot draws for "using 1:<y>" at p: a column number, or an
 * expression in parentheses; NaN for anything else. */
static double gp_using(const char *y, const fig_point *p)
{
  char *end;
  if (*y != '(') {
    long c = strtol(y, &end, 10);
    return end == y || *end ? NAN : column(p, c);
  }
  const char *s = y;
  double v = gp_sum(&s, p);
  return *s ? NAN : v;
}

/* ---- comparing -------------------------------------------------------- */

static int point_order(const void *pa, const void *pb)
{
  const fig_point *a = pa, *b = pb;
  if (a->x != b->x)
    return a->x < b->x ? -1 : 1;
  if (a->a != b->a)
    return a->a < b->a ? -1 : 1;
  return (a->b > b->b) - (a->b < b->b);
}

/* A series' points as drawn: in the order lines join them, increasing x. */
static int in_x_order(const fig_series *s)
{
  for (size_t i = 1; i < s->n; i++)
    if (s->p[i].x < s->p[i - 1].x)
      return 0;
  return 1;
}

/* The same points (sorted alike), x to a rounding of the offset. */
static int same_points(const fig_series *w, const fig_series *g)
{
  if (w->n != g->n)
    return 0;
  for (size_t i = 0; i < w->n; i++)
    if (!(fabs(w->p[i].x - g->p[i].x) <= 1e-9) ||
        !same_double(w->p[i].a, g->p[i].a) ||
        !same_double(w->p[i].b, g->p[i].b))
      return 0;
  return 1;
}

/* Entry e draws at each of g's points the y of w's (sorted alike),
 * negated for a mirror. */
static int draws_y(const fig_entry *e, const fig_series *w,
                   const fig_series *g, int mirror)
{
  for (size_t i = 0; i < w->n && i < g->n; i++)
    if (!same_double(gp_using(e->y, &g->p[i]),
                     mirror ? -w->p[i].y : w->p[i].y))
      return 0;
  return 1;
}

/* The entries of block k: the layer's y titled as its series, then, for
 * a mirrored layer, -y without a title. */
static void check_entries(const char *dir, const char *what,
                          const dlv_plot_spec *sp, const fig_series *w,
                          const script *g, int k)
{
  int m = 0, mirror = sp->layer[w->layer].mirror, ok = 1;
  for (int i = 0; i < g->ne; i++) {
    const fig_entry *e = &g->e[i];
    if (e->block != k)
      continue;
    ok &= m <= mirror && draws_y(e, w, &g->s[k], m);
    if (m == 0 && strcmp(e->titled ? e->title : "", w->title))
      problem(dir, what, "a legend title differs from the evidence's");
    ok &= m == 0 || !e->titled;
    m++;
  }
  if (!ok || m != 1 + mirror)
    problem(dir, what, "a series' y drawn differs from its layer's (value "
                       "- reference for a deviation, -y for a mirror)");
}

/* Colours (layers whose style names none): one per case (case and
 * dtype) across layers, and distinct cases distinct while there are at
 * most 8 of them. */
static void check_colours(const char *dir, const char *what,
                          const dlv_plot_spec *sp, const figure *f,
                          const script *g)
{
  int cases = 0;
  for (int k = 0; k < f->n; k++) {
    int q = 0;
    while (q < k && strcmp(f->s[q].kase, f->s[k].kase))
      q++;
    cases += q == k;
  }
  for (int i = 0; i < g->ne; i++)
    for (int j = 0; j < g->ne; j++) {
      const fig_entry *a = &g->e[i], *b = &g->e[j];
      if (a->block >= f->n || b->block >= f->n)
        continue;
      const fig_series *sa = &f->s[a->block], *sb = &f->s[b->block];
      if (strstr(sp->layer[sa->layer].style, "lc ") ||
          strstr(sp->layer[sb->layer].style, "lc "))
        continue;
      int same_case = !strcmp(sa->kase, sb->kase);
      int same = !strcmp(a->colour, b->colour);
      if (same_case ? !same : same && cases <= 8) {
        problem(dir, what, "colours are not one per case");
        return;
      }
    }
}

/* The axes: log scales as the spec says; the x range: the spec's, or on
 * a category axis half a step beyond the first and last category, whose
 * tics are the categories in order at 0, 1, ... */
static void check_axes(const char *dir, const char *what,
                       const dlv_plot_spec *sp, const figure *f,
                       const script *g)
{
  if (g->logx != !!(sp->log & DLV_LOG_X) ||
      g->logy != !!(sp->log & DLV_LOG_Y))
    problem(dir, what, "log axes differ from the specification's");
  int range = !sp->x_key || sp->xmax > sp->xmin;
  double lo = sp->x_key ? sp->xmin : -0.5;
  double hi = sp->x_key ? sp->xmax : f->ncat - 0.5;
  if (g->has_xrange != range || (range && (g->xlo != lo || g->xhi != hi)))
    problem(dir, what, "x range differs");
  int tics = g->ncat == f->ncat;
  for (int c = 0; tics && c < f->ncat; c++)
    tics = !strcmp(g->cat[c], f->cat[c]) && g->at[c] == c;
  if (!tics)
    problem(dir, what, "category tics differ from the categories in order "
                       "of first row");
}

/* The script g against the figure f: axes, then each block k the series
 * k of the evidence (in order of first row): its points in increasing x
 * and the same as the evidence's, its entries, the colours. */
static void fig_compare(const char *dir, const char *what,
                        const dlv_plot_spec *sp, figure *f, script *g)
{
  check_axes(dir, what, sp, f, g);
  if (g->n != f->n) {
    problem(dir, what, "not one data block per series of the evidence");
    return;
  }
  for (int k = 0; k < f->n; k++) {
    if (!in_x_order(&g->s[k]))
      problem(dir, what, "a series' points not in increasing x");
    qsort(f->s[k].p, f->s[k].n, sizeof *f->s[k].p, point_order);
    qsort(g->s[k].p, g->s[k].n, sizeof *g->s[k].p, point_order);
    if (!same_points(&f->s[k], &g->s[k]))
      problem(dir, what, "a series' points or their x offset differ from "
                         "the evidence's");
    check_entries(dir, what, sp, &f->s[k], g, k);
  }
  check_colours(dir, what, sp, f, g);
}

/* ---- the page -------------------------------------------------------- */

/* The figure on the page: there exactly when its layers select rows
 * (drawn or not); its caption's rows drawn and its note's rows not
 * drawn, by reason (none said when there are none). */
static void check_caption(const char *dir, const char *what,
                          const dlv_plot_spec *sp, const figure *f,
                          const char *html)
{
  static const char *const note[3] = {
      " rows with y &lt;= 0", " rows lie outside the x range shown",
      " rows are not drawn (not finite"};
  const size_t count[3] = {f->no_log, f->outside, f->other};
  char want[300];
  snprintf(want, sizeof want, "<figure class=\"plot\" id=\"plot-%s\">",
           sp->id);
  const char *fig = strstr(html, want);
  if ((fig != NULL) != (f->drawn + count[0] + count[1] + count[2] > 0)) {
    problem(dir, what, fig ? "on the page though no row is selected"
                           : "rows selected, not on the page");
    return;
  }
  const char *cap = fig ? strstr(fig, "<figcaption>") : NULL;
  const char *end = cap ? strstr(cap, "</figcaption>") : NULL;
  snprintf(want, sizeof want, "<figcaption>Figure %s (%zu rows). ", sp->id,
           f->drawn);
  if (fig && (end == NULL || strncmp(cap, want, strlen(want))))
    problem(dir, what, "caption's rows drawn differ");
  for (int q = 0; end && q < 3; q++) {
    const char *at = strstr(cap, note[q]), *d = at;
    int said = at != NULL && at < end;
    while (said && d > cap && d[-1] >= '0' && d[-1] <= '9')
      d--;
    if (said != (count[q] > 0) || (said && strtoul(d, NULL, 10) != count[q]))
      problem(dir, what, "caption's rows not drawn differ");
  }
}

/* The run table's plots: "N plot(s) drawn" (every figure drawn), or "X
 * of Y plots FAILED to draw" (Y the figures); nothing when skipped. */
static void check_plots_row(const char *dir, const char *html,
                            size_t drawn, size_t figures)
{
  static const char row[] = "<tr><th>plots</th><td>";
  const char *r = strstr(html, row);
  size_t x, y;
  if (r == NULL) {
    problem(dir, "run table", "no plots row");
    return;
  }
  r += strlen(row);
  if (sscanf(r, "%zu of %zu plots FAILED", &x, &y) == 2 ? y != figures
      : sscanf(r, "%zu plot", &x) == 1 ? x != drawn || x != figures
                                       : strncmp(r, "plots skipped", 13))
    problem(dir, "run table", "plots drawn differ from the figures");
}

/* One figure: its caption and its script (which may be missing when the
 * plots were skipped: without gnuplot, those after the first are not
 * written). */
static void check_plot(const char *dir, const dlv_plot_spec *sp,
                       const dlv_rows *rows, const char *html, figure *f,
                       script *g)
{
  int skipped = strstr(html, "<tr><th>plots</th><td>plots skipped") != NULL;
  char path[4096], what[300];
  memset(f, 0, sizeof *f);
  memset(g, 0, sizeof *g);
  fig_expected(sp, rows, f);
  snprintf(what, sizeof what, "figure plot-%s", sp->id);
  check_caption(dir, what, sp, f, html);
  snprintf(path, sizeof path, "%s/plots/plot-%s.gp", dir, sp->id);
  int read = read_script(path, g);
  if (read == -2 && f->drawn && !skipped)
    problem(dir, what, "not drawn though rows select it");
  else if (read != -2 && !f->drawn)
    problem(dir, what, "drawn without rows to draw");
  else if (read == -1)
    problem(dir, what, "script malformed");
  else if (read == 0)
    fig_compare(dir, what, sp, f, g);
  series_free(f->s, f->n);
  series_free(g->s, g->n);
}

void check_plots(const char *dir, const dlv_rows *rows, const char *html)
{
  figure *f = recount_realloc(NULL, sizeof *f);
  script *g = recount_realloc(NULL, sizeof *g);
  size_t drawn = 0, figures = 0;
  for (size_t i = 0; i < dlv_n_plot_specs; i++) {
    check_plot(dir, &dlv_plot_specs[i], rows, html, f, g);
    drawn += f->drawn > 0;
    figures += f->drawn + f->no_log + f->outside + f->other > 0;
  }
  check_plots_row(dir, html, drawn, figures);
  free(f);
  free(g);
}
