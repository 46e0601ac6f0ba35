/* t_options.c: dlverify's command line (options.h) against each rule it
 * states, at the edges of every value's domain: --shard I/N with 0 <= I <
 * N (decimal, whole, no overflow), each claim by name and at most once,
 * --gate-family up to 32 times, --backend up to 16 distinct names
 * ("builtin" and repeats dropped) in at most its buffer, a single-valued
 * option twice, an empty value, a missing one, a stray argument, the
 * contradictions (--no-gate with a gate option, --merge with a run option
 * or without directories), and a message that stays on one line.  The
 * seed's own domain is the shared parser's (checks/t_env.c). */
#include <ctype.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "options.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define MAX_ARGS 80

static dlv_options opts;
static char err[512];

/* Parses the space-separated words of line (argv[0] "dlverify"). */
static int parse_line(const char *line)
{
  static char buf[8192];
  char *argv[MAX_ARGS];
  int argc = 0;
  argv[argc++] = "dlverify";
  snprintf(buf, sizeof buf, "%s", line);
  for (char *w = strtok(buf, " "); w != NULL; w = strtok(NULL, " ")) {
    assert_true(argc < MAX_ARGS);
    argv[argc++] = w;
  }
  err[0] = '\0';
  int status = dlv_parse_options(argc, argv, &opts, err, sizeof err);
  if (status != 0)
    assert_true(err[0] != '\0' && strchr(err, '\n') == NULL);
  return status;
}

typedef struct {
  const char *value;
  int ok;
  unsigned long i, n;
} shard_case;

static void shard_domain(void **state)
{
  (void)state;
  static const shard_case cases[] = {
      {"0/1", 1, 0, 1},   {"1/2", 1, 1, 2},
      {"6/7", 1, 6, 7},   {"0/18446744073709551615", 1, 0, ULONG_MAX},
      {"2/2", 0, 0, 0},   {"1/1", 0, 0, 0},
      {"3/2", 0, 0, 0},   {"0/0", 0, 0, 0},
      {"a/2", 0, 0, 0},   {"1/", 0, 0, 0},
      {"/2", 0, 0, 0},    {"1/2x", 0, 0, 0},
      {"-1/2", 0, 0, 0},  {"+1/2", 0, 0, 0},
      {"1", 0, 0, 0},     {"0/18446744073709551616", 0, 0, 0},
      {"1/2/3", 0, 0, 0},
  };
  for (size_t k = 0; k < COUNT(cases); k++) {
    char line[128];
    snprintf(line, sizeof line, "--shard %s", cases[k].value);
    int status = parse_line(line);
    if (status != (cases[k].ok ? 0 : 2))
      fail_msg("--shard %s: status %d (%s)", cases[k].value, status, err);
    if (cases[k].ok) {
      assert_int_equal(opts.shard_i, cases[k].i);
      assert_int_equal(opts.shard_n, cases[k].n);
    }
  }
  assert_int_equal(parse_line(""), 0);
  assert_int_equal(opts.shard_i, 0); /* without --shard: shard 0 of 1 */
  assert_int_equal(opts.shard_n, 1);
}

static void claims_by_name_once(void **state)
{
  (void)state;
  for (size_t k = 0; k < dlv_n_claims; k++) {
    char line[128];
    snprintf(line, sizeof line, "--claim %s --claim %s", dlv_claims[k].id,
             dlv_claims[k].id);
    assert_int_equal(parse_line(line), 0);
    assert_int_equal(opts.n_selected, 1);
    assert_ptr_equal(opts.selected[0], &dlv_claims[k]);
  }
  assert_int_equal(parse_line("--claim P9"), 2);
  assert_int_equal(parse_line("--claim"), 2); /* missing value */
}

/* --gate-family NAME n times. */
static int families(size_t n)
{
  char line[2048] = "";
  for (size_t i = 0; i < n; i++)
    strcat(line, "--gate-family f ");
  return parse_line(line);
}

