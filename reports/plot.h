/* plot.h: the report's plots, drawn by gnuplot from evidence rows.
 *
 * A plot computes nothing: it selects rows and draws one of their columns.
 * A layer selects the rows of its claim whose key has the layer's qid
 * (evidence.h; and, optionally, whose check is named).  The x coordinate
 * is either
 *   - a number in the row's shape, the token `key=number` (rows without
 *     such a token, e.g. "i=1..200", are not drawn), or
 *   - a category: the row's variant and its kernel's operation, the kernel
 *     name after its family's prefix ("direct fwd" from variant "direct",
 *     kernel "conv3d_fwd").
 * A series is one line of a layer: the shape's text before the x token
 * (the case, "quadratic n=6"), plus the dtype when the plot has several.
 * Any check can feed a plot by recording such rows; record-only rows carry
 * bound_name "recorded (no bound)" and bound = +Inf, so they never change
 * a verdict. */
#ifndef DLV_PLOT_H
#define DLV_PLOT_H

#include <stddef.h>

#include "evidence.h"

enum dlv_plot_y {
  DLV_Y_VALUE,     /* value */
  DLV_Y_ERR,       /* err */
  DLV_Y_RATIO,     /* err/bound */
  DLV_Y_DEVIATION  /* value - reference (drawn by gnuplot) */
};

typedef struct {
  const char *qid;      /* rows whose key's qid is this */
  const char *check;    /* and whose check is this, or NULL: any */
  enum dlv_plot_y y;
  const char *label;    /* legend text */
  const char *style;    /* gnuplot `with` clause; a colour in it is kept */
  int mirror;           /* also draw -y (a band +-y) */
  int one_title;        /* one legend entry for all series of the layer */
} dlv_plot_layer;

enum { DLV_LOG_X = 1, DLV_LOG_Y = 2, DLV_PLOT_LAYERS = 3 };

/* A category plot draws its n series side by side, this far apart and
 * centred on the category: series k at the category's position plus
 * DLV_PLOT_SERIES_STEP (k - (n - 1) / 2). */
#define DLV_PLOT_SERIES_STEP 0.14

typedef struct {
  const char *claim;
  const char *id;      /* the figure's id is plot-<id> */
  const char *caption; /* what the plot shows, one or two sentences */
  const char *x_key;   /* shape token giving x, or NULL: categories */
  const char *xlabel, *ylabel;
  unsigned log;        /* DLV_LOG_X | DLV_LOG_Y */
  double xmin, xmax;   /* shown x range; 0, 0: all */
  const char *extra;   /* gnuplot commands (reference lines), or "" */
  dlv_plot_layer layer[DLV_PLOT_LAYERS];
} dlv_plot_spec;

extern const dlv_plot_spec dlv_plot_specs[];
extern const size_t dlv_n_plot_specs;

typedef struct {
  const dlv_plot_spec *spec;
  size_t rows;    /* rows drawn */
  char *svg;      /* inline <svg> element (ids prefixed), or NULL */
  char note[320]; /* rows not drawn and why; why there is no svg */
} dlv_plot;

typedef struct {
  dlv_plot *plot; /* one per spec that has rows */
  size_t n;
  char skipped[160]; /* "" or why no plot was drawn (gnuplot missing) */
} dlv_plots;

/* Draws every plot that has rows, running gnuplot (DLV_GNUPLOT, else
 * gnuplot in PATH) with its scripts and SVG in the directory work and its
 * messages appended to log. */
void dlv_make_plots(const dlv_rows *rows, const char *work, const char *log,
                    dlv_plots *plots);
void dlv_plots_free(dlv_plots *plots);

#endif
