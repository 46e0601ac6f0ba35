/* report.c: summary.csv, kernels.csv, evidence.csv and index.html (see
 * report.h).
 *
 * The page, top to bottom: a status banner (green when every check held);
 * the failed rows as a table with repro lines (only when something
 * failed, the kernel gate's failures included); what was verified and
 * where (build commit, quick mode, precision, seed, every DLV_* variable
 * set, plots, the reports merged); the claim table beside the kernel table
 * (with the gate cases of each kernel); the comparison with a baseline
 * report; the kernel gate (gate_report.c); then one section per claim
 * (claim_page.c).  Every worst figure names and links
 * the row it comes from. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "build_commit.h"
#include "build_info.h"
#include "claim_page.h"
#include "html.h"
#include "report.h"

extern char **environ;
char *openblas_get_config(void);

typedef void (*writer_fn)(FILE *f, const void *ctx);

/* Writes dir/name (a fresh directory: no temporary name needed); every
 * write is checked.  0, or -1 with a message. */
static int write_file(const char *dir, const char *name, writer_fn fn,
                      const void *ctx, char *err, size_t errlen)
{
  char path[4200];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "wb");
  if (f == NULL) {
    snprintf(err, errlen, "%s: %s", path, strerror(errno));
    return -1;
  }
  fn(f, ctx);
  int bad = fflush(f) != 0 || ferror(f);
  if ((fclose(f) != 0) | bad) {
    snprintf(err, errlen, "%s: %s", path, strerror(errno ? errno : EIO));
    return -1;
  }
  return 0;
}

/* One (kernel, variant, dtype) of the kernel table. */
struct kernel_entry {
  dlv_filter f; /* kernel, variant and dtype set; any claim */
};

struct report {
  const dlv_claim_result *res;
  size_t n;
  const dlv_rows *rows;
  const dlv_plots *plots;
  const dlv_run_info *run;
  struct kernel_entry *kernels;
  size_t n_kernels;
};

int dlv_claim_failed(const dlv_claim_result *c)
{
  return c->failed != 0 || c->exit_status != 0 || *c->problem ||
         (c->verdict != NULL &&
          strcmp(c->verdict, DLV_VERDICT_INCONCLUSIVE) == 0);
}

static dlv_filter claim_filter(const dlv_claim_result *c)
{
  return (dlv_filter){.claim = c->info->id};
}

void dlv_regressions(const dlv_run_info *run, const dlv_rows *rows,
                     const dlv_filter *f, size_t *new_failures,
                     size_t *grown)
{
  *new_failures = dlv_baseline_count(run->baseline, rows, f, DLV_NEW_FAILURE);
  *grown = dlv_baseline_count(run->baseline, rows, f, DLV_GROWN);
}

/* ---- kernel table entries ------------------------------------------------ */

/* A row of one of dlverify's own kernels (another backend's gate rows
 * belong to the backend matrix, not to the kernel table). */
static int measures_kernel(const dlv_row *r)
{
  return *r->kernel && strcmp(r->kernel, "-") != 0 && !dlv_row_foreign(r);
}

static int by_kernel(const void *pa, const void *pb)
{
  const dlv_filter *a = &((const struct kernel_entry *)pa)->f;
  const dlv_filter *b = &((const struct kernel_entry *)pb)->f;
  int c = strcmp(a->kernel, b->kernel);
  c = c ? c : strcmp(a->variant, b->variant);
  return c ? c : strcmp(a->dtype, b->dtype);
}

/* The distinct (kernel, variant, dtype) of the rows, sorted; NULL (and 0)
 * when memory runs out. */
