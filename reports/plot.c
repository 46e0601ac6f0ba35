/* plot.c: the plot specifications and their drawing by gnuplot (see
 * plot.h).  Each plot is one gnuplot run: a script with the selected rows
 * as inline data blocks, writing SVG, which is read back, its ids prefixed
 * with the plot's id (several SVGs share one page) and kept for the page. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "env.h"
#include "plot.h"
#include "proc.h"

#define GNUPLOT_TIMEOUT_S 30

static const char ratio_line[] =
    "set arrow from graph 0, first 1 to graph 1, first 1 nohead dt 2 "
    "lw 1.5 lc rgb '#b00000'\n"
    "set label 'err = bound' at graph 0.01, first 1.5 tc rgb '#b00000'\n"
    "set yrange [*:4]\n";
static const char r_one_line[] =
    "set arrow from 1, graph 0 to 1, graph 1 nohead dt 2 lc rgb '#555555'\n"
    "set label 'r = 1' at first 1.01, graph 0.95\n";

const dlv_plot_spec dlv_plot_specs[] = {
#include "plot_registry.inc" /* every checks/claims/<claim>/plots.inc */
};

const size_t dlv_n_plot_specs = sizeof dlv_plot_specs /
                                sizeof dlv_plot_specs[0];

/* ---- selecting rows ---------------------------------------------------- */

enum { MAX_SERIES = 64, MAX_CATS = 64, LABEL_MAX = 96 };

struct series {
  int layer;
  char prefix[64]; /* shape before the x token */
  char dtype[16];
  int colour;
};

struct point {
  double x, a, b; /* x, y (or value and reference for a deviation) */
  int series;
};

struct selection {
  struct series s[MAX_SERIES];
  int ns;
  char cat[MAX_CATS][LABEL_MAX];
  int ncat;
  struct point *p;
  size_t np, cap;
  size_t no_log, outside, other; /* rows matched but not drawn */
  int several_dtypes;
};

/* x from the shape token "key=number"; prefix gets the text before it.
 * Returns 0, or -1 when there is no such token or it is not a number. */
static int shape_x(const char *shape, const char *key, double *x,
                   char *prefix, size_t size)
{
  size_t klen = strlen(key);
  for (const char *t = shape; *t; t++) {
    if ((t != shape && t[-1] != ' ') || strncmp(t, key, klen) != 0 ||
        t[klen] != '=')
      continue;
    char *end;
    *x = strtod(t + klen + 1, &end);
    if (end == t + klen + 1 || (*end != '\0' && *end != ' '))
      return -1;
    size_t n = (size_t)(t - shape);
    while (n > 0 && shape[n - 1] == ' ')
      n--;
    snprintf(prefix, size, "%.*s", (int)n, shape);
    return 0;
  }
  return -1;
}

/* The category of a row: "<variant> <operation>", the operation being the
 * kernel's name after its family prefix ("conv3d_fwd": "fwd"). */
static int category(struct selection *sel, const dlv_row *r)
{
  char c[LABEL_MAX];
  const char *op = strchr(r->kernel, '_');
  snprintf(c, sizeof c, "%s %s", r->variant, op ? op + 1 : r->kernel);
  for (int i = 0; i < sel->ncat; i++)
    if (strcmp(sel->cat[i], c) == 0)
      return i;
  if (sel->ncat == MAX_CATS)
    return -1;
  snprintf(sel->cat[sel->ncat], LABEL_MAX, "%s", c);
  return sel->ncat++;
}

/* The series of (layer, prefix, dtype), added if new.  Its colour is that
 * of the case (prefix, dtype), shared by the case's series in all layers. */
