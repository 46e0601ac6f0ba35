/* options.c: dlverify's command line (see options.h). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "env.h"
#include "options.h"

/* Adds the claim named id once; -1 if no claim has that name. */
static int select_claim(dlv_options *o, const char *id)
{
  const dlv_claim_info *c = dlv_find_claim(id);
  if (c == NULL)
    return -1;
  for (size_t i = 0; i < o->n_selected; i++)
    if (o->selected[i] == c)
      return 0;
  o->selected[o->n_selected++] = c;
  return 0;
}

void dlv_one_line(char *s)
{
  for (; *s; s++)
    if ((unsigned char)*s < 0x20 || *s == 0x7f)
      *s = '?';
}

/* Sets a single-valued option once; 2 with a message the second time. */
static int set_once(const char **slot, const char *name, char *err,
                    size_t errlen)
{
  if (*slot != NULL) {
    snprintf(err, errlen, "%s given twice (it takes one value)", name);
    return 2;
  }
  if (*optarg == '\0') {
    snprintf(err, errlen, "%s: empty value", name);
    return 2;
  }
  *slot = optarg;
  return 0;
}

/* One option's effect; 0, or 2 with a message. */
static int apply(int opt, dlv_options *o, const char **seed, char *err,
                 size_t errlen)
{
  switch (opt) {
  case 'c':
    if (select_claim(o, optarg) == 0)
      return 0;
    snprintf(err, errlen, "--claim %s: unknown claim", optarg);
    return 2;
  case 's': {
    if (set_once(seed, "--seed", err, errlen) != 0)
      return 2;
    char why[160];
    if (dlv_env_parse_seed(optarg, &o->seed, why, sizeof why) == 0)
      return 0;
    snprintf(err, errlen, "--seed %s: %s", optarg, why);
    return 2;
  }
  case 'o': return set_once(&o->out, "--out", err, errlen);
  case 'b': return set_once(&o->baseline, "--baseline", err, errlen);
  case 'r': o->fail_on_regression = 1; return 0;
  case 'l': o->list = 1; return 0;
  case 'h': o->help = 1; return 0;
  }
  return -1;
}

/* The parser proper; dlv_parse_options makes its message one line. */
static int parse(int argc, char **argv, dlv_options *o, char *err,
                 size_t errlen)
{
  static const struct option longopts[] = {
      {"claim", required_argument, NULL, 'c'},
      {"seed", required_argument, NULL, 's'},
      {"out", required_argument, NULL, 'o'},
      {"baseline", required_argument, NULL, 'b'},
      {"fail-on-regression", no_argument, NULL, 'r'},
      {"list", no_argument, NULL, 'l'},
      {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0}};
  *o = (dlv_options){.seed = 0};
  const char *seed = NULL;
  opterr = 0;
  optind = 0; /* GNU getopt: start afresh, so the parser can run again */
  int opt;
  while ((opt = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
    int status = apply(opt, o, &seed, err, errlen);
    if (status == 0)
      continue;
    if (status < 0)
      snprintf(err, errlen, "%s: %s", argv[optind - 1],
               opt == ':' ? "missing argument" : "unknown option");
    return 2;
  }
  o->seed_given = seed != NULL;
  if (optind < argc) {
    snprintf(err, errlen, "%s: unexpected argument", argv[optind]);
    return 2;
  }
  return 0;
}

int dlv_parse_options(int argc, char **argv, dlv_options *o, char *err,
                      size_t errlen)
{
  int status = parse(argc, argv, o, err, errlen);
  if (status != 0)
    dlv_one_line(err); /* arguments may hold line breaks (found by fuzzing) */
  return status;
}