static struct kernel_entry *kernel_entries(const dlv_rows *rows, size_t *n)
{
  struct kernel_entry *k = calloc(rows->n ? rows->n : 1, sizeof *k);
  *n = 0;
  for (size_t i = 0; k != NULL && i < rows->n; i++) {
    const dlv_row *r = &rows->rows[i];
    size_t j = 0;
    while (j < *n && !dlv_filter_match(&k[j].f, r))
      j++;
    if (measures_kernel(r) && j == *n)
      k[(*n)++] = (struct kernel_entry){{NULL, r->kernel, r->variant,
                                         r->dtype}};
  }
  if (k != NULL)
    qsort(k, *n, sizeof *k, by_kernel);
  return k;
}

/* The claims whose rows f selects, as "P3 P4a". */
static void claims_of(const dlv_rows *rows, const dlv_filter *f, char *buf,
                      size_t size)
{
  size_t len = 0;
  *buf = '\0';
  for (size_t i = 0; i < rows->n && len + 20 < size; i++) {
    const dlv_row *r = &rows->rows[i];
    if (!dlv_filter_match(f, r) || strstr(buf, r->claim) != NULL ||
        dlv_is_gate_row(r))
      continue; /* the gate is not a claim: its cases have a column */
    len += (size_t)snprintf(buf + len, size - len, "%s%s", len ? " " : "",
                            r->claim);
  }
}

/* ---- CSV ----------------------------------------------------------------- */

static void csv_row_name(FILE *f, const dlv_row *w)
{
  char name[1024];
  if (w != NULL)
    snprintf(name, sizeof name, "%s [%s] %s", w->check, w->shape, w->quantity);
  fputc(',', f);
  dlv_csv_field(f, w != NULL ? name : "");
}

/* err/bound and ulps of their worst rows (nan: no such row), each with its
 * row, then the regressions. */
static void csv_figures(FILE *f, const struct report *r, const dlv_filter *fl)
{
  const dlv_row *wr = dlv_worst_ratio(r->rows, fl);
  const dlv_row *wu = dlv_worst_ulps(r->rows, fl);
  size_t nf, gr;
  fprintf(f, ",%.17g", wr ? wr->ratio : NAN);
  csv_row_name(f, wr);
  fprintf(f, ",%.17g", wu ? wu->ulps : NAN);
  csv_row_name(f, wu);
  dlv_regressions(r->run, r->rows, fl, &nf, &gr);
  if (r->run->baseline->dir)
    fprintf(f, ",%zu,%zu", nf, gr);
  else
    fputs(",,", f);
}

static void write_summary(FILE *f, const void *ctx)
{
  const struct report *r = ctx;
  fputs("claim,verdict,checks,failed,max_bound_ratio,worst_ratio_row,"
        "max_ulps,worst_ulps_row,new_failures,grown,baseline_verdict,"
        "backend\r\n", f);
  for (size_t i = 0; i < r->n; i++) {
    const dlv_claim_result *c = &r->res[i];
    dlv_filter fl = claim_filter(c);
    fprintf(f, "%s,%s,%zu,%zu", c->info->id, c->verdict, c->checks,
            c->failed);
    csv_figures(f, r, &fl);
    const dlv_baseline *b = r->run->baseline;
    /* claim verdicts come from the references and dlverify's kernels */
    fprintf(f, ",%s,%s\r\n", b->dir ? dlv_verdict(&b->rows, c->info->id) : "",
            DLV_BACKEND_CLAIMS);
  }
}

static void write_kernels(FILE *f, const void *ctx)
{
  const struct report *r = ctx;
  fputs("kernel,variant,dtype,claims,rows,failed,max_bound_ratio,"
        "worst_ratio_row,max_ulps,worst_ulps_row,new_failures,grown,"
        "gate_cases\r\n", f);
  for (size_t i = 0; i < r->n_kernels; i++) {
    const dlv_filter *fl = &r->kernels[i].f;
    char claims[128];
    size_t n, failed;
    claims_of(r->rows, fl, claims, sizeof claims);
    dlv_count(r->rows, fl, &n, &failed);
    dlv_csv_field(f, fl->kernel);
    fputc(',', f);
    dlv_csv_field(f, fl->variant);
    fprintf(f, ",%s,%s,%zu,%zu", fl->dtype, claims, n, failed);
    csv_figures(f, r, fl);
    fprintf(f, ",%lu\r\n", dlv_gate_cases_of(r->rows, fl));
  }
}

