/* report.c: summary.csv, evidence.csv and index.html (see report.h).
 *
 * The page, top to bottom: a one-line status; the failed checks with their
 * repro lines (only when something failed); what was verified and where;
 * the summary table; then one section per claim: verdict and its
 * explanation, the exam's question and printed answer, failed rows, plots,
 * the senses measured (claim and nearby rows), the errata and, folded, the
 * accuracy rows.  Rows are shown grouped by (check, quantity, dtype, bound,
 * role), each group by its worst row (largest err/bound). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <gsl/gsl_version.h>
#include <mpfr.h>

#include "build_info.h"
#include "report.h"

char *openblas_get_config(void);

typedef void (*writer_fn)(FILE *f, const void *ctx);

/* Writes dir/name through dir/.name.tmp and a rename. */
static int write_atomically(const char *dir, const char *name, writer_fn fn,
                            const void *ctx, char *err, size_t errlen)
{
  char path[4096], tmp[4200];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  snprintf(tmp, sizeof tmp, "%s/.%s.tmp.%ld", dir, name, (long)getpid());
  FILE *f = fopen(tmp, "wb");
  if (f == NULL) {
    snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
    return -1;
  }
  fn(f, ctx);
  if (ferror(f) | (fclose(f) != 0) || rename(tmp, path) != 0) {
    snprintf(err, errlen, "%s: %s", path, strerror(errno));
    remove(tmp);
    return -1;
  }
  return 0;
}

struct report {
  const dlv_claim_result *res;
  size_t n;
  const dlv_rows *rows;
  const dlv_plots *plots;
  const dlv_run_info *run;
};

static int in_claim(const dlv_row *r, const char *id)
{
  return strcmp(r->claim, id) == 0;
}

static int must_hold(const dlv_row *r)
{
  return r->role == DLV_ROLE_ACCURACY || r->role == DLV_ROLE_CLAIM;
}

/* The largest ulps over the rows of claim id that must hold and have a
 * bound (NaN ulps, "not meaningful", and record-only rows, bound +Inf, are
 * skipped). */
static double worst_ulps(const dlv_rows *rows, const char *id)
{
  double w = 0.0;
  for (size_t i = 0; i < rows->n; i++) {
    const dlv_row *r = &rows->rows[i];
    if (in_claim(r, id) && must_hold(r) && !isinf(r->bound) && r->ulps > w)
      w = r->ulps;
  }
  return w;
}

static int claim_failed(const dlv_claim_result *c)
{
  return c->failed != 0 || c->exit_status != 0 || *c->problem;
}

/* ---- CSV ----------------------------------------------------------------- */

static void write_summary(FILE *f, const void *ctx)
{
  const struct report *r = ctx;
  fputs("claim,verdict,checks,failed,max_bound_ratio,max_ulps\r\n", f);
  for (size_t i = 0; i < r->n; i++) {
    const dlv_claim_result *c = &r->res[i];
    fprintf(f, "%s,%s,%zu,%zu,%.17g,%.17g\r\n", c->info->id, c->verdict,
            c->checks, c->failed, c->max_ratio,
            worst_ulps(r->rows, c->info->id));
  }
}

static void write_evidence(FILE *f, const void *ctx)
{
  const struct report *r = ctx;
  dlv_csv_header(f);
  for (size_t i = 0; i < r->rows->n; i++)
    dlv_csv_row(f, &r->rows->rows[i]);
}

/* ---- HTML helpers -------------------------------------------------------- */

static void html_text(FILE *f, const char *s)
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

/* A table cell with a number: %.3g shown, %.17g in the tooltip. */
static void html_num(FILE *f, double v, const char *fmt)
{
  fprintf(f, "<td class=\"num\" title=\"%.17g\">", v);
  fprintf(f, fmt, v);
  fputs("</td>", f);
}

static void html_cell(FILE *f, const char *s)
{
  fputs("<td>", f);
  html_text(f, s);
  fputs("</td>", f);
}

static const char *verdict_class(const char *v)
{
  if (strcmp(v, DLV_VERDICT_CONFIRMED) == 0)
    return "confirmed";
  if (strcmp(v, DLV_VERDICT_ERRATUM) == 0)
    return "erratum";
  if (strcmp(v, DLV_VERDICT_QUALIFIED) == 0)
    return "qualified";
  return "refuted";
}

