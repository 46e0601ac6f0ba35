/* dlverify.c: runs the claim checks, computes each verdict from the evidence
 * rows they wrote, and writes the report (index.html, summary.csv,
 * evidence.csv, logs/).  Exit status: 0 when every check held, 1 when any
 * failed, 2 on a usage error (one line on stderr). */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "claims.h"
#include "evidence.h"
#include "plot.h"
#include "proc.h"
#include "options.h"
#include "report.h"

#define CHECK_TIMEOUT_S 1200 /* a check that runs longer is stopped */

static void usage(FILE *f)
{
  fputs(
      "Usage: dlverify [--claim ID]... [--seed N] [--out DIR] [--list]\n"
      "Verifies the exam's claims: runs each claim's check (kernels against\n"
      "MPFR references, derivatives, Monte Carlo, solvers), computes the\n"
      "verdict from the evidence rows and writes DIR/index.html,\n"
      "DIR/summary.csv, DIR/evidence.csv and DIR/logs/.\n\n"
      "  --claim ID  verify this claim (repeatable; default: every claim\n"
      "              whose check is built); IDs from --list\n"
      "  --seed N    seed of every random draw (default 20261128), passed to\n"
      "              the checks as DLV_SEED\n"
      "  --out DIR   report directory, created if missing (default report)\n"
      "  --list      list the claims and whether their check is built\n"
      "  --help      this text\n\n"
      "Exit status: 0 every check held, 1 a check failed, 2 usage error.\n"
      "Environment: DLV_MPFR_PREC (reference precision, >= 256 bits),\n"
      "DLV_CHECK_DIR (where the check executables are; default: beside\n"
      "dlverify), DLV_GNUPLOT (the gnuplot that draws the plots; default:\n"
      "gnuplot in PATH; without it the report says the plots were skipped).\n",
      f);
}

static void die_usage(const char *fmt, ...)
{
  char msg[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  dlv_one_line(msg);
  fprintf(stderr, "dlverify: %s (try --help)\n", msg);
  exit(2);
}

/* The directory holding the check executables. */
static void check_dir(char *dir, size_t size)
{
  const char *env = getenv("DLV_CHECK_DIR");
  if (env != NULL && *env != '\0') {
    snprintf(dir, size, "%s", env);
    return;
  }
  ssize_t len = readlink("/proc/self/exe", dir, size - 1);
  if (len <= 0) {
    snprintf(dir, size, ".");
    return;
  }
  dir[len] = '\0';
  char *slash = strrchr(dir, '/');
  if (slash != NULL)
    *slash = '\0';
}

static int check_built(const char *dir, const dlv_claim_info *c)
{
  char path[PATH_MAX + 64];
  snprintf(path, sizeof path, "%s/%s", dir, c->check);
  return access(path, X_OK) == 0;
}

static void list_claims(const char *dir)
{
  for (size_t i = 0; i < dlv_n_claims; i++)
    printf("%-4s %-9s %s\n", dlv_claims[i].id,
           check_built(dir, &dlv_claims[i]) ? "built" : "not built",
           dlv_claims[i].title);
}

/* Creates dir (one level) if missing and proves it writable. */
static void prepare_out(const char *dir)
{
  if (mkdir(dir, 0777) != 0 && errno != EEXIST)
    die_usage("--out %s: cannot create: %s", dir, strerror(errno));
  struct stat st;
  if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
    die_usage("--out %s: not a directory", dir);
  if (access(dir, W_OK | X_OK) != 0)
    die_usage("--out %s: not writable: %s", dir, strerror(errno));
  char logs[PATH_MAX];
  snprintf(logs, sizeof logs, "%s/logs", dir);
  if (mkdir(logs, 0777) != 0 && errno != EEXIST)
    die_usage("--out %s: cannot create logs/: %s", dir, strerror(errno));
}

/* Runs one check with DLV_EVIDENCE_DIR=work and DLV_SEED=seed, its output
 * going to log; fills exit_status and problem. */
static void run_check(const char *dir, const char *work, const char *log,
                      unsigned long seed, dlv_claim_result *res)
{
  char exe[PATH_MAX + 64], evid[PATH_MAX + 32], seedbuf[48];
  snprintf(exe, sizeof exe, "%s/%s", dir, res->info->check);
  snprintf(evid, sizeof evid, "DLV_EVIDENCE_DIR=%s", work);
  snprintf(seedbuf, sizeof seedbuf, "DLV_SEED=%lu", seed);
  const char *argv[] = {exe, NULL}, *env[] = {evid, seedbuf, NULL};
  dlv_proc p = {argv, env, NULL, log, NULL, CHECK_TIMEOUT_S};
  res->exit_status = dlv_run(&p, res->problem, sizeof res->problem);
}

/* Appends the rows of work/<claim>.csv; a missing or malformed file is
 * recorded as the claim's problem. */
static void read_evidence(const char *work, dlv_claim_result *res,
                          dlv_rows *rows)
{
  char path[PATH_MAX + 64], err[128];
  snprintf(path, sizeof path, "%s/%s.csv", work, res->info->id);
  FILE *f = fopen(path, "rb");
  if (f == NULL) {
    if (!*res->problem)
      snprintf(res->problem, sizeof res->problem, "(wrote no evidence)");
    return;
  }
  if (dlv_csv_read(f, rows, err, sizeof err) != 0)
    snprintf(res->problem, sizeof res->problem, "(evidence: %s)", err);
  fclose(f);
  remove(path);
}

static void remove_work_dir(const char *work)
{
  DIR *d = opendir(work);
  struct dirent *e;
  char path[PATH_MAX + 300];
  while (d != NULL && (e = readdir(d)) != NULL)
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
      snprintf(path, sizeof path, "%s/%s", work, e->d_name);
      remove(path);
    }
  if (d != NULL)
    closedir(d);
  rmdir(work);
}