/* The run's metadata as the checks recorded it, for --merge. */
static void write_meta(FILE *f, const void *ctx)
{
  const struct report *r = ctx;
  dlv_meta_write(f, r->run->meta);
}

static void write_evidence(FILE *f, const void *ctx)
{
  const struct report *r = ctx;
  dlv_csv_header(f);
  for (size_t i = 0; i < r->rows->n; i++)
    dlv_csv_row(f, &r->rows->rows[i]);
}

/* ---- repro lines and terminal text --------------------------------------- */

/* s, single-quoted when it holds a character the shell would read. */
static void shell_word(char *buf, size_t size, const char *s)
{
  if (*s && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                      "0123456789_./-=+:,@%") == strlen(s)) {
    snprintf(buf, size, "%s", s);
    return;
  }
  size_t len = (size_t)snprintf(buf, size, "'");
  for (; *s && len + 6 < size; s++)
    len += (size_t)snprintf(buf + len, size - len, *s == '\'' ? "'\\''"
                                                              : "%c", *s);
  snprintf(buf + len, size - len, "'");
}

/* The environment that matters for a repro: the seed, and quick mode and
 * precision (as the checks recorded them) when they are not the default. */
static void repro_env(const dlv_run_info *run, char *buf, size_t size)
{
  size_t len = (size_t)snprintf(buf, size, "DLV_SEED=%lu", run->seed);
  if (run->meta && run->meta->quick)
    len += (size_t)snprintf(buf + len, size - len, " DLV_QUICK=1");
  if (run->meta && run->meta->mpfr_prec != DLV_PREC_MIN)
    snprintf(buf + len, size - len, " DLV_MPFR_PREC=%ld",
             run->meta->mpfr_prec);
}

void dlv_repro(const dlv_run_info *run, const dlv_claim_info *c, char *ctest,
               char *dlverify, size_t size)
{
  char env[128], dir[4200], exe[4200];
  repro_env(run, env, sizeof env);
  shell_word(dir, sizeof dir, run->build_dir);
  shell_word(exe, sizeof exe, run->exe);
  snprintf(ctest, size, "%s ctest --test-dir %s -R '^%s$' "
                        "--output-on-failure", env, dir, c->check);
  snprintf(dlverify, size, "%s %s --claim %s --seed %lu", env, exe, c->id,
           run->seed);
}

void dlv_describe_row(const dlv_row *r, char *buf, size_t size)
{
  char ratio[32];
  snprintf(ratio, sizeof ratio, dlv_ratio_format(r->ratio), r->ratio);
  snprintf(buf, size, "FAILED %s row: %s [%s] %s (kernel %s %s, %s): "
                      "value %.17g, reference %.17g, err %.6g, bound %.6g "
                      "(%s), err/bound %s; expected it %s",
           dlv_role_name(r->role), r->check, r->shape, r->quantity,
           r->kernel, r->variant, r->dtype, r->value, r->reference, r->err,
           r->bound, r->bound_name, ratio, r->holds ? "to fail" : "to hold");
}

/* ---- header: status, failures, run information --------------------------- */

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
    "p.status{font-size:1.1rem;padding:.4rem .8rem;border:2px solid #666}"
    "p.status.held{background:#c8f0c8;border-color:#1a7f1a}"
    "p.status.failed{background:#ffc4c4;border-color:#b00000}"
    "div.tables{display:flex;flex-wrap:wrap;gap:1.5rem;align-items:flex-start}"
    "tr.claim-row th{background:#f3d0d0;text-align:left}"
    "blockquote{border-left:3px solid #999;margin:.3rem 0 .3rem 1rem;"
    "padding-left:.6rem;font-style:italic}"
    "section.claim{border-top:2px solid #333;margin-top:2rem}"
    "figure{margin:1rem 0}figure svg{width:100%;max-width:48rem;"
    "height:auto;border:1px solid #ddd}"
    "figcaption{font-size:.85rem;max-width:48rem}"
    "@media print{.confirmed,.erratum,.qualified,.refuted,.fail"
    "{background:none}section.claim{break-before:page}"
    "figure{break-inside:avoid}}";


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
    k += dlv_claim_failed(&r->res[i]) != 0;
  return k;
}

