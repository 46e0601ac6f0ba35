/* env.c: strict parsers of the DLV_* environment variables (see env.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "env.h"

const dlv_env_var dlv_env_vars[] = {
    {"DLV_SEED", "seed of every random draw"},
    {"DLV_QUICK", "quick mode: the largest problem sizes capped"},
    {"DLV_MPFR_PREC", "precision of the MPFR references, bits"},
    {"DLV_GNUPLOT", "the gnuplot program that draws the plots"},
    {"DLV_CHECK_DIR", "where dlverify runs the checks from"},
    {"DLV_VERBOSE", "the checks print every row in their logs"},
    {"DLV_EVIDENCE_DIR", "where a check writes its evidence (dlverify "
                         "sets it for the checks it runs)"},
    {"DLV_GATE_LONG", "dlv_gate's long mode when 1 (dlverify sets it from "
                      "--gate-long for the gate it runs)"},
};
const size_t dlv_n_env_vars = sizeof dlv_env_vars / sizeof dlv_env_vars[0];

const char *dlv_env_effect(const char *name_value)
{
  size_t len = strcspn(name_value, "=");
  for (size_t i = 0; i < dlv_n_env_vars; i++)
    if (strlen(dlv_env_vars[i].name) == len &&
        strncmp(dlv_env_vars[i].name, name_value, len) == 0)
      return dlv_env_vars[i].effect;
  return NULL;
}

static int unset(const char *s) { return s == NULL || *s == '\0'; }

/* A decimal number of digits only (no sign, no blanks, no base prefix)
 * that fits an unsigned long; 0 or -1. */
static int parse_decimal(const char *s, unsigned long *v)
{
  if (*s < '0' || *s > '9')
    return -1;
  char *end;
  errno = 0;
  *v = strtoul(s, &end, 10);
  return *end == '\0' && errno == 0 ? 0 : -1;
}

int dlv_env_parse_seed(const char *s, unsigned long *v, char *err,
                       size_t errlen)
{
  *v = DLV_DEFAULT_SEED;
  if (unset(s) || parse_decimal(s, v) == 0)
    return 0;
  snprintf(err, errlen, "not a decimal unsigned integer");
  return -1;
}

int dlv_env_parse_quick(const char *s, int *v, char *err, size_t errlen)
{
  *v = !unset(s) && strcmp(s, "1") == 0;
  if (unset(s) || strcmp(s, "0") == 0 || strcmp(s, "1") == 0)
    return 0;
  snprintf(err, errlen, "must be 0 (off) or 1 (on)");
  return -1;
}

int dlv_env_parse_prec(const char *s, long *v, char *err, size_t errlen)
{
  unsigned long p;
  *v = DLV_PREC_MIN;
  if (unset(s))
    return 0;
  if (parse_decimal(s, &p) == 0 && p >= (unsigned long)DLV_PREC_MIN &&
      p <= (unsigned long)DLV_PREC_MAX) {
    *v = (long)p;
    return 0;
  }
  snprintf(err, errlen, "not a whole number of bits in [%ld, %ld]",
           DLV_PREC_MIN, DLV_PREC_MAX);
  return -1;
}

/* Runs one parser on getenv(name); on error, err = "NAME=value: why". */
#define PARSE_VAR(name, parser, out)                                         \
  do {                                                                       \
    const char *s_ = getenv(name);                                           \
    char why_[160];                                                          \
    if (parser(s_, (out), why_, sizeof why_) != 0) {                         \
      snprintf(err, errlen, "%s=%s: %s", name, s_, why_);                    \
      return -1;                                                             \
    }                                                                        \
  } while (0)

int dlv_env_read(dlv_env *e, char *err, size_t errlen)
{
  PARSE_VAR("DLV_SEED", dlv_env_parse_seed, &e->seed);
  PARSE_VAR("DLV_QUICK", dlv_env_parse_quick, &e->quick);
  PARSE_VAR("DLV_MPFR_PREC", dlv_env_parse_prec, &e->mpfr_prec);
  const char *gp = getenv("DLV_GNUPLOT"), *dir = getenv("DLV_CHECK_DIR");
  e->gnuplot = unset(gp) ? "gnuplot" : gp;
  e->check_dir = unset(dir) ? NULL : dir;
  return 0;
}

const dlv_env *dlv_env_get(void)
{
  static dlv_env env;
  static int done;
  if (!done) {
    char err[512];
    if (dlv_env_read(&env, err, sizeof err) != 0) {
      fprintf(stderr, "%s (a usage error)\n", err);
      exit(2);
    }
    done = 1;
  }
  return &env;
}
