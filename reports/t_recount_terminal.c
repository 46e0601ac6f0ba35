/* t_recount_terminal.c: t_report_recount's terminal (the rules in its
 * header comment): the lines dlverify printed for a run (its standard
 * output, in a file) against the run's evidence: each claim's line
 * (verdict, rows, failed rows, worst err/bound), the gate's line
 * (status, entries, cases, failed rows, worst err/bound and its entry),
 * each failed claim's heading (verdict, failed rows) over its rows not ok
 * (five, then how many more), the gate's failed rows; the baseline's
 * line (t_recount_baseline.c) and the backend matrix's
 * (t_recount_matrix.c) are recounted there. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "t_recount.h"

enum { FAILED_SHOWN = 5 };

/* The row of largest err/bound (a NaN the largest) among the rows that
 * must hold of a claim ("gate": the gate's), or NULL when there is none. */
static const dlv_row *worst_of(const dlv_rows *rows, const char *claim)
{
  const dlv_row *w = NULL;
  for (size_t i = 0; i < rows->n; i++) {
    const dlv_row *r = &rows->rows[i];
    if (!strcmp(r->claim, claim) && must_hold(r) &&
        worse(r->ratio, w ? w->ratio : 0.0, w == NULL))
      w = r;
  }
  return w;
}

/* A claim's line "ID VERDICT N rows F failed  max err/bound W": the
 * claim's verdict, rows, rows not ok and worst err/bound ("-" for a
 * claim without rows, 0 for one without a row that must hold). */
static void check_claim_line(const char *dir, const dlv_rows *rows,
                             const char *claim, const char *l)
{
  char verdict[32], shown[64], want[64] = "-";
  size_t n, f, count = 0;
  for (size_t i = 0; i < rows->n; i++)
    count += !strcmp(rows->rows[i].claim, claim);
  const dlv_row *w = worst_of(rows, claim);
  if (count)
    ratio_text(want, sizeof want, w ? w->ratio : 0.0);
  if (sscanf(l + strlen(claim), " %31s %zu rows %zu failed  max err/bound "
             "%63s", verdict, &n, &f, shown) != 4 ||
      strcmp(verdict, verdict_word[verdict_of(rows, claim)]) ||
      n != count || f != failed_rows(rows, claim) || strcmp(shown, want))
    problem(dir, claim, "terminal line's verdict, rows, failed rows or "
                        "err/bound differ from the evidence's");
}

/* The gate's line "gate held|FAILED N entries C cases F failed  max
 * err/bound W (entry)". */
static void check_gate_line(const char *dir, const dlv_rows *rows,
                            const char *l)
{
  char status[16], shown[64], entry[128], want[64] = "-";
  size_t n, f;
  unsigned long c, cases = 0;
  for (size_t i = 0; i < rows->n; i++)
    cases += gate_cases(&rows->rows[i]);
  const dlv_row *w = worst_of(rows, "gate");
  size_t failed = failed_rows(rows, "gate");
  if (w != NULL)
    ratio_text(want, sizeof want, w->ratio);
  if (sscanf(l, "gate %15s %zu entries %lu cases %zu failed  max err/bound "
             "%63s (%127[^)])", status, &n, &c, &f, shown, entry) != 6 ||
      strcmp(status, failed ? "FAILED" : "held") || n != gate_groups(rows) ||
      c != cases || f != failed || strcmp(shown, want) ||
      strcmp(entry, w ? w->check : "-"))
    problem(dir, "terminal gate line", "status, entries, cases, failed "
                                       "rows or worst err/bound differ");
}

/* The rows listed under a failure heading (at l, its next line on):
 * n rows not ok, FAILED_SHOWN at most when capped, then "... and K more
 * failed rows". */
static void check_listed(const char *dir, const char *what, const char *l,
                         size_t n, int capped)
{
  size_t listed = 0, more = 0;
  l += strcspn(l, "\n");
  while (*l == '\n' && strncmp(l + 1, "  FAILED ", 9) == 0)
    listed++, l += 1 + strcspn(l + 1, "\n");
  if (*l == '\n')
    sscanf(l + 1, "  ... and %zu more failed rows", &more);
  size_t want = capped && n > FAILED_SHOWN ? FAILED_SHOWN : n;
  if (listed != want || more != n - want)
    problem(dir, what, "terminal: the rows not ok are not those listed and "
                       "counted");
}

/* A failed claim's heading "ID: VERDICT, N failed rows, check exit
 * status ...": the claim's verdict and rows not ok, listed below. */
static void check_heading(const char *dir, const dlv_rows *rows,
                          const char *claim, const char *l)
{
  char verdict[32];
  size_t n;
  if (sscanf(l + strlen(claim), ": %31[^,], %zu failed rows", verdict,
             &n) != 2 ||
      strcmp(verdict, verdict_word[verdict_of(rows, claim)]) ||
      n != failed_rows(rows, claim))
    problem(dir, claim, "terminal failure heading's verdict or failed rows "
                        "differ from the evidence's");
  check_listed(dir, claim, l, failed_rows(rows, claim), 1);
}

/* The gate's heading "kernel gate: N failed rows (...)": its rows not
 * ok, every one listed below. */
static void check_gate_heading(const char *dir, const dlv_rows *rows,
                               const char *l)
{
  size_t n = 0, failed = failed_rows(rows, "gate");
  if (sscanf(l, "kernel gate: %zu failed rows", &n) != 1 || n != failed)
    problem(dir, "terminal", "the gate's failed rows differ");
  check_listed(dir, "kernel gate", l, failed, 0);
}

/* The claim a line starts with ("ID " or "ID: "), into claim; 0 when it
 * starts with none of the run's. */
static int claim_at(const char *l, const char *claims, char *claim,
                    size_t size)
{
  size_t n = strcspn(l, " :\n");
  snprintf(claim, size, "%.*s", (int)n, l);
  return n > 0 && listed(claims, claim);
}

void check_terminal(const char *dir, const dlv_rows *rows,
                    const char *claims, const char *text)
{
  char claim[64], lines[4096] = "", heads[4096] = "";
  int gate_line = 0, gate_head = 0;
  for (const char *l = text; *l; l += strcspn(l, "\n"), l += *l == '\n') {
    if (!strncmp(l, "gate ", 5) && strncmp(l, "gate not", 8)) {
      check_gate_line(dir, rows, l);
      gate_line++;
    } else if (!strncmp(l, "kernel gate: ", 13)) {
      check_gate_heading(dir, rows, l);
      gate_head++;
    } else if (claim_at(l, claims, claim, sizeof claim)) {
      int head = l[strlen(claim)] == ':';
      list_add(head ? heads : lines, sizeof lines, claim);
      (head ? check_heading : check_claim_line)(dir, rows, claim, l);
    }
  }
  for (const char *at = claims; (at = list_next(at, claim, sizeof claim));) {
    if (!listed(lines, claim))
      problem(dir, claim, "terminal: no line for the claim");
    if (fails_by_evidence(rows, claim) && !listed(heads, claim))
      problem(dir, claim, "terminal: failed by its evidence, no heading");
  }
  if (gate_line != (gate_groups(rows) > 0))
    problem(dir, "terminal", "a gate line exactly when the gate has rows: "
                             "not so");
  if (gate_head != (failed_rows(rows, "gate") > 0))
    problem(dir, "terminal", "the gate's failed rows listed exactly when "
                             "there are some: not so");
  check_terminal_matrix(dir, text);
}