/* Failed rows of the kernel gate (gate_report.h). */
static size_t gate_failed(const struct report *r)
{
  return dlv_gate_failures(r->rows);
}

static void html_head(FILE *f, const struct report *r)
{
  size_t nf = failed_claims(r), ng = gate_failed(r);
  fprintf(f, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta "
             "charset=\"utf-8\">\n<title>dlverify report: ");
  if (nf)
    fprintf(f, "%zu of %zu claims FAILED%s", nf, r->n,
            ng ? ", kernel gate FAILED" : "");
  else if (ng)
    fputs("kernel gate FAILED", f);
  else
    fprintf(f, "%zu claim%s, every check held", r->n, r->n == 1 ? "" : "s");
  fprintf(f, "</title>\n<style>%s</style>\n</head>\n<body>\n"
             "<h1>dlverify report</h1>\n<p class=\"status %s\" "
             "id=\"status\">",
          css, nf || ng ? "failed" : "held");
  if (nf)
    fprintf(f, "<b>%zu of %zu claims have FAILED checks%s</b> (listed "
               "first, below).", nf, r->n,
            ng ? "; the kernel gate FAILED" : "");
  else if (ng)
    fprintf(f, "<b>The kernel gate FAILED</b> (listed first, below); the "
               "checks of the %zu claim%s held.", r->n, r->n == 1 ? "" : "s");
  else
    fprintf(f, "<b>Every check held</b>: %zu claim%s verified, %zu rows.",
            r->n, r->n == 1 ? "" : "s", r->rows->n);
  size_t nfail, grown;
  dlv_filter all = {0};
  dlv_regressions(r->run, r->rows, &all, &nfail, &grown);
  if (r->run->baseline->dir)
    fprintf(f, " Against the baseline: %zu new failures, %zu rows whose "
               "err/bound grew more than %gx (<a href=\"#baseline\">"
               "below</a>).", nfail, grown, DLV_GROWTH);
  fputs("</p>\n", f);
}

/* One failed claim: its heading row in the failure table, then its rows. */
static void html_failed_claim(FILE *f, const struct report *r,
                              const dlv_claim_result *c)
{
  char ctest[8600], dlv[8600];
  dlv_repro(r->run, c->info, ctest, dlv, sizeof ctest);
  fprintf(f, "<tr class=\"claim-row\"><th colspan=\"%d\"><a "
             "href=\"#claim-%s\">%s</a>: verdict <span class=\"verdict "
             "%s\">%s</span>, %zu failed rows, check exit status %d",
          DLV_FAILED_COLUMNS, c->info->id, c->info->id,
          dlv_verdict_class(c->verdict), c->verdict, c->failed,
          c->exit_status);
  fputs(*c->problem ? " " : "", f);
  html_text(f, c->problem);
  fputs(".<br>Repro: <code>", f);
  html_text(f, ctest);
  fputs("</code> or <code>", f);
  html_text(f, dlv);
  fputs("</code></th></tr>\n", f);
  size_t k = html_failed_rows(f, r->rows, c->info->id, 5);
  if (k > 5)
    fprintf(f, "<tr><td colspan=\"%d\">... and %zu more failed rows in "
               "<a href=\"#claim-%s\">%s</a></td></tr>\n",
            DLV_FAILED_COLUMNS, k - 5, c->info->id, c->info->id);
}

