/* options.h: dlverify's command line, parsed without side effects (no
 * exit, no output) so that the parser can be tested and fuzzed. */
#ifndef DLV_OPTIONS_H
#define DLV_OPTIONS_H

#include <stddef.h>

#include "claims.h"

typedef struct {
  const dlv_claim_info *selected[32]; /* each claim at most once */
  size_t n_selected;
  unsigned long seed;
  int seed_given;           /* --seed given (else DLV_SEED or default) */
  const char *out;          /* NULL: the build directory's report/ */
  const char *baseline;     /* NULL: no comparison */
  int fail_on_regression;
  int list, help;
  /* The kernel gate (dlv_gate), run beside the claim checks: */
  int no_gate;                  /* --no-gate */
  int gate_long;                /* --gate-long */
  const char *gate_family[32];  /* --gate-family NAME (repeatable) */
  size_t n_gate_family;
  const char *shard;            /* --shard I/N as given, or NULL */
  unsigned long shard_i, shard_n; /* 0 and 1 without --shard */
  /* --backend B (repeatable, or a comma-separated list): the gate also
   * runs through each backend B (a built-in name or a plugin's path),
   * after its run through the builtin; the names point into backend_buf
   * (each at most once, "builtin" dropped: it always runs). */
  const char *backend[16];
  size_t n_backend;
  char backend_buf[4096];
  size_t backend_len;
  /* --merge: the report directories to merge (the positional arguments) */
  int merge;
  char **merge_dirs;
  size_t n_merge;
} dlv_options;

/* Parses "I/N" (decimal, 0 <= I < N); 0, or -1 with a reason in err. */
int dlv_parse_shard(const char *s, unsigned long *i, unsigned long *n,
                    char *err, size_t errlen);

/* Fills *o from argv.  Returns 0, or 2 (a usage error) with a one-line
 * message in err: an unknown option or claim, a missing or malformed
 * value, a single-valued option given twice, a stray argument (one that
 * is not a directory to --merge), options that contradict each other
 * (--no-gate with a gate option, --backend included; --merge with an
 * option that runs
 * checks, or without a directory). */
int dlv_parse_options(int argc, char **argv, dlv_options *o, char *err,
                      size_t errlen);

/* Replaces control characters (line breaks included) by '?', so that a
 * message quoting user input stays on one line. */
void dlv_one_line(char *s);

#endif