static int series_of(struct selection *sel, int layer, const char *prefix,
                     const char *dtype)
{
  int colour = -1, next = 0;
  for (int i = 0; i < sel->ns; i++) {
    const struct series *s = &sel->s[i];
    int same_case = strcmp(s->prefix, prefix) == 0 &&
                    strcmp(s->dtype, dtype) == 0;
    if (same_case && s->layer == layer)
      return i;
    if (same_case)
      colour = s->colour;
    if (s->colour >= next)
      next = s->colour + 1;
  }
  if (sel->ns == MAX_SERIES)
    return -1;
  struct series *s = &sel->s[sel->ns];
  s->layer = layer;
  snprintf(s->prefix, sizeof s->prefix, "%s", prefix);
  snprintf(s->dtype, sizeof s->dtype, "%s", dtype);
  s->colour = colour >= 0 ? colour : next;
  return sel->ns++;
}

static int push_point(struct selection *sel, struct point pt)
{
  if (sel->np == sel->cap) {
    size_t cap = sel->cap ? 2 * sel->cap : 256;
    struct point *p = realloc(sel->p, cap * sizeof *p);
    if (p == NULL)
      return -1;
    sel->p = p;
    sel->cap = cap;
  }
  sel->p[sel->np++] = pt;
  return 0;
}

/* The drawn y of a row, and the data columns that carry it. */
static double row_y(const dlv_row *r, enum dlv_plot_y y, double *a,
                    double *b)
{
  *b = 0.0;
  switch (y) {
  case DLV_Y_VALUE: *a = r->value; break;
  case DLV_Y_ERR: *a = r->err; break;
  case DLV_Y_RATIO: *a = r->ratio; break;
  case DLV_Y_DEVIATION: *a = r->value, *b = r->reference; return *a - *b;
  }
  return *a;
}

/* Adds row r to the selection as layer l of spec, or counts why not. */
static void select_row(struct selection *sel, const dlv_plot_spec *spec,
                       int l, const dlv_row *r)
{
  const dlv_plot_layer *ly = &spec->layer[l];
  char prefix[64] = "";
  struct point pt = {0.0, 0.0, 0.0, 0};
  if (spec->x_key == NULL) {
    pt.x = category(sel, r);
    if (pt.x < 0) {
      sel->other++;
      return;
    }
  } else if (shape_x(r->shape, spec->x_key, &pt.x, prefix, sizeof prefix)) {
    return; /* not a series row of this plot */
  }
  double y = row_y(r, ly->y, &pt.a, &pt.b);
  int ok_x = !(spec->log & DLV_LOG_X) || pt.x > 0;
  int ok_y = !(spec->log & DLV_LOG_Y) || y > 0;
  if (!isfinite(y) || !isfinite(pt.x)) {
    sel->other++;
    return;
  }
  if (!ok_x || !ok_y) {
    sel->no_log++;
    return;
  }
  if (spec->xmax > spec->xmin && (pt.x < spec->xmin || pt.x > spec->xmax)) {
    sel->outside++;
    return;
  }
  pt.series = series_of(sel, l, prefix, r->dtype);
  if (pt.series < 0 || push_point(sel, pt) != 0)
    sel->other++;
}

static void select_rows(struct selection *sel, const dlv_plot_spec *spec,
                        const dlv_rows *rows, size_t *matched)
{
  const char *dtype = NULL;
  *matched = 0;
  for (size_t i = 0; i < rows->n; i++) {
    const dlv_row *r = &rows->rows[i];
    if (strcmp(r->claim, spec->claim) != 0)
      continue;
    for (int l = 0; l < DLV_PLOT_LAYERS && spec->layer[l].qid; l++) {
      const dlv_plot_layer *ly = &spec->layer[l];
      if (strcmp(dlv_row_qid(r), ly->qid) != 0 ||
          (ly->check && strcmp(r->check, ly->check) != 0))
        continue;
      size_t before = sel->np;
      select_row(sel, spec, l, r);
      if (sel->np > before) {
        ++*matched;
        if (dtype && strcmp(dtype, r->dtype) != 0)
          sel->several_dtypes = 1;
        dtype = r->dtype;
      }
    }
  }
}