/* The gate's failed rows (each with its shrunk repro in the shape). */
static void html_failed_gate(FILE *f, const struct report *r)
{
  fprintf(f, "<tr class=\"claim-row\"><th colspan=\"%d\"><a "
             "href=\"#gate\">Kernel gate</a>: %zu failed rows; each names "
             "its failed case and the command that reruns it (shrunk)."
             "</th></tr>\n", DLV_FAILED_COLUMNS, gate_failed(r));
  size_t k = html_failed_rows(f, r->rows, DLV_GATE_CLAIM, 20);
  if (k > 20)
    fprintf(f, "<tr><td colspan=\"%d\">... and %zu more in the <a "
               "href=\"#gate\">kernel gate</a> section</td></tr>\n",
            DLV_FAILED_COLUMNS, k - 20);
}

static void html_failures(FILE *f, const struct report *r)
{
  if (failed_claims(r) == 0 && gate_failed(r) == 0)
    return;
  fputs("<section id=\"failures\">\n<h2>FAILED CHECKS</h2>\n"
        "<table class=\"failed\">\n", f);
  html_failed_header(f);
  for (size_t i = 0; i < r->n; i++)
    if (dlv_claim_failed(&r->res[i]))
      html_failed_claim(f, r, &r->res[i]);
  if (gate_failed(r))
    html_failed_gate(f, r);
  fputs("</table>\n</section>\n", f);
}

static void html_run_row(FILE *f, const char *key, const char *val)
{
  fprintf(f, "<tr><th>%s</th><td>", key);
  html_text(f, val);
  fputs("</td></tr>\n", f);
}

/* Every DLV_* variable of the environment with what it changes. */
static void html_env_rows(FILE *f)
{
  char line[4400];
  for (char **e = environ; *e != NULL; e++) {
    if (strncmp(*e, "DLV_", 4) != 0)
      continue;
    const char *effect = dlv_env_effect(*e);
    snprintf(line, sizeof line, "%s (%s)", *e,
             effect ? effect : "read by no program of dlverify: no effect");
    html_run_row(f, "environment", line);
  }
}

/* Plots drawn, and those that failed or were skipped. */
static void plots_line(const dlv_plots *p, char *buf, size_t size)
{
  size_t drawn = 0;
  for (size_t i = 0; i < p->n; i++)
    drawn += p->plot[i].svg != NULL;
  if (*p->skipped)
    snprintf(buf, size, "plots skipped: %s", p->skipped);
  else if (drawn < p->n)
    snprintf(buf, size, "%zu of %zu plots FAILED to draw (gnuplot %s; "
                        "see the figures and logs/gnuplot.log); %zu drawn",
             p->n - drawn, p->n, dlv_env_get()->gnuplot, drawn);
  else
    snprintf(buf, size, "%zu plot%s drawn by %s (SVG)", drawn,
             drawn == 1 ? "" : "s", dlv_env_get()->gnuplot);
}

/* --merge: the reports merged; the rows above describe the merging run. */
static void html_merged_row(FILE *f, const dlv_gate_run *g)
{
  if (g->n_merged == 0)
    return;
  fputs("<tr><th>merged from</th><td>", f);
  for (size_t i = 0; i < g->n_merged; i++) {
    fputs(i ? ", <code>" : "<code>", f);
    html_text(f, g->merged[i]);
    fputs("</code>", f);
  }
  fputs(" (the build, mode and environment above are those of the merging "
        "run; each merged report's header states its own)</td></tr>\n", f);
}

