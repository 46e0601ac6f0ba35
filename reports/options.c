/* options.c: dlverify's command line (see options.h). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* A decimal unsigned long, the whole of s. */
static int parse_ulong(const char *s, unsigned long *v)
{
  char *end;
  errno = 0;
  *v = strtoul(s, &end, 10);
  return *s >= '0' && *s <= '9' && *end == '\0' && errno == 0 ? 0 : -1;
}

int dlv_parse_shard(const char *s, unsigned long *i, unsigned long *n,
                    char *err, size_t errlen)
{
  const char *slash = strchr(s, '/');
  char head[32];
  if (slash == NULL || (size_t)(slash - s) >= sizeof head) {
    snprintf(err, errlen, "expected I/N (shard I of N, 0 <= I < N)");
    return -1;
  }
  snprintf(head, sizeof head, "%.*s", (int)(slash - s), s);
  if (parse_ulong(head, i) != 0 || parse_ulong(slash + 1, n) != 0 ||
      *n == 0 || *i >= *n) {
    snprintf(err, errlen, "expected I/N with 0 <= I < N, decimal");
    return -1;
  }
  return 0;
}

static int apply_shard(dlv_options *o, char *err, size_t errlen)
{
  if (set_once(&o->shard, "--shard", err, errlen) != 0)
    return 2;
  char why[96];
  if (dlv_parse_shard(optarg, &o->shard_i, &o->shard_n, why, sizeof why) == 0)
    return 0;
  snprintf(err, errlen, "--shard %s: %s", optarg, why);
  return 2;
}

static int add_gate_family(dlv_options *o, char *err, size_t errlen)
{
  size_t max = sizeof o->gate_family / sizeof o->gate_family[0];
  if (o->n_gate_family == max || *optarg == '\0') {
    snprintf(err, errlen, "--gate-family: %s", *optarg ? "too many"
                                                        : "empty value");
    return 2;
  }
  o->gate_family[o->n_gate_family++] = optarg;
  return 0;
}

/* Whether the backend b was given already. */
static int backend_given(const dlv_options *o, const char *b)
{
  for (size_t i = 0; i < o->n_backend; i++)
    if (strcmp(o->backend[i], b) == 0)
      return 1;
  return 0;
}

/* --backend LIST: each comma-separated name, copied into backend_buf. */
static int add_backends(dlv_options *o, char *err, size_t errlen)
{
  size_t max = sizeof o->backend / sizeof o->backend[0];
  size_t len = strlen(optarg);
  if (len == 0 || o->backend_len + len + 1 > sizeof o->backend_buf) {
    snprintf(err, errlen, "--backend: %s", len ? "too long" : "empty value");
    return 2;
  }
  char *copy = memcpy(o->backend_buf + o->backend_len, optarg, len + 1);
  o->backend_len += len + 1;
  for (char *b = strtok(copy, ","); b != NULL; b = strtok(NULL, ",")) {
    if (strcmp(b, "builtin") == 0 || backend_given(o, b))
      continue;
    if (o->n_backend == max) {
      snprintf(err, errlen, "--backend: more than %zu backends", max);
      return 2;
    }
    o->backend[o->n_backend++] = b;
  }
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
  case 'G': o->no_gate = 1; return 0;
  case 'L': o->gate_long = 1; return 0;
  case 'F': return add_gate_family(o, err, errlen);
  case 'S': return apply_shard(o, err, errlen);
  case 'B': return add_backends(o, err, errlen);
  case 'M': o->merge = 1; return 0;
  }
  return -1;
}

/* Options that cannot go together; 0, or 2 with a message. */
static int contradictions(const dlv_options *o, char *err, size_t errlen)
{
  int gate_option =
      o->gate_long || o->n_gate_family || o->shard || o->backend_len;
  const char *why = NULL;
  if (o->no_gate && gate_option)
    why = "--no-gate with --gate-long, --gate-family, --shard or --backend";
  else if (o->merge && o->n_merge == 0)
    why = "--merge needs the report directories to merge";
  else if (o->merge && (o->n_selected || o->seed_given || o->no_gate ||
                        gate_option))
    why = "--merge runs nothing: no --claim, --seed or gate option";
  if (why == NULL)
    return 0;
  snprintf(err, errlen, "%s", why);
  return 2;
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
      {"no-gate", no_argument, NULL, 'G'},
      {"gate-long", no_argument, NULL, 'L'},
      {"gate-family", required_argument, NULL, 'F'},
      {"shard", required_argument, NULL, 'S'},
      {"backend", required_argument, NULL, 'B'},
      {"merge", no_argument, NULL, 'M'},
      {NULL, 0, NULL, 0}};
  *o = (dlv_options){.shard_n = 1};
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
  if (optind < argc && !o->merge) {
    snprintf(err, errlen, "%s: unexpected argument", argv[optind]);
    return 2;
  }
  o->merge_dirs = argv + optind;
  o->n_merge = o->merge ? (size_t)(argc - optind) : 0;
  return contradictions(o, err, errlen);
}

int dlv_parse_options(int argc, char **argv, dlv_options *o, char *err,
                      size_t errlen)
{
  int status = parse(argc, argv, o, err, errlen);
  if (status != 0)
    dlv_one_line(err); /* arguments may hold line breaks (found by fuzzing) */
  return status;
}
