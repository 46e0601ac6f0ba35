/* t_proc.c: dlv_run's contract (proc.h), one promise per test, with sh as
 * the program: stdout to a file TRUNCATED first (a shorter second output
 * leaves nothing of the first), stderr APPENDED to its file (or into
 * stdout's when none), stdin from a file or /dev/null, the environment
 * given, the exit status as the program's (127 when it cannot be executed,
 * DLV_PROC_NO_OUTPUT when its output file cannot be opened), and -1 with
 * the reason for a signal or the time limit. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "proc.h"

static char dir[] = "/tmp/t_proc_XXXXXX";
static char out[64], err[64], in[64];

/* Runs `sh -c script` with out and err (NULL: not redirected) and env. */
static int sh(const char *script, const char *o, const char *e,
              const char *const *env, int timeout_s, char *problem)
{
  const char *argv[] = {"sh", "-c", script, NULL};
  dlv_proc p = {argv, env, NULL, o, e, timeout_s};
  return dlv_run(&p, problem, 160);
}

/* The whole of file path (at most 255 bytes). */
static const char *contents(const char *path)
{
  static char buf[256];
  FILE *f = fopen(path, "r");
  assert_non_null(f);
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  buf[n] = '\0';
  fclose(f);
  return buf;
}

static int setup(void **state)
{
  (void)state;
  if (mkdtemp(dir) == NULL)
    return -1;
  snprintf(out, sizeof out, "%s/out", dir);
  snprintf(err, sizeof err, "%s/err", dir);
  snprintf(in, sizeof in, "%s/in", dir);
  return 0;
}

static int teardown(void **state)
{
  (void)state;
  unlink(out), unlink(err), unlink(in);
  return rmdir(dir);
}

static void stdout_truncated_stderr_appended(void **state)
{
  (void)state;
  char problem[160];
  assert_int_equal(sh("echo a long first line; echo e1 >&2", out, err, NULL,
                      10, problem), 0);
  assert_int_equal(sh("echo two; echo e2 >&2", out, err, NULL, 10, problem),
                   0);
  assert_string_equal(contents(out), "two\n");
  assert_string_equal(contents(err), "e1\ne2\n");
  assert_string_equal(problem, "");
  assert_int_equal(sh("echo o; echo e >&2", out, NULL, NULL, 10, problem), 0);
  assert_string_equal(contents(out), "o\ne\n");
}

static void input_and_environment(void **state)
{
  (void)state;
  char problem[160];
  FILE *f = fopen(in, "w");
  assert_non_null(f);
  fputs("from the file\n", f);
  fclose(f);
  const char *argv[] = {"sh", "-c", "cat; echo \"$DLV_T_PROC\"", NULL};
  const char *env[] = {"DLV_T_PROC=given", NULL};
  dlv_proc p = {argv, env, in, out, NULL, 10};
  assert_int_equal(dlv_run(&p, problem, sizeof problem), 0);
  assert_string_equal(contents(out), "from the file\ngiven\n");
  p.in = NULL; /* /dev/null: cat ends at once */
  assert_int_equal(dlv_run(&p, problem, sizeof problem), 0);
  assert_string_equal(contents(out), "given\n");
}

static void exit_statuses(void **state)
{
  (void)state;
  char problem[160];
  assert_int_equal(sh("exit 3", out, NULL, NULL, 10, problem), 3);
  assert_string_equal(problem, "");
  const char *argv[] = {"/no/such/program", NULL};
  dlv_proc p = {argv, NULL, NULL, out, NULL, 10};
  assert_int_equal(dlv_run(&p, problem, sizeof problem), 127);
  assert_non_null(strstr(problem, "could not execute"));
  char bad[96];
  snprintf(bad, sizeof bad, "%s/no/such/dir/out", dir);
  assert_int_equal(sh("echo x", bad, NULL, NULL, 10, problem),
                   DLV_PROC_NO_OUTPUT);
  assert_non_null(strstr(problem, "could not open"));
}

static void signal_and_time_limit(void **state)
{
  (void)state;
  char problem[160];
  assert_int_equal(sh("kill -s SEGV $$", out, NULL, NULL, 10, problem), -1);
  assert_non_null(strstr(problem, "killed by signal 11"));
  assert_int_equal(sh("exec sleep 30", out, NULL, NULL, 1, problem), -1);
  assert_non_null(strstr(problem, "timed out after 1 s"));
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(stdout_truncated_stderr_appended),
      cmocka_unit_test(input_and_environment),
      cmocka_unit_test(exit_statuses),
      cmocka_unit_test(signal_and_time_limit),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