/* What the checks recorded of their run (run_meta.h). */
static void html_meta_rows(FILE *f, const dlv_run_info *run)
{
  const dlv_run_meta *m = run->meta;
  char buf[160];
  if (m == NULL) {
    html_run_row(f, "checks' run", "not recorded (no check wrote "
                                   "its .meta file)");
    return;
  }
  if (run->meta_differs)
    html_run_row(f, "checks' run", "DIFFERS between checks: shown is the "
                                   "first check's");
  html_run_row(f, "GSL", m->gsl_lib);
  html_run_row(f, "MPFR", m->mpfr_lib);
  html_run_row(f, "quick mode", m->quick ? "ON (DLV_QUICK=1): the largest "
                                           "problem sizes are capped"
                                         : "off (full sizes)");
  snprintf(buf, sizeof buf, "%ld bits%s", m->mpfr_prec,
           m->mpfr_prec == DLV_PREC_MIN ? " (default)"
                                        : " (DLV_MPFR_PREC)");
  html_run_row(f, "MPFR precision", buf);
}

static void html_run(FILE *f, const struct report *r)
{
  char cpu[256], buf[512];
  const dlv_run_info *run = r->run;
  cpu_model(cpu, sizeof cpu);
  fputs("<h2>What was verified, and where</h2>\n<table class=\"run\">\n", f);
  html_run_row(f, "dlverify", DLV_VERSION);
  html_run_row(f, "built from commit", DLV_BUILD_COMMIT);
  html_run_row(f, "build directory", run->build_dir);
  html_run_row(f, "date", run->date);
  html_run_row(f, "compiler", "gcc " __VERSION__);
  html_run_row(f, "C flags", DLV_C_FLAGS);
  html_run_row(f, "CPU", cpu);
  html_run_row(f, "OpenBLAS", openblas_get_config());
  html_meta_rows(f, run);
  snprintf(buf, sizeof buf, "%lu", run->seed);
  html_run_row(f, "seed (DLV_SEED)", buf);
  html_env_rows(f);
  html_run_row(f, "command", run->command);
  html_merged_row(f, run->gate);
  plots_line(r->plots, buf, sizeof buf);
  html_run_row(f, "plots", buf);
  if (run->baseline->dir)
    html_run_row(f, "baseline", run->baseline->dir);
  fputs("</table>\n", f);
}

/* ---- the claim table and the kernel table -------------------------------- */

/* The cells of a selection's figures: worst err/bound and ulps, each
 * linked to its row, then the regressions when there is a baseline. */
static void html_figures(FILE *f, const struct report *r, const dlv_filter *fl)
{
  const dlv_row *wr = dlv_worst_ratio(r->rows, fl);
  const dlv_row *wu = dlv_worst_ulps(r->rows, fl);
  html_row_num(f, r->rows, wr, wr ? wr->ratio : NAN);
  html_row_num(f, r->rows, wu, wu ? wu->ulps : NAN);
  if (r->run->baseline->dir == NULL)
    return;
  size_t nf, gr;
  dlv_regressions(r->run, r->rows, fl, &nf, &gr);
  fprintf(f, "<td class=\"num%s\">%zu</td><td class=\"num%s\">%zu</td>",
          nf ? " fail" : "", nf, gr ? " fail" : "", gr);
}

static void html_figure_headers(FILE *f, const struct report *r)
{
  fputs("<th>worst err/bound</th><th>worst ulps</th>", f);
  if (r->run->baseline->dir)
    fputs("<th>new failures</th><th>err/bound grown</th>", f);
  fputs("</tr>\n", f);
}

static void html_summary(FILE *f, const struct report *r)
{
  fputs("<div>\n<h2>Claims</h2>\n<table id=\"summary\">\n<tr><th>claim</th>"
        "<th>title</th><th>verdict</th><th>rows</th><th>failed</th>", f);
  html_figure_headers(f, r);
  for (size_t i = 0; i < r->n; i++) {
    const dlv_claim_result *c = &r->res[i];
    dlv_filter fl = claim_filter(c);
    fprintf(f, "<tr><td><a href=\"#claim-%s\">%s</a></td>", c->info->id,
            c->info->id);
    html_cell(f, c->info->title);
    fprintf(f, "<td class=\"%s\"><b>%s</b></td><td class=\"num\">%zu</td>"
               "<td class=\"num%s\">%zu</td>",
            dlv_verdict_class(c->verdict), c->verdict, c->checks,
            c->failed ? " fail" : "", c->failed);
    html_figures(f, r, &fl);
    fputs("</tr>\n", f);
  }
  fputs("</table>\n</div>\n", f);
}

