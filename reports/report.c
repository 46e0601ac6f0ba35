/* report.c: summary.csv, evidence.csv and index.html (see report.h). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
  const dlv_run_info *run;
};

static void write_summary(FILE *f, const void *ctx)
{
  const struct report *r = ctx;
  fputs("claim,verdict,checks,failed,max_bound_ratio\r\n", f);
  for (size_t i = 0; i < r->n; i++)
    fprintf(f, "%s,%s,%zu,%zu,%.17g\r\n", r->res[i].info->id,
            r->res[i].verdict, r->res[i].checks, r->res[i].failed,
            r->res[i].max_ratio);
}

static void write_evidence(FILE *f, const void *ctx)
{
  const struct report *r = ctx;
  dlv_csv_header(f);
  for (size_t i = 0; i < r->rows->n; i++)
    dlv_csv_row(f, &r->rows->rows[i]);
}

/* ---- HTML ------------------------------------------------------------- */

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
    "body{font-family:sans-serif;max-width:72rem;margin:1rem auto;"
    "padding:0 1rem;color:#111}table{border-collapse:collapse;margin:.5rem 0}"
    "td,th{border:1px solid #999;padding:.2rem .4rem;text-align:left;"
    "font-size:.9rem}td.num{text-align:right;font-family:monospace}"
    ".confirmed{background:#cfc}.erratum{background:#def}"
    ".qualified{background:#ffc}.refuted{background:#fcc}"
    ".fail{background:#fcc;font-weight:bold}"
    "blockquote{border-left:3px solid #999;margin:.3rem 0;padding-left:.6rem}"
    "@media print{.confirmed,.erratum,.qualified,.refuted,.fail"
    "{background:none}}";

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

static void html_header(FILE *f, const struct report *r)
{
  char commit[80];
  git_commit(commit, sizeof commit);
  char cpu[256] = "unknown", line[512];
  FILE *ci = fopen("/proc/cpuinfo", "r");
  while (ci != NULL && fgets(line, sizeof line, ci) != NULL)
    if (strncmp(line, "model name", 10) == 0) {
      char *c = strchr(line, ':');
      snprintf(cpu, sizeof cpu, "%s", c ? c + 2 : line);
      cpu[strcspn(cpu, "\n")] = '\0';
      break;
    }
  if (ci != NULL)
    fclose(ci);
  fprintf(f, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta "
             "charset=\"utf-8\">\n<title>dlverify report</title>\n"
             "<style>%s</style>\n</head>\n<body>\n<h1>dlverify report</h1>\n"
             "<table>\n",
          css);
  const char *keys[] = {"dlverify", "git commit", "date", "compiler",
                        "C flags", "CPU", "GSL", "MPFR", "OpenBLAS"};
  const char *vals[] = {DLV_VERSION, commit, r->run->date,
                        "gcc " __VERSION__, DLV_C_FLAGS, cpu,
                        GSL_VERSION, mpfr_get_version(), openblas_get_config()};
  for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
    fprintf(f, "<tr><th>%s</th><td>", keys[i]);
    html_text(f, vals[i]);
    fputs("</td></tr>\n", f);
  }
  fprintf(f, "<tr><th>MPFR precision</th><td>%ld bits</td></tr>\n"
             "<tr><th>seed</th><td>%lu</td></tr>\n<tr><th>command</th><td>"
             "<code>",
          r->run->mpfr_prec, r->run->seed);
  html_text(f, r->run->command);
  fputs("</code></td></tr>\n</table>\n", f);
}

static void html_failures(FILE *f, const struct report *r)
{
  size_t shown = 0;
  for (size_t i = 0; i < r->n; i++) {
    const dlv_claim_result *c = &r->res[i];
    if (c->failed == 0 && c->exit_status == 0)
      continue;
    if (shown++ == 0)
      fputs("<h2 class=\"fail\">FAILED CHECKS</h2>\n<ul>\n", f);
    fprintf(f, "<li class=\"fail\">%s: %zu failed rows, check exit status %d"
               " %s. Repro: <code>DLV_SEED=%lu ctest --test-dir build -R %s "
               "--output-on-failure</code> or <code>dlverify --claim %s "
               "--seed %lu</code></li>\n",
            c->info->id, c->failed, c->exit_status, c->problem, r->run->seed,
            c->info->check, c->info->id, r->run->seed);
  }
  if (shown)
    fputs("</ul>\n", f);
}

static void html_summary(FILE *f, const struct report *r)
{
  fputs("<h2>Summary</h2>\n<table>\n<tr><th>claim</th><th>title</th>"
        "<th>verdict</th><th>checks</th><th>failed</th>"
        "<th>worst err/bound</th></tr>\n",
        f);
  for (size_t i = 0; i < r->n; i++) {
    const dlv_claim_result *c = &r->res[i];
    fprintf(f, "<tr><td><a href=\"#%s\">%s</a></td><td>", c->info->id,
            c->info->id);
    html_text(f, c->info->title);
    fprintf(f, "</td><td class=\"%s\">%s</td><td class=\"num\">%zu</td>"
               "<td class=\"num%s\">%zu</td><td class=\"num\">%.3g</td></tr>\n",
            verdict_class(c->verdict), c->verdict, c->checks,
            c->failed ? " fail" : "", c->failed, c->max_ratio);
  }
  fputs("</table>\n", f);
}

/* One line per (check, quantity, bound): count, worst ratio and ulps. */
struct group {
  const dlv_row *first;
  size_t count, not_ok, not_holding;
  double max_ratio, max_ulps;
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
  g->not_holding += !r->holds;
  if (!(r->ratio <= g->max_ratio))
    g->max_ratio = r->ratio;
  if (!isnan(r->ulps) && r->ulps > g->max_ulps)
    g->max_ulps = r->ulps;
}