static const char *const css =
    "body{font-family:sans-serif;max-width:76rem;margin:1rem auto;"
    "padding:0 1rem;color:#111;line-height:1.35}"
    "table{border-collapse:collapse;margin:.5rem 0}"
    "td,th{border:1px solid #999;padding:.15rem .4rem;text-align:left;"
    "font-size:.85rem;vertical-align:top}"
    "td.num{text-align:right;font-family:monospace;white-space:nowrap}"
    "table.run th{background:#eee}"
    ".verdict{font-weight:bold;padding:.1rem .4rem;border:1px solid #666}"
    ".confirmed{background:#c8f0c8}.erratum{background:#cfe2ff}"
    ".qualified{background:#fff2b3}.refuted{background:#ffc4c4}"
    ".fail{background:#ffc4c4;font-weight:bold}"
    "#failures{border:4px solid #b00000;padding:.2rem 1rem;margin:1rem 0}"
    "#failures h2{color:#b00000;margin:.4rem 0}"
    "p.status{font-size:1.1rem}"
    "blockquote{border-left:3px solid #999;margin:.3rem 0 .3rem 1rem;"
    "padding-left:.6rem;font-style:italic}"
    "section.claim{border-top:2px solid #333;margin-top:2rem}"
    "figure{margin:1rem 0}figure svg{width:100%;max-width:48rem;"
    "height:auto;border:1px solid #ddd}"
    "figcaption{font-size:.85rem;max-width:48rem}"
    "@media print{.confirmed,.erratum,.qualified,.refuted,.fail"
    "{background:none}section.claim{break-before:page}"
    "figure{break-inside:avoid}}";

/* ---- header: status, failures, run information, summary ------------------ */

/* The source tree's commit now (the tree may have moved since configure),
 * else the one recorded at configure time. */
static void git_commit(char *buf, size_t size)
{
  snprintf(buf, size, "%s", DLV_GIT_COMMIT);
  FILE *p = popen("git -C '" DLV_SOURCE_DIR "' rev-parse --short HEAD "
                  "2>/dev/null", "r");
  char line[64];
  if (p != NULL && fgets(line, sizeof line, p) != NULL) {
    line[strcspn(line, "\n")] = '\0';
    snprintf(buf, size, "%s", line);
  }
  if (p != NULL)
    pclose(p);
}

static void cpu_model(char *cpu, size_t size)
{
  char line[512];
  snprintf(cpu, size, "unknown");
  FILE *ci = fopen("/proc/cpuinfo", "r");
  while (ci != NULL && fgets(line, sizeof line, ci) != NULL)
    if (strncmp(line, "model name", 10) == 0) {
      char *c = strchr(line, ':');
      snprintf(cpu, size, "%s", c ? c + 2 : line);
      cpu[strcspn(cpu, "\n")] = '\0';
      break;
    }
  if (ci != NULL)
    fclose(ci);
}

static size_t failed_claims(const struct report *r)
{
  size_t k = 0;
  for (size_t i = 0; i < r->n; i++)
    k += claim_failed(&r->res[i]) != 0;
  return k;
}

static void html_head(FILE *f, const struct report *r)
{
  size_t nf = failed_claims(r);
  fprintf(f, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta "
             "charset=\"utf-8\">\n<title>dlverify report: ");
  if (nf)
    fprintf(f, "%zu of %zu claims FAILED", nf, r->n);
  else
    fprintf(f, "%zu claim%s, every check held", r->n, r->n == 1 ? "" : "s");
  fprintf(f, "</title>\n<style>%s</style>\n</head>\n<body>\n"
             "<h1>dlverify report</h1>\n<p class=\"status\" id=\"status\">",
          css);
  if (nf)
    fprintf(f, "<span class=\"fail\">%zu of %zu claims have FAILED "
               "checks</span> (listed first, below).",
            nf, r->n);
  else
    fprintf(f, "%zu claim%s verified; every check held.", r->n,
            r->n == 1 ? "" : "s");
  fputs("</p>\n", f);
}

/* The failed rows of claim id in full, at most max (0: all); returns how
 * many there are. */