static void html_kernel_row(FILE *f, const struct report *r,
                            const struct kernel_entry *k)
{
  char claims[128];
  size_t n, failed;
  claims_of(r->rows, &k->f, claims, sizeof claims);
  dlv_count(r->rows, &k->f, &n, &failed);
  fputs("<tr>", f);
  html_cell(f, k->f.kernel);
  html_cell(f, k->f.variant);
  html_cell(f, k->f.dtype);
  html_cell(f, claims);
  fprintf(f, "<td class=\"%s\">%s</td><td class=\"num\">%zu</td>"
             "<td class=\"num%s\">%zu</td><td class=\"num\">%lu</td>",
          failed ? "fail" : "confirmed", failed ? "FAILED" : "ok", n,
          failed ? " fail" : "", failed, dlv_gate_cases_of(r->rows, &k->f));
  html_figures(f, r, &k->f);
  fputs("</tr>\n", f);
}

static void html_kernels(FILE *f, const struct report *r)
{
  fputs("<div>\n<h2>Kernels</h2>\n", f);
  if (r->n_kernels == 0) {
    fputs("<p id=\"kernels\">No row names the kernel it measures.</p>\n"
          "</div>\n", f);
    return;
  }
  fputs("<table id=\"kernels\">\n<tr><th>kernel</th><th>variant</th>"
        "<th>dtype</th><th>claims</th><th>status</th><th>rows</th>"
        "<th>failed</th><th>gate cases</th>", f);
  html_figure_headers(f, r);
  for (size_t i = 0; i < r->n_kernels; i++)
    html_kernel_row(f, r, &r->kernels[i]);
  fputs("</table>\n</div>\n", f);
}

static void html_tables(FILE *f, const struct report *r)
{
  fputs("<div class=\"tables\">\n", f);
  html_summary(f, r);
  html_kernels(f, r);
  /* weakest first; a claim gets the strongest whose condition holds */
  fputs("</div>\n<p>Verdicts: ", f);
  for (unsigned i = DLV_N_VERDICTS; i-- > 0;)
    fprintf(f, "%s (%s)%s", dlv_verdicts[i].word, dlv_verdicts[i].meaning,
            i ? ", " : ".  ");
  fputs("Worst "
        "err/bound and ulps are over the rows that must hold (accuracy and "
        "claim rows), each linked to its row; gate cases are the cases the "
        "<a href=\"#gate\">kernel gate</a> ran on the kernel's entry point "
        "(its rows count among the kernel's rows); ulps only on rows whose "
        "bound "
        "is at most 2^20 ulps of the reference (a larger bound is set by "
        "another scale, such as cancellation or a reference near zero, "
        "where ulps of the reference say nothing about the kernel).</p>\n",
        f);
}

/* ---- against the baseline ------------------------------------------------ */

static void html_regressed_row(FILE *f, const struct report *r, size_t i)
{
  const dlv_row *x = &r->rows->rows[i], *b = r->run->baseline->match[i];
  unsigned fl = r->run->baseline->flag[i];
  fprintf(f, "<tr class=\"fail\"><td>%s</td><td>%s</td>", x->claim,
          fl & DLV_NEW_FAILURE ? "new failure" : "err/bound grown");
  html_kernel_cell(f, x);
  html_cell(f, x->dtype);
  fputs("<td>", f);
  html_row_name(f, x);
  fputs("</td>", f);
  html_num(f, b ? b->ratio : NAN, "%.6g");
  html_row_num(f, r->rows, x, x->ratio);
  fputs("</tr>\n", f);
}

