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
} dlv_options;

/* Fills *o from argv.  Returns 0, or 2 (a usage error) with a one-line
 * message in err: an unknown option or claim, a missing or malformed
 * value, a single-valued option given twice, a stray argument. */
int dlv_parse_options(int argc, char **argv, dlv_options *o, char *err,
                      size_t errlen);

/* Replaces control characters (line breaks included) by '?', so that a
 * message quoting user input stays on one line. */
void dlv_one_line(char *s);

#endif