static int by_series_then_x(const void *pa, const void *pb)
{
  const struct point *a = pa, *b = pb;
  if (a->series != b->series)
    return a->series - b->series;
  return (a->x > b->x) - (a->x < b->x);
}

/* ---- the gnuplot script ------------------------------------------------ */

/* A gnuplot single-quoted string ('' stands for '). */
static void gp_str(FILE *f, const char *s)
{
  fputc('\'', f);
  for (; *s; s++) {
    if (*s == '\'')
      fputc('\'', f);
    fputc(*s, f);
  }
  fputc('\'', f);
}

/* Okabe-Ito colours, distinguishable with the common colour deficiencies. */
static const char *const palette[] = {"#0072B2", "#D55E00", "#009E73",
                                      "#CC79A7", "#E69F00", "#56B4E9",
                                      "#000000", "#999999"};

static void series_title(char *t, size_t size, const struct selection *sel,
                         const dlv_plot_spec *spec, const struct series *s)
{
  const char *label = spec->layer[s->layer].label;
  const char *dt = sel->several_dtypes ? s->dtype : "";
  snprintf(t, size, "%s%s%s%s%s", label, *label && *s->prefix ? ", " : "",
           s->prefix, (*label || *s->prefix) && *dt ? ", " : "", dt);
}

static void write_axes(FILE *f, const dlv_plot_spec *spec,
                       const struct selection *sel)
{
  fprintf(f, "set terminal svg size 760,440 dynamic noenhanced "
             "font 'sans,12' background '#ffffff' name 'plot_%zu'\n"
             "set encoding utf8\nset key below\nset grid\n"
             "set border lw 1\n",
          (size_t)(spec - dlv_plot_specs));
  fputs("set xlabel ", f);
  gp_str(f, spec->xlabel);
  fputs("\nset ylabel ", f);
  gp_str(f, spec->ylabel);
  fputc('\n', f);
  if (spec->log & DLV_LOG_X)
    fputs("set logscale x\nset format x '%g'\n", f);
  if (spec->log & DLV_LOG_Y)
    fputs("set logscale y\nset format y '%g'\n", f);
  if (spec->xmax > spec->xmin)
    fprintf(f, "set xrange [%.17g:%.17g]\n", spec->xmin, spec->xmax);
  else if (spec->log & DLV_LOG_X) /* tics beyond 1e-323 would round to 0 */
    fputs("set autoscale xfix\n", f);
  if (spec->x_key == NULL) {
    fprintf(f, "set xrange [-0.5:%d.5]\nset xtics rotate by -35 (",
            sel->ncat - 1);
    for (int c = 0; c < sel->ncat; c++) {
      fputs(c ? ", " : "", f);
      gp_str(f, sel->cat[c]);
      fprintf(f, " %d", c);
    }
    fputs(")\nset grid noxtics\n", f);
  }
  fputs(spec->extra, f);
}

/* One data block per series: x, y (or value and reference).  Categories
 * are offset per series so that series sit side by side. */
static void write_data(FILE *f, const struct selection *sel)
{
  size_t i = 0;
  for (int s = 0; s < sel->ns; s++) {
    double off = sel->ncat ? DLV_PLOT_SERIES_STEP * (s - (sel->ns - 1) / 2.0)
                           : 0.0;
    fprintf(f, "$S%d << EOD\n", s);
    for (; i < sel->np && sel->p[i].series == s; i++)
      fprintf(f, "%.17g %.17g %.17g\n", sel->p[i].x + off, sel->p[i].a,
              sel->p[i].b);
    fputs("EOD\n", f);
  }
}

