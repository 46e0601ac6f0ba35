/* dlverify.c: runs the claim checks, computes each verdict from the
 * evidence rows they wrote, and writes the report (index.html,
 * summary.csv, kernels.csv, evidence.csv, logs/) as one unit (outdir.h).
 * Exit status: 0 every check held, 1 a check failed (or, with
 * --fail-on-regression, something got worse than the baseline), 2 usage
 * error, 3 I/O or internal error (the previous report is left whole),
 * 128 + N killed by signal N (SIGINT, SIGTERM, SIGHUP: checks stopped,
 * temporary directory removed). */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "build_info.h"
#include "claims.h"
#include "env.h"
#include "evidence.h"
#include "gate_report.h"
#include "merge.h"
#include "options.h"
#include "outdir.h"
#include "plot.h"
#include "proc.h"
#include "report.h"
#include "select.h"

enum { EXIT_HELD = 0, EXIT_FAILED = 1, EXIT_USAGE = 2, EXIT_IO = 3 };

#define CHECK_TIMEOUT_S 1200 /* a check that runs longer is stopped */
#define GATE_LONG_TIMEOUT_S (6 * 3600) /* the gate's long mode, one shard */
#define FAILED_ROWS_SHOWN 5  /* per claim, on the terminal */

static void usage(FILE *f)
{
  fputs(
      "Usage: dlverify [--claim ID]... [--seed N] [--out DIR]\n"
      "                [--no-gate | [--gate-long] [--gate-family F]...\n"
      "                 [--shard I/N] [--backend B[,B...]]...]\n"
      "                [--baseline DIR [--fail-on-regression]] [--list]\n"
      "                [-h|--help]\n"
      "       dlverify --merge [--out DIR] [--baseline DIR] REPORT...\n"
      "Verifies the exam's claims: runs each claim's check (kernels against\n"
      "MPFR references, derivatives, Monte Carlo, solvers), computes the\n"
      "verdict from the evidence rows and writes DIR/index.html,\n"
      "DIR/summary.csv, DIR/kernels.csv, DIR/evidence.csv, DIR/logs/ and\n"
      "DIR/plots/ (each figure's gnuplot script, data and SVG),\n"
      "replacing DIR as a whole only when every file was written.\n\n"
      "  --claim ID      verify this claim (repeatable; default: every claim\n"
      "                  whose check is built); IDs from --list\n"
      "  --seed N        seed of every random draw (default: DLV_SEED, else\n"
      "                  20261128), passed to the checks as DLV_SEED\n"
      "  --out DIR       report directory, parents created (default: report/\n"
      "                  in the build directory); an existing DIR must be\n"
      "                  empty or an earlier report\n"
      "  --baseline DIR  compare with an earlier report: new failures and\n"
      "                  rows whose err/bound grew more than 2x, per claim\n"
      "                  and per kernel (DIR may be the --out directory)\n"
      "  --fail-on-regression  exit 1 when the comparison finds any\n"
      "  --no-gate       do not run the kernel gate (dlv_gate: every kernel\n"
      "                  entry point against its contract; run by default,\n"
      "                  quick mode, whatever --claim selects)\n"
      "  --gate-long     the gate's long mode (10,000 cases per entry)\n"
      "  --gate-family F only this gate family (repeatable)\n"
      "  --shard I/N     the gate runs the cases of index I mod N (the claim\n"
      "                  checks are not sharded: each shard runs them all)\n"
      "  --backend B     the gate also runs through backend B (a built-in\n"
      "                  name: dlv_gate --backends lists them, or a plugin's\n"
      "                  path); repeatable or comma-separated; the page gets\n"
      "                  the backend x kernel x dtype matrix\n"
      "  --merge         merge the reports REPORT... (e.g. one per shard)\n"
      "                  into one: claims from the first report holding\n"
      "                  them, gate rows from all (cases added, worst of\n"
      "                  worsts); a missing shard is a failure\n"
      "  --list          list the claims and whether their check is built\n"
      "  -h, --help      this text\n\n"
      "Exit status: 0 every check held, 1 a check or the gate failed, a\n"
      "claim is INCONCLUSIVE (no claim row judged) or (with\n"
      "--fail-on-regression) a regression, 2 usage error, 3 I/O or internal\n"
      "error (the previous report is left whole), 128+N killed by signal N.\n"
      "Environment (invalid values are usage errors): DLV_SEED; DLV_QUICK\n"
      "(0 or 1: cap the largest sizes); DLV_MPFR_PREC (reference precision,\n"
      "256..1048576 bits); DLV_CHECK_DIR (where the checks are; default:\n"
      "beside dlverify); DLV_GNUPLOT (the gnuplot that draws the plots).\n",
      f);
}