static void html_group_row(FILE *f, const struct group *g)
{
  fprintf(f, "<tr%s><td>", g->not_ok ? " class=\"fail\"" : "");
  html_text(f, g->first->check);
  fputs("</td><td>", f);
  html_text(f, g->first->quantity);
  fprintf(f, "</td><td>%s</td><td>%s</td><td>", g->first->dtype,
          dlv_role_name(g->first->role));
  html_text(f, g->first->bound_name);
  fprintf(f, "</td><td class=\"num\">%zu</td><td class=\"num\">%zu</td>"
             "<td class=\"num\">%.3g</td><td class=\"num\">%.3g</td>"
             "<td>%s</td></tr>\n",
          g->count, g->count - g->not_holding, g->max_ratio, g->max_ulps,
          g->not_ok ? "FAILED" : "ok");
}

/* The failed rows of one claim, in full. */
static void html_failed_rows(FILE *f, const dlv_rows *rows, const char *id)
{
  for (size_t i = 0; i < rows->n; i++) {
    const dlv_row *x = &rows->rows[i];
    if (strcmp(x->claim, id) != 0 || x->ok)
      continue;
    fprintf(f, "<p class=\"fail\">FAILED: ");
    html_text(f, x->check);
    fputs(" ", f);
    html_text(f, x->shape);
    fputs(" ", f);
    html_text(f, x->quantity);
    fprintf(f, ": value %.17g, reference %.17g, err %.3g, bound %.3g (",
            x->value, x->reference, x->err, x->bound);
    html_text(f, x->bound_name);
    fprintf(f, "), ratio %.3g</p>\n", x->ratio);
  }
}

/* The evidence of one claim: failed rows first in full, then one line per
 * (check, quantity, dtype, bound, role) in order of first appearance. */
static void html_evidence(FILE *f, const struct report *r, const char *id)
{
  const dlv_rows *rows = r->rows;
  html_failed_rows(f, rows, id);
  struct group *groups = calloc(rows->n ? rows->n : 1, sizeof *groups);
  size_t ng = 0;
  for (size_t i = 0; groups != NULL && i < rows->n; i++) {
    const dlv_row *x = &rows->rows[i];
    if (strcmp(x->claim, id) != 0)
      continue;
    size_t k = 0;
    while (k < ng && !same_group(groups[k].first, x))
      k++;
    if (k == ng)
      groups[ng++].first = x;
    group_add(&groups[k], x);
  }
  fputs("<table>\n<tr><th>check</th><th>quantity</th><th>dtype</th>"
        "<th>role</th><th>bound</th><th>rows</th><th>holding</th>"
        "<th>worst err/bound</th><th>worst ulps</th><th>ok</th></tr>\n",
        f);
  for (size_t k = 0; k < ng; k++)
    html_group_row(f, &groups[k]);
  fputs("</table>\n", f);
  free(groups);
}

/* The verdict explained from the row counts per role. */
static void html_explanation(FILE *f, const struct report *r, const char *id)
{
  size_t total[4] = {0}, held[4] = {0};
  for (size_t i = 0; i < r->rows->n; i++) {
    const dlv_row *x = &r->rows->rows[i];
    if (strcmp(x->claim, id) == 0) {
      total[x->role]++;
      held[x->role] += x->holds != 0;
    }
  }
  fprintf(f, "<p>Evidence: %zu of %zu accuracy rows hold (kernels and "
             "solvers against their references); %zu of %zu claim rows hold "
             "(the answer in the sense it states); %zu of %zu nearby-sense "
             "rows hold; %zu of %zu erratum rows show the printed text "
             "wrong.</p>\n",
          held[0], total[0], held[1], total[1], held[2], total[2],
          total[3] - held[3], total[3]);
}

static void html_claim(FILE *f, const struct report *r,
                       const dlv_claim_result *c)
{
  fprintf(f, "<h2 id=\"%s\">%s: ", c->info->id, c->info->id);
  html_text(f, c->info->title);
  fprintf(f, "</h2>\n<p>Verdict: <span class=\"%s\"><b>%s</b></span></p>\n"
             "<p>The exam asks:</p><blockquote>",
          verdict_class(c->verdict), c->verdict);
  html_text(f, c->info->question);
  fputs("</blockquote>\n<p>Printed answer:</p><blockquote>", f);
  html_text(f, c->info->answer);
  fputs("</blockquote>\n", f);
  if (*c->info->errata) {
    fputs("<p>Printed slips (no numbers needed): ", f);
    html_text(f, c->info->errata);
    fputs("</p>\n", f);
  }
  html_explanation(f, r, c->info->id);
  html_evidence(f, r, c->info->id);
}

static void write_html(FILE *f, const void *ctx)
{
  const struct report *r = ctx;
  html_header(f, r);
  html_failures(f, r);
  html_summary(f, r);
  for (size_t i = 0; i < r->n; i++)
    html_claim(f, r, &r->res[i]);
  fputs("<p>Every row is in <a href=\"evidence.csv\">evidence.csv</a>; the "
        "summary in <a href=\"summary.csv\">summary.csv</a>.</p>\n"
        "</body>\n</html>\n",
        f);
}

int dlv_write_report(const char *dir, const dlv_claim_result *res, size_t n,
                     const dlv_rows *rows, const dlv_run_info *run, char *err,
                     size_t errlen)
{
  struct report r = {res, n, rows, run};
  if (write_atomically(dir, "evidence.csv", write_evidence, &r, err,
                       errlen) != 0 ||
      write_atomically(dir, "summary.csv", write_summary, &r, err, errlen) !=
          0 ||
      write_atomically(dir, "index.html", write_html, &r, err, errlen) != 0)
    return -1;
  return 0;
}