static void write_plot_command(FILE *f, const dlv_plot_spec *spec,
                               const struct selection *sel)
{
  int titled[DLV_PLOT_LAYERS] = {0};
  fputs("plot ", f);
  for (int s = 0; s < sel->ns; s++) {
    const struct series *se = &sel->s[s];
    const dlv_plot_layer *ly = &spec->layer[se->layer];
    const char *y = ly->y == DLV_Y_DEVIATION ? "($2-$3)" : "2";
    for (int m = 0; m <= ly->mirror; m++) {
      fprintf(f, "%s$S%d using 1:%s with %s", s || m ? ", \\\n  " : "", s,
              m ? "(-$2)" : y, ly->style);
      if (strstr(ly->style, "lc ") == NULL)
        fprintf(f, " lc rgb '%s'", palette[se->colour % 8]);
      if (m || (ly->one_title && titled[se->layer])) {
        fputs(" notitle", f);
        continue;
      }
      char t[200];
      series_title(t, sizeof t, sel, spec, se);
      if (ly->one_title)
        snprintf(t, sizeof t, "%s", ly->label);
      fputs(" title ", f);
      gp_str(f, *t ? t : "rows");
      titled[se->layer] = 1;
    }
  }
  fputc('\n', f);
}

/* ---- running gnuplot and reading its SVG -------------------------------- */

static char *read_file(const char *path)
{
  FILE *f = fopen(path, "rb");
  if (f == NULL)
    return NULL;
  char *buf = NULL;
  size_t len = 0;
  FILE *m = open_memstream(&buf, &len);
  char chunk[8192];
  size_t k;
  while (m != NULL && (k = fread(chunk, 1, sizeof chunk, f)) > 0)
    fwrite(chunk, 1, k, m);
  fclose(f);
  if (m != NULL)
    fclose(m);
  return buf;
}

enum { MAX_IDS = 96, ID_MAX = 48 };

static int is_id_char(int c) { return isalnum(c) || c == '_' || c == '-'; }

/* The names of the id attributes in svg. */
static size_t collect_ids(const char *svg, char ids[MAX_IDS][ID_MAX])
{
  size_t n = 0;
  for (const char *p = svg; (p = strstr(p, "id=")) != NULL && n < MAX_IDS;
       p += 3) {
    if ((p[3] != '\'' && p[3] != '"') || (p > svg && is_id_char(p[-1])))
      continue;
    size_t len = strcspn(p + 4, "'\"");
    if (len > 0 && len < ID_MAX)
      snprintf(ids[n++], ID_MAX, "%.*s", (int)len, p + 4);
  }
  return n;
}

/* The <svg> element of gnuplot's output with every id and every #id
 * reference prefixed, and its <title> replaced. */
static char *inline_svg(const char *doc, const char *prefix,
                        const char *title)
{
  static char ids[MAX_IDS][ID_MAX];
  const char *p = strstr(doc, "<svg");
  if (p == NULL)
    return NULL;
  size_t nid = collect_ids(p, ids);
  char *buf = NULL;
  size_t len = 0;
  FILE *m = open_memstream(&buf, &len);
  if (m == NULL)
    return NULL;
  while (*p) {
    if (strncmp(p, "<title>Gnuplot</title>", 22) == 0) {
      fprintf(m, "<title>%s</title>", title);
      p += 22;
      continue;
    }
    int quoted_id = strncmp(p, "id=", 3) == 0 && (p[3] == '\'' ||
                                                  p[3] == '"');
    if (quoted_id || *p == '#') {
      size_t skip = quoted_id ? 4 : 1, len_id = 0;
      while (is_id_char(p[skip + len_id]))
        len_id++;
      for (size_t i = 0; i < nid; i++)
        if (strlen(ids[i]) == len_id &&
            strncmp(p + skip, ids[i], len_id) == 0) {
          fprintf(m, "%.*s%s-", (int)skip, p, prefix);
          p += skip;
          break;
        }
    }
    fputc(*p++, m);
  }
  fclose(m);
  return buf;
}