static size_t html_failed_rows(FILE *f, const dlv_rows *rows, const char *id,
                               size_t max)
{
  size_t k = 0;
  for (size_t i = 0; i < rows->n; i++) {
    const dlv_row *x = &rows->rows[i];
    if (!in_claim(x, id) || x->ok)
      continue;
    if (max == 0 || k < max) {
      fputs("<li class=\"fail\">FAILED ", f);
      html_text(f, dlv_role_name(x->role));
      fputs(" row: ", f);
      html_text(f, x->check);
      fputs(" [", f);
      html_text(f, x->shape);
      fputs("] ", f);
      html_text(f, x->quantity);
      fprintf(f, ": value %.17g, reference %.17g, err %.3g, bound %.3g (",
              x->value, x->reference, x->err, x->bound);
      html_text(f, x->bound_name);
      fprintf(f, "), err/bound %.3g; the check expected it to %s</li>\n",
              x->ratio, x->role == DLV_ROLE_ACCURACY ||
                                x->role == DLV_ROLE_CLAIM
                            ? "hold"
                            : "fail");
    }
    k++;
  }
  return k;
}

static void html_failures(FILE *f, const struct report *r)
{
  if (failed_claims(r) == 0)
    return;
  fputs("<section id=\"failures\">\n<h2>FAILED CHECKS</h2>\n", f);
  for (size_t i = 0; i < r->n; i++) {
    const dlv_claim_result *c = &r->res[i];
    if (!claim_failed(c))
      continue;
    fprintf(f, "<p class=\"failed-claim\"><b><a href=\"#claim-%s\">%s</a>"
               "</b>: verdict <span class=\"verdict %s\">%s</span>, %zu "
               "failed rows, check exit status %d%s%s.<br>Repro: <code>"
               "DLV_SEED=%lu ctest --test-dir build -R '^%s$' "
               "--output-on-failure</code> or <code>build/bin/dlverify "
               "--claim %s --seed %lu</code></p>\n<ul>\n",
            c->info->id, c->info->id, verdict_class(c->verdict), c->verdict,
            c->failed, c->exit_status, *c->problem ? " " : "", c->problem,
            r->run->seed,
            c->info->check, c->info->id, r->run->seed);
    size_t k = html_failed_rows(f, r->rows, c->info->id, 5);
    if (k > 5)
      fprintf(f, "<li>... and %zu more failed rows in <a href=\"#claim-%s\">"
                 "%s</a></li>\n", k - 5, c->info->id, c->info->id);
    fputs("</ul>\n", f);
  }
  fputs("</section>\n", f);
}

static void html_run_row(FILE *f, const char *key, const char *val)
{
  fprintf(f, "<tr><th>%s</th><td>", key);
  html_text(f, val);
  fputs("</td></tr>\n", f);
}

static void html_run(FILE *f, const struct report *r)
{
  char commit[80], cpu[256], buf[256];
  git_commit(commit, sizeof commit);
  cpu_model(cpu, sizeof cpu);
  fputs("<h2>What was verified, and where</h2>\n<table class=\"run\">\n", f);
  html_run_row(f, "dlverify", DLV_VERSION);
  html_run_row(f, "git commit", commit);
  html_run_row(f, "date", r->run->date);
  html_run_row(f, "compiler", "gcc " __VERSION__);
  html_run_row(f, "C flags", DLV_C_FLAGS);
  html_run_row(f, "CPU", cpu);
  html_run_row(f, "GSL", GSL_VERSION);
  html_run_row(f, "MPFR", mpfr_get_version());
  html_run_row(f, "OpenBLAS", openblas_get_config());
  snprintf(buf, sizeof buf, "%ld bits", r->run->mpfr_prec);
  html_run_row(f, "MPFR precision", buf);
  snprintf(buf, sizeof buf, "%lu", r->run->seed);
  html_run_row(f, "seed (DLV_SEED)", buf);
  html_run_row(f, "command", r->run->command);
  if (*r->plots->skipped)
    snprintf(buf, sizeof buf, "plots skipped: %s", r->plots->skipped);
  else
    snprintf(buf, sizeof buf, "%zu plot%s drawn by gnuplot (SVG)",
             r->plots->n, r->plots->n == 1 ? "" : "s");
  html_run_row(f, "plots", buf);
  fputs("</table>\n", f);
}