static void vdie(int status, const char *hint, const char *fmt, va_list ap)
{
  char msg[1024];
  vsnprintf(msg, sizeof msg, fmt, ap);
  dlv_one_line(msg);
  fprintf(stderr, "dlverify: %s%s\n", msg, hint);
  exit(status);
}

/* A message on one line and the exit status: bad input the options did
 * not cause (a report that cannot be merged, a baseline that cannot be
 * read) is EXIT_USAGE as well, without the hint. */
static void die(int status, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  vdie(status, "", fmt, ap);
  va_end(ap);
}

/* A command line dlverify cannot run: EXIT_USAGE, with the hint. */
static void usage_error(const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  vdie(EXIT_USAGE, " (try --help)", fmt, ap);
  va_end(ap);
}

/* The directory holding the check executables. */
static void check_dir(const dlv_env *env, char *dir, size_t size)
{
  if (env->check_dir != NULL) {
    snprintf(dir, size, "%s", env->check_dir);
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

static void gate_exe(const char *dir, char *exe, size_t size)
{
  snprintf(exe, size, "%s/%s", dir, DLV_GATE_PROGRAM);
}

/* The claims, then the gate (not a claim: no --claim ID). */
static void list_claims(const char *dir)
{
  char exe[PATH_MAX + 64];
  for (size_t i = 0; i < dlv_n_claims; i++)
    printf("%-4s %-9s %s\n", dlv_claims[i].id,
           check_built(dir, &dlv_claims[i]) ? "built" : "not built",
           dlv_claims[i].title);
  gate_exe(dir, exe, sizeof exe);
  printf("%-4s %-9s %s\n", "gate", access(exe, X_OK) == 0 ? "built"
                                                           : "not built",
         "the kernel gate: every kernel entry point against its contract "
         "(not a claim; --no-gate skips it)");
}

/* The claims to verify: those named, each built, or every built one. */
static void select_claims(dlv_options *o, const char *dir)
{
  for (size_t i = 0; i < o->n_selected; i++)
    if (!check_built(dir, o->selected[i]))
      die(EXIT_USAGE, "--claim %s: its check %s is not built in %s",
          o->selected[i]->id, o->selected[i]->check, dir);
  if (o->n_selected == 0)
    for (size_t i = 0; i < dlv_n_claims; i++)
      if (check_built(dir, &dlv_claims[i]))
        o->selected[o->n_selected++] = &dlv_claims[i];
  if (o->n_selected == 0)
    die(EXIT_USAGE, "no claim check found in %s", dir);
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

/* Appends the rows of work/<id>.csv; a missing or malformed file is
 * recorded as the program's problem (size bytes). */
static void read_evidence(const char *work, const char *id, char *problem,
                          size_t size, dlv_rows *rows)
{
  char path[PATH_MAX + 64], err[128];
  snprintf(path, sizeof path, "%s/%s.csv", work, id);
  FILE *f = fopen(path, "rb");
  if (f == NULL) {
    if (!*problem)
      snprintf(problem, size, "(wrote no evidence)");
    return;
  }
  if (dlv_csv_read(f, rows, err, sizeof err) != 0)
    snprintf(problem, size, "(evidence: %s)", err);
  fclose(f);
}

/* The run's metadata as the checks recorded it: the first file read, and
 * whether a later one differs. */
struct run_meta {
  dlv_run_meta first;
  int have, differs;
};

/* Reads path (a check's <claim>.meta or a report's meta.csv) into m; a
 * missing file is no metadata, a malformed one the program's problem. */
static void read_meta(const char *path, struct run_meta *m, char *problem,
                      size_t size)
{
  char err[128];
  dlv_run_meta got;
  FILE *f = fopen(path, "rb");
  if (f == NULL)
    return;
  if (dlv_meta_read(f, &got, err, sizeof err) != 0)
    snprintf(problem, size, "(%s: %s)", path, err);
  else if (!m->have)
    m->first = got, m->have = 1;
  else
    m->differs |= !dlv_meta_same(&m->first, &got);
  fclose(f);
}

static void print_result(const dlv_claim_result *r)
{
  char ratio[32] = "-"; /* no rows: no figure */
  if (r->checks > 0)
    snprintf(ratio, sizeof ratio, dlv_ratio_format(r->max_ratio),
             r->max_ratio);
  printf("%-4s %-23s %6zu rows %4zu failed  max err/bound %-12s %s\n",
         r->info->id, r->verdict, r->checks, r->failed, ratio, r->problem);
  fflush(stdout);
}

/* The claim's verdict and figures from the rows, printed; returns 1 when
 * the claim failed (a row not ok, its check's exit status, a problem). */
static int finish_result(dlv_claim_result *r, const dlv_rows *rows)
{
  r->verdict = dlv_verdict(rows, r->info->id);
  /* the figures of the claim's line of summary.csv (select.h), not a
   * second count of them */
  dlv_filter f = {.claim = r->info->id};
  dlv_count(rows, &f, &r->checks, &r->failed);
  const dlv_row *worst = dlv_worst_ratio(rows, &f);
  r->max_ratio = worst != NULL ? worst->ratio : 0.0;
  print_result(r);
  return dlv_claim_failed(r);
}

static void on_signal(int sig) { dlv_proc_interrupt(sig); }

/* SIGINT, SIGTERM and SIGHUP stop the running check and, once the main
 * flow sees them, end the run without a report; SIGXFSZ is ignored so a
 * file size limit is a write error like a full disk. */
static void install_signals(void)
{
  struct sigaction sa = {.sa_handler = on_signal};
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGHUP, &sa, NULL);
  signal(SIGXFSZ, SIG_IGN);
}

/* Ends an interrupted run: the temporary directory removed, then the
 * signal's default action. */
static void stop_if_interrupted(dlv_outdir *od)
{
  int sig = dlv_proc_interrupted();
  if (sig == 0)
    return;
  dlv_out_abandon(od);
  fprintf(stderr, "dlverify: interrupted by signal %d; the previous report "
                  "is unchanged\n", sig);
  signal(sig, SIG_DFL);
  raise(sig);
  exit(128 + sig);
}

/* Creates work/ in the temporary directory (the checks' evidence;
 * removed before the swap); its path in work. */
static void make_work(dlv_outdir *od, char *work, size_t size)
{
  snprintf(work, size, "%s/work", od->tmp);
  if (mkdir(work, 0777) != 0) {
    dlv_out_abandon(od);
    die(EXIT_IO, "%s: %s", work, strerror(errno));
  }
}

/* Runs every selected check into work/ and logs/ of the temporary
 * directory, printing the verdict table; returns 1 when any failed. */
static int run_claims(const dlv_options *o, const char *dir, dlv_outdir *od,
                      dlv_claim_result *res, dlv_rows *rows,
                      struct run_meta *meta)
{
  char work[PATH_MAX + 8], log[PATH_MAX + 64];
  make_work(od, work, sizeof work);
  int failed = 0;
  for (size_t i = 0; i < o->n_selected; i++) {
    dlv_claim_result *r = &res[i];
    *r = (dlv_claim_result){.info = o->selected[i]};
    snprintf(log, sizeof log, "%s/logs/%s.log", od->tmp, r->info->id);
    run_check(dir, work, log, o->seed, r);
    stop_if_interrupted(od);
    if (r->exit_status == DLV_PROC_NO_OUTPUT) {
      dlv_out_abandon(od);
      die(EXIT_IO, "%s: cannot be written; the previous report is "
                   "unchanged", log);
    }
    read_evidence(work, r->info->id, r->problem, sizeof r->problem, rows);
    snprintf(log, sizeof log, "%s/%s.meta", work, r->info->id);
    read_meta(log, meta, r->problem, sizeof r->problem);
    failed |= finish_result(r, rows);
  }
  return failed;
}

/* ---- the kernel gate (gate_report.h) ------------------------------------ */

/* "shard=I/N quick|long", as the gate's rows say it. */
static void shard_mode(const dlv_options *o, char *buf, size_t size)
{
  snprintf(buf, size, "shard=%lu/%lu %s", o->shard_i, o->shard_n,
           o->gate_long ? "long" : "quick");
}

/* The gate's arguments: --long, --shard, --family; argv[0] is exe. */
static size_t gate_argv(const dlv_options *o, const char *exe,
                        const char **argv)
{
  size_t n = 0;
  argv[n++] = exe;
  if (o->gate_long)
    argv[n++] = "--long";
  if (o->shard != NULL) {
    argv[n++] = "--shard";
    argv[n++] = o->shard;
  }
  for (size_t i = 0; i < o->n_gate_family; i++) {
    argv[n++] = "--family";
    argv[n++] = o->gate_family[i];
  }
  argv[n] = NULL;
  return n;
}

/* 1 when `dlv_gate --list --family F` lists an entry point for each
 * --gate-family F (dlv_gate lists nothing for an unknown family). */
static int gate_families_known(const dlv_options *o, const char *exe)
{
  char list[] = "/tmp/dlverify-gate-list.XXXXXX", problem[160];
  int fd = mkstemp(list), known = fd >= 0;
  for (size_t i = 0; known && i < o->n_gate_family; i++) {
    const char *argv[] = {exe, "--list", "--family", o->gate_family[i], NULL};
    dlv_proc p = {argv, NULL, NULL, list, NULL, CHECK_TIMEOUT_S};
    struct stat st;
    known = dlv_run(&p, problem, sizeof problem) == 0 &&
            stat(list, &st) == 0 && st.st_size > 0;
  }
  if (fd >= 0) {
    close(fd);
    unlink(list);
  }
  return known;
}

/* The log of the gate's run through backend k (0: the builtin):
 * logs/gate.log, then logs/gate-<k>.log. */
static void gate_log(const dlv_outdir *od, size_t k, char *log, size_t size)
{
  if (k == 0)
    snprintf(log, size, "%s/logs/gate.log", od->tmp);
  else
    snprintf(log, size, "%s/logs/gate-%zu.log", od->tmp, k);
}

/* Runs dlv_gate once (backend NULL: the builtin) into work/ and the log;
 * records its command (the first run's) and exit status (the first
 * nonzero) in g.  Returns the exit status. */
static int run_gate_once(const dlv_options *o, const char *exe,
                         dlv_outdir *od, const char *backend, const char *log,
                         dlv_gate_run *g)
{
  char work[PATH_MAX + 8], evid[PATH_MAX + 32], seedbuf[48], problem[160];
  const char *argv[12 + 2 * 32];
  size_t argc = gate_argv(o, exe, argv);
  if (backend != NULL) {
    argv[argc++] = "--backend";
    argv[argc++] = backend;
    argv[argc] = NULL;
  }
  snprintf(work, sizeof work, "%s/work", od->tmp);
  snprintf(evid, sizeof evid, "DLV_EVIDENCE_DIR=%s", work);
  snprintf(seedbuf, sizeof seedbuf, "DLV_SEED=%lu", o->seed);
  size_t len = strlen(g->command);
  if (len == 0)
    len = (size_t)snprintf(g->command, sizeof g->command, "%s", seedbuf);
  else if (len < sizeof g->command)
    len += (size_t)snprintf(g->command + len, sizeof g->command - len, ";");
  for (size_t i = 0; i < argc && len < sizeof g->command; i++)
    len += (size_t)snprintf(g->command + len, sizeof g->command - len, " %s",
                            argv[i]);
  /* the mode is --gate-long's, whatever DLV_GATE_LONG dlverify got */
  const char *env[] = {evid, seedbuf,
                       o->gate_long ? "DLV_GATE_LONG=1" : "DLV_GATE_LONG=0",
                       NULL};
  dlv_proc p = {argv, env, NULL, log, NULL,
                o->gate_long ? GATE_LONG_TIMEOUT_S : CHECK_TIMEOUT_S};
  int status = dlv_run(&p, problem, sizeof problem);
  stop_if_interrupted(od);
  if (status == DLV_PROC_NO_OUTPUT) {
    dlv_out_abandon(od);
    die(EXIT_IO, "%s: cannot be written; the previous report is unchanged",
        log);
  }
  if (g->exit_status == 0 && status != 0) {
    g->exit_status = status;
    snprintf(g->problem, sizeof g->problem, "%s", problem);
  }
  return status;
}

/* The rows of a gate run through another backend: tagged with it when
 * the gate wrote them before the column existed, and a failed row when
 * the run stopped without one of its own. */
static void note_backend_run(dlv_rows *rows, size_t first, int status,
                             const char *backend, const dlv_options *o,
                             dlv_outdir *od)
{
  int explained = 0;
  for (size_t i = first; i < rows->n; i++)
    explained |= !rows->rows[i].ok;
  if (status == 0 || explained)
    return;
  char mode[64], what[400];
  shard_mode(o, mode, sizeof mode);
  snprintf(what, sizeof what, "--backend %s: exit status %d without a "
           "failed row (see its log)", backend, status);
  if (dlv_gate_add_failure(rows, o->seed, mode, what,
                           "the gate ran to its end through the backend") != 0) {
    dlv_out_abandon(od);
    die(EXIT_IO, "out of memory recording the gate's exit");
  }
}

/* Dies with a usage error (exit 2) unless `dlv_gate --backend B` loads
 * each --backend B: the gate's own sentence (an unknown name, a file that
 * does not load, a missing symbol, another ABI version) is quoted. */
static void backends_usable(const dlv_options *o, const char *exe)
{
  char out[] = "/tmp/dlverify-backend.XXXXXX", problem[160];
  int fd = mkstemp(out);
  if (fd < 0)
    die(EXIT_IO, "%s: %s", out, strerror(errno));
  for (size_t i = 0; i < o->n_backend; i++) {
    const char *argv[] = {exe,  "--backend", o->backend[i], "--list",
                          "--family", "nrm2", NULL};
    dlv_proc p = {argv, NULL, NULL, out, NULL, CHECK_TIMEOUT_S};
    if (dlv_run(&p, problem, sizeof problem) == 0)
      continue;
    char line[512] = "";
    FILE *f = fopen(out, "r");
    if (f != NULL && fgets(line, sizeof line, f) == NULL)
      line[0] = '\0';
    if (f != NULL)
      fclose(f);
    line[strcspn(line, "\n")] = '\0';
    close(fd);
    unlink(out);
    die(EXIT_USAGE, "--backend %s: %s", o->backend[i],
        *line ? line : "dlv_gate cannot run it");
  }
  close(fd);
  unlink(out);
}

/* Runs dlv_gate into work/gate.csv and logs/gate.log unless --no-gate or
 * not built (g says why), then once more per --backend (logs/gate-K.log);
 * appends their rows, a failed row when a run stopped without one, and
 * reads the backend matrix from the logs.  Returns 1 when a gate run
 * failed. */
static int run_gate(const dlv_options *o, const char *dir, dlv_outdir *od,
                    dlv_rows *rows, dlv_gate_run *g)
{
  char exe[PATH_MAX + 64], work[PATH_MAX + 8], log[PATH_MAX + 64], mode[64];
  gate_exe(dir, exe, sizeof exe);
  *g = (dlv_gate_run){0};
  if (o->no_gate || access(exe, X_OK) != 0) {
    snprintf(g->why_not, sizeof g->why_not, "%s",
             o->no_gate ? "--no-gate" : "dlv_gate is not built beside the "
                                        "checks");
    dlv_print_gate_line(rows, g);
    return 0;
  }
  g->ran = 1;
  snprintf(work, sizeof work, "%s/work", od->tmp);
  for (size_t k = 0; k <= o->n_backend; k++) {
    const char *backend = k == 0 ? NULL : o->backend[k - 1];
    size_t first = rows->n;
    char csv[PATH_MAX + 16], problem[160] = "";
    snprintf(csv, sizeof csv, "%s/%s.csv", work, DLV_GATE_CLAIM);
    unlink(csv); /* a run that writes none must not read the last one's */
    gate_log(od, k, log, sizeof log);
    int status = run_gate_once(o, exe, od, backend, log, g);
    read_evidence(work, DLV_GATE_CLAIM, k == 0 ? g->problem : problem,
                  sizeof problem, rows);
    if (k > 0)
      note_backend_run(rows, first, status, backend, o, od);
    if (dlv_matrix_read_log(&g->matrix, log) != 0) {
      dlv_out_abandon(od);
      die(EXIT_IO, "%s: cannot be read back", log);
    }
    g->n_backends++;
  }
  shard_mode(o, mode, sizeof mode);
  if (dlv_gate_note_exit(rows, g, o->seed, mode) != 0) {
    dlv_out_abandon(od);
    die(EXIT_IO, "out of memory recording the gate's exit");
  }
  dlv_print_gate_line(rows, g);
  if (o->n_backend > 0)
    dlv_print_backend_matrix(&g->matrix);
  return dlv_gate_failures(rows) > 0;
}

/* --merge: the reports' rows, and a result for each claim they hold
 * (o->selected filled in); prints the verdict table.  Returns 1 when
 * anything failed. */
static int merge_runs(dlv_options *o, dlv_outdir *od, dlv_claim_result *res,
                      dlv_rows *rows, dlv_gate_run *g, struct run_meta *meta)
{
  char err[PATH_MAX + 512], work[PATH_MAX + 8];
  make_work(od, work, sizeof work);
  int status = dlv_merge_reports(o->merge_dirs, o->n_merge, rows, err,
                                 sizeof err);
  if (status != 0) {
    dlv_out_abandon(od);
    die(status, "%s", err);
  }
  *g = (dlv_gate_run){.merged = (const char *const *)o->merge_dirs,
                      .n_merged = o->n_merge};
  snprintf(g->why_not, sizeof g->why_not, "%s",
           "none of the merged reports has gate rows");
  int failed = 0;
  for (size_t i = 0; i < o->n_merge; i++) {
    char path[PATH_MAX + 16], problem[PATH_MAX + 160] = "";
    snprintf(path, sizeof path, "%s/meta.csv", o->merge_dirs[i]);
    read_meta(path, meta, problem, sizeof problem);
    if (*problem) {
      dlv_out_abandon(od);
      die(EXIT_IO, "%s", problem);
    }
  }
  for (size_t i = 0; i < dlv_n_claims; i++) {
    dlv_filter fl = {.claim = dlv_claims[i].id};
    size_t n, nf;
    dlv_count(rows, &fl, &n, &nf);
    if (n == 0)
      continue;
    dlv_claim_result *r = &res[o->n_selected];
    o->selected[o->n_selected++] = &dlv_claims[i];
    *r = (dlv_claim_result){.info = &dlv_claims[i]};
    failed |= finish_result(r, rows);
  }
  if (rows->n > 0)
    o->seed = rows->rows[0].seed;
  dlv_print_gate_line(rows, g);
  return failed || dlv_gate_failures(rows) > 0;
}

/* The gate's failed rows, each with its failed case and shrunk repro. */
static void print_gate_failures(const dlv_rows *rows)
{
  char line[4096];
  size_t n = dlv_gate_failures(rows);
  if (n == 0)
    return;
  printf("\nkernel gate: %zu failed rows (logs/gate.log, and gate-K.log "
         "for the K-th --backend, have each failure in full)\n", n);
  for (size_t j = 0; j < rows->n; j++)
    if (dlv_is_gate_row(&rows->rows[j]) && !rows->rows[j].ok) {
      dlv_describe_row(&rows->rows[j], line, sizeof line);
      printf("  %s\n", line);
    }
}

/* The failed rows of each failed claim and its repro lines. */
static void print_failures(const dlv_claim_result *res, size_t n,
                           const dlv_rows *rows, const dlv_run_info *run)
{
  char line[4096], ctest[8600], dlv[8600];
  for (size_t i = 0; i < n; i++) {
    const dlv_claim_result *c = &res[i];
    if (!dlv_claim_failed(c))
      continue;
    printf("\n%s: %s, %zu failed rows, check exit status %d %s\n",
           c->info->id, c->verdict, c->failed, c->exit_status, c->problem);
    size_t k = 0;
    for (size_t j = 0; j < rows->n; j++) {
      const dlv_row *r = &rows->rows[j];
      if (strcmp(r->claim, c->info->id) != 0 || r->ok)
        continue;
      if (k++ < FAILED_ROWS_SHOWN) {
        dlv_describe_row(r, line, sizeof line);
        printf("  %s\n", line);
      }
    }
    if (k > FAILED_ROWS_SHOWN)
      printf("  ... and %zu more failed rows (index.html)\n",
             k - FAILED_ROWS_SHOWN);
    dlv_repro(run, c->info, ctest, dlv, sizeof ctest);
    printf("  repro: %s\n     or: %s\n", ctest, dlv);
  }
  print_gate_failures(rows);
}

/* The regressions against the baseline on the terminal; returns their
 * number. */
static size_t print_regressions(const dlv_run_info *run, const dlv_rows *rows)
{
  if (run->baseline->dir == NULL)
    return 0;
  size_t nf, gr;
  dlv_filter all = {0};
  dlv_regressions(run, rows, &all, &nf, &gr);
  printf("against %s: %zu new failures, %zu rows whose err/bound grew more "
         "than %gx, %zu baseline rows without a match\n",
         run->baseline->dir, nf, gr, DLV_GROWTH, run->baseline->unmatched);
  if (dlv_baseline_other_seed(run->baseline, run->seed))
    printf("note: the baseline was run with another seed than %lu; rows "
           "drawn from random data are not comparable\n", run->seed);
  return nf + gr;
}

static void command_line(int argc, char **argv, char *cmd, size_t cmdlen)
{
  size_t len = 0;
  cmd[0] = '\0';
  for (int i = 0; i < argc && len < cmdlen; i++)
    len += (size_t)snprintf(cmd + len, cmdlen - len, "%s%s", i ? " " : "",
                            argv[i]);
}

static void this_exe(char *exe, size_t size)
{
  ssize_t len = readlink("/proc/self/exe", exe, size - 1);
  snprintf(exe + (len > 0 ? len : 0), size - (size_t)(len > 0 ? len : 0),
           "%s", len > 0 ? "" : "dlverify");
}

/* Options, environment, claims; exits on usage errors, --help, --list. */
static void setup(int argc, char **argv, dlv_options *o, char *dir,
                  size_t dirlen)
{
  char err[512];
  if (dlv_parse_options(argc, argv, o, err, sizeof err) != 0)
    usage_error("%s", err);
  if (o->help) {
    usage(stdout);
    exit(EXIT_HELD);
  }
  dlv_env env;
  if (dlv_env_read(&env, err, sizeof err) != 0)
    usage_error("%s", err);
  if (!o->seed_given)
    o->seed = env.seed;
  if (o->fail_on_regression && o->baseline == NULL)
    usage_error("--fail-on-regression needs --baseline DIR");
  check_dir(&env, dir, dirlen);
  if (o->list) {
    list_claims(dir);
    exit(EXIT_HELD);
  }
  if (o->merge)
    return; /* runs nothing */
  select_claims(o, dir);
  char exe[PATH_MAX + 64];
  gate_exe(dir, exe, sizeof exe);
  if ((o->gate_long || o->n_gate_family || o->shard || o->n_backend) &&
      access(exe, X_OK) != 0)
    die(EXIT_USAGE, "a gate option, but %s is not built", exe);
  backends_usable(o, exe);
  if (o->n_gate_family && !gate_families_known(o, exe))
    usage_error("--gate-family: a family dlv_gate does not have "
                "(`%s --list` lists them)", exe);
}

/* Plots and files into the temporary directory, then the swap.  Each
 * figure's gnuplot script, its data inline, and its SVG stay in plots/:
 * what a figure draws can be read (and recounted) there. */
static void write_out(dlv_outdir *od, const dlv_claim_result *res, size_t n,
                      const dlv_rows *rows, const dlv_run_info *run)
{
  char work[PATH_MAX + 8], plot_dir[PATH_MAX + 8], plot_log[PATH_MAX + 32],
      err[PATH_MAX + 256];
  snprintf(work, sizeof work, "%s/work", od->tmp);
  snprintf(plot_dir, sizeof plot_dir, "%s/plots", od->tmp);
  snprintf(plot_log, sizeof plot_log, "%s/logs/gnuplot.log", od->tmp);
  if (mkdir(plot_dir, 0777) != 0) {
    dlv_out_abandon(od);
    die(EXIT_IO, "%s: %s", plot_dir, strerror(errno));
  }
  dlv_plots plots;
  dlv_make_plots(rows, plot_dir, plot_log, &plots);
  stop_if_interrupted(od);
  int status = dlv_write_report(od->tmp, res, n, rows, &plots, run, err,
                                sizeof err);
  if (*plots.skipped)
    printf("plots skipped: %s\n", plots.skipped);
  dlv_plots_free(&plots);
  if (status == 0 && dlv_remove_tree(work) != 0) {
    snprintf(err, sizeof err, "%s: %s", work, strerror(errno));
    status = -1;
  }
  stop_if_interrupted(od);
  if (status != 0) {
    dlv_out_abandon(od);
    die(EXIT_IO, "%s; the previous report is unchanged", err);
  }
  status = dlv_out_commit(od, err, sizeof err);
  if (status != 0)
    die(status, "%s", err);
}

int main(int argc, char **argv)
{
  dlv_options o;
  char dir[PATH_MAX], out[PATH_MAX], err[PATH_MAX + 256];
  setup(argc, argv, &o, dir, sizeof dir);
  dlv_baseline base = {0};
  if (o.baseline && dlv_baseline_load(o.baseline, &base, err, sizeof err))
    die(EXIT_USAGE, "%s", err);
  snprintf(out, sizeof out, "%s", o.out ? o.out : DLV_BINARY_DIR "/report");
  dlv_outdir od;
  int status = dlv_out_prepare(out, &od, err, sizeof err);
  if (status != 0)
    die(status, "%s", err);
  install_signals();

  dlv_claim_result res[32];
  dlv_rows rows = {0};
  dlv_gate_run gate;
  struct run_meta meta = {.have = 0};
  int failed;
  if (o.merge) {
    failed = merge_runs(&o, &od, res, &rows, &gate, &meta);
  } else {
    failed = run_claims(&o, dir, &od, res, &rows, &meta);
    failed |= run_gate(&o, dir, &od, &rows, &gate); /* after the claims */
  }
  if (o.baseline && dlv_baseline_compare(&base, &rows) != 0) {
    dlv_out_abandon(&od);
    die(EXIT_IO, "out of memory comparing with the baseline");
  }
  char cmd[1024], exe[PATH_MAX];
  command_line(argc, argv, cmd, sizeof cmd);
  this_exe(exe, sizeof exe);
  dlv_run_info run = {o.seed, dlv_env_get(), meta.have ? &meta.first : NULL,
                      meta.differs, "", cmd, DLV_BINARY_DIR, exe, &base,
                      &gate};
  time_t now = time(NULL);
  strftime(run.date, sizeof run.date, "%Y-%m-%d %H:%M:%S UTC", gmtime(&now));
  write_out(&od, res, o.n_selected, &rows, &run);
  print_failures(res, o.n_selected, &rows, &run);
  size_t regressions = print_regressions(&run, &rows);
  printf("report: %s/index.html\n", od.target);
  dlv_rows_free(&rows);
  dlv_matrix_free(&gate.matrix);
  dlv_baseline_free(&base);
  return failed || (o.fail_on_regression && regressions) ? EXIT_FAILED
                                                         : EXIT_HELD;
}