static void print_result(const dlv_claim_result *r)
{
  printf("%-4s %-23s %6zu rows %4zu failed  max err/bound %-9.3g %s\n",
         r->info->id, r->verdict, r->checks, r->failed, r->max_ratio,
         r->problem);
  fflush(stdout);
}

static void run_info(const dlv_options *o, int argc, char **argv,
                     dlv_run_info *run, char *cmd, size_t cmdlen)
{
  run->seed = o->seed;
  const char *p = getenv("DLV_MPFR_PREC");
  run->mpfr_prec = p && atol(p) >= 256 ? atol(p) : 256;
  time_t now = time(NULL);
  strftime(run->date, sizeof run->date, "%Y-%m-%d %H:%M:%S UTC",
           gmtime(&now));
  size_t len = 0;
  cmd[0] = '\0';
  for (int i = 0; i < argc && len < cmdlen; i++)
    len += (size_t)snprintf(cmd + len, cmdlen - len, "%s%s", i ? " " : "",
                            argv[i]);
  run->command = cmd;
}

int main(int argc, char **argv)
{
  dlv_options o;
  char usage_err[256];
  if (dlv_parse_options(argc, argv, &o, usage_err, sizeof usage_err) != 0)
    die_usage("%s", usage_err);
  if (o.help) {
    usage(stdout);
    return 0;
  }
  char dir[PATH_MAX];
  check_dir(dir, sizeof dir);
  if (o.list) {
    list_claims(dir);
    return 0;
  }
  for (size_t i = 0; i < o.n_selected; i++)
    if (!check_built(dir, o.selected[i]))
      die_usage("--claim %s: its check %s is not built in %s",
                o.selected[i]->id, o.selected[i]->check, dir);
  if (o.n_selected == 0)
    for (size_t i = 0; i < dlv_n_claims; i++)
      if (check_built(dir, &dlv_claims[i]))
        o.selected[o.n_selected++] = &dlv_claims[i];
  if (o.n_selected == 0)
    die_usage("no claim check found in %s", dir);
  prepare_out(o.out);

  char work[PATH_MAX];
  snprintf(work, sizeof work, "%s/.dlverify-XXXXXX", o.out);
  if (mkdtemp(work) == NULL)
    die_usage("--out %s: cannot create a work directory: %s", o.out,
              strerror(errno));
  dlv_claim_result res[16];
  dlv_rows rows = {0};
  int failed = 0;
  for (size_t i = 0; i < o.n_selected; i++) {
    dlv_claim_result *r = &res[i];
    *r = (dlv_claim_result){.info = o.selected[i]};
    char log[PATH_MAX + 64], final_log[PATH_MAX + 64];
    snprintf(log, sizeof log, "%s/%s.log", work, r->info->id);
    run_check(dir, work, log, o.seed, r);
    read_evidence(work, r, &rows);
    snprintf(final_log, sizeof final_log, "%s/logs/%s.log", o.out,
             r->info->id);
    rename(log, final_log);
    r->verdict = dlv_verdict(&rows, r->info->id);
    dlv_summarize(&rows, r->info->id, &r->checks, &r->failed, &r->max_ratio);
    failed |= r->exit_status != 0 || r->failed != 0 || *r->problem;
    print_result(r);
  }
  dlv_run_info run;
  char cmd[1024], err[256], plot_log[PATH_MAX + 32];
  run_info(&o, argc, argv, &run, cmd, sizeof cmd);
  snprintf(run.build_dir, sizeof run.build_dir, "%s/..", dir);
  snprintf(plot_log, sizeof plot_log, "%s/logs/gnuplot.log", o.out);
  remove(plot_log);
  dlv_plots plots;
  dlv_make_plots(&rows, work, plot_log, &plots);
  if (*plots.skipped)
    printf("plots skipped: %s\n", plots.skipped);
  int written = dlv_write_report(o.out, res, o.n_selected, &rows, &plots,
                                 &run, err, sizeof err);
  remove_work_dir(work);
  dlv_plots_free(&plots);
  dlv_rows_free(&rows);
  if (written != 0) {
    fprintf(stderr, "dlverify: %s\n", err);
    return 2;
  }
  printf("report: %s/index.html\n", o.out);
  return failed ? 1 : 0;
}
