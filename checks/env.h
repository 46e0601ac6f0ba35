/* env.h: the one parser of each DLV_* environment variable, shared by
 * dlverify, the claim checks and the MPFR references, so that what ran is
 * what the report says.  No cmocka, no MPFR.
 *
 * Accepted values (anything else is a usage error, exit status 2):
 *   DLV_SEED       decimal unsigned integer (no sign, no blanks, fits an
 *                  unsigned long); unset or empty: DLV_DEFAULT_SEED.
 *   DLV_QUICK      "0" (off) or "1" (on); unset or empty: off.  Words such
 *                  as "no" or "false" are rejected, never read as "on".
 *   DLV_MPFR_PREC  decimal integer in [DLV_PREC_MIN, DLV_PREC_MAX] bits;
 *                  unset or empty: DLV_PREC_MIN.
 *   DLV_GNUPLOT    the gnuplot program (path or name); unset or empty:
 *                  "gnuplot" in PATH.
 *   DLV_CHECK_DIR  where dlverify finds the checks; unset or empty: beside
 *                  dlverify.
 *   DLV_VERBOSE    set (any value): the checks print every row. */
#ifndef DLV_ENV_H
#define DLV_ENV_H

#include <stddef.h>

#define DLV_DEFAULT_SEED 20261128UL
#define DLV_PREC_MIN 256L
#define DLV_PREC_MAX (1L << 20)

typedef struct {
  unsigned long seed;
  int quick;
  long mpfr_prec;
  const char *gnuplot;   /* never NULL */
  const char *check_dir; /* NULL: beside dlverify */
} dlv_env;

/* Each parser takes the variable's text (NULL: unset) and returns 0 with
 * the value, or -1 with a one-line reason in err (errlen bytes). */
int dlv_env_parse_seed(const char *s, unsigned long *v, char *err,
                       size_t errlen);
int dlv_env_parse_quick(const char *s, int *v, char *err, size_t errlen);
int dlv_env_parse_prec(const char *s, long *v, char *err, size_t errlen);

/* Reads every variable above from the environment.  Returns 0, or -1 with
 * "NAME=value: reason" in err. */
int dlv_env_read(dlv_env *e, char *err, size_t errlen);

/* The environment as read once by dlv_env_read; an invalid value prints
 * "NAME=value: reason" on stderr and exits with status 2. */
const dlv_env *dlv_env_get(void);

/* The DLV_* variables the programs read, with what each one changes. */
typedef struct {
  const char *name;
  const char *effect;
} dlv_env_var;
extern const dlv_env_var dlv_env_vars[];
extern const size_t dlv_n_env_vars;

/* The effect of the variable NAME (the part of "NAME=value" before '='),
 * or NULL when no program of the project reads it. */
const char *dlv_env_effect(const char *name_value);

#endif
