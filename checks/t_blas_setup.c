/* t_blas_setup.c: OpenBLAS core detection (kernels/blas_setup.h) against
 * its stated rule: `better` is non-NULL exactly when the running core is
 * one of the six pre-AVX generic fallbacks (Prescott, Core2, Penryn,
 * Dunnington, Nehalem, Atom), and then names SkylakeX where the CPU has
 * AVX-512 F, CD, BW, DQ and VL, else Haswell where it has AVX2 and FMA;
 * `forced` says whether OPENBLAS_CORETYPE was set; and the re-execution
 * does nothing once the variable is set.
 *
 * OpenBLAS reads OPENBLAS_CORETYPE once, before main, so each core is
 * tried in a child: this program re-executed (argv[0]) with the variable
 * set or unset and a probe argument, its answer read from a pipe.  The
 * CPU's features are read here independently of blas_setup.c.  (Under
 * valgrind the children run natively: no --trace-children.) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cblas.h>
#include <cmocka.h>

#include "blas_setup.h"

static const char *self; /* this program's path (argv[0]) */

/* The core blas_setup.h says a generic core should be replaced by on this
 * CPU ("-": none). */
static const char *expected_better(void)
{
#if defined(__x86_64__) && defined(__GNUC__)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512cd") &&
      __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq") &&
      __builtin_cpu_supports("avx512vl"))
    return "SkylakeX";
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
    return "Haswell";
#endif
  return "-";
}

static const char *const generic_cores[] = {"Prescott", "Core2",   "Penryn",
                                            "Dunnington", "Nehalem", "Atom"};
enum { NGENERIC = sizeof generic_cores / sizeof generic_cores[0] };

static int is_generic(const char *core)
{
  for (size_t i = 0; i < NGENERIC; i++)
    if (strcmp(core, generic_cores[i]) == 0)
      return 1;
  return 0;
}

/* The probes a child runs (argv[1]); each prints one line and exits 0. */
static int probe(char **argv)
{
  if (strcmp(argv[1], "--core") == 0) { /* "core better forced cpu_best" */
    dlv_blas_core_info info;
    dlv_blas_core(&info);
    printf("%s %s %d %s\n", info.core ? info.core : "-",
           info.better ? info.better : "-", info.forced, expected_better());
    return 0;
  }
  if (strcmp(argv[1], "--reexec") != 0) {
    fprintf(stderr, "t_blas_setup: unknown probe %s (--core, --reexec)\n",
            argv[1]);
    return 2;
  }
  /* --reexec: "returned OPENBLAS_CORETYPE core" after the call returned */
  int r = dlv_blas_reexec_with_better_core(argv);
  const char *v = getenv("OPENBLAS_CORETYPE");
  printf("%d %s %s\n", r, v ? v : "-", openblas_get_corename());
  return 0;
}

/* Runs this program with the probe argument and OPENBLAS_CORETYPE = core
 * (NULL: unset); its line in out. */
static void run_probe(const char *arg, const char *core, char *out,
                      size_t len)
{
  int fd[2];
  assert_int_equal(pipe(fd), 0);
  fflush(NULL);
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    dup2(fd[1], STDOUT_FILENO);
    close(fd[0]);
    if (core != NULL)
      setenv("OPENBLAS_CORETYPE", core, 1);
    else
      unsetenv("OPENBLAS_CORETYPE");
    char *args[] = {(char *)self, (char *)arg, NULL};
    execv(self, args);
    _exit(127);
  }
  close(fd[1]);
  FILE *f = fdopen(fd[0], "r");
  assert_non_null(f);
  if (fgets(out, (int)len, f) == NULL)
    out[0] = '\0';
  fclose(f);
  int st;
  assert_int_equal(waitpid(pid, &st, 0), pid);
  if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
    fail_msg("probe %s (OPENBLAS_CORETYPE=%s) ended with status %d", arg,
             core ? core : "unset", st);
  out[strcspn(out, "\n")] = '\0';
}

/* The probe's "core better forced" for OPENBLAS_CORETYPE = core, against
 * the rule applied to the child's own CPU (under valgrind this process's
 * CPU is valgrind's, without AVX-512; the child's is the machine's). */
static void check_core(const char *core)
{
  char line[256], got_core[64], better[64], cpu_best[64];
  int forced;
  run_probe("--core", core, line, sizeof line);
  if (sscanf(line, "%63s %63s %d %63s", got_core, better, &forced,
             cpu_best) != 4)
    fail_msg("probe line '%s'", line);
  if (core != NULL && strcmp(got_core, core) != 0)
    fail_msg("OPENBLAS_CORETYPE=%s ran core %s", core, got_core);
  const char *want = is_generic(got_core) ? cpu_best : "-";
  if (strcmp(better, want) != 0 || forced != (core != NULL))
    fail_msg("core %s (OPENBLAS_CORETYPE %s): better %s forced %d, "
             "blas_setup.h says better %s forced %d",
             got_core, core ? core : "unset", better, forced, want,
             core != NULL);
}

static void each_generic_core_has_the_cpu_best(void **state)
{
  (void)state;
  for (size_t i = 0; i < NGENERIC; i++)
    check_core(generic_cores[i]);
}

static void other_cores_have_none(void **state)
{
  (void)state;
  const char *const others[] = {"Haswell", "SkylakeX", "Sandybridge", "Zen"};
  for (size_t i = 0; i < sizeof others / sizeof others[0]; i++)
    check_core(others[i]);
  check_core(NULL); /* the core OpenBLAS picks itself, not forced */
}

/* With OPENBLAS_CORETYPE set, nothing is re-executed: the call returns 0
 * and the variable and the core are the ones set. */
static void no_reexec_once_set(void **state)
{
  (void)state;
  for (size_t i = 0; i < NGENERIC; i++) {
    char line[256], want[128];
    run_probe("--reexec", generic_cores[i], line, sizeof line);
    snprintf(want, sizeof want, "0 %s %s", generic_cores[i], generic_cores[i]);
    assert_string_equal(line, want);
  }
}

int main(int argc, char **argv)
{
  if (argc == 2)
    return probe(argv);
  self = argv[0];
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(each_generic_core_has_the_cpu_best),
      cmocka_unit_test(other_cores_have_none),
      cmocka_unit_test(no_reexec_once_set),
  };
  return cmocka_run_group_tests_name("blas_setup", tests, NULL, NULL);
}
