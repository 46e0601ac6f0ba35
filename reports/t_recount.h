/* t_recount.h: what the parts of t_report_recount share (the rules they
 * recount by are in t_report_recount.c's header comment): reading a
 * report's files and the page's cells, reporting a disagreement, and the
 * rules on rows (gate, own, must hold, the worst err/bound, groups, the
 * verdict), written apart from the program's code. */
#ifndef DLV_T_RECOUNT_H
#define DLV_T_RECOUNT_H

#include <stddef.h>

#include "evidence.h"

enum { MAX_FIELDS = 16 };

typedef char field[DLV_CSV_FIELD_MAX];

/* realloc(p, bytes), exiting with status 2 when memory runs out. */
void *recount_realloc(void *p, size_t bytes);

/* Prints "dir: line: what" and counts a disagreement. */
void problem(const char *dir, const char *line, const char *what);

int is_gate(const dlv_row *r);
/* Lists of names, each between bars ("|P1|P4a|"): appends one; whether
 * one is listed; the next name after at into name, and the text after
 * it (NULL at the list's end). */
void list_add(char *list, size_t size, const char *name);
int listed(const char *list, const char *name);
const char *list_next(const char *at, char *name, size_t size);

/* dlverify's own rows: no backend named, or the claims' or the builtin. */
int own(const dlv_row *r);
/* Accuracy and claim rows. */
int must_hold(const dlv_row *r);
/* Whether err/bound r is worse than the worst so far, w (the first row's
 * taken as it is): larger, or NaN; a NaN worst stays. */
int worse(double r, double w, int first);
/* Equal, or both NaN. */
int same_double(double a, double b);
/* Rows alike in claim, check, quantity, dtype, bound name, role, kernel,
 * variant and backend: one group row of the page. */
int same_group(const dlv_row *r, const dlv_row *g);
/* The anchor of r's group on the page: the index of its first row. */
size_t anchor_of(const dlv_rows *rows, const dlv_row *r);
/* The groups of gate rows: the gate's entries (one row per shard). */
size_t gate_groups(const dlv_rows *rows);
/* The cases a gate row counts: its shape's leading "cases=N"; else 0. */
unsigned long gate_cases(const dlv_row *r);
/* An err/bound as shown: six digits, or 17 when six would put it on the
 * other side of 1 (0.9999999 is not shown as 1). */
void ratio_text(char *buf, size_t size, double ratio);

enum { V_INCONCLUSIVE, V_REFUTED, V_QUALIFIED, V_ERRATUM, V_CONFIRMED };
extern const char *const verdict_word[];
extern const char *const verdict_class[];
/* The claim's verdict by evidence.h's rules. */
int verdict_of(const dlv_rows *rows, const char *claim);
/* Rows of the claim not ok. */
size_t failed_rows(const dlv_rows *rows, const char *claim);
/* A claim failed by its evidence: a row not ok, or INCONCLUSIVE. */
int fails_by_evidence(const dlv_rows *rows, const char *claim);

/* The file at path whole, NUL-terminated (malloc'd), or NULL when it
 * cannot be opened. */
char *read_path(const char *path);
/* dir/name whole, NUL-terminated (malloc'd); exits 2 when unreadable. */
char *read_all(const char *dir, const char *name);
/* The same, or NULL when the file does not exist. */
char *read_if_any(const char *dir, const char *name);

/* The text of one cell from s to end, unescaped into out; 0 when it is
 * not escaped as html_text escapes. */
int cell_text(const char *s, const char *end, char *out, size_t size);
/* The k-th (from 0) "<td...>text</td>" of the table row at s: its text
 * (raw), its end in *text_end; NULL when there is none before row_end. */
const char *nth_cell(const char *s, const char *row_end, int k,
                     const char **text_end);
/* A number cell's value (its text may be a link: <a ...>x</a>). */
size_t cell_count(const char *text, const char *end);

/* The text of the run table's row named key (unescaped) into out: 1, or
 * 0 when the page has no such row. */
int run_table_row(const char *html, const char *key, char *out,
                  size_t size);

/* The comparison with the baseline the run table names (none: every
 * count 0): loads it for the rows now (kept until the next load); its
 * rows (NULL without); a row's flags (of now's rows); the totals. */
enum { NEW_FAILURE = 1, GROWN = 2 };
void baseline_load(const char *dir, const dlv_rows *now, const char *html);
void baseline_free(void);
const dlv_rows *baseline_rows(void);
unsigned baseline_flags(const dlv_row *r);
void baseline_totals(size_t *new_failures, size_t *grown);
/* The banner's totals, the baseline section, the terminal's line. */
void check_baseline_banner(const char *dir, const char *html);
void check_baseline_page(const char *dir, const char *html);
void check_baseline_terminal(const char *dir, const char *text);

/* The figures: every plots/plot-<id>.gp, and the figures on the page. */
void check_plots(const char *dir, const dlv_rows *rows, const char *html);
/* The backend matrix of the page against the gate logs' [matrix] lines. */
void check_backend_matrix(const char *dir, const dlv_rows *rows,
                          const char *html);
/* The terminal's backend matrix (text: the run's output) against the
 * gate logs' [matrix] lines. */
void check_terminal_matrix(const char *dir, const char *text);
/* The terminal output of the run (text) against the evidence, the gate
 * logs and the claims of summary.csv (claims: "|P1|P4a|"). */
void check_terminal(const char *dir, const dlv_rows *rows,
                    const char *claims, const char *text);

#endif