static void repeatable_limits(void **state)
{
  (void)state;
  const size_t fmax = COUNT(opts.gate_family), bmax = COUNT(opts.backend);
  assert_int_equal(families(fmax), 0);
  assert_int_equal(opts.n_gate_family, fmax);
  assert_int_equal(families(fmax + 1), 2);
  char line[1024] = "--backend builtin";
  for (size_t i = 0; i < bmax; i++)
    snprintf(line + strlen(line), sizeof line - strlen(line), ",b%zu", i);
  strcat(line, ",b0 --backend b1,builtin");
  assert_int_equal(parse_line(line), 0);
  assert_int_equal(opts.n_backend, bmax); /* builtin and repeats dropped */
  assert_string_equal(opts.backend[bmax - 1], "b15");
  strcat(line, ",one-more");
  assert_int_equal(parse_line(line), 2);
  /* the names' buffer: full to its last byte, then one byte over */
  static char big[8192];
  size_t room = sizeof opts.backend_buf - 1;
  memcpy(big, "--backend ", 10);
  memset(big + 10, 'n', room);
  big[10 + room] = '\0';
  assert_int_equal(parse_line(big), 0);
  big[10 + room] = 'n', big[11 + room] = '\0';
  assert_int_equal(parse_line(big), 2);
}

/* Each of the n command lines is a usage error (status 2). */
static void all_refused(const char *const *lines, size_t n)
{
  for (size_t k = 0; k < n; k++)
    if (parse_line(lines[k]) != 2)
      fail_msg("'%s' accepted", lines[k]);
}

static void single_values_and_strays(void **state)
{
  (void)state;
  static const char *const bad[] = {
      "--out a --out b",     "--baseline a --baseline b",
      "--seed 1 --seed 1",   "--shard 0/1 --shard 0/1",
      "--out",               "--gate-family",
      "--no-such-option",    "-x",
      "stray",               "--claim P1 stray",
  };
  all_refused(bad, COUNT(bad));
  char *empty[] = {"dlverify", "--out", ""};
  assert_int_equal(dlv_parse_options(3, empty, &opts, err, sizeof err), 2);
  char *lines[] = {"dlverify", "two\nlines"};
  assert_int_equal(dlv_parse_options(2, lines, &opts, err, sizeof err), 2);
  assert_null(strchr(err, '\n'));
}

static void contradictions(void **state)
{
  (void)state;
  static const char *const bad[] = {
      "--no-gate --gate-long",       "--no-gate --gate-family f",
      "--no-gate --shard 0/2",       "--no-gate --backend openblas",
      "--merge",                     "--merge d --claim P1",
      "--merge d --seed 3",          "--merge d --no-gate",
      "--merge d --gate-long",       "--merge d --backend openblas",
  };
  all_refused(bad, COUNT(bad));
  assert_int_equal(parse_line("--no-gate --claim P1 --seed 3"), 0);
  assert_true(opts.no_gate && opts.seed_given && opts.seed == 3);
  assert_int_equal(parse_line("--merge d1 d2"), 0);
  assert_int_equal(opts.n_merge, 2);
  assert_string_equal(opts.merge_dirs[1], "d2");
}

/* A message stays one printable line: dlv_one_line replaces every control
 * character (the C locale's iscntrl: 0x01-0x1f and DEL 0x7f) and keeps
 * every other byte; an argument holding one reaches the message so. */
static void one_line_has_no_control_character(void **state)
{
  (void)state;
  for (int c = 1; c < 256; c++) {
    char s[4] = {'a', (char)c, 'b', '\0'};
    dlv_one_line(s);
    assert_true(s[0] == 'a' && s[2] == 'b');
    if (iscntrl(c))
      assert_int_equal((unsigned char)s[1], '?');
    else
      assert_int_equal((unsigned char)s[1], c);
    char arg[8] = {'P', (char)c, '9', '\0'};
    char *argv[] = {"dlverify", "--claim", arg, NULL};
    err[0] = '\0';
    assert_int_equal(dlv_parse_options(3, argv, &opts, err, sizeof err), 2);
    for (const char *e = err; *e; e++)
      assert_false(iscntrl((unsigned char)*e));
  }
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(shard_domain),
      cmocka_unit_test(claims_by_name_once),
      cmocka_unit_test(repeatable_limits),
      cmocka_unit_test(single_values_and_strays),
      cmocka_unit_test(contradictions),
      cmocka_unit_test(one_line_has_no_control_character),
  };
  return cmocka_run_group_tests_name("options", tests, NULL, NULL);
}