static void html_summary(FILE *f, const struct report *r)
{
  fputs("<h2>Summary</h2>\n<table id=\"summary\">\n<tr><th>claim</th>"
        "<th>title</th><th>verdict</th><th>checks</th><th>failed</th>"
        "<th>worst err/bound</th><th>worst ulps</th></tr>\n",
        f);
  for (size_t i = 0; i < r->n; i++) {
    const dlv_claim_result *c = &r->res[i];
    fprintf(f, "<tr><td><a href=\"#claim-%s\">%s</a></td>", c->info->id,
            c->info->id);
    html_cell(f, c->info->title);
    fprintf(f, "<td class=\"%s\"><b>%s</b></td><td class=\"num\">%zu</td>"
               "<td class=\"num%s\">%zu</td>",
            verdict_class(c->verdict), c->verdict, c->checks,
            c->failed ? " fail" : "", c->failed);
    html_num(f, c->max_ratio, "%.3g");
    html_num(f, worst_ulps(r->rows, c->info->id), "%.3g");
    fputs("</tr>\n", f);
  }
  fputs("</table>\n<p>Verdicts: CONFIRMED (the printed answer holds), "
        "CONFIRMED-WITH-ERRATUM (it holds; the printed derivation, indices "
        "or code are shown wrong), QUALIFIED (it holds as stated and fails "
        "in a nearby sense), REFUTED (it fails), INCONCLUSIVE (a kernel, "
        "reference or solver failed, or nothing was measured).  Worst "
        "err/bound and ulps are over the rows that must hold.</p>\n",
        f);
}

/* ---- per claim: groups of rows ------------------------------------------ */

/* Rows of one (check, quantity, dtype, bound, role), shown by the worst. */
struct group {
  const dlv_row *first, *worst;
  size_t count, not_ok, holding;
};

static int same_group(const dlv_row *a, const dlv_row *b)
{
  return strcmp(a->check, b->check) == 0 &&
         strcmp(a->quantity, b->quantity) == 0 &&
         strcmp(a->dtype, b->dtype) == 0 &&
         strcmp(a->bound_name, b->bound_name) == 0 && a->role == b->role;
}

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
    while (k < *ng && !same_group(g[k].first, x))
      k++;
    if (k == *ng)
      g[(*ng)++].first = x;
    group_add(&g[k], x);
  }
  return g;
}

static void html_group_header(FILE *f)
{
  fputs("<tr><th>quantity</th><th>check</th><th>dtype</th><th>role</th>"
        "<th>rows</th><th>holding</th><th>value</th><th>reference</th>"
        "<th>err</th><th>bound</th><th>bound name</th><th>err/bound</th>"
        "<th>ulps</th><th>ok</th></tr>\n",
        f);
}

/* One group: counts, then its worst row's numbers. */
static void html_group_row(FILE *f, const struct group *g)
{
  const dlv_row *w = g->worst;
  fprintf(f, "<tr%s>", g->not_ok ? " class=\"fail\"" : "");
  html_cell(f, w->quantity);
  html_cell(f, w->check);
  html_cell(f, w->dtype);
  html_cell(f, dlv_role_name(w->role));
  fprintf(f, "<td class=\"num\">%zu</td><td class=\"num\">%zu</td>",
          g->count, g->holding);
  html_num(f, w->value, "%.6g");
  html_num(f, w->reference, "%.6g");
  html_num(f, w->err, "%.3g");
  html_num(f, w->bound, "%.3g");
  html_cell(f, w->bound_name);
  html_num(f, w->ratio, "%.3g");
  html_num(f, w->ulps, "%.3g");
  fprintf(f, "<td>%s</td></tr>\n", g->not_ok ? "FAILED" : "ok");
}

/* True when quantity contains one of the '|'-separated texts of any. */
static int quantity_matches(const char *quantity, const char *any)
{
  while (*any) {
    size_t len = strcspn(any, "|");
    for (const char *q = quantity; *q; q++)
      if (strncmp(q, any, len) == 0)
        return 1;
    any += len + (any[len] == '|');
  }
  return 0;
}

/* The table of the groups whose role is in the mask (1 << role) and, if
 * only is not NULL, whose quantity matches it (quantity_matches). */
