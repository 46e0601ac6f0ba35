/* options.c: dlverify's command line (see options.h). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "options.h"

static int parse_seed(const char *s, unsigned long *seed)
{
  char *end;
  errno = 0;
  unsigned long v = strtoul(s, &end, 10);
  if (*s == '\0' || *s == '-' || *end != '\0' || errno != 0)
    return -1;
  *seed = v;
  return 0;
}

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

/* The parser proper; dlv_parse_options makes its message one line. */
static int parse(int argc, char **argv, dlv_options *o, char *err,
                 size_t errlen)
{
  static const struct option longopts[] = {
      {"claim", required_argument, NULL, 'c'},
      {"seed", required_argument, NULL, 's'},
      {"out", required_argument, NULL, 'o'},
      {"list", no_argument, NULL, 'l'},
      {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0}};
  *o = (dlv_options){.seed = DLV_DEFAULT_SEED, .out = DLV_DEFAULT_OUT};
  opterr = 0;
  optind = 0; /* GNU getopt: start afresh, so the parser can run again */
  int opt;
  while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1)
    switch (opt) {
    case 'c':
      if (select_claim(o, optarg) != 0) {
        snprintf(err, errlen, "--claim %s: unknown claim", optarg);
        return 2;
      }
      break;
    case 's':
      if (parse_seed(optarg, &o->seed) != 0) {
        snprintf(err, errlen, "--seed %s: not a decimal unsigned integer",
                 optarg);
        return 2;
      }
      break;
    case 'o':
      if (*optarg == '\0') {
        snprintf(err, errlen, "--out: empty directory name");
        return 2;
      }
      o->out = optarg;
      break;
    case 'l': o->list = 1; break;
    case 'h': o->help = 1; break;
    default:
      snprintf(err, errlen, "%s: %s", argv[optind - 1],
               optopt ? "missing argument" : "unknown option");
      return 2;
    }
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