static void note_append(dlv_plot *pl, const char *fmt, size_t count,
                        const char *what)
{
  if (count == 0)
    return;
  size_t len = strlen(pl->note);
  snprintf(pl->note + len, sizeof pl->note - len, fmt, count, what);
}

/* Runs gnuplot on the script; returns its exit status (127: not found). */
static int run_gnuplot(const char *script, const char *svg, const char *log,
                       char *problem, size_t size)
{
  const char *argv[] = {dlv_env_get()->gnuplot, NULL};
  dlv_proc p = {argv, NULL, script, svg, log, GNUPLOT_TIMEOUT_S};
  return dlv_run(&p, problem, size);
}

/* Draws one plot from its selection; sets plots->skipped when gnuplot
 * cannot be run at all. */
static void draw(dlv_plot *pl, const struct selection *sel, const char *work,
                 const char *log, dlv_plots *plots)
{
  const dlv_plot_spec *spec = pl->spec;
  char script[4200], svg[4200], problem[160];
  snprintf(script, sizeof script, "%s/plot-%s.gp", work, spec->id);
  snprintf(svg, sizeof svg, "%s/plot-%s.svg", work, spec->id);
  FILE *f = fopen(script, "w");
  if (f == NULL) {
    snprintf(pl->note, sizeof pl->note, "Not drawn: cannot write %s.",
             script);
    return;
  }
  write_axes(f, spec, sel);
  write_data(f, sel);
  write_plot_command(f, spec, sel);
  fclose(f);
  int status = run_gnuplot(script, svg, log, problem, sizeof problem);
  if (status == 127) {
    snprintf(plots->skipped, sizeof plots->skipped,
             "gnuplot could not be run %s; install gnuplot-nox", problem);
    return;
  }
  char *doc = status == 0 ? read_file(svg) : NULL;
  char prefix[64];
  snprintf(prefix, sizeof prefix, "plot-%s", spec->id);
  pl->svg = doc ? inline_svg(doc, prefix, spec->id) : NULL;
  free(doc);
  if (pl->svg == NULL) {
    size_t len = strlen(pl->note);
    snprintf(pl->note + len, sizeof pl->note - len,
             " Not drawn: gnuplot exit status %d %s (logs/gnuplot.log).",
             status, problem);
  }
}

void dlv_make_plots(const dlv_rows *rows, const char *work, const char *log,
                    dlv_plots *plots)
{
  *plots = (dlv_plots){calloc(dlv_n_plot_specs, sizeof(dlv_plot)), 0, ""};
  for (size_t i = 0; plots->plot && i < dlv_n_plot_specs; i++) {
    struct selection *sel = calloc(1, sizeof *sel);
    size_t matched;
    if (sel == NULL)
      break;
    select_rows(sel, &dlv_plot_specs[i], rows, &matched);
    size_t not_drawn = sel->no_log + sel->outside + sel->other;
    if (matched + not_drawn > 0) {
      dlv_plot *pl = &plots->plot[plots->n++];
      pl->spec = &dlv_plot_specs[i];
      pl->rows = sel->np;
      note_append(pl, "%zu rows %s. ", sel->no_log,
                  "with y <= 0 (e.g. err = 0 exactly) are not drawn on the "
                  "log axis");
      note_append(pl, "%zu rows %s. ", sel->outside,
                  "lie outside the x range shown");
      note_append(pl, "%zu rows %s. ", sel->other,
                  "are not drawn (not finite, or too many series)");
      qsort(sel->p, sel->np, sizeof *sel->p, by_series_then_x);
      if (sel->np > 0 && !*plots->skipped)
        draw(pl, sel, work, log, plots);
    }
    free(sel->p);
    free(sel);
  }
}

void dlv_plots_free(dlv_plots *plots)
{
  for (size_t i = 0; i < plots->n; i++)
    free(plots->plot[i].svg);
  free(plots->plot);
  *plots = (dlv_plots){NULL, 0, ""};
}