static size_t html_groups(FILE *f, const struct group *g, size_t ng,
                          unsigned roles, const char *only, const char *cls)
{
  size_t shown = 0;
  for (size_t k = 0; k < ng; k++) {
    if (!(roles & (1u << g[k].first->role)) ||
        (only && !quantity_matches(g[k].first->quantity, only)))
      continue;
    if (shown++ == 0) {
      fprintf(f, "<table class=\"%s\">\n", cls);
      html_group_header(f);
    }
    html_group_row(f, &g[k]);
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

/* The distinct quantities of the rows of role that (do not) hold, at most
 * four, as "a; b; c". */
static void list_quantities(FILE *f, const dlv_rows *rows, const char *id,
                            enum dlv_role role, int holds)
{
  const char *seen[4];
  size_t n = 0, more = 0;
  for (size_t i = 0; i < rows->n; i++) {
    const dlv_row *x = &rows->rows[i];
    if (!in_claim(x, id) || x->role != role || (x->holds != 0) != holds)
      continue;
    size_t k = 0;
    while (k < n && strcmp(seen[k], x->quantity) != 0)
      k++;
    if (k < n)
      continue;
    if (n == 4) {
      more++;
      continue;
    }
    seen[n++] = x->quantity;
    fputs(n > 1 ? "; " : "", f);
    fputs("<q>", f);
    html_text(f, x->quantity);
    fputs("</q>", f);
  }
  if (more)
    fputs("; and more", f);
}

static void html_explanation(FILE *f, const struct report *r,
                             const dlv_claim_result *c)
{
  const char *id = c->info->id;
  struct tally t = tally(r->rows, id);
  const size_t *T = t.total, *H = t.held;
  fputs("<p class=\"explanation\">", f);
  if (T[DLV_ROLE_ACCURACY] > H[DLV_ROLE_ACCURACY]) {
    fprintf(f, "%zu of %zu accuracy rows fail, so the claim cannot be "
               "judged: ", T[0] - H[0], T[0]);
    list_quantities(f, r->rows, id, DLV_ROLE_ACCURACY, 0);
    fputs(". ", f);
  } else if (T[DLV_ROLE_CLAIM] == 0) {
    fputs("No claim row was recorded, so nothing can be judged. ", f);
  } else if (T[DLV_ROLE_CLAIM] > H[DLV_ROLE_CLAIM]) {
    fprintf(f, "The printed answer fails: %zu of %zu claim rows do not "
               "hold: ", T[1] - H[1], T[1]);
    list_quantities(f, r->rows, id, DLV_ROLE_CLAIM, 0);
    fputs(". ", f);
  } else {
    fprintf(f, "The printed answer holds in the sense it states: all %zu "
               "claim rows hold", T[1]);
    if (t.worst_claim != NULL)
      fprintf(f, " (worst err/bound %.3g, ", t.worst_claim->ratio);
    if (t.worst_claim != NULL) {
      html_text(f, t.worst_claim->quantity);
      fputs(")", f);
    }
    fprintf(f, ", on kernels, references and solvers whose %zu accuracy "
               "rows all hold. ", T[0]);
  }
  if (T[DLV_ROLE_NEARBY] > H[DLV_ROLE_NEARBY]) {
    fprintf(f, "It fails in %zu of %zu rows of nearby senses a reader could "
               "assume: ", T[2] - H[2], T[2]);
    list_quantities(f, r->rows, id, DLV_ROLE_NEARBY, 0);
    fputs(". ", f);
  } else if (T[DLV_ROLE_NEARBY]) {
    fprintf(f, "All %zu rows of nearby senses hold too. ", T[2]);
  }
  if (T[DLV_ROLE_ERRATUM] > H[DLV_ROLE_ERRATUM]) {
    fprintf(f, "The printed text is shown wrong by %zu of %zu erratum rows: ",
            T[3] - H[3], T[3]);
    list_quantities(f, r->rows, id, DLV_ROLE_ERRATUM, 0);
    fputs(". ", f);
  } else if (T[DLV_ROLE_ERRATUM]) {
    fprintf(f, "All %zu erratum rows hold: the printed text measured "
               "matches the truth. ", T[3]);
  }
  fputs("</p>\n", f);
}

/* ---- per claim: the section ---------------------------------------------- */

static void html_plots(FILE *f, const struct report *r, const char *id)
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

static void html_claim(FILE *f, const struct report *r,
                       const dlv_claim_result *c)
{
  const char *id = c->info->id;
  fprintf(f, "<section class=\"claim\" id=\"claim-%s\">\n<h2>%s: ", id, id);
  html_text(f, c->info->title);
  fprintf(f, "</h2>\n<p>Verdict: <span class=\"verdict %s\">%s</span> "
             "(%zu rows, %zu failed)</p>\n",
          verdict_class(c->verdict), c->verdict, c->checks, c->failed);
  html_explanation(f, r, c);
  fputs("<p>The exam asks:</p>\n<blockquote>", f);
  html_text(f, c->info->question);
  fputs("</blockquote>\n<p>Printed answer:</p>\n<blockquote>", f);
  html_text(f, c->info->answer);
  fputs("</blockquote>\n", f);
  if (c->failed) {
    fputs("<h3>Failed rows</h3>\n<ul>\n", f);
    html_failed_rows(f, r->rows, id, 0);
    fputs("</ul>\n", f);
  }
  html_plots(f, r, id);
  size_t ng;
  struct group *g = make_groups(r->rows, id, &ng);
  if (g == NULL)
    return;
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
  fputs("<h3>Errata</h3>\n", f);
  size_t ne = html_groups(f, g, ng, 1u << DLV_ROLE_ERRATUM, NULL, "errata");
  if (*c->info->errata) {
    fputs("<p>Printed slips that need no numbers: ", f);
    html_text(f, c->info->errata);
    fputs("</p>\n", f);
  } else if (ne == 0) {
    fputs("<p>None.</p>\n", f);
  }
  struct tally t = tally(r->rows, id);
  fprintf(f, "<details class=\"accuracy\"><summary>Accuracy: %zu rows "
             "(kernels, references and solvers against their references), "
             "%zu hold</summary>\n",
          t.total[DLV_ROLE_ACCURACY], t.held[DLV_ROLE_ACCURACY]);
  html_groups(f, g, ng, 1u << DLV_ROLE_ACCURACY, NULL, "accuracy");
  fputs("</details>\n</section>\n", f);
  free(g);
}

/* The CSV file build_dir/name as a table, when it exists: results of
 * runs made outside dlverify (the mutation run, the benchmarks), shown as
 * they were written, with their date. */
static void html_csv_file(FILE *f, const struct report *r, const char *name,
                          const char *title, const char *about)
{
  char path[4200];
  snprintf(path, sizeof path, "%s/%s", r->run->build_dir, name);
  FILE *in = fopen(path, "rb");
  struct stat st;
  if (in == NULL || fstat(fileno(in), &st) != 0) {
    if (in != NULL)
      fclose(in);
    return;
  }
  char when[32], fields[32][DLV_CSV_FIELD_MAX];
  strftime(when, sizeof when, "%Y-%m-%d %H:%M UTC", gmtime(&st.st_mtime));
  fprintf(f, "<section id=\"%s\">\n<h2>", name);
  html_text(f, title);
  fputs("</h2>\n<p>", f);
  html_text(f, about);
  fprintf(f, " From <code>%s</code>, written %s.</p>\n<table>\n", name, when);
  int nf, line = 0;
  while ((nf = dlv_csv_read_record(in, fields, 32)) > 0 && line < 1000) {
    fputs("<tr>", f);
    for (int i = 0; i < nf && i < 32; i++) {
      fputs(line ? "<td>" : "<th>", f);
      html_text(f, fields[i]);
      fputs(line ? "</td>" : "</th>", f);
    }
    fputs("</tr>\n", f);
    line++;
  }
  fputs("</table>\n</section>\n", f);
  fclose(in);
}

static void write_html(FILE *f, const void *ctx)
{
  const struct report *r = ctx;
  html_head(f, r);
  html_failures(f, r);
  html_run(f, r);
  html_summary(f, r);
  for (size_t i = 0; i < r->n; i++)
    html_claim(f, r, &r->res[i]);
  html_csv_file(f, r, "mutation.csv", "Mutation run",
                "Each kernel mutant of tools/mutants.txt applied alone, the "
                "claim checks run: KILLED means a check caught it.");
  html_csv_file(f, r, "bench.csv", "Benchmarks",
                "Kernels beside their peers in one run (bench/).");
  fputs("<p>Every row is in <a href=\"evidence.csv\">evidence.csv</a>, the "
        "summary in <a href=\"summary.csv\">summary.csv</a>, each check's "
        "output in logs/.  Tables show each group of rows by its worst row "
        "(largest err/bound); hover a number for all 17 digits.</p>\n"
        "</body>\n</html>\n",
        f);
}

int dlv_write_report(const char *dir, const dlv_claim_result *res, size_t n,
                     const dlv_rows *rows, const dlv_plots *plots,
                     const dlv_run_info *run, char *err, size_t errlen)
{
  struct report r = {res, n, rows, plots, run};
  if (write_atomically(dir, "evidence.csv", write_evidence, &r, err,
                       errlen) != 0 ||
      write_atomically(dir, "summary.csv", write_summary, &r, err, errlen) !=
          0 ||
      write_atomically(dir, "index.html", write_html, &r, err, errlen) != 0)
    return -1;
  return 0;
}