static void html_baseline(FILE *f, const struct report *r)
{
  const dlv_baseline *b = r->run->baseline;
  if (b->dir == NULL)
    return;
  fputs("<section id=\"baseline\">\n<h2>Against the baseline</h2>\n<p>", f);
  html_text(f, b->dir);
  fprintf(f, ": %zu rows; %zu of them have no row in this run.  A row is a "
             "new failure when it fails now and did not fail (or did not "
             "exist) then; grown when it must hold and its err/bound is "
             "more than %g times the baseline's, even within its bound.  "
             "Rows are matched by claim, check, dtype, shape, quantity, "
             "kernel and variant.</p>\n",
          b->rows.n, b->unmatched, DLV_GROWTH);
  if (dlv_baseline_other_seed(b, r->run->seed))
    fprintf(f, "<p class=\"fail\">The baseline was run with another seed "
               "than this run's %lu: rows drawn from random data differ, "
               "and so may their err/bound.</p>\n", r->run->seed);
  size_t shown = 0;
  for (size_t i = 0; i < r->rows->n && shown < 200; i++) {
    if (!b->flag[i])
      continue;
    if (shown++ == 0)
      fputs("<table id=\"regressions\">\n<tr><th>claim</th><th>what</th>"
            "<th>kernel</th><th>dtype</th><th>row</th><th>baseline "
            "err/bound</th><th>err/bound now</th></tr>\n", f);
    html_regressed_row(f, r, i);
  }
  fputs(shown ? "</table>\n" : "<p>Nothing got worse.</p>\n", f);
  fputs("</section>\n", f);
}

/* ---- the page ------------------------------------------------------------ */

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
  html_tables(f, r);
  html_baseline(f, r);
  dlv_html_gate(f, r->rows, r->run->gate);
  dlv_html_backend_matrix(f, &r->run->gate->matrix, r->rows);
  for (size_t i = 0; i < r->n; i++)
    dlv_html_claim(f, r->rows, r->plots, &r->res[i]);
  html_csv_file(f, r, "mutation.csv", "Mutation run",
                "Each kernel mutant of tools/mutants.txt applied alone, the "
                "claim checks run: KILLED means a check caught it.");
  html_csv_file(f, r, "bench.csv", "Benchmarks",
                "Kernels beside their peers in one run (bench/).");
  fputs("<p>Every row is in <a href=\"evidence.csv\">evidence.csv</a>, the "
        "claims in <a href=\"summary.csv\">summary.csv</a>, the kernels in "
        "<a href=\"kernels.csv\">kernels.csv</a>, each check's output in "
        "logs/.  Tables show each group of rows by its worst row (largest "
        "err/bound); hover a number for all 17 digits.</p>\n"
        "</body>\n</html>\n",
        f);
}

int dlv_write_report(const char *dir, const dlv_claim_result *res, size_t n,
                     const dlv_rows *rows, const dlv_plots *plots,
                     const dlv_run_info *run, char *err, size_t errlen)
{
  struct report r = {res, n, rows, plots, run, NULL, 0};
  r.kernels = kernel_entries(rows, &r.n_kernels);
  int status = r.kernels == NULL ? -1 : 0;
  if (status != 0)
    snprintf(err, errlen, "out of memory");
  /* every file through one loop and one status: the first that cannot be
   * written stops the report (meta.csv only when the run has metadata) */
  static const struct {
    const char *name;
    writer_fn fn;
    int needs_meta;
  } files[] = {{"evidence.csv", write_evidence, 0},
               {"meta.csv", write_meta, 1},
               {"summary.csv", write_summary, 0},
               {"kernels.csv", write_kernels, 0},
               {"index.html", write_html, 0}};
  for (size_t i = 0; status == 0 && i < sizeof files / sizeof files[0]; i++)
    if (!files[i].needs_meta || run->meta != NULL)
      status = write_file(dir, files[i].name, files[i].fn, &r, err, errlen);
  free(r.kernels);
  return status;
}
